//! No freezes: hostile sizes are normal input. A word of 128,000 characters routes at once,
//! code actions are listed while a 100,000-character word is being explained, a 50 MB
//! selection reaches the model cut to the context budget (and the user is told), and a
//! model that runs away is cut at the byte cap without eating the memory, in the editor
//! and in the CLI. The real binary over stdio, the Ollama stand-in behind it.

mod support;

use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use superhelfer::engine::tokens;
use support::lsp_client::{default_capabilities, LspClient, Spawn};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const MODEL: &str = "m:1";

/// The tests that bound a time or a memory peak run one at a time, so that they do not
/// measure each other.
static ALONE: Mutex<()> = Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ALONE.lock().unwrap_or_else(|e| e.into_inner())
}

struct World {
    rt: tokio::runtime::Runtime,
    stub: OllamaStub,
    cache: tempfile::TempDir,
}

impl World {
    fn new(behavior: Behavior) -> World {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let stub = rt.block_on(OllamaStub::start(vec![
            StubModel::new(MODEL, behavior).loaded()
        ]));
        World {
            rt,
            stub,
            cache: tempfile::tempdir().unwrap(),
        }
    }

    fn client(&self) -> LspClient {
        let mut c = LspClient::spawn(Spawn {
            env: vec![(
                "XDG_CACHE_HOME".into(),
                self.cache.path().display().to_string(),
            )],
            ..Default::default()
        });
        c.wait = Duration::from_secs(120);
        c.initialize(
            json!({
                "backends": {"ollama": {"kind": "ollama", "url": self.stub.url()}},
                "vram": {"enabled": false},
                "actions": {"shellcheck": false},
                "router": {"warm_fast": false},
                "tiers": {"fast": {"model": MODEL}, "code": {"model": MODEL}, "heavy": {"model": MODEL}}
            }),
            default_capabilities(),
        );
        c
    }
}

/// Pseudo-random letters: one word (one BPE piece), like a base64 blob or a minified line.
fn random_word(len: usize, mut seed: u64) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            LETTERS[(seed % LETTERS.len() as u64) as usize] as char
        })
        .collect()
}

fn explain_args(uri: &str, end_line: u32, end_char: usize) -> Value {
    json!({"command": "superhelfer.explain", "arguments": [{
        "uri": uri,
        "range": {"start": {"line": 0, "character": 0}, "end": {"line": end_line, "character": end_char}}
    }]})
}

fn list_actions(c: &mut LspClient, uri: &str) -> Duration {
    let t = Instant::now();
    let r = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri},
                   "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
                   "context": {"diagnostics": []}}),
        )
        .expect("codeAction");
    assert!(r.as_array().is_some_and(|a| !a.is_empty()), "{r}");
    t.elapsed()
}

fn warnings(c: &LspClient) -> Vec<String> {
    c.notifications("window/showMessage")
        .iter()
        .filter(|m| m["type"] == 2)
        .filter_map(|m| m["message"].as_str().map(str::to_string))
        .collect()
}

/// Peak resident memory of a process, in bytes (Linux).
fn peak_rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[test]
fn a_word_of_128k_characters_routes_at_once() {
    let _alone = alone();
    let word = random_word(128_000, 1);
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_superhelfer"))
        .args(["route", "--json", &word])
        .env("SUPERHELFER_CONFIG", "/dev/null")
        .env_remove("OLLAMA_HOST")
        .output()
        .unwrap();
    let took = t.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Counted, not guessed: within a token per 4 KiB chunk of tiktoken's own count.
    let counted = v["tokens"].as_u64().unwrap() as usize;
    let exact = tiktoken_rs::cl100k_base()
        .unwrap()
        .encode_ordinary(&word)
        .len();
    let chunks = word.len().div_ceil(tokens::MAX_PIECE_BYTES);
    assert!(counted.abs_diff(exact) <= chunks, "{counted} vs {exact}");
    // Quadratic counting took seconds in a release build; linear takes milliseconds.
    assert!(took < Duration::from_secs(3), "route took {took:?}");
}

