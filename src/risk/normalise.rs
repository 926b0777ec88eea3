//! Normalisation: what will actually run. Wrappers (`sudo`, `env`, `nice`,
//! `timeout`, `xargs`…) are looked through to the command they start.

use crate::risk::prelude::*;

pub(crate) fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

pub(crate) fn is_assignment(w: &Word) -> bool {
    match w.text.split_once('=') {
        Some((name, _)) => {
            // `a[0]=rm`: an element of an array.
            let name = match name.split_once('[') {
                Some((array, index)) if index.ends_with(']') => array,
                _ => name,
            };
            is_var_name(name)
        }
        None => false,
    }
}

/// A shell variable's name: letters, digits and `_`, not starting with a digit.
pub(crate) fn is_var_name(n: &str) -> bool {
    !n.is_empty()
        && !n.starts_with(|c: char| c.is_ascii_digit())
        && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Options of wrapper commands that consume the following word.
pub(crate) fn wrapper_opt_takes_arg(wrapper: &str, opt: &str) -> bool {
    match wrapper {
        "sudo" => matches!(
            opt,
            "-u" | "-g"
                | "-C"
                | "-D"
                | "-h"
                | "-p"
                | "-r"
                | "-t"
                | "-T"
                | "-U"
                | "--user"
                | "--group"
        ),
        "doas" => matches!(opt, "-u" | "-C"),
        // `env -S STRING` is not skipped: STRING is the command line env splits and runs.
        "env" => matches!(opt, "-u" | "-C" | "--unset" | "--chdir"),
        "nice" => matches!(opt, "-n" | "--adjustment"),
        "timeout" => matches!(opt, "-s" | "-k" | "--signal" | "--kill-after"),
        "ionice" => matches!(opt, "-c" | "-n" | "-p" | "-t"),
        "stdbuf" => matches!(opt, "-i" | "-o" | "-e"),
        "xargs" => matches!(
            opt,
            "-I" | "-n"
                | "-P"
                | "-d"
                | "-L"
                | "-s"
                | "-E"
                | "-a"
                | "-e"
                | "-i"
                | "--max-args"
                | "--max-procs"
                | "--delimiter"
                | "--arg-file"
        ),
        "watch" => matches!(opt, "-n" | "--interval" | "-d"),
        "nsenter" => matches!(
            opt,
            "-t" | "--target" | "-S" | "-G" | "--setuid" | "--setgid"
        ),
        "parallel" | "sem" => matches!(opt, "-j" | "--jobs" | "-S" | "--sshlogin" | "-a" | "-d"),
        "chrt" | "taskset" => false,
        "exec" => opt == "-a",
        "strace" => matches!(
            opt,
            "-o" | "-e"
                | "-p"
                | "-s"
                | "-u"
                | "-E"
                | "-P"
                | "-I"
                | "-b"
                | "-a"
                | "-X"
                | "-O"
                | "-S"
        ),
        "ltrace" => matches!(
            opt,
            "-o" | "-e"
                | "-p"
                | "-s"
                | "-u"
                | "-n"
                | "-a"
                | "-A"
                | "-D"
                | "-F"
                | "-l"
                | "-x"
                | "-w"
        ),
        "perf" => matches!(
            opt,
            "-o" | "-e" | "-p" | "-t" | "-C" | "-F" | "-c" | "-r" | "-x" | "-G"
        ),
        "gdb" => matches!(
            opt,
            "-ex" | "-iex" | "-x" | "-p" | "-cd" | "-d" | "-s" | "-e" | "-c"
        ),
        "xvfb-run" => matches!(opt, "-s" | "-n" | "-f" | "-e" | "-p" | "--server-args"),
        "numactl" => matches!(opt, "-C" | "-N" | "-m" | "-p" | "-i" | "-P"),
        "cgexec" => opt == "-g",
        "mpirun" | "mpiexec" => matches!(
            opt,
            "-np" | "-n" | "-H" | "--host" | "-hostfile" | "--hostfile" | "-x" | "-machinefile"
        ),
        "srun" => matches!(
            opt,
            "-n" | "-N" | "-p" | "-t" | "-c" | "-J" | "-o" | "-e" | "-w" | "-A" | "--ntasks"
        ),
        "chpst" => matches!(
            opt,
            "-u" | "-U"
                | "-e"
                | "-n"
                | "-l"
                | "-L"
                | "-m"
                | "-d"
                | "-o"
                | "-p"
                | "-f"
                | "-c"
                | "-b"
        ),
        "trickle" => matches!(opt, "-u" | "-d" | "-w" | "-t" | "-l" | "-n"),
        "systemd-inhibit" => matches!(opt, "--what" | "--who" | "--why" | "--mode"),
        "prlimit" => matches!(opt, "-p" | "--pid"),
        "sshpass" => matches!(opt, "-p" | "-f" | "-d" | "-P"),
        "runuser" | "su" => matches!(opt, "-u" | "-g" | "-G" | "-s" | "--shell" | "--group"),
        "unshare" => UNSHARE_OPTS.contains(&opt),
        "bwrap" => bwrap_arity(opt) > 0,
        "systemd-run" => SYSTEMD_RUN_OPTS.contains(&opt),
        _ => false,
    }
}

/// unshare's options that take a word (`--propagation private`).
const UNSHARE_OPTS: &[&str] = &[
    "--propagation",
    "--setgroups",
    "-S",
    "--setuid",
    "-G",
    "--setgid",
    "--map-user",
    "--map-group",
    "--map-users",
    "--map-groups",
    "-R",
    "--root",
    "-w",
    "--wd",
];

/// systemd-run's options that take a word (`-p User=app`, `--unit NAME`).
const SYSTEMD_RUN_OPTS: &[&str] = &[
    "-p",
    "--property",
    "-u",
    "--unit",
    "-E",
    "--setenv",
    "-H",
    "--host",
    "-M",
    "--machine",
    "--description",
    "--slice",
    "--uid",
    "--gid",
    "--nice",
    "-D",
    "--working-directory",
    "--on-active",
    "--on-calendar",
    "--on-boot",
    "--on-unit-active",
];

/// How many words a bubblewrap option takes: `--bind SRC DEST` two,
/// `--overlay RW WORK DEST` three, `--tmpfs DEST` one.
fn bwrap_arity(opt: &str) -> usize {
    match opt {
        "--overlay" => 3,
        "--bind" | "--ro-bind" | "--dev-bind" | "--bind-try" | "--ro-bind-try"
        | "--dev-bind-try" | "--symlink" | "--setenv" | "--chmod" | "--file" | "--bind-data"
        | "--ro-bind-data" => 2,
        "--tmpfs" | "--proc" | "--dev" | "--dir" | "--chdir" | "--unsetenv" | "--uid" | "--gid"
        | "--hostname" | "--remount-ro" | "--args" | "--userns" | "--perms" | "--size"
        | "--cap-add" | "--cap-drop" | "--seccomp" | "--info-fd" | "--json-status-fd"
        | "--sync-fd" | "--block-fd" | "--lock-file" | "--mqueue" | "--exec-label"
        | "--file-label" | "--argv0" | "--overlay-src" | "--tmp-overlay" | "--ro-overlay"
        | "--userns2" | "--pidns" => 1,
        _ => 0,
    }
}

/// The command a wrapped invocation really runs.
pub(crate) struct Effective<'a> {
    pub(crate) name: String,
    pub(crate) args: &'a [Word],
    pub(crate) via_xargs: bool,
}

