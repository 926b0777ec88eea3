//! What a path names: the root, a system tree, a home directory, the working
//! directory, a device, a critical file.

use crate::risk::prelude::*;

/// Files whose change affects the whole system or the user's shell setup.
pub(crate) fn is_system_file(t: &str) -> bool {
    [
        "/etc/",
        "/boot/",
        "/usr/",
        "/proc/sys",
        "/sys/",
        "/lib/",
        "/bin/",
        "/sbin/",
        "/var/lib/",
    ]
    .iter()
    .any(|p| t.starts_with(p))
        && !is_harmless_dev(t)
}

/// Files that grant access to the machine: SSH keys and their lists.
pub(crate) fn is_access_file(t: &str) -> bool {
    t.contains("/.ssh/") || basename(t).starts_with("authorized_keys")
}

/// Files whose loss locks the user out of the machine: the SSH directory or
/// everything in it, private keys (`id_*`, host keys) and `authorized_keys`.
/// `known_hosts` or `config` are re-creatable and do not count.
pub(crate) fn is_access_key(t: &str) -> bool {
    let t = t.trim_end_matches('/');
    let base = basename(t);
    let in_ssh = t.contains("/.ssh/") || t.starts_with(".ssh/") || t.starts_with("/etc/ssh/");
    base.starts_with("authorized_keys")
        || base == ".ssh"
        || (in_ssh
            && (is_broad_glob(base)
                || (base.starts_with("id_") && !base.ends_with(".pub"))
                || (base.starts_with("ssh_host_") && base.contains("key"))))
}

