//! Files: deleting, moving, overwriting, permissions, in-place edits.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        // `rm -ri DIR` asks before each removal (`-I` once); unless a pipe
        // answers for the user, it is asked about first.
        "rm" if ctx.upstream.is_empty()
            && (ctx.has_flag('i', &["--interactive", "--interactive=always"])
                || ctx.has_flag('I', &["--interactive=once"]))
            && !ctx.has_flag('f', &["--force"]) =>
        {
            acc.caution("rm asks before it removes (-i/-I)");
        }
        "rm" | "unlink" | "srm" => analyze_rm(ctx, acc),
        "rmdir" => {
            if ctx
                .positionals()
                .iter()
                .any(|w| classify(&w.text).is_some_and(|c| c.level(false) == RiskLevel::Danger))
            {
                acc.caution("removes (empty) system directories");
            } else {
                acc.caution("removes directories");
            }
        }
        "find" => analyze_find(ctx, acc),
        "shred" | "wipe" => {
            if ctx.positionals().iter().any(|w| is_device(&w.text)) {
                acc.danger("shred overwrites a whole disk device");
            } else if ctx.positionals().iter().any(|w| is_critical_file(&w.text)) {
                acc.danger("shred destroys a critical system file");
            } else if let Some(w) = ctx.positionals().iter().find(|w| is_access_key(&w.text)) {
                acc.danger(access_loss("shreds", &w.text));
            } else if let Some(why) = ctx.positionals().iter().find_map(|w| glob_delete_danger(w)) {
                acc.danger(format!("shred irrecoverably {why}"));
            } else if ctx.eff.via_xargs
                && ctx.positionals().iter().all(|w| w.text == "{}")
                && upstream_find_start(ctx).is_some_and(|s| find_start_is_broad(&s))
            {
                // `find / … | xargs shred -u`: as `xargs rm` of that listing.
                fed_delete(ctx, false, acc);
            } else {
                acc.caution("irrecoverably overwrites files");
            }
        }
        "unzip" if ctx.has_flag('o', &[]) => {
            acc.caution("unzip -o overwrites existing files without asking")
        }
        "make" | "ninja" | "cmake"
            if ctx.args.iter().any(|a| {
                matches!(
                    *a,
                    "install" | "uninstall" | "clean" | "distclean" | "--install"
                )
            }) && !ctx.has_flag('n', &["--just-print", "--dry-run", "--recon"]) =>
        {
            make_recipes(ctx, acc);
            acc.caution("make install/clean writes or deletes files outside the build")
        }
        "patch" | "rename" | "prename" | "perl-rename" | "mmv" => {
            acc.caution(format!("{name} modifies or renames files"))
        }
        "mv" => analyze_mv(ctx, acc),
        "cp" | "install" | "pv" | "rsync" | "tar" | "ln" | "truncate" | "tee" | "sed" | "cat" => {
            super::writers::analyze_file_writers(ctx, acc)
        }
        _ => return false,
    }
    true
}

/// Options whose value is a command the program runs: `tar --to-command=…`,
/// `--checkpoint-action=exec=…`, `rsync -e …`, `man -P …`, `script -c …`.
fn command_options(ctx: &Ctx, acc: &mut Acc) {
    const LONG: &[&str] = &[
        "--to-command",
        "--checkpoint-action",
        "--use-compress-program",
        "--rsh",
        "--unzip-command",
        "--pager",
        "--exec",
        "--command",
        "--rsync-path",
        "--info-script",
        "--new-volume-script",
    ];
    let name = ctx.eff.name.as_str();
    let short: &[&str] = match name {
        "rsync" => &["-e"],
        "man" => &["-P"],
        "script" | "flock" | "runuser" | "sg" | "su" => &["-c"],
        "zip" => &["-TT"],
        "tar" => &["-I", "-F"],
        _ => &[],
    };
    let args = ctx.args;
    for (i, a) in args.iter().enumerate() {
        let value = match a.split_once('=') {
            Some((o, v)) if LONG.contains(&o) => Some(v),
            _ if LONG.contains(a) || short.contains(a) => args.get(i + 1).copied(),
            // `script -qc CMD`: a cluster of short options ending in one that takes the command.
            _ if !a.starts_with("--")
                && a.len() > 2
                && short
                    .iter()
                    .any(|s| s.len() == 2 && a.starts_with('-') && a.ends_with(&s[1..])) =>
            {
                args.get(i + 1).copied()
            }
            _ => None,
        };
        if let Some(v) = value {
            let v = v.strip_prefix("exec=").unwrap_or(v);
            assess_script(v, ctx.depth + 1, acc);
        }
    }
}

