//! `workspace/executeCommand`: the work behind each code action. Each command takes a
//! snapshot of the document, builds the prompt with its task module, runs the engine with
//! progress and cancellation, and reports back: an edit, a document, a message. The
//! command's result carries the same content for editor plugins.

use std::sync::Arc;

use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{
    MessageType, Position, ProgressToken, ShowDocumentParams, TextEdit, Uri,
};
use tower_lsp_server::Client;
use tracing::{debug, warn};

use crate::engine::context::{self, EditorContext, LineRange};
use crate::engine::router::{AskError, AskRequest, Consent, Event, FixedConsent, Outcome};
use crate::engine::tier::Tier;
use crate::engine::tokens;
use crate::risk::{self, RiskLevel};
use crate::tasks::shell_command::{self, CommandRequest};
use crate::tasks::{self, explain, fix_error};

use super::actions::{self, ActionArgs};
use super::confirm::{self, EditorConsent};
use super::documents::{Document, PositionEncoding, RangeProblem};
use super::edit::{self, Anchor, Lost};
use super::progress::{Progress, CLIENT_LIMIT};
use super::session::{LastAsk, Session};

mod generate;

use generate::generate;
pub(super) use generate::{generate_command, line_ending, Generated, Mode};

/// What a command needs from the server.
pub struct Ctx<'a> {
    pub client: &'a Client,
    pub session: &'a Arc<Session>,
}

fn user_error(message: impl Into<String>) -> Error {
    Error {
        code: ErrorCode::InvalidParams,
        message: message.into().into(),
        data: None,
    }
}

fn failed(message: impl Into<String>) -> Error {
    Error {
        code: ErrorCode::InternalError,
        message: message.into().into(),
        data: None,
    }
}

fn cancelled() -> Error {
    Error::request_cancelled()
}

/// Runs CPU work (copying a big document, counting its tokens) on the blocking pool, so
/// the runtime's workers go on serving while it runs.
async fn off_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| failed(format!("internal error: {e}")))
}

