//! The shell a generated command is written for, end to end: the real binary over stdio,
//! the Ollama stand-in behind it. Editors disagree about language ids (Neovim says `sh`
//! for a `#!/bin/bash` script, Helix `bash` for a `#!/bin/sh` one); what the document
//! says about itself wins, and the prompt the model receives says the same everywhere.

mod support;

use serde_json::{json, Value};
use support::lsp_client::{default_capabilities, LspClient, Spawn};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";

/// Opens `text` as `language_id`, runs "Generate shell command" on line 1 and returns
/// the (system, user) prompt the stand-in received.
fn prompt_for(language_id: &str, text: &str) -> (String, String) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let stub = rt.block_on(OllamaStub::start(vec![
        StubModel::new(FAST, Behavior::reply(&["A short answer."])).loaded(),
        StubModel::new(CODE, Behavior::reply(&["```sh\nls -la\n```"])).loaded(),
    ]));
    let mut c = LspClient::spawn(Spawn::default());
    c.initialize(
        json!({
            "backends": {"ollama": {"kind": "ollama", "url": stub.url()}},
            "vram": {"enabled": false},
            "actions": {"shellcheck": false},
        }),
        default_capabilities(),
    );
    let uri = "file:///w/script";
    c.open(uri, language_id, text);
    let command = c.listed_command(uri, 1, "Generate");
    let r = c
        .request("workspace/executeCommand", command)
        .expect("generated");
    assert_eq!(r["inserted"], true, "{r}");
    let sent: Value = stub
        .chat_requests()
        .into_iter()
        .rfind(|r| r["model"] == CODE)
        .expect("the code model was asked");
    let text = |i: usize| sent["messages"][i]["content"].as_str().unwrap().to_string();
    (text(0), text(1))
}

#[test]
fn neovim_says_sh_for_a_bash_script_and_the_prompt_says_bash() {
    let (system, user) = prompt_for("sh", "#!/bin/bash\n# list the files here\n");
    assert!(system.contains("Target: bash."), "{system}");
    assert!(!system.contains("POSIX"), "{system}");
    assert!(user.contains("Dialect: bash"), "{user}");
    assert!(user.contains("The bash command:"), "{user}");
}

#[test]
fn helix_says_bash_for_a_posix_script_and_the_prompt_says_posix_sh() {
    let (system, user) = prompt_for("bash", "#!/bin/sh\n# list the files here\n");
    assert!(system.contains("Target: POSIX sh"), "{system}");
    assert!(user.contains("Dialect: sh"), "{user}");
    assert!(user.contains("The sh command:"), "{user}");
}

#[test]
fn env_with_options_and_a_byte_order_mark_still_name_the_shell() {
    let (system, _) = prompt_for(
        "shellscript",
        "\u{feff}#!/usr/bin/env -S LC_ALL=C zsh -f\n# list the files here\n",
    );
    assert!(system.contains("Target: zsh."), "{system}");
}
