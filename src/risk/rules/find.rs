//! find: `-delete` and `-exec` over what the start points and filters match.

use crate::risk::prelude::*;

pub(crate) fn upstream_find_start(ctx: &Ctx) -> Option<String> {
    for c in ctx.upstream.iter().rev() {
        if let Some(e) = unwrap_cmd(&c.words) {
            if e.name == "find" {
                return Some(
                    positionals(e.args)
                        .first()
                        .map(|w| w.text.clone())
                        .unwrap_or_else(|| ".".into()),
                );
            }
        }
    }
    None
}

/// A find start point whose filtered matches are still system-wide.
pub(crate) fn find_start_is_broad(p: &str) -> bool {
    matches!(
        classify(p),
        Some(
            PathClass::Root
                | PathClass::TopLevel(_)
                | PathClass::SystemDir(_)
                | PathClass::EmptyVarRoot(_)
        )
    )
}

/// find's tests that narrow which files are matched.
pub(crate) fn is_find_filter(a: &str) -> bool {
    matches!(
        a,
        "-name"
            | "-iname"
            | "-path"
            | "-ipath"
            | "-regex"
            | "-iregex"
            | "-mtime"
            | "-mmin"
            | "-atime"
            | "-amin"
            | "-ctime"
            | "-cmin"
            | "-size"
            | "-empty"
            | "-user"
            | "-group"
            | "-newer"
            | "-perm"
            | "-wholename"
            | "-iwholename"
            | "-links"
            | "-inum"
            | "-samefile"
            | "-uid"
            | "-gid"
            | "-nouser"
            | "-nogroup"
            | "-newermt"
            | "-lname"
            | "-used"
    )
}

pub(crate) fn analyze_find(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.eff.args;
    // Start points are the leading words that are not expressions.
    let starts: Vec<&str> = args
        .iter()
        .map(|w| w.text.as_str())
        .take_while(|a| !(a.starts_with('-') || *a == "(" || *a == "!" || *a == "\\("))
        .collect();
    let starts = if starts.is_empty() { vec!["."] } else { starts };
    // `-name '*'` matches everything: it does not narrow the search.
    let filtered = args.iter().enumerate().any(|(i, w)| {
        is_find_filter(&w.text)
            && !(matches!(w.text.as_str(), "-name" | "-iname" | "-path" | "-wholename")
                && args.get(i + 1).is_some_and(|v| is_broad_glob(&v.text)))
    });
    let deletes = args.iter().any(|w| w.text == "-delete");
    // With filters only a start at (or right below) / is system-wide; without
    // filters any vital directory is wiped wholesale.
    let broad_start = starts.iter().any(|s| {
        if filtered {
            matches!(
                classify(s),
                Some(PathClass::Root | PathClass::TopLevel(_) | PathClass::EmptyVarRoot(_))
            )
        } else {
            find_start_is_broad(s)
        }
    });
    let home_start = starts.iter().any(|s| {
        matches!(
            classify(s),
            Some(PathClass::Home(_) | PathClass::HomeVital(_))
        )
    });
    // `find /var/lib/mysql -name '*.ibd'`: a store's own data files.
    let data_files = starts.iter().any(|s| {
        matches!(classify(s), Some(PathClass::DataDir(_)))
            && args.windows(2).any(|w| {
                matches!(w[0].text.as_str(), "-name" | "-iname")
                    && (is_broad_glob(&w[1].text) || data_file_glob(&w[1].text))
            })
    });
    let whole_start = starts
        .iter()
        .find(|s| classify(s).is_some_and(|c| c != PathClass::Other))
        .copied();

    // Under an SSH directory, even a filtered find (`-name 'id_*'`) reaches the keys.
    let ssh_start = starts
        .iter()
        .find(|s| s.trim_end_matches('/').ends_with(".ssh"))
        .copied();
    let mut judge_destructive = |what: &str, acc: &mut Acc| {
        if let Some(s) = ssh_start {
            acc.danger(format!("find {what} {}", access_loss("files under", s)));
        } else if broad_start {
            acc.danger(format!(
                "find {what} across {} (system-wide)",
                starts.join(" ")
            ));
        } else if data_files {
            acc.danger(format!(
                "find {what} the data files of {}",
                starts.join(" ")
            ));
        } else if let (false, Some(s)) = (filtered, whole_start) {
            acc.danger(format!("find {what} every file under {s}"));
        } else if home_start && !filtered {
            acc.danger(format!("find {what} in the whole home directory"));
        } else {
            acc.caution(format!("find {what} the matching files"));
        }
    };
    if deletes {
        judge_destructive("-delete removes", acc);
    }
    // -exec / -execdir / -ok: the command up to `;` or `+`.
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if matches!(a, "-exec" | "-execdir" | "-ok" | "-okdir") {
            let mut j = i + 1;
            while j < args.len() && !(args[j].text == ";" || args[j].text == "+") {
                j += 1;
            }
            let inner = &args[(i + 1).min(args.len())..j.min(args.len())];
            analyze_find_exec(inner, &starts, &mut judge_destructive, ctx.depth, acc);
            i = j;
        }
        i += 1;
    }
}

