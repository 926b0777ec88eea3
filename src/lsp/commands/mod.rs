//! `workspace/executeCommand`: one file per command, each translating only: the arguments
//! (and the document) into a feature's input, `features::…::run` with the editor's ui,
//! and the output into an edit, a document or a message. The command's result carries the
//! same content for editor plugins.

use std::sync::Arc;

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{MessageType, ProgressToken, ShowDocumentParams, TextEdit, Uri};
use tower_lsp_server::Client;

use crate::engine::router::AskError;
use crate::features;

use super::actions::{ActionArgs, CommandName};
use super::documents::{Document, DocumentStore};
use super::edit::{self, Anchor, Lost};
use super::progress::CLIENT_LIMIT;
use super::session::Session;
use super::ui::EditorUi;

use explain::Kind;

mod ask_again;
mod explain;
mod fix;
pub(crate) mod generate;
mod status;

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

/// A feature's failure as the command's error; `nothing_done` ends the message of an
/// answer that could not be used ("nothing was inserted").
fn feature_error(e: features::Error, nothing_done: &str) -> Error {
    match e {
        features::Error::Input(m) => user_error(m),
        features::Error::Stopped => Error::request_cancelled(),
        features::Error::Model(e) if matches!(*e, AskError::Cancelled { .. }) => Error {
            code: ErrorCode::RequestCancelled,
            message: e.to_string().into(),
            data: None,
        },
        features::Error::Model(e) => failed(e.to_string()),
        features::Error::Unusable { reason, .. } => failed(format!("{reason}; {nothing_done}")),
        features::Error::Internal(m) => failed(format!("internal error: {m}")),
    }
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

    /// The editor as the feature's ui, with this request's progress token.
    fn ui(&self, token: Option<ProgressToken>) -> EditorUi {
        EditorUi::new(self.client, self.session, token)
    }

    fn snapshot(&self, uri: &Uri) -> Result<Document> {
        self.session
            .documents()
            .get(uri)
            .cloned()
            .ok_or_else(|| user_error(format!("{} is not open", uri.as_str())))
    }

    /// The document now, with the request line found again: see [`at_listed_line`].
    fn snapshot_at_listed_line(&self, args: &ActionArgs) -> Result<(Document, usize)> {
        at_listed_line(&self.session.documents(), args)
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

    /// Sends an edit for the document version it was computed against.
    async fn apply(&self, uri: &Uri, doc: &Document, edits: Vec<TextEdit>) -> Result<bool> {
        let edit = edit::workspace_edit(uri, doc, edits);
        let resp = tokio::time::timeout(CLIENT_LIMIT, self.client.apply_edit(edit))
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

    /// Asks the editor to open a file superhelfer wrote; false when it did not (in time).
    async fn show_file(&self, path: &std::path::Path) -> bool {
        let Some(uri) = Uri::from_file_path(path) else {
            return false;
        };
        tokio::time::timeout(
            CLIENT_LIMIT,
            self.client.show_document(ShowDocumentParams {
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
}

/// The document in `docs` now, with the request line found again: the user may have typed
/// between listing the action and picking it. Without a mark from the listing, the range
/// is taken as it is.
pub(crate) fn at_listed_line(docs: &DocumentStore, args: &ActionArgs) -> Result<(Document, usize)> {
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

/// A document command's argument, as the editor sent it back from the listing.
pub(crate) fn parse_args(command: CommandName, arguments: &[Value]) -> Result<ActionArgs> {
    // Run from a command list (Helix's `:lsp-workspace-command`, a palette) the command
    // has no document or selection: say where it works instead.
    let first = arguments.first().cloned().ok_or_else(|| {
        let (what, needs) = match command {
            CommandName::Generate => ("Generate shell command", "a request comment in a script"),
            CommandName::Fix => ("Fix error", "a line with a diagnostic"),
            CommandName::Ask => ("Ask", "a file (the VS Code command asks for the question)"),
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
    let Some(name) = CommandName::parse(command) else {
        return Err(user_error(format!("unknown command `{command}`")));
    };
    let result = async {
        let args = || parse_args(name, &arguments);
        match name {
            CommandName::Status => status::run(&ctx).await,
            CommandName::AskAgain => ask_again::run(&ctx, &arguments, token).await,
            CommandName::Generate => generate::run(&ctx, args()?, token).await,
            CommandName::Fix => fix::run(&ctx, args()?, token).await,
            CommandName::Explain => explain::run(&ctx, args()?, token, Kind::Explain, None).await,
            CommandName::Ask => explain::run(&ctx, args()?, token, Kind::Ask, None).await,
        }
    }
    .await;
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) => Err(ctx.fail(e).await),
    }
}
