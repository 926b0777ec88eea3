//! The first request after start against the second, through the language server, and
//! what a fresh process builds on first use.
//!
//! - language server: a fresh `superhelfer lsp` per round (VRAM guard on, as by default),
//!   the editor's first "Generate shell command" a moment after `initialized` (as a user's
//!   first action comes), then a second and a third at once: `executeCommand` sent → the
//!   backend has the model's request. Target: the first no slower than the second. A
//!   third run gives the model call the probes' connect timeout, so that it shares their
//!   client and the connection the warm-up at start opened: what is left of the first's
//!   extra time without it is the new connection to the backend. A fourth waits the same
//!   pause before every request: what the first then still costs more than the others is
//!   first-time work; what it does not is the pause (a process idle for half a second,
//!   its threads parked and its caches taken by others, wakes slower).
//! - cold parts, each in a fresh process of this bench: the first `analyze` (first-stage
//!   weights, the analyzer's lexicon, the token table's pages) against the second, and
//!   building a backend's HTTP client (reqwest with rustls), which the engine does once
//!   per backend and connect timeout — the work `engine::start::warm` does at start.
//!
//! Run: `cargo bench --bench first_request`.

#[path = "../tests/support/lsp_client.rs"]
mod lsp_client;
#[path = "support/ollama_wire.rs"]
mod ollama_wire;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use superhelfer::config::{Layer, Resolved, Source};
use superhelfer::engine::analyzer::{analyze, AnalyzerSettings};
use superhelfer::engine::router::Engine;

const ROUNDS: usize = 12;
/// Between `initialized` and the first action: a user reads the file first.
const PAUSE: Duration = Duration::from_millis(500);
const COLD: &str = "SUPERHELFER_BENCH_COLD";

/// Each tier's connect timeout: 2 s is the probes' (`engine/start.rs`), so the model call
/// then shares their client and its open connection.
fn options(url: &str, guard: bool, connect_s: u64) -> Value {
    let tier = json!({"model": "m:1", "connect_timeout_s": connect_s});
    json!({
        "backends": {"ollama": {"kind": "ollama", "url": url}},
        "vram": {"enabled": guard, "nvml_lib": "/nonexistent/libnvidia-ml.so.1"},
        "actions": {"shellcheck": false},
        "tiers": {"fast": tier, "code": tier, "heavy": tier}
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

type Marks = std::sync::Arc<std::sync::Mutex<ollama_wire::Marks>>;

/// Three actions on a fresh server: the time from each `executeCommand` to the model's
/// request at the backend, the probes (`/api/tags`, `/api/ps`) and the server's minor page
/// faults each one cost.
fn one_server(
    url: &str,
    marks: &Marks,
    guard: bool,
    connect_s: u64,
    pause_each: bool,
) -> ([f64; 3], [usize; 3], [u64; 3]) {
    let mut c = lsp_client::LspClient::spawn(lsp_client::Spawn {
        env: std::env::var("XPERIMENT")
            .map(|v| vec![("XPERIMENT".to_string(), v)])
            .unwrap_or_default(),
        ..Default::default()
    });
    c.initialize(
        options(url, guard, connect_s),
        lsp_client::default_capabilities(),
    );
    std::thread::sleep(PAUSE);
    let uri = "file:///bench/first.sh";
    let (mut out, mut probes, mut faults) = ([0.0; 3], [0; 3], [0; 3]);
    for (i, ((slot, probed), faulted)) in
        out.iter_mut().zip(&mut probes).zip(&mut faults).enumerate()
    {
        // The first always comes after the pause; with `pause_each` the others too.
        if pause_each && i > 0 {
            std::thread::sleep(PAUSE);
        }
        let before = marks.lock().unwrap().probes;
        c.open(
            uri,
            "shellscript",
            "#!/bin/bash\n# show the size of each log directory\n",
        );
        let list = c.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "context": {"diagnostics": []}})).unwrap();
        let cmd = list[0]["command"].clone();
        let faults = minor_faults(c.pid());
        let t = Instant::now();
        let r = c.request("workspace/executeCommand", cmd).unwrap();
        *faulted = minor_faults(c.pid()) - faults;
        assert_eq!(r["inserted"], true, "{r}");
        let m = *marks.lock().unwrap();
        *slot = ms(m.request_at.unwrap() - t);
        *probed = m.probes - before;
    }
    let _ = c.shutdown();
    (out, probes, faults)
}

