//! Tcl code (`tclsh`, `wish`) and expect scripts: `exec CMD…` and
//! `open "|CMD"` run CMD, `file delete -force P` is `rm -rf P`, and expect's
//! `spawn CMD…` runs CMD while what `send` types into a spawned shell (or
//! ssh session) runs there. Braced bodies (`if`, `proc`, `foreach`,
//! `expect` actions) are code too.

use crate::risk::prelude::*;

/// Commands whose braced words are bodies of code.
const BODIES: &[&str] = &[
    "if",
    "elseif",
    "else",
    "while",
    "for",
    "foreach",
    "proc",
    "catch",
    "try",
    "expect",
    "interact",
    "after",
    "uplevel",
    "namespace",
    "switch",
    "time",
    "eval",
    "lmap",
    "dict",
];

/// Programs that read commands from what `send` types.
const TYPED_INTO: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "ash", "ssh", "telnet", "su", "sudo", "docker", "kubectl",
    "podman",
];

/// What the tcl (or expect) code runs, judged as shell.
pub(crate) fn tcl_code(code: &str, depth: usize, acc: &mut Acc) {
    let mut st = Tcl::default();
    walk_tcl(code, depth, &mut st, acc);
}

/// What a Tcl walk knows: the program `spawn` started, and variables set
/// (`set x …`, `foreach f [glob /etc/*]`).
#[derive(Default)]
struct Tcl {
    spawned: Option<String>,
    vars: std::collections::HashMap<String, String>,
}

fn walk_tcl(code: &str, depth: usize, st: &mut Tcl, acc: &mut Acc) {
    if depth > MAX_DEPTH {
        return;
    }
    for cmd in commands(code) {
        let words = tcl_words(&cmd, depth, st, acc);
        let Some(first) = words.first() else {
            continue;
        };
        let rest = &words[1..];
        match first.as_str() {
            "exec" => shell_words(skip_options(rest), depth, acc),
            "system" => assess_script(&rest.join(" "), depth + 1, acc),
            "spawn" => {
                let cmdline = skip_options(rest);
                st.spawned = cmdline.first().map(|p| basename(p).to_string());
                shell_words(cmdline, depth, acc);
            }
            "send" => {
                let typed_into = st
                    .spawned
                    .as_deref()
                    .is_some_and(|p| TYPED_INTO.contains(&p));
                if let (true, Some(text)) = (typed_into, skip_options(rest).first()) {
                    assess_script(text, depth + 1, acc);
                }
            }
            "file" if rest.first().is_some_and(|s| s == "delete") => {
                let force = rest.iter().any(|w| w == "-force");
                let paths: Vec<&String> =
                    rest[1..].iter().filter(|w| !w.starts_with('-')).collect();
                let words: Vec<String> = [if force { "rm -rf --" } else { "rm -f --" }.to_string()]
                    .into_iter()
                    .chain(paths.iter().map(|p| quote_one(p)))
                    .collect();
                assess_script(&words.join(" "), depth + 1, acc);
            }
            "set" if rest.len() == 2 => {
                st.vars.insert(rest[0].clone(), rest[1].clone());
            }
            "open" => {
                if let Some(pipe) = rest.first().and_then(|p| p.strip_prefix('|')) {
                    assess_script(pipe, depth + 1, acc);
                }
            }
            _ => {}
        }
    }
}

/// The words after a command's own options (`exec -ignorestderr --`).
fn skip_options(words: &[String]) -> &[String] {
    let mut i = 0;
    while let Some(w) = words.get(i) {
        if w == "--" {
            return &words[i + 1..];
        }
        if !w.starts_with('-') {
            break;
        }
        i += 1;
    }
    &words[i..]
}

/// Tcl words as a shell command line: each word quoted, exec's pipe and
/// redirection words kept as operators.
fn shell_words(words: &[String], depth: usize, acc: &mut Acc) {
    if words.is_empty() {
        return;
    }
    let line: Vec<String> = words
        .iter()
        .map(|w| {
            if matches!(
                w.as_str(),
                "|" | ">" | ">>" | "<" | "&" | "2>" | "2>@1" | ">&"
            ) {
                w.clone()
            } else {
                quote_one(w)
            }
        })
        .collect();
    assess_script(&line.join(" "), depth + 1, acc);
}

fn quote_one(w: &str) -> String {
    quote_words(&[Word {
        text: w.to_string(),
        quoted: !w.contains(FANOUT),
        glob: w.contains(['*', '?']),
        ..Word::default()
    }])
}

/// The commands of a Tcl script: split at newlines and `;` outside braces,
/// brackets and quotes; comments dropped.
fn commands(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut braces, mut brackets, mut quoted, mut escaped) = (0i32, 0i32, false, false);
    for c in code.chars() {
        if escaped {
            escaped = false;
            cur.push(c);
            continue;
        }
        match c {
            '\\' => escaped = true,
            '{' if !quoted => braces += 1,
            '}' if !quoted => braces -= 1,
            '[' => brackets += 1,
            ']' => brackets -= 1,
            '"' if braces == 0 => quoted = !quoted,
            '\n' | ';' if braces <= 0 && brackets <= 0 && !quoted => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty() && !c.starts_with('#'))
        .collect()
}

