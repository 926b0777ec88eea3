//! One report of everything a user asks "is it working?" about: router settings, each
//! backend (reachable, installed and loaded models), each tier, the GPUs and the counters.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

use crate::backends::{self, LoadedModel, ModelDetails};
use crate::config::{BackendKind, Refusal};

use super::counters::TierCounters;
use super::gpu::GpuSnapshot;
use super::probes::PROBE_CONNECT_S;
use super::router::Engine;
use super::tier::Tier;
use super::vram;

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub version: &'static str,
    pub router: RouterStatus,
    pub backends: Vec<BackendStatus>,
    pub tiers: Vec<TierStatus>,
    pub gpu: GpuStatus,
    pub counters: BTreeMap<Tier, TierCounters>,
    /// Models loaded ahead of a request (`router.warm_ahead`).
    pub warm_ups: u64,
    /// shellcheck's version, `None` when it is not installed.
    pub shellcheck: Option<String>,
    /// Things the user should know (remote backends, missing tools).
    pub notices: Vec<String>,
    /// Editor settings refused at the trust boundary, each with how to allow it.
    pub refused_settings: Vec<Refusal>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RouterStatus {
    pub enabled: bool,
    pub default_tier: Tier,
}

#[derive(Debug, Clone, Serialize)]
pub struct BackendStatus {
    pub name: String,
    pub kind: BackendKind,
    pub url: String,
    pub local: bool,
    /// False when the configuration left it without a usable URL (an invalid `OLLAMA_HOST`).
    pub usable: bool,
    pub reachable: bool,
    pub error: Option<String>,
    pub installed: Vec<String>,
    /// `None` when the server cannot say what is loaded (OpenAI-compatible).
    pub loaded: Option<Vec<LoadedModel>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TierStatus {
    pub tier: Tier,
    pub model: String,
    pub backend: String,
    pub installed: Option<bool>,
    pub loaded: Option<bool>,
    /// What the VRAM guard expects a load to need, in bytes.
    pub vram_needed_bytes: Option<u64>,
    /// From Ollama's `/api/show`, when the model is installed.
    pub details: Option<ModelDetails>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum GpuStatus {
    Disabled,
    Found(GpuSnapshot),
    Unavailable { reason: String },
}

impl Engine {
    /// Gathers the status; each backend is asked concurrently with a short time limit.
    pub async fn status(&self) -> Status {
        let cfg = self.config();
        // Backends no tier uses are listed but not asked: they are not part of the answer.
        let used = |name: &str| Tier::ALL.iter().any(|&t| cfg.tiers.get(t).backend == name);
        let probes = cfg
            .backends
            .keys()
            .map(|name| self.probe_backend(name, used(name)));
        let backends = futures_util::future::join_all(probes).await;
        let mut notices = self.backend_notices(&backends);
        let mut tiers: Vec<TierStatus> = Tier::ALL
            .iter()
            .map(|&tier| self.tier_status(tier, &backends))
            .collect();
        self.add_details(&mut tiers).await;
        let shellcheck = tokio::task::spawn_blocking(crate::shellcheck::version)
            .await
            .ok()
            .flatten();
        if shellcheck.is_none() {
            notices.push(
                "shellcheck is not installed: no diagnostics of superhelfer's own for shell scripts (apt-get install shellcheck)".into(),
            );
        }
        let gpu = if !cfg.vram.enabled {
            GpuStatus::Disabled
        } else {
            match self.read_gpu().await {
                Ok(s) => GpuStatus::Found(s),
                Err(e) => GpuStatus::Unavailable {
                    reason: e.to_string(),
                },
            }
        };
        Status {
            version: env!("CARGO_PKG_VERSION"),
            router: RouterStatus {
                enabled: cfg.router.enabled,
                default_tier: cfg.router.default_tier,
            },
            backends,
            tiers,
            gpu,
            counters: self.counters.snapshot(),
            warm_ups: self.counters.warm_ups(),
            shellcheck,
            notices,
            refused_settings: self.refused_settings().to_vec(),
        }
    }

    /// What the user should know about where prompts go.
    fn backend_notices(&self, backends: &[BackendStatus]) -> Vec<String> {
        let mut notices = Vec::new();
        for b in backends.iter().filter(|b| !b.local) {
            if self.backend_allowed(&b.name) {
                notices.push(format!(
                    "backend `{}` at {} is not on this machine: prompts (your code) are sent there",
                    b.name, b.url
                ));
            } else {
                notices.push(format!(
                    "backend `{}` at {} is not on this machine and not set in the configuration: it is not used",
                    b.name, b.url
                ));
            }
        }
        notices
    }

    /// A tier's model as its backend's answers show it (details come later).
    fn tier_status(&self, tier: Tier, backends: &[BackendStatus]) -> TierStatus {
        let t = self.config().tiers.get(tier);
        let b = backends.iter().find(|b| b.name == t.backend);
        let same = |n: &str| backends::ollama::same_model(n, &t.model);
        let installed = b
            .filter(|b| b.reachable)
            .map(|b| b.kind != BackendKind::Ollama || b.installed.iter().any(|n| same(n)));
        let loaded = b
            .and_then(|b| b.loaded.as_ref())
            .map(|l| l.iter().any(|m| same(&m.name)));
        TierStatus {
            tier,
            model: t.model.clone(),
            backend: t.backend.clone(),
            installed,
            loaded,
            vram_needed_bytes: vram::estimate_bytes(
                (t.vram_mb > 0).then_some(t.vram_mb),
                None,
                None,
                None,
            ),
            details: None,
        }
    }

    /// Each installed model's details (Ollama's `/api/show`), asked concurrently.
    async fn add_details(&self, tiers: &mut [TierStatus]) {
        let details = tiers.iter().map(|t| {
            let (installed, backend, model) = (t.installed == Some(true), &t.backend, &t.model);
            async move {
                if !installed {
                    return None;
                }
                let backend = self.backend(backend, PROBE_CONNECT_S).ok()?;
                tokio::time::timeout(Duration::from_secs(3), backend.show(model))
                    .await
                    .ok()?
                    .ok()?
            }
        });
        let details = futures_util::future::join_all(details).await;
        for (t, d) in tiers.iter_mut().zip(details) {
            t.details = d;
        }
    }

    async fn probe_backend(&self, name: &str, used: bool) -> BackendStatus {
        let cfg = &self.config().backends[name];
        let url = cfg.url.clone();
        let mut status = BackendStatus {
            name: name.to_string(),
            kind: cfg.kind,
            local: backends::is_loopback(&url),
            url,
            usable: true,
            reachable: false,
            error: None,
            installed: Vec::new(),
            loaded: None,
        };
        if !used {
            status.error = Some("not used by any tier".into());
            return status;
        }
        let backend = match self.backend(name, PROBE_CONNECT_S) {
            Ok(b) => b,
            Err(e) => {
                status.usable = !matches!(e, backends::BackendError::Unusable { .. });
                status.error = Some(e.to_string());
                return status;
            }
        };
        let limit = Duration::from_secs(3);
        let (installed, loaded) = futures_util::future::join(
            tokio::time::timeout(limit, backend.installed()),
            tokio::time::timeout(limit, backend.loaded()),
        )
        .await;
        match installed {
            Ok(Ok(models)) => {
                status.reachable = true;
                status.installed = models.into_iter().map(|m| m.name).collect();
            }
            Ok(Err(e)) => status.error = Some(e.to_string()),
            Err(_) => status.error = Some(format!("no answer from {} within 3 s", status.url)),
        }
        if let Ok(Ok(l)) = loaded {
            status.loaded = l;
        }
        status
    }
}

/// How a backend's kind reads for people.
fn kind_label(kind: BackendKind) -> &'static str {
    match kind {
        BackendKind::Ollama => "Ollama",
        BackendKind::Openai => "OpenAI-compatible",
    }
}

/// A tier's model as its server knows it: only what was found out is said.
fn tier_state(t: &TierStatus, kind: Option<BackendKind>) -> String {
    match (t.installed, kind) {
        // Not asked, or no answer: the backend's line says why.
        (None, _) => "not known (backend not reachable)".into(),
        // Such a server serves the model it was started with: nothing to install or load.
        (Some(_), Some(BackendKind::Openai)) => "served".into(),
        (Some(false), _) => "NOT installed".into(),
        (Some(true), _) => match t.loaded {
            Some(true) => "installed, loaded".into(),
            Some(false) => "installed, not loaded".into(),
            None => "installed".into(),
        },
    }
}

impl Status {
    /// The backends that a tier uses and that could not be asked (down, refused, or
    /// without a usable URL): `superhelfer status` exits non-zero when there are any.
    pub fn tier_backends_down(&self) -> Vec<&str> {
        self.backends
            .iter()
            .filter(|b| !b.reachable && self.tiers.iter().any(|t| t.backend == b.name))
            .map(|b| b.name.as_str())
            .collect()
    }

