//! superhelfer's shellcheck diagnostics follow the edits, as an editor sees them over stdio:
//! after a change the script is checked again once typing pauses (no save needed), so a
//! flagged line that moved is published on its new line; a burst of changes costs one
//! shellcheck run, published for the latest version only.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{json, Value};
use support::lsp_client::{default_capabilities, LspClient, Spawn};

const URI: &str = "file:///w/greet.sh";
/// SC2086 (unquoted `$1`) on line 1.
const SCRIPT: &str = "#!/bin/bash\necho Hallo, $1\n";

/// The real shellcheck, or `None` (SKIP outside CI).
fn real_shellcheck() -> Option<PathBuf> {
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join("shellcheck"))
        .find(|p| p.is_file());
    if found.is_none() {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "CI installs shellcheck"
        );
        support::skip::skip("shellcheck not installed");
    }
    found
}

/// A server whose `shellcheck` (first on its PATH) is the real one behind a wrapper that
/// writes `start` and `end` around each run into `runs.log`, taking `delay` longer.
struct World {
    dir: tempfile::TempDir,
    c: LspClient,
}

impl World {
    fn new(delay: Duration) -> Option<World> {
        let real = real_shellcheck()?;
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("runs.log");
        let wrapper = dir.path().join("shellcheck");
        std::fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\necho start >> '{log}'\nsleep {delay}\n'{real}' \"$@\"\nrc=$?\necho end >> '{log}'\nexit $rc\n",
                log = log.display(),
                delay = delay.as_secs_f64(),
                real = real.display(),
            ),
        )
        .unwrap();
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = format!(
            "{}:{}",
            dir.path().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut c = LspClient::spawn(Spawn {
            env: vec![("PATH".into(), path)],
            ..Default::default()
        });
        c.initialize(
            json!({
                "actions": {"shellcheck": true},
                "vram": {"enabled": false},
                "router": {"warm_fast": false}
            }),
            default_capabilities(),
        );
        c.open(URI, "shellscript", SCRIPT);
        let first = c.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == URI);
        assert_eq!(sc2086_lines(&first), vec![1], "{first}");
        Some(World { dir, c })
    }

    /// `start` and `end` of every shellcheck run so far, in order.
    fn runs(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("runs.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

fn publishes(c: &LspClient) -> Vec<Value> {
    c.notifications("textDocument/publishDiagnostics")
        .into_iter()
        .filter(|p| p["uri"] == URI)
        .collect()
}

/// The lines SC2086 is published on.
fn sc2086_lines(p: &Value) -> Vec<u64> {
    p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "SC2086")
        .filter_map(|d| d["range"]["start"]["line"].as_u64())
        .collect()
}

#[test]
fn lines_inserted_above_a_flagged_line_move_its_diagnostic_without_a_save() {
    let Some(mut w) = World::new(Duration::ZERO) else {
        return;
    };
    let c = &mut w.c;
    c.change(URI, [(1, 0), (1, 0)], "# greet\n# the first argument\n");
    let moved = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == URI && p["version"] == 2
    });
    assert_eq!(sc2086_lines(&moved), vec![3], "{moved}");
    // Quoting it (no save either) clears it.
    c.change(URI, [(3, 12), (3, 14)], "\"$1\"");
    let fixed = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == URI && p["version"] == 3
    });
    assert!(sc2086_lines(&fixed).is_empty(), "{fixed}");
}

#[test]
fn a_burst_of_changes_is_checked_once_for_its_last_version() {
    let Some(mut w) = World::new(Duration::ZERO) else {
        return;
    };
    // Typing "# hi" above the flagged line, a character at a time, then a new line.
    for (i, ch) in ["#", " ", "h", "i"].iter().enumerate() {
        w.c.change(URI, [(1, i as u32), (1, i as u32)], ch);
    }
    w.c.change(URI, [(1, 4), (1, 4)], "\n");
    let last =
        w.c.wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == URI && p["version"] == 6
        });
    assert_eq!(sc2086_lines(&last), vec![2], "{last}");
    // Generous: several debounce periods for a late second run to show up.
    w.c.settle(Duration::from_secs(2));
    assert_eq!(
        w.runs(),
        ["start", "end", "start", "end"],
        "open, then the burst"
    );
    let all = publishes(&w.c);
    let versions: Vec<&Value> = all.iter().map(|p| &p["version"]).collect();
    assert_eq!(versions, vec![&json!(1), &json!(6)], "{all:#?}");
}

#[test]
fn changes_during_a_slow_check_wait_for_it_and_the_last_version_is_published() {
    // Each run takes a second longer than shellcheck; a change every half second.
    let Some(mut w) = World::new(Duration::from_secs(1)) else {
        return;
    };
    for _ in 0..5 {
        w.c.change(URI, [(1, 0), (1, 0)], "#\n");
        std::thread::sleep(Duration::from_millis(500));
    }
    let last =
        w.c.wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == URI && p["version"] == 6
        });
    assert_eq!(sc2086_lines(&last), vec![6], "{last}");
    w.c.settle(Duration::from_millis(1500));
    let runs = w.runs();
    // Never two at once: every start is followed by its end.
    for pair in runs.chunks(2) {
        assert_eq!(pair, ["start", "end"], "{runs:?}");
    }
    // The open's run and fewer than one per change: asked for while one ran, a check
    // runs once after it.
    assert!(runs.len() / 2 < 1 + 5, "{runs:?}");
    // Nothing published for a version the document had already left.
    for p in publishes(&w.c) {
        let v = p["version"].as_i64().unwrap();
        assert!(v == 1 || v == 6, "published for version {v}: {p}");
    }
}
