//! What the CLI (and the editor) say when the setup is wrong, as a new user meets it: a file
//! named but missing, an `OLLAMA_HOST` that is no address, a backend that is down. Each is
//! one clear message, and it stops only what needs the broken part.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const BIN: &str = env!("CARGO_BIN_EXE_superhelfer");

/// Runs the CLI with `env` on top of a clean environment (no user file, no OLLAMA_HOST).
fn cli(args: &[&str], env: &[(&str, &str)], state: &Path) -> Output {
    let mut cmd = std::process::Command::new(BIN);
    cmd.args(args)
        .env_remove("SUPERHELFER_CONFIG")
        .env_remove("OLLAMA_HOST")
        .env_remove("SUPERHELFER_LOG")
        .env("XDG_CONFIG_HOME", state.join("xdg"))
        .env("XDG_STATE_HOME", state.join("state"))
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run the CLI")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn file(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn closed_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}

async fn stub() -> OllamaStub {
    OllamaStub::start(vec![
        StubModel::new("llama3.2:3b", Behavior::reply(&["An answer."])).loaded(),
        StubModel::new("qwen3-coder:30b", Behavior::reply(&["```bash\nls\n```"])),
        StubModel::new("llama3.1:70b", Behavior::reply(&["x"])),
    ])
    .await
}

#[test]
fn a_missing_file_named_by_superhelfer_config_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-config.toml");
    let missing = missing.to_str().unwrap();
    for args in [
        &["route", "hello"][..],
        &["status"],
        &["config"],
        &["ask", "hi"],
    ] {
        let out = cli(args, &[("SUPERHELFER_CONFIG", missing)], dir.path());
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(missing) && err.contains("does not exist"),
            "{args:?}: {err}"
        );
        assert!(stdout(&out).is_empty(), "{args:?}");
    }
    // No file at the usual place is no error, and /dev/null means "no file".
    let out = cli(&["route", "hello"], &[], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let out = cli(
        &["route", "hello"],
        &[("SUPERHELFER_CONFIG", "/dev/null")],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn an_invalid_ollama_host_does_not_stop_what_needs_no_backend() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("OLLAMA_HOST", "localhost:99999")];
    let out = cli(&["route", "--json", "hello"], &env, dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["tier"], "fast");
    let out = cli(&["config"], &env, dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .contains("# not in force: invalid configuration in environment variable OLLAMA_HOST"),
        "{}",
        stdout(&out)
    );
    let out = cli(&["risk", "ls"], &env, dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn an_invalid_ollama_host_blocks_the_requests_to_that_backend_with_one_message() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("OLLAMA_HOST", "localhost:99999")];
    let out = cli(&["ask", "hello"], &env, dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("OLLAMA_HOST").count(), 1, "{err}");
    assert!(err.contains("localhost:99999"), "{err}");
    assert!(stdout(&out).trim().is_empty());

    let out = cli(&["status"], &env, dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let text = stdout(&out);
    assert!(
        text.contains("NOT usable") && text.contains("OLLAMA_HOST"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invalid_ollama_host_is_irrelevant_when_the_file_sets_the_url() {
    let stub = stub().await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = file(
        dir.path(),
        &format!(
            "[backends.ollama]\nurl = \"{}\"\n[vram]\nenabled = false\n",
            stub.url()
        ),
    );
    let cfg = cfg.to_str().unwrap();
    let env = [
        ("OLLAMA_HOST", "localhost:99999"),
        ("SUPERHELFER_CONFIG", cfg),
    ];
    let out = cli(&["ask", "hello"], &env, dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "An answer.\n");
    assert!(!stderr(&out).contains("OLLAMA_HOST"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn status_exits_non_zero_when_a_tier_backend_is_down_and_zero_when_all_answer() {
    let stub = stub().await;
    let dir = tempfile::tempdir().unwrap();
    let up = format!(
        "[backends.ollama]\nurl = \"{}\"\n[vram]\nenabled = false\n",
        stub.url()
    );
    let cfg = file(dir.path(), &up);
    let out = cli(
        &["status"],
        &[("SUPERHELFER_CONFIG", cfg.to_str().unwrap())],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("llama3.2:3b (3B) on ollama: installed, loaded"),
        "{text}"
    );
    assert!(
        text.contains("qwen3-coder:30b (30B) on ollama: installed, not loaded"),
        "{text}"
    );

    // The heavy tier on a server that is down: the status says so and exits 1, with
    // --json too; a down backend no tier uses changes nothing.
    let down = closed_url();
    let cfg = file(
        dir.path(),
        &format!("{up}[backends.big]\nkind = \"ollama\"\nurl = \"{down}\"\n[tiers.heavy]\nbackend = \"big\"\n"),
    );
    for args in [&["status"][..], &["status", "--json"]] {
        let out = cli(
            args,
            &[("SUPERHELFER_CONFIG", cfg.to_str().unwrap())],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stdout(&out));
    }
    let text = stdout(&cli(
        &["status"],
        &[("SUPERHELFER_CONFIG", cfg.to_str().unwrap())],
        dir.path(),
    ));
    assert!(
        text.contains("NOT reachable") && text.contains(&down),
        "{text}"
    );
    assert!(
        text.contains("llama3.1:70b on big: not known (backend not reachable)"),
        "{text}"
    );
    assert!(!text.contains("unknown"), "{text}");

    let cfg = file(
        dir.path(),
        &format!("{up}[backends.spare]\nkind = \"ollama\"\nurl = \"{down}\"\n"),
    );
    let out = cli(
        &["status"],
        &[("SUPERHELFER_CONFIG", cfg.to_str().unwrap())],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn status_names_an_openai_compatible_server_as_such_and_says_what_it_serves() {
    let stub = stub().await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = file(
        dir.path(),
        &format!(
            "[backends.local]\nkind = \"openai\"\nurl = \"{}/v1\"\n[tiers.fast]\nbackend = \"local\"\n[tiers.code]\nbackend = \"local\"\n[tiers.heavy]\nbackend = \"local\"\n[vram]\nenabled = false\n",
            stub.url()
        ),
    );
    let out = cli(
        &["status"],
        &[("SUPERHELFER_CONFIG", cfg.to_str().unwrap())],
        dir.path(),
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(text.contains("local (OpenAI-compatible, "), "{text}");
    assert!(text.contains("llama3.2:3b on local: served"), "{text}");
    assert!(
        !text.contains("unknown") && !text.contains("Openai"),
        "{text}"
    );
}

#[test]
fn the_language_server_shows_a_missing_named_file_and_runs_on_the_defaults() {
    use support::lsp_client::{default_capabilities, LspClient, Spawn};
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo.toml").display().to_string();
    let mut c = LspClient::spawn(Spawn {
        env: vec![("SUPERHELFER_CONFIG".into(), missing.clone())],
        ..Default::default()
    });
    c.initialize(
        serde_json::json!({"vram": {"enabled": false}}),
        default_capabilities(),
    );
    let shown = c.wait_notification("window/showMessage", |m| m["type"] == 1);
    let text = shown["message"].as_str().unwrap();
    assert!(
        text.contains(&missing) && text.contains("does not exist"),
        "{text}"
    );
    // Still serving: listing actions needs no file.
    c.open(
        "file:///w/a.sh",
        "shellscript",
        "#!/bin/bash\n# list files\n",
    );
    let list = c
        .request(
            "textDocument/codeAction",
            serde_json::json!({
                "textDocument": {"uri": "file:///w/a.sh"},
                "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
                "context": {"diagnostics": []}
            }),
        )
        .expect("codeAction");
    assert!(!list.as_array().unwrap().is_empty(), "{list}");
}
