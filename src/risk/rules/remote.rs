//! Remote and fan-out shells: the command they run on other machines is
//! judged as if run here (pdsh, clush, pssh, dsh, salt, knife, vagrant ssh,
//! gcloud compute ssh, multipass, pct, lxc-attach, machinectl, toolbox,
//! distrobox, systemd-nspawn, docker-machine ssh, mosh, tsh, `aws ssm
//! send-command`, `az vm run-command`, a gcloud `startup-script`, `nomad
//! alloc exec`, `kubectl debug node/…` with the node's `/host`). Salt's and
//! ansible's modules that delete, remove packages, stop services or delete
//! users are judged as the command each stands for. Run on twenty hosts, a
//! destructive command is no less so. A remote shell given no command reads
//! its script on stdin (`printf '…' | ssh host`, `ssh host < x.sh`, `ssh
//! host bash -s <<EOF`): that text is judged like a local shell's input.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    let remote = match cloud_text(name, ctx, acc).or_else(|| shell_text(name, ctx)) {
        Some(remote) => remote,
        None => return false,
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

/// Cloud and configuration-management commands that send a command to
/// instances: `Some(text)` when `name` is one (`text` what runs there),
/// `None` for any other command.
fn cloud_text(name: &str, ctx: &Ctx, acc: &mut Acc) -> Option<Option<String>> {
    let words = ctx.eff.args;
    Some(match name {
        "aws" if aws_command(ctx.args).starts_with(&["ssm", "send-command"]) => {
            ssm_commands(ctx, acc)
        }
        "az" if ctx
            .args
            .windows(2)
            .any(|w| w == ["run-command", "invoke"] || w == ["run-command", "create"]) =>
        {
            run_command_scripts(ctx, acc)
        }
        "nomad" if ctx.args.starts_with(&["alloc", "exec"]) => nomad_exec(words),
        "salt" | "salt-ssh" | "salt-call" => {
            let applies = words.iter().any(|w| w.text.starts_with("state."));
            if applies && !ctx.args.iter().any(|a| a.eq_ignore_ascii_case("test=true")) {
                acc.caution(format!("{name} applies states to the targeted minions"));
            }
            salt_function(words)
        }
        "ansible-playbook" => {
            acc.caution("ansible-playbook applies a playbook to the inventory's hosts");
            None
        }
        "gcloud" if ctx.args.iter().any(|a| a.starts_with("startup-script=")) => ctx
            .args
            .iter()
            .find_map(|a| a.strip_prefix("startup-script="))
            .map(str::to_string),
        "kubectl" | "oc" if ctx.args.first() == Some(&"debug") => debug_node(words),
        "ansible" => ansible_module(ctx.args),
        "gcloud" if ctx.args.contains(&"ssh") => value_of(words, &["--command"]).or_else(|| {
            // `gcloud compute ssh VM -- [ssh flags] CMD`: the words after
            // `--` go to ssh, whose first non-option word is the command.
            let p = words.iter().position(|w| w.text == "--")?;
            let rest = &words[p + 1..];
            let i = rest.iter().position(|w| !w.text.starts_with('-'))?;
            Some(quote_words(&rest[i..]))
        }),
        _ => return None,
    })
}

/// Fan-out and remote shells, and shells inside machines and containers:
/// `Some(text)` when `name` is one, `None` for any other command.
fn shell_text(name: &str, ctx: &Ctx) -> Option<Option<String>> {
    let words = ctx.eff.args;
    Some(match name {
        "pdsh" | "clush" | "pssh" | "parallel-ssh" | "dsh" | "prsh" => {
            after_options(words, |o| FAN_OUT_TAKES.contains(&o))
        }
        "mussh" => value_of(words, &["-c", "--command"]),
        "mosh" => after_host(words, |o| {
            matches!(o, "-p" | "--port" | "--ssh" | "--server")
        }),
        "tsh" if ctx.args.first() == Some(&"ssh") => after_host(&words[1..], |o| {
            matches!(
                o,
                "-l" | "--login"
                    | "-p"
                    | "--port"
                    | "-L"
                    | "-R"
                    | "--cluster"
                    | "--proxy"
                    | "--user"
            )
        }),
        "knife" if ctx.args.first() == Some(&"ssh") => {
            positionals(words).get(2).map(|w| w.text.clone())
        }
        "vagrant" if ctx.args.first() == Some(&"ssh") => value_of(words, &["-c", "--command"]),
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
        _ => return None,
    })
}

