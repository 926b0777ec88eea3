//! Model servers behind one trait: Ollama's native API (`ollama.rs`) and OpenAI-compatible
//! servers such as llama.cpp's llama-server, vLLM and LM Studio (`openai.rs`).
//!
//! A backend streams an answer as [`Chunk`]s. Dropping the stream drops the HTTP response,
//! which closes the connection at once, so the server stops generating.

pub mod ollama;
pub mod openai;

use std::pin::Pin;
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::{Stream, StreamExt};
use serde::Serialize;

use crate::config::{BackendConfig, BackendKind};

/// One message of a chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Self {
        Message {
            role: Role::System,
            content: content.into(),
        }
    }
    pub fn user(content: impl Into<String>) -> Self {
        Message {
            role: Role::User,
            content: content.into(),
        }
    }
}

/// A chat request to one model.
#[derive(Debug, Clone)]
pub struct ChatRequest {
    pub model: String,
    pub messages: Vec<Message>,
    /// Ollama's keep_alive ("10m"); ignored by OpenAI-compatible servers.
    pub keep_alive: Option<String>,
    pub temperature: Option<f32>,
    /// The most tokens to generate (Ollama `num_predict`, OpenAI `max_tokens`).
    pub max_tokens: Option<u32>,
    /// The most bytes of answer read: past them the stream ends with [`Chunk::Cut`] and the
    /// connection is closed, whatever the server does with the token cap.
    pub max_bytes: usize,
}

/// The byte cap of an answer ([`ChatRequest::max_bytes`]) unless a caller sets another:
/// far more than any answer a task asks for, far less than what a runaway stream can send.
pub const MAX_ANSWER_BYTES: usize = 1 << 20;

/// Longest line of a stream (an NDJSON object, an SSE event) that is read; a longer one
/// is an error, so a server that never sends a line break cannot fill the memory.
pub const MAX_LINE_BYTES: usize = 4 << 20;

/// A piece of a streamed answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Chunk {
    Token(String),
    /// The answer reached the byte cap: the tokens so far are its beginning, and the rest
    /// was not read. Ends the stream.
    Cut {
        max_bytes: usize,
    },
    /// The answer is complete; token counts when the server reports them.
    Done {
        prompt_tokens: Option<u64>,
        completion_tokens: Option<u64>,
    },
}

pub type ChunkStream = Pin<Box<dyn Stream<Item = Result<Chunk, BackendError>> + Send>>;

/// A model the backend has installed (Ollama `/api/tags`) or serves (`/v1/models`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstalledModel {
    pub name: String,
    /// Size on disk in bytes, when known.
    pub size: Option<u64>,
}

/// What `/api/show` says about a model.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ModelDetails {
    pub family: Option<String>,
    pub parameter_size: Option<String>,
    pub quantization_level: Option<String>,
    pub context_length: Option<u64>,
}

/// A model loaded in memory (Ollama `/api/ps`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadedModel {
    pub name: String,
    pub size: u64,
    pub size_vram: u64,
}

/// What can go wrong talking to a model server, each with what the user can do about it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BackendError {
    #[error("cannot reach {kind} at {url}: {reason}. {hint}")]
    Unreachable {
        kind: &'static str,
        url: String,
        reason: String,
        hint: String,
    },
    #[error("model `{model}` is not available on {url}. {hint}")]
    ModelNotFound {
        model: String,
        url: String,
        hint: String,
    },
    #[error("{url} answered HTTP {status}: {message}")]
    Http {
        url: String,
        status: u16,
        message: String,
    },
    #[error("the answer from {url} broke off: {message}")]
    Stream { url: String, message: String },
    #[error("{url} sent something that is not a valid answer: {message}")]
    Garbage { url: String, message: String },
    #[error("no {phase} from {url} within {limit_s} s")]
    Timeout {
        url: String,
        phase: TimeoutPhase,
        limit_s: u64,
    },
    #[error("backend `{name}` at {url} is not on this machine and was not configured explicitly: set backends.{name}.url in the configuration to send prompts there")]
    ImplicitRemote { name: String, url: String },
    /// The configuration left this backend without a usable URL (an invalid `OLLAMA_HOST`).
    #[error("{message}")]
    Unusable { name: String, message: String },
    #[error("environment variable {var} (backends.{name}.api_key_env) is not set")]
    MissingApiKey { name: String, var: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeoutPhase {
    Connection,
    FirstToken,
    Total,
}

impl std::fmt::Display for TimeoutPhase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TimeoutPhase::Connection => "connection",
            TimeoutPhase::FirstToken => "first token",
            TimeoutPhase::Total => "complete answer",
        })
    }
}

