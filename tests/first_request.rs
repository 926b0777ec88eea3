//! The first request after start is no slower than the second: where the server talks to
//! the backend at start anyway (`router.warm_fast`), it also learns then which models are
//! installed and loaded, so the editor's first "Generate shell command" waits for no
//! probe; with `warm_fast = false` nothing is asked before the first request. The
//! protocol layer's warm-up at start (`lsp/warm_start.rs`) shows the editor nothing and
//! asks no backend.
//! (`cargo bench --bench first_request` measures the times.)

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::lsp_client::{default_capabilities, Event, LspClient, Spawn};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const URI: &str = "file:///w/disk.sh";

fn server(stub: &OllamaStub, warm_fast: bool) -> LspClient {
    let mut c = LspClient::spawn(Default::default());
    c.initialize(
        json!({
            "backends": {"ollama": {"kind": "ollama", "url": stub.url()}},
            "vram": {"enabled": true},
            "actions": {"shellcheck": false},
            "router": {"warm_fast": warm_fast, "warm_ahead": false}
        }),
        default_capabilities(),
    );
    c
}

fn generate(c: &mut LspClient) -> Value {
    c.open(
        URI,
        "shellscript",
        "#!/bin/bash\n# show the size of each log directory\n",
    );
    let list = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "context": {"diagnostics": []}}),
        )
        .unwrap();
    c.request("workspace/executeCommand", list[0]["command"].clone())
        .expect("generated")
}

fn probes(s: &OllamaStub) -> (usize, usize) {
    (s.count("/api/tags"), s.count("/api/ps"))
}

fn stub(rt: &tokio::runtime::Runtime) -> OllamaStub {
    rt.block_on(OllamaStub::start(vec![
        StubModel::new("llama3.2:3b", Behavior::reply(&["hi"])).loaded(),
        StubModel::new(
            "qwen3-coder:30b",
            Behavior::reply(&["```bash\ndu -sh /var/log/* | sort -h\n```"]),
        )
        .loaded(),
    ]))
}

#[test]
fn the_first_generate_asks_no_probe_when_the_server_warmed_at_start() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = stub(&rt);
    let mut c = server(&s, true);
    // Asked in the background after `initialized`: wait for it (generously).
    let deadline = Instant::now() + Duration::from_secs(10);
    while probes(&s) != (1, 1) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let at_start = probes(&s);
    assert_eq!(
        at_start,
        (1, 1),
        "/api/tags and /api/ps asked once at start"
    );
    let r = generate(&mut c);
    assert_eq!(r["inserted"], true, "{r}");
    assert_eq!(probes(&s), at_start, "the first request asked again");
    c.shutdown();
}

#[test]
fn without_warm_fast_nothing_is_asked_before_the_first_request() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = stub(&rt);
    let mut c = server(&s, false);
    c.settle(Duration::from_millis(300));
    assert_eq!(probes(&s), (0, 0));
    assert!(s.chat_requests().is_empty());
    let r = generate(&mut c);
    assert_eq!(r["inserted"], true, "{r}");
    assert_eq!(probes(&s), (1, 1), "the request asks for itself");
    c.shutdown();
}

#[test]
fn the_warm_up_at_start_sends_the_editor_nothing_and_asks_no_backend() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = stub(&rt);
    let mut c = LspClient::spawn(Spawn {
        env: vec![("SUPERHELFER_LOG".into(), "superhelfer=debug".into())],
        ..Default::default()
    });
    c.initialize(
        json!({
            "backends": {"ollama": {"kind": "ollama", "url": s.url()}},
            "actions": {"shellcheck": false},
            "router": {"warm_fast": false, "warm_ahead": false}
        }),
        default_capabilities(),
    );
    // It runs in the background after `initialized` and says when it is done.
    let done = || c_stderr_has(&c, "protocol warm-up: ");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let log = c.stderr.lock().unwrap().clone();
    assert!(done(), "the warm-up ran to its end:\n{log}");
    assert!(!log.contains("protocol warm-up stopped"), "{log}");
    c.settle(Duration::from_millis(200));
    let sent: Vec<&Value> = c
        .events
        .iter()
        .map(|e| match e {
            Event::Notification(v) | Event::ServerRequest(v) => v,
        })
        .collect();
    assert!(sent.is_empty(), "sent to the editor: {sent:?}");
    assert!(s.requests().is_empty(), "the backend was asked");

    // The editor's first request is served as before, its progress a fresh token.
    let r = generate(&mut c);
    assert_eq!(r["inserted"], true, "{r}");
    assert_eq!(s.chat_requests().len(), 1);
    let created = c.server_requests("window/workDoneProgress/create");
    assert_eq!(created.len(), 1, "{created:?}");
    assert_ne!(created[0]["token"], "superhelfer-warm-up");
    c.shutdown();
}

fn c_stderr_has(c: &LspClient, what: &str) -> bool {
    c.stderr.lock().unwrap().contains(what)
}
