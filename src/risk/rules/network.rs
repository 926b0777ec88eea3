//! Network and remote access: firewalls, interfaces, ssh, remote shells.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        "ssh-keygen" if ctx.has_flag('p', &[]) || ctx.has_flag('R', &[]) => {
            acc.caution("changes an existing SSH key or known_hosts")
        }
        "iptables" | "ip6tables" | "iptables-legacy" | "iptables-nft" => analyze_iptables(ctx, acc),
        "nft" => nft(ctx, acc),
        "ufw" => ufw(ctx, acc),
        "firewall-cmd" => firewall_cmd(ctx, acc),
        "ssh" => analyze_ssh(ctx, acc),
        "scp" | "sftp" => scp(name, ctx, acc),
        "nc" | "ncat" | "netcat" | "socat" => netcat(ctx, acc),
        "wg-quick" | "openvpn" | "tailscale" | "zerotier-cli" => {
            if ctx
                .args
                .iter()
                .any(|a| matches!(*a, "down" | "leave" | "logout"))
            {
                acc.caution(format!(
                    "{name} takes a VPN down (a session that runs over it is cut off)"
                ))
            } else if ctx
                .args
                .first()
                .is_some_and(|a| matches!(*a, "up" | "set" | "join"))
            {
                acc.caution(format!("{name} changes the VPN"))
            }
        }
        "ip" | "ifconfig" | "ifdown" | "ifup" | "route" | "nmcli" | "brctl" | "iwconfig"
        | "dhclient" | "netplan" | "networkctl" | "tc" => analyze_net(ctx, acc),
        _ => return false,
    }
    true
}

/// `nft`: flushing or dropping all input versus listing and editing.
fn nft(ctx: &Ctx, acc: &mut Acc) {
    let j = ctx.args.join(" ");
    if j.contains("flush ruleset") {
        acc.danger("nft flush ruleset removes every firewall rule");
    } else if nft_drops_all_input(ctx.args) {
        acc.danger("nft drops all incoming traffic: SSH is cut off");
    } else if ctx
        .args
        .iter()
        .any(|a| matches!(*a, "list" | "-a" | "describe" | "monitor"))
        && !ctx.args.iter().any(|a| {
            matches!(
                *a,
                "add" | "delete" | "flush" | "insert" | "replace" | "create" | "destroy"
            )
        })
    {
    } else if !ctx.args.is_empty() {
        acc.caution("changes nftables firewall rules");
    }
}

/// `ufw`: what it cuts off; enable/default/allow are remembered for the line.
fn ufw(ctx: &Ctx, acc: &mut Acc) {
    let sub = ctx
        .positionals()
        .first()
        .map(|w| w.text.clone())
        .unwrap_or_default();
    match sub.as_str() {
        "disable" => acc.danger("ufw disable switches the firewall off"),
        "reset" => acc.danger("ufw reset deletes all firewall rules and disables the firewall"),
        "status" | "app" | "show" | "version" | "" => {}
        "enable" => {
            acc.ufw.enabled = true;
            acc.caution("enables the firewall (check that SSH is allowed first)")
        }
        "default" if ctx.args.iter().any(|a| matches!(*a, "deny" | "reject")) => {
            if !ctx.args.iter().any(|a| matches!(*a, "outgoing" | "routed")) {
                acc.ufw.default_deny = true;
            }
            acc.caution("changes the firewall's default policy")
        }
        "allow" | "limit" if ctx.args.iter().any(|a| is_ssh_port(a)) => {
            acc.ufw.ssh_allowed = true;
            acc.caution("changes firewall rules")
        }
        "deny" | "reject" | "limit"
            if sub != "limit"
                && ctx
                    .args
                    .iter()
                    .any(|a| matches!(*a, "22" | "ssh" | "OpenSSH" | "22/tcp")) =>
        {
            acc.danger("ufw blocks SSH: remote access is cut off")
        }
        _ => acc.caution("changes firewall rules"),
    }
}

