//! The transport, as anything writing to the server's stdin meets it: a malformed frame
//! gets the JSON-RPC error the specification names (with its id where it can be told) and
//! the server goes on serving the next one; `exit` gives the exit code the LSP
//! specification names; when the editor goes away, the server goes too, within a second,
//! and closes its backend stream.

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::lsp_client::{default_capabilities, Choice, LspClient, Spawn};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";

/// A server with no backend in reach and nothing started in the background.
fn server() -> LspClient {
    LspClient::start(json!({
        "router": {"warm_fast": false},
        "vram": {"enabled": false},
        "actions": {"shellcheck": false}
    }))
}

fn frame(body: &str) -> Vec<u8> {
    let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    bytes
}

/// A code action request with this id, for a document never opened (answered all the same).
fn code_action(id: i64) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/codeAction", "params": {
        "textDocument": {"uri": "file:///t/a.sh"},
        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
        "context": {"diagnostics": []}
    }})
    .to_string()
}

/// The server answers an ordinary request, and ends cleanly with well-formed output only.
fn still_serves(mut c: LspClient) {
    c.open("file:///t/a.sh", "shellscript", "#!/bin/sh\n# list files\n");
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": "file:///t/a.sh"},
            "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
            "context": {"diagnostics": []}
        }),
    );
    let actions = actions.expect("the next request is answered");
    assert!(!actions.as_array().expect("a list").is_empty(), "{actions}");
    let (status, violations, stderr) = c.shutdown();
    assert!(violations.is_empty(), "{violations:?}");
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Sends `bad`; the error reply has `code` and is addressed to `id` (`None`: `null`).
fn refused(bad: &[u8], code: i64, id: Option<i64>) -> LspClient {
    let mut c = server();
    c.send_raw(bad);
    let reply = match id {
        Some(id) => c.wait_response(id).expect_err("an error reply"),
        None => {
            let reply = c.wait_other_response();
            assert_eq!(reply["id"], Value::Null, "{reply}");
            reply["error"].clone()
        }
    };
    assert_eq!(reply["code"], code, "{reply}");
    assert!(
        !reply["message"].as_str().unwrap_or("").is_empty(),
        "{reply}"
    );
    c
}

#[test]
fn a_body_that_is_not_json_is_a_parse_error() {
    let c = refused(
        b"Content-Length: 20\r\n\r\nthis is not JSON {{{",
        -32700,
        None,
    );
    still_serves(c);
}

#[test]
fn invalid_utf8_is_a_parse_error_for_its_request() {
    let mut bad = frame(&code_action(1001));
    // Inside the URI: the JSON around it still tells the id.
    let at = bad.windows(4).position(|w| w == b"a.sh").expect("uri");
    bad[at] = 0xff;
    let c = refused(&bad, -32700, Some(1001));
    still_serves(c);
}

#[test]
fn a_frame_without_content_length_is_a_parse_error_for_its_request() {
    let body = code_action(1002);
    let bad = format!("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{body}");
    let c = refused(bad.as_bytes(), -32700, Some(1002));
    still_serves(c);
    // No header at all.
    let c = refused(code_action(1003).as_bytes(), -32700, Some(1003));
    still_serves(c);
}

#[test]
fn a_short_content_length_is_a_parse_error_for_its_request() {
    let body = code_action(1004);
    let bad = format!("Content-Length: {}\r\n\r\n{body}", body.len() - 25);
    let c = refused(bad.as_bytes(), -32700, Some(1004));
    still_serves(c);
}

#[test]
fn a_long_content_length_ends_at_the_next_header() {
    let body = code_action(1005);
    let mut bad = format!("Content-Length: {}\r\n\r\n{body}", body.len() + 500).into_bytes();
    // The next frame arrives long before 500 more bytes would have; it is served.
    bad.extend(frame(&code_action(1006)));
    let mut c = refused(&bad, -32700, Some(1005));
    assert!(c.wait_response(1006).is_ok(), "the next frame is served");
    still_serves(c);
}

#[test]
fn a_content_length_that_is_not_a_number_is_a_parse_error() {
    for length in ["ten", "-5", "0x40", "12 34"] {
        let bad = format!("Content-Length: {length}\r\n\r\n{}", code_action(1007));
        let c = refused(bad.as_bytes(), -32700, Some(1007));
        still_serves(c);
    }
}

#[test]
fn a_batch_is_an_invalid_request_for_each_request_in_it() {
    let batch = format!(
        "[{},{},{}]",
        code_action(1008),
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        code_action(1009)
    );
    let mut c = refused(&frame(&batch), -32600, Some(1008));
    let second = c.wait_response(1009).expect_err("an error reply");
    assert_eq!(second["code"], -32600, "{second}");
    still_serves(c);
}

