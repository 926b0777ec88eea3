//! Whole-system tools that act at once on everything: firewall tables
//! restored from text, age-based cleaners, tmpfiles removals, jumping into
//! another kernel, key rings.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        "iptables-restore" | "ip6tables-restore" | "iptables-legacy-restore" => {
            firewall_restore(name, ctx, acc)
        }
        "tmpwatch" | "tmpreaper" => age_cleaner(name, ctx, acc),
        "systemd-tmpfiles" if ctx.args.contains(&"--remove") => {
            acc.caution("systemd-tmpfiles removes what its configuration names");
            fed_text(ctx, acc, tmpfiles_removals);
        }
        "kexec" if ctx.has_flag('e', &["--exec"]) => acc.danger(
            "kexec -e jumps into another kernel at once: every service dies without shutting down",
        ),
        "gpg" | "gpg2" => gpg(ctx, acc),
        _ => return false,
    }
    true
}

/// The rules replace every table; a DROP policy without SSH allowed cuts
/// remote access off, and rules from a file cannot be seen.
fn firewall_restore(name: &str, ctx: &Ctx, acc: &mut Acc) {
    acc.caution(format!("{name} replaces every firewall rule"));
    if ctx.has_flag('t', &["--test"]) {
        return;
    }
    fed_text(ctx, acc, |text, _, acc| {
        let drops = text.contains(":INPUT DROP") || text.contains(":INPUT REJECT");
        let ssh = text.contains("--dport 22") || text.contains("--dport ssh");
        if drops && !ssh {
            acc.danger(
                "the restored rules drop all input and do not allow SSH: remote access is cut off",
            );
        }
    });
}

/// `tmpwatch --force 0 /home`: every file not used in the last 0 hours, so
/// every file, under the directory.
fn age_cleaner(name: &str, ctx: &Ctx, acc: &mut Acc) {
    let pos = ctx.positionals();
    let zero = pos
        .first()
        .is_some_and(|w| w.text.trim_end_matches(['h', 'd', 'm']).parse::<u64>() == Ok(0));
    let notable = pos
        .iter()
        .skip(1)
        .any(|w| classify(&w.text).is_some_and(|c| c != PathClass::Other));
    if zero && notable && !ctx.has_flag('t', &["--test"]) {
        acc.danger(format!(
            "{name} with age 0 deletes every file under the directory"
        ));
    } else {
        acc.caution(format!("{name} deletes files by age"));
    }
}

/// Deleting secret keys in batch mode (`--batch --yes`) asks nothing; for
/// every key a listing names it is the whole key ring.
fn gpg(ctx: &Ctx, acc: &mut Acc) {
    let deletes_secret = ctx.args.iter().any(|a| a.starts_with("--delete-secret"));
    if !deletes_secret {
        return;
    }
    let unasked = ctx.args.contains(&"--yes") || ctx.args.contains(&"--batch");
    let listed = ctx
        .eff
        .args
        .iter()
        .any(|w| w.subs.iter().any(|s| s.contains("--list")));
    if unasked && listed {
        acc.danger("gpg deletes every secret key a listing names, without asking");
    } else {
        acc.caution("gpg deletes secret keys");
    }
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    #[test]
    fn examples() {
        check_examples(&[
            (
                "printf '*filter\\n:INPUT DROP [0:0]\\n:OUTPUT DROP [0:0]\\nCOMMIT\\n' | sudo iptables-restore",
                Danger,
            ),
            ("sudo iptables-restore < /etc/iptables/rules.v4", Caution),
            ("sudo iptables-restore --test < rules.v4", Caution),
            ("sudo tmpwatch --all --force 0 /home", Danger),
            ("sudo tmpreaper 240 /tmp", Caution),
            (
                "sudo systemd-tmpfiles --remove --prefix=/home /dev/stdin <<< 'R /home/*'",
                Danger,
            ),
            ("sudo kexec -l /tmp/vmlinuz --reuse-cmdline && sudo kexec -e", Danger),
            (
                "gpg --batch --yes --delete-secret-and-public-keys $(gpg --list-secret-keys --with-colons | awk -F: '/^fpr/ {print $10}')",
                Danger,
            ),
            ("gpg --list-secret-keys", Safe),
        ]);
    }
}
