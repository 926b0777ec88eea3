//! From the chosen lines to logical commands, joined the way the target file expects.

use super::*;

/// `$ `, `% `, `> `, `PS> `, `PS C:\> `, `user@host:~$ `, and a root `# `
/// in front of something that looks like a command.
pub(super) fn strip_prompt(line: &str, dialect: Dialect) -> &str {
    let t = line.trim_start();
    if let Some(r) = t
        .strip_prefix("$ ")
        .or_else(|| t.strip_prefix("% "))
        .or_else(|| t.strip_prefix("❯ "))
        .or_else(|| t.strip_prefix("> "))
    {
        return r.trim_start();
    }
    if let Some(r) = t.strip_prefix("PS") {
        if let Some(i) = r.find("> ") {
            if !r[..i].contains(' ') || r[..i].contains(':') {
                return r[i + 2..].trim_start();
            }
        }
    }
    // user@host:~/dir$ cmd
    if let Some(i) = t.find("$ ") {
        let head = &t[..i];
        if head.contains('@') && !head.contains(' ') && (head.contains(':') || head.ends_with('~'))
        {
            return t[i + 2..].trim_start();
        }
    }
    if let Some(r) = t.strip_prefix("# ") {
        if dialect != Dialect::PowerShell && looks_like_command(r, dialect) && !looks_like_prose(r)
        {
            return r.trim_start();
        }
    }
    t
}

pub(super) fn is_comment_line(t: &str, dialect: Dialect) -> bool {
    let _ = dialect;
    t.starts_with('#') || t.starts_with("//") || t.starts_with("REM ") || t.starts_with("::")
}

/// Removes ` # comment` at the end of a line, outside quotes.
pub(super) fn strip_trailing_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let mut in_single = false;
    let mut in_double = false;
    let mut prev_space = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\\' if !in_single => {
                i += 2;
                prev_space = false;
                continue;
            }
            b'\'' if !in_double => in_single = !in_single,
            b'"' if !in_single => in_double = !in_double,
            b'#' if !in_single && !in_double && prev_space => return line[..i].trim_end(),
            _ => {}
        }
        prev_space = c == b' ' || c == b'\t';
        i += 1;
    }
    line
}

/// Multi-line shell constructs that must stay as they are.
pub(super) fn is_compound(lines: &[String]) -> bool {
    lines.iter().any(|l| {
        let t = l.trim_start();
        let w = t.split_whitespace().next().unwrap_or("");
        matches!(
            w,
            "for"
                | "while"
                | "until"
                | "if"
                | "case"
                | "do"
                | "done"
                | "fi"
                | "then"
                | "else"
                | "esac"
                | "{"
                | "}"
                | "function"
                | "end"
                | "begin"
                | "switch"
        ) || t.contains("<<")
            || t.trim_end().ends_with('{')
    }) && lines.len() > 1
}

/// Turns the chosen lines into logical commands (continuation lines kept
/// intact with their backslash-newline).
pub(super) fn logical_commands(lines: &[String], dialect: Dialect) -> Vec<String> {
    let cleaned = clean_lines(lines, dialect);
    if cleaned.is_empty() {
        return Vec::new();
    }
    let common = cleaned
        .iter()
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let cleaned: Vec<String> = cleaned
        .iter()
        .map(|l| l.get(common..).unwrap_or(l).to_string())
        .collect();
    if is_compound(&cleaned) {
        return vec![cleaned.join("\n")];
    }
    group_steps(cleaned)
}

