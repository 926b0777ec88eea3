//! Version control: git, svn, hg.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        "svn" | "hg" => {
            if ctx.args.first().is_some_and(|a| {
                matches!(
                    *a,
                    "revert"
                        | "rm"
                        | "delete"
                        | "del"
                        | "remove"
                        | "commit"
                        | "ci"
                        | "push"
                        | "strip"
                        | "purge"
                        | "update"
                        | "up"
                        | "merge"
                )
            }) {
                acc.caution(format!("{name} changes the working copy or repository"));
            }
        }
        "git" => analyze_git(ctx, acc),
        _ => return false,
    }
    true
}

// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
pub(crate) fn analyze_git(ctx: &Ctx, acc: &mut Acc) {
    // Skip global options like -C dir, -c key=val, --git-dir=…
    let mut i = 0;
    let args = ctx.args;
    while i < args.len() && args[i].starts_with('-') {
        if matches!(args[i], "-C" | "-c") {
            i += 1;
        }
        i += 1;
    }
    let Some(sub) = args.get(i).copied() else {
        return;
    };
    let rest = &args[i + 1..];
    match sub {
        "push" => {
            let force = has_flag(rest, 'f', &["--force"])
                && !rest.iter().any(|a| {
                    a.starts_with("--force-with-lease") || a.starts_with("--force-if-includes")
                })
                || rest.iter().any(|a| a.starts_with('+') && a.len() > 1);
            if force {
                acc.danger("git push --force overwrites remote history (commits others pushed can be lost)");
            } else if rest.iter().any(|a| a.starts_with("--force-with-lease")) {
                acc.caution("force-pushes with lease: rewrites remote history, but refuses if the remote moved");
            } else if rest.contains(&"--mirror") {
                acc.caution("git push --mirror overwrites and deletes remote refs");
            } else if rest.iter().any(|a| *a == "--delete" || *a == "-d")
                || rest.iter().any(|a| a.starts_with(':') && a.len() > 1)
            {
                acc.caution("deletes a remote branch or tag");
            } else {
                acc.caution("publishes commits to a remote");
            }
        }
        "reset" => {
            if rest.contains(&"--hard") || rest.contains(&"--merge") || rest.contains(&"--keep") {
                acc.git_reset_hard = true;
                acc.caution("git reset --hard discards uncommitted changes");
            } else {
                acc.caution("git reset moves the branch pointer");
            }
        }
        "clean" => {
            let dry = has_flag(rest, 'n', &["--dry-run"]);
            let force = has_flag(rest, 'f', &["--force"]);
            if !dry && force {
                if has_flag(rest, 'x', &[]) || has_flag(rest, 'X', &[]) {
                    acc.git_clean_all = true;
                    acc.caution("git clean -x deletes untracked and ignored files (.env, build output, local config)");
                } else {
                    acc.caution("git clean deletes untracked files");
                }
            }
        }
        "checkout" | "restore" => {
            if rest.contains(&"--")
                || rest.contains(&".")
                || sub == "restore"
                || has_flag(rest, 'f', &["--force"])
            {
                acc.caution("discards local changes to files");
            }
        }
        "branch" => {
            if has_flag(rest, 'D', &[]) || rest.contains(&"--delete") && rest.contains(&"--force") {
                acc.caution("force-deletes a branch (unmerged commits become unreachable)");
            } else if has_flag(rest, 'd', &["--delete"])
                || has_flag(rest, 'm', &["--move"])
                || has_flag(rest, 'M', &[])
            {
                acc.caution("deletes or renames a branch");
            }
        }
        "stash" => {
            if matches!(rest.first().copied(), Some("drop" | "clear")) {
                acc.caution("deletes stashed changes");
            }
        }
        "rebase" | "filter-branch" | "filter-repo" | "commit"
            if sub != "commit" || rest.contains(&"--amend") =>
        {
            acc.caution("rewrites commit history")
        }
        "merge" | "pull" | "cherry-pick" | "revert" | "am" | "apply" | "rm" | "mv" | "gc"
        | "prune" | "reflog" | "update-ref" | "tag" | "remote" | "submodule" | "worktree"
        | "switch" => match sub {
            "reflog" if !rest.iter().any(|a| *a == "expire" || *a == "delete") => {}
            "tag" if !has_flag(rest, 'd', &["--delete"]) && !has_flag(rest, 'f', &["--force"]) => {}
            "remote"
                if !rest
                    .iter()
                    .any(|a| matches!(*a, "remove" | "rm" | "set-url" | "prune")) => {}
            "submodule" if !rest.iter().any(|a| matches!(*a, "deinit" | "update")) => {}
            "worktree" if !rest.iter().any(|a| matches!(*a, "remove" | "prune")) => {}
            "switch" if !has_flag(rest, 'f', &["--force", "--discard-changes"]) => {}
            "gc" if !rest.iter().any(|a| a.starts_with("--prune")) => {}
            _ => acc.caution(format!("git {sub} changes the repository")),
        },
        _ => {}
    }
}
