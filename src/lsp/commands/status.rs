//! `superhelfer.status`: `features::status` → a message, or a document where a message
//! is one line (a VS Code toast, Helix's status bar).

use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::MessageType;
use tracing::warn;

use crate::features::status;

use super::explain::write_markdown_named;
use super::{failed, Ctx};

pub(super) async fn run(ctx: &Ctx<'_>) -> Result<Value> {
    let status::Output { status, text } = status::run(&ctx.session.engine()).await;
    // The first line is the message where neither works.
    let profile = ctx.session.profile();
    let shown = profile.shows_as_message(&text)
        || (profile.show_document
            && match write_markdown_named(&format!("```text\n{text}\n```\n"), "status.md") {
                Ok(path) => ctx.show_file(&path).await,
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
