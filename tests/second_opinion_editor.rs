//! The second opinion in the editor: a question the first stage is unsure of, asked
//! through `superhelfer.ask` over stdio, makes the resident fast model (the stand-in) receive
//! the short classification request with Ollama's `format` schema, and the answer comes
//! from the tier it voted for, as the decision log and `stats` say too. A vote past
//! `router.second_opinion_ms`, a garbage vote or a fast model that is not loaded leave the
//! first stage alone, and a question it is sure of asks nobody.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use superhelfer::engine::second_opinion::REQUEST_PREFIX;
use support::lsp_client::{default_capabilities, LspClient, Spawn};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";
/// The first stage is unsure here (fast 0.49, heavy 0.51, below `heavy_threshold`): fast
/// alone, and below the default `router.second_opinion_below` of 0.75.
const UNSURE: &str = "why is the sky blue and how would you prove it";
/// And sure here.
const SURE: &str = "What is the capital of Germany?";
const URI: &str = "file:///w/notes.txt";

/// The fast model votes `vote` when asked to classify and answers everything else.
fn voting(vote: &str) -> Behavior {
    Behavior::ByPrompt(vec![
        (REQUEST_PREFIX.into(), vote.into()),
        (String::new(), "the fast model's answer".into()),
    ])
}

struct World {
    // Keeps the stand-in's tasks running while the test talks to the server.
    _rt: tokio::runtime::Runtime,
    stub: OllamaStub,
    dir: tempfile::TempDir,
}

fn world(fast: Behavior, fast_loaded: bool) -> World {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut f = StubModel::new(FAST, fast);
    if fast_loaded {
        f = f.loaded();
    }
    let stub = rt.block_on(OllamaStub::start(vec![
        f,
        StubModel::new(CODE, Behavior::reply(&["the coder's answer"])).loaded(),
        StubModel::new("llama3.1:70b", Behavior::reply(&["the big answer"])).loaded(),
    ]));
    World {
        _rt: rt,
        stub,
        dir: tempfile::tempdir().unwrap(),
    }
}

/// An editor over the real binary, state and cache under the world's folder.
fn editor(w: &World, extra: Value) -> LspClient {
    let env = |k: &str, sub: &str| (k.to_string(), w.dir.path().join(sub).display().to_string());
    let mut c = LspClient::spawn(Spawn {
        env: vec![
            env("XDG_STATE_HOME", "state"),
            env("XDG_CACHE_HOME", "cache"),
        ],
        ..Default::default()
    });
    let mut options = json!({
        "backends": {"ollama": {"kind": "ollama", "url": w.stub.url()}},
        "vram": {"enabled": false},
        "actions": {"shellcheck": false},
        "log": {"decisions": true}
    });
    for (k, v) in extra.as_object().unwrap() {
        options[k] = v.clone();
    }
    c.initialize(options, default_capabilities());
    c.open(URI, "plaintext", "some notes\n");
    c
}

/// `superhelfer.ask` with `question` on the empty selection at the top of the document.
fn ask(c: &mut LspClient, question: &str) -> Value {
    c.request(
        "workspace/executeCommand",
        json!({"command": "superhelfer.ask", "arguments": [{"uri": URI, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "question": question}]}),
    )
    .expect("answered")
}

fn classifications(s: &OllamaStub) -> Vec<Value> {
    s.chat_requests()
        .into_iter()
        .filter(|b| b.to_string().contains("Request to route"))
        .collect()
}

