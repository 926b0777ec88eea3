//! "Fix error": the diagnostics → the region around them → context → prompt → the routed
//! model → the answer parsed into a minimal edit of whole lines (reasoning blocks
//! stripped). Where the edit goes now is the adapter's to find (the document may have
//! changed meanwhile).

use crate::engine::context;
use crate::engine::router::{AskRequest, Engine, Outcome};
use crate::tasks::fix_error::{self, Fix, Region};
use crate::tasks::ANSWER_MAX_TOKENS;

use super::{answer, build_context, off_thread, Document, Error, Result, Ui};

pub const TITLE: &str = "superhelfer: Fix error";

/// Lines of margin around the diagnostics that the model may rewrite too.
const MARGIN: usize = 2;

/// Diagnostics to fix in a document.
pub struct Input {
    pub document: Document,
    /// Already checked to lie in the document.
    pub diagnostics: Vec<context::Diagnostic>,
}

pub struct Output {
    /// The lines to replace, in the document as it was given.
    pub fix: Fix,
    pub outcome: Outcome,
}

/// The whole pipeline; see the module comment.
pub async fn run(engine: &Engine, input: Input, ui: &dyn Ui) -> Result<Output> {
    let Input {
        document: doc,
        diagnostics: diags,
    } = input;
    let text = {
        let doc = doc.clone();
        off_thread(move || (doc.text)()).await?
    };
    let region = Region::for_diagnostics(&text, &diags, MARGIN)
        .ok_or_else(|| Error::Input("no diagnostic here to fix".into()))?;
    let (first, last) = (region.start_line, region.end_line());
    let built = build_context(engine, &doc, (first, last), diags.clone()).await?;
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
    let req = AskRequest {
        max_tokens: Some(ANSWER_MAX_TOKENS),
        ..AskRequest::with_prompt(query, system, user, None)
    };
    let outcome = answer(engine, ui, TITLE, req).await?;
    // parse_fix strips reasoning blocks before it reads the answer.
    let fix = fix_error::parse_fix(&outcome.answer, &region).map_err(|e| Error::Unusable {
        reason: e.to_string(),
        answer: outcome.answer.clone(),
    })?;
    Ok(Output { fix, outcome })
}
