//! Risk assessment for generated shell commands.
//!
//! superhelfer never executes a command it generated; it inserts it into the
//! user's file. Before doing so it calls [`assess`], the last line of defence
//! between a model's answer and the user's data.
//!
//! # Policy
//!
//! **Danger** is what can destroy data, a system or access beyond easy
//! recovery: recursive deletes outside the working tree (`/`, system trees, a
//! home directory or any directory of the user's in it that is not a cache, a
//! build output or a temporary one, everything in or above the working
//! directory) or of data directories (`/var/lib/mysql`, `/srv/…`, queued work in `/var/spool/…`,
//! paths naming a database or a store); an application's whole tree directly
//! under `/opt` (`rm -rf /opt/myapp`: its configuration, uploads and data
//! live there; a cache or release below it is caution); discarding
//! uncommitted or ignored work or history (`git reset --hard`, `git clean
//! -x`, `git checkout -- .`, `git checkout -f BRANCH`, `git stash clear`,
//! force pushes, `git reflog expire --expire=now`, `update-ref -d`, `svn
//! revert -R`, `rm -rf .git`); history rewritten without a backup (`git
//! filter-branch --force`, `git filter-repo --force`, `bfg --delete-files`);
//! every remote ref the local repository lacks deleted (`git push --mirror`,
//! `git push --prune`), remote branches deleted from a listing, a branch
//! force-deleted after `git checkout --orphan` (its history is left
//! unreachable); wiping images and volumes (`docker system prune -a`, `volume
//! prune`, `compose down -v`, a volume named for a store such as `pgdata`, a
//! Helm release of a store such as `helm uninstall postgresql`); deleting
//! cloud resources without being asked (`aws … delete-*`, `--quiet`/`--yes`,
//! `terraform destroy -auto-approve`, `yes |` piped in, CLIs that never ask
//! such as `eksctl`), syncs and mirrors among them that delete every object
//! the source lacks (`aws s3 sync --delete`, `gsutil rsync -d`, `gcloud
//! storage rsync --delete-unmatched-destination-objects`, `rclone sync`,
//! `azcopy sync --delete-destination=true`, `mc mirror --remove`, `s3cmd sync
//! --delete-removed`) and deployments that delete what the template does not
//! name (`az deployment group create --mode Complete`); disks (partition
//! tables, filesystems, raw writes, subvolumes); permissions on system trees,
//! on SSH keys, on setuid programs (`chmod u-s /usr/bin/sudo`) or on files
//! all must read (`chmod 600 /etc/passwd`); stopping remote access (sshd
//! stopped, masked or killed by any route: `pkill sshd`, `kill $(pidof
//! sshd)`, a loop over `$(pgrep sshd)`; a network interface taken down, the
//! loopback too, by `ip link`, `ifconfig`, `ifdown`, `nmcli`, `networkctl`;
//! the default route deleted, routes or addresses flushed, every packet
//! dropped by `tc`; firewalls that cut SSH off or drop all input, ufw denying
//! incoming by default enabled without an SSH allow, power-off, deleting,
//! emptying, moving away or replacing SSH private keys or `authorized_keys`,
//! locking root, one's own or a shared
//! administration or deployment account, crashing PID 1); emptying system files (`sed -i
//! '1,$d'`, `perl -i -ne 'print if 0'`), the system's logs or a store's data
//! files; killing every process or all of root's (`for p in $(pgrep -u root);
//! do kill $p; done`); every file of a system or data directory by glob,
//! listing or loop (`for f in $(ls /etc)`, `find DIR | while read f`, `*.ibd`
//! in `/var/lib/mysql`), whose variable stands for the listed glob; every
//! resource a listing names (`for p in $(kubectl get pods -o name)`, `… |
//! xargs git branch -D`); another user's home (`~alice`, a service account's
//! `~postgres/…` is its data); removing essential packages, by name or by a
//! glob that matches one (`'python3*'`: Debian's, Ubuntu's and Fedora's own
//! tools run on it; `'openssh*'`, `'libc6*'`), with
//! `--allow-remove-essential`, `--nodeps` or `--force-depends`, or every
//! installed package from a listing; and running code that cannot be seen:
//! text downloaded or decoded and piped into a shell or interpreter
//! (PowerShell's `iex (iwr …)` included; its `Remove-Item -Recurse` of
//! `C:\Windows` or a home is a recursive delete like any other). What runs on
//! other machines (ssh, pdsh, salt, ansible, containers) is judged as if it
//! ran here, and so is what a remote shell reads on stdin (`printf '…' | ssh
//! host`, `ssh host < x.sh`, `ssh host bash -s <<EOF`) or a cloud sends to
//! run (`aws ssm send-command`, `az vm run-command`, `gcloud compute ssh
//! --command`, `nomad alloc exec`, `kubectl debug`). Code given to another program is judged by
//! what it does, in any language: a string handed to a "run a shell
//! command" API is a shell script, an argument list handed to a process
//! API (`system "rm", "-rf", P`, `spawnSync('rm', ['-rf', P])`) is a
//! command line, a recursive-delete API applied to a path is `rm -rf PATH`,
//! and a delete applied to every entry a listing yields (`[rmtree(p) for p
//! in Path('/home').iterdir()]`) deletes the listed directory.
//!
//! **Caution** is what is scoped, reversible or asked about first: deleting
//! named files or a build directory, a soft reset, one container, pod or Helm
//! release, installing packages, restarting a service, editing in place, a
//! destroy that waits for "yes" (`terraform destroy`, `gcloud … delete`
//! without `--quiet`), one named branch deleted (`git branch -D topic`, `git
//! push origin --delete topic`: its reflog and others' clones keep it), `git
//! push --force-with-lease` (refused if the remote moved since the last
//! fetch), a copy or sync that deletes nothing at the destination, a
//! container's or VM's virtual link taken down (`docker0`, `veth…`), sshd
//! reloaded (`pkill -HUP sshd`), non-essential packages removed by glob
//! (`'nvidia*'`), `pip uninstall pip`, one person's account locked
//! (`usermod -L bob`), a playbook or states applied
//! (`ansible-playbook`, `salt '*' state.apply`). **Unknown is not safe**: a
//! command name computed at run time or a pattern the shell expands
//! (`/bin/r?`, judged as each destructive program it can match), `eval` of
//! computed text, text generated
//! by a pipeline and fed to a shell, or input that does not parse is at least
//! caution, with a reason. A quote left open is the exception that proves it:
//! the shell refuses that line and what follows, so what it would do is
//! reported as caution with its reasons. **Safe** reads or creates things;
//! dry runs (`--dry-run`, `wipefs -n`, `rsync -n`, `sh -n`, `git push -n`,
//! `aws s3 sync --dryrun`, `gsutil rsync -n`, `ansible --check`, `rpm -e
//! --test`, `apt-get -s`) and help and version pages only print, wherever
//! they run (`ssh host 'git push --dry-run --force'`).
//!
//! # How
//!
//! [`lexer`] and [`parser`] turn the text into words (with their quoting and
//! expansions), pipelines, lists, redirections, here-docs, loops and groups;
//! [`normalise`] and [`evaluate`] work out what will actually run (brace
//! expansion, variables assigned earlier, `${VAR%/*}` and `dirname`, the
//! inside of `$( … )`, `echo … | base64 -d`, wrappers such as
//! `sudo`/`env`/`timeout`/`xargs`/`strace`, `cd`, symlinks made earlier,
//! files written and then run); [`functions`] walks a function's body when
//! it is called or a trap fires, with the variables of that moment;
//! [`script`] walks every command, nested scripts included (`sh -c`, `eval`,
//! `ssh`, `ansible`, `docker exec/run`, `kubectl exec`, here-docs fed to
//! shells, process substitutions run as scripts, makefiles fed to make), and
//! hands each to [`rules`], one file per command family, each with its table
//! of examples. Interpreter code is read by text, not parsed per language:
//! process calls and their argument lists, delete calls and the listings
//! they walk, tcl/expect commands (`exec`, `spawn`/`send`), awk pipes,
//! sed's `e`, gdb's `-ex shell`; versioned names (`python3.11`, `lua5.4`)
//! are the interpreter they name.
//!
//! The parser is hand-written rather than a crate (tree-sitter-bash needs a
//! C build; brush-parser and conch-parser reject the broken, partial text a
//! model produces, which must still be assessed): it never fails, and what
//! does not parse is reported as a caution.

