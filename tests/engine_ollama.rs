//! The engine against the Ollama stand-in: routing, streaming, time limits, fallback,
//! substitution of a missing model, cancellation and counters.

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use superhelfer::config::{Layer, Resolved, Source};
use superhelfer::engine::router::{AskError, AskRequest, Consent, Engine, Event, FixedConsent};
use superhelfer::engine::tier::Tier;
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";
const HEAVY: &str = "llama3.1:70b";

/// An engine whose every tier uses the stub, with short time limits and the guard off.
fn engine(url: &str, extra: Value) -> Engine {
    let mut settings = json!({
        "backends": {"ollama": {"kind": "ollama", "url": url}},
        "vram": {"enabled": false},
        "tiers": {
            "fast": {"timeout_s": 10, "first_token_timeout_s": 5},
            "code": {"timeout_s": 4, "first_token_timeout_s": 1},
            "heavy": {"timeout_s": 10, "first_token_timeout_s": 5}
        }
    });
    merge(&mut settings, extra);
    let layers = vec![
        Layer::defaults(None),
        Layer::from_json(settings, Source::InitializationOptions).unwrap(),
    ];
    Engine::new(&Resolved::merge(&layers).unwrap())
}

fn merge(a: &mut Value, b: Value) {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(Value::Null), v);
            }
        }
        (a, b) => *a = b,
    }
}

fn all_models(code: Behavior) -> Vec<StubModel> {
    vec![
        StubModel::new(FAST, Behavior::reply(&["fast ", "answer"])).loaded(),
        StubModel::new(CODE, code),
        StubModel::new(HEAVY, Behavior::reply(&["heavy answer"])),
    ]
}

fn code_question() -> AskRequest {
    AskRequest {
        query:
            "Why does `find / -name '*.log' | xargs grep -c ERROR` print 'Argument list too long'?"
                .into(),
        ..Default::default()
    }
}

async fn ask(
    e: &Engine,
    req: AskRequest,
) -> (
    Result<superhelfer::engine::router::Outcome, AskError>,
    Vec<Event>,
) {
    let mut events = Vec::new();
    let r = e
        .ask(req, &FixedConsent(Consent::Load), &mut |ev| events.push(ev))
        .await;
    (r, events)
}

#[tokio::test(flavor = "multi_thread")]
async fn code_question_streams_from_the_code_model() {
    let stub = OllamaStub::start(all_models(Behavior::reply(&[
        "Use ",
        "find -exec",
        " instead.",
    ])))
    .await;
    let e = engine(&stub.url(), json!({}));
    let (r, events) = ask(&e, code_question()).await;
    let o = r.expect("answer");
    assert_eq!(o.tier_chosen, Tier::Code);
    assert_eq!(o.tier_used, Tier::Code);
    assert_eq!(o.model_used, CODE);
    assert_eq!(o.answer, "Use find -exec instead.");
    assert_eq!(o.fallback_reason, None);
    assert!(o.first_token_ms.is_some());
    let tokens: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e, Event::Token { .. }))
        .collect();
    assert_eq!(tokens.len(), 3, "streamed token by token: {events:?}");
    // The request carried the tier's keep_alive and the question.
    let chat = stub.chat_requests().pop().unwrap();
    assert_eq!(chat["model"], CODE);
    assert_eq!(chat["keep_alive"], "10m");
    assert_eq!(chat["stream"], true);
    assert!(chat["messages"][0]["content"]
        .as_str()
        .unwrap()
        .contains("xargs grep"));
}

