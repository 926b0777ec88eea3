//! Code that other programs run: awk's `system()` and pipes (`print … |
//! "sh"`, `"cmd" | getline`), vim's `!`, `:lua`/`:py3`, `delete()` and
//! scripted edits, `at` jobs, ed's and m4's shell escapes, ansible's ad-hoc
//! commands (makefiles and justfiles are `build.rs`); and the helpers that
//! read calls, string literals and argument lists out of interpreter code.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        "awk" | "gawk" | "mawk" | "nawk" => awk(ctx, acc),
        "vim" | "vi" | "nvim" | "ex" | "view" | "gvim" | "vimdiff" | "rvim" | "nano" => {
            vim(ctx, acc)
        }
        // less's `+CMD` runs CMD at start; `!cmd` in it is a shell command.
        "less" | "most" => {
            for a in ctx.args {
                let cmd = a
                    .strip_prefix('+')
                    .unwrap_or("")
                    .trim_start_matches(['+', ':']);
                if let Some(shell) = cmd.strip_prefix('!') {
                    acc.caution(format!("{name} runs a shell command"));
                    assess_script(shell, ctx.depth + 1, acc);
                }
            }
        }
        "ansible" => ansible(ctx, acc),
        // m4's syscmd(…)/esyscmd(…) run their argument in a shell.
        "m4" => {
            let judge = |text: &str, depth: usize, acc: &mut Acc| {
                for call in text.split("syscmd(").skip(1) {
                    let inner = call.rsplit_once(')').map_or(call, |(i, _)| i);
                    acc.caution("m4 runs a shell command (syscmd)");
                    assess_script(inner.trim_matches(['`', '\'']), depth, acc);
                }
            };
            for a in ctx.args {
                judge(a, ctx.depth + 1, acc);
            }
            fed_text(ctx, acc, judge);
        }
        // ed's `!cmd` line runs cmd in a shell.
        "ed" | "red" => fed_text(ctx, acc, |text, depth, acc| {
            for line in text.lines() {
                if let Some(shell) = line.trim_start().strip_prefix('!') {
                    acc.caution("ed runs a shell command");
                    assess_script(shell, depth, acc);
                }
            }
        }),
        "at" | "batch" => {
            // The job's commands come from stdin (or -f FILE).
            fed_text(ctx, acc, assess_script);
            acc.caution(format!("{name} schedules commands to run later"));
        }
        _ => return false,
    }
    true
}

/// The text piped into this command: evaluated when it is fixed text, else
/// the string literals of the commands upstream (what they can print).
pub(crate) fn fed_text(ctx: &Ctx, acc: &mut Acc, judge: impl Fn(&str, usize, &mut Acc)) {
    let depth = ctx.depth + 1;
    for r in &ctx.cmd.redirs {
        match r.kind {
            RedirKind::Heredoc => judge(&r.body, depth, acc),
            RedirKind::Herestring => judge(&r.target.text, depth, acc),
            _ => {}
        }
    }
    if ctx.upstream.is_empty() {
        return;
    }
    if let Some(text) = eval_pipeline(ctx.upstream, acc) {
        judge(&text, depth, acc);
        return;
    }
    for c in ctx.upstream {
        let Some(e) = unwrap_cmd(&c.words) else {
            continue;
        };
        let literal = matches!(e.name.as_str(), "echo" | "printf");
        for w in positionals(e.args) {
            if literal {
                judge(&w.text.replace("\\n", "\n"), depth, acc);
            } else if w.quoted {
                for s in string_literals(&w.text) {
                    judge(&s, depth, acc);
                }
            }
        }
    }
}