/// Checks that apply to any command: output files in system locations and
/// in-place rewriting flags.
pub(crate) fn analyze_generic_args(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    command_options(ctx, acc);
    for (i, a) in args.iter().enumerate() {
        let out = if matches!(*a, "-o" | "--output" | "--out" | "-O" | "--output-document") {
            args.get(i + 1).copied()
        } else {
            a.strip_prefix("--output=")
                .or_else(|| a.strip_prefix("--output-document="))
        };
        if let Some(o) = out {
            if is_device(o) {
                acc.danger(format!(
                    "{} writes its output onto the device {o}",
                    ctx.eff.name
                ));
            } else if is_critical_file(o) {
                acc.danger(format!("{} overwrites the critical file {o}", ctx.eff.name));
            } else if is_system_file(o) {
                acc.caution(format!("writes the system file {o}"));
            }
        }
        if matches!(*a, "--overwrite" | "--in-place") {
            acc.caution(format!("{} rewrites files in place", ctx.eff.name));
        }
    }
    if matches!(ctx.eff.name.as_str(), "curl" | "http" | "https" | "wget") {
        let method = args.iter().enumerate().find_map(|(i, a)| {
            if matches!(*a, "-X" | "--request" | "--method") {
                args.get(i + 1).copied()
            } else {
                a.strip_prefix("-X")
                    .filter(|m| !m.is_empty())
                    .or_else(|| a.strip_prefix("--request="))
                    .or_else(|| a.strip_prefix("--method="))
            }
        });
        let positional_method = ctx.eff.name.starts_with("http")
            && args
                .iter()
                .any(|a| matches!(*a, "PUT" | "DELETE" | "PATCH"));
        if method
            .is_some_and(|m| matches!(m.to_ascii_uppercase().as_str(), "PUT" | "DELETE" | "PATCH"))
            || positional_method
        {
            let deletes = method.is_some_and(|m| m.eq_ignore_ascii_case("DELETE"))
                || positional_method && args.contains(&"DELETE");
            // `DELETE …/_all` or `…/*` (Elasticsearch, OpenSearch, REST
            // stores): every index or resource behind the endpoint goes.
            // A URL with or without its scheme (`localhost:9200/logs-*`); a
            // wildcard index pattern names every index it matches.
            let url = |a: &str| {
                a.contains("://")
                    || !a.starts_with('-')
                        && a.split('/')
                            .next()
                            .is_some_and(|h| h.contains(':') || h == "localhost")
            };
            let everything = args.iter().any(|a| {
                url(a)
                    && a.split(['?', '#']).next().is_some_and(|u| {
                        u.trim_end_matches('/')
                            .rsplit('/')
                            .next()
                            .is_some_and(|last| {
                                matches!(last, "_all" | "*" | "*,*") || last.ends_with('*')
                            })
                    })
            });
            if deletes && everything {
                acc.danger("HTTP DELETE of every index or resource (_all / *)");
            } else {
                acc.caution("sends a modifying HTTP request (PUT/DELETE/PATCH)");
            }
        }
    }
}

/// The reason for destroying SSH keys or `authorized_keys`.
pub(crate) fn access_loss(verb: &str, path: &str) -> String {
    format!("{verb} {path} (SSH keys / authorized_keys): remote access to the machine is lost")
}