#[tokio::test(flavor = "multi_thread")]
async fn hanging_code_tier_falls_back_to_fast_within_the_limit() {
    let stub = OllamaStub::start(all_models(Behavior::Hang)).await;
    let e = engine(&stub.url(), json!({}));
    let t = Instant::now();
    let (r, events) = ask(&e, code_question()).await;
    let elapsed = t.elapsed();
    let o = r.expect("fast answers");
    assert_eq!(o.tier_chosen, Tier::Code);
    assert_eq!(o.tier_used, Tier::Fast);
    assert_eq!(o.model_used, FAST);
    assert_eq!(o.answer, "fast answer");
    let reason = o.fallback_reason.expect("fallback recorded");
    assert!(reason.contains("first token"), "{reason}");
    assert!(events.iter().any(|e| matches!(
        e,
        Event::Retrying {
            from: Tier::Code,
            ..
        }
    )));
    // Within the code tier's first-token limit (1 s) plus the fast answer's time.
    assert!(elapsed < Duration::from_secs(4), "took {elapsed:?}");
    let c = e.counters.snapshot();
    assert_eq!(c[&Tier::Code].fallbacks_from, 1);
    assert_eq!(c[&Tier::Code].timeouts, 1);
    assert_eq!(c[&Tier::Fast].answered, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn broken_streams_fall_back_and_discard_partial_output() {
    for (behavior, expect) in [
        (
            Behavior::ErrorMidStream {
                after: 1,
                message: "CUDA error: out of memory".into(),
            },
            "out of memory",
        ),
        (Behavior::Malformed { after: 1 }, "not JSON"),
        (Behavior::DropMidStream { after: 1 }, "broke off"),
        (
            Behavior::FailStatus(500, "llama runner process has terminated".into()),
            "HTTP 500",
        ),
    ] {
        let stub = OllamaStub::start(all_models(behavior)).await;
        let e = engine(&stub.url(), json!({}));
        let (r, _) = ask(&e, code_question()).await;
        let o = r.unwrap_or_else(|err| panic!("{expect}: {err}"));
        assert_eq!(o.tier_used, Tier::Fast, "{expect}");
        assert_eq!(
            o.answer, "fast answer",
            "partial code output discarded ({expect})"
        );
        let reason = o.fallback_reason.unwrap_or_default();
        assert!(reason.contains(expect), "expected `{expect}` in `{reason}`");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn fast_failing_too_is_a_clear_error() {
    let stub = OllamaStub::start(vec![
        StubModel::new(FAST, Behavior::FailStatus(500, "boom".into())),
        StubModel::new(CODE, Behavior::FailStatus(500, "bang".into())),
    ])
    .await;
    let e = engine(&stub.url(), json!({}));
    let (r, _) = ask(&e, code_question()).await;
    let msg = r.expect_err("both fail").to_string();
    assert!(
        msg.contains("code tier failed") && msg.contains("bang") && msg.contains("boom"),
        "{msg}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn both_tiers_failing_alike_is_said_once() {
    let crash = || Behavior::FailStatus(500, "llama runner process has terminated".into());
    let stub = OllamaStub::start(vec![
        StubModel::new(FAST, crash()),
        StubModel::new(CODE, crash()),
    ])
    .await;
    let e = engine(&stub.url(), json!({}));
    let (r, _) = ask(&e, code_question()).await;
    let msg = r.expect_err("both fail").to_string();
    assert!(msg.contains("code tier and the fast tier failed"), "{msg}");
    assert_eq!(msg.matches("runner process").count(), 1, "{msg}");
}

#[tokio::test(flavor = "multi_thread")]
async fn backend_down_fails_fast_naming_url_and_fix() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let e = engine(&url, json!({}));
    let t = Instant::now();
    let (r, _) = ask(
        &e,
        AskRequest {
            query: "hello there".into(),
            ..Default::default()
        },
    )
    .await;
    let msg = r.expect_err("down").to_string();
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "took {:?}",
        t.elapsed()
    );
    assert!(msg.contains(&url), "{msg}");
    assert!(msg.contains("ollama serve"), "{msg}");
}

#[tokio::test(flavor = "multi_thread")]
async fn backend_down_under_both_tiers_is_one_error_without_a_retry() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let e = engine(&url, json!({}));
    let (r, events) = ask(&e, code_question()).await;
    let msg = r.expect_err("down").to_string();
    // The fast tier is on the server that refused: not asked, and the error said once.
    assert!(
        !events.iter().any(|e| matches!(e, Event::Retrying { .. })),
        "{events:?}"
    );
    assert_eq!(msg.matches("cannot reach").count(), 1, "{msg}");
    assert_eq!(msg.matches("ollama serve").count(), 1, "{msg}");
    assert_eq!(e.counters.snapshot()[&Tier::Code].failures, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_model_is_replaced_by_the_nearest_installed_tier() {
    let stub = OllamaStub::start(vec![
        StubModel::new(FAST, Behavior::reply(&["fast answer"])).loaded(),
        StubModel::new(HEAVY, Behavior::reply(&["heavy answer"])),
    ])
    .await;
    let e = engine(&stub.url(), json!({}));
    let (r, events) = ask(&e, code_question()).await;
    let o = r.expect("answer");
    assert_eq!(o.tier_chosen, Tier::Code);
    assert_eq!(
        o.tier_used,
        Tier::Fast,
        "fast is nearer than heavy for code"
    );
    assert!(
        o.reasons
            .iter()
            .any(|r| r.contains("ollama pull qwen3-coder:30b")),
        "{:?}",
        o.reasons
    );
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::Notice { message } if message.contains("not installed"))));
    assert!(
        stub.chat_requests().iter().all(|c| c["model"] != CODE),
        "no call to the missing model"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn model_named_by_the_user_that_is_missing_says_how_to_pull_it() {
    let stub = OllamaStub::start(all_models(Behavior::reply(&["x"]))).await;
    let e = engine(&stub.url(), json!({}));
    let (r, _) = ask(
        &e,
        AskRequest {
            query: "hi".into(),
            tier: Some(Tier::Fast),
            model: Some("mistral:7b".into()),
            ..Default::default()
        },
    )
    .await;
    let msg = r.expect_err("not installed").to_string();
    assert!(msg.contains("ollama pull mistral:7b"), "{msg}");
}

#[tokio::test(flavor = "multi_thread")]
async fn user_tier_and_disabled_router_win_over_the_analyzer() {
    let stub = OllamaStub::start(all_models(Behavior::reply(&["code answer"]))).await;
    let e = engine(&stub.url(), json!({}));
    let (r, _) = ask(
        &e,
        AskRequest {
            query: "hello".into(),
            tier: Some(Tier::Heavy),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(r.unwrap().tier_used, Tier::Heavy);

    let e = engine(
        &stub.url(),
        json!({"router": {"enabled": false, "default_tier": "fast"}}),
    );
    let (r, _) = ask(&e, code_question()).await;
    let o = r.unwrap();
    assert_eq!(o.tier_chosen, Tier::Fast);
    assert!(o.reasons[0].contains("router disabled"), "{:?}", o.reasons);
}

#[tokio::test(flavor = "multi_thread")]
async fn dropping_the_request_closes_the_backend_stream_at_once() {
    let slow = Behavior::slow_reply(
        &["a", "b", "c", "d", "e", "f"],
        Duration::from_millis(10),
        Duration::from_millis(400),
    );
    let stub = OllamaStub::start(all_models(slow)).await;
    let e = engine(
        &stub.url(),
        json!({"tiers": {"code": {"timeout_s": 30, "first_token_timeout_s": 10}}}),
    );
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let fut = async {
        let consent = FixedConsent(Consent::Load);
        let mut on = |ev: Event| {
            let _ = tx.send(ev);
        };
        e.ask(code_question(), &consent, &mut on).await
    };
    tokio::select! {
        _ = fut => panic!("should have been cancelled"),
        _ = async { while let Some(ev) = rx.recv().await { if matches!(ev, Event::Token { .. }) { break; } } } => {}
    }
    assert!(
        stub.wait_closed_early(1, Duration::from_secs(2)).await,
        "stub saw the stream closed early"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn implicit_remote_backend_is_refused_explicit_one_is_used() {
    // OLLAMA_HOST points elsewhere: not written in superhelfer's config, so refused.
    let layers = vec![
        Layer::defaults(Some("10.255.0.1:11434")),
        Layer::from_json(
            json!({"vram": {"enabled": false}}),
            Source::InitializationOptions,
        )
        .unwrap(),
    ];
    let e = Engine::new(&Resolved::merge(&layers).unwrap());
    let (r, _) = ask(
        &e,
        AskRequest {
            query: "hi".into(),
            ..Default::default()
        },
    )
    .await;
    let msg = r.expect_err("refused").to_string();
    assert!(
        msg.contains("not on this machine") && msg.contains("backends.ollama.url"),
        "{msg}"
    );
    let status = e.status().await;
    assert!(
        status.notices.iter().any(|n| n.contains("not used")),
        "{:?}",
        status.notices
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn status_reports_backends_tiers_and_counters() {
    let stub = OllamaStub::start(all_models(Behavior::reply(&["ok"]))).await;
    let e = engine(&stub.url(), json!({}));
    let _ = ask(&e, code_question()).await;
    let s = e.status().await;
    assert!(s.backends[0].reachable);
    let code = s.tiers.iter().find(|t| t.tier == Tier::Code).unwrap();
    assert_eq!(code.installed, Some(true));
    assert_eq!(code.loaded, Some(true), "loaded after the request");
    assert_eq!(s.counters[&Tier::Code].answered, 1);
    let text = s.render();
    assert!(
        text.contains("qwen3-coder:30b (30B) on ollama: installed, loaded"),
        "{text}"
    );
    // From /api/show.
    assert_eq!(
        code.details
            .as_ref()
            .and_then(|d| d.parameter_size.as_deref()),
        Some("30B")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_requests_show_in_status() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = engine(&format!("http://127.0.0.1:{port}"), json!({}));
    let (r, _) = ask(
        &e,
        AskRequest {
            query: "hello".into(),
            ..Default::default()
        },
    )
    .await;
    assert!(r.is_err());
    let c = e.counters.snapshot();
    assert_eq!(c[&Tier::Fast].chosen, 1);
    assert_eq!(c[&Tier::Fast].failures, 1);
    let text = e.status().await.render();
    assert!(
        text.contains("requests:") && text.contains("failed 1"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_total_limit_shorter_than_the_first_token_limit_is_named() {
    let stub = OllamaStub::start(all_models(Behavior::Hang)).await;
    let e = engine(
        &stub.url(),
        json!({"tiers": {"code": {"timeout_s": 1, "first_token_timeout_s": 30}}}),
    );
    let (r, _) = ask(&e, code_question()).await;
    // The limit bounds the whole request: nothing is left for the fast tier.
    let msg = r.expect_err("the limit ran out").to_string();
    assert!(
        msg.contains("complete answer") && msg.contains("1 s") && msg.contains("no time was left"),
        "{msg}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stream_that_stalls_ends_at_the_request_limit_with_no_retry() {
    let stub = OllamaStub::start(all_models(Behavior::HangMidStream { after: 1 })).await;
    let e = engine(&stub.url(), json!({}));
    let t = Instant::now();
    let (r, events) = ask(&e, code_question()).await;
    let msg = r.expect_err("the limit ran out").to_string();
    assert!(
        msg.contains("complete answer") && msg.contains("within 4 s"),
        "{msg}"
    );
    assert!(
        t.elapsed() < Duration::from_secs(4 + 1),
        "{:?}",
        t.elapsed()
    );
    assert!(!events.iter().any(|e| matches!(e, Event::Retrying { .. })));
    assert!(stub.wait_closed_early(1, Duration::from_secs(2)).await);
}
