//! "Generate shell command": prompt building and answer parsing.
//!
//! The user writes a comment such as `# list the 10 largest files here` (or in
//! German) in a shell script, Dockerfile or Makefile; the editor asks a model
//! for a command and replaces/augments the comment with it. This module knows
//! nothing about LSP: it turns the comment line into a request, builds the
//! prompt, and reduces whatever the model answered (code fences, prose,
//! prompts, numbered steps, alternatives) to exactly the command text to
//! insert, joined the way the target file expects.

/// The kind of file the command goes into; decides comment syntax, how
/// several steps are joined and how the prompt names the shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// GNU Bash.
    Bash,
    /// POSIX sh (dash, busybox).
    Sh,
    /// Zsh.
    Zsh,
    /// fish 3.x (supports `&&`).
    Fish,
    /// A Dockerfile: the answer becomes one `RUN` instruction.
    Dockerfile,
    /// A Makefile: the answer becomes tab-indented recipe lines.
    Makefile,
    /// PowerShell 7.
    PowerShell,
}

impl Dialect {
    /// Lower-case name, as used in code-fence tags and serialisation.
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Bash => "bash",
            Dialect::Sh => "sh",
            Dialect::Zsh => "zsh",
            Dialect::Fish => "fish",
            Dialect::Dockerfile => "dockerfile",
            Dialect::Makefile => "makefile",
            Dialect::PowerShell => "powershell",
        }
    }

    /// How the prompt names the target.
    fn description(self) -> &'static str {
        match self {
            Dialect::Bash => "bash",
            Dialect::Sh => "POSIX sh (no bashisms)",
            Dialect::Zsh => "zsh",
            Dialect::Fish => {
                "fish 3 (use fish syntax: `set`, `(cmd)` substitution, no `export`/`$(...)`)"
            }
            Dialect::Dockerfile => "a Dockerfile RUN instruction (shell form, /bin/sh)",
            Dialect::Makefile => "a Makefile recipe (POSIX sh; write $$ for a literal $)",
            Dialect::PowerShell => "PowerShell 7",
        }
    }

    /// The separator placed between several steps.
    fn joiner(self) -> &'static str {
        match self {
            Dialect::PowerShell => "; ",
            _ => " && ",
        }
    }
}

impl std::fmt::Display for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Picks the dialect from the editor's language id, falling back to the
/// shebang of the file's first line; `None` when the file is not a shell-like
/// target (the code action is then not offered).
pub fn dialect_for(language_id: &str, first_line: &str) -> Option<Dialect> {
    let from_shebang = shebang_dialect(first_line);
    match language_id.to_ascii_lowercase().as_str() {
        "bash" => Some(Dialect::Bash),
        "sh" => Some(Dialect::Sh),
        "zsh" => Some(Dialect::Zsh),
        "fish" => Some(Dialect::Fish),
        "dockerfile" | "containerfile" => Some(Dialect::Dockerfile),
        "makefile" | "make" => Some(Dialect::Makefile),
        "powershell" | "ps1" | "pwsh" => Some(Dialect::PowerShell),
        // VS Code and most editors report all shell scripts as "shellscript".
        "shellscript" | "shell" | "bats" => Some(from_shebang.unwrap_or(Dialect::Bash)),
        _ => from_shebang,
    }
}

fn shebang_dialect(first_line: &str) -> Option<Dialect> {
    let rest = first_line.trim().strip_prefix("#!")?;
    let mut parts = rest.split_whitespace();
    let mut prog = parts.next()?.rsplit('/').next()?;
    if prog == "env" {
        // `#!/usr/bin/env -S bash -e`
        prog = parts.find(|p| !p.starts_with('-'))?;
    }
    match prog {
        "bash" => Some(Dialect::Bash),
        "sh" | "dash" | "ash" | "ksh" | "mksh" | "busybox" => Some(Dialect::Sh),
        "zsh" => Some(Dialect::Zsh),
        "fish" => Some(Dialect::Fish),
        "pwsh" | "powershell" => Some(Dialect::PowerShell),
        "make" => Some(Dialect::Makefile),
        _ => None,
    }
}

/// What the model is asked for.
#[derive(Debug, Clone, Copy)]
pub struct CommandRequest<'a> {
    /// The description, comment markers already stripped (see [`request_text`]).
    pub request: &'a str,
    /// Target file kind.
    pub dialect: Dialect,
    /// Operating system, e.g. "Linux (Debian 12)".
    pub os: &'a str,
    /// Surrounding lines of the file, for variable names and conventions.
    pub context: &'a str,
}

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

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
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
fn on_path(name: &str) -> bool {
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

/// This machine's OS as the prompt names it ("Debian GNU/Linux 12 (bookworm)").
pub fn os_name() -> String {
    std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_string())
        })
        .unwrap_or_else(|| std::env::consts::OS.to_string())
}

