//! "Ask again with a bigger model" in the editor: after an answer on a document, a code
//! action re-runs that request one tier up (or on the tier named), and the router keeps the
//! correction in the state directory, as `superhelfer route --prefer` does.

mod support;

use serde_json::{json, Value};
use support::lsp_client::{default_capabilities, LspClient, Spawn};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const QUESTION: &str = "What is the capital of Germany?";

fn ask_again_titles(c: &mut LspClient, uri: &str) -> Vec<Value> {
    let list = c
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri},
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                "context": {"diagnostics": []}
            }),
        )
        .expect("codeAction");
    list.as_array()
        .unwrap()
        .iter()
        .filter(|a| a["title"].as_str().unwrap_or("").starts_with("Ask again"))
        .cloned()
        .collect()
}

fn corrections(state: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(state.join("superhelfer/corrections.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn ask_again_reruns_the_last_answer_one_tier_up_and_keeps_the_correction() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let stub = rt.block_on(OllamaStub::start(vec![
        StubModel::new("llama3.2:3b", Behavior::reply(&["Berlin."])).loaded(),
        StubModel::new(
            "qwen3-coder:30b",
            Behavior::reply(&["Berlin, says the coder."]),
        )
        .loaded(),
        StubModel::new(
            "llama3.1:70b",
            Behavior::reply(&["Berlin, says the big one."]),
        )
        .loaded(),
    ]));
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let env = |k: &str, p: &std::path::Path| (k.to_string(), p.display().to_string());
    let mut c = LspClient::spawn(Spawn {
        env: vec![
            env("XDG_STATE_HOME", &state),
            env("XDG_CACHE_HOME", &dir.path().join("cache")),
        ],
        ..Default::default()
    });
    c.initialize(
        json!({
            "backends": {"ollama": {"kind": "ollama", "url": stub.url()}},
            "vram": {"enabled": false},
            "actions": {"shellcheck": false}
        }),
        default_capabilities(),
    );
    let uri = "file:///w/notes.txt";
    c.open(uri, "plaintext", "some notes\n");
    assert!(
        ask_again_titles(&mut c, uri).is_empty(),
        "nothing answered yet"
    );
    let nothing = c
        .request(
            "workspace/executeCommand",
            json!({"command": "superhelfer.askAgain", "arguments": [{"uri": uri}]}),
        )
        .expect_err("nothing to ask again");
    assert!(
        nothing["message"]
            .as_str()
            .unwrap()
            .contains("nothing to ask again"),
        "{nothing}"
    );

    let first = c
        .request(
            "workspace/executeCommand",
            json!({"command": "superhelfer.ask", "arguments": [{"uri": uri, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "question": QUESTION}]}),
        )
        .expect("answered");
    assert_eq!(first["outcome"]["tier_used"], "fast", "{first}");

    let offered = ask_again_titles(&mut c, uri);
    assert_eq!(offered.len(), 1, "{offered:?}");
    assert_eq!(
        offered[0]["title"],
        "Ask again with a bigger model (code) with superhelfer"
    );
    let again = c
        .request("workspace/executeCommand", offered[0]["command"].clone())
        .expect("asked again");
    assert_eq!(again["outcome"]["tier_used"], "code", "{again}");
    assert_eq!(again["outcome"]["model_used"], "qwen3-coder:30b");
    assert!(
        again["answer"].as_str().unwrap().contains("the coder"),
        "{again}"
    );
    let kept = corrections(&state);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0]["tier"], "code");
    assert!(
        kept[0]["q"].as_str().unwrap().contains(QUESTION),
        "{kept:?}"
    );

    // A chosen tier, in the arguments; the correction is replaced, not added.
    let heavy = c
        .request(
            "workspace/executeCommand",
            json!({"command": "superhelfer.askAgain", "arguments": [{"uri": uri, "tier": "heavy"}]}),
        )
        .expect("asked the heavy tier");
    assert_eq!(heavy["outcome"]["tier_used"], "heavy", "{heavy}");
    let kept = corrections(&state);
    assert_eq!((kept.len(), kept[0]["tier"].clone()), (1, json!("heavy")));
    // Nothing is bigger than heavy: no action is offered.
    assert!(ask_again_titles(&mut c, uri).is_empty());

    let caps = c.shutdown();
    drop(caps);
}

#[test]
fn the_server_offers_ask_again_as_a_command() {
    let mut c = LspClient::spawn(Spawn::default());
    let init = c.initialize(
        json!({"actions": {"shellcheck": false}}),
        default_capabilities(),
    );
    let commands = &init["capabilities"]["executeCommandProvider"]["commands"];
    assert!(
        commands
            .as_array()
            .unwrap()
            .contains(&json!("superhelfer.askAgain")),
        "{commands}"
    );
    let err = c
        .request(
            "workspace/executeCommand",
            json!({"command": "superhelfer.askAgain", "arguments": []}),
        )
        .expect_err("needs an answer first");
    assert!(
        err["message"].as_str().unwrap().contains("after an answer"),
        "{err}"
    );
    c.shutdown();
}
