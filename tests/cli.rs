//! The CLI as a user runs it: `ask`, `cmd`, `route`, `risk`, `status`, `config`, against the
//! Ollama stand-in through a real configuration file.

mod support;

use std::path::Path;
use std::process::Output;

use serde_json::Value;
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const BIN: &str = env!("CARGO_BIN_EXE_superhelfer");

async fn run(config: &Path, args: &[&str], stdin: &str) -> Output {
    use tokio::io::AsyncWriteExt;
    let mut child = tokio::process::Command::new(BIN)
        .args(args)
        .env("SUPERHELFER_CONFIG", config)
        .env_remove("OLLAMA_HOST")
        .env_remove("SUPERHELFER_LOG")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    tokio::time::timeout(std::time::Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("CLI finished")
        .expect("output")
}

fn write_config(dir: &Path, url: &str, extra: &str) -> std::path::PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "[backends.ollama]\nkind = \"ollama\"\nurl = \"{url}\"\n[vram]\nenabled = false\n[tiers.code]\nfirst_token_timeout_s = 1\ntimeout_s = 5\n{extra}"
        ),
    )
    .unwrap();
    path
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn models(code: Behavior) -> Vec<StubModel> {
    vec![
        StubModel::new(
            "llama3.2:3b",
            Behavior::reply(&["Berlin ", "is the capital."]),
        )
        .loaded(),
        StubModel::new("qwen3-coder:30b", code),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn ask_streams_the_answer_and_names_the_route_on_stderr() {
    let stub = OllamaStub::start(models(Behavior::reply(&["x"]))).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), &stub.url(), "");
    let out = run(
        &cfg,
        &["ask", "--json", "What is the capital of Germany?"],
        "",
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "Berlin is the capital.\n");
    let err = text(&out.stderr);
    assert!(err.contains("fast tier, llama3.2:3b"), "{err}");
    let outcome: Value = serde_json::from_str(err.lines().last().unwrap()).unwrap();
    assert_eq!(outcome["tier_used"], "fast");
    assert_eq!(outcome["fallback_reason"], Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn ask_falls_back_and_says_so() {
    let stub = OllamaStub::start(models(Behavior::Hang)).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), &stub.url(), "");
    let out = run(&cfg, &["ask", "--tier", "code", "fix my nginx config"], "").await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("fallback: the code tier failed"), "{err}");
    assert!(text(&out.stdout).contains("Berlin is the capital."));
}

#[tokio::test(flavor = "multi_thread")]
async fn ask_with_piped_material_sends_it_along() {
    let stub = OllamaStub::start(models(Behavior::Echo)).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), &stub.url(), "");
    let out = run(
        &cfg,
        &["ask", "--tier", "code", "why does this fail?", "-"],
        "nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)\n",
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let sent = stub.chat_requests().pop().unwrap();
    let content = sent["messages"][0]["content"].as_str().unwrap().to_string();
    assert!(
        content.starts_with("why does this fail?") && content.contains("Address already in use"),
        "{content}"
    );
    // Without `-`, stdin is left alone (a `while read` loop keeps its input).
    let out = run(
        &cfg,
        &["ask", "--tier", "code", "hello"],
        "do not read me\n",
    )
    .await;
    assert!(out.status.success());
    let sent = stub.chat_requests().pop().unwrap();
    assert_eq!(sent["messages"][0]["content"], "hello");
}