/// Builds the (system, user) prompt pair. The system prompt pins the shell
/// and OS and demands a single fenced command with no prose, whatever
/// language (English, German, …) the request is written in.
pub fn build_prompt(req: &CommandRequest) -> (String, String) {
    let dialect = req.dialect;
    let tag = match dialect {
        Dialect::Dockerfile => "dockerfile",
        Dialect::Makefile => "makefile",
        Dialect::PowerShell => "powershell",
        Dialect::Fish => "fish",
        Dialect::Zsh => "zsh",
        Dialect::Sh => "sh",
        Dialect::Bash => "bash",
    };
    let target_rule = match dialect {
        Dialect::Dockerfile => {
            "Answer with one RUN instruction; join several steps with `&& \\` line continuations and clean package caches in the same RUN."
        }
        Dialect::Makefile => "Answer with the recipe line(s) only, without the target line; escape $ as $$.",
        Dialect::PowerShell => "Answer with one PowerShell pipeline or statement; join several steps with `;`.",
        _ => "Answer with one command line; join several steps with `&&`.",
    };
    let system = format!(
        "You write shell commands. Target: {shell}. Operating system: {os}.\n\
         Reply with exactly one command in a single ```{tag} code block and nothing else: \
         no explanation, no alternatives, no prompt characters like `$`.\n\
         {target_rule}\n\
         Prefer standard tools that exist on {os}. Do not add destructive flags (-f, --force, rm -rf, \
         --no-preserve-root) unless the request asks for them. Use placeholders like <file> only when \
         the request leaves a value open.\n\
         The request may be in English or German (or another language); the answer is always just the command.",
        shell = dialect.description(),
        os = if req.os.trim().is_empty() { "Linux" } else { req.os.trim() },
    );
    let mut user = format!("Request: {}\n", req.request.trim());
    if !req.context.trim().is_empty() {
        user.push_str(&format!(
            "\nSurrounding lines of the file (for variable names and conventions; do not repeat them):\n```{tag}\n{}\n```\n",
            req.context.trim_end()
        ));
    }
    user.push_str(&format!("\nThe {} command:", dialect.as_str()));
    (system, user)
}

/// Why no command could be taken from a model answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// The answer was empty or only whitespace.
    #[error("the model returned an empty answer")]
    Empty,
    /// The answer contained prose only (or a refusal), no command.
    #[error("the model answer contains no shell command")]
    NoCommand,
}

/// The comment line inserted above a caution-level command, so that no
/// command that changes state is inserted silently (danger has its own
/// `# superhelfer: DANGER: …` line and a question).
pub fn caution_comment(report: &crate::risk::RiskReport) -> Option<String> {
    (report.level == crate::risk::RiskLevel::Caution)
        .then(|| format!("# superhelfer: caution: {}", report.reasons.join("; ")))
}

/// Reduces a model answer to exactly the command to insert.
///
/// Handles code fences (``` and ~~~, with or without language tag), prose
/// before and after in English and German, `$ `/`# `/`PS> ` prompts, inline
/// backticks, trailing explanations and comments, and numbered steps. Several
/// steps are joined as the dialect expects (`&&`; `RUN a && \` continuation
/// lines for Dockerfiles; tab-indented recipe lines for Makefiles); when the
/// answer offers alternatives the first one wins. Line continuations and
/// multi-line constructs (loops, here-documents) are kept intact.
pub fn extract_command(answer: &str, dialect: Dialect) -> Result<String, ExtractError> {
    // Thinking aloud may mention anything, `rm -rf /` included: never part of a command.
    let answer = crate::text::reasoning::strip(&answer.replace("\r\n", "\n"));
    if answer.trim().is_empty() {
        return Err(ExtractError::Empty);
    }
    let blocks = fenced_blocks(&answer);
    let lines: Vec<String> = if !blocks.is_empty() {
        choose_blocks(&answer, &blocks, dialect)
    } else {
        unfenced_lines(&answer, dialect)
    };
    let steps = logical_commands(&lines, dialect);
    if steps.is_empty() {
        return Err(ExtractError::NoCommand);
    }
    Ok(join_steps(steps, dialect))
}

// ---------------------------------------------------------------------------
// Fences
// ---------------------------------------------------------------------------

#[derive(Debug)]
struct Block {
    tag: String,
    body: String,
    /// Byte range of the whole fenced block in the answer.
    start: usize,
    end: usize,
}