/// One command's words: braces quote, `"…"` takes backslash escapes (`\r`
/// ends a typed line), `[…]` is a nested command (walked; its value is
/// any name). Braced bodies of control commands are walked as code.
fn tcl_words(cmd: &str, depth: usize, st: &mut Tcl, acc: &mut Acc) -> Vec<String> {
    let chars: Vec<char> = cmd.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let mut w = String::new();
        if chars[i] == '{' {
            let (body, end) = balanced(&chars, i, '{', '}');
            let control = words.first().is_some_and(|f| BODIES.contains(&f.as_str()));
            // `foreach f LIST { … }`: in the body, f stands for LIST.
            if words.len() == 3 && words[0] == "foreach" {
                st.vars.insert(words[1].clone(), words[2].clone());
            }
            if control && !words.is_empty() {
                walk_tcl(&body, depth + 1, st, acc);
            }
            w = body;
            i = end;
        } else {
            let quote = chars[i] == '"';
            if quote {
                i += 1;
            }
            while i < chars.len()
                && (quote && chars[i] != '"' || !quote && !chars[i].is_whitespace())
            {
                match chars[i] {
                    '\\' if i + 1 < chars.len() => {
                        i += 1;
                        match chars[i] {
                            'r' | 'n' => w.push('\n'),
                            't' => w.push('\t'),
                            c => w.push(c),
                        }
                    }
                    '[' => {
                        let (inner, end) = balanced(&chars, i, '[', ']');
                        walk_tcl(&inner, depth + 1, st, acc);
                        // `[glob /etc/*]` yields what its patterns match.
                        match inner.trim().strip_prefix("glob ") {
                            Some(g) => w.push_str(g.trim_start_matches("-nocomplain ").trim()),
                            None => w.push_str(FANOUT),
                        }
                        i = end - 1;
                    }
                    '$' => {
                        let name: String = chars[i + 1..]
                            .iter()
                            .take_while(|c| c.is_alphanumeric() || **c == '_')
                            .collect();
                        i += name.len();
                        let value = st.vars.get(&name).cloned();
                        match value {
                            Some(v) => w.push_str(&v),
                            None if name.is_empty() => w.push('$'),
                            None => w.push_str(FANOUT),
                        }
                    }
                    c => w.push(c),
                }
                i += 1;
            }
            if quote {
                i += 1;
            }
        }
        words.push(w);
    }
    words
}

/// The text between an opening bracket at `start` and its match, and the
/// index just past the match.
fn balanced(chars: &[char], start: usize, open: char, close: char) -> (String, usize) {
    let mut depth = 0;
    let mut i = start;
    while i < chars.len() {
        if chars[i] == '\\' {
            i += 2;
            continue;
        }
        if chars[i] == open {
            depth += 1;
        } else if chars[i] == close {
            depth -= 1;
            if depth == 0 {
                return (chars[start + 1..i].iter().collect(), i + 1);
            }
        }
        i += 1;
    }
    (
        chars[(start + 1).min(chars.len())..].iter().collect(),
        chars.len(),
    )
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    /// Tcl and expect, in line with the written policy.
    #[test]
    fn examples() {
        check_examples(&[
            ("tclsh <<< 'exec rm -rf /etc'", Danger),
            ("echo 'exec rm -rf ~' | tclsh", Danger),
            ("tclsh <<'EOF'\nfile delete -force /var/www\nEOF", Danger),
            ("tclsh <<'EOF'\nexec sh -c {rm -rf /srv/data}\nEOF", Danger),
            ("tclsh <<'EOF'\nif {1} { exec rm -rf ~ }\nEOF", Danger),
            ("tclsh <<< 'puts \"rm -rf /\"'", Safe),
            ("tclsh <<'EOF'\nfile delete notes.tmp\nEOF", Caution),
            ("expect -c 'spawn rm -rf /home; expect eof'", Danger),
            (
                "expect -c 'spawn ssh host; send \"rm -rf /var/www\\r\"; expect eof'",
                Danger,
            ),
            (
                "expect <<'EOF'\nspawn bash\nsend \"rm -rf ~\\r\"\nexpect eof\nEOF",
                Danger,
            ),
            ("expect -c 'spawn ssh host uptime; expect eof'", Safe),
            (
                "expect -c 'spawn passwd; expect \"password:\"; send \"rm -rf /\\r\"'",
                Caution,
            ),
            (
                "expect -c 'spawn ssh host; expect \"$ \"; send \"uptime\\r\"; expect eof'",
                Safe,
            ),
        ]);
    }
}
