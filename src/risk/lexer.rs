//! Lexing: shell text into words (quotes removed, substitutions kept and
//! collected), operators and redirections with here-document bodies.

/// One shell word after quote removal. Substitutions are kept verbatim in
/// `text` (`$HOME`, `$(pwd)`) and the scripts inside `$( )`, backticks and
/// `<( )` are collected in `subs` for recursive assessment.
#[derive(Debug, Clone, Default)]
pub(crate) struct Word {
    pub(crate) text: String,
    /// Some part of the word was quoted or escaped.
    pub(crate) quoted: bool,
    /// An unquoted glob character (`*`, `?`, `[`) occurs.
    pub(crate) glob: bool,
    pub(crate) subs: Vec<String>,
    /// A parameter expansion or command substitution occurs outside single
    /// quotes: the word's value is only known at run time (or after
    /// normalisation).
    pub(crate) expanded: bool,
    /// The word is a process substitution `<( )` / `>( )`.
    pub(crate) procsub: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
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
pub(crate) enum RedirKind {
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
pub(crate) struct Redir {
    pub(crate) kind: RedirKind,
    pub(crate) target: Word,
    pub(crate) body: String,
}

#[derive(Debug, Clone)]
pub(crate) enum Tok {
    Word(Word),
    Op(Op),
    Redir(Redir),
}

pub(crate) struct Lexer<'a> {
    pub(crate) chars: Vec<char>,
    pub(crate) pos: usize,
    pub(crate) toks: Vec<Tok>,
    /// Here-documents whose bodies start after the next newline:
    /// (token index, delimiter, strip leading tabs).
    /// Token index, delimiter, `<<-`, delimiter quoted.
    pub(crate) pending_heredocs: Vec<(usize, String, bool, bool)>,
    pub(crate) _src: &'a str,
    /// Why the text is not well-formed shell, if it is not.
    pub(crate) broken: Option<&'static str>,
}

pub(crate) fn is_op_char(c: char) -> bool {
    matches!(c, '|' | '&' | ';' | '(' | ')' | '<' | '>' | '\n')
}

pub(crate) fn lex(src: &str) -> Vec<Tok> {
    lex_checked(src).0
}

/// Tokens, and why the text does not lex as shell (an unterminated quote,
/// substitution or here-document), if it does not.
pub(crate) fn lex_checked(src: &str) -> (Vec<Tok>, Option<&'static str>) {
    let mut lx = Lexer {
        chars: src.chars().collect(),
        pos: 0,
        toks: Vec::new(),
        pending_heredocs: Vec::new(),
        _src: src,
        broken: None,
    };
    lx.run();
    if !lx.pending_heredocs.is_empty() {
        lx.broken = Some("a here-document has no terminating line");
    }
    (lx.toks, lx.broken)
}

impl Lexer<'_> {
    pub(crate) fn peek(&self, off: usize) -> Option<char> {
        self.chars.get(self.pos + off).copied()
    }