/// awk programs that run shell commands: `system("…")`, `print … | "sh"`.
fn awk(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    // gawk -i inplace: the program's output replaces each file; a program
    // that prints nothing (`0`, `next`) empties them.
    if args.windows(2).any(|w| w == ["-i", "inplace"]) || args.contains(&"--include=inplace") {
        let program = args
            .iter()
            .filter(|a| !a.starts_with('-') && **a != "inplace")
            .copied()
            .next()
            .unwrap_or("");
        let empties = matches!(
            program.trim(),
            "0" | "" | "next" | "NR<0" | "NR==0" | "{next}"
        );
        let vital = ctx.positionals().iter().any(|w| is_vital_file(&w.text));
        if empties && vital {
            acc.danger("awk -i inplace with a program that prints nothing empties system files");
        } else {
            acc.caution("awk -i inplace edits files in place");
        }
    }
    let mut i = 0;
    while i < args.len() && args[i].starts_with('-') {
        if matches!(
            args[i],
            "-F" | "-v" | "-f" | "--field-separator" | "--assign"
        ) {
            i += 1;
        }
        i += 1;
    }
    // `awk -f <(echo 'PROGRAM')`, `awk -f prog.awk` written earlier.
    let from_file = ctx
        .eff
        .args
        .windows(2)
        .find(|w| w[0].text == "-f")
        .and_then(|w| match &w[1] {
            f if f.procsub => f.subs.first().and_then(|s| eval_script(s, acc)),
            f => match acc.written.get(f.text.trim_start_matches("./")) {
                Some(Written::Text(t)) => Some(t.clone()),
                _ => None,
            },
        });
    let program = match (from_file, args.get(i)) {
        (Some(p), _) => p,
        (None, Some(p)) => p.to_string(),
        (None, None) => return,
    };
    let program = &env_lookups_as_shell(&program);
    // A fixed command is judged as it is; one built from the input at run
    // time is at least caution.
    let mut built = false;
    let system = calls(program, &["system"])
        .into_iter()
        .map(|call| concat_literals(&resolve_identifier(program, &call.args)));
    for run in system.chain(awk_pipes(program)) {
        built |= run.contains(FANOUT);
        assess_script(&run, ctx.depth + 1, acc);
    }
    if built {
        acc.caution(format!(
            "{} runs shell commands built from its input",
            ctx.eff.name
        ));
    }
}

/// What awk's pipes run: `print EXPR | "sh"` runs the printed text as a
/// script, `print … | "CMD"` and `"CMD" | getline` (or `cmd | getline`
/// with `cmd` assigned earlier) run CMD. Text built from fields stands for
/// any name: `print "rm -rf " $1 | "sh"` runs `rm -rf *`.
fn awk_pipes(program: &str) -> Vec<String> {
    const SHELLS: &[&str] = &["sh", "bash", "/bin/sh", "/bin/bash", "dash", "zsh"];
    let mut out = Vec::new();
    for stmt in program.split([';', '{', '}', '\n']) {
        let Some((lhs, rhs)) = stmt.split_once('|') else {
            continue;
        };
        let (lhs, rhs) = (lhs.trim(), rhs.trim().trim_start_matches('&').trim());
        if rhs.starts_with("getline") {
            let expr = lhs
                .trim_start_matches(['(', ' '])
                .trim_start_matches("while");
            let expr = expr.trim_start_matches(['(', ' ']);
            out.push(concat_literals(&resolve_identifier(program, expr)));
            continue;
        }
        let printed = lhs
            .strip_prefix("printf")
            .or_else(|| lhs.strip_prefix("print"))
            .map(str::trim);
        let Some(printed) = printed else {
            continue;
        };
        let target = concat_literals(&resolve_identifier(program, rhs));
        if SHELLS.contains(&target.trim()) {
            // printf's format: each conversion stands for any name.
            let text = if lhs.starts_with("printf") {
                let format = printed.split(',').next().unwrap_or("");
                concat_literals(format)
                    .replace("%s", FANOUT)
                    .replace("%d", FANOUT)
            } else {
                concat_literals(printed)
            };
            if !text.is_empty() {
                out.push(text);
            }
        } else if !target.trim().is_empty() {
            out.push(target);
        }
    }
    out.retain(|t| !t.trim().is_empty() && t != FANOUT);
    out
}

