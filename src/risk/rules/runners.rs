//! Programs that start other commands: `su -c`/`runuser`, terminal
//! multiplexers and emulators (`tmux new 'CMD'`, `screen -dm`, `xterm -e`),
//! `chroot DIR CMD`, `capsh -- -c CMD`, and debuggers told to run shell
//! commands (`gdb -ex 'shell CMD'`). What they start is judged as if typed.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        "su" | "runuser" => su(ctx, acc),
        "tmux" => tmux(ctx, acc),
        "screen" => screen(ctx, acc),
        "xterm"
        | "gnome-terminal"
        | "konsole"
        | "alacritty"
        | "kitty"
        | "urxvt"
        | "x-terminal-emulator" => terminal(ctx, acc),
        "chroot" => chroot(ctx, acc),
        "capsh" => capsh(ctx, acc),
        _ => return false,
    }
    true
}

/// `su -c CMD`, `runuser -l USER -c CMD`, `su - USER <<EOF`: the user's
/// shell runs CMD (or the text fed in).
fn su(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    let cmd = args.iter().enumerate().find_map(|(i, a)| match *a {
        "-c" | "--command" | "--session-command" => args.get(i + 1).copied(),
        _ => a
            .strip_prefix("--command=")
            .or_else(|| a.strip_prefix("--session-command=")),
    });
    match cmd {
        Some(s) => assess_script(s, ctx.depth + 1, acc),
        None => fed_text(ctx, acc, assess_script),
    }
}

/// `capsh [OPTION…] -- ARG…`: `--` runs bash with the words after it
/// (`capsh --drop=cap_net_raw -- -c 'CMD'`).
fn capsh(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.eff.args;
    if let Some(i) = args.iter().position(|w| w.text == "--") {
        assess_script(
            &format!("bash {}", quote_words(&args[i + 1..])),
            ctx.depth + 1,
            acc,
        );
    }
}

/// gdb's `-ex CMD` / `--eval-command=CMD` (and `-iex`) before the program
/// it debugs: `shell CMD`, `!CMD` and `pipe … | CMD` run CMD in a shell;
/// `python CODE` runs python. Called for every command, since gdb is a
/// wrapper whose own words are not the command that runs.
pub(crate) fn debugger_commands(words: &[Word], depth: usize, acc: &mut Acc) {
    let Some(at) = words
        .iter()
        .take(4)
        .position(|w| matches!(basename(&w.text), "gdb" | "gdb-multiarch" | "cgdb"))
    else {
        return;
    };
    let mut i = at + 1;
    while let Some(w) = words.get(i) {
        let t = w.text.as_str();
        if t == "--args" || !t.starts_with('-') {
            break;
        }
        let value = match t {
            "-ex"
            | "-iex"
            | "-eval-command"
            | "--eval-command"
            | "-init-eval-command"
            | "--init-eval-command" => {
                i += 1;
                words.get(i).map(|v| v.text.as_str())
            }
            _ => t
                .strip_prefix("--eval-command=")
                .or_else(|| t.strip_prefix("-eval-command=")),
        };
        if let Some(v) = value {
            gdb_command(v, depth, acc);
        }
        i += 1;
    }
}

/// One gdb command: what it hands to a shell or to python.
fn gdb_command(cmd: &str, depth: usize, acc: &mut Acc) {
    let cmd = cmd.trim();
    let shell = cmd
        .strip_prefix("shell ")
        .or_else(|| cmd.strip_prefix('!'))
        .or_else(|| {
            cmd.strip_prefix("pipe ")
                .and_then(|p| p.split_once('|').map(|(_, c)| c))
        });
    if let Some(s) = shell {
        assess_script(s, depth + 1, acc);
    } else if let Some(code) = cmd
        .strip_prefix("python ")
        .or_else(|| cmd.strip_prefix("py "))
    {
        super::interpreters::code_run("python3", code, depth, acc);
    }
}

