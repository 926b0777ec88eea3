//! A stand-in for the Ollama HTTP API, for integration tests.
//!
//! No real Ollama can run where the tests run, so this serves the subset of its API
//! that superhelfer uses, on the wire format Ollama itself sends (checked against
//! Ollama's `server/routes.go`):
//!
//! - `POST /api/chat`: NDJSON stream (`Content-Type: application/x-ndjson`, chunked),
//!   one `{"model","created_at","message":{"role":"assistant","content"},"done":false}`
//!   line per chunk and a final line with `"done":true`, `"done_reason":"stop"` and the
//!   timing counters. `"stream": false` answers one JSON object. An empty `messages`
//!   list is a preload (`"done_reason":"load"`); with `"keep_alive": 0` it unloads
//!   (`"done_reason":"unload"`).
//! - `GET /api/tags`, `GET /api/ps`, `POST /api/show`, `GET /api/version`, `GET /`.
//! - Errors as Ollama sends them: `{"error":"..."}` with the status code, or, once a
//!   stream has started, an `{"error":"..."}` line inside the 200 stream.
//! - Faults of the probe endpoints (`/api/tags`, `/api/ps`, `/api/show`): hanging, or an
//!   error status ([`OllamaStub::set_probe_fault`]); and [`BlackHole`], a port that
//!   accepts connections and never reads them (a stopped Ollama process).
//!
//! As in Ollama (Gin writes the header on the first write), the response header of a
//! stream goes out together with its first line: a client's `send().await` resolves
//! only once the first token (or an error) is there.
//!
//! It is written on a raw `TcpListener` with a minimal HTTP/1.1 parser so that hangs,
//! dropped connections and malformed output are fully under the test's control, and so
//! that it can see at once when a client abandons a stream.

// Each integration test binary uses a different part of the support code.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};
use tokio::task::{JoinHandle, JoinSet};

/// The version `/api/version` reports.
pub const STUB_OLLAMA_VERSION: &str = "0.12.6";

/// How long Ollama keeps a model loaded when a request names no `keep_alive`.
const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(5 * 60);

/// Requests bigger than this are refused; tests never send anything near it.
const MAX_HEAD_BYTES: usize = 64 * 1024;
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// What the stub does when a model is asked to chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behavior {
    /// Streams `chunks` (one NDJSON line each), waiting `first_token_delay` before the
    /// first one and `chunk_delay` before each further one.
    Reply {
        chunks: Vec<String>,
        first_token_delay: Duration,
        chunk_delay: Duration,
    },
    /// Answers with the content of the last `user` message, as one chunk: lets a test
    /// assert the prompt that reached the model.
    Echo,
    /// Answers `{"error": message}` with this HTTP status before anything else; the
    /// model is not loaded (a scheduler or load failure in Ollama).
    FailStatus(u16, String),
    /// Streams `after` chunks of the default reply, then an `{"error": message}` line,
    /// then ends the stream. With `after == 0` nothing has been written yet, so, like
    /// Ollama, it answers HTTP 500 `{"error": message}` instead. `"stream": false`
    /// answers HTTP 500 as well.
    ErrorMidStream { after: usize, message: String },
    /// Answers the reply of the first `(needle, reply)` whose needle the last `user`
    /// message contains (one model serving several scripted requests, as in an editor
    /// session); "no scripted answer" when none matches.
    ByPrompt(Vec<(String, String)>),
    /// Reads the request and never answers; the connection stays open until the client
    /// closes it (counted in [`OllamaStub::closed_early`]) or the stub is dropped.
    Hang,
    /// Streams `after` chunks, then goes silent with the connection open.
    HangMidStream { after: usize },
    /// Streams `after` chunks, then one line that is not JSON, then the rest of the
    /// reply as usual. `"stream": false` answers a 200 whose body is not JSON.
    Malformed { after: usize },
    /// Streams `after` chunks, then closes the TCP connection without ending the
    /// chunked body. `"stream": false` closes the connection without an answer.
    DropMidStream { after: usize },
    /// A model that runs away: streams `chunks` lines of `chunk_bytes` bytes of content
    /// each, as fast as the client reads, then the done line. Each line is generated once
    /// and resent, so hundreds of MB cost the stub no memory. Streams either way.
    Flood { chunk_bytes: usize, chunks: usize },
    /// Sends the 200 response head of the stream (as Ollama does once a runner accepted
    /// the request) and then nothing, with the connection open.
    HeadersThenStall,
    /// Streams the default reply and ends the chunked body properly, but without the
    /// final `"done": true` line (a server that stops without saying it finished).
    NoDone,
}

impl Behavior {
    /// A reply streamed in these chunks without delays.
    pub fn reply(chunks: &[&str]) -> Behavior {
        Behavior::Reply {
            chunks: chunks.iter().map(|c| (*c).to_string()).collect(),
            first_token_delay: Duration::ZERO,
            chunk_delay: Duration::ZERO,
        }
    }

    /// A reply streamed in these chunks with the given delays.
    pub fn slow_reply(
        chunks: &[&str],
        first_token_delay: Duration,
        chunk_delay: Duration,
    ) -> Behavior {
        Behavior::Reply {
            chunks: chunks.iter().map(|c| (*c).to_string()).collect(),
            first_token_delay,
            chunk_delay,
        }
    }
}

/// The chunks the failure behaviours stream before they fail.
const DEFAULT_CHUNKS: [&str; 4] = ["Hello", ",", " world", "!"];

/// What a probe endpoint (`/api/tags`, `/api/ps`, `/api/show`) does instead of answering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeFault {
    /// Reads the request and never answers.
    Hang,
    /// Answers `{"error": message}` with this status, as Ollama's handlers do.
    Status(u16, String),
}

