//! One configuration schema for every source.
//!
//! Sources are merged key by key, later ones winning: built-in defaults (with `OLLAMA_HOST`
//! applied, as Ollama's own CLI does) → TOML file → LSP `initializationOptions` →
//! `workspace/didChangeConfiguration`. Every layer is kept as a JSON tree so that one merge
//! and one validation serve all of them, and every leaf remembers where it came from: an
//! error names the key and its source (file and line), and `superhelfer config` prints the
//! source of each value.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::engine::tier::Tier;

/// The effective configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub router: RouterConfig,
    pub vram: VramConfig,
    pub context: ContextConfig,
    pub log: LogConfig,
    pub actions: ActionsConfig,
    /// Named backends; tiers refer to them by name.
    pub backends: BTreeMap<String, BackendConfig>,
    pub tiers: TiersConfig,
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionsConfig {
    /// Extra editor language ids where "Generate shell command" is offered (as bash), beside
    /// shell scripts, Dockerfiles, Makefiles and shell blocks in Markdown.
    pub command_languages: Vec<String>,
    /// Run shellcheck on shell scripts (on open and save) and publish its diagnostics.
    pub shellcheck: bool,
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
    /// How long Ollama keeps the model loaded after a request ("30m", "0", "-1").
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
            },
            actions: ActionsConfig {
                command_languages: Vec::new(),
                shellcheck: true,
            },
            backends,
            tiers: TiersConfig {
                fast: tier("llama3.2:3b", 30, 20, 2000, "30m"),
                code: tier("qwen3-coder:30b", 60, 45, 18000, "10m"),
                heavy: tier("llama3.1:70b", 120, 90, 42000, "5m"),
            },
        }
    }
}

pub const DEFAULT_OLLAMA_URL: &str = "http://127.0.0.1:11434";

/// The longest time limit a tier may have: a day.
pub const MAX_TIMEOUT_S: u64 = 86_400;

/// A commented default file, printed by `superhelfer config --default`. A test checks that
/// it parses to exactly `Config::default()`, so it cannot drift from the schema.
pub const DEFAULT_FILE: &str = include_str!("config_default.toml");

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Default,
    /// An environment variable that changes a default (`OLLAMA_HOST`).
    Env(&'static str),
    File {
        path: PathBuf,
        line: usize,
    },
    InitializationOptions,
    DidChangeConfiguration,
}

impl Source {
    /// True when the user chose this value in a superhelfer configuration (not a default,
    /// not an environment variable meant for another program).
    pub fn is_explicit(&self) -> bool {
        !matches!(self, Source::Default | Source::Env(_))
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::Env(name) => write!(f, "environment variable {name}"),
            Source::File { path, line } => write!(f, "{}:{line}", path.display()),
            Source::InitializationOptions => f.write_str("initializationOptions"),
            Source::DidChangeConfiguration => {
                f.write_str("workspace/didChangeConfiguration (superhelfer)")
            }
        }
    }
}

/// An invalid configuration value, naming the key and where it came from.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid configuration in {origin}: key `{key}`: {message}")]
    Invalid {
        key: String,
        origin: Source,
        message: String,
    },
    #[error("cannot read configuration file {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("configuration file {path} is not valid TOML (line {line}): {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("invalid configuration in {origin}: {message}")]
    Shape { origin: Source, message: String },
}

/// One source's values as a JSON tree, with the source of each leaf.
#[derive(Debug, Clone)]
pub struct Layer {
    value: Value,
    origins: BTreeMap<String, Source>,
}

impl Layer {
    /// The built-in defaults, with `OLLAMA_HOST` applied to the default backend's URL.
    pub fn defaults(ollama_host: Option<&str>) -> Layer {
        let mut value = serde_json::to_value(Config::default()).unwrap_or(Value::Null);
        let mut origins = BTreeMap::new();
        collect_leaves(&value, "", &mut |path| {
            origins.insert(path.to_string(), Source::Default);
        });
        if let Some(url) = ollama_host.and_then(|h| ollama_host_url(h).ok().flatten()) {
            if let Some(slot) = value.pointer_mut("/backends/ollama/url") {
                *slot = Value::String(url);
                origins.insert("backends.ollama.url".into(), Source::Env("OLLAMA_HOST"));
            }
        }
        Layer { value, origins }
    }

