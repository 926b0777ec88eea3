//! The trust boundary, end to end: the real binary over stdio, the Ollama stand-in on
//! loopback, the user's own file beside it. Editor settings (a cloned repository can
//! write them) may not point a backend elsewhere, name a secret, a library or a log
//! file, unless the user's file allows it; the user is told once and `status` lists it.
//!
//! No traffic leaves loopback: a "remote" URL is only ever a value to refuse or to see
//! in the configuration, never contacted (its backend is given to no tier).

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use support::fake_nvml::FakeNvmlState;
use support::lsp_client::{default_capabilities, LspClient, Spawn};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";
/// Not routable and never contacted: only a value.
const REMOTE: &str = "http://10.255.255.1:11434";
/// A 32 GB card, as the fake NVML reports it (a name no real card has).
const GPU: &str = "init=ok\ndriver=580.65.06\ngpu=Fake Trust GPU;total_mb=32607;used_mb=1000\n";

struct World {
    rt: tokio::runtime::Runtime,
    stub: OllamaStub,
    home: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let stub = rt.block_on(OllamaStub::start(vec![
            StubModel::new(FAST, Behavior::reply(&["```bash\nls\n```"])).loaded(),
            StubModel::new(CODE, Behavior::reply(&["```bash\nls -la\n```"])).loaded(),
        ]));
        World {
            rt,
            stub,
            home: tempfile::tempdir().unwrap(),
        }
    }

    /// The user's own file: the stand-in as backend, plus `extra` (tables of its own).
    fn user_file(&self, extra: &str) -> PathBuf {
        self.user_file_with(extra, "")
    }

    /// Like `user_file`, with `backend_lines` in the stand-in's `[backends.ollama]`.
    fn user_file_with(&self, extra: &str, backend_lines: &str) -> PathBuf {
        let path = self.home.path().join("config.toml");
        let text = format!(
            "[backends.ollama]\nkind = \"ollama\"\nurl = \"{}\"\n{backend_lines}[actions]\nshellcheck = false\n[router]\nwarm_fast = false\n{extra}",
            self.stub.url()
        );
        std::fs::write(&path, text).unwrap();
        path
    }

    /// The language server with the user's file and these editor settings.
    fn client(&self, file_extra: &str, init: Value, env: &[(&str, &str)]) -> LspClient {
        self.user_file(file_extra);
        self.spawn(init, env)
    }

    /// The language server over the file as it is now.
    fn spawn(&self, init: Value, env: &[(&str, &str)]) -> LspClient {
        let file = self.home.path().join("config.toml");
        let mut env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        env.push(("SUPERHELFER_CONFIG".into(), file.display().to_string()));
        let mut c = LspClient::spawn(Spawn {
            env,
            ..Default::default()
        });
        c.initialize(init, default_capabilities());
        c
    }
}

/// Runs "Generate shell command" on a fresh script: a request that reaches the model.
fn generate(c: &mut LspClient) -> Result<Value, Value> {
    let uri = "file:///w/list.sh";
    c.open(uri, "shellscript", "#!/bin/bash\n# list the files here\n");
    let list = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri},
                   "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
                   "context": {"diagnostics": []}}),
        )
        .expect("codeAction");
    let action = list.as_array().unwrap()[0]["command"].clone();
    c.request("workspace/executeCommand", action)
}

fn status(c: &mut LspClient) -> Value {
    c.request(
        "workspace/executeCommand",
        json!({"command": "superhelfer.status", "arguments": []}),
    )
    .expect("status")
}

/// The warnings that name `key`.
fn refusals_shown(c: &LspClient, key: &str) -> Vec<String> {
    c.notifications("window/showMessage")
        .iter()
        .filter(|m| m["type"] == 2)
        .filter_map(|m| m["message"].as_str().map(String::from))
        .filter(|m| m.contains(&format!("`{key} = ")))
        .collect()
}

