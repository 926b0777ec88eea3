//! Phrases that need the previous word: "root cause", "regular expression", "the last
//! commit", "permission denied", "in Python", "which command". Each `(previous, word)`
//! pair belongs to at most one group, so the groups may be tried in any order.

use super::words::{next_word_is_relative, next_word_lower, push_static, push_unique, WordScan};

/// Words before "commit" that make it the git noun ("the last commit").
const COMMIT_DETERMINERS: &[&str] = &[
    "the",
    "a",
    "this",
    "that",
    "last",
    "latest",
    "previous",
    "particular",
    "specific",
    "each",
    "every",
    "my",
    "your",
    "our",
    "first",
    "initial",
    "merge",
    "which",
    "letzten",
    "letzte",
    "dem",
    "den",
    "der",
    "einem",
    "einen",
    "jeden",
    "bestimmten",
    "vorherigen",
    "diesem",
    "diesen",
    "welchem",
    "welchen",
    "alle",
    "all",
];

impl WordScan<'_> {
    /// Records the phrase `lw` ends, if any.
    pub(super) fn phrase(&mut self, start: usize, word: &str, lw: &str, index: usize) {
        let _ = self.request_phrase(lw)
            || self.code_phrase(start, word, lw)
            || self.error_phrase(lw, index)
            || self.language(word, lw)
            || self.command_request(start, word, lw);
    }

    /// Root cause, audit, design, trade-off and "show that" phrasing.
    fn request_phrase(&mut self, lw: &str) -> bool {
        let (prev, prev2) = (self.prev.as_str(), self.prev2.as_str());
        let w = &mut self.w;
        match (prev, lw) {
            ("root", "cause" | "causes")
            | ("chain", "of")
            | ("tiefere" | "eigentliche", "ursache") => w.rca_phrase = true,
            ("security", "audit" | "review" | "posture" | "assessment")
            | ("threat", "model" | "modeling" | "modelling") => w.audit_phrase = true,
            ("and", "cons") if prev2 == "pros" => w.tradeoff_phrase = true,
            ("system", "design")
            | ("step-by-step" | "migration" | "rollback", "plan" | "strategy") => {
                w.design_phrase = true
            }
            (_, "that" | "dass")
                if matches!(prev, "show" | "zeige" | "zeigen")
                    || matches!(prev2, "show" | "zeige" | "zeigen") =>
            {
                w.show_that = true
            }
            _ => return false,
        }
        true
    }

    /// Multi-word code terms and code senses fixed by a neighbour.
    fn code_phrase(&mut self, start: usize, word: &str, lw: &str) -> bool {
        let prev = self.prev.as_str();
        let phrases = &mut self.w.code_phrases;
        match (prev, lw) {
            (
                "regular" | "reguläre" | "regulärer" | "regulären" | "regulärem",
                "expression" | "expressions" | "ausdruck" | "ausdrucks" | "ausdrücke"
                | "ausdrücken",
            ) => push_static(phrases, "regular expression"),
            ("database" | "db" | "sql" | "relational" | "relationales", "schema" | "schemas") => {
                push_static(phrases, "database schema")
            }
            (_, "commit" | "commits")
                if COMMIT_DETERMINERS.contains(&prev)
                    || matches!(
                        next_word_lower(self.text, start + word.len()).as_str(),
                        "message" | "messages" | "hash" | "history" | "id" | "nachricht" | "m"
                    ) =>
            {
                push_static(phrases, "commit (git)")
            }
            (
                "feature" | "main" | "master" | "remote" | "local" | "current" | "develop"
                | "release" | "upstream" | "default" | "lokalen" | "lokale" | "entfernten",
                "branch" | "branches",
            ) => push_static(phrases, "branch (git)"),
            _ => return false,
        }
        true
    }

    /// Error messages written out ("permission denied", "out of memory", "Errno 13").
    fn error_phrase(&mut self, lw: &str, index: usize) -> bool {
        let (prev, prev2) = (self.prev.as_str(), self.prev2.as_str());
        let codes = &mut self.w.error_codes;
        let phrase = match (prev, lw) {
            ("of", "memory") if prev2 == "out" => "out of memory",
            ("pointer", "dereference") => "pointer dereference",
            ("runtime", "error") => "runtime error",
            ("errno", _) if lw.bytes().all(|c| c.is_ascii_digit()) => {
                push_unique(codes, format!("Errno {lw}"));
                return true;
            }
            ("segmentation", "fault") if index > 0 => "segmentation fault",
            ("core", "dumped") if index > 0 => "core dumped",
            ("permission", "denied") if index > 0 => "permission denied",
            ("such", "file") if index > 0 => "no such file",
            ("already", "in") if index > 0 => "address already in use",
            ("undefined", "reference") if index > 0 => "undefined reference",
            ("connection", "refused") if index > 0 => "connection refused",
            ("bad", "gateway") if index > 0 => "bad gateway",
            ("merge", "conflict" | "conflicts") if index > 0 => "merge conflict",
            ("command", "not") if index > 0 => "command not found",
            ("kernel", "panic") if index > 0 => "kernel panic",
            ("syntax", "error") if index > 0 => "syntax error",
            // "out of memory" needs the third word; "timed out" and "out of" alone are prose.
            ("timed", "out") | ("out", "of") if index > 0 => return true,
            _ => return false,
        };
        push_unique(codes, phrase.to_string());
        true
    }

    /// A programming language named as the medium: "in Python", "mit Rust".
    fn language(&mut self, word: &str, lw: &str) -> bool {
        let langs = &mut self.w.languages;
        match (self.prev.as_str(), lw) {
            (
                "in" | "mit" | "using" | "with" | "auf",
                "python" | "rust" | "java" | "go" | "c" | "c++" | "c#" | "ruby" | "swift"
                | "javascript" | "typescript" | "bash" | "kotlin" | "php" | "perl" | "lua"
                | "haskell" | "scala" | "golang" | "sql" | "powershell" | "zsh" | "node"
                | "node.js",
            ) if langs.len() < 4 && !langs.iter().any(|l| l.eq_ignore_ascii_case(word)) => {
                langs.push(word.to_string());
                true
            }
            _ => false,
        }
    }

    /// `which command`, `shell command`, `welcher Befehl` …
    fn command_request(&mut self, start: usize, word: &str, lw: &str) -> bool {
        let prev = self.prev.as_str();
        let text = self.text;
        match (prev, lw) {
            (
                "shell" | "bash" | "terminal" | "linux" | "unix" | "cli" | "git" | "docker"
                | "powershell" | "cmd" | "which" | "welcher" | "welchen" | "welche" | "a" | "einen",
                "command" | "commands" | "befehl" | "befehle" | "befehlen",
            ) if !(matches!(prev, "a" | "einen" | "welche") && text.len() > 400)
                // "a command" only counts in a short request ("generate a command that…").
                && (!matches!(prev, "a" | "einen")
                    || next_word_is_relative(text, start + word.len())) =>
            {
                self.w.command_request = true;
                true
            }
            _ => false,
        }
    }
}
