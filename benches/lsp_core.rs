//! Measures the protocol core: spawn → `initialize` reply (median of 20), idle RSS after
//! initialize, the binary's size, and one incremental edit in a 10 MB document.
//! Run: `cargo bench --bench lsp_core` (release profile, stripped binary).

#[path = "../tests/support/lsp_client.rs"]
mod lsp_client;

use std::time::{Duration, Instant};

use lsp_client::{default_capabilities, LspClient, Spawn};
use serde_json::Value;
use superhelfer::lsp::documents::{Document, PositionEncoding};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_superhelfer");
    let mut init = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let mut c = LspClient::spawn(Spawn::default());
        c.initialize(Value::Null, default_capabilities());
        init.push(t.elapsed());
        c.settle(Duration::from_millis(30));
        if let Some(kb) = rss_kb(c.pid()) {
            rss.push(kb);
        }
        let _ = c.shutdown();
    }
    rss.sort();
    println!(
        "spawn -> initialize reply: median {:.2} ms (min {:.2} ms, n=20)",
        median(init.clone()).as_secs_f64() * 1e3,
        init.iter()
            .min()
            .map(|d| d.as_secs_f64() * 1e3)
            .unwrap_or(0.0)
    );
    if let Some(kb) = rss.get(rss.len() / 2) {
        println!(
            "idle RSS after initialize: median {:.1} MB",
            *kb as f64 / 1024.0
        );
    }
    if let Ok(meta) = std::fs::metadata(bin) {
        println!("binary size ({bin}): {:.1} MB", meta.len() as f64 / 1e6);
    }

    // 10 MB of shell-like lines with some non-ASCII text.
    let line = "for f in *.log; do grep -c 'Fehler: Datei' \"$f\"; done # äöü 😀\n";
    let text = line.repeat(10_000_000 / line.len());
    let mut doc = Document::new(&text, 1, "shellscript");
    let lines = doc.line_count() as u32;
    let mut times = Vec::new();
    for i in 0..2000u32 {
        let l = (i.wrapping_mul(7919)) % lines;
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l, 10), Position::new(l, 14))),
            range_length: None,
            text: "x😀".into(),
        };
        let t = Instant::now();
        doc.apply_change(&change, PositionEncoding::Utf16);
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "incremental edit in a {:.1} MB document: median {:.2} µs, p99 {:.2} µs",
        text.len() as f64 / 1e6,
        times[times.len() / 2].as_secs_f64() * 1e6,
        times[times.len() * 99 / 100].as_secs_f64() * 1e6
    );
}
