//! Latency superhelfer adds around a model call, against a minimal local Ollama-wire
//! backend that timestamps its side (one clock: the backend runs in this process):
//!
//! - engine: `ask()` called → backend has the request; backend wrote its last line →
//!   `ask()` returned (target: under 1 ms each); the same with the VRAM guard on, as by
//!   default, where the router needs to know whether the model is resident (and how many
//!   `/api/tags` and `/api/ps` probes each request cost);
//! - language server: listing code actions on a 10 MB document; `executeCommand` sent →
//!   backend has the request (guard on); the model's last line → the
//!   `workspace/applyEdit` reaching the client.
//!
//! Run: `cargo bench --bench latency`.

#[path = "../tests/support/lsp_client.rs"]
mod lsp_client;
#[path = "support/ollama_wire.rs"]
mod ollama_wire;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use superhelfer::config::{Layer, Resolved, Source};
use superhelfer::engine::router::{AskRequest, Consent, Engine, FixedConsent};
use superhelfer::engine::tier::Tier;

use ollama_wire::{fake_backend, Marks};

fn options(url: &str) -> Value {
    options_with(url, false)
}

/// With the guard on, NVML is looked for where there is none: the guard is off for want
/// of a GPU, but the router still asks whether the model is resident.
fn options_with(url: &str, guard: bool) -> Value {
    json!({
        "backends": {"ollama": {"kind": "ollama", "url": url}},
        "vram": {"enabled": guard, "nvml_lib": "/nonexistent/libnvidia-ml.so.1"},
        "actions": {"shellcheck": false},
        "tiers": {"fast": {"model": "m:1"}, "code": {"model": "m:1"}, "heavy": {"model": "m:1"}}
    })
}

fn stats(name: &str, mut v: Vec<Duration>) {
    v.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{name}: median {:.0} µs, p90 {:.0} µs, min {:.0} µs (n={})",
        us(v[v.len() / 2]),
        us(v[v.len() * 9 / 10]),
        us(v[0]),
        v.len()
    );
}

fn engine_overhead(guard: bool) {
    let (url, marks) = fake_backend("hello");
    let layers = vec![
        Layer::defaults(None),
        Layer::from_json(options_with(&url, guard), Source::InitializationOptions).unwrap(),
    ];
    let engine = Engine::new(&Resolved::merge(&layers).unwrap());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    superhelfer::engine::tokens::warm_up();
    let (mut before, mut after) = (Vec::new(), Vec::new());
    let mut probes_at_20 = 0;
    for i in 0..220 {
        let req = AskRequest {
            query: "What is the capital of France?".into(),
            tier: Some(Tier::Fast),
            ..Default::default()
        };
        let t0 = Instant::now();
        rt.block_on(engine.ask(req, &FixedConsent(Consent::Load), &mut |_| {}))
            .unwrap();
        let t1 = Instant::now();
        let m = *marks.lock().unwrap();
        if i == 19 {
            probes_at_20 = m.probes;
        }
        if i >= 20 {
            before.push(m.request_at.unwrap() - t0);
            after.push(t1 - m.done_at.unwrap());
        }
    }
    let probes = marks.lock().unwrap().probes - probes_at_20;
    let label = if guard { "guard on" } else { "guard off" };
    stats(
        &format!("engine ({label}): ask() → backend has the request"),
        before,
    );
    stats(
        &format!("engine ({label}): backend's last line → ask() returns"),
        after,
    );
    println!(
        "engine ({label}): probes per request: {:.2}",
        probes as f64 / 200.0
    );
}

fn lsp_latency() {
    let (url, marks) = fake_backend("```bash\ndu -sh /var/log/* | sort -h\n```");
    let mut c = lsp_client::LspClient::spawn(lsp_client::Spawn::default());
    c.initialize(options(&url), lsp_client::default_capabilities());

    // Code actions on a 10 MB shell script.
    let line = "# check the disk usage of every log directory and report it\n";
    let big = format!("#!/bin/bash\n{}", line.repeat(10_000_000 / line.len()));
    let uri = "file:///bench/big.sh";
    c.open(uri, "shellscript", &big);
    let mut list_times = Vec::new();
    for i in 0..200u32 {
        let l = 1 + (i * 7919) % 150_000;
        let t = Instant::now();
        let r = c.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": l, "character": 0}, "end": {"line": l, "character": 20}}, "context": {"diagnostics": []}})).unwrap();
        list_times.push(t.elapsed());
        assert_eq!(r.as_array().unwrap().len(), 2);
    }
    stats(
        "lsp: codeAction list on a 10 MB document (round trip)",
        list_times,
    );

    action_to_request(&url, &marks);

    // Model's last line → the edit at the client.
    let small = "file:///bench/small.sh";
    let mut edit_times = Vec::new();
    for i in 0..60 {
        c.open(
            small,
            "shellscript",
            "#!/bin/bash\n# show the size of each log directory\n",
        );
        let list = c.request("textDocument/codeAction", json!({"textDocument": {"uri": small}, "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "context": {"diagnostics": []}})).unwrap();
        let cmd = list[0]["command"].clone();
        let r = c.request("workspace/executeCommand", cmd).unwrap();
        assert_eq!(r["inserted"], true);
        let edit_at = c.last_edit_at.unwrap();
        let done = marks.lock().unwrap().done_at.unwrap();
        if i >= 10 {
            edit_times.push(edit_at - done);
        }
    }
    stats(
        "lsp: model's last line → applyEdit at the client",
        edit_times,
    );
    let _ = c.shutdown();
}

/// `executeCommand` sent → the backend has the model's request, through a second server
/// with the VRAM guard on (the default), so residency is part of the path.
fn action_to_request(url: &str, marks: &Arc<Mutex<Marks>>) {
    let mut c = lsp_client::LspClient::spawn(lsp_client::Spawn::default());
    c.initialize(options_with(url, true), lsp_client::default_capabilities());
    let uri = "file:///bench/action.sh";
    let mut times = Vec::new();
    for i in 0..60 {
        c.open(
            uri,
            "shellscript",
            "#!/bin/bash\n# show the size of each log directory\n",
        );
        let list = c.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "context": {"diagnostics": []}})).unwrap();
        let cmd = list[0]["command"].clone();
        let t = Instant::now();
        c.request("workspace/executeCommand", cmd).unwrap();
        let request_at = marks.lock().unwrap().request_at.unwrap();
        if i >= 10 {
            times.push(request_at - t);
        }
    }
    stats(
        "lsp (guard on): executeCommand → backend has the request",
        times,
    );
    let _ = c.shutdown();
}

fn main() {
    engine_overhead(false);
    engine_overhead(true);
    lsp_latency();
}
