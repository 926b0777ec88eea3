//! An LSP client for end-to-end tests: it spawns the built `superhelfer lsp` binary, speaks
//! JSON-RPC over its stdio as an editor does, answers the server's own requests (message
//! dialogs with scripted choices, edits applied to its own copy of each document, progress
//! tokens, configuration, showDocument) and records every notification.
//!
//! Every byte the server writes to stdout must be a well-formed LSP frame: anything else
//! fails the test (`protocol_violations`).
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long any single wait may take before the test fails instead of hanging.
pub const WAIT: Duration = Duration::from_secs(30);

/// The answer the client gives to a `window/showMessageRequest`.
#[derive(Debug, Clone)]
pub enum Choice {
    /// Pick the action with this title.
    Pick(String),
    /// Close the dialog without choosing (the result is `null`).
    Dismiss,
    /// Leave the dialog open: never answer (a user away from the desk).
    Ignore,
}

/// What happened on the wire, in order.
#[derive(Debug, Clone)]
pub enum Event {
    Notification(Value),
    ServerRequest(Value),
}

pub struct LspClient {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
    /// Responses that arrived while waiting for something else.
    responses: HashMap<i64, Value>,
    /// Responses whose id is not an integer (`null` for a refused malformed message).
    other_responses: VecDeque<Value>,
    pub events: Vec<Event>,
    pub docs: HashMap<String, (String, i32)>,
    pub choices: VecDeque<Choice>,
    /// The value returned for `workspace/configuration`.
    pub configuration: Value,
    /// Whether `workspace/applyEdit` is accepted.
    pub accept_edits: bool,
    pub violations: Arc<Mutex<Vec<String>>>,
    pub stderr: Arc<Mutex<String>>,
    /// When the last `workspace/applyEdit` arrived (for latency benches).
    pub last_edit_at: Option<Instant>,
    /// How long a wait may take before the test fails (`WAIT` unless changed).
    pub wait: Duration,
    /// Answer `window/showMessageRequest` with "Method not found", as Helix 25.07.1 does.
    pub refuse_questions: bool,
}

pub struct Spawn {
    pub env: Vec<(String, String)>,
    pub args: Vec<String>,
}

impl Default for Spawn {
    fn default() -> Self {
        Spawn {
            env: Vec::new(),
            args: vec!["lsp".into(), "--stdio".into()],
        }
    }
}

