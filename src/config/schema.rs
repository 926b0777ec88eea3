//! The schema: every key a configuration may hold, and its default.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::tier::Tier;

use super::DEFAULT_OLLAMA_URL;

/// The effective configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub router: RouterConfig,
    pub vram: VramConfig,
    pub context: ContextConfig,
    pub log: LogConfig,
    pub actions: ActionsConfig,
    pub ui: UiConfig,
    pub inline: InlineConfig,
    /// Named backends; tiers refer to them by name.
    pub backends: BTreeMap<String, BackendConfig>,
    pub tiers: TiersConfig,
    /// What editor settings may set beyond the keys any source may set (see `trust.rs`).
    pub trust: TrustConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouterConfig {
    /// `false`: every request goes to `default_tier` (single-model mode).
    pub enabled: bool,
    pub default_tier: Tier,
    /// Code- or log-like material longer than this goes to the code tier.
    pub code_token_threshold: usize,
    /// Calibrated probability of heavy at or above which the first stage picks heavy.
    pub heavy_threshold: f64,
    /// Load the fast model when the language server starts, so the first answer is quick.
    pub warm_fast: bool,
    /// Ask the resident fast model to classify when the first stage is unsure.
    pub second_opinion: bool,
    /// The first stage's confidence below which it asks for a second opinion.
    pub second_opinion_below: f64,
    /// The most the second opinion may add to a request, in milliseconds; past it the
    /// first stage decides alone.
    pub second_opinion_ms: u64,
    /// Load the code model in the background when the cursor rests on a request line and
    /// loading needs no consent.
    pub warm_ahead: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VramConfig {
    pub enabled: bool,
    /// Fraction of GPU memory in use after a load above which the user is asked.
    pub warn_at: f64,
    /// Ask the user before crossing `warn_at`.
    pub confirm: bool,
    /// Optional path to `libnvidia-ml.so`; empty means the system's.
    pub nvml_lib: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextConfig {
    pub max_tokens: usize,
    pub lines_around: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// Also log to this file (appended); empty means stderr only.
    pub file: String,
    /// Append one JSON line per routed request to `decisions.jsonl` in the state directory
    /// (read by `superhelfer stats`).
    pub decisions: bool,
    /// Keep the query in each decision line too (off: a decision line never holds it).
    pub prompts: bool,
}

/// Read from the user's own sources only: editor settings can never widen their own rights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustConfig {
    /// Security-relevant keys that editor settings may set too, as dotted patterns where
    /// `*` stands for one name: `["backends.gpu.url"]`, `["backends.*.api_key_env"]`.
    pub editor_keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionsConfig {
    /// Extra editor language ids where "Generate shell command" is offered (as bash), beside
    /// shell scripts, Dockerfiles, Makefiles and shell blocks in Markdown.
    pub command_languages: Vec<String>,
    /// Run shellcheck on shell scripts (on open, save and change) and publish its diagnostics.
    pub shellcheck: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiConfig {
    /// How long a question to the user (VRAM consent, a dangerous command) waits for an
    /// answer before it counts as Cancel.
    pub dialog_timeout_s: u64,
}

/// Ghost text (`textDocument/inlineCompletion`) on the line after a request comment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InlineConfig {
    pub enabled: bool,
    /// How long an automatic request waits (for more typing) before the model is asked.
    pub debounce_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// Ollama's native API (`/api/chat`, `/api/tags`, `/api/ps`).
    Ollama,
    /// OpenAI-compatible `/v1/chat/completions`: llama.cpp, vLLM, LM Studio.
    Openai,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackendConfig {
    pub kind: BackendKind,
    pub url: String,
    /// Name of an environment variable holding a bearer token; the token itself never
    /// lives in a file or a log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_env: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TiersConfig {
    pub fast: TierConfig,
    pub code: TierConfig,
    pub heavy: TierConfig,
}

impl TiersConfig {
    pub fn get(&self, tier: Tier) -> &TierConfig {
        match tier {
            Tier::Fast => &self.fast,
            Tier::Code => &self.code,
            Tier::Heavy => &self.heavy,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierConfig {
    pub model: String,
    pub backend: String,
    /// Total time limit for one answer.
    pub timeout_s: u64,
    /// Time limit to open the connection.
    pub connect_timeout_s: u64,
    /// Time limit until the first token (covers a cold model load).
    pub first_token_timeout_s: u64,
    /// Expected VRAM need of the model; 0 means unknown (estimated from the backend).
    pub vram_mb: u64,
    /// How long Ollama keeps the model loaded after a request: a Go duration ("30m"), or
    /// seconds as a number (`300`, `"300"`; negative: for ever; 0: unload at once).
    #[serde(deserialize_with = "string_or_number")]
    pub keep_alive: String,
}

impl Default for Config {
    fn default() -> Self {
        let tier =
            |model: &str, timeout_s, first_token_timeout_s, vram_mb, keep_alive: &str| TierConfig {
                model: model.into(),
                backend: "ollama".into(),
                timeout_s,
                connect_timeout_s: 3,
                first_token_timeout_s,
                vram_mb,
                keep_alive: keep_alive.into(),
            };
        let mut backends = BTreeMap::new();
        backends.insert(
            "ollama".to_string(),
            BackendConfig {
                kind: BackendKind::Ollama,
                url: DEFAULT_OLLAMA_URL.into(),
                api_key_env: None,
            },
        );
        Config {
            router: RouterConfig {
                enabled: true,
                default_tier: Tier::Fast,
                code_token_threshold: 500,
                heavy_threshold: 0.8,
                warm_fast: true,
                second_opinion: true,
                second_opinion_below: 0.75,
                second_opinion_ms: 300,
                warm_ahead: true,
            },
            vram: VramConfig {
                enabled: true,
                warn_at: 0.8,
                confirm: true,
                nvml_lib: String::new(),
            },
            context: ContextConfig {
                max_tokens: 3000,
                lines_around: 40,
            },
            log: LogConfig {
                file: String::new(),
                decisions: false,
                prompts: false,
            },
            actions: ActionsConfig {
                command_languages: Vec::new(),
                shellcheck: true,
            },
            ui: UiConfig {
                dialog_timeout_s: 300,
            },
            inline: InlineConfig {
                enabled: true,
                debounce_ms: 300,
            },
            backends,
            trust: TrustConfig {
                editor_keys: Vec::new(),
            },
            tiers: TiersConfig {
                fast: tier("llama3.2:3b", 30, 20, 2000, "30m"),
                code: tier("qwen3-coder:30b", 60, 45, 18000, "10m"),
                heavy: tier("llama3.1:70b", 120, 90, 42000, "5m"),
            },
        }
    }
}

/// A string, or a number kept as its decimal text (`keep_alive = 300` means 300 seconds).
fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Number(serde_json::Number),
    }
    match Raw::deserialize(d) {
        Ok(Raw::Text(s)) => Ok(s),
        Ok(Raw::Number(n)) => Ok(n.to_string()),
        Err(_) => Err(serde::de::Error::custom(
            "expected a duration such as \"30m\" or a number of seconds",
        )),
    }
}
