//! The OpenAI-compatible path against the real llama.cpp server with the real tiny model
//! (../shared/BACKEND.md). Its answers are poor: these tests check shapes, streaming,
//! fallback and errors, never wording.

mod support;

use serde_json::json;
use superhelfer::config::{Layer, Resolved, Source};
use superhelfer::engine::router::{AskRequest, Consent, Engine, Event, FixedConsent};
use superhelfer::engine::tier::Tier;
use support::llama::{LlamaServer, LLAMA_MODEL};

fn engine(settings: serde_json::Value) -> Engine {
    let layers = vec![
        Layer::defaults(None),
        Layer::from_json(settings, Source::InitializationOptions).unwrap(),
    ];
    Engine::new(&Resolved::merge(&layers).unwrap())
}

fn all_tiers_on(url: &str, code_url: &str) -> serde_json::Value {
    json!({
        "backends": {"local": {"kind": "openai", "url": url}, "other": {"kind": "openai", "url": code_url}},
        "vram": {"enabled": false},
        "tiers": {
            // The tiny model sometimes rambles to the end of its context (2,048 tokens, over
            // a minute on two cores): the default 30 s cut one run in five of the fallback
            // test. These tests are about the wire and the fallback, not the time limits.
            "fast": {"model": LLAMA_MODEL, "backend": "local", "timeout_s": 300},
            "code": {"model": LLAMA_MODEL, "backend": "other", "first_token_timeout_s": 60, "timeout_s": 300},
            "heavy": {"model": LLAMA_MODEL, "backend": "local"}
        }
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn streams_a_real_answer_with_token_counts() {
    let Some(server) = LlamaServer::start() else {
        return;
    };
    // The URL without /v1 is accepted too.
    let root = server.url().trim_end_matches("/v1").to_string();
    let e = engine(all_tiers_on(&root, &server.url()));
    let mut tokens = 0;
    let o = e
        .ask(
            AskRequest {
                query: "Say hello in one short sentence.".into(),
                tier: Some(Tier::Fast),
                ..Default::default()
            },
            &FixedConsent(Consent::Load),
            &mut |ev| {
                if matches!(ev, Event::Token { .. }) {
                    tokens += 1;
                }
            },
        )
        .await
        .expect("answer from llama.cpp");
    assert!(!o.answer.trim().is_empty());
    assert!(tokens > 1, "streamed in pieces, got {tokens}");
    assert!(o.tokens.unwrap_or(0) > 0, "usage reported: {o:?}");
    assert!(o.first_token_ms.is_some());
    assert_eq!(o.tier_used, Tier::Fast);
}

#[tokio::test(flavor = "multi_thread")]
async fn dead_code_backend_falls_back_to_the_real_fast_model() {
    let Some(server) = LlamaServer::start() else {
        return;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = engine(all_tiers_on(
        &server.url(),
        &format!("http://127.0.0.1:{port}/v1"),
    ));
    let o = e
        .ask(
            AskRequest {
                query: "Write a bash loop over *.txt files.".into(),
                tier: Some(Tier::Code),
                ..Default::default()
            },
            &FixedConsent(Consent::Load),
            &mut |_| {},
        )
        .await
        .expect("fast answers");
    assert_eq!(o.tier_chosen, Tier::Code);
    assert_eq!(o.tier_used, Tier::Fast);
    let reason = o.fallback_reason.unwrap();
    assert!(reason.contains(&port.to_string()), "{reason}");
}

#[tokio::test(flavor = "multi_thread")]
async fn status_lists_the_served_model() {
    let Some(server) = LlamaServer::start() else {
        return;
    };
    let e = engine(all_tiers_on(&server.url(), &server.url()));
    let s = e.status().await;
    let local = s.backends.iter().find(|b| b.name == "local").unwrap();
    assert!(local.reachable, "{local:?}");
    assert!(
        local.installed.iter().any(|m| m == LLAMA_MODEL),
        "{local:?}"
    );
    assert!(
        local.loaded.is_none(),
        "an OpenAI server cannot say what is loaded"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_api_key_variable_is_named() {
    // api_key_env names a secret: the user's own file sets it, not editor settings.
    let file = "[backends.vllm]\nkind = \"openai\"\nurl = \"http://127.0.0.1:9/v1\"\napi_key_env = \"SUPERHELFER_TEST_UNSET_KEY\"\n[vram]\nenabled = false\n[tiers.fast]\nbackend = \"vllm\"\n";
    let layers = vec![
        Layer::defaults(None),
        Layer::from_toml(file, std::path::Path::new("/home/u/config.toml")).unwrap(),
    ];
    let e = Engine::new(&Resolved::merge(&layers).unwrap());
    let err = e
        .ask(
            AskRequest {
                query: "hi".into(),
                ..Default::default()
            },
            &FixedConsent(Consent::Load),
            &mut |_| {},
        )
        .await
        .expect_err("no key");
    assert!(
        err.to_string().contains("SUPERHELFER_TEST_UNSET_KEY"),
        "{err}"
    );
}
