//! Helix as people use it: the two builds in `../shared/tools/helix/` (the 25.07.1 release and
//! master of 2026-07-23) in a tmux terminal, with the project's `editors/helix/languages.toml`
//! pointed at the real binary and the Ollama stand-in. Keys are typed as a person types them
//! (`space a` lists code actions, `x` selects a line, `:w` saves) and what the screen and the
//! saved file show is asserted. Every screen is kept under `target/screens/helix-*`.
//!
//! Needs tmux, shellcheck and `../shared/tools/helix/`: without them the tests print `SKIP:`
//! and pass, except in CI (`CI=true`), where they fail.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};
use support::tmux::{tmux_available, Tmux};

const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";
const SCRIPT: &str = "#!/bin/bash\n# show free disk space\necho Hallo, $1\n";
/// How long one step may take on a busy 2-core machine before the test gives up.
const STEP: Duration = Duration::from_secs(30);

fn in_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// The build's folder (`hx` and `runtime/`), or `None` (SKIP) outside CI.
fn helix(build: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/tools/helix")
        .join(build);
    let missing = if !dir.join("hx").is_file() {
        Some(format!("Helix {build} not found in {}", dir.display()))
    } else if !tmux_available() {
        Some("tmux not installed".to_string())
    } else if which("shellcheck").is_none() {
        Some("shellcheck not installed".to_string())
    } else {
        None
    };
    match missing {
        None => Some(dir),
        Some(why) => {
            assert!(!in_ci(), "CI provides this: {why}");
            support::skip::skip(&why);
            None
        }
    }
}

/// A TOML value for a JSON one (the inline-table form Helix's `config` key takes).
fn toml_inline(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let fields: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k} = {}", toml_inline(v)))
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(toml_inline).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

/// The project's languages.toml with the server's command and settings filled in, as a
/// user who installed superhelfer and wrote a `config` line would have it.
fn languages_toml(settings: &Value) -> String {
    let shipped = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/helix/languages.toml"),
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_superhelfer");
    let shipped = shipped.replace(
        "command = \"superhelfer\"",
        &format!(
            "command = {}\nconfig = {}",
            Value::String(bin.into()),
            toml_inline(settings)
        ),
    );
    // Only superhelfer for bash: the usual servers are not installed here.
    shipped.replace(
        "language-servers = [\"bash-language-server\", \"superhelfer\"]",
        "language-servers = [\"superhelfer\"]",
    )
}

/// One Helix session on a copy of `text`, its own HOME and configuration.
struct Session {
    tmux: Tmux,
    file: PathBuf,
    _dir: tempfile::TempDir,
}

impl Session {
    fn open(build: &Path, name: &str, stub: &OllamaStub, text: &str) -> Session {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path();
        let settings = json!({
            "backends": {"ollama": {"kind": "ollama", "url": stub.url()}},
            "vram": {"enabled": false},
            "router": {"enabled": false, "default_tier": "fast"},
            "actions": {"shellcheck": true},
        });
        std::fs::create_dir_all(home.join("xdg/helix")).unwrap();
        std::fs::write(
            home.join("xdg/helix/languages.toml"),
            languages_toml(&settings),
        )
        .unwrap();
        let file = home.join("disk.sh");
        std::fs::write(&file, text).unwrap();
        let command = format!(
            "cd {home} && env -u SUPERHELFER_CONFIG -u OLLAMA_HOST HOME={home} XDG_CONFIG_HOME={home}/xdg \
             XDG_CACHE_HOME={home}/cache HELIX_RUNTIME={rt} {hx} -v disk.sh 2>{home}/hx-stderr.log",
            home = home.display(),
            rt = build.join("runtime").display(),
            hx = build.join("hx").display(),
        );
        let tmux = Tmux::start(name, home, 110, 30, &command);
        tmux.wait_for("opened", STEP, |s| s.contains("# show free disk space"));
        Session {
            tmux,
            file,
            _dir: dir,
        }
    }

    /// `space a`, waits for the action titled `title…` and picks it. Helix's menu does not
    /// filter as you type; the first entry is selected, so the picker moves down to it.
    fn pick_action(&self, title: &str) {
        self.tmux.keys(&["Space", "a"]);
        let menu = self
            .tmux
            .wait_for(&format!("menu with {title}"), STEP, |s| s.contains(title));
        let titles = [
            "Fix with superhelfer",
            "Generate shell command",
            "Explain selection",
        ];
        let rows: Vec<&str> = menu
            .lines()
            .filter(|l| titles.iter().any(|t| l.contains(t)))
            .collect();
        let index = rows.iter().position(|l| l.contains(title)).unwrap_or(0);
        for _ in 0..index {
            self.tmux.keys(&["Down"]);
        }
        self.tmux.keys(&["Enter"]);
    }

    fn save(&self) -> String {
        self.tmux.keys(&[":w", "Enter"]);
        std::thread::sleep(Duration::from_millis(300));
        std::fs::read_to_string(&self.file).unwrap()
    }
}

