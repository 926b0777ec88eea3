//! What earlier commands of the same text made, and what running it then
//! does: files written (`echo … > f`, `tee`, here-docs, downloads) and run
//! by path, by name on the PATH, by cron, by systemd or a shell start-up
//! file; symbolic links followed by later paths; input a wrapper was given
//! that feeds the command it runs.

use crate::risk::prelude::*;

/// `… | tee FILE…`: each file holds what the pipeline produced, or the
/// here-string or here-doc given to tee itself (`tee f <<< 'cmd'`).
pub(crate) fn record_tee(ctx: &Ctx, acc: &mut Acc) {
    let fed = ctx.cmd.redirs.iter().rev().find_map(|r| match r.kind {
        RedirKind::Herestring => Some(r.target.text.clone()),
        RedirKind::Heredoc => Some(r.body.clone()),
        _ => None,
    });
    let content = match fed.or_else(|| eval_pipeline(ctx.upstream, acc)) {
        Some(t) => Written::Text(t),
        None => Written::Unknown,
    };
    for w in ctx.positionals() {
        if let Written::Text(t) = &content {
            runs_later(&w.text, t, ctx.depth, acc);
        }
        let key = w.text.trim_start_matches("./").to_string();
        acc.written.insert(key, content.clone());
    }
}

/// Files this command writes: by redirection of a producer, or a download.
pub(crate) fn record_written(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    let downloader = DOWNLOADERS.contains(&name);
    for r in &ctx.cmd.redirs {
        if !matches!(r.kind, RedirKind::Write | RedirKind::Append) {
            continue;
        }
        let mut pipeline: Vec<Cmd> = ctx.upstream.to_vec();
        pipeline.push(ctx.cmd.clone());
        let decodes = pipeline.iter().any(|c| {
            unwrap_cmd(&c.words).is_some_and(|e| {
                let a: Vec<&str> = e.args.iter().map(|w| w.text.as_str()).collect();
                is_decoder(&e.name, &a) || DOWNLOADERS.contains(&e.name.as_str())
            })
        });
        let content = if downloader || decodes {
            Written::Downloaded
        } else {
            match eval_pipeline(&pipeline, acc) {
                Some(t) => Written::Text(t),
                None => Written::Unknown,
            }
        };
        if let Written::Text(t) = &content {
            runs_later(&r.target.text, t, ctx.depth, acc);
            if r.kind == RedirKind::Write && t.trim().is_empty() && is_access_key(&r.target.text) {
                acc.danger(access_loss("empties", &r.target.text));
            }
        } else if r.kind == RedirKind::Write
            && is_access_key(&r.target.text)
            && ctx.args.contains(&"/dev/null")
        {
            acc.danger(access_loss("empties", &r.target.text));
        }
        // Keys fetched or decoded into authorized_keys: someone unknown gets in.
        if matches!(content, Written::Downloaded)
            && basename(&r.target.text).starts_with("authorized_keys")
        {
            acc.danger(format!(
                "adds keys that cannot be checked (downloaded or decoded) to {}: whoever holds them logs in",
                r.target.text
            ));
        }
        let key = r.target.text.trim_start_matches("./").to_string();
        acc.written.insert(key, content);
    }
    if name == "tee" {
        record_tee(ctx, acc);
    }
    if downloader {
        let args = ctx.args;
        for (i, a) in args.iter().enumerate() {
            // `wget -qO FILE`, `curl -sSo FILE`: a cluster ending in the output option.
            let cluster_out = a.len() > 2
                && a.starts_with('-')
                && !a.starts_with("--")
                && (name == "wget" && a.ends_with('O') || name == "curl" && a.ends_with('o'));
            let out = match *a {
                "-o" | "--output" | "-O" | "--output-document" if name != "curl" || *a != "-O" => {
                    args.get(i + 1).map(|s| s.to_string())
                }
                _ if cluster_out => args.get(i + 1).map(|s| s.to_string()),
                o if o == "--remote-name"
                    || name == "curl"
                        && o.starts_with('-')
                        && !o.starts_with("--")
                        && o.contains('O') =>
                {
                    args.iter()
                        .rev()
                        .find(|u| u.contains("://"))
                        .map(|u| basename(u).to_string())
                }
                _ => None,
            };
            if let Some(o) = out {
                acc.written
                    .insert(o.trim_start_matches("./").to_string(), Written::Downloaded);
            }
        }
        let names_output = |a: &&str| {
            a.starts_with("-O") || a.starts_with('-') && !a.starts_with("--") && a.ends_with('O')
        };
        if name == "wget" && !args.iter().any(names_output) {
            if let Some(u) = args.iter().find(|u| u.contains("://")) {
                acc.written
                    .insert(basename(u).to_string(), Written::Downloaded);
            }
        }
    }
}