fn reasons(r: &Value) -> Vec<String> {
    r["outcome"]["reasons"]
        .as_array()
        .unwrap_or_else(|| panic!("no reasons in {r}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// The decision log's lines, waited for (they are written off the request's path).
fn logged(dir: &Path, n: usize) -> Vec<Value> {
    let path = dir.join("state/superhelfer/decisions.jsonl");
    let read = || -> Vec<Value> {
        std::fs::read_to_string(&path)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while read().len() < n && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    read()
}

#[test]
fn an_unsure_question_is_classified_by_the_fast_model_and_its_vote_picks_the_coder() {
    let w = world(voting(r#"{"tier": "code"}"#), true);
    let mut c = editor(&w, json!({}));
    let r = ask(&mut c, UNSURE);
    assert_eq!(r["outcome"]["tier_used"], "code", "{r}");
    assert_eq!(r["outcome"]["model_used"], CODE);
    assert!(r["answer"].as_str().unwrap().contains("coder"), "{r}");
    let why = reasons(&r);
    assert!(
        why[0].starts_with("second opinion from llama3.2:3b: code (")
            && why[0].contains("fast → code"),
        "{why:?}"
    );

    let sent = classifications(&w.stub);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let body = &sent[0];
    assert_eq!(body["model"], FAST);
    assert_eq!(body["stream"], false);
    assert_eq!(body["format"]["required"], json!(["tier"]));
    assert_eq!(
        body["format"]["properties"]["tier"]["enum"],
        json!(["fast", "code", "heavy"])
    );
    let user = body["messages"][1]["content"].as_str().unwrap();
    assert!(user.contains(UNSURE), "{user}");

    let line = &logged(w.dir.path(), 1)[0];
    assert_eq!(
        (line["tier"].clone(), line["model"].clone()),
        (json!("code"), json!(CODE))
    );
    assert!(
        line["second_opinion"]
            .as_str()
            .unwrap()
            .starts_with("llama3.2:3b: code ("),
        "{line}"
    );
    c.shutdown();

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_superhelfer"))
        .args(["stats", "--json"])
        .env("XDG_STATE_HOME", w.dir.path().join("state"))
        .env("SUPERHELFER_CONFIG", "/dev/null")
        .output()
        .unwrap();
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (s["requests"].clone(), s["second_opinions"].clone()),
        (json!(1), json!(1)),
        "{s}"
    );
    assert_eq!(s["tiers"]["code"]["requests"], 1, "{s}");
}

#[test]
fn a_question_the_first_stage_is_sure_of_asks_nobody() {
    let w = world(voting(r#"{"tier": "heavy"}"#), true);
    let mut c = editor(&w, json!({}));
    let r = ask(&mut c, SURE);
    assert_eq!(r["outcome"]["tier_used"], "fast", "{r}");
    assert!(classifications(&w.stub).is_empty());
    assert!(
        !reasons(&r).iter().any(|s| s.contains("second opinion")),
        "{r}"
    );
    c.shutdown();
}

#[test]
fn a_vote_past_the_budget_is_not_awaited_and_the_first_stage_decides() {
    // Everything the fast model says takes 1.5 s; the budget is 200 ms.
    let slow = Behavior::slow_reply(
        &[r#"{"tier": "code"}"#],
        Duration::from_millis(1500),
        Duration::ZERO,
    );
    let w = world(slow, true);
    let mut c = editor(&w, json!({"router": {"second_opinion_ms": 200}}));
    let r = ask(&mut c, UNSURE);
    assert_eq!(r["outcome"]["tier_used"], "fast", "{r}");
    assert_eq!(r["outcome"]["model_used"], FAST);
    let last = reasons(&r).last().cloned().unwrap();
    assert!(
        last.contains("no answer within 200 ms") && last.contains("first stage decides alone"),
        "{last}"
    );
    assert_eq!(classifications(&w.stub).len(), 1, "it was asked");
    let line = &logged(w.dir.path(), 1)[0];
    assert_eq!(line["second_opinion"], "no answer within 200 ms", "{line}");
    assert_eq!(line["tier"], "fast");
    c.shutdown();
}

#[test]
fn a_garbage_vote_leaves_the_first_stage_alone() {
    let w = world(voting("Sure! I think this is a code question."), true);
    let mut c = editor(&w, json!({}));
    let r = ask(&mut c, UNSURE);
    assert_eq!(r["outcome"]["tier_used"], "fast", "{r}");
    assert!(r["answer"].as_str().unwrap().contains("fast model"), "{r}");
    let last = reasons(&r).last().cloned().unwrap();
    assert!(
        last.contains("unusable answer") && last.contains("first stage decides alone"),
        "{last}"
    );
    c.shutdown();
}

#[test]
fn a_fast_model_that_is_not_loaded_is_not_asked() {
    // Warming would load it: off, so the fast model stays cold until it answers.
    let w = world(voting(r#"{"tier": "code"}"#), false);
    let mut c = editor(&w, json!({"router": {"warm_fast": false}}));
    let r = ask(&mut c, UNSURE);
    assert_eq!(r["outcome"]["tier_used"], "fast", "{r}");
    assert!(classifications(&w.stub).is_empty());
    let last = reasons(&r).last().cloned().unwrap();
    assert!(last.contains("not known to be loaded"), "{last}");
    c.shutdown();
}