/// The options of pdsh, clush and pssh that take a value.
const FAN_OUT_TAKES: &[&str] = &[
    "-w", "-x", "-g", "-X", "-R", "-l", "-u", "-f", "-t", "-h", "-H", "-p", "-o", "-e", "-O", "-m",
    "--hosts", "--host", "--group",
];

/// `ansible HOSTS -m MODULE -a 'k=v …'` for the modules that remove
/// packages, stop services, delete users or reboot: the shell command each
/// stands for, judged on every host. (`shell`, `command`, `raw` and `file`
/// are the code rules'; `None` for them and for modules that only read.)
fn ansible_module(args: &[&str]) -> Option<String> {
    let value = |short: &str, long: &str| {
        args.iter().enumerate().find_map(|(i, a)| {
            if *a == short || *a == long {
                args.get(i + 1).copied()
            } else {
                a.strip_prefix(long).and_then(|v| v.strip_prefix('='))
            }
        })
    };
    let module = value("-m", "--module-name")?;
    let module = module.rsplit('.').next().unwrap_or(module);
    let margs = value("-a", "--args").unwrap_or("");
    let kv = |k: &str| {
        margs
            .split_whitespace()
            .find_map(|p| p.strip_prefix(k)?.strip_prefix('='))
            .map(|v| v.trim_matches(['\'', '"']).replace(',', " "))
    };
    let name = kv("name").or_else(|| kv("pkg")).unwrap_or_default();
    let state = kv("state").unwrap_or_default();
    let off = |v: Option<String>| v.is_some_and(|v| matches!(v.as_str(), "no" | "false"));
    match module {
        "apt" | "yum" | "dnf" | "package" | "pacman" | "zypper" | "apk" | "snap" | "pip"
            if state == "absent" =>
        {
            let manager = if module == "package" {
                "apt-get"
            } else {
                module
            };
            Some(format!("{manager} remove -y {name}"))
        }
        "service" | "systemd" | "systemd_service" | "sysvinit"
            if state == "stopped"
                || off(kv("enabled"))
                || kv("masked").as_deref() == Some("yes") =>
        {
            Some(format!("systemctl stop {name}"))
        }
        "service" | "systemd" | "systemd_service" | "sysvinit" if !state.is_empty() => {
            Some(format!("systemctl restart {name}"))
        }
        "user" if state == "absent" => Some(format!(
            "userdel {}{name}",
            if kv("remove").as_deref() == Some("yes") {
                "-r "
            } else {
                ""
            }
        )),
        "reboot" => Some("reboot".into()),
        _ => None,
    }
}

/// `kubectl debug node/N -- CMD`: the node's root filesystem is mounted at
/// `/host` in the debugging container, so `/host/etc` is the node's `/etc`
/// (and `chroot /host` runs on the node itself). `None` for pods, whose
/// command the container rules judge.
fn debug_node(words: &[Word]) -> Option<String> {
    if !words.iter().any(|w| w.text.starts_with("node/")) {
        return None;
    }
    let p = words.iter().position(|w| w.text == "--")?;
    let inner: Vec<Word> = words[p + 1..]
        .iter()
        .map(|w| Word {
            text: if w.text == "/host" {
                "/".into()
            } else {
                w.text.replace("/host/", "/")
            },
            ..w.clone()
        })
        .collect();
    (!inner.is_empty()).then(|| quote_words(&inner))
}