    /// The status as text for a terminal or an editor message.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "superhelfer {}", self.version);
        let _ = writeln!(
            out,
            "router: {}",
            if self.router.enabled {
                "on".to_string()
            } else {
                format!("off (every request to {})", self.router.default_tier)
            }
        );
        self.render_backends(&mut out);
        self.render_tiers(&mut out);
        self.render_gpu(&mut out);
        self.render_requests(&mut out);
        if self.warm_ups > 0 {
            let _ = writeln!(
                out,
                "\nwarm-ups: {} (the code model loaded ahead on a request line)",
                self.warm_ups
            );
        }
        if let Some(v) = &self.shellcheck {
            let _ = writeln!(out, "\nshellcheck {v}");
        }
        if !self.refused_settings.is_empty() {
            let _ = writeln!(out, "\nrefused editor settings (not applied):");
            for r in &self.refused_settings {
                let _ = writeln!(out, "  {r}");
            }
        }
        for n in &self.notices {
            let _ = writeln!(out, "\nnote: {n}");
        }
        out
    }

    /// Each backend: reachable or why not, and its loaded models.
    fn render_backends(&self, out: &mut String) {
        let _ = writeln!(out, "\nbackends:");
        for b in &self.backends {
            let state = if b.reachable {
                "reachable".to_string()
            } else if b.error.as_deref() == Some("not used by any tier") {
                "not used by any tier".to_string()
            } else if !b.usable {
                format!(
                    "NOT usable: {}",
                    b.error.as_deref().unwrap_or("no usable URL")
                )
            } else {
                format!(
                    "NOT reachable: {}",
                    b.error.as_deref().unwrap_or("unknown error")
                )
            };
            let url = if b.usable { b.url.as_str() } else { "no URL" };
            let _ = writeln!(out, "  {} ({}, {url}): {state}", b.name, kind_label(b.kind));
            if let Some(loaded) = &b.loaded {
                for m in loaded {
                    let _ = writeln!(
                        out,
                        "    loaded: {} ({} in VRAM)",
                        m.name,
                        vram::format_bytes_gb(m.size_vram)
                    );
                }
            }
        }
    }