impl Ctx<'_> {
    async fn tell(&self, typ: MessageType, message: impl Into<String>) {
        self.client
            .show_message(typ, format!("superhelfer: {}", message.into()))
            .await;
    }

    /// Shows an error to the user and returns it as the command's error.
    async fn fail(&self, e: Error) -> Error {
        if e.code != ErrorCode::RequestCancelled {
            self.tell(MessageType::ERROR, e.message.to_string()).await;
        }
        e
    }

    fn snapshot(&self, uri: &Uri) -> Result<Document> {
        self.session
            .documents()
            .get(uri)
            .cloned()
            .ok_or_else(|| user_error(format!("{} is not open", uri.as_str())))
    }

    /// The document now, with the request line found again: the user may have typed
    /// between listing the action and picking it. Without a mark from the listing, the
    /// range is taken as it is.
    fn snapshot_at_listed_line(&self, args: &ActionArgs) -> Result<(Document, usize)> {
        let docs = self.session.documents();
        let (doc, log) = docs
            .get_with_log(&args.uri)
            .ok_or_else(|| user_error(format!("{} is not open", args.uri.as_str())))?;
        let line = args.range.start.line as usize;
        let Some(text) = &args.anchor else {
            return Ok((doc.clone(), line));
        };
        let found = match args.listed {
            Some(listed) => listed.find_lines(log, doc, std::slice::from_ref(text)),
            None if doc.line(line).as_ref() == Some(text) => Ok(line),
            None => Err(Lost::Changed),
        };
        let line = found.map_err(|e| {
            user_error(format!(
                "the request line {e} since the action was listed; nothing was inserted"
            ))
        })?;
        Ok((doc.clone(), line))
    }

    /// Where `lines`, at `first` in `snapshot`, are in the document now, following every
    /// change made since; with the document as it is now.
    fn locate(
        &self,
        uri: &Uri,
        snapshot: &Document,
        first: usize,
        lines: &[String],
    ) -> std::result::Result<(Document, usize), Lost> {
        let docs = self.session.documents();
        let (current, log) = docs.get_with_log(uri).ok_or(Lost::Closed)?;
        let at = Anchor::lines(snapshot, first, lines.len()).find_lines(log, current, lines)?;
        Ok((current.clone(), at))
    }

    /// Runs the engine with progress; the work ends early when the user cancels from the
    /// progress UI (or the request is cancelled, which drops this future).
    async fn run_model(
        &self,
        title: &str,
        token: Option<ProgressToken>,
        req: AskRequest,
    ) -> Result<Outcome> {
        let mut progress = Progress::start(self.client, self.session, token, title).await;
        // Without a token only $/cancelRequest can stop the work.
        let mut cancel_rx = progress.cancellation();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let engine = self.session.engine();
        let consent = EditorConsent {
            client: self.client.clone(),
            session: self.session.clone(),
        };
        let work = async {
            let mut on_event = move |ev| {
                let _ = tx.send(ev);
            };
            engine.ask(req, &consent, &mut on_event).await
        };
        tokio::pin!(work);
        let result = loop {
            tokio::select! {
                biased;
                Ok(()) = &mut cancel_rx => {
                    progress.end("cancelled".into()).await;
                    return Err(cancelled());
                }
                Some(ev) = rx.recv() => self.on_event(&mut progress, ev).await,
                r = &mut work => {
                    while let Ok(ev) = rx.try_recv() {
                        self.on_event(&mut progress, ev).await;
                    }
                    break r;
                }
            }
        };
        match result {
            Ok(o) => {
                let mut msg = format!("{} · {:.1} s", o.model_used, o.total_ms as f64 / 1000.0);
                // The reason is told once, in the warning below.
                if o.fallback_reason.is_some() {
                    msg.push_str(&format!(" · fallback from {}", o.tier_chosen));
                }
                progress.end(msg).await;
                if let Some(cut) = &o.answer_cut {
                    self.tell(MessageType::WARNING, cut.clone()).await;
                }
                if let Some(r) = &o.fallback_reason {
                    self.tell(
                        MessageType::WARNING,
                        format!(
                            "the {} tier failed ({r}); {} answered instead",
                            o.tier_chosen, o.model_used
                        ),
                    )
                    .await;
                }
                Ok(o)
            }
            Err(e) => {
                // The error itself is told once, as a message (`Ctx::fail`); an end that
                // repeated it would show it twice wherever progress is echoed (Neovim).
                let end = match e {
                    AskError::Cancelled { .. } => "cancelled",
                    _ => "failed",
                };
                progress.end(end.into()).await;
                Err(match e {
                    AskError::Cancelled { .. } => {
                        // The user's own choice: said plainly, not as an error.
                        self.tell(MessageType::INFO, e.to_string()).await;
                        Error {
                            code: ErrorCode::RequestCancelled,
                            message: e.to_string().into(),
                            data: None,
                        }
                    }
                    other => failed(other.to_string()),
                })
            }
        }
    }
}

impl Ctx<'_> {
    /// Progress for every event; notices (a substituted tier, no GPU) also as a message,
    /// since they can come before the progress has begun.
    async fn on_event(&self, progress: &mut Progress, ev: Event) {
        if let Event::Notice { message } = &ev {
            self.tell(MessageType::WARNING, message.clone()).await;
        }
        progress.event(&ev).await;
    }
}

fn parse_args(command: &str, arguments: &[Value]) -> Result<ActionArgs> {
    // Run from a command list (Helix's `:lsp-workspace-command`, a palette) the command
    // has no document or selection: say where it works instead.
    let first = arguments.first().cloned().ok_or_else(|| {
        let (what, needs) = match command {
            actions::GENERATE => ("Generate shell command", "a request comment in a script"),
            actions::FIX => ("Fix error", "a line with a diagnostic"),
            actions::ASK => ("Ask", "a file (the VS Code command asks for the question)"),
            _ => ("Explain selection", "a selection"),
        };
        user_error(format!(
            "{what} works on {needs}: pick it from the code actions there (Helix: `space a`, Neovim: `gra`, VS Code: Ctrl+.)"
        ))
    })?;
    serde_json::from_value(first).map_err(|e| user_error(format!("bad argument: {e}")))
}

