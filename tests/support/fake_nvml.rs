//! Test helper: a fake NVML library (`tests/support/fake-nvml`) with a
//! per-test state file, for exercising the VRAM guard without a GPU.
//!
//! Each [`FakeNvmlState`] owns a temporary directory holding its own copy of
//! the library (as `libnvidia-ml.so.1`), the state file beside it, and a call
//! log. The fake reads the state file next to the copy it was loaded from,
//! and a copy loaded from another path is a separate object with its own
//! statics, so in-process tests can run in parallel without touching the
//! (process-wide) environment. Subprocess tests can instead pass
//! [`FakeNvmlState::envs`] to the child; the fake honours `FAKE_NVML_STATE`
//! and `FAKE_NVML_LOG` first.
//!
//! See `tests/support/fake-nvml/src/lib.rs` for the state file format.
#![allow(dead_code)] // each test crate uses a different part of the helper

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const STATE_FILE: &str = "fake-nvml-state.txt";
const LOG_FILE: &str = "fake-nvml-calls.log";

/// Builds the fake library once per test process and returns its path.
///
/// Panics (failing the test) when the build fails, with cargo's output.
pub fn fake_nvml_lib() -> PathBuf {
    static LIB: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match LIB.get_or_init(build_fake_nvml) {
        Ok(path) => path.clone(),
        Err(message) => panic!("building the fake NVML library failed:\n{message}"),
    }
}

fn build_fake_nvml() -> Result<PathBuf, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = root.join("tests/support/fake-nvml/Cargo.toml");
    let target_dir = match option_env!("CARGO_TARGET_TMPDIR") {
        Some(tmp) => PathBuf::from(tmp).join("fake-nvml"),
        None => root.join("target/fake-nvml"),
    };
    let output = Command::new(env!("CARGO"))
        .arg("build")
        .arg("--quiet")
        .arg("--offline")
        .arg("--manifest-path")
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target_dir)
        // The outer `cargo test` may have set these for the main crate.
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let file = format!(
        "{}fake_nvml{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let lib = target_dir.join("debug").join(file);
    if lib.is_file() {
        Ok(lib)
    } else {
        Err(format!("cargo succeeded but {} is missing", lib.display()))
    }
}

/// A fake GPU setup: a private copy of the fake library plus its state file.
pub struct FakeNvmlState {
    dir: tempfile::TempDir,
    lib: PathBuf,
}

impl FakeNvmlState {
    /// A fresh setup whose state file holds `state`.
    pub fn new(state: &str) -> Self {
        let dir = tempfile::tempdir().expect("create temp dir");
        let lib = dir.path().join("libnvidia-ml.so.1");
        fs::copy(fake_nvml_lib(), &lib).expect("copy fake NVML library");
        fs::write(dir.path().join(LOG_FILE), "").expect("create call log");
        let fake = Self { dir, lib };
        fake.write(state);
        fake
    }

    /// Replaces the state; the next NVML call sees it. Written to a temporary
    /// file and renamed, so a concurrent read never sees half a file.
    pub fn write(&self, state: &str) {
        let tmp = self.dir.path().join(format!("{STATE_FILE}.tmp"));
        fs::write(&tmp, state).expect("write fake NVML state");
        fs::rename(&tmp, self.state_path()).expect("replace fake NVML state");
    }

    /// The library to hand to `GpuMonitor::new` / `Nvml::builder().lib_path`.
    pub fn lib_path(&self) -> PathBuf {
        self.lib.clone()
    }

    /// The state file.
    pub fn state_path(&self) -> PathBuf {
        self.dir.path().join(STATE_FILE)
    }

    /// NVML entry points called so far, in order.
    pub fn calls(&self) -> Vec<String> {
        fs::read_to_string(self.dir.path().join(LOG_FILE))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// How often `symbol` was called so far.
    pub fn call_count(&self, symbol: &str) -> usize {
        self.calls().iter().filter(|c| *c == symbol).count()
    }

    /// Stops recording calls (the fake only appends to a log file that
    /// exists); for measurements, where the log's I/O would dominate.
    pub fn stop_call_log(&self) {
        let _ = fs::remove_file(self.dir.path().join(LOG_FILE));
    }

    /// Environment for a child process that loads this library
    /// (`FAKE_NVML_STATE`, `FAKE_NVML_LOG`).
    pub fn envs(&self) -> Vec<(&'static str, PathBuf)> {
        vec![
            ("FAKE_NVML_STATE", self.state_path()),
            ("FAKE_NVML_LOG", self.dir.path().join(LOG_FILE)),
        ]
    }
}
