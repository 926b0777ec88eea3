//! The last gate before a command is offered: it must read as shell (quotes closed, no
//! operator left dangling) and every simple command in it must start with a plausible
//! program — one we know, one on `PATH`, a path, an assignment or an expansion — never a
//! lone wrapper or interpreter (`sudo`, `bash`, `env`) and never a word of prose
//! (`Open the settings && click on Network`).

use super::request::on_path;
use super::*;

/// Wrappers that run the command after them; with nothing after them they run nothing
/// useful (`sudo`) or open an interactive shell (`sudo -i`). Each with the options that
/// take the next word as their argument.
const WRAPPERS: &[(&str, &[&str])] = &[
    (
        "sudo",
        &["-u", "-g", "-C", "-h", "-p", "-r", "-t", "-U", "-D"],
    ),
    ("doas", &["-u", "-C"]),
    ("env", &["-u", "-C", "-S", "--unset", "--chdir"]),
    ("nohup", &[]),
    ("nice", &["-n"]),
    ("ionice", &["-c", "-n", "-p"]),
    ("time", &["-f", "-o"]),
    ("timeout", &["-s", "-k", "--signal", "--kill-after"]),
    ("exec", &["-a"]),
    ("command", &[]),
    ("builtin", &[]),
    ("xargs", &["-n", "-I", "-P", "-d", "-L", "-s", "-E", "-a"]),
    ("watch", &["-n", "-d"]),
    ("stdbuf", &[]),
    ("setsid", &[]),
    ("chrt", &[]),
    ("taskset", &[]),
    ("strace", &["-e", "-o", "-p", "-s"]),
];

/// Programs that do nothing but open an interactive session when given no operand.
const INTERACTIVE_ALONE: &[&str] = &[
    "bash", "sh", "zsh", "fish", "dash", "ksh", "pwsh", "su", "python", "python3", "node",
];

/// Options that only shape the session [`INTERACTIVE_ALONE`] opens.
const SESSION_FLAGS: &[&str] = &[
    "-",
    "-i",
    "-l",
    "-il",
    "-li",
    "--login",
    "-s",
    "--norc",
    "--noprofile",
];

/// Reserved words that may open or continue a simple command (`then ls`, `! grep`).
const RESERVED: &[&str] = &[
    "!", "{", "}", "(", ")", "then", "do", "else", "elif", "fi", "done", "esac", "if", "while",
    "until", "and", "or", "not", "begin", "end",
];

/// Reserved words whose rest is no command to check (`for f in *`, `case $x in`).
const HEADERS: &[&str] = &["for", "case", "select", "function", "switch"];

/// Whether a logical command (one step of the answer) may be offered.
pub(super) fn is_runnable(step: &str, dialect: Dialect) -> bool {
    if dialect == Dialect::PowerShell {
        // Cmdlets are not programs on `PATH`; PowerShell answers keep their old checks.
        return true;
    }
    let step = step.trim();
    let first_line = step.lines().next().unwrap_or("");
    // Loops and here-documents: their bodies are checked by whoever runs them; the
    // opening line says whether this is a command at all.
    let text = if is_compound(&step.lines().map(str::to_string).collect::<Vec<_>>())
        || step.contains("<<")
    {
        first_line.trim_end_matches('\\')
    } else {
        step
    };
    let Some(simple) = simple_commands(text) else {
        return false;
    };
    !simple.is_empty() && simple.iter().all(|c| plausible(c, dialect))
}

/// The simple commands of `text`, split at `&&`, `||`, `;`, `|`, `&` and line breaks
/// outside quotes and substitutions; `None` when it does not read as shell (a quote or
/// substitution left open, an operator with nothing after it).
fn simple_commands(text: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut single, mut double, mut depth) = (false, false, 0usize);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if !single => {
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(if n == '\n' { ' ' } else { n });
                }
                continue;
            }
            '\'' if !double && depth == 0 => single = !single,
            '"' if !single => double = !double,
            '(' if !single && cur.ends_with('$') => depth += 1,
            ')' if !single && depth > 0 => depth -= 1,
            '&' | '|' | ';' | '\n' if !single && !double && depth == 0 => {
                if c == '&' && matches!(cur.chars().last(), Some('>' | '<')) {
                    // `2>&1`, `&>`: a redirection, not an operator.
                    cur.push(c);
                    continue;
                }
                if chars.peek() == Some(&c) {
                    chars.next();
                }
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if single || double || depth > 0 {
        return None;
    }
    // A trailing `&` runs in the background; a trailing `|` or `&&` waits for more.
    let t = text.trim_end();
    if t.ends_with('|') || t.ends_with("&&") {
        return None;
    }
    out.push(cur);
    Some(
        out.into_iter()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty() && c != ";;")
            .collect(),
    )
}

/// Whether one simple command starts with a program that can run.
fn plausible(cmd: &str, dialect: Dialect) -> bool {
    let mut words = cmd.split_whitespace().peekable();
    let mut reserved = false;
    while let Some(w) = words.peek() {
        if HEADERS.contains(w) {
            return true;
        }
        if !RESERVED.contains(w) {
            break;
        }
        reserved = true;
        words.next();
    }
    let rest: Vec<&str> = words.collect();
    let rest = strip_instruction(&rest, dialect);
    match rest.first() {
        // `fi`, `done`, `}` on their own close what came before.
        None => reserved,
        Some(_) => program_runs(rest),
    }
}

