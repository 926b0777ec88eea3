//! Ghost text (`textDocument/inlineCompletion`) end to end: the real binary over stdio,
//! the Ollama stand-in behind it. On the fresh line after a request comment the editor
//! is offered the generated command, from the same pipeline as "Generate shell command".

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::lsp_client::{default_capabilities, LspClient, Spawn};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";
const LARGEST: &str = "```bash\ndu -ah . | sort -rh | head -n 5\n```";

struct World {
    rt: tokio::runtime::Runtime,
    stub: OllamaStub,
}

impl World {
    fn new(code: Behavior) -> World {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let stub = rt.block_on(OllamaStub::start(vec![
            StubModel::new(FAST, Behavior::reply(&["A short answer."])).loaded(),
            StubModel::new(CODE, code).loaded(),
        ]));
        World { rt, stub }
    }

    fn options(&self) -> Value {
        json!({
            "backends": {"ollama": {"kind": "ollama", "url": self.stub.url()}},
            "vram": {"enabled": false},
            "router": {"warm_fast": false, "warm_ahead": false},
            "actions": {"shellcheck": false},
            "inline": {"debounce_ms": 50},
            "tiers": {"code": {"first_token_timeout_s": 10, "timeout_s": 20}}
        })
    }

    /// A client that advertises inline completion.
    fn client(&self) -> (LspClient, Value) {
        self.client_with(self.options(), inline_capabilities())
    }

    fn client_with(&self, options: Value, capabilities: Value) -> (LspClient, Value) {
        let mut c = LspClient::spawn(Spawn::default());
        let init = c.initialize(options, capabilities);
        (c, init)
    }

    fn code_calls(&self) -> usize {
        self.stub
            .chat_requests()
            .iter()
            .filter(|r| r["model"] == CODE)
            .count()
    }
}

fn inline_capabilities() -> Value {
    let mut caps = default_capabilities();
    caps["textDocument"]["inlineCompletion"] = json!({"dynamicRegistration": false});
    caps
}

const INVOKED: u32 = 1;
const AUTOMATIC: u32 = 2;

fn params(uri: &str, line: u32, character: u32, kind: u32) -> Value {
    json!({
        "textDocument": {"uri": uri},
        "position": {"line": line, "character": character},
        "context": {"triggerKind": kind}
    })
}

