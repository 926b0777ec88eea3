//! Word-level evidence: lexicon hits, phrases, error codes, identifiers, request shape.

use super::lexicon::{lexicon, Cat, Entry};
use super::senses::*;

/// Word-level evidence.
#[derive(Debug, Default)]
pub(super) struct Words {
    /// Deduplicated lexicon hits: (entry, surface form as written).
    pub(super) hits: Vec<(Entry, String)>,
    pub(super) n_words: usize,
    /// `which command`, `shell command`, `welcher Befehl`, `Shell-Befehl` …
    pub(super) command_request: bool,
    /// Error codes and error names found (`E0308`, `ENOENT`, `TypeError`, `HTTP 502`).
    pub(super) error_codes: Vec<String>,
    /// `snake_case` / `camelCase` identifiers seen (count, capped).
    pub(super) snake: usize,
    pub(super) camel: usize,
    /// SQL keywords written in upper case (`SELECT`, `FROM`, `WHERE`).
    pub(super) sql_upper: usize,
    /// "show that" / "zeige, dass" (a proof request without the word "prove").
    pub(super) show_that: bool,
    /// "root cause", "chain of events", "tiefere Ursache": RCA phrasing.
    pub(super) rca_phrase: bool,
    /// "security audit", "threat model": audit phrasing.
    pub(super) audit_phrase: bool,
    /// "system design", "step-by-step plan" …
    pub(super) design_phrase: bool,
    /// A programming language named as the medium: "in Python", "mit Rust".
    pub(super) languages: Vec<String>,
    /// The request opens as a how-to question ("how do I", "wie kann ich").
    pub(super) howto: bool,
    /// An operation and a system object within a few words ("delete … files").
    pub(super) shell_task: bool,
    /// Words "and"/"und": with commas, a sign of multi-part requests.
    pub(super) conjunctions: usize,
    /// Multi-word code terms and code senses fixed by a neighbour ("regular
    /// expression", "database schema", "the last commit", "feature branch").
    pub(super) code_phrases: Vec<&'static str>,
    /// An everyday sense of the ambiguous words "command", "Befehl", "python",
    /// "shell" is in play (a dog, an officer, a snake, a petrol station).
    pub(super) everyday_sense: bool,
    /// A large number in front of a noun ("40 applications", "200k-line",
    /// "2 million uploads"): the scale that makes a plan large.
    pub(super) scale: bool,
    /// The request opens with a proof imperative ("Prove …", "Beweise …").
    pub(super) proof_imperative: bool,
    /// "pros and cons": asking for weighed alternatives.
    pub(super) tradeoff_phrase: bool,
}

/// Splits into words, looks them up and collects identifier/error-code evidence.
pub(super) fn scan_words(text: &str) -> Words {
    let mut s = WordScan {
        text,
        w: Words::default(),
        seen: Vec::new(),
        found: Vec::new(),
        prev: String::new(),
        prev2: String::new(),
        prev3: String::new(),
        prev_count: false,
        pending_status: None,
        last_op: None,
        last_obj: None,
    };
    let mut lower = String::new();
    for (start, word) in words_with_offsets(text) {
        lower.clear();
        if word.is_ascii() {
            lower.push_str(word);
            lower.make_ascii_lowercase();
        } else {
            lower.extend(word.chars().flat_map(char::to_lowercase));
        }
        s.word(start, word, &lower);
    }
    s.finish()
}

/// errno names counted as error codes.
const ERRNO: &[&str] = &[
    "ENOENT",
    "EACCES",
    "EPERM",
    "EADDRINUSE",
    "ECONNREFUSED",
    "ECONNRESET",
    "ETIMEDOUT",
    "EEXIST",
    "ENOMEM",
    "ENOSPC",
    "EPIPE",
    "EAGAIN",
    "EINVAL",
    "EISDIR",
    "ENOTDIR",
    "EBADF",
];

/// Words after a 3-digit number that make it an HTTP status ("502 Bad Gateway").
const HTTP_NEXT: &[&str] = &[
    "bad",
    "gateway",
    "internal",
    "not",
    "service",
    "forbidden",
    "unauthorized",
    "timeout",
    "error",
    "errors",
    "fehler",
];

/// SQL keywords that count when written in upper case.
const SQL_UPPER: &[&str] = &[
    "SELECT", "FROM", "WHERE", "JOIN", "INSERT", "INTO", "GROUP", "ORDER", "VALUES", "TABLE",
    "CREATE", "ALTER", "DROP", "UPDATE", "DELETE", "LIMIT", "HAVING",
];

/// The state of one pass over the words.
pub(super) struct WordScan<'t> {
    pub(super) text: &'t str,
    pub(super) w: Words,
    /// Lexicon words (stem groups) already counted.
    seen: Vec<u16>,
    found: Vec<Entry>,
    /// The three words before this one, lower case.
    pub(super) prev: String,
    pub(super) prev2: String,
    prev3: String,
    /// The previous word was a number of at least 10 (for `scale`).
    prev_count: bool,
    /// Pending "HTTP-like" 3-digit status that waits for the next word to confirm it.
    pending_status: Option<&'t str>,
    /// Word index of the last shell operation / system object, for `shell_task`.
    last_op: Option<usize>,
    last_obj: Option<usize>,
}

