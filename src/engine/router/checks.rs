//! What is checked before a model call: the models a backend has installed (else the
//! nearest installed tier answers), the VRAM guard (and the user's answer), the GPU.

use std::time::{Duration, Instant};

use tracing::{debug, info};

use crate::backends::{self, InstalledModel};
use crate::config::BackendKind;
use crate::engine::budget::Budget;
use crate::engine::gpu::{GpuError, GpuSnapshot};
use crate::engine::probes::PROBE_CONNECT_S;
use crate::engine::vram::{self, GuardDecision, GuardSettings, LoadRequest};
use crate::tier::Tier;

use super::{Consent, ConsentAsker, Engine, Event, GPU_WAIT};

impl Engine {
    /// Whether a tier's backend is Ollama on this machine (the VRAM guard's concern).
    pub(super) fn local_ollama(&self, backend_name: &str) -> bool {
        self.config
            .backends
            .get(backend_name)
            .is_some_and(|b| b.kind == BackendKind::Ollama && backends::is_loopback(&b.url))
    }

    /// Asks for the installed and the resident models at once, where the nearest-tier
    /// check and the guard will need them: one bounded wait instead of two in a row.
    pub(super) async fn prefetch(&self, tier: Tier, budget: &Budget) {
        let name = &self.config.tiers.get(tier).backend;
        let is_ollama = self
            .config
            .backends
            .get(name)
            .is_some_and(|b| b.kind == BackendKind::Ollama);
        if !is_ollama {
            return;
        }
        let Ok(backend) = self.backend(name, PROBE_CONNECT_S) else {
            return;
        };
        let residency = self.config.vram.enabled && self.local_ollama(name);
        self.probes
            .prefetch(name, &backend, residency, budget.for_checks())
            .await;
    }

    /// The models a backend has installed, remembered for a while. `None` when the backend
    /// cannot be asked or did not answer within `limit` (then the request goes ahead and
    /// fails or falls back on its own).
    pub async fn installed(
        &self,
        backend_name: &str,
        limit: Duration,
    ) -> Option<Vec<InstalledModel>> {
        let backend = self.backend(backend_name, PROBE_CONNECT_S).ok()?;
        self.probes.installed(backend_name, &backend, limit).await
    }

    /// Whether a tier's model is installed: `None` when unknown.
    pub async fn tier_installed(&self, tier: Tier, limit: Duration) -> Option<bool> {
        let t = self.config.tiers.get(tier);
        let kind = self.config.backends.get(&t.backend)?.kind;
        if kind != BackendKind::Ollama {
            // OpenAI-compatible servers serve what they were started with.
            return Some(true);
        }
        let list = self.installed(&t.backend, limit).await?;
        Some(
            list.iter()
                .any(|m| backends::ollama::same_model(&m.name, &t.model)),
        )
    }

    /// When `tier`'s model is known to be missing: the nearest tier whose model is
    /// installed, and a note for the user.
    pub(super) async fn nearest_installed(
        &self,
        tier: Tier,
        budget: &Budget,
    ) -> Option<(Tier, String)> {
        if self.tier_installed(tier, budget.for_checks()).await != Some(false) {
            return None;
        }
        let order: [Tier; 2] = match tier {
            Tier::Fast => [Tier::Code, Tier::Heavy],
            Tier::Code => [Tier::Fast, Tier::Heavy],
            Tier::Heavy => [Tier::Code, Tier::Fast],
        };
        let missing = &self.config.tiers.get(tier).model;
        for near in order {
            if self.tier_installed(near, budget.for_checks()).await == Some(true) {
                let model = &self.config.tiers.get(near).model;
                return Some((
                    near,
                    format!(
                        "{missing} ({tier} tier) is not installed (`ollama pull {missing}`); the {near} tier ({model}) answers"
                    ),
                ));
            }
        }
        None
    }