/// A non-recursive delete of a glob that matches system files, or every
/// file of a data directory. A glob from a loop over a listing
/// (`for f in /etc/*; rm "$f"`) counts too.
pub(crate) fn glob_delete_danger(w: &Word) -> Option<String> {
    let text = w.text.as_str();
    let class = classify(text)?;
    let broad = text.split('/').any(is_broad_glob);
    // A loop variable or other expansion that holds a glob is expanded by the shell.
    let glob = w.glob || w.expanded && text.contains(['*', '?']);
    let system = matches!(
        class,
        PathClass::Root | PathClass::TopLevel(_) | PathClass::SystemDir(_)
    );
    if system && (glob || broad) {
        return Some(format!("deletes system files matching {text}"));
    }
    if matches!(class, PathClass::DataDir(_)) && (broad || data_file_glob(text)) {
        return Some(format!("deletes every file in {}", class.describe()));
    }
    // `~/Documents/*`, `~/notes/*`: every file of the user's own directory.
    let home = matches!(
        class,
        PathClass::Home(_) | PathClass::HomeVital(_) | PathClass::HomeData(_)
    );
    if home && text.rsplit('/').next().is_some_and(is_broad_glob) {
        return Some(format!("deletes every file in {}", class.describe()));
    }
    None
}

/// Emptying (`> f`, `: > f`, `truncate -s 0 f`) a file of a system tree, a
/// system log, or every file a glob matches in a system or data directory
/// (`for f in /etc/*.conf; do : > "$f"; done`).
pub(crate) fn empties_system_files(w: &Word) -> Option<String> {
    const SYSTEM_LOGS: &[&str] = &[
        "syslog",
        "messages",
        "auth.log",
        "secure",
        "kern.log",
        "wtmp",
        "btmp",
        "lastlog",
        "audit.log",
        "faillog",
        "daemon.log",
    ];
    let t = w.text.as_str();
    if is_harmless_dev(t) || t.starts_with("/tmp/") || t.starts_with("/var/tmp/") {
        return None;
    }
    if let Some(why) = glob_delete_danger(w) {
        return Some(format!("empties every file it matches: {why}"));
    }
    let system_log = t.starts_with("/var/log/") && SYSTEM_LOGS.contains(&basename(t));
    let ext = basename(t).rsplit_once('.').map_or("", |(_, e)| e);
    let leftover = matches!(
        ext,
        "log" | "err" | "pid" | "lock" | "tmp" | "out" | "gz" | "old"
    );
    let system = !leftover
        && [
            "/etc/",
            "/boot/",
            "/usr/",
            "/lib/",
            "/bin/",
            "/sbin/",
            "/var/lib/",
        ]
        .iter()
        .any(|p| t.starts_with(p));
    (system_log || system || store_file(t)).then(|| {
        format!(
            "empties {t}: its contents (configuration, data or the system's audit trail) are lost"
        )
    })
}

/// A file inside a store's data directory that is its data, not a log or
/// a pid file (`/var/lib/mysql/ibdata1`, `/srv/redis/dump.rdb`).
fn store_file(path: &str) -> bool {
    let ext = basename(path)
        .rsplit_once('.')
        .map(|(_, e)| e)
        .unwrap_or("");
    matches!(classify(path), Some(PathClass::DataDir(_)))
        && !matches!(ext, "log" | "err" | "pid" | "sock" | "lock" | "tmp" | "out")
}

/// `.git`, `./.hg`, `repo/.svn`: the directory holding a repository's history.
fn vcs_metadata(path: &str) -> Option<&'static str> {
    let last = basename(path.trim_end_matches('/'));
    [".git", ".hg", ".svn", ".bzr", ".fossil", ".jj"]
        .into_iter()
        .find(|m| last == *m)
}

