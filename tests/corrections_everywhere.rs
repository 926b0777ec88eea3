//! A correction is the user's, wherever it was made: `superhelfer route --prefer` in a
//! terminal steers the editor's next similar question (and the reasons say so), the
//! editor's "ask again with a bigger model" steers `superhelfer route` and `ask`, and
//! `route --forget` clears them for a language server that is already running. The
//! decision log holds the editor's and the CLI's requests alike, and `stats` counts both
//! and the corrections kept.

mod support;

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::lsp_client::{default_capabilities, LspClient, Spawn};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const BIN: &str = env!("CARGO_BIN_EXE_superhelfer");
const URI: &str = "file:///w/notes.txt";
const QUERY: &str = "write a limerick about my neighbour's loud parrot";
const SIMILAR: &str = "write a limerick about my neighbours loud parrot please";
const OTHER: &str = "how do i see which process listens on port 8080";

/// The CLI with the same state directory and backend as the editor.
fn cli(dir: &Path, url: &str, args: &[&str]) -> Output {
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!("[backends.ollama]\nkind = \"ollama\"\nurl = \"{url}\"\n[vram]\nenabled = false\n[log]\ndecisions = true\n"),
    )
    .unwrap();
    let out = std::process::Command::new(BIN)
        .args(args)
        .env("SUPERHELFER_CONFIG", &config)
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("HOME", dir)
        .env_remove("OLLAMA_HOST")
        .output()
        .expect("spawn");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

fn editor(dir: &Path, url: &str) -> LspClient {
    let env = |k: &str, sub: &str| (k.to_string(), dir.join(sub).display().to_string());
    let mut c = LspClient::spawn(Spawn {
        env: vec![
            env("XDG_STATE_HOME", "state"),
            env("XDG_CACHE_HOME", "cache"),
        ],
        ..Default::default()
    });
    c.initialize(
        json!({
            "backends": {"ollama": {"kind": "ollama", "url": url}},
            "vram": {"enabled": false},
            "actions": {"shellcheck": false},
            "log": {"decisions": true}
        }),
        default_capabilities(),
    );
    c.open(URI, "plaintext", "some notes\n");
    c
}

fn ask(c: &mut LspClient, question: &str) -> Value {
    let r = c
        .request(
            "workspace/executeCommand",
            json!({"command": "superhelfer.ask", "arguments": [{"uri": URI, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "question": question}]}),
        )
        .expect("answered");
    r["outcome"].clone()
}

fn first_reason(v: &Value) -> String {
    v["reasons"][0].as_str().unwrap_or_default().to_string()
}

/// Waits (generously) until the decision log holds `n` lines; they are written off the
/// request's path.
fn wait_for_lines(dir: &Path, n: usize) -> usize {
    let path = dir.join("state/superhelfer/decisions.jsonl");
    let count = || {
        std::fs::read_to_string(&path)
            .unwrap_or_default()
            .lines()
            .count()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while count() < n && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    count()
}

#[test]
fn corrections_made_in_either_place_steer_the_other_until_forgotten() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let stub = rt.block_on(OllamaStub::start(vec![
        StubModel::new("llama3.2:3b", Behavior::reply(&["A small limerick."])).loaded(),
        StubModel::new("qwen3-coder:30b", Behavior::reply(&["A coder's limerick."])).loaded(),
        StubModel::new("llama3.1:70b", Behavior::reply(&["A grand limerick."])).loaded(),
    ]));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = stub.url();
    let mut c = editor(d, &url);

    // Untaught, the editor sends it to fast.
    let before = ask(&mut c, SIMILAR);
    assert_eq!(before["tier_used"], "fast", "{before}");

    // A terminal teaches heavy; the running server follows on its next similar question.
    cli(d, &url, &["route", "--prefer", "heavy", QUERY]);
    let taught = ask(&mut c, SIMILAR);
    assert_eq!(taught["tier_used"], "heavy", "{taught}");
    assert_eq!(taught["model_used"], "llama3.1:70b");
    assert!(
        first_reason(&taught).starts_with("like your correction of \"write a limerick"),
        "{taught}"
    );
    assert_eq!(
        ask(&mut c, OTHER)["tier_used"],
        "code",
        "an unrelated query"
    );

    // Forgotten in the terminal: the running server forgets too.
    let out = cli(d, &url, &["route", "--forget"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("forgot 1 correction"));
    let forgotten = ask(&mut c, SIMILAR);
    assert_eq!(forgotten["tier_used"], "fast", "{forgotten}");
    assert!(!first_reason(&forgotten).contains("correction"));

    // The editor's "ask again" (one tier up: code) teaches the CLI's `route` and `ask`.
    let again = c
        .request(
            "workspace/executeCommand",
            json!({"command": "superhelfer.askAgain", "arguments": [{"uri": URI}]}),
        )
        .expect("asked again");
    assert_eq!(again["outcome"]["tier_used"], "code", "{again}");
    let routed = json_of(&cli(d, &url, &["route", "--json", SIMILAR]));
    assert_eq!(routed["tier"], "code", "{routed}");
    assert!(
        first_reason(&routed).starts_with("like your correction of"),
        "{routed}"
    );
    let asked = cli(d, &url, &["ask", SIMILAR]);
    assert!(
        String::from_utf8_lossy(&asked.stdout).contains("coder's limerick"),
        "{}",
        String::from_utf8_lossy(&asked.stdout)
    );

    // Five answers in the editor (fast, heavy, code, fast, code) and one in the CLI (code),
    // each one line; stats counts them and the editor's kept correction.
    assert_eq!(wait_for_lines(d, 6), 6);
    c.shutdown();
    let s = json_of(&cli(d, &url, &["stats", "--json"]));
    assert_eq!(
        (s["requests"].clone(), s["corrections"].clone()),
        (json!(6), json!(1)),
        "{s}"
    );
    let tiers = &s["tiers"];
    assert_eq!(
        [
            &tiers["fast"]["requests"],
            &tiers["code"]["requests"],
            &tiers["heavy"]["requests"]
        ],
        [&json!(2), &json!(3), &json!(1)],
        "{s}"
    );
}
