//! "Generate shell command": prompt building and answer parsing.
//!
//! The user writes a comment such as `# list the 10 largest files here` (or in
//! German) in a shell script, Dockerfile or Makefile; the editor asks a model
//! for a command and replaces/augments the comment with it. This module knows
//! nothing about LSP: it turns the comment line into a request, builds the
//! prompt, and reduces whatever the model answered (code fences, prose,
//! prompts, numbered steps, alternatives) to exactly the command text to
//! insert, joined the way the target file expects — or to nothing, when no step
//! reads as shell starting with a plausible program (`runnable.rs`).

mod blocks;
mod known;
mod plausible;
mod request;
mod runnable;
mod steps;
#[cfg(test)]
mod tests;
mod unfenced;

use blocks::*;
use known::*;
use plausible::*;
use steps::*;
use unfenced::*;

pub use crate::text::dialect::Dialect;
pub use request::{plain_language_request, request_text};

impl Dialect {
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
    pub(super) fn joiner(self) -> &'static str {
        match self {
            Dialect::PowerShell => "; ",
            _ => " && ",
        }
    }
}

/// The dialect of a document: what its text says (a `# shellcheck shell=` directive, the
/// shebang) wins over the editor's language id; `None` when the file is not a
/// shell-like target (the code action is then not offered).
pub fn dialect_for(language_id: &str, text: &str) -> Option<Dialect> {
    crate::text::dialect::of_document(language_id, text)
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
/// This machine's OS as the prompt names it ("Debian GNU/Linux 12 (bookworm)").
/// Read once per process: it does not change under a running server, and each
/// Generate would otherwise read `/etc/os-release` again.
pub fn os_name() -> &'static str {
    static NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NAME.get_or_init(|| {
        std::fs::read_to_string("/etc/os-release")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                    .map(|v| v.trim_matches('"').to_string())
            })
            .unwrap_or_else(|| std::env::consts::OS.to_string())
    })
}

/// Builds the (system, user) prompt pair. The system prompt pins the shell
/// and OS and demands a single fenced command with no prose, whatever
/// language (English, German, …) the request is written in.
pub fn build_prompt(req: &CommandRequest) -> (String, String) {
    let dialect = req.dialect;
    let tag = dialect.as_str();
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
    let steps: Vec<String> = logical_commands(&lines, dialect)
        .into_iter()
        .filter(|s| runnable::is_runnable(s, dialect))
        .collect();
    if steps.is_empty() {
        return Err(ExtractError::NoCommand);
    }
    Ok(join_steps(steps, dialect))
}