mod aliases;
mod evaluate;
mod functions;
mod glob_name;
mod lexer;
mod listing;
mod normalise;
mod params;
mod parser;
mod paths;
mod rules;
mod script;
#[cfg(test)]
mod tests;
mod written;

/// What every part of the analyser sees of the others.
mod prelude {
    pub(crate) use super::aliases::*;
    pub(crate) use super::evaluate::*;
    pub(crate) use super::functions::*;
    pub(crate) use super::glob_name::*;
    pub(crate) use super::lexer::*;
    pub(crate) use super::listing::*;
    pub(crate) use super::normalise::*;
    pub(crate) use super::params::*;
    pub(crate) use super::parser::*;
    pub(crate) use super::paths::*;
    pub(crate) use super::rules::*;
    pub(crate) use super::script::*;
    pub(crate) use super::written::*;
    pub(crate) use super::{Acc, RiskLevel, VarMap, Written, MAX_DEPTH};
}

use prelude::*;

use serde::Serialize;

/// How much damage a command could do; ordered so that `max` picks the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskLevel {
    /// Reads or creates things; nothing existing is lost.
    Safe,
    /// Changes state in an ordinary, usually intended way (deletes named files,
    /// installs packages, kills a process). Worth a second look.
    Caution,
    /// Can destroy data or a system wholesale, lock the user out, or run code
    /// downloaded from the network.
    Danger,
}