impl BackendError {
    pub fn is_timeout(&self) -> bool {
        matches!(self, BackendError::Timeout { .. })
    }

    /// The server did not take the connection (refused, no route, connect timeout) or
    /// cannot be addressed at all: any other request to it now fails the same way.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            BackendError::Unreachable { .. }
                | BackendError::Unusable { .. }
                | BackendError::Timeout {
                    phase: TimeoutPhase::Connection,
                    ..
                }
        )
    }

    /// The message without the hint on what to do, for a line that another one with the
    /// hint accompanies (the hint is said once).
    pub fn brief(&self) -> String {
        match self {
            BackendError::Unreachable {
                kind, url, reason, ..
            } => format!("cannot reach {kind} at {url}: {reason}"),
            other => other.to_string(),
        }
    }

    /// What the user can do, where the error carries it.
    pub fn hint(&self) -> Option<&str> {
        match self {
            BackendError::Unreachable { hint, .. } | BackendError::ModelNotFound { hint, .. } => {
                Some(hint).filter(|h| !h.is_empty()).map(String::as_str)
            }
            _ => None,
        }
    }
}

/// Whether two backend URLs name the same server (scheme, host and port): one that refused
/// a connection refuses it under any backend name or API path.
pub fn same_server(a: &str, b: &str) -> bool {
    let key = |url: &str| {
        reqwest::Url::parse(url).ok().map(|u| {
            (
                u.scheme().to_string(),
                u.host_str().map(str::to_ascii_lowercase),
                u.port_or_known_default(),
            )
        })
    };
    match (key(a), key(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}

/// A model server.
pub trait Backend: Send + Sync {
    fn kind(&self) -> BackendKind;
    /// The base URL, as used for messages.
    fn url(&self) -> &str;
    /// Starts a streamed chat; resolves when the server has accepted the request.
    fn chat(&self, req: ChatRequest) -> BoxFuture<'_, Result<ChunkStream, BackendError>>;
    /// Models the server has installed or serves.
    fn installed(&self) -> BoxFuture<'_, Result<Vec<InstalledModel>, BackendError>>;
    /// Models loaded in memory; `None` when the server cannot say (OpenAI-compatible).
    fn loaded(&self) -> BoxFuture<'_, Result<Option<Vec<LoadedModel>>, BackendError>>;
    /// A model's details (Ollama `/api/show`: family, parameter size, quantization,
    /// context length); `None` where the server has no such call.
    fn show<'a>(
        &'a self,
        model: &'a str,
    ) -> BoxFuture<'a, Result<Option<ModelDetails>, BackendError>>;
    /// Loads a model without generating (Ollama preload); a no-op where unsupported.
    fn preload<'a>(
        &'a self,
        model: &'a str,
        keep_alive: Option<&'a str>,
    ) -> BoxFuture<'a, Result<(), BackendError>>;
    /// One short answer, not streamed, constrained to the JSON `schema` (Ollama `format`,
    /// OpenAI `response_format`): the answer's text, for the caller to parse. For a
    /// classifier's one word; `req.max_bytes` is not applied (keep `max_tokens` small).
    fn complete_json<'a>(
        &'a self,
        req: ChatRequest,
        schema: &'a serde_json::Value,
    ) -> BoxFuture<'a, Result<String, BackendError>> {
        let _ = (req, schema);
        Box::pin(async move {
            Err(BackendError::Http {
                url: self.url().to_string(),
                status: 0,
                message: "constrained answers are not supported by this backend".into(),
            })
        })
    }
}

/// Builds a backend from its configuration. `connect_timeout` bounds opening a connection.
pub fn build(
    name: &str,
    cfg: &BackendConfig,
    connect_timeout: Duration,
) -> Result<Box<dyn Backend>, BackendError> {
    let client = reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        // Local servers: no proxy from the environment should intercept loopback traffic.
        .no_proxy()
        .build()
        .map_err(|e| BackendError::Unreachable {
            kind: "the HTTP client",
            url: cfg.url.clone(),
            reason: e.to_string(),
            hint: String::new(),
        })?;
    let token = match &cfg.api_key_env {
        Some(var) => Some(std::env::var(var).map_err(|_| BackendError::MissingApiKey {
            name: name.to_string(),
            var: var.clone(),
        })?),
        None => None,
    };
    Ok(match cfg.kind {
        BackendKind::Ollama => Box::new(ollama::Ollama::new(client, &cfg.url, token)),
        BackendKind::Openai => Box::new(openai::OpenAi::new(client, &cfg.url, token)),
    })
}

