//! What each editor's user sees, over stdio with the `initialize` params the real clients
//! sent (`tests/data/clients/`: Neovim 0.11.4, VS Code as code-server 4.139.1 with the
//! extension, Helix 25.07.1 and Helix master): how the danger and VRAM questions are asked
//! (a dialog, a modal, or not at all and what is offered instead), how progress is titled,
//! and where a short explanation goes.

mod support;

use serde_json::{json, Value};
use support::fake_nvml::FakeNvmlState;
use support::lsp_client::{Choice, LspClient, Spawn};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";
const WIPE: &str = "#!/bin/bash\n# free up space on the root disk\n";
/// A 32 GB card with 6.7 GB free: the 18 GB coder model does not fit, so the guard asks.
const NEARLY_FULL: &str =
    "init=ok\ndriver=580.65.06\ngpu=NVIDIA GeForce RTX 5090;total_mb=32607;used_mb=25900\n";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Client {
    Neovim,
    VsCode,
    HelixRelease,
    HelixMaster,
}

impl Client {
    fn params(self) -> Value {
        let text = match self {
            Client::Neovim => include_str!("data/clients/neovim-0.11.4.json"),
            Client::VsCode => include_str!("data/clients/vscode-code-server-4.139.1.json"),
            Client::HelixRelease => include_str!("data/clients/helix-25.07.1.json"),
            Client::HelixMaster => include_str!("data/clients/helix-master-079a789e8.json"),
        };
        serde_json::from_str(text).unwrap()
    }
}

const ALL: [Client; 4] = [
    Client::Neovim,
    Client::VsCode,
    Client::HelixRelease,
    Client::HelixMaster,
];

struct World {
    rt: tokio::runtime::Runtime,
    stub: OllamaStub,
    home: tempfile::TempDir,
}

fn world(code_loaded: bool, fast_answer: &str) -> World {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut code = StubModel::new(CODE, Behavior::reply(&["```bash\nsudo rm -rf /\n```"]))
        .with_size(18_000_000_000);
    if code_loaded {
        code = code.loaded();
    }
    let stub = rt.block_on(OllamaStub::start(vec![
        StubModel::new(FAST, Behavior::reply(&[fast_answer])).loaded(),
        code,
    ]));
    World {
        rt,
        stub,
        home: tempfile::tempdir().unwrap(),
    }
}

impl World {
    /// An editor of this kind, started as the user would: a file of their own when the
    /// GPU library must be named (only the user's file may name one).
    fn editor(&self, client: Client, gpu: Option<&FakeNvmlState>) -> LspClient {
        let mut env = Vec::new();
        if let Some(gpu) = gpu {
            let file = self.home.path().join("config.toml");
            std::fs::write(
                &file,
                format!("[vram]\nnvml_lib = \"{}\"\n", gpu.lib_path().display()),
            )
            .unwrap();
            env.push(("SUPERHELFER_CONFIG".to_string(), file.display().to_string()));
        }
        let mut c = LspClient::spawn(Spawn {
            env,
            ..Default::default()
        });
        // Helix 25.07.1 answers a question with "Method not found".
        c.refuse_questions = client == Client::HelixRelease;
        let options = json!({
            "backends": {"ollama": {"kind": "ollama", "url": self.stub.url()}},
            "vram": {"enabled": gpu.is_some()},
            "router": {"enabled": false, "default_tier": "fast"},
            "actions": {"shellcheck": false},
        });
        c.initialize_as(options, client.params());
        c
    }
}

fn generate(c: &mut LspClient, uri: &str, text: &str) -> Result<Value, Value> {
    c.open(uri, "shellscript", text);
    let command = c.listed_command(uri, 1, "Generate");
    c.request("workspace/executeCommand", command)
}