fn fenced_blocks(answer: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut open: Option<(String, String, usize, String)> = None; // (fence, tag, start, body)
    for line in answer.split_inclusive('\n') {
        let trimmed = line.trim();
        match &mut open {
            None => {
                let indent_ok = line.len() - line.trim_start().len() <= 3;
                let fence = if trimmed.starts_with("```") {
                    Some("```")
                } else if trimmed.starts_with("~~~") {
                    Some("~~~")
                } else {
                    None
                };
                if let (Some(f), true) = (fence, indent_ok) {
                    let after = trimmed.trim_start_matches(f.chars().next().unwrap_or('`'));
                    // ```bash ls -la``` on one line.
                    if let Some(inner) = after.strip_suffix(f) {
                        let (tag, body) = split_inline_fence(inner);
                        out.push(Block {
                            tag,
                            body,
                            start: offset,
                            end: offset + line.len(),
                        });
                    } else {
                        let tag = after
                            .split_whitespace()
                            .next()
                            .unwrap_or("")
                            .to_ascii_lowercase();
                        open = Some((f.to_string(), tag, offset, String::new()));
                    }
                }
            }
            Some((f, tag, start, body)) => {
                if trimmed.starts_with(f.as_str())
                    && trimmed
                        .trim_start_matches(f.chars().next().unwrap_or('`'))
                        .trim()
                        .is_empty()
                {
                    out.push(Block {
                        tag: std::mem::take(tag),
                        body: std::mem::take(body),
                        start: *start,
                        end: offset + line.len(),
                    });
                    open = None;
                } else {
                    body.push_str(line);
                }
            }
        }
        offset += line.len();
    }
    // An unterminated fence (answer cut off) still counts.
    if let Some((_, tag, start, body)) = open {
        if !body.trim().is_empty() {
            out.push(Block {
                tag,
                body,
                start,
                end: answer.len(),
            });
        }
    }
    out
}

fn split_inline_fence(inner: &str) -> (String, String) {
    let inner = inner.trim();
    let mut parts = inner.splitn(2, char::is_whitespace);
    let first = parts.next().unwrap_or("");
    let rest = parts.next().unwrap_or("");
    if is_shell_tag(&first.to_ascii_lowercase()) && !rest.trim().is_empty() {
        (first.to_ascii_lowercase(), rest.trim().to_string())
    } else {
        (String::new(), inner.to_string())
    }
}

fn is_shell_tag(tag: &str) -> bool {
    matches!(
        tag,
        "bash"
            | "sh"
            | "shell"
            | "zsh"
            | "fish"
            | "console"
            | "shell-session"
            | "terminal"
            | "dockerfile"
            | "docker"
            | "makefile"
            | "make"
            | "powershell"
            | "ps1"
            | "pwsh"
            | "ps"
            | "cmd"
            | "bat"
            | "ksh"
            | "dash"
    )
}

fn is_output_tag(tag: &str) -> bool {
    matches!(
        tag,
        "text"
            | "txt"
            | "output"
            | "plaintext"
            | "log"
            | "json"
            | "yaml"
            | "yml"
            | "ini"
            | "toml"
            | "diff"
            | "python"
            | "py"
            | "javascript"
            | "js"
    )
}

/// Words in the prose between two fences meaning "or instead".
const ALTERNATIVE_MARKERS: &[&str] = &[
    "alternativ",
    "alternative",
    "or ",
    "oder ",
    "instead",
    "stattdessen",
    "another way",
    "other way",
    "option",
    "variante",
    "if you prefer",
    "wenn du",
    "wenn sie",
    "falls du",
    "falls sie",
    "auch ",
    "also ",
    "output",
    "ausgabe",
    "result",
    "ergebnis",
    "example",
    "beispiel",
    "for example",
    "zum beispiel",
    "to verify",
    "zum prüfen",
    "to check",
    "zur kontrolle",
    "überprüfen",
];

/// Words meaning "and then" — several fences are consecutive steps.
const STEP_MARKERS: &[&str] = &[
    "then",
    "next",
    "after that",
    "afterwards",
    "finally",
    "step",
    "dann",
    "danach",
    "anschließend",
    "schritt",
    "zuletzt",
    "zum schluss",
    "second",
    "zweitens",
    "2.",
    "3.",
    "2)",
    "3)",
];

