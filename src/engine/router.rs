//! The router: from a request to an answer. It analyses the query (or takes the tier or model
//! the user named; when the first stage is unsure, the resident fast model gives a second
//! opinion within a small budget), checks that the tier's model is installed (else the
//! nearest installed tier answers), asks the VRAM guard, streams the answer within the
//! tier's time limits, and on failure retries once on `fast`. Every decision is counted for `status`.
//!
//! One deadline bounds the whole request: the tier's `timeout_s`, counted from the start,
//! minus the time the user spends answering a question. The probes before the call
//! (remembered in `probes.rs`), the GPU reading, the model call and the retry on `fast` all
//! come out of it; the retry gets what is left, within fast's own limits.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use futures_util::StreamExt;
use serde::Serialize;
use tracing::{debug, info, trace, warn};

use crate::backends::{self, Backend, BackendError, ChatRequest, Chunk, InstalledModel, Message};
use crate::config::{BackendKind, Config, Refusal, Resolved, TierConfig};

use super::analyzer::{self, Analysis, AnalyzerSettings};
use super::budget::{Budget, Limits};
use super::counters::Counters;
use super::decisions::{self, Decision};
use super::gpu::GpuMonitor;
use super::probes::Probes;
use super::tier::Tier;
use super::vram::{self, GuardDecision, GuardSettings, LoadRequest};

/// The longest a request waits for a GPU reading (NVML's first load included); a reading
/// that takes longer goes on in the background and the guard is off meanwhile.
const GPU_WAIT: Duration = Duration::from_secs(2);

/// A retry on `fast` with less time than this left is not tried.
const MIN_FALLBACK: Duration = Duration::from_secs(1);

/// A request for an answer.
#[derive(Debug, Clone, Default)]
pub struct AskRequest {
    /// The text the router analyses: the user's question (with pasted material).
    pub query: String,
    /// The full prompt; `None` sends `query` as the only user message.
    pub messages: Option<Vec<Message>>,
    /// A tier the user named: wins over the analyzer.
    pub tier: Option<Tier>,
    /// A model the user named: wins over the tier's model.
    pub model: Option<String>,
    /// The most tokens the answer may take (a command needs few; a runaway model stops).
    pub max_tokens: Option<u32>,
}

impl AskRequest {
    /// A request with a task's prompt: `query` is what the router analyses.
    pub fn with_prompt(query: String, system: String, user: String, tier: Option<Tier>) -> Self {
        AskRequest {
            query,
            messages: Some(vec![Message::system(system), Message::user(user)]),
            tier,
            model: None,
            max_tokens: None,
        }
    }
}

/// The user's answer to the VRAM guard's question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    Load,
    UseFast,
    Cancel,
}

/// Asks the user before a big load (a dialog in the editor, a prompt on a terminal).
pub trait ConsentAsker: Send + Sync {
    fn ask<'a>(&'a self, prompt: &'a str) -> BoxFuture<'a, Consent>;
}

/// Answers every question the same way (scripts, `--yes`, `--no-load`).
pub struct FixedConsent(pub Consent);

impl ConsentAsker for FixedConsent {
    fn ask<'a>(&'a self, _prompt: &'a str) -> BoxFuture<'a, Consent> {
        let c = self.0;
        Box::pin(async move { c })
    }
}

/// What happens while an answer is produced, in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The route is decided; the model is about to be asked.
    Started {
        tier: Tier,
        model: String,
        reasons: Vec<String>,
    },
    /// Something the user should know (a substituted tier, no GPU found).
    Notice {
        message: String,
    },
    Token {
        text: String,
    },
    /// The tier failed: what was streamed so far is void, `fast` answers instead.
    Retrying {
        from: Tier,
        reason: String,
    },
}

