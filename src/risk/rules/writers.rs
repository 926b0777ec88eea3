//! Commands that write over files: cp/install/ln onto a destination, tee,
//! truncate, rsync --delete, sed -i (and sed's `e`, which runs commands).

use crate::risk::prelude::*;

// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
pub(crate) fn analyze_file_writers(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    let pos = ctx.positionals();
    match name {
        "cp" | "install" | "ln" => copy_like(name, ctx, &pos, acc),
        "tee" => tee(ctx, &pos, acc),
        "truncate" => truncate(ctx, &pos, acc),
        "rsync" => rsync(ctx, &pos, acc),
        "tar" => tar(ctx, acc),
        "sed" => sed(ctx, &pos, acc),
        _ => {}
    }
}

/// `cp`, `install`, `ln`: what the destination is.
fn copy_like(name: &str, ctx: &Ctx, pos: &[&Word], acc: &mut Acc) {
    if let Some(dest) = pos.last().filter(|_| pos.len() >= 2) {
        let from_null = pos.iter().any(|w| w.text == "/dev/null");
        if is_device(&dest.text) && name != "ln" {
            acc.danger(format!("{name} writes over the device {}", dest.text));
        } else if is_access_key(&dest.text) && (from_null || name == "ln") {
            acc.danger(access_loss("empties", &dest.text));
        } else if let Some(why) = empties_system_files(dest).filter(|_| from_null) {
            acc.danger(why);
        } else if replaces_authorized_keys(&dest.text) {
            acc.danger(format!(
                "{name} replaces {}: every key listed there now stops working",
                dest.text
            ));
        } else if if name == "ln" {
            CRITICAL_FILES.contains(&dest.text.as_str())
        } else {
            is_critical_file(&dest.text)
        } {
            acc.danger(format!("{name} replaces the critical file {}", dest.text));
        } else if matches!(
            classify(&dest.text),
            Some(PathClass::Root | PathClass::TopLevel(_) | PathClass::SystemDir(_))
        ) || dest.text.starts_with("/etc/")
            || dest.text.starts_with("/usr/")
        {
            acc.caution(format!(
                "{name} writes into the system directory {}",
                dest.text
            ));
        } else if ctx.has_flag('f', &["--force"]) || name == "ln" && ctx.has_flag('f', &[]) {
            acc.caution(format!("{name} -f overwrites existing files"));
        }
    }
}

/// `tee`: every operand is written over (or appended to with `-a`).
fn tee(ctx: &Ctx, pos: &[&Word], acc: &mut Acc) {
    for w in pos {
        if is_device(&w.text) {
            acc.danger(format!("tee writes over the device {}", w.text));
        } else if w.text == "/proc/sysrq-trigger" {
            acc.danger("writes to /proc/sysrq-trigger (can crash or reboot the machine instantly)");
        } else if is_critical_file(&w.text) && !ctx.has_flag('a', &["--append"]) {
            acc.danger(format!("tee overwrites the critical file {}", w.text));
        } else if replaces_authorized_keys(&w.text) && !ctx.has_flag('a', &["--append"]) {
            acc.danger(format!(
                "tee replaces {}: every key listed there now stops working",
                w.text
            ));
        } else if replaces_authorized_keys(&w.text) {
            acc.caution(format!("adds keys to {}", w.text));
        } else if w.text.starts_with('/')
            && !w.text.starts_with("/tmp/")
            && !is_harmless_dev(&w.text)
        {
            acc.caution(format!("writes the system file {}", w.text));
        }
    }
}

/// `truncate`: emptying (`-s 0`, shrinking) versus resizing.
fn truncate(ctx: &Ctx, pos: &[&Word], acc: &mut Acc) {
    let shrink = ctx.args.iter().enumerate().any(|(i, a)| {
        (*a == "-s" || *a == "--size")
            && ctx
                .args
                .get(i + 1)
                .is_some_and(|v| *v == "0" || v.starts_with('-'))
            || *a == "-s0"
            || *a == "--size=0"
    });
    let mut danger = false;
    for w in pos {
        if is_critical_file(&w.text) || is_device(&w.text) {
            acc.danger(format!("truncates the critical file {}", w.text));
            danger = true;
        } else if shrink && is_access_key(&w.text) {
            acc.danger(access_loss("empties", &w.text));
            danger = true;
        } else if let Some(why) = empties_system_files(w).filter(|_| shrink) {
            acc.danger(why);
            danger = true;
        }
    }
    if !danger {
        acc.caution(if shrink {
            "truncates files (contents lost)"
        } else {
            "changes file sizes"
        });
    }
}

