//! `superhelfer.fixError`: the diagnostics (sent, or superhelfer's own on the line),
//! checked against the document → `features::fix::run` → the replaced lines, followed to
//! where they are now.

use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::ProgressToken;

use crate::features::fix;
use crate::lsp::actions::ActionArgs;
use crate::lsp::{convert, edit};

use super::{failed, feature_error, user_error, Ctx};

pub(super) async fn run(
    ctx: &Ctx<'_>,
    args: ActionArgs,
    token: Option<ProgressToken>,
) -> Result<Value> {
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
    let lsp_diags = convert::in_document(&doc, lsp_diags, enc).map_err(user_error)?;
    let input = fix::Input {
        document: convert::document(&doc, &args.uri),
        diagnostics: convert::engine_diagnostics(&doc, &lsp_diags, enc),
    };
    let engine = ctx.session.engine();
    let out = fix::run(&engine, input, &ctx.ui(token))
        .await
        .map_err(|e| feature_error(e, "nothing was changed"))?;
    let fixed = out.fix;
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
    let eol = edit::line_ending(&current, at);
    let edit = edit::replace_lines(&current, at, end_line, &fixed.new_lines, eol, enc);
    let new_text = edit.new_text.clone();
    let applied = ctx.apply(&args.uri, &current, vec![edit]).await?;
    Ok(json!({
        "applied": applied,
        "start_line": at,
        "end_line": end_line,
        "new_text": new_text,
        "outcome": out.outcome,
    }))
}