/// Text written into a file that the system runs later (cron tables, shell
/// start-up files) is assessed as the commands it will become.
pub(crate) fn runs_later(path: &str, text: &str, depth: usize, acc: &mut Acc) {
    // /etc/cron.daily/… and friends hold scripts, not crontab lines.
    let cron_script = [
        "/etc/cron.hourly/",
        "/etc/cron.daily/",
        "/etc/cron.weekly/",
        "/etc/cron.monthly/",
    ]
    .iter()
    .any(|d| path.starts_with(d));
    let unit = path.ends_with(".service") || path.ends_with(".timer");
    if access_config(path, text, acc) {
        return;
    }
    // udev runs each rule's RUN+="…" when a matching device appears.
    if path.contains("/udev/rules.d/") {
        for run in text.split("RUN+=").skip(1) {
            let cmd = run.trim_start().trim_start_matches('"');
            let cmd = cmd.split('"').next().unwrap_or("");
            assess_script(cmd, depth + 1, acc);
        }
        return;
    }
    if path.contains("/tmpfiles.d/") {
        tmpfiles_removals(text, depth + 1, acc);
        return;
    }
    if cron_script || path.starts_with("/etc/profile.d/") || path.starts_with("/etc/init.d/") {
        assess_script(text, depth + 1, acc);
        return;
    }
    if unit {
        // ExecStart=, ExecStartPre=, ExecStop=…: each value is a command line.
        for line in text.lines() {
            if let Some((key, value)) = line.split_once('=') {
                if key.trim().starts_with("Exec") {
                    assess_script(
                        value.trim().trim_start_matches(['-', '@', '+', '!']),
                        depth + 1,
                        acc,
                    );
                }
            }
        }
        return;
    }
    let cron = path.starts_with("/etc/cron") || path.starts_with("/var/spool/cron");
    let startup = [
        ".bashrc",
        ".bash_profile",
        ".profile",
        ".zshrc",
        ".zprofile",
        "rc.local",
        ".bash_logout",
        ".bash_aliases",
        ".bash_login",
        ".zshenv",
        ".zlogin",
    ]
    .iter()
    .any(|f| basename(path) == *f)
        || path.starts_with("/etc/profile")
        // A git hook runs at the next checkout, merge or commit.
        || path.contains(".git/hooks/");
    if cron {
        for line in text.lines() {
            for c in cron_commands(line) {
                assess_script(&c, depth + 1, acc);
            }
        }
    } else if startup {
        assess_script(text, depth + 1, acc);
    }
}

/// A tmpfiles.d configuration: `R PATH` removes the tree, `D PATH` its
/// contents, at boot and on `systemd-tmpfiles --remove`; each is judged as
/// `rm -rf PATH`.
pub(crate) fn tmpfiles_removals(text: &str, depth: usize, acc: &mut Acc) {
    for line in text.lines() {
        let mut f = line.split_whitespace();
        if let (Some("R" | "R!" | "D" | "D!"), Some(target)) = (f.next(), f.next()) {
            assess_script(&format!("rm -rf {target}"), depth, acc);
        }
    }
}

/// Files that decide who may log in or become root, rewritten in one go
/// (`… | tee /etc/pam.d/sshd`, `>> /etc/sudoers`): a mistake locks everyone
/// out and a grant gives the machine away; neither is checked as `visudo`
/// or `pam-auth-update` would.
fn access_config(path: &str, text: &str, acc: &mut Acc) -> bool {
    let why = if path.starts_with("/etc/pam.d/") {
        Some("rewrites the PAM configuration: logins and sudo can stop working or stop asking for a password")
    } else if path == "/etc/sudoers"
        || path.starts_with("/etc/sudoers.d/") && text.contains("NOPASSWD: ALL")
    {
        Some("rewrites sudo's rules without visudo's check: a mistake locks sudo out, a grant gives root away")
    } else if matches!(path, "/etc/passwd" | "/etc/shadow")
        && text
            .lines()
            .any(|l| l.split(':').nth(2) == Some("0") || l.split(':').nth(1) == Some(""))
    {
        Some("adds an account with user id 0 or no password: anyone may log in as root")
    } else if matches!(path, "/etc/environment" | "/etc/ld.so.preload")
        && (text.contains("LD_PRELOAD") || path.ends_with("preload"))
    {
        Some("preloads a library into every program: code that cannot be checked runs everywhere")
    } else if path == "/etc/hosts.deny" && text.contains("ALL") {
        Some("denies connections in hosts.deny: remote access is cut off")
    } else {
        None
    };
    if let Some(why) = why {
        acc.danger(format!("{why} ({path})"));
    }
    why.is_some()
}