impl LspClient {
    pub fn spawn(opts: Spawn) -> LspClient {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_superhelfer"));
        cmd.args(&opts.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // No user file and no user Ollama host leak into a test.
            .env("SUPERHELFER_CONFIG", "/dev/null")
            .env_remove("OLLAMA_HOST");
        for (k, v) in &opts.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn superhelfer");
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        let stdin = child.stdin.take();
        let (tx, rx) = mpsc::channel();
        let violations = Arc::new(Mutex::new(Vec::new()));
        let v2 = violations.clone();
        thread::spawn(move || read_frames(stdout, tx, v2));
        let err_buf = Arc::new(Mutex::new(String::new()));
        let e2 = err_buf.clone();
        thread::spawn(move || {
            let mut r = BufReader::new(stderr);
            let mut line = String::new();
            while r.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                e2.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        LspClient {
            child,
            stdin,
            rx,
            next_id: 1,
            responses: HashMap::new(),
            other_responses: VecDeque::new(),
            events: Vec::new(),
            docs: HashMap::new(),
            choices: VecDeque::new(),
            configuration: Value::Null,
            accept_edits: true,
            violations,
            stderr: err_buf,
            last_edit_at: None,
            wait: WAIT,
            refuse_questions: false,
        }
    }

    /// Spawns and initializes with default capabilities (progress, dialogs, edits, UTF-16).
    pub fn start(init_options: Value) -> LspClient {
        let mut c = LspClient::spawn(Spawn::default());
        c.initialize(init_options, default_capabilities());
        c
    }

    pub fn initialize(&mut self, init_options: Value, capabilities: Value) -> Value {
        let result = self
            .request(
                "initialize",
                json!({
                    "processId": std::process::id(),
                    "rootUri": null,
                    "capabilities": capabilities,
                    "initializationOptions": init_options,
                }),
            )
            .expect("initialize succeeds");
        self.notify("initialized", json!({}));
        result
    }

    /// Initializes with the params a real client sent (`tests/data/clients/*.json`), this
    /// test's settings as `initializationOptions`.
    pub fn initialize_as(&mut self, init_options: Value, mut params: Value) -> Value {
        params["processId"] = json!(std::process::id());
        params["initializationOptions"] = init_options;
        let result = self
            .request("initialize", params)
            .expect("initialize succeeds");
        self.notify("initialized", json!({}));
        result
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn send(&mut self, msg: &Value) {
        let body = serde_json::to_string(msg).expect("serialize");
        let frame = format!("Content-Length: {}\r\n\r\n{}", body.len(), body);
        if let Some(stdin) = self.stdin.as_mut() {
            // The server may have exited already; tests check that separately.
            let _ = stdin.write_all(frame.as_bytes());
            let _ = stdin.flush();
        }
    }

    /// Writes these bytes to the server's stdin as they are (malformed frames).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        if let Some(stdin) = self.stdin.as_mut() {
            let _ = stdin.write_all(bytes);
            let _ = stdin.flush();
        }
    }

    /// Waits for a response whose id is not an integer (such as `null`); returns it whole.
    pub fn wait_other_response(&mut self) -> Value {
        let deadline = Instant::now() + self.wait;
        loop {
            if let Some(resp) = self.other_responses.pop_front() {
                return resp;
            }
            self.pump(deadline, "a response without an integer id");
        }
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and waits for its response: `Ok(result)` or `Err(error object)`.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.send_request(method, params);
        self.wait_response(id)
    }

    pub fn wait_response(&mut self, id: i64) -> Result<Value, Value> {
        let deadline = Instant::now() + self.wait;
        loop {
            if let Some(resp) = self.responses.remove(&id) {
                return match resp.get("error") {
                    Some(err) => Err(err.clone()),
                    None => Ok(resp.get("result").cloned().unwrap_or(Value::Null)),
                };
            }
            self.pump(deadline, &format!("response to request {id}"));
        }
    }

    /// The response to request `id` if it has arrived, without waiting (messages already
    /// received are handled first).
    pub fn poll_response(&mut self, id: i64) -> Option<Result<Value, Value>> {
        while let Ok(msg) = self.rx.try_recv() {
            self.handle(msg);
        }
        let resp = self.responses.remove(&id)?;
        Some(match resp.get("error") {
            Some(err) => Err(err.clone()),
            None => Ok(resp.get("result").cloned().unwrap_or(Value::Null)),
        })
    }

    /// Waits for a notification of `method` that satisfies `pred` (seen before or after
    /// the call).
    pub fn wait_notification(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + self.wait;
        let mut seen = 0;
        loop {
            for ev in &self.events[seen..] {
                if let Event::Notification(n) = ev {
                    if n["method"] == method && pred(&n["params"]) {
                        return n["params"].clone();
                    }
                }
            }
            seen = self.events.len();
            self.pump(deadline, &format!("notification {method}"));
        }
    }

    /// Handles incoming messages for up to `d` (to let asynchronous effects arrive).
    pub fn settle(&mut self, d: Duration) {
        let deadline = Instant::now() + d;
        while Instant::now() < deadline {
            match self
                .rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(msg) => self.handle(msg),
                Err(_) => break,
            }
        }
    }

    pub fn notifications(&self, method: &str) -> Vec<Value> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Notification(n) if n["method"] == method => Some(n["params"].clone()),
                _ => None,
            })
            .collect()
    }

    pub fn server_requests(&self, method: &str) -> Vec<Value> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::ServerRequest(r) if r["method"] == method => Some(r["params"].clone()),
                _ => None,
            })
            .collect()
    }

    fn pump(&mut self, deadline: Instant, what: &str) {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.rx.recv_timeout(left) {
            Ok(msg) => self.handle(msg),
            Err(RecvTimeoutError::Timeout) => panic!(
                "timed out waiting for {what}; server stderr:\n{}",
                self.stderr.lock().unwrap()
            ),
            Err(RecvTimeoutError::Disconnected) => panic!(
                "server closed stdout while waiting for {what}; stderr:\n{}",
                self.stderr.lock().unwrap()
            ),
        }
    }

    fn handle(&mut self, msg: Value) {
        let has_method = msg.get("method").is_some();
        match (msg.get("id").cloned(), has_method) {
            (Some(id), true) => {
                self.events.push(Event::ServerRequest(msg.clone()));
                if msg["method"] == "window/showMessageRequest"
                    && matches!(self.choices.front(), Some(Choice::Ignore))
                {
                    self.choices.pop_front();
                    return;
                }
                let result = self.answer(&msg);
                let reply = match result {
                    Ok(r) => json!({"jsonrpc": "2.0", "id": id, "result": r}),
                    Err(e) => json!({"jsonrpc": "2.0", "id": id, "error": e}),
                };
                self.send(&reply);
            }
            (None, true) => self.events.push(Event::Notification(msg)),
            (Some(id), false) => match id.as_i64() {
                Some(id) => {
                    self.responses.insert(id, msg);
                }
                None => self.other_responses.push_back(msg),
            },
            (None, false) => self
                .violations
                .lock()
                .unwrap()
                .push(format!("message without id or method: {msg}")),
        }
    }

    fn answer(&mut self, req: &Value) -> Result<Value, Value> {
        let params = &req["params"];
        match req["method"].as_str().unwrap_or("") {
            "window/showMessageRequest" if self.refuse_questions => Err(json!({
                "code": -32601,
                "message": "Method not found"
            })),
            // The VS Code extension's modal question answers as showMessageRequest does.
            "window/showMessageRequest" | "superhelfer/askModal" => {
                match self.choices.pop_front() {
                    Some(Choice::Pick(title)) => Ok(json!({"title": title})),
                    Some(Choice::Dismiss | Choice::Ignore) | None => Ok(Value::Null),
                }
            }
            "window/workDoneProgress/create" => Ok(Value::Null),
            "workspace/configuration" => {
                let n = params["items"].as_array().map(|a| a.len()).unwrap_or(0);
                Ok(Value::Array(vec![self.configuration.clone(); n]))
            }
            "window/showDocument" => Ok(json!({"success": true})),
            "workspace/applyEdit" => {
                self.last_edit_at = Some(Instant::now());
                if !self.accept_edits {
                    return Ok(json!({"applied": false, "failureReason": "refused by test"}));
                }
                self.apply_workspace_edit(&params["edit"]);
                Ok(json!({"applied": true}))
            }
            "client/registerCapability" | "client/unregisterCapability" => Ok(Value::Null),
            other => Err(json!({"code": -32601, "message": format!("test client: no {other}")})),
        }
    }

    fn apply_workspace_edit(&mut self, edit: &Value) {
        let mut per_doc: Vec<(String, Vec<Value>)> = Vec::new();
        if let Some(changes) = edit["changes"].as_object() {
            for (uri, edits) in changes {
                per_doc.push((uri.clone(), edits.as_array().cloned().unwrap_or_default()));
            }
        }
        if let Some(doc_changes) = edit["documentChanges"].as_array() {
            for dc in doc_changes {
                let uri = dc["textDocument"]["uri"].as_str().unwrap_or("").to_string();
                per_doc.push((uri, dc["edits"].as_array().cloned().unwrap_or_default()));
            }
        }
        for (uri, mut edits) in per_doc {
            // Apply from the end so earlier ranges stay valid.
            edits.sort_by_key(|e| {
                std::cmp::Reverse((
                    e["range"]["start"]["line"].as_u64().unwrap_or(0),
                    e["range"]["start"]["character"].as_u64().unwrap_or(0),
                ))
            });
            let changed = if let Some((text, version)) = self.docs.get_mut(&uri) {
                for e in edits {
                    let a = utf16_offset(text, &e["range"]["start"]);
                    let b = utf16_offset(text, &e["range"]["end"]);
                    text.replace_range(a..b, e["newText"].as_str().unwrap_or(""));
                }
                *version += 1;
                Some((text.clone(), *version))
            } else {
                None
            };
            // An editor that applied an edit tells the server, as for any change.
            if let Some((text, version)) = changed {
                self.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version},
                           "contentChanges": [{"text": text}]}),
                );
            }
        }
    }

    /// The command of the code action listed at the start of `line` (no diagnostics in
    /// the context) whose title starts with `prefix`; panics naming what was listed.
    pub fn listed_command(&mut self, uri: &str, line: u32, prefix: &str) -> Value {
        let list = self
            .request(
                "textDocument/codeAction",
                json!({
                    "textDocument": {"uri": uri},
                    "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}},
                    "context": {"diagnostics": []}
                }),
            )
            .expect("codeAction");
        list.as_array()
            .and_then(|l| {
                l.iter()
                    .find(|a| a["title"].as_str().unwrap_or("").starts_with(prefix))
            })
            .map(|a| a["command"].clone())
            .unwrap_or_else(|| panic!("no {prefix} action in {list}"))
    }

    pub fn open(&mut self, uri: &str, language_id: &str, text: &str) {
        self.docs.insert(uri.to_string(), (text.to_string(), 1));
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language_id, "version": 1, "text": text}}),
        );
    }

    /// Sends an incremental change (UTF-16 positions) and applies it to the local copy.
    pub fn change(&mut self, uri: &str, range: [(u32, u32); 2], text: &str) {
        let entry = self.docs.entry(uri.to_string()).or_default();
        entry.1 += 1;
        let a = utf16_offset(
            &entry.0,
            &json!({"line": range[0].0, "character": range[0].1}),
        );
        let b = utf16_offset(
            &entry.0,
            &json!({"line": range[1].0, "character": range[1].1}),
        );
        entry.0.replace_range(a..b, text);
        let version = entry.1;
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{
                    "range": {"start": {"line": range[0].0, "character": range[0].1},
                              "end": {"line": range[1].0, "character": range[1].1}},
                    "text": text
                }]
            }),
        );
    }

    pub fn text(&self, uri: &str) -> String {
        self.docs.get(uri).map(|d| d.0.clone()).unwrap_or_default()
    }

    /// `shutdown` then `exit`; returns the exit status (waits at most `WAIT`).
    pub fn shutdown(mut self) -> (ExitStatus, Vec<String>, String) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.is_ok(), "shutdown failed: {r:?}");
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    /// Closes stdin and waits for the process to end.
    pub fn close_stdin(mut self) -> (ExitStatus, Vec<String>, String) {
        self.stdin.take();
        self.wait_exit()
    }

    /// Waits for the process to end, stdin left open.
    pub fn wait_exit(mut self) -> (ExitStatus, Vec<String>, String) {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                // Let the reader threads drain.
                thread::sleep(Duration::from_millis(50));
                while let Ok(msg) = self.rx.try_recv() {
                    self.handle(msg);
                }
                let v = self.violations.lock().unwrap().clone();
                let e = self.stderr.lock().unwrap().clone();
                return (status, v, e);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "server did not exit; stderr:\n{}",
                    self.stderr.lock().unwrap()
                );
            }
            thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn default_capabilities() -> Value {
    json!({
        "general": {"positionEncodings": ["utf-16"]},
        "window": {
            "workDoneProgress": true,
            "showMessage": {"messageActionItem": {"additionalPropertiesSupport": false}},
            "showDocument": {"support": true}
        },
        "workspace": {"applyEdit": true, "configuration": true, "workspaceEdit": {"documentChanges": true}},
        "textDocument": {"codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["", "quickfix", "refactor", "refactor.rewrite"]}}}}
    })
}

/// Byte offset in `text` of an LSP position counted in UTF-16 units (clamped).
pub fn utf16_offset(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap_or(0) as usize;
    let character = pos["character"].as_u64().unwrap_or(0) as usize;
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[start..];
    let end = line_text.find('\n').unwrap_or(line_text.len());
    let line_text = line_text[..end]
        .strip_suffix('\r')
        .unwrap_or(&line_text[..end]);
    let mut units = 0;
    for (i, c) in line_text.char_indices() {
        if units >= character {
            return start + i;
        }
        units += c.len_utf16();
    }
    start + line_text.len()
}

/// Reads LSP frames from the server's stdout; anything malformed is a violation.
fn read_frames(stdout: impl Read, tx: mpsc::Sender<Value>, violations: Arc<Mutex<Vec<String>>>) {
    let mut r = BufReader::new(stdout);
    loop {
        let mut length: Option<usize> = None;
        loop {
            let mut line = String::new();
            match r.read_line(&mut line) {
                Ok(0) => return,
                Ok(_) => {}
                Err(e) => {
                    violations.lock().unwrap().push(format!("read error: {e}"));
                    return;
                }
            }
            if line == "\r\n" {
                break;
            }
            if !line.ends_with("\r\n") {
                violations
                    .lock()
                    .unwrap()
                    .push(format!("header line without CRLF: {line:?}"));
            }
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().ok();
            } else if !lower.starts_with("content-type:") {
                violations
                    .lock()
                    .unwrap()
                    .push(format!("not an LSP header: {line:?}"));
            }
        }
        let Some(n) = length else {
            violations
                .lock()
                .unwrap()
                .push("frame without Content-Length".into());
            return;
        };
        let mut body = vec![0; n];
        if r.read_exact(&mut body).is_err() {
            violations.lock().unwrap().push("truncated frame".into());
            return;
        }
        match serde_json::from_slice::<Value>(&body) {
            Ok(v) if v["jsonrpc"] == "2.0" => {
                if tx.send(v).is_err() {
                    return;
                }
            }
            _ => violations.lock().unwrap().push(format!(
                "frame is not JSON-RPC 2.0: {}",
                String::from_utf8_lossy(&body)
            )),
        }
    }
}
