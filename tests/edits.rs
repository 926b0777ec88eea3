//! Edits land where they belong: an answer computed against one state of the document is
//! placed by following what the user changed meanwhile, never by searching for a line that
//! reads the same; what cannot be followed is refused and said. The real binary over stdio,
//! the Ollama stand-in behind it, answering slowly to leave room for the user's typing.

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::lsp_client::{default_capabilities, LspClient, Spawn};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";

struct World {
    _rt: tokio::runtime::Runtime,
    stub: OllamaStub,
}

impl World {
    /// Both tiers answer `behavior`.
    fn new(behavior: Behavior) -> World {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let stub = rt.block_on(OllamaStub::start(vec![
            StubModel::new(FAST, behavior.clone()).loaded(),
            StubModel::new(CODE, behavior).loaded(),
        ]));
        World { _rt: rt, stub }
    }

    fn client(&self) -> LspClient {
        let mut c = LspClient::spawn(Spawn::default());
        c.initialize(
            json!({
                "backends": {"ollama": {"kind": "ollama", "url": self.stub.url()}},
                "vram": {"enabled": false},
                "actions": {"shellcheck": false},
                "router": {"warm_fast": false},
                "tiers": {"code": {"first_token_timeout_s": 10, "timeout_s": 30}}
            }),
            default_capabilities(),
        );
        c
    }

    /// Chat requests that asked the model something (a preload has no messages).
    fn questions(&self) -> Vec<Value> {
        self.stub
            .chat_requests()
            .into_iter()
            .filter(|c| c["messages"].as_array().is_some_and(|m| !m.is_empty()))
            .collect()
    }
}

/// `find . -name '*.tmp' -print`, streamed over about three seconds.
fn slow_command() -> Behavior {
    Behavior::slow_reply(
        &[
            "```bash\n",
            "find . ",
            "-name ",
            "'*.tmp' ",
            "-print",
            "\n```",
        ],
        Duration::from_millis(50),
        Duration::from_millis(600),
    )
}

fn code_actions(c: &mut LspClient, uri: &str, range: [(u32, u32); 2], diags: Value) -> Vec<Value> {
    c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": range[0].0, "character": range[0].1},
                      "end": {"line": range[1].0, "character": range[1].1}},
            "context": {"diagnostics": diags}
        }),
    )
    .expect("codeAction")
    .as_array()
    .cloned()
    .unwrap_or_default()
}

fn command_of(list: &[Value], prefix: &str) -> Value {
    list.iter()
        .find(|a| a["title"].as_str().unwrap_or("").starts_with(prefix))
        .unwrap_or_else(|| panic!("no action `{prefix}` in {list:?}"))["command"]
        .clone()
}

/// Picks the action titled `prefix…` on `line` and waits until the model is answering.
fn start(c: &mut LspClient, uri: &str, line: u32, diags: Value, prefix: &str) -> i64 {
    let list = code_actions(c, uri, [(line, 0), (line, 0)], diags);
    let id = c.send_request("workspace/executeCommand", command_of(&list, prefix));
    c.wait_notification("$/progress", |p| p["value"]["kind"] == "report");
    id
}

fn start_generating(c: &mut LspClient, uri: &str, line: u32) -> i64 {
    start(c, uri, line, json!([]), "Generate shell command")
}

/// Makes sure the server has taken in everything sent so far (notifications are handled
/// in order, before a later request) and that the model had not answered before: else
/// the test would not test a race at all.
fn user_edit_arrived_during_generation(c: &mut LspClient, uri: &str) {
    code_actions(c, uri, [(0, 0), (0, 0)], json!([]));
    assert!(
        c.server_requests("workspace/applyEdit").is_empty(),
        "the model answered before the user's edit; slow the stand-in down"
    );
}

fn error_message(err: &Value) -> String {
    err["message"].as_str().unwrap_or_default().to_string()
}

#[test]
fn deleted_request_line_is_not_replaced_by_an_identical_comment_below() {
    let w = World::new(slow_command());
    let mut c = w.client();
    let uri = "file:///w/cleanup.sh";
    c.open(
        uri,
        "shellscript",
        "#!/bin/bash\n# find temp files\necho a\necho b\necho c\n# find temp files\necho end\n",
    );
    let id = start_generating(&mut c, uri, 1);
    // The user deletes the request line while the model answers.
    c.change(uri, [(1, 0), (2, 0)], "");
    user_edit_arrived_during_generation(&mut c, uri);

    let err = c.wait_response(id).expect_err("refused");
    let message = error_message(&err);
    assert!(
        message.contains("request line was changed or deleted")
            && message.contains("nothing was inserted"),
        "{err}"
    );
    assert!(c.server_requests("workspace/applyEdit").is_empty());
    assert_eq!(
        c.text(uri),
        "#!/bin/bash\necho a\necho b\necho c\n# find temp files\necho end\n",
        "nothing was inserted after the other copy"
    );
    let shown = c.wait_notification("window/showMessage", |m| m["type"] == 1);
    assert!(
        shown["message"]
            .as_str()
            .unwrap()
            .contains("request line was changed or deleted"),
        "{shown}"
    );
}