/// The process's minor page faults so far (`/proc/PID/stat`, field 10).
fn minor_faults(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after_name = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    after_name
        .split_whitespace()
        .nth(7)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn lsp_first_vs_second(guard: bool, connect_s: u64, pause_each: bool) {
    let (url, marks) = ollama_wire::fake_backend("```bash\ndu -sh /var/log/* | sort -h\n```");
    let (mut first, mut second, mut third, mut diff) = (vec![], vec![], vec![], vec![]);
    let (mut probes, mut faults) = ([0; 3], [0; 3]);
    for _ in 0..ROUNDS {
        let ([a, b, c], p, f) = one_server(&url, &marks, guard, connect_s, pause_each);
        for (sum, n) in faults.iter_mut().zip(f) {
            *sum += n;
        }
        first.push(a);
        second.push(b);
        third.push(c);
        diff.push(a - b);
        for (sum, n) in probes.iter_mut().zip(p) {
            *sum += n;
        }
    }
    let label = match (guard, connect_s, pause_each) {
        (_, _, true) => "guard on, each request after the same pause",
        (true, 3, _) => "guard on",
        (false, 3, _) => "guard off",
        _ => "guard on, the probes' client and connection",
    };
    println!(
        "lsp ({label}): executeCommand → backend has the request, fresh server each round \
         (n={ROUNDS}): first {:.2} ms, second {:.2} ms, third {:.2} ms (medians); \
         first − second: median {:+.2} ms; probes per request {:.1} / {:.1} / {:.1}; \
         page faults per request {} / {} / {}",
        median(first),
        median(second),
        median(third),
        median(diff),
        probes[0] as f64 / ROUNDS as f64,
        probes[1] as f64 / ROUNDS as f64,
        probes[2] as f64 / ROUNDS as f64,
        faults[0] / ROUNDS as u64,
        faults[1] / ROUNDS as u64,
        faults[2] / ROUNDS as u64,
    );
}

/// In a child process: the first and second `analyze`, and two client builds.
fn cold_child() {
    let layers = vec![
        Layer::defaults(None),
        Layer::from_json(
            json!({"backends": {"ollama": {"kind": "ollama", "url": "http://127.0.0.1:9"}}}),
            Source::InitializationOptions,
        )
        .unwrap(),
    ];
    let engine = Engine::new(&Resolved::merge(&layers).unwrap());
    let settings = AnalyzerSettings::default();
    let query = "# show the size of each log directory\nfind the largest files under /var/log";
    let time = |f: &dyn Fn()| {
        let t = Instant::now();
        f();
        ms(t.elapsed())
    };
    let a1 = time(&|| drop(analyze(query, &settings)));
    let a2 = time(&|| drop(analyze(query, &settings)));
    let b1 = time(&|| drop(engine.backend("ollama", 3)));
    let b2 = time(&|| drop(engine.backend("ollama", 2)));
    let b3 = time(&|| drop(engine.backend("ollama", 3)));
    println!("{}", json!([a1, a2, b1, b2, b3]));
}

fn cold_parts() {
    let exe = std::env::current_exe().unwrap();
    let mut cols: Vec<Vec<f64>> = vec![Vec::new(); 5];
    for _ in 0..ROUNDS {
        let out = std::process::Command::new(&exe)
            .env(COLD, "1")
            .output()
            .unwrap();
        let v: Vec<f64> = serde_json::from_slice(&out.stdout).unwrap();
        for (col, x) in cols.iter_mut().zip(v) {
            col.push(x);
        }
    }
    let m: Vec<f64> = cols.into_iter().map(median).collect();
    println!(
        "cold process (n={ROUNDS}, medians): analyze first {:.3} ms, second {:.3} ms; \
         backend client: first build {:.3} ms, another build {:.3} ms, cached {:.4} ms",
        m[0], m[1], m[2], m[3], m[4]
    );
}

fn main() {
    if std::env::var_os(COLD).is_some() {
        cold_child();
        return;
    }
    cold_parts();
    lsp_first_vs_second(true, 3, false);
    lsp_first_vs_second(false, 3, false);
    lsp_first_vs_second(true, 2, false);
    lsp_first_vs_second(true, 3, true);
}
