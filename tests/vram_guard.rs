//! The VRAM guard end to end: the real nvml-wrapper loading path against the fake NVML
//! library, the Ollama stand-in for resident models, and the user's answer through the
//! editor's dialog or the CLI's flags.

mod support;

use serde_json::{json, Value};
use support::fake_nvml::FakeNvmlState;
use support::lsp_client::{default_capabilities, Choice, LspClient, Spawn};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";
/// A 32 GB card with 6.7 GB free: an 18 GB model does not fit.
const NEARLY_FULL: &str =
    "init=ok\ndriver=580.65.06\ngpu=NVIDIA GeForce RTX 5090;total_mb=32607;used_mb=25900\n";
const ROOMY: &str =
    "init=ok\ndriver=580.65.06\ngpu=NVIDIA GeForce RTX 5090;total_mb=32607;used_mb=1000\n";

struct World {
    rt: tokio::runtime::Runtime,
    stub: OllamaStub,
    gpu: FakeNvmlState,
    /// Holds the user's configuration file: `vram.nvml_lib` names a library to load, so
    /// only the user's own file may set it (editor settings cannot).
    home: tempfile::TempDir,
}

fn world(gpu_state: &str, code_loaded: bool) -> World {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut code =
        StubModel::new(CODE, Behavior::reply(&["```bash\ndf -h\n```"])).with_size(18_000_000_000);
    if code_loaded {
        code = code.loaded();
    }
    let stub = rt.block_on(OllamaStub::start(vec![
        StubModel::new(FAST, Behavior::reply(&["```bash\ndu -sh .\n```"])).loaded(),
        code,
    ]));
    World {
        rt,
        stub,
        gpu: FakeNvmlState::new(gpu_state),
        home: tempfile::tempdir().unwrap(),
    }
}

impl World {
    fn options(&self, vram: Value) -> Value {
        let mut v = json!({
            "backends": {"ollama": {"kind": "ollama", "url": self.stub.url()}},
            "vram": {"enabled": true},
            "actions": {"shellcheck": false}
        });
        if let (Value::Object(a), Value::Object(b)) = (&mut v["vram"], vram) {
            a.extend(b);
        }
        v
    }

    /// The language server with the user's file naming `nvml_lib`.
    fn spawn(&self, nvml_lib: &std::path::Path) -> LspClient {
        let file = self.home.path().join("config.toml");
        std::fs::write(
            &file,
            format!("[vram]\nnvml_lib = \"{}\"\n", nvml_lib.display()),
        )
        .unwrap();
        LspClient::spawn(Spawn {
            env: vec![("SUPERHELFER_CONFIG".into(), file.display().to_string())],
            ..Default::default()
        })
    }

    fn models_asked(&self) -> Vec<String> {
        self.stub
            .chat_requests()
            .iter()
            .filter(|c| c["messages"].as_array().is_some_and(|m| !m.is_empty()))
            .map(|c| c["model"].as_str().unwrap_or("").to_string())
            .collect()
    }
}

/// Runs "Generate shell command" (a code-tier request) and returns the result or error.
fn generate(c: &mut LspClient) -> Result<Value, Value> {
    let uri = "file:///w/g.sh";
    c.open(uri, "shellscript", "#!/bin/bash\n# show free disk space\n");
    let list = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "context": {"diagnostics": []}}),
        )
        .unwrap();
    let action = list.as_array().unwrap()[0]["command"].clone();
    c.request("workspace/executeCommand", action)
}

fn client(w: &World, vram: Value) -> LspClient {
    let mut c = w.spawn(&w.gpu.lib_path());
    c.initialize(w.options(vram), default_capabilities());
    c
}