/// A model the stub has "installed".
#[derive(Debug, Clone)]
pub struct StubModel {
    /// Name as in `ollama list`, e.g. `qwen2.5-coder:7b`; a name without a tag is
    /// `:latest`, as in Ollama.
    pub name: String,
    /// Size in bytes (also the loaded size in `/api/ps`).
    pub size: u64,
    /// What it does when asked to chat; see [`OllamaStub::set_behavior`].
    pub behavior: Behavior,
    /// Whether it starts loaded (listed by `/api/ps`, with all of it in VRAM).
    pub loaded: bool,
    /// How long a chat (or preload) waits while the model is not loaded: a cold load.
    pub load_delay: Duration,
}

impl StubModel {
    /// An unloaded model of 1 GiB with the given behaviour.
    pub fn new(name: &str, behavior: Behavior) -> StubModel {
        StubModel {
            name: name.to_string(),
            size: 1 << 30,
            behavior,
            loaded: false,
            load_delay: Duration::ZERO,
        }
    }

    /// A cold load takes this long (the first chat or preload while it is not loaded).
    pub fn with_load_delay(mut self, delay: Duration) -> StubModel {
        self.load_delay = delay;
        self
    }

    /// Sets the size in bytes.
    pub fn with_size(mut self, size: u64) -> StubModel {
        self.size = size;
        self
    }

    /// Starts it loaded.
    pub fn loaded(mut self) -> StubModel {
        self.loaded = true;
        self
    }
}

/// One request as the stub received it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    pub method: String,
    /// Request target as sent, query string included.
    pub path: String,
    /// Body parsed as JSON; `Value::Null` when empty or not JSON.
    pub body: Value,
    /// Body as text (lossy UTF-8).
    pub raw_body: String,
    /// Header names (lower case) and values, as sent.
    pub headers: Vec<(String, String)>,
}

impl RecordedRequest {
    /// A header's value by name, case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug)]
struct ModelState {
    name: String,
    size: u64,
    behavior: Behavior,
    loaded: bool,
    load_delay: Duration,
    size_vram: u64,
    expires_at: SystemTime,
    modified_at: SystemTime,
}

#[derive(Debug, Default)]
struct Shared {
    models: Mutex<Vec<ModelState>>,
    requests: Mutex<Vec<RecordedRequest>>,
    open_streams: AtomicUsize,
    closed_early: AtomicUsize,
    completed: AtomicUsize,
    probe_faults: Mutex<HashMap<String, ProbeFault>>,
}

/// Locks a mutex even when a panicking test thread poisoned it: the data stays usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    fn new(models: Vec<StubModel>) -> Shared {
        let now = SystemTime::now();
        let models = models
            .into_iter()
            .map(|m| ModelState {
                name: normalize(&m.name),
                size: m.size,
                behavior: m.behavior,
                loaded: m.loaded,
                load_delay: m.load_delay,
                size_vram: m.size,
                expires_at: now + DEFAULT_KEEP_ALIVE,
                modified_at: now - Duration::from_secs(3 * 24 * 3600),
            })
            .collect();
        Shared {
            models: Mutex::new(models),
            ..Shared::default()
        }
    }
}

/// A running stub server on `127.0.0.1:<free port>`. Dropping it stops the server and
/// closes every connection it holds, hanging ones included.
pub struct OllamaStub {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Drop for OllamaStub {
    fn drop(&mut self) {
        // Aborting the accept loop drops its JoinSet, which aborts every connection task.
        self.task.abort();
    }
}

impl OllamaStub {
    /// Starts a stub with these installed models on a free loopback port.
    ///
    /// Panics if no loopback port can be bound: a test cannot run without one.
    pub async fn start(models: Vec<StubModel>) -> OllamaStub {
        let listener = match TcpListener::bind("127.0.0.1:0").await {
            Ok(l) => l,
            Err(e) => panic!("ollama stub: cannot bind 127.0.0.1:0: {e}"),
        };
        let addr = match listener.local_addr() {
            Ok(a) => a,
            Err(e) => panic!("ollama stub: no local address: {e}"),
        };
        let shared = Arc::new(Shared::new(models));
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        OllamaStub { addr, shared, task }
    }

    /// Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in order of arrival.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// Bodies of the `POST /api/chat` requests received so far.
    pub fn chat_requests(&self) -> Vec<Value> {
        lock(&self.shared.requests)
            .iter()
            .filter(|r| r.method == "POST" && route(&r.path) == "/api/chat")
            .map(|r| r.body.clone())
            .collect()
    }

    /// Applies `f` to an installed model; panics on a name the test never installed,
    /// since that is a typo in the test, not a case to test.
    fn with_model(&self, model: &str, f: impl FnOnce(&mut ModelState)) {
        let name = normalize(model);
        let mut models = lock(&self.shared.models);
        match models.iter_mut().find(|m| m.name == name) {
            Some(m) => f(m),
            None => panic!("ollama stub: no model {model:?} installed"),
        }
    }

    /// Makes a probe endpoint (`"/api/tags"`, `"/api/ps"`, `"/api/show"`) fail from the
    /// next request on; `None` makes it answer again.
    pub fn set_probe_fault(&self, path: &str, fault: Option<ProbeFault>) {
        let mut faults = lock(&self.shared.probe_faults);
        match fault {
            Some(f) => faults.insert(path.to_string(), f),
            None => faults.remove(path),
        };
    }

    /// How many requests reached this path (query string ignored), e.g. `"/api/ps"`.
    pub fn count(&self, path: &str) -> usize {
        lock(&self.shared.requests)
            .iter()
            .filter(|r| route(&r.path) == path)
            .count()
    }