/// `*.ibd`, `*.rdb`, `*.sqlite`: a glob for a store's own data files (the
/// tables, the snapshot, the write-ahead log), as opposed to `*.tmp`/`*.log`.
pub(crate) fn data_file_glob(path: &str) -> bool {
    const DATA_EXT: &[&str] = &[
        "ibd", "frm", "myd", "myi", "ibdata", "db", "sqlite", "sqlite3", "rdb", "aof", "wal",
        "mdf", "ldf", "ndf", "dat", "parquet", "sst", "ldb", "wt", "bson", "dump", "sql",
    ];
    let last = basename(path);
    last.starts_with('*')
        && last
            .rsplit_once('.')
            .is_some_and(|(_, ext)| DATA_EXT.contains(&ext.to_ascii_lowercase().as_str()))
}

pub(crate) fn analyze_rm(ctx: &Ctx, acc: &mut Acc) {
    let recursive = ctx.has_flag('r', &["--recursive"]) || ctx.has_flag('R', &[]);
    if ctx.args.contains(&"--no-preserve-root") {
        acc.danger("rm --no-preserve-root disables the safeguard against deleting /");
    }
    let targets = ctx.positionals();
    let mut worst = RiskLevel::Safe;
    for w in &targets {
        // rm -rf $(find / …) and friends.
        if let Some(sub) = w.subs.first() {
            if let Some(c) = first_cmd(sub) {
                if let Some(e) = unwrap_cmd(&c.words) {
                    if e.name == "find" {
                        if let Some(start) = positionals(e.args).first() {
                            if find_start_is_broad(&start.text) {
                                acc.danger(format!(
                                    "deletes files found under {} (system-wide)",
                                    start.text
                                ));
                                worst = RiskLevel::Danger;
                            }
                        }
                    }
                }
            }
        }
        let text = w.text.as_str();
        if is_access_key(text) {
            acc.danger(access_loss("deletes", text));
            worst = RiskLevel::Danger;
            continue;
        }
        if recursive {
            if let Some(class) = classify(text) {
                if class != PathClass::Other {
                    acc.danger(format!("recursive delete of {}", class.describe()));
                    worst = RiskLevel::Danger;
                    continue;
                }
                if is_device(text) {
                    acc.danger(format!("deletes device nodes under {text}"));
                    worst = RiskLevel::Danger;
                    continue;
                }
                if let Some(vcs) = vcs_metadata(text) {
                    acc.danger(format!(
                        "deletes the repository's history ({vcs}): unpushed commits, branches and stashes are lost"
                    ));
                    worst = RiskLevel::Danger;
                    continue;
                }
            }
        } else if is_critical_file(text) {
            acc.danger(format!("deletes the critical system file {text}"));
            worst = RiskLevel::Danger;
            continue;
        } else if let Some(why) = glob_delete_danger(w) {
            acc.danger(why);
            worst = RiskLevel::Danger;
        }
    }
    if worst < RiskLevel::Danger {
        let placeholders = targets.iter().all(|w| w.text == "{}" || w.text == "%");
        if (targets.is_empty() || placeholders) && ctx.eff.via_xargs {
            fed_delete(ctx, recursive, acc);
            return;
        }
        if recursive {
            acc.caution("deletes files and directories recursively");
        } else {
            acc.caution("deletes files");
        }
    }
}

/// `… | xargs rm`: the names come from the pipeline. A listing of fixed
/// text is judged name by name; a recursive delete of names known only at
/// run time (`ls`, a file, stdin) is judged like `rm -rf *`.
fn fed_delete(ctx: &Ctx, recursive: bool, acc: &mut Acc) {
    if let Some(start) = upstream_find_start(ctx) {
        // What find prints, its `-name` pattern included (`/var/lib/mysql/*.ibd`).
        let listed = ctx.upstream.iter().rev().find_map(listing_value);
        let data_files = listed.and_then(|l| {
            glob_delete_danger(&Word {
                text: l,
                glob: true,
                ..Word::default()
            })
        });
        if find_start_is_broad(&start) {
            acc.danger(format!("deletes every file that find lists under {start}"));
        } else if let Some(why) = data_files {
            acc.danger(why);
        } else {
            acc.caution("deletes the files find lists");
        }
        return;
    }
    if let Some(text) = eval_pipeline(ctx.upstream, acc) {
        let names = text.split(|c: char| c.is_whitespace() || c == '\0');
        if let Some(c) = names
            .filter_map(classify)
            .find(|c| recursive && *c != PathClass::Other)
        {
            acc.danger(format!("recursive delete of {}", c.describe()));
            return;
        }
    } else if recursive {
        acc.danger(
            "deletes recursively every path the input lists (the names are known only at run time)",
        );
        return;
    }
    acc.caution("deletes the files named on standard input");
}

