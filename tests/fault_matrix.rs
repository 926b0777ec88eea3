//! The fault matrix: every way a backend (or the GPU driver) can fail, one row each, run
//! against the real binary over stdio with the Ollama stand-in. For each row the user's
//! answer or error arrives within the configured limit plus one second, the server still
//! lists code actions afterwards, a failure leaves the document as it was, and nothing
//! panics.
//!
//! The fault hits the whole backend (both the coder and the fast model, which the failed
//! tier falls back to), so the retry on `fast` is part of every failing row's time. Each
//! server is warmed with one healthy question first; the fault is turned on and the
//! configuration reloaded, so the engine starts knowing nothing (`support/faults.rs`).
//! Rows run concurrently, each with its own server and stand-in, to keep the wall time low.

mod support;

use std::time::Duration;

use serde_json::json;
use support::faults::{
    coder, command, generate, list_actions, models, reload, told, Limits, World, CODE, FAST, ROOMY,
    SCRIPT,
};
use support::lsp_client::LspClient;
use support::ollama_stub::{Behavior, BlackHole, ProbeFault};

/// Every tier's `timeout_s` (`Limits::default()`): the bound of a whole request.
const LIMIT_S: u64 = 3;
const HUNG_NVML: &str =
    "init_hang=forever\ngpu=NVIDIA GeForce RTX 5090;total_mb=32607;used_mb=1000\n";

/// What the backend does.
#[derive(Clone)]
enum Fault {
    /// Nothing listens on the port.
    Down,
    /// The port accepts connections and never reads them.
    BlackHole,
    /// Both models behave like this.
    Chat(Behavior),
    /// The tiers name models the backend does not have.
    MissingModel,
    /// `/api/tags`, `/api/ps` and `/api/show` hang; the models answer.
    HungProbes,
    /// `nvmlInit` hangs; the models answer (the coder is not resident, so the guard reads
    /// the GPU).
    HungNvml,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Answer,
    Error,
}

struct Row {
    name: &'static str,
    fault: Fault,
    expect: Expect,
}

/// A 10 MB answer, in 10 KB chunks.
fn ten_megabytes() -> Behavior {
    let mut chunks = vec!["```bash\necho ".to_string()];
    chunks.extend(std::iter::repeat_n("x".repeat(10_000), 1000));
    chunks.push("\n```".to_string());
    Behavior::Reply {
        chunks,
        first_token_delay: Duration::ZERO,
        chunk_delay: Duration::ZERO,
    }
}

fn rows() -> Vec<Row> {
    use Expect::{Answer, Error};
    let row = |name, fault, expect| Row {
        name,
        fault,
        expect,
    };
    let chat = Fault::Chat;
    vec![
        row("down", Fault::Down, Error),
        row("accepts and never answers", Fault::BlackHole, Error),
        row(
            "headers then stall",
            chat(Behavior::HeadersThenStall),
            Error,
        ),
        row(
            "stall mid-stream",
            chat(Behavior::HangMidStream { after: 2 }),
            Error,
        ),
        row(
            "500",
            chat(Behavior::FailStatus(
                500,
                "llama runner process has terminated".into(),
            )),
            Error,
        ),
        row(
            "error object mid-stream",
            chat(Behavior::ErrorMidStream {
                after: 2,
                message: "an error was encountered while running the model".into(),
            }),
            Error,
        ),
        row("garbage", chat(Behavior::Malformed { after: 1 }), Error),
        row(
            "truncated stream",
            chat(Behavior::DropMidStream { after: 2 }),
            Error,
        ),
        row("no done", chat(Behavior::NoDone), Error),
        row("404 model", Fault::MissingModel, Error),
        row(
            "1 token per 5 s",
            chat(Behavior::slow_reply(
                &["```bash\n", "df", " -h", "\n```"],
                Duration::ZERO,
                Duration::from_secs(5),
            )),
            Error,
        ),
        row("10 MB answer", chat(ten_megabytes()), Answer),
        row("hung probes", Fault::HungProbes, Answer),
        row("hung NVML", Fault::HungNvml, Answer),
    ]
}

