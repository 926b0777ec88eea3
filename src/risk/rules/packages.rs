//! Package managers.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        "apt" | "apt-get" | "aptitude" | "dnf" | "yum" | "zypper" | "pacman" | "apk" | "brew"
        | "snap" | "flatpak" | "pip" | "pip3" | "pipx" | "npm" | "pnpm" | "yarn" | "gem"
        | "cargo" | "dpkg" | "rpm" | "port" | "emerge" | "nix-env" | "urpmi" | "urpme"
        | "yaourt" | "yay" | "paru" | "conda" | "mamba" | "uv" | "go" | "bower" | "composer" => {
            analyze_pkg(ctx, acc)
        }
        _ => return false,
    }
    true
}

pub(crate) fn analyze_pkg(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    let pos = ctx.positionals();
    let sub = pos.first().map(|w| w.text.as_str()).unwrap_or("");
    let read_subs = [
        "search",
        "show",
        "list",
        "info",
        "policy",
        "depends",
        "rdepends",
        "showpkg",
        "madison",
        "outdated",
        "help",
        "--version",
        "version",
        "whatprovides",
        "provides",
        "repolist",
        "check",
        "query",
        "audit",
        "ls",
        "view",
        "why",
        "freeze",
        "config",
        "download",
        "changelog",
        "doctor",
        "home",
        "deps",
        "leaves",
        "cache",
        "env",
        "tree",
        "run",
        "test",
        "build",
        "fmt",
        "clippy",
        "doc",
        "bench",
        "vet",
        "mod",
        "fetch",
        "metadata",
        "-v",
        "pack",
        "exec",
        "start",
        "serve",
        "dev",
        "lint",
        "init",
        "new",
        "create",
        "pkg",
        "interfaces",
        "find",
        "history",
    ];
    let read_flags = [
        "-Q", "-Qi", "-Ql", "-Qs", "-Ss", "-Si", "-Qe", "-Qdt", "-Qo", "-l", "-L", "-s", "-q",
        "-qa", "-qf", "-qi", "-ql", "-I", "-c", "--list", "--status", "-S",
    ];
    if name == "dpkg" || name == "rpm" || name == "pacman" {
        let first = ctx.args.first().copied().unwrap_or("");
        let remove = ctx.args.iter().any(|a| {
            matches!(
                *a,
                "-P" | "--purge"
                    | "-r"
                    | "--remove"
                    | "-e"
                    | "--erase"
                    | "-R"
                    | "-Rs"
                    | "-Rns"
                    | "-Rsc"
                    | "-Rdd"
                    | "-Rcns"
            )
        });
        if remove {
            if ctx.args.iter().any(|a| {
                a.contains("--nodeps")
                    || *a == "-Rdd"
                    || *a == "--force-all"
                    || a.starts_with("--force-remove")
            }) {
                acc.danger(format!(
                    "{name} removes packages ignoring dependencies (can break the system)"
                ));
            } else {
                acc.caution(format!("{name} removes packages"));
            }
            return;
        }
        if name == "dpkg"
            && matches!(
                first,
                "-l" | "-L"
                    | "-s"
                    | "-S"
                    | "-I"
                    | "-c"
                    | "--list"
                    | "--status"
                    | "--get-selections"
                    | "-p"
                    | "--print-architecture"
            )
        {
            return;
        }
        if name == "rpm" && first.starts_with("-q") {
            return;
        }
        if name == "pacman"
            && (first.starts_with("-Q")
                || first.starts_with("-Ss")
                || first.starts_with("-Si")
                || first == "-Sl")
        {
            return;
        }
        if !ctx.args.is_empty() {
            acc.caution(format!("{name} installs or changes packages"));
        }
        return;
    }
    let sub_lc = sub.to_ascii_lowercase();
    if sub.is_empty()
        && ctx
            .args
            .iter()
            .all(|a| read_flags.contains(a) || *a == "--version" || *a == "-h" || *a == "--help")
    {
        return;
    }
    if read_subs.contains(&sub_lc.as_str()) && !(name == "go" && matches!(sub, "install" | "get")) {
        if (name == "npm" || name == "pnpm" || name == "yarn") && sub == "run" {
            return;
        }
        if name.starts_with("pip")
            && sub == "cache"
            && pos
                .get(1)
                .is_some_and(|w| w.text == "purge" || w.text == "remove")
        {
            acc.caution("clears the pip cache");
        }
        if name == "cargo"
            && matches!(
                sub,
                "build"
                    | "run"
                    | "test"
                    | "fmt"
                    | "clippy"
                    | "doc"
                    | "bench"
                    | "fetch"
                    | "metadata"
                    | "new"
                    | "init"
            )
        {
            return;
        }
        return;
    }
    if name == "go" && !matches!(sub, "install" | "get" | "clean") {
        return;
    }
    let removes = matches!(
        sub_lc.as_str(),
        "remove"
            | "purge"
            | "autoremove"
            | "erase"
            | "uninstall"
            | "rm"
            | "del"
            | "delete"
            | "-r"
            | "urpme"
            | "prune"
            | "clean"
    );
    // Removing packages with a catch-all pattern.
    if removes
        && pos.iter().skip(1).any(|w| {
            matches!(w.text.as_str(), "*" | ".*" | "'*'")
                || w.text == "libc6"
                || w.text == "systemd"
                || w.text == "sudo"
                || w.text == "openssh-server"
                || w.text == "python3" && name.starts_with("apt")
        })
    {
        acc.danger(format!(
            "{name} {sub} of core packages or everything (can break the system)"
        ));
        return;
    }
    if name == "urpme" {
        acc.caution("removes packages");
        return;
    }
    if removes {
        acc.caution(format!("{name} {sub} removes packages"));
    } else {
        acc.caution(format!("{name} {sub} installs or changes packages").replace("  ", " "));
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
            ("apt-cache policy nginx", Safe),
            ("sudo apt-get install -y nginx", Caution),
        ]);
    }
}
