//! Backup tools: deleting a whole repository loses every backup at once.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        "borg" | "borgbackup" => borg(ctx, acc),
        "restic" => restic(ctx, acc),
        _ => return false,
    }
    true
}

/// `borg delete REPO` deletes the repository (it asks to type YES, unless
/// `BORG_DELETE_I_KNOW_WHAT_I_AM_DOING=YES` answers); `REPO::ARCHIVE` one archive.
fn borg(ctx: &Ctx, acc: &mut Acc) {
    let Some(sub) = ctx.positionals().first().map(|w| w.text.clone()) else {
        return;
    };
    let dry = ctx.has_flag('n', &["--dry-run"]);
    match sub.as_str() {
        "delete" | "rdelete" if !dry => {
            let whole = ctx
                .positionals()
                .iter()
                .skip(1)
                .all(|w| !w.text.contains("::"));
            let answered = ctx
                .cmd
                .words
                .iter()
                .any(|w| w.text == "BORG_DELETE_I_KNOW_WHAT_I_AM_DOING=YES")
                || acc
                    .vars
                    .get("BORG_DELETE_I_KNOW_WHAT_I_AM_DOING")
                    .is_some_and(|v| v == "YES")
                || ctx.has_flag('f', &["--force"]);
            if whole && answered {
                acc.danger("borg delete removes the whole backup repository, every archive in it, without asking");
            } else {
                acc.caution("borg delete removes backups (it asks first)");
            }
        }
        "prune" | "compact" if !dry => acc.caution("borg prunes old archives"),
        _ => {}
    }
}

/// `restic forget` without a `--keep-*` policy and with `--prune` drops the
/// snapshots it names; `restic forget --prune` of every snapshot is danger.
fn restic(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    if !args.contains(&"forget") || args.contains(&"--dry-run") || args.contains(&"-n") {
        return;
    }
    let every = args
        .windows(2)
        .any(|w| w[0] == "forget" && w[1] == "--keep-last")
        && args.contains(&"0")
        || ctx
            .upstream
            .iter()
            .any(|c| c.words.iter().any(|w| w.text == "snapshots"))
        || ctx
            .eff
            .args
            .iter()
            .any(|w| w.subs.iter().any(|s| s.contains("snapshots")));
    if every && args.contains(&"--prune") {
        acc.danger("restic forgets and prunes every snapshot: the backups are gone");
    } else {
        acc.caution("restic forgets snapshots");
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
                "BORG_DELETE_I_KNOW_WHAT_I_AM_DOING=YES borg delete /mnt/borg/repo",
                Danger,
            ),
            ("borg delete /mnt/borg/repo", Caution),
            (
                "BORG_DELETE_I_KNOW_WHAT_I_AM_DOING=YES borg delete /mnt/borg/repo::2024-01-01",
                Caution,
            ),
            ("borg delete --dry-run /mnt/borg/repo", Safe),
            ("borg list /mnt/borg/repo", Safe),
            ("borg create /mnt/borg/repo::{now} ~/Documents", Safe),
            (
                "restic -r /srv/restic forget --keep-daily 7 --prune",
                Caution,
            ),
            ("restic snapshots", Safe),
            (
                "restic -r /srv/restic forget --prune $(restic -r /srv/restic snapshots --json | jq -r '.[].id')",
                Danger,
            ),
        ]);
    }
}