    /// A layer from JSON (`initializationOptions`, `didChangeConfiguration`).
    pub fn from_json(value: Value, source: Source) -> Result<Layer, ConfigError> {
        if !value.is_object() {
            return Err(ConfigError::Shape {
                origin: source,
                message: format!("expected an object, got {}", json_type(&value)),
            });
        }
        let mut origins = BTreeMap::new();
        collect_leaves(&value, "", &mut |path| {
            origins.insert(path.to_string(), source.clone());
        });
        Ok(Layer { value, origins })
    }

    /// A layer from a TOML file's text; `path` is used for messages and sources.
    pub fn from_toml(text: &str, path: &Path) -> Result<Layer, ConfigError> {
        let table = toml::de::DeTable::parse(text).map_err(|e| ConfigError::Syntax {
            path: path.to_path_buf(),
            line: e.span().map(|s| line_of(text, s.start)).unwrap_or(1),
            message: e.message().trim().to_string(),
        })?;
        let mut origins = BTreeMap::new();
        let value = toml_table_to_json(table.get_ref(), "", text, path, &mut origins);
        Ok(Layer { value, origins })
    }

    /// Reads the configuration file, if there is one. A missing file is no error.
    pub fn from_file(path: &Path) -> Result<Option<Layer>, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Layer::from_toml(&text, path).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ConfigError::Read {
                path: path.to_path_buf(),
                message: e.to_string(),
            }),
        }
    }
}

/// The merged configuration and the source of every value in it.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub config: Config,
    value: Value,
    origins: BTreeMap<String, Source>,
}

impl Resolved {
    /// Merges layers in order (later wins, key by key) and validates the result.
    pub fn merge(layers: &[Layer]) -> Result<Resolved, ConfigError> {
        let mut value = Value::Object(Map::new());
        let mut origins = BTreeMap::new();
        for layer in layers {
            merge_into(&mut value, &layer.value);
            // A replaced table hides the origins of what it replaced.
            for (path, source) in &layer.origins {
                origins.retain(|p: &String, _| !p.starts_with(&format!("{path}.")));
                origins.insert(path.clone(), source.clone());
            }
        }
        let config: Config = serde_path_to_error::deserialize(&value).map_err(|e| {
            let mut key = e.path().to_string();
            let message = e.inner().to_string();
            // serde names an unknown field only in its message; put it in the key.
            if let Some(field) = message
                .strip_prefix("unknown field `")
                .and_then(|rest| rest.split('`').next())
            {
                key = if key == "." || key.is_empty() {
                    field.to_string()
                } else {
                    format!("{key}.{field}")
                };
            }
            ConfigError::Invalid {
                origin: source_of(&origins, &key),
                key,
                message,
            }
        })?;
        let resolved = Resolved {
            config,
            value,
            origins,
        };
        resolved.check_semantics()?;
        Ok(resolved)
    }

    /// The source of a key such as `tiers.code.model`.
    pub fn source(&self, key: &str) -> Source {
        source_of(&self.origins, key)
    }