/// vim's `-c CMD`, `+CMD` and `--cmd CMD`: `!cmd` and `system()` run a shell.
fn vim(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    let mut cmds = Vec::new();
    for (i, a) in args.iter().enumerate() {
        // `-c CMD`, `--cmd CMD`, and clusters ending in c (`ex -sc CMD`, `vim -Esc CMD`).
        let takes_cmd = matches!(*a, "-c" | "--cmd")
            || a.len() > 2
                && a.starts_with('-')
                && !a.starts_with("--")
                && a.ends_with('c')
                && a[1..].chars().all(|c| c.is_ascii_alphabetic());
        if takes_cmd {
            cmds.extend(args.get(i + 1).copied());
        } else if let Some(c) = a.strip_prefix('+') {
            cmds.push(c);
        }
    }
    vim_writes(ctx, &cmds, acc);
    for c in cmds {
        let c = c.trim_start_matches([':', ' ']);
        let c = c
            .strip_prefix("silent!")
            .or_else(|| c.strip_prefix("silent"))
            .unwrap_or(c)
            .trim_start_matches([':', ' ']);
        // `exe "!rm -rf ~"`, `execute '!…'`: the string is the ex command.
        let executed = ["execute", "exe"]
            .iter()
            .find_map(|k| c.strip_prefix(k))
            .and_then(|rest| string_literals(rest).into_iter().next());
        let c = executed
            .as_deref()
            .map_or(c, |e| e.trim_start_matches([':', ' ']));
        if let Some(shell) = c.strip_prefix('!') {
            acc.caution(format!("{} runs a shell command", ctx.eff.name));
            assess_script(shell, ctx.depth + 1, acc);
        }
        for call in calls(c, &["system", "systemlist"]) {
            assess_script(&concat_literals(&call.args), ctx.depth + 1, acc);
        }
        if c.starts_with("r !")
            || c.starts_with("w !")
            || c.starts_with("r!")
            || c.starts_with("w!")
        {
            assess_script(c[2..].trim_start_matches(['!', ' ']), ctx.depth + 1, acc);
        }
        vim_embedded(c, ctx.depth, acc);
    }
}

/// vim commands that run other code: `:lua CODE`, `:py3 CODE` (and perl,
/// ruby), `:terminal CMD`, and `delete(PATH, "rf")`, vim's `rm -rf`.
fn vim_embedded(c: &str, depth: usize, acc: &mut Acc) {
    const LANGS: &[(&str, &str)] = &[
        ("lua ", "lua"),
        ("py3 ", "python3"),
        ("python3 ", "python3"),
        ("py ", "python3"),
        ("python ", "python3"),
        ("perl ", "perl"),
        ("ruby ", "ruby"),
    ];
    if let Some((code, lang)) = LANGS
        .iter()
        .find_map(|(p, l)| c.strip_prefix(p).map(|code| (code, *l)))
    {
        super::interpreters::code_run(lang, code, depth + 1, acc);
    }
    if let Some(cmd) = c
        .strip_prefix("terminal ")
        .or_else(|| c.strip_prefix("term "))
    {
        assess_script(cmd, depth + 1, acc);
    }
    for call in calls(c, &["delete"]) {
        let lits = string_literals(&call.args);
        let Some(path) = lits.first() else { continue };
        let rm = match lits.get(1).map(String::as_str) {
            Some(f) if f.contains('r') => "rm -rf --",
            Some(f) if f.contains('d') => "rmdir --",
            _ => "rm -f --",
        };
        let w = Word {
            glob: path.contains(['*', '?']),
            quoted: true,
            text: path.clone(),
            ..Word::default()
        };
        assess_script(&format!("{rm} {}", quote_words(&[w])), depth + 1, acc);
    }
}

/// `ansible HOSTS -m shell -a CMD`: CMD runs on every host (`command` is the
/// default module) and is judged as it would be here, as for `ssh`; `-m file -a 'path=P state=absent'` deletes P there.
fn ansible(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    let value = |short: &str, long: &str| {
        args.iter().enumerate().find_map(|(i, a)| {
            if *a == short || *a == long {
                args.get(i + 1).copied()
            } else {
                a.strip_prefix(long).and_then(|v| v.strip_prefix('='))
            }
        })
    };
    let module = value("-m", "--module-name").unwrap_or("command");
    let Some(margs) = value("-a", "--args") else {
        return;
    };
    match module.rsplit('.').next().unwrap_or(module) {
        "shell" | "command" | "raw" => assess_script(margs, ctx.depth + 1, acc),
        "file" if margs.split_whitespace().any(|kv| kv == "state=absent") => {
            for kv in margs.split_whitespace() {
                let path = ["path=", "dest=", "name="]
                    .iter()
                    .find_map(|k| kv.strip_prefix(k));
                if let Some(p) = path {
                    assess_script(
                        &format!(
                            "rm -rf -- {}",
                            quote_words(&[Word {
                                text: p.to_string(),
                                quoted: true,
                                ..Word::default()
                            }])
                        ),
                        ctx.depth + 1,
                        acc,
                    );
                }
            }
        }
        _ => {}
    }
}

