//! Warm-ahead end to end: when the cursor rests on a request line (a code-action listing
//! there), the code model is loaded in the background before it is asked; never when
//! that would need the VRAM guard's consent, and not when the user turned it off.

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::fake_nvml::FakeNvmlState;
use support::lsp_client::{default_capabilities, LspClient, Spawn};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";
/// A 32 GB card with 6.7 GB free: an 18 GB model does not fit.
const NEARLY_FULL: &str =
    "init=ok\ndriver=580.65.06\ngpu=NVIDIA GeForce RTX 5090;total_mb=32607;used_mb=25900\n";
const ROOMY: &str =
    "init=ok\ndriver=580.65.06\ngpu=NVIDIA GeForce RTX 5090;total_mb=32607;used_mb=1000\n";

/// The listing's debounce plus the second the issue allows.
const WITHIN: Duration = Duration::from_millis(1500);

const SCRIPT: &str =
    "#!/bin/bash\n# list the 5 largest files here\necho done\n# show free disk space\n";

struct World {
    /// Keeps the stand-in running.
    _rt: tokio::runtime::Runtime,
    stub: OllamaStub,
    /// The user's configuration file (for `vram.nvml_lib`, which editor settings may not set).
    home: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        World::with_load_delay(Duration::ZERO)
    }

    /// A cold load of the code model takes `delay` in the stand-in.
    fn with_load_delay(delay: Duration) -> World {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let stub = rt.block_on(OllamaStub::start(vec![
            StubModel::new(FAST, Behavior::reply(&["A short answer."])).loaded(),
            StubModel::new(CODE, Behavior::reply(&["```bash\ndf -h\n```"]))
                .with_size(18_000_000_000)
                .with_load_delay(delay),
        ]));
        World {
            _rt: rt,
            stub,
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn options(&self) -> Value {
        json!({
            "backends": {"ollama": {"kind": "ollama", "url": self.stub.url()}},
            "vram": {"enabled": false},
            "router": {"warm_fast": false},
            "actions": {"shellcheck": false}
        })
    }

    fn client(&self, options: Value) -> LspClient {
        let mut c = LspClient::spawn(Spawn::default());
        c.initialize(options, default_capabilities());
        c.open("file:///w/t.sh", "shellscript", SCRIPT);
        c
    }

    /// A client whose GPU is the fake NVML in `state`, with the guard on.
    fn client_with_gpu(&self, gpu: &FakeNvmlState) -> LspClient {
        let file = self.home.path().join("config.toml");
        std::fs::write(
            &file,
            format!("[vram]\nnvml_lib = \"{}\"\n", gpu.lib_path().display()),
        )
        .unwrap();
        let mut c = LspClient::spawn(Spawn {
            env: vec![("SUPERHELFER_CONFIG".into(), file.display().to_string())],
            ..Default::default()
        });
        let mut options = self.options();
        options["vram"]["enabled"] = json!(true);
        c.initialize(options, default_capabilities());
        c.open("file:///w/t.sh", "shellscript", SCRIPT);
        c
    }

    /// The preloads (chats without messages) of the code model the stand-in received.
    fn preloads(&self) -> Vec<Value> {
        self.stub
            .chat_requests()
            .into_iter()
            .filter(|r| r["model"] == CODE && r["messages"].as_array().is_none_or(|m| m.is_empty()))
            .collect()
    }

    /// Waits up to `limit` for `n` preloads; returns how many came.
    fn wait_preloads(&self, n: usize, limit: Duration) -> usize {
        let deadline = Instant::now() + limit;
        while self.preloads().len() < n && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        self.preloads().len()
    }
}

fn list(c: &mut LspClient, line: u32) -> Vec<Value> {
    c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": "file:///w/t.sh"},
            "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}},
            "context": {"diagnostics": []}
        }),
    )
    .expect("codeAction")
    .as_array()
    .cloned()
    .unwrap_or_default()
}

#[test]
fn a_listing_on_a_request_line_preloads_the_code_model_once() {
    let w = World::new();
    let mut c = w.client(w.options());
    assert!(!list(&mut c, 1).is_empty(), "Generate is listed");
    assert_eq!(w.wait_preloads(1, WITHIN), 1, "one preload within a second");
    let preload = &w.preloads()[0];
    assert_eq!(
        preload["keep_alive"], "10m",
        "the tier's keep_alive: {preload}"
    );
    assert!(w.stub.is_loaded(CODE));
    // The model is resident now: resting on the line again loads nothing more.
    list(&mut c, 3);
    c.settle(WITHIN);
    assert_eq!(w.preloads().len(), 1);
    // `status` counts it.
    let status = c
        .request(
            "workspace/executeCommand",
            json!({"command": "superhelfer.status", "arguments": []}),
        )
        .expect("status");
    assert_eq!(status["warm_ups"], 1, "{status}");
    assert!(
        status["text"].as_str().unwrap().contains("warm-ups: 1"),
        "{status}"
    );
}

