//! A second opinion when the first stage is unsure: the resident fast model classifies the
//! request with a short prompt whose answer is constrained to `{"tier": "fast"|"code"|"heavy"}`
//! (Ollama `format`, OpenAI `response_format`), and its one-hot vote is averaged with the
//! first stage's calibrated probabilities. `heavy` still needs `heavy_threshold` on the
//! combined probability, so one vote of a 3B model cannot send a request to a 70B one alone.
//! `Engine::route_checked` (here) bounds the whole exchange (`router.second_opinion_ms`),
//! residency check included; whatever goes wrong, the first stage decides alone and the
//! reasons say why.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tracing::debug;

use super::analyzer::{Analysis, AnalyzerSettings};
use super::first_stage::{decide_tier, round3, TierProbabilities};
use super::router::{keep_alive, AskRequest, Engine, Route};
use super::tier::Tier;
use crate::backends::{BackendError, ChatRequest, Message};
use crate::config::BackendKind;

/// Weight of the second opinion against the first stage's probabilities.
const WEIGHT: f64 = 0.5;
/// Enough for `{"tier":"heavy"}` in any tokenizer.
const MAX_TOKENS: u32 = 16;
/// The request is cut here: the classifier needs its gist, and a long prompt costs time.
const MAX_QUERY_CHARS: usize = 1500;

const SYSTEM: &str = "You route a user's request to one of three assistants. \
fast: small talk, general knowledge, everyday questions, short factual answers. \
code: programming, shell commands, configuration, servers and system administration, logs, \
errors, files. heavy: demanding reasoning: proofs, derivations, puzzles with constraints, \
trade-off or cost analyses, design decisions, deep analysis of long technical material. \
Answer only with JSON: {\"tier\": \"fast\" | \"code\" | \"heavy\"}.";

/// Marks the classification prompt (the stand-in in the tests recognises it by this).
pub const REQUEST_PREFIX: &str = "Request to route:\n";

/// The JSON schema of the answer.
pub fn schema() -> Value {
    json!({
        "type": "object",
        "properties": {"tier": {"type": "string", "enum": ["fast", "code", "heavy"]}},
        "required": ["tier"],
    })
}

/// The classification request to `model`.
pub fn request(query: &str, model: &str, keep_alive: Option<String>) -> ChatRequest {
    let cut: String = query.chars().take(MAX_QUERY_CHARS).collect();
    ChatRequest {
        model: model.to_string(),
        messages: vec![
            Message::system(SYSTEM.to_string()),
            Message::user(format!("{REQUEST_PREFIX}{cut}")),
        ],
        keep_alive,
        temperature: Some(0.0),
        max_tokens: Some(MAX_TOKENS),
        max_bytes: 4096,
    }
}

/// The tier in the model's answer (its `<think>` blocks removed first); `None` for
/// anything else.
pub fn parse(answer: &str) -> Option<Tier> {
    let v: Value = serde_json::from_str(crate::text::reasoning::strip(answer).trim()).ok()?;
    v.get("tier")?.as_str()?.trim().parse().ok()
}

/// What came of asking.
pub enum Asked {
    /// The fast model is not known to be loaded: nobody was asked.
    NotResident,
    /// No answer within the budget.
    TimedOut,
    Answer(Result<String, BackendError>),
}

/// Applies the second opinion (or says why there is none) to `analysis`; returns the
/// one-line summary for the decision log (`None` when nobody was asked).
pub fn apply(
    analysis: &mut Analysis,
    asked: Asked,
    model: &str,
    ms: u64,
    budget_ms: u64,
    settings: &AnalyzerSettings,
) -> Option<String> {
    let said = match asked {
        Asked::NotResident => {
            note(
                analysis,
                format!("{model} not known to be loaded: not asked"),
            );
            return None;
        }
        Asked::TimedOut => {
            return Some(note(analysis, format!("no answer within {budget_ms} ms")));
        }
        Asked::Answer(Err(e)) => return Some(note(analysis, format!("failed ({e})"))),
        Asked::Answer(Ok(text)) => match parse(&text) {
            Some(t) => t,
            None => {
                let shown: String = text.chars().take(40).collect();
                return Some(note(analysis, format!("unusable answer {shown:?}")));
            }
        },
    };
    let Some(p) = analysis.probabilities else {
        return Some(note(analysis, "no probabilities to combine with".into()));
    };
    let mix = |t: Tier, v: f64| (1.0 - WEIGHT) * v + if said == t { WEIGHT } else { 0.0 };
    let combined = TierProbabilities {
        fast: mix(Tier::Fast, p.fast),
        code: mix(Tier::Code, p.code),
        heavy: mix(Tier::Heavy, p.heavy),
    };
    let before = analysis.tier;
    analysis.tier = decide_tier(&combined, settings);
    analysis.confidence = round3(combined.get(analysis.tier));
    analysis.complexity = round3(combined.heavy);
    analysis.probabilities = Some(combined);
    let change = if before == analysis.tier {
        String::new()
    } else {
        format!(", {before} → {}", analysis.tier)
    };
    let summary = format!("{model}: {said} ({ms} ms){change}");
    analysis
        .reasons
        .insert(0, format!("second opinion from {summary}"));
    Some(summary)
}

