//! Containers and virtual machines: docker/podman, compose, kubectl, helm, vagrant.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        "vagrant" if ctx.args.first() == Some(&"destroy") => {
            acc.danger("vagrant destroy deletes the machine and its disks")
        }
        "vagrant" => {
            if ctx.args.first().is_some_and(|a| {
                matches!(
                    *a,
                    "destroy" | "halt" | "suspend" | "reload" | "provision" | "up" | "box"
                )
            }) {
                acc.caution("vagrant changes VM state");
            }
        }
        "docker" | "podman" | "nerdctl" => analyze_docker(ctx, acc),
        "docker-compose" | "podman-compose" => {
            analyze_compose(ctx.args, acc);
            compose_inner(ctx.eff.args, ctx.depth, acc);
        }
        "kubectl" | "oc" => analyze_kubectl(ctx, acc),
        "helm" => helm(ctx, acc),
        "virsh" => analyze_virsh(ctx, acc),
        "flux"
            if ctx
                .args
                .first()
                .is_some_and(|a| matches!(*a, "uninstall" | "delete")) =>
        {
            acc.caution("flux removes its controllers or a source from the cluster")
        }
        // containerd's and CRI's clients: removing what a listing names
        // (`ctr images rm $(ctr images ls -q)`) removes every image.
        "ctr" | "crictl"
            if ctx
                .args
                .iter()
                .any(|a| matches!(*a, "rm" | "rmi" | "delete" | "del" | "remove" | "rmp")) =>
        {
            let listed = ctx.eff.args.iter().any(|w| {
                w.subs
                    .iter()
                    .any(|s| s.contains(" ls") || s.contains(" images") || s.contains(" ps"))
            }) || ctx.args.iter().any(|a| matches!(*a, "--all" | "-a"))
                || ctx.eff.via_xargs;
            if listed {
                acc.danger(format!(
                    "{name} removes every image or container a listing names"
                ));
            } else {
                acc.caution(format!("{name} removes images or containers"));
            }
        }
        "lxc" | "incus" => match ctx.args.first().copied() {
            Some("delete" | "rm") => acc.danger(format!(
                "{name} delete removes the instance and its root filesystem"
            )),
            Some("exec") => {
                let words = ctx.eff.args;
                if let Some(p) = words.iter().position(|w| w.text == "--") {
                    assess_script(&quote_words(&words[p + 1..]), ctx.depth + 1, acc);
                }
            }
            Some("stop" | "restart" | "restore" | "snapshot") => {
                acc.caution(format!("{name} changes instance state"))
            }
            _ => {}
        },
        _ => return false,
    }
    true
}

/// `compose exec SERVICE CMD…` / `compose run SERVICE CMD…`: the command runs
/// in the service's container.
fn compose_inner(words: &[Word], depth: usize, acc: &mut Acc) {
    let Some(i) = words
        .iter()
        .position(|w| matches!(w.text.as_str(), "exec" | "run"))
    else {
        return;
    };
    inside_container(false, &words[i + 1..], depth, acc);
}

fn analyze_virsh(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    let storage = args.iter().any(|a| {
        a.starts_with("--remove-all-storage")
            || a.starts_with("--storage")
            || *a == "--wipe-storage"
    });
    match args.first().copied() {
        Some("undefine") if storage => {
            acc.danger("virsh undefine deletes the VM together with its disks")
        }
        Some("vol-delete" | "vol-wipe" | "pool-delete") => {
            acc.danger("virsh deletes or wipes storage volumes")
        }
        Some(
            "undefine" | "destroy" | "shutdown" | "reboot" | "reset" | "snapshot-delete"
            | "pool-destroy",
        ) => acc.caution("virsh changes VM state"),
        _ => {}
    }
}

