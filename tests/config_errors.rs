//! Broken configuration, as the user meets it: `superhelfer config` (and every other
//! command) exits non-zero naming the key and the line; the language server shows the
//! same message and keeps the last valid configuration. Each error says what is wrong
//! in the user's terms: the unknown key once, a number too large, `nan`, `inf`, a
//! duration Ollama would refuse, a library that does not load.

mod support;

use std::path::PathBuf;
use std::process::Output;

use serde_json::{json, Value};
use support::lsp_client::{default_capabilities, LspClient, Spawn};

struct UserFile {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn user_file(text: &str) -> UserFile {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    UserFile { _dir: dir, path }
}

fn cli(file: &UserFile, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_superhelfer"))
        .args(args)
        .env("SUPERHELFER_CONFIG", &file.path)
        .env_remove("OLLAMA_HOST")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

/// `superhelfer config` on this file: fails, and its message names `key` at `line`.
fn config_error(text: &str, key: &str, line: usize) -> String {
    let file = user_file(text);
    let out = cli(&file, &["config"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing printed as if valid");
    assert!(stderr.contains(&format!("key `{key}`")), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:{line}", file.path.display())),
        "names the line: {stderr}"
    );
    stderr
}

#[test]
fn an_unknown_key_is_named_once_with_the_known_ones() {
    let msg = config_error(
        "[router]\nenabled = true\nenabeld = false\n",
        "router.enabeld",
        3,
    );
    assert!(!msg.contains("enabeld.enabeld"), "{msg}");
    assert!(
        msg.contains("unknown key `enabeld`") && msg.contains("`enabled`"),
        "{msg}"
    );
    let msg = config_error("[tier.fast]\nmodel = \"x\"\n", "tier", 2);
    assert!(msg.contains("`tiers`"), "suggests the known tables: {msg}");
}

#[test]
fn numbers_out_of_range_nan_and_inf_are_named_as_such() {
    let msg = config_error(
        "[tiers.fast]\ntimeout_s = 99999999999999999999\n",
        "tiers.fast.timeout_s",
        2,
    );
    assert!(msg.contains("99999999999999999999 is too large"), "{msg}");
    let msg = config_error("[vram]\n\nwarn_at = nan\n", "vram.warn_at", 3);
    assert!(msg.contains("`nan` is not a number"), "{msg}");
    let msg = config_error(
        "[router]\nheavy_threshold = +inf\n",
        "router.heavy_threshold",
        2,
    );
    assert!(msg.contains("`+inf` is infinite"), "{msg}");
    let msg = config_error("[context]\nmax_tokens = -3\n", "context.max_tokens", 2);
    assert!(msg.contains("-3 is negative"), "{msg}");
}

#[test]
fn keep_alive_is_validated_as_ollama_parses_it() {
    let msg = config_error(
        "[tiers.code]\nkeep_alive = \"1.5.5h\"\n",
        "tiers.code.keep_alive",
        2,
    );
    assert!(msg.contains("`1.5.5h`") && msg.contains("unit"), "{msg}");
    let msg = config_error(
        "[tiers.heavy]\nkeep_alive = \"1d\"\n",
        "tiers.heavy.keep_alive",
        2,
    );
    assert!(msg.contains("unknown unit `d`"), "{msg}");
    let msg = config_error(
        "[tiers.fast]\nkeep_alive = \"30m \"\n",
        "tiers.fast.keep_alive",
        2,
    );
    assert!(msg.contains("`30m `"), "{msg}");
    // Go durations, plain seconds and negative (for ever) are all fine.
    let file = user_file(
        "[tiers.fast]\nkeep_alive = \"1h30m\"\n[tiers.code]\nkeep_alive = 300\n[tiers.heavy]\nkeep_alive = \"-1\"\n",
    );
    let out = cli(&file, &["config"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("keep_alive = 300 "), "{shown}");
}

#[test]
fn a_failing_nvml_lib_names_the_path_and_the_loaders_error() {
    let lib = "/nonexistent/superhelfer-test/libnvidia-ml.so.1";
    let file = user_file(&format!(
        "[backends.ollama]\nurl = \"http://127.0.0.1:9\"\n[vram]\nnvml_lib = \"{lib}\"\n"
    ));
    let out = cli(&file, &["status"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Nothing listens on port 9: `status` reports it and exits 1 (tests/cli_errors.rs);
    // here the point is the GPU line.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let gpu = stdout
        .lines()
        .skip_while(|l| *l != "GPU:")
        .nth(1)
        .unwrap_or_default();
    assert!(
        gpu.contains(&format!("vram.nvml_lib {lib} could not be loaded"))
            && gpu.contains("No such file or directory"),
        "{stdout}"
    );
}

#[test]
fn the_language_server_shows_the_same_errors_and_keeps_the_last_valid_configuration() {
    let file = user_file("[router]\nenabeld = false\n");
    let mut c = LspClient::spawn(Spawn {
        env: vec![("SUPERHELFER_CONFIG".into(), file.path.display().to_string())],
        ..Default::default()
    });
    c.initialize(json!({"vram": {"enabled": false}}), default_capabilities());
    let shown = c.wait_notification("window/showMessage", |m| m["type"] == 1);
    let text = shown["message"].as_str().unwrap();
    assert!(
        text.contains("key `router.enabeld`") && !text.contains("enabeld.enabeld"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{}:2", file.path.display())),
        "{text}"
    );

    let errors = |c: &LspClient| -> Vec<String> {
        c.notifications("window/showMessage")
            .iter()
            .filter(|m| m["type"] == 1)
            .filter_map(|m| m["message"].as_str().map(String::from))
            .collect()
    };
    for (settings, says) in [
        (json!({"context": {"max_tokens": 1e30}}), "too large"),
        (
            json!({"tiers": {"code": {"keep_alive": "1.5.5h"}}}),
            "`1.5.5h`",
        ),
        (
            json!({"tiers": {"fast": {"timeout_s": -1}}}),
            "-1 is negative",
        ),
        (
            json!({"router": {"enabeld": true}}),
            "unknown key `enabeld`",
        ),
    ] {
        let before = errors(&c).len();
        c.notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"superhelfer": settings}}),
        );
        c.wait_notification("window/showMessage", |m| {
            m["type"] == 1
                && m["message"].as_str().is_some_and(|t| {
                    t.contains(says) && t.contains("workspace/didChangeConfiguration")
                })
        });
        let all = errors(&c);
        assert_eq!(all.len(), before + 1, "{all:?}");
        let last = all.last().unwrap();
        assert!(last.contains("workspace/didChangeConfiguration"), "{last}");
        assert!(last.contains("last valid configuration stays"), "{last}");
    }
    let status = c
        .request(
            "workspace/executeCommand",
            json!({"command": "superhelfer.status", "arguments": []}),
        )
        .expect("still serving");
    assert_eq!(status["router"]["enabled"], Value::Bool(true));
    let (_, violations, stderr) = c.shutdown();
    assert!(violations.is_empty(), "{violations:?}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
