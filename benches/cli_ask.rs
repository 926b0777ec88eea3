//! `superhelfer ask` against `curl` with the same reply: the wall time of the whole CLI
//! process (start, configuration, routing, the guard's checks, the streamed answer
//! printed, exit) against `curl` posting the same chat request to the same stand-in
//! endpoint, interleaved, medians of N. Target: under 20 ms of overhead.
//!
//! Run: `cargo bench --bench cli_ask` (needs `curl`).

#[path = "support/ollama_wire.rs"]
mod ollama_wire;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROUNDS: usize = 40;
const QUESTION: &str = "What is the capital of France?";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let (url, _marks) = ollama_wire::fake_backend("Paris.");
    let dir = std::env::temp_dir().join(format!("superhelfer-cli-ask-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config.toml");
    // As installed: the guard on (no GPU here, so it finds none), the router choosing.
    std::fs::write(
        &config,
        format!(
            "[backends.ollama]\nkind = \"ollama\"\nurl = \"{url}\"\n[vram]\nnvml_lib = \"/nonexistent/libnvidia-ml.so.1\"\n\
             [tiers.fast]\nmodel = \"m:1\"\n[tiers.code]\nmodel = \"m:1\"\n[tiers.heavy]\nmodel = \"m:1\"\n"
        ),
    )
    .unwrap();
    let body = serde_json::json!({
        "model": "m:1",
        "messages": [{"role": "user", "content": QUESTION}],
        "stream": true
    })
    .to_string();

    let ask = || {
        let t = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_superhelfer"))
            .args(["ask", QUESTION])
            .env("SUPERHELFER_CONFIG", &config)
            .env("XDG_STATE_HOME", dir.join("state"))
            .env("HOME", &dir)
            .env_remove("OLLAMA_HOST")
            .stdin(Stdio::null())
            .output()
            .expect("superhelfer");
        let d = t.elapsed();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("Paris."),
            "{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        d
    };
    let curl = || {
        let t = Instant::now();
        let out = Command::new("curl")
            .args([
                "-sS",
                "-N",
                "-X",
                "POST",
                "-H",
                "Content-Type: application/json",
            ])
            .args(["--data-binary", &body, &format!("{url}/api/chat")])
            .stdin(Stdio::null())
            .output();
        let d = t.elapsed();
        match out {
            Ok(o)
                if o.status.success() && String::from_utf8_lossy(&o.stdout).contains("Paris.") =>
            {
                Some(d)
            }
            _ => None,
        }
    };
    if curl().is_none() {
        eprintln!("SKIP: cli_ask needs curl");
        return;
    }
    let _ = ask();
    let (mut asks, mut curls) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        asks.push(ask());
        curls.push(curl().expect("curl"));
    }
    let (a, c) = (median(asks.clone()), median(curls));
    println!(
        "cli: `superhelfer ask` {:.1} ms, curl of the same reply {:.1} ms (medians, n={ROUNDS}); \
         overhead {:.1} ms (target < 20 ms); ask p90 {:.1} ms",
        ms(a),
        ms(c),
        ms(a) - ms(c),
        ms({
            asks.sort();
            asks[asks.len() * 9 / 10]
        })
    );
    let _ = std::fs::remove_dir_all(&dir);
}
