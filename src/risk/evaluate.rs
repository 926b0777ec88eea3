//! Static evaluation of the text a pipeline prints, where it can be known
//! without running anything: `echo`, `printf`, here-docs and here-strings,
//! through decoders and filters (`base64 -d`, `xxd -r -p`, `rev`, `tr`).
//! This is how `$(printf '\x72\x6d')` becomes `rm` and
//! `echo cm0gLXJmIC8K | base64 -d | sh` becomes `rm -rf /` fed to a shell.

use crate::risk::prelude::*;

/// Decoders and decompressors: text through one of them into a shell is
/// obfuscated code, whatever it decodes to.
pub(crate) fn is_decoder(name: &str, args: &[&str]) -> bool {
    let decode_flag = || {
        args.iter()
            .any(|a| matches!(*a, "-d" | "--decode" | "-D" | "-r" | "-rp" | "-ps"))
            || has_flag(args, 'd', &["--decode"])
    };
    match name {
        "base64" | "base32" | "basenc" | "gbase64" => decode_flag(),
        "xxd" => has_flag(args, 'r', &["--revert"]),
        "openssl" => {
            args.iter().any(|a| matches!(*a, "base64" | "enc"))
                && args
                    .iter()
                    .any(|a| *a == "-d" || *a == "-base64" && args.contains(&"-d"))
        }
        "uudecode" | "zcat" | "gunzip" | "bzcat" | "bunzip2" | "xzcat" | "unxz" | "zstdcat"
        | "lz4cat" | "unzstd" => true,
        "gzip" | "bzip2" | "xz" | "zstd" | "lz4" => has_flag(args, 'd', &["--decompress"]),
        _ => interpreter_decodes(name, args),
    }
}

/// An interpreter whose inline program decodes text
/// (`python3 -c 'print(base64.b64decode(…))'`, `perl -e 'print pack("H*", …)'`).
fn interpreter_decodes(name: &str, args: &[&str]) -> bool {
    const INTERPRETERS: &[&str] = &[
        "python", "python2", "python3", "perl", "ruby", "node", "nodejs", "php", "deno", "bun",
    ];
    const DECODERS: &[&str] = &[
        "b64decode",
        "b32decode",
        "a85decode",
        "codecs.decode",
        "unhexlify",
        "fromhex",
        "decompress",
        "rot13",
        "rot_13",
        "decode_base64",
        "decode64",
        "base64.decode",
        "base64_decode",
        "str_rot13",
        "hex2bin",
        "gzinflate",
        "pack(",
        "pack \"",
        "unpack1",
        "atob(",
        "'base64')",
        "\"base64\")",
        "'hex')",
        "\"hex\")",
    ];
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    (INTERPRETERS.contains(&name) || INTERPRETERS.contains(&base))
        && args.iter().any(|a| DECODERS.iter().any(|d| a.contains(d)))
}

/// The text `cmds` (one pipeline) prints, when every stage is a known
/// producer or filter with literal input; `None` when it depends on
/// anything else.
pub(crate) fn eval_pipeline(cmds: &[Cmd], acc: &Acc) -> Option<String> {
    let mut text: Option<String> = None;
    for cmd in cmds {
        let words: Vec<Word> = cmd.words.iter().map(|w| expand_word(w, acc)).collect();
        let eff = unwrap_cmd(&words)?;
        // Path arithmetic (`dirname "$HOME"`) is known even for a value that
        // is not: the result keeps the variable.
        let path_tool = matches!(eff.name.as_str(), "dirname" | "realpath" | "readlink");
        if !path_tool && words.iter().any(|w| w.expanded && w.text.contains('$')) {
            return None;
        }
        let args: Vec<&str> = eff.args.iter().map(|w| w.text.as_str()).collect();
        // Input given on the command itself replaces what the pipe carries.
        for r in &cmd.redirs {
            match r.kind {
                RedirKind::Heredoc => text = Some(r.body.clone()),
                RedirKind::Herestring => {
                    text = Some(format!("{}\n", substitute_vars(&r.target.text, &acc.vars)))
                }
                RedirKind::Read => return None,
                _ => {}
            }
        }
        text = Some(eval_stage(&eff.name, &args, text)?);
    }
    text.map(|t| t.trim_end_matches('\n').to_string())
}

/// Statically evaluates a whole nested script (`$( … )`): one pipeline only.
pub(crate) fn eval_script(src: &str, acc: &Acc) -> Option<String> {
    let pipelines = parse(&lex(src));
    match pipelines.as_slice() {
        [p] if p.feed.is_empty() && p.binding.is_none() => eval_pipeline(&p.cmds, acc),
        _ => None,
    }
}