/// `firewall-cmd`: panic mode and dropping SSH versus queries.
fn firewall_cmd(ctx: &Ctx, acc: &mut Acc) {
    let drops_ssh = ctx.args.iter().any(|a| {
        matches!(
            *a,
            "--remove-service=ssh"
                | "--remove-port=22/tcp"
                | "--set-target=DROP"
                | "--set-target=REJECT"
        )
    });
    if ctx.args.iter().any(|a| a.starts_with("--panic-on")) {
        acc.danger("firewalld panic mode drops all traffic");
    } else if drops_ssh {
        acc.danger("firewalld stops accepting SSH (or everything): remote access is cut off");
    } else if ctx.args.iter().all(|a| {
        a.starts_with("--list")
            || a.starts_with("--get")
            || a.starts_with("--query")
            || a.starts_with("--zone")
            || *a == "--state"
    }) {
    } else {
        acc.caution("changes firewall rules");
    }
}

/// `scp`/`sftp`: commands in its options and a remote `authorized_keys`.
fn scp(name: &str, ctx: &Ctx, acc: &mut Acc) {
    ssh_option_commands(ctx.args, ctx.depth, acc);
    // `scp keys host:~/.ssh/authorized_keys` replaces the remote list.
    if let Some(dest) = ctx
        .positionals()
        .last()
        .filter(|_| ctx.positionals().len() > 1)
    {
        if dest.text.contains(':') && replaces_authorized_keys(&dest.text) {
            acc.danger(format!(
                "{name} replaces {}: every key listed there stops working",
                dest.text
            ));
        } else if dest.text.contains(':') {
            acc.caution(format!("{name} copies files onto another machine"));
        }
    }
}

/// `nc -e sh`, `socat EXEC:bash`: a shell served over the network.
fn netcat(ctx: &Ctx, acc: &mut Acc) {
    if ctx.args.iter().any(|a| {
        *a == "-e"
            || *a == "-c"
            || a.starts_with("exec:")
            || a.starts_with("EXEC:")
            || a.starts_with("SYSTEM:")
    }) && ctx.args.iter().any(|a| {
        is_shell(basename(
            a.split_whitespace()
                .next()
                .unwrap_or(a)
                .trim_start_matches("exec:")
                .trim_start_matches("EXEC:"),
        ))
    }) {
        acc.danger("exposes a shell over the network (remote shell)");
    }
}

/// A ufw rule argument that names SSH.
fn is_ssh_port(a: &str) -> bool {
    matches!(a, "22" | "ssh" | "OpenSSH" | "22/tcp" | "2222")
}

pub(crate) fn analyze_iptables(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    let flush = args.iter().any(|a| *a == "-F" || *a == "--flush")
        || args
            .iter()
            .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('F') && a.len() <= 3);
    let policy_drop = args.iter().enumerate().any(|(i, a)| {
        (*a == "-P" || *a == "--policy")
            && args
                .get(i + 2)
                .is_some_and(|p| matches!(*p, "DROP" | "REJECT"))
            && args
                .get(i + 1)
                .is_some_and(|c| matches!(*c, "INPUT" | "OUTPUT"))
    });
    let list_only = args.iter().all(|a| {
        a.starts_with('-')
            && (a.contains('L')
                || a.contains('S')
                || a.contains('n')
                || a.contains('v')
                || *a == "--list"
                || *a == "--line-numbers")
            || matches!(
                *a,
                "INPUT" | "OUTPUT" | "FORWARD" | "nat" | "filter" | "mangle" | "-t"
            )
    });
    if drops_all_input(args) {
        acc.danger("adds a firewall rule that drops all incoming traffic (SSH included)");
    } else if flush {
        acc.danger(
            "flushes all firewall rules (the host is exposed, or locked out under a DROP policy)",
        );
    } else if policy_drop {
        acc.danger("sets a DROP default policy (can lock out remote sessions)");
    } else if !list_only {
        acc.caution("changes firewall rules");
    }
}

