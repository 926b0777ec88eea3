//! `textDocument/inlineCompletion` (LSP 3.18): ghost text on the fresh line right after a
//! request comment. The command comes from the same pipeline as "Generate shell command"
//! (`features::generate::run`), with a silent ui that never asks (a load that needs the
//! VRAM guard's consent is not made, so nothing is offered). A dangerous
//! command is never offered; a caution-level one carries its comment line. Automatic
//! requests wait `inline.debounce_ms` first; a newer request supersedes an older one,
//! which drops its engine future (the backend stream closes). Answers are cached per
//! document, request line and dialect.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tower_lsp_server::jsonrpc::{ErrorCode, Result};
use tower_lsp_server::ls_types::{
    InlineCompletionItem, InlineCompletionParams, InlineCompletionResponse,
    InlineCompletionTriggerKind, MessageType, Position, Range, Uri,
};
use tower_lsp_server::Client;
use tracing::debug;

use crate::engine::router::AskError;
use crate::features::{self, generate, Silent};
use crate::risk::RiskLevel;
use crate::tasks::shell_command::Dialect;

use super::documents::Document;
use super::session::Session;
use super::{actions, convert, edit};

pub const METHOD: &str = "textDocument/inlineCompletion";

/// How many answers the cache keeps.
const CACHE_ENTRIES: usize = 32;

type Key = (String, String, Dialect);

/// What a request line was answered with.
#[derive(Debug, Clone)]
enum Answer {
    /// The lines to offer (a caution comment first where there is one), unindented.
    Lines(Vec<String>),
    /// A dangerous command: never offered; the reasons.
    Danger(String),
}

/// Per-connection state: which request is the newest, and the cache.
#[derive(Default)]
pub struct InlineState {
    seq: AtomicU64,
    newer: tokio::sync::Notify,
    cache: Mutex<VecDeque<(Key, Answer)>>,
}

impl InlineState {
    /// Registers a new request; every older one is superseded.
    fn begin(&self) -> u64 {
        let n = self.seq.fetch_add(1, Ordering::SeqCst) + 1;
        self.newer.notify_waiters();
        n
    }

    /// Resolves once a request newer than `mine` has come.
    async fn superseded(&self, mine: u64) {
        loop {
            let notified = self.newer.notified();
            if self.seq.load(Ordering::SeqCst) != mine {
                return;
            }
            notified.await;
        }
    }

    fn cached(&self, key: &Key) -> Option<Answer> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.iter().find(|(k, _)| k == key).map(|(_, a)| a.clone())
    }

    fn remember(&self, key: Key, answer: Answer) {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|(k, _)| k != &key);
        if cache.len() >= CACHE_ENTRIES {
            cache.pop_front();
        }
        cache.push_back((key, answer));
    }
}

/// Where ghost text applies: the fresh line and the request above it.
struct Target {
    doc: Document,
    line: usize,
    request_line: String,
    request: String,
    dialect: Dialect,
    indent: String,
}

fn target(session: &Session, uri: &Uri, pos: Position) -> Option<Target> {
    let doc = session.documents().get(uri)?.clone();
    let line = pos.line as usize;
    let current = doc.line(line)?;
    // A line holding only `#` is fresh too: Neovim's sh ftplugin continues a comment on
    // Enter ('formatoptions' r), and the item replaces the whole line.
    if line == 0 || !matches!(current.trim(), "" | "#") {
        return None;
    }
    let request_line = doc.line(line - 1)?;
    let dialect = actions::command_dialect(&doc, line - 1, &session.command_languages())?;
    let request = actions::line_request(&request_line, dialect)?;
    let leading = |l: &str| {
        l.chars()
            .take_while(|c| c.is_whitespace())
            .collect::<String>()
    };
    // The fresh line's own indentation, or the request's when the editor put none.
    let indent = match leading(&current) {
        own if own.is_empty() => leading(&request_line),
        own => own,
    };
    Some(Target {
        doc,
        line,
        request_line,
        request,
        dialect,
        indent,
    })
}

