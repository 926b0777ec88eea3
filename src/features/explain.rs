//! "Explain selection", and the editor's "Ask" about a file (the same pipeline with a
//! question): the selection → context (cut to the budget, said so) → prompt → the routed
//! model → the answer cleaned of reasoning blocks and rendered as a Markdown document.

use crate::engine::context;
use crate::engine::router::{AskRequest, Engine, Outcome};
use crate::engine::tier::Tier;
use crate::tasks::{explain, ANSWER_MAX_TOKENS};

use super::{answer, build_context, cut_to_budget, tell_cut, thought_out};
use super::{Document, Error, Result, Ui};

pub const TITLE: &str = "superhelfer: Explain selection";
/// The editor's "Ask" and the CLI's `ask` alike.
pub(super) const ASK_TITLE: &str = "superhelfer: Ask";
const ASK_SYSTEM: &str = "You are superhelfer, a concise assistant for Linux administrators and developers. Answer the question about the file shown; use Markdown.";

/// A selection to explain (or a question about the file it is in).
pub struct Input {
    pub document: Document,
    /// The selected text.
    pub selection: String,
    /// The selected lines, 0-based, inclusive.
    pub lines: (usize, usize),
    /// The diagnostics in the selection, for the context.
    pub diagnostics: Vec<context::Diagnostic>,
    /// The tier to ask; the router decides when none is named.
    pub tier: Option<Tier>,
}

/// An answer about a document.
pub struct Output {
    /// The answer, cleaned (no reasoning, no wrapping fence): for a message.
    pub answer: String,
    /// The answer as a document: title, answer, footer.
    pub markdown: String,
    /// Short enough for a message window.
    pub short: bool,
    pub lines: (usize, usize),
    /// The selection was cut to the context budget.
    pub selection_cut: bool,
    /// What the router analysed: the query to keep when the user corrects the route.
    pub query: String,
    pub outcome: Outcome,
}

/// Explains the selection; see the module comment.
pub async fn run(engine: &Engine, input: Input, ui: &dyn Ui) -> Result<Output> {
    about_document(engine, input, None, ui).await
}

/// Explains the selection, or answers `question` about the document.
pub(super) async fn about_document(
    engine: &Engine,
    input: Input,
    question: Option<String>,
    ui: &dyn Ui,
) -> Result<Output> {
    let Input {
        document: doc,
        selection,
        lines,
        diagnostics,
        tier,
    } = input;
    match &question {
        Some(q) if q.trim().is_empty() => {
            return Err(Error::Input("superhelfer.ask needs a `question`".into()))
        }
        None if selection.trim().is_empty() => {
            return Err(Error::Input("nothing selected to explain".into()))
        }
        _ => {}
    }
    let built = build_context(engine, &doc, lines, diagnostics).await?;
    tell_cut(engine, ui, &built).await;
    let max_tokens = engine.config().context.max_tokens;
    let selection = cut_to_budget(selection, &built, max_tokens);
    let (system, user, query, title, heading) = match &question {
        Some(q) => (
            ASK_SYSTEM.to_string(),
            format!("{}\n\nQuestion: {q}", built.rendered),
            format!("{q}\n{selection}"),
            ASK_TITLE,
            "Answer",
        ),
        None => {
            let (system, user) = explain::build_prompt(&selection, &built, &doc.language_id);
            (system, user, selection, TITLE, "Explanation")
        }
    };
    let req = AskRequest {
        max_tokens: Some(ANSWER_MAX_TOKENS),
        ..AskRequest::with_prompt(query.clone(), system, user, tier)
    };
    let outcome = answer(engine, ui, title, req).await?;
    let meta = explain::ExplainMeta {
        heading,
        file: doc.label.clone(),
        lines,
        model: outcome.model_used.clone(),
        tier: outcome.tier_used,
        elapsed_ms: outcome.total_ms,
        fallback: outcome.fallback_reason.clone(),
    };
    let said = thought_out(&outcome.answer);
    Ok(Output {
        answer: explain::clean_answer(&said),
        markdown: explain::render_markdown(&said, &meta),
        short: explain::is_short(&said),
        lines,
        selection_cut: built.over_budget,
        query,
        outcome,
    })
}
