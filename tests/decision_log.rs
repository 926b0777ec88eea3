//! The decision log and `superhelfer stats`: with `log.decisions = true` every routed
//! request, from the CLI or the editor, leaves one JSON line in the state directory, without
//! the prompt unless `log.prompts = true`; `stats` sums the log up.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::lsp_client::{default_capabilities, LspClient, Spawn};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const BIN: &str = env!("CARGO_BIN_EXE_superhelfer");
const QUESTION: &str = "What is the capital of Germany?";

fn run(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(BIN)
        .args(args)
        .env("SUPERHELFER_CONFIG", dir.join("config.toml"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env_remove("OLLAMA_HOST")
        .env_remove("SUPERHELFER_LOG")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run superhelfer")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn log_path(dir: &Path) -> PathBuf {
    dir.join("state/superhelfer/decisions.jsonl")
}

fn lines(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(log_path(dir))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// The stand-in (fast answers, code fails with 500) and a configuration with `log`.
async fn world(dir: &Path, log: &str) -> OllamaStub {
    let stub = OllamaStub::start(vec![
        StubModel::new("llama3.2:3b", Behavior::reply(&["Berlin."])).loaded(),
        StubModel::new(
            "qwen3-coder:30b",
            Behavior::FailStatus(500, "out of memory".into()),
        )
        .loaded(),
    ])
    .await;
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[backends.ollama]\nkind = \"ollama\"\nurl = \"{}\"\n[vram]\nenabled = false\n[log]\n{log}\n",
            stub.url()
        ),
    )
    .unwrap();
    stub
}

#[tokio::test(flavor = "multi_thread")]
async fn each_ask_leaves_one_line_without_the_prompt_and_stats_sums_them_up() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let _stub = world(d, "decisions = true").await;
    let pref = run(
        d,
        &[
            "route",
            "--prefer",
            "heavy",
            "prove that sqrt 2 is irrational",
        ],
    );
    assert!(pref.status.success(), "{}", text(&pref.stderr));
    for args in [
        vec!["ask", QUESTION],
        vec!["ask", "--tier", "code", QUESTION],
        vec!["ask", QUESTION],
    ] {
        let out = run(d, &args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }

    let log = lines(d);
    assert_eq!(log.len(), 3, "{log:?}");
    let first = &log[0];
    assert!(first["time"].as_str().unwrap().ends_with('Z'), "{first}");
    assert_eq!(first["tier"], "fast");
    assert_eq!(first["model"], "llama3.2:3b");
    assert!(!first["reasons"].as_array().unwrap().is_empty(), "{first}");
    let confidence = first["confidence"].as_f64().unwrap();
    assert!(confidence > 0.0 && confidence <= 1.0, "{first}");
    assert!(first["total_ms"].is_u64() && first["first_token_ms"].is_u64());
    assert_eq!(first["fallback"], Value::Null);
    let retried = &log[1];
    assert_eq!(retried["tier_chosen"], "code");
    assert_eq!(retried["tier"], "fast");
    assert!(
        retried["fallback"]
            .as_str()
            .unwrap()
            .contains("out of memory"),
        "{retried}"
    );
    let raw = std::fs::read_to_string(log_path(d)).unwrap();
    assert!(!raw.contains("capital"), "the prompt was logged: {raw}");

    let out = run(d, &["stats", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["requests"], 3, "{s}");
    assert_eq!(s["fallbacks"], 1, "{s}");
    assert_eq!(s["corrections"], 1, "{s}");
    assert_eq!(s["skipped_lines"], 0, "{s}");
    assert_eq!(s["tiers"]["fast"]["requests"], 3, "{s}");
    assert!(s["tiers"]["fast"]["first_token_p50_ms"].is_u64(), "{s}");
    assert!(s["tiers"]["fast"]["total_p95_ms"].is_u64(), "{s}");

    let out = run(d, &["stats"]);
    let shown = text(&out.stdout);
    assert!(shown.contains("3 requests, 1 fallbacks to fast"), "{shown}");
    assert!(shown.contains("1 corrections kept"), "{shown}");
    assert!(shown.contains("fast"), "{shown}");
}

#[tokio::test(flavor = "multi_thread")]
async fn log_prompts_keeps_the_query_in_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let _stub = world(d, "decisions = true\nprompts = true").await;
    let out = run(d, &["ask", QUESTION]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let log = lines(d);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["prompt"], QUESTION);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_log_decisions_nothing_is_written_and_stats_says_how_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let _stub = world(d, "").await;
    assert!(run(d, &["ask", QUESTION]).status.success());
    assert!(!log_path(d).exists());
    let out = run(d, &["stats"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("no decision log") && err.contains("log.decisions = true"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partly_corrupt_log_is_summed_up_and_the_bad_lines_counted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let _stub = world(d, "decisions = true").await;
    assert!(run(d, &["ask", QUESTION]).status.success());
    let mut raw = std::fs::read_to_string(log_path(d)).unwrap();
    raw.push_str("{\"time\": \"2026-\n\u{0}\u{1}garbage\n");
    std::fs::write(log_path(d), raw).unwrap();
    let out = run(d, &["stats", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (s["requests"].clone(), s["skipped_lines"].clone()),
        (json!(1), json!(2))
    );
    let shown = text(&run(d, &["stats"]).stdout);
    assert!(shown.contains("2 lines skipped"), "{shown}");
}

#[test]
fn an_explain_from_the_editor_leaves_a_line_too() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let stub = rt.block_on(OllamaStub::start(vec![
        StubModel::new("llama3.2:3b", Behavior::reply(&["It counts lines."])).loaded(),
        StubModel::new("qwen3-coder:30b", Behavior::reply(&["It counts lines."])).loaded(),
    ]));
    let dir = tempfile::tempdir().unwrap();
    let env = |k: &str, sub: &str| (k.to_string(), dir.path().join(sub).display().to_string());
    let mut c = LspClient::spawn(Spawn {
        env: vec![
            env("XDG_STATE_HOME", "state"),
            env("XDG_CACHE_HOME", "cache"),
        ],
        ..Default::default()
    });
    c.initialize(
        json!({
            "backends": {"ollama": {"kind": "ollama", "url": stub.url()}},
            "vram": {"enabled": false},
            "actions": {"shellcheck": false},
            "log": {"decisions": true}
        }),
        default_capabilities(),
    );
    let uri = "file:///w/count.sh";
    let secret = "grep -c SECRET_MARKER /var/log/syslog | wc -l";
    c.open(uri, "shellscript", &format!("#!/bin/bash\n{secret}\n"));
    let r = c.request(
        "workspace/executeCommand",
        json!({"command": "superhelfer.explain", "arguments": [{"uri": uri, "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": secret.len()}}}]}),
    );
    assert!(r.is_ok(), "{r:?}");
    // The line is written in the background: wait for it (generously).
    let deadline = Instant::now() + Duration::from_secs(10);
    while lines(dir.path()).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let log = lines(dir.path());
    assert_eq!(log.len(), 1, "{log:?}");
    assert!(
        log[0]["tier"].is_string() && log[0]["total_ms"].is_u64(),
        "{}",
        log[0]
    );
    let raw = std::fs::read_to_string(log_path(dir.path())).unwrap();
    assert!(
        !raw.contains("SECRET_MARKER"),
        "document text was logged: {raw}"
    );
    c.shutdown();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_opinion_is_in_the_line_and_counted_by_stats() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let stub = world(d, "decisions = true").await;
    // The fast model votes "code" when asked to classify; the coder answers.
    stub.set_behavior(
        "llama3.2:3b",
        Behavior::ByPrompt(vec![
            (
                superhelfer::engine::second_opinion::REQUEST_PREFIX.into(),
                "{\"tier\": \"code\"}".into(),
            ),
            (String::new(), "Rayleigh.".into()),
        ]),
    );
    stub.set_behavior(
        "qwen3-coder:30b",
        Behavior::reply(&["Rayleigh scattering."]),
    );
    // The first stage is unsure of this one (fast 0.49, heavy 0.51).
    let out = run(
        d,
        &["ask", "why is the sky blue and how would you prove it"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let log = lines(d);
    assert_eq!(log.len(), 1);
    let opinion = log[0]["second_opinion"].as_str().unwrap();
    assert!(opinion.starts_with("llama3.2:3b: code ("), "{}", log[0]);
    assert_eq!(log[0]["tier"], "code", "{}", log[0]);
    let s: Value = serde_json::from_slice(&run(d, &["stats", "--json"]).stdout).unwrap();
    assert_eq!(s["second_opinions"], 1, "{s}");
}