/// `iptables -I INPUT 1 -j DROP`, `iptables -A INPUT -p tcp --dport 22 -j
/// REJECT`: a DROP/REJECT rule on INPUT that matches everything, or SSH.
fn drops_all_input(args: &[&str]) -> bool {
    let adds = args.windows(2).any(|w| {
        matches!(
            w[0],
            "-A" | "-I" | "--append" | "--insert" | "-R" | "--replace"
        ) && w[1] == "INPUT"
    });
    let drops = args
        .windows(2)
        .any(|w| matches!(w[0], "-j" | "--jump") && matches!(w[1], "DROP" | "REJECT"));
    const MATCHES: &[&str] = &[
        "-s",
        "--source",
        "-d",
        "--destination",
        "-p",
        "--protocol",
        "-i",
        "--in-interface",
        "-m",
        "--match",
        "!",
        "--dport",
        "--sport",
        "--src-range",
        "--state",
        "--ctstate",
    ];
    let narrowed = args.iter().any(|a| MATCHES.contains(a));
    let ssh = args.windows(2).any(|w| {
        matches!(w[0], "--dport" | "--dports") && w[1].split(',').any(|p| p == "22" || p == "ssh")
    }) && !args.iter().any(|a| matches!(*a, "-s" | "--source" | "!"));
    adds && drops && (!narrowed || ssh)
}

/// `nft add rule inet filter input drop` (a verdict with no match) or an
/// input hook with `policy drop` and no SSH accept: all incoming traffic,
/// SSH included, is dropped.
fn nft_drops_all_input(args: &[&str]) -> bool {
    let adds = args
        .iter()
        .any(|a| matches!(*a, "add" | "insert" | "create"));
    let verdict = |a: &str| matches!(a, "drop" | "reject");
    let bare_rule = args.iter().position(|a| *a == "input").is_some_and(|i| {
        args.contains(&"rule")
            && args[i + 1..].iter().all(|a| verdict(a) || *a == "counter")
            && args[i + 1..].iter().any(|a| verdict(a))
    });
    let j = args.join(" ").replace(';', " ");
    let policy = j.contains("hook input")
        && (j.contains("policy drop") || j.contains("policy reject"))
        && !args
            .iter()
            .any(|a| is_ssh_port(a) || a.contains("dport 22"));
    adds && (bare_rule || policy)
}

/// ssh options whose value is a local command (`ProxyCommand`,
/// `LocalCommand`, `KnownHostsCommand`) or the remote one (`RemoteCommand`).
fn ssh_option_commands(args: &[&str], depth: usize, acc: &mut Acc) {
    const RUNS: &[&str] = &[
        "proxycommand",
        "localcommand",
        "knownhostscommand",
        "remotecommand",
    ];
    for (i, a) in args.iter().enumerate() {
        let opt = if *a == "-o" {
            args.get(i + 1).copied()
        } else {
            a.strip_prefix("-o").filter(|o| !o.is_empty())
        };
        let Some(opt) = opt else { continue };
        let (key, value) = match opt.split_once(['=', ' ']) {
            Some((k, v)) => (k.trim().to_ascii_lowercase(), v.trim()),
            None => continue,
        };
        if RUNS.contains(&key.as_str()) && !value.is_empty() && value != "none" {
            assess_script(value, depth + 1, acc);
        }
    }
}

/// The text piped into ssh (statically known) or read from a file written
/// earlier in the text (`ssh db mysql < drop.sql`).
fn piped_text(ctx: &Ctx, acc: &Acc) -> Option<String> {
    if !ctx.upstream.is_empty() {
        return eval_pipeline(ctx.upstream, acc);
    }
    ctx.cmd
        .redirs
        .iter()
        .filter(|r| r.kind == RedirKind::Read && !r.target.procsub)
        .find_map(
            |r| match acc.written.get(r.target.text.trim_start_matches("./")) {
                Some(Written::Text(t)) => Some(t.clone()),
                _ => None,
            },
        )
}