/// Dotfiles in a home directory (`~/.bashrc`): changing them alters every new shell.
pub(crate) fn is_home_dotfile(t: &str) -> bool {
    ["~/.", "$HOME/.", "${HOME}/.", "/root/."]
        .iter()
        .any(|p| t.starts_with(p) && !t[p.len()..].contains('/'))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PathClass {
    /// `/`, `/*`.
    Root,
    /// A top-level directory or glob right under `/`.
    TopLevel(String),
    /// A directory vital to the OS below the top level (`/usr/lib`).
    SystemDir(String),
    /// The home directory itself or all of it (`~`, `$HOME/*`, `/home/alice`).
    Home(String),
    /// Precious content in a home directory (`~/.ssh`, `~/Documents`).
    HomeVital(String),
    /// Any other directory of the user's in a home directory (`~/keys`,
    /// `/home/alice/notes`): outside the working tree and not a cache or a
    /// build output, so it is the user's data.
    HomeData(String),
    /// The current or parent directory or everything in it (`.`, `*`, `../*`).
    Cwd(String),
    /// An unguarded variable followed by `/`: empty variable means `/`.
    EmptyVarRoot(String),
    /// A service's data directory (`/var/lib/mysql`, `/srv/pg/data`).
    DataDir(String),
    /// Any other path: ordinary.
    Other,
}

impl PathClass {
    /// Level of recursively deleting this path.
    pub(crate) fn level(&self, _recursive: bool) -> RiskLevel {
        match self {
            PathClass::Other => RiskLevel::Caution,
            _ => RiskLevel::Danger,
        }
    }

    pub(crate) fn describe(&self) -> String {
        match self {
            PathClass::Root => "the root filesystem (/)".into(),
            PathClass::TopLevel(p) => format!("the top-level directory {p}"),
            PathClass::SystemDir(p) => format!("the system directory {p}"),
            PathClass::Home(p) => format!("the home directory ({p})"),
            PathClass::HomeVital(p) => format!("{p} in the home directory"),
            PathClass::HomeData(p) => format!("the user's directory {p}"),
            PathClass::Cwd(p) => format!("the whole current/parent directory ({p})"),
            PathClass::EmptyVarRoot(p) => {
                format!("{p} (if the variable is empty or unset this is /)")
            }
            PathClass::DataDir(p) => format!("the data directory {p}"),
            PathClass::Other => "files".into(),
        }
    }
}

/// A glob component that matches (nearly) everything: `*`, `.*`, `*.*`, `**`.
pub(crate) fn is_broad_glob(comp: &str) -> bool {
    // `[A-Z]*`, `[!.]*`: a class of first characters, then anything.
    if let Some(rest) = comp.strip_prefix('[') {
        if let Some((_, tail)) = rest.split_once(']') {
            if !tail.is_empty() && tail.chars().all(|c| c == '*') {
                return true;
            }
        }
    }
    !comp.is_empty()
        && comp.contains(['*', '?'])
        && comp
            .chars()
            .all(|c| matches!(c, '*' | '?' | '.' | '[' | ']' | '!' | '^'))
}

pub(crate) const HOME_VITAL: &[&str] = &[
    ".ssh",
    ".gnupg",
    ".config",
    ".local",
    "Documents",
    "Desktop",
    "Pictures",
    "Photos",
    "Dokumente",
    "Bilder",
    "Schreibtisch",
    ".password-store",
    ".mozilla",
    "Music",
    "Videos",
    "Downloads",
    "Projects",
    "projects",
    "workspace",
    "Maildir",
    ".thunderbird",
    ".aws",
    ".kube",
    ".docker",
    ".gcloud",
    ".azure",
    "Dropbox",
    "Nextcloud",
];

pub(crate) const HOME_VARS: &[&str] = &["$HOME", "${HOME}", "~", "$USERPROFILE", "${USERPROFILE}"];

/// Classifies a path for recursive destructive operations; `None` for words
/// that are not path-like at all (empty).
pub(crate) fn classify(raw: &str) -> Option<PathClass> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    // `${HOME:?}` and `${HOME?msg}` fail only when HOME is unset: it is set.
    let unguarded;
    let t = match ["${HOME:?", "${HOME?"].iter().find(|g| t.starts_with(*g)) {
        Some(_) => match t.find('}') {
            Some(close) => {
                unguarded = format!("$HOME{}", &t[close + 1..]);
                unguarded.as_str()
            }
            None => t,
        },
        None => t,
    };
    // Home directory forms.
    for hv in HOME_VARS {
        if let Some(rest) = t.strip_prefix(hv) {
            if rest.is_empty() || rest.starts_with('/') {
                // `~/../..` climbs out of the home directory (/home/<user>).
                if rest.split('/').any(|c| c == "..") {
                    return Some(classify_abs(raw, &format!("/home/user{rest}")));
                }
                return Some(classify_home_rest(raw, rest));
            }
        }
    }
    if let Some(rest) = t.strip_prefix('~') {
        // ~alice or ~alice/…
        let (user, rest) = rest
            .split_once('/')
            .map(|(u, r)| (u, format!("/{r}")))
            .unwrap_or((rest, String::new()));
        if user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        {
            return Some(classify_user_home(raw, user, &rest));
        }
    }
    if let Some(rest) = t
        .strip_prefix("$PWD")
        .or_else(|| t.strip_prefix("${PWD}"))
        .or_else(|| t.strip_prefix("$(pwd)"))
    {
        // `$PWD`, `$PWD/*`, `${PWD}/..`: the working directory or above it.
        let comps: Vec<&str> = rest.split('/').filter(|c| !c.is_empty()).collect();
        let last = comps.len().saturating_sub(1);
        let climbs = comps
            .iter()
            .enumerate()
            .all(|(i, c)| *c == "." || *c == ".." || i == last && is_broad_glob(c));
        if rest.is_empty() || rest.starts_with('/') && climbs {
            return Some(PathClass::Cwd(raw.to_string()));
        }
        return Some(PathClass::Other);
    }
    // Unguarded variable at the start, then "/" and nothing specific.
    if t.starts_with('$') {
        let var_end = var_prefix_len(t);
        let var = &t[..var_end];
        let rest = &t[var_end..];
        let guarded = var.contains(":?") || var.contains('?');
        if !guarded && var_end > 1 {
            let r = rest.trim_end_matches('/');
            if rest.starts_with('/')
                && (r.is_empty() || r.strip_prefix('/').is_some_and(is_broad_glob))
            {
                return Some(PathClass::EmptyVarRoot(raw.to_string()));
            }
        }
        return Some(PathClass::Other);
    }
    if t.starts_with('/') {
        return Some(classify_abs(raw, t));
    }
    // Relative: only `.`/`..` components, optionally ending in a broad glob.
    let comps: Vec<&str> = t.split('/').filter(|c| !c.is_empty()).collect();
    if comps.is_empty() {
        return Some(PathClass::Other);
    }
    let last = comps.len() - 1;
    let all_dots = comps
        .iter()
        .enumerate()
        .all(|(i, c)| *c == "." || *c == ".." || (i == last && is_broad_glob(c)));
    if all_dots {
        return Some(PathClass::Cwd(raw.to_string()));
    }
    // `../../home/alice`: climbing to a name only the root holds means that
    // tree, from wherever the command runs.
    let ups = comps.iter().take_while(|c| **c == "..").count();
    let climbs_to_root_tree = comps.get(ups).is_some_and(|top| {
        matches!(
            *top,
            "home" | "etc" | "usr" | "var" | "srv" | "root" | "boot" | "Users" | "opt"
        )
    });
    if ups > 0 && climbs_to_root_tree {
        return Some(classify_abs(raw, &format!("/{}", comps[ups..].join("/"))));
    }
    Some(PathClass::Other)
}

