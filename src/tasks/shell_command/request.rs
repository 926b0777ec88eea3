//! The request on the user's line: a comment, or a plain-language line.

use super::Dialect;

/// Strips comment syntax from the line holding the request (`# …`, `// …`,
/// `-- …`, `<!-- … -->`, `<# … #>`, `REM …`, Dockerfile `RUN # …`, a
/// Makefile's tab-indented `# …`). `None` for a line with no text, a shebang
/// or a line that is already a command rather than a comment.
pub fn request_text(line: &str, dialect: Dialect) -> Option<String> {
    let mut t = line.trim();
    if t.starts_with("#!") {
        return None;
    }
    if dialect == Dialect::Dockerfile {
        if let Some(rest) = strip_prefix_ci(t, "RUN") {
            let rest = rest.trim_start();
            if rest.starts_with('#') {
                t = rest;
            }
        }
    }
    let mut commented = false;
    for (open, close) in [("<!--", "-->"), ("<#", "#>"), ("/*", "*/")] {
        if let Some(rest) = t.strip_prefix(open) {
            t = rest.strip_suffix(close).unwrap_or(rest);
            commented = true;
            break;
        }
    }
    if !commented {
        if let Some(rest) = t.strip_prefix("//") {
            t = rest;
            commented = true;
        } else if t.starts_with('#') {
            t = t.trim_start_matches('#');
            commented = true;
        } else if let Some(rest) = t.strip_prefix("--") {
            t = rest;
            commented = true;
        } else if let Some(rest) = strip_prefix_ci(t, "REM ").or_else(|| t.strip_prefix("::")) {
            t = rest;
            commented = true;
        }
    }
    if !commented {
        return None;
    }
    let t = t.trim().trim_start_matches(['/', '*', '-', '#']).trim();
    // A trailing `*/` or `#>` that was not paired with its opener.
    let t = t
        .trim_end_matches("*/")
        .trim_end_matches("#>")
        .trim_end_matches("-->")
        .trim();
    if t.chars().any(|c| c.is_alphanumeric()) {
        Some(t.to_string())
    } else {
        None
    }
}

pub(super) fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// A plain-language line (no comment marker) that reads as a request rather than a
/// command: at least three words, no shell syntax, and a first word that is not a program
/// on `PATH` or a shell keyword. "zeige alle Dateien nach Größe" is one; "ls -la" is not.
pub fn plain_language_request(line: &str) -> Option<String> {
    let t = line.trim();
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.len() < 3 || t.starts_with('-') {
        return None;
    }
    const SHELL_SYNTAX: &[char] = &[
        '$', '|', '&', ';', '<', '>', '(', ')', '=', '`', '"', '\'', '{', '}', '[', ']', '*', '\\',
        '/', '~',
    ];
    if t.contains(SHELL_SYNTAX) {
        return None;
    }
    const KEYWORDS: &[&str] = &[
        "if",
        "then",
        "else",
        "elif",
        "fi",
        "for",
        "while",
        "until",
        "do",
        "done",
        "case",
        "esac",
        "function",
        "return",
        "local",
        "export",
        "set",
        "unset",
        "echo",
        "printf",
        "read",
        "exit",
        "source",
        "alias",
        "cd",
        "test",
        "eval",
        "exec",
        "trap",
        "shift",
        "RUN",
        "FROM",
        "COPY",
        "ADD",
        "ENV",
        "ARG",
        "WORKDIR",
        "CMD",
        "ENTRYPOINT",
        "USER",
        "EXPOSE",
        "LABEL",
        "VOLUME",
    ];
    let first = words[0];
    if KEYWORDS.contains(&first) || first.ends_with(':') || on_path(first) {
        return None;
    }
    Some(t.to_string())
}

/// Whether a program of this name is on `PATH` (cached: code actions are listed on every
/// cursor move).
pub(super) fn on_path(name: &str) -> bool {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<String, bool>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&hit) = map.get(name) {
        return hit;
    }
    let found = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(name).is_file()));
    if map.len() < 4096 {
        map.insert(name.to_string(), found);
    }
    found
}