/// `tmux new -d 'CMD'`: the session runs CMD.
fn tmux(ctx: &Ctx, acc: &mut Acc) {
    let runs = ctx.positionals().first().is_some_and(|w| {
        matches!(
            w.text.as_str(),
            "new"
                | "new-session"
                | "new-window"
                | "neww"
                | "split-window"
                | "splitw"
                | "respawn-pane"
        )
    });
    if let Some(cmd) = ctx
        .positionals()
        .last()
        .filter(|_| runs && ctx.positionals().len() > 1)
    {
        assess_script(&cmd.text, ctx.depth + 1, acc);
    }
}

/// `screen -dm CMD…`: the words after the options run.
fn screen(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.eff.args;
    let mut j = 0;
    while let Some(w) = args.get(j) {
        if !w.text.starts_with('-') {
            break;
        }
        if w.text.ends_with('S')
            || matches!(w.text.as_str(), "-c" | "-L" | "-Logfile" | "-t" | "-p")
        {
            j += 1;
        }
        j += 1;
    }
    if j < args.len() {
        assess_script(&quote_words(&args[j..]), ctx.depth + 1, acc);
    }
}

/// `xterm -e CMD…` and other terminals: the words after `-e` run.
fn terminal(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.eff.args;
    if let Some(p) = args
        .iter()
        .position(|w| matches!(w.text.as_str(), "-e" | "--" | "-x" | "--command"))
    {
        assess_script(&quote_words(&args[p + 1..]), ctx.depth + 1, acc);
    }
}

/// `chroot DIR CMD…`: CMD runs on the system under DIR.
fn chroot(ctx: &Ctx, acc: &mut Acc) {
    // chroot [OPTION…] DIR CMD ARG…: the command keeps all its
    // words, options included, and runs on the system under DIR.
    let args = ctx.eff.args;
    let dir = args
        .iter()
        .position(|w| !w.text.starts_with('-') || w.quoted);
    if let Some(i) = dir {
        if i + 1 < args.len() {
            assess_script(&quote_words(&args[i + 1..]), ctx.depth + 1, acc);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    /// Programs that start other commands, in line with the written policy.
    #[test]
    fn examples() {
        check_examples(&[
            ("tmux new -d 'rm -rf ~'", Danger),
            ("tmux new -s work", Safe),
            ("screen -dm bash -c 'rm -rf ~'", Danger),
            ("screen -S build -dm make", Safe),
            ("xterm -e 'rm -rf ~'", Danger),
            ("chroot /mnt/sysroot rm -rf /usr", Danger),
            (
                "runuser -l postgres -c 'rm -rf /var/lib/postgresql/data'",
                Danger,
            ),
            ("runuser -u app -- rm -rf /srv/app", Danger),
            ("su -c 'rm -rf /etc' root", Danger),
            ("su - postgres -c 'psql -c \"select 1\"'", Safe),
            ("runuser -l postgres -c 'pg_dump app > /tmp/app.sql'", Safe),
            ("capsh -- -c 'rm -rf ~'", Danger),
            ("capsh --drop=cap_net_raw -- -c 'ping -c1 localhost'", Safe),
            ("capsh --print", Safe),
            ("gdb -batch -ex 'shell rm -rf ~'", Danger),
            ("gdb -batch -ex '!rm -rf /etc' ./app", Danger),
            (
                "gdb -q -batch -ex 'pipe info frame | rm -rf ~' ./app",
                Danger,
            ),
            (
                "gdb -batch -ex 'python import shutil; shutil.rmtree(\"/home\")'",
                Danger,
            ),
            ("gdb -batch -ex bt ./app core", Safe),
            ("gdb -batch -ex 'shell ls' ./app", Safe),
            ("gdb -batch -ex 'python print(\"rm -rf /\")'", Safe),
            // Wrappers whose options take words (bwrap's two, unshare's one).
            (
                "unshare -m --propagation private sh -c 'rm -rf /srv'",
                Danger,
            ),
            ("bwrap --bind / / rm -rf /home", Danger),
            ("bwrap --ro-bind / / --tmpfs /tmp bash -c 'ls /tmp'", Safe),
            ("ls | entr -s 'rm -rf ~'", Danger),
            ("entr -c make test <<< main.go", Safe),
            ("chroot /mnt /bin/bash -c 'rm -rf /etc'", Danger),
            ("chroot /mnt ls /", Safe),
        ]);
    }
}