pub(crate) fn var_prefix_len(t: &str) -> usize {
    let b = t.as_bytes();
    if b.len() < 2 {
        return b.len();
    }
    if b[1] == b'{' {
        return t.find('}').map(|i| i + 1).unwrap_or(t.len());
    }
    if b[1] == b'(' {
        return t.find(')').map(|i| i + 1).unwrap_or(t.len());
    }
    1 + t[1..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(t.len() - 1)
}

/// Service accounts whose home directory is their data (`~postgres` is
/// /var/lib/postgresql).
const SERVICE_USERS: &[&str] = &[
    "git",
    "gitlab",
    "jenkins",
    "www-data",
    "nginx",
    "apache",
    "httpd",
    "mysql",
    "postgres",
    "redis",
    "mongodb",
    "elasticsearch",
    "minio",
    "nextcloud",
    "odoo",
    "grafana",
    "prometheus",
    "mastodon",
    "gitea",
    "nexus",
    "sonarqube",
    "tomcat",
    "rabbitmq",
    "couchdb",
    "solr",
];

/// `~USER/REST`: another user's home (or the own one for a bare `~`). A
/// service account's home holds its data; other users' homes are classed like
/// one's own, and a data name below them counts as a data directory.
fn classify_user_home(raw: &str, user: &str, rest: &str) -> PathClass {
    let home = classify_home_rest(raw, rest);
    if user.is_empty() || home != PathClass::Other {
        return home;
    }
    let comps: Vec<&str> = rest
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    if comps.contains(&"..") {
        return classify_abs(raw, &format!("/home/{user}{rest}"));
    }
    let service = SERVICE_USERS.contains(&user) || DATA_NAMES.contains(&user);
    if service || comps.iter().any(|c| DATA_NAMES.contains(c)) {
        return PathClass::DataDir(raw.to_string());
    }
    PathClass::Other
}

pub(crate) fn classify_home_rest(raw: &str, rest: &str) -> PathClass {
    let comps: Vec<&str> = rest
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    match comps.as_slice() {
        [] => PathClass::Home(raw.to_string()),
        [c] if is_broad_glob(c) => PathClass::Home(raw.to_string()),
        [c] | [c, _]
            if HOME_VITAL.contains(c)
                && (comps.len() == 1 || comps.get(1).is_some_and(|x| is_broad_glob(x))) =>
        {
            PathClass::HomeVital(raw.to_string())
        }
        [_, ..] if !disposable(&comps) => PathClass::HomeData(raw.to_string()),
        _ => PathClass::Other,
    }
}

/// Names in a home path that mark what can be regenerated or was meant to be
/// thrown away: caches, build outputs, temporary and trash folders.
const DISPOSABLE: &[&str] = &[
    "node_modules",
    "__pycache__",
    "build",
    "dist",
    "target",
    "out",
    "venv",
    ".venv",
    ".tox",
    ".npm",
    ".yarn",
    ".pnpm-store",
    ".gradle",
    ".m2",
    ".cargo",
    ".rustup",
    "go",
    ".terraform",
    ".next",
    ".nuxt",
    "coverage",
    "log",
    "logs",
    "env",
    "envs",
    ".virtualenvs",
    ".pyenv",
    ".rbenv",
    ".nvm",
    ".vscode-server",
    ".cursor-server",
    ".vscode",
];

/// A home path whose loss costs nothing that cannot be rebuilt, or one that
/// names files rather than a directory (`notes.txt`, `*.iso`).
fn disposable(comps: &[&str]) -> bool {
    let throwaway = |c: &&str| {
        let lower = c.to_ascii_lowercase();
        DISPOSABLE.contains(c)
            || ["cache", "tmp", "temp", "trash", "venv"]
                .iter()
                .any(|w| lower.contains(w))
    };
    let last = comps.last().copied().unwrap_or_default();
    let dotfile = last.starts_with('.')
        && (last.ends_with("rc")
            || last.ends_with("profile")
            || last.ends_with("history")
            || matches!(last, ".gitconfig" | ".viminfo" | ".Xauthority" | ".lesshst"));
    let names_files = dotfile
        || last.contains(['*', '?', '[']) && !is_broad_glob(last)
        || last
            .rsplit_once('.')
            .is_some_and(|(stem, ext)| !stem.is_empty() && (1..=5).contains(&ext.len()));
    comps.iter().any(throwaway) || names_files
}

pub(crate) const TOP_SAFE: &[&str] = &["tmp"];

/// Path components that name a service's data: deleting a tree that holds
/// one loses a database or a store, not a reinstallable program.
const DATA_NAMES: &[&str] = &[
    "mysql",
    "mariadb",
    "postgresql",
    "postgres",
    "pgsql",
    "pgdata",
    "mongodb",
    "mongo",
    "redis",
    "elasticsearch",
    "opensearch",
    "cassandra",
    "influxdb",
    "clickhouse",
    "kafka",
    "zookeeper",
    "etcd",
    "minio",
    "docker",
    "containerd",
    "data",
    "backup",
    "backups",
];

/// Second-level directories that are vital: `/usr/lib`, `/var/lib`, …
pub(crate) fn vital_second(top: &str, sub: &str) -> bool {
    match top {
        "usr" => matches!(
            sub,
            "bin"
                | "sbin"
                | "lib"
                | "lib32"
                | "lib64"
                | "libexec"
                | "share"
                | "include"
                | "local"
                | "src"
        ),
        "var" => matches!(
            sub,
            "lib" | "log" | "spool" | "mail" | "www" | "backups" | "opt" | "db"
        ),
        "etc" => matches!(
            sub,
            "ssh"
                | "pam.d"
                | "systemd"
                | "security"
                | "sudoers.d"
                | "network"
                | "netplan"
                | "apt"
                | "default"
                | "init.d"
                | "ssl"
                | "alternatives"
        ),
        "bin" | "sbin" | "lib" | "lib32" | "lib64" | "libx32" | "boot" => true,
        "dev" => sub != "shm",
        "home" | "Users" => true,
        "System" | "Library" => true,
        _ => false,
    }
}

pub(crate) fn classify_abs(raw: &str, t: &str) -> PathClass {
    // Resolve `.` and `..`, collapse slashes.
    let mut comps: Vec<&str> = Vec::new();
    for c in t.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                comps.pop();
            }
            _ => comps.push(c),
        }
    }
    // A trailing broad glob means "everything in the parent".
    let mut n = comps.len();
    if n > 0 && is_broad_glob(comps[n - 1]) {
        n -= 1;
    }
    let comps = &comps[..n];
    match comps {
        [] => PathClass::Root,
        [top] => {
            if top.contains(['*', '?', '[']) {
                PathClass::TopLevel(raw.to_string())
            } else if TOP_SAFE.contains(top) {
                PathClass::Other
            } else if *top == "root" {
                PathClass::Home(raw.to_string())
            } else {
                PathClass::TopLevel(raw.to_string())
            }
        }
        [top, sub] => {
            if *top == "home" || *top == "Users" {
                if sub.contains(['*', '?']) {
                    PathClass::TopLevel(raw.to_string())
                } else {
                    PathClass::Home(raw.to_string())
                }
            } else if *top == "root" && HOME_VITAL.contains(sub) {
                PathClass::HomeVital(raw.to_string())
            } else if *top == "srv"
                || matches!(*top, "opt" | "mnt" | "media") && !sub.contains(['*', '?', '['])
                || *top == "var" && *sub == "www"
                // `/var/app`: an application's state (not `/var/tmp` or a cache).
                || *top == "var"
                    && !vital_second(top, sub)
                    && !matches!(*sub, "tmp" | "cache" | "crash" | "run" | "lock")
                    && !sub.contains(['*', '?', '['])
                || (DATA_NAMES.contains(sub) || DATA_NAMES.contains(top)) && !TOP_SAFE.contains(top)
            {
                PathClass::DataDir(raw.to_string())
            } else if vital_second(top, sub)
                || *top == "etc"
                || (sub.contains('*')
                    && !TOP_SAFE.contains(top)
                    && *top != "opt"
                    && *top != "srv"
                    && *top != "mnt"
                    && *top != "media")
            {
                PathClass::SystemDir(raw.to_string())
            } else {
                PathClass::Other
            }
        }
        // The FHS's state trees: each entry is a service's or package's data.
        // Every file of a kind in a vital directory (`/var/log/*.log`,
        // `/etc/ssl/*.pem`); rotated archives (`*.gz`, `*.1`) are leftovers.
        [top, sub, last]
            if vital_second(top, sub)
                && last.contains('*')
                && !is_archive_glob(last)
                && *top != "home" =>
        {
            PathClass::SystemDir(raw.to_string())
        }
        // The system's libraries and its init/kernel trees below /usr/lib.
        [top, sub, name]
            if *top == "usr"
                && matches!(*sub, "lib" | "lib64")
                && (name.ends_with("-linux-gnu")
                    || matches!(
                        *name,
                        "systemd" | "modules" | "firmware" | "udev" | "grub" | "sudo"
                    )) =>
        {
            PathClass::SystemDir(raw.to_string())
        }
        // A site under the web root is its content.
        [top, sub, _]
            if *top == "var" && matches!(*sub, "lib" | "opt" | "mail" | "www" | "spool") =>
        {
            PathClass::DataDir(raw.to_string())
        }
        // The journal and the audit trail are the system's logs.
        [top, sub, name]
            if *top == "var" && *sub == "log" && matches!(*name, "journal" | "audit") =>
        {
            PathClass::SystemDir(raw.to_string())
        }
        // A language runtime's standard library (`/usr/local/lib/python3.11`):
        // the interpreter the system's tools run on stops working.
        [top, rest @ .., name]
            if *top == "usr"
                && matches!(rest, ["lib"] | ["lib64"] | ["local", "lib"])
                && (name.starts_with("python3") || name.starts_with("perl")) =>
        {
            PathClass::SystemDir(raw.to_string())
        }
        // Firmware variables: deleting them can leave the board unbootable.
        [top, sub, ..] if *top == "sys" && *sub == "firmware" => {
            PathClass::SystemDir(raw.to_string())
        }
        // The kernel's modules: the next boot or `modprobe` finds nothing.
        [top, rest @ ..]
            if (*top == "lib" || *top == "usr" && rest.first() == Some(&"lib"))
                && rest.contains(&"modules") =>
        {
            PathClass::SystemDir(raw.to_string())
        }
        // Anywhere under /srv (`/srv/nfs/exports`) is served data; releases,
        // builds, logs and caches are what a deploy recreates.
        [top, _, ..]
            if matches!(*top, "srv" | "opt" | "mnt" | "media")
                && !comps.iter().any(|c| {
                    DISPOSABLE.contains(c)
                        || c.contains("cache")
                        || c.contains("tmp")
                        || matches!(
                            *c,
                            "releases" | "builds" | "build" | "dist" | "artifacts" | "logs" | "log"
                        )
                }) =>
        {
            PathClass::DataDir(raw.to_string())
        }
        // Deeper in a service's state tree (`/var/lib/libvirt/images`), but
        // not the package manager's lists or a cache.
        [top, sub, svc, ..]
            if *top == "var"
                && matches!(*sub, "lib" | "opt" | "mail" | "www")
                && *svc != "apt"
                && !comps
                    .iter()
                    .any(|c| c.contains("cache") || c.contains("tmp") || *c == "lists") =>
        {
            PathClass::DataDir(raw.to_string())
        }
        _ if comps.iter().any(|c| DATA_NAMES.contains(c))
            && !matches!(comps.first().copied(), Some("tmp" | "home" | "Users"))
            && !comps.iter().any(|c| c.contains("cache")) =>
        {
            PathClass::DataDir(raw.to_string())
        }
        [top, _user, sub, ..]
            if (*top == "home" || *top == "Users")
                && comps.len() == 3
                && HOME_VITAL.contains(sub) =>
        {
            PathClass::HomeVital(raw.to_string())
        }
        [top, _user, rest @ ..]
            if (*top == "home" || *top == "Users") && !rest.is_empty() && !disposable(rest) =>
        {
            PathClass::HomeData(raw.to_string())
        }
        _ => PathClass::Other,
    }
}

