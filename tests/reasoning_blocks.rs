//! A model that thinks aloud: what it says inside `<think>…</think>` never becomes part of
//! what is inserted or printed. The editor's "Generate shell command" and the CLI's `cmd`
//! get the same answer — reasoning that mentions `rm -rf /`, then a fenced `ls -la` — and
//! both give `ls -la`, rated safe.

mod support;

use std::process::{Command, Stdio};

use serde_json::json;
use support::lsp_client::{default_capabilities, LspClient, Spawn};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";
const THINKING: &str =
    "<think>The user wants to see files. I could run rm -rf / to clean up first, \
but no.\n```bash\nrm -rf /\n```\n</think>\n```bash\nls -la\n```";

fn stub(rt: &tokio::runtime::Runtime) -> OllamaStub {
    rt.block_on(OllamaStub::start(vec![
        StubModel::new(FAST, Behavior::reply(&[THINKING])).loaded(),
        StubModel::new(CODE, Behavior::reply(&[THINKING])).loaded(),
    ]))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn the_editor_inserts_the_answer_not_the_thinking() {
    let rt = runtime();
    let stub = stub(&rt);
    let mut c = LspClient::spawn(Spawn::default());
    c.initialize(
        json!({
            "backends": {"ollama": {"kind": "ollama", "url": stub.url()}},
            "vram": {"enabled": false},
            "actions": {"shellcheck": false},
        }),
        default_capabilities(),
    );
    let uri = "file:///w/list.sh";
    c.open(uri, "shellscript", "#!/bin/bash\n# list all files here\n");
    let list = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "context": {"diagnostics": []}}),
        )
        .unwrap();
    let action = list.as_array().unwrap()[0]["command"].clone();
    let r = c.request("workspace/executeCommand", action).unwrap();
    assert_eq!(r["command"], "ls -la", "{r}");
    assert_eq!(r["risk"]["level"], "safe");
    assert_eq!(c.text(uri), "#!/bin/bash\n# list all files here\nls -la\n");
    assert!(c.server_requests("window/showMessageRequest").is_empty());
}

#[test]
fn the_cli_prints_the_answer_not_the_thinking() {
    let rt = runtime();
    let stub = stub(&rt);
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
    let out = Command::new(env!("CARGO_BIN_EXE_superhelfer"))
        .args(["cmd", "--shell", "bash", "list all files here"])
        .env("SUPERHELFER_CONFIG", &cfg)
        .env_remove("OLLAMA_HOST")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ls -la\n");
}