pub(crate) fn unwrap_cmd(words: &[Word]) -> Option<Effective<'_>> {
    let mut i = 0;
    let mut via_xargs = false;
    loop {
        while i < words.len() && is_assignment(&words[i]) {
            i += 1;
        }
        let w = words.get(i)?;
        let name = basename(&w.text).to_string();
        let rest = &words[i + 1..];
        // `command -v rm` looks the name up and prints it; it runs nothing.
        // `runuser -l USER -c CMD`: without `-u` the word after the options
        // is a user, and what runs is `-c` (as for `su`).
        let lookup = name == "command"
            && rest
                .first()
                .is_some_and(|a| matches!(a.text.as_str(), "-v" | "-V"));
        let as_su = name == "runuser"
            && !rest
                .iter()
                .any(|a| a.text == "-u" || a.text.starts_with("--user"));
        if !WRAPPERS.contains(&name.as_str()) || lookup || as_su {
            let name = canonical_interpreter(&name).map_or(name, str::to_string);
            return Some(Effective {
                name,
                args: rest,
                via_xargs,
            });
        }
        via_xargs |= name == "xargs" || name == "parallel";
        i = skip_wrapper_words(&name, words, i + 1);
    }
}

/// Commands that run the command named after their own options.
const WRAPPERS: &[&str] = &[
    "sudo",
    "doas",
    "env",
    "nice",
    "nohup",
    "timeout",
    "xargs",
    "ionice",
    "stdbuf",
    "command",
    "builtin",
    "exec",
    "time",
    "caffeinate",
    "chronic",
    "unbuffer",
    "watch",
    "torsocks",
    "proxychains",
    "proxychains4",
    "runuser",
    "setsid",
    "flock",
    "chrt",
    "taskset",
    "systemd-run",
    "pkexec",
    "busybox",
    "parallel",
    "nsenter",
    "unshare",
    "firejail",
    "bwrap",
    "strace",
    "ltrace",
    "valgrind",
    "perf",
    "gdb",
    "catchsegv",
    "eatmydata",
    "fakeroot",
    "fakechroot",
    "tsocks",
    "rlwrap",
    "xvfb-run",
    "dbus-run-session",
    "dbus-launch",
    "systemd-inhibit",
    "numactl",
    "cgexec",
    "sem",
    "tini",
    "dumb-init",
    "catatonit",
    "chpst",
    "setpriv",
    "gosu",
    "su-exec",
    "s6-setuidgid",
    "sg",
    "faketime",
    "mpirun",
    "mpiexec",
    "srun",
    "prlimit",
    "nocache",
    "trickle",
    "with-contenv",
    "sshpass",
    "entr",
];

