//! The user-facing features, one module each: ask, explain, generate (a shell command),
//! fix, status. Each `run(engine, input, ui)` holds the feature's whole pipeline — context,
//! prompt, route, answer parsing, risk, consent, the lines to insert — and knows nothing of
//! LSP or of the terminal: the editor (`lsp/`), the terminal (`cli/`) and scripts reach the
//! user through [`Ui`], and translate the input and output.

use std::sync::Arc;

use futures_util::future::BoxFuture;

use crate::engine::context::{self, BuiltContext, EditorContext, LineRange};
use crate::engine::router::{AskError, AskRequest, Consent, ConsentAsker, Engine, Event};
use crate::engine::router::{FixedConsent, Outcome};
use crate::engine::tokens;

pub mod ask;
pub mod explain;
pub mod fix;
pub mod generate;
pub mod status;

/// How a message to the user reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
}

/// The answer to "insert this dangerous command?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DangerChoice {
    Insert,
    /// Inserted commented out, under its warning: to read, not to run.
    InsertAsComment,
    Cancel,
}

/// How a model call ended, for the progress and the messages after it.
pub enum End<'a> {
    Answered(&'a Outcome),
    Failed(&'a AskError),
    /// The user stopped it from its progress.
    Stopped,
}

/// What a feature needs from whoever shows it: the VRAM guard's question, progress while a
/// model works, messages, and the question before a dangerous command. Implemented by the
/// editor (`lsp/ui.rs`), the terminal (`cli/terminal.rs`) and [`Silent`].
pub trait Ui: Send + Sync {
    /// Answers the VRAM guard's question.
    fn consent(&self) -> &dyn ConsentAsker;
    /// A model call begins; `title` names the feature ("superhelfer: Fix error").
    fn begin<'a>(&'a self, title: &'a str) -> BoxFuture<'a, ()>;
    /// Something happened while the model works (route, tokens, a fallback).
    fn event(&self, ev: Event) -> BoxFuture<'_, ()>;
    /// Resolves when the user stops the work from its progress; never where that cannot be
    /// done. Asked once, after `begin`.
    fn stopped(&self) -> BoxFuture<'_, ()>;
    /// The model call ended.
    fn end<'a>(&'a self, end: End<'a>) -> BoxFuture<'a, ()>;
    /// Something the user should know.
    fn tell(&self, level: Level, message: String) -> BoxFuture<'_, ()>;
    /// Asks before a dangerous command is inserted; `reasons` are the risk check's.
    fn confirm_danger<'a>(
        &'a self,
        command: &'a str,
        reasons: &'a str,
    ) -> BoxFuture<'a, DangerChoice>;
}

/// Scripts and ghost text: no progress, no messages, and every question answered the same
/// way without asking.
pub struct Silent {
    pub consent: FixedConsent,
    pub danger: DangerChoice,
}

impl Silent {
    /// Never loads what needs consent, never inserts a dangerous command.
    pub fn declining() -> Silent {
        Silent {
            consent: FixedConsent(Consent::Cancel),
            danger: DangerChoice::Cancel,
        }
    }
}

impl Ui for Silent {
    fn consent(&self) -> &dyn ConsentAsker {
        &self.consent
    }
    fn begin<'a>(&'a self, _title: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }
    fn event(&self, _ev: Event) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }
    fn stopped(&self) -> BoxFuture<'_, ()> {
        Box::pin(std::future::pending())
    }
    fn end<'a>(&'a self, _end: End<'a>) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }
    fn tell(&self, _level: Level, _message: String) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }
    fn confirm_danger<'a>(&'a self, _c: &'a str, _r: &'a str) -> BoxFuture<'a, DangerChoice> {
        let d = self.danger;
        Box::pin(async move { d })
    }
}

/// Why a feature has no result.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request cannot be run as given (nothing selected, no diagnostic): the user's
    /// to change.
    #[error("{0}")]
    Input(String),
    /// No answer: the model call failed, or the user declined the load.
    #[error("{0}")]
    Model(Box<AskError>),
    /// The user stopped the work from its progress.
    #[error("cancelled")]
    Stopped,
    /// The answer holds nothing usable; `answer` is what the model said.
    #[error("{reason}")]
    Unusable { reason: String, answer: String },
    /// Work on the blocking pool ended abnormally.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// The document a request is about, as the features see it: no LSP types.