    pub(crate) fn run(&mut self) {
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

    pub(crate) fn angle(&mut self) {
        let c = self.chars[self.pos];
        let n1 = self.peek(1);
        if n1 == Some('(') {
            let w = self.procsub_word();
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

    pub(crate) fn skip_blanks(&mut self) {
        while matches!(self.peek(0), Some(' ') | Some('\t')) {
            self.pos += 1;
        }
    }

    /// A process substitution `<( … )` / `>( … )` at the cursor.
    fn procsub_word(&mut self) -> Word {
        let c = self.chars[self.pos];
        self.pos += 2;
        let inner = self.balanced(')');
        Word {
            text: format!("{c}({inner})"),
            subs: vec![inner],
            procsub: true,
            ..Word::default()
        }
    }

    pub(crate) fn redirect(&mut self, kind: RedirKind) {
        self.skip_blanks();
        let target = match self.peek(0) {
            // `done < <(find …)`: the loop reads a process substitution.
            Some('<' | '>') if self.peek(1) == Some('(') => self.procsub_word(),
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
    pub(crate) fn dup_or_write(&mut self) {
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

    pub(crate) fn heredoc(&mut self, strip_tabs: bool) {
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
            self.pending_heredocs
                .push((idx, delim.text, strip_tabs, delim.quoted));
        }
    }

    pub(crate) fn read_line(&mut self) -> Option<String> {
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

    pub(crate) fn read_heredoc_bodies(&mut self) {
        let pending = std::mem::take(&mut self.pending_heredocs);
        for (idx, delim, strip_tabs, quoted) in pending {
            let mut body = String::new();
            let mut terminated = false;
            while let Some(line) = self.read_line() {
                let cmp = if strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line.as_str()
                };
                if cmp.trim_end_matches('\r') == delim {
                    terminated = true;
                    break;
                }
                body.push_str(&line);
                body.push('\n');
            }
            if !terminated {
                self.broken = Some("a here-document has no terminating line");
            }
            if let Some(Tok::Redir(r)) = self.toks.get_mut(idx) {
                r.body = if quoted {
                    body
                } else {
                    unescape_heredoc(&body)
                };
            }
        }
    }

    /// Reads up to the `close` that balances an already consumed opener,
    /// honouring quotes and escapes; returns the text in between.
    pub(crate) fn balanced(&mut self, close: char) -> String {
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
        self.broken = Some("a substitution or bracket is not closed");
        let end = self.pos.min(self.chars.len());
        self.chars[start..end].iter().collect()
    }

    /// A backtick substitution inside a word: kept as `$(…)` and recorded as a sub-script.
    pub(crate) fn backtick_word(&mut self, w: &mut Word) {
        self.pos += 1;
        let inner = self.backtick();
        w.text.push_str("$(");
        w.text.push_str(&inner);
        w.text.push(')');
        w.subs.push(inner);
        w.expanded = true;
    }

    pub(crate) fn backtick(&mut self) -> String {
        let mut inner = String::new();
        let mut closed = false;
        while self.pos < self.chars.len() {
            let c = self.chars[self.pos];
            self.pos += 1;
            match c {
                '`' => {
                    closed = true;
                    break;
                }
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
        if !closed {
            self.broken = Some("a backtick substitution is not closed");
        }
        inner
    }

    /// `$…` at the current position (the `$` not yet consumed).
    pub(crate) fn dollar(&mut self, w: &mut Word) {
        self.pos += 1;
        match self.peek(0) {
            Some('(') if self.peek(1) == Some('(') => {
                self.pos += 2;
                let inner = self.balanced(')');
                // Arithmetic `$(( ))`: consume the second `)` too.
                if self.peek(0) == Some(')') {
                    self.pos += 1;
                }
                w.expanded = true;
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
                w.expanded = true;
            }
            Some('{') => {
                w.expanded = true;
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
                                let c = self.ansi_c_escape(n);
                                w.text.push(c);
                            }
                        }
                        _ => w.text.push(c),
                    }
                }
            }
            Some(c) if c.is_ascii_alphanumeric() || "_@*#?$!-".contains(c) => {
                w.expanded = true;
                w.text.push('$');
            }
            _ => w.text.push('$'),
        }
    }

    /// The character an escape in `$'…'` stands for (`\n`, `\x72`, `\162`).
    fn ansi_c_escape(&mut self, n: char) -> char {
        let digits = |lx: &mut Self, radix: u32, max: usize| {
            let mut v = 0u32;
            let mut k = 0;
            while k < max {
                match lx.peek(0).and_then(|c| c.to_digit(radix)) {
                    Some(d) => {
                        v = v * radix + d;
                        lx.pos += 1;
                        k += 1;
                    }
                    None => break,
                }
            }
            char::from_u32(v).unwrap_or('?')
        };
        match n {
            'n' => '\n',
            't' => '\t',
            'x' => digits(self, 16, 2),
            '0'..='7' => {
                self.pos -= 1;
                digits(self, 8, 3)
            }
            _ => n,
        }
    }

    pub(crate) fn word(&mut self) -> Word {
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
                    let mut closed = false;
                    while let Some(c) = self.peek(0) {
                        self.pos += 1;
                        if c == '\'' {
                            closed = true;
                            break;
                        }
                        w.text.push(c);
                    }
                    if !closed {
                        self.broken = Some("a single quote is not closed");
                    }
                }
                '"' => {
                    self.pos += 1;
                    w.quoted = true;
                    let mut closed = false;
                    while let Some(c) = self.peek(0) {
                        match c {
                            '"' => {
                                self.pos += 1;
                                closed = true;
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
                    if !closed {
                        self.broken = Some("a double quote is not closed");
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

/// The body of an unquoted here-document as the command reading it gets it:
/// `\$`, `` \` `` and `\\` lose their backslash, `\` before a newline joins
/// the lines (`bash <<EOF … rm -rf "\$u" … EOF` runs `rm -rf "$u"`).
fn unescape_heredoc(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some('$' | '`' | '\\')) => out.extend(chars.next()),
            ('\\', Some('\n')) => {
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}