/// The command of a crontab line, schedule removed; for system crontabs the
/// user field may follow, so the text without it is returned as well.
pub(crate) fn cron_commands(line: &str) -> Vec<String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Vec::new();
    }
    let fields: Vec<&str> = line.split_whitespace().collect();
    let skip = if fields[0].starts_with('@') {
        1
    } else {
        fields
            .iter()
            .take(5)
            .take_while(|f| {
                f.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "*/,-".contains(c))
            })
            .count()
    };
    let rest = &fields[skip.min(fields.len())..];
    let mut out = vec![rest.join(" ")];
    if rest.len() > 1 {
        out.push(rest[1..].join(" "));
    }
    out
}

/// Running a file written earlier in the same text runs what was written.
pub(crate) fn run_written(path: &str, depth: usize, acc: &mut Acc) {
    let key = path.trim_start_matches("./");
    match acc.written.get(key).cloned() {
        Some(Written::Text(t)) => assess_script(&t, depth + 1, acc),
        Some(Written::Downloaded) => acc.danger(format!(
            "runs {path}, downloaded or decoded earlier in the same command"
        )),
        Some(Written::Unknown) => acc.caution(format!(
            "runs {path}, which an earlier command wrote: what it does cannot be known"
        )),
        None => {}
    }
}

/// Directories the shell searches for a command name.
pub(crate) const PATH_DIRS: &[&str] = &[
    "/usr/local/bin/",
    "/usr/local/sbin/",
    "/usr/bin/",
    "/usr/sbin/",
    "/bin/",
    "/sbin/",
    "~/bin/",
    "~/.local/bin/",
    "$HOME/bin/",
    "$HOME/.local/bin/",
];

/// A file written earlier into a directory of the PATH under this name.
pub(crate) fn written_on_path(name: &str, acc: &Acc) -> Option<String> {
    // The files written are few; the commands many: look through the files.
    acc.written
        .keys()
        .find(|p| {
            p.strip_suffix(name)
                .is_some_and(|dir| PATH_DIRS.contains(&dir))
        })
        .cloned()
}

/// `ln -s TARGET LINK`: later paths through LINK/ name TARGET's contents.
pub(crate) fn record_link(args: &[&str], acc: &mut Acc) {
    if !has_flag(args, 's', &["--symbolic"]) {
        return;
    }
    let pos: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    if let [target, link] = pos.as_slice() {
        let link = link
            .trim_start_matches("./")
            .trim_end_matches('/')
            .to_string();
        acc.links.insert(link, target.to_string());
    }
}

/// `link/…` where `link` was made by `ln -s` earlier: the path through it.
/// The link itself (no slash after it) names only the link.
pub(crate) fn through_links(path: &str, acc: &Acc) -> Option<String> {
    let p = path.trim_start_matches("./");
    let (head, rest) = p.split_once('/')?;
    let target = acc.links.get(head)?;
    Some(format!("{}/{rest}", target.trim_end_matches('/')))
}

/// A command line with the here-string or here-doc its wrapper was given:
/// `docker exec -i db psql <<< 'DROP …'` feeds psql.
pub(crate) fn with_fed_input(text: &str, redirs: &[Redir]) -> String {
    const END: &str = "SUPERHELFER_FED_INPUT";
    let fed = redirs.iter().find_map(|r| match r.kind {
        RedirKind::Herestring => Some(format!("{}\n", r.target.text)),
        RedirKind::Heredoc => Some(r.body.clone()),
        _ => None,
    });
    match fed {
        Some(body) if !body.contains(END) => format!("{text} <<'{END}'\n{body}{END}\n"),
        _ => text.to_string(),
    }
}

/// `coproc sh; echo 'rm -rf ~' >&"${COPROC[1]}"`: what is written to a
/// coprocess shell's input runs in it.
pub(crate) fn coprocess_input(cmd: &Cmd, depth: usize, acc: &mut Acc) {
    let words: Vec<&str> = cmd.words.iter().map(|w| w.text.as_str()).collect();
    if words.first() == Some(&"coproc") {
        let runs_shell = words.iter().skip(1).take(2).any(|w| is_shell(basename(w)));
        acc.coproc_shell |= runs_shell;
        return;
    }
    if !acc.coproc_shell {
        return;
    }
    let to_coproc = cmd.redirs.iter().any(|r| {
        matches!(r.kind, RedirKind::Dup | RedirKind::Write) && r.target.text.contains("COPROC")
    });
    if to_coproc {
        if let Some(text) = eval_pipeline(std::slice::from_ref(cmd), acc) {
            acc.caution("writes commands to a coprocess shell");
            assess_script(&text, depth + 1, acc);
        }
    }
}