/// Wrappers taking one positional before the command: timeout DURATION,
/// flock FILE, chrt PRIO, taskset MASK, gosu/su-exec/sg USER, faketime
/// TIME, perf's subcommand.
const ONE_POSITIONAL: &[&str] = &[
    "timeout",
    "flock",
    "chrt",
    "taskset",
    "gosu",
    "su-exec",
    "s6-setuidgid",
    "sg",
    "faketime",
    "perf",
];

/// The index of the first word after wrapper `name`'s own options (and its
/// one positional, if it takes one), from `i`.
fn skip_wrapper_words(name: &str, words: &[Word], mut i: usize) -> usize {
    let mut positional_skipped = false;
    while let Some(a) = words.get(i) {
        let t = a.text.as_str();
        if t == "--" || name == "gdb" && t == "--args" {
            return i + 1;
        }
        if t.starts_with('-') && t.len() > 1 {
            let opt = t.split('=').next().unwrap_or(t);
            i += 1;
            if !t.contains('=') && wrapper_opt_takes_arg(name, opt) {
                i += if name == "bwrap" { bwrap_arity(opt) } else { 1 };
            }
            continue;
        }
        if name == "env" && is_assignment(a) {
            i += 1;
            continue;
        }
        if ONE_POSITIONAL.contains(&name) && !positional_skipped {
            positional_skipped = true;
            i += 1;
            continue;
        }
        break;
    }
    i
}

/// What a loop variable or a `read` target stands for: every name a listing
/// yields, so `rm -rf "$d"` inside the loop is judged as `rm -rf *`.
pub(crate) const FANOUT: &str = "*";

/// What a loop variable stands for when it runs over `$(pgrep -u root)` or
/// `$(ps -e -o pid=)`: every process (of root), init included.
pub(crate) const EVERY_PROCESS: &str = "%every-process%";