/// `*.gz`, `*.old`, `syslog.*.1`: rotated or compressed copies.
fn is_archive_glob(g: &str) -> bool {
    [".gz", ".xz", ".bz2", ".zst", ".old", ".bak", ".tmp"]
        .iter()
        .any(|e| g.ends_with(e))
        || g.ends_with(|c: char| c.is_ascii_digit())
}

pub(crate) const CRITICAL_FILES: &[&str] = &[
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/gshadow",
    "/etc/sudoers",
    "/etc/fstab",
    "/etc/hosts",
    "/etc/crypttab",
    "/etc/ssh/sshd_config",
    "/etc/pam.d/common-auth",
    "/etc/pam.d/sudo",
    "/etc/nsswitch.conf",
    "/etc/inittab",
    "/etc/ld.so.conf",
    "/etc/ld.so.preload",
    "/boot/grub/grub.cfg",
    "/etc/default/grub",
    "/etc/login.defs",
];

/// A file whose loss breaks the system or access to it: critical, system or
/// access files. Emptying one is danger.
pub(crate) fn is_vital_file(t: &str) -> bool {
    is_critical_file(t) || is_system_file(t) || is_access_file(t)
}

pub(crate) fn is_critical_file(p: &str) -> bool {
    let p = p.trim_end_matches('/');
    if CRITICAL_FILES.contains(&p) {
        return true;
    }
    // The firmware's boot loaders.
    if p.starts_with("/boot/efi/") && p.to_ascii_lowercase().ends_with(".efi") {
        return true;
    }
    // Kernels, initrds and core binaries.
    let dir = p.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let file = basename(p);
    (dir == "/boot"
        && (file.starts_with("vmlinuz")
            || file.starts_with("initrd")
            || file.starts_with("initramfs")))
        || (matches!(
            dir,
            "/bin"
                | "/sbin"
                | "/usr/bin"
                | "/usr/sbin"
                | "/lib"
                | "/lib64"
                | "/usr/lib"
                | "/usr/lib64"
                | "/lib/x86_64-linux-gnu"
                | "/usr/lib/x86_64-linux-gnu"
        ) && !file.is_empty())
}