/// `rsync --delete`: what the destination loses.
fn rsync(ctx: &Ctx, pos: &[&Word], acc: &mut Acc) {
    let dry = ctx.has_flag('n', &["--dry-run"]);
    let deletes = !dry
        && ctx
            .args
            .iter()
            .any(|a| a.starts_with("--delete") || *a == "--remove-source-files");
    if deletes {
        if let Some(dest) = pos.last() {
            let c = classify(&dest.text).unwrap_or(PathClass::Other);
            // Syncing a build into the web root is how a site is deployed.
            let deploy = dest.text.starts_with("/var/www/");
            if c != PathClass::Other && !deploy {
                acc.danger(format!(
                    "rsync --delete into {} removes everything not in the source",
                    c.describe()
                ));
                return;
            }
        }
        acc.caution("rsync --delete removes files missing from the source");
    }
}

/// `tar` extraction over `/` or over existing files.
fn tar(ctx: &Ctx, acc: &mut Acc) {
    let extract = ctx
        .args
        .first()
        .is_some_and(|a| !a.starts_with('-') && a.contains('x'))
        || ctx.has_flag('x', &["--extract", "--get"]);
    if extract {
        if let Some(i) = ctx
            .args
            .iter()
            .position(|a| *a == "-C" || a.starts_with("--directory"))
        {
            let dir = if ctx.args[i].contains('=') {
                ctx.args[i].split('=').nth(1).unwrap_or("")
            } else {
                ctx.args.get(i + 1).copied().unwrap_or("")
            };
            if matches!(classify(dir), Some(PathClass::Root)) {
                acc.danger(OVER_ROOT);
            }
        }
        if ctx.args.iter().any(|a| {
            a.starts_with("--overwrite") || *a == "--unlink-first" || *a == "--recursive-unlink"
        }) {
            acc.caution("tar extraction overwrites existing files");
        }
    }
}

/// Why unpacking into `/` is danger: every system file the archive names is
/// replaced by what it holds, which the text does not show.
pub(crate) const OVER_ROOT: &str = "extracts an archive over /: the system files it names are replaced by contents that cannot be checked";

/// `sed`: commands it runs (`e`, `w`) and in-place edits.
fn sed(ctx: &Ctx, pos: &[&Word], acc: &mut Acc) {
    sed_executes(ctx, acc);
    if ctx
        .args
        .iter()
        .any(|a| a.starts_with("-i") || a.starts_with("--in-place"))
    {
        let empties = sed_deletes_every_line(ctx.args);
        if empties && pos.iter().any(|w| is_vital_file(&w.text)) {
            acc.danger("sed -i deletes every line of a system or access file");
        } else if pos.iter().any(|w| w.text.ends_with("sshd_config"))
            && ctx.args.iter().any(|a| {
                a.contains("PubkeyAuthentication no")
                    || a.contains("AllowUsers nobody")
                    || a.contains("DenyUsers *")
                    || a.contains("DenyGroups *")
            })
        {
            acc.danger("shuts SSH logins off (keys turned off, or every user denied): nobody can log in remotely");
        } else if (sed_deletes_lines(ctx.args)
            || ctx
                .args
                .iter()
                .any(|a| a.contains("pam_permit") || a.contains("pam_deny")))
            && pos.iter().any(|w| w.text.starts_with("/etc/pam.d/"))
        {
            acc.danger(
                "sed -i deletes lines of the PAM configuration: logins and sudo can stop working",
            );
        } else if empties {
            acc.caution("sed -i empties the files");
        } else if pos.iter().any(|w| is_critical_file(&w.text)) {
            acc.caution("edits a critical system file in place");
        } else {
            acc.caution("edits files in place");
        }
    }
}

/// GNU sed's `e COMMAND` runs COMMAND, and the `e` flag of `s///e` runs the
/// pattern space: `sed '1e rm -rf ~'`, `sed 's/.*/rm -rf ~/e'`.
fn sed_executes(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    let mut scripts: Vec<&str> = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if matches!(*a, "-e" | "--expression") {
            scripts.extend(args.get(i + 1).copied());
        }
    }
    if scripts.is_empty() {
        scripts.extend(ctx.positionals().first().map(|w| w.text.as_str()));
    }
    for script in scripts {
        for cmd in script.split(['\n', ';']) {
            let c = cmd.trim_start_matches(|ch: char| {
                ch.is_ascii_digit() || matches!(ch, ',' | '$' | ' ' | '!')
            });
            if c.trim() == "e" {
                acc.caution("sed runs its input lines as shell commands (e)");
            } else if let Some(run) = c.strip_prefix('e').filter(|r| r.starts_with(' ')) {
                assess_script(run.trim(), ctx.depth + 1, acc);
            } else if let Some(body) = c.strip_prefix('s') {
                let Some(delim) = body.chars().next() else {
                    continue;
                };
                let parts = split_unescaped(&body[delim.len_utf8()..], delim);
                if parts.len() == 3
                    && parts[2]
                        .split(['w', ' '])
                        .next()
                        .is_some_and(|f| f.contains('e'))
                {
                    acc.caution("sed runs the pattern space as a shell command (s///e)");
                    assess_script(&sed_substituted(&parts[0], &parts[1]), ctx.depth + 1, acc);
                }
            }
        }
    }
}

