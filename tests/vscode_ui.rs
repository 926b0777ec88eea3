//! VS Code as people use it: code-server (VS Code in a browser) with the extension installed
//! from its `.vsix`, driven by headless Chromium through puppeteer-core
//! (`editors/vscode/test/ui/session.mjs`) with the keys a person presses, against the real
//! binary and the Ollama stand-in. Asserted: "Generate shell command" inserts the command
//! and its progress ends; "Explain selection" opens a readable Markdown preview; the danger
//! question is a modal dialog and Cancel leaves the document as it was; a request comment
//! typed and Enter show the command as ghost text, which Tab inserts (the saved file holds
//! it); a dangerous answer is never ghost text, and "Trigger Inline Suggestion" (asked
//! explicitly) says why; with `superhelfer.inline.enabled` off (the server restarted) a
//! request and Enter ask no model. Screenshots of every step are kept under
//! `target/screens/vscode-ui/`.
//!
//! Needs what `scripts/code-server-setup.sh` installs (code-server, Node 24, puppeteer-core,
//! Chromium) and the `.vsix` that `scripts/vscode-setup.sh` packages: without them the test
//! prints `SKIP:` and passes, except in CI (`CI=true`), where it fails.

mod support;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";
const DISK: &str = "#!/bin/bash\n# show free disk space\necho Hallo, $1\n";
const WIPE: &str = "#!/bin/bash\n# free up space on the root disk\n";
const GHOST: &str = "#!/bin/bash\n";
const LARGEST: &str = "du -ah . | sort -rh | head -n 5";
const EXPLANATION: &str = "## Summary\nPrints a greeting with the first argument.\n\n## Details\n`$1` is unquoted, so an argument with spaces splits into words.";

fn in_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

struct Tools {
    node: PathBuf,
    code_server: PathBuf,
    /// The folder whose node_modules has puppeteer-core.
    modules: PathBuf,
    vsix: PathBuf,
}