#[test]
fn nearly_full_gpu_asks_with_the_numbers_and_each_choice_is_honoured() {
    for (choice, model, ok) in [
        (Choice::Pick("Load".into()), Some(CODE), true),
        (Choice::Pick("Use fast model".into()), Some(FAST), true),
        (Choice::Pick("Cancel".into()), None, false),
        (Choice::Dismiss, None, false),
    ] {
        let w = world(NEARLY_FULL, false);
        let mut c = client(&w, json!({}));
        c.choices.push_back(choice.clone());
        let r = generate(&mut c);
        let dialogs = c.server_requests("window/showMessageRequest");
        assert_eq!(dialogs.len(), 1, "{choice:?}");
        let msg = dialogs[0]["message"].as_str().unwrap();
        assert!(
            msg.contains("Loading qwen3-coder:30b needs about 18.0 GB")
                && msg.contains("NVIDIA GeForce RTX 5090 has 7.0 GB of 34.2 GB free"),
            "{msg}"
        );
        let titles: Vec<&str> = dialogs[0]["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap())
            .collect();
        assert_eq!(&titles[..3], &["Load", "Use fast model", "Cancel"]);
        assert_eq!(r.is_ok(), ok, "{choice:?}: {r:?}");
        match model {
            Some(m) => assert_eq!(w.models_asked(), vec![m.to_string()], "{choice:?}"),
            None => {
                assert!(
                    w.models_asked().is_empty(),
                    "no model call at all on {choice:?}"
                );
                let err = r.clone().unwrap_err();
                assert!(
                    err["message"].as_str().unwrap().contains("cancelled"),
                    "{err}"
                );
                assert_eq!(err["code"], -32800, "the user's choice, not a failure");
                let told = c.wait_notification("window/showMessage", |m| {
                    m["message"]
                        .as_str()
                        .unwrap_or("")
                        .contains("was not loaded")
                });
                assert_eq!(told["type"], 3, "an info message, not an error: {told}");
                // The progress shown while the question was open ends (Helix's spinner
                // otherwise turns forever).
                let begin = c.wait_notification("$/progress", |p| p["value"]["kind"] == "begin");
                let token = begin["token"].clone();
                c.wait_notification("$/progress", |p| {
                    p["token"] == token && p["value"]["kind"] == "end"
                });
            }
        }
        if let Some(FAST) = model {
            let outcome = &r.unwrap()["outcome"];
            assert_eq!(outcome["tier_used"], "fast");
            assert!(
                outcome["reasons"].to_string().contains("fast tier instead"),
                "{outcome}"
            );
        }
    }
}

#[test]
fn a_sticky_choice_is_not_asked_again() {
    let w = world(NEARLY_FULL, false);
    let mut c = client(&w, json!({}));
    c.choices
        .push_back(Choice::Pick("Always use fast model (this session)".into()));
    generate(&mut c).expect("first");
    generate(&mut c).expect("second");
    assert_eq!(c.server_requests("window/showMessageRequest").len(), 1);
    assert_eq!(w.models_asked(), vec![FAST.to_string(), FAST.to_string()]);
}

#[test]
fn resident_model_room_or_guard_off_ask_nothing() {
    for (state, loaded, vram) in [
        (NEARLY_FULL, true, json!({})),
        (ROOMY, false, json!({})),
        (NEARLY_FULL, false, json!({"enabled": false})),
        (NEARLY_FULL, false, json!({"confirm": false})),
    ] {
        let w = world(state, loaded);
        let mut c = client(&w, vram.clone());
        generate(&mut c).expect("answered");
        assert!(
            c.server_requests("window/showMessageRequest").is_empty(),
            "no dialog for {vram} loaded={loaded}"
        );
        assert_eq!(w.models_asked(), vec![CODE.to_string()]);
    }
}

#[test]
fn no_nvidia_library_tells_the_user_once_and_goes_on() {
    let w = world(NEARLY_FULL, false);
    let opts = w.options(json!({}));
    let mut c = w.spawn(std::path::Path::new("/nonexistent/libnvidia-ml.so.1"));
    c.initialize(opts, default_capabilities());
    generate(&mut c).expect("answered without the guard");
    generate(&mut c).expect("again");
    let notes: Vec<Value> = c
        .notifications("window/showMessage")
        .into_iter()
        .filter(|m| {
            m["message"]
                .as_str()
                .unwrap_or("")
                .contains("vram.nvml_lib /nonexistent/libnvidia-ml.so.1 could not be loaded")
        })
        .collect();
    assert_eq!(notes.len(), 1, "told once");
    assert_eq!(w.models_asked().len(), 2);
}

async fn cli(w: &World, dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let cfg = dir.join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[backends.ollama]\nkind = \"ollama\"\nurl = \"{}\"\n[vram]\nnvml_lib = \"{}\"\n",
            w.stub.url(),
            w.gpu.lib_path().display()
        ),
    )
    .unwrap();
    tokio::process::Command::new(env!("CARGO_BIN_EXE_superhelfer"))
        .args(args)
        .env("SUPERHELFER_CONFIG", &cfg)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .unwrap()
}

