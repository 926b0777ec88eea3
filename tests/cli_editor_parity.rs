//! The CLI and the editor are two faces of one pipeline (`features::generate`): given the
//! same answer from the model, `superhelfer cmd` prints the command the editor inserts,
//! rates it at the same risk level, and says the same warning the editor writes above it.

mod support;

use std::process::Output;

use serde_json::{json, Value};
use support::lsp_client::{Choice, LspClient};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};
use support::{cli, faults};

const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";
const REQUEST: &str = "tidy up the build directory";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// What a user sees of one generated command.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    command: String,
    level: String,
    /// The warning line, without a comment marker; none for a safe command.
    warning: Option<String>,
}

/// The editor: "Generate shell command" on a request comment, "Insert" if asked.
fn in_editor(stub: &OllamaStub) -> Seen {
    let mut c = LspClient::start(json!({
        "backends": {"ollama": {"kind": "ollama", "url": stub.url()}},
        "vram": {"enabled": false},
        "actions": {"shellcheck": false},
    }));
    let uri = "file:///w/tidy.sh";
    let original = format!("#!/bin/bash\n# {REQUEST}\n");
    c.open(uri, "shellscript", &original);
    c.choices.push_back(Choice::Pick("Insert".into()));
    let action = faults::list_actions(&mut c, uri)
        .into_iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap_or("")
                .starts_with("Generate shell command")
        })
        .expect("generate action listed");
    let r: Value = c
        .request("workspace/executeCommand", action["command"].clone())
        .expect("generated");
    assert_eq!(r["inserted"], true, "{r}");
    let after = c.text(uri);
    let inserted = after
        .strip_prefix(original.as_str())
        .expect("inserted after");
    let (warning, command): (Vec<&str>, Vec<&str>) = inserted
        .lines()
        .partition(|l| l.starts_with("# superhelfer: "));
    assert_eq!(
        command.join("\n"),
        r["command"].as_str().unwrap(),
        "{after}"
    );
    Seen {
        command: command.join("\n"),
        level: r["risk"]["level"].as_str().unwrap().to_string(),
        warning: warning
            .first()
            .map(|w| w.trim_start_matches("# ").to_string()),
    }
}

/// The terminal: `superhelfer cmd --shell bash REQUEST`.
fn in_cli(stub: &OllamaStub) -> (Seen, Output) {
    let dir = tempfile::tempdir().unwrap();
    let cfg = cli::config_file(dir.path(), &stub.url());
    let out = cli::command(cli::BIN, &cfg, &["cmd", "--shell", "bash", REQUEST])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let level = stderr
        .lines()
        .find_map(|l| l.strip_prefix("superhelfer: risk: "))
        .map(|l| l.split(':').next().unwrap_or(l).to_string())
        .unwrap_or_else(|| panic!("no risk line: {stderr}"));
    let warning = stderr
        .lines()
        .find(|l| l.starts_with("superhelfer: caution: ") || l.starts_with("superhelfer: DANGER: "))
        .map(str::to_string);
    let seen = Seen {
        command: stdout.trim_end_matches('\n').to_string(),
        level,
        warning,
    };
    (seen, out)
}

fn both_see(answer: &str) -> (Seen, Seen, Output) {
    let rt = runtime();
    let stub = rt.block_on(OllamaStub::start(vec![
        StubModel::new(FAST, Behavior::reply(&["A short answer."])).loaded(),
        StubModel::new(CODE, Behavior::reply(&[answer])).loaded(),
    ]));
    let editor = in_editor(&stub);
    let (cli, out) = in_cli(&stub);
    (editor, cli, out)
}

#[test]
fn a_safe_answer_reads_the_same_in_both_even_after_thinking_aloud() {
    let answer = "<think>I could rm -rf / first.</think>\nSure:\n```bash\nls -la build/\n```";
    let (editor, cli, out) = both_see(answer);
    assert_eq!(editor, cli);
    assert_eq!(
        editor,
        Seen {
            command: "ls -la build/".into(),
            level: "safe".into(),
            warning: None
        }
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_caution_answer_carries_the_same_warning_in_both() {
    let (editor, cli, out) = both_see("```bash\nfind . -name '*.pyc' -delete\n```");
    assert_eq!(editor, cli);
    assert_eq!(editor.level, "caution");
    let warning = editor.warning.expect("a caution line");
    assert!(
        warning.starts_with("superhelfer: caution: ") && warning.len() > 30,
        "{warning}"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_danger_answer_carries_the_same_warning_in_both() {
    let (editor, cli, out) = both_see("```bash\nrm -rf ~/\n```");
    assert_eq!(editor, cli);
    assert_eq!(editor.command, "rm -rf ~/");
    assert_eq!(editor.level, "danger");
    let warning = editor.warning.expect("a danger line");
    assert!(warning.starts_with("superhelfer: DANGER: "), "{warning}");
    assert_eq!(out.status.code(), Some(3), "not accepted without --yes");
}
