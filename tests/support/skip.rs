//! A test that cannot run here says so where people look. `cargo test` shows a passing
//! test's output only with `--nocapture`, so besides `SKIP: reason` on stderr each skip
//! appends a line to `target/skipped.txt` (next to `debug/`), which `.ci/run` empties
//! before the run and prints after it.

use std::io::Write;
use std::path::PathBuf;

/// Prints `SKIP: reason` and records it; the caller then returns early.
pub fn skip(reason: &str) {
    eprintln!("SKIP: {reason}");
    let Some(path) = skip_file() else {
        return;
    };
    let binary = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .map(|s| match s.rsplit_once('-') {
            Some((name, _hash)) => name.to_string(),
            None => s,
        })
        .unwrap_or_default();
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("?");
    // Appends of one short line each: concurrent tests do not interleave within a line.
    let line = format!("SKIP: {binary}: {test}: {reason}\n");
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    {
        let _ = f.write_all(line.as_bytes());
    }
}

/// `target/skipped.txt`: the test binary runs from `target/<profile>/deps/`.
pub fn skip_file() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let target = exe.parent()?.parent()?.parent()?;
    Some(target.join("skipped.txt"))
}