    fn invalid(&self, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            key: key.to_string(),
            origin: self.source(key),
            message: message.into(),
        }
    }

    fn check_semantics(&self) -> Result<(), ConfigError> {
        let c = &self.config;
        let fraction = |key: &str, v: f64| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(self.invalid(key, format!("{v} is outside 0–1")))
            }
        };
        fraction("router.heavy_threshold", c.router.heavy_threshold)?;
        fraction("vram.warn_at", c.vram.warn_at)?;
        if c.context.max_tokens == 0 {
            return Err(self.invalid("context.max_tokens", "must be at least 1"));
        }
        for (name, backend) in &c.backends {
            let key = format!("backends.{name}.url");
            let url = reqwest::Url::parse(&backend.url)
                .map_err(|e| self.invalid(&key, format!("`{}` is not a URL: {e}", backend.url)))?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(self.invalid(&key, "only http:// and https:// URLs are supported"));
            }
            if let Some(var) = &backend.api_key_env {
                if var.is_empty() || var.contains('=') {
                    return Err(self.invalid(
                        &format!("backends.{name}.api_key_env"),
                        "must name an environment variable",
                    ));
                }
            }
        }
        for tier in Tier::ALL {
            let t = c.tiers.get(tier);
            let prefix = format!("tiers.{tier}");
            if !c.backends.contains_key(&t.backend) {
                let known: Vec<&str> = c.backends.keys().map(String::as_str).collect();
                return Err(self.invalid(
                    &format!("{prefix}.backend"),
                    format!(
                        "no backend named `{}` (configured: {})",
                        t.backend,
                        known.join(", ")
                    ),
                ));
            }
            if t.model.trim().is_empty() {
                return Err(self.invalid(&format!("{prefix}.model"), "must not be empty"));
            }
            for (field, v) in [
                ("timeout_s", t.timeout_s),
                ("connect_timeout_s", t.connect_timeout_s),
                ("first_token_timeout_s", t.first_token_timeout_s),
            ] {
                if v == 0 {
                    return Err(self.invalid(&format!("{prefix}.{field}"), "must be at least 1"));
                }
                if v > MAX_TIMEOUT_S {
                    return Err(self.invalid(
                        &format!("{prefix}.{field}"),
                        format!("{v} s is more than a day ({MAX_TIMEOUT_S} s)"),
                    ));
                }
            }
            if !valid_keep_alive(&t.keep_alive) {
                return Err(self.invalid(
                    &format!("{prefix}.keep_alive"),
                    format!(
                        "`{}` is not a duration (e.g. \"30m\", \"1h\", \"300s\", \"0\", \"-1\")",
                        t.keep_alive
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The effective configuration as TOML, each value followed by its source.
    pub fn annotated(&self) -> String {
        let mut out = String::new();
        let Value::Object(root) = &self.value else {
            return out;
        };
        for (section, body) in root {
            write_table(&mut out, section, body, &self.origins);
        }
        out
    }
}

fn write_table(out: &mut String, path: &str, value: &Value, origins: &BTreeMap<String, Source>) {
    let Value::Object(map) = value else { return };
    let (leaves, tables): (Vec<_>, Vec<_>) = map.iter().partition(|(_, v)| !v.is_object());
    if !leaves.is_empty() || tables.is_empty() {
        out.push_str(&format!("\n[{path}]\n"));
    }
    for (key, v) in leaves {
        let line = format!("{} = {}", toml_key(key), toml_scalar(v));
        let source = source_of(origins, &format!("{path}.{key}"));
        out.push_str(&format!("{line:<44} # {source}\n"));
    }
    for (key, v) in tables {
        write_table(out, &format!("{path}.{}", toml_key(key)), v, origins);
    }
}

fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_string()
    } else {
        Value::String(key.to_string()).to_string()
    }
}

fn toml_scalar(v: &Value) -> String {
    match v {
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(toml_scalar).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Null => "\"\"".into(),
        other => other.to_string(),
    }
}

/// The nearest recorded source for a key or one of its parents.
fn source_of(origins: &BTreeMap<String, Source>, key: &str) -> Source {
    let mut k = key;
    loop {
        if let Some(s) = origins.get(k) {
            return s.clone();
        }
        // A table whose leaves all come from one place: use any child's source.
        if let Some((_, s)) = origins
            .range(format!("{k}.")..)
            .next()
            .filter(|(p, _)| p.starts_with(&format!("{k}.")))
        {
            return s.clone();
        }
        match k.rfind('.') {
            Some(i) => k = &k[..i],
            None => return Source::Default,
        }
    }
}

fn merge_into(base: &mut Value, layer: &Value) {
    match (base, layer) {
        (Value::Object(b), Value::Object(l)) => {
            for (k, v) in l {
                match b.get_mut(k) {
                    Some(slot) if slot.is_object() && v.is_object() => merge_into(slot, v),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

fn collect_leaves(value: &Value, prefix: &str, f: &mut dyn FnMut(&str)) {
    match value {
        // An empty table sets nothing: it must not hide the sources of what is under it.
        Value::Object(map) if map.is_empty() => {}
        Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                collect_leaves(v, &path, f);
            }
        }
        _ if !prefix.is_empty() => f(prefix),
        _ => {}
    }
}

fn toml_table_to_json(
    table: &toml::de::DeTable<'_>,
    prefix: &str,
    text: &str,
    path: &Path,
    origins: &mut BTreeMap<String, Source>,
) -> Value {
    let mut map = Map::new();
    for (key, value) in table {
        let name = key.get_ref().to_string();
        let full = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let line = line_of(text, key.span().start);
        let json = match value.get_ref() {
            toml::de::DeValue::Table(t) => toml_table_to_json(t, &full, text, path, origins),
            other => {
                origins.insert(
                    full.clone(),
                    Source::File {
                        path: path.to_path_buf(),
                        line,
                    },
                );
                toml_value_to_json(other)
            }
        };
        map.insert(name, json);
    }
    Value::Object(map)
}

fn toml_value_to_json(value: &toml::de::DeValue<'_>) -> Value {
    use toml::de::DeValue;
    match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str().replace('_', "").as_str(), i.radix())
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(i.as_str().to_string())),
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(f.as_str().to_string())),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| toml_value_to_json(v.get_ref()))
                .collect(),
        ),
        DeValue::Table(t) => {
            let mut ignored = BTreeMap::new();
            toml_table_to_json(t, "", "", Path::new(""), &mut ignored)
        }
    }
}