/// Runs a command.
pub async fn execute(
    ctx: Ctx<'_>,
    command: &str,
    arguments: Vec<Value>,
    token: Option<ProgressToken>,
) -> Result<Option<Value>> {
    let result = match command {
        actions::STATUS => status(&ctx).await,
        actions::GENERATE => match parse_args(command, &arguments) {
            Ok(a) => generate(&ctx, a, token).await,
            Err(e) => Err(e),
        },
        actions::EXPLAIN | actions::ASK => match parse_args(command, &arguments) {
            Ok(a) => explain_or_ask(&ctx, a, token, command == actions::ASK, None).await,
            Err(e) => Err(e),
        },
        actions::ASK_AGAIN => ask_again(&ctx, &arguments, token).await,
        actions::FIX => match parse_args(command, &arguments) {
            Ok(a) => fix(&ctx, a, token).await,
            Err(e) => Err(e),
        },
        other => return Err(user_error(format!("unknown command `{other}`"))),
    };
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) => Err(ctx.fail(e).await),
    }
}

async fn status(ctx: &Ctx<'_>) -> Result<Value> {
    let status = ctx.session.engine().status().await;
    let text = status.render();
    // Where a message is one line (a VS Code toast, Helix's status bar) the report opens
    // as a document; the first line is the message where neither works.
    let profile = ctx.session.profile();
    let shown = profile.shows_as_message(&text)
        || (profile.show_document
            && match write_markdown_named(&format!("```text\n{text}\n```\n"), "status.md") {
                Ok(path) => show_file(ctx, &path).await,
                Err(e) => {
                    warn!("cannot write the status report: {e}");
                    false
                }
            });
    if profile.shows_as_message(&text) || !shown {
        let message = if shown {
            text.as_str()
        } else {
            text.lines().next().unwrap_or("")
        };
        ctx.client.show_message(MessageType::INFO, message).await;
    }
    let mut v = serde_json::to_value(&status).map_err(|e| failed(e.to_string()))?;
    v["text"] = json!(text);
    Ok(v)
}