fn choose_blocks(answer: &str, blocks: &[Block], dialect: Dialect) -> Vec<String> {
    // Prefer shell-tagged or untagged blocks over ones tagged as output/other languages.
    let usable: Vec<&Block> = {
        let good: Vec<&Block> = blocks
            .iter()
            .filter(|b| !is_output_tag(&b.tag) && has_command_text(&b.body, dialect))
            .collect();
        if good.is_empty() {
            blocks
                .iter()
                .filter(|b| has_command_text(&b.body, dialect))
                .collect()
        } else {
            good
        }
    };
    let Some(first) = usable.first() else {
        return Vec::new();
    };
    let mut chosen = vec![*first];
    for pair in usable.windows(2) {
        let between = answer
            .get(pair[0].end..pair[1].start)
            .unwrap_or("")
            .to_lowercase();
        let is_step = STEP_MARKERS.iter().any(|m| contains_word(&between, m));
        let is_alt = ALTERNATIVE_MARKERS
            .iter()
            .any(|m| contains_word(&between, m));
        if is_step && !is_alt {
            chosen.push(pair[1]);
        } else {
            break;
        }
    }
    chosen
        .iter()
        .flat_map(|b| b.body.lines().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

fn contains_word(hay: &str, needle: &str) -> bool {
    let mut from = 0;
    while let Some(i) = hay.get(from..).and_then(|h| h.find(needle)) {
        let at = from + i;
        let before_ok = at == 0
            || !hay[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric());
        if before_ok {
            return true;
        }
        from = at + needle.len().max(1);
    }
    false
}

fn has_command_text(body: &str, dialect: Dialect) -> bool {
    body.lines().any(|l| {
        let t = strip_prompt(l.trim(), dialect);
        !t.is_empty() && !is_comment_line(t, dialect)
    })
}

// ---------------------------------------------------------------------------
// Unfenced answers
// ---------------------------------------------------------------------------

/// Lines that are commands in an answer without code fences.
fn unfenced_lines(answer: &str, dialect: Dialect) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut inline_cands: Vec<String> = Vec::new();
    let mut in_continuation = false;
    let mut alt_seen = false;
    for raw in answer.lines() {
        let line = raw.trim();
        if in_continuation {
            out.push(raw.to_string());
            in_continuation = line.ends_with('\\');
            continue;
        }
        if line.is_empty() {
            continue;
        }
        let lower = line.to_lowercase();
        if !out.is_empty()
            && ALTERNATIVE_MARKERS.iter().any(|m| {
                lower.starts_with(m.trim())
                    || lower.contains(&format!(" {}", m.trim())) && lower.ends_with(':')
            })
        {
            alt_seen = true;
        }
        if alt_seen {
            break;
        }
        // Numbered or bulleted steps: "1. `cmd`", "2) cmd", "- cmd".
        let item = strip_list_marker(line);
        let is_item = item.len() != line.len();
        // Inline code spans.
        let spans = inline_code_spans(item);
        if !spans.is_empty() {
            let cmd_spans: Vec<&String> = spans
                .iter()
                .filter(|s| looks_like_command(s, dialect))
                .collect();
            if let Some(first) = cmd_spans.first() {
                let whole_line_is_code = item.trim_start().starts_with('`')
                    && item.trim_end().ends_with('`')
                    && spans.len() == 1;
                let sequential = cmd_spans.len() > 1 && {
                    let l = item.to_lowercase();
                    STEP_MARKERS.iter().any(|m| contains_word(&l, m))
                        && !ALTERNATIVE_MARKERS.iter().any(|m| contains_word(&l, m))
                };
                if sequential {
                    // "Run `npm install` first, then `npm run build`."
                    out.extend(cmd_spans.iter().map(|s| (*s).clone()));
                } else if is_item || whole_line_is_code {
                    out.push((*first).clone());
                } else if inline_cands.is_empty() {
                    inline_cands.push((*first).clone());
                }
                continue;
            }
        }
        let candidate = strip_prompt(item, dialect);
        if candidate.len() != item.len() && !candidate.is_empty() {
            // Explicit prompt: certainly a command.
            out.push(candidate.to_string());
            in_continuation = candidate.ends_with('\\');
            continue;
        }
        if looks_like_command(item, dialect) && !looks_like_prose(item) {
            out.push(item.to_string());
            in_continuation = item.ends_with('\\');
        } else if !out.is_empty() && !is_item {
            // Prose after the command: the explanation starts.
            break;
        }
    }
    if out.is_empty() {
        inline_cands
    } else {
        out
    }
}

fn strip_list_marker(line: &str) -> &str {
    let t = line.trim_start();
    for bullet in ["- ", "* ", "• "] {
        if let Some(r) = t.strip_prefix(bullet) {
            return r.trim_start();
        }
    }
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && digits < 3 {
        let rest = &t[digits..];
        if let Some(r) = rest
            .strip_prefix(". ")
            .or_else(|| rest.strip_prefix(") "))
            .or_else(|| rest.strip_prefix(": "))
        {
            // "1. Update the index: `apt update`" keeps its code span; the words are prose.
            return r.trim_start();
        }
    }
    for step in ["Step ", "Schritt "] {
        if let Some(r) = t.strip_prefix(step) {
            if let Some((_, after)) = r.split_once(':') {
                return after.trim_start();
            }
        }
    }
    t
}

fn inline_code_spans(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        let ticks = rest[start..].chars().take_while(|c| *c == '`').count();
        let after = &rest[start + ticks..];
        let closing = "`".repeat(ticks);
        match after.find(&closing) {
            Some(end) => {
                let span = after[..end].trim();
                if !span.is_empty() {
                    out.push(span.to_string());
                }
                rest = &after[end + ticks..];
            }
            None => break,
        }
    }
    out
}

