//! Permissions and ownership: chmod, chown, chgrp, setfacl on system
//! trees, critical files, system programs and SSH keys.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        "chmod" | "chown" | "chgrp" | "setfacl" => analyze_chmod(ctx, acc),
        _ => return false,
    }
    true
}

pub(crate) fn world_writable_mode(m: &str) -> bool {
    if m.chars().all(|c| c.is_ascii_digit()) && !m.is_empty() {
        return m
            .chars()
            .last()
            .is_some_and(|c| matches!(c, '2' | '3' | '6' | '7'));
    }
    m.split(',').any(|part| {
        let (who, rest) = part.split_at(part.find(['+', '=']).unwrap_or(part.len()));
        (who.is_empty() || who.contains('a') || who.contains('o')) && rest.contains('w')
    })
}

pub(crate) fn analyze_chmod(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    let recursive =
        ctx.has_flag('R', &["--recursive"]) || (name == "setfacl" && ctx.has_flag('R', &[]));
    let pos = ctx.positionals();
    let (mode, targets): (Option<&str>, &[&Word]) =
        if name == "chmod" || name == "chown" || name == "chgrp" {
            match pos.split_first() {
                Some((m, rest)) => (Some(m.text.as_str()), rest),
                None => (None, &[]),
            }
        } else {
            (None, &pos[..])
        };
    // chmod's `-w` / `-x` modes look like options.
    let mode = if name == "chmod" && mode.is_some_and(|m| m.starts_with('/') || m.starts_with('.'))
    {
        ctx.args
            .iter()
            .find(|a| {
                a.starts_with('-')
                    && a.len() > 1
                    && !a.starts_with("--")
                    && !a[1..].chars().all(|c| matches!(c, 'R' | 'v' | 'f' | 'c'))
            })
            .copied()
    } else {
        mode
    };
    let files: &[&Word] = if mode.is_some_and(|m| m.starts_with('-')) {
        &pos[..]
    } else {
        targets
    };
    if name == "chmod" && breaks_system_program(mode, files, acc) {
        return;
    }
    // Taking the owner's access to SSH keys or their lists locks the user out.
    if name == "chmod"
        && owner_loses(mode)
        && targets
            .iter()
            .any(|w| is_access_file(&w.text) || w.text.trim_end_matches('/').ends_with(".ssh"))
    {
        acc.danger("chmod takes away access to SSH keys: logins with them stop working");
    }
    let targets_all: &[&Word] = if name == "chmod" && mode.is_some_and(|m| m.starts_with('-')) {
        &pos[..]
    } else {
        targets
    };
    let ww = name == "chmod" && mode.is_some_and(world_writable_mode);
    let change = Change {
        name,
        mode,
        recursive,
        ww,
    };
    if !change.targets_danger(targets_all, acc) {
        if recursive {
            acc.caution(format!(
                "{name} -R changes ownership/permissions of a whole tree"
            ));
        } else if ww {
            acc.caution("makes files world-writable");
        } else {
            acc.caution(format!("{name} changes ownership/permissions"));
        }
    }
}

/// `chmod -x /bin/chmod`, `chmod 644 /usr/bin/sudo`, `chmod 600 /etc/passwd`,
/// `chmod u-s /usr/bin/sudo`: a system program or file that no longer
/// works (the tools to undo it may be the ones broken). `true` once rated.
fn breaks_system_program(mode: Option<&str>, files: &[&Word], acc: &mut Acc) -> bool {
    const BIN_DIRS: &[&str] = &[
        "/bin/",
        "/sbin/",
        "/usr/bin/",
        "/usr/sbin/",
        "/usr/libexec/",
    ];
    if takes_exec(mode) {
        if let Some(w) = files
            .iter()
            .find(|w| BIN_DIRS.iter().any(|d| w.text.starts_with(d)))
        {
            acc.danger(format!(
                "chmod makes the system program {} unrunnable",
                w.text
            ));
            return true;
        }
    }
    if let Some(w) = files.iter().find(|w| hides_world_readable(mode, &w.text)) {
        acc.danger(format!(
            "chmod makes {} unreadable to users: logins, sudo and name lookups break",
            w.text
        ));
        return true;
    }
    if let Some(w) = files.iter().find(|w| drops_setuid(mode, &w.text)) {
        acc.danger(format!(
            "chmod takes the setuid bit from {}: it can no longer grant root, and the way back may need it",
            w.text
        ));
        return true;
    }
    false
}