/// vim/ex ex-commands (`-c '%d' -c wq`) that write the files: an edit in
/// place, and emptying the file when every line is deleted first.
fn vim_writes(ctx: &Ctx, cmds: &[&str], acc: &mut Acc) {
    const WRITES: &[&str] = &[
        "w", "wq", "x", "xit", "exit", "wa", "wall", "wqa", "xa", "up", "update",
    ];
    const WHOLE: &[&str] = &["%", "1,$", "0,$", "g/^/", "g/.*/", "g/^.*/", "g/$/", "g/./"];
    let norm: Vec<String> = cmds
        .iter()
        .flat_map(|c| c.split('|'))
        .map(|c| c.trim().trim_start_matches(':').replace(' ', ""))
        .collect();
    if !norm
        .iter()
        .any(|c| WRITES.contains(&c.trim_end_matches('!')))
    {
        return;
    }
    let empties = norm.iter().any(|c| {
        WHOLE.iter().any(|r| {
            c.strip_prefix(r)
                .and_then(|rest| rest.strip_prefix('d'))
                .is_some_and(|rest| rest.chars().all(|ch| ch.is_ascii_alphabetic() || ch == '_'))
        }) || c.ends_with("ggdG")
    });
    let args = ctx.args;
    let mut files = Vec::new();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        let cluster_c =
            a.len() > 2 && a.starts_with('-') && !a.starts_with("--") && a.ends_with('c');
        if cluster_c
            || matches!(
                *a,
                "-c" | "--cmd" | "-u" | "-U" | "-S" | "-i" | "-w" | "-W" | "-s" | "-T"
            )
        {
            i += 1;
        } else if !a.starts_with(['-', '+']) {
            files.push(*a);
        }
        i += 1;
    }
    let name = &ctx.eff.name;
    for f in files {
        if !empties {
            acc.caution(format!("{name} edits {f} in place"));
        } else if is_access_key(f) {
            acc.danger(access_loss("empties", f));
        } else if is_critical_file(f) {
            acc.danger(format!("{name} empties the critical file {f}"));
        } else {
            acc.caution(format!("{name} empties {f}"));
        }
    }
}

/// One call in source code: the function's name and the text of its
/// argument list.
pub(crate) struct Call {
    pub(crate) name: String,
    pub(crate) args: String,
}

/// Calls of the named functions (`name(…)`, and perl's `name "…"`), found by
/// text; the argument text runs to the balancing `)`.
pub(crate) fn calls(code: &str, names: &[&str]) -> Vec<Call> {
    let mut out = Vec::new();
    for name in names {
        let mut from = 0;
        while let Some(pos) = code[from..].find(name) {
            let start = from + pos;
            from = start + name.len();
            let before_ok = code[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            // ruby's and elixir's `rm_rf!(…)`, `exists?(…)`.
            let after = code[from..].trim_start_matches(['!', '?']).trim_start();
            if !before_ok || inside_string(&code[..start]) {
                continue;
            }
            let args = if let Some(rest) = after.strip_prefix('(') {
                balanced_parens(rest)
            } else if after.starts_with(['"', '\'', '$', '@', 'D', 'E', 'P'])
                || after.starts_with("glob")
                || after.starts_with('<')
            {
                // perl/ruby call without parentheses: `rmtree "/x"`, `rm_rf Dir.home`.
                after
                    .split([';', '\n', '}'])
                    .next()
                    .unwrap_or("")
                    .to_string()
            } else {
                continue;
            };
            out.push(Call {
                name: name.to_string(),
                args,
            });
        }
    }
    out
}

/// Whether the end of `before` is inside a string literal ('…' or "…").
fn inside_string(before: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in before.chars() {
        match (quote, c) {
            (_, _) if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            _ => {}
        }
    }
    quote.is_some()
}

fn balanced_parens(s: &str) -> String {
    let mut depth = 1;
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return s[..i].to_string();
                }
            }
            _ => {}
        }
    }
    s.to_string()
}

/// An expression of string literals and other terms, as the shell command it
/// builds: literals are kept, every other term (`$1`, a variable) stands for
/// any name (`*`). `"rm -rf " $1` becomes `rm -rf *`.
pub(crate) fn concat_literals(expr: &str) -> String {
    let mut out = String::new();
    let mut chars = expr.chars().peekable();
    let mut pending_term = false;
    while let Some(c) = chars.next() {
        if c == '"' || c == '\'' || c == '`' {
            if pending_term {
                out.push_str(FANOUT);
                pending_term = false;
            }
            while let Some(n) = chars.next() {
                if n == c {
                    break;
                }
                // A template string's `${expr}`: a literal inside, or any name.
                if c == '`' && n == '$' && chars.peek() == Some(&'{') {
                    let inner: String = chars.by_ref().skip(1).take_while(|x| *x != '}').collect();
                    let lit = string_literals(&inner).into_iter().next();
                    out.push_str(lit.as_deref().unwrap_or(FANOUT));
                    continue;
                }
                if n == '\\' {
                    match chars.next() {
                        Some('n' | 'r') => out.push('\n'),
                        Some('t') => out.push('\t'),
                        Some(e) => out.push(e),
                        None => {}
                    }
                    continue;
                }
                out.push(n);
            }
        } else if c.is_alphanumeric() || c == '$' || c == '_' {
            pending_term = true;
        } else if !pending_term || c == ',' {
            if c == ',' {
                break;
            }
        } else if c.is_whitespace() {
            out.push_str(FANOUT);
            pending_term = false;
        }
    }
    if pending_term {
        out.push_str(FANOUT);
    }
    out
}