/// Common command names; used to tell a command line from a prose line.
const KNOWN_COMMANDS: &[&str] = &[
    "ls",
    "cd",
    "cp",
    "mv",
    "rm",
    "mkdir",
    "rmdir",
    "touch",
    "cat",
    "less",
    "more",
    "head",
    "tail",
    "grep",
    "egrep",
    "rg",
    "ag",
    "find",
    "fd",
    "locate",
    "xargs",
    "sed",
    "awk",
    "cut",
    "sort",
    "uniq",
    "wc",
    "tr",
    "tee",
    "echo",
    "printf",
    "date",
    "cal",
    "du",
    "df",
    "free",
    "top",
    "htop",
    "ps",
    "kill",
    "pkill",
    "killall",
    "pgrep",
    "jobs",
    "bg",
    "fg",
    "nohup",
    "nice",
    "renice",
    "sudo",
    "su",
    "doas",
    "chmod",
    "chown",
    "chgrp",
    "ln",
    "stat",
    "file",
    "which",
    "whereis",
    "type",
    "man",
    "tar",
    "zip",
    "unzip",
    "gzip",
    "gunzip",
    "bzip2",
    "xz",
    "7z",
    "zcat",
    "curl",
    "wget",
    "ssh",
    "scp",
    "rsync",
    "sftp",
    "ping",
    "traceroute",
    "dig",
    "nslookup",
    "host",
    "ip",
    "ifconfig",
    "ss",
    "netstat",
    "nc",
    "nmap",
    "tcpdump",
    "iptables",
    "nft",
    "ufw",
    "firewall-cmd",
    "systemctl",
    "service",
    "journalctl",
    "dmesg",
    "mount",
    "umount",
    "lsblk",
    "blkid",
    "fdisk",
    "parted",
    "mkfs",
    "dd",
    "apt",
    "apt-get",
    "apt-cache",
    "dpkg",
    "dnf",
    "yum",
    "rpm",
    "pacman",
    "zypper",
    "apk",
    "brew",
    "snap",
    "flatpak",
    "pip",
    "pip3",
    "pipx",
    "python",
    "python3",
    "node",
    "npm",
    "npx",
    "yarn",
    "pnpm",
    "cargo",
    "rustup",
    "go",
    "make",
    "cmake",
    "gcc",
    "g++",
    "clang",
    "git",
    "docker",
    "podman",
    "docker-compose",
    "kubectl",
    "helm",
    "terraform",
    "ansible",
    "ansible-playbook",
    "aws",
    "gcloud",
    "az",
    "psql",
    "mysql",
    "mysqldump",
    "pg_dump",
    "sqlite3",
    "redis-cli",
    "mongosh",
    "openssl",
    "gpg",
    "ssh-keygen",
    "ssh-copy-id",
    "crontab",
    "at",
    "watch",
    "timeout",
    "time",
    "env",
    "export",
    "source",
    "alias",
    "unset",
    "set",
    "history",
    "for",
    "while",
    "if",
    "case",
    "read",
    "test",
    "[",
    "[[",
    "true",
    "false",
    "exit",
    "uname",
    "hostname",
    "hostnamectl",
    "timedatectl",
    "whoami",
    "id",
    "groups",
    "useradd",
    "usermod",
    "userdel",
    "passwd",
    "chpasswd",
    "last",
    "w",
    "who",
    "uptime",
    "lsof",
    "strace",
    "ldd",
    "nproc",
    "lscpu",
    "lspci",
    "lsusb",
    "sensors",
    "nvidia-smi",
    "ffmpeg",
    "convert",
    "magick",
    "jq",
    "yq",
    "base64",
    "md5sum",
    "sha256sum",
    "shasum",
    "diff",
    "patch",
    "cmp",
    "comm",
    "join",
    "paste",
    "split",
    "csplit",
    "column",
    "fold",
    "fmt",
    "nl",
    "basename",
    "dirname",
    "realpath",
    "readlink",
    "mktemp",
    "seq",
    "shuf",
    "yes",
    "sleep",
    "wait",
    "trap",
    "eval",
    "exec",
    "command",
    "pushd",
    "popd",
    "dirs",
    "tree",
    "ncdu",
    "bat",
    "exa",
    "eza",
    "fzf",
    "tmux",
    "screen",
    "vim",
    "nano",
    "code",
    "xdg-open",
    "open",
    "pbcopy",
    "xclip",
    "wl-copy",
    "zfs",
    "zpool",
    "lvcreate",
    "lvextend",
    "resize2fs",
    "e2fsck",
    "fsck",
    "mkswap",
    "swapon",
    "swapoff",
    "fallocate",
    "truncate",
    "shred",
    "wipefs",
    "chattr",
    "lsattr",
    "getfacl",
    "setfacl",
    "sysctl",
    "modprobe",
    "lsmod",
    "update-grub",
    "reboot",
    "shutdown",
    "poweroff",
    "systemd-analyze",
    "loginctl",
    "localectl",
    "certbot",
    "nginx",
    "apachectl",
    "a2enmod",
    "a2ensite",
    "virsh",
    "vagrant",
    "pm2",
    "supervisorctl",
    "gzip",
    "rename",
    "iconv",
    "xmllint",
    "pandoc",
    "pdftotext",
    "exiftool",
    "identify",
    "realpath",
    "install",
    "declare",
    "local",
    "function",
    "printenv",
    "bzcat",
    "xzcat",
    "unxz",
    "sqlcmd",
    "dotnet",
    "java",
    "javac",
    "mvn",
    "gradle",
    "ruby",
    "gem",
    "bundle",
    "perl",
    "php",
    "composer",
    "deno",
    "bun",
    "uv",
    "conda",
    "poetry",
    "pytest",
    "tox",
    "RUN",
    "FROM",
    "COPY",
    "ADD",
    "ENV",
    "WORKDIR",
    "USER",
    "EXPOSE",
    "CMD",
    "ENTRYPOINT",
    "ARG",
    "LABEL",
    "VOLUME",
    "HEALTHCHECK",
    "SHELL",
];

