//! A backend that does not take connections, as a user meets it in the CLI and in the
//! editor: the failure and its fix (`ollama serve`) are said once, a server found dead is
//! not asked again within the same request, and a live fast tier on another server still
//! answers.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use serde_json::{json, Value};
use support::lsp_client::{default_capabilities, LspClient, Spawn};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const BIN: &str = env!("CARGO_BIN_EXE_superhelfer");
const HINT: &str = "ollama serve";

/// A loopback URL nobody listens on.
fn closed_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}

/// A configuration with the code tier on `code_url` and the fast tier on `fast_url`
/// (one backend when they are equal).
fn config(dir: &Path, code_url: &str, fast_url: &str) -> PathBuf {
    let fast_backend = if fast_url == code_url {
        String::new()
    } else {
        format!(
            "[backends.other]\nkind = \"ollama\"\nurl = \"{fast_url}\"\n[tiers.fast]\nbackend = \"other\"\n"
        )
    };
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "[backends.ollama]\nkind = \"ollama\"\nurl = \"{code_url}\"\n{fast_backend}[vram]\nenabled = false\n"
        ),
    )
    .unwrap();
    path
}

fn cli(config: &Path, args: &[&str]) -> Output {
    std::process::Command::new(BIN)
        .args(args)
        .env("SUPERHELFER_CONFIG", config)
        .env("XDG_STATE_HOME", config.parent().unwrap())
        .env_remove("OLLAMA_HOST")
        .env_remove("SUPERHELFER_LOG")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run the CLI")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn cmd_against_a_closed_port_says_the_failure_and_its_fix_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = closed_url();
    let cfg = config(dir.path(), &url, &url);
    let out = cli(&cfg, &["cmd", "--shell", "bash", "list the files here"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty());
    assert_eq!(err.matches(HINT).count(), 1, "{err}");
    assert_eq!(err.matches("cannot reach").count(), 1, "{err}");
    assert!(err.contains(&url), "{err}");
    assert!(
        !err.contains("fallback"),
        "no retry on the same server: {err}"
    );
}

#[test]
fn two_backend_names_for_one_dead_server_are_not_both_asked() {
    let dir = tempfile::tempdir().unwrap();
    let url = closed_url();
    // Another name, the same host and port (a trailing slash changes nothing).
    let other = format!("{url}/");
    let cfg = config(dir.path(), &url, &other);
    let out = cli(&cfg, &["cmd", "--shell", "bash", "list the files here"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("fallback"), "{err}");
    assert_eq!(err.matches(HINT).count(), 1, "{err}");
}

#[test]
fn cmd_with_both_tiers_on_dead_servers_names_both_and_the_fix_once() {
    let dir = tempfile::tempdir().unwrap();
    let (code, fast) = (closed_url(), closed_url());
    let cfg = config(dir.path(), &code, &fast);
    let out = cli(&cfg, &["cmd", "--shell", "bash", "list the files here"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("fallback: the code tier failed"), "{err}");
    assert!(err.contains(&code) && err.contains(&fast), "{err}");
    assert_eq!(err.matches(HINT).count(), 1, "{err}");
}

fn stub_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn fast_stub(rt: &tokio::runtime::Runtime) -> OllamaStub {
    rt.block_on(OllamaStub::start(vec![StubModel::new(
        "llama3.2:3b",
        Behavior::reply(&["```bash\nls -la\n```"]),
    )
    .loaded()]))
}

#[test]
fn cmd_with_a_live_fast_tier_on_another_server_still_falls_back() {
    let rt = stub_runtime();
    let stub = fast_stub(&rt);
    let dir = tempfile::tempdir().unwrap();
    let code = closed_url();
    let cfg = config(dir.path(), &code, &stub.url());
    let out = cli(&cfg, &["cmd", "--shell", "bash", "list the files here"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ls -la\n");
    assert!(err.contains("fallback: the code tier failed"), "{err}");
    assert_eq!(err.matches("cannot reach").count(), 1, "{err}");
    assert_eq!(stub.chat_requests().len(), 1, "the fast tier answered");
}

/// Every text the editor shows: messages and progress.
fn shown(c: &LspClient) -> Vec<String> {
    let messages = c.notifications("window/showMessage");
    let progress = c.notifications("$/progress");
    messages
        .iter()
        .filter_map(|m| m["message"].as_str())
        .chain(
            progress
                .iter()
                .filter_map(|p| p["value"]["message"].as_str()),
        )
        .map(str::to_string)
        .collect()
}

fn generate(c: &mut LspClient) -> Result<Value, Value> {
    let uri = "file:///w/d.sh";
    c.open(uri, "shellscript", "#!/bin/bash\n# list the files here\n");
    let command = c.listed_command(uri, 1, "Generate");
    c.request("workspace/executeCommand", command)
}

fn editor(code_url: &str, fast_url: &str) -> LspClient {
    let mut c = LspClient::spawn(Spawn::default());
    c.initialize(
        json!({
            "backends": {
                "ollama": {"kind": "ollama", "url": code_url},
                "other": {"kind": "ollama", "url": fast_url}
            },
            "tiers": {"fast": {"backend": "other"}},
            "vram": {"enabled": false},
            "actions": {"shellcheck": false}
        }),
        default_capabilities(),
    );
    c
}

#[test]
fn the_editor_shows_one_error_with_the_fix_once_when_both_servers_are_dead() {
    let (code, fast) = (closed_url(), closed_url());
    let mut c = editor(&code, &fast);
    let err = generate(&mut c).expect_err("both dead");
    assert!(err["message"].as_str().unwrap().contains(&fast), "{err}");
    c.settle(Duration::from_millis(300));
    let errors: Vec<Value> = c
        .notifications("window/showMessage")
        .into_iter()
        .filter(|m| m["type"] == 1)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let hints: usize = shown(&c).iter().map(|m| m.matches(HINT).count()).sum();
    assert_eq!(hints, 1, "{:#?}", shown(&c));
}

#[test]
fn the_editor_tells_the_fallback_once_when_the_fast_tier_answers() {
    let rt = stub_runtime();
    let stub = fast_stub(&rt);
    let code = closed_url();
    let mut c = editor(&code, &stub.url());
    generate(&mut c).expect("the fast tier answers");
    assert!(c.text("file:///w/d.sh").contains("ls -la"));
    c.settle(Duration::from_millis(300));
    let all = shown(&c);
    let hints: usize = all.iter().map(|m| m.matches(HINT).count()).sum();
    assert_eq!(hints, 1, "{all:#?}");
    let warnings: Vec<Value> = c
        .notifications("window/showMessage")
        .into_iter()
        .filter(|m| m["type"] == 2 && m["message"].as_str().unwrap_or("").contains(&code))
        .collect();
    assert_eq!(warnings.len(), 1, "{all:#?}");
}
