//! The registry of rules, one file per command family. Each family's
//! `check` knows its command names and returns `false` for any other; each
//! file keeps its table of examples beside the rules (`EXAMPLES`), run by the
//! test at the bottom of this file.

use crate::risk::prelude::*;

mod cloud;
mod code;
mod containers;
mod databases;
mod disks;
mod files;
mod find;
mod interpreters;
mod network;
mod packages;
mod perms;
mod services;
mod vcs;

pub(crate) use code::{code_effects, fed_text, make_recipes};
pub(crate) use files::{access_loss, analyze_generic_args, analyze_redirect, data_file_glob};
pub(crate) use find::*;

type Check = fn(&str, &Ctx, &mut Acc) -> bool;

/// Every family, in the order they are asked.
const FAMILIES: &[Check] = &[
    files::check,
    perms::check,
    disks::check,
    vcs::check,
    containers::check,
    databases::check,
    cloud::check,
    services::check,
    network::check,
    interpreters::check,
    code::check,
    packages::check,
];

/// Applies the rule for the effective command's name.
pub(crate) fn analyze_effective(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    let lname = name.to_ascii_lowercase();
    // Shells and interpreters: what they are fed (downloads, -c code).
    if is_shell(name) || INTERPRETERS.contains(&lname.as_str()) {
        interpreters::analyze_interpreter(ctx, acc);
        if is_shell(name) {
            return;
        }
    }
    if only_prints(ctx) {
        return;
    }
    for check in FAMILIES {
        if check(name, ctx, acc) {
            return;
        }
    }
}

/// `terraform destroy --help`, `rm --version`, `kubectl delete … --dry-run=client`:
/// the command prints or simulates and changes nothing. Not for commands that
/// hand words to another program (`ssh host cmd --help` runs `cmd`).
fn only_prints(ctx: &Ctx) -> bool {
    const RUNNERS: &[&str] = &[
        "ssh", "docker", "podman", "nerdctl", "find", "xargs", "parallel", "watch", "su", "chroot",
        "eval", "env", "git", "awk", "gawk", "vim", "vi", "nvim", "make", "npm", "npx", "yarn",
        "pnpm", "cargo", "just", "exec", "command", "builtin",
    ];
    let kube_runs = matches!(ctx.eff.name.as_str(), "kubectl" | "oc")
        && ctx
            .args
            .iter()
            .any(|a| matches!(*a, "exec" | "run" | "debug" | "attach"));
    if RUNNERS.contains(&ctx.eff.name.as_str()) || kube_runs {
        return false;
    }
    ctx.args.iter().take_while(|a| **a != "--").any(|a| {
        matches!(
            *a,
            "--help"
                | "-help"
                | "--version"
                | "--dry-run"
                | "--dry-run=client"
                | "--dry-run=server"
                | "--dryrun"
        )
    })
}