pub(crate) fn analyze_ssh(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    ssh_option_commands(args, ctx.depth, acc);
    let takes = |o: &str| {
        o.len() == 2 && "BbcDEeFIiJLlmOoPpQRSWw".contains(o.chars().nth(1).unwrap_or(' '))
    };
    let mut i = 0;
    let mut host_seen = false;
    while i < args.len() {
        let a = args[i];
        if a.starts_with('-') && a.len() > 1 {
            if takes(a) {
                i += 1;
            }
        } else if !host_seen {
            host_seen = true;
        } else {
            let command = args[i..].join(" ");
            if reads_script(&command) {
                remote_shell_stdin(ctx, acc);
            }
            // What the local side pipes in reaches the remote command's stdin
            // (`echo 'DROP DATABASE x;' | ssh db mysql`).
            let remote = match piped_text(ctx, acc) {
                Some(text) if !text.contains("SUPERHELFER_FED_INPUT") => {
                    format!("{command} <<'SUPERHELFER_FED_INPUT'\n{text}\nSUPERHELFER_FED_INPUT\n")
                }
                _ => with_fed_input(&command, &ctx.cmd.redirs),
            };
            assess_script(&remote, ctx.depth + 1, acc);
            return;
        }
        i += 1;
    }
    // No command: the remote login shell reads its script on stdin.
    if host_seen {
        remote_shell_stdin(ctx, acc);
    }
}

pub(crate) fn analyze_net(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    if let Some(what) = cuts_network(name, ctx.args) {
        acc.danger(format!(
            "{what}: remote sessions over it are cut off (stopping remote access)"
        ));
        return;
    }
    let a = ctx.args;
    let read = match name {
        "ip" => a.iter().all(|x| {
            matches!(
                *x,
                "a" | "addr"
                    | "address"
                    | "link"
                    | "route"
                    | "r"
                    | "neigh"
                    | "n"
                    | "show"
                    | "list"
                    | "ls"
                    | "-br"
                    | "-c"
                    | "-s"
                    | "-4"
                    | "-6"
                    | "-j"
                    | "-d"
                    | "rule"
                    | "monitor"
                    | "get"
                    | "dev"
                    | "-details"
                    | "-brief"
                    | "maddr"
                    | "tunnel"
                    | "help"
            ) || !x.starts_with('-') && a.iter().any(|y| *y == "show" || *y == "get")
        }),
        "ifconfig" => a.len() <= 1,
        "route" => a.iter().all(|x| x.starts_with('-')),
        "nmcli" => !a.iter().any(|x| {
            matches!(
                *x,
                "down"
                    | "delete"
                    | "modify"
                    | "add"
                    | "up"
                    | "connect"
                    | "disconnect"
                    | "off"
                    | "on"
                    | "reload"
            )
        }),
        "networkctl" => a
            .first()
            .is_none_or(|x| matches!(*x, "list" | "status" | "lldp" | "label" | "cat" | "--help")),
        "brctl" => a.iter().any(|x| x.starts_with("show")),
        "iwconfig" => a.len() <= 1,
        "netplan" => a
            .first()
            .is_some_and(|x| *x == "get" || *x == "info" || *x == "status"),
        "tc" => a.iter().any(|x| matches!(*x, "show" | "ls" | "list")),
        _ => false,
    };
    if !read {
        if a.iter()
            .any(|x| *x == "down" || *x == "disconnect" || *x == "off" || *x == "flush")
        {
            acc.caution(format!(
                "{name} takes a network interface down (can cut off a remote session)"
            ));
        } else {
            acc.caution(format!("{name} changes network configuration"));
        }
    }
}

/// Interfaces no remote session runs over: bridges and links of containers
/// and virtual machines, which their runtime puts back.
fn is_local_virtual(iface: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "docker", "veth", "virbr", "br-", "cni", "flannel", "tap", "vnet", "dummy", "kube-",
        "lxcbr", "lxdbr", "podman", "cali", "vxlan", "weave",
    ];
    PREFIXES.iter().any(|p| iface.starts_with(p))
}

