//! The CLI as a test runs it: the user's own configuration file pointing at the Ollama
//! stand-in, and the binary with nothing of the user's environment leaking in.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_superhelfer");

/// A configuration file in `dir`: every tier on the backend at `url`, the VRAM guard off.
pub fn config_file(dir: &Path, url: &str) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!("[backends.ollama]\nkind = \"ollama\"\nurl = \"{url}\"\n[vram]\nenabled = false\n"),
    )
    .expect("write the configuration");
    path
}

/// `program args…` (the CLI, or a wrapper such as `script` around it) with `config` as
/// the configuration, no Ollama host of the user's, and stdin closed.
pub fn command(program: &str, config: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env("SUPERHELFER_CONFIG", config)
        .env_remove("OLLAMA_HOST")
        .env_remove("SUPERHELFER_LOG")
        .stdin(Stdio::null());
    cmd
}