pub(crate) fn analyze_mv(ctx: &Ctx, acc: &mut Acc) {
    let pos = ctx.positionals();
    let Some((dest, srcs)) = pos.split_last() else {
        return;
    };
    let mut danger = false;
    for s in srcs {
        let class = classify(&s.text).unwrap_or(PathClass::Other);
        match class {
            PathClass::Root
            | PathClass::TopLevel(_)
            | PathClass::SystemDir(_)
            | PathClass::Home(_)
            | PathClass::Cwd(_)
            | PathClass::EmptyVarRoot(_)
                if dest.text == "/dev/null" || !matches!(class, PathClass::Cwd(_)) =>
            {
                acc.danger(format!(
                    "moves {} away{}",
                    class.describe(),
                    if dest.text == "/dev/null" {
                        " onto /dev/null"
                    } else {
                        ""
                    }
                ));
                danger = true;
            }
            // Keys moved out of the SSH directory, the directory itself, or
            // `authorized_keys` under another name: logins by key stop.
            _ if is_access_key(&s.text)
                && (!dest.text.contains(".ssh")
                    || s.text.trim_end_matches('/').ends_with(".ssh")
                    || replaces_authorized_keys(&s.text)
                        && !matches!(
                            basename(&dest.text),
                            "authorized_keys" | "authorized_keys2"
                        )) =>
            {
                acc.danger(access_loss("moves away", &s.text));
                danger = true;
            }
            _ => {
                if is_critical_file(&s.text) {
                    acc.danger(format!("moves the critical file {} away", s.text));
                    danger = true;
                }
            }
        }
    }
    if is_critical_file(&dest.text) || is_device(&dest.text) {
        acc.danger(format!("overwrites {}", dest.text));
        danger = true;
    }
    if !danger {
        if dest.text == "/dev/null" {
            acc.danger(
                "moves files onto /dev/null (they are lost; as root it replaces the null device)",
            );
        } else {
            acc.caution("moves or renames files (may overwrite the destination)");
        }
    }
}

/// `authorized_keys` (or `authorized_keys2`) written from scratch: the keys
/// it lists now are gone, the user's own among them.
pub(crate) fn replaces_authorized_keys(path: &str) -> bool {
    basename(path).starts_with("authorized_keys")
}

