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

/// Subcommands that only read, build or run a project's own code.
const READ_SUBS: &[&str] = &[
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

/// Flags that, alone, make a package manager only query.
const READ_FLAGS: &[&str] = &[
    "-Q", "-Qi", "-Ql", "-Qs", "-Ss", "-Si", "-Qe", "-Qdt", "-Qo", "-l", "-L", "-s", "-q", "-qa",
    "-qf", "-qi", "-ql", "-I", "-c", "--list", "--status", "-S",
];

pub(crate) fn analyze_pkg(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    if name == "dpkg" || name == "rpm" || name == "pacman" {
        analyze_low_level(name, ctx, acc);
        return;
    }
    // `apt-get purge --assume-no …` shows the plan and answers no.
    if ctx.args.contains(&"--assume-no") {
        return;
    }
    let pos = ctx.positionals();
    let sub = pos.first().map(|w| w.text.as_str()).unwrap_or("");
    let sub_lc = sub.to_ascii_lowercase();
    if sub.is_empty()
        && ctx
            .args
            .iter()
            .all(|a| READ_FLAGS.contains(a) || *a == "--version" || *a == "-h" || *a == "--help")
    {
        return;
    }
    if READ_SUBS.contains(&sub_lc.as_str()) && !(name == "go" && matches!(sub, "install" | "get")) {
        read_sub(name, sub, &pos, acc);
        return;
    }
    if name == "go" && !matches!(sub, "install" | "get" | "clean") {
        return;
    }
    if REMOVES.contains(&sub_lc.as_str()) && every_installed(ctx) {
        acc.danger(format!(
            "{name} {sub} of every installed package (the system is left without its tools)"
        ));
        return;
    }
    if REMOVES.contains(&sub_lc.as_str()) && ctx.args.contains(&"--allow-remove-essential") {
        acc.danger(format!(
            "{name} {sub} --allow-remove-essential removes packages the system cannot run without"
        ));
        return;
    }
    install_or_remove(name, sub, &sub_lc, &pos, acc);
}

/// Package managers of a language or project, whose packages the system
/// does not run on: removing `core` or `python3` there breaks no system.
const LANGUAGE_MANAGERS: &[&str] = &[
    "pip", "pip3", "pipx", "npm", "pnpm", "yarn", "gem", "cargo", "conda", "mamba", "uv", "go",
    "bower", "composer", "brew", "port",
];

/// Subcommands that remove packages.
const REMOVES: &[&str] = &[
    "remove",
    "purge",
    "autoremove",
    "erase",
    "uninstall",
    "rm",
    "del",
    "delete",
    "-r",
    "urpme",
    "prune",
    "clean",
];

/// `dpkg`, `rpm` and `pacman`, whose actions are flags rather than subcommands.
fn analyze_low_level(name: &str, ctx: &Ctx, acc: &mut Acc) {
    // `rpm -e --test`, `dpkg --no-act -r`: only check what would happen.
    if ctx
        .args
        .iter()
        .any(|a| matches!(*a, "--test" | "--no-act" | "--dry-run" | "--simulate"))
    {
        return;
    }
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
        low_level_remove(name, ctx, acc);
        return;
    }
    if low_level_query(name, first) {
        return;
    }
    if !ctx.args.is_empty() {
        acc.caution(format!("{name} installs or changes packages"));
    }
}

