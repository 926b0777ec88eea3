//! The protocol core, end to end through the real binary over stdio.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::lsp_client::{default_capabilities, LspClient, Spawn};

#[test]
fn initialize_advertises_incremental_sync_actions_and_commands() {
    let mut c = LspClient::spawn(Spawn::default());
    let r = c.initialize(Value::Null, default_capabilities());
    let caps = &r["capabilities"];
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert!(caps["codeActionProvider"].is_object());
    assert!(caps["executeCommandProvider"]["commands"].is_array());
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(r["serverInfo"]["name"], "superhelfer");
    let (status, violations, _) = c.shutdown();
    assert!(status.success(), "exit status {status:?}");
    assert!(violations.is_empty(), "{violations:?}");
}

#[test]
fn position_encoding_follows_the_clients_offer() {
    for (offer, expected) in [
        (json!(["utf-8", "utf-16"]), "utf-8"),
        (json!(["utf-32"]), "utf-32"),
        (json!(["ucs-2"]), "utf-16"),
    ] {
        let mut c = LspClient::spawn(Spawn::default());
        let mut caps = default_capabilities();
        caps["general"]["positionEncodings"] = offer;
        let r = c.initialize(Value::Null, caps);
        assert_eq!(r["capabilities"]["positionEncoding"], expected);
    }
}

#[test]
fn unknown_request_is_method_not_found() {
    let mut c = LspClient::start(Value::Null);
    let err = c
        .request("superhelfer/noSuchThing", json!({}))
        .expect_err("unknown method must fail");
    assert_eq!(err["code"], -32601);
    // The server is still alive and answering.
    let err = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///x"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(err.expect_err("no hover")["code"], -32601);
}

#[test]
fn exits_when_stdin_closes() {
    let c = LspClient::start(Value::Null);
    let (_status, violations, _) = c.close_stdin();
    assert!(violations.is_empty(), "{violations:?}");
}

#[test]
fn exit_without_shutdown_still_ends_the_process() {
    let mut c = LspClient::start(Value::Null);
    c.notify("exit", Value::Null);
    let (_status, violations, _) = c.close_stdin();
    assert!(violations.is_empty(), "{violations:?}");
}

#[test]
fn bad_document_input_is_survived_and_logged() {
    let mut c = LspClient::start(Value::Null);
    // A change to a document that was never opened.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///never.sh", "version": 2},
               "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "x"}]}),
    );
    // Positions far past the end of a line and of the document.
    c.open("file:///t.sh", "shellscript", "echo grüß 😀\n");
    c.change("file:///t.sh", [(0, 500), (0, 900)], "!");
    c.change("file:///t.sh", [(90, 0), (99, 9)], "tail");
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": "file:///not-open.sh"}}),
    );
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": "file:///t.sh"},
               "range": {"start": {"line": 40, "character": 0}, "end": {"line": 41, "character": 3}},
               "context": {"diagnostics": []}}),
    );
    assert!(r.is_ok(), "{r:?}");
    let (status, violations, stderr) = c.shutdown();
    assert!(status.success());
    assert!(violations.is_empty(), "{violations:?}");
    assert!(stderr.contains("ignored didChange"), "{stderr}");
    assert!(stderr.contains("file:///never.sh"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn stdout_carries_only_protocol_even_at_trace_level() {
    let mut c = LspClient::spawn(Spawn {
        env: vec![("SUPERHELFER_LOG".into(), "trace".into())],
        ..Default::default()
    });
    c.initialize(json!({"router": {"enabled": true}}), default_capabilities());
    c.open("file:///a.sh", "shellscript", "#!/bin/sh\n# list files\n");
    c.change("file:///a.sh", [(1, 0), (1, 0)], "ls\n");
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"superhelfer": {"context": {"lines_around": 10}}}}),
    );
    let _ = c.request("textDocument/codeAction", json!({"textDocument": {"uri": "file:///a.sh"}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}}, "context": {"diagnostics": []}}));
    let (status, violations, stderr) = c.shutdown();
    assert!(status.success());
    assert!(
        violations.is_empty(),
        "stdout carried non-protocol bytes: {violations:?}"
    );
    // Logging happened, on stderr; document text only at trace level.
    assert!(stderr.contains("didOpen"), "{stderr}");
    assert!(
        stderr.contains("list files"),
        "trace logs document text: {stderr}"
    );
}

#[test]
fn document_text_is_not_logged_below_trace() {
    let mut c = LspClient::spawn(Spawn {
        env: vec![("SUPERHELFER_LOG".into(), "debug".into())],
        ..Default::default()
    });
    c.initialize(Value::Null, default_capabilities());
    c.open("file:///secret.sh", "shellscript", "export TOKEN=hunter2\n");
    let (_, _, stderr) = c.shutdown();
    assert!(
        stderr.contains("superhelfer"),
        "debug logging is on: {stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn invalid_initialization_options_are_shown_and_the_server_goes_on() {
    let mut c = LspClient::start(json!({"vram": {"warn_at": 3.0}}));
    let msg = c.wait_notification("window/showMessage", |_| true);
    let text = msg["message"].as_str().unwrap_or_default();
    assert_eq!(msg["type"], 1, "an error");
    assert!(text.contains("vram.warn_at"), "{text}");
    assert!(text.contains("initializationOptions"), "{text}");
    assert!(c.request("textDocument/codeAction", json!({"textDocument": {"uri": "file:///x"}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}})).is_ok());
}

#[test]
fn invalid_config_file_is_shown_with_path_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "[router]\nenabled = true\n\n[tiers.code]\nbackend = \"gpu-box\"\n",
    )
    .unwrap();
    let mut c = LspClient::spawn(Spawn {
        env: vec![("SUPERHELFER_CONFIG".into(), path.display().to_string())],
        ..Default::default()
    });
    c.initialize(Value::Null, default_capabilities());
    let msg = c.wait_notification("window/showMessage", |_| true);
    let text = msg["message"].as_str().unwrap_or_default();
    assert!(text.contains("tiers.code.backend"), "{text}");
    assert!(text.contains(&format!("{}:5", path.display())), "{text}");
}

#[test]
fn did_change_configuration_errors_are_shown_valid_ones_are_not() {
    let mut c = LspClient::start(Value::Null);
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"superhelfer": {"router": {"default_tier": "code"}}}}),
    );
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"superhelfer": {"router": {"bogus": 1}}}}),
    );
    let msg = c.wait_notification("window/showMessage", |_| true);
    let text = msg["message"].as_str().unwrap_or_default();
    assert!(text.contains("router.bogus"), "{text}");
    assert!(text.contains("didChangeConfiguration"), "{text}");
    c.settle(Duration::from_millis(200));
    assert_eq!(
        c.notifications("window/showMessage").len(),
        1,
        "only the bad one is reported"
    );
}

#[test]
fn pull_configuration_when_settings_are_empty() {
    let mut c = LspClient::start(Value::Null);
    c.configuration = json!({"tiers": {"fast": {"timeout_s": 0}}});
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    let msg = c.wait_notification("window/showMessage", |_| true);
    assert!(
        msg["message"]
            .as_str()
            .unwrap_or_default()
            .contains("tiers.fast.timeout_s"),
        "{msg}"
    );
    assert_eq!(c.server_requests("workspace/configuration").len(), 1);
}
