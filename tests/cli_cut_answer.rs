//! A fallback after part of an answer was streamed: the cut answer is void. A pipe gets
//! only the answer that completed; a terminal sees the cut marked, and the fast model's
//! answer on a line of its own.

mod support;

use std::process::Command;

use support::cli;
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const QUESTION: &str = "fix my nginx config";

/// The code tier streams "Hello," and then fails; the fast tier answers in full.
async fn stub() -> OllamaStub {
    OllamaStub::start(vec![
        StubModel::new(
            "llama3.2:3b",
            Behavior::reply(&["Berlin ", "is the capital."]),
        )
        .loaded(),
        StubModel::new(
            "qwen3-coder:30b",
            Behavior::ErrorMidStream {
                after: 2,
                message: "CUDA error: out of memory".into(),
            },
        )
        .loaded(),
    ])
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pipe_gets_only_the_answer_that_completed() {
    let stub = stub().await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = cli::config_file(dir.path(), &stub.url());
    let ask = cli::command(cli::BIN, &cfg, &["ask", "--tier", "code", QUESTION]);
    let out = tokio::process::Command::from(ask)
        .output()
        .await
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("fallback: the code tier failed"),
        "{stderr}"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Berlin is the capital.\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_terminal_sees_the_cut_marked_and_the_new_answer_on_its_own_line() {
    if Command::new("script").arg("--version").output().is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "`script` (util-linux) is needed for a terminal on CI"
        );
        support::skip::skip("no `script` (util-linux) to run the CLI on a terminal");
        return;
    }
    let stub = stub().await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = cli::config_file(dir.path(), &stub.url());
    // `script` runs the CLI on a pseudo-terminal: stdout and stderr are both the screen.
    let line = format!("'{}' ask --tier code '{QUESTION}'", cli::BIN);
    let script = cli::command("script", &cfg, &["-qec", &line, "/dev/null"]);
    let out = tokio::process::Command::from(script)
        .output()
        .await
        .expect("run script");
    let screen = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    assert!(out.status.success(), "{screen}");
    let lines: Vec<&str> = screen.lines().collect();
    let cut = lines
        .iter()
        .position(|l| l.contains("cut off"))
        .unwrap_or_else(|| panic!("the cut is marked: {screen}"));
    assert!(
        lines[..cut].iter().any(|l| l.starts_with("Hello,")),
        "the cut answer stays visible above its mark: {screen}"
    );
    assert!(
        lines[cut + 1..].contains(&"Berlin is the capital."),
        "the fast answer starts on its own line, after the mark: {screen}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("Hello,") && l.contains("Berlin")),
        "{screen}"
    );
}
