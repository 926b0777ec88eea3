//! The walk over a script: every simple command of every pipeline, nested
//! scripts (`$( )`, here-docs, `sh -c`) assessed recursively, each command
//! handed to the rules with its context.

use crate::risk::prelude::*;

pub(crate) fn assess_script(src: &str, depth: usize, acc: &mut Acc) {
    if depth > MAX_DEPTH {
        // Unknown is not safe: text nested deeper than is followed.
        acc.caution("scripts nest too deeply to follow: what runs cannot be checked");
        return;
    }
    let (toks, lex_broken) = lex_checked(src);
    if lex_broken.is_some_and(is_unclosed) && !acc.unclosed_tail {
        assess_unclosed(src, depth, acc);
        return;
    }
    detect_fork_bomb(&toks, acc);
    let toks = take_functions(toks, acc);
    let (pipelines, parse_broken) = parse_checked(&toks);
    if let Some(why) = lex_broken.or(parse_broken) {
        acc.caution(format!(
            "the command does not parse as shell ({why}): what would run cannot be known"
        ));
        // One line with a compound command left open (`…; (`): the shell
        // refuses the whole line, so none of it runs as written. (Over
        // several lines, those before the open one do run.)
        let refused = parse_broken.is_some_and(|w| w.contains("is not closed"))
            && !src.trim().contains('\n')
            && !src.contains("[[")
            && !src.contains("((");
        if refused {
            let mut tail = Acc {
                vars: acc.vars.clone(),
                ..Acc::default()
            };
            walk(pipelines, depth, &mut tail);
            acc.absorb_refused(tail, "a compound command is left open");
            return;
        }
    }
    walk(pipelines, depth, acc);
}

/// Every command of the pipelines, in order, with its upstream.
pub(crate) fn walk(pipelines: Vec<Pipeline>, depth: usize, acc: &mut Acc) {
    acc.fed_listing = fed_listing(&pipelines);
    for p in pipelines {
        if let Some((var, words)) = &p.binding {
            let value = loop_value(words, acc);
            acc.vars.insert(var.clone(), value);
        }
        // The group piped into the first command counts as its upstream.
        let all: Vec<Cmd> = p.feed.iter().chain(p.cmds.iter()).cloned().collect();
        for i in p.feed.len()..all.len() {
            let prev = if i > 0 { all.get(i - 1) } else { None };
            analyze_cmd(&all[i], prev, &all[..i], depth, acc);
        }
    }
}

/// A quote or substitution left open: the shell refuses the line it opens
/// on (and everything after), so nothing of it runs as written.
fn is_unclosed(why: &str) -> bool {
    why.contains("quote is not closed")
        || why.contains("backtick substitution is not closed")
        || why.contains("substitution or bracket is not closed")
}

/// The lines before the one where a quote is left open run as they are; the
/// rest does not run until someone closes the quote, so what it would do
/// is reported as caution at most, with its reasons.
fn assess_unclosed(src: &str, depth: usize, acc: &mut Acc) {
    const MAX_LINES: usize = 64;
    let mut cut = 0;
    let mut start = 0;
    for (n, line) in src.split_inclusive('\n').enumerate() {
        let end = start + line.len();
        if n >= MAX_LINES || lex_checked(&src[..end]).1.is_some_and(is_unclosed) {
            cut = start;
            break;
        }
        start = end;
    }
    if cut > 0 {
        assess_script(&src[..cut], depth, acc);
    }
    let mut tail = Acc {
        vars: acc.vars.clone(),
        unclosed_tail: true,
        ..Acc::default()
    };
    assess_script(&src[cut..], depth, &mut tail);
    acc.absorb_unclosed(tail);
}

/// `while read f; do …; done < <(find DIR …)`: the loop's input is a
/// listing given after the body, so it is found before the walk.
fn fed_listing(pipelines: &[Pipeline]) -> Option<String> {
    pipelines
        .iter()
        .flat_map(|p| p.cmds.iter())
        .filter(|c| c.words.is_empty())
        .flat_map(|c| c.redirs.iter())
        .filter(|r| r.kind == RedirKind::Read && r.target.procsub)
        .flat_map(|r| r.target.subs.iter())
        .find_map(|s| first_cmd(s).and_then(|c| listing_value(&c)))
}