impl<'t> WordScan<'t> {
    fn word(&mut self, start: usize, word: &'t str, lw: &str) {
        let index = self.w.n_words;
        self.w.n_words += 1;
        if let Some(code) = self.pending_status.take() {
            if HTTP_NEXT.contains(&lw) {
                push_unique(&mut self.w.error_codes, format!("HTTP {code}"));
            }
        }
        self.shape(index, lw);
        self.error_code(word);
        self.identifier(word);
        let phrase_candidate =
            lexicon().phrase_tails.contains(lw) || (self.prev == "errno" && !lw.is_empty());
        if phrase_candidate {
            self.phrase(start, word, lw, index);
        }
        self.lexicon_hits(word, lw, index);
        std::mem::swap(&mut self.prev3, &mut self.prev2);
        std::mem::swap(&mut self.prev2, &mut self.prev);
        self.prev.clear();
        self.prev.push_str(lw);
    }

    /// Conjunctions, everyday senses, proof imperatives, scale, how-to openers.
    fn shape(&mut self, index: usize, lw: &str) {
        let (prev, prev2) = (self.prev.as_str(), self.prev2.as_str());
        let w = &mut self.w;
        if matches!(lw, "and" | "und") {
            w.conjunctions += 1;
        }
        if is_everyday_sense_word(lw) {
            w.everyday_sense = true;
        }
        if index == 0 && matches!(lw, "prove" | "beweise") {
            w.proof_imperative = true;
        }
        // "40 Anwendungen", "2 million uploads", "200k-line": scale in front of a noun.
        if self.prev_count
            && lw.len() >= 3
            && lw.chars().all(char::is_alphabetic)
            && !is_unit_or_filler(lw)
        {
            w.scale = true;
        }
        self.prev_count = is_count(lw);
        if index < 6
            && matches!((prev, lw), ("how", "do" | "to" | "can" | "would" | "should") | ("wie", "kann" | "mache" | "macht" | "bekomme" | "erstelle" | "schreibe") | (_, "ich") if prev == "wie" || prev2 == "wie" || lw != "ich")
        {
            w.howto = true;
        }
    }

    /// Error codes and error names, judged on the word as written.
    fn error_code(&mut self, word: &'t str) {
        let (prev, prev2, prev3) = (self.prev.as_str(), self.prev2.as_str(), self.prev3.as_str());
        let codes = &mut self.w.error_codes;
        let b = word.as_bytes();
        let rustc_code = b.len() == 5 && b[0] == b'E' && b[1..].iter().all(u8::is_ascii_digit);
        let errno = b.first() == Some(&b'E') && ERRNO.contains(&word);
        let error_name =
            (word.ends_with("Error") || word.ends_with("Exception") || word.ends_with("BackOff"))
                && word.len() >= 7
                && word[1..].bytes().any(|c| c.is_ascii_uppercase());
        let signal = matches!(word, "OOMKilled" | "SIGSEGV" | "SIGKILL" | "SIGABRT");
        let exit_context = matches!(
            prev,
            "exit-code" | "exitcode" | "exit-status" | "exit_code" | "exit-codes" | "returncode"
        ) || (matches!(prev, "code" | "status")
            && (matches!(prev2, "exit" | "exited" | "exits")
                || (matches!(prev2, "with" | "mit")
                    && matches!(
                        prev3,
                        "exited" | "exits" | "terminated" | "failed" | "endet" | "beendet"
                    ))));
        let digits = !b.is_empty() && b.iter().all(u8::is_ascii_digit);
        if rustc_code || errno || error_name || signal {
            push_unique(codes, word.to_string());
        } else if exit_context && (1..=3).contains(&b.len()) && digits {
            push_unique(codes, format!("exit code {word}"));
        } else if b.len() == 3 && digits && (b[0] == b'4' || b[0] == b'5') {
            let status_word = matches!(
                prev,
                "http"
                    | "status"
                    | "statuscode"
                    | "code"
                    | "returns"
                    | "returned"
                    | "gibt"
                    | "liefert"
            );
            if status_word && prev2 == "exit" {
                push_unique(codes, format!("exit code {word}"));
            } else if status_word {
                push_unique(codes, format!("HTTP {word}"));
            } else {
                self.pending_status = Some(word);
            }
        } else if digits && prev2 == "exit" && matches!(prev, "code" | "status") {
            push_unique(codes, format!("exit code {word}"));
        }
    }

    /// `snake_case`, `camelCase` and upper-case SQL keywords.
    fn identifier(&mut self, word: &str) {
        if is_snake_case(word) {
            self.w.snake += 1;
        } else if is_camel_case(word) {
            self.w.camel += 1;
        }
        if SQL_UPPER.contains(&word) {
            self.w.sql_upper += 1;
        }
    }