/// Turns the row's fault on (after the warm-up) and reloads the configuration.
fn break_backend(w: &World, c: &mut LspClient, fault: &Fault, hole: &BlackHole) {
    let settings = match fault {
        Fault::Down => json!({"backends": {"ollama": {"url": closed_port()}}}),
        Fault::BlackHole => json!({"backends": {"ollama": {"url": hole.url()}}}),
        Fault::Chat(b) => {
            w.stub.set_behavior(FAST, b.clone());
            w.stub.set_behavior(CODE, b.clone());
            json!({})
        }
        Fault::MissingModel => json!({"tiers": {
            "fast": {"model": "gemma3:1b"}, "code": {"model": "phi4:14b"}, "heavy": {"model": "phi4:14b"}
        }}),
        Fault::HungProbes => {
            for path in ["/api/tags", "/api/ps", "/api/show"] {
                w.stub.set_probe_fault(path, Some(ProbeFault::Hang));
            }
            json!({})
        }
        Fault::HungNvml => {
            w.gpu.write(HUNG_NVML);
            json!({})
        }
    };
    reload(c, settings);
}

/// A loopback URL nobody listens on.
fn closed_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", l.local_addr().unwrap())
}

/// A row's server, warmed and healthy.
struct Prepared {
    w: World,
    hole: BlackHole,
    c: LspClient,
}

fn prepare(rt: &tokio::runtime::Handle) -> Prepared {
    let w = World::new(rt, models(coder(command("df -h"))), ROOMY);
    let hole = BlackHole::start();
    let c = w.client(Limits::default());
    Prepared { w, hole, c }
}

/// Runs one row; returns how long the user waited, or what went wrong.
fn run_row(row: &Row, p: Prepared) -> Result<Duration, String> {
    let Prepared { w, hole, mut c } = p;
    break_backend(&w, &mut c, &row.fault, &hole);
    let (result, took) = generate(&mut c, 1);
    let uri = "file:///w/g1.sh";

    let mut problems = Vec::new();
    if took > Duration::from_secs(LIMIT_S + 1) {
        problems.push(format!("took {took:?}, limit {LIMIT_S} s + 1 s"));
    }
    match (row.expect, &result) {
        (Expect::Answer, Ok(_)) => {
            if c.text(uri) == SCRIPT {
                problems.push("answered, but the document was not edited".into());
            }
        }
        (Expect::Error, Err(e)) => {
            if c.text(uri) != SCRIPT {
                problems.push(format!(
                    "failed, yet the document changed:\n{}",
                    c.text(uri)
                ));
            }
            let message = e["message"].as_str().unwrap_or_default().to_string();
            if !told(&mut c, |m| m.contains(&message)) {
                problems.push(format!("the user was not shown the error: {message}"));
            }
        }
        (want, got) => problems.push(format!("expected {want:?}, got {got:?}")),
    }
    if list_actions(&mut c, uri).is_empty() {
        problems.push("no code actions listed afterwards".into());
    }
    let (_, violations, stderr) = c.shutdown();
    if stderr.contains("panicked") {
        problems.push(format!("a panic on stderr:\n{stderr}"));
    }
    if !violations.is_empty() {
        problems.push(format!("protocol violations: {violations:?}"));
    }
    if problems.is_empty() {
        Ok(took)
    } else {
        let tail: Vec<&str> = stderr.lines().rev().take(12).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        Err(format!(
            "{}\n  server log, last lines:\n    {}",
            problems.join("; "),
            tail.join("\n    ")
        ))
    }
}

#[test]
fn every_backend_fault_ends_within_the_limit_and_leaves_the_server_serving() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Built once before the rows race for it.
    support::fake_nvml::fake_nvml_lib();
    let rows = rows();
    // Every row warms its server first; the timed requests start together once all are
    // warm, so no row's timing competes with another's start-up work.
    let warm = std::sync::Barrier::new(rows.len());
    let outcomes: Vec<(String, Result<Duration, String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = rows
            .iter()
            .map(|row| {
                let (rt, warm) = (rt.handle().clone(), &warm);
                s.spawn(move || {
                    use std::panic::{catch_unwind, AssertUnwindSafe};
                    let prepared = catch_unwind(AssertUnwindSafe(|| prepare(&rt)));
                    warm.wait();
                    let r = match prepared {
                        Ok(p) => catch_unwind(AssertUnwindSafe(|| run_row(row, p)))
                            .unwrap_or_else(|_| Err("the row's test code panicked".into())),
                        Err(_) => Err("the warm-up panicked".into()),
                    };
                    (row.name.to_string(), r)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut failed = Vec::new();
    for (name, r) in &outcomes {
        match r {
            Ok(took) => eprintln!("{name:<28} {:>6} ms", took.as_millis()),
            Err(e) => {
                eprintln!("{name:<28} FAILED: {e}");
                failed.push(format!("{name}: {e}"));
            }
        }
    }
    assert!(failed.is_empty(), "rows failed:\n{}", failed.join("\n"));
}