/// The record of one answered request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub tier_chosen: Tier,
    pub tier_used: Tier,
    pub model_used: String,
    pub fallback_reason: Option<String>,
    pub first_token_ms: Option<u64>,
    pub total_ms: u64,
    pub tokens: Option<u64>,
    pub complexity: f64,
    pub reasons: Vec<String>,
    pub answer: String,
    /// Set when the answer reached the byte cap and was cut there: says so for the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer_cut: Option<String>,
}

/// Why there is no answer.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AskError {
    #[error("{0}")]
    Backend(#[from] BackendError),
    #[error("{}", fallback_failed(*tier, first, fallback))]
    FallbackFailed {
        tier: Tier,
        first: BackendError,
        fallback: BackendError,
    },
    #[error("{tier} tier failed ({first}); no time was left within the {limit_s} s limit to ask the fast tier")]
    NoTimeForFallback {
        tier: Tier,
        first: BackendError,
        limit_s: u64,
    },
    #[error("cancelled: {model} was not loaded; no model was called")]
    Cancelled { model: String },
    #[error("configuration: {0}")]
    Config(String),
}

/// Both failures, or the one when both tiers failed alike (one server's error and hint, said
/// once); a hint both share is said once, at the end.
fn fallback_failed(tier: Tier, first: &BackendError, fallback: &BackendError) -> String {
    let (full, fallback_text) = (first.to_string(), fallback.to_string());
    if full == fallback_text {
        return format!("{tier} tier and the fast tier failed: {full}");
    }
    let first_text = if first.hint().is_some() && first.hint() == fallback.hint() {
        first.brief()
    } else {
        full
    };
    format!("{tier} tier failed ({first_text}); the fast tier failed too: {fallback_text}")
}

