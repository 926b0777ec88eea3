//! Syntax evidence from one byte scan: fences, inline code, pipes, flags, paths, calls.

/// Syntax evidence from a byte scan.
#[derive(Debug, Default)]
pub(super) struct Syntax {
    pub(super) fences: usize,
    pub(super) inline_code: usize,
    pub(super) pipes: usize,
    pub(super) flags: usize,
    pub(super) paths: usize,
    pub(super) vars: usize,
    pub(super) calls: usize,
    pub(super) scope: usize,
    pub(super) operators: usize,
    pub(super) redirects: usize,
    pub(super) file_names: usize,
    pub(super) math: usize,
    pub(super) commas: usize,
}

/// File extensions that make `name.ext` a file name.
const EXTS: &[&str] = &[
    "py", "rs", "js", "ts", "tsx", "jsx", "sh", "bash", "zsh", "c", "h", "cpp", "hpp", "go",
    "java", "kt", "rb", "php", "yml", "yaml", "toml", "json", "conf", "cfg", "ini", "service",
    "sql", "lock", "log", "env", "ps1", "bat", "gradle", "tf", "lua", "swift", "cs", "html", "css",
    "vue", "xml",
];

/// Directories a bare `/seg` path starts with.
const ROOTS: &[&str] = &[
    "etc", "var", "usr", "home", "dev", "tmp", "opt", "proc", "bin",
];

/// Mathematical characters outside ASCII (`√`, `∑`, `≤`, `n²`, `180°`, `a·b`, `π`).
const MATH_CHARS: &[char] = &[
    '√', '∑', '≤', '≥', '∀', '∃', '∈', '⊆', '²', '³', '°', '·', 'π', '≡', '∞',
];

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

pub(super) fn scan_syntax(text: &str) -> Syntax {
    let mut scan = SyntaxScan {
        text,
        b: text.as_bytes(),
        s: Syntax::default(),
        in_inline: None,
    };
    let mut i = 0usize;
    while i < scan.b.len() {
        i = scan.at(i);
    }
    scan.s
}

struct SyntaxScan<'t> {
    text: &'t str,
    b: &'t [u8],
    s: Syntax,
    /// Where an inline code span opened on this line.
    in_inline: Option<usize>,
}

