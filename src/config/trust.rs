//! The trust boundary between the user's own configuration and the editor's settings.
//!
//! `initializationOptions` and `workspace/didChangeConfiguration` carry workspace
//! settings, which a cloned repository can write (`.vscode/settings.json`). Most keys are
//! harmless from there (models, time limits, router and context tunables). The keys that
//! name a machine elsewhere, a secret, a library or a file are *security-relevant*: from
//! the editor they are refused — dropped before the merge, so the user's own value stays
//! in force — unless the user's file lists them in `trust.editor_keys`. Each refusal is
//! kept for the user to see (a message once, and `status`).

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::layer::{collect_leaves, join, merge_into, Layer};

/// Security-relevant keys as patterns (`*`: any backend name), with why they are.
const SENSITIVE: &[(&str, &str)] = &[
    (
        "backends.*.url",
        "a backend that is not on this machine would receive your prompts, with your code",
    ),
    (
        "backends.*.api_key_env",
        "it names an environment variable whose value is sent as a bearer token",
    ),
    (
        "vram.nvml_lib",
        "it names a shared library that superhelfer loads and runs",
    ),
];

/// Keys the editor can never set, and why.
const NEVER: &[(&str, &str)] = &[
    (
        "log.file",
        "the log file is opened when the server starts, from your own configuration only",
    ),
    (
        "log.prompts",
        "your prompts are written to disk only when your own configuration says so",
    ),
    (
        "trust.*",
        "what editor settings may set is decided in your own configuration only",
    ),
];

/// An editor setting that was not applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// The dotted key, e.g. `backends.ollama.url`.
    pub key: String,
    /// The refused value as JSON text.
    pub value: String,
    /// `initializationOptions` or `workspace/didChangeConfiguration (superhelfer)`.
    pub source: String,
    pub reason: String,
    /// The `trust.editor_keys` entry that would allow it; `None` when nothing can.
    pub allow: Option<String>,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "refused `{} = {}` from the editor ({}): {}; your own configuration's value stays in force",
            self.key, self.value, self.source, self.reason
        )?;
        let file = super::file_path()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "your configuration file".into());
        match &self.allow {
            Some(pattern) => write!(
                f,
                ". To allow it, set it in {file}, or let editor settings set it there with [trust] editor_keys = [\"{pattern}\"]"
            ),
            None => write!(f, ". Set it in {file} instead"),
        }
    }
}

/// The user's layers unchanged, the editor's layers without what they may not set, and
/// what was refused.
pub(super) fn apply(layers: &[Layer]) -> (Vec<Layer>, Vec<Refusal>) {
    let mut user = Value::Object(Default::default());
    for layer in layers.iter().filter(|l| !l.from_editor) {
        merge_into(&mut user, &layer.value);
    }
    let allowed: Vec<String> = user
        .pointer("/trust/editor_keys")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let mut refusals = Vec::new();
    let filtered = layers
        .iter()
        .map(|layer| {
            if layer.from_editor {
                filter(layer, &user, &allowed, &mut refusals)
            } else {
                layer.clone()
            }
        })
        .collect();
    // Both editor layers may send the same value: one refusal, from the later source.
    let mut seen = BTreeSet::new();
    let mut refusals: Vec<Refusal> = refusals
        .into_iter()
        .rev()
        .filter(|r| seen.insert((r.key.clone(), r.value.clone())))
        .collect();
    refusals.sort_by(|a, b| a.key.cmp(&b.key));
    (filtered, refusals)
}

fn filter(layer: &Layer, user: &Value, allowed: &[String], out: &mut Vec<Refusal>) -> Layer {
    let mut keys = Vec::new();
    collect_leaves(&layer.value, "", &mut |k| keys.push(k.to_string()));
    let mut layer = layer.clone();
    let mut dropped_backends = BTreeSet::new();
    for key in keys {
        let segments: Vec<&str> = key.split('.').collect();
        let value = lookup(&layer.value, &segments)
            .cloned()
            .unwrap_or(Value::Null);
        let Some((reason, allowable)) = sensitivity(&segments, &value) else {
            continue;
        };
        if allowable && allowed.iter().any(|p| matches(p, &segments)) {
            continue;
        }
        let source = super::layer::source_of(&layer.origins, &key);
        // The same value as the user's own changes nothing: no need to refuse it.
        if lookup(user, &segments) != Some(&value) {
            out.push(Refusal {
                key: key.clone(),
                value: value.to_string(),
                source: source.to_string(),
                reason: reason.to_string(),
                allow: allowable.then(|| key.clone()),
            });
        }
        // A backend of the editor's own without its URL is no backend: drop it whole,
        // and the editor's tiers that name it.
        if segments.len() == 3 && segments[2] == "url" && lookup(user, &segments[..2]).is_none() {
            dropped_backends.insert(segments[1].to_string());
            remove(&mut layer, &segments[..2]);
        } else {
            remove(&mut layer, &segments);
        }
    }
    for backend in dropped_backends {
        for tier in ["fast", "code", "heavy"] {
            let segments = ["tiers", tier, "backend"];
            if lookup(&layer.value, &segments).and_then(Value::as_str) == Some(&backend) {
                remove(&mut layer, &segments);
            }
        }
    }
    layer
}