/// `find DIR | while read f` (or fed by a process substitution): `f` stands
/// for the paths the listing prints, so a later `rm "$f"` is judged as
/// `rm DIR/*`.
fn read_from_listing(cmd: &Cmd, upstream: &[Cmd], acc: &mut Acc) {
    let Some(read_at) = cmd.words.iter().position(|w| w.text == "read") else {
        return;
    };
    let listed = upstream
        .iter()
        .rev()
        .find_map(listing_value)
        .or_else(|| acc.fed_listing.clone());
    let Some(listed) = listed else {
        return;
    };
    let mut skip_value = false;
    for w in &cmd.words[read_at + 1..] {
        if skip_value {
            skip_value = false;
        } else if w.text.starts_with('-') {
            skip_value = matches!(w.text.as_str(), "-p" | "-d" | "-n" | "-N" | "-t" | "-u");
        } else {
            acc.vars.insert(w.text.clone(), listed.clone());
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
    coprocess_input(cmd, depth, acc);
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
    record_assignments(&cmd.words, acc);
    read_herestring(cmd, acc);
    read_from_listing(cmd, upstream, acc);
    let expanded = normalise_cmd(cmd, acc);
    let cmd = &expanded;
    program_vars(cmd, depth, acc);
    debugger_commands(&cmd.words, depth, acc);
    let bare = cmd.words.len() == 1 && matches!(cmd.words[0].text.as_str(), ":" | "true");
    let eff = if bare { None } else { unwrap_cmd(&cmd.words) };
    let Some(eff) = eff else {
        root_shell_input(cmd, depth, acc);
        bare_redirects(cmd, acc);
        return;
    };
    let name_word = &cmd.words[cmd.words.len() - eff.args.len() - 1];
    if runs_elsewhere(cmd, &eff, name_word, upstream, depth, acc) {
        return;
    }
    if eff.name == "cd" {
        change_dir(&eff, acc);
    }
    if eff.name == "trap" {
        let args: Vec<&str> = eff.args.iter().map(|w| w.text.as_str()).collect();
        record_trap(&args, acc);
        return;
    }
    if eff.name == "set" {
        set_positional(eff.args, acc);
    }
    let args: Vec<&str> = eff.args.iter().map(|w| w.text.as_str()).collect();
    let ctx = Ctx {
        eff: &eff,
        args: &args,
        cmd,
        prev,
        upstream,
        depth,
    };
    if name_word.text.contains('/') {
        run_written(&name_word.text, depth, acc);
    } else if let Some(path) = written_on_path(&eff.name, acc) {
        // `tee /usr/local/bin/cleanup …; cleanup`: the name finds the file.
        run_written(&path, depth, acc);
    }
    if eff.name == "ln" {
        record_link(&args, acc);
    }
    analyze_effective(&ctx, acc);
    analyze_generic_args(&ctx, acc);
    record_written(&ctx, acc);
}

/// A bare redirection such as `> /etc/passwd` truncates its target.
fn bare_redirects(cmd: &Cmd, acc: &mut Acc) {
    for r in cmd.redirs.iter().filter(|r| r.kind == RedirKind::Write) {
        let t = r.target.text.as_str();
        if is_access_key(t) {
            acc.danger(access_loss("empties", t));
        } else if let Some(why) = empties_system_files(&r.target) {
            acc.danger(why);
        } else if !is_harmless_dev(t) && !is_device(t) && !is_critical_file(t) {
            acc.caution(format!("truncates {t}"));
        }
    }
}

/// Commands whose real text is somewhere else: fanned out by xargs or
/// parallel, a computed name, an alias, a function, a name word holding a
/// whole command line (`env -S 'rm -rf /'`). True when judged here.
fn runs_elsewhere(
    cmd: &Cmd,
    eff: &Effective,
    name_word: &Word,
    upstream: &[Cmd],
    depth: usize,
    acc: &mut Acc,
) -> bool {
    if eff.via_xargs {
        // `parallel --dry-run CMD ::: …` prints the commands it would run.
        let wrapper = &cmd.words[..cmd.words.len() - eff.args.len() - 1];
        if wrapper.iter().any(|w| w.text == "--dry-run") {
            return true;
        }
        fan_out(cmd, eff, upstream, depth, acc);
    }
    if computed_name(name_word, eff, depth, acc)
        || pattern_name(name_word, eff, depth, acc)
        || expand_alias(eff, depth, acc)
    {
        return true;
    }
    if acc.functions.contains_key(&eff.name) {
        let args: Vec<String> = eff.args.iter().map(|w| w.text.clone()).collect();
        with_positional(&args, acc, |acc| call_function(&eff.name, depth, acc));
        return true;
    }
    if !name_word.expanded && name_word.text.contains(char::is_whitespace) {
        assess_script(
            &format!("{} {}", name_word.text, quote_words(eff.args)),
            depth + 1,
            acc,
        );
        return true;
    }
    false
}

/// The command with variables and static substitutions put in, and relative
/// paths of deleting commands resolved against a `cd` earlier in the text.
fn normalise_cmd(cmd: &Cmd, acc: &Acc) -> Cmd {
    let mut out = Cmd {
        words: cmd
            .words
            .iter()
            .flat_map(expand_braces)
            .map(|w| expand_word(&w, acc))
            .collect(),
        redirs: cmd.redirs.clone(),
    };
    for r in &mut out.redirs {
        r.target = expand_word(&r.target, acc);
    }
    if !acc.links.is_empty() {
        for w in out.words.iter_mut().skip(1) {
            if let Some(p) = through_links(&w.text, acc) {
                w.text = p;
            }
        }
    }
    let Some(cwd) = acc.cwd.clone() else {
        return out;
    };
    let Some(eff) = unwrap_cmd(&out.words) else {
        return out;
    };
    const RESOLVED: &[&str] = &[
        "rm", "rmdir", "shred", "srm", "unlink", "truncate", "chmod", "chown", "chgrp", "find",
    ];
    if !RESOLVED.contains(&eff.name.as_str()) {
        return out;
    }
    let start = out.words.len() - eff.args.len();
    let only_first = eff.name == "find";
    for w in out.words[start..].iter_mut() {
        let t = &w.text;
        if t.starts_with(['-', '/', '~', '$']) || t.is_empty() {
            continue;
        }
        w.text = format!("{}/{}", cwd.trim_end_matches('/'), t);
        if only_first {
            break;
        }
    }
    out
}

/// `xargs`/`parallel` with input known from the text: the command runs on
/// each item, as `{}` (or `-I STR`) or appended. `parallel 'dd of={}' :::
/// /dev/sd{a,b}` runs `dd of=/dev/sda`; `xargs -I{} sh -c {} <<< 'rm -rf ~'`
/// runs `sh -c 'rm -rf ~'`.
fn fan_out(cmd: &Cmd, eff: &Effective, upstream: &[Cmd], depth: usize, acc: &mut Acc) {
    const MAX_RUNS: usize = 4;
    let start = cmd.words.len() - eff.args.len() - 1;
    let wrapper = &cmd.words[..start];
    let parallel = wrapper.iter().any(|w| basename(&w.text) == "parallel");
    let replace = replace_string(wrapper);
    let sep = eff.args.iter().position(|w| !w.quoted && w.text == ":::");
    let template: Vec<Word> = cmd.words[start..start + 1 + sep.unwrap_or(eff.args.len())].to_vec();
    let (items, per_line): (Vec<String>, bool) = if parallel {
        match sep {
            Some(i) => (
                eff.args[i + 1..].iter().map(|w| w.text.clone()).collect(),
                true,
            ),
            None => return,
        }
    } else {
        let fed = cmd
            .redirs
            .iter()
            .find_map(|r| match r.kind {
                RedirKind::Herestring => Some(r.target.text.clone()),
                RedirKind::Heredoc => Some(r.body.clone()),
                _ => None,
            })
            .or_else(|| {
                (!upstream.is_empty())
                    .then(|| eval_pipeline(upstream, acc))
                    .flatten()
            });
        if fed.is_none() && listed_fan_out(&template, replace.as_deref(), upstream, depth, acc) {
            return;
        }
        let Some(text) = fed else {
            unknown_items(&template, replace.as_deref(), depth, acc);
            return;
        };
        let lines = replace.is_some();
        // `xargs -0`: items end at NUL only, so text without one is a single item.
        let nul = wrapper
            .iter()
            .any(|w| matches!(w.text.as_str(), "-0" | "--null"));
        let items = if nul {
            text.split('\0')
                .map(|i| i.trim_end_matches('\n').to_string())
                .collect()
        } else if lines {
            text.lines().map(str::to_string).collect()
        } else {
            text.split_whitespace().map(str::to_string).collect()
        };
        (items, lines)
    };
    let slot = replace.unwrap_or_else(|| "{}".to_string());
    let has_slot = template.iter().any(|w| w.text.contains(&slot));
    if has_slot || per_line && parallel {
        for item in items.iter().filter(|i| !i.trim().is_empty()).take(MAX_RUNS) {
            let words: Vec<Word> = template
                .iter()
                .map(|w| Word {
                    text: w.text.replace(&slot, item),
                    ..w.clone()
                })
                .collect();
            let mut text = quote_words(&words);
            if !has_slot {
                text = format!(
                    "{text} {}",
                    quote_words(&[Word {
                        text: item.clone(),
                        ..Word::default()
                    }])
                );
            }
            assess_script(&text, depth + 1, acc);
        }
    } else if !items.is_empty() {
        let mut words = template.clone();
        words.extend(items.iter().take(16).map(|i| Word {
            text: i.clone(),
            ..Word::default()
        }));
        assess_script(&quote_words(&words), depth + 1, acc);
    }
}

/// `xargs -I{} sh -c 'rm -rf {}' < list`: items not known from the text
/// stand for any name where the replace string is.
fn unknown_items(template: &[Word], replace: Option<&str>, depth: usize, acc: &mut Acc) {
    let Some(slot) = replace.filter(|s| !s.is_empty()) else {
        return;
    };
    if !template.iter().any(|w| w.text.contains(slot)) {
        return;
    }
    let words: Vec<Word> = template
        .iter()
        .map(|w| Word {
            glob: w.glob || w.text.contains(slot),
            text: w.text.replace(slot, FANOUT),
            ..w.clone()
        })
        .collect();
    assess_script(&quote_words(&words), depth + 1, acc);
}

/// xargs's `-I STR` / `-ISTR` / `--replace=STR` / `-i` (meaning `{}`).
fn replace_string(wrapper: &[Word]) -> Option<String> {
    wrapper
        .windows(2)
        .find(|w| w[0].text == "-I")
        .map(|w| w[1].text.clone())
        .or_else(|| {
            wrapper.iter().find_map(|w| {
                w.text
                    .strip_prefix("-I")
                    .or_else(|| w.text.strip_prefix("--replace="))
                    .filter(|r| !r.is_empty())
                    .map(str::to_string)
            })
        })
        .or_else(|| {
            wrapper
                .iter()
                .any(|w| w.text == "-i")
                .then(|| "{}".to_string())
        })
}

/// `sudo -s <<< 'cmd'` / `sudo -i <<EOF`: a root shell reads the text.
fn root_shell_input(cmd: &Cmd, depth: usize, acc: &mut Acc) {
    if cmd.words.first().is_some_and(|w| {
        matches!(
            w.text.as_str(),
            "sudo" | "doas" | "su" | "pkexec" | "runuser"
        )
    }) {
        for r in &cmd.redirs {
            match r.kind {
                RedirKind::Herestring => assess_script(&r.target.text, depth + 1, acc),
                RedirKind::Heredoc => assess_script(&r.body, depth + 1, acc),
                _ => {}
            }
        }
    }
}

/// `cd DIR`: later relative paths are inside DIR when it is known.
fn change_dir(eff: &Effective, acc: &mut Acc) {
    let target = positionals(eff.args)
        .first()
        .map(|w| w.text.clone())
        .unwrap_or_else(|| "~".into());
    acc.cwd = if target.starts_with(['/', '~']) || target.starts_with("$HOME") {
        Some(target)
    } else if target == "-" {
        None
    } else {
        acc.cwd
            .as_ref()
            .map(|c| format!("{}/{}", c.trim_end_matches('/'), target))
    };
}

/// A command name that is not literal. Returns true when the command was
/// judged here (computed at run time, or rewritten and assessed again).
fn computed_name(name_word: &Word, eff: &Effective, depth: usize, acc: &mut Acc) -> bool {
    if !name_word.expanded {
        return false;
    }
    // `"$SHELL" -c …`: the user's shell, whichever it is.
    if matches!(
        name_word.text.as_str(),
        "$SHELL" | "${SHELL}" | "$BASH" | "${BASH}"
    ) {
        assess_script(&format!("sh {}", quote_words(eff.args)), depth + 1, acc);
        return true;
    }
    let from_decoder = name_word.subs.iter().any(|s| script_decodes(s));
    if name_word.subs.iter().any(|s| script_downloads(s)) {
        acc.danger("runs downloaded text as a command");
    } else if from_decoder && name_word.text.contains('$') {
        acc.danger("runs decoded text as a command");
    } else if from_decoder {
        // Decoded here already: what it names is judged like any command.
        acc.caution(format!(
            "the command name is decoded at run time ({})",
            name_word.text
        ));
    }
    // `IFS=,; c=rm,-rf,/; $c`: the value splits at the IFS characters set
    // earlier; `rm${IFS}-rf${IFS}$HOME` at the default blank, and the words
    // after the first are judged as arguments (a computed first word is
    // still reported when the split text is assessed).
    let ifs: Vec<char> = acc
        .vars
        .get("IFS")
        .map(|v| v.chars().filter(|c| !c.is_whitespace()).collect())
        .unwrap_or_default();
    let splits = name_word.text.contains(char::is_whitespace)
        || !ifs.is_empty() && name_word.text.contains(ifs.as_slice());
    if name_word.text.contains('$') && !splits {
        acc.caution(format!(
            "the command name is computed at run time ({}): what runs cannot be checked",
            name_word.text
        ));
        // `$CMD -rf /`: whatever it is, it is told to act recursively on /.
        let recursive = eff.args.iter().any(|w| {
            w.text.starts_with('-') && !w.text.starts_with("--") && w.text.contains(['r', 'R'])
        });
        let target = positionals(eff.args)
            .into_iter()
            .find(|w| classify(&w.text).is_some_and(|c| c != PathClass::Other));
        if let (true, Some(t)) = (recursive, target) {
            acc.danger(format!(
                "a command computed at run time is told to act recursively on {}",
                t.text
            ));
        }
        return true;
    }
    if splits {
        // `X="rm -rf"; $X /var/www`: the value splits into a command and its flags.
        let split = name_word.text.replace(ifs.as_slice(), " ");
        let text = format!("{split} {}", quote_words(eff.args));
        assess_script(&text, depth + 1, acc);
        return true;
    }
    false
}

/// `GIT_PAGER='…' git log`: the value is a program the command runs.
fn program_vars(cmd: &Cmd, depth: usize, acc: &mut Acc) {
    for w in cmd
        .words
        .iter()
        .take_while(|w| is_assignment(w) || w.text == "env")
    {
        if let Some((name, value)) = w.text.split_once('=') {
            if PROGRAM_VARS.contains(&name) {
                assess_script(value, depth + 1, acc);
            }
        }
    }
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
        // GNU parallel's argument separators.
        if !w.quoted && matches!(w.text.as_str(), ":::" | "::::" | ":::+") {
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
    "luajit",
    "rscript",
    "r",
    "julia",
    "emacs",
    "tclsh",
    "osascript",
    "groovy",
    "elixir",
    "pwsh",
    "powershell",
    "iex",
    "invoke-expression",
    "pypy",
    "pypy3",
    "jruby",
    "erl",
    "escript",
    "expect",
    "wish",
    "racket",
    "guile",
    "sbcl",
    "clojure",
    "clj",
    "bb",
    "raku",
    "perl6",
    "scala",
    "kotlin",
    "qjs",
    "gjs",
    "jshell",
];

/// `python3.11`, `lua5.4`, `php8.2`, `tclsh8.6`, `ruby3.2`: a versioned
/// interpreter is that interpreter (`python3.11` is `python3`).
pub(crate) fn canonical_interpreter(name: &str) -> Option<&'static str> {
    // Most names end in a letter: nothing to strip, nothing to allocate.
    if !name.ends_with(|c: char| c.is_ascii_digit()) && !name.ends_with(".exe") {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let lower = lower.strip_suffix(".exe").unwrap_or(&lower);
    let stem = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '-');
    if stem == lower || stem.is_empty() {
        return None;
    }
    let keep3 = stem == "python" && lower[stem.len()..].starts_with('3');
    let keep2 = stem == "python" && lower[stem.len()..].starts_with('2');
    let want = match (keep3, keep2) {
        (true, _) => "python3",
        (_, true) => "python2",
        _ => stem,
    };
    INTERPRETERS.iter().copied().find(|i| *i == want)
}

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

/// A nested script that decodes text (`echo … | base64 -d`).
pub(crate) fn script_decodes(src: &str) -> bool {
    parse(&lex(src)).iter().any(|p| {
        p.cmds.iter().any(|c| {
            unwrap_cmd(&c.words).is_some_and(|e| {
                let args: Vec<&str> = e.args.iter().map(|w| w.text.as_str()).collect();
                is_decoder(&e.name, &args)
            })
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