#[test]
fn code_actions_are_listed_while_a_100k_character_word_is_explained() {
    let _alone = alone();
    // A model that takes about a second to answer, as a small one does.
    let chunks: Vec<String> = (0..10).map(|i| format!("Part {i}. ")).collect();
    let chunks: Vec<&str> = chunks.iter().map(String::as_str).collect();
    let w = World::new(Behavior::slow_reply(
        &chunks,
        Duration::from_millis(100),
        Duration::from_millis(100),
    ));
    let mut c = w.client();
    let small = "file:///w/small.sh";
    c.open(
        small,
        "shellscript",
        "#!/bin/bash\n# list the largest files\n",
    );
    let blob = "file:///w/blob.txt";
    c.open(blob, "plaintext", &random_word(100_000, 2));
    let id = c.send_request("workspace/executeCommand", explain_args(blob, 0, 100_000));
    let mut slowest = Duration::ZERO;
    let mut listed = 0;
    let result = loop {
        if let Some(r) = c.poll_response(id) {
            break r;
        }
        slowest = slowest.max(list_actions(&mut c, small));
        listed += 1;
        std::thread::sleep(Duration::from_millis(10));
    };
    let r = result.expect("explained");
    assert!(r["answer"].as_str().unwrap().contains("Part 9."), "{r}");
    assert!(listed >= 5, "only {listed} listings during the explain");
    // The protocol never waited for the explain's CPU work (generous for debug builds on
    // a busy machine; the bench `listing_latency` gives the real figures).
    assert!(
        slowest < Duration::from_secs(1),
        "a listing took {slowest:?}"
    );
}

#[test]
fn a_50_mb_selection_reaches_the_model_cut_to_the_budget_and_says_so() {
    let w = World::new(Behavior::Echo);
    let mut c = w.client();
    let line = "echo \"checking /var/log/messages for disk errors\" | tee -a report.txt\n";
    let text = line.repeat(50_000_000 / line.len());
    let lines = text.lines().count() as u32;
    let uri = "file:///w/huge.sh";
    c.open(uri, "shellscript", &text);
    let r = c
        .request("workspace/executeCommand", explain_args(uri, lines, 0))
        .expect("explained");
    assert_eq!(r["selection_cut"], true, "{r}");
    let sent = w.stub.chat_requests();
    let prompt = sent.last().expect("a chat request")["messages"][1]["content"]
        .as_str()
        .unwrap()
        .to_string();
    // The default budget is 3000 tokens; the prompt adds one instruction line to it.
    assert!(
        tokens::count(&prompt) <= 3050,
        "{} tokens",
        tokens::count(&prompt)
    );
    assert!(
        prompt.contains("longer than the context budget of 3000 tokens")
            && prompt.contains("selection cut here"),
        "{}",
        &prompt[..500]
    );
    assert!(
        warnings(&c)
            .iter()
            .any(|m| m.contains("longer than context.max_tokens (3000 tokens)")),
        "{:?}",
        warnings(&c)
    );
}

#[test]
fn a_runaway_answer_is_cut_at_the_byte_cap_and_memory_stays_bounded() {
    let _alone = alone();
    // 256 MiB of answer, in lines of 64 KiB.
    let w = World::new(Behavior::Flood {
        chunk_bytes: 64 * 1024,
        chunks: 4096,
    });
    let mut c = w.client();
    let uri = "file:///w/a.sh";
    c.open(uri, "shellscript", "#!/bin/bash\ndu -sh /var/log/*\n");
    let r = c
        .request("workspace/executeCommand", explain_args(uri, 1, 17))
        .expect("explained, cut");
    let answer = r["answer"].as_str().unwrap();
    assert!(answer.starts_with("flood flood"), "{}", &answer[..40]);
    assert!(answer.len() <= 1 << 20, "{} bytes", answer.len());
    let cut = r["outcome"]["answer_cut"]
        .as_str()
        .expect("the result says it was cut");
    assert!(cut.contains("cut at 1024 KiB"), "{cut}");
    assert!(
        warnings(&c).iter().any(|m| m.contains("cut at 1024 KiB")),
        "{:?}",
        warnings(&c)
    );
    // The connection was closed: the model stops generating.
    assert!(w
        .rt
        .block_on(w.stub.wait_closed_early(1, Duration::from_secs(10))));
    let peak = peak_rss(c.pid()).expect("/proc/<pid>/status");
    assert!(peak < 150 << 20, "the server peaked at {} MiB", peak >> 20);
}

#[test]
fn the_cli_cuts_a_runaway_answer_and_says_so() {
    let _alone = alone();
    let w = World::new(Behavior::Flood {
        chunk_bytes: 64 * 1024,
        chunks: 4096,
    });
    let config = w.cache.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[backends.ollama]\nurl = \"{}\"\n[vram]\nenabled = false\n[tiers.fast]\nmodel = \"{MODEL}\"\n[tiers.code]\nmodel = \"{MODEL}\"\n[tiers.heavy]\nmodel = \"{MODEL}\"\n",
            w.stub.url()
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_superhelfer"))
        .args(["ask", "--tier", "fast", "tell me everything"])
        .env("SUPERHELFER_CONFIG", &config)
        .env_remove("OLLAMA_HOST")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // The answer up to the cap, and a line break after it.
    assert!(
        out.stdout.len() <= (1 << 20) + 1,
        "{} bytes",
        out.stdout.len()
    );
    assert!(out.stdout.starts_with(b"flood flood"));
    assert!(
        stderr.contains("the answer was cut at 1024 KiB"),
        "{stderr}"
    );
}