impl SyntaxScan<'_> {
    /// Reads the byte at `i`; returns where the scan goes on.
    fn at(&mut self, i: usize) -> usize {
        let b = self.b;
        let c = b[i];
        let prev = if i > 0 { b[i - 1] } else { b'\n' };
        let next = b.get(i + 1).copied().unwrap_or(b' ');
        match c {
            b'`' => return self.backtick(i),
            b'\n' => self.in_inline = None,
            b'|' => return self.pipe(i, prev, next),
            b'-' if prev == b' ' || prev == b'\n' || prev == b'(' => self.flag(i, next),
            b'/' if matches!(
                prev,
                b' ' | b'\n' | b'`' | b'"' | b'\'' | b'(' | b'=' | b'~' | b'.' | b':'
            ) =>
            {
                return self.path(i, prev);
            }
            // `$HOME`, `${x}`, `$(cmd)`; `$5` stays a price.
            b'$' if next.is_ascii_alphabetic() || next == b'{' || next == b'(' || next == b'_' => {
                self.s.vars += 1;
            }
            b'(' if i > 0 && is_word(prev) => self.call(i, next),
            b':' if next == b':' && i > 0 && is_word(prev) => {
                self.s.scope += 1;
                return i + 2;
            }
            b'=' if next == b'>' || next == b'=' => self.s.operators += 1,
            b'!' if next == b'=' => self.s.operators += 1,
            b'&' if next == b'&' => {
                self.s.operators += 1;
                return i + 2;
            }
            b'>' if prev == b'2'
                || (next == b'&' && b.get(i + 2).is_some_and(u8::is_ascii_digit))
                || (prev == b' ' && next == b'/')
                || (prev == b'>' && next == b' ') =>
            {
                self.s.redirects += 1;
            }
            b'-' if next == b'>' => self.s.operators += 1,
            b',' | b';' => self.s.commas += 1,
            // `n^2`, and the math block's UTF-8 lead bytes (0xE2, 0xC2, 0xCF).
            b'^' | b'\xe2' | b'\xc2' | b'\xcf'
                if c == b'^'
                    || self
                        .text
                        .get(i..)
                        .and_then(|t| t.chars().next())
                        .is_some_and(|ch| MATH_CHARS.contains(&ch)) =>
            {
                self.s.math += 1;
            }
            b'.' if i > 0 && is_word(prev) => self.file_name(i),
            _ => {}
        }
        i + 1
    }

    /// A fence (```` ``` ````) or the start or end of an inline code span.
    fn backtick(&mut self, i: usize) -> usize {
        if self.b[i..].starts_with(b"```") {
            self.s.fences += 1;
            self.in_inline = None;
            return i + 3;
        }
        match self.in_inline {
            Some(open) if i > open + 1 => {
                self.s.inline_code += 1;
                self.in_inline = None;
            }
            _ => self.in_inline = Some(i),
        }
        i + 1
    }

    /// `||` is an operator; `cmd | cmd` a pipe: a word (or closing quote/paren) before
    /// and a word after.
    fn pipe(&mut self, i: usize, prev: u8, next: u8) -> usize {
        if next == b'|' {
            self.s.operators += 1;
            return i + 2;
        }
        let before = self.text[..i].trim_end().bytes().last();
        let after = self.text[i + 1..].trim_start().bytes().next();
        if before.is_some_and(|c| is_word(c) || c == b'\'' || c == b'"' || c == b')')
            && after.is_some_and(|c| c.is_ascii_lowercase())
            && prev != b'|'
        {
            self.s.pipes += 1;
        }
        i + 1
    }

    /// `-v`, `-euo`, `--force`, but not `- item` or `-5`.
    fn flag(&mut self, i: usize, next: u8) {
        let b = self.b;
        let j = if next == b'-' { i + 2 } else { i + 1 };
        if !b.get(j).is_some_and(u8::is_ascii_alphabetic) {
            return;
        }
        let mut k = j;
        while k < b.len() && (b[k].is_ascii_alphanumeric() || b[k] == b'-') {
            k += 1;
        }
        let end = b.get(k).copied().unwrap_or(b' ');
        if (k - j <= 4 || next == b'-')
            && matches!(end, b' ' | b'\n' | b'=' | b'`' | b')' | b',' | b'\'' | b'"')
        {
            self.s.flags += 1;
        }
    }

    /// `/etc/nginx`, `./run.sh`, `~/.ssh`, but not `and/or`, `24/7` or URLs; a path is
    /// skipped whole.
    fn path(&mut self, i: usize, prev: u8) -> usize {
        let rest = &self.text[i + 1..];
        let seg_end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '`' | '"' | '\'' | ')' | ','))
            .unwrap_or(rest.len());
        let seg = &rest[..seg_end];
        let url = prev == b':';
        let pathish = seg.contains('/')
            || prev == b'.'
            || prev == b'~'
            || ROOTS.iter().any(|r| seg.starts_with(r));
        let starts_ok = seg
            .bytes()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'_');
        if !url && pathish && starts_ok {
            self.s.paths += 1;
            return i + 1 + seg_end;
        }
        i + 1
    }

    /// `foo(`, `bar.baz(`; a German "(s)" plural or "Hinweis(e)" is not a call.
    fn call(&mut self, i: usize, next: u8) {
        let text = self.text;
        let start = text[..i]
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .map_or(0, |(p, c)| p + c.len_utf8());
        let callee = &text[start..i];
        let arg_ok = matches!(next, b')' | b'"' | b'\'' | b'&' | b'[' | b'{')
            || next.is_ascii_alphabetic()
            || next.is_ascii_digit();
        if callee.len() >= 2
            && arg_ok
            && !matches!(
                text[i + 1..].get(..2),
                Some("s)") | Some("e)") | Some("n)") | Some("en")
            )
        {
            // `obj.method(` and `snake_case(` are unmistakable; `word(` less so.
            self.s.calls += if callee.contains(['.', '_']) { 2 } else { 1 };
        }
    }

    /// File names with a known extension: `main.py`, `nginx.conf`.
    fn file_name(&mut self, i: usize) {
        let (text, b) = (self.text, self.b);
        let ext_end = text[i + 1..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(b.len(), |p| i + 1 + p);
        let ext = &text[i + 1..ext_end];
        if !ext.is_empty()
            && EXTS.iter().any(|e| e.eq_ignore_ascii_case(ext))
            && b.get(ext_end).is_none_or(|c| !c.is_ascii_alphanumeric())
        {
            self.s.file_names += 1;
        }
    }
}