fn stub(code_answer: &str, fast_answer: &str) -> (tokio::runtime::Runtime, OllamaStub) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let stub = rt.block_on(OllamaStub::start(vec![
        StubModel::new(FAST, Behavior::reply(&[fast_answer])).loaded(),
        StubModel::new(CODE, Behavior::reply(&[code_answer])).loaded(),
    ]));
    (rt, stub)
}

/// Generate on the request comment, save, then Fix from the start of the line shellcheck
/// flags (a block cursor that does not touch the flagged `$1`).
fn generate_then_fix(build: &str) {
    let Some(dir) = helix(build) else { return };
    let (_rt, stub) = stub(
        "```bash\ndf -h\n```",
        "Quote it:\n\n```bash\necho \"Hallo, $1\"\n```",
    );
    let s = Session::open(&dir, &format!("helix-{build}-generate-fix"), &stub, SCRIPT);
    s.tmux.keys(&["j"]);
    s.pick_action("Generate shell command");
    s.tmux
        .wait_for("command inserted", STEP, |sc| sc.contains("df -h"));
    assert_eq!(
        s.save(),
        "#!/bin/bash\n# show free disk space\ndf -h\necho Hallo, $1\n"
    );
    // The save re-runs shellcheck; line 4 is flagged (the gutter's dot).
    s.tmux.wait_for("shellcheck finding", STEP, |sc| {
        sc.lines()
            .any(|l| l.contains("●") && l.contains("echo Hallo"))
    });
    s.tmux.keys(&["j", "j", "g", "h"]);
    s.pick_action("Fix with superhelfer");
    s.tmux
        .wait_for("fix applied", STEP, |sc| sc.contains("echo \"Hallo, $1\""));
    assert_eq!(
        s.save(),
        "#!/bin/bash\n# show free disk space\ndf -h\necho \"Hallo, $1\"\n"
    );
}

#[test]
fn release_25_07_1_generates_and_fixes_from_the_cursor_line() {
    generate_then_fix("25.07.1");
}

#[test]
fn master_generates_and_fixes_from_the_cursor_line() {
    generate_then_fix("master-079a789e8");
}

/// Helix master shows `window/showMessageRequest` as a picker: the danger question is
/// asked, and Esc (Cancel) leaves the document as it was.
#[test]
fn master_asks_before_a_dangerous_command_and_esc_cancels() {
    let Some(dir) = helix("master-079a789e8") else {
        return;
    };
    let (_rt, stub) = stub("```bash\nsudo rm -rf /\n```", "unused");
    let s = Session::open(&dir, "helix-master-danger", &stub, SCRIPT);
    s.tmux.keys(&["j"]);
    s.pick_action("Generate shell command");
    let question = s.tmux.wait_for("danger question", STEP, |sc| {
        sc.contains("Insert as comment")
    });
    assert!(question.contains("rm -rf /"), "{question}");
    s.tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(500));
    let after = s.tmux.shot("after cancel");
    assert!(!after.contains("sudo rm"), "{after}");
    assert_eq!(s.save(), SCRIPT);
}

/// Helix 25.07.1 cannot be asked (it answers "Method not found"): the dangerous command is
/// inserted only as a comment under its warning, and the status line says why.
#[test]
fn release_inserts_a_dangerous_command_only_as_a_comment_and_says_why() {
    let Some(dir) = helix("25.07.1") else { return };
    let (_rt, stub) = stub("```bash\nsudo rm -rf /\n```", "unused");
    let s = Session::open(&dir, "helix-25.07.1-danger", &stub, SCRIPT);
    s.tmux.keys(&["j"]);
    s.pick_action("Generate shell command");
    let screen = s.tmux.wait_for("inserted as a comment", STEP, |sc| {
        sc.contains("# sudo rm -rf /")
    });
    assert!(
        screen.contains("cannot ask"),
        "the status line says why:\n{screen}"
    );
    let saved = s.save();
    assert!(
        saved.starts_with("#!/bin/bash\n# show free disk space\n# superhelfer: DANGER: ")
            && saved.contains("\n# sudo rm -rf /\necho Hallo, $1\n"),
        "{saved}"
    );
}

/// Explain on a line selection (`x`): the explanation opens as a document in both builds
/// (25.07.1 handles `window/showDocument` though it does not advertise it), titled with the
/// one selected line.
fn explain_opens_a_document(build: &str) {
    let Some(dir) = helix(build) else { return };
    let (_rt, stub) = stub(
        "unused",
        "## Summary\nGreets the first argument.\n\n## Details\nThe unquoted `$1` splits on spaces.",
    );
    let s = Session::open(&dir, &format!("helix-{build}-explain"), &stub, SCRIPT);
    s.tmux.keys(&["j", "j", "x"]);
    s.pick_action("Explain selection");
    let screen = s.tmux.wait_for("explanation shown", STEP, |sc| {
        sc.contains("Greets the first argument") && sc.contains("The unquoted")
    });
    assert!(screen.contains("Explanation: `disk.sh` line 3"), "{screen}");
}

#[test]
fn release_opens_an_explanation_as_a_document() {
    explain_opens_a_document("25.07.1");
}

#[test]
fn master_opens_an_explanation_as_a_document() {
    explain_opens_a_document("master-079a789e8");
}