fn refused_keys(status: &Value) -> Vec<String> {
    status["refused_settings"]
        .as_array()
        .expect("refused_settings in status")
        .iter()
        .map(|r| r["key"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_remote_backend_from_the_editor_is_refused_and_requests_stay_on_this_machine() {
    let w = World::new();
    let mut c = w.client(
        "",
        json!({"backends": {"ollama": {"url": REMOTE}}, "vram": {"enabled": false}}),
        &[],
    );
    let shown = c.wait_notification("window/showMessage", |m| {
        m["message"]
            .as_str()
            .is_some_and(|t| t.contains("backends.ollama.url"))
    });
    let text = shown["message"].as_str().unwrap();
    assert_eq!(shown["type"], 2, "a warning: {text}");
    assert!(text.contains(REMOTE), "names the value: {text}");
    assert!(
        text.contains("[trust] editor_keys = [\"backends.ollama.url\"]"),
        "says how to allow it: {text}"
    );
    assert!(
        text.contains(&w.home.path().join("config.toml").display().to_string()),
        "names the user's file: {text}"
    );

    generate(&mut c).expect("answered by the local stand-in");
    assert!(
        w.stub
            .chat_requests()
            .iter()
            .any(|r| r["model"] == CODE && r["messages"].as_array().is_some_and(|m| !m.is_empty())),
        "the request reached the loopback backend"
    );

    let s = status(&mut c);
    assert_eq!(refused_keys(&s), ["backends.ollama.url"]);
    assert_eq!(s["refused_settings"][0]["value"], format!("\"{REMOTE}\""));
    assert_eq!(s["backends"][0]["url"], w.stub.url());
    let text = s["text"].as_str().unwrap();
    assert!(
        text.contains("refused editor settings") && text.contains(REMOTE),
        "{text}"
    );
    let (_, violations, stderr) = c.shutdown();
    assert!(violations.is_empty(), "{violations:?}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn the_users_file_can_let_the_editor_set_a_backend_url() {
    let w = World::new();
    // A backend of the editor's own, given to no tier: configured, never contacted.
    let init =
        json!({"backends": {"gpu": {"kind": "ollama", "url": REMOTE}}, "vram": {"enabled": false}});

    let mut refused = w.client("", init.clone(), &[]);
    let s = status(&mut refused);
    assert_eq!(refused_keys(&s), ["backends.gpu.url"]);
    assert!(
        !s["backends"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["name"] == "gpu"),
        "a backend without its URL is dropped: {s}"
    );

    let mut allowed = w.client("[trust]\neditor_keys = [\"backends.gpu.url\"]\n", init, &[]);
    let s = status(&mut allowed);
    assert!(refused_keys(&s).is_empty(), "{s}");
    let gpu = s["backends"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "gpu")
        .cloned()
        .expect("the editor's backend is configured");
    assert_eq!(gpu["url"], REMOTE);
    assert_eq!(gpu["local"], false);
    allowed.settle(Duration::from_millis(200));
    assert!(refusals_shown(&allowed, "backends.gpu.url").is_empty());
}

#[test]
fn api_key_env_from_the_editor_sends_no_token() {
    let w = World::new();
    let secret = [("SUPERHELFER_TEST_SECRET", "hunter2")];
    let mut c = w.client(
        "",
        json!({"backends": {"ollama": {"api_key_env": "SUPERHELFER_TEST_SECRET"}}, "vram": {"enabled": false}}),
        &secret,
    );
    generate(&mut c).expect("answered");
    let chats: Vec<_> = w
        .stub
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/chat"))
        .collect();
    assert!(!chats.is_empty());
    assert!(
        chats.iter().all(|r| r.header("authorization").is_none()),
        "no bearer token from the editor's variable: {:?}",
        chats
            .iter()
            .map(|r| r.header("authorization"))
            .collect::<Vec<_>>()
    );
    let shown = refusals_shown(&c, "backends.ollama.api_key_env");
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(shown[0].contains("SUPERHELFER_TEST_SECRET"), "{}", shown[0]);
    assert!(
        !shown[0].contains("hunter2"),
        "the secret itself is never shown"
    );

    // From the user's own file the same key is honoured: the token is sent.
    w.user_file_with(
        "[vram]\nenabled = false\n",
        "api_key_env = \"SUPERHELFER_TEST_SECRET\"\n",
    );
    let mut own = w.spawn(json!({}), &secret);
    generate(&mut own).expect("answered");
    let sent = w
        .stub
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/chat"))
        .filter_map(|r| r.header("authorization").map(String::from))
        .collect::<Vec<_>>();
    assert!(sent.iter().any(|h| h == "Bearer hunter2"), "{sent:?}");
}

#[test]
fn nvml_lib_from_the_editor_is_not_loaded_unless_the_user_allows_it() {
    let w = World::new();
    let gpu = FakeNvmlState::new(GPU);
    let lib = gpu.lib_path().display().to_string();
    let init = json!({"vram": {"enabled": true, "nvml_lib": lib}});

    let mut c = w.client("", init.clone(), &[]);
    let s = status(&mut c);
    assert_eq!(refused_keys(&s), ["vram.nvml_lib"]);
    assert!(
        !s["gpu"].to_string().contains("Fake Trust GPU"),
        "the editor's library was not loaded: {s}"
    );
    let shown = refusals_shown(&c, "vram.nvml_lib");
    assert_eq!(shown.len(), 1);
    assert!(shown[0].contains(&lib), "{}", shown[0]);

    let mut allowed = w.client("[trust]\neditor_keys = [\"vram.nvml_lib\"]\n", init, &[]);
    let s = status(&mut allowed);
    assert!(refused_keys(&s).is_empty(), "{s}");
    assert_eq!(s["gpu"]["state"], "found", "{s}");
    assert_eq!(s["gpu"]["gpus"][0]["name"], "Fake Trust GPU");
}

#[test]
fn a_relative_nvml_lib_is_refused_from_any_source() {
    let w = World::new();
    // From the editor, even where the user allows the key.
    let mut c = w.client(
        "[trust]\neditor_keys = [\"vram.nvml_lib\"]\n",
        json!({"vram": {"nvml_lib": "lib/libnvidia-ml.so.1"}}),
        &[],
    );
    let error = c.wait_notification("window/showMessage", |m| m["type"] == 1);
    let text = error["message"].as_str().unwrap();
    assert!(
        text.contains("vram.nvml_lib") && text.contains("not an absolute path"),
        "{text}"
    );

    // From the user's own file: the CLI refuses to start on it.
    let file = w.user_file("[vram]\nnvml_lib = \"./libnvidia-ml.so.1\"\n");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_superhelfer"))
        .arg("status")
        .env("SUPERHELFER_CONFIG", &file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("vram.nvml_lib") && stderr.contains("not an absolute path"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("nvml_lib"))
        .unwrap()
        + 1;
    assert!(
        stderr.contains(&format!("{}:{line}", file.display())),
        "{stderr}"
    );
}

#[test]
fn log_file_from_the_editor_is_refused() {
    let w = World::new();
    let log = w.home.path().join("planted.log");
    let mut c = w.client(
        "",
        json!({"log": {"file": log.display().to_string()}, "vram": {"enabled": false}}),
        &[],
    );
    generate(&mut c).expect("answered");
    let s = status(&mut c);
    assert_eq!(refused_keys(&s), ["log.file"]);
    assert!(
        s["refused_settings"][0]["allow"].is_null(),
        "never the editor's: {s}"
    );
    let shown = refusals_shown(&c, "log.file");
    assert_eq!(shown.len(), 1);
    assert!(shown[0].contains("Set it in"), "{}", shown[0]);
    assert!(!Path::new(&log).exists(), "no file was written there");
}

#[test]
fn a_refusal_is_shown_once_not_on_every_configuration_change() {
    let w = World::new();
    let settings = |lines: u32, url: &str| json!({"superhelfer": {"backends": {"ollama": {"url": url}}, "context": {"lines_around": lines}, "vram": {"enabled": false}}});
    let mut c = w.client("", json!({"backends": {"ollama": {"url": REMOTE}}}), &[]);
    for lines in [10, 20, 30] {
        c.notify(
            "workspace/didChangeConfiguration",
            json!({"settings": settings(lines, REMOTE)}),
        );
    }
    let s = status(&mut c);
    assert_eq!(refused_keys(&s), ["backends.ollama.url"]);
    assert_eq!(
        refusals_shown(&c, "backends.ollama.url").len(),
        1,
        "told once: {:?}",
        c.notifications("window/showMessage")
    );
    // Another refused value is news.
    let other = "http://10.255.255.2:11434";
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": settings(40, other)}),
    );
    c.wait_notification("window/showMessage", |m| {
        m["message"].as_str().is_some_and(|t| t.contains(other))
    });
    assert_eq!(refusals_shown(&c, "backends.ollama.url").len(), 2);
}

#[test]
fn the_editor_cannot_grant_itself_trust() {
    let w = World::new();
    let mut c = w.client(
        "",
        json!({"trust": {"editor_keys": ["backends.*.url"]}, "backends": {"ollama": {"url": REMOTE}}}),
        &[],
    );
    let s = status(&mut c);
    assert_eq!(
        refused_keys(&s),
        ["backends.ollama.url", "trust.editor_keys"]
    );
    assert_eq!(s["backends"][0]["url"], w.stub.url());
    drop(w.rt);
}
