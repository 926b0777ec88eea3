//! A request for an answer and what comes back: the request, the user's consent and how
//! it is asked, the events while the answer streams, the outcome or the error, the route.
//! Plain types that the router, the counters, the decision log and every adapter share.

use futures_util::future::BoxFuture;
use serde::Serialize;

use crate::backends::{BackendError, Message};
use crate::tier::Tier;

use super::analyzer::Analysis;

/// A request for an answer.
#[derive(Debug, Clone, Default)]
pub struct AskRequest {
    /// The text the router analyses: the user's question (with pasted material).
    pub query: String,
    /// The full prompt; `None` sends `query` as the only user message.
    pub messages: Option<Vec<Message>>,
    /// A tier the user named: wins over the analyzer.
    pub tier: Option<Tier>,
    /// A model the user named: wins over the tier's model.
    pub model: Option<String>,
    /// The most tokens the answer may take (a command needs few; a runaway model stops).
    pub max_tokens: Option<u32>,
}

impl AskRequest {
    /// A request with a task's prompt: `query` is what the router analyses.
    pub fn with_prompt(query: String, system: String, user: String, tier: Option<Tier>) -> Self {
        AskRequest {
            query,
            messages: Some(vec![Message::system(system), Message::user(user)]),
            tier,
            model: None,
            max_tokens: None,
        }
    }
}

/// The user's answer to the VRAM guard's question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    Load,
    UseFast,
    Cancel,
}

/// Asks the user before a big load (a dialog in the editor, a prompt on a terminal).
pub trait ConsentAsker: Send + Sync {
    fn ask<'a>(&'a self, prompt: &'a str) -> BoxFuture<'a, Consent>;
}

/// Answers every question the same way (scripts, `--yes`, `--no-load`).
pub struct FixedConsent(pub Consent);

impl ConsentAsker for FixedConsent {
    fn ask<'a>(&'a self, _prompt: &'a str) -> BoxFuture<'a, Consent> {
        let c = self.0;
        Box::pin(async move { c })
    }
}

/// What happens while an answer is produced, in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The route is decided; the model is about to be asked.
    Started {
        tier: Tier,
        model: String,
        reasons: Vec<String>,
    },
    /// Something the user should know (a substituted tier, no GPU found).
    Notice {
        message: String,
    },
    Token {
        text: String,
    },
    /// The tier failed: what was streamed so far is void, `fast` answers instead.
    Retrying {
        from: Tier,
        reason: String,
    },
}

/// The record of one answered request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub tier_chosen: Tier,
    pub tier_used: Tier,
    pub model_used: String,
    pub fallback_reason: Option<String>,
    pub first_token_ms: Option<u64>,
    pub total_ms: u64,
    pub tokens: Option<u64>,
    pub complexity: f64,
    pub reasons: Vec<String>,
    pub answer: String,
    /// Set when the answer reached the byte cap and was cut there: says so for the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer_cut: Option<String>,
}

/// Why there is no answer.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AskError {
    #[error("{0}")]
    Backend(#[from] BackendError),
    #[error("{}", fallback_failed(*tier, first, fallback))]
    FallbackFailed {
        tier: Tier,
        first: BackendError,
        fallback: BackendError,
    },
    #[error("{tier} tier failed ({first}); no time was left within the {limit_s} s limit to ask the fast tier")]
    NoTimeForFallback {
        tier: Tier,
        first: BackendError,
        limit_s: u64,
    },
    #[error("cancelled: {model} was not loaded; no model was called")]
    Cancelled { model: String },
    #[error("configuration: {0}")]
    Config(String),
}

/// Both failures, or the one when both tiers failed alike (one server's error and hint, said
/// once); a hint both share is said once, at the end.
fn fallback_failed(tier: Tier, first: &BackendError, fallback: &BackendError) -> String {
    let (full, fallback_text) = (first.to_string(), fallback.to_string());
    if full == fallback_text {
        return format!("{tier} tier and the fast tier failed: {full}");
    }
    let first_text = if first.hint().is_some() && first.hint() == fallback.hint() {
        first.brief()
    } else {
        full
    };
    format!("{tier} tier failed ({first_text}); the fast tier failed too: {fallback_text}")
}

/// The route for one request, before any model is called.
#[derive(Debug, Clone, Serialize)]
pub struct Route {
    pub tier: Tier,
    pub model: String,
    pub backend: String,
    pub analysis: Analysis,
    /// What the fast model said when the first stage was unsure (or why it said nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub second_opinion: Option<String>,
}