#[test]
fn lines_pasted_above_move_the_command_with_its_request_line() {
    let w = World::new(slow_command());
    let mut c = w.client();
    let uri = "file:///w/paste.sh";
    c.open(
        uri,
        "shellscript",
        "#!/bin/bash\n# find temp files\necho end\n",
    );
    let id = start_generating(&mut c, uri, 1);
    // The pasted block holds a copy of the request: the nearer one is not the request.
    c.change(uri, [(1, 0), (1, 0)], "# find temp files\nrm -f old.tmp\n");
    user_edit_arrived_during_generation(&mut c, uri);

    let r = c.wait_response(id).expect("inserted");
    assert_eq!(r["inserted"], true, "{r}");
    assert_eq!(
        c.text(uri),
        "#!/bin/bash\n# find temp files\nrm -f old.tmp\n# find temp files\nfind . -name '*.tmp' -print\necho end\n"
    );
}

#[test]
fn a_change_that_keeps_the_version_is_followed_too() {
    let w = World::new(slow_command());
    let mut c = w.client();
    let uri = "file:///w/same-version.sh";
    c.open(
        uri,
        "shellscript",
        "#!/bin/bash\n# find temp files\necho end\n",
    );
    let id = start_generating(&mut c, uri, 1);
    // A client that sends the whole text and does not bump the version (still 1).
    let text = "#!/bin/bash\nset -euo pipefail\n# find temp files\necho end\n";
    c.docs.insert(uri.to_string(), (text.to_string(), 1));
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 1}, "contentChanges": [{"text": text}]}),
    );
    user_edit_arrived_during_generation(&mut c, uri);

    let r = c.wait_response(id).expect("inserted");
    assert_eq!(r["inserted"], true, "{r}");
    assert_eq!(
        c.text(uri),
        "#!/bin/bash\nset -euo pipefail\n# find temp files\nfind . -name '*.tmp' -print\necho end\n"
    );
}

#[test]
fn a_fix_for_a_diagnostic_past_the_end_or_reversed_finds_no_diagnostic_here() {
    let w = World::new(Behavior::reply(&["```bash\necho \"fixed\"\n```"]));
    let mut c = w.client();
    let uri = "file:///w/fix.sh";
    let original = "#!/bin/bash\necho $1\necho done\n";
    c.open(uri, "shellscript", original);
    let past_end =
        json!({"start": {"line": 40, "character": 0}, "end": {"line": 41, "character": 3}});
    let reversed =
        json!({"start": {"line": 2, "character": 4}, "end": {"line": 1, "character": 0}});
    for range in [past_end, reversed] {
        let diag = json!([{"range": range, "severity": 2, "code": "SC2086", "source": "shellcheck",
                           "message": "Double quote to prevent globbing and word splitting."}]);
        let list = code_actions(&mut c, uri, [(1, 5), (1, 5)], diag);
        let err = c
            .request(
                "workspace/executeCommand",
                command_of(&list, "Fix with superhelfer"),
            )
            .expect_err("no diagnostic");
        assert!(
            error_message(&err).contains("no diagnostic here"),
            "{range}: {err}"
        );
        assert_eq!(c.text(uri), original, "{range}: the document is unchanged");
    }
    assert!(c.server_requests("workspace/applyEdit").is_empty());
    assert!(w.questions().is_empty(), "no model was asked");
}

/// The quoting fix for `cp $src $dest`, streamed over about two seconds.
fn slow_fix() -> Behavior {
    Behavior::slow_reply(
        &[
            "The variables must be quoted:\n\n",
            "```bash\n",
            "cp \"$src\" \"$dest\"\n",
            "```",
        ],
        Duration::from_millis(50),
        Duration::from_millis(600),
    )
}

/// A script with the same broken line twice; the diagnostic is on the second (line 6).
const TWO_COPIES: &str =
    "#!/bin/bash\ncp $src $dest\nsrc=$1\ndest=$2\necho a\necho b\ncp $src $dest\necho ok\n";

fn sc2086_on_line_6() -> Value {
    json!([{"range": {"start": {"line": 6, "character": 3}, "end": {"line": 6, "character": 7}},
            "severity": 2, "code": "SC2086", "source": "shellcheck",
            "message": "Double quote to prevent globbing and word splitting."}])
}