    /// The VRAM guard for one load: `Load` when there is nothing to ask or the user agreed;
    /// with the time the user took to answer (not counted against the limits).
    pub(super) async fn guard(
        &self,
        tier: Tier,
        model: &str,
        budget: &Budget,
        consent: &dyn ConsentAsker,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> (Consent, Option<Duration>) {
        let decision = self
            .guard_decision_within(tier, model, budget.for_checks())
            .await;
        match decision {
            GuardDecision::Proceed { reason } => {
                debug!("VRAM guard: {reason}");
                (Consent::Load, None)
            }
            GuardDecision::NoGpu { reason } => {
                if self.gpu_notice_given.set(()).is_ok() {
                    on_event(Event::Notice {
                        message: format!("VRAM guard off: {reason}"),
                    });
                }
                (Consent::Load, None)
            }
            GuardDecision::Ask { prompt, .. } => {
                if tier == Tier::Fast {
                    // The fast model is the fallback itself: it always loads.
                    return (Consent::Load, None);
                }
                let asked = Instant::now();
                let c = consent.ask(&prompt).await;
                info!("VRAM guard asked: {prompt} -> {c:?}");
                (c, Some(asked.elapsed()))
            }
        }
    }

    /// The guard's decision for loading `model` on `tier`, without asking anyone.
    pub async fn guard_decision(&self, tier: Tier, model: &str) -> GuardDecision {
        let t = self.config.tiers.get(tier);
        self.guard_decision_within(tier, model, Duration::from_secs(t.timeout_s))
            .await
    }

    /// The guard's decision, its probes and GPU reading bounded by `limit`.
    async fn guard_decision_within(
        &self,
        tier: Tier,
        model: &str,
        limit: Duration,
    ) -> GuardDecision {
        let vcfg = &self.config.vram;
        let settings = GuardSettings {
            enabled: vcfg.enabled,
            warn_at: vcfg.warn_at,
            confirm: vcfg.confirm,
        };
        if !settings.enabled {
            return GuardDecision::Proceed {
                reason: "VRAM guard disabled (vram.enabled = false)".into(),
            };
        }
        let t = self.config.tiers.get(tier);
        if !self.local_ollama(&t.backend) {
            return GuardDecision::Proceed {
                reason: format!(
                    "{} is served by `{}`, not loaded onto this machine's GPU by superhelfer",
                    model, t.backend
                ),
            };
        }
        let started = Instant::now();
        let left = || limit.saturating_sub(started.elapsed());
        let resident = match self.backend(&t.backend, PROBE_CONNECT_S) {
            Ok(b) => self.probes.resident(&t.backend, &b, model, left()).await,
            Err(_) => false,
        };
        let installed_size = self
            .installed(&t.backend, left())
            .await
            .and_then(|l| {
                l.into_iter()
                    .find(|m| backends::ollama::same_model(&m.name, model))
            })
            .and_then(|m| m.size);
        let remembered = self.probes.remembered_size(model);
        let tier_mb = (t.vram_mb > 0 && model == t.model).then_some(t.vram_mb);
        let estimate = vram::estimate_bytes(tier_mb, installed_size, remembered, None).unwrap_or(0);
        // `decide` needs no GPU figures for a resident model or an unknown size: NVML is
        // not touched then.
        let gpu = if resident || estimate == 0 {
            Err(GpuError::InitFailed("not read".into()))
        } else {
            self.read_gpu_within(GPU_WAIT.min(left())).await
        };
        vram::decide(
            &LoadRequest {
                model,
                estimate_bytes: estimate,
                resident,
            },
            gpu.as_ref(),
            &settings,
        )
    }

    /// Reads the GPUs within the usual bound (NVML's first load can take a while).
    pub async fn read_gpu(&self) -> Result<GpuSnapshot, GpuError> {
        self.read_gpu_within(GPU_WAIT).await
    }

    /// Reads the GPUs off the async threads, waiting at most `limit`: a hung driver is
    /// waited for once, then left running in the background (see `GpuMonitor`).
    async fn read_gpu_within(&self, limit: Duration) -> Result<GpuSnapshot, GpuError> {
        self.gpu.read_within(limit).await
    }
}