#[derive(Clone)]
pub struct Document {
    /// The file's path (or URI) as the prompt names it.
    pub path: String,
    /// The file as the result names it (the editor's URI).
    pub label: String,
    pub language_id: String,
    /// The whole text, made on the blocking pool: copying a large document takes a while.
    pub text: Arc<dyn Fn() -> String + Send + Sync>,
}

/// Runs CPU work (copying a big document, counting its tokens) on the blocking pool, so
/// the runtime's workers go on serving while it runs.
pub(crate) async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Internal(e.to_string()))
}

/// The context block for a prompt: selection, lines around, diagnostics, cut to budget.
async fn build_context(
    engine: &Engine,
    doc: &Document,
    lines: (usize, usize),
    diagnostics: Vec<context::Diagnostic>,
) -> Result<BuiltContext> {
    let cfg = engine.config().context.clone();
    let doc = doc.clone();
    off_thread(move || {
        let text = (doc.text)();
        context::build(&EditorContext {
            path: Some(&doc.path),
            language_id: &doc.language_id,
            text: &text,
            selection: LineRange::lines(lines.0, lines.1),
            diagnostics: &diagnostics,
            lines_around: cfg.lines_around,
            max_tokens: cfg.max_tokens,
        })
    })
    .await
}

/// Says that the selection was cut to the context budget.
async fn tell_cut(engine: &Engine, ui: &dyn Ui, built: &BuiltContext) {
    if built.over_budget {
        let max = engine.config().context.max_tokens;
        ui.tell(
            Level::Warning,
            format!("the selection is longer than context.max_tokens ({max} tokens); only its beginning was sent to the model"),
        )
        .await;
    }
}

/// What of `text` goes into a prompt: all of it, or when the context had to be cut, its
/// beginning within the budget.
fn cut_to_budget(text: String, built: &BuiltContext, max_tokens: usize) -> String {
    if built.over_budget {
        tokens::head(&text, max_tokens).to_string()
    } else {
        text
    }
}

/// The model call of every feature: the engine routes, guards and streams; the ui shows
/// progress and can stop it, which drops the engine's future (the backend stream closes).
async fn answer(engine: &Engine, ui: &dyn Ui, title: &str, req: AskRequest) -> Result<Outcome> {
    ui.begin(title).await;
    let stopped = ui.stopped();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let work = async move {
        let mut on_event = move |ev| {
            let _ = tx.send(ev);
        };
        engine.ask(req, ui.consent(), &mut on_event).await
    };
    tokio::pin!(work, stopped);
    let result = loop {
        tokio::select! {
            // First: a ui that is stopped already gets no model call (`lsp/warm_start.rs`).
            biased;
            () = &mut stopped => {
                ui.end(End::Stopped).await;
                return Err(Error::Stopped);
            }
            Some(ev) = rx.recv() => ui.event(ev).await,
            r = &mut work => {
                while let Ok(ev) = rx.try_recv() {
                    ui.event(ev).await;
                }
                break r;
            }
        }
    };
    match result {
        Ok(o) => {
            ui.end(End::Answered(&o)).await;
            Ok(o)
        }
        Err(e) => {
            ui.end(End::Failed(&e)).await;
            Err(Error::Model(Box::new(e)))
        }
    }
}

/// An answer without its reasoning blocks, for the explanation's several readers (the
/// parsers of commands and fixes strip them themselves, in `tasks/`), so that what a
/// model thinks aloud never becomes part of what the user is shown.
fn thought_out(answer: &str) -> String {
    crate::text::reasoning::strip(answer)
}

/// The end of a model call in one line: model, time, fallback.
pub fn summary(o: &Outcome) -> String {
    let mut msg = format!("{} · {:.1} s", o.model_used, o.total_ms as f64 / 1000.0);
    // The reason is told once, in the warning that follows.
    if o.fallback_reason.is_some() {
        msg.push_str(&format!(" · fallback from {}", o.tier_chosen));
    }
    msg
}