/// The verdict on one command: its level and short human-readable reasons
/// (empty for a plain `Safe`).
#[derive(Debug, Clone, Serialize)]
pub struct RiskReport {
    /// The worst level found anywhere in the command.
    pub level: RiskLevel,
    /// Why; one entry per distinct finding, worst first.
    pub reasons: Vec<String>,
}

/// Assesses what `command` (one or more lines of POSIX-ish shell) could destroy.
///
/// Never panics and never executes anything; runs in microseconds for
/// ordinary commands.
pub fn assess(command: &str) -> RiskReport {
    let mut acc = Acc::default();
    assess_script(command, 0, &mut acc);
    run_deferred(&mut acc);
    acc.finish()
}

// ---------------------------------------------------------------------------
// Accumulator
// ---------------------------------------------------------------------------

#[derive(Default)]
pub(crate) struct Acc {
    findings: Vec<(RiskLevel, String)>,
    pub(crate) git_reset_hard: bool,
    pub(crate) git_clean_all: bool,
    /// `git checkout --orphan` earlier in the text: a branch force-deleted
    /// after it leaves the old history unreachable.
    pub(crate) git_orphan: bool,
    /// `coproc sh` earlier in the text: what is written to the coprocess runs.
    pub(crate) coproc_shell: bool,
    /// Variables assigned earlier in the text, values expanded.
    pub(crate) vars: VarMap,
    /// The directory a `cd` earlier in the text moved to, when known.
    pub(crate) cwd: Option<String>,
    /// Files written earlier in the text, by path.
    pub(crate) written: std::collections::HashMap<String, Written>,
    /// What the text does to ufw: a deny-incoming default enabled without
    /// allowing SSH cuts remote access off.
    pub(crate) ufw: UfwState,
    /// Aliases defined earlier in the text, name to replacement text.
    pub(crate) aliases: std::collections::HashMap<String, String>,
    /// What a listing fed to the script by `done < <(find …)` stands for.
    pub(crate) fed_listing: Option<String>,
    /// Nesting of static evaluation (`$( $( … ) )`), bounded like scripts.
    pub(crate) eval_depth: usize,
    /// This text follows an unclosed quote: the shell will not run it.
    pub(crate) unclosed_tail: bool,
    /// Functions defined in the text, walked when called.
    pub(crate) functions: std::collections::HashMap<String, Function>,
    /// Actions of `trap`, run when the text ends.
    pub(crate) traps: Vec<String>,
    /// Symbolic links made earlier in the text (`ln -s /  x`): link to target.
    pub(crate) links: std::collections::HashMap<String, String>,
}

