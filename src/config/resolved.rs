//! The merged configuration: the layers passed through the trust boundary, merged key by
//! key (later wins), deserialized and checked, each value with its source.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use crate::tier::Tier;

use super::duration::keep_alive_problem;
use super::layer::{merge_into, source_of};
use super::trust::{self, Refusal};
use super::{Config, ConfigError, Layer, Source, MAX_TIMEOUT_S};

/// The merged configuration and the source of every value in it.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub config: Config,
    value: Value,
    origins: BTreeMap<String, Source>,
    /// Editor settings left out at the trust boundary.
    refusals: Vec<Refusal>,
    /// Keys a source could not set (an invalid `OLLAMA_HOST`) and no later source set.
    unusable: BTreeMap<String, ConfigError>,
}

impl Resolved {
    /// Passes the editor's layers through the trust boundary, merges all layers in order
    /// (later wins, key by key) and validates the result.
    pub fn merge(layers: &[Layer]) -> Result<Resolved, ConfigError> {
        let (layers, refusals) = trust::apply(layers);
        let mut value = Value::Object(Map::new());
        let mut origins = BTreeMap::new();
        let mut unusable = BTreeMap::new();
        for layer in &layers {
            unusable.retain(|key: &String, _| !layer.origins.contains_key(key));
            unusable.extend(layer.unusable.clone());
            merge_into(&mut value, &layer.value);
            // A replaced table hides the origins of what it replaced.
            for (path, source) in &layer.origins {
                origins.retain(|p: &String, _| !p.starts_with(&format!("{path}.")));
                origins.insert(path.clone(), source.clone());
            }
        }
        let config: Config = serde_path_to_error::deserialize(&value).map_err(|e| {
            let (key, message) = describe(e.path().to_string(), &e.inner().to_string());
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
            refusals,
            unusable,
        };
        resolved.check_semantics()?;
        Ok(resolved)
    }

    /// Editor settings that were not applied because they are security-relevant and the
    /// user's file does not allow them (`trust.editor_keys`).
    pub fn refusals(&self) -> &[Refusal] {
        &self.refusals
    }

    /// Why a backend cannot be used (its URL came from an invalid `OLLAMA_HOST` and no
    /// other source set one); everything else works.
    pub fn unusable_backend(&self, name: &str) -> Option<&ConfigError> {
        self.unusable.get(&format!("backends.{name}.url"))
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
        fraction("router.second_opinion_below", c.router.second_opinion_below)?;
        fraction("vram.warn_at", c.vram.warn_at)?;
        if !(1..=MAX_TIMEOUT_S).contains(&c.ui.dialog_timeout_s) {
            return Err(self.invalid(
                "ui.dialog_timeout_s",
                format!("must be 1 to {MAX_TIMEOUT_S} s (a day)"),
            ));
        }
        if c.inline.debounce_ms > 10_000 {
            return Err(self.invalid("inline.debounce_ms", "must be 0 to 10000 ms"));
        }
        if c.context.max_tokens == 0 {
            return Err(self.invalid("context.max_tokens", "must be at least 1"));
        }
        let lib = &c.vram.nvml_lib;
        if !lib.is_empty() && !Path::new(lib).is_absolute() {
            return Err(self.invalid(
                "vram.nvml_lib",
                format!("`{lib}` is not an absolute path (a relative one would depend on the directory the server starts in)"),
            ));
        }
        for (i, pattern) in c.trust.editor_keys.iter().enumerate() {
            trust::check_pattern(pattern)
                .map_err(|m| self.invalid(&format!("trust.editor_keys[{i}]"), m))?;
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
            self.check_tier(tier)?;
        }
        Ok(())
    }

    /// One tier: its backend exists, its model is named, its limits and `keep_alive` hold.
    fn check_tier(&self, tier: Tier) -> Result<(), ConfigError> {
        let c = &self.config;
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
        if let Some(problem) = keep_alive_problem(&t.keep_alive) {
            return Err(self.invalid(&format!("{prefix}.keep_alive"), problem));
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
        // A comment, so the output stays a valid file: what the value above does not say.
        for e in self.unusable.values() {
            out.push_str(&format!(
                "\n# not in force: {e}; requests to this backend fail\n"
            ));
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

/// The key and message for a deserialization error. serde names an unknown field only in
/// its message (the path already ends with it), and words number errors for Rust types.
fn describe(path: String, message: &str) -> (String, String) {
    let key = if path == "." { String::new() } else { path };
    if let Some(field) = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
    {
        let key = if key.is_empty() || key == field || key.ends_with(&format!(".{field}")) {
            if key.is_empty() {
                field.to_string()
            } else {
                key
            }
        } else {
            format!("{key}.{field}")
        };
        let expected = message
            .split_once(", expected ")
            .map(|(_, e)| e)
            .unwrap_or("");
        return (
            key,
            format!(
                "unknown key `{field}` (known here: {})",
                expected.trim_start_matches("one of ")
            ),
        );
    }
    (
        key,
        humanize_number_error(message).unwrap_or_else(|| message.to_string()),
    )
}

/// serde's "invalid value: integer `-5`, expected u64" as a user would say it.
fn humanize_number_error(message: &str) -> Option<String> {
    let (got, expected) = message.split_once(", expected ")?;
    let whole = matches!(expected, "u64" | "usize" | "u32" | "u16" | "u8");
    if !whole {
        return None;
    }
    let number = got.split('`').nth(1)?;
    if got.starts_with("invalid value: integer") && number.starts_with('-') {
        return Some(format!(
            "{number} is negative; a whole number of 0 or more is needed"
        ));
    }
    if got.starts_with("invalid type: floating point") {
        let huge = number
            .parse::<f64>()
            .is_ok_and(|v| v.abs() >= 1.8446744073709552e19);
        return Some(if huge {
            format!("{number} is too large (whole numbers must fit in 64 bits)")
        } else {
            format!("{number} is not a whole number")
        });
    }
    None
}
