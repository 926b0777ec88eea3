//! The VS Code extension's protocol tests (`editors/vscode/test/*.test.mjs`, run with
//! `node --test`) against the real binary, with the Ollama stand-in behind it. VS Code
//! itself cannot run here; its language client is built on vscode-languageserver-protocol,
//! which the Node tests use to speak to the server as the extension does.
//!
//! Needs Node and `scripts/vscode-setup.sh` (npm ci in `editors/vscode`). Without them the
//! test prints `SKIP: ...` and passes, except in CI (`CI=true`), where it fails.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::ollama_stub::{Behavior, OllamaStub, StubModel};

/// What both answering models reply; `protocol.test.mjs` holds the same text.
const REPLY: &str = "Here is the command:\n\n```bash\ndu -ah /var/log | sort -rh | head -n 5\n```\n\nIt lists the five largest files under /var/log.";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// `SKIP:` outside CI; a failure in CI, which installs what is missing.
fn missing(reason: &str) {
    assert!(
        !in_ci(),
        "VS Code extension tests cannot run in CI: {reason}"
    );
    support::skip::skip(reason);
}

fn node_version() -> Option<String> {
    let out = Command::new("node").arg("--version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn test_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.ends_with(".test.mjs"))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn vscode_extension_protocol_tests_pass_against_the_real_server() {
    let ext = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode");
    let Some(version) = node_version() else {
        return missing("node is not installed");
    };
    let tsc = ext.join("node_modules/typescript/bin/tsc");
    if !ext
        .join("node_modules/vscode-languageserver-protocol")
        .is_dir()
        || !tsc.is_file()
    {
        return missing("editors/vscode/node_modules is missing (run scripts/vscode-setup.sh)");
    }
    let files = test_files(&ext.join("test"));
    assert!(!files.is_empty(), "no editors/vscode/test/*.test.mjs");

    // The extension type-checks, and out/ holds what the tests load.
    let out = Command::new("node")
        .arg(&tsc)
        .args(["-p", "."])
        .current_dir(&ext)
        .output()
        .expect("run tsc");
    assert!(
        out.status.success(),
        "tsc -p editors/vscode failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let stub = rt.block_on(OllamaStub::start(vec![
        StubModel::new("llama3.2:3b", Behavior::reply(&[REPLY])).loaded(),
        StubModel::new("qwen3-coder:30b", Behavior::reply(&[REPLY])).loaded(),
        StubModel::new("hang:latest", Behavior::Hang).loaded(),
    ]));
    let cache = tempfile::tempdir().expect("temp dir");

    let out = Command::new("node")
        // TAP: the same format on every Node version, and a summary to check.
        .args(["--test", "--test-reporter=tap"])
        .args(&files)
        .current_dir(&ext)
        .env("SUPERHELFER_BIN", env!("CARGO_BIN_EXE_superhelfer"))
        .env("SUPERHELFER_TEST_OLLAMA_URL", stub.url())
        .env("XDG_CACHE_HOME", cache.path())
        .env_remove("NODE_OPTIONS")
        .output()
        .expect("run node --test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("node {version}\n{stdout}");
    if !stderr.is_empty() {
        eprintln!("{stderr}");
    }
    assert!(
        out.status.success(),
        "node --test failed ({}); output above",
        out.status
    );
    // A test skipped for lack of the environment above would pass without checking anything.
    assert!(
        stdout.contains("# fail 0")
            && (stdout.contains("# skipped 0") || stdout.contains("# skip 0")),
        "no test may be skipped here:\n{stdout}"
    );
    assert!(
        !stub.chat_requests().is_empty(),
        "the tests reached the backend"
    );
}
