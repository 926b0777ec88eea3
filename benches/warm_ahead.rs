//! Time to first token of "Generate shell command" with the code model warmed ahead (a
//! code-action listing on the request line, then the command once the warm-up is done)
//! against a cold load (`router.warm_ahead = false`), with the Ollama stand-in taking
//! `LOAD` for a cold load. The real binary over stdio; first token as the engine
//! measures it (`outcome.first_token_ms`), and the command's round trip.
//! Run: `cargo bench --bench warm_ahead`.

#[path = "../tests/support/lsp_client.rs"]
mod lsp_client;
#[path = "../tests/support/ollama_stub.rs"]
mod ollama_stub;

use std::time::{Duration, Instant};

use ollama_stub::{Behavior, OllamaStub, StubModel};
use serde_json::{json, Value};

const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";
/// The seeds count a model switch at 2–3 s.
const LOAD: Duration = Duration::from_millis(2500);
const ROUNDS: usize = 3;

fn list(c: &mut lsp_client::LspClient, uri: &str) -> Vec<Value> {
    c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
               "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
               "context": {"diagnostics": []}}),
    )
    .expect("codeAction")
    .as_array()
    .cloned()
    .unwrap_or_default()
}

/// One round in a fresh stand-in and server: (first token ms, round trip).
fn round(rt: &tokio::runtime::Runtime, warm_ahead: bool) -> (u64, Duration) {
    let stub = rt.block_on(OllamaStub::start(vec![
        StubModel::new(FAST, Behavior::reply(&["A short answer."])).loaded(),
        StubModel::new(
            CODE,
            Behavior::reply(&["```bash\ndu -ah . | sort -rh | head -n 5\n```"]),
        )
        .with_load_delay(LOAD),
    ]));
    let mut c = lsp_client::LspClient::spawn(lsp_client::Spawn::default());
    c.initialize(
        json!({
            "backends": {"ollama": {"kind": "ollama", "url": stub.url()}},
            "vram": {"enabled": false},
            "actions": {"shellcheck": false},
            "router": {"warm_fast": false, "warm_ahead": warm_ahead}
        }),
        lsp_client::default_capabilities(),
    );
    let uri = "file:///bench/w.sh";
    c.open(
        uri,
        "shellscript",
        "#!/bin/bash\n# list the 5 largest files here\n",
    );
    let actions = list(&mut c, uri);
    let generate = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap_or("").starts_with("Generate"))
        .expect("Generate listed")["command"]
        .clone();
    if warm_ahead {
        // The cursor rests on the line while the user reads the menu.
        let deadline = Instant::now() + Duration::from_secs(10);
        while !stub.is_loaded(CODE) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(stub.is_loaded(CODE), "warmed ahead");
    }
    let t = Instant::now();
    let r = c
        .request("workspace/executeCommand", generate)
        .expect("generated");
    let trip = t.elapsed();
    (r["outcome"]["first_token_ms"].as_u64().unwrap_or(0), trip)
}

fn main() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    println!(
        "Generate shell command, code model cold load {} ms in the stand-in, {ROUNDS} rounds each:",
        LOAD.as_millis()
    );
    for (name, warm) in [("cold load", false), ("warmed ahead", true)] {
        let rounds: Vec<(u64, Duration)> = (0..ROUNDS).map(|_| round(&rt, warm)).collect();
        let ft: Vec<String> = rounds.iter().map(|r| r.0.to_string()).collect();
        let trip: Vec<String> = rounds
            .iter()
            .map(|r| format!("{:.0}", r.1.as_secs_f64() * 1000.0))
            .collect();
        println!(
            "  {name:<13} first token {} ms; executeCommand round trip {} ms",
            ft.join(" / "),
            trip.join(" / ")
        );
    }
}