/// A salt execution function and its arguments, as the shell command it
/// stands for: `cmd.run CMD` runs CMD; `file.remove P` deletes P
/// recursively; `pkg.remove`, `service.stop`, `system.poweroff` act as
/// their package manager, systemctl or poweroff would.
fn salt_function(words: &[Word]) -> Option<String> {
    // The target comes first and may contain dots (`'db.prod'`): the
    // function is the first word naming one of salt's modules.
    const MODULES: &[&str] = &["cmd.", "file.", "pkg.", "service.", "system."];
    let i = words
        .iter()
        .position(|w| MODULES.iter().any(|m| w.text.starts_with(m)))?;
    let func = words[i].text.as_str();
    let args: Vec<Word> = words[i + 1..]
        .iter()
        .filter(|w| !w.text.contains('=') || w.text.starts_with('/'))
        .cloned()
        .collect();
    let joined = quote_words(&args);
    let first = args.first().map(|w| w.text.clone());
    match func {
        "cmd.run" | "cmd.shell" | "cmd.exec_code" | "cmd.run_all" | "cmd.run_stdout" => first,
        "file.remove" | "file.rmdir" | "file.delete" => Some(format!("rm -rf -- {joined}")),
        "pkg.remove" | "pkg.purge" => Some(format!("apt-get purge -y {joined}")),
        "service.stop" | "service.disable" | "service.dead" | "service.mask" => {
            Some(format!("systemctl stop {joined}"))
        }
        "system.poweroff" | "system.halt" | "system.shutdown" => Some("poweroff".into()),
        "system.reboot" => Some("reboot".into()),
        "cmd.script" => Some(format!("sh {joined}")),
        _ => None,
    }
}

/// `mosh HOST -- CMD`, `tsh ssh HOST CMD`: the words after the host (and an
/// optional `--`), options and their values skipped before it.
fn after_host(words: &[Word], takes: impl Fn(&str) -> bool) -> Option<String> {
    let mut i = 0;
    while let Some(w) = words.get(i) {
        if !w.text.starts_with('-') {
            break;
        }
        i += if takes(&w.text) { 2 } else { 1 };
    }
    let mut rest = words.get(i + 1..)?;
    if rest.first().is_some_and(|w| w.text == "--") {
        rest = &rest[1..];
    }
    (!rest.is_empty()).then(|| quote_words(rest))
}

/// `aws ssm send-command --parameters 'commands=["…"]'` (shorthand, JSON or
/// `commands=a,b`): the commands, one script. A parameters file cannot be
/// seen: caution.
fn ssm_commands(ctx: &Ctx, acc: &mut Acc) -> Option<String> {
    acc.caution("aws ssm send-command runs commands on the targeted instances");
    let params = value_of(ctx.eff.args, &["--parameters"])?;
    if params.starts_with("file://") {
        acc.caution("the commands sent come from a file: what runs cannot be checked");
        return None;
    }
    let lower = params.to_ascii_lowercase();
    let at = lower.find("commands")? + "commands".len();
    let rest = params[at..].trim_start_matches(['"', '\'', ':', '=', ' ']);
    let items: Vec<String> = if let Some(list) = rest.strip_prefix('[') {
        let body = list.rsplit_once(']').map_or(list, |(b, _)| b);
        let quoted = string_literals(body);
        if quoted.is_empty() {
            body.split(',').map(str::to_string).collect()
        } else {
            quoted
        }
    } else {
        let rest = rest.trim_end_matches(['"', '\'', '}']);
        rest.split(',').map(str::to_string).collect()
    };
    Some(items.join("\n"))
}

/// `az vm run-command invoke --scripts 'a' 'b'` / `create --script '…'`:
/// every word up to the next option is a line of the script; `@file` is a
/// file that cannot be seen unless written earlier in the text.
fn run_command_scripts(ctx: &Ctx, acc: &mut Acc) -> Option<String> {
    acc.caution("az run-command runs a script on the virtual machines");
    let words = ctx.eff.args;
    let start = words.iter().position(|w| {
        matches!(
            w.text.as_str(),
            "--scripts" | "--script" | "--source-script"
        )
    })?;
    let mut lines = Vec::new();
    for w in words[start + 1..]
        .iter()
        .take_while(|w| !w.text.starts_with("--"))
    {
        match w.text.strip_prefix('@') {
            Some(file) => match acc.written.get(file.trim_start_matches("./")) {
                Some(Written::Text(t)) => lines.push(t.clone()),
                _ => acc.caution(format!(
                    "the script {file} is sent as is: what runs cannot be checked"
                )),
            },
            None => lines.push(w.text.clone()),
        }
    }
    Some(lines.join("\n"))
}