/// A mode that takes execute permission from the owner.
fn takes_exec(mode: Option<&str>) -> bool {
    mode.is_some_and(|m| {
        let sym = m.trim_start_matches(['u', 'g', 'o', 'a']);
        sym.starts_with('-') && sym.contains('x')
            || m.len() >= 3
                && m.chars().all(|c| c.is_ascii_digit())
                && m.chars()
                    .rev()
                    .nth(2)
                    .is_some_and(|d| matches!(d, '0' | '2' | '4' | '6'))
    })
}

/// A mode that takes read permission from the owner.
fn owner_loses(mode: Option<&str>) -> bool {
    mode.is_some_and(|m| {
        let digits = m.trim_start_matches('0');
        m.chars().all(|c| c.is_ascii_digit())
            && (digits.len() < 3 || digits.starts_with(['0', '1', '2', '3']))
            || m.starts_with("a-")
            || m.starts_with("u-r")
            || m.starts_with("-r")
    })
}

/// One `chmod`/`chown`/`chgrp`/`setfacl` invocation, judged per target.
struct Change<'a> {
    name: &'a str,
    mode: Option<&'a str>,
    recursive: bool,
    ww: bool,
}

impl Change<'_> {
    /// Giving a critical file to someone other than root is a privilege
    /// hole; `chown root:root /etc/sudoers` is a repair.
    fn hands_to_non_root(&self) -> bool {
        (self.name == "chown" || self.name == "chgrp")
            && self.mode.is_some_and(|owner| {
                let user = owner.split([':', '.']).next().unwrap_or("");
                !(user.is_empty() || user == "root" || user == "0")
            })
    }

    /// Rates each target that makes the change dangerous; `true` if any did.
    fn targets_danger(&self, targets: &[&Word], acc: &mut Acc) -> bool {
        let (name, mode, recursive) = (self.name, self.mode, self.recursive);
        let hands_to_non_root = self.hands_to_non_root();
        let mut danger = false;
        for w in targets {
            let t = w.text.as_str();
            let class = classify(t).unwrap_or(PathClass::Other);
            let system = matches!(
                class,
                PathClass::Root
                    | PathClass::TopLevel(_)
                    | PathClass::SystemDir(_)
                    | PathClass::EmptyVarRoot(_)
            );
            if recursive && system {
                acc.danger(format!("recursive {name} on {}", class.describe()));
                danger = true;
            } else if recursive
                && name == "chmod"
                && matches!(class, PathClass::Home(_) | PathClass::HomeVital(_))
            {
                acc.danger(format!(
                    "recursive chmod on {} (breaks SSH keys and private files)",
                    class.describe()
                ));
                danger = true;
            } else if self.ww && (system || is_critical_file(t)) {
                acc.danger(format!("makes {t} world-writable"));
                danger = true;
            } else if is_critical_file(t)
                && t.starts_with("/etc/")
                && (hands_to_non_root
                    || name == "chmod" && mode.is_some_and(|m| m == "000" || m == "0"))
            {
                acc.danger(format!(
                    "changes ownership/permissions of the critical file {t}"
                ));
                danger = true;
            } else if !recursive && matches!(class, PathClass::Root) {
                acc.danger(format!("{name} on / itself"));
                danger = true;
            }
        }
        danger
    }
}