/// What takes the machine off the network: an interface down (the loopback
/// too: local services stop answering), the default route deleted or the
/// routing table flushed, addresses flushed, networking or radios off, all
/// traffic dropped by a qdisc. `None` for anything scoped to a container's
/// or VM's virtual link, or that adds rather than removes.
fn cuts_network(name: &str, args: &[&str]) -> Option<String> {
    let words: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    let iface_after = |keys: &[&str]| {
        words
            .windows(2)
            .find(|w| keys.contains(&w[0]))
            .map(|w| w[1])
    };
    let physical = |i: Option<&str>| i.is_some_and(|i| !is_local_virtual(i));
    match name {
        "ip" => ip_cuts(
            &words,
            // `ip link set [dev] IF`: the interface follows `dev` or the verb.
            physical(iface_after(&["dev"]).or_else(|| words.get(2).copied())),
        ),
        "ifconfig" => {
            (words.len() >= 2 && words.contains(&"down") && physical(words.first().copied()))
                .then(|| format!("ifconfig takes {} down", words[0]))
        }
        "ifdown" => (args.iter().any(|a| matches!(*a, "-a" | "--all"))
            || words.iter().any(|w| !is_local_virtual(w)))
        .then(|| "ifdown takes interfaces down".to_string()),
        "networkctl" => (words.first() == Some(&"down")
            && words[1..].iter().any(|w| !is_local_virtual(w)))
        .then(|| "networkctl takes an interface down".to_string()),
        "nmcli" => nmcli_cuts(&words),
        "route" => (words
            .first()
            .is_some_and(|w| matches!(*w, "del" | "delete"))
            && words
                .iter()
                .any(|w| matches!(*w, "default" | "0.0.0.0" | "0.0.0.0/0")))
        .then(|| "route deletes the default route".to_string()),
        "dhclient" => (args.iter().any(|a| matches!(*a, "-r" | "-x"))
            && words.iter().all(|w| !is_local_virtual(w)))
        .then(|| "dhclient releases the address".to_string()),
        "tc" => (words.contains(&"netem")
            && words
                .windows(2)
                .any(|w| w[0] == "loss" && w[1].trim_end_matches('%') == "100")
            && physical(iface_after(&["dev"])))
        .then(|| "tc drops every packet on the interface".to_string()),
        _ => None,
    }
}

/// `ip link set IF down`, `ip route del default`, `ip route flush table
/// main`, `ip addr flush dev IF`, `ip link delete IF` (abbreviations too).
fn ip_cuts(words: &[&str], physical: bool) -> Option<String> {
    let (obj, verb) = (*words.first()?, words.get(1).copied().unwrap_or(""));
    let is = |w: &str, full: &str| !w.is_empty() && full.starts_with(w);
    let rest = words.get(2..).unwrap_or(&[]);
    if is(obj, "link") && is(verb, "set") && rest.contains(&"down") && physical {
        return Some("ip link takes the interface down".into());
    }
    if is(obj, "link") && (is(verb, "delete") || verb == "del") && physical {
        return Some("ip link deletes the interface".into());
    }
    if is(obj, "route") && (is(verb, "delete") || verb == "del") {
        return rest
            .iter()
            .any(|w| matches!(*w, "default" | "0.0.0.0/0" | "0/0" | "::/0"))
            .then(|| "ip route deletes the default route".into());
    }
    if is(obj, "route") && is(verb, "flush") {
        let scoped_virtual = rest.contains(&"dev") && !physical;
        return (!rest.contains(&"cache") && !scoped_virtual)
            .then(|| "ip route flushes the routing table".into());
    }
    if is(obj, "address") && is(verb, "flush") && physical {
        return Some("ip addr flushes the interface's addresses".into());
    }
    None
}