fn low_level_remove(name: &str, ctx: &Ctx, acc: &mut Acc) {
    if every_installed(ctx) {
        acc.danger(format!(
            "{name} removes every installed package (the system is left without its tools)"
        ));
        return;
    }
    if ctx.args.iter().any(|a| {
        a.contains("--nodeps")
            || *a == "-Rdd"
            || *a == "--force-all"
            || a.starts_with("--force-remove")
            || a.starts_with("--force-depends")
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
}

/// Whether the first flag makes `dpkg`, `rpm` or `pacman` only query.
fn low_level_query(name: &str, first: &str) -> bool {
    match name {
        "dpkg" => matches!(
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
        ),
        "rpm" => first.starts_with("-q"),
        "pacman" => {
            first.starts_with("-Q")
                || first.starts_with("-Ss")
                || first.starts_with("-Si")
                || first == "-Sl"
        }
        _ => false,
    }
}

/// A read-only subcommand; only clearing pip's cache is worth a word.
fn read_sub(name: &str, sub: &str, pos: &[&Word], acc: &mut Acc) {
    if name.starts_with("pip")
        && sub == "cache"
        && pos
            .get(1)
            .is_some_and(|w| w.text == "purge" || w.text == "remove")
    {
        acc.caution("clears the pip cache");
    }
}

fn install_or_remove(name: &str, sub: &str, sub_lc: &str, pos: &[&Word], acc: &mut Acc) {
    let removes = REMOVES.contains(&sub_lc);
    // Removing packages with a catch-all pattern.
    if removes
        && pos.iter().skip(1).any(|w| {
            matches!(w.text.as_str(), "*" | ".*" | "'*'")
                || !LANGUAGE_MANAGERS.contains(&name) && is_essential_package(&w.text)
                || name == "snap" && SNAP_BASES.contains(&w.text.as_str())
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
    // Debian's and Ubuntu's own tools (netplan, apt's helpers) and dnf are
    // written in Python.
    "python3",
    "python3-minimal",
    "python3-libs",
];

/// The snaps every other snap runs on (for `snap remove`; `apt purge snapd`
/// is an ordinary removal).
const SNAP_BASES: &[&str] = &["core", "core18", "core20", "core22", "core24", "snapd"];

/// An essential package, a pattern that matches one (`'python3*'`,
/// `'*ssh*'`, `systemd*`, `'linux-image-*'`), or a versioned name of one
/// (`python3.12`, `linux-image-6.1.0-13-amd64` is one kernel: not counted).
fn is_essential_package(p: &str) -> bool {
    let p = p.trim_matches(['\'', '"']);
    let base = p.split([':', '=']).next().unwrap_or(p);
    // `python3.12` is what `python3` depends on.
    let versioned_python = base
        .strip_prefix("python3.")
        .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()));
    if ESSENTIAL.contains(&base) || versioned_python {
        return true;
    }
    base.contains(['*', '?', '['])
        && (ESSENTIAL.iter().any(|e| glob_match(base, e))
            || ["linux-image-generic", "python3.12"]
                .iter()
                .any(|e| glob_match(base, e)))
}

/// Shell-style matching of `*`, `?` and `[…]` (a set taken loosely: any of
/// its characters) against a package name.
fn glob_match(pat: &str, name: &str) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let n: Vec<char> = name.chars().collect();
    glob_at(&p, &n)
}

fn glob_at(p: &[char], n: &[char]) -> bool {
    match p.first() {
        None => n.is_empty(),
        Some('*') => (0..=n.len()).any(|i| glob_at(&p[1..], &n[i..])),
        Some('?') => !n.is_empty() && glob_at(&p[1..], &n[1..]),
        Some('[') => match p.iter().position(|c| *c == ']') {
            Some(end) => {
                !n.is_empty() && p[1..end].contains(&n[0]) && glob_at(&p[end + 1..], &n[1..])
            }
            None => n.first() == Some(&'[') && glob_at(&p[1..], &n[1..]),
        },
        Some(c) => n.first() == Some(c) && glob_at(&p[1..], &n[1..]),
    }
}

/// `dpkg -l | awk … | xargs apt-get purge`, `apt-get purge $(rpm -qa)`:
/// the packages are every installed one.
fn every_installed(ctx: &Ctx) -> bool {
    let lists = |c: &Cmd| {
        let w: Vec<&str> = c.words.iter().map(|w| w.text.as_str()).collect();
        let has = |x: &str| w.contains(&x);
        match w.first().copied() {
            Some("dpkg") => has("-l") || has("--get-selections") || has("--list"),
            Some("dpkg-query") => true,
            Some("rpm") => w.iter().any(|a| a.starts_with("-qa")),
            Some("apt" | "dnf" | "yum") => has("list") && (has("--installed") || has("installed")),
            Some("pacman") => w.iter().any(|a| a.starts_with("-Q")),
            _ => false,
        }
    };
    let narrowed = |c: &Cmd| {
        c.words
            .first()
            .is_some_and(|w| matches!(w.text.as_str(), "grep" | "head" | "tail"))
    };
    // Fed by xargs, or read from stdin (`pacman -Qq | pacman -Rns -`).
    let stdin = ctx.positionals().iter().any(|w| w.text == "-");
    let piped = (ctx.eff.via_xargs || stdin)
        && ctx.upstream.iter().any(lists)
        && !ctx.upstream.iter().any(narrowed);
    let substituted = ctx.eff.args.iter().any(|w| {
        w.subs.iter().any(|s| {
            let pipes = parse(&lex(s));
            let cmds: Vec<&Cmd> = pipes.iter().flat_map(|p| p.cmds.iter()).collect();
            cmds.iter().any(|c| lists(c)) && !cmds.iter().any(|c| narrowed(c))
        })
    });
    piped || substituted
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
            ("sudo apt-get purge -y 'python3*'", Danger),
            ("sudo apt purge -y python3.10", Danger),
            ("sudo apt-get purge -y '*python*'", Danger),
            ("sudo apt-get purge -y 'perl*'", Danger),
            ("sudo snap remove core", Danger),
            ("sudo apt-get purge -y snapd", Caution),
            (
                "sudo apt-get remove --allow-remove-essential -y sed",
                Danger,
            ),
            ("sudo dpkg -r --force-depends libc6", Danger),
            (
                "dpkg -l | awk '/^ii/ {print $2}' | xargs sudo apt-get purge -y",
                Danger,
            ),
            ("sudo apt purge -y 'nvidia*'", Caution),
            ("sudo apt-get remove -y python3-pip", Caution),
            ("sudo dnf remove -y 'kernel-devel*'", Caution),
            ("pip uninstall -y pip", Caution),
            ("apt-get -s purge 'python3*'", Safe),
            ("rpm -e --test glibc", Safe),
            ("pacman -Qq | sudo pacman -Rns -", Danger),
            ("rpm -qa | xargs rpm -e --nodeps", Danger),
            ("rpm -qa | grep nvidia | xargs rpm -e", Caution),
            ("sudo apt-get purge --assume-no 'python3*'", Safe),
        ]);
    }
}