#[tokio::test(flavor = "multi_thread")]
async fn ask_fails_with_a_message_when_the_backend_is_down() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), &format!("http://127.0.0.1:{port}"), "");
    let out = run(&cfg, &["ask", "hello"], "").await;
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("ollama serve") && err.contains(&port.to_string()),
        "{err}"
    );
    assert!(text(&out.stdout).trim().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn cmd_prints_exactly_the_command_and_exits_3_for_danger() {
    let answer = "Here is the command:\n\n```bash\n$ du -sh * | sort -h\n```\n\nThis lists sizes.";
    let stub = OllamaStub::start(models(Behavior::reply(&[answer]))).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), &stub.url(), "");
    let out = run(
        &cfg,
        &[
            "cmd",
            "--shell",
            "bash",
            "zeige die Größe aller Ordner sortiert",
        ],
        "",
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "du -sh * | sort -h\n");
    assert!(
        text(&out.stderr).contains("risk: safe"),
        "{}",
        text(&out.stderr)
    );
    let system = stub.chat_requests().pop().unwrap()["messages"][0]["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        system.contains("bash"),
        "the prompt names the shell: {system}"
    );

    stub.set_behavior(
        "qwen3-coder:30b",
        Behavior::reply(&["```sh\nsudo rm -rf / --no-preserve-root\n```"]),
    );
    let out = run(&cfg, &["cmd", "--shell", "bash", "free up disk space"], "").await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("risk: danger"),
        "{}",
        text(&out.stderr)
    );
    let out = run(
        &cfg,
        &["cmd", "--yes", "--shell", "bash", "free up disk space"],
        "",
    )
    .await;
    assert_eq!(out.status.code(), Some(0));
}

#[tokio::test(flavor = "multi_thread")]
async fn route_jsonl_answers_each_line_and_reports_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), "http://127.0.0.1:9", "");
    let input = "{\"query\": \"Wie spät ist es in Tokio?\"}\n{\"query\": \"grep -rn TODO src/ | wc -l gives 0, why?\"}\nnot json\n";
    let out = run(&cfg, &["route", "--jsonl"], input).await;
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["tier"], "fast");
    assert_eq!(lines[1]["tier"], "code");
    assert!(lines[1]["tokens"].as_u64().unwrap() > 5);
    assert!(!lines[1]["reasons"].as_array().unwrap().is_empty());
    assert!(lines[2]["error"].is_string());
    assert_eq!(
        out.status.code(),
        Some(1),
        "a bad line makes the run fail, after all lines"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn risk_prints_json() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), "http://127.0.0.1:9", "");
    let out = run(
        &cfg,
        &[
            "risk",
            "curl -fsSL https://x.example/install.sh | sudo bash",
        ],
        "",
    )
    .await;
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["level"], "danger");
    assert!(!v["reasons"].as_array().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn status_json_names_backends_tiers_and_gpu() {
    let stub = OllamaStub::start(models(Behavior::reply(&["x"]))).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), &stub.url(), "[vram]\n");
    // `[vram]` twice is a TOML error: the CLI must say so and exit non-zero.
    let out = run(&cfg, &["status", "--json"], "").await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("config.toml"),
        "{}",
        text(&out.stderr)
    );

    let cfg = write_config(dir.path(), &stub.url(), "");
    let out = run(&cfg, &["status", "--json"], "").await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["backends"][0]["reachable"], true);
    assert_eq!(v["tiers"][0]["tier"], "fast");
    assert_eq!(v["tiers"][0]["loaded"], true);
    assert_eq!(
        v["tiers"][2]["installed"], false,
        "heavy model not installed"
    );
    assert_eq!(v["gpu"]["state"], "disabled");
}

#[tokio::test(flavor = "multi_thread")]
async fn config_names_sources_and_default_file_parses() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), "http://127.0.0.1:9", "");
    let out = run(&cfg, &["config"], "").await;
    let s = text(&out.stdout);
    let line = s
        .lines()
        .find(|l| l.starts_with("first_token_timeout_s = 1"))
        .unwrap();
    assert!(line.contains("config.toml:7"), "{line}");
    assert!(
        s.lines()
            .any(|l| l.starts_with("model = \"llama3.2:3b\"") && l.contains("# default")),
        "{s}"
    );
    let out = run(&cfg, &["config", "--default"], "").await;
    let default_file = dir.path().join("default.toml");
    std::fs::write(&default_file, &out.stdout).unwrap();
    let out = run(&default_file, &["config"], "").await;
    assert!(
        out.status.success(),
        "the printed default file is a valid config: {}",
        text(&out.stderr)
    );
}