#[test]
fn cli_without_a_terminal_uses_fast_and_says_why_flags_override() {
    let w = world(NEARLY_FULL, false);
    let dir = tempfile::tempdir().unwrap();
    let out = w.rt.block_on(cli(
        &w,
        dir.path(),
        &["ask", "--tier", "code", "fix this awk script"],
    ));
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("7.0 GB of 34.2 GB free") && err.contains("--yes"),
        "{err}"
    );
    assert_eq!(w.models_asked(), vec![FAST.to_string()]);

    let out = w.rt.block_on(cli(
        &w,
        dir.path(),
        &["ask", "--yes", "--tier", "code", "fix this awk script"],
    ));
    assert!(out.status.success());
    assert_eq!(w.models_asked().last().unwrap(), CODE);

    w.stub.set_unloaded(CODE);
    let out = w.rt.block_on(cli(
        &w,
        dir.path(),
        &["ask", "--no-load", "--tier", "code", "fix this awk script"],
    ));
    assert!(out.status.success());
    assert_eq!(w.models_asked().last().unwrap(), FAST);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--no-load"));
}

#[test]
fn status_shows_gpu_resident_models_and_tier_needs() {
    let w = world(NEARLY_FULL, true);
    let dir = tempfile::tempdir().unwrap();
    let out = w.rt.block_on(cli(&w, dir.path(), &["status", "--json"]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["gpu"]["state"], "found");
    assert_eq!(v["gpu"]["gpus"][0]["name"], "NVIDIA GeForce RTX 5090");
    assert_eq!(v["gpu"]["driver_version"], "580.65.06");
    let loaded: Vec<&str> = v["backends"][0]["loaded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert!(loaded.contains(&CODE), "{loaded:?}");
    assert_eq!(v["tiers"][1]["vram_needed_bytes"], 18_000_000_000u64);
    let out = w.rt.block_on(cli(&w, dir.path(), &["status"]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("GPU 0: NVIDIA GeForce RTX 5090"), "{text}");
}

/// A user who takes a while to answer the dialog, then loads.
struct SlowUser(std::time::Duration);

impl superhelfer::engine::router::ConsentAsker for SlowUser {
    fn ask<'a>(
        &'a self,
        _prompt: &'a str,
    ) -> futures_util::future::BoxFuture<'a, superhelfer::engine::router::Consent> {
        let d = self.0;
        Box::pin(async move {
            tokio::time::sleep(d).await;
            superhelfer::engine::router::Consent::Load
        })
    }
}

#[test]
fn time_spent_in_the_dialog_is_not_the_models_time() {
    use superhelfer::config::{Layer, Resolved, Source};
    use superhelfer::engine::router::{AskRequest, Engine};
    use superhelfer::engine::tier::Tier;
    let w = world(NEARLY_FULL, false);
    let mut opts = w.options(json!({}));
    opts["tiers"] = json!({"code": {"timeout_s": 3, "first_token_timeout_s": 2}});
    let file = format!("[vram]\nnvml_lib = \"{}\"\n", w.gpu.lib_path().display());
    let layers = vec![
        Layer::defaults(None),
        Layer::from_toml(&file, std::path::Path::new("/home/u/config.toml")).unwrap(),
        Layer::from_json(opts, Source::InitializationOptions).unwrap(),
    ];
    let e = Engine::new(&Resolved::merge(&layers).unwrap());
    let o =
        w.rt.block_on(e.ask(
            AskRequest {
                query: "fix my awk script".into(),
                tier: Some(Tier::Code),
                ..Default::default()
            },
            &SlowUser(std::time::Duration::from_millis(3500)),
            &mut |_| {},
        ))
        .expect("answered");
    assert_eq!(o.fallback_reason, None, "the code model had its full time");
    assert_eq!(o.tier_used, Tier::Code);
    // Nor is it reported as the model's time: the 3.5 s the user took are not in it.
    assert!(o.total_ms < 3000, "reported {} ms", o.total_ms);
    assert!(o.first_token_ms.is_some_and(|ms| ms <= o.total_ms), "{o:?}");
}
