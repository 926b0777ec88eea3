//! The protocol layer's half of the warm-up at start (`engine/start.rs` is the engine's).
//!
//! Code run for the first time in a process is slower: its pages fault in, its caches and
//! the allocator's are cold. The editor's first "Generate shell command" would pay for that
//! in `lsp/` alone (the command's dispatch, the document snapshot, the feature's input,
//! the prompt, the JSON of progress and of the edit) on the way to the model, so once after
//! `initialized`, off the protocol's path, the same functions run on a document of their
//! own: the listing, the command's arguments as the editor sends them back, the feature up
//! to its model call (its ui stops it there, before the engine is polled), then the edit
//! for a made-up answer and the JSON of every message that request sends and receives.
//! Nothing is sent to the client, no backend is asked, the session's documents are not
//! touched: everything built is dropped (`tests/first_request.rs`; measured by
//! `cargo bench --bench first_request`). Once per process: code stays warm across
//! configuration changes.

use std::sync::Arc;
use std::time::Instant;

use futures_util::future::BoxFuture;
use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{Id, Request, Response};
use tower_lsp_server::ls_types::{
    ApplyWorkspaceEditParams, ApplyWorkspaceEditResponse, CodeActionOrCommand, Command,
    ExecuteCommandParams, NumberOrString, Position, ProgressParams, ProgressParamsValue, Range,
    Uri, WorkDoneProgress, WorkDoneProgressBegin, WorkDoneProgressCreateParams,
    WorkDoneProgressEnd, WorkDoneProgressReport,
};
use tracing::{debug, warn};

use crate::engine::router::{Consent, ConsentAsker, Event, FixedConsent};
use crate::features::{self, generate, DangerChoice, End, Level, Ui};
use crate::tasks::shell_command;

use super::actions::{self, CommandName};
use super::commands;
use super::documents::{Document, DocumentStore};
use super::edit::{self, Anchor};
use super::progress;
use super::session::Session;

const URI: &str = "file:///superhelfer/warm-up.sh";
const TEXT: &str = "#!/bin/bash\n# show the size of each log directory\n";
/// The request's line in `TEXT`.
const LINE: u32 = 1;
const ANSWER: &str = "```bash\ndu -sh /var/log/* | sort -h\n```";

/// Runs the warm-up on a task of its own; returns at once. Needs a Tokio runtime.
pub fn warm(session: Arc<Session>) {
    tokio::spawn(async move {
        let started = Instant::now();
        match run(&session).await {
            Ok(bytes) => debug!(
                "protocol warm-up: {bytes} bytes of JSON built in {} µs, nothing sent",
                started.elapsed().as_micros()
            ),
            // Only the first request's speed is at stake: said, and nothing else done.
            Err(e) => warn!("protocol warm-up stopped: {e}"),
        }
    });
}

/// One pass; the length of the JSON built (what would have been sent).
async fn run(session: &Session) -> Result<usize, String> {
    let uri: Uri = URI.parse().map_err(|e| format!("{URI}: {e}"))?;
    let enc = session.encoding();
    let extra = session.command_languages();
    let mut store = DocumentStore::default();
    store.open(uri.clone(), Document::new(TEXT, 1, "shellscript"));
    let at = Position::new(LINE, 0);
    let list = {
        let doc = store.get(&uri).ok_or("the warm-up document is missing")?;
        actions::list(doc, &uri, Range::new(at, at), &[], enc, &extra)
    };
    let mut json = serde_json::to_string(&list).map_err(|e| e.to_string())?;
    let command = generate_command(&list).ok_or("no Generate action was listed")?;

    // The editor sends the listed command back.
    let incoming = Request::build("workspace/executeCommand")
        .params(json!({"command": command.command, "arguments": command.arguments}))
        .id(1)
        .finish()
        .to_string();
    let request: Request = incoming.parse().map_err(|e| format!("{e}"))?;
    let params: ExecuteCommandParams =
        serde_json::from_value(request.params().cloned().unwrap_or(Value::Null))
            .map_err(|e| e.to_string())?;
    let name = CommandName::parse(&params.command).ok_or("an unknown command was listed")?;
    let args = commands::parse_args(name, &params.arguments).map_err(|e| e.message.to_string())?;
    let (doc, line_no) =
        commands::at_listed_line(&store, &args).map_err(|e| e.message.to_string())?;
    let (input, line) = commands::generate::input(&doc, line_no, &args.uri, &extra)
        .map_err(|e| e.message.to_string())?;
    let dialect = input.dialect;
    match generate::run(&session.engine(), input, &StopAtModel).await {
        Err(features::Error::Stopped) => {}
        Err(e) => return Err(format!("the feature failed before its model call: {e}")),
        Ok(_) => return Err("the feature answered without a model".into()),
    }

    // After the answer: the command, its risk, the lines, the edit.
    let command = shell_command::extract_command(ANSWER, dialect).map_err(|e| e.to_string())?;
    let report = crate::risk::assess(&command);
    let lines: Vec<String> = generate::warning(&report)
        .map(|w| format!("# {w}"))
        .into_iter()
        .chain(command.lines().map(str::to_string))
        .collect();
    let text = commands::generate::inserted_text(&doc, line_no, &line, &lines);
    let (current, log) = store
        .get_with_log(&uri)
        .ok_or("the warm-up document is missing")?;
    let found = Anchor::lines(&doc, line_no, 1)
        .find_lines(log, current, std::slice::from_ref(&line))
        .map_err(|e| e.to_string())?;
    let insert = edit::insert_after_line(current, found, &text, enc);
    let workspace_edit = edit::workspace_edit(&uri, current, vec![insert]);
    let result = json!({"command": command, "risk": report, "inserted": true});
    for message in messages(session, workspace_edit, result)? {
        json.push_str(&message);
    }
    // The editor's answer to the edit.
    let answer: Response = r#"{"jsonrpc":"2.0","id":2,"result":{"applied":true}}"#
        .parse()
        .map_err(|e: serde_json::Error| e.to_string())?;
    let _: ApplyWorkspaceEditResponse =
        serde_json::from_value(answer.result().cloned().unwrap_or(Value::Null))
            .map_err(|e| e.to_string())?;
    Ok(json.len())
}

