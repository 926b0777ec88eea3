//! "Ask": a question to the routed model. On the command line it is the question with any
//! material piped in, streamed back; in the editor it is a question about the file, which
//! runs the explain pipeline with the question (`explain::about_document`). "Ask again
//! with a bigger model" keeps the user's correction of the route.

use crate::engine::first_stage::corrections;
use crate::engine::router::{AskRequest, Engine, Outcome};
use crate::engine::tier::Tier;

use super::explain;
use super::{answer, off_thread, Result, Ui};

/// A question.
pub struct Input {
    /// The question, with any material after it.
    pub question: String,
    /// The tier or model the user named; the router decides otherwise.
    pub tier: Option<Tier>,
    pub model: Option<String>,
}

/// Answers a plain question (the answer streams through the ui's events).
pub async fn run(engine: &Engine, input: Input, ui: &dyn Ui) -> Result<Outcome> {
    let req = AskRequest {
        query: input.question,
        tier: input.tier,
        model: input.model,
        ..Default::default()
    };
    answer(engine, ui, explain::ASK_TITLE, req).await
}

/// Answers `question` about the document around the selection.
pub async fn about_document(
    engine: &Engine,
    input: explain::Input,
    question: String,
    ui: &dyn Ui,
) -> Result<explain::Output> {
    explain::about_document(engine, input, Some(question), ui).await
}

/// Keeps "this query wants `tier`" as a correction for the router (as `route --prefer`
/// does); the error says why it was not kept.
pub async fn keep_correction(query: String, tier: Tier) -> Result<std::result::Result<(), String>> {
    off_thread(move || match corrections::state_file() {
        Some(path) => corrections::record(&path, &query, tier).map_err(|e| e.to_string()),
        None => Err("no state directory (XDG_STATE_HOME or HOME)".to_string()),
    })
    .await
}