/// A Dockerfile's `RUN`, a Makefile recipe's `@`/`-` prefix: not part of the command.
fn strip_instruction<'a>(words: &'a [&'a str], dialect: Dialect) -> &'a [&'a str] {
    match (dialect, words.first()) {
        (Dialect::Dockerfile, Some(&"RUN")) => &words[1..],
        _ => words,
    }
}

fn program_runs(mut words: &[&str]) -> bool {
    // A loop, not recursion: `sudo sudo sudo …` is hostile input too.
    loop {
        let mut i = 0;
        // `VAR=x cmd`; an assignment alone is a command too.
        while words.get(i).is_some_and(|w| is_assignment(w)) {
            i += 1;
        }
        let Some(&first) = words.get(i) else {
            return true;
        };
        let first = first.trim_start_matches(['@', '-', '+']);
        let base = first.rsplit('/').next().unwrap_or(first);
        let args = &words[i + 1..];
        if let Some((_, with_arg)) = WRAPPERS.iter().find(|(w, _)| *w == base) {
            match operand(args, with_arg, base == "timeout") {
                Some(j) => {
                    words = &args[j..];
                    continue;
                }
                // `env` alone prints the environment (`env | grep AWS`).
                None => return base == "env",
            }
        }
        if INTERACTIVE_ALONE.contains(&base) {
            // `bash`, `bash -l`, `su -`: a session, no command; `bash --version` is one.
            return args.iter().any(|w| !SESSION_FLAGS.contains(w));
        }
        return is_program(first, args);
    }
}

/// Index of the first word after a wrapper's options (and, for `timeout`, its duration).
fn operand(words: &[&str], with_arg: &[&str], skip_one: bool) -> Option<usize> {
    let mut i = 0;
    while let Some(w) = words.get(i) {
        if with_arg.contains(w) {
            i += 2;
        } else if w.starts_with('-') || is_assignment(w) {
            i += 1;
        } else {
            break;
        }
    }
    if skip_one {
        i += 1;
    }
    (i < words.len()).then_some(i)
}

fn is_assignment(w: &str) -> bool {
    w.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit())
    })
}

/// A program that can run: known, on `PATH`, a path, an expansion, or an unknown
/// lower-case tool used with shell syntax (`kubectx -c`, `pv file | gzip`).
fn is_program(first: &str, args: &[&str]) -> bool {
    let base = first.rsplit('/').next().unwrap_or(first);
    if KNOWN_COMMANDS.contains(&base) || RESERVED.contains(&base) {
        return true;
    }
    if first.contains('/') || first.starts_with(['$', '~', '`', '[', '(', '.']) {
        return true;
    }
    let tool_like = !first.is_empty()
        && first.starts_with(|c: char| c.is_ascii_lowercase())
        && first.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.' | '+')
        });
    if !tool_like {
        return false;
    }
    let shellish = args.iter().any(|a| {
        a.starts_with('-')
            || a.contains(['/', '$', '>', '<', '*', '=', '"', '\''])
            || a.contains('.')
    });
    shellish || on_path(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> bool {
        is_runnable(s, Dialect::Bash)
    }

    #[test]
    fn lone_wrappers_and_interpreters_are_refused() {
        for s in [
            "sudo",
            "sudo -i",
            "bash",
            "bash -l",
            "doas",
            "nohup",
            "xargs",
            "timeout 5",
            "su -",
        ] {
            assert!(!ok(s), "{s}");
        }
        for s in [
            "sudo systemctl restart nginx",
            "sudo -u postgres psql -c 'select 1'",
            "env LC_ALL=C sort f",
            "env | grep AWS",
            "bash --version",
            "timeout 5 curl -s localhost",
            "bash deploy.sh",
            "bash -c 'echo hi'",
            "find . -name '*.log' | xargs -n 1 gzip",
        ] {
            assert!(ok(s), "{s}");
        }
    }

    #[test]
    fn prose_joined_with_operators_is_refused() {
        assert!(!ok("Open the settings && click on Network"));
        assert!(!ok("First update the list && then install nginx"));
        assert!(!ok("please && thanks"));
        assert!(ok("apt update && apt upgrade -y"));
        assert!(ok("make -j4 2>&1 | tee build.log"));
    }

    #[test]
    fn shell_that_does_not_parse_is_refused() {
        assert!(!ok("echo 'unterminated"));
        assert!(!ok("ls -la |"));
        assert!(!ok("echo $(date"));
        assert!(ok("echo \"it's $(date +%F)\""));
    }

    #[test]
    fn paths_assignments_loops_and_dockerfiles() {
        assert!(ok("./configure --prefix=/opt"));
        assert!(ok("FOO=bar"));
        assert!(ok("FOO=bar ./run"));
        assert!(ok("for f in *.log; do gzip \"$f\"; done"));
        assert!(ok("if [ -f x ]; then rm x; fi"));
        assert!(ok("cat <<EOF > f\nanything at all\nEOF"));
        assert!(is_runnable("RUN apt-get update", Dialect::Dockerfile));
        assert!(!is_runnable("RUN sudo", Dialect::Dockerfile));
        assert!(is_runnable("@echo done", Dialect::Makefile));
    }

    #[test]
    fn hostile_wrapper_chains_end() {
        assert!(!ok(&"sudo ".repeat(100_000)));
        assert!(ok(&format!("{}ls", "sudo ".repeat(100_000))));
    }
}
