//! Containers and virtual machines: docker/podman, compose, kubectl, helm, vagrant.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
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
        "docker-compose" | "podman-compose" => analyze_compose(ctx.args, acc),
        "kubectl" | "oc" => analyze_kubectl(ctx, acc),
        "helm" => {
            if matches!(
                ctx.args.first().copied(),
                Some("uninstall" | "delete" | "rollback" | "upgrade" | "install")
            ) {
                acc.caution("changes Helm releases");
            }
        }
        _ => return false,
    }
    true
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
    let all_from_ps = || {
        rest_words.iter().any(|w| {
            w.subs.iter().any(|s| {
                s.contains(" ps") && (s.contains("-a") || s.contains("-q"))
                    || s.contains("volume ls")
                    || s.contains("images")
            })
        }) || (ctx.eff.via_xargs
            && ctx.upstream.iter().any(|c| {
                c.words.iter().any(|w| w.text == "ps" || w.text == "ls")
                    && c.words
                        .first()
                        .is_some_and(|w| matches!(w.text.as_str(), "docker" | "podman"))
            }))
    };
    match sub {
        "system" => {
            match rest.first().copied() {
                Some("prune") => {
                    if rest.contains(&"--volumes") {
                        acc.danger(format!("{name} system prune --volumes deletes all unused volumes (database data)"));
                    } else if has_flag(rest, 'a', &["--all"]) {
                        acc.caution(format!("{name} system prune -a deletes all unused images, containers and networks"));
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
        "volume" => match rest.first().copied() {
            Some("prune") => acc.danger(format!(
                "{name} volume prune deletes volumes not in use (their data is lost)"
            )),
            Some("rm" | "remove") => {
                if all_from_ps() {
                    acc.danger(format!("{name} volume rm of every volume (all data lost)"));
                } else {
                    acc.caution(format!("{name} volume rm deletes a volume and its data"));
                }
            }
            _ => {}
        },
        "rm" | "container"
            if sub == "rm" || rest.first().is_some_and(|s| *s == "rm" || *s == "prune") =>
        {
            let force = has_flag(rest, 'f', &["--force"]);
            if all_from_ps() && force {
                acc.danger(format!(
                    "{name} rm -f removes every container, running ones included"
                ));
            } else {
                acc.caution(format!("{name} removes containers"));
            }
        }
        "rmi" | "image"
            if sub == "rmi" || rest.first().is_some_and(|s| *s == "rm" || *s == "prune") =>
        {
            acc.caution(format!("{name} removes images"))
        }
        "kill" | "stop" | "restart" | "pause" => {
            acc.caution(format!("{name} {sub} interrupts containers"))
        }
        "network" | "builder" | "buildx" => {
            if rest.iter().any(|a| matches!(*a, "rm" | "prune")) {
                acc.caution(format!("{name} {sub} removes resources"));
            }
        }
        "compose" => analyze_compose(rest, acc),
        "exec" | "run" => {
            // docker exec CTR sh -c '…'
            if let Some(pos) = rest
                .iter()
                .position(|a| matches!(*a, "sh" | "bash" | "/bin/sh" | "/bin/bash"))
            {
                if rest
                    .get(pos + 1)
                    .is_some_and(|a| a.starts_with('-') && a.contains('c'))
                {
                    if let Some(script) = rest.get(pos + 2) {
                        assess_script(script, ctx.depth + 1, acc);
                    }
                }
            }
            if rest.contains(&"--privileged")
                && rest
                    .iter()
                    .any(|a| a.starts_with("/:/") || a.starts_with("-v=/:"))
            {
                acc.caution("runs a privileged container with the host root mounted");
            }
        }
        _ => {}
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
                acc.caution("compose down -v deletes the project's volumes (their data is lost)");
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

pub(crate) fn analyze_kubectl(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    let Some(i) = args.iter().position(|a| !a.starts_with('-')) else {
        return;
    };
    let sub = args[i];
    let rest = &args[i + 1..];
    match sub {
        "delete" => {
            let all = rest
                .iter()
                .any(|a| *a == "--all" || *a == "-A" || *a == "--all-namespaces");
            let ns = rest.first().is_some_and(|r| {
                matches!(
                    *r,
                    "ns" | "namespace"
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
        "exec" => {
            if let Some(p) = rest.iter().position(|a| *a == "--") {
                let cmd: Vec<&str> = rest[p + 1..].to_vec();
                assess_script(&cmd.join(" "), ctx.depth + 1, acc);
            }
        }
        _ => {}
    }
}