pub(crate) fn analyze_find_exec(
    inner: &[Word],
    starts: &[&str],
    judge: &mut dyn FnMut(&str, &mut Acc),
    depth: usize,
    acc: &mut Acc,
) {
    let Some(e) = unwrap_cmd(inner) else { return };
    let args: Vec<&str> = e.args.iter().map(|w| w.text.as_str()).collect();
    match e.name.as_str() {
        "rm" | "shred" | "unlink" => judge("-exec rm deletes", acc),
        "truncate" => judge("-exec truncate empties", acc),
        // `-exec dd if=/dev/zero of={}`, `-exec cp /dev/null {}`: each match overwritten.
        "dd" if args
            .iter()
            .any(|a| a.starts_with("of=") && a.contains("{}")) =>
        {
            judge("-exec dd overwrites", acc)
        }
        "cp" | "tee"
            if args.last().is_some_and(|a| *a == "{}")
                && (e.name == "tee" || args.contains(&"/dev/null")) =>
        {
            judge(&format!("-exec {} overwrites", e.name), acc)
        }
        "chmod" | "chown" | "chgrp" => {
            if starts.iter().any(|s| find_start_is_broad(s)) {
                acc.danger(format!(
                    "find -exec {} changes permissions system-wide",
                    e.name
                ));
            } else {
                acc.caution(format!(
                    "find -exec {} changes permissions of matching files",
                    e.name
                ));
            }
        }
        // `-exec sed -i d {} +`: every matching file emptied.
        "sed" if args.iter().any(|a| a.starts_with("-i")) && sed_deletes_every_line(&args) => {
            judge("-exec sed -i empties", acc)
        }
        "mv" | "sed" | "cp" => {
            acc.caution(format!("find -exec {} modifies matching files", e.name))
        }
        "sh" | "bash" | "zsh" | "dash" => {
            // find … -exec sh -c 'rm -rf "$1"' _ {} \;
            if let Some(pos) = args
                .iter()
                .position(|a| a.starts_with('-') && a.contains('c'))
            {
                if let Some(script) = args.get(pos + 1) {
                    if script_overwrites_arg(script) {
                        judge("-exec sh empties", acc);
                        return;
                    }
                    // What the script destroys whatever file it is given
                    // (`-exec sh -c 'rm -rf ~' \;`) is judged on its own.
                    let mut own = Acc::default();
                    assess_script(script, depth + 1, &mut own);
                    let own = own.finish();
                    if own.level == RiskLevel::Danger {
                        for reason in own.reasons {
                            acc.danger(format!("find -exec runs a script that: {reason}"));
                        }
                        return;
                    }
                    let start = starts.first().copied().unwrap_or(".");
                    let replaced = script
                        .replace("{}", start)
                        .replace("\"$1\"", start)
                        .replace("$1", start)
                        .replace("\"$@\"", start)
                        .replace("$@", start);
                    let mut sub = Acc::default();
                    assess_script(&replaced, depth + 1, &mut sub);
                    let rep = sub.finish();
                    if rep.level > RiskLevel::Safe {
                        judge("-exec runs a state-changing script on", acc);
                    }
                }
            }
        }
        _ => {
            let text: Vec<String> = inner
                .iter()
                .map(|w| w.text.replace("{}", starts.first().copied().unwrap_or(".")))
                .collect();
            let mut sub = Acc::default();
            assess_script(&quote_args(&text), depth + 1, &mut sub);
            let rep = sub.finish();
            // `-exec dd if=/dev/zero of={}`: as dangerous as the command on
            // the start point, judged like `-exec rm`.
            if rep.level == RiskLevel::Danger {
                judge(&format!("-exec {} destroys", e.name), acc);
            } else if rep.level > RiskLevel::Safe {
                acc.caution(format!("find -exec {} on matching files", e.name));
            }
        }
    }
}