/// The lines without prompts, comments and output, indentation kept.
fn clean_lines(lines: &[String], dialect: Dialect) -> Vec<String> {
    // If some lines carry a prompt, the others are output: keep prompted ones.
    let prompted = lines.iter().any(|l| {
        let t = l.trim_start();
        t.starts_with("$ ")
            || t.starts_with("PS") && t.contains("> ")
            || t.starts_with("% ")
            || t.starts_with("❯ ")
    });
    let mut cleaned: Vec<String> = Vec::new();
    let mut cont = false;
    for raw in lines {
        let trimmed_end = raw.trim_end();
        if cont {
            cleaned.push(trimmed_end.to_string());
            cont = trimmed_end.ends_with('\\') || ends_with_joiner(trimmed_end);
            continue;
        }
        let t = trimmed_end.trim_start();
        if t.is_empty() {
            continue;
        }
        if prompted
            && !(t.starts_with("$ ")
                || t.starts_with("% ")
                || t.starts_with("❯ ")
                || t.starts_with("PS") && t.contains("> "))
        {
            continue;
        }
        let stripped = strip_prompt(t, dialect);
        if stripped.is_empty() || is_comment_line(stripped, dialect) {
            continue;
        }
        let stripped = if dialect == Dialect::PowerShell {
            stripped
        } else {
            strip_trailing_comment(stripped)
        };
        // Inline code wrapped around a whole line.
        let stripped = stripped
            .strip_prefix('`')
            .and_then(|s| s.strip_suffix('`'))
            .unwrap_or(stripped);
        if stripped.is_empty() {
            continue;
        }
        // Keep the indentation (loops, continuations); the common indent is removed below.
        let indent = &trimmed_end[..trimmed_end.len() - t.len()];
        cleaned.push(format!("{indent}{stripped}"));
        cont = stripped.ends_with('\\') || ends_with_joiner(stripped);
    }
    cleaned
}

/// Continuation lines (`\`, a trailing `&&` or `|`) joined into logical commands.
fn group_steps(cleaned: Vec<String>) -> Vec<String> {
    // Group continuation lines into logical commands.
    let mut steps: Vec<String> = Vec::new();
    let mut cur: Option<String> = None;
    for l in cleaned {
        match cur.as_mut() {
            Some(c) => {
                c.push('\n');
                c.push_str(&l);
            }
            None => cur = Some(l.trim_start().to_string()),
        }
        let done = cur.as_deref().is_some_and(|c| {
            let last = c.lines().last().unwrap_or("").trim_end();
            !(last.ends_with('\\') || ends_with_joiner(last))
        });
        if done {
            if let Some(c) = cur.take() {
                steps.push(c);
            }
        }
    }
    if let Some(c) = cur {
        steps.push(c);
    }
    steps
}

pub(super) fn ends_with_joiner(l: &str) -> bool {
    let t = l.trim_end();
    t.ends_with("&&") || t.ends_with("||") || (t.ends_with('|') && !t.ends_with("\\|"))
}

pub(super) const DOCKER_INSTRUCTIONS: &[&str] = &[
    "FROM",
    "RUN",
    "CMD",
    "LABEL",
    "EXPOSE",
    "ENV",
    "ADD",
    "COPY",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ARG",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "SHELL",
];

pub(super) fn docker_instruction(step: &str) -> Option<&'static str> {
    let w = step.split_whitespace().next().unwrap_or("");
    DOCKER_INSTRUCTIONS
        .iter()
        .copied()
        .find(|i| i.eq_ignore_ascii_case(w) && w.chars().all(|c| c.is_ascii_uppercase()))
}

pub(super) fn join_steps(steps: Vec<String>, dialect: Dialect) -> String {
    match dialect {
        Dialect::Dockerfile => {
            let non_run = steps
                .iter()
                .any(|s| docker_instruction(s).is_some_and(|i| i != "RUN"));
            if non_run {
                return steps.join("\n");
            }
            let cmds: Vec<String> = steps
                .iter()
                .map(|s| {
                    let s = s.trim();
                    match docker_instruction(s) {
                        Some(_) => s[3..].trim_start().to_string(),
                        None => s.to_string(),
                    }
                })
                .collect();
            if cmds.len() == 1 {
                return format!("RUN {}", cmds[0]);
            }
            let mut out = String::from("RUN ");
            for (i, c) in cmds.iter().enumerate() {
                if i > 0 {
                    out.push_str(" && \\\n    ");
                }
                out.push_str(c);
            }
            out
        }
        Dialect::Makefile => steps
            .iter()
            .map(|s| {
                s.lines()
                    .map(|l| format!("\t{}", l.trim_start()))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .collect::<Vec<_>>()
            .join("\n"),
        _ => {
            if steps.len() == 1 {
                return steps.into_iter().next().unwrap_or_default();
            }
            steps.join(dialect.joiner())
        }
    }
}
