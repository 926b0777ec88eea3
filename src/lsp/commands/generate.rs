//! `superhelfer.generateCommand`: the request line (found again where the user typed
//! meanwhile) → `features::generate::run` → its lines, indented like the request, inserted
//! after it.

use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{ProgressToken, Uri};
use tracing::debug;

use crate::features::generate::{self, Insertion};
use crate::lsp::actions::{self, ActionArgs};
use crate::lsp::documents::Document;
use crate::lsp::{convert, edit};

use super::{failed, feature_error, user_error, Ctx};

pub(super) async fn run(
    ctx: &Ctx<'_>,
    args: ActionArgs,
    token: Option<ProgressToken>,
) -> Result<Value> {
    let (doc, line_no) = ctx.snapshot_at_listed_line(&args)?;
    let extra = ctx.session.command_languages();
    let (input, line) = input(&doc, line_no, &args.uri, &extra)?;
    let engine = ctx.session.engine();
    let out = generate::run(&engine, input, &ctx.ui(token))
        .await
        .map_err(|e| feature_error(e, "nothing was inserted"))?;
    let mut result = json!({
        "command": out.command,
        "risk": out.report,
        "inserted": false,
        "selection_cut": out.over_budget,
        "outcome": out.outcome,
    });
    let Insertion::Lines(lines) = &out.insertion else {
        return Ok(result);
    };
    let text = inserted_text(&doc, line_no, &line, lines);
    let anchor = [line];
    let (current, at) = ctx.locate(&args.uri, &doc, line_no, &anchor).map_err(|e| {
        failed(format!(
            "the request line {e} while the model was answering; nothing was inserted"
        ))
    })?;
    let edit = edit::insert_after_line(&current, at, &text, ctx.session.encoding());
    let applied = ctx.apply(&args.uri, &current, vec![edit]).await?;
    debug!(level = ?out.report.level, applied, "generated command");
    result["inserted"] = json!(applied);
    Ok(result)
}

/// The feature's input for the request on line `line_no` of `doc`, and that line's text.
pub(crate) fn input(
    doc: &Document,
    line_no: usize,
    uri: &Uri,
    extra_languages: &[String],
) -> Result<(generate::Input, String)> {
    let dialect = actions::command_dialect(doc, line_no, extra_languages).ok_or_else(|| {
        user_error("this is not a shell script, Dockerfile, Makefile or shell block")
    })?;
    let line = doc.line(line_no).ok_or_else(|| {
        user_error(format!(
            "line {} is past the end of the document",
            line_no + 1
        ))
    })?;
    let request = actions::line_request(&line, dialect).ok_or_else(|| {
        user_error(
            "this line holds no request (write a comment that says what the command should do)",
        )
    })?;
    let input = generate::Input {
        request,
        dialect,
        document: Some((convert::document(doc, uri), line_no)),
        tier: None,
        model: None,
    };
    Ok((input, line))
}

/// The text inserted after the request `line` (line `line_no` of `doc`): `lines`
/// indented like it, each ending as the document's lines do.
pub(crate) fn inserted_text(
    doc: &Document,
    line_no: usize,
    line: &str,
    lines: &[String],
) -> String {
    let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
    let eol = edit::line_ending(doc, line_no);
    edit::indented(lines, &indent)
        .into_iter()
        .map(|l| format!("{l}{eol}"))
        .collect()
}
