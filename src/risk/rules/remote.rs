//! Remote and fan-out shells: the command they run on other machines is
//! judged as if run here (pdsh, clush, pssh, dsh, salt, knife, vagrant ssh,
//! gcloud compute ssh, multipass, pct, lxc-attach, machinectl, toolbox,
//! distrobox, systemd-nspawn, docker-machine ssh). Run on twenty hosts, a
//! destructive command is no less so.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    let words = ctx.eff.args;
    let remote: Option<String> = match name {
        "pdsh" | "clush" | "pssh" | "parallel-ssh" | "dsh" | "prsh" => {
            let takes = |o: &str| {
                matches!(
                    o,
                    "-w" | "-x"
                        | "-g"
                        | "-X"
                        | "-R"
                        | "-l"
                        | "-u"
                        | "-f"
                        | "-t"
                        | "-h"
                        | "-H"
                        | "-p"
                        | "-o"
                        | "-e"
                        | "-O"
                        | "-m"
                        | "--hosts"
                        | "--host"
                        | "--group"
                )
            };
            after_options(words, takes)
        }
        "mussh" => value_of(words, &["-c", "--command"]),
        "salt" | "salt-ssh" => words
            .iter()
            .position(|w| matches!(w.text.as_str(), "cmd.run" | "cmd.shell" | "cmd.exec_code"))
            .and_then(|i| words.get(i + 1))
            .map(|w| w.text.clone()),
        "knife" if ctx.args.first() == Some(&"ssh") => {
            positionals(words).get(2).map(|w| w.text.clone())
        }
        "vagrant" if ctx.args.first() == Some(&"ssh") => value_of(words, &["-c", "--command"]),
        "gcloud" if ctx.args.contains(&"ssh") => value_of(words, &["--command"]),
        "docker-machine" if ctx.args.first() == Some(&"ssh") => {
            words.get(2..).filter(|w| !w.is_empty()).map(quote_words)
        }
        "multipass" | "pct" | "lxc-attach" | "distrobox" | "distrobox-enter" | "toolbox"
        | "machinectl" | "systemd-nspawn" | "flatpak-spawn" | "schroot" => {
            let runs = match name {
                "multipass" | "pct" => ctx.args.first() == Some(&"exec"),
                "toolbox" => ctx.args.first() == Some(&"run"),
                "machinectl" => ctx.args.first() == Some(&"shell"),
                _ => true,
            };
            let after_ddash = words.iter().position(|w| w.text == "--");
            match (runs, after_ddash) {
                (true, Some(p)) => Some(quote_words(&words[p + 1..])),
                (true, None) if name == "machinectl" => {
                    words.get(2..).filter(|w| !w.is_empty()).map(quote_words)
                }
                (true, None) if name == "toolbox" => {
                    words.get(1..).filter(|w| !w.is_empty()).map(quote_words)
                }
                _ => None,
            }
        }
        _ => return false,
    };
    match remote {
        Some(text) if !text.trim().is_empty() => {
            acc.caution(format!(
                "{name} runs a command on other machines or instances"
            ));
            assess_script(&text, ctx.depth + 1, acc);
        }
        _ => return false,
    }
    true
}

/// The words after the options (each option's value skipped), as one command.
fn after_options(words: &[Word], takes: impl Fn(&str) -> bool) -> Option<String> {
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let t = w.text.as_str();
        if t == "--" {
            i += 1;
            break;
        }
        if !t.starts_with('-') || w.quoted {
            break;
        }
        i += if takes(t) { 2 } else { 1 };
    }
    let rest = words.get(i..).filter(|r| !r.is_empty())?;
    Some(if rest.len() == 1 {
        rest[0].text.clone()
    } else {
        quote_words(rest)
    })
}

/// The value of the first of `opts` (`--command CMD` or `--command=CMD`).
fn value_of(words: &[Word], opts: &[&str]) -> Option<String> {
    words.iter().enumerate().find_map(|(i, w)| {
        if opts.contains(&w.text.as_str()) {
            return words.get(i + 1).map(|v| v.text.clone());
        }
        let (o, v) = w.text.split_once('=')?;
        opts.contains(&o).then(|| v.to_string())
    })
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    /// The family's examples, in line with the written policy.
    #[test]
    fn examples() {
        check_examples(&[
            ("pdsh -w web[1-8] 'rm -rf /var/www'", Danger),
            ("clush -a -b 'sudo mkfs.ext4 /dev/sdb'", Danger),
            ("pssh -h hosts.txt -i 'sudo systemctl stop sshd'", Danger),
            ("parallel-ssh -H 'a b' -i rm -rf /srv", Danger),
            ("salt '*' cmd.run 'rm -rf /opt/data'", Danger),
            ("knife ssh 'role:web' 'sudo rm -rf /etc'", Danger),
            ("vagrant ssh -c 'sudo rm -rf /'", Danger),
            (
                "gcloud compute ssh vm-1 --zone=europe-west1-b --command='sudo rm -rf /home'",
                Danger,
            ),
            (
                "multipass exec dev -- sudo dd if=/dev/zero of=/dev/sda",
                Danger,
            ),
            ("pct exec 101 -- rm -rf /var/lib/postgresql", Danger),
            ("machinectl shell web /bin/sh -c 'rm -rf /srv'", Danger),
            ("pdsh -w web[1-8] uptime", Caution),
            ("clush -a -b 'df -h'", Caution),
            ("salt '*' test.ping", Safe),
            ("vagrant ssh", Safe),
            ("gcloud compute ssh vm-1 --zone=europe-west1-b", Safe),
            ("multipass exec dev -- uname -a", Caution),
        ]);
    }
}
