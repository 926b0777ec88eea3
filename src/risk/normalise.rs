//! Normalisation: what will actually run. Wrappers (`sudo`, `env`, `nice`,
//! `timeout`, `xargs`…) are looked through to the command they start.

use crate::risk::prelude::*;

pub(crate) fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

pub(crate) fn is_assignment(w: &Word) -> bool {
    match w.text.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
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
        "env" => matches!(opt, "-u" | "-C" | "-S" | "--unset" | "--chdir"),
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
        "chrt" | "taskset" => false,
        "runuser" | "su" => matches!(opt, "-u" | "-g" | "-G" | "-s" | "--shell" | "--group"),
        _ => false,
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
        match name.as_str() {
            "sudo" | "doas" | "env" | "nice" | "nohup" | "timeout" | "xargs" | "ionice"
            | "stdbuf" | "command" | "builtin" | "exec" | "time" | "caffeinate" | "chronic"
            | "unbuffer" | "watch" | "torsocks" | "proxychains" | "proxychains4" | "runuser"
            | "setsid" | "flock" | "chrt" | "taskset" | "systemd-run" | "pkexec" | "busybox" => {
                if name == "xargs" {
                    via_xargs = true;
                }
                i += 1;
                let mut positional_skipped = false;
                while let Some(a) = words.get(i) {
                    let t = a.text.as_str();
                    if t == "--" {
                        i += 1;
                        break;
                    }
                    if t.starts_with('-') && t.len() > 1 {
                        let opt = t.split('=').next().unwrap_or(t);
                        i += 1;
                        if !t.contains('=') && wrapper_opt_takes_arg(&name, opt) {
                            i += 1;
                        }
                        continue;
                    }
                    if name == "env" && is_assignment(a) {
                        i += 1;
                        continue;
                    }
                    // timeout DURATION, flock FILE, chrt PRIO, taskset MASK take one positional.
                    if matches!(name.as_str(), "timeout" | "flock" | "chrt" | "taskset")
                        && !positional_skipped
                    {
                        positional_skipped = true;
                        i += 1;
                        continue;
                    }
                    break;
                }
            }
            _ => {
                return Some(Effective {
                    name,
                    args: &words[i + 1..],
                    via_xargs,
                });
            }
        }
    }
}