#[test]
fn a_fix_follows_its_line_past_an_identical_one_nearer_its_old_place() {
    let w = World::new(slow_fix());
    let mut c = w.client();
    let uri = "file:///w/copy.sh";
    c.open(uri, "shellscript", TWO_COPIES);
    let id = start(&mut c, uri, 6, sc2086_on_line_6(), "Fix with superhelfer");
    // Six lines pasted between the two copies: the broken line moves to 12, farther from
    // its old place than the other copy on line 1.
    c.change(uri, [(2, 0), (2, 0)], "# a\n# b\n# c\n# d\n# e\n# f\n");
    user_edit_arrived_during_generation(&mut c, uri);

    let r = c.wait_response(id).expect("fixed");
    assert_eq!(r["applied"], true, "{r}");
    assert_eq!(
        c.text(uri),
        "#!/bin/bash\ncp $src $dest\n# a\n# b\n# c\n# d\n# e\n# f\nsrc=$1\ndest=$2\necho a\necho b\ncp \"$src\" \"$dest\"\necho ok\n"
    );
}

#[test]
fn a_fix_whose_line_was_edited_meanwhile_changes_nothing() {
    let w = World::new(slow_fix());
    let mut c = w.client();
    let uri = "file:///w/copy.sh";
    c.open(uri, "shellscript", TWO_COPIES);
    let id = start(&mut c, uri, 6, sc2086_on_line_6(), "Fix with superhelfer");
    // The user quotes the line by hand while the model answers.
    c.change(uri, [(6, 0), (6, 13)], "cp \"$src\" $dest");
    user_edit_arrived_during_generation(&mut c, uri);
    let edited = c.text(uri);

    let err = c.wait_response(id).expect_err("refused");
    let message = error_message(&err);
    assert!(
        message.contains("the code to fix was changed or deleted")
            && message.contains("nothing was changed"),
        "{err}"
    );
    assert!(c.server_requests("workspace/applyEdit").is_empty());
    assert_eq!(
        c.text(uri),
        edited,
        "the other copy on line 1 is left alone"
    );
}

/// Waits until the server's stderr holds `needle`; its lines arrive on their own thread.
fn wait_stderr(c: &LspClient, needle: &str) -> String {
    let deadline = Instant::now() + c.wait;
    loop {
        let err = c.stderr.lock().unwrap().clone();
        if err.contains(needle) || Instant::now() > deadline {
            return err;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn raw_change(c: &mut LspClient, uri: &str, version: i32, range: [(u32, u32); 2], text: &str) {
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version},
               "contentChanges": [{"range": {
                   "start": {"line": range[0].0, "character": range[0].1},
                   "end": {"line": range[1].0, "character": range[1].1}},
                 "text": text}]}),
    );
}

#[test]
fn a_did_change_with_an_invalid_position_is_logged_and_the_server_goes_on() {
    let w = World::new(Behavior::reply(&["```bash\nls\n```"]));
    let mut c = w.client();
    let uri = "file:///w/drift.sh";
    c.open(uri, "shellscript", "#!/bin/bash\n# list files\n");
    // Each leaves the text as it was, read as the server clamps it.
    let cases = [
        (
            [(9, 0), (9, 0)],
            "",
            "invalid range 9:0-9:0: line 9 is past the end (the document has 3 lines)",
        ),
        (
            [(1, 6), (1, 2)],
            "list",
            "invalid range 1:6-1:2: the range ends before it starts",
        ),
        (
            [(0, 40), (0, 40)],
            "",
            "invalid range 0:40-0:40: character 40 is past the end of line 0 (11 long)",
        ),
    ];
    for (i, (range, text, expected)) in cases.iter().enumerate() {
        let version = 2 + i as i32;
        raw_change(&mut c, uri, version, *range, text);
        let log = wait_stderr(&c, expected);
        assert!(
            log.lines().any(|l| l.contains("WARN")
                && l.contains(&format!("didChange {uri} version {version}"))
                && l.contains(expected)),
            "no warning `{expected}` in:\n{log}"
        );
    }
    // Still serving: the request line is offered and answered.
    let list = code_actions(&mut c, uri, [(1, 0), (1, 0)], json!([]));
    let r = c
        .request(
            "workspace/executeCommand",
            command_of(&list, "Generate shell command"),
        )
        .expect("generated");
    assert_eq!(r["command"], "ls", "{r}");
}

#[test]
fn an_edit_computed_before_an_invalid_change_is_not_placed() {
    let w = World::new(slow_command());
    let mut c = w.client();
    let uri = "file:///w/drifted.sh";
    c.open(
        uri,
        "shellscript",
        "#!/bin/bash\n# find temp files\necho end\n",
    );
    let id = start_generating(&mut c, uri, 1);
    // After a change the server had to clamp, its text may not be the editor's.
    raw_change(&mut c, uri, 2, [(7, 0), (7, 0)], "echo more\n");
    user_edit_arrived_during_generation(&mut c, uri);

    let err = c.wait_response(id).expect_err("refused");
    let message = error_message(&err);
    assert!(
        message.contains("did not fit the document") && message.contains("nothing was inserted"),
        "{err}"
    );
    assert!(c.server_requests("workspace/applyEdit").is_empty());
}
