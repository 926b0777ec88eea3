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
    let lex = lexicon();
    let mut w = Words::default();
    let mut seen: Vec<u16> = Vec::new();
    let mut found: Vec<Entry> = Vec::new();
    let mut lower = String::new();
    let mut prev = String::new();
    let mut prev2 = String::new();
    let mut prev3 = String::new();
    // The previous word was a number of at least 10 (for `scale`).
    let mut prev_count = false;
    // Pending "HTTP-like" 3-digit status that waits for the next word to confirm it.
    let mut pending_status: Option<&str> = None;
    // Word index of the last shell operation / system object, for `shell_task`.
    let mut last_op: Option<usize> = None;
    let mut last_obj: Option<usize> = None;
    for (start, word) in words_with_offsets(text) {
        let index = w.n_words;
        w.n_words += 1;
        lower.clear();
        if word.is_ascii() {
            lower.push_str(word);
            lower.make_ascii_lowercase();
        } else {
            lower.extend(word.chars().flat_map(char::to_lowercase));
        }
        let lw = lower.as_str();

        if let Some(code) = pending_status.take() {
            if HTTP_NEXT.contains(&lw) {
                push_unique(&mut w.error_codes, format!("HTTP {code}"));
            }
        }
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
        if prev_count
            && lw.len() >= 3
            && lw.chars().all(char::is_alphabetic)
            && !is_unit_or_filler(lw)
        {
            w.scale = true;
        }
        prev_count = is_count(lw);
        if index < 6
            && matches!((prev.as_str(), lw), ("how", "do" | "to" | "can" | "would" | "should") | ("wie", "kann" | "mache" | "macht" | "bekomme" | "erstelle" | "schreibe") | (_, "ich") if prev == "wie" || prev2 == "wie" || lw != "ich")
        {
            w.howto = true;
        }

        // Error codes and identifiers, judged on the word as written.
        let b = word.as_bytes();
        let rustc_code = b.len() == 5 && b[0] == b'E' && b[1..].iter().all(u8::is_ascii_digit);
        let errno = b.first() == Some(&b'E') && ERRNO.contains(&word);
        let error_name =
            (word.ends_with("Error") || word.ends_with("Exception") || word.ends_with("BackOff"))
                && word.len() >= 7
                && word[1..].bytes().any(|c| c.is_ascii_uppercase());
        let signal = matches!(word, "OOMKilled" | "SIGSEGV" | "SIGKILL" | "SIGABRT");
        let exit_context = matches!(
            prev.as_str(),
            "exit-code" | "exitcode" | "exit-status" | "exit_code" | "exit-codes" | "returncode"
        ) || (matches!(prev.as_str(), "code" | "status")
            && (matches!(prev2.as_str(), "exit" | "exited" | "exits")
                || (matches!(prev2.as_str(), "with" | "mit")
                    && matches!(
                        prev3.as_str(),
                        "exited" | "exits" | "terminated" | "failed" | "endet" | "beendet"
                    ))));
        if rustc_code || errno || error_name || signal {
            push_unique(&mut w.error_codes, word.to_string());
        } else if exit_context && (1..=3).contains(&b.len()) && b.iter().all(u8::is_ascii_digit) {
            push_unique(&mut w.error_codes, format!("exit code {word}"));
        } else if b.len() == 3 && b.iter().all(u8::is_ascii_digit) && (b[0] == b'4' || b[0] == b'5')
        {
            if matches!(
                prev.as_str(),
                "http"
                    | "status"
                    | "statuscode"
                    | "code"
                    | "returns"
                    | "returned"
                    | "gibt"
                    | "liefert"
            ) {
                if prev2 == "exit" {
                    push_unique(&mut w.error_codes, format!("exit code {word}"));
                } else {
                    push_unique(&mut w.error_codes, format!("HTTP {word}"));
                }
            } else {
                pending_status = Some(word);
            }
        } else if b.iter().all(u8::is_ascii_digit)
            && !b.is_empty()
            && prev2 == "exit"
            && matches!(prev.as_str(), "code" | "status")
        {
            push_unique(&mut w.error_codes, format!("exit code {word}"));
        }
        if is_snake_case(word) {
            w.snake += 1;
        } else if is_camel_case(word) {
            w.camel += 1;
        }
        if matches!(
            word,
            "SELECT"
                | "FROM"
                | "WHERE"
                | "JOIN"
                | "INSERT"
                | "INTO"
                | "GROUP"
                | "ORDER"
                | "VALUES"
                | "TABLE"
                | "CREATE"
                | "ALTER"
                | "DROP"
                | "UPDATE"
                | "DELETE"
                | "LIMIT"
                | "HAVING"
        ) {
            w.sql_upper += 1;
        }

        // Phrases that need the previous word.
        let phrase_candidate = lex.phrase_tails.contains(lw) || (prev == "errno" && !lw.is_empty());
        match (prev.as_str(), lw) {
            _ if !phrase_candidate => {}
            ("root", "cause" | "causes")
            | ("chain", "of")
            | ("tiefere" | "eigentliche", "ursache") => w.rca_phrase = true,
            ("security", "audit" | "review" | "posture" | "assessment")
            | ("threat", "model" | "modeling" | "modelling") => w.audit_phrase = true,
            (
                "regular" | "reguläre" | "regulärer" | "regulären" | "regulärem",
                "expression" | "expressions" | "ausdruck" | "ausdrucks" | "ausdrücke"
                | "ausdrücken",
            ) => push_static(&mut w.code_phrases, "regular expression"),
            ("database" | "db" | "sql" | "relational" | "relationales", "schema" | "schemas") => {
                push_static(&mut w.code_phrases, "database schema")
            }
            (_, "commit" | "commits")
                if matches!(
                    prev.as_str(),
                    "the"
                        | "a"
                        | "this"
                        | "that"
                        | "last"
                        | "latest"
                        | "previous"
                        | "particular"
                        | "specific"
                        | "each"
                        | "every"
                        | "my"
                        | "your"
                        | "our"
                        | "first"
                        | "initial"
                        | "merge"
                        | "which"
                        | "letzten"
                        | "letzte"
                        | "dem"
                        | "den"
                        | "der"
                        | "einem"
                        | "einen"
                        | "jeden"
                        | "bestimmten"
                        | "vorherigen"
                        | "diesem"
                        | "diesen"
                        | "welchem"
                        | "welchen"
                        | "alle"
                        | "all"
                ) || matches!(
                    next_word_lower(text, start + word.len()).as_str(),
                    "message" | "messages" | "hash" | "history" | "id" | "nachricht" | "m"
                ) =>
            {
                push_static(&mut w.code_phrases, "commit (git)")
            }
            (
                "feature" | "main" | "master" | "remote" | "local" | "current" | "develop"
                | "release" | "upstream" | "default" | "lokalen" | "lokale" | "entfernten",
                "branch" | "branches",
            ) => push_static(&mut w.code_phrases, "branch (git)"),
            ("of", "memory") if prev2 == "out" => {
                push_unique(&mut w.error_codes, "out of memory".to_string())
            }
            ("pointer", "dereference") => {
                push_unique(&mut w.error_codes, "pointer dereference".to_string())
            }
            ("runtime", "error") => push_unique(&mut w.error_codes, "runtime error".to_string()),
            ("and", "cons") if prev2 == "pros" => w.tradeoff_phrase = true,
            ("system", "design")
            | ("step-by-step" | "migration" | "rollback", "plan" | "strategy") => {
                w.design_phrase = true
            }
            (_, "that" | "dass")
                if matches!(prev.as_str(), "show" | "zeige" | "zeigen")
                    || matches!(prev2.as_str(), "show" | "zeige" | "zeigen") =>
            {
                w.show_that = true
            }
            (
                "in" | "mit" | "using" | "with" | "auf",
                "python" | "rust" | "java" | "go" | "c" | "c++" | "c#" | "ruby" | "swift"
                | "javascript" | "typescript" | "bash" | "kotlin" | "php" | "perl" | "lua"
                | "haskell" | "scala" | "golang" | "sql" | "powershell" | "zsh" | "node"
                | "node.js",
            ) if w.languages.len() < 4
                && !w.languages.iter().any(|l| l.eq_ignore_ascii_case(word)) =>
            {
                w.languages.push(word.to_string());
            }
            ("segmentation", "fault")
            | ("core", "dumped")
            | ("permission", "denied")
            | ("such", "file")
            | ("already", "in")
            | ("undefined", "reference")
            | ("connection", "refused")
            | ("bad", "gateway")
            | ("merge", "conflict" | "conflicts")
            | ("command", "not")
            | ("kernel", "panic")
            | ("syntax", "error")
            | ("timed", "out")
            | ("out", "of")
                if index > 0 =>
            {
                let phrase = match lw {
                    "fault" => "segmentation fault",
                    "dumped" => "core dumped",
                    "denied" => "permission denied",
                    "file" => "no such file",
                    "in" => "address already in use",
                    "reference" => "undefined reference",
                    "refused" => "connection refused",
                    "gateway" => "bad gateway",
                    "not" => "command not found",
                    "panic" => "kernel panic",
                    "error" => "syntax error",
                    "out" => "timed out",
                    "of" => "",
                    _ => "merge conflict",
                };
                // "out of memory" needs the third word; "timed out" and "out of" alone are prose.
                if !phrase.is_empty() && phrase != "timed out" {
                    push_unique(&mut w.error_codes, phrase.to_string());
                }
            }
            ("errno", _) if lw.bytes().all(|c| c.is_ascii_digit()) => {
                push_unique(&mut w.error_codes, format!("Errno {lw}"))
            }
            (
                "shell" | "bash" | "terminal" | "linux" | "unix" | "cli" | "git" | "docker"
                | "powershell" | "cmd" | "which" | "welcher" | "welchen" | "welche" | "a" | "einen",
                "command" | "commands" | "befehl" | "befehle" | "befehlen",
            ) if !(matches!(prev.as_str(), "a" | "einen" | "welche") && text.len() > 400)
                // "a command" only counts in a short request ("generate a command that…").
                && (!matches!(prev.as_str(), "a" | "einen")
                    || next_word_is_relative(text, start + word.len())) =>
            {
                w.command_request = true;
            }
            _ => {}
        }

        // "a cat named Grep", "ein Hund namens Python": a name is no evidence.
        if matches!(prev.as_str(), "named" | "called" | "namens" | "genannt") {
            found.clear();
        } else {
            lex.lookup(lw, &mut found);
        }
        for &entry in &found {
            match entry.cat {
                Cat::Op => {
                    if last_obj.is_some_and(|o| index - o <= 6) {
                        w.shell_task = true;
                    }
                    last_op = Some(index);
                }
                Cat::SysObject => {
                    if last_op.is_some_and(|o| index - o <= 6) {
                        w.shell_task = true;
                    }
                    last_obj = Some(index);
                }
                _ => {}
            }
            if !seen.contains(&entry.id) {
                seen.push(entry.id);
                w.hits.push((entry, word.to_string()));
            }
        }
        std::mem::swap(&mut prev3, &mut prev2);
        std::mem::swap(&mut prev2, &mut prev);
        prev.clear();
        prev.push_str(lw);
    }
    if w.everyday_sense {
        // "Befehle" of a dog, "Python" the snake, "Shell" the petrol station: the
        // ambiguous word is no evidence, and "welche Befehle" is no request for one.
        w.command_request = false;
        w.hits
            .retain(|(e, s)| !(matches!(e.cat, Cat::Gated | Cat::Code) && is_sense_ambiguous(s)));
        w.languages.retain(|l| !is_sense_ambiguous(l));
        w.code_phrases.retain(|p| !is_sense_ambiguous(p));
    }
    w
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
