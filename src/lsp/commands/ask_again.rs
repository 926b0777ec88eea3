//! `superhelfer.askAgain`: the document's last explain/ask once more, one tier up (or on
//! the tier named), kept as a correction (as `route --prefer` does).

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{MessageType, ProgressToken};
use tracing::warn;

use crate::features;
use crate::lsp::actions::AskAgainArgs;

use super::explain::{self, Kind};
use super::{feature_error, user_error, Ctx};

pub(super) async fn run(
    ctx: &Ctx<'_>,
    arguments: &[Value],
    token: Option<ProgressToken>,
) -> Result<Value> {
    let Some(first) = arguments.first().cloned() else {
        return Err(user_error(
            "Ask again works after an answer: pick it from the code actions of that file",
        ));
    };
    let args: AskAgainArgs =
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
    let kept = features::ask::keep_correction(last.query.clone(), tier)
        .await
        .map_err(|e| feature_error(e, ""))?;
    if let Err(e) = kept {
        // The answer still comes; only the lesson is lost.
        warn!("the correction was not kept: {e}");
        ctx.tell(
            MessageType::WARNING,
            format!("superhelfer: the correction was not kept ({e})"),
        )
        .await;
    }
    let kind = if last.free_question {
        Kind::Ask
    } else {
        Kind::Explain
    };
    explain::run(ctx, last.args, token, kind, Some(tier)).await
}