fn line_of(text: &str, byte: usize) -> usize {
    text.get(..byte.min(text.len()))
        .map(|s| s.matches('\n').count() + 1)
        .unwrap_or(1)
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Ollama's keep_alive: a Go duration ("30m", "1h30m", "300s") or a number of seconds;
/// "0" unloads at once and a negative value keeps the model loaded.
fn valid_keep_alive(s: &str) -> bool {
    let s = s.trim();
    if s.parse::<i64>().is_ok() {
        return true;
    }
    let body = s.strip_prefix('-').unwrap_or(s);
    let mut rest = body;
    let mut parts = 0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        let unit_len = ["ms", "us", "ns", "h", "m", "s"]
            .iter()
            .find(|u| rest.starts_with(**u))
            .map(|u| u.len());
        match unit_len {
            Some(n) => rest = &rest[n..],
            None => return false,
        }
        parts += 1;
    }
    parts > 0
}

/// The URL that `OLLAMA_HOST` means, as Ollama's CLI reads it: `host`, `host:port`,
/// or a full URL; a bind-all address means this machine. `Ok(None)` when unset or empty,
/// an error message when it is not a usable address.
pub fn ollama_host_url(raw: &str) -> Result<Option<String>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let url = ollama_host_guess(raw);
    match reqwest::Url::parse(&url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(Some(url)),
        Ok(_) => Err(format!("`{raw}` is not an http(s) address")),
        Err(e) => Err(format!("`{raw}` is not a usable address ({e})")),
    }
}

fn ollama_host_guess(raw: &str) -> String {
    let (scheme, rest) = match raw.split_once("://") {
        Some((s, r)) => (s, r),
        None => ("http", raw),
    };
    let rest = rest.trim_end_matches('/');
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !h.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => (h, p),
        Some(("", p)) => ("127.0.0.1", p),
        _ => (rest, "11434"),
    };
    let host = match host {
        "0.0.0.0" | "" => "127.0.0.1",
        "[::]" => "[::1]",
        h => h,
    };
    format!("{scheme}://{host}:{port}")
}

/// The configuration file's path: `$SUPERHELFER_CONFIG`, else
/// `$XDG_CONFIG_HOME/superhelfer/config.toml`, else `~/.config/superhelfer/config.toml`.
pub fn file_path() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(p) = var("SUPERHELFER_CONFIG") {
        return Some(PathBuf::from(p));
    }
    if let Some(x) = var("XDG_CONFIG_HOME") {
        return Some(PathBuf::from(x).join("superhelfer/config.toml"));
    }
    var("HOME").map(|h| PathBuf::from(h).join(".config/superhelfer/config.toml"))
}

