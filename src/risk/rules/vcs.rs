//! Version control: git, svn, hg.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        "svn" | "hg" if discards_working_copy(name, ctx.args) => acc.danger(format!(
            "{name} throws away every uncommitted change in the working copy"
        )),
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
        "git" => {
            written_hooks(ctx, acc);
            analyze_git(ctx, acc)
        }
        "bfg" => bfg(ctx.args, acc),
        // `java -jar bfg-1.14.0.jar --delete-files …`.
        "java"
            if ctx
                .args
                .windows(2)
                .any(|w| w[0] == "-jar" && basename(w[1]).starts_with("bfg")) =>
        {
            let jar = ctx
                .args
                .iter()
                .position(|a| basename(a).starts_with("bfg"))
                .unwrap_or(0);
            bfg(&ctx.args[jar + 1..], acc)
        }
        _ => return false,
    }
    true
}

/// `svn revert -R .`, `hg revert --all`, `hg update -C`, `hg purge --all`.
/// Hooks written earlier in the text (`echo … > .git/hooks/post-checkout`)
/// run when git does what they hook; whichever it is, they are judged.
fn written_hooks(ctx: &Ctx, acc: &mut Acc) {
    let hooks: Vec<String> = acc
        .written
        .iter()
        .filter(|(path, _)| path.contains(".git/hooks/"))
        .filter_map(|(_, w)| match w {
            Written::Text(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    for text in hooks {
        acc.caution("git runs a hook written earlier in the text");
        assess_script(&text, ctx.depth + 1, acc);
    }
}

fn discards_working_copy(name: &str, args: &[&str]) -> bool {
    let sub = args.first().copied().unwrap_or("");
    let has = |o: &str| args.contains(&o);
    match (name, sub) {
        ("svn", "revert") => has("-R") || has("--recursive") || has("--depth=infinity"),
        ("svn", "cleanup") => has("--remove-unversioned") || has("--remove-ignored"),
        ("hg", "revert") => has("--all") || has("-a"),
        ("hg", "update" | "up" | "checkout" | "co") => has("-C") || has("--clean"),
        ("hg", "purge" | "clean") => has("--all"),
        ("hg", "strip") => true,
        _ => false,
    }
}

// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
pub(crate) fn analyze_git(ctx: &Ctx, acc: &mut Acc) {
    // Skip global options like -C dir, -c key=val, --git-dir=…
    let mut i = 0;
    let args = ctx.args;
    while i < args.len() && args[i].starts_with('-') {
        if args[i] == "-c" {
            if let Some(kv) = args.get(i + 1) {
                git_config_program(kv, ctx.depth, acc);
            }
        }
        if matches!(args[i], "-C" | "-c") {
            i += 1;
        }
        i += 1;
    }
    let Some(sub) = args.get(i).copied() else {
        return;
    };
    let rest = &args[i + 1..];
    if git_dry_run(sub, rest) {
        return;
    }
    match sub {
        // `git submodule foreach CMD`: CMD runs in every submodule.
        "submodule" if rest.first() == Some(&"foreach") => {
            let cmd: Vec<&str> = rest[1..]
                .iter()
                .copied()
                .skip_while(|a| a.starts_with("--"))
                .collect();
            if !cmd.is_empty() {
                assess_script(&cmd.join(" "), ctx.depth + 1, acc);
            }
        }
        "push" => push(ctx, rest, acc),
        "reset" => reset(rest, acc),
        "clean" => clean(rest, acc),
        "checkout" | "restore" | "switch" if rest.iter().any(|a| a.starts_with("--orphan")) => {
            acc.git_orphan = true
        }
        "checkout" | "restore" => checkout(sub, rest, acc),
        "config" => config(ctx, rest, acc),
        "branch" => branch(ctx, rest, acc),
        "stash" => match rest.first().copied() {
            Some("clear") => acc.danger("git stash clear deletes every stash"),
            Some("drop") => acc.caution("deletes stashed changes"),
            _ => {}
        },
        "filter-branch" | "filter-repo" => filter(sub, rest, acc),
        "rebase" | "commit" if sub != "commit" || rest.contains(&"--amend") => {
            acc.caution("rewrites commit history")
        }
        "merge" | "pull" | "cherry-pick" | "revert" | "am" | "apply" | "rm" | "mv" | "gc"
        | "prune" | "reflog" | "update-ref" | "tag" | "remote" | "submodule" | "worktree"
        | "switch" => other(sub, rest, acc),
        _ => {}
    }
}

/// `--dry-run` (and, where it means that, `-n`) or `--help`: git only says
/// what it would do. `-n` is something else for most subcommands (`commit -n`
/// skips hooks).
fn git_dry_run(sub: &str, rest: &[&str]) -> bool {
    let short = matches!(
        sub,
        "push" | "reflog" | "rm" | "mv" | "add" | "prune" | "clean"
    );
    rest.iter().take_while(|a| **a != "--").any(|a| {
        matches!(*a, "--dry-run" | "--help")
            || short && a.starts_with('-') && !a.starts_with("--") && a.contains('n')
    })
}

/// `git filter-branch` keeps the old history in `refs/original` unless
/// `--force` overwrites that backup; `git filter-repo` refuses on anything
/// but a fresh clone unless `--force`, and keeps no backup. `--analyze`
/// only reports.
fn filter(sub: &str, rest: &[&str], acc: &mut Acc) {
    let forced = if sub == "filter-branch" {
        has_flag(rest, 'f', &["--force"])
    } else {
        rest.contains(&"--force")
    };
    if sub == "filter-repo" && rest.contains(&"--analyze") {
    } else if forced {
        acc.danger(format!(
            "git {sub} --force rewrites every commit with no backup of the old history"
        ));
    } else {
        acc.caution("rewrites commit history");
    }
}

/// BFG rewrites every commit of every branch (deleting files, folders,
/// blobs or text); the old history is gone after the `gc` it asks for.
fn bfg(args: &[&str], acc: &mut Acc) {
    const REWRITES: &[&str] = &[
        "--delete-files",
        "-D",
        "--delete-folders",
        "--strip-blobs-bigger-than",
        "-b",
        "--strip-biggest-blobs",
        "-B",
        "--strip-blobs-with-ids",
        "-bi",
        "--replace-text",
        "-rt",
        "--convert-to-git-lfs",
    ];
    if args.iter().any(|a| REWRITES.contains(a)) {
        acc.danger("bfg rewrites every commit of the repository's history");
    } else if !args.is_empty() && !args.iter().any(|a| matches!(*a, "--help" | "--version")) {
        acc.caution("bfg rewrites the repository's history");
    }
}

/// A word whose substitution lists refs (`$(git branch -r)`), or xargs fed
/// by such a listing: the command acts on every listed branch.
fn listed_refs(ctx: &Ctx, rest: &[&str]) -> bool {
    let lists = |c: &Cmd| {
        c.words.iter().any(|w| {
            matches!(
                w.text.as_str(),
                "branch" | "for-each-ref" | "refs/heads" | "ls-remote" | "show-ref" | "tag"
            )
        })
    };
    rest.contains(&FANOUT)
        || ctx.eff.args.iter().any(|w| {
            w.subs
                .iter()
                .any(|s| first_cmd(s).is_some_and(|c| lists(&c)))
        })
        || ctx.eff.via_xargs && ctx.upstream.iter().any(lists)
}

/// The subcommands that change the repository but discard nothing unless
/// told to.
fn other(sub: &str, rest: &[&str], acc: &mut Acc) {
    match sub {
        "switch" if has_flag(rest, 'f', &["--force", "--discard-changes"]) => {
            acc.danger("git switch --discard-changes throws away every uncommitted change")
        }
        "update-ref" if has_flag(rest, 'd', &["--delete"]) => acc.danger(
            "git update-ref -d deletes a ref: the commits only it pointed to are lost",
        ),
        "reflog"
            if rest.contains(&"expire")
                && rest
                    .iter()
                    .any(|a| matches!(*a, "--expire=now" | "--expire=all" | "--expire-unreachable=now")) =>
        {
            acc.danger("git reflog expire --expire=now drops the only record of lost commits: gc then deletes them for good")
        }
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
    }
}

/// `git push`: forced, mirrored, pruning, deleting or plain. `--mirror`
/// and `--prune` delete every remote ref the local repository lacks.
fn push(ctx: &Ctx, rest: &[&str], acc: &mut Acc) {
    let force = has_flag(rest, 'f', &["--force"])
        && !rest
            .iter()
            .any(|a| a.starts_with("--force-with-lease") || a.starts_with("--force-if-includes"))
        || rest.iter().any(|a| a.starts_with('+') && a.len() > 1);
    let deletes = rest.iter().any(|a| *a == "--delete" || *a == "-d")
        || rest.iter().any(|a| a.starts_with(':') && a.len() > 1);
    if force {
        acc.danger(
            "git push --force overwrites remote history (commits others pushed can be lost)",
        );
    } else if rest.contains(&"--mirror") || rest.contains(&"--prune") {
        acc.danger("git push --mirror/--prune deletes every remote branch and tag missing locally");
    } else if deletes && listed_refs(ctx, rest) {
        acc.danger("deletes every listed remote branch: others' work on them is lost");
    } else if rest.iter().any(|a| a.starts_with("--force-with-lease")) {
        acc.caution(
            "force-pushes with lease: rewrites remote history, but refuses if the remote moved",
        );
    } else if deletes {
        acc.caution("deletes a remote branch or tag");
    } else {
        acc.caution("publishes commits to a remote");
    }
}

/// `git reset`: `--hard` discards the work.
fn reset(rest: &[&str], acc: &mut Acc) {
    if rest.contains(&"--hard") || rest.contains(&"--merge") || rest.contains(&"--keep") {
        acc.git_reset_hard = true;
        acc.danger("git reset --hard discards all uncommitted changes (they cannot be recovered)");
    } else if rest.contains(&"--") || rest.first() == Some(&"HEAD") && rest.len() > 1 {
        // `git reset HEAD file`: unstages, the work stays.
    } else {
        acc.caution("git reset moves the branch pointer");
    }
}

/// `git clean -f`: with `-x` the ignored files go too.
fn clean(rest: &[&str], acc: &mut Acc) {
    let dry = has_flag(rest, 'n', &["--dry-run"]);
    let force = has_flag(rest, 'f', &["--force"]);
    if !dry && force {
        if has_flag(rest, 'x', &[]) || has_flag(rest, 'X', &[]) {
            acc.git_clean_all = true;
            acc.danger("git clean -x deletes untracked and ignored files (.env, build output, local config) for good");
        } else {
            acc.caution("git clean deletes untracked files");
        }
    }
}

/// `git checkout`/`restore`: the whole tree or named files.
fn checkout(sub: &str, rest: &[&str], acc: &mut Acc) {
    let staged_only = sub == "restore"
        && has_flag(rest, 'S', &["--staged"])
        && !has_flag(rest, 'W', &["--worktree"]);
    // `git checkout -f BRANCH` throws local changes away like `-f` alone.
    let whole_tree = rest.iter().any(|a| matches!(*a, "." | ":/" | "*" | "-a"))
        || sub == "checkout" && has_flag(rest, 'f', &["--force"]) && !rest.contains(&"--");
    if whole_tree && !staged_only {
        acc.danger(format!(
            "git {sub} discards every uncommitted change in the working tree"
        ));
    } else if rest.contains(&"--")
        || rest.contains(&".")
        || sub == "restore"
        || has_flag(rest, 'f', &["--force"])
    {
        acc.caution("discards local changes to files");
    }
}

/// `git config KEY VALUE`: a program-valued key runs later.
fn config(ctx: &Ctx, rest: &[&str], acc: &mut Acc) {
    // git config core.pager '…': the value runs later.
    if let [key, value, ..] = rest
        .iter()
        .filter(|a| !a.starts_with('-'))
        .copied()
        .collect::<Vec<_>>()[..]
    {
        git_config_program(&format!("{key}={value}"), ctx.depth, acc);
    }
}

/// `git branch -D`: one branch, or every listed one.
fn branch(ctx: &Ctx, rest: &[&str], acc: &mut Acc) {
    let force = has_flag(rest, 'D', &[]) || rest.contains(&"--delete") && rest.contains(&"--force");
    // `git branch | grep -v main | xargs git branch -D`: every listed branch.
    let listed = listed_refs(ctx, rest);
    if force && listed {
        acc.danger("force-deletes every listed branch: their unmerged commits become unreachable");
    } else if force && acc.git_orphan {
        acc.danger(
            "force-deletes a branch after switching to a new orphan branch: its whole history is left unreachable",
        );
    } else if force {
        acc.caution("force-deletes a branch (unmerged commits become unreachable)");
    } else if has_flag(rest, 'd', &["--delete"])
        || has_flag(rest, 'm', &["--move"])
        || has_flag(rest, 'M', &[])
    {
        acc.caution("deletes or renames a branch");
    }
}

/// Configuration keys whose value is a program git runs (`core.pager`,
/// `alias.x=!…`): the value is assessed as a command.
fn git_config_program(kv: &str, depth: usize, acc: &mut Acc) {
    let Some((key, value)) = kv.split_once('=') else {
        return;
    };
    let key = key.to_ascii_lowercase();
    let runs = matches!(
        key.as_str(),
        "core.pager"
            | "core.editor"
            | "core.sshcommand"
            | "core.fsmonitor"
            | "core.hookspath"
            | "sequence.editor"
            | "diff.external"
            | "gpg.program"
            | "credential.helper"
            | "uploadpack.packobjectshook"
    ) || key.starts_with("pager.")
        || key.starts_with("alias.") && value.starts_with('!')
        || key.ends_with(".textconv")
        || key.ends_with(".command");
    if runs {
        assess_script(value.trim_start_matches('!'), depth + 1, acc);
    }
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    /// The family's examples, in line with the written policy.
    #[test]
    fn examples() {
        check_examples(&[
            ("git submodule foreach --recursive git reset --hard", Danger),
            ("git submodule foreach git pull origin main", Caution),
            (
                "cat > .git/hooks/post-merge <<'EOF'\n#!/bin/sh\nrm -rf \"$HOME\"/data\nEOF\nchmod +x .git/hooks/post-merge",
                Danger,
            ),
            (
                "echo 'rm -rf ~/' > .git/hooks/post-checkout && chmod +x .git/hooks/post-checkout && git checkout main",
                Danger,
            ),
            (
                "printf '#!/bin/sh\\ncargo fmt --check\\n' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit && git commit -m x",
                Caution,
            ),
            ("git status", Safe),
            ("git stash", Safe),
            ("git clean -n -d -x", Safe),
            ("git -c core.pager=cat log", Safe),
            ("git clean -fd", Caution),
            ("git reset --soft HEAD~1", Caution),
            ("git checkout -- README.md", Caution),
            ("git restore --staged .", Caution),
            ("git stash drop", Caution),
            ("git push --force-with-lease", Caution),
            ("git clean -fdx", Danger),
            ("git reset --hard", Danger),
            ("git checkout -- .", Danger),
            ("git stash clear", Danger),
            ("git push --force origin main", Danger),
            ("git -c core.pager='rm -rf ~' log", Danger),
            ("git -c alias.x='!rm -rf ~' x", Danger),
            ("git checkout --force release-2.1", Danger),
            (
                "git for-each-ref --format='%(refname:short)' refs/heads | xargs git branch -D",
                Danger,
            ),
            (
                "git branch --merged | grep -v main | xargs git branch -d",
                Caution,
            ),
            ("git update-ref -d refs/heads/release", Danger),
            ("git update-ref refs/heads/x HEAD", Caution),
            ("svn revert --recursive .", Danger),
            ("svn revert README", Caution),
            ("hg update --clean default", Danger),
            ("hg revert --all", Danger),
            ("hg status", Safe),
            ("svn status", Safe),
            ("git switch --discard-changes main", Danger),
            ("git reflog expire --expire=now --all", Danger),
            ("git checkout main", Safe),
            ("git checkout -b feature/x", Safe),
            ("git reflog", Safe),
            ("git reflog show --date=iso", Safe),
            ("git gc", Safe),
            ("git switch -c topic", Safe),
            ("git push --dry-run --force origin main", Safe),
            ("git push -n --mirror backup", Safe),
            ("git push --mirror origin", Danger),
            (
                "git push --prune origin 'refs/heads/*:refs/heads/*'",
                Danger,
            ),
            ("git push origin --delete feature/old", Caution),
            (
                "git push origin --delete $(git branch -r --merged | sed 's#origin/##')",
                Danger,
            ),
            ("git branch -D feature/login", Caution),
            ("git checkout --orphan fresh && git branch -D main", Danger),
            ("git checkout --orphan gh-pages", Safe),
            (
                "git filter-branch -f --tree-filter 'rm -rf vendor' HEAD",
                Danger,
            ),
            (
                "git filter-branch --tree-filter 'rm -rf vendor' HEAD",
                Caution,
            ),
            (
                "git filter-repo --path secrets/ --invert-paths --force",
                Danger,
            ),
            ("git filter-repo --analyze", Safe),
            ("bfg --delete-files id_rsa", Danger),
            (
                "java -jar bfg-1.14.0.jar --delete-files '*.pem' repo.git",
                Danger,
            ),
            ("java -jar app.jar --delete-files x", Safe),
            ("git tag -l | xargs git push origin --delete", Danger),
            ("git reflog expire --dry-run --expire=now --all", Safe),
            ("git commit -n -m wip", Safe),
            ("git filter-branch --help", Safe),
        ]);
    }
}