#[test]
fn json_rpc_1_0_is_an_invalid_request() {
    let body = code_action(1010).replace("\"2.0\"", "\"1.0\"");
    let c = refused(&frame(&body), -32600, Some(1010));
    still_serves(c);
}

#[test]
fn deeply_nested_json_is_an_invalid_request() {
    let depth = 100_000;
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":1011,"method":"textDocument/hover","params":{}{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let c = refused(&frame(&body), -32600, Some(1011));
    still_serves(c);
}

#[test]
fn an_absurd_content_length_is_refused_without_allocating_it() {
    let started = Instant::now();
    let mut bad = b"Content-Length: 1000000000000\r\n\r\n".to_vec();
    bad.extend(vec![b'x'; 1 << 20]);
    let mut c = refused(&bad, -32600, None);
    // Nothing else was swallowed as the body: the next request is answered at once.
    c.send_raw(&frame(&code_action(1012)));
    assert!(c.wait_response(1012).is_ok());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "answered promptly"
    );
    if let Some(rss) = rss_kib(c.pid()) {
        assert!(rss < 256 * 1024, "resident memory {rss} KiB");
    }
    still_serves(c);
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn exit_after_shutdown_is_code_0_and_without_it_code_1() {
    let (status, violations, stderr) = server().shutdown();
    assert!(violations.is_empty(), "{violations:?}");
    assert_eq!(status.code(), Some(0), "{stderr}");

    // stdin stays open: `exit` itself ends the process.
    let mut c = server();
    c.notify("exit", Value::Null);
    let (status, violations, stderr) = c.wait_exit();
    assert!(violations.is_empty(), "{violations:?}");
    assert_eq!(status.code(), Some(1), "{stderr}");
}

/// An editor with a backend that answers `code` requests this way.
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
            StubModel::new(FAST, code.clone()).loaded(),
            StubModel::new(CODE, code).loaded(),
        ]));
        World { rt, stub }
    }

    /// A client that has asked to generate a command for a comment line; returns the
    /// request's id.
    fn generating(&self, choices: Vec<Choice>) -> (LspClient, i64) {
        let mut c = LspClient::spawn(Spawn::default());
        c.initialize(
            json!({
                "backends": {"ollama": {"kind": "ollama", "url": self.stub.url()}},
                "router": {"warm_fast": false},
                "vram": {"enabled": false},
                "actions": {"shellcheck": false}
            }),
            default_capabilities(),
        );
        c.choices.extend(choices);
        let uri = "file:///w/t.sh";
        c.open(
            uri,
            "shellscript",
            "#!/bin/bash\n# free up space in my home\n",
        );
        let command = c.listed_command(uri, 1, "Generate");
        let id = c.send_request("workspace/executeCommand", command);
        (c, id)
    }
}

/// Closes stdin; the process must be gone within the bound the issue sets (a second)
/// with room for a loaded machine.
fn editor_goes_away(c: LspClient) {
    let closed = Instant::now();
    let (status, violations, stderr) = c.close_stdin();
    let took = closed.elapsed();
    eprintln!("exited {took:?} after stdin closed");
    assert!(violations.is_empty(), "{violations:?}");
    assert_eq!(
        status.code(),
        Some(1),
        "no shutdown came first; stderr:\n{stderr}"
    );
    assert!(
        took < Duration::from_secs(3),
        "exited after {took:?}; stderr:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn the_server_exits_when_the_editor_goes_away_mid_stream_and_closes_the_stream() {
    let chunks: Vec<String> = (0..60).map(|i| format!("word{i} ")).collect();
    let chunks: Vec<&str> = chunks.iter().map(String::as_str).collect();
    let w = World::new(Behavior::slow_reply(
        &chunks,
        Duration::from_millis(50),
        Duration::from_millis(500),
    ));
    let (mut c, _id) = w.generating(vec![]);
    c.wait_notification("$/progress", |p| p["value"]["kind"] == "report");
    let asked = Instant::now();
    while w.stub.open_streams() == 0 {
        assert!(
            asked.elapsed() < Duration::from_secs(20),
            "the model never streamed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    editor_goes_away(c);
    let closed =
        w.rt.block_on(w.stub.wait_closed_early(1, Duration::from_secs(3)));
    assert!(closed, "the backend saw its stream closed");
    assert_eq!(
        w.stub.completed(),
        0,
        "the answer was not streamed to its end"
    );
}

#[test]
fn the_server_exits_when_the_editor_goes_away_while_a_dialog_waits() {
    let w = World::new(Behavior::reply(&["```bash\nrm -rf ~/\n```"]));
    let (mut c, _id) = w.generating(vec![Choice::Ignore]);
    let asked = Instant::now();
    while c.server_requests("window/showMessageRequest").is_empty() {
        assert!(asked.elapsed() < Duration::from_secs(20), "no dialog");
        c.settle(Duration::from_millis(50));
    }
    editor_goes_away(c);
}
