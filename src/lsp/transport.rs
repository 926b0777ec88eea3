//! The stdio transport in front of tower-lsp-server.
//!
//! ```text
//! stdin ─► framing::Decoder ─► well-formed frames ─► duplex ─► tower-lsp Server
//!                  └─ refusals (-32700/-32600) ─┐                   │
//! stdout ◄─ one writer task ◄── whole frames ◄──┴── proxy ◄─ duplex ◄┘
//! ```
//!
//! tower-lsp ends its session at the first frame it cannot decode, and after stdin closes
//! it waits for every request still running (a model stream, a dialog) before returning.
//! Here the input is framed first (see [`super::framing`]), and the session's end is
//! decided by what the editor did, not by tower-lsp:
//! - `exit` ends it (tower-lsp cancels what is pending), with exit code 0 after a
//!   `shutdown` request and 1 without one, as the LSP specification says;
//! - end of input ends it at once; whatever is still running is dropped with the runtime,
//!   which closes the backend streams.
//!
//! stdout has one writer, which takes whole frames only, so a refusal never lands inside
//! one of tower-lsp's frames.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Error, Id, Response};
use tower_lsp_server::{ClientSocket, LanguageServer, LspService, Server};
use tracing::{error, warn};

use super::framing::{Decoder, Item, Malformed, Message};

/// How the session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `exit` arrived.
    Exit,
    /// stdin closed (the editor went away) or could not be read.
    EndOfInput,
    /// tower-lsp stopped reading before `exit`.
    ServerStopped,
}

/// The end of a session and whether `shutdown` was requested before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub ending: Ending,
    pub shutdown_requested: bool,
}

impl Outcome {
    /// 0 after `shutdown`, else 1 (the LSP specification's rule for `exit`; the same for
    /// an editor that went away without shutting the server down).
    pub fn exit_code(self) -> u8 {
        u8::from(!self.shutdown_requested)
    }
}

/// Bytes in flight between the framing layer and tower-lsp, each way.
const PIPE_BYTES: usize = 256 * 1024;
/// Whole frames waiting for stdout.
const OUTPUT_FRAMES: usize = 64;
/// After `exit`, how long tower-lsp may take to cancel what is pending and write its last
/// frames.
const EXIT_GRACE: Duration = Duration::from_millis(300);
/// How long queued frames may take to reach stdout when the session ends.
const FLUSH_GRACE: Duration = Duration::from_millis(300);

/// Serves `service` on stdin/stdout until `exit` or the end of input.
pub async fn serve_stdio<S: LanguageServer>(
    service: LspService<S>,
    socket: ClientSocket,
    concurrency: usize,
) -> Outcome {
    let (mut to_server, server_in) = tokio::io::duplex(PIPE_BYTES);
    let (server_out, from_server) = tokio::io::duplex(PIPE_BYTES);
    let (frames, frames_rx) = mpsc::channel(OUTPUT_FRAMES);
    let writer = tokio::spawn(write_frames(tokio::io::stdout(), frames_rx));
    let proxy = tokio::spawn(proxy_frames(from_server, frames.clone()));
    let server = tokio::spawn(
        Server::new(server_in, server_out, socket)
            .concurrency_level(concurrency)
            .serve(service),
    );

    let outcome = read_input(tokio::io::stdin(), &mut to_server, &frames).await;
    drop(to_server);
    drop(frames);
    if outcome.ending == Ending::Exit {
        // tower-lsp ends its session on `exit`, and its last frames reach the proxy.
        let _ = tokio::time::timeout(EXIT_GRACE, server).await;
        let _ = tokio::time::timeout(EXIT_GRACE, proxy).await;
    } else {
        // Requests still running (a model stream, an open dialog) must not keep the
        // process alive once the editor has gone: they are dropped with the runtime.
        proxy.abort();
    }
    let _ = tokio::time::timeout(FLUSH_GRACE, writer).await;
    outcome
}

