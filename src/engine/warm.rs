//! Warm-ahead: a tier's model loaded in the background before it is asked (the cursor
//! rests on a request line), so the answer does not wait for a cold load. Only when
//! loading needs no consent (the VRAM guard would let it through without asking, or it
//! is off), only for Ollama (an OpenAI-compatible server loads what it serves), and at
//! most once per model in `WARM_AGAIN_AFTER`. A warm-up is counted for `status` and, with
//! `log.decisions`, leaves a line (`warm_up: true`) in the decision log.

use std::time::{Duration, Instant};

use tracing::{debug, info};

use crate::config::BackendKind;
use crate::engine::vram::GuardDecision;

use super::decisions::{self, Decision};
use super::router::{keep_alive, Engine};
use super::tier::Tier;

/// A model warmed (or tried) is not warmed again for this long.
pub const WARM_AGAIN_AFTER: Duration = Duration::from_secs(180);

/// The most a residency probe may take before warming.
const PROBE_LIMIT: Duration = Duration::from_secs(2);

/// What a warm-ahead did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WarmAhead {
    /// The model was loaded.
    Warmed,
    /// Nothing was loaded, and why.
    Skipped(String),
    /// The preload failed (only logged: the request itself reports problems).
    Failed(String),
}

impl Engine {
    /// Loads `tier`'s model ahead of a request where that needs nobody's consent.
    pub async fn warm_ahead(&self, tier: Tier) -> WarmAhead {
        let skipped = |why: &str| WarmAhead::Skipped(why.to_string());
        if !self.config().router.warm_ahead {
            return skipped("router.warm_ahead = false");
        }
        let t = self.config().tiers.get(tier).clone();
        let Ok(backend) = self.backend(&t.backend, t.connect_timeout_s) else {
            return skipped("the backend cannot be used");
        };
        if backend.kind() != BackendKind::Ollama {
            return skipped("not an Ollama backend: it loads what it serves");
        }
        if self
            .probes()
            .resident(&t.backend, &backend, &t.model, PROBE_LIMIT)
            .await
        {
            return skipped("already resident");
        }
        if let GuardDecision::Ask { .. } = self.guard_decision(tier, &t.model).await {
            return skipped("loading needs consent (VRAM guard)");
        }
        if !self.counters.claim_warm_up(&t.model, WARM_AGAIN_AFTER) {
            return skipped("warmed a short while ago");
        }
        let keep = keep_alive(backend.kind(), &t);
        let limit = Duration::from_secs(t.first_token_timeout_s);
        let started = Instant::now();
        match tokio::time::timeout(limit, backend.preload(&t.model, keep.as_deref())).await {
            Ok(Ok(())) => {
                info!(
                    "warm-ahead: {} ({tier}) loaded before it was asked",
                    t.model
                );
                self.probes().note_loaded(&t.backend, &backend, &t.model);
                self.counters.record_warm_up();
                if self.config().log.decisions {
                    decisions::record(Decision {
                        time: decisions::now_rfc3339(),
                        tier: Some(tier),
                        tier_chosen: Some(tier),
                        model: t.model.clone(),
                        reasons: vec!["warm-ahead: the cursor rested on a request line".into()],
                        total_ms: started.elapsed().as_millis() as u64,
                        warm_up: true,
                        ..Decision::default()
                    });
                }
                WarmAhead::Warmed
            }
            Ok(Err(e)) => {
                debug!("warm-ahead of {} failed: {e}", t.model);
                WarmAhead::Failed(e.to_string())
            }
            Err(_) => {
                debug!("warm-ahead of {} took over {} s", t.model, limit.as_secs());
                WarmAhead::Failed("timed out".into())
            }
        }
    }
}
