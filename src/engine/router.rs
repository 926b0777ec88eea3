//! The router: from a request to an answer. It analyses the query (or takes the tier or model
//! the user named; when the first stage is unsure, the resident fast model gives a second
//! opinion within a small budget), checks that the tier's model is installed (else the
//! nearest installed tier answers), asks the VRAM guard, streams the answer within the
//! tier's time limits, and on failure retries once on `fast`. Every decision is counted for `status`.
//!
//! One deadline bounds the whole request: the tier's `timeout_s`, counted from the start,
//! minus the time the user spends answering a question. The probes before the call
//! (remembered in `probes.rs`), the GPU reading, the model call and the retry on `fast` all
//! come out of it; the retry gets what is left, within fast's own limits. A server that did
//! not take the connection is not asked again for the retry (under any backend name).
//!
//! This file holds each request's path (route, plan, stream or fall back); the checks
//! before the call are in `router/checks.rs`, one streamed answer in `router/stream.rs`,
//! the request's types in `request.rs`.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tracing::{debug, info, warn};

use crate::backends::{self, Backend, BackendError, Message};
use crate::config::{BackendKind, Config, Refusal, Resolved, TierConfig};

use super::analyzer::{self, AnalyzerSettings};
use super::budget::Budget;
use super::counters::Counters;
use super::decisions::{self, Decision};
use super::gpu::GpuMonitor;
use super::probes::Probes;
use super::tier::Tier;

/// The longest a request waits for a GPU reading (NVML's first load included); a reading
/// that takes longer goes on in the background and the guard is off meanwhile.
const GPU_WAIT: Duration = Duration::from_secs(2);

/// A retry on `fast` with less time than this left is not tried.
const MIN_FALLBACK: Duration = Duration::from_secs(1);

mod checks;
mod stream;

// The request's types live in request.rs (the counters and the decision log use them
// too); their old paths stay.
pub use super::request::{
    AskError, AskRequest, Consent, ConsentAsker, Event, FixedConsent, Outcome, Route,
};
use stream::Streamed;

pub struct Engine {
    config: Config,
    /// Remote backends whose URL the user did not write: never asked.
    refused: BTreeSet<String>,
    /// Backends the configuration left without a usable URL, with the reason.
    unusable: HashMap<String, String>,
    /// Editor settings left out at the trust boundary, for `status`.
    refused_settings: Vec<Refusal>,
    /// Backends by (backend name, connect timeout), built on first use.
    clients: Mutex<HashMap<(String, u64), Arc<dyn Backend>>>,
    /// What the backends said about their models, remembered.
    probes: Probes,
    gpu: Arc<GpuMonitor>,
    gpu_notice_given: OnceLock<()>,
    pub counters: Arc<Counters>,
}

impl Engine {
    pub fn new(resolved: &Resolved) -> Engine {
        let config = resolved.config.clone();
        // A remote URL is used only when the user wrote it; one that came from a default or
        // the environment is refused, with a message that says how to allow it.
        let mut refused = BTreeSet::new();
        for (name, b) in &config.backends {
            if backends::is_loopback(&b.url) {
                continue;
            }
            let source = resolved.source(&format!("backends.{name}.url"));
            if source.is_explicit() {
                info!(
                    "backend `{name}` at {} is not on this machine: prompts, with your code, are sent there ({source})",
                    b.url
                );
            } else {
                warn!(
                    "backend `{name}` at {} is not on this machine and comes from {source}: it is not used until set in the configuration",
                    b.url
                );
                refused.insert(name.clone());
            }
        }
        let nvml = Some(config.vram.nvml_lib.clone())
            .filter(|p| !p.is_empty())
            .map(Into::into);
        let unusable = config
            .backends
            .keys()
            .filter_map(|name| Some((name.clone(), resolved.unusable_backend(name)?.to_string())))
            .collect();
        Engine {
            gpu: Arc::new(GpuMonitor::new(nvml)),
            config,
            refused,
            unusable,
            refused_settings: resolved.refusals().to_vec(),
            clients: Mutex::new(HashMap::new()),
            probes: Probes::new(),
            gpu_notice_given: OnceLock::new(),
            counters: Arc::new(Counters::default()),
        }
    }

    /// Keeps counting into `counters` (a configuration change rebuilds the engine, and
    /// `status` should still show the whole session).
    pub fn with_counters(mut self, counters: Arc<Counters>) -> Self {
        self.counters = counters;
        self
    }