/// Long options of `docker run` / `docker exec` that take a value.
const CONTAINER_VALUE_OPTS: &[&str] = &[
    "--volume",
    "--mount",
    "--env",
    "--env-file",
    "--workdir",
    "--user",
    "--name",
    "--network",
    "--publish",
    "--entrypoint",
    "--label",
    "--hostname",
    "--memory",
    "--cpus",
    "--restart",
    "--add-host",
    "--device",
    "--cap-add",
    "--cap-drop",
    "--log-driver",
    "--log-opt",
    "--platform",
    "--pull",
    "--runtime",
    "--shm-size",
    "--tmpfs",
    "--ulimit",
    "--gpus",
    "--security-opt",
    "--volumes-from",
    "--pid",
    "--ipc",
    "--dns",
    "--expose",
    "--link",
    "--detach-keys",
];

fn container_opt_takes_value(o: &str) -> bool {
    if o.starts_with("--") {
        return CONTAINER_VALUE_OPTS.contains(&o);
    }
    o.len() == 2
        && matches!(
            o.chars().last(),
            Some('v' | 'e' | 'w' | 'u' | 'p' | 'l' | 'h' | 'm' | 'c')
        )
}

/// A bind mount given with `-v SRC:DST` or `--mount source=SRC,target=DST`.
fn mount_of(opt: &str, v: &str) -> Option<(String, String)> {
    if matches!(opt, "-v" | "--volume") {
        let mut parts = v.split(':');
        return Some((parts.next()?.to_string(), parts.next()?.to_string()));
    }
    if opt != "--mount" {
        return None;
    }
    let field = |keys: &[&str]| {
        v.split(',')
            .filter_map(|f| f.split_once('='))
            .find(|(n, _)| keys.contains(n))
            .map(|(_, x)| x.to_string())
    };
    Some((
        field(&["source", "src"])?,
        field(&["target", "dst", "destination"])?,
    ))
}

/// `docker run IMAGE CMD…` / `docker exec CTR CMD…`: the command is assessed
/// as if run here, with paths under a bind mount (`-v /:/host`) mapped back to
/// the host paths they are.
fn inside_container(run: bool, words: &[Word], depth: usize, acc: &mut Acc) {
    inside_container_fed(run, words, &[], depth, acc);
}

/// As [`inside_container`], with the outer command's here-string or
/// here-doc (`docker exec -i db psql <<< 'DROP …'`) fed to the inner one.
fn inside_container_fed(run: bool, words: &[Word], redirs: &[Redir], depth: usize, acc: &mut Acc) {
    let mut mounts: Vec<(String, String)> = Vec::new();
    let mut entrypoint: Option<Word> = None;
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let t = w.text.as_str();
        if !t.starts_with('-') || t == "-" {
            break;
        }
        // `--entrypoint rm IMAGE -rf /host`: the entrypoint is the command.
        if t == "--entrypoint" || t.starts_with("--entrypoint=") {
            let v = match t.split_once('=') {
                Some((_, v)) => v.to_string(),
                None => {
                    i += 1;
                    words.get(i).map(|v| v.text.clone()).unwrap_or_default()
                }
            };
            entrypoint = Some(Word {
                text: v,
                ..w.clone()
            });
            i += 1;
            continue;
        }
        let (opt, value) = match t.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o, Some(v.to_string())),
            _ if container_opt_takes_value(t) => {
                i += 1;
                (t, words.get(i).map(|v| v.text.clone()))
            }
            _ => (t, None),
        };
        if let Some(m) = value.and_then(|v| mount_of(opt, &v)) {
            mounts.push(m);
        }
        i += 1;
    }
    // The image (run) or container (exec) name, then the command.
    let rest = words.get(i + 1..).unwrap_or(&[]);
    let with_entry: Vec<Word> = entrypoint.into_iter().chain(rest.iter().cloned()).collect();
    let Some(cmd) = Some(with_entry.as_slice()).filter(|c| !c.is_empty()) else {
        return;
    };
    let mut by_len: Vec<&(String, String)> = mounts.iter().filter(|_| run).collect();
    by_len.sort_by_key(|(_, d)| std::cmp::Reverse(d.len()));
    let mapped: Vec<Word> = cmd
        .iter()
        .map(|w| {
            let mut w = w.clone();
            w.text = map_mounts(&w.text, &by_len);
            w
        })
        .collect();
    assess_script(
        &with_fed_input(&quote_words(&mapped), redirs),
        depth + 1,
        acc,
    );
}