// Whether a URL is this machine is the configuration's knowledge (trust decides by it).
pub use crate::config::is_loopback;

/// The HTTP side both kinds share: base URL, bearer token, and the mapping of failures to
/// messages that name the URL and the fix.
pub(crate) struct Http {
    client: reqwest::Client,
    pub url: String,
    token: Option<String>,
    /// "Ollama", "the OpenAI-compatible server".
    kind: &'static str,
    /// What to do when the server cannot be reached.
    start_hint: &'static str,
}

impl Http {
    pub fn new(
        client: reqwest::Client,
        url: String,
        token: Option<String>,
        kind: &'static str,
        start_hint: &'static str,
    ) -> Self {
        Http {
            client,
            url,
            token,
            kind,
            start_hint,
        }
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let rb = self.client.request(method, format!("{}{path}", self.url));
        match &self.token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    /// Sends a request; a 404 for a request about `model` becomes `ModelNotFound` with the
    /// hint `not_found(model, server's message)`.
    pub async fn send(
        &self,
        rb: reqwest::RequestBuilder,
        model: Option<&str>,
        not_found: fn(&str, &str, &str) -> String,
    ) -> Result<reqwest::Response, BackendError> {
        let resp = rb
            .send()
            .await
            .map_err(|e| transport_error(e, self.kind, &self.url, self.start_hint))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let body = resp.text().await.unwrap_or_default();
        let message = error_message(&body);
        match model {
            Some(m) if status == reqwest::StatusCode::NOT_FOUND => {
                Err(BackendError::ModelNotFound {
                    model: m.to_string(),
                    url: self.url.clone(),
                    hint: not_found(m, &message, &self.url),
                })
            }
            _ => Err(BackendError::Http {
                url: self.url.clone(),
                status: status.as_u16(),
                message,
            }),
        }
    }

    /// GET a JSON document.
    /// POSTs `body` and reads the whole JSON answer (a non-streamed chat).
    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
        model: &str,
        not_found: fn(&str, &str, &str) -> String,
    ) -> Result<serde_json::Value, BackendError> {
        let rb = self.request(reqwest::Method::POST, path).json(body);
        let resp = self.send(rb, Some(model), not_found).await?;
        resp.json().await.map_err(|e| BackendError::Garbage {
            url: self.url.clone(),
            message: format!("{path}: {e}"),
        })
    }

    pub async fn get_json(&self, path: &str) -> Result<serde_json::Value, BackendError> {
        let resp = self
            .send(self.request(reqwest::Method::GET, path), None, |_, m, _| {
                m.to_string()
            })
            .await?;
        resp.json().await.map_err(|e| BackendError::Garbage {
            url: self.url.clone(),
            message: format!("{path}: {e}"),
        })
    }

    /// A streamed body as parsed chunks, ending with `Done`, `Cut` after `max_bytes` of
    /// answer, or an error.
    pub fn chunks(
        &self,
        resp: reqwest::Response,
        parse: fn(&str, &str) -> Option<Result<Chunk, BackendError>>,
        max_bytes: usize,
    ) -> ChunkStream {
        let url = self.url.clone();
        let stream = lines(resp.bytes_stream(), url.clone())
            .filter_map(move |line| {
                let url = url.clone();
                async move {
                    match line {
                        Ok(l) => parse(&l, &url),
                        Err(e) => Some(Err(e)),
                    }
                }
            })
            .boxed();
        cap_bytes(require_done(stream, self.url.clone()), max_bytes)
    }
}

/// Maps a transport error to a message that names the URL and the fix.
pub(crate) fn transport_error(
    e: reqwest::Error,
    kind: &'static str,
    url: &str,
    hint: &str,
) -> BackendError {
    if e.is_connect() || e.is_timeout() && !e.is_body() {
        let reason = if e.is_timeout() {
            "connection timed out".to_string()
        } else {
            root_cause(&e)
        };
        BackendError::Unreachable {
            kind,
            url: url.to_string(),
            reason,
            hint: hint.to_string(),
        }
    } else {
        BackendError::Stream {
            url: url.to_string(),
            message: root_cause(&e),
        }
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// Splits a byte stream into lines (without `\n` / `\r\n`), for NDJSON and SSE. A final
/// line without a newline is yielded too; invalid UTF-8 is replaced, never a panic. A line
/// longer than [`MAX_LINE_BYTES`] ends the stream with an error. Each byte is scanned and
/// moved once.
pub(crate) fn lines<S>(
    body: S,
    url: String,
) -> impl Stream<Item = Result<String, BackendError>> + Send
where
    S: Stream<Item = Result<bytes::Bytes, reqwest::Error>> + Send + 'static,
{
    let state = LineState {
        body: Box::pin(body),
        buf: Vec::new(),
        start: 0,
        scanned: 0,
        ended: false,
        url,
    };
    futures_util::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(line) = st.take_line() {
                return Some((Ok(line), st));
            }
            st.compact();
            if st.ended {
                return st.take_rest().map(|rest| (Ok(rest), st));
            }
            if let Some(err) = st.overlong() {
                return Some((Err(err), st));
            }
            match st.body.next().await {
                Some(Ok(bytes)) => st.buf.extend_from_slice(&bytes),
                Some(Err(e)) => {
                    st.ended = true;
                    st.buf.clear();
                    st.scanned = 0;
                    let err = BackendError::Stream {
                        url: st.url.clone(),
                        message: root_cause(&e),
                    };
                    return Some((Err(err), st));
                }
                None => st.ended = true,
            }
        }
    })
}