/// The layers this process starts with: defaults and the file. The file's error is
/// returned beside the defaults so the language server can report it and go on.
pub fn startup_layers() -> (Vec<Layer>, Option<ConfigError>) {
    let host = std::env::var("OLLAMA_HOST").ok();
    let mut layers = vec![Layer::defaults(host.as_deref())];
    if let Some(Err(message)) = host.as_deref().map(ollama_host_url) {
        let error = ConfigError::Invalid {
            key: "backends.ollama.url".into(),
            origin: Source::Env("OLLAMA_HOST"),
            message,
        };
        return (layers, Some(error));
    }
    let Some(path) = file_path() else {
        return (layers, None);
    };
    match Layer::from_file(&path) {
        Ok(Some(layer)) => {
            let mut with_file = layers.clone();
            with_file.push(layer);
            match Resolved::merge(&with_file) {
                Ok(_) => (with_file, None),
                Err(e) => (layers, Some(e)),
            }
        }
        Ok(None) => (layers, None),
        Err(e) => {
            layers.truncate(1);
            (layers, Some(e))
        }
    }
}

/// Loads defaults and the file for the CLI, where an invalid file is an error.
pub fn load_for_cli() -> Result<Resolved, ConfigError> {
    let (layers, error) = startup_layers();
    match error {
        Some(e) => Err(e),
        None => Resolved::merge(&layers),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Result<Resolved, ConfigError> {
        let layer = Layer::from_toml(text, Path::new("/etc/sh.toml"))?;
        Resolved::merge(&[Layer::defaults(None), layer])
    }

    #[test]
    fn default_file_is_the_default_config() {
        let r = file(DEFAULT_FILE).expect("default file parses");
        assert_eq!(r.config, Config::default());
    }

    #[test]
    fn later_sources_override_key_by_key() {
        let f = Layer::from_toml(
            "[tiers.code]\nmodel = \"qwen2.5-coder:7b\"\n",
            Path::new("/c.toml"),
        )
        .unwrap();
        let init = Layer::from_json(
            serde_json::json!({"tiers": {"code": {"timeout_s": 90}}}),
            Source::InitializationOptions,
        )
        .unwrap();
        let r = Resolved::merge(&[Layer::defaults(None), f, init]).unwrap();
        assert_eq!(r.config.tiers.code.model, "qwen2.5-coder:7b");
        assert_eq!(r.config.tiers.code.timeout_s, 90);
        assert_eq!(r.config.tiers.code.vram_mb, 18000);
        assert_eq!(
            r.source("tiers.code.timeout_s"),
            Source::InitializationOptions
        );
        assert_eq!(
            r.source("tiers.code.model"),
            Source::File {
                path: "/c.toml".into(),
                line: 2
            }
        );
        assert_eq!(r.source("tiers.code.vram_mb"), Source::Default);
    }

    #[test]
    fn unknown_key_names_key_file_and_line() {
        let err = file("[router]\nenabled = true\nthreshold = 3\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("router.threshold"), "{msg}");
        assert!(msg.contains("/etc/sh.toml:3"), "{msg}");
    }

    #[test]
    fn wrong_type_names_key_and_line() {
        let err = file("[tiers.fast]\n\ntimeout_s = \"thirty\"\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("tiers.fast.timeout_s"), "{msg}");
        assert!(msg.contains("/etc/sh.toml:3"), "{msg}");
    }

    #[test]
    fn threshold_outside_unit_interval() {
        let msg = file("[vram]\nwarn_at = 1.5\n").unwrap_err().to_string();
        assert!(
            msg.contains("vram.warn_at") && msg.contains("outside 0–1"),
            "{msg}"
        );
        assert!(msg.contains(":2"), "{msg}");
    }

    #[test]
    fn tier_naming_missing_backend() {
        let msg = file("[tiers.heavy]\nbackend = \"cluster\"\n")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("tiers.heavy.backend"), "{msg}");
        assert!(msg.contains("no backend named `cluster`"), "{msg}");
    }

    #[test]
    fn new_backend_and_tier_pointing_at_it() {
        let r = file(
            "[backends.vllm]\nkind = \"openai\"\nurl = \"https://gpu-box:8000/v1\"\napi_key_env = \"VLLM_KEY\"\n[tiers.heavy]\nbackend = \"vllm\"\n",
        )
        .unwrap();
        assert_eq!(r.config.backends.len(), 2);
        assert_eq!(r.config.backends["vllm"].kind, BackendKind::Openai);
    }

    #[test]
    fn syntax_error_names_line() {
        let msg = file("[router]\nenabled = \n").unwrap_err().to_string();
        assert!(msg.contains("line 2"), "{msg}");
    }

    #[test]
    fn init_options_error_names_source() {
        let init = Layer::from_json(
            serde_json::json!({"router": {"default_tier": "huge"}}),
            Source::InitializationOptions,
        )
        .unwrap();
        let msg = Resolved::merge(&[Layer::defaults(None), init])
            .unwrap_err()
            .to_string();
        assert!(msg.contains("initializationOptions"), "{msg}");
        assert!(msg.contains("router.default_tier"), "{msg}");
    }

    #[test]
    fn ollama_host_forms() {
        let url = |s: &str| ollama_host_url(s).ok().flatten();
        assert_eq!(url("0.0.0.0").as_deref(), Some("http://127.0.0.1:11434"));
        assert_eq!(url("gpu:11500").as_deref(), Some("http://gpu:11500"));
        assert_eq!(
            url("https://x.example/").as_deref(),
            Some("https://x.example:11434")
        );
        assert_eq!(ollama_host_url(""), Ok(None));
        assert!(ollama_host_url("localhost:99999").is_err());
        // An invalid value leaves the default in place.
        let r = Resolved::merge(&[Layer::defaults(Some("localhost:99999"))]).unwrap();
        assert_eq!(r.config.backends["ollama"].url, DEFAULT_OLLAMA_URL);
        let d = Layer::defaults(Some("10.1.2.3:9999"));
        let r = Resolved::merge(&[d]).unwrap();
        assert_eq!(r.config.backends["ollama"].url, "http://10.1.2.3:9999");
        assert_eq!(r.source("backends.ollama.url"), Source::Env("OLLAMA_HOST"));
    }

    #[test]
    fn an_empty_table_does_not_make_an_env_url_explicit() {
        let r = Resolved::merge(&[
            Layer::defaults(Some("http://10.0.0.5:11434")),
            Layer::from_json(
                serde_json::json!({"backends": {"ollama": {}}}),
                Source::InitializationOptions,
            )
            .unwrap(),
        ])
        .unwrap();
        assert_eq!(r.source("backends.ollama.url"), Source::Env("OLLAMA_HOST"));
    }

    #[test]
    fn huge_time_limits_are_refused() {
        let msg = file("[tiers.fast]\ntimeout_s = 9223372036854775807\n")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("tiers.fast.timeout_s") && msg.contains("more than a day"),
            "{msg}"
        );
    }

    #[test]
    fn keep_alive_forms() {
        for ok in ["30m", "1h30m", "300s", "0", "-1", "5m", "1.5h"] {
            assert!(valid_keep_alive(ok), "{ok}");
        }
        for bad in ["", "soon", "5 minutes", "m5", "30x"] {
            assert!(!valid_keep_alive(bad), "{bad}");
        }
    }

    #[test]
    fn annotated_output_names_sources() {
        let r = file("[tiers.fast]\nmodel = \"phi4-mini\"\n").unwrap();
        let out = r.annotated();
        assert!(out.contains("[tiers.fast]"), "{out}");
        let line = out
            .lines()
            .find(|l| l.starts_with("model = \"phi4-mini\""))
            .unwrap();
        assert!(line.contains("# /etc/sh.toml:2"), "{line}");
        assert!(out.contains("# default"));
    }
}