/// Container paths under a bind mount, rewritten to the host paths they are:
/// in a path word (`/host/etc`) and inside script text (`sh -c 'rm -rf
/// /mnt/etc/*'`). A path starts a word or follows a blank, quote or `=`.
/// `mounts` are (host, container) pairs, longest container path first.
fn map_mounts(text: &str, mounts: &[&(String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    'scan: while i < text.len() {
        let starts_path = i == 0
            || text[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_whitespace() || matches!(c, '\'' | '"' | '=' | ';' | '('));
        if starts_path && text[i..].starts_with('/') {
            for (src, dst) in mounts {
                let dst = dst.trim_end_matches('/');
                let rest = &text[i..];
                let ends = rest.get(dst.len()..).map(|r| {
                    r.is_empty()
                        || r.starts_with(|c: char| {
                            c == '/' || c.is_whitespace() || "'\";)".contains(c)
                        })
                });
                if !dst.is_empty() && rest.starts_with(dst) && ends == Some(true) {
                    out.push_str(src.trim_end_matches('/'));
                    if !rest[dst.len()..].starts_with('/') && src.trim_end_matches('/').is_empty() {
                        out.push('/');
                    }
                    i += dst.len();
                    continue 'scan;
                }
            }
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// `helm`: a release of a data store uninstalled takes the volumes its chart
/// owns with it, as does every release a listing names; one other release is
/// caution.
fn helm(ctx: &Ctx, acc: &mut Acc) {
    let sub = ctx.args.first().copied();
    if !matches!(
        sub,
        Some("uninstall" | "delete" | "del" | "un" | "rollback" | "upgrade" | "install")
    ) {
        return;
    }
    if matches!(sub, Some("uninstall" | "delete" | "del" | "un")) {
        let pos = ctx.positionals();
        let listed = pos.iter().any(|w| w.text == FANOUT)
            || ctx.eff.via_xargs
                && ctx.upstream.iter().any(|c| {
                    c.words.first().is_some_and(|w| w.text == "helm")
                        && c.words
                            .iter()
                            .any(|w| matches!(w.text.as_str(), "ls" | "list"))
                });
        if listed {
            acc.danger("helm uninstall of every listed release (their volumes and data with them)");
            return;
        }
        // Release names: the operands, not the values of `-n NS` and kin.
        let mut releases = Vec::new();
        let mut it = ctx.args.iter().skip(1);
        while let Some(a) = it.next() {
            if matches!(
                *a,
                "-n" | "--namespace"
                    | "--kube-context"
                    | "--kubeconfig"
                    | "--timeout"
                    | "--cascade"
                    | "--description"
            ) {
                it.next();
            } else if !a.starts_with('-') {
                releases.push(*a);
            }
        }
        if let Some(r) = releases.iter().find(|r| helm_store(r)) {
            acc.danger(format!(
                "helm uninstall of {r}, a data store: the volumes its chart owns are deleted with it"
            ));
            return;
        }
    }
    acc.caution("changes Helm releases");
}

// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
pub(crate) fn analyze_docker(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    let mut i = 0;
    while i < args.len() && args[i].starts_with('-') {
        if matches!(
            args[i],
            "-H" | "--host" | "--context" | "-c" | "--config" | "-l" | "--log-level"
        ) {
            i += 1;
        }
        i += 1;
    }
    let Some(sub) = args.get(i).copied() else {
        return;
    };
    let rest = &args[i + 1..];
    let rest_words = ctx.eff.args.get(i + 1..).unwrap_or(&[]);
    let name = ctx.eff.name.as_str();
    let d = Docker {
        ctx,
        name,
        rest,
        rest_words,
    };
    match sub {
        "system" => d.system(acc),
        "volume" => d.volume(acc),
        "rm" | "container"
            if sub == "rm" || rest.first().is_some_and(|s| *s == "rm" || *s == "prune") =>
        {
            d.rm_containers(acc)
        }
        "rmi" | "image"
            if sub == "rmi" || rest.first().is_some_and(|s| *s == "rm" || *s == "prune") =>
        {
            d.rm_images(sub, acc)
        }
        "kill" | "stop" | "restart" | "pause" => {
            acc.caution(format!("{name} {sub} interrupts containers"))
        }
        // Swarm: a stack's or service's removal, a node leaving the swarm.
        "stack" | "service" | "swarm" | "secret" | "config"
            if rest
                .first()
                .is_some_and(|s| matches!(*s, "rm" | "remove" | "leave" | "update" | "scale")) =>
        {
            acc.caution(format!("{name} {sub} {} changes the swarm", rest[0]))
        }
        "network" | "builder" | "buildx" => {
            if rest.iter().any(|a| matches!(*a, "rm" | "prune")) {
                acc.caution(format!("{name} {sub} removes resources"));
            }
        }
        "compose" => {
            analyze_compose(rest, acc);
            compose_inner(rest_words, ctx.depth, acc);
        }
        "exec" | "run" | "container"
            if sub != "container" || matches!(rest.first().copied(), Some("exec" | "run")) =>
        {
            d.exec_or_run(sub, acc)
        }
        _ => {}
    }
}

/// One `docker`/`podman` invocation after its global options.
struct Docker<'a> {
    ctx: &'a Ctx<'a>,
    name: &'a str,
    rest: &'a [&'a str],
    rest_words: &'a [Word],
}

impl Docker<'_> {
    /// Whether the operands are every container, image or volume a listing
    /// names (`$(docker ps -aq)`, `docker ps -q | xargs …`).
    fn all_from_ps(&self) -> bool {
        self.rest.contains(&FANOUT)
            || self.rest_words.iter().any(|w| {
                w.subs.iter().any(|s| {
                    !s.contains("dangling")
                        && (s.contains(" ps") && (s.contains("-a") || s.contains("-q"))
                            || s.contains("volume ls")
                            || s.contains("images"))
                })
            })
            || (self.ctx.eff.via_xargs
                && self.ctx.upstream.iter().any(|c| {
                    c.words.iter().any(|w| w.text == "ps" || w.text == "ls")
                        && c.words
                            .first()
                            .is_some_and(|w| matches!(w.text.as_str(), "docker" | "podman"))
                }))
    }

    /// `system prune` (`-a`, `--volumes`) and `system reset`.
    fn system(&self, acc: &mut Acc) {
        let (name, rest) = (self.name, self.rest);
        match rest.first().copied() {
            Some("prune") => {
                if rest.contains(&"--volumes") {
                    acc.danger(format!(
                        "{name} system prune --volumes deletes all unused volumes (database data)"
                    ));
                } else if has_flag(rest, 'a', &["--all"]) {
                    acc.danger(format!("{name} system prune -a deletes every image, stopped container and network not in use"));
                } else {
                    acc.caution(format!(
                        "{name} system prune deletes stopped containers and dangling images"
                    ));
                }
            }
            Some("reset") => acc.danger(format!(
                "{name} system reset deletes all containers, images and volumes"
            )),
            _ => {}
        }
    }

    /// `volume prune` and `volume rm`: a store's volume or every one.
    fn volume(&self, acc: &mut Acc) {
        let (name, rest, rest_words) = (self.name, self.rest, self.rest_words);
        match rest.first().copied() {
            Some("prune") => acc.danger(format!(
                "{name} volume prune deletes volumes not in use (their data is lost)"
            )),
            Some("rm" | "remove") => {
                let data = rest_words
                    .iter()
                    .skip(1)
                    .filter(|w| !w.text.starts_with('-'))
                    .find(|w| names_a_store(&w.text));
                if self.all_from_ps() || has_flag(rest, 'a', &["--all"]) {
                    acc.danger(format!("{name} volume rm of every volume (all data lost)"));
                } else if let Some(v) = data {
                    acc.danger(format!(
                        "{name} volume rm deletes the volume {}, a data store's files",
                        v.text
                    ));
                } else {
                    acc.caution(format!("{name} volume rm deletes a volume and its data"));
                }
            }
            _ => {}
        }
    }

    /// `rm` / `container rm|prune`: every container when forced over a listing.
    fn rm_containers(&self, acc: &mut Acc) {
        let (name, rest) = (self.name, self.rest);
        let force = has_flag(rest, 'f', &["--force"]);
        if self.all_from_ps() && force {
            acc.danger(format!(
                "{name} rm -f removes every container, running ones included"
            ));
        } else {
            acc.caution(format!("{name} removes containers"));
        }
    }

    /// `rmi` / `image rm|prune`: every image, or one.
    fn rm_images(&self, sub: &str, acc: &mut Acc) {
        let (name, rest) = (self.name, self.rest);
        if sub == "image" && rest[0] == "prune" && has_flag(&rest[1..], 'a', &["--all"]) {
            acc.danger(format!(
                "{name} image prune -a deletes every image not in use"
            ));
        } else if self.all_from_ps() {
            acc.danger(format!("{name} removes every image"));
        } else {
            acc.caution(format!("{name} removes images"))
        }
    }

    /// `exec` / `run`: what runs inside, and a privileged host-root mount.
    fn exec_or_run(&self, sub: &str, acc: &mut Acc) {
        let (ctx, rest, rest_words) = (self.ctx, self.rest, self.rest_words);
        let (run, words) = if sub == "container" {
            (rest[0] == "run", rest_words.get(1..).unwrap_or(&[]))
        } else {
            (sub == "run", rest_words)
        };
        inside_container_fed(run, words, &ctx.cmd.redirs, ctx.depth, acc);
        if rest.contains(&"--privileged")
            && rest
                .iter()
                .any(|a| a.starts_with("/:/") || a.starts_with("-v=/:"))
        {
            acc.caution("runs a privileged container with the host root mounted");
        }
    }
}

pub(crate) fn analyze_compose(args: &[&str], acc: &mut Acc) {
    let sub = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .copied()
        .unwrap_or("");
    match sub {
        "down" => {
            if args.iter().any(|a| *a == "-v" || *a == "--volumes") {
                acc.danger(
                    "compose down -v deletes every volume of the project (databases' data is lost)",
                );
            } else {
                acc.caution("compose down stops and removes the project's containers");
            }
        }
        "rm" | "kill" | "stop" | "restart" => {
            acc.caution(format!("compose {sub} interrupts containers"))
        }
        _ => {}
    }
}

/// A volume's name that says it holds a store's data (`pgdata`,
/// `app_mysql`, `redis-data`), as a path naming one does.
/// A Helm release named for a database, queue or object store. Apps that
/// merely keep some state (dashboards, metrics, forges) are left to caution:
/// their charts are reinstalled and their data is rebuilt or kept elsewhere.
fn helm_store(release: &str) -> bool {
    const APPS: &[&str] = &[
        "grafana",
        "prometheus",
        "gitea",
        "gitlab",
        "nextcloud",
        "registry",
        "vault",
    ];
    let n = release.to_ascii_lowercase();
    names_a_store(&n) && !APPS.iter().any(|a| n.contains(a))
}

pub(crate) fn names_a_store(name: &str) -> bool {
    const STORES: &[&str] = &[
        "data",
        "db",
        "sql",
        "postgres",
        "pg",
        "maria",
        "mongo",
        "redis",
        "elastic",
        "opensearch",
        "minio",
        "backup",
        "kafka",
        "etcd",
        "influx",
        "clickhouse",
        "cassandra",
        "couch",
        "neo4j",
        "grafana",
        "prometheus",
        "gitea",
        "gitlab",
        "nextcloud",
        "vault",
        "registry",
    ];
    let n = name.to_ascii_lowercase();
    n.split(|c: char| !c.is_ascii_alphanumeric()).any(|part| {
        STORES
            .iter()
            .any(|s| part == *s || part.ends_with(s) || part.starts_with(s))
    })
}

pub(crate) fn analyze_kubectl(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    // Global options before the subcommand take a value: `kubectl -n db exec …`.
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if !a.starts_with('-') {
            break;
        }
        let takes_value = !a.contains('=')
            && matches!(
                *a,
                "-n" | "--namespace"
                    | "--context"
                    | "--cluster"
                    | "--kubeconfig"
                    | "--user"
                    | "-s"
                    | "--server"
                    | "--token"
                    | "--as"
            );
        i += if takes_value { 2 } else { 1 };
    }
    let Some(&sub) = args.get(i) else {
        return;
    };
    let rest = &args[i + 1..];
    match sub {
        "delete" => {
            // A loop over `kubectl get …` (its variable stands for every name
            // listed) or `kubectl get … | xargs kubectl delete`: every resource.
            let listed = rest.contains(&FANOUT)
                || ctx.eff.via_xargs
                    && ctx.upstream.iter().any(|c| {
                        c.words.iter().any(|w| w.text == "get")
                            && c.words
                                .iter()
                                .any(|w| matches!(w.text.as_str(), "kubectl" | "oc"))
                    });
            let all = listed
                || rest
                    .iter()
                    .any(|a| *a == "--all" || *a == "-A" || *a == "--all-namespaces");
            let ns = rest.first().is_some_and(|r| {
                matches!(
                    *r,
                    "ns" | "namespace"
                        | "project"
                        | "projects"
                        | "namespaces"
                        | "pv"
                        | "pvc"
                        | "persistentvolume"
                        | "persistentvolumeclaim"
                        | "node"
                        | "nodes"
                ) || r.starts_with("namespace/")
                    || r.starts_with("ns/")
            });
            if all || ns {
                acc.danger("kubectl delete of namespaces, volumes, nodes or everything (--all)");
            } else {
                acc.caution("kubectl delete removes cluster resources");
            }
        }
        "drain" | "cordon" | "scale" | "apply" | "replace" | "patch" | "rollout" | "edit"
        | "create" | "label" | "annotate" | "taint" | "set" => {
            acc.caution(format!("kubectl {sub} changes cluster state"))
        }
        // `kubectl run NAME --image=… -- CMD…` / `kubectl debug … -- CMD…`.
        "run" | "debug" => {
            super::pod_spec::overrides(ctx, acc);
            let words = ctx.eff.args.get(i + 1..).unwrap_or(&[]);
            if let Some(p) = words.iter().position(|w| w.text == "--") {
                assess_script(&quote_words(&words[p + 1..]), ctx.depth + 1, acc);
            }
        }
        "exec" => {
            let words = ctx.eff.args.get(i + 1..).unwrap_or(&[]);
            if let Some(p) = words.iter().position(|w| w.text == "--") {
                let inner = with_fed_input(&quote_words(&words[p + 1..]), &ctx.cmd.redirs);
                assess_script(&inner, ctx.depth + 1, acc);
            } else {
                // The old form `kubectl exec POD CMD…`.
                let mut j = 0;
                while let Some(w) = words.get(j) {
                    if !w.text.starts_with('-') {
                        break;
                    }
                    if matches!(w.text.as_str(), "-n" | "-c" | "--namespace" | "--container") {
                        j += 1;
                    }
                    j += 1;
                }
                if let Some(cmd) = words.get(j + 1..).filter(|c| !c.is_empty()) {
                    assess_script(&quote_words(cmd), ctx.depth + 1, acc);
                }
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
            (
                "sudo ctr -n k8s.io images rm $(sudo ctr -n k8s.io images ls -q)",
                Danger,
            ),
            ("sudo crictl rmi --prune", Caution),
            ("sudo ctr -n k8s.io images ls", Safe),
            (
                "kubectl -n db exec postgres-0 -- bash -c 'rm -rf /var/lib/postgresql/data/*'",
                Danger,
            ),
            ("kubectl --context prod -n web get pods", Safe),
            // Helm: a store's release or every listed one, and look-alikes.
            ("helm uninstall mysql --namespace prod", Danger),
            ("helm delete -n cache redis-master", Danger),
            ("helm list -q -n dev | xargs helm uninstall -n dev", Danger),
            ("helm uninstall -n postgres api-gateway", Caution),
            ("helm uninstall frontend", Caution),
            ("helm status postgresql", Safe),
            (
                "kubectl run tmp --rm -it --image=alpine -- rm -rf /data",
                Danger,
            ),
            ("kubectl run web --image=nginx", Safe),
            (
                "docker exec -i pg psql -U postgres <<< 'DROP DATABASE app;'",
                Danger,
            ),
            (
                "kubectl exec -i db-0 -- mysql <<< 'TRUNCATE TABLE orders'",
                Danger,
            ),
            ("docker exec -i pg psql -U postgres <<< 'SELECT 1;'", Safe),
            (
                "docker run --rm --entrypoint rm -v /:/host alpine -rf /host/etc",
                Danger,
            ),
            ("docker run --rm --entrypoint=/bin/ls alpine -la /", Safe),
            // Loops over a listing touch every name it prints.
            (
                "for p in $(kubectl get pods -o name); do kubectl delete \"$p\"; done",
                Danger,
            ),
            ("kubectl get deploy -o name | xargs kubectl delete", Danger),
            (
                "for c in $(docker ps -aq); do docker rm -f \"$c\"; done",
                Danger,
            ),
            (
                "for p in $(kubectl get pods -o name); do kubectl logs \"$p\"; done",
                Safe,
            ),
            ("kubectl delete pod web-7d9f", Caution),
            // One release is scoped, as one container or pod is.
            ("helm uninstall grafana -n monitoring", Caution),
            ("helm uninstall grafana -n monitoring --dry-run", Safe),
            ("helm list -A", Safe),
            ("helm upgrade --install web ./chart", Caution),
            // A volume is a store's data directory by another name.
            ("podman volume rm app_mysql", Danger),
            ("docker volume rm -f redis-data", Danger),
            ("docker volume rm buildkit-cache", Caution),
            ("docker volume ls", Safe),
            ("podman volume rm --all", Danger),
            ("docker stack rm shop", Caution),
            ("docker swarm leave --force", Caution),
            ("docker stack ls", Safe),
            ("oc delete project staging", Danger),
            ("docker volume inspect pgdata", Safe),
            ("docker compose down --volumes", Danger),
            ("docker-compose down -v", Danger),
            ("docker compose down --remove-orphans", Caution),
            (
                "docker run -v /etc:/mnt/etc alpine sh -c 'rm -rf /mnt/etc/*'",
                Danger,
            ),
            (
                "docker run --rm -v /home:/h busybox sh -c 'cd /h && rm -rf *'",
                Danger,
            ),
            ("docker run -v /:/host alpine ls /host/etc", Safe),
            (
                "docker run -v \"$PWD\":/src alpine rm -rf /src/build",
                Caution,
            ),
            ("kubectl delete ns prod --dry-run=client", Safe),
            ("docker ps -a", Safe),
            ("docker exec web ls /var/www", Safe),
            ("kubectl exec -it web -- cat /etc/nginx/nginx.conf", Safe),
            ("docker rm web", Caution),
            ("docker exec web rm -rf /tmp/cache", Caution),
            ("kubectl delete pod web-1", Caution),
            ("docker exec web rm -rf /", Danger),
            ("docker run --rm -v /:/host alpine rm -rf /host", Danger),
            ("kubectl exec db-0 -- sh -c 'rm -rf /data'", Danger),
            ("docker system prune -a", Danger),
            ("virsh undefine vm1 --remove-all-storage", Danger),
            ("kubectl delete namespace staging", Danger),
        ]);
    }
}