/// `ps -e`, `ps aux`, `pgrep -u root`, `pgrep .`: a listing of every process
/// or of every process root runs.
pub(crate) fn lists_every_process(words: &[Word]) -> bool {
    let w: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    let root = w
        .windows(2)
        .any(|p| matches!(p[0], "-u" | "-U" | "--euid" | "--uid") && matches!(p[1], "root" | "0"));
    match w.first().copied() {
        Some("ps") => {
            root || w[1..]
                .iter()
                .any(|a| matches!(*a, "-e" | "-A" | "ax" | "aux" | "-ax" | "-eo" | "-ef"))
        }
        Some("pgrep") => {
            let pattern: Vec<&&str> = w[1..]
                .iter()
                .enumerate()
                .filter(|(i, a)| {
                    // w[*i] is the word before `a`: a user name is no pattern.
                    !(a.starts_with('-') || matches!(w[*i], "-u" | "-U" | "--euid" | "--uid"))
                })
                .map(|(_, a)| a)
                .collect();
            root && pattern.is_empty() || pattern.iter().any(|p| matches!(**p, "." | ".*" | "''"))
        }
        _ => false,
    }
}

/// Variables whose value is a program that the command runs.
pub(crate) const PROGRAM_VARS: &[&str] = &[
    "GIT_PAGER",
    "PAGER",
    "GIT_EDITOR",
    "EDITOR",
    "VISUAL",
    "GIT_SSH_COMMAND",
    "GIT_SSH",
    "GIT_EXTERNAL_DIFF",
    "LESSOPEN",
    "PROMPT_COMMAND",
    "SUDO_ASKPASS",
    "BROWSER",
    "MANPAGER",
];

/// The word with the variables assigned earlier in the same text and the
/// statically known `$( … )` substitutions put in; everything else stays
/// as written (`$HOME`, `$(pwd)`), so the path rules still see it.
pub(crate) fn expand_word(w: &Word, acc: &Acc) -> Word {
    if !w.expanded || acc.eval_depth > MAX_DEPTH {
        return w.clone();
    }
    let mut out = w.clone();
    let mut text = w.text.clone();
    for sub in &w.subs {
        let pat = format!("$({sub})");
        if text.contains(&pat) {
            let mut inner = Acc {
                eval_depth: acc.eval_depth + 1,
                ..Acc::default()
            };
            inner.vars = acc.vars.clone();
            if let Some(v) = eval_script(sub, &inner) {
                text = text.replacen(&pat, &v, 1);
            }
        }
    }
    out.text = substitute_vars(&text, &acc.vars);
    out
}

/// Brace expansion, as the shell does before running anything:
/// `{rm,-rf,/home}` is the three words `rm -rf /home`, `/{srv,home}` two
/// paths. Quoted words and `${…}` are left alone; the result is capped.
pub(crate) fn expand_braces(w: &Word) -> Vec<Word> {
    const MAX_WORDS: usize = 64;
    if w.quoted || w.procsub || !w.text.contains('{') {
        return vec![w.clone()];
    }
    let mut out = vec![w.text.clone()];
    let mut done = Vec::new();
    while let Some(t) = out.pop() {
        match brace_alternatives(&t) {
            Some(alts) if done.len() + out.len() + alts.len() <= MAX_WORDS => out.extend(alts),
            _ => done.push(t),
        }
    }
    done.into_iter()
        .map(|text| Word { text, ..w.clone() })
        .collect()
}

/// The first `{a,b}` group of `t` expanded into its alternatives.
fn brace_alternatives(t: &str) -> Option<Vec<String>> {
    let b: Vec<char> = t.chars().collect();
    let open = (0..b.len()).find(|&i| b[i] == '{' && (i == 0 || b[i - 1] != '$'))?;
    let (mut depth, mut commas) = (0usize, Vec::new());
    let mut close = None;
    for (i, &c) in b.iter().enumerate().skip(open) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            ',' if depth == 1 => commas.push(i),
            _ => {}
        }
    }
    let close = close?;
    if commas.is_empty() {
        return None;
    }
    let pre: String = b[..open].iter().collect();
    let post: String = b[close + 1..].iter().collect();
    let mut cuts = vec![open];
    cuts.extend(&commas);
    cuts.push(close);
    Some(
        cuts.windows(2)
            .rev()
            .map(|c| {
                format!(
                    "{pre}{}{post}",
                    b[c[0] + 1..c[1]].iter().collect::<String>()
                )
            })
            .collect(),
    )
}

