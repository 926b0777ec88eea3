//! The router: from a request to an answer. It analyses the query (or takes the tier or model
//! the user named), checks that the tier's model is installed (else the nearest installed
//! tier answers), asks the VRAM guard, streams the answer within the tier's time limits, and
//! on failure retries once on `fast`. Every decision is counted for `status`.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use futures_util::StreamExt;
use serde::Serialize;
use tracing::{debug, info, trace, warn};

use crate::backends::{self, Backend, BackendError, ChatRequest, Chunk, InstalledModel, Message};
use crate::config::{BackendKind, Config, Resolved, TierConfig};

use super::analyzer::{self, Analysis, AnalyzerSettings};
use super::counters::Counters;
use super::gpu::GpuMonitor;
use super::tier::Tier;
use super::vram::{self, GuardDecision, GuardSettings, LoadRequest};

/// How long reading the GPUs may take.
const GPU_READ_LIMIT: Duration = Duration::from_secs(5);

/// How long a backend's list of installed models is trusted.
const INSTALLED_TTL: Duration = Duration::from_secs(30);

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
}

/// Why there is no answer.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AskError {
    #[error("{0}")]
    Backend(#[from] BackendError),
    #[error("{tier} tier failed ({first}); the fast tier failed too: {fallback}")]
    FallbackFailed {
        tier: Tier,
        first: BackendError,
        fallback: BackendError,
    },
    #[error("cancelled: {model} was not loaded; no model was called")]
    Cancelled { model: String },
    #[error("configuration: {0}")]
    Config(String),
}

/// The route for one request, before any model is called.
#[derive(Debug, Clone, Serialize)]
pub struct Route {
    pub tier: Tier,
    pub model: String,
    pub backend: String,
    pub analysis: Analysis,
}

pub struct Engine {
    config: Config,
    /// Remote backends whose URL the user did not write: never asked.
    refused: BTreeSet<String>,
    /// Backends by (backend name, connect timeout), built on first use.
    clients: Mutex<HashMap<(String, u64), Arc<dyn Backend>>>,
    installed: Mutex<HashMap<String, (Instant, Vec<InstalledModel>)>>,
    /// VRAM sizes seen in `/api/ps`, for the next estimate.
    remembered: Mutex<HashMap<String, u64>>,
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
        Engine {
            gpu: Arc::new(GpuMonitor::new(nvml)),
            config,
            refused,
            clients: Mutex::new(HashMap::new()),
            installed: Mutex::new(HashMap::new()),
            remembered: Mutex::new(HashMap::new()),
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

    pub fn config(&self) -> &Config {
        &self.config
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
        self.config.backends.contains_key(name) && !self.refused.contains(name)
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
            Ok(Ok(())) => debug!("fast model {} warmed", t.model),
            Ok(Err(e)) => debug!("could not warm the fast model: {e}"),
            Err(_) => debug!("warming the fast model took over {} s", limit.as_secs()),
        }
    }