    /// Keeps `old`'s NVML state when it loads the same library: a configuration change
    /// must not open NVML again (or wait again for a hung one).
    pub fn with_gpu_of(mut self, old: &Engine) -> Self {
        if old.config.vram.nvml_lib == self.config.vram.nvml_lib {
            self.gpu = old.gpu.clone();
        }
        self
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Editor settings that were refused (security-relevant, not allowed by the user).
    pub fn refused_settings(&self) -> &[Refusal] {
        &self.refused_settings
    }

    /// The backend for a name, built once per connect timeout.
    pub fn backend(&self, name: &str, connect_s: u64) -> Result<Arc<dyn Backend>, BackendError> {
        let cfg = self
            .config
            .backends
            .get(name)
            .ok_or_else(|| BackendError::Http {
                url: String::new(),
                status: 0,
                message: format!("no backend named `{name}`"),
            })?;
        if let Some(message) = self.unusable.get(name) {
            return Err(BackendError::Unusable {
                name: name.to_string(),
                message: message.clone(),
            });
        }
        if self.refused.contains(name) {
            return Err(BackendError::ImplicitRemote {
                name: name.to_string(),
                url: cfg.url.clone(),
            });
        }
        let key = (name.to_string(), connect_s);
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(b) = clients.get(&key) {
            return Ok(b.clone());
        }
        let b: Arc<dyn Backend> =
            Arc::from(backends::build(name, cfg, Duration::from_secs(connect_s))?);
        clients.insert(key, b.clone());
        Ok(b)
    }

    /// Whether a backend may be used (loopback, or a remote URL the user wrote).
    pub fn backend_allowed(&self, name: &str) -> bool {
        self.config.backends.contains_key(name)
            && !self.refused.contains(name)
            && !self.unusable.contains_key(name)
    }

    /// Loads the fast model (Ollama preload) so the first answer does not wait for it;
    /// failures are only logged: the first request reports them.
    pub async fn warm_fast(&self) {
        let t = &self.config.tiers.fast;
        let Ok(backend) = self.backend(&t.backend, t.connect_timeout_s) else {
            return;
        };
        let keep_alive = keep_alive(backend.kind(), t);
        let limit = Duration::from_secs(t.first_token_timeout_s);
        match tokio::time::timeout(limit, backend.preload(&t.model, keep_alive.as_deref())).await {
            Ok(Ok(())) => {
                debug!("fast model {} warmed", t.model);
                self.probes.note_loaded(&t.backend, &backend, &t.model);
            }
            Ok(Err(e)) => debug!("could not warm the fast model: {e}"),
            Err(_) => debug!("warming the fast model took over {} s", limit.as_secs()),
        }
    }

    /// Decides the tier and model without calling any model.
    pub fn route(&self, req: &AskRequest) -> Route {
        let settings = self.analyzer_settings();
        let analysis = analyzer::analyze(&req.query, &settings);
        let mut analysis =
            super::first_stage::corrections::apply_saved(&req.query, analysis, &settings);
        let tier = if let Some(t) = req.tier {
            analysis.reasons.insert(0, format!("tier {t} requested"));
            t
        } else if !self.config.router.enabled {
            let t = self.config.router.default_tier;
            analysis
                .reasons
                .insert(0, format!("router disabled: default tier {t}"));
            t
        } else {
            analysis.tier
        };
        let t = self.config.tiers.get(tier);
        let model = match &req.model {
            Some(m) => {
                analysis.reasons.insert(0, format!("model {m} requested"));
                m.clone()
            }
            None => t.model.clone(),
        };
        Route {
            tier,
            model,
            backend: t.backend.clone(),
            analysis,
            second_opinion: None,
        }
    }

    /// What the router remembers of the backends (residency for the second opinion).
    pub(crate) fn probes(&self) -> &Probes {
        &self.probes
    }

    pub(crate) fn analyzer_settings(&self) -> AnalyzerSettings {
        AnalyzerSettings {
            code_token_threshold: self.config.router.code_token_threshold,
            heavy_threshold: self.config.router.heavy_threshold,
        }
    }

    /// Answers a request, streaming events to `on_event`. Dropping the future cancels the
    /// request and closes the backend's stream. With `log.decisions` the request leaves a
    /// line in the decision log (written in the background).
    pub async fn ask(
        &self,
        req: AskRequest,
        consent: &dyn ConsentAsker,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<Outcome, AskError> {
        let log = &self.config.log;
        if !log.decisions {
            return self
                .answer(req, consent, on_event, &mut Decision::default())
                .await;
        }
        let started = Instant::now();
        let mut d = Decision {
            time: decisions::now_rfc3339(),
            prompt: log.prompts.then(|| req.query.clone()),
            ..Decision::default()
        };
        let result = self.answer(req, consent, on_event, &mut d).await;
        match &result {
            Ok(o) => {
                d.tier = Some(o.tier_used);
                d.model = o.model_used.clone();
                d.reasons.clone_from(&o.reasons);
                d.fallback = o.fallback_reason.clone();
                d.first_token_ms = o.first_token_ms;
                d.total_ms = o.total_ms;
            }
            Err(e) => {
                d.error = Some(e.to_string());
                d.total_ms = started.elapsed().as_millis() as u64;
            }
        }
        if !log.prompts {
            d.reasons = d.reasons.iter().map(|r| decisions::redact(r)).collect();
        }
        decisions::record(d);
        result
    }

    /// `ask` without the log: what is known before the model call goes into `d`.
    async fn answer(
        &self,
        req: AskRequest,
        consent: &dyn ConsentAsker,
        on_event: &mut (dyn FnMut(Event) + Send),
        d: &mut Decision,
    ) -> Result<Outcome, AskError> {
        let started = Instant::now();
        let route = self.route_checked(&req).await;
        let chosen = route.tier;
        self.counters.record_chosen(chosen);
        d.second_opinion.clone_from(&route.second_opinion);
        d.tier_chosen = Some(chosen);
        d.tier = Some(chosen);
        d.model = route.model.clone();
        d.confidence = route.analysis.confidence;
        d.reasons = route.analysis.reasons.clone();
        let plan = self.plan(&req, &route, started, consent, on_event).await;
        let plan = plan.inspect_err(|_| d.consent = Some(Consent::Cancel))?;
        d.consent = plan.consent;
        d.tier = Some(plan.tier);
        d.model = plan.model.clone();
        d.reasons = plan.reasons.clone();
        let messages = req
            .messages
            .clone()
            .unwrap_or_else(|| vec![Message::user(req.query.clone())]);
        on_event(Event::Started {
            tier: plan.tier,
            model: plan.model.clone(),
            reasons: plan.reasons.clone(),
        });
        let (result, used_tier, used_model, fallback_reason) = self
            .stream_or_fall_back(&plan, messages, req.max_tokens, started, on_event)
            .await?;
        // Reported times are superhelfer's and the model's, not the user's: time spent
        // answering a question (VRAM consent) is taken out.
        let paused_ms = plan.budget.paused.as_millis() as u64;
        let total_ms = (started.elapsed().as_millis() as u64).saturating_sub(paused_ms);
        let outcome = Outcome {
            tier_chosen: chosen,
            tier_used: used_tier,
            model_used: used_model,
            fallback_reason,
            first_token_ms: result.first_token_ms.map(|ms| ms.saturating_sub(paused_ms)),
            total_ms,
            tokens: result.tokens,
            complexity: route.analysis.complexity,
            reasons: plan.reasons,
            answer: result.answer,
            answer_cut: result.cut,
        };
        self.counters.record_success(&outcome);
        debug!(
            tier = %outcome.tier_used,
            model = %outcome.model_used,
            total_ms,
            "answered"
        );
        Ok(outcome)
    }

    /// The planned tier's answer or, when it fails, the fast tier's: the answer, the tier
    /// and model that gave it, and the reason for the fallback.
    async fn stream_or_fall_back(
        &self,
        plan: &Plan,
        messages: Vec<Message>,
        max_tokens: Option<u32>,
        started: Instant,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<(Streamed, Tier, String, Option<String>), AskError> {
        let first = self
            .stream_once(
                plan.tier,
                &plan.model,
                messages.clone(),
                max_tokens,
                &plan.budget,
                started,
                on_event,
            )
            .await;
        match first {
            Ok(r) => Ok((r, plan.tier, plan.model.clone(), None)),
            Err(e) if plan.tier != Tier::Fast => {
                let (r, model, reason) = self
                    .fallback(plan.tier, e, messages, max_tokens, &plan.budget, on_event)
                    .await?;
                Ok((r, Tier::Fast, model, Some(reason)))
            }
            Err(e) => {
                self.counters.record_failure(plan.tier, e.is_timeout());
                Err(e.into())
            }
        }
    }

    /// Everything before the model call: the nearest installed tier, the VRAM guard (and
    /// the user's answer), and the request's time budget for the tier that will answer.
    async fn plan(
        &self,
        req: &AskRequest,
        route: &Route,
        started: Instant,
        consent: &dyn ConsentAsker,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<Plan, AskError> {
        let mut tier = route.tier;
        let mut model = route.model.clone();
        let mut reasons = route.analysis.reasons.clone();
        let mut budget = Budget {
            started,
            paused: Duration::ZERO,
            limit_s: self.config.tiers.get(tier).timeout_s,
        };
        self.prefetch(tier, &budget).await;

        // A tier whose model is not installed: the nearest installed tier answers.
        if req.model.is_none() {
            if let Some((near, note)) = self.nearest_installed(tier, &budget).await {
                on_event(Event::Notice {
                    message: note.clone(),
                });
                reasons.push(note);
                tier = near;
                model = self.config.tiers.get(near).model.clone();
            }
        }

        // The VRAM guard, before a model that is not resident is loaded.
        let (answer, asking) = self.guard(tier, &model, &budget, consent, on_event).await;
        budget.paused += asking.unwrap_or_default();
        match answer {
            Consent::Load => {}
            Consent::UseFast => {
                reasons.push(format!("VRAM: {model} not loaded, fast tier instead"));
                tier = Tier::Fast;
                model = self.config.tiers.fast.model.clone();
            }
            Consent::Cancel => {
                self.counters.record_cancelled(route.tier);
                return Err(AskError::Cancelled { model });
            }
        }
        budget.limit_s = self.config.tiers.get(tier).timeout_s;
        Ok(Plan {
            tier,
            model,
            reasons,
            budget,
            consent: asking.map(|_| answer),
        })
    }

    /// The retry on `fast` after `from` failed, in what is left of the request's time.
    async fn fallback(
        &self,
        from: Tier,
        e: BackendError,
        messages: Vec<Message>,
        max_tokens: Option<u32>,
        budget: &Budget,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<(Streamed, String, String), AskError> {
        let reason = e.to_string();
        self.counters.record_failure(from, e.is_timeout());
        // The user reads each failure once, in the event or the error: the log line is
        // for the log file (info), not a third copy on the CLI's stderr (warn).
        if e.is_unreachable() && self.fast_on_server_of(from) {
            // A server that did not take the connection will not take the fast tier's:
            // no retry, and the one error (with its hint) said once.
            info!("{from} tier failed, and the fast tier is on the same server: {reason}");
            return Err(AskError::Backend(e));
        }
        if budget.left() < MIN_FALLBACK {
            info!("{from} tier failed with no time left for the fast tier: {reason}");
            return Err(AskError::NoTimeForFallback {
                tier: from,
                first: e,
                limit_s: budget.limit_s,
            });
        }
        info!("{from} tier failed, falling back to fast: {reason}");
        // The hint is kept for the outcome and the final error; the progress line says
        // what failed.
        on_event(Event::Retrying {
            from,
            reason: e.brief(),
        });
        let fast_model = self.config.tiers.fast.model.clone();
        let retry_start = Instant::now();
        match self
            .stream_once(
                Tier::Fast,
                &fast_model,
                messages,
                max_tokens,
                budget,
                retry_start,
                on_event,
            )
            .await
        {
            Ok(r) => Ok((r, fast_model, reason)),
            Err(fallback) => {
                self.counters
                    .record_failure(Tier::Fast, fallback.is_timeout());
                Err(AskError::FallbackFailed {
                    tier: from,
                    first: e,
                    fallback,
                })
            }
        }
    }
    /// Whether the fast tier's backend is `tier`'s, or another name for the same server.
    fn fast_on_server_of(&self, tier: Tier) -> bool {
        let (a, b) = (
            &self.config.tiers.get(tier).backend,
            &self.config.tiers.fast.backend,
        );
        let url = |name: &String| self.config.backends.get(name).map(|c| c.url.as_str());
        a == b || matches!((url(a), url(b)), (Some(x), Some(y)) if backends::same_server(x, y))
    }
}

/// A request's route and budget, once the guard has spoken.
struct Plan {
    tier: Tier,
    model: String,
    reasons: Vec<String>,
    budget: Budget,
    /// The user's answer, when the guard asked.
    consent: Option<Consent>,
}

pub(crate) fn keep_alive(kind: BackendKind, t: &TierConfig) -> Option<String> {
    (kind == BackendKind::Ollama).then(|| t.keep_alive.clone())
}