/// Why a key with this value may not come from the editor, and whether the user may
/// allow it; `None` for a key any source may set.
fn sensitivity(segments: &[&str], value: &Value) -> Option<(&'static str, bool)> {
    if let Some((_, why)) = NEVER.iter().find(|(p, _)| prefix_matches(p, segments)) {
        return (!is_empty_text(value) || segments[0] == "trust").then_some((why, false));
    }
    let (pattern, why) = SENSITIVE.iter().find(|(p, _)| matches(p, segments))?;
    let harmless = match *pattern {
        "backends.*.url" => value.as_str().is_some_and(super::is_loopback),
        "backends.*.api_key_env" => value.is_null(),
        _ => is_empty_text(value),
    };
    (!harmless).then_some((why, true))
}

fn is_empty_text(v: &Value) -> bool {
    v.as_str().is_some_and(str::is_empty)
}

/// Whether a dotted pattern (`*`: one name) matches a key exactly.
fn matches(pattern: &str, segments: &[&str]) -> bool {
    let parts: Vec<&str> = pattern.split('.').collect();
    parts.len() == segments.len() && parts.iter().zip(segments).all(|(p, s)| *p == "*" || p == s)
}

/// Like `matches`, but a trailing `*` also covers everything below.
fn prefix_matches(pattern: &str, segments: &[&str]) -> bool {
    match pattern.strip_suffix(".*") {
        Some(head) => {
            let parts: Vec<&str> = head.split('.').collect();
            segments.len() > parts.len() && matches(head, &segments[..parts.len()])
        }
        None => matches(pattern, segments),
    }
}

/// Checks a `trust.editor_keys` entry: it must allow at least one security-relevant key
/// (a typo would otherwise allow nothing, silently).
pub(super) fn check_pattern(pattern: &str) -> Result<(), String> {
    let segments: Vec<&str> = pattern.split('.').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(format!(
            "`{pattern}` is not a dotted key such as \"backends.gpu.url\""
        ));
    }
    if let Some((p, why)) = NEVER.iter().find(|(p, _)| {
        prefix_matches(p, &segments) || overlaps(p.trim_end_matches(".*"), &segments)
    }) {
        return Err(format!(
            "`{pattern}` cannot be given to the editor (`{p}`): {why}"
        ));
    }
    if SENSITIVE.iter().any(|(p, _)| overlaps(p, &segments)) {
        return Ok(());
    }
    let known: Vec<&str> = SENSITIVE.iter().map(|(p, _)| *p).collect();
    Err(format!(
        "`{pattern}` matches no key that needs trust (those are {}); any source may set the others",
        known.join(", ")
    ))
}

/// Whether two patterns can match the same key.
fn overlaps(a: &str, b: &[&str]) -> bool {
    let parts: Vec<&str> = a.split('.').collect();
    parts.len() == b.len()
        && parts
            .iter()
            .zip(b)
            .all(|(x, y)| *x == "*" || *y == "*" || x == y)
}

fn lookup<'a>(value: &'a Value, segments: &[&str]) -> Option<&'a Value> {
    segments.iter().try_fold(value, |v, s| v.get(*s))
}

