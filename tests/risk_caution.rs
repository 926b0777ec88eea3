//! Nothing is inserted silently: a caution-level command carries a comment
//! line with the reason in the editor, the CLI's `cmd` prints the reason on
//! stderr, and `superhelfer risk` answers scripts with an exit status per
//! level (0 safe, 4 caution, 3 danger).

mod support;

use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};
use support::lsp_client::{default_capabilities, LspClient, Spawn};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const BIN: &str = env!("CARGO_BIN_EXE_superhelfer");
const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";

fn stub(rt: &tokio::runtime::Runtime, answer: &str) -> OllamaStub {
    rt.block_on(OllamaStub::start(vec![
        StubModel::new(FAST, Behavior::reply(&["A short answer."])).loaded(),
        StubModel::new(CODE, Behavior::reply(&[answer])).loaded(),
    ]))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Generates a command for line 1 of `text` in the editor; returns the
/// result and the document afterwards.
fn generate(answer: &str, text: &str) -> (Value, String, usize) {
    let rt = runtime();
    let stub = stub(&rt, answer);
    let mut c = LspClient::spawn(Spawn::default());
    c.initialize(
        json!({
            "backends": {"ollama": {"kind": "ollama", "url": stub.url()}},
            "vram": {"enabled": false},
            "actions": {"shellcheck": false},
            "tiers": {"code": {"first_token_timeout_s": 10, "timeout_s": 20}}
        }),
        default_capabilities(),
    );
    let uri = "file:///w/deploy.sh";
    c.open(uri, "shellscript", text);
    let list = c
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri},
                "range": {"start": {"line": 1, "character": 4}, "end": {"line": 1, "character": 4}},
                "context": {"diagnostics": []}
            }),
        )
        .expect("codeAction");
    let action = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap_or("")
                .starts_with("Generate shell command")
        })
        .cloned()
        .expect("generate action listed");
    let r = c
        .request("workspace/executeCommand", action["command"].clone())
        .expect("generated");
    let dialogs = c.server_requests("window/showMessageRequest").len();
    (r, c.text(uri), dialogs)
}

#[test]
fn editor_inserts_a_caution_command_with_its_reason_above_it() {
    let (r, after, dialogs) = generate(
        "```bash\nfind . -name '*.pyc' -delete\n```",
        "#!/bin/bash\n    # remove the compiled python files\necho done\n",
    );
    assert_eq!(r["risk"]["level"], "caution", "{r}");
    assert_eq!(r["inserted"], true);
    assert_eq!(dialogs, 0, "caution asks nothing; the comment tells");
    let reason = r["risk"]["reasons"][0].as_str().unwrap();
    assert_eq!(
        after,
        format!(
            "#!/bin/bash\n    # remove the compiled python files\n    # superhelfer: caution: {reason}\n    find . -name '*.pyc' -delete\necho done\n"
        )
    );
}

#[test]
fn editor_inserts_a_command_with_a_computed_name_with_a_caution_line() {
    let (r, after, _) = generate(
        "```bash\n$EDITOR notes.txt\n```",
        "#!/bin/bash\n# open my notes in my editor\n",
    );
    assert_eq!(r["risk"]["level"], "caution", "{r}");
    assert!(
        after.contains("# superhelfer: caution: the command name is computed at run time"),
        "{after}"
    );
}

#[test]
fn editor_inserts_a_safe_command_without_a_comment() {
    let (r, after, _) = generate(
        "```bash\ngrep -rn 'rm -rf' scripts/\n```",
        "#!/bin/bash\n# where do my scripts delete trees?\n",
    );
    assert_eq!(r["risk"]["level"], "safe", "{r}");
    assert_eq!(
        after,
        "#!/bin/bash\n# where do my scripts delete trees?\ngrep -rn 'rm -rf' scripts/\n"
    );
}

fn superhelfer(args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(args)
        .env("SUPERHELFER_CONFIG", "/dev/null")
        .env_remove("OLLAMA_HOST")
        .env_remove("SUPERHELFER_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().expect("output")
}

fn level(out: &Output) -> String {
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    v["level"].as_str().unwrap_or("").to_string()
}

#[test]
fn risk_exit_status_tells_the_level() {
    for (cmd, want, code) in [
        ("ls -la", "safe", 0),
        ("rm -rf ./build", "caution", 4),
        ("echo cm0gLXJmIC8K | base64 -d | sh", "danger", 3),
    ] {
        let out = superhelfer(&["risk", cmd], "");
        assert_eq!(level(&out), want, "{cmd}");
        assert_eq!(out.status.code(), Some(code), "{cmd}");
    }
}

#[test]
fn risk_reads_stdin_for_a_dash_and_takes_unquoted_words() {
    let out = superhelfer(&["risk", "-"], "cd /srv\nrm -rf ./*\n");
    assert_eq!(level(&out), "danger");
    assert_eq!(out.status.code(), Some(3));
    let out = superhelfer(&["risk", "rm", "-rf", "/"], "");
    assert_eq!(level(&out), "danger");
    assert_eq!(out.status.code(), Some(3));
    // The user's shell split the words; `sh -c` keeps its one script word.
    let out = superhelfer(&["risk", "sh", "-c", "rm -rf ~"], "");
    assert_eq!(level(&out), "danger");
    let out = superhelfer(&["risk", "echo", "rm -rf /"], "");
    assert_eq!(level(&out), "safe");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn cmd_prints_the_caution_reason_on_stderr() {
    let rt = runtime();
    let stub = stub(&rt, "```bash\nsudo systemctl restart nginx\n```");
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[backends.ollama]\nkind = \"ollama\"\nurl = \"{}\"\n[vram]\nenabled = false\n",
            stub.url()
        ),
    )
    .unwrap();
    let out = Command::new(BIN)
        .args(["cmd", "--shell", "bash", "restart the web server"])
        .env("SUPERHELFER_CONFIG", &cfg)
        .env_remove("OLLAMA_HOST")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "sudo systemctl restart nginx\n"
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("superhelfer: caution: ") && l.len() > 30),
        "{stderr}"
    );
}
