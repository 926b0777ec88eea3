//! Corrections teach the router: `superhelfer route --prefer TIER "query"` keeps the
//! correction in the XDG state directory, similar queries follow it (and say so in
//! the reasons), others do not, and `route --forget` clears them.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_superhelfer");

fn run(dir: &Path, args: &[&str]) -> Output {
    let config = dir.join("config.toml");
    std::fs::write(&config, "").unwrap();
    std::process::Command::new(BIN)
        .args(args)
        .env("SUPERHELFER_CONFIG", &config)
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("HOME", dir)
        .env_remove("OLLAMA_HOST")
        .output()
        .expect("spawn")
}

fn route(dir: &Path, query: &str) -> Value {
    let out = run(dir, &["route", "--json", query]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

const QUERY: &str = "write a limerick about my neighbour's loud parrot";
const SIMILAR: &str = "write a limerick about my neighbours loud parrot please";
const OTHER: &str = "how do i see which process listens on port 8080";

#[test]
fn a_preferred_tier_teaches_similar_queries_until_forgotten() {
    let dir = tempfile::tempdir().unwrap();
    let before = route(dir.path(), SIMILAR);
    assert_eq!(before["tier"], "fast", "{before}");
    assert_eq!(route(dir.path(), OTHER)["tier"], "code");

    let out = run(dir.path(), &["route", "--prefer", "heavy", QUERY]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("goes to heavy"));
    assert!(dir
        .path()
        .join("state/superhelfer/corrections.jsonl")
        .is_file());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("heavy"));

    let after = route(dir.path(), SIMILAR);
    assert_eq!(after["tier"], "heavy", "{after}");
    let reason = after["reasons"][0].as_str().unwrap();
    assert!(
        reason.starts_with("like your correction of \"write a limerick"),
        "{reason}"
    );
    assert_eq!(
        route(dir.path(), OTHER)["tier"],
        "code",
        "an unrelated query is untouched"
    );

    let out = run(dir.path(), &["route", "--forget"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("forgot 1 correction"));
    assert_eq!(route(dir.path(), SIMILAR)["tier"], "fast");
}

#[test]
fn prefer_needs_a_query_and_a_tier() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        run(dir.path(), &["route", "--prefer", "heavy"])
            .status
            .code(),
        Some(2)
    );
    assert_ne!(
        run(dir.path(), &["route", "--prefer", "huge", QUERY])
            .status
            .code(),
        Some(0)
    );
}
