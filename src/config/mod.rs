//! One configuration schema for every source.
//!
//! Sources are merged key by key, later ones winning: built-in defaults (with `OLLAMA_HOST`
//! applied, as Ollama's own CLI does) → TOML file → LSP `initializationOptions` →
//! `workspace/didChangeConfiguration`. Every layer is kept as a JSON tree so that one merge
//! and one validation serve all of them, and every leaf remembers where it came from: an
//! error names the key and its source (file and line), and `superhelfer config` prints the
//! source of each value. The editor's layers pass a trust boundary first (`trust.rs`):
//! keys that name a machine elsewhere, a secret, a library or a file are the user's own.

mod duration;
mod layer;
mod resolved;
mod schema;
mod trust;

use std::fmt;
use std::path::PathBuf;

pub use duration::keep_alive_json;
pub use layer::Layer;
pub use resolved::Resolved;
pub use schema::*;
pub use trust::Refusal;

pub const DEFAULT_OLLAMA_URL: &str = "http://127.0.0.1:11434";

/// The longest time limit a tier may have: a day.
pub const MAX_TIMEOUT_S: u64 = 86_400;

/// A commented default file, printed by `superhelfer config --default`. A test checks that
/// it parses to exactly `Config::default()`, so it cannot drift from the schema.
pub const DEFAULT_FILE: &str = include_str!("../config_default.toml");

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

    /// True for the editor's settings, which a workspace can write.
    pub fn is_editor(&self) -> bool {
        matches!(
            self,
            Source::InitializationOptions | Source::DidChangeConfiguration
        )
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
    #[error("configuration file {path} does not exist (named by SUPERHELFER_CONFIG; unset it to use the default place, or set it to /dev/null for no file)")]
    Missing { path: PathBuf },
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

/// True when the URL's host is this machine.
pub fn is_loopback(url: &str) -> bool {
    let Ok(u) = reqwest::Url::parse(url) else {
        return false;
    };
    let Some(host) = u.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
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
    file_location().map(|(path, _)| path)
}

/// The file's path, and whether the user named it (`SUPERHELFER_CONFIG`): a named file
/// that is missing is an error, the usual place without a file is not.
fn file_location() -> Option<(PathBuf, bool)> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(p) = var("SUPERHELFER_CONFIG") {
        return Some((PathBuf::from(p), true));
    }
    if let Some(x) = var("XDG_CONFIG_HOME") {
        return Some((PathBuf::from(x).join("superhelfer/config.toml"), false));
    }
    var("HOME").map(|h| {
        (
            PathBuf::from(h).join(".config/superhelfer/config.toml"),
            false,
        )
    })
}

/// The layers this process starts with: defaults and the file. The file's error is
/// returned beside the defaults so the language server can report it and go on; an
/// invalid `OLLAMA_HOST` that nothing overrides is returned the same way, to be shown,
/// but only blocks the backend it names (`Resolved::unusable_backend`).
pub fn startup_layers() -> (Vec<Layer>, Option<ConfigError>) {
    let (layers, file_error) = file_layers();
    if file_error.is_some() {
        return (layers, file_error);
    }
    let env_error = Resolved::merge(&layers)
        .ok()
        .and_then(|r| r.unusable_backend("ollama").cloned());
    (layers, env_error)
}

/// Defaults and the file, or defaults and the file's error.
fn file_layers() -> (Vec<Layer>, Option<ConfigError>) {
    let host = std::env::var("OLLAMA_HOST").ok();
    let layers = vec![Layer::defaults(host.as_deref())];
    let Some((path, named)) = file_location() else {
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
        Ok(None) if named => (layers, Some(ConfigError::Missing { path })),
        Ok(None) => (layers, None),
        Err(e) => (layers, Some(e)),
    }
}

