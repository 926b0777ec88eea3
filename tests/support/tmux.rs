//! A terminal program run the way a person sees it: in a detached tmux session of a fixed
//! size, driven with `send-keys`, read with `capture-pane`. Every screen a test looks at is
//! written to a folder (`target/screens/<name>/NN-<label>.txt`) so that a failing run can
//! print what the user would have seen.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// `tmux` on PATH, or `None`.
pub fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// One tmux server (its own socket) with one session running one program. Dropping it
/// kills the server and with it the program.
pub struct Tmux {
    socket: PathBuf,
    session: String,
    screens: PathBuf,
    shots: AtomicU32,
}

impl Tmux {
    /// Starts `command` (a shell command line) in a `width`×`height` session. `name` names
    /// the folder its screens go to.
    pub fn start(name: &str, dir: &Path, width: u16, height: u16, command: &str) -> Tmux {
        let screens = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target/screens")
            .join(name);
        let _ = std::fs::remove_dir_all(&screens);
        std::fs::create_dir_all(&screens).unwrap();
        let t = Tmux {
            socket: dir.join("tmux.sock"),
            session: "t".into(),
            screens,
            shots: AtomicU32::new(0),
        };
        let out = t.tmux(&[
            "new-session",
            "-d",
            "-s",
            &t.session,
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            command,
        ]);
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Keep the pane after the program exits, so that a crash stays readable.
        t.tmux(&["set-option", "-t", &t.session, "remain-on-exit", "on"]);
        t
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    /// Types keys as tmux names them (`Enter`, `Escape`, `Space`, `C-c`, or literal text).
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", &self.session, k]);
            // A person does not type faster than the editor redraws.
            std::thread::sleep(Duration::from_millis(80));
        }
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        String::from_utf8_lossy(
            &self
                .tmux(&["capture-pane", "-p", "-t", &self.session])
                .stdout,
        )
        .into_owned()
    }

    /// Saves the screen under `label` and returns it.
    pub fn shot(&self, label: &str) -> String {
        let screen = self.screen();
        let n = self.shots.fetch_add(1, Ordering::Relaxed);
        let label: String = label
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let _ = std::fs::write(self.screens.join(format!("{n:02}-{label}.txt")), &screen);
        screen
    }

    /// Waits until the screen satisfies `cond` (polling), saving it under `label` either
    /// way. Panics with the last screen and the folder of all screens after `limit`.
    pub fn wait_for(&self, label: &str, limit: Duration, cond: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if cond(&screen) {
                self.shot(label);
                return screen;
            }
            if start.elapsed() > limit {
                self.shot(label);
                panic!(
                    "timed out after {limit:?} waiting for: {label}\n--- screen ---\n{screen}\n--- all screens in {} ---",
                    self.screens.display()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}
