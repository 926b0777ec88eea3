//! Neovim for the tests that run the plugin in it (`tests/neovim*.rs`): where it is found,
//! a Lua string literal, and a headless run that reports back as JSON.
//!
//! Neovim is found as `$SUPERHELFER_NVIM`, else `nvim` on PATH, else
//! `<repo>/.venv-nvim/bin/nvim` (`scripts/neovim-setup.sh`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long a headless Neovim session may take before it is killed.
pub const NVIM_LIMIT: Duration = Duration::from_secs(90);

pub fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

pub fn in_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

fn find_nvim() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SUPERHELFER_NVIM").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    which("nvim").or_else(|| {
        let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-nvim/bin/nvim");
        venv.is_file().then_some(venv)
    })
}

/// Neovim, or `None` after a `SKIP:` line; in CI (`CI=true`) a missing Neovim fails.
pub fn nvim_or_skip() -> Option<PathBuf> {
    let found = find_nvim();
    if found.is_none() {
        assert!(
            !in_ci(),
            "CI installs Neovim (scripts/neovim-setup.sh) or sets SUPERHELFER_NVIM"
        );
        super::skip::skip("Neovim not found (SUPERHELFER_NVIM, PATH, .venv-nvim; scripts/neovim-setup.sh installs it)");
    }
    found
}

/// A Lua string literal.
pub fn lua_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Waits for the child at most `limit`; kills it after that. Returns whether it exited.
fn wait_or_kill(child: &mut Child, limit: Duration) -> bool {
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => return true,
            Ok(None) if start.elapsed() < limit => std::thread::sleep(Duration::from_millis(50)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return false;
            }
        }
    }
}

/// Runs Neovim headless in `home` (the user's configuration, caches and config file kept
/// out) on `file` with `init`, and returns the JSON it wrote to `result`, which must
/// carry no `error`.
pub fn run_headless(nvim: &Path, home: &Path, init: &Path, file: &Path, result: &Path) -> Value {
    let log = home.join("nvim-stderr.log");
    let mut child = Command::new(nvim)
        .args(["--headless", "--clean", "-i", "NONE", "-n", "-u"])
        .arg(init)
        .arg(file)
        .current_dir(home)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("SUPERHELFER_CONFIG")
        .env_remove("OLLAMA_HOST")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", nvim.display()));
    let exited = wait_or_kill(&mut child, NVIM_LIMIT);
    let stderr = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        exited,
        "Neovim did not finish within {NVIM_LIMIT:?}; stderr:\n{stderr}"
    );
    let raw = std::fs::read_to_string(result)
        .unwrap_or_else(|e| panic!("no result from Neovim ({e}); stderr:\n{stderr}"));
    let r: Value = serde_json::from_str(&raw).unwrap();
    assert!(
        r["error"].is_null(),
        "the session failed: {}\nresult: {r:#}\nstderr:\n{stderr}",
        r["error"].as_str().unwrap_or_default()
    );
    r
}