fn note(analysis: &mut Analysis, why: String) -> String {
    analysis.reasons.push(format!(
        "second opinion: {why}; the first stage decides alone"
    ));
    why
}

impl Engine {
    /// [`Engine::route`], and when the first stage is unsure, the resident fast model's
    /// second opinion, within `router.second_opinion_ms` (see `second_opinion.rs`).
    pub async fn route_checked(&self, req: &AskRequest) -> Route {
        let mut route = self.route(req);
        let r = &self.config().router;
        let chosen_by_router = r.enabled && req.tier.is_none() && req.model.is_none();
        if !r.second_opinion
            || !chosen_by_router
            || route.analysis.confidence >= r.second_opinion_below
        {
            return route;
        }
        let fast = &self.config().tiers.fast;
        let Ok(backend) = self.backend(&fast.backend, fast.connect_timeout_s) else {
            return route;
        };
        let budget = Duration::from_millis(r.second_opinion_ms);
        let started = Instant::now();
        // The residency check is remembered (probes.rs): on the hot path it costs nothing,
        // and the guard reads the same answer a moment later.
        let ask = async {
            let resident = match backend.kind() {
                BackendKind::Ollama => {
                    self.probes()
                        .resident(&fast.backend, &backend, &fast.model, budget)
                        .await
                }
                // It cannot list what is loaded: the model that answered last is.
                BackendKind::Openai => self.probes().answered_recently(&fast.backend, &fast.model),
            };
            if !resident {
                return Asked::NotResident;
            }
            let req = request(&req.query, &fast.model, keep_alive(backend.kind(), fast));
            let schema = schema();
            Asked::Answer(backend.complete_json(req, &schema).await)
        };
        let asked = tokio::time::timeout(budget, ask)
            .await
            .unwrap_or(Asked::TimedOut);
        let ms = started.elapsed().as_millis() as u64;
        let summary = apply(
            &mut route.analysis,
            asked,
            &fast.model,
            ms,
            r.second_opinion_ms,
            &self.analyzer_settings(),
        );
        debug!("second opinion: {summary:?}");
        route.second_opinion = summary;
        if route.analysis.tier != route.tier {
            let t = self.config().tiers.get(route.analysis.tier);
            route.tier = route.analysis.tier;
            route.model = t.model.clone();
            route.backend = t.backend.clone();
        }
        route
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vote_after_thinking_counts_and_thinking_is_no_vote() {
        assert_eq!(
            parse("<think>maybe {\"tier\": \"heavy\"}?</think>\n{\"tier\": \"code\"}"),
            Some(Tier::Code)
        );
        assert_eq!(parse("<think>{\"tier\": \"heavy\"}"), None);
    }

    fn unsure() -> Analysis {
        Analysis {
            tier: Tier::Fast,
            complexity: 0.1,
            tokens: 5,
            reasons: vec!["first".into()],
            confidence: 0.55,
            probabilities: Some(TierProbabilities {
                fast: 0.55,
                code: 0.35,
                heavy: 0.1,
            }),
        }
    }

    const SETTINGS: AnalyzerSettings = AnalyzerSettings {
        code_token_threshold: 500,
        heavy_threshold: 0.8,
    };

    fn answer(text: &str) -> Asked {
        Asked::Answer(Ok(text.into()))
    }

    #[test]
    fn a_disagreeing_vote_moves_the_tier_and_says_so() {
        let mut a = unsure();
        let s = apply(
            &mut a,
            answer(r#"{"tier":"code"}"#),
            "m",
            42,
            300,
            &SETTINGS,
        );
        assert_eq!(a.tier, Tier::Code);
        assert_eq!(s.as_deref(), Some("m: code (42 ms), fast → code"));
        assert_eq!(
            a.reasons[0],
            "second opinion from m: code (42 ms), fast → code"
        );
    }

    #[test]
    fn one_vote_for_heavy_is_not_enough_below_the_threshold() {
        let mut a = unsure();
        apply(
            &mut a,
            answer(r#"{"tier": "heavy"}"#),
            "m",
            1,
            300,
            &SETTINGS,
        );
        assert_ne!(a.tier, Tier::Heavy, "{a:?}");
    }

    #[test]
    fn garbage_leaves_the_first_stage_alone() {
        for text in [
            "",
            "{",
            r#"{"tier":"huge"}"#,
            "code",
            r#"["fast"]"#,
            "{\"tier\":3}",
        ] {
            let mut a = unsure();
            apply(&mut a, answer(text), "m", 1, 300, &SETTINGS);
            assert_eq!((a.tier, a.confidence), (Tier::Fast, 0.55), "{text}");
            assert!(a.reasons.last().unwrap().contains("decides alone"), "{a:?}");
        }
    }

    #[test]
    fn a_long_request_is_cut() {
        let r = request(&"ä".repeat(5000), "m", None);
        assert!(r.messages[1].content.chars().count() < 1600);
    }
}
