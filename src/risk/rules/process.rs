//! How code in any language starts processes: strings handed to a shell
//! (`system`, `exec`, backticks, `qx`, `popen`) and argument lists handed
//! to a program (`system "rm", "-rf", P`, `subprocess.run([…])`,
//! `os.execlp`, `spawnSync('rm', […])`, `System.cmd`, `call-process`),
//! assembled into the command line that runs.

use crate::risk::prelude::*;

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
        "passthru",
        "proc_open",
        "execute",
        "shell-command",
        "call-process",
        "Open3",
        "Command(",
    ];
    // The keyword must be code, not text (`cat("system(…)")` only prints).
    let outside = outside_literals(code);
    if !RUNS_SHELL.iter().any(|k| outside.contains(k)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // Perl's q{…}, qq{…}, qx{…}, q(…): a quote-like operator with a bracket.
        let perl_open = if c == 'q' || c == '%' && chars.get(i + 1) == Some(&'x') {
            let j = if c == '%' || chars.get(i + 1).is_some_and(|&n| n == 'q' || n == 'x') {
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

/// The string literals of interpreter code that a shell runs, less those
/// that only look like commands: a single quoted word (`"rm"` of `system
/// "echo", "rm"`) and the words of an argument list (judged with their
/// list), what print calls print, a javascript template string or julia
/// command literal not run (`` $`cmd` `` is run), and tcl, walked by its
/// own rules.
pub(crate) fn shell_strings_run(name: &str, code: &str) -> Vec<String> {
    const PRINTS: &[&str] = &[
        "print",
        "puts",
        "echo",
        "say",
        "printf",
        "println",
        "console.log",
        "cat",
        "message",
        "display",
        "format",
        "warn",
        "die",
        "write",
        "IO.puts",
        "io.format",
    ];
    if matches!(name, "tclsh" | "wish" | "expect") {
        return Vec::new();
    }
    let strings = interpreter_shell_strings(code);
    if strings.is_empty() {
        return strings;
    }
    let list_word = |s: &str| {
        !s.contains(char::is_whitespace)
            && (code.contains(&format!("\"{s}\"")) || code.contains(&format!("'{s}'")))
    };
    let argv = argv_literals(code);
    let printed: Vec<String> = calls(code, PRINTS)
        .iter()
        .flat_map(|c| string_literals(&c.args))
        .collect();
    let js_like = matches!(
        name,
        "node" | "nodejs" | "deno" | "bun" | "julia" | "qjs" | "gjs"
    );
    let template =
        |s: &str| js_like && code.contains(&format!("`{s}`")) && !code.contains(&format!("$`{s}`"));
    strings
        .into_iter()
        .filter(|s| !list_word(s) && !argv.contains(s) && !template(s) && !printed.contains(s))
        .collect()
}

/// Code held in a string and run by the language itself: `exec('…')`,
/// `eval("…")`, `instance_eval`, `new Function("…")`, ruby's `eval %q{…}`.
pub(crate) fn evaluated_code(code: &str) -> Vec<String> {
    const EVALS: &[&str] = &[
        "exec",
        "eval",
        "instance_eval",
        "class_eval",
        "Function",
        "compile",
    ];
    let mut out: Vec<String> = calls(code, EVALS)
        .iter()
        .map(|c| concat_literals(&first_arg(&c.args)))
        .collect();
    for q in ["eval %q{", "eval %q(", "eval q{"] {
        if let Some((_, rest)) = code.split_once(q) {
            out.push(
                rest.rsplit_once(['}', ')'])
                    .map_or(rest, |(b, _)| b)
                    .to_string(),
            );
        }
    }
    out.retain(|c| c.contains(['(', ';', ' ']) && c != FANOUT);
    out
}

/// perl's and ruby's pipe opens: `open(P, "|-", "cmd")`, `open(P, "cmd |")`,
/// `open("|cmd")`: the command runs.
fn pipe_opens(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for call in calls(code, &["open"]) {
        let lits = string_literals(&call.args);
        if let Some(i) = lits.iter().position(|l| l == "|-" || l == "-|") {
            let rest: Vec<Word> = lits[i + 1..]
                .iter()
                .map(|t| Word {
                    text: t.clone(),
                    quoted: true,
                    ..Word::default()
                })
                .collect();
            match rest.as_slice() {
                [one] => out.push(one.text.clone()),
                _ => out.push(quote_words(&rest)),
            }
            continue;
        }
        for l in lits {
            let t = l.trim();
            if let Some(cmd) = t.strip_prefix('|').or_else(|| t.strip_suffix('|')) {
                out.push(cmd.to_string());
            }
        }
    }
    out
}

/// Calls that start a process, by language. With one string the string is
/// a shell command line (`system("rm -rf ~")`, `os.execute`, `popen`);
/// with an argument list the list is the program and its words
/// (`system "rm", "-rf", P`, `spawnSync("rm", ["-rf", P])`).
const PROCESS_CALLS: &[&str] = &[
    "system",
    "popen",
    "exec",
    "execSync",
    "shell_exec",
    "passthru",
    "shell-command",
    "async-shell-command",
    "call-process-shell-command",
    "getoutput",
    "getstatusoutput",
    "check_output",
    "check_call",
    "spawn",
    "spawnSync",
    "execFile",
    "execFileSync",
    "execv",
    "execvp",
    "execve",
    "execvpe",
    "execl",
    "execlp",
    "execle",
    "execlpe",
    "spawnl",
    "spawnlp",
    "spawnv",
    "spawnvp",
    "posix_spawn",
    "create_subprocess_exec",
    "create_subprocess_shell",
    "posix_spawnp",
    "pcntl_exec",
    "proc_open",
    "popen2",
    "popen3",
    "capture2",
    "capture2e",
    "capture3",
    "system2",
    "System.cmd",
    "os.execute",
    "io.popen",
    "os:cmd",
    "do shell script",
    "call-process",
    "start-process",
    "process-file",
    "run-program",
    "ProcessBuilder",
    "Command",
    "shell",
    "sh",
];

/// Generic names that start a process only in code that imports the
/// module they belong to (`subprocess.run`).
const QUALIFIED: &[(&str, &str)] = &[
    ("run", "subprocess"),
    ("call", "subprocess"),
    ("Popen", "subprocess"),
    // julia's command literals: run(`rm -rf x`), read(`cmd`, String).
    ("run", "`"),
    ("read", "`"),
    ("success", "`"),
    ("pipeline", "`"),
];

/// `system(cmd)` with `cmd = "rm -rf " + os.environ["HOME"]` earlier: the
/// command line the call builds, variables looked up, every other term
/// standing for any name; an argument list is assembled into its words.
pub(crate) fn shell_calls(code: &str, depth: usize, acc: &mut Acc) {
    let mut found = calls(code, PROCESS_CALLS);
    for (name, module) in QUALIFIED {
        if code.contains(module) {
            found.extend(calls(code, &[name]));
        }
    }
    found.extend(perl_exec_blocks(code));
    for cmd in pipe_opens(code) {
        assess_script(&cmd, depth + 1, acc);
    }
    for call in found {
        let args = resolve_identifier(code, &call.args);
        if let Some(line) = argv_line(&args) {
            assess_script(&line, depth + 1, acc);
            continue;
        }
        let first = first_arg(&args);
        let expr = resolve_identifier(code, &first);
        let text = joined_text(code, &expr);
        if text == FANOUT && call.name != "exec" && call.name != "run" {
            // `os.system(input())`, `system($cmd)`: unknown is not safe.
            acc.caution(format!(
                "code runs a command computed at run time ({}): what runs cannot be checked",
                call.name
            ));
        } else if !text.trim().is_empty() && text != FANOUT {
            assess_script(&text, depth + 1, acc);
        }
    }
    for line in shell_named_calls(code) {
        assess_script(&line, depth + 1, acc);
    }
}

/// The string an expression builds: literals and terms (`concat_literals`),
/// the joiners `paste(…)`/`paste0(…)`/`str(…)`/`string-append` with their
/// parts, `sprintf("rm -rf %s", d)` with each `%s` standing for any name.
fn joined_text(code: &str, expr: &str) -> String {
    let e = expr.trim();
    if let Some(t) = formatted(code, e) {
        return t;
    }
    for (f, sep) in [
        ("paste0(", ""),
        ("paste(", " "),
        ("str(", ""),
        ("string-append ", ""),
        ("concat(", ""),
        ("sprintf(", ""),
        ("format(", ""),
    ] {
        let Some(inner) = e.strip_prefix(f) else {
            continue;
        };
        let inner = inner.strip_suffix(')').unwrap_or(inner);
        let parts: Vec<String> = split_args(inner)
            .iter()
            .filter(|p| !p.contains('='))
            .map(|p| concat_literals(p))
            .collect();
        if f == "sprintf(" || f == "format(" {
            return parts
                .split_first()
                .map_or_else(String::new, |(t, rest)| fill(t, rest));
        }
        return parts.join(sep);
    }
    concat_literals(expr).replace("%s", FANOUT)
}

/// Python's formatting: `"rm -rf %s" % d`, `"rm -rf {}".format(d)`,
/// `f"rm -rf {d}"`, with each value a literal (looked up when a variable
/// names one) or any name.
fn formatted(code: &str, e: &str) -> Option<String> {
    let value = |v: &str| {
        let v = resolve_identifier(code, v.trim());
        match v.trim_start().starts_with(['"', '\'']) {
            true => concat_literals(&v),
            false => FANOUT.to_string(),
        }
    };
    let values =
        |args: &str| -> Vec<String> { split_args(args).iter().map(|a| value(a)).collect() };
    if let Some(body) = e.strip_prefix("f\"").or_else(|| e.strip_prefix("f'")) {
        let body = body.trim_end_matches(['"', '\'']);
        let mut out = String::new();
        let mut rest = body;
        while let Some((before, after)) = rest.split_once('{') {
            out.push_str(before);
            let (inner, tail) = after.split_once('}').unwrap_or((after, ""));
            out.push_str(&value(inner));
            rest = tail;
        }
        out.push_str(rest);
        return Some(out);
    }
    if !e.starts_with(['"', '\'']) {
        return None;
    }
    let lit_end = top_level(e).next().map_or(e.len(), |(i, _)| i);
    let (fmt, rest) = e.split_at(lit_end);
    let rest = rest.trim();
    let args = if let Some(a) = rest.strip_prefix(".format(") {
        values(a.strip_suffix(')').unwrap_or(a))
    } else if let Some(a) = rest.strip_prefix('%') {
        let a = a.trim();
        match a.strip_prefix('(') {
            Some(t) => values(t.strip_suffix(')').unwrap_or(t)),
            None => vec![value(a)],
        }
    } else {
        return None;
    };
    Some(fill(&concat_literals(fmt), &args))
}

/// A format with its placeholders (`%s`, `%d`, `{}`, `{0}`, `{name}`)
/// filled in turn by `args`, any left over standing for any name.
fn fill(fmt: &str, args: &[String]) -> String {
    let mut out = String::new();
    let mut next = args.iter();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        let placeholder = match (c, chars.peek()) {
            ('%', Some('s' | 'd' | 'r')) => {
                chars.next();
                true
            }
            ('{', Some(_)) if fmt.contains('}') => {
                for n in chars.by_ref() {
                    if n == '}' {
                        break;
                    }
                }
                true
            }
            _ => false,
        };
        if placeholder {
            out.push_str(next.next().map_or(FANOUT, String::as_str));
        } else {
            out.push(c);
        }
    }
    out
}

/// The string literals of every call that hands a program an argument
/// list: they are words of that list, not command lines of their own
/// (`system("grep", "-r", "rm -rf", ".")` only searches).
fn argv_literals(code: &str) -> Vec<String> {
    let mut found = calls(code, PROCESS_CALLS);
    found.extend(perl_exec_blocks(code));
    found
        .into_iter()
        .filter(|c| argv_line(&resolve_identifier(code, &c.args)).is_some())
        .flat_map(|c| string_literals(&c.args))
        .collect()
}

/// Calls named for a shell command and given its flags, as shelljs and
/// similar libraries take them: `shell.rm("-rf", "/srv")` is `rm -rf /srv`.
fn shell_named_calls(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for call in calls(code, &["rm", "chmod", "chown", "mv", "cp"]) {
        let words = string_literals(&call.args);
        if !words.first().is_some_and(|w| w.starts_with('-')) {
            continue;
        }
        let words: Vec<Word> = std::iter::once(call.name.clone())
            .chain(words)
            .map(|text| Word {
                glob: text.contains(['*', '?']),
                quoted: true,
                text,
                ..Word::default()
            })
            .collect();
        out.push(quote_words(&words));
    }
    out
}

/// perl's `exec { PROG } LIST` and `system { PROG } LIST`: LIST is the
/// argument vector, its first word the name the program is given.
fn perl_exec_blocks(code: &str) -> Vec<Call> {
    let mut out = Vec::new();
    for kw in ["exec", "system"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(kw).map(|i| i + from) {
            from = at + kw.len();
            let rest = code[from..].trim_start();
            let Some(block) = rest.strip_prefix('{') else {
                continue;
            };
            let Some((_, list)) = block.split_once('}') else {
                continue;
            };
            let args = list.split([';', '\n']).next().unwrap_or("").to_string();
            out.push(Call {
                name: kw.to_string(),
                args,
            });
        }
    }
    out
}

/// The first argument of a call: the text before a top-level comma.
fn first_arg(args: &str) -> String {
    match top_level(args).find(|(_, c)| *c == ',') {
        Some((i, _)) => args[..i].to_string(),
        None => args.to_string(),
    }
}

/// The arguments of a call split at top-level commas (or, in lisp code
/// without commas, at blanks), brackets and strings kept whole.
fn split_args(args: &str) -> Vec<String> {
    let has_comma = top_level(args).any(|(_, c)| c == ',');
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in top_level(args) {
        if has_comma && c == ',' || !has_comma && c.is_whitespace() {
            out.push(args[start..i].trim().to_string());
            start = i + c.len_utf8();
        }
    }
    out.push(args[start..].trim().to_string());
    out.retain(|p| !p.is_empty());
    out
}

/// The characters of `s` outside strings and brackets, with their offsets.
fn top_level(s: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    s.char_indices().filter(move |&(_, c)| {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' | '`' => quote = Some(c),
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                _ => return depth == 0,
            },
        }
        false
    })
}

/// Arguments that configure the call rather than name words: `nil`,
/// `None`, mode constants (`os.P_WAIT`), keyword arguments, option objects.
fn not_a_word(p: &str) -> bool {
    let bare = p.rsplit('.').next().unwrap_or(p);
    matches!(
        p,
        "nil" | "None" | "null" | "NULL" | "undef" | "true" | "false" | "True" | "False" | "t"
    ) || p.chars().all(|c| c.is_ascii_digit())
        || !bare.is_empty() && bare.chars().all(|c| c.is_ascii_uppercase() || c == '_')
        || p.starts_with('{') && !p.contains("args") && !p.contains("cmd")
        || p.starts_with(':')
        || p.contains("=>")
        || p.split_once('=').is_some_and(|(k, _)| {
            !k.is_empty() && k.trim().chars().all(|c| c.is_alphanumeric() || c == '_')
        })
}

/// The words an argument stands for: a string (or a concatenation) is one
/// word, a list (`[…]`, `(…)`, `c(…)`, `%w(…)`, `'(…)`, `{args: […]}`) its
/// items, any other term one word that may be any name.
fn arg_words(p: &str, out: &mut Vec<String>) {
    let p = p.trim().trim_start_matches('*');
    if not_a_word(p) {
        return;
    }
    let list = [
        "[",
        "(",
        "c(",
        "%w(",
        "%w[",
        "'(",
        "array(",
        "list(",
        "List.of(",
        "Arrays.asList(",
    ]
    .iter()
    .find(|o| p.starts_with(**o));
    if p.starts_with('{') {
        if let Some(open) = p.find('[') {
            let inner = &p[open..];
            arg_words(
                inner.split(']').next().unwrap_or("").trim_end_matches(']'),
                out,
            );
            return;
        }
    }
    if let Some(open) = list {
        let inner = p[open.len()..].trim_end_matches([']', ')', ',']);
        if open.starts_with("%w") {
            out.extend(inner.split_whitespace().map(str::to_string));
            return;
        }
        for item in split_args(inner) {
            arg_words(&item, out);
        }
    } else if p.starts_with(['"', '\'']) {
        out.push(concat_literals(p));
    } else {
        out.push(FANOUT.to_string());
    }
}

/// A call's arguments as an argument vector, when they are one: a list
/// first (`run(["rm", "-rf", P])`), or two words or more with a string or
/// list second (`system "rm", "-rf", P`; `spawn("rm", ["-rf", P])`). The
/// name a program is given twice (`execlp("rm", "rm", …)`) is kept once.
/// `None` for a single command line, which a shell runs.
fn argv_line(args: &str) -> Option<String> {
    let parts: Vec<String> = split_args(args)
        .into_iter()
        .filter(|p| !not_a_word(p))
        .collect();
    let listy = |p: &str| p.starts_with(['[', '(']) || p.starts_with("c(") || p.starts_with("%w");
    let first_list = parts.first().is_some_and(|p| listy(p));
    let second = parts.get(1).is_some_and(|p| {
        p.starts_with(['"', '\'', '{']) || listy(p) || p.starts_with("$ENV") || p.starts_with("\"$")
    });
    if !first_list && !second {
        return None;
    }
    let mut words = Vec::new();
    for p in &parts {
        arg_words(p, &mut words);
    }
    if words.len() >= 2 && basename(&words[0]) == basename(&words[1]) {
        words.remove(0);
    }
    let words: Vec<Word> = words
        .into_iter()
        .map(|text| Word {
            glob: text.contains(FANOUT),
            quoted: !text.contains(FANOUT),
            text,
            ..Word::default()
        })
        .collect();
    Some(quote_words(&words))
}

/// A call's argument that is a bare variable (`cmd`, `$cmd`): the expression
/// last assigned to it in the code (`cmd="rm -rf " ENVIRON["HOME"]`).
pub(crate) fn resolve_identifier(code: &str, args: &str) -> String {
    let ident = args.trim().trim_start_matches(['$', '@', '*']);
    let is_ident =
        !ident.is_empty() && ident.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !is_ident {
        return args.to_string();
    }
    let mut found = None;
    let mut from = 0;
    while let Some(at) = code[from..].find(ident).map(|i| i + from) {
        from = at + ident.len();
        let before_ok = code[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let rest = code[from..].trim_start();
        if before_ok && rest.starts_with('=') && !rest.starts_with("==") {
            let value = rest[1..].split([';', '\n', '}']).next().unwrap_or("");
            found = Some(value.to_string());
        }
    }
    found.unwrap_or_else(|| args.to_string())
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    /// Process APIs in every language, in line with the written policy.
    #[test]
    fn examples() {
        check_examples(&[
            // Argument lists are command lines.
            (r#"perl -e 'system "rm", "-rf", "/etc"'"#, Danger),
            (r#"perl -e 'exec { "rm" } "rm", "-rf", "/home"'"#, Danger),
            (
                r#"perl -e 'my @c = ("rm", "-rf", "/home"); system @c'"#,
                Danger,
            ),
            (
                r#"python3 -c 'import os; os.execlp("rm", "rm", "-rf", "/etc")'"#,
                Danger,
            ),
            (
                r#"python3 -c 'import os; os.spawnlp(os.P_WAIT, "rm", "rm", "-rf", "/boot")'"#,
                Danger,
            ),
            (
                r#"python3 -c 'import subprocess; subprocess.call(("rm", "-rf", "/home"))'"#,
                Danger,
            ),
            (
                r#"node -e 'require("child_process").spawnSync("rm", ["-rf", "/home"])'"#,
                Danger,
            ),
            (r#"ruby -e 'Process.spawn("rm", "-rf", "/home")'"#, Danger),
            (r#"ruby -e 'IO.popen(["rm", "-rf", "/etc"]).read'"#, Danger),
            (r#"R -e 'system2("rm", c("-rf", "/etc"))'"#, Danger),
            (r#"elixir -e 'System.cmd("rm", ["-rf", "/home"])'"#, Danger),
            (
                r#"emacs --batch --eval '(call-process "rm" nil nil nil "-rf" "/home")'"#,
                Danger,
            ),
            (
                r#"deno eval 'new Deno.Command("rm", {args: ["-rf", "/home"]}).outputSync()'"#,
                Danger,
            ),
            // Command strings built by joiners and templates.
            (
                r#"Rscript -e 'system(paste("rm -rf", "/var/lib/mysql"))'"#,
                Danger,
            ),
            (
                r#"node -e 'require("child_process").execSync(`rm -rf ${process.env.HOME}`)'"#,
                Danger,
            ),
            (r#"ruby -e '%x(rm -rf /var/www)'"#, Danger),
            (r#"osascript -e 'do shell script "rm -rf ~"'"#, Danger),
            (
                r#"erl -noshell -eval 'os:cmd("rm -rf /home"), halt().'"#,
                Danger,
            ),
            (r#"bun -e 'await Bun.$`rm -rf ~`'"#, Danger),
            // Pipe opens, and code run from a string.
            (r#"perl -e 'open(my $p, "|-", "rm -rf ~")'"#, Danger),
            (r#"perl -e 'open(P, "rm -rf /srv |"); print <P>'"#, Danger),
            (r#"ruby -e 'open("|rm -rf ~")'"#, Danger),
            (
                r#"python3 -c "exec('import shutil; shutil.rmtree(\"/home\")')""#,
                Danger,
            ),
            (r#"ruby -e 'eval %q{system("rm -rf ~")}'"#, Danger),
            (r#"python3 -c "exec('print(1)')""#, Safe),
            // Library calls named for shell commands; commands only known later.
            (r#"node -e 'require("shelljs").rm("-rf", "/srv")'"#, Danger),
            (r#"node -e 'require("shelljs").ls("-la", "/etc")'"#, Safe),
            (r#"python3 -c 'import os; os.system(input())'"#, Caution),
            // Python's string formatting fills the command line.
            (
                r#"python3 -c 'import os; os.system("rm -rf %s" % "/var/www")'"#,
                Danger,
            ),
            (
                r#"python3 -c 'import os; os.system("rm -rf {}".format("/home"))'"#,
                Danger,
            ),
            (
                r#"python3 -c 'import os; d="/etc"; os.system(f"rm -rf {d}")'"#,
                Danger,
            ),
            (
                r#"python3 -c 'import os; os.system("rm -rf {}".format("build"))'"#,
                Caution,
            ),
            (r#"julia -e 'run(pipeline(`rm -rf /var/www`))'"#, Danger),
            (r#"perl -e 'my $c = <STDIN>; system($c)'"#, Caution),
            (
                r#"perl -e 'open(my $f, "<", "/etc/passwd"); print <$f>'"#,
                Safe,
            ),
            // Look-alikes: lists that only print or search, text printed.
            (r#"perl -e 'system "echo", "rm", "-rf", "/"'"#, Safe),
            (r#"ruby -e 'system("grep", "-r", "rm -rf", ".")'"#, Safe),
            (r#"python3 -c 'print(["rm","-rf","/"])'"#, Safe),
            (
                r#"python3 -c 'import subprocess; subprocess.run(["echo", "hi"]); print("rm -rf /")'"#,
                Safe,
            ),
            (
                r#"node -e 'console.log(`rm -rf ${process.env.HOME}`)'"#,
                Safe,
            ),
            (r#"julia -e 'print(`rm -rf /`)'"#, Safe),
            (r#"Rscript -e 'cat("system(rm -rf /)\n")'"#, Safe),
            (r#"php -r 'echo exec("whoami");'"#, Safe),
            (r#"ruby -e 'system("rm", "-rf", "tmp/cache")'"#, Caution),
        ]);
    }
}