fn tools() -> Option<Tools> {
    let dir = std::env::var_os("SUPERHELFER_CODE_SERVER_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|h| PathBuf::from(h).join(".cache/superhelfer-ci/code-server"))
        })?;
    let ext = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode");
    let version = std::fs::read_to_string(ext.join("package.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|v| v["version"].as_str().map(str::to_string))
        .unwrap_or_default();
    let t = Tools {
        node: dir.join("node/bin/node"),
        code_server: dir.join("node_modules/.bin/code-server"),
        modules: dir.clone(),
        vsix: ext.join(format!("superhelfer-{version}.vsix")),
    };
    let missing = [
        (&t.node, "Node 24 (scripts/code-server-setup.sh)"),
        (&t.code_server, "code-server (scripts/code-server-setup.sh)"),
        (
            &dir.join("node_modules/puppeteer-core/package.json"),
            "puppeteer-core (scripts/code-server-setup.sh)",
        ),
        (
            &PathBuf::from("/usr/bin/chromium"),
            "Chromium (apt-get install chromium)",
        ),
        (&t.vsix, "the extension's .vsix (scripts/vscode-setup.sh)"),
    ]
    .into_iter()
    .find(|(p, _)| !p.is_file())
    .map(|(_, what)| what);
    match missing {
        None => Some(t),
        Some(what) => {
            assert!(!in_ci(), "CI installs {what}");
            support::skip::skip(&format!("{what} not found"));
            None
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Whether this process may make a PID namespace (root, with `unshare` from util-linux).
fn pid_namespace() -> bool {
    Command::new("unshare")
        .args(["--fork", "--pid", "--mount-proc", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn generate_explain_danger_question_and_ghost_text_in_real_vscode() {
    let Some(t) = tools() else { return };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let stub = rt.block_on(OllamaStub::start(vec![
        StubModel::new(FAST, Behavior::reply(&[EXPLANATION])).loaded(),
        StubModel::new(
            CODE,
            Behavior::ByPrompt(vec![
                ("show free disk space".into(), "```bash\ndf -h\n```".into()),
                ("free up space".into(), "```bash\nsudo rm -rf /\n```".into()),
                ("largest files".into(), format!("```bash\n{LARGEST}\n```")),
                ("count the lines".into(), "```bash\nwc -l *.sh\n```".into()),
            ]),
        )
        .loaded(),
    ]));

    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let (ud, ext, ws) = (home.join("ud"), home.join("ext"), home.join("ws"));
    for d in [&ud.join("User"), &ext, &ws] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(ws.join("disk.sh"), DISK).unwrap();
    std::fs::write(ws.join("wipe.sh"), WIPE).unwrap();
    std::fs::write(ws.join("ghost.sh"), GHOST).unwrap();
    // The user's own file (machine scope) points superhelfer at the stand-in.
    let config = home.join("superhelfer.toml");
    std::fs::write(
        &config,
        format!(
            "[backends.ollama]\nurl = \"{}\"\n[vram]\nenabled = false\n[router]\nenabled = false\ndefault_tier = \"fast\"\n[actions]\nshellcheck = false\n",
            stub.url()
        ),
    )
    .unwrap();
    // `path` and `configFile` are machine settings: code-server reads those from the
    // machine's own settings file (VS Code ignores them in the browser's user settings).
    std::fs::create_dir_all(ud.join("Machine")).unwrap();
    let machine = json!({
        "superhelfer.path": env!("CARGO_BIN_EXE_superhelfer"),
        "superhelfer.configFile": config.display().to_string(),
    });
    std::fs::write(ud.join("Machine/settings.json"), machine.to_string()).unwrap();
    let settings = json!({
        "security.workspace.trust.enabled": false,
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "telemetry.telemetryLevel": "off",
        "extensions.autoUpdate": false,
        "extensions.autoCheckUpdates": false,
        "chat.disableAIFeatures": true,
        "window.dialogStyle": "custom",
        "workbench.secondarySideBar.defaultVisibility": "hidden",
        // The server's decisions in the output channel (kept with the screens).
        "superhelfer.logLevel": "superhelfer=debug",
    });
    std::fs::write(ud.join("User/settings.json"), settings.to_string()).unwrap();
    let port = free_port();
    let cs_config = home.join("code-server.yaml");
    std::fs::write(
        &cs_config,
        format!("bind-addr: 127.0.0.1:{port}\nauth: none\ncert: false\n"),
    )
    .unwrap();

    let node_bin = t.node.parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        node_bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let env = |c: &mut Command| {
        c.env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("xdg-config"))
            .env("XDG_DATA_HOME", home.join("xdg-data"))
            .env("XDG_CACHE_HOME", home.join("xdg-cache"))
            .env("PATH", &path)
            // No gallery is looked up: nothing leaves the machine.
            .env(
                "EXTENSIONS_GALLERY",
                r#"{"serviceUrl":"http://127.0.0.1:9/"}"#,
            )
            .env_remove("SUPERHELFER_CONFIG")
            .env_remove("OLLAMA_HOST");
    };
    let mut install = Command::new(&t.code_server);
    env(&mut install);
    let out = install
        .arg("--user-data-dir")
        .arg(&ud)
        .arg("--extensions-dir")
        .arg(&ext)
        .arg("--install-extension")
        .arg(&t.vsix)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "installing the .vsix failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let screens = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screens/vscode-ui");
    let _ = std::fs::remove_dir_all(&screens);
    std::fs::create_dir_all(&screens).unwrap();
    let mut args: Vec<String> = vec!["--config".into(), cs_config.display().to_string()];
    args.extend(
        [
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-workspace-trust",
        ]
        .map(String::from),
    );
    args.extend([
        "--user-data-dir".into(),
        ud.display().to_string(),
        "--extensions-dir".into(),
        ext.display().to_string(),
        ws.display().to_string(),
    ]);
    let setup = json!({
        "codeServer": t.code_server,
        "args": args,
        "env": {
            "HOME": home,
            "XDG_CONFIG_HOME": home.join("xdg-config"),
            "XDG_DATA_HOME": home.join("xdg-data"),
            "XDG_CACHE_HOME": home.join("xdg-cache"),
            "PATH": path,
            "EXTENSIONS_GALLERY": r#"{"serviceUrl":"http://127.0.0.1:9/"}"#,
        },
        "port": port,
        "folder": ws,
        "screens": screens,
        "puppeteerDir": t.modules,
    });
    let setup_file = home.join("setup.json");
    std::fs::write(&setup_file, setup.to_string()).unwrap();
    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode/test/ui/session.mjs");
    // code-server and Chromium start dozens of processes; in a PID namespace of their own
    // every one of them ends with the session, whatever happens (root can have one).
    let mut run = if pid_namespace() {
        let mut c = Command::new("unshare");
        c.args(["--fork", "--pid", "--mount-proc", "--kill-child"])
            .arg(&t.node);
        c
    } else {
        Command::new(&t.node)
    };
    let out = run
        .arg(&driver)
        .arg(&setup_file)
        .env_remove("SUPERHELFER_CONFIG")
        .env_remove("OLLAMA_HOST")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let r: Value = stdout
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| {
            panic!(
                "no result from the session; stderr:\n{}\nscreens: {}",
                String::from_utf8_lossy(&out.stderr),
                screens.display()
            )
        });
    let context = format!("{r:#}\nscreens: {}", screens.display());
    assert!(r["error"].is_null(), "the session failed: {context}");

    // Generate: the command on the line after the request; the progress has ended.
    let text = r["generate"]["text"].as_str().unwrap();
    assert!(
        text.starts_with("#!/bin/bash\n# show free disk space\ndf -h\necho Hallo, $1"),
        "{context}"
    );

    // Explain: a Markdown preview beside the script.
    let tabs = r["explain"]["tabs"].to_string();
    assert!(tabs.contains("Preview"), "{context}");

    // Danger: a modal dialog with the command and the choices; Cancel changed nothing.
    let danger = &r["danger"];
    let question = format!("{} {}", danger["message"], danger["detail"]);
    assert!(
        question.contains("could destroy data") && question.contains("sudo rm -rf /"),
        "{context}"
    );
    let buttons = danger["buttons"].to_string();
    assert!(
        buttons.contains("Insert as comment") && buttons.contains("Cancel"),
        "{context}"
    );
    assert_eq!(danger["after"], danger["before"], "{context}");
    assert!(
        !danger["after"].as_str().unwrap_or("").contains("rm -rf"),
        "{context}"
    );

    // Ghost text: after the typed request and Enter, the command in grey on the fresh
    // line; Tab put it in the document, and the saved file holds exactly that.
    let ghost = &r["ghost"];
    assert_eq!(ghost["shown"], LARGEST, "{context}");
    assert_eq!(
        ghost["saved"],
        format!("{GHOST}# list the 5 largest files here\n{LARGEST}"),
        "{context}"
    );
    // A dangerous answer: never ghost text; asked explicitly, a notification says why.
    let danger = &r["ghostDanger"];
    assert!(
        !danger["shown"].as_str().unwrap_or("").contains("rm -rf"),
        "{context}"
    );
    assert!(
        !danger["text"].as_str().unwrap_or("").contains("rm -rf"),
        "{context}"
    );
    assert!(
        danger["toasts"].to_string().contains("could destroy data"),
        "{context}"
    );
    // superhelfer.inline.enabled = false: after the restart no ghost text, no model call.
    assert_eq!(r["ghostOff"]["shown"], "", "{context}");
    assert!(
        r["ghostOff"]["text"]
            .as_str()
            .is_some_and(|t| t.ends_with("# count the lines of every script here")),
        "the request was typed: {context}"
    );
    let asked_off = stub
        .chat_requests()
        .iter()
        .filter(|c| c.to_string().contains("count the lines"))
        .count();
    assert_eq!(
        asked_off, 0,
        "ghost text switched off asked the model: {context}"
    );
    drop(rt);
}