/// Pseudo-devices that are fine to read from or write to.
pub(crate) fn is_harmless_dev(p: &str) -> bool {
    matches!(
        p,
        "/dev/null"
            | "/dev/zero"
            | "/dev/stdout"
            | "/dev/stderr"
            | "/dev/stdin"
            | "/dev/tty"
            | "/dev/full"
            | "/dev/random"
            | "/dev/urandom"
            | "/dev/console"
            | "/dev/ptmx"
            | "/dev/dsp"
    ) || p.starts_with("/dev/tty")
        || p.starts_with("/dev/pts/")
        || p.starts_with("/dev/fd/")
        || p.starts_with("/dev/shm/")
        || p.starts_with("/dev/tcp/")
        || p.starts_with("/dev/udp/")
        || p.starts_with("/dev/cu.")
        || p.starts_with("/dev/video")
        || p.starts_with("/dev/snd")
        || p.starts_with("/dev/input")
        || p.starts_with("/dev/usb")
        || p.starts_with("/dev/ttyUSB")
}

/// A block device, partition or raw memory: writing there destroys data.
pub(crate) fn is_device(p: &str) -> bool {
    let p = p.trim_matches(|c| c == '"' || c == '\'');
    p.starts_with("/dev/") && !is_harmless_dev(p) && p.len() > 5
        || p.starts_with("\\\\.\\PhysicalDrive")
}