/// What [`lines`] keeps between reads.
struct LineState<S> {
    body: Pin<Box<S>>,
    /// Received bytes; those before `start` were yielded already.
    buf: Vec<u8>,
    start: usize,
    /// Bytes of `buf` already searched for a newline.
    scanned: usize,
    ended: bool,
    url: String,
}

impl<S> LineState<S> {
    /// The next complete line in the buffer, if one has arrived.
    fn take_line(&mut self) -> Option<String> {
        let i = self.buf[self.scanned..].iter().position(|&b| b == b'\n')?;
        let end = self.scanned + i;
        let mut line = &self.buf[self.start..end];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        let s = String::from_utf8_lossy(line).into_owned();
        self.start = end + 1;
        self.scanned = self.start;
        Some(s)
    }

    /// Drops what was yielded, once per read rather than once per line; the rest of the
    /// buffer holds no newline.
    fn compact(&mut self) {
        self.buf.drain(..self.start);
        self.start = 0;
        self.scanned = self.buf.len();
    }

    /// The ended stream's last line, which had no newline; `None` when there is none.
    fn take_rest(&mut self) -> Option<String> {
        if self.buf.is_empty() {
            return None;
        }
        let s = String::from_utf8_lossy(&self.buf).into_owned();
        self.buf.clear();
        self.scanned = 0;
        Some(s)
    }

    /// The error that ends the stream when the unfinished line is over [`MAX_LINE_BYTES`].
    fn overlong(&mut self) -> Option<BackendError> {
        if self.buf.len() <= MAX_LINE_BYTES {
            return None;
        }
        self.ended = true;
        self.buf = Vec::new();
        self.scanned = 0;
        Some(BackendError::Garbage {
            url: self.url.clone(),
            message: format!(
                "a line of the stream is longer than {} MiB",
                MAX_LINE_BYTES >> 20
            ),
        })
    }
}

/// Passes tokens until `max_bytes` of them have come, cuts the token that crosses the cap
/// at a char boundary, then ends with [`Chunk::Cut`]. The inner stream is dropped there,
/// which closes the connection, so the server stops generating.
pub(crate) fn cap_bytes(stream: ChunkStream, max_bytes: usize) -> ChunkStream {
    enum Cap {
        Reading(ChunkStream, usize),
        Cut,
        Ended,
    }
    futures_util::stream::unfold(Cap::Reading(stream, 0), move |state| async move {
        match state {
            Cap::Reading(mut stream, seen) => match stream.next().await {
                Some(Ok(Chunk::Token(mut text))) => {
                    if seen + text.len() <= max_bytes {
                        let seen = seen + text.len();
                        return Some((Ok(Chunk::Token(text)), Cap::Reading(stream, seen)));
                    }
                    let mut keep = max_bytes - seen;
                    while !text.is_char_boundary(keep) {
                        keep -= 1;
                    }
                    text.truncate(keep);
                    if text.is_empty() {
                        Some((Ok(Chunk::Cut { max_bytes }), Cap::Ended))
                    } else {
                        Some((Ok(Chunk::Token(text)), Cap::Cut))
                    }
                }
                Some(item) => Some((item, Cap::Reading(stream, seen))),
                None => None,
            },
            Cap::Cut => Some((Ok(Chunk::Cut { max_bytes }), Cap::Ended)),
            Cap::Ended => None,
        }
    })
    .boxed()
}

/// The objects of an array field of a JSON answer, each read by `read`; entries it cannot
/// read are skipped, a missing field is an empty list.
pub(crate) fn items<T>(
    v: &serde_json::Value,
    key: &str,
    read: impl Fn(&serde_json::Value) -> Option<T>,
) -> Vec<T> {
    v[key]
        .as_array()
        .map(|a| a.iter().filter_map(read).collect())
        .unwrap_or_default()
}