    /// Changes what a model does from the next request on.
    pub fn set_behavior(&self, model: &str, behavior: Behavior) {
        self.with_model(model, |m| m.behavior = behavior);
    }

    /// Marks a model loaded with this much of it in VRAM (`/api/ps` `size_vram`).
    pub fn set_loaded(&self, model: &str, size_vram: u64) {
        self.with_model(model, |m| {
            m.loaded = true;
            m.size_vram = size_vram;
            m.expires_at = SystemTime::now() + DEFAULT_KEEP_ALIVE;
        });
    }

    /// Marks a model unloaded, as if its keep-alive ran out.
    pub fn set_unloaded(&self, model: &str) {
        self.with_model(model, |m| m.loaded = false);
    }

    /// Whether a model is loaded now.
    pub fn is_loaded(&self, model: &str) -> bool {
        let name = normalize(model);
        lock(&self.shared.models)
            .iter()
            .any(|m| m.name == name && m.loaded)
    }

    /// Installs another model (as `ollama pull` would).
    pub fn add_model(&self, model: StubModel) {
        let now = SystemTime::now();
        lock(&self.shared.models).push(ModelState {
            name: normalize(&model.name),
            size: model.size,
            behavior: model.behavior,
            loaded: model.loaded,
            load_delay: model.load_delay,
            size_vram: model.size,
            expires_at: now + DEFAULT_KEEP_ALIVE,
            modified_at: now,
        });
    }

    /// `/api/chat` exchanges in progress: request read, answer neither finished nor
    /// abandoned by the client. Hanging ones count.
    pub fn open_streams(&self) -> usize {
        self.shared.open_streams.load(Ordering::SeqCst)
    }

    /// `/api/chat` exchanges the client closed before the stub had finished answering
    /// (a dropped stream, a timeout on a hanging request).
    pub fn closed_early(&self) -> usize {
        self.shared.closed_early.load(Ordering::SeqCst)
    }

    /// `/api/chat` exchanges answered to the end (final line or object written).
    pub fn completed(&self) -> usize {
        self.shared.completed.load(Ordering::SeqCst)
    }

    /// Waits until at least `n` exchanges were closed early by the client, for at most
    /// `timeout`; returns whether that happened. The stub notices a close at once, so
    /// `timeout` is only a bound against a client that never closes.
    pub async fn wait_closed_early(&self, n: usize, timeout: Duration) -> bool {
        self.wait_until(timeout, || self.closed_early() >= n).await
    }

    /// Waits until no `/api/chat` exchange is in progress, for at most `timeout`.
    pub async fn wait_idle(&self, timeout: Duration) -> bool {
        self.wait_until(timeout, || self.open_streams() == 0).await
    }

    async fn wait_until(&self, timeout: Duration, cond: impl Fn() -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if cond() {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// A loopback port that accepts connections (the kernel completes the handshake) and
/// never reads or answers them: an Ollama process that is stopped or wedged. Dropping it
/// closes the port.
pub struct BlackHole {
    addr: SocketAddr,
    _listener: std::net::TcpListener,
}

impl BlackHole {
    pub fn start() -> BlackHole {
        let listener = match std::net::TcpListener::bind("127.0.0.1:0") {
            Ok(l) => l,
            Err(e) => panic!("black hole: cannot bind 127.0.0.1:0: {e}"),
        };
        let addr = match listener.local_addr() {
            Ok(a) => a,
            Err(e) => panic!("black hole: no local address: {e}"),
        };
        BlackHole {
            addr,
            _listener: listener,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Serves the stub on `addr` until the process ends: the entry point for a standalone
/// binary that editor tests can point at.
pub async fn serve_forever(
    addr: impl ToSocketAddrs,
    models: Vec<StubModel>,
) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    accept_loop(listener, Arc::new(Shared::new(models))).await;
    Ok(())
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    let _ = stream.set_nodelay(true);
                    connections.spawn(serve_connection(stream, Arc::clone(&shared)));
                }
                // An accept error (e.g. out of descriptors) is transient; keep serving.
            }
            // Reap finished connections so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

// ---------------------------------------------------------------------------------
// HTTP/1.1, the minimal part

struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn wants_close(&self) -> bool {
        self.header("connection")
            .is_some_and(|v| v.to_ascii_lowercase().contains("close"))
    }
}

enum ReadError {
    /// The peer closed the connection (before or between requests: normal).
    Closed,
    /// The bytes were not a request this parser accepts.
    Bad(&'static str),
}

/// A connection's read side with the bytes read but not yet consumed.
struct Reader {
    half: OwnedReadHalf,
    buf: Vec<u8>,
}

impl Reader {
    async fn fill(&mut self) -> Result<(), ReadError> {
        let mut chunk = [0u8; 8192];
        match self.half.read(&mut chunk).await {
            Ok(0) | Err(_) => Err(ReadError::Closed),
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(())
            }
        }
    }

    async fn read_request(&mut self) -> Result<Request, ReadError> {
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i;
            }
            if self.buf.len() > MAX_HEAD_BYTES {
                return Err(ReadError::Bad("request head too large"));
            }
            self.fill().await?;
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).into_owned();
        self.buf.drain(..head_end + 4);

        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or_default();
        let mut parts = request_line.split(' ');
        let (method, target, version) = match (parts.next(), parts.next(), parts.next()) {
            (Some(m), Some(t), Some(v)) if !m.is_empty() && t.starts_with('/') => (m, t, v),
            _ => return Err(ReadError::Bad("malformed request line")),
        };
        if !version.starts_with("HTTP/1.") {
            return Err(ReadError::Bad("unsupported HTTP version"));
        }
        let mut headers = Vec::new();
        for line in lines {
            let Some((k, v)) = line.split_once(':') else {
                return Err(ReadError::Bad("malformed header"));
            };
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
        let mut req = Request {
            method: method.to_string(),
            target: target.to_string(),
            headers,
            body: Vec::new(),
        };

        let chunked = req
            .header("transfer-encoding")
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
        if chunked {
            req.body = self.read_chunked_body().await?;
        } else if let Some(len) = req.header("content-length") {
            let len: usize = len
                .parse()
                .map_err(|_| ReadError::Bad("bad content-length"))?;
            if len > MAX_BODY_BYTES {
                return Err(ReadError::Bad("body too large"));
            }
            while self.buf.len() < len {
                self.fill().await?;
            }
            req.body = self.buf.drain(..len).collect();
        }
        Ok(req)
    }

    async fn read_chunked_body(&mut self) -> Result<Vec<u8>, ReadError> {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(i) = find(&self.buf, b"\r\n") {
                    break i;
                }
                if self.buf.len() > MAX_HEAD_BYTES {
                    return Err(ReadError::Bad("chunk size line too long"));
                }
                self.fill().await?;
            };
            let size_text = String::from_utf8_lossy(&self.buf[..line_end]).into_owned();
            let size_hex = size_text.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size_hex, 16)
                .map_err(|_| ReadError::Bad("bad chunk size"))?;
            self.buf.drain(..line_end + 2);
            if size == 0 {
                // Trailers (none expected) end with an empty line.
                loop {
                    if let Some(i) = find(&self.buf, b"\r\n") {
                        self.buf.drain(..i + 2);
                        if i == 0 {
                            return Ok(body);
                        }
                    } else {
                        self.fill().await?;
                    }
                }
            }
            if body.len() + size > MAX_BODY_BYTES {
                return Err(ReadError::Bad("body too large"));
            }
            while self.buf.len() < size + 2 {
                self.fill().await?;
            }
            body.extend(self.buf.drain(..size));
            self.buf.drain(..2);
        }
    }