    /// Decides the tier and model without calling any model.
    pub fn route(&self, req: &AskRequest) -> Route {
        let settings = AnalyzerSettings {
            code_token_threshold: self.config.router.code_token_threshold,
            heavy_threshold: self.config.router.heavy_threshold,
        };
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
        }
    }

    /// Answers a request, streaming events to `on_event`. Dropping the future cancels the
    /// request and closes the backend's stream.
    pub async fn ask(
        &self,
        req: AskRequest,
        consent: &dyn ConsentAsker,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<Outcome, AskError> {
        let started = Instant::now();
        let route = self.route(&req);
        let chosen = route.tier;
        self.counters.record_chosen(chosen);
        let mut tier = chosen;
        let mut model = route.model.clone();
        let mut reasons = route.analysis.reasons.clone();

        // A tier whose model is not installed: the nearest installed tier answers.
        if req.model.is_none() {
            if let Some((near, note)) = self.nearest_installed(tier).await {
                on_event(Event::Notice {
                    message: note.clone(),
                });
                reasons.push(note);
                tier = near;
                model = self.config.tiers.get(near).model.clone();
            }
        }

        // The VRAM guard, before a model that is not resident is loaded.
        match self.guard(tier, &model, consent, on_event).await {
            Consent::Load => {}
            Consent::UseFast => {
                reasons.push(format!("VRAM: {model} not loaded, fast tier instead"));
                tier = Tier::Fast;
                model = self.config.tiers.fast.model.clone();
            }
            Consent::Cancel => {
                self.counters.record_cancelled(chosen);
                return Err(AskError::Cancelled { model });
            }
        }

        let messages = req
            .messages
            .clone()
            .unwrap_or_else(|| vec![Message::user(req.query.clone())]);
        on_event(Event::Started {
            tier,
            model: model.clone(),
            reasons: reasons.clone(),
        });
        let first = self
            .stream_once(
                tier,
                &model,
                messages.clone(),
                req.max_tokens,
                started,
                on_event,
            )
            .await;
        let (result, used_tier, used_model, fallback_reason) = match first {
            Ok(r) => (r, tier, model, None),
            Err(e) if tier != Tier::Fast => {
                let reason = e.to_string();
                warn!("{tier} tier failed, falling back to fast: {reason}");
                self.counters.record_failure(tier, e.is_timeout());
                on_event(Event::Retrying {
                    from: tier,
                    reason: reason.clone(),
                });
                let fast_model = self.config.tiers.fast.model.clone();
                let retry_start = Instant::now();
                match self
                    .stream_once(
                        Tier::Fast,
                        &fast_model,
                        messages,
                        req.max_tokens,
                        retry_start,
                        on_event,
                    )
                    .await
                {
                    Ok(r) => (r, Tier::Fast, fast_model, Some(reason)),
                    Err(fallback) => {
                        self.counters
                            .record_failure(Tier::Fast, fallback.is_timeout());
                        return Err(AskError::FallbackFailed {
                            tier,
                            first: e,
                            fallback,
                        });
                    }
                }
            }
            Err(e) => {
                self.counters.record_failure(tier, e.is_timeout());
                return Err(e.into());
            }
        };
        let total_ms = started.elapsed().as_millis() as u64;
        let outcome = Outcome {
            tier_chosen: chosen,
            tier_used: used_tier,
            model_used: used_model,
            fallback_reason,
            first_token_ms: result.first_token_ms,
            total_ms,
            tokens: result.tokens,
            complexity: route.analysis.complexity,
            reasons,
            answer: result.answer,
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

    /// One streamed answer from one tier, within its time limits.
    async fn stream_once(
        &self,
        tier: Tier,
        model: &str,
        messages: Vec<Message>,
        max_tokens: Option<u32>,
        started: Instant,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<Streamed, BackendError> {
        let t = self.config.tiers.get(tier);
        let backend = self.backend(&t.backend, t.connect_timeout_s)?;
        let url = backend.url().to_string();
        // The limits count from here: time spent asking the user (the VRAM dialog) or
        // checking what is installed is not the model's time.
        let t0 = Instant::now();
        let total_deadline = after(t0, t.timeout_s);
        let first_token_limit = after(t0, t.first_token_timeout_s);
        // Whichever limit comes first bounds the wait for the first token; the error names it.
        let (first_deadline, first_phase, first_limit) = if first_token_limit <= total_deadline {
            (
                first_token_limit,
                backends::TimeoutPhase::FirstToken,
                t.first_token_timeout_s,
            )
        } else {
            (total_deadline, backends::TimeoutPhase::Total, t.timeout_s)
        };
        let timeout = |phase, limit_s| BackendError::Timeout {
            url: url.clone(),
            phase,
            limit_s,
        };
        trace!(tier = %tier, model, prompt = ?messages, "prompt");
        let req = ChatRequest {
            model: model.to_string(),
            messages,
            keep_alive: keep_alive(backend.kind(), t),
            temperature: None,
            max_tokens,
        };
        let mut stream = tokio::time::timeout_at(first_deadline.into(), backend.chat(req))
            .await
            .map_err(|_| timeout(first_phase, first_limit))??;
        let mut answer = String::new();
        let mut first_token_ms = None;
        let mut tokens = None;
        loop {
            let (deadline, phase, limit) = if first_token_ms.is_none() {
                (first_deadline, first_phase, first_limit)
            } else {
                (total_deadline, backends::TimeoutPhase::Total, t.timeout_s)
            };
            let next = tokio::time::timeout_at(deadline.into(), stream.next())
                .await
                .map_err(|_| timeout(phase, limit))?;
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
                Some(Err(e)) => return Err(e),
                None => break,
            }
        }
        Ok(Streamed {
            answer,
            first_token_ms,
            tokens,
        })
    }

    /// The models a backend has installed, cached for a short while. `None` when the backend
    /// cannot be asked (then the request goes ahead and fails or falls back on its own).
    pub async fn installed(&self, backend_name: &str) -> Option<Vec<InstalledModel>> {
        if let Some((at, list)) = self
            .installed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(backend_name)
        {
            if at.elapsed() < INSTALLED_TTL {
                return Some(list.clone());
            }
        }
        let backend = self.backend(backend_name, 2).ok()?;
        let list = tokio::time::timeout(Duration::from_secs(3), backend.installed())
            .await
            .ok()?
            .ok()?;
        self.installed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(backend_name.to_string(), (Instant::now(), list.clone()));
        Some(list)
    }

    /// Whether a tier's model is installed: `None` when unknown.
    pub async fn tier_installed(&self, tier: Tier) -> Option<bool> {
        let t = self.config.tiers.get(tier);
        let kind = self.config.backends.get(&t.backend)?.kind;
        if kind != BackendKind::Ollama {
            // OpenAI-compatible servers serve what they were started with.
            return Some(true);
        }
        let list = self.installed(&t.backend).await?;
        Some(
            list.iter()
                .any(|m| backends::ollama::same_model(&m.name, &t.model)),
        )
    }

    /// When `tier`'s model is known to be missing: the nearest tier whose model is
    /// installed, and a note for the user.
    async fn nearest_installed(&self, tier: Tier) -> Option<(Tier, String)> {
        if self.tier_installed(tier).await != Some(false) {
            return None;
        }
        let order: [Tier; 2] = match tier {
            Tier::Fast => [Tier::Code, Tier::Heavy],
            Tier::Code => [Tier::Fast, Tier::Heavy],
            Tier::Heavy => [Tier::Code, Tier::Fast],
        };
        let missing = &self.config.tiers.get(tier).model;
        for near in order {
            if self.tier_installed(near).await == Some(true) {
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

    /// The VRAM guard for one load: `Load` when there is nothing to ask or the user agreed.
    async fn guard(
        &self,
        tier: Tier,
        model: &str,
        consent: &dyn ConsentAsker,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Consent {
        let decision = self.guard_decision(tier, model).await;
        match decision {
            GuardDecision::Proceed { reason } => {
                debug!("VRAM guard: {reason}");
                Consent::Load
            }
            GuardDecision::NoGpu { reason } => {
                if self.gpu_notice_given.set(()).is_ok() {
                    on_event(Event::Notice {
                        message: format!("VRAM guard off: {reason}"),
                    });
                }
                Consent::Load
            }
            GuardDecision::Ask { prompt, .. } => {
                if tier == Tier::Fast {
                    // The fast model is the fallback itself: it always loads.
                    return Consent::Load;
                }
                let c = consent.ask(&prompt).await;
                info!("VRAM guard asked: {prompt} -> {c:?}");
                c
            }
        }
    }

    /// The guard's decision for loading `model` on `tier`, without asking anyone.
    pub async fn guard_decision(&self, tier: Tier, model: &str) -> GuardDecision {
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
        let local_ollama = self
            .config
            .backends
            .get(&t.backend)
            .is_some_and(|b| b.kind == BackendKind::Ollama && backends::is_loopback(&b.url));
        if !local_ollama {
            return GuardDecision::Proceed {
                reason: format!(
                    "{} is served by `{}`, not loaded onto this machine's GPU by superhelfer",
                    model, t.backend
                ),
            };
        }
        let resident = self.resident(&t.backend, model).await;
        let installed_size = self
            .installed(&t.backend)
            .await
            .and_then(|l| {
                l.into_iter()
                    .find(|m| backends::ollama::same_model(&m.name, model))
            })
            .and_then(|m| m.size);
        let remembered = self
            .remembered
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(model)
            .copied();
        let tier_mb = (t.vram_mb > 0 && model == t.model).then_some(t.vram_mb);
        let estimate = vram::estimate_bytes(tier_mb, installed_size, remembered, None).unwrap_or(0);
        let gpu = self.read_gpu().await;
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

    /// Reads the GPUs off the async threads (NVML's first load can take a while).
    pub async fn read_gpu(&self) -> Result<super::gpu::GpuSnapshot, super::gpu::GpuError> {
        let gpu = self.gpu.clone();
        // A hung driver must not hang the request: past the limit, treat it as no GPU.
        match tokio::time::timeout(
            GPU_READ_LIMIT,
            tokio::task::spawn_blocking(move || gpu.read()),
        )
        .await
        {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => Err(super::gpu::GpuError::InitFailed(format!(
                "the NVML reader stopped: {e}"
            ))),
            Err(_) => Err(super::gpu::GpuError::InitFailed(format!(
                "NVML did not answer within {} s",
                GPU_READ_LIMIT.as_secs()
            ))),
        }
    }

    /// Whether the model is loaded now; remembers its VRAM size for later estimates.
    async fn resident(&self, backend_name: &str, model: &str) -> bool {
        let Ok(backend) = self.backend(backend_name, 2) else {
            return false;
        };
        let Ok(Ok(Some(loaded))) =
            tokio::time::timeout(Duration::from_secs(3), backend.loaded()).await
        else {
            return false;
        };
        let mut remembered = self.remembered.lock().unwrap_or_else(|e| e.into_inner());
        for m in &loaded {
            if m.size_vram > 0 {
                remembered.insert(m.name.clone(), m.size_vram);
            }
        }
        loaded
            .iter()
            .any(|m| backends::ollama::same_model(&m.name, model))
    }
}

/// `from + secs`, or a far future where that does not fit the clock (never a panic; the
/// configuration caps limits at a day anyway).
fn after(from: Instant, secs: u64) -> Instant {
    from.checked_add(Duration::from_secs(secs))
        .or_else(|| from.checked_add(Duration::from_secs(crate::config::MAX_TIMEOUT_S)))
        .unwrap_or(from)
}

struct Streamed {
    answer: String,
    first_token_ms: Option<u64>,
    tokens: Option<u64>,
}

fn keep_alive(kind: BackendKind, t: &TierConfig) -> Option<String> {
    (kind == BackendKind::Ollama).then(|| t.keep_alive.clone())
}