/// The contents of the string literals in `code` ('…', "…").
pub(crate) fn string_literals(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        if c != '"' && c != '\'' {
            continue;
        }
        let mut s = String::new();
        while let Some(n) = chars.next() {
            if n == c {
                break;
            }
            if n == '\\' {
                if let Some(e) = chars.next() {
                    s.push(e);
                }
                continue;
            }
            s.push(n);
        }
        out.push(s);
    }
    out
}

/// Bracketed lists made only of string literals (`['rm', '-rf', '/']`) in
/// code that starts processes, joined into a command line; node's
/// `spawn('rm', ['-rf', '/'])` keeps the program name in front.
pub(crate) fn string_lists(code: &str) -> Vec<String> {
    const STARTS: &[&str] = &[
        "subprocess",
        "Popen",
        "call(",
        "run(",
        "check_output",
        "spawn",
        "execFile",
        "execv",
        "system",
        "exec",
    ];
    if !STARTS.iter().any(|k| code.contains(k)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = code[from..].find('[') {
        let start = from + open + 1;
        let Some(len) = code[start..].find(']') else {
            break;
        };
        let inner = &code[start..start + len];
        from = start + len;
        let items = string_literals(inner);
        let only_strings = !items.is_empty()
            && inner
                .split(',')
                .all(|p| p.trim().starts_with(['"', '\'']) || p.trim().is_empty());
        if !only_strings {
            continue;
        }
        // A program name just before the list: spawn('rm', [...]).
        let head = string_literals(&code[..start - 1])
            .last()
            .filter(|_| code[..start - 1].trim_end().ends_with(','))
            .cloned();
        let words: Vec<Word> = head
            .into_iter()
            .chain(items)
            .map(|text| Word {
                text,
                quoted: true,
                ..Word::default()
            })
            .collect();
        out.push(quote_words(&words));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    #[test]
    fn examples() {
        check_examples(&[
            ("sudo gawk -i inplace '0' /etc/hosts /etc/passwd", Danger),
            (
                "gawk -i inplace '{ gsub(/a/, \"b\") } 1' notes.txt",
                Caution,
            ),
            ("m4 <<< 'esyscmd(rm -rf /var/lib/redis)'", Danger),
            ("m4 -D VERSION=1.2 config.m4 > config.h", Safe),
            ("ed -s /dev/null <<'ED'\n!rm -rf ~/Documents\nq\nED", Danger),
            ("ed -s notes.txt <<'ED'\n,s/foo/bar/g\nw\nq\nED", Safe),
            ("awk '{print $1}' access.log", Safe),
            ("awk 'BEGIN{print \"system(rm)\"}'", Safe),
            ("vim -c 'set number' notes.txt", Safe),
            ("less +'!rm -rf ~' /var/log/syslog", Danger),
            ("printf 'all:\\n\\trm -rf ~\\n' > Makefile && make", Danger),
            (
                "printf 'all:\\n\\tcc -o app app.c\\n' > Makefile && make",
                Safe,
            ),
            ("less +G /var/log/syslog", Safe),
            ("less +/error app.log", Safe),
            ("ex -sc '!shred -u ~/.ssh/id_ed25519' -c q", Danger),
            ("vim -Esc '!rm -rf /var/lib/mysql' -cq", Danger),
            ("nvim --headless -c 'exe \"!rm -rf ~\"' -c qa", Danger),
            ("vi -c 'execute \"!mkfs.ext4 /dev/sdb\"' -c q", Danger),
            ("ex -sc '%s/foo/bar/g|x' notes.txt", Caution),
            ("vim -Rc 'set nu' /etc/fstab", Safe),
            ("ex -s -c '1,$d' -c 'x' /etc/sudoers", Danger),
            ("vim -E -s -c 'g/^/d|wq' ~/.ssh/authorized_keys", Danger),
            ("vim -es -c '%s/foo/bar/g' -c wq notes.txt", Caution),
            ("vim -R -c 'g/^/d' /etc/passwd", Safe),
            ("make -f - <<'EOF'\nx:\n\t@rm -rf ~\nEOF", Danger),
            (
                "printf 'all:\\n\\tshred -u /etc/shadow\\n' | make -f -",
                Danger,
            ),
            ("make -f - <<'EOF'\nall:\n\techo hi\nEOF", Safe),
            ("ansible web -a 'rm -rf /srv/www'", Danger),
            (
                "ansible db -m ansible.builtin.file -a 'path=/var/lib/mysql state=absent'",
                Danger,
            ),
            ("ansible all -m ping", Safe),
            ("ansible all -m shell -a 'uptime'", Safe),
            ("python3 -c 'print(1)'", Safe),
            (
                "python3 -c 'import shutil; shutil.rmtree(\"build\")'",
                Caution,
            ),
            ("awk 'BEGIN{system(\"rm -rf ~\")}'", Danger),
            ("gawk '{ system(\"rm -rf \" $1) }' dirs.txt", Danger),
            ("vim -c '!rm -rf ~'", Danger),
            ("nvim --headless +'!rm -rf /srv' +q", Danger),
            (
                "python3 -c 'import shutil; shutil.rmtree(\"/home\")'",
                Danger,
            ),
            ("perl -MFile::Path -e 'rmtree(\"/home/alice\")'", Danger),
            ("ruby -rfileutils -e 'FileUtils.rm_rf(\"/srv\")'", Danger),
            (
                "node -e \"require('fs').rmSync('/home', {recursive: true})\"",
                Danger,
            ),
            (
                "python3 -c \"import subprocess; subprocess.run(['rm','-rf','/home'])\"",
                Danger,
            ),
            ("echo 'rm -rf ~' | at now + 1 minute", Danger),
            // awk's pipes, and makefiles printed or only listed.
            ("awk '{print \"rm -rf \" $1 | \"sh\"}' dirs.txt", Danger),
            (
                "awk '{ printf \"rm -rf %s\\n\", $1 | \"bash\" }' dirs.txt",
                Danger,
            ),
            ("awk 'BEGIN { \"rm -rf /srv\" | getline }'", Danger),
            ("awk -f <(echo 'BEGIN{system(\"rm -rf ~\")}')", Danger),
            ("awk '{print \"rm -rf \" $1}' dirs.txt", Safe),
            ("awk '{ print | \"sort\" }' names.txt", Safe),
            ("awk 'BEGIN { \"date\" | getline d; print d }'", Safe),
            ("make -f <(printf 'all:\\n\\trm -rf ~\\n')", Danger),
            ("make -n -f - <<'EOF'\nall:\n\trm -rf ~\nEOF", Safe),
            ("make -n clean", Safe),
            // vim running other languages and deleting trees.
            (
                "nvim --headless -c 'lua os.execute(\"rm -rf ~\")' -c qa",
                Danger,
            ),
            (
                "vim -c 'py3 import shutil; shutil.rmtree(\"/home\")' -c q",
                Danger,
            ),
            ("vim -c 'call delete(\"/etc\", \"rf\")' -c q", Danger),
            (
                "nvim --headless -c 'lua vim.fn.delete(\"/home\", \"rf\")' -c qa",
                Danger,
            ),
            ("vim -c 'terminal rm -rf ~'", Danger),
            ("vim -c 'call delete(\"notes.txt\")' -c q", Caution),
            ("nvim --headless -c 'lua print(\"rm -rf ~\")' -c qa", Safe),
            // sed's e runs the pattern space (s///e) or a command.
            ("sed 's/.*/rm -rf &/e' dirs.txt", Danger),
            ("echo /home | sed 's/^/rm -rf /e'", Danger),
            ("ls /etc | sed 's|^|rm -f /etc/|e'", Danger),
            ("sed -n '1e rm -rf ~' notes.txt", Danger),
            ("sed -n 's/^/echo /ep' names.txt", Caution),
            ("sed 's/rm -rf/echo/' notes.txt", Safe),
            ("sed 's/e/E/g' notes.txt", Safe),
            ("sed -n 'e date' /dev/null", Safe),
        ]);
    }
}