fn first_word(line: &str) -> &str {
    let t = line.trim_start();
    let t = t.strip_prefix("sudo ").unwrap_or(t).trim_start();
    t.split(|c: char| c.is_whitespace() || c == ';' || c == '|')
        .next()
        .unwrap_or("")
}

fn looks_like_command(line: &str, dialect: Dialect) -> bool {
    let t = line.trim();
    if t.is_empty() {
        return false;
    }
    let w = first_word(t);
    let base = w.rsplit('/').next().unwrap_or(w);
    if KNOWN_COMMANDS.contains(&base) {
        // "find the largest files" vs "find . -size +1G": a known command
        // followed by prose is prose; require no sentence ending.
        return !looks_like_sentence_after_command(t);
    }
    if w.starts_with("./") || w.starts_with("~/") || (w.starts_with('/') && w.len() > 1) {
        return true;
    }
    if w.contains('=')
        && !w.starts_with('=')
        && w.split('=')
            .next()
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        return true;
    }
    if dialect == Dialect::PowerShell {
        // Verb-Noun cmdlets, `$var = …`.
        let verbish = w.split_once('-').is_some_and(|(v, n)| {
            v.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && !n.is_empty()
        });
        if verbish || w.starts_with('$') {
            return true;
        }
    }
    // Unknown lower-case tool with typical shell syntax.
    let lower_tool = !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'));
    let shellish = t.contains(" -")
        || t.contains(" | ")
        || t.contains(" && ")
        || t.contains(" > ")
        || t.contains('$');
    lower_tool && shellish && !looks_like_prose(t)
}

/// "find the biggest files in your home." — a sentence, not a command.
fn looks_like_sentence_after_command(t: &str) -> bool {
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.len() < 4 {
        return false;
    }
    let prose_words = [
        "the", "a", "an", "your", "you", "this", "that", "to", "of", "and", "will", "with",
        "which", "der", "die", "das", "den", "dem", "und", "ist", "wird", "mit", "ein", "eine",
        "einen", "deine", "ihre", "im", "in", "is", "are", "for", "all", "alle",
    ];
    let has_shell = t.contains(" -")
        || t.contains('|')
        || t.contains('>')
        || t.contains('$')
        || t.contains('/')
        || t.contains('*')
        || t.contains('"')
        || t.contains('\'');
    let n_prose = words
        .iter()
        .skip(1)
        .filter(|w| prose_words.contains(&w.to_lowercase().trim_end_matches([',', '.', ':'])))
        .count();
    (!has_shell && n_prose >= 1) || (n_prose >= 3 && t.ends_with('.'))
}