/// `RE/REPL/FLAGS` cut at `delim`, where `\/` stands for the delimiter itself.
fn split_unescaped(text: &str, delim: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == delim {
            parts.push(String::new());
            continue;
        }
        let c = if c == '\\' && chars.peek() == Some(&delim) {
            chars.next().unwrap_or(c)
        } else {
            c
        };
        if let Some(p) = parts.last_mut() {
            p.push(c);
        }
    }
    parts
}

/// The line `s/RE/REPL/e` runs: REPL with the matched text (`&`, `\\1`…)
/// standing for any name, and the rest of an input line, unknown, kept
/// beside it: `s/^/rm -rf /e` runs `rm -rf *`.
fn sed_substituted(re: &str, repl: &str) -> String {
    let mut out = repl.replace('&', FANOUT);
    for d in 1..=9 {
        out = out.replace(&format!("\\{d}"), FANOUT);
    }
    match re {
        ".*" | "^.*$" | "^.*" | ".*$" | "^\\(.*\\)$" | "\\(.*\\)" | "^(.*)$" | "(.*)" => out,
        "^" => format!("{out}{FANOUT}"),
        "$" => format!("{FANOUT}{out}"),
        _ => format!("{out} {FANOUT}"),
    }
}

/// A sed script with a delete command (`/pam_unix.so/d`, `3d`).
fn sed_deletes_lines(args: &[&str]) -> bool {
    args.iter().filter(|a| !a.starts_with('-')).any(|a| {
        a.trim_end().ends_with('d')
            && (a.starts_with('/') || a.starts_with(|c: char| c.is_ascii_digit()))
    })
}

/// A sed script that deletes every line: `d`, `1,$d`, `/.*/d`, `/^/d`.
pub(crate) fn sed_deletes_every_line(args: &[&str]) -> bool {
    // `sed -i -n ''`: nothing is printed, so nothing is kept.
    let quiet = args
        .iter()
        .any(|a| *a == "-n" || *a == "--quiet" || *a == "--silent");
    // The script is the first word that is no option (or each -e value).
    let script: Vec<&str> = match args
        .iter()
        .position(|a| matches!(*a, "-e" | "--expression"))
    {
        Some(i) => args.get(i + 1).copied().into_iter().collect(),
        None => args
            .iter()
            .find(|a| !a.starts_with('-'))
            .copied()
            .into_iter()
            .collect(),
    };
    let scripts_print = script.iter().any(|a| a.contains('p') || a.contains('w'));
    if quiet && !scripts_print {
        return true;
    }
    let mut scripts = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if matches!(args[i], "-e" | "--expression") {
            scripts.extend(args.get(i + 1).copied());
            i += 1;
        }
        i += 1;
    }
    if scripts.is_empty() {
        scripts.extend(args.iter().find(|a| !a.starts_with('-')).copied());
    }
    scripts.iter().any(|s| {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        // `1,99999d`: a range from the first line past any real file's end.
        let big_range = s
            .strip_prefix("1,")
            .and_then(|r| r.strip_suffix('d'))
            .and_then(|n| n.parse::<u64>().ok())
            .is_some_and(|n| n >= 10_000);
        if big_range {
            return true;
        }
        matches!(s.as_str(), "s/.*//" | "s/^.*$//" | "s/.*//g" | "s/^.*//")
            || s.strip_suffix('d').is_some_and(|addr| {
                matches!(
                    addr,
                    "" | "1,$" | "0,$" | "/.*/" | "/^/" | "/$/" | "/^.*$/" | "/.*/," | "1,$!"
                ) && !addr.ends_with('!')
            })
    })
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    #[test]
    fn examples() {
        check_examples(&[
            ("echo x | sed 's/x/rm -rf \\/srv\\/git/e'", Danger),
            ("sed 's/\\/usr\\/local/\\/opt/' paths.txt", Safe),
            ("sed 's|/usr/local|/opt|g' paths.txt", Safe),
            ("sed -i -e 1,99999d /etc/passwd", Danger),
            ("sudo sed -i -n '' /etc/shadow", Danger),
            ("sed -n '1,5p' /etc/passwd", Safe),
            ("sed -i 1,20d /etc/motd", Caution),
            ("sed -i /pam_unix.so/d /etc/pam.d/common-auth", Danger),
            ("sudo sed -i '1i auth sufficient pam_permit.so' /etc/pam.d/common-auth", Danger),
            (
                "sudo sed -i 's/^#\\?PubkeyAuthentication.*/PubkeyAuthentication no/' /etc/ssh/sshd_config",
                Danger,
            ),
            (
                "sudo sed -i 's/^#\\?PasswordAuthentication.*/PasswordAuthentication no/' /etc/ssh/sshd_config",
                Caution,
            ),
            (
                "sed -i 's/^AllowUsers.*/AllowUsers nobody/' /etc/ssh/sshd_config && systemctl restart sshd",
                Danger,
            ),
            ("sed -i 's/nullok//' /etc/pam.d/common-auth", Caution),
        ]);
    }
}