fn eval_stage(name: &str, args: &[&str], input: Option<String>) -> Option<String> {
    match name {
        "echo" => Some(echo(args)),
        "printf" => printf(args),
        "cat" if args.is_empty() || args == ["-"] => input,
        "base64" | "base32" | "openssl" | "gbase64" if is_decoder(name, args) => {
            let inp = input?;
            if name == "base32" {
                return None;
            }
            Some(String::from_utf8_lossy(&base64_decode(&inp)?).into_owned())
        }
        "xxd" if is_decoder(name, args) => {
            Some(String::from_utf8_lossy(&hex_decode(&input?)?).into_owned())
        }
        "rev" if args.is_empty() => Some(
            input?
                .lines()
                .map(|l| l.chars().rev().collect::<String>())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        // `"$(which rm)" -rf /`: the path of the named program.
        "which" if args.len() == 1 && !args[0].starts_with('-') => {
            Some(format!("/usr/bin/{}", args[0]))
        }
        // `command -v rm`, `type -P rm`: the same lookup, another spelling.
        "command" | "type" if args.len() == 2 && matches!(args[0], "-v" | "-p" | "-P") => {
            Some(format!("/usr/bin/{}", args[1]))
        }
        "seq" if (1..=2).contains(&args.len()) => seq(args),
        "dirname" => Some(dirnames(args)),
        // The resolved path names what the path names; `classify` resolves `..`.
        "realpath" | "readlink" if args.iter().any(|a| !a.starts_with('-')) => Some(
            args.iter()
                .copied()
                .filter(|a| !a.starts_with('-'))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        "tr" if args.len() == 2 && !args[0].starts_with('-') => Some(tr(&input?, args[0], args[1])),
        // `tr -d _ <<< r_m`: the characters of the set removed.
        "tr" if args.len() == 2 && matches!(args[0], "-d" | "--delete") => {
            let set = tr_set(args[1]);
            Some(input?.chars().filter(|c| !set.contains(c)).collect())
        }
        _ => None,
    }
}

/// `seq N` / `seq A B`: the numbers, bounded.
fn seq(args: &[&str]) -> Option<String> {
    let n: Vec<i64> = args.iter().map(|a| a.parse().ok()).collect::<Option<_>>()?;
    let (from, to) = if n.len() == 1 {
        (1, n[0])
    } else {
        (n[0], n[1])
    };
    if to - from > 10_000 {
        return None;
    }
    Some(
        (from..=to)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// `dirname A B …`: one parent per operand.
fn dirnames(args: &[&str]) -> String {
    args.iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .map(dirname)
        .collect::<Vec<_>>()
        .join("\n")
}

/// `dirname` as coreutils computes it; for a bare variable (`$HOME`) the
/// parent is written `$HOME/..`.
fn dirname(p: &str) -> String {
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    let var_only = t.starts_with('$') && var_prefix_len(t) == t.len() || t == "~";
    if var_only {
        return format!("{t}/..");
    }
    match t.rfind('/') {
        Some(0) => "/".into(),
        Some(i) => t[..i].trim_end_matches('/').to_string(),
        None => ".".into(),
    }
}

fn echo(args: &[&str]) -> String {
    let mut escapes = false;
    let mut newline = true;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| "neE".contains(c)) {
            escapes |= a.contains('e');
            newline &= !a.contains('n');
            i += 1;
        } else {
            break;
        }
    }
    let joined = args[i..].join(" ");
    let mut out = if escapes { unescape(&joined) } else { joined };
    if newline {
        out.push('\n');
    }
    out
}

/// Backslash escapes as `printf` and `echo -e` read them.
fn unescape(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c != '\\' || i >= chars.len() {
            out.push(c);
            continue;
        }
        let n = chars[i];
        i += 1;
        let number = |radix: u32, max: usize, i: &mut usize| {
            let mut v = 0u32;
            let mut k = 0;
            while k < max && *i < chars.len() {
                match chars[*i].to_digit(radix) {
                    Some(d) => {
                        v = v * radix + d;
                        *i += 1;
                        k += 1;
                    }
                    None => break,
                }
            }
            char::from_u32(v).unwrap_or('?')
        };
        match n {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            '\\' => out.push('\\'),
            'x' => out.push(number(16, 2, &mut i)),
            '0' => out.push(number(8, 3, &mut i)),
            '1'..='7' => {
                i -= 1;
                out.push(number(8, 3, &mut i));
            }
            _ => {
                out.push('\\');
                out.push(n);
            }
        }
    }
    out
}

fn printf(args: &[&str]) -> Option<String> {
    let mut args = args;
    if args.first() == Some(&"--") {
        args = &args[1..];
    }
    let (fmt, rest) = args.split_first()?;
    let fmt = unescape(fmt);
    let mut out = String::new();
    let mut k = 0;
    // The format is reused while arguments remain, as printf does.
    loop {
        let mut chars = fmt.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            // Skip flags and width, then the conversion.
            while chars.peek().is_some_and(|c| "-+ #0123456789.".contains(*c)) {
                chars.next();
            }
            match chars.next() {
                Some('%') => out.push('%'),
                Some('b') => {
                    out.push_str(&unescape(rest.get(k).copied().unwrap_or("")));
                    k += 1;
                }
                Some(_) => {
                    out.push_str(rest.get(k).copied().unwrap_or(""));
                    k += 1;
                }
                None => {}
            }
        }
        if k == 0 || k >= rest.len() {
            break;
        }
    }
    Some(out)
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' | b'\n' | b'\r' | b' ' | b'\t' => continue,
            _ => return None,
        };
        buf = (buf << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    let digits: Vec<u32> = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_digit(16))
        .collect::<Option<_>>()?;
    Some(
        digits
            .chunks(2)
            .map(|p| (p[0] * 16 + p.get(1).copied().unwrap_or(0)) as u8)
            .collect(),
    )
}