const PROSE_STARTS: &[&str] = &[
    "here",
    "this",
    "these",
    "the ",
    "to ",
    "you ",
    "use ",
    "run ",
    "it ",
    "if ",
    "note",
    "explanation",
    "make sure",
    "first",
    "then",
    "finally",
    "alternatively",
    "or ",
    "hier",
    "dieser",
    "diese",
    "dies ",
    "der ",
    "die ",
    "das ",
    "mit ",
    "um ",
    "sie ",
    "du ",
    "zuerst",
    "dann",
    "anschließend",
    "hinweis",
    "erklärung",
    "beachte",
    "alternativ",
    "oder ",
    "wenn ",
    "falls ",
    "i ",
    "i'm",
    "sure",
    "certainly",
    "of course",
    "natürlich",
    "gerne",
    "klar",
    "sorry",
    "leider",
    "ich ",
    "command:",
    "befehl:",
    "output",
    "ausgabe",
    "where",
    "wobei",
    "replace",
    "ersetze",
    "in ",
    "for ",
    "on ",
    "auf ",
    "für ",
    "im ",
    "step",
    "schritt",
    "**",
    "this command",
    "explanation:",
    "breakdown",
];

fn looks_like_prose(line: &str) -> bool {
    let l = line.trim().to_lowercase();
    if PROSE_STARTS.iter().any(|p| l.starts_with(p)) {
        return true;
    }
    let ends_sentence = l.ends_with(':')
        || (l.ends_with('.') && l.split_whitespace().count() > 3 && !l.contains(" -"));
    let first_upper = line.trim().chars().next().is_some_and(|c| c.is_uppercase());
    ends_sentence
        || (first_upper
            && !KNOWN_COMMANDS.contains(&first_word(line))
            && line.split_whitespace().count() > 3)
}

// ---------------------------------------------------------------------------
// From lines to steps
// ---------------------------------------------------------------------------

