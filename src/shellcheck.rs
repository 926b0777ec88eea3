//! superhelfer's own diagnostics for shell scripts, from ShellCheck.
//!
//! Editors without a bash language server still get shellcheck findings, and the "fix
//! error" action gets precise diagnostics to work from. The text is piped to
//! `shellcheck --format=json1 --shell=<sh|bash|dash|ksh> -`, so unsaved buffers are
//! checked as the user sees them.
//!
//! Columns: ShellCheck's `json1` format (since 0.7.0) reports 1-based line and column
//! numbers where a tab counts as one character (the older `json` and the tty formats
//! expand tabs to stops of 8), and columns count Unicode code points, not bytes —
//! verified against ShellCheck 0.9.0 with tabs, umlauts and emoji before the finding.
//! [`Diagnostic`] wants 0-based char columns with an exclusive end, which is `column - 1`
//! and `endColumn - 1`; no tab or byte conversion is needed.
//!
//! CRLF text is passed on unchanged: a `\r` breaks a script under bash and dash, and
//! ShellCheck's SC1017 ("Literal carriage return") says so, which is a real finding.
//!
//! A `.shellcheckrc` is looked up from the server's working directory (there is no file
//! path for stdin), so a project's rc applies when the server runs in the project root.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use serde::Deserialize;
use tokio::io::AsyncWriteExt;

use crate::text::diagnostic::{Diagnostic, Severity};
use crate::text::{dialect::script_interpreter as detect_dialect, lines::split_lines};

/// How long one run may take before it is killed.
pub const TIME_LIMIT: Duration = Duration::from_secs(10);

/// Most stderr characters kept in [`ShellcheckError::Failed`].
const MAX_STDERR_CHARS: usize = 500;

