//! A second opinion when the first stage is unsure: given an unsure query and a resident fast
//! model, the router asks that model for `{"tier": …}` in a short constrained request and
//! combines the vote; slow, broken or absent second opinions leave the first stage alone.

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use superhelfer::config::{Layer, Resolved, Source};
use superhelfer::engine::router::{AskRequest, Engine, FixedConsent};
use superhelfer::engine::second_opinion::REQUEST_PREFIX;
use superhelfer::engine::tier::Tier;
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";
/// The first stage is unsure here: fast 0.49, heavy 0.51 (below heavy_threshold).
const UNSURE: &str = "why is the sky blue and how would you prove it";
/// And sure here.
const SURE: &str = "What is the capital of Germany?";

fn engine(url: &str, budget_ms: u64) -> Engine {
    let settings = json!({
        "backends": {"ollama": {"kind": "ollama", "url": url}},
        "vram": {"enabled": false},
        "router": {"second_opinion_ms": budget_ms},
    });
    let layers = vec![
        Layer::defaults(None),
        Layer::from_json(settings, Source::InitializationOptions).unwrap(),
    ];
    Engine::new(&Resolved::merge(&layers).unwrap())
}

/// The fast model answers the classification with `vote`, other requests with a reply.
async fn stub(fast: Behavior, fast_loaded: bool) -> OllamaStub {
    let mut f = StubModel::new(FAST, fast);
    if fast_loaded {
        f = f.loaded();
    }
    OllamaStub::start(vec![
        f,
        StubModel::new(CODE, Behavior::reply(&["code answer"])).loaded(),
        StubModel::new("llama3.1:70b", Behavior::reply(&["heavy answer"])),
    ])
    .await
}

fn voting(tier: &str) -> Behavior {
    Behavior::ByPrompt(vec![
        (REQUEST_PREFIX.into(), format!("{{\"tier\": \"{tier}\"}}")),
        (String::new(), "an answer".into()),
    ])
}

fn classifications(s: &OllamaStub) -> Vec<Value> {
    s.chat_requests()
        .into_iter()
        .filter(|b| b.to_string().contains("Request to route"))
        .collect()
}

fn ask(query: &str) -> AskRequest {
    AskRequest {
        query: query.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn an_agreeing_vote_keeps_the_tier_and_is_shown_with_its_time() {
    let s = stub(voting("fast"), true).await;
    let e = engine(&s.url(), 5000);
    let r = e.route_checked(&ask(UNSURE)).await;
    assert_eq!(r.tier, Tier::Fast, "{:?}", r.analysis.reasons);
    let first = &r.analysis.reasons[0];
    assert!(
        first.starts_with("second opinion from llama3.2:3b: fast (") && first.ends_with(" ms)"),
        "{first}"
    );
    let sent = classifications(&s);
    assert_eq!(sent.len(), 1);
    let body = &sent[0];
    assert_eq!(body["stream"], false);
    assert_eq!(
        body["format"]["properties"]["tier"]["enum"],
        json!(["fast", "code", "heavy"])
    );
    assert_eq!(
        body["options"],
        json!({"temperature": 0.0, "num_predict": 16})
    );
}

#[tokio::test]
async fn a_disagreeing_vote_changes_the_tier_and_the_model_that_answers() {
    let s = stub(voting("code"), true).await;
    let e = engine(&s.url(), 5000);
    let out = e
        .ask(
            ask(UNSURE),
            &FixedConsent(superhelfer::engine::router::Consent::Load),
            &mut |_| {},
        )
        .await
        .unwrap();
    assert_eq!((out.tier_used, out.model_used.as_str()), (Tier::Code, CODE));
    assert_eq!(out.answer, "code answer");
    assert!(
        out.reasons[0].contains("second opinion from llama3.2:3b: code")
            && out.reasons[0].contains("fast → code"),
        "{:?}",
        out.reasons
    );
}

#[tokio::test]
async fn one_vote_for_heavy_does_not_reach_the_heavy_threshold() {
    let s = stub(voting("heavy"), true).await;
    let r = engine(&s.url(), 5000).route_checked(&ask(UNSURE)).await;
    assert_ne!(r.tier, Tier::Heavy, "{:?}", r.analysis);
    assert_eq!(classifications(&s).len(), 1);
}

#[tokio::test]
async fn a_slow_vote_is_not_awaited_past_the_budget() {
    let slow = Behavior::slow_reply(
        &["{\"tier\": \"code\"}"],
        Duration::from_secs(20),
        Duration::ZERO,
    );
    let s = stub(slow, true).await;
    let e = engine(&s.url(), 200);
    let t = Instant::now();
    let r = e.route_checked(&ask(UNSURE)).await;
    // 200 ms budget; generous slack for a loaded CI machine.
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    assert_eq!(r.tier, Tier::Fast);
    let last = r.analysis.reasons.last().unwrap();
    assert!(
        last.contains("no answer within 200 ms") && last.contains("decides alone"),
        "{last}"
    );
    assert_eq!(r.second_opinion.as_deref(), Some("no answer within 200 ms"));
}

#[tokio::test]
async fn a_garbage_vote_leaves_the_first_stage_alone() {
    for bad in [
        Behavior::reply(&["sure! I think code"]),
        Behavior::reply(&["{\"tier\": \"giant\"}"]),
        Behavior::Malformed { after: 0 },
        Behavior::FailStatus(500, "model crashed".into()),
    ] {
        let s = stub(bad.clone(), true).await;
        let r = engine(&s.url(), 5000).route_checked(&ask(UNSURE)).await;
        assert_eq!(r.tier, Tier::Fast, "{bad:?}");
        assert_eq!(r.analysis.confidence, 0.49, "{bad:?}");
        let last = r.analysis.reasons.last().unwrap();
        assert!(
            last.starts_with("second opinion: ") && last.contains("decides alone"),
            "{bad:?}: {last}"
        );
        assert_eq!(classifications(&s).len(), 1);
    }
}

#[tokio::test]
async fn no_request_when_the_fast_model_is_not_loaded_or_the_first_stage_is_sure() {
    let s = stub(voting("code"), false).await;
    let r = engine(&s.url(), 5000).route_checked(&ask(UNSURE)).await;
    assert_eq!(r.tier, Tier::Fast);
    assert!(r
        .analysis
        .reasons
        .last()
        .unwrap()
        .contains("not known to be loaded"));
    assert_eq!(r.second_opinion, None);
    assert!(s.chat_requests().is_empty(), "{:?}", s.chat_requests());

    let s = stub(voting("code"), true).await;
    let e = engine(&s.url(), 5000);
    let r = e.route_checked(&ask(SURE)).await;
    assert!(!format!("{:?}", r.analysis.reasons).contains("second opinion"));
    // A tier the user named is not second-guessed either.
    let named = AskRequest {
        tier: Some(Tier::Fast),
        ..ask(UNSURE)
    };
    e.route_checked(&named).await;
    assert!(s.chat_requests().is_empty(), "{:?}", s.chat_requests());
}