/// ufw changes seen in the text, judged together when it ends.
#[derive(Default)]
pub(crate) struct UfwState {
    pub(crate) default_deny: bool,
    pub(crate) ssh_allowed: bool,
    pub(crate) enabled: bool,
}

/// Variable name to value.
pub(crate) type VarMap = std::collections::HashMap<String, String>;

/// What a file written earlier in the same text contains.
#[derive(Debug, Clone)]
pub(crate) enum Written {
    /// Text known statically (`echo '…' > f`, `cat > f <<EOF`).
    Text(String),
    /// Downloaded (`curl -o f`, `wget -O f`).
    Downloaded,
    /// Output of a program.
    Unknown,
}

impl Acc {
    pub(crate) fn add(&mut self, level: RiskLevel, reason: impl Into<String>) {
        let reason = reason.into();
        if !self
            .findings
            .iter()
            .any(|(l, r)| *l == level && *r == reason)
        {
            self.findings.push((level, reason));
        }
    }
    pub(crate) fn danger(&mut self, reason: impl Into<String>) {
        self.add(RiskLevel::Danger, reason);
    }
    pub(crate) fn caution(&mut self, reason: impl Into<String>) {
        self.add(RiskLevel::Caution, reason);
    }

    /// Findings of text the shell refuses as written (an unclosed quote):
    /// danger becomes caution, saying what it would do once the quote is
    /// closed.
    pub(crate) fn absorb_unclosed(&mut self, tail: Acc) {
        self.absorb_refused(tail, "a quote is not closed");
    }

    /// As [`Acc::absorb_unclosed`], for any text the shell refuses (`why`).
    pub(crate) fn absorb_refused(&mut self, tail: Acc, why: &str) {
        for (level, reason) in tail.findings {
            if level == RiskLevel::Danger {
                self.caution(format!(
                    "as written the shell refuses it ({why}); once closed: {reason}"
                ));
            } else {
                self.add(level, reason);
            }
        }
    }

    pub(crate) fn finish(mut self) -> RiskReport {
        if self.git_reset_hard && self.git_clean_all {
            self.danger(
                "git reset --hard plus git clean -x: all uncommitted work and all untracked and ignored files are lost",
            );
        }
        if self.ufw.default_deny && self.ufw.enabled && !self.ufw.ssh_allowed {
            self.danger(
                "ufw denies incoming connections by default and is enabled without allowing SSH: remote access is cut off",
            );
        }
        let level = self
            .findings
            .iter()
            .map(|(l, _)| *l)
            .max()
            .unwrap_or(RiskLevel::Safe);
        // Worst first, stable otherwise; Safe notes are dropped.
        self.findings.sort_by_key(|f| std::cmp::Reverse(f.0));
        let reasons = self
            .findings
            .into_iter()
            .filter(|(l, _)| *l > RiskLevel::Safe)
            .map(|(_, r)| r)
            .collect();
        RiskReport { level, reasons }
    }
}

/// Nested scripts deeper than this are not looked into; guards the stack
/// against hostile input such as thousands of nested `$(`.
pub(crate) const MAX_DEPTH: usize = 8;