/// Answers one request (see the module comment).
pub async fn complete(
    client: Client,
    session: Arc<Session>,
    state: Arc<InlineState>,
    params: InlineCompletionParams,
) -> Result<Option<InlineCompletionResponse>> {
    let mine = state.begin();
    let cfg = session.engine().config().inline.clone();
    if !cfg.enabled {
        return Ok(None);
    }
    let uri = params.text_document_position.text_document.uri;
    let invoked = params.context.trigger_kind == InlineCompletionTriggerKind::INVOKED;
    let Some(t) = target(&session, &uri, params.text_document_position.position) else {
        return Ok(None);
    };
    let key: Key = (uri.as_str().to_string(), t.request_line.clone(), t.dialect);
    let answer = match state.cached(&key) {
        Some(a) => a,
        None => {
            let work = generate(
                session.clone(),
                t.doc.clone(),
                uri.clone(),
                t.line - 1,
                t.request.clone(),
                t.dialect,
                if invoked { 0 } else { cfg.debounce_ms },
            );
            let result = tokio::select! {
                _ = state.superseded(mine) => {
                    debug!("inline completion superseded by a newer request");
                    return Ok(None);
                }
                r = work => r,
            };
            match result {
                Ok(g) => {
                    let a = answer_of(&g);
                    state.remember(key, a.clone());
                    a
                }
                Err(e) => {
                    if invoked && e.code != ErrorCode::RequestCancelled {
                        tell(
                            &client,
                            MessageType::WARNING,
                            &format!("no ghost text: {}", e.message),
                        )
                        .await;
                    } else {
                        debug!("no inline suggestion: {}", e.message);
                    }
                    return Ok(None);
                }
            }
        }
    };
    match answer {
        Answer::Danger(reasons) => {
            if invoked {
                tell(
                    &client,
                    MessageType::WARNING,
                    // The point first: an editor may show only the message's first line.
                    &format!("no ghost text: the generated command could destroy data ({reasons}); the code action \"Generate shell command\" shows it"),
                )
                .await;
            }
            Ok(None)
        }
        Answer::Lines(lines) => Ok(Some(InlineCompletionResponse::Array(vec![item(
            &t,
            &lines,
            session.encoding(),
        )]))),
    }
}

async fn tell(client: &Client, typ: MessageType, message: &str) {
    client
        .show_message(typ, format!("superhelfer: {message}"))
        .await;
}

fn answer_of(g: &generate::Output) -> Answer {
    match &g.insertion {
        generate::Insertion::Lines(lines) if g.report.level != RiskLevel::Danger => {
            Answer::Lines(lines.clone())
        }
        _ => Answer::Danger(g.report.reasons.join("; ")),
    }
}

/// The item: the fresh line replaced by the lines, each indented like it (a Makefile's
/// tab-led recipe lines keep their tab alone).
fn item(
    t: &Target,
    lines: &[String],
    enc: super::documents::PositionEncoding,
) -> InlineCompletionItem {
    let eol = edit::line_ending(&t.doc, t.line - 1);
    let text = edit::indented(lines, &t.indent).join(eol);
    let end = t.doc.position(t.doc.line_end_char(t.line), enc);
    InlineCompletionItem {
        insert_text: text,
        filter_text: None,
        range: Some(Range::new(Position::new(t.line as u32, 0), end)),
        command: None,
        insert_text_format: None,
    }
}

/// The model's work on a task of its own (tower-lsp polls every request on one task);
/// dropping the returned future aborts it, which closes the backend stream.
async fn generate(
    session: Arc<Session>,
    doc: Document,
    uri: Uri,
    line: usize,
    request: String,
    dialect: Dialect,
    debounce_ms: u64,
) -> Result<generate::Output> {
    let task = tokio::spawn(async move {
        if debounce_ms > 0 {
            tokio::time::sleep(Duration::from_millis(debounce_ms)).await;
        }
        let input = generate::Input {
            request,
            dialect,
            document: Some((convert::document(&doc, &uri), line)),
            tier: None,
            model: None,
        };
        generate::run(&session.engine(), input, &Silent::declining()).await
    });
    let _abort = super::progress::AbortOnDrop(task.abort_handle());
    match task.await {
        Ok(r) => r.map_err(ghost_error),
        Err(e) => Err(internal(format!(
            "inline completion task ended abnormally: {e}"
        ))),
    }
}

fn internal(message: String) -> tower_lsp_server::jsonrpc::Error {
    tower_lsp_server::jsonrpc::Error {
        code: ErrorCode::InternalError,
        message: message.into(),
        data: None,
    }
}

/// Why there is no ghost text, for the message an explicit request shows.
fn ghost_error(e: features::Error) -> tower_lsp_server::jsonrpc::Error {
    internal(match e {
        // Only the guard's question cancels here: it was not asked.
        features::Error::Model(e) if matches!(*e, AskError::Cancelled { .. }) => "loading the code model needs your consent (VRAM guard); pick \"Generate shell command\" from the code actions to decide".to_string(),
        features::Error::Unusable { reason, .. } => format!("{reason}; nothing was inserted"),
        other => other.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_is_bounded_and_keeps_the_newest() {
        let s = InlineState::default();
        for i in 0..(CACHE_ENTRIES + 5) {
            s.remember(
                ("u".into(), format!("# {i}"), Dialect::Bash),
                Answer::Lines(vec![format!("echo {i}")]),
            );
        }
        assert!(s
            .cached(&("u".into(), "# 0".into(), Dialect::Bash))
            .is_none());
        let last = format!("# {}", CACHE_ENTRIES + 4);
        assert!(s.cached(&("u".into(), last, Dialect::Bash)).is_some());
        assert_eq!(s.cache.lock().unwrap().len(), CACHE_ENTRIES);
    }
}