/// A script given each match as `$1`/`{}` that truncates it: `> "$1"`,
/// `: > {}`, `truncate -s 0 "$1"`, `cp /dev/null "$1"`.
fn script_overwrites_arg(script: &str) -> bool {
    let is_arg = |t: &str| matches!(t, "$1" | "{}" | "$@" | "${1}" | "$f" | "$file");
    let toks = lex(script);
    let redirected = toks.iter().any(
        |t| matches!(t, Tok::Redir(r) if r.kind == RedirKind::Write && is_arg(&r.target.text)),
    );
    let emptied = parse(&toks).iter().flat_map(|p| p.cmds.iter()).any(|c| {
        let words: Vec<&str> = c.words.iter().map(|w| w.text.as_str()).collect();
        match words.first().copied() {
            Some("truncate") => words.iter().any(|w| is_arg(w)),
            Some("cp") => words.contains(&"/dev/null") && words.last().is_some_and(|w| is_arg(w)),
            Some("shred") => words.iter().any(|w| is_arg(w)),
            _ => false,
        }
    });
    redirected || emptied
}

fn quote_args(text: &[String]) -> String {
    let words: Vec<Word> = text
        .iter()
        .map(|t| Word {
            text: t.clone(),
            ..Word::default()
        })
        .collect();
    quote_words(&words)
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    /// The family's examples, in line with the written policy.
    #[test]
    fn examples() {
        check_examples(&[
            ("find . -name '*.tmp' -print", Safe),
            ("find . -name '*.pyc' -delete", Caution),
            ("find / -xdev -delete", Danger),
            ("find /srv -type f -exec truncate -s 0 {} \\;", Danger),
            ("find ~ -name '*' -exec rm -rf {} +", Danger),
            ("find /var/lib/postgresql -name '*.wal' -delete", Danger),
            ("find /srv/mysql -iname '*.IBD' -exec rm {} +", Danger),
            ("find /var/lib/mysql -name '*.err' -delete", Caution),
            (
                "find /etc -type f -exec dd if=/dev/zero of={} bs=1k count=1 \\;",
                Danger,
            ),
            (
                "find ./out -type f -exec dd if=/dev/zero of={} bs=1k count=1 \\;",
                Caution,
            ),
            ("find /etc -name '*.conf' -exec grep -l ssl {} +", Safe),
            ("find . -name x -exec sh -c 'rm -rf ~' \\;", Danger),
            ("find /etc -name '*.conf' | xargs sed -i d", Danger),
            ("find . -name '*.md' | xargs sed -i 's/foo/bar/'", Caution),
            (
                "find . -name '*.md' -exec sh -c 'wc -l \"$1\"' _ {} \\;",
                Safe,
            ),
            (
                "find /etc -type f -exec sh -c ': > \"$1\"' _ {} \\;",
                Danger,
            ),
            (
                "find /var/log -name '*.log' -exec sh -c 'cat /dev/null > \"$1\"' _ {} \\;",
                Caution,
            ),
            (
                "find . -name '*.bak' -exec sh -c 'truncate -s 0 \"$1\"' _ {} \\;",
                Caution,
            ),
        ]);
    }
}
