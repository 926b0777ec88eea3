//! The walk over a script: every simple command of every pipeline, nested
//! scripts (`$( )`, here-docs, `sh -c`) assessed recursively, each command
//! handed to the rules with its context.

use crate::risk::prelude::*;

pub(crate) fn assess_script(src: &str, depth: usize, acc: &mut Acc) {
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
pub(crate) fn detect_fork_bomb(toks: &[Tok], acc: &mut Acc) {
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

pub(crate) fn analyze_cmd(
    cmd: &Cmd,
    prev: Option<&Cmd>,
    upstream: &[Cmd],
    depth: usize,
    acc: &mut Acc,
) {
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

pub(crate) struct Ctx<'a> {
    pub(crate) eff: &'a Effective<'a>,
    pub(crate) args: &'a [&'a str],
    pub(crate) cmd: &'a Cmd,
    pub(crate) prev: Option<&'a Cmd>,
    pub(crate) upstream: &'a [Cmd],
    pub(crate) depth: usize,
}

impl Ctx<'_> {
    pub(crate) fn has_flag(&self, short: char, long: &[&str]) -> bool {
        has_flag(self.args, short, long)
    }
    pub(crate) fn positionals(&self) -> Vec<&Word> {
        positionals(self.eff.args)
    }
}

/// True if `short` occurs in a cluster of short options (`-rf`) or one of the
/// long options is present. Stops at `--`.
pub(crate) fn has_flag(args: &[&str], short: char, long: &[&str]) -> bool {
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
pub(crate) fn positionals(words: &[Word]) -> Vec<&Word> {
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

pub(crate) const SHELLS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "csh", "tcsh", "yash",
];

pub(crate) const INTERPRETERS: &[&str] = &[
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

pub(crate) const DOWNLOADERS: &[&str] = &[
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

pub(crate) fn is_shell(name: &str) -> bool {
    SHELLS.contains(&name)
}

pub(crate) fn script_downloads(src: &str) -> bool {
    let toks = lex(src);
    parse(&toks).iter().any(|p| {
        p.cmds.iter().any(|c| {
            unwrap_cmd(&c.words)
                .is_some_and(|e| DOWNLOADERS.contains(&e.name.to_ascii_lowercase().as_str()))
        })
    })
}

/// The first simple command of a nested script, e.g. `find / -name x` of `$(find / -name x)`.
pub(crate) fn first_cmd(src: &str) -> Option<Cmd> {
    let toks = lex(src);
    parse(&toks)
        .into_iter()
        .next()
        .and_then(|p| p.cmds.into_iter().next())
}