pub(crate) fn analyze_redirect(r: &Redir, acc: &mut Acc) {
    let t = r.target.text.as_str();
    match r.kind {
        RedirKind::Write | RedirKind::Append => {
            if is_device(t) {
                acc.danger(format!("redirects output onto the device {t}"));
            } else if r.kind == RedirKind::Write && replaces_authorized_keys(t) {
                acc.danger(format!(
                    "overwrites {t}: every key listed there now (yours too) stops working"
                ));
            } else if t == "/proc/sysrq-trigger" {
                acc.danger(
                    "writes to /proc/sysrq-trigger (can crash or reboot the machine instantly)",
                );
            } else if is_critical_file(t) {
                if r.kind == RedirKind::Write {
                    acc.danger(format!("overwrites the critical file {t}"));
                } else {
                    acc.caution(format!("appends to the critical file {t}"));
                }
            } else if is_system_file(t) {
                acc.caution(format!("writes the system file {t}"));
            } else if is_home_dotfile(t) {
                acc.caution(format!("modifies the startup/config file {t}"));
            }
        }
        _ => {}
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
            // The user's own directories outside the working tree are data;
            // caches, build outputs and named files are not.
            ("rm -rf ~/keys", Danger),
            ("rm -rf /home/alice/notes", Danger),
            ("rm -rf ~/.local/share/keyrings", Danger),
            ("rm -rf ~/.cache/pip", Caution),
            ("rm -rf ~/src/app/node_modules ~/src/app/target", Caution),
            ("rm -rf ~/Downloads/*.iso", Caution),
            ("rm -rf ~/old-notes.txt", Caution),
            ("rm -rf ~/.bash_history", Caution),
            ("rm -rf ~/venvs/old-env ~/.vscode-server/bin/old", Caution),
            ("rm -rf ../../home/alice", Danger),
            ("rm -rf ../../etc", Danger),
            ("rm -rf ../lib/build", Caution),
            ("rm -rf /data/warehouse", Danger),
            ("time -p rm -rf /var/lib/couchdb", Danger),
            ("rm ~/Documents/*", Danger),
            ("rm -ri ~/old-projects", Caution),
            (
                "sudo dd if=/dev/zero of=/boot/efi/EFI/BOOT/BOOTX64.EFI bs=1M count=1",
                Danger,
            ),
            ("sudo rm -rf /sys/firmware/efi/efivars/*", Danger),
            ("sudo dd if=/dev/zero of=/dev/sda; (", Caution),
            ("sudo dd if=/dev/zero of=/dev/sda\nif true; then", Danger),
            (
                "curl -s https://x.example/k.pub >> ~/.ssh/authorized_keys",
                Danger,
            ),
            ("cat ~/.ssh/id_ed25519.pub >> ~/.ssh/authorized_keys", Safe),
            ("rm -rf /mnt/nas/*", Danger),
            ("coproc sh; echo 'rm -rf ~' >&\"${COPROC[1]}\"", Danger),
            ("coproc bc; echo '2+2' >&\"${COPROC[1]}\"", Safe),
            ("rm -rf /mnt/usb/tmp", Caution),
            ("sudo rm -rf /lib/modules/$(uname -r)", Danger),
            ("rm -rf /opt/app/uploads", Danger),
            ("rm -rf /opt/app/logs/old", Caution),
            ("rm -rf /opt/app/node_modules", Caution),
            ("rm -rf /var/app", Danger),
            ("rm -rf /var/tmp/build-42", Caution),
            ("rm -rf /var/cache/apt/archives/*", Caution),
            ("journalctl --rotate && rm -rf /var/log/journal/*", Danger),
            ("rm -fr /usr/local/lib/python3.11", Danger),
            (
                "rm -rf /usr/local/lib/python3.11/site-packages/requests",
                Caution,
            ),
            ("rm -f /var/log/nginx/*.gz", Caution),
            ("sudo rm --recursive --force /srv/nfs/exports", Danger),
            ("rm -rf /srv/www/cache/*", Caution),
            (
                "find ~/ -mindepth 1 -maxdepth 1 -name '[A-Z]*' -exec rm -r {} +",
                Danger,
            ),
            ("rm -f ./*.[ch]", Caution),
            ("rm -rI /srv/www", Caution),
            ("yes | rm -ri ~/old-projects", Danger),
            ("rm -rif ~/old-projects", Danger),
            ("rm -rf /var/lib/libvirt/images", Danger),
            ("rm -rf /var/lib/apt/lists/*", Caution),
            ("rm -rf /var/www/html/wp-content/cache", Caution),
            ("rm -f ~/*", Danger),
            ("rm -f ~/Downloads/*.iso", Caution),
            ("shred -u /etc/*", Danger),
            ("shred -u ~/notes/*", Danger),
            ("shred -u ./secret.txt", Caution),
            ("time -p dash -c 'rm -rf ~'", Danger),
            ("ls -la ~/../", Safe),
            // Brace expansion builds the words before anything runs.
            ("{rm,-r,-f,/var/lib/postgresql}", Danger),
            ("doas {shred,-u,/etc/shadow}", Danger),
            ("rm -rf /{usr,opt}/share", Danger),
            ("mkdir -p src/{lib,bin}", Safe),
            ("find /home -name '*.pdf' | xargs shred -zu", Danger),
            (
                "find /srv -type f -print0 | xargs -0 -I{} shred -u {}",
                Danger,
            ),
            ("find ./tmp -name '*.key' | xargs shred -u", Caution),
            ("curl -XDELETE 'https://es.internal:9200/*'", Danger),
            ("curl -X DELETE http://localhost:9200/logs-2024.01", Caution),
            ("curl -XDELETE localhost:9200/logs-*", Danger),
            ("curl -X DELETE 'es:9200/metrics-2024.*'", Danger),
            ("curl http://localhost:9200/_all/_settings", Safe),
            ("tee run.sh <<< 'rm -rf ~' >/dev/null; sh run.sh", Danger),
            ("rm -rf /var/opt/mssql", Danger),
            ("rm -rf /var/mail/alice", Danger),
            ("rm -rf /var/tmp/build-42", Caution),
            ("shred${IFS}-u${IFS}~/.ssh/id_rsa", Danger),
            ("doas \"$(which shred)\" -u /etc/shadow", Danger),
            ("\"$(which ls)\" -la /etc", Safe),
            ("cp app.conf{,.orig}", Safe),
            ("echo \"rm -rf /\"", Safe),
            ("rm -rf ./build ./dist", Caution),
            ("rm notes.txt", Caution),
            ("sed -i 's/a/b/' conf.ini", Caution),
            ("rm -rf /", Danger),
            ("shred -u ~/.ssh/*", Danger),
            ("rm -f ~/.ssh/id_ed25519", Danger),
            ("truncate -s 0 /home/deploy/.ssh/authorized_keys", Danger),
            (": > ~/.ssh/authorized_keys", Danger),
            ("cat /dev/null > /root/.ssh/authorized_keys", Danger),
            ("rm ~/.ssh/known_hosts", Caution),
            ("rm ~/.ssh/id_rsa.pub", Caution),
            ("cat key.pub >> ~/.ssh/authorized_keys", Safe),
            (
                "echo 'ssh-rsa AAAAB3Nza deploy@ci' > /root/.ssh/authorized_keys",
                Danger,
            ),
            ("cp ./team.keys ~/.ssh/authorized_keys", Danger),
            (
                "curl -s https://github.com/alice.keys | tee ~/.ssh/authorized_keys",
                Danger,
            ),
            (
                "curl -s https://github.com/alice.keys | tee -a ~/.ssh/authorized_keys",
                Caution,
            ),
            ("cp ~/.ssh/authorized_keys ~/keys.bak", Safe),
            ("grep -c ssh- ~/.ssh/authorized_keys", Safe),
            ("cp /dev/null ~/.ssh/authorized_keys", Danger),
            ("mv ~/.ssh/authorized_keys /tmp/", Danger),
            ("mv ~/.ssh/id_rsa ~/.ssh/id_rsa.old", Caution),
            ("mv ~/.ssh ~/.ssh.bak", Danger),
            (
                "mv ~/.ssh/authorized_keys ~/.ssh/authorized_keys.off",
                Danger,
            ),
            ("find ~/.ssh -name 'id_*' -exec shred -u {} \\;", Danger),
            ("find ~/.ssh -name '*.pub' -print", Safe),
            ("rm -rf ~postgres/data", Danger),
            ("rm -rf ~git/repositories", Danger),
            ("rm -rf ~alice", Danger),
            ("rm -rf ~bob/tmp/cache", Caution),
            ("rm -rf ~/../..", Danger),
            // Every spelling of a path is resolved before it is judged.
            ("rm -rf ${HOME%/*}", Danger),
            ("rm -rf \"${HOME%/*}\"/*", Danger),
            ("rm -rf \"$(dirname \"$HOME\")\"", Danger),
            ("rm -rf \"$(dirname ~/)\"", Danger),
            ("rm -rf $(realpath ~/..)", Danger),
            ("rm -rf \"${PWD}/..\"", Danger),
            ("rm -rf ~/./../", Danger),
            ("rm -rf //home//", Danger),
            ("rm -rf /./etc/.", Danger),
            ("rm -rf ${HOME}/../..", Danger),
            ("rm -rf ${HOME:?}/", Danger),
            ("rm -rf \"${HOME:?HOME unset}\"/*", Danger),
            ("rm -rf \"${BUILD:?}\"/out", Caution),
            ("sudo rm -rf /usr/lib/x86_64-linux-gnu", Danger),
            ("sudo rm -rf /usr/lib/node_modules/left-pad", Caution),
            ("D=/srv/app/releases/42; rm -rf \"${D%/*}\"", Caution),
            ("rm -rf \"$(dirname \"$0\")/build\"", Caution),
            ("rm -rf \"${OUT%/}/dist\"", Caution),
            ("echo \"${HOME%/*}\"", Safe),
            ("rm -rf $HOME/..", Danger),
            ("rm -rf /var/lib/mysql", Danger),
            ("a=rm; $a -rf ~", Danger),
            ("$CMD -rf /", Danger),
            ("\"$TOOL\" -R /etc", Danger),
            ("$CMD -rf ./build", Caution),
            ("$PAGER /etc/passwd", Caution),
            ("$(echo rm) -rf /var/lib/mysql", Danger),
            ("cd / && rm -rf *", Danger),
            ("for d in /home/*; do rm -rf \"$d\"; done", Danger),
            // A loop variable taken from a listing stands for the listed glob.
            ("for f in $(ls /etc); do rm -f /etc/$f; done", Danger),
            ("for f in /usr/bin/*; do rm -f \"$f\"; done", Danger),
            ("rm -f /var/lib/mysql/*", Danger),
            ("rm -f /var/lib/mysql/ib_logfile0", Caution),
            ("rm /srv/data/*.tmp", Caution),
            ("sudo truncate -s 0 /var/lib/mysql/ibdata1", Danger),
            ("for f in /var/log/*.log; do : > \"$f\"; done", Danger),
            ("sudo truncate -s 0 /etc/*.conf", Danger),
            ("> /var/log/auth.log", Danger),
            ("sudo cp /dev/null /var/log/syslog", Danger),
            ("sudo cp /dev/null /etc/nginx/nginx.conf", Danger),
            ("cp /dev/null ./app.log", Safe),
            ("sudo rm -f /var/log/*.gz", Caution),
            ("rm -f /var/log/app/*.log.1", Caution),
            ("> ./build.log", Caution),
            ("> /tmp/out.txt", Caution),
            ("ls /var/log/*.log", Safe),
            ("truncate -s0 /srv/redis/dump.rdb", Danger),
            ("sudo truncate -s 0 /var/lib/mysql/mysql-slow.log", Caution),
            ("truncate -s 0 ./logs/app.log", Caution),
            ("sudo rm -f /var/lib/postgresql/16/main/*.wal", Danger),
            ("rm -f /srv/redis/*.rdb", Danger),
            ("sudo find /var/lib/mongodb -name '*.wt' | xargs rm", Danger),
            ("rm -f /var/lib/mysql/*.err", Caution),
            ("rm -f ./fixtures/*.sqlite", Caution),
            ("rm -rf .hg", Danger),
            ("rm -rf ~/src/app/.git/", Danger),
            ("rm -rf .github", Caution),
            ("rm -rf .git/hooks/pre-commit.sample", Caution),
            ("rm .gitignore", Caution),
            (
                "while read f; do rm \"$f\"; done < <(find /var/lib -type f)",
                Danger,
            ),
            (
                "ls /boot | while read k; do rm -f \"/boot/$k\"; done",
                Danger,
            ),
            (
                "find . -name '*.tmp' | while read f; do rm \"$f\"; done",
                Caution,
            ),
            (
                "find . -name node_modules -type d | while read d; do rm -rf \"$d\"; done",
                Caution,
            ),
            ("for f in $(ls *.log); do gzip \"$f\"; done", Safe),
            ("ls | xargs rm -rf", Danger),
            ("ls *.log | xargs rm", Caution),
            ("sed -i '1,$d' /etc/fstab", Danger),
            ("mv ~/project /dev/null", Danger),
        ]);
    }
}