/// Puts in `$NAME`, `${NAME}` and `${NAME:-default}` for the names in `vars`
/// (and the default for names not assigned); `$( … )` is copied verbatim.
pub(crate) fn substitute_vars(text: &str, vars: &VarMap) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let name_len = |from: usize| {
        chars[from..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
            .count()
    };
    while i < chars.len() {
        let c = chars[i];
        if c != '$' || i + 1 >= chars.len() {
            out.push(c);
            i += 1;
            continue;
        }
        match chars[i + 1] {
            '{' => {
                let Some(close) = chars[i..].iter().position(|&c| c == '}').map(|p| p + i) else {
                    out.extend(&chars[i..]);
                    break;
                };
                let inner: String = chars[i + 2..close].iter().collect();
                // `${!ref}`: the variable whose name `ref` holds.
                if let Some(v) = inner
                    .strip_prefix('!')
                    .and_then(|r| vars.get(r))
                    .and_then(|n| vars.get(n))
                {
                    out.push_str(v);
                    i = close + 1;
                    continue;
                }
                let n = inner
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .count();
                let (name, op) = inner.split_at(n);
                let default = ["=", ":-", "-", ":="]
                    .iter()
                    .rev()
                    .find_map(|p| op.strip_prefix(p));
                if let Some(v) =
                    trimmed_value(name, op, vars).or_else(|| operator_value(name, op, vars))
                {
                    out.push_str(&v);
                    i = close + 1;
                    continue;
                }
                match (vars.get(name), default) {
                    (Some(v), _) if !name.is_empty() => out.push_str(v),
                    (None, _) if name == "IFS" => out.push(' '),
                    (None, Some(d)) if !name.is_empty() => out.push_str(d),
                    _ => out.extend(&chars[i..=close]),
                }
                i = close + 1;
            }
            // Positional parameters set earlier (`set --`, a function's arguments).
            c if (c.is_ascii_digit() || c == '@' || c == '*')
                && vars.contains_key(c.to_string().as_str()) =>
            {
                out.push_str(&vars[c.to_string().as_str()]);
                i += 2;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let n = name_len(i + 1);
                let name: String = chars[i + 1..i + 1 + n].iter().collect();
                match vars.get(&name) {
                    Some(v) => out.push_str(v),
                    None if name == "IFS" => out.push(' '),
                    None => {
                        out.push('$');
                        out.push_str(&name);
                    }
                }
                i += 1 + n;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// `${NAME%/*}` and friends: the value with a suffix (`%`, `%%`) or prefix
/// (`#`, `##`) removed. A known value is cut as the shell cuts it; for an
/// unknown one only the directory climbs are known: `${HOME%/*}` is the
/// parent of `$HOME`, written `$HOME/..`.
fn trimmed_value(name: &str, op: &str, vars: &VarMap) -> Option<String> {
    if name.is_empty() || !op.starts_with(['%', '#']) {
        return None;
    }
    let longest = op.starts_with("%%") || op.starts_with("##");
    let suffix = op.starts_with('%');
    let pat = op.trim_start_matches(['%', '#']);
    let Some(value) = vars.get(name) else {
        // Each `/*` cut from the end climbs one directory.
        let ups = pat.matches("/*").count();
        return (suffix && !longest && ups > 0 && pat.replace("/*", "").is_empty())
            .then(|| format!("${name}{}", "/..".repeat(ups)));
    };
    let cut = match (suffix, pat) {
        (true, "/*") => {
            let at = if longest {
                value.find('/')
            } else {
                value.rfind('/')
            };
            value[..at.unwrap_or(value.len())].to_string()
        }
        (false, "*/") => {
            let at = if longest {
                value.rfind('/')
            } else {
                value.find('/')
            };
            value[at.map_or(0, |a| a + 1)..].to_string()
        }
        (true, lit) if !lit.contains(['*', '?', '[']) => {
            value.strip_suffix(lit).unwrap_or(value).to_string()
        }
        (false, lit) if !lit.contains(['*', '?', '[']) => {
            value.strip_prefix(lit).unwrap_or(value).to_string()
        }
        _ => return None,
    };
    Some(cut)
}

/// Words joined back into shell text that lexes into the same words.
pub(crate) fn quote_words(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| {
            let plain = !w.text.is_empty()
                && w.text.chars().all(|c| {
                    c.is_ascii_alphanumeric()
                        || "_@%+=:,./-~".contains(c)
                        || (w.glob && "*?[]".contains(c))
                });
            if plain {
                w.text.clone()
            } else {
                format!("'{}'", w.text.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Records the variables a command assigns (`a=rm`, `export T=/boot`,
/// `read x`), with their values expanded now.
pub(crate) fn record_assignments(words: &[Word], acc: &mut Acc) {
    let assign = |w: &Word, acc: &mut Acc| {
        let e = expand_word(w, acc);
        if let Some((name, value)) = e.text.split_once('=') {
            acc.vars.insert(name.to_string(), value.to_string());
        }
    };
    let mut i = 0;
    while i < words.len() && is_assignment(&words[i]) {
        assign(&words[i], acc);
        i += 1;
    }
    let Some(name) = words.get(i).map(|w| w.text.as_str()) else {
        return;
    };
    match name {
        "export" | "local" | "declare" | "readonly" | "typeset" | "env" => {
            for w in &words[i + 1..] {
                if is_assignment(w) {
                    assign(w, acc);
                }
            }
        }
        "read" => {
            let mut j = i + 1;
            while let Some(w) = words.get(j) {
                if w.text.starts_with('-') {
                    if matches!(w.text.as_str(), "-p" | "-d" | "-n" | "-N" | "-t" | "-u") {
                        j += 1;
                    }
                } else {
                    acc.vars.insert(w.text.clone(), FANOUT.to_string());
                }
                j += 1;
            }
        }
        _ => {}
    }
}

/// The value a `for` loop variable stands for: a listing or glob means
/// every name it yields; otherwise the word that names the most.
pub(crate) fn loop_value(words: &[Word], acc: &Acc) -> String {
    if words.is_empty() {
        return FANOUT.to_string();
    }
    if let Some(listed) = words
        .iter()
        .flat_map(|w| w.subs.iter())
        .find_map(|s| first_cmd(s).and_then(|c| listing_value(&c)))
    {
        return listed;
    }
    let expanded: Vec<Word> = words.iter().map(|w| expand_word(w, acc)).collect();
    if expanded.iter().any(|w| w.expanded && w.text.contains('$')) {
        return FANOUT.to_string();
    }
    expanded
        .iter()
        .find(|w| classify(&w.text).is_some_and(|c| c != PathClass::Other))
        .or_else(|| expanded.iter().find(|w| w.glob))
        .or(expanded.first())
        .map(|w| w.text.clone())
        .unwrap_or_default()
}

/// What each name a listing command prints stands for, as a glob: `find DIR`
/// prints paths under DIR (`DIR/*`), `ls -d DIR/*` the glob's paths, `ls DIR`
/// bare names (`*`, relative to where they are used). `None` when `cmd` is no
/// listing.
pub(crate) fn listing_value(cmd: &Cmd) -> Option<String> {
    let eff = unwrap_cmd(&cmd.words)?;
    let pos = positionals(eff.args);
    match eff.name.as_str() {
        "find" | "fd" | "fdfind" => {
            let start = pos.first().map(|w| w.text.as_str()).unwrap_or(".");
            // `-name PATTERN` narrows the listing to what the pattern matches.
            let name = eff
                .args
                .windows(2)
                .find(|w| matches!(w[0].text.as_str(), "-name" | "-iname"))
                .map_or("*", |w| w[1].text.as_str());
            Some(format!("{}/{name}", start.trim_end_matches('/')))
        }
        "ls" | "dir" => match pos.first() {
            Some(w) if w.glob || eff.args.iter().any(|a| a.text == "-d") => Some(w.text.clone()),
            _ => Some(FANOUT.to_string()),
        },
        "locate" | "mlocate" | "plocate" => Some("/*".to_string()),
        "ps" | "pgrep" if lists_every_process(&cmd.words) => Some(EVERY_PROCESS.to_string()),
        _ if lists_ssh_server(cmd) => Some(SSHD_PIDS.to_string()),
        _ => None,
    }
}
