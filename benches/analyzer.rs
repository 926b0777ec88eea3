//! Latency of the first stage for 10-, 200- and 2,000-token queries, code-like and
//! prose: the whole of `analyze`, token counting alone, the hand-weighted model
//! alone, and the classifier's own part (`analyze` minus token counting: scans,
//! features and the learned model; the target is < 0.5 ms at 2,000 tokens). Plain
//! `std::time`, no harness: `cargo bench --bench analyzer` prints median and p99 in µs.

use std::hint::black_box;
use std::time::{Duration, Instant};

use superhelfer::engine::analyzer::{analyze, hand_weighted, AnalyzerSettings};
use superhelfer::engine::tokens;

const PROSE: &str = "The town council met on Tuesday evening to discuss the future of the old \
railway station. Many residents argued that the building should become a library, while others \
pointed out that the repairs alone would cost more than the annual budget for roads. ";

const CODE: &str = "fn parse_port(s: &str) -> Result<u16, ConfigError> {\n    let n: u32 = \
s.trim().parse().map_err(|_| ConfigError::Invalid(s.to_string()))?;\n    if n == 0 || n > 65535 \
{ return Err(ConfigError::OutOfRange(n)); }\n    Ok(n as u16)\n}\n";

const LOG: &str = "2024-03-18T14:02:17.412Z ERROR [order-service] could not obtain connection \
from pool within 30000ms (active=64/64)\n";

/// Repeats `unit` until the text holds at least `target` tokens.
fn build(prefix: &str, unit: &str, target: usize) -> String {
    let mut s = prefix.to_string();
    while tokens::count(&s) < target {
        s.push_str(unit);
    }
    s
}

/// Median time of `f(text)` in µs (prints median and p99).
fn measure(name: &str, text: &str, f: impl Fn(&str)) -> f64 {
    // Warm-up: lazy tables, caches, branch predictors.
    let warm_until = Instant::now() + Duration::from_millis(200);
    while Instant::now() < warm_until {
        f(text);
    }
    let iterations = 2_000;
    let mut samples: Vec<Duration> = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let start = Instant::now();
        f(black_box(text));
        samples.push(start.elapsed());
    }
    samples.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let median = samples[iterations / 2];
    let p99 = samples[iterations * 99 / 100];
    println!(
        "{name:<34} {:>6} tok  median {:>8.1} µs  p99 {:>8.1} µs",
        tokens::count(text),
        us(median),
        us(p99)
    );
    us(median)
}

fn main() {
    let settings = AnalyzerSettings::default();
    let start = Instant::now();
    tokens::warm_up();
    let _ = analyze("warm up", &settings);
    println!(
        "one-time load (BPE ranks + lexicon): {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );

    let cases = [
        (
            "prose 10",
            "What is the capital of Australia, please?".to_string(),
        ),
        (
            "shell 10",
            "ps aux | grep nginx | awk '{print $2}'".to_string(),
        ),
        ("prose 200", build("Summarise this: ", PROSE, 200)),
        ("code 200", build("Why does this fail?\n", CODE, 200)),
        ("prose 2000", build("Summarise this: ", PROSE, 2000)),
        ("code 2000", build("Why does this fail?\n", CODE, 2000)),
        ("log 2000", build("Root cause?\n", LOG, 2000)),
    ];
    let mut rows = Vec::new();
    for (name, text) in &cases {
        let all = measure(&format!("analyze  {name}"), text, |t| {
            black_box(analyze(t, &settings));
        });
        let count = measure(&format!("count    {name}"), text, |t| {
            black_box(tokens::count(t));
        });
        let hand = measure(&format!("hand     {name}"), text, |t| {
            black_box(hand_weighted(t, &settings));
        });
        rows.push((name, all, count, hand));
    }
    println!("classifier part (median analyze − median count; learned = analyze − hand):");
    for (name, all, count, hand) in rows {
        println!(
            "  {name:<12} classifier {:>7.1} µs   learned model alone {:>7.1} µs",
            all - count,
            all - hand
        );
    }
    // Reference: tiktoken-rs's own regex-based encoder, which `tokens` replaces.
    if let Ok(bpe) = tiktoken_rs::cl100k_base() {
        for (name, text) in cases.iter().filter(|(n, _)| n.ends_with("2000")) {
            measure(&format!("tiktoken {name}"), text, |t| {
                black_box(bpe.encode_ordinary(t).len());
            });
        }
    }
}