/// Programs that work only setuid root: the ways to become root, change a
/// password or mount. Without the bit, `sudo` cannot undo the change.
const SETUID_PROGRAMS: &[&str] = &[
    "sudo",
    "su",
    "doas",
    "pkexec",
    "passwd",
    "newgrp",
    "chsh",
    "chfn",
    "gpasswd",
    "mount",
    "umount",
    "fusermount",
    "fusermount3",
    "unix_chkpwd",
];

/// `chmod u-s /usr/bin/sudo`, `chmod 0755 /usr/bin/passwd`: the mode leaves
/// a setuid program of a system directory without its bit.
fn drops_setuid(mode: Option<&str>, path: &str) -> bool {
    let Some(m) = mode else { return false };
    let in_system = [
        "/bin/",
        "/sbin/",
        "/usr/bin/",
        "/usr/sbin/",
        "/usr/lib/",
        "/usr/libexec/",
    ]
    .iter()
    .any(|d| path.starts_with(d));
    if !in_system || !SETUID_PROGRAMS.contains(&basename(path)) {
        return false;
    }
    if m.chars().all(|c| c.is_ascii_digit()) {
        // Three digits carry no special bits; four need the 4 (setuid).
        return m.len() <= 3 || !m.starts_with(['4', '5', '6', '7']);
    }
    m.split(',').any(|part| {
        let who = part.split(['-', '=']).next().unwrap_or("");
        let who_u = who.is_empty() || who.contains(['u', 'a']);
        (part.contains('-') && part.split('-').nth(1).is_some_and(|p| p.contains('s'))
            || part.contains('=') && !part.contains('s'))
            && who_u
    })
}

/// Files every process must read: without read for others, user and host
/// lookups fail for everyone but root.
const WORLD_READ: &[&str] = &[
    "/etc/passwd",
    "/etc/group",
    "/etc/nsswitch.conf",
    "/etc/hosts",
    "/etc/resolv.conf",
    "/etc/ld.so.cache",
    "/etc/localtime",
];

/// `chmod 600 /etc/passwd`, `chmod o-r /etc/group`.
fn hides_world_readable(mode: Option<&str>, path: &str) -> bool {
    let Some(m) = mode else { return false };
    if !WORLD_READ.contains(&path.trim_end_matches('/')) {
        return false;
    }
    if m.chars().all(|c| c.is_ascii_digit()) && m.len() >= 3 {
        return m
            .chars()
            .last()
            .is_some_and(|d| matches!(d, '0' | '1' | '2' | '3'));
    }
    m.split(',').any(|p| {
        let (who, rest) = p.split_at(p.find(['-', '=']).unwrap_or(p.len()));
        (who.is_empty() || who.contains(['o', 'a']))
            && (rest.starts_with('-') && rest.contains('r')
                || rest.starts_with('=') && !rest.contains('r'))
    })
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    /// The family's examples, in line with the written policy.
    #[test]
    fn examples() {
        check_examples(&[
            ("chmod a-x /usr/bin/sudo", Danger),
            ("chmod 0644 /sbin/init", Danger),
            ("chmod -x ./scripts/old.sh", Caution),
            ("chmod 755 /usr/local/bin/tool", Caution),
            ("chmod 000 ~/.ssh", Danger),
            // The setuid bit is what makes these programs work.
            ("sudo chmod -s /bin/su", Danger),
            ("sudo chmod 0755 /usr/bin/passwd", Danger),
            ("sudo chmod u=rwx,go=rx /usr/bin/pkexec", Danger),
            ("sudo chmod 4755 /usr/bin/sudo", Caution),
            ("sudo chmod u+s /usr/bin/newgrp", Caution),
            ("chmod u-s ./build/helper", Caution),
            ("chmod g-s shared/", Caution),
            ("ls -l /usr/bin/sudo", Safe),
            ("sudo chmod 600 /etc/passwd", Danger),
            ("sudo chmod o-r /etc/group", Danger),
            ("sudo chmod 644 /etc/passwd", Caution),
            ("sudo chmod 640 /etc/shadow", Caution),
            ("stat -c %a /usr/bin/passwd", Safe),
        ]);
    }
}