/// The `error` message of a JSON error body (`{"error": "..."}` or
/// `{"error": {"message": "..."}}`), else the body itself, shortened.
pub(crate) fn error_message(body: &str) -> String {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(body) {
        let e = &v["error"];
        if let Some(s) = e.as_str() {
            return s.to_string();
        }
        if let Some(s) = e["message"].as_str() {
            return s.to_string();
        }
    }
    let body = body.trim();
    if body.is_empty() {
        "(empty body)".into()
    } else {
        body.chars().take(300).collect()
    }
}

/// Ends the stream after `Done`, and turns an end without `Done` into an error: a stream
/// that stops early must not pass for a complete answer.
pub(crate) fn require_done(stream: ChunkStream, url: String) -> ChunkStream {
    futures_util::stream::unfold(
        (stream, false, url),
        |(mut stream, finished, url)| async move {
            if finished {
                return None;
            }
            match stream.next().await {
                Some(Ok(Chunk::Done {
                    prompt_tokens,
                    completion_tokens,
                })) => Some((
                    Ok(Chunk::Done {
                        prompt_tokens,
                        completion_tokens,
                    }),
                    (stream, true, url),
                )),
                Some(Err(e)) => Some((Err(e), (stream, true, url))),
                Some(Ok(chunk)) => Some((Ok(chunk), (stream, false, url))),
                None => Some((
                    Err(BackendError::Stream {
                        url: url.clone(),
                        message: "the stream ended before the answer was complete".into(),
                    }),
                    (stream, true, url),
                )),
            }
        },
    )
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for u in [
            "http://127.0.0.1:11434",
            "http://localhost:8080/v1",
            "http://[::1]:1",
            "http://127.3.2.1",
        ] {
            assert!(is_loopback(u), "{u}");
        }
        for u in [
            "http://10.0.0.5:11434",
            "https://gpu.example.com/v1",
            "nonsense",
        ] {
            assert!(!is_loopback(u), "{u}");
        }
    }

    #[test]
    fn error_bodies() {
        assert_eq!(
            error_message(r#"{"error":"model 'x' not found"}"#),
            "model 'x' not found"
        );
        assert_eq!(
            error_message(r#"{"error":{"code":400,"message":"bad","type":"t"}}"#),
            "bad"
        );
        assert_eq!(error_message("  "), "(empty body)");
        assert_eq!(error_message("<html>oops"), "<html>oops");
    }

    #[tokio::test]
    async fn answers_are_cut_at_the_byte_cap_on_a_char_boundary() {
        let chunks: Vec<Result<Chunk, BackendError>> = vec![
            Ok(Chunk::Token("abc".into())),
            Ok(Chunk::Token("dä€f".into())),
            Ok(Chunk::Token("never read".into())),
        ];
        let got: Vec<Chunk> = cap_bytes(futures_util::stream::iter(chunks).boxed(), 6)
            .map(|r| r.unwrap())
            .collect()
            .await;
        // "dä" is 3 bytes; the euro sign would cross the cap.
        assert_eq!(
            got,
            vec![
                Chunk::Token("abc".into()),
                Chunk::Token("dä".into()),
                Chunk::Cut { max_bytes: 6 }
            ]
        );
    }

    #[tokio::test]
    async fn a_line_without_end_is_refused_past_the_line_limit() {
        let block = bytes::Bytes::from(vec![b'x'; 1 << 20]);
        let parts = (0..6).map(move |_| Ok::<_, reqwest::Error>(block.clone()));
        let got: Vec<Result<String, BackendError>> =
            lines(futures_util::stream::iter(parts), "u".into())
                .collect()
                .await;
        assert_eq!(got.len(), 1);
        assert!(
            matches!(&got[0], Err(BackendError::Garbage { message, .. }) if message.contains("longer than 4 MiB"))
        );
    }

    #[tokio::test]
    async fn lines_split_across_chunks_and_keep_a_final_partial_line() {
        let parts: Vec<Result<bytes::Bytes, reqwest::Error>> = vec![
            Ok(bytes::Bytes::from_static(b"{\"a\":1}\r\n{\"b\"")),
            Ok(bytes::Bytes::from_static(b":2}\n\xff\n")),
            Ok(bytes::Bytes::from_static(b"tail")),
        ];
        let got: Vec<String> = lines(futures_util::stream::iter(parts), "u".into())
            .map(|r| r.unwrap())
            .collect()
            .await;
        assert_eq!(got, vec!["{\"a\":1}", "{\"b\":2}", "\u{fffd}", "tail"]);
    }
}