/// `nmcli networking off`, `nmcli radio all off`, `nmcli connection down
/// X`, `nmcli device disconnect IF` (abbreviated objects too).
fn nmcli_cuts(words: &[&str]) -> Option<String> {
    let (obj, verb) = (*words.first()?, words.get(1).copied().unwrap_or(""));
    let is = |w: &str, full: &str| !w.is_empty() && full.starts_with(w);
    let target = words.get(2).copied().unwrap_or("");
    let hit = if is(obj, "networking") {
        verb == "off"
    } else if is(obj, "radio") {
        matches!(verb, "all" | "wifi") && words.get(2) == Some(&"off")
    } else if is(obj, "connection") {
        verb == "down" && !is_local_virtual(target)
    } else if is(obj, "device") {
        matches!(verb, "disconnect" | "down") && !is_local_virtual(target)
    } else {
        false
    };
    hit.then(|| format!("nmcli {obj} {verb} takes the machine off the network"))
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    /// The family's examples, in line with the written policy.
    #[test]
    fn examples() {
        check_examples(&[
            ("ssh host uptime", Safe),
            ("ufw status", Safe),
            ("nft insert rule ip filter input counter reject", Danger),
            (
                "nft add chain inet fw input '{ type filter hook input priority 0; policy drop; }'",
                Danger,
            ),
            (
                "nft add rule inet filter input tcp dport 22 accept",
                Caution,
            ),
            (
                "nft add rule inet filter input ip saddr 10.0.0.9 drop",
                Caution,
            ),
            ("ufw allow 443", Caution),
            ("ssh root@db1 'rm -rf /var/lib/postgresql'", Danger),
            ("ufw deny 22", Danger),
            ("ufw default deny incoming && ufw --force enable", Danger),
            (
                "ufw default deny incoming; ufw allow OpenSSH; ufw enable",
                Caution,
            ),
            ("ufw default deny outgoing", Caution),
            ("iptables -F && iptables -P INPUT DROP", Danger),
            ("ssh -o ProxyCommand='rm -rf ~' bastion", Danger),
            ("sudo firewall-cmd --permanent --remove-service=ssh", Danger),
            ("sudo firewall-cmd --permanent --add-service=https", Caution),
            ("ssh db 'psql -U app' <<< 'DROP TABLE users;'", Danger),
            ("echo 'DROP DATABASE prod;' | ssh db mysql", Danger),
            (
                "echo 'DROP DATABASE prod;' > d.sql && ssh db 'mysql prod' < d.sql",
                Danger,
            ),
            ("echo 'SELECT 1;' | ssh db mysql", Safe),
            ("ip link show eth0", Safe),
            (
                "ssh -oLocalCommand='shred -u ~/.ssh/id_rsa' -oPermitLocalCommand=yes h",
                Danger,
            ),
            (
                "scp -o 'ProxyCommand=sh -c \"rm -rf /srv\"' f h:/tmp",
                Danger,
            ),
            ("ssh -o ProxyCommand='ssh -W %h:%p jump' db1", Safe),
            ("ssh -o StrictHostKeyChecking=no build@ci uptime", Safe),
            ("sudo iptables -A INPUT -j REJECT", Danger),
            ("sudo ip6tables -I INPUT 1 -j DROP", Danger),
            ("sudo iptables -A INPUT -p tcp --dport 22 -j DROP", Danger),
            ("sudo iptables -A INPUT -s 203.0.113.7 -j DROP", Caution),
            (
                "sudo iptables -A INPUT -p tcp --dport 8080 -j DROP",
                Caution,
            ),
            (
                "sudo iptables -A INPUT -p tcp --dport 22 -j ACCEPT",
                Caution,
            ),
            ("sudo iptables -L INPUT -n --line-numbers", Safe),
            // Interfaces, routes and radios: stopping remote access.
            ("ip link set eth0 down", Danger),
            ("ip l s eth0 down", Danger),
            ("sudo ip link set dev ens3 down", Danger),
            ("ip link set lo down", Danger),
            ("sudo ifconfig ens160 down", Danger),
            ("sudo ifdown -a", Danger),
            ("nmcli connection down 'Wired connection 1'", Danger),
            ("nmcli networking off", Danger),
            ("nmcli radio all off", Danger),
            ("networkctl down eth0", Danger),
            ("sudo ip route del default", Danger),
            ("route del default", Danger),
            ("ip route flush table main", Danger),
            ("ip addr flush dev eth0", Danger),
            ("sudo dhclient -r eth0", Danger),
            ("sudo tc qdisc add dev eth0 root netem loss 100%", Danger),
            ("sudo ip link set docker0 down", Caution),
            ("sudo ip link set veth1a2b3c down", Caution),
            ("ip link set eth0 up", Caution),
            ("ip route flush cache", Caution),
            ("sudo tc qdisc add dev eth0 root netem delay 100ms", Caution),
            ("sudo wg-quick down wg0", Caution),
            ("ip -br link", Safe),
            ("nmcli radio wifi", Safe),
            ("networkctl status eth0", Safe),
            ("ip route show default", Safe),
        ]);
    }
}