    /// Each tier: its model, where, and what its server said of it.
    fn render_tiers(&self, out: &mut String) {
        let _ = writeln!(out, "\ntiers:");
        for t in &self.tiers {
            let about = t
                .details
                .as_ref()
                .and_then(|d| d.parameter_size.clone())
                .map(|p| format!(" ({p})"))
                .unwrap_or_default();
            let kind = self
                .backends
                .iter()
                .find(|b| b.name == t.backend)
                .map(|b| b.kind);
            let _ = writeln!(
                out,
                "  {:<5} {}{about} on {}: {}{}",
                t.tier.as_str(),
                t.model,
                t.backend,
                tier_state(t, kind),
                t.vram_needed_bytes
                    .map(|b| format!(", needs about {}", vram::format_bytes_gb(b)))
                    .unwrap_or_default()
            );
        }
    }

    /// The GPUs, or why the VRAM guard is off.
    fn render_gpu(&self, out: &mut String) {
        let _ = writeln!(out, "\nGPU:");
        match &self.gpu {
            GpuStatus::Disabled => {
                let _ = writeln!(out, "  VRAM guard disabled (vram.enabled = false)");
            }
            GpuStatus::Unavailable { reason } => {
                let _ = writeln!(out, "  {reason}; routing goes on without the VRAM guard");
            }
            GpuStatus::Found(s) => {
                if let Some(d) = &s.driver_version {
                    let _ = writeln!(out, "  driver {d}");
                }
                for g in &s.gpus {
                    let _ = writeln!(
                        out,
                        "  GPU {}: {}: {} used, {} free of {}",
                        g.index,
                        g.name,
                        vram::format_bytes_gb(g.used_bytes),
                        vram::format_bytes_gb(g.free_bytes),
                        vram::format_bytes_gb(g.total_bytes)
                    );
                }
            }
        }
    }

    /// The counters, once there was a request.
    fn render_requests(&self, out: &mut String) {
        if self
            .counters
            .values()
            .any(|c| c.chosen + c.answered + c.failures > 0)
        {
            let _ = writeln!(out, "\nrequests:");
            for (tier, c) in &self.counters {
                let _ = writeln!(
                    out,
                    "  {:<5} chosen {}, answered {}, failed {}, fallbacks {}, timeouts {}, cancelled {}, avg {} ms (first token {} ms)",
                    tier.as_str(),
                    c.chosen,
                    c.answered,
                    c.failures,
                    c.fallbacks_from,
                    c.timeouts,
                    c.cancelled,
                    c.total_ms_avg.map(|v| v.to_string()).unwrap_or("-".into()),
                    c.first_token_ms_avg.map(|v| v.to_string()).unwrap_or("-".into()),
                );
            }
        }
    }
}