fn messages(c: &LspClient) -> Vec<String> {
    c.notifications("window/showMessage")
        .iter()
        .filter_map(|m| m["message"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn the_danger_question_is_asked_as_each_client_can_or_a_comment_is_offered() {
    for client in ALL {
        let w = world(true, "unused");
        let mut c = w.editor(client, None);
        c.choices.push_back(Choice::Pick("Cancel".into()));
        let uri = "file:///w/wipe.sh";
        let r = generate(&mut c, uri, WIPE).expect("answered");
        let dialogs = c.server_requests("window/showMessageRequest");
        let modals = c.server_requests("superhelfer/askModal");
        match client {
            Client::Neovim | Client::HelixMaster => {
                assert_eq!(dialogs.len(), 1, "{client:?}");
                assert!(modals.is_empty(), "{client:?}");
                let m = dialogs[0]["message"].as_str().unwrap();
                assert!(
                    m.contains("could destroy data") && m.contains("sudo rm -rf /"),
                    "{m}"
                );
                assert_eq!(r["inserted"], false, "{client:?}: Cancel");
                assert_eq!(c.text(uri), WIPE);
            }
            Client::VsCode => {
                assert!(dialogs.is_empty(), "a toast would drop the newlines");
                assert_eq!(modals.len(), 1);
                let q = &modals[0];
                assert!(
                    q["message"]
                        .as_str()
                        .unwrap()
                        .contains("could destroy data"),
                    "{q}"
                );
                assert!(
                    q["detail"].as_str().unwrap().contains("sudo rm -rf /"),
                    "{q}"
                );
                let titles = q["actions"].to_string();
                assert!(
                    titles.contains("Insert as comment") && titles.contains("Cancel"),
                    "{q}"
                );
                assert_eq!(r["inserted"], false, "Cancel");
                assert_eq!(c.text(uri), WIPE);
            }
            Client::HelixRelease => {
                assert!(
                    dialogs.is_empty() && modals.is_empty(),
                    "it cannot be asked"
                );
                assert_eq!(r["inserted"], true, "{r}");
                let text = c.text(uri);
                assert!(
                    text.starts_with(
                        "#!/bin/bash\n# free up space on the root disk\n# superhelfer: DANGER: "
                    ) && text.ends_with("\n# sudo rm -rf /\n"),
                    "only as a comment: {text}"
                );
                let told = messages(&c);
                assert!(
                    told.iter()
                        .any(|m| m.contains("cannot ask") && m.contains("as a comment")),
                    "{told:?}"
                );
            }
        }
    }
}

#[test]
fn a_client_that_refuses_a_question_is_not_asked_again() {
    // An unknown client without capabilities is asked (the spec has no opt-out); its
    // "Method not found" is remembered and the comment is offered from then on.
    let w = world(true, "unused");
    let mut c = LspClient::spawn(Spawn::default());
    c.refuse_questions = true;
    c.initialize_as(
        json!({
            "backends": {"ollama": {"kind": "ollama", "url": w.stub.url()}},
            "vram": {"enabled": false},
            "actions": {"shellcheck": false},
        }),
        json!({"capabilities": {"workspace": {"applyEdit": true}}, "clientInfo": {"name": "kakoune-lsp"}}),
    );
    for (n, uri) in ["file:///w/a.sh", "file:///w/b.sh"].iter().enumerate() {
        let r = generate(&mut c, uri, WIPE).expect("answered");
        assert_eq!(r["inserted"], true, "{r}");
        assert!(
            c.text(uri).ends_with("# sudo rm -rf /\n"),
            "{}",
            c.text(uri)
        );
        assert_eq!(
            c.server_requests("window/showMessageRequest").len(),
            1,
            "asked once, then remembered (request {n})"
        );
    }
}

#[test]
fn helix_release_without_questions_gets_the_fast_model_and_the_setting_that_decides() {
    let w = world(false, "```bash\ndu -sh /\n```");
    let gpu = FakeNvmlState::new(NEARLY_FULL);
    let mut c = w.editor(Client::HelixRelease, Some(&gpu));
    let uri = "file:///w/g.sh";
    let r = generate(&mut c, uri, "#!/bin/bash\n# show free disk space\n").expect("answered");
    assert!(c.server_requests("window/showMessageRequest").is_empty());
    assert_eq!(r["outcome"]["model_used"], FAST, "{r}");
    let told = messages(&c);
    assert!(
        told.iter()
            .any(|m| m.contains("18.0 GB") && m.contains("vram.confirm = false")),
        "{told:?}"
    );
    drop(w.rt);
}

#[test]
fn progress_titles_name_the_server_once() {
    for client in ALL {
        let w = world(true, "unused");
        let mut c = w.editor(client, None);
        c.choices.push_back(Choice::Pick("Cancel".into()));
        let _ = generate(&mut c, "file:///w/wipe.sh", WIPE);
        let begin = c.wait_notification("$/progress", |p| p["value"]["kind"] == "begin");
        let title = begin["value"]["title"].as_str().unwrap().to_string();
        let want = match client {
            // Helix prints "superhelfer: " before every progress title itself.
            Client::HelixRelease | Client::HelixMaster => "Generate shell command",
            Client::Neovim | Client::VsCode => "superhelfer: Generate shell command",
        };
        assert_eq!(title, want, "{client:?}");
    }
}

#[test]
fn a_short_explanation_goes_where_the_client_shows_it_whole() {
    for (client, answer, document) in [
        (Client::Neovim, "Prints a greeting.", false),
        // A toast is one line in VS Code: the preview shows it whole.
        (Client::VsCode, "Prints a greeting.", true),
        // Helix's status bar holds one line: two go to a document, which it opens though
        // 25.07.1 does not advertise it.
        (Client::HelixRelease, "Prints a greeting.", false),
        (
            Client::HelixRelease,
            "Prints a greeting.\nThe `$1` is unquoted.",
            true,
        ),
    ] {
        let w = world(true, answer);
        let mut c = w.editor(client, None);
        let uri = "file:///w/hi.sh";
        c.open(uri, "shellscript", "#!/bin/bash\necho Hallo, $1\n");
        let list = c
            .request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 1, "character": 0}, "end": {"line": 2, "character": 0}}, "context": {"diagnostics": []}}),
            )
            .unwrap();
        let action = list
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["title"].as_str().unwrap_or("").starts_with("Explain"))
            .expect("Explain listed")["command"]
            .clone();
        let r = c.request("workspace/executeCommand", action).unwrap();
        let shown = c.server_requests("window/showDocument");
        assert_eq!(
            r["shown_as"],
            if document { "document" } else { "message" },
            "{client:?} {answer:?}: {r}"
        );
        assert_eq!(shown.len(), usize::from(document), "{client:?}");
        // A line selection (`x` in Helix) ends at column 0 of the next line: one line.
        assert!(
            r["markdown"]
                .as_str()
                .unwrap()
                .starts_with("# Explanation: `hi.sh` line 2\n"),
            "{}",
            r["markdown"]
        );
    }
}

#[test]
fn a_command_run_from_a_command_list_says_where_it_works() {
    // Helix's `:lsp-workspace-command` runs a command with no arguments.
    let w = world(true, "unused");
    let mut c = w.editor(Client::HelixRelease, None);
    for (command, needs) in [
        ("superhelfer.explain", "a selection"),
        ("superhelfer.generateCommand", "a request comment"),
        ("superhelfer.fixError", "a diagnostic"),
    ] {
        let err = c
            .request(
                "workspace/executeCommand",
                json!({"command": command, "arguments": []}),
            )
            .expect_err("no document to work on");
        let m = err["message"].as_str().unwrap();
        assert!(m.contains(needs) && m.contains("space a"), "{command}: {m}");
    }
    let status = c
        .request(
            "workspace/executeCommand",
            json!({"command": "superhelfer.status", "arguments": []}),
        )
        .expect("status needs no document");
    assert!(status.is_object(), "{status}");
}