/// `tr SET1 SET2` with ranges (`a-z`) and the classes `[:lower:]`/`[:upper:]`.
fn tr(input: &str, set1: &str, set2: &str) -> String {
    let from = tr_set(set1);
    let to = tr_set(set2);
    input
        .chars()
        .map(|c| match from.iter().position(|&f| f == c) {
            Some(i) => to.get(i).or(to.last()).copied().unwrap_or(c),
            None => c,
        })
        .collect()
}

fn tr_set(set: &str) -> Vec<char> {
    let set = set
        .replace("[:lower:]", "a-z")
        .replace("[:upper:]", "A-Z")
        .replace("[:digit:]", "0-9");
    let chars: Vec<char> = set.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if i + 2 < chars.len() && chars[i + 1] == '-' && chars[i] <= chars[i + 2] {
            out.extend(chars[i]..=chars[i + 2]);
            i += 3;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(src: &str) -> Option<String> {
        eval_script(src, &Acc::default())
    }

    #[test]
    fn producers_and_decoders_evaluate() {
        let table: &[(&str, Option<&str>)] = &[
            ("echo rm", Some("rm")),
            (r"printf '\x72\x6d'", Some("rm")),
            (r"printf '\162\155'", Some("rm")),
            ("printf '%s-%s' a b", Some("a-b")),
            ("echo cm0gLXJmIC8K | base64 -d", Some("rm -rf /")),
            ("echo 726d202d7266 | xxd -r -p", Some("rm -rf")),
            ("rev <<< '/ fr- mr'", Some("rm -rf /")),
            ("echo 'ez -es' | tr 'a-z' 'n-za-m'", Some("rm -rf")),
            ("ls /etc", None),
            ("dirname /srv/app/data", Some("/srv/app")),
            ("command -v shred", Some("/usr/bin/shred")),
            ("dirname \"$HOME\"", Some("$HOME/..")),
            ("dirname ~/", Some("~/..")),
            ("realpath -m ~/../..", Some("~/../..")),
            ("echo $UNKNOWN", None),
            ("curl -s https://x.example", None),
        ];
        for (src, want) in table {
            assert_eq!(eval(src).as_deref(), *want, "{src}");
        }
    }

    #[test]
    fn decoders_are_recognised() {
        assert!(is_decoder("base64", &["-d"]));
        assert!(is_decoder("base64", &["--decode"]));
        assert!(!is_decoder("base64", &[]));
        assert!(is_decoder("xxd", &["-r", "-p"]));
        assert!(is_decoder("gzip", &["-dc"]));
        assert!(!is_decoder("gzip", &["-9"]));
        assert!(is_decoder(
            "python3",
            &[
                "-c",
                "import codecs;print(codecs.decode('ez -es ~','rot13'))"
            ]
        ));
        assert!(is_decoder("perl", &["-e", "print pack(\"H*\", $ARGV[0])"]));
        assert!(!is_decoder("python3", &["-c", "print('hello')"]));
        assert_eq!(eval("tr -d _ <<< r_m").as_deref(), Some("rm"));
    }
}
