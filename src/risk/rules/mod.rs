//! The registry of rules, one file per command family. Each family's
//! `check` knows its command names and returns `false` for any other; each
//! file keeps its table of examples beside the rules (`EXAMPLES`), run by the
//! test at the bottom of this file.

use crate::risk::prelude::*;

mod backups;
mod build;
mod cloud;
mod code;
mod containers;
mod databases;
mod disks;
mod files;
mod find;
mod interpreters;
mod lang;
mod network;
mod overwrite;
mod packages;
mod perms;
mod pod_spec;
mod powershell;
mod process;
mod remote;
mod runners;
mod services;
mod system;
mod tcl;
mod vcs;
mod walks;
mod writers;

pub(crate) use build::make_recipes;
pub(crate) use cloud::aws_command;
pub(crate) use code::{calls, concat_literals, fed_text, string_lists, string_literals, Call};
pub(crate) use files::{
    access_loss, analyze_generic_args, analyze_redirect, data_file_glob, empties_system_files,
    glob_delete_danger, replaces_authorized_keys,
};
pub(crate) use find::*;
pub(crate) use interpreters::analyze_interpreter;
pub(crate) use lang::{
    chain_start, code_effects, env_lookups_as_shell, judge_tree_delete, outside_literals,
};
pub(crate) use process::{
    evaluated_code, interpreter_shell_strings, resolve_identifier, shell_calls, shell_strings_run,
};
pub(crate) use remote::{reads_script, remote_shell_stdin};
pub(crate) use runners::debugger_commands;
pub(crate) use services::{lists_ssh_server, SSHD_PIDS};
pub(crate) use writers::{sed_deletes_every_line, OVER_ROOT};

type Check = fn(&str, &Ctx, &mut Acc) -> bool;

/// Every family, in the order they are asked.
const FAMILIES: &[Check] = &[
    overwrite::check,
    files::check,
    perms::check,
    remote::check,
    disks::check,
    vcs::check,
    containers::check,
    databases::check,
    backups::check,
    cloud::check,
    services::check,
    system::check,
    network::check,
    interpreters::check,
    runners::check,
    powershell::check,
    code::check,
    build::check,
    packages::check,
];

/// Applies the rule for the effective command's name.
pub(crate) fn analyze_effective(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    let lname = name.to_ascii_lowercase();
    // Shells and interpreters: what they are fed (downloads, -c code).
    // `bash -n script`, `sh -n <<< '…'`: noexec, the shell only parses.
    if is_shell(name) && shell_noexec(ctx.args) {
        return;
    }
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
        "ssh",
        "docker",
        "podman",
        "nerdctl",
        "find",
        "xargs",
        "parallel",
        "watch",
        "su",
        "chroot",
        "eval",
        "env",
        "git",
        "awk",
        "gawk",
        "vim",
        "vi",
        "nvim",
        "make",
        "npm",
        "npx",
        "yarn",
        "pnpm",
        "cargo",
        "just",
        "exec",
        "command",
        "builtin",
        "pdsh",
        "clush",
        "pssh",
        "parallel-ssh",
        "dsh",
        "salt",
        "salt-call",
        "salt-ssh",
        "mosh",
        "tsh",
        "nomad",
        "mussh",
        "knife",
        "multipass",
        "pct",
        "machinectl",
    ];
    let kube_runs = matches!(ctx.eff.name.as_str(), "kubectl" | "oc")
        && ctx
            .args
            .iter()
            .any(|a| matches!(*a, "exec" | "run" | "debug" | "attach"));
    // docker/podman print help for their own subcommands until one that
    // runs a command inside (`docker exec c rm --help` runs rm).
    let container_cli = matches!(ctx.eff.name.as_str(), "docker" | "podman" | "nerdctl");
    if RUNNERS.contains(&ctx.eff.name.as_str()) && !container_cli || kube_runs {
        return false;
    }
    // `mkfs.ext4 -V`, `wipefs -V`: a version alone; nothing is named to act on.
    if ctx.args == ["-V"] {
        return true;
    }
    if dry_run_flag(&ctx.eff.name, ctx.args) {
        return true;
    }
    let inner = |a: &&&str| {
        **a != "--" && !(container_cli && matches!(**a, "exec" | "run" | "-c" | "sh" | "bash"))
    };
    ctx.args.iter().take_while(inner).any(|a| {
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

/// A shell's own `-n` (or `-o noexec`) before its script: read, not run.
fn shell_noexec(args: &[&str]) -> bool {
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if *a == "-o" && args.get(i + 1) == Some(&"noexec") {
            return true;
        }
        if !a.starts_with('-') || *a == "--" || a.starts_with("--") {
            return false;
        }
        if a[1..].contains('n') {
            return true;
        }
        // `-c SCRIPT`: what follows is the script, not options.
        if a[1..].contains('c') {
            return false;
        }
        i += 1;
    }
    false
}

/// Each tool's own flag for "show what would be done": the command changes
/// nothing with it (`wipefs -n`, `rsync -n`, `apt-get -s`, `lvremove -t`).
fn dry_run_flag(name: &str, args: &[&str]) -> bool {
    let (short, long): (Option<char>, &[&str]) = match name {
        "wipefs" | "sfdisk" => (Some('n'), &["--no-act"]),
        "rsync" | "rclone" => (Some('n'), &["--dry-run"]),
        "make" | "gmake" => (Some('n'), &["--just-print", "--dry-run", "--recon"]),
        "apt-get" | "apt" => (Some('s'), &["--simulate", "--just-print", "--no-act"]),
        "dnf" | "yum" => (None, &["--assumeno"]),
        "zfs" | "zpool" => (Some('n'), &[]),
        "lvremove" | "vgremove" | "pvremove" | "lvreduce" | "lvresize" => (Some('t'), &["--test"]),
        "sgdisk" => (Some('P'), &["--pretend"]),
        "xfs_repair" | "e2fsck" | "fsck.ext4" => (Some('n'), &[]),
        "fsck" => (Some('N'), &[]),
        "ansible" | "ansible-playbook" => (Some('C'), &["--check"]),
        "pacman" => (Some('p'), &["--print"]),
        "zypper" => (None, &["--dry-run"]),
        "nft" => (Some('c'), &["--check"]),
        _ => return false,
    };
    let short_hit = short.is_some_and(|c| {
        args.iter()
            .take_while(|a| **a != "--")
            .any(|a| a.starts_with('-') && !a.starts_with("--") && a[1..].contains(c))
    });
    short_hit || long.iter().any(|l| args.contains(l))
}