/// Why shellcheck produced no diagnostics.
#[derive(Debug, thiserror::Error)]
pub enum ShellcheckError {
    /// No `shellcheck` executable on `PATH`.
    #[error("shellcheck is not installed (not found on PATH)")]
    NotInstalled,
    /// The dialect is not one shellcheck checks (zsh, fish, python, …).
    #[error("shellcheck does not support the shell `{0}`")]
    UnsupportedShell(String),
    /// The process could not be started.
    #[error("could not start shellcheck: {0}")]
    Spawn(#[source] std::io::Error),
    /// Reading its output failed.
    #[error("shellcheck I/O failed: {0}")]
    Io(#[source] std::io::Error),
    /// It ran past the time limit and was killed.
    #[error("shellcheck did not finish within {0:?}")]
    Timeout(Duration),
    /// It exited with a status other than 0 (clean) or 1 (findings).
    #[error("shellcheck failed (exit status {code:?}): {stderr}")]
    Failed {
        /// The exit code, `None` when killed by a signal.
        code: Option<i32>,
        /// The start of its stderr.
        stderr: String,
    },
    /// Its output was not the expected JSON.
    #[error("unexpected shellcheck output: {0}")]
    Parse(#[from] serde_json::Error),
}

static BINARY: OnceLock<Option<PathBuf>> = OnceLock::new();
static VERSION: OnceLock<Option<String>> = OnceLock::new();

/// The `shellcheck` executable found on `PATH`, looked up once per process.
pub fn binary() -> Option<&'static Path> {
    BINARY
        .get_or_init(|| find_on_path("shellcheck", std::env::var_os("PATH")))
        .as_deref()
}

/// Whether shellcheck is installed (cached `PATH` lookup; cheap after the first call).
pub fn available() -> bool {
    binary().is_some()
}

/// shellcheck's version (`0.9.0`), from `shellcheck --version`, run once and cached.
///
/// Blocks on the first call for as long as that takes (milliseconds); call it from
/// start-up or `spawn_blocking`, not from a request path.
pub fn version() -> Option<String> {
    VERSION
        .get_or_init(|| {
            let out = std::process::Command::new(binary()?)
                .arg("--version")
                .output()
                .ok()?;
            parse_version(&String::from_utf8_lossy(&out.stdout))
        })
        .clone()
}

fn parse_version(output: &str) -> Option<String> {
    output
        .lines()
        .find_map(|l| l.trim().strip_prefix("version:"))
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The first executable file called `name` in the directories of `path_var`.
fn find_on_path(name: &str, path_var: Option<OsString>) -> Option<PathBuf> {
    let path_var = path_var?;
    std::env::split_paths(&path_var)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file() || p.with_extension("exe").is_file()
}

/// shellcheck's `--shell` value for a dialect name (as [`detect_dialect`] returns it);
/// `None` for shells it does not check.
pub fn shell_for(dialect: &str) -> Option<&'static str> {
    crate::text::dialect::shellcheck_shell(dialect)
}

/// Checks `text` with the installed shellcheck.
///
/// `dialect` (e.g. from [`crate::engine::context::BuiltContext::dialect`]) picks the
/// shell; without one, the script's own shebang or `# shellcheck shell=` directive is
/// used, and a script with neither is checked as bash (what editors assume for
/// `shellscript`). Exit status 1 means "found issues" and is not an error.
pub async fn check(text: &str, dialect: Option<&str>) -> Result<Vec<Diagnostic>, ShellcheckError> {
    let program = binary().ok_or(ShellcheckError::NotInstalled)?;
    check_with(program, text, dialect, TIME_LIMIT).await
}

/// [`check`] with an explicit executable and time limit (a configured path; tests).
pub async fn check_with(
    program: &Path,
    text: &str,
    dialect: Option<&str>,
    limit: Duration,
) -> Result<Vec<Diagnostic>, ShellcheckError> {
    let shell = match dialect.map(str::to_string).or_else(|| detect_dialect(text)) {
        Some(d) => shell_for(&d).ok_or(ShellcheckError::UnsupportedShell(d))?,
        None => "bash",
    };
    let mut child = tokio::process::Command::new(program)
        .arg("--format=json1")
        .arg(format!("--shell={shell}"))
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(ShellcheckError::Spawn)?;
    let stdin = child.stdin.take();
    let write = async move {
        if let Some(mut stdin) = stdin {
            // A broken pipe means shellcheck exited early; its status says why.
            let _ = stdin.write_all(text.as_bytes()).await;
            let _ = stdin.shutdown().await;
        }
    };
    // Writing and reading run together, so a large script cannot deadlock on full pipes;
    // on timeout the child is dropped and thereby killed.
    let ((), output) = tokio::time::timeout(limit, async {
        tokio::join!(write, child.wait_with_output())
    })
    .await
    .map_err(|_| ShellcheckError::Timeout(limit))?;
    let output = output.map_err(ShellcheckError::Io)?;
    match output.status.code() {
        Some(0 | 1) => parse_json1(&String::from_utf8_lossy(&output.stdout), text),
        code => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            Err(ShellcheckError::Failed {
                code,
                stderr: stderr.trim().chars().take(MAX_STDERR_CHARS).collect(),
            })
        }
    }
}

#[derive(Deserialize)]
struct Json1 {
    comments: Vec<Comment>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Comment {
    line: usize,
    end_line: usize,
    column: usize,
    end_column: usize,
    level: String,
    code: u32,
    message: String,
}

/// Converts shellcheck's `json1` output for `text` into diagnostics: 0-based lines and
/// char columns (see the module docs), clamped into the document (syntax errors can
/// point one line past the end).
pub fn parse_json1(json: &str, text: &str) -> Result<Vec<Diagnostic>, ShellcheckError> {
    let parsed: Json1 = serde_json::from_str(json)?;
    let lines = split_lines(text);
    let last = lines.len() - 1;
    let width = |line: usize| lines.get(line).map_or(0, |l| l.chars().count());
    Ok(parsed
        .comments
        .into_iter()
        .map(|c| {
            let line = c.line.saturating_sub(1).min(last);
            let end_line = c.end_line.saturating_sub(1).clamp(line, last);
            let start_col = c.column.saturating_sub(1).min(width(line));
            let mut end_col = c.end_column.saturating_sub(1).min(width(end_line));
            if end_line == line {
                end_col = end_col.max(start_col);
            }
            Diagnostic {
                line,
                end_line,
                start_col,
                end_col,
                severity: match c.level.as_str() {
                    "error" => Severity::Error,
                    "warning" => Severity::Warning,
                    "style" => Severity::Hint,
                    _ => Severity::Information,
                },
                code: Some(format!("SC{}", c.code)),
                source: Some("shellcheck".to_string()),
                message: c.message,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// True when shellcheck is installed; otherwise prints a skip note, or fails in CI
    /// (where it is installed on purpose).
    fn have_shellcheck() -> bool {
        if available() {
            return true;
        }
        let ci = std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1");
        assert!(!ci, "shellcheck is not installed, but CI=true requires it");
        crate::test_skip::skip("shellcheck not installed");
        false
    }

    /// The text a diagnostic covers, by char columns.
    fn covered(text: &str, d: &Diagnostic) -> String {
        let line = split_lines(text)[d.line];
        line.chars()
            .skip(d.start_col)
            .take(d.end_col - d.start_col)
            .collect()
    }

    fn codes(diags: &[Diagnostic]) -> Vec<&str> {
        diags.iter().filter_map(|d| d.code.as_deref()).collect()
    }

    #[tokio::test]
    async fn sc2086_on_unquoted_argument() {
        if !have_shellcheck() {
            return;
        }
        let text = "#!/bin/bash\necho $1\n";
        let diags = check(text, None).await.expect("shellcheck runs");
        assert_eq!(codes(&diags), vec!["SC2086"]);
        let d = &diags[0];
        assert_eq!((d.line, d.end_line, d.start_col, d.end_col), (1, 1, 5, 7));
        assert_eq!(covered(text, d), "$1");
        assert_eq!(d.severity, Severity::Information);
        assert_eq!(d.source.as_deref(), Some("shellcheck"));
        assert!(d.message.contains("Double quote"));
        assert!(version().is_some_and(|v| v.chars().next().is_some_and(|c| c.is_ascii_digit())));
    }

    #[tokio::test]
    async fn clean_script_has_no_findings() {
        if !have_shellcheck() {
            return;
        }
        let diags = check("#!/bin/sh\nname=\"$1\"\necho \"hello $name\"\n", None)
            .await
            .expect("shellcheck runs");
        assert!(diags.is_empty(), "{diags:?}");
        // No shebang, no dialect: checked as bash, so no SC2148 "unknown shell".
        let diags = check("echo hi\n", None).await.expect("shellcheck runs");
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[tokio::test]
    async fn dash_and_bash_differ() {
        if !have_shellcheck() {
            return;
        }
        let text = "echo $RANDOM\n[[ -f x ]] && echo y\n";
        let bash = check(text, Some("bash")).await.expect("shellcheck runs");
        assert!(bash.is_empty(), "{bash:?}");
        let dash = check(text, Some("dash")).await.expect("shellcheck runs");
        assert_eq!(codes(&dash), vec!["SC3028", "SC3010"]);
        assert!(dash.iter().all(|d| d.severity == Severity::Error));
        assert_eq!(covered(text, &dash[0]), "$RANDOM");
        // The shebang decides when no dialect is given.
        let sh = check(&format!("#!/bin/sh\n{text}"), None)
            .await
            .expect("runs");
        assert_eq!(codes(&sh), vec!["SC3028", "SC3010"]);
        assert_eq!(sh[0].line, 1);
        assert!(matches!(
            check(text, Some("zsh")).await,
            Err(ShellcheckError::UnsupportedShell(s)) if s == "zsh"
        ));
    }

    #[tokio::test]
    async fn crlf_is_reported_and_columns_stay_in_the_line() {
        if !have_shellcheck() {
            return;
        }
        let text = "echo $1\r\nexit 0\r\n";
        let diags = check(text, Some("bash")).await.expect("shellcheck runs");
        let cr: Vec<&Diagnostic> = diags
            .iter()
            .filter(|d| d.code.as_deref() == Some("SC1017"))
            .collect();
        assert_eq!(cr.iter().map(|d| d.line).collect::<Vec<_>>(), vec![0, 1]);
        // The \r sits at the end of the line as the editor sees it.
        assert_eq!((cr[0].start_col, cr[1].start_col), (7, 6));
        let q = diags
            .iter()
            .find(|d| d.code.as_deref() == Some("SC2086"))
            .expect("SC2086");
        assert_eq!(covered(text, q), "$1");
    }

    #[tokio::test]
    async fn tabs_and_emoji_give_char_columns() {
        if !have_shellcheck() {
            return;
        }
        let text = "if true; then\n\t\techo $1\nfi\n";
        let diags = check(text, Some("bash")).await.expect("shellcheck runs");
        assert_eq!(codes(&diags), vec!["SC2086"]);
        assert_eq!((diags[0].line, diags[0].start_col), (1, 7));
        assert_eq!(covered(text, &diags[0]), "$1");

        let text = "#!/bin/bash\n\techo \"🎉 Grüße 東京 👨‍👩‍👧\" $1\n";
        let diags = check(text, None).await.expect("shellcheck runs");
        assert_eq!(codes(&diags), vec!["SC2086"]);
        assert_eq!(covered(text, &diags[0]), "$1");
    }

    #[test]
    fn json1_is_converted_and_clamped() {
        let text = "x=$(\n";
        let json = r#"{"comments":[
            {"file":"-","line":1,"endLine":1,"column":3,"endColumn":3,"level":"error","code":1073,"message":"Couldn't parse this command expansion.","fix":null},
            {"file":"-","line":3,"endLine":3,"column":1,"endColumn":9,"level":"style","code":2001,"message":"past the end","fix":null},
            {"file":"-","line":1,"endLine":1,"column":2,"endColumn":40,"level":"warning","code":2034,"message":"x appears unused.","fix":null}]}"#;
        let diags = parse_json1(json, text).expect("valid json");
        assert_eq!(diags.len(), 3);
        assert_eq!((diags[0].start_col, diags[0].end_col), (2, 2));
        assert_eq!(diags[0].severity, Severity::Error);
        assert_eq!(diags[0].code.as_deref(), Some("SC1073"));
        // Line 3 of a two-line document: clamped to the last line.
        assert_eq!(
            (diags[1].line, diags[1].end_line, diags[1].end_col),
            (1, 1, 0)
        );
        assert_eq!(diags[1].severity, Severity::Hint);
        assert_eq!((diags[2].start_col, diags[2].end_col), (1, 4));
        assert!(matches!(
            parse_json1("not json", text),
            Err(ShellcheckError::Parse(_))
        ));
        assert!(parse_json1(r#"{"comments":[]}"#, "")
            .expect("valid")
            .is_empty());
    }

    #[test]
    fn shells_and_versions() {
        assert_eq!(shell_for("bash"), Some("bash"));
        assert_eq!(shell_for("mksh"), Some("ksh"));
        assert_eq!(shell_for("ash"), Some("sh"));
        assert_eq!(shell_for("DASH"), Some("dash"));
        assert_eq!(shell_for("zsh"), None);
        assert_eq!(shell_for("python3"), None);
        assert_eq!(
            parse_version(
                "ShellCheck - shell script analysis tool\nversion: 0.9.0\nlicense: GPL\n"
            ),
            Some("0.9.0".into())
        );
        assert_eq!(parse_version("garbage"), None);
    }

    #[cfg(unix)]
    fn fake_program(name: &str, script: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let dir =
            std::env::temp_dir().join(format!("superhelfer-shellcheck-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        std::fs::write(&path, script).expect("write fake");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        path
    }

    #[cfg(unix)]
    #[test]
    fn path_lookup_finds_executables_only() {
        let exe = fake_program("shellcheck", "#!/bin/sh\nexit 0\n");
        let dir = exe.parent().expect("dir").to_path_buf();
        let plain = dir.join("not-executable");
        std::fs::write(&plain, "x").expect("write");
        let path =
            std::env::join_paths([PathBuf::from("/nonexistent"), dir.clone()]).expect("join");
        assert_eq!(find_on_path("shellcheck", Some(path.clone())), Some(exe));
        assert_eq!(find_on_path("not-executable", Some(path)), None);
        assert_eq!(find_on_path("shellcheck", None), None);
    }

    /// `check_with`, retried while the fake program is "text file busy": another test
    /// thread may fork while the file is still open for writing.
    #[cfg(unix)]
    async fn run_fake(program: &Path, limit: Duration) -> Result<Vec<Diagnostic>, ShellcheckError> {
        for _ in 0..20 {
            match check_with(program, "x\n", Some("sh"), limit).await {
                Err(ShellcheckError::Spawn(e)) if e.raw_os_error() == Some(26) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                other => return other,
            }
        }
        check_with(program, "x\n", Some("sh"), limit).await
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn failures_timeouts_and_findings_exit_status() {
        // Exit 1 with JSON on stdout is a result, not an error.
        let ok = fake_program(
            "finds",
            "#!/bin/sh\ncat >/dev/null\necho '{\"comments\":[{\"file\":\"-\",\"line\":1,\"endLine\":1,\"column\":1,\"endColumn\":2,\"level\":\"info\",\"code\":1,\"message\":\"m\"}]}'\nexit 1\n",
        );
        let diags = run_fake(&ok, TIME_LIMIT).await.expect("exit 1 is fine");
        assert_eq!(codes(&diags), vec!["SC1"]);
        let bad = fake_program("bad", "#!/bin/sh\necho 'Unknown shell: x' >&2\nexit 4\n");
        match run_fake(&bad, TIME_LIMIT).await {
            Err(ShellcheckError::Failed { code, stderr }) => {
                assert_eq!(code, Some(4));
                assert_eq!(stderr, "Unknown shell: x");
            }
            other => panic!("expected Failed, got {other:?}"),
        }
        let slow = fake_program("slow", "#!/bin/sh\nwhile :; do :; done\n");
        assert!(matches!(
            run_fake(&slow, Duration::from_millis(200)).await,
            Err(ShellcheckError::Timeout(_))
        ));
        assert!(matches!(
            check_with(Path::new("/nonexistent/shellcheck"), "x", None, TIME_LIMIT).await,
            Err(ShellcheckError::Spawn(_))
        ));
    }
}