/// The route for one request, before any model is called.
#[derive(Debug, Clone, Serialize)]
pub struct Route {
    pub tier: Tier,
    pub model: String,
    pub backend: String,
    pub analysis: Analysis,
    /// What the fast model said when the first stage was unsure (or why it said nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub second_opinion: Option<String>,
}

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
        let first = self
            .stream_once(
                plan.tier,
                &plan.model,
                messages.clone(),
                req.max_tokens,
                &plan.budget,
                started,
                on_event,
            )
            .await;
        let (result, used_tier, used_model, fallback_reason) = match first {
            Ok(r) => (r, plan.tier, plan.model, None),
            Err(e) if plan.tier != Tier::Fast => {
                let (r, model, reason) = self
                    .fallback(
                        plan.tier,
                        e,
                        messages,
                        req.max_tokens,
                        &plan.budget,
                        on_event,
                    )
                    .await?;
                (r, Tier::Fast, model, Some(reason))
            }
            Err(e) => {
                self.counters.record_failure(plan.tier, e.is_timeout());
                return Err(e.into());
            }
        };
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

    /// One streamed answer from one tier, within its time limits and the request's.
    #[allow(clippy::too_many_arguments)]
    async fn stream_once(
        &self,
        tier: Tier,
        model: &str,
        messages: Vec<Message>,
        max_tokens: Option<u32>,
        budget: &Budget,
        started: Instant,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<Streamed, BackendError> {
        let t = self.config.tiers.get(tier);
        let backend = self.backend(&t.backend, t.connect_timeout_s)?;
        let limits = Limits::new(t, budget);
        trace!(tier = %tier, model, prompt = ?messages, "prompt");
        let req = ChatRequest {
            model: model.to_string(),
            messages,
            keep_alive: keep_alive(backend.kind(), t),
            temperature: None,
            max_tokens,
            max_bytes: backends::MAX_ANSWER_BYTES,
        };
        let result = self
            .read_stream(&backend, req, &limits, started, on_event)
            .await;
        match &result {
            Ok(_) => self.probes.note_loaded(&t.backend, &backend, model),
            // The model may have been unloaded (out of memory, a crash): ask next time.
            Err(_) => self.probes.forget_residency(&t.backend),
        }
        result
    }

    async fn read_stream(
        &self,
        backend: &Arc<dyn Backend>,
        req: ChatRequest,
        limits: &Limits,
        started: Instant,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<Streamed, BackendError> {
        let url = backend.url().to_string();
        let model = req.model.clone();
        let timeout =
            |(_, phase, limit_s): (Instant, backends::TimeoutPhase, u64)| BackendError::Timeout {
                url: url.clone(),
                phase,
                limit_s,
            };
        let mut stream = tokio::time::timeout_at(limits.first.0.into(), backend.chat(req))
            .await
            .map_err(|_| timeout(limits.first))??;
        let mut answer = String::new();
        let mut first_token_ms = None;
        let mut tokens = None;
        let mut cut = None;
        loop {
            let limit = if first_token_ms.is_none() {
                limits.first
            } else {
                limits.total
            };
            let next = tokio::time::timeout_at(limit.0.into(), stream.next())
                .await
                .map_err(|_| timeout(limit))?;
            match next {
                Some(Ok(Chunk::Token(text))) => {
                    if first_token_ms.is_none() {
                        first_token_ms = Some(started.elapsed().as_millis() as u64);
                    }
                    answer.push_str(&text);
                    on_event(Event::Token { text });
                }
                Some(Ok(Chunk::Done {
                    completion_tokens, ..
                })) => {
                    tokens = completion_tokens;
                    break;
                }
                Some(Ok(Chunk::Cut { max_bytes })) => {
                    cut = Some(format!(
                        "the answer was cut at {} KiB: {model} went on past superhelfer's limit",
                        max_bytes / 1024
                    ));
                    break;
                }
                Some(Err(e)) => return Err(e),
                None => break,
            }
        }
        Ok(Streamed {
            answer,
            first_token_ms,
            tokens,
            cut,
        })
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

    /// Whether a tier's backend is Ollama on this machine (the VRAM guard's concern).
    fn local_ollama(&self, backend_name: &str) -> bool {
        self.config
            .backends
            .get(backend_name)
            .is_some_and(|b| b.kind == BackendKind::Ollama && backends::is_loopback(&b.url))
    }

    /// Asks for the installed and the resident models at once, where the nearest-tier
    /// check and the guard will need them: one bounded wait instead of two in a row.
    async fn prefetch(&self, tier: Tier, budget: &Budget) {
        let name = &self.config.tiers.get(tier).backend;
        let is_ollama = self
            .config
            .backends
            .get(name)
            .is_some_and(|b| b.kind == BackendKind::Ollama);
        if !is_ollama {
            return;
        }
        let Ok(backend) = self.backend(name, 2) else {
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
        let backend = self.backend(backend_name, 2).ok()?;
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
    async fn nearest_installed(&self, tier: Tier, budget: &Budget) -> Option<(Tier, String)> {
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
    async fn guard(
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
        let resident = match self.backend(&t.backend, 2) {
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
            Err(super::gpu::GpuError::InitFailed("not read".into()))
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
    pub async fn read_gpu(&self) -> Result<super::gpu::GpuSnapshot, super::gpu::GpuError> {
        self.read_gpu_within(GPU_WAIT).await
    }

    /// Reads the GPUs off the async threads, waiting at most `limit`: a hung driver is
    /// waited for once, then left running in the background (see `GpuMonitor`).
    async fn read_gpu_within(
        &self,
        limit: Duration,
    ) -> Result<super::gpu::GpuSnapshot, super::gpu::GpuError> {
        self.gpu.read_within(limit).await
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

struct Streamed {
    answer: String,
    first_token_ms: Option<u64>,
    tokens: Option<u64>,
    /// Why the answer is incomplete, when it reached the byte cap.
    cut: Option<String>,
}

pub(crate) fn keep_alive(kind: BackendKind, t: &TierConfig) -> Option<String> {
    (kind == BackendKind::Ollama).then(|| t.keep_alive.clone())
}