/// With `log.decisions` a warm-up leaves its own line in the decision log, and `stats`
/// counts it apart from the requests.
#[test]
fn the_decision_log_shows_a_warm_up() {
    let w = World::new();
    let state = w.home.path().join("state");
    let mut c = LspClient::spawn(Spawn {
        env: vec![("XDG_STATE_HOME".into(), state.display().to_string())],
        ..Default::default()
    });
    let mut options = w.options();
    options["log"] = json!({"decisions": true});
    c.initialize(options, default_capabilities());
    c.open("file:///w/t.sh", "shellscript", SCRIPT);
    list(&mut c, 1);
    assert_eq!(w.wait_preloads(1, WITHIN), 1);
    let file = state.join("superhelfer/decisions.jsonl");
    let deadline = Instant::now() + WITHIN;
    while !file.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let log = std::fs::read_to_string(&file).expect("the decision log");
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{log}");
    assert_eq!(lines[0]["warm_up"], true, "{log}");
    assert_eq!(lines[0]["model"], CODE, "{log}");
    assert_eq!(lines[0]["tier"], "code", "{log}");
    let stats = std::process::Command::new(env!("CARGO_BIN_EXE_superhelfer"))
        .args(["stats", "--json"])
        .env("SUPERHELFER_CONFIG", "/dev/null")
        .env("XDG_STATE_HOME", &state)
        .output()
        .unwrap();
    let stats: Value = serde_json::from_slice(&stats.stdout).expect("stats --json");
    assert_eq!(stats["warm_ups"], 1, "{stats}");
    assert_eq!(stats["requests"], 0, "a warm-up is no request: {stats}");
}

#[test]
fn scrolling_through_request_lines_warms_only_where_the_cursor_rests() {
    let w = World::new();
    let mut c = w.client(w.options());
    for _ in 0..3 {
        list(&mut c, 1);
        list(&mut c, 3);
    }
    assert_eq!(w.wait_preloads(1, WITHIN), 1);
    c.settle(Duration::from_millis(800));
    assert_eq!(
        w.preloads().len(),
        1,
        "a battery of listings is one warm-up"
    );
}

#[test]
fn no_preload_off_a_request_line_or_when_turned_off() {
    let w = World::new();
    let mut c = w.client(w.options());
    list(&mut c, 2); // `echo done`: a command, not a request
    c.settle(WITHIN);
    assert!(w.preloads().is_empty(), "{:?}", w.preloads());

    let mut off = w.options();
    off["router"]["warm_ahead"] = json!(false);
    let mut c = w.client(off);
    assert!(!list(&mut c, 1).is_empty(), "Generate is still listed");
    c.settle(WITHIN);
    assert!(w.preloads().is_empty(), "router.warm_ahead = false");
}

#[test]
fn never_when_the_vram_guard_would_ask() {
    let w = World::new();
    let full = FakeNvmlState::new(NEARLY_FULL);
    let mut c = w.client_with_gpu(&full);
    list(&mut c, 1);
    c.settle(WITHIN);
    assert!(w.preloads().is_empty(), "would need consent");
    assert!(c.server_requests("window/showMessageRequest").is_empty());

    // Room on the card: the guard lets the load through without asking, so it is warmed.
    let roomy = FakeNvmlState::new(ROOMY);
    let mut c = w.client_with_gpu(&roomy);
    list(&mut c, 1);
    assert_eq!(w.wait_preloads(1, WITHIN), 1);
    assert!(c.server_requests("window/showMessageRequest").is_empty());
}

#[test]
fn an_action_picked_before_the_cursor_rests_makes_no_separate_preload() {
    // The request is still loading the model when the listing's debounce ends.
    let w = World::with_load_delay(Duration::from_millis(1500));
    let mut c = w.client(w.options());
    let actions = list(&mut c, 1);
    let generate = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap_or("").starts_with("Generate"))
        .expect("Generate listed")["command"]
        .clone();
    let r = c.request("workspace/executeCommand", generate);
    assert!(r.is_ok(), "{r:?}");
    c.settle(WITHIN);
    assert!(
        w.preloads().is_empty(),
        "the request loaded the model itself: {:?}",
        w.preloads()
    );
}