/// The listing's "Generate shell command".
fn generate_command(list: &[CodeActionOrCommand]) -> Option<&Command> {
    list.iter().find_map(|a| match a {
        CodeActionOrCommand::CodeAction(a) => a
            .command
            .as_ref()
            .filter(|c| c.command == actions::GENERATE),
        CodeActionOrCommand::Command(c) => Some(c).filter(|c| c.command == actions::GENERATE),
    })
}

/// The JSON of what the request would send: its progress, the edit, the reply.
fn messages(
    session: &Session,
    workspace_edit: tower_lsp_server::ls_types::WorkspaceEdit,
    result: Value,
) -> Result<Vec<String>, String> {
    // Not the session's counter: the editor's tokens stay numbered from the first request.
    let token = NumberOrString::String("superhelfer-warm-up".into());
    let bare = generate::TITLE.trim_start_matches("superhelfer: ");
    let title = session.profile().progress_title(bare);
    let progress = |value| {
        serde_json::to_value(ProgressParams {
            token: token.clone(),
            value: ProgressParamsValue::WorkDone(value),
        })
    };
    let to_json = |e: serde_json::Error| e.to_string();
    let create = serde_json::to_value(WorkDoneProgressCreateParams {
        token: token.clone(),
    })
    .map_err(to_json)?;
    let begin = progress(WorkDoneProgress::Begin(WorkDoneProgressBegin {
        title,
        cancellable: Some(true),
        message: Some("code tier · warm-up".into()),
        percentage: None,
    }))
    .map_err(to_json)?;
    let report = progress(WorkDoneProgress::Report(WorkDoneProgressReport {
        cancellable: Some(true),
        message: Some(progress::count(1, "token")),
        percentage: None,
    }))
    .map_err(to_json)?;
    let end = progress(WorkDoneProgress::End(WorkDoneProgressEnd {
        message: Some("warm-up · 0.0 s".into()),
    }))
    .map_err(to_json)?;
    let apply = serde_json::to_value(ApplyWorkspaceEditParams {
        label: None,
        edit: workspace_edit,
    })
    .map_err(to_json)?;
    let out = [
        Request::build("window/workDoneProgress/create")
            .params(create)
            .id(1)
            .finish(),
        Request::build("$/progress").params(begin).finish(),
        Request::build("$/progress").params(report).finish(),
        Request::build("workspace/applyEdit")
            .params(apply)
            .id(2)
            .finish(),
        Request::build("$/progress").params(end).finish(),
    ];
    let mut frames: Vec<String> = out.iter().map(Request::to_string).collect();
    let reply =
        serde_json::to_string(&Response::from_ok(Id::Number(1), result)).map_err(to_json)?;
    frames.push(reply);
    Ok(frames)
}

/// The feature's ui for the warm-up: silent, and it stops the work where the model call
/// would begin (`features::answer` polls `stopped` before the engine's work, `biased`).
struct StopAtModel;

impl Ui for StopAtModel {
    fn consent(&self) -> &dyn ConsentAsker {
        const NEVER: FixedConsent = FixedConsent(Consent::Cancel);
        &NEVER
    }
    fn begin<'a>(&'a self, _title: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }
    fn event(&self, _ev: Event) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }
    fn stopped(&self) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }
    fn end<'a>(&'a self, _end: End<'a>) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }
    fn tell(&self, _level: Level, _message: String) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }
    fn confirm_danger<'a>(&'a self, _c: &'a str, _r: &'a str) -> BoxFuture<'a, DangerChoice> {
        Box::pin(async { DangerChoice::Cancel })
    }
}