/// `nomad alloc exec [-task T] ALLOC CMD…`: CMD runs in the allocation.
fn nomad_exec(words: &[Word]) -> Option<String> {
    let takes = |o: &str| {
        matches!(
            o.trim_start_matches('-'),
            "task" | "e" | "escape" | "address" | "region" | "namespace" | "token"
        ) && !o.contains('=')
    };
    let mut i = 2;
    while let Some(w) = words.get(i) {
        if !w.text.starts_with('-') {
            break;
        }
        i += if takes(&w.text) { 2 } else { 1 };
    }
    words
        .get(i + 1..)
        .filter(|r| !r.is_empty())
        .map(quote_words)
}

/// A shell on another machine that reads its script on stdin (ssh without
/// a command, or with `bash -s`/`sudo sh`): the text fed to it is judged as
/// if a shell here read it, files written earlier in the text included.
pub(crate) fn remote_shell_stdin(ctx: &Ctx, acc: &mut Acc) {
    let no_args: [Word; 0] = [];
    let eff = Effective {
        name: "sh".to_string(),
        args: &no_args,
        via_xargs: false,
    };
    let shell = Ctx {
        eff: &eff,
        args: &[],
        cmd: ctx.cmd,
        prev: ctx.prev,
        upstream: ctx.upstream,
        depth: ctx.depth,
    };
    analyze_interpreter(&shell, acc);
    let fed_file = ctx
        .cmd
        .redirs
        .iter()
        .filter(|r| r.kind == RedirKind::Read && !r.target.procsub)
        .map(|r| r.target.text.clone())
        .chain(upstream_cat(ctx.upstream));
    for file in fed_file.collect::<Vec<_>>() {
        match acc.written.get(file.trim_start_matches("./")).cloned() {
            Some(Written::Text(t)) => assess_script(&t, ctx.depth + 1, acc),
            Some(Written::Downloaded) => acc.danger(format!(
                "feeds the downloaded {file} to a shell on another machine"
            )),
            _ if is_harmless_dev(&file) => {}
            _ => acc.caution(format!(
                "feeds {file} to a shell on another machine: what it runs cannot be checked"
            )),
        }
    }
}

/// `cat FILE | ssh host`: the file piped in.
fn upstream_cat(upstream: &[Cmd]) -> Option<String> {
    let [c] = upstream else { return None };
    let eff = unwrap_cmd(&c.words).filter(|e| e.name == "cat")?;
    match positionals(eff.args).as_slice() {
        [f] => Some(f.text.clone()),
        _ => None,
    }
}

