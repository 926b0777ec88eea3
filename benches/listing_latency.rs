//! Code-action listing latency while another request does heavy work: the real binary over
//! stdio, the Ollama stand-in behind it. Each round opens a document whose only line is one
//! 120,000-character word (random letters: one BPE piece, the worst case for token
//! counting, like a base64 blob or a minified line), starts "Explain selection" on it, and
//! lists code actions every few milliseconds until the explanation has arrived.
//!
//! Prints the listing round trip (p50 / p99 / max) and how long each explain took; then,
//! in fresh servers, the first "Explain selection" after start against the second (the
//! token table must not make the first one slower).
//! Run: `cargo bench --bench listing_latency`.

#[path = "../tests/support/lsp_client.rs"]
mod lsp_client;
#[path = "../tests/support/ollama_stub.rs"]
mod ollama_stub;

use std::time::{Duration, Instant};

use ollama_stub::{Behavior, OllamaStub, StubModel};
use serde_json::{json, Value};

const MODEL: &str = "m:1";
const LINE_CHARS: usize = 120_000;
const ROUNDS: usize = 5;

/// Deterministic pseudo-random letters (xorshift), so every run explains the same word.
fn random_word(len: usize, mut seed: u64) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            LETTERS[(seed % LETTERS.len() as u64) as usize] as char
        })
        .collect()
}

fn list_actions(c: &mut lsp_client::LspClient, uri: &str) -> Duration {
    let t = Instant::now();
    let r = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri},
                   "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 10}},
                   "context": {"diagnostics": []}}),
        )
        .expect("codeAction");
    assert!(r.as_array().is_some_and(|a| !a.is_empty()));
    t.elapsed()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The first and the second explain of a short selection in a fresh server, round trip.
fn first_and_second(url: &str) -> (Duration, Duration) {
    let options = json!({
        "backends": {"ollama": {"kind": "ollama", "url": url}},
        "vram": {"enabled": false},
        "actions": {"shellcheck": false},
        "router": {"warm_fast": false},
        "tiers": {"fast": {"model": MODEL}, "code": {"model": MODEL}, "heavy": {"model": MODEL}}
    });
    let mut c = lsp_client::LspClient::spawn(lsp_client::Spawn::default());
    c.initialize(options, lsp_client::default_capabilities());
    let uri = "file:///bench/first.sh";
    c.open(
        uri,
        "shellscript",
        "#!/bin/bash
du -sh /var/log/* | sort -h | tail -n 5
",
    );
    let mut explain = || {
        let t = Instant::now();
        c.request(
            "workspace/executeCommand",
            json!({"command": "superhelfer.explain", "arguments": [{"uri": uri,
                "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 40}}}]}),
        )
        .expect("explained");
        t.elapsed()
    };
    let first = explain();
    let second = explain();
    let _ = c.shutdown();
    (first, second)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // A model that streams its answer over about half a second, as a small model would.
    let chunks: Vec<String> = (0..10)
        .map(|i| format!("Part {i} of the explanation. "))
        .collect();
    let chunk_refs: Vec<&str> = chunks.iter().map(String::as_str).collect();
    let stub = rt.block_on(OllamaStub::start(vec![StubModel::new(
        MODEL,
        Behavior::slow_reply(
            &chunk_refs,
            Duration::from_millis(50),
            Duration::from_millis(50),
        ),
    )
    .loaded()]));
    let options = json!({
        "backends": {"ollama": {"kind": "ollama", "url": stub.url()}},
        "vram": {"enabled": false},
        "actions": {"shellcheck": false},
        "tiers": {"fast": {"model": MODEL}, "code": {"model": MODEL}, "heavy": {"model": MODEL}}
    });
    let mut c = lsp_client::LspClient::spawn(lsp_client::Spawn::default());
    c.wait = Duration::from_secs(300);
    c.initialize(options, lsp_client::default_capabilities());

    let small = "file:///bench/small.sh";
    c.open(
        small,
        "shellscript",
        "#!/bin/bash\n# list the ten largest files\n",
    );
    let idle: Vec<Duration> = (0..50).map(|_| list_actions(&mut c, small)).collect();

    let mut busy = Vec::new();
    let mut explain_times = Vec::new();
    for round in 0..ROUNDS {
        let uri = format!("file:///bench/blob{round}.txt");
        c.open(
            &uri,
            "plaintext",
            &random_word(LINE_CHARS, 0x9e37_79b9 + round as u64),
        );
        let args: Value = json!([{
            "uri": uri,
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": LINE_CHARS}}
        }]);
        let started = Instant::now();
        let id = c.send_request(
            "workspace/executeCommand",
            json!({"command": "superhelfer.explain", "arguments": args}),
        );
        loop {
            if let Some(r) = c.poll_response(id) {
                if let Err(e) = r {
                    eprintln!("explain failed: {e}");
                }
                break;
            }
            busy.push(list_actions(&mut c, small));
            std::thread::sleep(Duration::from_millis(5));
        }
        explain_times.push(started.elapsed());
    }
    let _ = c.shutdown();

    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    for (name, mut v) in [("idle", idle), ("while explaining", busy)] {
        v.sort();
        println!(
            "codeAction listing {name}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (n={})",
            ms(percentile(&v, 0.5)),
            ms(percentile(&v, 0.99)),
            ms(v[v.len() - 1]),
            v.len()
        );
    }
    let quick = rt.block_on(OllamaStub::start(vec![StubModel::new(
        MODEL,
        Behavior::reply(&["A short answer."]),
    )
    .loaded()]));
    let (mut firsts, mut seconds) = (Vec::new(), Vec::new());
    for _ in 0..10 {
        let (f, s) = first_and_second(&quick.url());
        firsts.push(f);
        seconds.push(s);
    }
    firsts.sort();
    seconds.sort();
    println!(
        "explain in a fresh server: first request median {:.1} ms, second {:.1} ms (n=10)",
        ms(firsts[firsts.len() / 2]),
        ms(seconds[seconds.len() / 2])
    );
    let times: Vec<String> = explain_times
        .iter()
        .map(|d| format!("{:.2} s", d.as_secs_f64()))
        .collect();
    println!(
        "explain of a {LINE_CHARS}-character word: {}",
        times.join(", ")
    );
}