/// `$ `, `% `, `> `, `PS> `, `PS C:\> `, `user@host:~$ `, and a root `# `
/// in front of something that looks like a command.
fn strip_prompt(line: &str, dialect: Dialect) -> &str {
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

fn is_comment_line(t: &str, dialect: Dialect) -> bool {
    let _ = dialect;
    t.starts_with('#') || t.starts_with("//") || t.starts_with("REM ") || t.starts_with("::")
}

/// Removes ` # comment` at the end of a line, outside quotes.
fn strip_trailing_comment(line: &str) -> &str {
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
fn is_compound(lines: &[String]) -> bool {
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
fn logical_commands(lines: &[String], dialect: Dialect) -> Vec<String> {
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

fn ends_with_joiner(l: &str) -> bool {
    let t = l.trim_end();
    t.ends_with("&&") || t.ends_with("||") || (t.ends_with('|') && !t.ends_with("\\|"))
}

const DOCKER_INSTRUCTIONS: &[&str] = &[
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

fn docker_instruction(step: &str) -> Option<&'static str> {
    let w = step.split_whitespace().next().unwrap_or("");
    DOCKER_INSTRUCTIONS
        .iter()
        .copied()
        .find(|i| i.eq_ignore_ascii_case(w) && w.chars().all(|c| c.is_ascii_uppercase()))
}

fn join_steps(steps: Vec<String>, dialect: Dialect) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialect_detection() {
        assert_eq!(
            dialect_for("shellscript", "#!/usr/bin/env zsh"),
            Some(Dialect::Zsh)
        );
        assert_eq!(dialect_for("shellscript", "#!/bin/sh"), Some(Dialect::Sh));
        assert_eq!(dialect_for("shellscript", "echo hi"), Some(Dialect::Bash));
        assert_eq!(dialect_for("dockerfile", ""), Some(Dialect::Dockerfile));
        assert_eq!(dialect_for("makefile", ""), Some(Dialect::Makefile));
        assert_eq!(
            dialect_for("plaintext", "#!/usr/bin/env -S fish --no-config"),
            Some(Dialect::Fish)
        );
        assert_eq!(dialect_for("rust", "fn main() {}"), None);
        assert_eq!(dialect_for("powershell", ""), Some(Dialect::PowerShell));
    }

    #[test]
    fn request_text_strips_markers() {
        assert_eq!(
            request_text("  # list big files", Dialect::Bash).as_deref(),
            Some("list big files")
        );
        assert_eq!(
            request_text("## Alle Logs löschen", Dialect::Bash).as_deref(),
            Some("Alle Logs löschen")
        );
        assert_eq!(
            request_text("RUN # install nginx", Dialect::Dockerfile).as_deref(),
            Some("install nginx")
        );
        assert_eq!(
            request_text("\t# run the tests", Dialect::Makefile).as_deref(),
            Some("run the tests")
        );
        assert_eq!(
            request_text("<!-- restart nginx -->", Dialect::Bash).as_deref(),
            Some("restart nginx")
        );
        assert_eq!(
            request_text("<# list services #>", Dialect::PowerShell).as_deref(),
            Some("list services")
        );
        assert_eq!(
            request_text("// show disk usage", Dialect::Bash).as_deref(),
            Some("show disk usage")
        );
        assert_eq!(
            request_text("-- backup db", Dialect::Bash).as_deref(),
            Some("backup db")
        );
        assert_eq!(request_text("#", Dialect::Bash), None);
        assert_eq!(request_text("   ", Dialect::Bash), None);
        assert_eq!(request_text("#!/bin/bash", Dialect::Bash), None);
        assert_eq!(request_text("ls -la", Dialect::Bash), None);
    }

    #[test]
    fn prompt_names_shell_and_os() {
        let req = CommandRequest {
            request: "Zeige die 10 größten Dateien",
            dialect: Dialect::Zsh,
            os: "Linux (Debian 12)",
            context: "cd /srv\n",
        };
        let (sys, user) = build_prompt(&req);
        assert!(sys.contains("zsh"));
        assert!(sys.contains("Debian 12"));
        assert!(sys.contains("exactly one command"));
        assert!(sys.contains("German"));
        assert!(user.contains("Zeige die 10 größten Dateien"));
        assert!(user.contains("cd /srv"));
    }

    #[test]
    fn extracts_fenced_command() {
        let a = "Here is the command:\n\n```bash\ndu -ah . | sort -rh | head -n 10\n```\n\nThis lists the ten largest files.";
        assert_eq!(
            extract_command(a, Dialect::Bash).as_deref(),
            Ok("du -ah . | sort -rh | head -n 10")
        );
    }

    #[test]
    fn joins_steps_per_dialect() {
        let a = "```bash\nsudo apt-get update\nsudo apt-get install -y nginx\n```";
        assert_eq!(
            extract_command(a, Dialect::Bash).as_deref(),
            Ok("sudo apt-get update && sudo apt-get install -y nginx")
        );
        assert_eq!(
            extract_command(a, Dialect::Dockerfile).as_deref(),
            Ok("RUN sudo apt-get update && \\\n    sudo apt-get install -y nginx")
        );
        assert_eq!(
            extract_command(a, Dialect::Makefile).as_deref(),
            Ok("\tsudo apt-get update\n\tsudo apt-get install -y nginx")
        );
    }

    #[test]
    fn keeps_continuations_and_loops() {
        let a = "```sh\ndocker run -d \\\n  --name web \\\n  nginx\n```";
        assert_eq!(
            extract_command(a, Dialect::Sh).as_deref(),
            Ok("docker run -d \\\n  --name web \\\n  nginx")
        );
        let b = "```bash\nfor f in *.png; do\n  convert \"$f\" \"${f%.png}.jpg\"\ndone\n```";
        assert_eq!(
            extract_command(b, Dialect::Bash).as_deref(),
            Ok("for f in *.png; do\n  convert \"$f\" \"${f%.png}.jpg\"\ndone")
        );
    }

    #[test]
    fn errors_without_command() {
        assert_eq!(
            extract_command("   ", Dialect::Bash),
            Err(ExtractError::Empty)
        );
        assert_eq!(
            extract_command(
                "I'm sorry, but I can't help with that request.",
                Dialect::Bash
            ),
            Err(ExtractError::NoCommand)
        );
        assert_eq!(
            extract_command("```bash\n# nothing to do\n```", Dialect::Bash),
            Err(ExtractError::NoCommand)
        );
    }

    #[test]
    fn never_panics_on_garbage() {
        let alphabet: Vec<char> = "`~$#> \n\t-|&abcRUN1.:ü€\\'\"".chars().collect();
        let mut s: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..5_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let len = (s % 60) as usize;
            let mut t = s;
            let text: String = (0..len)
                .map(|_| {
                    t = t
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    alphabet[(t >> 33) as usize % alphabet.len()]
                })
                .collect();
            for d in [
                Dialect::Bash,
                Dialect::Dockerfile,
                Dialect::Makefile,
                Dialect::PowerShell,
            ] {
                let _ = extract_command(&text, d);
                let _ = request_text(&text, d);
            }
        }
    }
}