/// Removes a key (and what is under it) from a layer's tree and its sources.
fn remove(layer: &mut Layer, segments: &[&str]) {
    let Some((last, parents)) = segments.split_last() else {
        return;
    };
    let mut node = &mut layer.value;
    for s in parents {
        match node.get_mut(*s) {
            Some(child) => node = child,
            None => return,
        }
    }
    if let Some(map) = node.as_object_mut() {
        map.remove(*last);
    }
    let key = segments.iter().fold(String::new(), |acc, s| join(&acc, s));
    let below = format!("{key}.");
    layer
        .origins
        .retain(|k, _| k != &key && !k.starts_with(&below));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Resolved, Source};
    use serde_json::json;

    fn merged(file: &str, editor: Value) -> Resolved {
        let file = Layer::from_toml(file, std::path::Path::new("/home/u/c.toml")).unwrap();
        let editor = Layer::from_json(editor, Source::InitializationOptions).unwrap();
        Resolved::merge(&[Layer::defaults(None), file, editor]).unwrap()
    }

    #[test]
    fn editor_keys_any_source_may_set_are_applied() {
        let r = merged(
            "",
            json!({"tiers": {"code": {"model": "m", "timeout_s": 9}}, "backends": {"ollama": {"url": "http://localhost:1"}}}),
        );
        assert_eq!(r.config.tiers.code.model, "m");
        assert_eq!(r.config.backends["ollama"].url, "http://localhost:1");
        assert!(r.refusals().is_empty());
    }

    #[test]
    fn security_relevant_editor_keys_are_refused() {
        let r = merged(
            "[backends.ollama]\nurl = \"http://127.0.0.1:7\"\n",
            json!({
                "backends": {"ollama": {"url": "http://10.9.9.9:11434", "api_key_env": "HOME"},
                             "evil": {"kind": "openai", "url": "https://evil.example/v1"}},
                "tiers": {"code": {"backend": "evil", "model": "x"}},
                "vram": {"nvml_lib": "./lib.so"},
                "log": {"file": "/tmp/x.log"},
                "trust": {"editor_keys": ["backends.*.url"]}
            }),
        );
        assert_eq!(r.config.backends["ollama"].url, "http://127.0.0.1:7");
        assert_eq!(r.config.backends["ollama"].api_key_env, None);
        assert!(!r.config.backends.contains_key("evil"));
        assert_eq!(r.config.tiers.code.backend, "ollama");
        assert_eq!(
            r.config.tiers.code.model, "x",
            "the rest of the tier applies"
        );
        assert_eq!(r.config.vram.nvml_lib, "");
        assert_eq!(r.config.log.file, "");
        assert!(r.config.trust.editor_keys.is_empty());
        let keys: Vec<&str> = r.refusals().iter().map(|r| r.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "backends.evil.url",
                "backends.ollama.api_key_env",
                "backends.ollama.url",
                "log.file",
                "trust.editor_keys",
                "vram.nvml_lib"
            ]
        );
        let url = &r.refusals()[2];
        assert_eq!(url.value, "\"http://10.9.9.9:11434\"");
        assert_eq!(url.allow.as_deref(), Some("backends.ollama.url"));
        let text = url.to_string();
        assert!(
            text.contains("editor_keys = [\"backends.ollama.url\"]"),
            "{text}"
        );
        assert_eq!(
            r.refusals()[3].allow,
            None,
            "log.file is never the editor's"
        );
    }

    #[test]
    fn the_users_file_can_allow_them() {
        let r = merged(
            "[trust]\neditor_keys = [\"backends.*.url\", \"vram.nvml_lib\"]\n",
            json!({"backends": {"ollama": {"url": "http://10.9.9.9:11434", "api_key_env": "K"}},
                   "vram": {"nvml_lib": "/opt/nv/libnvidia-ml.so.1"}}),
        );
        assert_eq!(r.config.backends["ollama"].url, "http://10.9.9.9:11434");
        assert_eq!(r.config.vram.nvml_lib, "/opt/nv/libnvidia-ml.so.1");
        assert_eq!(r.config.backends["ollama"].api_key_env, None);
        assert_eq!(r.refusals().len(), 1);
    }

    #[test]
    fn trust_patterns_are_checked() {
        assert!(check_pattern("backends.gpu.url").is_ok());
        assert!(check_pattern("backends.*.*").is_ok());
        assert!(check_pattern("vram.nvml_lib").is_ok());
        assert!(check_pattern("backend.*.url")
            .unwrap_err()
            .contains("matches no key"));
        assert!(check_pattern("tiers.fast.model").is_err());
        assert!(check_pattern("log.file")
            .unwrap_err()
            .contains("cannot be given"));
        assert!(check_pattern("trust.editor_keys").is_err());
        assert!(check_pattern("backends..url").is_err());
    }
}
