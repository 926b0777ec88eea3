//! Package managers.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        // snap keeps a snapshot of a removed snap's data, unless --purge.
        "snap" if ctx.args.first() == Some(&"remove") && ctx.args.contains(&"--purge") => {
            acc.danger("snap remove --purge deletes the snap's data without keeping a snapshot")
        }
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
            } else if ctx
                .positionals()
                .iter()
                .any(|w| is_essential_package(&w.text))
            {
                acc.danger(format!(
                    "{name} removes core packages (can break the system)"
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
                || is_essential_package(&w.text)
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

/// Packages without which the system does not boot, no one can log in or
/// become root, or no package can be installed again to repair it, in the
/// names of Debian, Fedora/RHEL, Arch, Alpine and SUSE.
const ESSENTIAL: &[&str] = &[
    "libc6",
    "libc-bin",
    "glibc",
    "glibc-common",
    "musl",
    "systemd",
    "systemd-sysv",
    "init",
    "sysvinit-core",
    "openrc",
    "udev",
    "sudo",
    "doas",
    "openssh-server",
    "openssh",
    "ssh",
    "bash",
    "dash",
    "coreutils",
    "util-linux",
    "login",
    "passwd",
    "shadow",
    "shadow-utils",
    "apt",
    "dpkg",
    "rpm",
    "dnf",
    "yum",
    "pacman",
    "apk-tools",
    "zypper",
    "base-files",
    "base-passwd",
    "filesystem",
    "base",
    "pam",
    "libpam0g",
    "libpam-modules",
    "libpam-runtime",
    "e2fsprogs",
    "mount",
    "kmod",
    "iproute2",
    "ifupdown",
    "netplan.io",
    "network-manager",
    "NetworkManager",
    "perl-base",
    "tar",
    "gzip",
    "findutils",
    "grep",
    "sed",
    "procps",
    "procps-ng",
    "zlib1g",
    "zlib",
    "libselinux1",
    "linux",
    "linux-lts",
    "kernel",
    "kernel-core",
    "linux-image-generic",
    "grub-pc",
    "grub-efi-amd64",
    "grub2",
    "grub2-common",
    "grub2-efi-x64",
    "shim-signed",
    "shim-x64",
    "dracut",
    "initramfs-tools",
    "busybox",
];

/// An essential package, or a glob over the kernels or boot loaders
/// (`linux-image-*`, `kernel*`, `grub*`).
fn is_essential_package(p: &str) -> bool {
    let p = p.trim_matches(['\'', '"']);
    let base = p.split([':', '=']).next().unwrap_or(p);
    ESSENTIAL.contains(&base)
        || base.ends_with('*')
            && [
                "linux-image",
                "linux",
                "kernel",
                "grub",
                "systemd",
                "libc",
                "glibc",
                "openssh",
                "sudo",
                "libpam",
                "coreutils",
                "bash",
            ]
            .iter()
            .any(|k| base.starts_with(k))
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    /// The family's examples, in line with the written policy.
    #[test]
    fn examples() {
        check_examples(&[
            ("sudo dnf remove -y glibc", Danger),
            ("sudo snap remove --purge nextcloud", Danger),
            ("sudo apt-get remove --purge -y 'openssh*'", Danger),
            ("sudo apt-get remove -y 'php8.1*'", Caution),
            ("sudo snap remove vlc", Caution),
            ("sudo apt-get purge -y 'linux-image-*'", Danger),
            ("sudo pacman -R --noconfirm pacman", Danger),
            ("sudo apk del openrc", Danger),
            ("sudo zypper rm -y coreutils", Danger),
            ("sudo apt remove -y bash:amd64", Danger),
            ("sudo apt remove -y linux-image-5.15.0-91-generic", Caution),
            ("sudo apt-get remove -y nginx", Caution),
            ("sudo dnf remove -y glibc-devel", Caution),
            ("apt-cache policy systemd", Safe),
            ("rpm -q glibc", Safe),
            ("apt-cache policy nginx", Safe),
            ("sudo apt-get install -y nginx", Caution),
        ]);
    }
}