/// Whether a remote command is a shell that reads its script on stdin
/// (`bash -s`, `sudo sh`, `sudo -i`, `sudo su -`), not one told a script or
/// `-c`.
pub(crate) fn reads_script(remote: &str) -> bool {
    let Some(cmd) = first_cmd(remote) else {
        return false;
    };
    let words: Vec<&str> = cmd.words.iter().map(|w| w.text.as_str()).collect();
    let root = words
        .first()
        .is_some_and(|w| matches!(*w, "sudo" | "su" | "doas" | "runuser" | "pkexec"));
    let code = words.iter().any(|w| matches!(*w, "-c" | "--command"));
    let Some(eff) = unwrap_cmd(&cmd.words) else {
        return root && !code;
    };
    let args: Vec<&str> = eff.args.iter().map(|w| w.text.as_str()).collect();
    let login = matches!(eff.name.as_str(), "su" | "-" | "sudo") && root && !code;
    login
        || is_shell(&eff.name)
            && !has_flag(&args, 'c', &[])
            && (has_flag(&args, 's', &[]) || positionals(eff.args).is_empty())
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
        // `-bw HOSTS`: a cluster of short flags whose last one takes a value.
        let cluster_takes = !t.starts_with("--")
            && t.len() > 2
            && t.chars().last().is_some_and(|c| takes(&format!("-{c}")));
        i += if takes(t) || cluster_takes { 2 } else { 1 };
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
            (
                "aws ssm send-command --document-name AWS-RunShellScript --instance-ids i-1 --parameters 'commands=[\"rm -rf /var/lib/app\"]'",
                Danger,
            ),
            (
                "aws ssm send-command --instance-ids i-1 --parameters commands='sudo rm -rf /opt/data'",
                Danger,
            ),
            (
                "aws ssm send-command --instance-ids i-1 --parameters '{\"commands\":[\"uptime\"]}'",
                Caution,
            ),
            (
                "az vm run-command invoke -g rg -n vm1 --command-id RunShellScript --scripts 'rm -rf /var/lib/mysql'",
                Danger,
            ),
            (
                "az vm run-command invoke -g rg -n vm1 --command-id RunShellScript --scripts 'df -h'",
                Caution,
            ),
            ("nomad alloc exec -task web 3f2a rm -rf /srv/www", Danger),
            ("nomad alloc exec 3f2a /bin/sh -c 'rm -rf /var/lib/app'", Danger),
            ("nomad alloc status 3f2a", Safe),
            ("printf 'rm -rf /srv/app\\n' | ssh deploy@web1", Danger),
            ("ssh web1 bash -s <<'EOF'\nrm -rf /opt/shop\nEOF", Danger),
            (
                "cat > c.sh <<'EOF'\nrm -rf /srv/www\nEOF\nssh web1 < c.sh",
                Danger,
            ),
            ("ssh host 'sudo bash' <<< 'rm -rf /etc/nginx'", Danger),
            ("printf 'uptime\\n' | ssh web1", Safe),
            ("ssh web1 bash -s <<'EOF'\ndf -h\nEOF", Safe),
            ("ssh web1 < tasks.sh", Caution),
            ("salt '*' file.remove /opt/app", Danger),
            ("salt '*' service.stop sshd", Danger),
            ("salt '*' pkg.remove openssh-server", Danger),
            ("salt-call cmd.run 'rm -rf /srv/salt'", Danger),
            ("salt '*' pkg.remove htop", Caution),
            ("mosh web1 -- sudo rm -rf /srv/app", Danger),
            ("tsh ssh root@web1 'rm -rf /var/lib/postgresql'", Danger),
            ("gcloud compute ssh vm -- 'sudo rm -rf /srv/data'", Danger),
            ("mosh web1", Safe),
            ("salt '*' state.apply", Caution),
            ("salt '*' state.apply test=True", Safe),
            ("ansible-playbook -i prod site.yml", Caution),
            ("ansible-playbook -i prod site.yml --check", Safe),
            ("ansible all -m apt -a 'name=openssh-server state=absent'", Danger),
            ("ansible all -m service -a 'name=sshd state=stopped'", Danger),
            ("ansible all -m user -a 'name=deploy state=absent remove=yes'", Danger),
            ("ansible all -m apt -a 'name=htop state=absent'", Caution),
            ("ansible all -m service -a 'name=nginx state=restarted'", Caution),
            ("ssh -tt db1 'sudo su -' <<EOF\nrm -rf /var/lib/pgsql\nEOF", Danger),
            ("clush -bw node[1-9] 'sudo rm -rf /opt/app'", Danger),
            ("nomad alloc exec -job web rm -rf /alloc/data", Danger),
            (
                "kubectl debug node/n1 -it --image=busybox -- sh -c 'rm -rf /host/etc/kubernetes'",
                Danger,
            ),
            ("kubectl debug node/n1 -it --image=busybox -- ls /host/etc", Caution),
            (
                "gcloud compute instances add-metadata vm --metadata startup-script='rm -rf /srv/data'",
                Danger,
            ),
        ]);
    }
}