impl Ctx<'_> {
    /// The context block for a prompt: selection, lines around, diagnostics, cut to
    /// budget. Built off the async workers: the document may be large.
    async fn context(
        &self,
        doc: &Document,
        uri: &Uri,
        lines: (usize, usize),
        diagnostics: Vec<context::Diagnostic>,
    ) -> Result<context::BuiltContext> {
        let cfg = self.session.engine().config().context.clone();
        let doc = doc.clone();
        let path = uri
            .to_file_path()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| uri.as_str().to_string());
        off_thread(move || {
            let text = doc.text();
            context::build(&EditorContext {
                path: Some(&path),
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
    async fn tell_cut(&self, built: &context::BuiltContext) {
        if built.over_budget {
            let max = self.session.engine().config().context.max_tokens;
            self.tell(
                MessageType::WARNING,
                format!("the selection is longer than context.max_tokens ({max} tokens); only its beginning was sent to the model"),
            )
            .await;
        }
    }
}

/// What of `text` goes into a prompt: all of it, or when the context had to be cut, its
/// beginning within the budget.
fn cut_to_budget(text: String, built: &context::BuiltContext, max_tokens: usize) -> String {
    if built.over_budget {
        tokens::head(&text, max_tokens).to_string()
    } else {
        text
    }
}

/// Converts LSP diagnostics (in the negotiated encoding) into the engine's.
pub fn engine_diagnostics(
    doc: &Document,
    diags: &[tower_lsp_server::ls_types::Diagnostic],
    enc: PositionEncoding,
) -> Vec<context::Diagnostic> {
    use tower_lsp_server::ls_types::{DiagnosticSeverity, NumberOrString};
    diags
        .iter()
        .map(|d| {
            let col = |p: Position| {
                let idx = doc.char_index(p, enc);
                let line_start = doc.rope().line_to_char(doc.rope().char_to_line(idx));
                idx - line_start
            };
            context::Diagnostic {
                line: d.range.start.line as usize,
                end_line: d.range.end.line as usize,
                start_col: col(d.range.start),
                end_col: col(d.range.end),
                severity: match d.severity {
                    Some(DiagnosticSeverity::WARNING) => context::Severity::Warning,
                    Some(DiagnosticSeverity::INFORMATION) => context::Severity::Information,
                    Some(DiagnosticSeverity::HINT) => context::Severity::Hint,
                    _ => context::Severity::Error,
                },
                code: d.code.as_ref().map(|c| match c {
                    NumberOrString::Number(n) => n.to_string(),
                    NumberOrString::String(s) => s.clone(),
                }),
                source: d.source.clone(),
                message: d.message.clone(),
            }
        })
        .collect()
}

async fn explain_or_ask(
    ctx: &Ctx<'_>,
    args: ActionArgs,
    token: Option<ProgressToken>,
    free_question: bool,
    tier: Option<Tier>,
) -> Result<Value> {
    let doc = ctx.snapshot(&args.uri)?;
    let kept = args.clone();
    let enc = ctx.session.encoding();
    let selection = {
        let (doc, range) = (doc.clone(), args.range);
        off_thread(move || doc.slice(range, enc)).await?
    };
    let question = args.question.clone().unwrap_or_default();
    if free_question && question.trim().is_empty() {
        return Err(user_error("superhelfer.ask needs a `question`"));
    }
    if !free_question && selection.trim().is_empty() {
        return Err(user_error("nothing selected to explain"));
    }
    let a = doc.char_index(args.range.start, enc);
    let b = doc.char_index(args.range.end, enc);
    let (first, last) = (a.min(b), a.max(b));
    let mut last_line = doc.rope().char_to_line(last);
    // A line selection (Helix `x`, Vim `V` in some clients) ends at column 0 of the next
    // line: that line is not part of it.
    if last > first
        && last_line > doc.rope().char_to_line(first)
        && doc.rope().line_to_char(last_line) == last
    {
        last_line -= 1;
    }
    let lines = (doc.rope().char_to_line(first), last_line);
    let diags = engine_diagnostics(&doc, &args.diagnostics, enc);
    let built = ctx.context(&doc, &args.uri, lines, diags).await?;
    ctx.tell_cut(&built).await;
    let max_tokens = ctx.session.engine().config().context.max_tokens;
    let selection = cut_to_budget(selection, &built, max_tokens);
    let (system, user) = if free_question {
        (
            "You are superhelfer, a concise assistant for Linux administrators and developers. Answer the question about the file shown; use Markdown.".to_string(),
            format!("{}\n\nQuestion: {question}", built.rendered),
        )
    } else {
        explain::build_prompt(&selection, &built, &doc.language_id)
    };
    let query = if free_question {
        format!("{question}\n{selection}")
    } else {
        selection.clone()
    };
    let title = if free_question {
        "superhelfer: Ask"
    } else {
        "superhelfer: Explain selection"
    };
    let outcome = ctx
        .run_model(
            title,
            token,
            AskRequest {
                max_tokens: Some(tasks::ANSWER_MAX_TOKENS),
                ..AskRequest::with_prompt(query.clone(), system, user, tier)
            },
        )
        .await?;
    ctx.session.remember_ask(LastAsk {
        args: kept,
        free_question,
        query,
        tier_used: outcome.tier_used,
    });
    let meta = explain::ExplainMeta {
        heading: if free_question {
            "Answer"
        } else {
            "Explanation"
        },
        file: args.uri.as_str().to_string(),
        lines,
        model: outcome.model_used.clone(),
        tier: outcome.tier_used,
        elapsed_ms: outcome.total_ms,
        fallback: outcome.fallback_reason.clone(),
    };
    let markdown = explain::render_markdown(&outcome.answer, &meta);
    let answer = explain::clean_answer(&outcome.answer);
    let mut shown_as = "message";
    let mut path_written = None;
    let profile = ctx.session.profile();
    if !profile.show_document
        || (explain::is_short(&outcome.answer) && profile.shows_as_message(&answer))
    {
        ctx.client.show_message(MessageType::INFO, &answer).await;
    } else {
        match write_markdown(&markdown, &args.uri, lines) {
            Ok(path) => {
                if show_file(ctx, &path).await {
                    shown_as = "document";
                } else {
                    ctx.client.show_message(MessageType::INFO, &answer).await;
                }
                path_written = Some(path.display().to_string());
            }
            Err(e) => {
                warn!("cannot write the explanation: {e}");
                ctx.client.show_message(MessageType::INFO, &answer).await;
            }
        }
    }
    Ok(json!({
        "answer": answer,
        "markdown": markdown,
        "path": path_written,
        "shown_as": shown_as,
        "selection_cut": built.over_budget,
        "outcome": outcome,
    }))
}

/// `superhelfer.askAgain`: the document's last explain/ask once more, one tier up (or on
/// the tier named), kept as a correction (as `route --prefer` does).
async fn ask_again(
    ctx: &Ctx<'_>,
    arguments: &[Value],
    token: Option<ProgressToken>,
) -> Result<Value> {
    let Some(first) = arguments.first().cloned() else {
        return Err(user_error(
            "Ask again works after an answer: pick it from the code actions of that file",
        ));
    };
    let args: actions::AskAgainArgs =
        serde_json::from_value(first).map_err(|e| user_error(format!("bad argument: {e}")))?;
    let Some(last) = ctx.session.last_ask(&args.uri) else {
        return Err(user_error(
            "nothing to ask again in this file yet: explain a selection or ask a question first",
        ));
    };
    let Some(tier) = args.tier.or_else(|| last.tier_used.bigger()) else {
        return Err(user_error(
            "the last answer came from the heavy tier already: there is no bigger one",
        ));
    };
    let (query, keep) = (last.query.clone(), tier);
    let kept = off_thread(move || {
        use crate::engine::first_stage::corrections;
        match corrections::state_file() {
            Some(path) => corrections::record(&path, &query, keep).map_err(|e| e.to_string()),
            None => Err("no state directory (XDG_STATE_HOME or HOME)".to_string()),
        }
    })
    .await?;
    if let Err(e) = kept {
        // The answer still comes; only the lesson is lost.
        warn!("the correction was not kept: {e}");
        ctx.tell(
            MessageType::WARNING,
            format!("superhelfer: the correction was not kept ({e})"),
        )
        .await;
    }
    explain_or_ask(ctx, last.args, token, last.free_question, Some(tier)).await
}

/// Writes an explanation to the cache directory, for `window/showDocument`.
fn write_markdown(
    markdown: &str,
    uri: &Uri,
    lines: (usize, usize),
) -> std::io::Result<std::path::PathBuf> {
    let name: String = uri
        .as_str()
        .rsplit('/')
        .next()
        .unwrap_or("file")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    write_markdown_named(
        markdown,
        &format!("{name}-L{}-{}.md", lines.0 + 1, lines.1 + 1),
    )
}

/// Writes a Markdown file for the editor to open, under the user's cache folder.
fn write_markdown_named(markdown: &str, name: &str) -> std::io::Result<std::path::PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("superhelfer/explanations");
    std::fs::create_dir_all(&base)?;
    let path = base.join(name);
    std::fs::write(&path, markdown)?;
    Ok(path)
}

/// Asks the editor to open a file superhelfer wrote; false when it did not (in time).
async fn show_file(ctx: &Ctx<'_>, path: &std::path::Path) -> bool {
    let Some(uri) = Uri::from_file_path(path) else {
        return false;
    };
    tokio::time::timeout(
        CLIENT_LIMIT,
        ctx.client.show_document(ShowDocumentParams {
            uri,
            external: Some(false),
            take_focus: Some(true),
            selection: None,
        }),
    )
    .await
    .ok()
    .and_then(Result::ok)
    .unwrap_or(false)
}

/// Inserts `text` on the line after the anchor, in the document as it is now.
async fn apply_after_anchor(
    ctx: &Ctx<'_>,
    uri: &Uri,
    snapshot: &Document,
    line: usize,
    anchor: &[String],
    text: String,
) -> Result<bool> {
    let (current, at) = ctx.locate(uri, snapshot, line, anchor).map_err(|e| {
        failed(format!(
            "the request line {e} while the model was answering; nothing was inserted"
        ))
    })?;
    let last = at + anchor.len().max(1) - 1;
    let edit = edit::insert_after_line(&current, last, &text, ctx.session.encoding());
    apply(ctx, uri, &current, vec![edit]).await
}

/// Sends an edit for the document version it was computed against.
async fn apply(ctx: &Ctx<'_>, uri: &Uri, doc: &Document, edits: Vec<TextEdit>) -> Result<bool> {
    let edit = edit::workspace_edit(uri, doc, edits);
    let resp = tokio::time::timeout(CLIENT_LIMIT, ctx.client.apply_edit(edit))
        .await
        .map_err(|_| {
            failed(format!(
                "the editor did not answer the edit within {} s",
                CLIENT_LIMIT.as_secs()
            ))
        })?
        .map_err(|e| failed(format!("the editor did not apply the edit: {e}")))?;
    if !resp.applied {
        return Err(failed(format!(
            "the editor refused the edit{}",
            resp.failure_reason
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        )));
    }
    Ok(true)
}

async fn fix(ctx: &Ctx<'_>, args: ActionArgs, token: Option<ProgressToken>) -> Result<Value> {
    let doc = ctx.snapshot(&args.uri)?;
    // The diagnostics' ranges belong to the version the action was listed for.
    // A client that does not bump its version is caught by the revision.
    let moved = args.listed.is_some_and(|l| l.revision != doc.revision());
    if moved || args.version.is_some_and(|v| v != doc.version) {
        return Err(user_error(
            "the document changed since the action was listed; pick it again",
        ));
    }
    let enc = ctx.session.encoding();
    let mut lsp_diags = args.diagnostics.clone();
    if lsp_diags.is_empty() {
        lsp_diags = ctx
            .session
            .diagnostics_in(&args.uri, args.range, doc.version);
    }
    let lsp_diags = in_document(&doc, lsp_diags, enc)?;
    let diags = engine_diagnostics(&doc, &lsp_diags, enc);
    let text = doc.text();
    let region = fix_error::Region::for_diagnostics(&text, &diags, 2)
        .ok_or_else(|| user_error("no diagnostic here to fix"))?;
    let first = region.start_line;
    let last = region.end_line();
    let built = ctx
        .context(&doc, &args.uri, (first, last), diags.clone())
        .await?;
    let (system, user) = fix_error::build_prompt(&diags, &built, &doc.language_id, &region);
    let query = format!(
        "fix this error: {}\n{}",
        diags
            .iter()
            .map(|d| d.message.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        region.lines.join("\n")
    );
    let outcome = ctx
        .run_model(
            "superhelfer: Fix error",
            token,
            AskRequest {
                max_tokens: Some(tasks::ANSWER_MAX_TOKENS),
                ..AskRequest::with_prompt(query, system, user, None)
            },
        )
        .await?;
    let fixed = fix_error::parse_fix(&outcome.answer, &region)
        .map_err(|e| failed(format!("{e}; nothing was changed")))?;
    // The lines the fix replaces, as they were, followed to where they are now.
    let anchor: Vec<String> = (fixed.start_line..=fixed.end_line)
        .map(|l| doc.line(l).unwrap_or_default())
        .collect();
    let (current, at) = ctx
        .locate(&args.uri, &doc, fixed.start_line, &anchor)
        .map_err(|e| {
            failed(format!(
                "the code to fix {e} while the model was answering; nothing was changed"
            ))
        })?;
    let end_line = at + anchor.len().max(1) - 1;
    let eol = line_ending(&current, at);
    let edit = edit::replace_lines(&current, at, end_line, &fixed.new_lines, eol, enc);
    let new_text = edit.new_text.clone();
    let applied = apply(ctx, &args.uri, &current, vec![edit]).await?;
    Ok(json!({
        "applied": applied,
        "start_line": at,
        "end_line": end_line,
        "new_text": new_text,
        "outcome": outcome,
    }))
}

/// The diagnostics whose range lies in the document: one past its end or reversed belongs
/// to another text, and fixing it would edit the wrong lines (a character past the end of
/// a line is clamped, as LSP says). None left is the user's error.
fn in_document(
    doc: &Document,
    diags: Vec<tower_lsp_server::ls_types::Diagnostic>,
    enc: PositionEncoding,
) -> Result<Vec<tower_lsp_server::ls_types::Diagnostic>> {
    if diags.is_empty() {
        return Err(user_error("no diagnostic here to fix"));
    }
    let mut problem = None;
    let kept: Vec<_> = diags
        .into_iter()
        .filter(|d| match doc.range_problem(d.range, enc) {
            None | Some(RangeProblem::CharacterPastEnd { .. }) => true,
            Some(p) => {
                warn!("diagnostic `{}` ignored: {p}", d.message);
                problem = Some(p);
                false
            }
        })
        .collect();
    match problem {
        Some(p) if kept.is_empty() => Err(user_error(format!(
            "no diagnostic here to fix: its range does not fit the document ({p})"
        ))),
        _ => Ok(kept),
    }
}