/// The items of an answer (an array or a list), none for `null`.
fn items(answer: &Value) -> Vec<Value> {
    match answer {
        Value::Array(a) => a.clone(),
        Value::Object(o) => o
            .get("items")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

const SCRIPT: &str = "#!/bin/bash\nreport() {\n  # list the 5 largest files here\n  \n}\n";

#[test]
fn capability_is_advertised_only_to_clients_that_show_ghost_text() {
    let w = World::new(Behavior::reply(&[LARGEST]));
    let (_c, init) = w.client();
    assert_eq!(
        init["capabilities"]["inlineCompletionProvider"],
        json!(true),
        "{init}"
    );
    let (_c, init) = w.client_with(w.options(), default_capabilities());
    assert!(
        init["capabilities"]
            .get("inlineCompletionProvider")
            .is_none(),
        "{init}"
    );
    let mut off = w.options();
    off["inline"]["enabled"] = json!(false);
    let (mut c, init) = w.client_with(off, inline_capabilities());
    assert!(
        init["capabilities"]
            .get("inlineCompletionProvider")
            .is_none(),
        "inline.enabled = false: {init}"
    );
    // Asked anyway: nothing, and no model call.
    c.open("file:///w/off.sh", "shellscript", SCRIPT);
    let r = c
        .request(
            "textDocument/inlineCompletion",
            params("file:///w/off.sh", 3, 2, INVOKED),
        )
        .expect("answered");
    assert!(items(&r).is_empty(), "{r}");
    assert_eq!(w.code_calls(), 0);
}

#[test]
fn invoked_on_the_line_after_a_request_offers_the_command_indented_like_the_line() {
    let w = World::new(Behavior::reply(&[LARGEST]));
    let (mut c, _) = w.client();
    let uri = "file:///w/largest.sh";
    c.open(uri, "shellscript", SCRIPT);
    let r = c
        .request("textDocument/inlineCompletion", params(uri, 3, 2, INVOKED))
        .expect("answered");
    let list = items(&r);
    assert_eq!(list.len(), 1, "{r}");
    assert_eq!(list[0]["insertText"], "  du -ah . | sort -rh | head -n 5");
    assert_eq!(
        list[0]["range"],
        json!({"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 2}})
    );
    assert_eq!(w.code_calls(), 1, "the code tier answered");
    // The same request line again: from the cache, no new model call.
    let again = c
        .request(
            "textDocument/inlineCompletion",
            params(uri, 3, 2, AUTOMATIC),
        )
        .expect("answered");
    assert_eq!(items(&again), list);
    assert_eq!(w.code_calls(), 1, "answered from the cache");
    // Anywhere else: nothing, and no model call.
    for (line, ch) in [(2, 10), (1, 0), (0, 0)] {
        let r = c
            .request(
                "textDocument/inlineCompletion",
                params(uri, line, ch, INVOKED),
            )
            .expect("answered");
        assert!(items(&r).is_empty(), "line {line}: {r}");
    }
    assert_eq!(w.code_calls(), 1);
}

/// Neovim's sh ftplugin continues a comment on Enter: the fresh line holds `# `, which the
/// item replaces; a line with more after the `#` is a comment of its own.
#[test]
fn a_line_holding_only_the_continued_comment_leader_is_fresh() {
    let w = World::new(Behavior::reply(&[LARGEST]));
    let (mut c, _) = w.client();
    let uri = "file:///w/continued.sh";
    c.open(
        uri,
        "shellscript",
        "#!/bin/bash\n  # list the 5 largest files here\n  # \n",
    );
    let r = c
        .request("textDocument/inlineCompletion", params(uri, 2, 4, INVOKED))
        .expect("answered");
    let list = items(&r);
    assert_eq!(list.len(), 1, "{r}");
    assert_eq!(list[0]["insertText"], "  du -ah . | sort -rh | head -n 5");
    assert_eq!(
        list[0]["range"],
        json!({"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 4}})
    );
    c.change(uri, [(2, 0), (2, 4)], "  # and more");
    let r = c
        .request("textDocument/inlineCompletion", params(uri, 2, 12, INVOKED))
        .expect("answered");
    assert!(items(&r).is_empty(), "{r}");
}

#[test]
fn german_request_in_a_markdown_shell_fence() {
    let w = World::new(Behavior::reply(&["```bash\nls -S | head -n 5\n```"]));
    let (mut c, _) = w.client();
    let uri = "file:///w/notes.md";
    c.open(
        uri,
        "markdown",
        "# Notizen\n```bash\n# zeige die 5 größten Dateien hier\n\n```\n",
    );
    let r = c
        .request("textDocument/inlineCompletion", params(uri, 3, 0, INVOKED))
        .expect("answered");
    let list = items(&r);
    assert_eq!(list.len(), 1, "{r}");
    assert_eq!(list[0]["insertText"], "ls -S | head -n 5");
}

#[test]
fn a_language_in_actions_command_languages_gets_ghost_text_too() {
    let w = World::new(Behavior::reply(&[LARGEST]));
    let yaml = "steps:\n  # list the 5 largest files here\n  \n";
    let ask = |c: &mut LspClient| {
        c.open("file:///w/ci.yml", "yaml", yaml);
        c.request(
            "textDocument/inlineCompletion",
            params("file:///w/ci.yml", 2, 2, INVOKED),
        )
        .expect("answered")
    };
    let (mut c, _) = w.client();
    assert!(items(&ask(&mut c)).is_empty(), "yaml is not listed");
    let mut options = w.options();
    options["actions"]["command_languages"] = json!(["yaml"]);
    let (mut c, _) = w.client_with(options, inline_capabilities());
    let r = ask(&mut c);
    let list = items(&r);
    assert_eq!(list.len(), 1, "{r}");
    assert_eq!(list[0]["insertText"], "  du -ah . | sort -rh | head -n 5");
}

#[test]
fn a_dangerous_command_is_never_offered_and_an_invoked_request_says_why() {
    let w = World::new(Behavior::reply(&["```bash\nrm -rf /\n```"]));
    let (mut c, _) = w.client();
    let uri = "file:///w/clean.sh";
    c.open(
        uri,
        "shellscript",
        "#!/bin/bash\n# free some disk space\n\n",
    );
    let r = c
        .request("textDocument/inlineCompletion", params(uri, 2, 0, INVOKED))
        .expect("answered");
    assert!(items(&r).is_empty(), "{r}");
    let told = c.wait_notification("window/showMessage", |m| {
        m["message"]
            .as_str()
            .is_some_and(|s| s.starts_with("superhelfer: no ghost text: "))
    });
    assert!(
        told["message"]
            .as_str()
            .unwrap()
            .contains("recursive delete"),
        "says why: {told}"
    );
    assert!(c.server_requests("window/showMessageRequest").is_empty());
    assert!(c.server_requests("workspace/applyEdit").is_empty());
}

#[test]
fn a_caution_command_carries_its_comment_line() {
    let w = World::new(Behavior::reply(&[
        "```bash\nsudo systemctl restart nginx\n```",
    ]));
    let (mut c, _) = w.client();
    let uri = "file:///w/restart.sh";
    c.open(
        uri,
        "shellscript",
        "#!/bin/bash\n# restart the web server\n\n",
    );
    let r = c
        .request("textDocument/inlineCompletion", params(uri, 2, 0, INVOKED))
        .expect("answered");
    let list = items(&r);
    assert_eq!(list.len(), 1, "{r}");
    let text = list[0]["insertText"].as_str().unwrap();
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .is_some_and(|l| l.starts_with("# superhelfer: caution: ")),
        "{text}"
    );
    assert_eq!(lines.next(), Some("sudo systemctl restart nginx"));
}

fn slow() -> Behavior {
    Behavior::slow_reply(
        &["```bash\n", "du -ah . ", "| sort -rh ", "| head -n 5\n```"],
        Duration::from_millis(200),
        Duration::from_secs(2),
    )
}

/// Waits until the stand-in streams an answer.
fn wait_streaming(w: &World) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while w.stub.open_streams() == 0 {
        assert!(Instant::now() < deadline, "the model was never asked");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn typing_supersedes_an_automatic_request_and_closes_the_backend_stream() {
    let w = World::new(slow());
    let (mut c, _) = w.client();
    let uri = "file:///w/typing.sh";
    c.open(uri, "shellscript", SCRIPT);
    let first = c.send_request(
        "textDocument/inlineCompletion",
        params(uri, 3, 2, AUTOMATIC),
    );
    wait_streaming(&w);
    // The user types a character: the editor sends the change and a new request.
    c.change(uri, [(3, 2), (3, 2)], "d");
    let second = c.send_request(
        "textDocument/inlineCompletion",
        params(uri, 3, 3, AUTOMATIC),
    );
    let r = c.wait_response(first).expect("answered");
    assert!(items(&r).is_empty(), "superseded: {r}");
    let r = c.wait_response(second).expect("answered");
    assert!(items(&r).is_empty(), "not a fresh line any more: {r}");
    assert!(w
        .rt
        .block_on(w.stub.wait_closed_early(1, Duration::from_secs(3))));
    assert_eq!(w.stub.completed(), 0);
}

#[test]
fn cancel_request_closes_the_backend_stream() {
    let w = World::new(slow());
    let (mut c, _) = w.client();
    let uri = "file:///w/cancel.sh";
    c.open(uri, "shellscript", SCRIPT);
    let id = c.send_request(
        "textDocument/inlineCompletion",
        params(uri, 3, 2, AUTOMATIC),
    );
    wait_streaming(&w);
    c.notify("$/cancelRequest", json!({"id": id}));
    let err = c.wait_response(id).expect_err("cancelled");
    assert_eq!(err["code"], -32800, "{err}");
    assert!(w
        .rt
        .block_on(w.stub.wait_closed_early(1, Duration::from_secs(3))));
}

#[test]
fn an_automatic_request_waits_for_typing_to_pause() {
    let w = World::new(Behavior::reply(&[LARGEST]));
    let mut options = w.options();
    options["inline"]["debounce_ms"] = json!(1500);
    let (mut c, _) = w.client_with(options, inline_capabilities());
    let uri = "file:///w/debounce.sh";
    c.open(uri, "shellscript", SCRIPT);
    let first = c.send_request(
        "textDocument/inlineCompletion",
        params(uri, 3, 2, AUTOMATIC),
    );
    c.settle(Duration::from_millis(300));
    assert_eq!(w.code_calls(), 0, "still waiting for typing to pause");
    // Typing goes on: the waiting request gives way without a model call.
    c.change(uri, [(3, 2), (3, 2)], "x");
    c.send_request(
        "textDocument/inlineCompletion",
        params(uri, 3, 3, AUTOMATIC),
    );
    let r = c.wait_response(first).expect("answered");
    assert!(items(&r).is_empty(), "{r}");
    c.settle(Duration::from_millis(1800));
    assert_eq!(w.code_calls(), 0, "no model call for a superseded request");
}

/// A 32 GB card with 6.7 GB free: an 18 GB model does not fit.
const NEARLY_FULL: &str =
    "init=ok\ndriver=580.65.06\ngpu=NVIDIA GeForce RTX 5090;total_mb=32607;used_mb=25900\n";

#[test]
fn a_load_that_needs_consent_offers_nothing_and_asks_nothing() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let stub = rt.block_on(OllamaStub::start(vec![
        StubModel::new(FAST, Behavior::reply(&["A short answer."])).loaded(),
        StubModel::new(CODE, Behavior::reply(&[LARGEST])).with_size(18_000_000_000),
    ]));
    let gpu = support::fake_nvml::FakeNvmlState::new(NEARLY_FULL);
    // `vram.nvml_lib` names a library to load: only the user's own file may set it.
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("config.toml");
    std::fs::write(
        &file,
        format!("[vram]\nnvml_lib = \"{}\"\n", gpu.lib_path().display()),
    )
    .unwrap();
    let mut c = LspClient::spawn(Spawn {
        env: vec![("SUPERHELFER_CONFIG".into(), file.display().to_string())],
        ..Default::default()
    });
    c.initialize(
        json!({
            "backends": {"ollama": {"kind": "ollama", "url": stub.url()}},
            "router": {"warm_fast": false, "warm_ahead": false},
            "actions": {"shellcheck": false}
        }),
        inline_capabilities(),
    );
    let uri = "file:///w/consent.sh";
    c.open(uri, "shellscript", SCRIPT);
    let r = c
        .request("textDocument/inlineCompletion", params(uri, 3, 2, INVOKED))
        .expect("answered");
    assert!(items(&r).is_empty(), "{r}");
    assert!(
        c.server_requests("window/showMessageRequest").is_empty(),
        "never a dialog from ghost text"
    );
    let asked: Vec<Value> = stub
        .chat_requests()
        .into_iter()
        .filter(|r| r["model"] == CODE)
        .collect();
    assert!(asked.is_empty(), "the code model was not loaded: {asked:?}");
    // Invoked explicitly: the user is told why there is nothing.
    c.wait_notification("window/showMessage", |m| {
        m["message"]
            .as_str()
            .is_some_and(|s| s.contains("needs your consent"))
    });
}
