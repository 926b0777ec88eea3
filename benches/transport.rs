//! Measures what the framing layer in front of tower-lsp costs: the decoder's throughput on
//! a 10 MB `didOpen` and on many small requests, and, over the real binary's stdio, the
//! round trip of a small request (median and p99 of 300) and of `codeAction` right after a
//! 10 MB `didOpen`.
//! Run: `cargo bench --bench transport` (release profile).

#[path = "../tests/support/lsp_client.rs"]
mod lsp_client;

use std::time::{Duration, Instant};

use lsp_client::{default_capabilities, LspClient, Spawn};
use serde_json::json;
use superhelfer::lsp::framing::{Decoder, Item};

fn frame(body: &str) -> Vec<u8> {
    let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    bytes
}

fn script(bytes: usize) -> String {
    let line = "for f in /var/log/*.log; do gzip -9 \"$f\" && echo \"done: $f\"; done\n";
    line.repeat(bytes / line.len() + 1)
}

fn code_action(uri: &str, line: u32) -> serde_json::Value {
    json!({
        "textDocument": {"uri": uri},
        "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}},
        "context": {"diagnostics": []}
    })
}

/// Decodes `input` in 64 KiB reads, as the transport does; returns the messages and the time.
fn decode(input: &[u8]) -> (usize, Duration) {
    let started = Instant::now();
    let mut decoder = Decoder::default();
    let mut messages = 0;
    for chunk in input.chunks(64 * 1024) {
        decoder.push(chunk);
        while let Some(item) = decoder.next_item() {
            assert!(matches!(item, Item::Message(_)), "{item:?}");
            messages += 1;
        }
    }
    (messages, started.elapsed())
}

fn decoder_figures() {
    let open = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": "file:///big.sh", "languageId": "shellscript", "version": 1, "text": script(10 << 20)}}});
    let big = frame(&open.to_string());
    let best = (0..5).map(|_| decode(&big).1).min().unwrap_or_default();
    println!(
        "decoder, one {:.1} MB didOpen: {:.2} ms ({:.0} MB/s)",
        big.len() as f64 / 1e6,
        best.as_secs_f64() * 1e3,
        big.len() as f64 / 1e6 / best.as_secs_f64()
    );
    let mut small = Vec::new();
    for id in 0..10_000 {
        let request = json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/codeAction",
            "params": code_action("file:///a.sh", 3)});
        small.extend(frame(&request.to_string()));
    }
    let (n, took) = decode(&small);
    println!(
        "decoder, {n} codeAction requests: {:.2} µs each",
        took.as_secs_f64() * 1e6 / n as f64
    );
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn round_trips() {
    let mut c = LspClient::spawn(Spawn::default());
    c.initialize(
        json!({"router": {"warm_fast": false}, "vram": {"enabled": false}, "actions": {"shellcheck": false}}),
        default_capabilities(),
    );
    c.open("file:///a.sh", "shellscript", "#!/bin/sh\n# list files\n");
    let mut times: Vec<Duration> = (0..300)
        .map(|_| {
            let t = Instant::now();
            c.request("textDocument/codeAction", code_action("file:///a.sh", 1))
                .expect("codeAction");
            t.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "codeAction round trip over stdio: p50 {:?}, p99 {:?}, max {:?}",
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times[times.len() - 1]
    );
    let text = script(10 << 20);
    let t = Instant::now();
    c.open("file:///big.sh", "shellscript", &text);
    c.request("textDocument/codeAction", code_action("file:///big.sh", 5))
        .expect("codeAction");
    println!(
        "10 MB didOpen + codeAction answered after {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let _ = c.shutdown();
}

fn main() {
    decoder_figures();
    round_trips();
}