/// Loads defaults and the file for the CLI, where an invalid or missing named file is an
/// error. An invalid `OLLAMA_HOST` is not: it blocks only requests to that backend.
pub fn load_for_cli() -> Result<Resolved, ConfigError> {
    let (layers, error) = file_layers();
    match error {
        Some(e) => Err(e),
        None => Resolved::merge(&layers),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

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
    fn unknown_key_is_named_once() {
        let msg = file("[router]\nenabeld = true\n").unwrap_err().to_string();
        assert!(msg.contains("key `router.enabeld`:"), "{msg}");
        assert!(!msg.contains("enabeld.enabeld"), "{msg}");
        assert!(msg.contains("enabled"), "names the known keys: {msg}");
        let msg = file("colour = 1\n").unwrap_err().to_string();
        assert!(msg.contains("key `colour`:"), "{msg}");
    }

    #[test]
    fn numbers_json_cannot_hold_are_named() {
        let cases = [
            (
                "[tiers.fast]\nvram_mb = 99999999999999999999\n",
                "tiers.fast.vram_mb",
                "too large",
            ),
            (
                "[vram]\nwarn_at = nan\n",
                "vram.warn_at",
                "`nan` is not a number",
            ),
            ("[vram]\nwarn_at = -inf\n", "vram.warn_at", "infinite"),
            (
                "[context]\nmax_tokens = -5\n",
                "context.max_tokens",
                "negative",
            ),
            (
                "[context]\nmax_tokens = 2.5\n",
                "context.max_tokens",
                "not a whole number",
            ),
        ];
        for (text, key, says) in cases {
            let msg = file(text).unwrap_err().to_string();
            assert!(msg.contains(&format!("`{key}`")), "{msg}");
            assert!(msg.contains(says), "{msg}");
            assert!(msg.contains("/etc/sh.toml:2"), "{msg}");
        }
        let json = Layer::from_json(
            serde_json::json!({"context": {"max_tokens": 1e30}}),
            Source::DidChangeConfiguration,
        )
        .unwrap();
        let msg = Resolved::merge(&[Layer::defaults(None), json])
            .unwrap_err()
            .to_string();
        assert!(msg.contains("too large"), "{msg}");
    }

    #[test]
    fn keep_alive_is_checked_as_ollama_parses_it() {
        let msg = file("[tiers.code]\nkeep_alive = \"1.5.5h\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("tiers.code.keep_alive") && msg.contains("1.5.5h"),
            "{msg}"
        );
        let r =
            file("[tiers.code]\nkeep_alive = 300\n[tiers.fast]\nkeep_alive = \"-1\"\n").unwrap();
        assert_eq!(r.config.tiers.code.keep_alive, "300");
        assert_eq!(keep_alive_json(&r.config.tiers.fast.keep_alive), -1);
    }

    #[test]
    fn nvml_lib_must_be_absolute() {
        let msg = file("[vram]\nnvml_lib = \"lib/libnvidia-ml.so.1\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("vram.nvml_lib") && msg.contains("not an absolute path"),
            "{msg}"
        );
        assert!(file("[vram]\nnvml_lib = \"/usr/lib/libnvidia-ml.so.1\"\n").is_ok());
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
    fn inline_debounce_is_bounded() {
        let msg = file("[inline]\ndebounce_ms = 60000\n")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("inline.debounce_ms"), "{msg}");
        let r = file("[inline]\nenabled = false\ndebounce_ms = 0\n").expect("valid");
        assert!(!r.config.inline.enabled);
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
    fn an_invalid_ollama_host_blocks_only_its_backend_until_a_file_sets_the_url() {
        let r = Resolved::merge(&[Layer::defaults(Some("localhost:99999"))]).unwrap();
        let e = r.unusable_backend("ollama").expect("blocked").to_string();
        assert!(
            e.contains("OLLAMA_HOST") && e.contains("localhost:99999"),
            "{e}"
        );
        let file = Layer::from_toml(
            "[backends.ollama]\nurl = \"http://127.0.0.1:1234\"\n",
            Path::new("/etc/sh.toml"),
        )
        .unwrap();
        let r = Resolved::merge(&[Layer::defaults(Some("localhost:99999")), file]).unwrap();
        assert!(r.unusable_backend("ollama").is_none());
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
