//! `superhelfer.explain` and `superhelfer.ask`: the selection (or the question) →
//! `features::explain` / `features::ask` → a Markdown document the editor opens, or a
//! message where the answer is short or no document can be shown.

use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{MessageType, ProgressToken, Uri};
use tracing::warn;

use crate::engine::tier::Tier;
use crate::features::{self, explain};
use crate::lsp::actions::ActionArgs;
use crate::lsp::convert;
use crate::lsp::session::LastAsk;

use super::{feature_error, Ctx};

/// Which of the two commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Explain the selection.
    Explain,
    /// Answer `question` about the file.
    Ask,
}

pub(super) async fn run(
    ctx: &Ctx<'_>,
    args: ActionArgs,
    token: Option<ProgressToken>,
    kind: Kind,
    tier: Option<Tier>,
) -> Result<Value> {
    let doc = ctx.snapshot(&args.uri)?;
    let enc = ctx.session.encoding();
    let selection = {
        let (doc, range) = (doc.clone(), args.range);
        features::off_thread(move || doc.slice(range, enc))
            .await
            .map_err(|e| feature_error(e, ""))?
    };
    let input = explain::Input {
        document: convert::document(&doc, &args.uri),
        selection,
        lines: convert::selected_lines(&doc, args.range, enc),
        diagnostics: convert::engine_diagnostics(&doc, &args.diagnostics, enc),
        tier,
    };
    let engine = ctx.session.engine();
    let ui = ctx.ui(token);
    let out = match kind {
        Kind::Explain => explain::run(&engine, input, &ui).await,
        Kind::Ask => {
            let question = args.question.clone().unwrap_or_default();
            features::ask::about_document(&engine, input, question, &ui).await
        }
    }
    .map_err(|e| feature_error(e, "nothing was shown"))?;
    ctx.session.remember_ask(LastAsk {
        args: args.clone(),
        free_question: kind == Kind::Ask,
        query: out.query.clone(),
        tier_used: out.outcome.tier_used,
    });
    let (shown_as, path) = show(ctx, &out, &args.uri).await;
    Ok(json!({
        "answer": out.answer,
        "markdown": out.markdown,
        "path": path,
        "shown_as": shown_as,
        "selection_cut": out.selection_cut,
        "outcome": out.outcome,
    }))
}

/// Shows the answer: a document where the editor opens one and the answer is not short,
/// else a message. Returns how it was shown and the file written, if one was.
async fn show(ctx: &Ctx<'_>, out: &explain::Output, uri: &Uri) -> (&'static str, Option<String>) {
    let profile = ctx.session.profile();
    if !profile.show_document || (out.short && profile.shows_as_message(&out.answer)) {
        ctx.client
            .show_message(MessageType::INFO, &out.answer)
            .await;
        return ("message", None);
    }
    match write_markdown(&out.markdown, uri, out.lines) {
        Ok(path) => {
            let shown_as = if ctx.show_file(&path).await {
                "document"
            } else {
                ctx.client
                    .show_message(MessageType::INFO, &out.answer)
                    .await;
                "message"
            };
            (shown_as, Some(path.display().to_string()))
        }
        Err(e) => {
            warn!("cannot write the explanation: {e}");
            ctx.client
                .show_message(MessageType::INFO, &out.answer)
                .await;
            ("message", None)
        }
    }
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
pub(super) fn write_markdown_named(
    markdown: &str,
    name: &str,
) -> std::io::Result<std::path::PathBuf> {
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