    /// Waits until the peer closes the connection. Bytes it sends meanwhile are kept
    /// (a client does not send more while an answer is in progress).
    async fn wait_for_close(&mut self) {
        while self.fill().await.is_ok() {}
    }

    /// Sleeps for `d` unless the peer closes first; `Err` means it closed.
    async fn pause(&mut self, d: Duration) -> Result<(), Gone> {
        if d.is_zero() {
            return Ok(());
        }
        let deadline = tokio::time::Instant::now() + d;
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => return Ok(()),
                r = self.fill() => if r.is_err() { return Err(Gone) },
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The client went away while the stub was answering.
struct Gone;

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        429 => "Too Many Requests",
        499 => "Client Closed Request",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

fn response_head(status: u16, content_type: &str, framing: &str) -> String {
    format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nDate: {}\r\n{framing}\r\n",
        reason(status),
        http_date(SystemTime::now()),
    )
}

/// A complete response with a `Content-Length` body (what Gin's `c.JSON` sends).
fn full_response(status: u16, content_type: &str, body: &[u8], head_only: bool) -> Vec<u8> {
    let mut out = response_head(
        status,
        content_type,
        &format!("Content-Length: {}\r\n", body.len()),
    )
    .into_bytes();
    if !head_only {
        out.extend_from_slice(body);
    }
    out
}

fn json_response(status: u16, value: &Value) -> Vec<u8> {
    full_response(
        status,
        "application/json; charset=utf-8",
        value.to_string().as_bytes(),
        false,
    )
}

fn error_response(status: u16, message: &str) -> Vec<u8> {
    json_response(status, &json!({ "error": message }))
}

// ---------------------------------------------------------------------------------
// Connection handling and routing

/// What to do with the connection after an exchange.
enum After {
    KeepAlive,
    Close,
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    let (read_half, mut writer) = stream.into_split();
    let mut reader = Reader {
        half: read_half,
        buf: Vec::new(),
    };
    loop {
        let req = match reader.read_request().await {
            Ok(r) => r,
            Err(ReadError::Closed) => return,
            Err(ReadError::Bad(why)) => {
                let _ = writer.write_all(&error_response(400, why)).await;
                return;
            }
        };
        let close_requested = req.wants_close();
        record(&shared, &req);
        let after = route_request(&req, &mut reader, &mut writer, &shared).await;
        if matches!(after, After::Close) || close_requested {
            let _ = writer.shutdown().await;
            return;
        }
    }
}

fn record(shared: &Shared, req: &Request) {
    let raw_body = String::from_utf8_lossy(&req.body).into_owned();
    let body = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    lock(&shared.requests).push(RecordedRequest {
        method: req.method.clone(),
        path: req.target.clone(),
        body,
        raw_body,
        headers: req
            .headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect(),
    });
}

/// The path without its query string.
fn route(target: &str) -> &str {
    target.split('?').next().unwrap_or(target)
}

async fn route_request(
    req: &Request,
    reader: &mut Reader,
    writer: &mut OwnedWriteHalf,
    shared: &Shared,
) -> After {
    let fault = lock(&shared.probe_faults).get(route(&req.target)).cloned();
    match fault {
        Some(ProbeFault::Hang) => {
            reader.wait_for_close().await;
            return After::Close;
        }
        Some(ProbeFault::Status(status, message)) => {
            return match writer.write_all(&error_response(status, &message)).await {
                Ok(()) => After::KeepAlive,
                Err(_) => After::Close,
            };
        }
        None => {}
    }
    let simple = match (req.method.as_str(), route(&req.target)) {
        ("GET" | "HEAD", "/") => full_response(
            200,
            "text/plain; charset=utf-8",
            b"Ollama is running",
            req.method == "HEAD",
        ),
        ("GET", "/api/version") => json_response(200, &json!({ "version": STUB_OLLAMA_VERSION })),
        ("GET", "/api/tags") => json_response(200, &tags(shared)),
        ("GET", "/api/ps") => json_response(200, &ps(shared)),
        // Ollama's OpenAI-compatible listing, for a backend of kind `openai` against it.
        ("GET", "/v1/models") => json_response(200, &openai_models(shared)),
        ("POST", "/api/show") => show(req, shared),
        ("POST", "/api/chat") => {
            shared.open_streams.fetch_add(1, Ordering::SeqCst);
            let outcome = chat(req, reader, writer, shared).await;
            shared.open_streams.fetch_sub(1, Ordering::SeqCst);
            return match outcome {
                Ok(after) => {
                    shared.completed.fetch_add(1, Ordering::SeqCst);
                    after
                }
                Err(Gone) => {
                    shared.closed_early.fetch_add(1, Ordering::SeqCst);
                    After::Close
                }
            };
        }
        // Gin's answer to an unknown route (and to a known one with another method).
        _ => full_response(404, "text/plain", b"404 page not found", false),
    };
    match writer.write_all(&simple).await {
        Ok(()) => After::KeepAlive,
        Err(_) => After::Close,
    }
}

// ---------------------------------------------------------------------------------
// Model listing endpoints

fn details(name: &str) -> Value {
    let family = family_of(name);
    json!({
        "parent_model": "",
        "format": "gguf",
        "family": family,
        "families": [family],
        "parameter_size": parameter_size_of(name),
        "quantization_level": "Q4_K_M",
    })
}

fn family_of(name: &str) -> String {
    let base = name.split(':').next().unwrap_or(name);
    let base = base.rsplit('/').next().unwrap_or(base);
    let family: String = base
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    if family.is_empty() {
        "llama".to_string()
    } else {
        family
    }
}

/// `qwen2.5-coder:7b` → `7B`, `x:1.5b-q8_0` → `1.5B`; otherwise a plausible default.
fn parameter_size_of(name: &str) -> String {
    let tag = name.rsplit(':').next().unwrap_or_default();
    let head = tag.split('-').next().unwrap_or_default();
    let lower = head.to_ascii_lowercase();
    match lower.strip_suffix('b') {
        Some(num) if !num.is_empty() && num.parse::<f64>().is_ok() => format!("{num}B"),
        _ => "8.0B".to_string(),
    }
}

/// A stable fake sha256-looking digest derived from the name.
fn digest_of(name: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = String::with_capacity(64);
    for round in 0u8..4 {
        for b in name.bytes().chain([round]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out
}

fn tags(shared: &Shared) -> Value {
    let models: Vec<Value> = lock(&shared.models)
        .iter()
        .map(|m| {
            json!({
                "name": m.name,
                "model": m.name,
                "modified_at": rfc3339(m.modified_at),
                "size": m.size,
                "digest": digest_of(&m.name),
                "details": details(&m.name),
            })
        })
        .collect();
    json!({ "models": models })
}

fn openai_models(shared: &Shared) -> Value {
    let data: Vec<Value> = lock(&shared.models)
        .iter()
        .map(|m| {
            let created = m
                .modified_at
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            json!({"id": m.name, "object": "model", "created": created, "owned_by": "library"})
        })
        .collect();
    json!({ "object": "list", "data": data })
}

fn ps(shared: &Shared) -> Value {
    let mut loaded: Vec<(SystemTime, Value)> = lock(&shared.models)
        .iter()
        .filter(|m| m.loaded)
        .map(|m| {
            let v = json!({
                "name": m.name,
                "model": m.name,
                "size": m.size,
                "digest": digest_of(&m.name),
                "details": details(&m.name),
                "expires_at": rfc3339(m.expires_at),
                "size_vram": m.size_vram,
                "context_length": 4096,
            });
            (m.expires_at, v)
        })
        .collect();
    // Ollama lists the longest remaining keep-alive first.
    loaded.sort_by_key(|(expires, _)| std::cmp::Reverse(*expires));
    json!({ "models": loaded.into_iter().map(|(_, v)| v).collect::<Vec<_>>() })
}

fn show(req: &Request, shared: &Shared) -> Vec<u8> {
    if req.body.is_empty() {
        return error_response(400, "missing request body");
    }
    let body: Value = match serde_json::from_slice(&req.body) {
        Ok(v) => v,
        Err(e) => return error_response(400, &e.to_string()),
    };
    let requested = ["model", "name"]
        .iter()
        .filter_map(|k| body.get(*k).and_then(Value::as_str))
        .find(|s| !s.is_empty());
    let Some(requested) = requested else {
        return error_response(400, "model is required");
    };
    let name = normalize(requested);
    let models = lock(&shared.models);
    let Some(m) = models.iter().find(|m| m.name == name) else {
        return error_response(404, &not_found_message(requested));
    };
    json_response(
        200,
        &json!({
            "license": "",
            "modelfile": format!("# Modelfile generated by \"ollama show\"\n# To build a new Modelfile based on this, replace FROM with:\n# FROM {}\n\nFROM /stub/blobs/sha256-{}\n", m.name, digest_of(&m.name)),
            "parameters": "stop \"<|im_end|>\"",
            "template": "{{ .Prompt }}",
            "details": details(&m.name),
            "model_info": {
                "general.architecture": family_of(&m.name),
                "general.parameter_count": m.size / 2,
                "general.file_type": 15,
                "general.quantization_version": 2,
                format!("{}.context_length", family_of(&m.name)): 32768,
                format!("{}.embedding_length", family_of(&m.name)): 4096,
            },
            "capabilities": ["completion"],
            "modified_at": rfc3339(m.modified_at),
        }),
    )
}

/// Ollama's `/api/chat` and `/api/show` text for a model that is not installed
/// (`server/routes.go`: `fmt.Sprintf("model '%s' not found", req.Model)`), sent with
/// HTTP 404. Older releases and `/api/generate` say
/// `model "x" not found, try pulling it first`; clients should key on the status.
pub fn not_found_message(model: &str) -> String {
    format!("model '{model}' not found")
}

/// `llama3` and `llama3:latest` name the same model in Ollama.
fn normalize(name: &str) -> String {
    let last = name.rsplit('/').next().unwrap_or(name);
    if last.contains(':') {
        name.to_string()
    } else {
        format!("{name}:latest")
    }
}

// ---------------------------------------------------------------------------------
// /api/chat

/// `keep_alive` as Ollama reads it: seconds as a number, or a Go duration string
/// ("5m", "1h30m", "0", "-1"). `None` when absent or unreadable.
fn keep_alive_of(body: &Value) -> Option<KeepAlive> {
    let v = body.get("keep_alive")?;
    let secs = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => parse_go_duration(s)?,
        _ => return None,
    };
    Some(if secs < 0.0 {
        KeepAlive::Forever
    } else if secs == 0.0 {
        KeepAlive::Unload
    } else {
        KeepAlive::For(Duration::from_secs_f64(secs))
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum KeepAlive {
    Unload,
    For(Duration),
    Forever,
}

fn parse_go_duration(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>() {
        return Some(n);
    }
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => (-1.0, r),
        None => (1.0, s),
    };
    let mut total = 0.0;
    let mut num = String::new();
    let mut chars = rest.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        if c == 'm' && chars.peek() == Some(&'s') {
            chars.next();
            unit = "ms".into();
        }
        let factor = match unit.as_str() {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return None,
        };
        total += num.parse::<f64>().ok()? * factor;
        num.clear();
        any = true;
    }
    if !num.is_empty() || !any {
        return None;
    }
    Some(sign * total)
}

fn chat_line(model: &str, content: &str) -> Value {
    json!({
        "model": model,
        "created_at": rfc3339(SystemTime::now()),
        "message": { "role": "assistant", "content": content },
        "done": false,
    })
}

fn done_line(
    model: &str,
    content: &str,
    started: Instant,
    prompt_tokens: usize,
    eval_count: usize,
) -> Value {
    let total = started.elapsed().as_nanos().max(1) as u64;
    json!({
        "model": model,
        "created_at": rfc3339(SystemTime::now()),
        "message": { "role": "assistant", "content": content },
        "done_reason": "stop",
        "done": true,
        "total_duration": total,
        "load_duration": total / 10,
        "prompt_eval_count": prompt_tokens,
        "prompt_eval_duration": total / 5,
        "eval_count": eval_count,
        "eval_duration": total / 2,
    })
}

fn bare_done(model: &str, reason: &str) -> Value {
    json!({
        "model": model,
        "created_at": rfc3339(SystemTime::now()),
        "message": { "role": "assistant", "content": "" },
        "done_reason": reason,
        "done": true,
    })
}

/// A rough token count of the prompt: whitespace-separated words of all messages.
fn prompt_tokens(messages: &[Value]) -> usize {
    messages
        .iter()
        .filter_map(|m| m.get("content").and_then(Value::as_str))
        .map(|c| c.split_whitespace().count())
        .sum::<usize>()
        .max(1)
}

fn last_user_content(messages: &[Value]) -> String {
    messages
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
        .and_then(|m| m.get("content").and_then(Value::as_str))
        .unwrap_or_default()
        .to_string()
}

/// Writes a complete (non-streamed) response; `Gone` if the client has left.
async fn send(writer: &mut OwnedWriteHalf, bytes: &[u8]) -> Result<(), Gone> {
    writer.write_all(bytes).await.map_err(|_| Gone)?;
    writer.flush().await.map_err(|_| Gone)
}

/// The body of a chunked NDJSON stream whose header goes out with its first line.
struct NdjsonStream<'a> {
    writer: &'a mut OwnedWriteHalf,
    started: bool,
}

impl NdjsonStream<'_> {
    async fn raw_line(&mut self, line: &str) -> Result<(), Gone> {
        let mut out = Vec::new();
        if !self.started {
            out.extend(
                response_head(
                    200,
                    "application/x-ndjson",
                    "Transfer-Encoding: chunked\r\n",
                )
                .into_bytes(),
            );
            self.started = true;
        }
        let payload = format!("{line}\n");
        out.extend(format!("{:x}\r\n", payload.len()).into_bytes());
        out.extend(payload.into_bytes());
        out.extend(b"\r\n");
        send(self.writer, &out).await
    }

    async fn line(&mut self, v: &Value) -> Result<(), Gone> {
        self.raw_line(&v.to_string()).await
    }

    async fn finish(&mut self) -> Result<(), Gone> {
        send(self.writer, b"0\r\n\r\n").await
    }
}

async fn chat(
    req: &Request,
    reader: &mut Reader,
    writer: &mut OwnedWriteHalf,
    shared: &Shared,
) -> Result<After, Gone> {
    let started = Instant::now();
    if req.body.is_empty() {
        send(writer, &error_response(400, "missing request body")).await?;
        return Ok(After::KeepAlive);
    }
    let body: Value = match serde_json::from_slice(&req.body) {
        Ok(v) => v,
        Err(e) => {
            send(writer, &error_response(400, &e.to_string())).await?;
            return Ok(After::KeepAlive);
        }
    };
    let model = body
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if model.is_empty() {
        send(writer, &error_response(400, "model is required")).await?;
        return Ok(After::KeepAlive);
    }
    let messages: Vec<Value> = body
        .get("messages")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let streaming = body.get("stream").and_then(Value::as_bool).unwrap_or(true);
    let keep_alive = keep_alive_of(&body);
    let name = normalize(&model);

    let found = lock(&shared.models)
        .iter()
        .find(|m| m.name == name)
        .map(|m| (m.behavior.clone(), (!m.loaded).then_some(m.load_delay)));
    let Some((behavior, cold_load)) = found else {
        send(writer, &error_response(404, &not_found_message(&model))).await?;
        return Ok(After::KeepAlive);
    };

    if messages.is_empty() && keep_alive == Some(KeepAlive::Unload) {
        set_model_loaded(shared, &name, None);
        send(writer, &json_response(200, &bare_done(&model, "unload"))).await?;
        return Ok(After::KeepAlive);
    }

    if let Behavior::FailStatus(status, message) = &behavior {
        send(writer, &error_response(*status, message)).await?;
        return Ok(After::KeepAlive);
    }
    if behavior == Behavior::Hang {
        reader.wait_for_close().await;
        return Err(Gone);
    }

    if let Some(delay) = cold_load.filter(|d| !d.is_zero()) {
        tokio::time::sleep(delay).await;
    }
    set_model_loaded(
        shared,
        &name,
        Some(keep_alive.unwrap_or(KeepAlive::For(DEFAULT_KEEP_ALIVE))),
    );

    if messages.is_empty() {
        send(writer, &json_response(200, &bare_done(&model, "load"))).await?;
        return Ok(After::KeepAlive);
    }

    if let Behavior::Flood {
        chunk_bytes,
        chunks,
    } = behavior
    {
        let prompt_tokens = prompt_tokens(&messages);
        return flood_chat(&model, chunk_bytes, chunks, started, prompt_tokens, writer).await;
    }

    let (chunks, first_delay, chunk_delay) = match &behavior {
        Behavior::Reply {
            chunks,
            first_token_delay,
            chunk_delay,
        } => (chunks.clone(), *first_token_delay, *chunk_delay),
        Behavior::Echo => (
            vec![last_user_content(&messages)],
            Duration::ZERO,
            Duration::ZERO,
        ),
        Behavior::ByPrompt(pairs) => {
            let last = last_user_content(&messages);
            let reply = pairs
                .iter()
                .find(|(needle, _)| last.contains(needle.as_str()))
                .map(|(_, reply)| reply.clone())
                .unwrap_or_else(|| "no scripted answer".to_string());
            (vec![reply], Duration::ZERO, Duration::ZERO)
        }
        _ => (
            DEFAULT_CHUNKS.iter().map(|c| (*c).to_string()).collect(),
            Duration::ZERO,
            Duration::ZERO,
        ),
    };
    let prompt_tokens = prompt_tokens(&messages);

    let result = if streaming {
        stream_chat(
            &model,
            &behavior,
            &chunks,
            first_delay,
            chunk_delay,
            started,
            prompt_tokens,
            reader,
            writer,
        )
        .await
    } else {
        whole_chat(
            &model,
            &behavior,
            &chunks,
            first_delay,
            chunk_delay,
            started,
            prompt_tokens,
            reader,
            writer,
        )
        .await
    };

    if keep_alive == Some(KeepAlive::Unload) {
        // keep_alive 0 with messages: answer, then unload.
        set_model_loaded(shared, &name, None);
    }
    result
}

/// `Some(keep)` loads the model (or refreshes its expiry), `None` unloads it.
fn set_model_loaded(shared: &Shared, name: &str, keep: Option<KeepAlive>) {
    let mut models = lock(&shared.models);
    let Some(m) = models.iter_mut().find(|m| m.name == name) else {
        return;
    };
    match keep {
        None | Some(KeepAlive::Unload) => m.loaded = false,
        Some(k) => {
            if !m.loaded {
                m.size_vram = m.size;
            }
            m.loaded = true;
            m.expires_at = match k {
                KeepAlive::For(d) => SystemTime::now() + d,
                // Ollama's "forever" is the largest Go duration, about 292 years.
                _ => SystemTime::now() + Duration::from_secs(292 * 365 * 24 * 3600),
            };
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn stream_chat(
    model: &str,
    behavior: &Behavior,
    chunks: &[String],
    first_delay: Duration,
    chunk_delay: Duration,
    started: Instant,
    prompt_tokens: usize,
    reader: &mut Reader,
    writer: &mut OwnedWriteHalf,
) -> Result<After, Gone> {
    if let Behavior::ErrorMidStream { after: 0, message } = behavior {
        // Nothing written yet: Ollama still can set the status code.
        send(writer, &error_response(500, message)).await?;
        return Ok(After::KeepAlive);
    }
    if let Behavior::DropMidStream { after: 0 } = behavior {
        return Ok(After::Close);
    }
    if let Behavior::HangMidStream { after: 0 } = behavior {
        reader.wait_for_close().await;
        return Err(Gone);
    }
    if let Behavior::HeadersThenStall = behavior {
        let head = response_head(
            200,
            "application/x-ndjson",
            "Transfer-Encoding: chunked\r\n",
        );
        send(writer, head.as_bytes()).await?;
        reader.wait_for_close().await;
        return Err(Gone);
    }

    let mut stream = NdjsonStream {
        writer,
        started: false,
    };
    let mut sent = 0usize;
    for (i, chunk) in chunks.iter().enumerate() {
        match behavior {
            Behavior::ErrorMidStream { after, message } if *after == i => {
                stream.line(&json!({ "error": message })).await?;
                stream.finish().await?;
                return Ok(After::KeepAlive);
            }
            Behavior::HangMidStream { after } if *after == i => {
                reader.wait_for_close().await;
                return Err(Gone);
            }
            Behavior::DropMidStream { after } if *after == i => return Ok(After::Close),
            Behavior::Malformed { after } if *after == i => {
                stream.raw_line("this is not json {{{").await?;
            }
            _ => {}
        }
        reader
            .pause(if i == 0 { first_delay } else { chunk_delay })
            .await?;
        stream.line(&chat_line(model, chunk)).await?;
        sent += 1;
    }
    // `after` at or past the end of the reply: fail where the done line would go.
    match behavior {
        Behavior::ErrorMidStream { after, message } if *after >= chunks.len() => {
            stream.line(&json!({ "error": message })).await?;
            stream.finish().await?;
            return Ok(After::KeepAlive);
        }
        Behavior::HangMidStream { after } if *after >= chunks.len() => {
            reader.wait_for_close().await;
            return Err(Gone);
        }
        Behavior::DropMidStream { after } if *after >= chunks.len() => return Ok(After::Close),
        Behavior::Malformed { after } if *after >= chunks.len() => {
            stream.raw_line("this is not json {{{").await?;
        }
        Behavior::NoDone => {
            stream.finish().await?;
            return Ok(After::KeepAlive);
        }
        _ => {}
    }
    stream
        .line(&done_line(model, "", started, prompt_tokens, sent))
        .await?;
    stream.finish().await?;
    Ok(After::KeepAlive)
}

/// [`Behavior::Flood`]: the same line `chunks` times, then done.
async fn flood_chat(
    model: &str,
    chunk_bytes: usize,
    chunks: usize,
    started: Instant,
    prompt_tokens: usize,
    writer: &mut OwnedWriteHalf,
) -> Result<After, Gone> {
    let content: String = "flood ".repeat(chunk_bytes / 6 + 1)[..chunk_bytes].to_string();
    let line = chat_line(model, &content).to_string();
    let mut stream = NdjsonStream {
        writer,
        started: false,
    };
    for _ in 0..chunks {
        stream.raw_line(&line).await?;
    }
    stream
        .line(&done_line(model, "", started, prompt_tokens, chunks))
        .await?;
    stream.finish().await?;
    Ok(After::KeepAlive)
}

#[allow(clippy::too_many_arguments)]
async fn whole_chat(
    model: &str,
    behavior: &Behavior,
    chunks: &[String],
    first_delay: Duration,
    chunk_delay: Duration,
    started: Instant,
    prompt_tokens: usize,
    reader: &mut Reader,
    writer: &mut OwnedWriteHalf,
) -> Result<After, Gone> {
    match behavior {
        Behavior::ErrorMidStream { message, .. } => {
            send(writer, &error_response(500, message)).await?;
            return Ok(After::KeepAlive);
        }
        Behavior::HangMidStream { .. } => {
            reader.wait_for_close().await;
            return Err(Gone);
        }
        Behavior::DropMidStream { .. } => return Ok(After::Close),
        Behavior::HeadersThenStall => {
            let head = response_head(
                200,
                "application/json; charset=utf-8",
                "Transfer-Encoding: chunked\r\n",
            );
            send(writer, head.as_bytes()).await?;
            reader.wait_for_close().await;
            return Err(Gone);
        }
        Behavior::Malformed { .. } => {
            let body = b"{\"model\": this is not json";
            send(
                writer,
                &full_response(200, "application/json; charset=utf-8", body, false),
            )
            .await?;
            return Ok(After::KeepAlive);
        }
        _ => {}
    }
    let total_delay = first_delay + chunk_delay * (chunks.len().saturating_sub(1) as u32);
    reader.pause(total_delay).await?;
    let content: String = chunks.concat();
    let v = done_line(model, &content, started, prompt_tokens, chunks.len());
    send(writer, &json_response(200, &v)).await?;
    Ok(After::KeepAlive)
}

// ---------------------------------------------------------------------------------
// Time formatting without a date crate

/// (year, month, day) from days since 1970-01-01 (Howard Hinnant's civil_from_days).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn split_time(t: SystemTime) -> (i64, u32, u32, u64, u64, u64, u32, i64) {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400) as u64;
    let (y, mo, da) = civil_from_days(days);
    (
        y,
        mo,
        da,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_nanos(),
        days,
    )
}

/// RFC 3339 in UTC with nanoseconds and trailing zeros trimmed, as Go's
/// `time.RFC3339Nano` writes it: `2024-08-07T03:57:33.0365888Z`.
pub fn rfc3339(t: SystemTime) -> String {
    let (y, mo, d, h, mi, s, nanos, _) = split_time(t);
    let frac = if nanos == 0 {
        String::new()
    } else {
        format!(".{nanos:09}").trim_end_matches('0').to_string()
    };
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}Z")
}

/// The HTTP `Date` header format: `Tue, 15 Nov 1994 08:12:31 GMT`.
fn http_date(t: SystemTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d, h, mi, s, _, days) = split_time(t);
    let weekday = DAYS[days.rem_euclid(7) as usize];
    let month = MONTHS[(mo as usize).saturating_sub(1).min(11)];
    format!("{weekday}, {d:02} {month} {y} {h:02}:{mi:02}:{s:02} GMT")
}