async fn read_input(
    mut input: impl AsyncRead + Unpin,
    to_server: &mut (impl AsyncWrite + Unpin),
    frames: &mpsc::Sender<Vec<u8>>,
) -> Outcome {
    let mut decoder = Decoder::default();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut shutdown_requested = false;
    loop {
        while let Some(item) = decoder.next_item() {
            match item {
                Item::Message(message) => {
                    let method = message.method.as_deref();
                    shutdown_requested |= method == Some("shutdown") && message.has_id;
                    let exit = method == Some("exit");
                    if let Err(e) = forward(to_server, &message).await {
                        error!("the language server stopped reading: {e}");
                        return Outcome {
                            ending: Ending::ServerStopped,
                            shutdown_requested,
                        };
                    }
                    if exit {
                        return Outcome {
                            ending: Ending::Exit,
                            shutdown_requested,
                        };
                    }
                }
                Item::Malformed(malformed) => refuse(&malformed, frames).await,
            }
        }
        match input.read(&mut chunk).await {
            Ok(0) => {
                if let Some(lost) = decoder.finish() {
                    warn!("{lost}");
                }
                return Outcome {
                    ending: Ending::EndOfInput,
                    shutdown_requested,
                };
            }
            Ok(n) => decoder.push(&chunk[..n]),
            Err(e) => {
                error!("cannot read stdin: {e}");
                return Outcome {
                    ending: Ending::EndOfInput,
                    shutdown_requested,
                };
            }
        }
    }
}

async fn forward(
    to_server: &mut (impl AsyncWrite + Unpin),
    message: &Message,
) -> std::io::Result<()> {
    let body = message.body();
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    to_server.write_all(header.as_bytes()).await?;
    to_server.write_all(body).await?;
    to_server.flush().await
}

async fn refuse(malformed: &Malformed, frames: &mpsc::Sender<Vec<u8>>) {
    let ids: Vec<String> = malformed.reply_to.iter().map(Id::to_string).collect();
    warn!(
        code = malformed.code.code(),
        ids = %ids.join(","),
        "malformed message refused: {}",
        malformed.reason
    );
    for id in &malformed.reply_to {
        let error = Error {
            code: malformed.code,
            message: malformed.reason.clone().into(),
            data: None,
        };
        match serde_json::to_vec(&Response::from_error(id.clone(), error)) {
            Ok(body) => {
                let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
                frame.extend(body);
                // The writer is gone only when stdout is: nobody to tell.
                let _ = frames.send(frame).await;
            }
            Err(e) => error!("cannot encode an error reply: {e}"),
        }
    }
}

/// Re-cuts tower-lsp's output into whole frames for the writer. tower-lsp writes
/// `Content-Length: N\r\n\r\n` and N bytes, nothing else.
async fn proxy_frames(from_server: impl AsyncRead + Unpin, frames: mpsc::Sender<Vec<u8>>) {
    let mut reader = BufReader::new(from_server);
    loop {
        let mut frame = Vec::new();
        let mut length = None;
        loop {
            let start = frame.len();
            match reader.read_until(b'\n', &mut frame).await {
                Ok(0) => return,
                Ok(_) => {}
                Err(e) => {
                    error!("cannot read the language server's output: {e}");
                    return;
                }
            }
            let line = frame[start..].trim_ascii();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix(b"Content-Length:") {
                length = std::str::from_utf8(value)
                    .ok()
                    .and_then(|v| v.trim().parse::<usize>().ok());
            }
        }
        let Some(length) = length else {
            error!("the language server wrote a frame without Content-Length");
            return;
        };
        let start = frame.len();
        frame.resize(start + length, 0);
        if let Err(e) = reader.read_exact(&mut frame[start..]).await {
            error!("the language server's output ended inside a frame: {e}");
            return;
        }
        if frames.send(frame).await.is_err() {
            return;
        }
    }
}

async fn write_frames(mut out: impl AsyncWrite + Unpin, mut frames: mpsc::Receiver<Vec<u8>>) {
    while let Some(frame) = frames.recv().await {
        let written = match out.write_all(&frame).await {
            Ok(()) if frames.is_empty() => out.flush().await,
            other => other,
        };
        if let Err(e) = written {
            warn!("cannot write to stdout: {e}");
            return;
        }
    }
    let _ = out.flush().await;
}
