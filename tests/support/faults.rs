//! A language server over the Ollama stand-in and the fake NVML, with small time limits,
//! for the tests of faults and limits (`tests/bounded.rs`, `tests/fault_matrix.rs`).
//!
//! The configuration is the user's own file (`SUPERHELFER_CONFIG`), as a user would write
//! it. [`World::client`] warms the server with one healthy question first (the token
//! tables are built on first use, which is not what these tests time) and then reloads the
//! configuration, which rebuilds the engine: no probe, residency or NVML state survives the
//! warm-up, so each test starts from a server that knows nothing about its backend.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::fake_nvml::FakeNvmlState;
use super::lsp_client::{default_capabilities, LspClient, Spawn};
use super::ollama_stub::{Behavior, OllamaStub, StubModel};

pub const FAST: &str = "llama3.2:3b";
pub const CODE: &str = "qwen3-coder:30b";
/// The script every request works on: one request line.
pub const SCRIPT: &str = "#!/bin/bash\n# show free disk space\n";
/// A 32 GB card with 6.7 GB free: loading the 18 GB coder needs consent.
pub const NEARLY_FULL: &str =
    "init=ok\ndriver=580.65.06\ngpu=NVIDIA GeForce RTX 5090;total_mb=32607;used_mb=25900\n";
pub const ROOMY: &str =
    "init=ok\ndriver=580.65.06\ngpu=NVIDIA GeForce RTX 5090;total_mb=32607;used_mb=1000\n";

/// A reply holding one shell command in a fence.
pub fn command(cmd: &str) -> Behavior {
    Behavior::Reply {
        chunks: vec![format!("```bash\n{cmd}\n```")],
        first_token_delay: Duration::ZERO,
        chunk_delay: Duration::ZERO,
    }
}

/// The fast model, loaded, and the 18 GB coder with this behaviour.
pub fn models(code: StubModel) -> Vec<StubModel> {
    vec![StubModel::new(FAST, command("du -sh .")).loaded(), code]
}

pub fn coder(behavior: Behavior) -> StubModel {
    StubModel::new(CODE, behavior).with_size(18_000_000_000)
}

pub struct World {
    pub stub: OllamaStub,
    pub gpu: FakeNvmlState,
    dir: tempfile::TempDir,
}

/// Limits and settings of the configuration file.
#[derive(Clone, Copy)]
pub struct Limits {
    /// Every tier's `timeout_s`.
    pub timeout_s: u64,
    pub first_token_timeout_s: u64,
    pub dialog_timeout_s: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout_s: 3,
            first_token_timeout_s: 2,
            dialog_timeout_s: 300,
        }
    }
}

impl World {
    pub fn new(rt: &tokio::runtime::Handle, models: Vec<StubModel>, gpu_state: &str) -> World {
        World {
            stub: rt.block_on(OllamaStub::start(models)),
            gpu: FakeNvmlState::new(gpu_state),
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn write_config(&self, limits: Limits) -> std::path::PathBuf {
        let tier = |name: &str, model: &str| {
            format!(
                "[tiers.{name}]\nmodel = \"{model}\"\ntimeout_s = {}\nfirst_token_timeout_s = {}\nconnect_timeout_s = 1\n",
                limits.timeout_s, limits.first_token_timeout_s
            )
        };
        // Only when it differs from the default, so that a server without the key (an
        // older build) still reads the rest of the file.
        let ui = if limits.dialog_timeout_s == Limits::default().dialog_timeout_s {
            String::new()
        } else {
            format!("[ui]\ndialog_timeout_s = {}\n\n", limits.dialog_timeout_s)
        };
        let text = format!(
            "[backends.ollama]\nkind = \"ollama\"\nurl = \"{}\"\n\n[router]\nwarm_fast = false\n\n[actions]\nshellcheck = false\n\n[vram]\nenabled = true\nnvml_lib = \"{}\"\n\n{ui}{}\n{}\n{}",
            self.stub.url(),
            self.gpu.lib_path().display(),
            tier("fast", FAST),
            tier("code", CODE),
            tier("heavy", CODE),
        );
        let path = self.dir.path().join("config.toml");
        std::fs::write(&path, text).expect("write config");
        path
    }

    /// A started, warmed server whose engine has just been rebuilt.
    pub fn client(&self, limits: Limits) -> LspClient {
        let config = self.write_config(limits);
        let mut c = LspClient::spawn(Spawn {
            env: vec![
                ("SUPERHELFER_CONFIG".into(), config.display().to_string()),
                ("SUPERHELFER_LOG".into(), "superhelfer=debug".into()),
            ],
            ..Spawn::default()
        });
        // Start-up and the warm-up compete with other tests for the CPU: a generous
        // wait; the requests under test are timed by the tests themselves.
        c.wait = Duration::from_secs(120);
        c.initialize(json!({}), default_capabilities());
        warm_up(&mut c);
        reload(&mut c, json!({}));
        c.wait = Duration::from_secs(limits.timeout_s * 4 + 10);
        c
    }
}

/// One question to the fast model, to build the token tables.
fn warm_up(c: &mut LspClient) {
    let uri = "file:///w/warm-up.sh";
    c.open(uri, "shellscript", SCRIPT);
    let r = c.request(
        "workspace/executeCommand",
        json!({"command": "superhelfer.ask", "arguments": [{"uri": uri, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "question": "hi"}]}),
    );
    assert!(r.is_ok(), "the warm-up question failed: {r:?}");
}

/// Settings from the editor (`workspace/didChangeConfiguration`); the engine is rebuilt.
pub fn reload(c: &mut LspClient, settings: Value) {
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"superhelfer": settings}}),
    );
}

/// Lists the code actions on the request line.
pub fn list_actions(c: &mut LspClient, uri: &str) -> Vec<Value> {
    c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "context": {"diagnostics": []}}),
    )
    .map(|v| v.as_array().cloned().unwrap_or_default())
    .unwrap_or_default()
}

/// "Generate shell command" (the coder's work) on a fresh copy of [`SCRIPT`] named by
/// `n`: the result and how long the user waited for it.
pub fn generate(c: &mut LspClient, n: usize) -> (Result<Value, Value>, Duration) {
    let uri = format!("file:///w/g{n}.sh");
    c.open(&uri, "shellscript", SCRIPT);
    let actions = list_actions(c, &uri);
    let action = actions
        .first()
        .map(|a| a["command"].clone())
        .expect("Generate shell command is listed");
    let t = Instant::now();
    let r = c.request("workspace/executeCommand", action);
    (r, t.elapsed())
}

/// The texts of the messages shown to the user.
pub fn messages(c: &LspClient) -> Vec<String> {
    c.notifications("window/showMessage")
        .iter()
        .map(|m| m["message"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Waits up to a second for a message to the user that satisfies `pred` (a notification
/// may arrive just after the response it belongs to: the two travel separately).
pub fn told(c: &mut LspClient, pred: impl Fn(&str) -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        if messages(c).iter().any(|m| pred(m)) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        c.settle(Duration::from_millis(20));
    }
}

/// Models asked to answer, in order (preloads left out).
pub fn models_asked(stub: &OllamaStub) -> Vec<String> {
    stub.chat_requests()
        .iter()
        .filter(|c| c["messages"].as_array().is_some_and(|m| !m.is_empty()))
        .map(|c| c["model"].as_str().unwrap_or("").to_string())
        .collect()
}