    /// Lexicon entries of the word; an operation near a system object is a shell task.
    fn lexicon_hits(&mut self, word: &str, lw: &str, index: usize) {
        // "a cat named Grep", "ein Hund namens Python": a name is no evidence.
        if matches!(
            self.prev.as_str(),
            "named" | "called" | "namens" | "genannt"
        ) {
            self.found.clear();
        } else {
            lexicon().lookup(lw, &mut self.found);
        }
        for &entry in &self.found {
            match entry.cat {
                Cat::Op => {
                    if self.last_obj.is_some_and(|o| index - o <= 6) {
                        self.w.shell_task = true;
                    }
                    self.last_op = Some(index);
                }
                Cat::SysObject => {
                    if self.last_op.is_some_and(|o| index - o <= 6) {
                        self.w.shell_task = true;
                    }
                    self.last_obj = Some(index);
                }
                _ => {}
            }
            if !self.seen.contains(&entry.id) {
                self.seen.push(entry.id);
                self.w.hits.push((entry, word.to_string()));
            }
        }
    }

    fn finish(mut self) -> Words {
        let w = &mut self.w;
        if w.everyday_sense {
            // "Befehle" of a dog, "Python" the snake, "Shell" the petrol station: the
            // ambiguous word is no evidence, and "welche Befehle" is no request for one.
            w.command_request = false;
            w.hits.retain(|(e, s)| {
                !(matches!(e.cat, Cat::Gated | Cat::Code) && is_sense_ambiguous(s))
            });
            w.languages.retain(|l| !is_sense_ambiguous(l));
            w.code_phrases.retain(|p| !is_sense_ambiguous(p));
        }
        self.w
    }
}

/// The next word after byte `pos`, lower-cased ("" at the end).
pub(super) fn next_word_lower(text: &str, pos: usize) -> String {
    let rest = text.get(pos..).unwrap_or("");
    let rest = rest.trim_start_matches(|c: char| !c.is_alphanumeric());
    rest.chars()
        .take_while(|c| c.is_alphanumeric())
        .take(24)
        .flat_map(char::to_lowercase)
        .collect()
}

pub(super) fn push_static(v: &mut Vec<&'static str>, s: &'static str) {
    if !v.contains(&s) {
        v.push(s);
    }
}

/// Whether the word after `pos` introduces a relative clause ("a command that…",
/// "einen Befehl, der…"), i.e. the request is for a command.
pub(super) fn next_word_is_relative(text: &str, pos: usize) -> bool {
    let rest = text.get(pos..).unwrap_or("");
    let rest = rest.trim_start_matches([',', ' ']);
    let next: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    matches!(
        next.as_str(),
        "that"
            | "which"
            | "to"
            | "for"
            | "der"
            | "die"
            | "das"
            | "um"
            | "für"
            | "zum"
            | "mit"
            | "in"
    )
}

pub(super) fn push_unique(v: &mut Vec<String>, s: String) {
    if v.len() < 8 && !v.contains(&s) {
        v.push(s);
    }
}

/// Words as maximal runs of alphanumerics, `_`, and inner `-`, `.`, `'`, `#`, `+`
/// where they join word characters (`ssh-keygen`, `node.js`, `c++`, `tl;dr` aside).
pub(super) fn words_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut i = 0usize;
    std::iter::from_fn(move || {
        // Skip to the next word start.
        while i < text.len() {
            let c = text[i..].chars().next()?;
            if c.is_alphanumeric() || c == '_' {
                break;
            }
            i += c.len_utf8();
        }
        if i >= text.len() {
            return None;
        }
        let start = i;
        while i < text.len() {
            let c = text[i..].chars().next()?;
            if c.is_alphanumeric() || c == '_' {
                i += c.len_utf8();
            } else if (c == '-' || c == '.')
                && bytes.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric())
                && i > start
            {
                // Join `ssh-keygen`, `docker-compose`, `node.js`, but a sentence-final
                // period followed by a space is not part of the word.
                i += 1;
            } else if c == '+'
                && bytes.get(i + 1) == Some(&b'+')
                && text[start..i].eq_ignore_ascii_case("c")
            {
                i += 2;
            } else if c == '#' && text[start..i].eq_ignore_ascii_case("c") {
                i += 1;
            } else {
                break;
            }
        }
        Some((start, &text[start..i]))
    })
}

pub(super) fn is_snake_case(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() >= 3
        && b[0] != b'_'
        && b[b.len() - 1] != b'_'
        && b.contains(&b'_')
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.')
        && b.iter().any(u8::is_ascii_lowercase)
}

pub(super) fn is_camel_case(word: &str) -> bool {
    // At least two lower-case letters, then an upper-case letter followed by a lower-case
    // one: `getUser`, `useEffect`, but not `iPhone`, `eBay` or `macOS`.
    let b = word.as_bytes();
    if !b.iter().all(u8::is_ascii_alphanumeric) || b.len() < 5 || !b[0].is_ascii_lowercase() {
        return false;
    }
    b.windows(4).any(|w| {
        w[0].is_ascii_lowercase()
            && w[1].is_ascii_lowercase()
            && w[2].is_ascii_uppercase()
            && w[3].is_ascii_lowercase()
    })
}
