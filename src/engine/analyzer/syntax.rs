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

pub(super) fn scan_syntax(text: &str) -> Syntax {
    const EXTS: &[&str] = &[
        "py", "rs", "js", "ts", "tsx", "jsx", "sh", "bash", "zsh", "c", "h", "cpp", "hpp", "go",
        "java", "kt", "rb", "php", "yml", "yaml", "toml", "json", "conf", "cfg", "ini", "service",
        "sql", "lock", "log", "env", "ps1", "bat", "gradle", "tf", "lua", "swift", "cs", "html",
        "css", "vue", "xml",
    ];
    let mut s = Syntax::default();
    let b = text.as_bytes();
    let n = b.len();
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0usize;
    let mut in_inline = None::<usize>;
    while i < n {
        let c = b[i];
        let prev = if i > 0 { b[i - 1] } else { b'\n' };
        let next = b.get(i + 1).copied().unwrap_or(b' ');
        match c {
            b'`' => {
                if b[i..].starts_with(b"```") {
                    s.fences += 1;
                    i += 3;
                    in_inline = None;
                    continue;
                }
                match in_inline {
                    Some(open) if i > open + 1 => {
                        s.inline_code += 1;
                        in_inline = None;
                    }
                    _ => in_inline = Some(i),
                }
            }
            b'\n' => in_inline = None,
            b'|' => {
                if next == b'|' {
                    s.operators += 1;
                    i += 2;
                    continue;
                }
                // `cmd | cmd`: a word (or closing quote/paren) before and a word after.
                let before = text[..i].trim_end().bytes().last();
                let after = text[i + 1..].trim_start().bytes().next();
                if before.is_some_and(|c| is_word(c) || c == b'\'' || c == b'"' || c == b')')
                    && after.is_some_and(|c| c.is_ascii_lowercase())
                    && prev != b'|'
                {
                    s.pipes += 1;
                }
            }
            b'-' if prev == b' ' || prev == b'\n' || prev == b'(' => {
                let j = if next == b'-' { i + 2 } else { i + 1 };
                if b.get(j).is_some_and(u8::is_ascii_alphabetic) {
                    // `-v`, `-euo`, `--force`, but not `- item` or `-5`.
                    let mut k = j;
                    while k < n && (b[k].is_ascii_alphanumeric() || b[k] == b'-') {
                        k += 1;
                    }
                    let end = b.get(k).copied().unwrap_or(b' ');
                    if (k - j <= 4 || next == b'-')
                        && matches!(end, b' ' | b'\n' | b'=' | b'`' | b')' | b',' | b'\'' | b'"')
                    {
                        s.flags += 1;
                    }
                }
            }
            b'/' if matches!(
                prev,
                b' ' | b'\n' | b'`' | b'"' | b'\'' | b'(' | b'=' | b'~' | b'.' | b':'
            ) =>
            {
                // `/etc/nginx`, `./run.sh`, `~/.ssh`, but not `and/or`, `24/7` or URLs.
                let rest = &text[i + 1..];
                let seg_end = rest
                    .find(|c: char| c.is_whitespace() || matches!(c, '`' | '"' | '\'' | ')' | ','))
                    .unwrap_or(rest.len());
                let seg = &rest[..seg_end];
                let url = prev == b':';
                if !url
                    && (seg.contains('/')
                        || prev == b'.'
                        || prev == b'~'
                        || [
                            "etc", "var", "usr", "home", "dev", "tmp", "opt", "proc", "bin",
                        ]
                        .iter()
                        .any(|r| seg.starts_with(r)))
                    && seg
                        .bytes()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'_')
                {
                    s.paths += 1;
                    i += 1 + seg_end;
                    continue;
                }
            }
            // `$HOME`, `${x}`, `$(cmd)`; `$5` stays a price.
            b'$' if next.is_ascii_alphabetic() || next == b'{' || next == b'(' || next == b'_' => {
                s.vars += 1;
            }
            b'(' if i > 0 && is_word(prev) => {
                // `foo(`, `bar.baz(`; a German "(s)" plural or "Hinweis(e)" is not a call.
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
                    s.calls += if callee.contains(['.', '_']) { 2 } else { 1 };
                }
            }
            b':' if next == b':' && i > 0 && is_word(prev) => {
                s.scope += 1;
                i += 2;
                continue;
            }
            b'=' if next == b'>' || next == b'=' => s.operators += 1,
            b'!' if next == b'=' => s.operators += 1,
            b'&' if next == b'&' => {
                s.operators += 1;
                i += 2;
                continue;
            }
            b'>' if prev == b'2'
                || (next == b'&' && b.get(i + 2).is_some_and(u8::is_ascii_digit))
                || (prev == b' ' && next == b'/')
                || (prev == b'>' && next == b' ') =>
            {
                s.redirects += 1;
            }
            b'-' if next == b'>' => s.operators += 1,
            b',' | b';' => s.commas += 1,
            // `n^2` and `√`, `∑`, `≤` (UTF-8 lead byte 0xE2 covers the math block);
            // `n²`, `180°`, `a·b`, `π` (lead bytes 0xC2 and 0xCF) count too.
            b'^' | b'\xe2' | b'\xc2' | b'\xcf'
                if c == b'^'
                    || matches!(
                        text.get(i..).and_then(|t| t.chars().next()),
                        Some(
                            '√' | '∑'
                                | '≤'
                                | '≥'
                                | '∀'
                                | '∃'
                                | '∈'
                                | '⊆'
                                | '²'
                                | '³'
                                | '°'
                                | '·'
                                | 'π'
                                | '≡'
                                | '∞'
                        )
                    ) =>
            {
                s.math += 1;
            }
            b'.' if i > 0 && is_word(prev) => {
                // File names with a known extension: `main.py`, `nginx.conf`.
                let ext_end = text[i + 1..]
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .map_or(n, |p| i + 1 + p);
                let ext = &text[i + 1..ext_end];
                if !ext.is_empty()
                    && EXTS.iter().any(|e| e.eq_ignore_ascii_case(ext))
                    && b.get(ext_end).is_none_or(|c| !c.is_ascii_alphanumeric())
                {
                    s.file_names += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    s
}
