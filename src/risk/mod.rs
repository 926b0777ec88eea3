//! Risk assessment for generated shell commands.
//!
//! superhelfer never executes a command it generated; it inserts it into the
//! user's file. Before doing so it calls [`assess`] so the editor can warn about
//! commands that could destroy data, lock the user out of a remote machine or
//! run code fetched from the network.
//!
//! The pipeline: [`lexer`] and [`parser`] turn the text into words (with their
//! quoting and expansions), pipelines, lists, redirections and here-docs;
//! [`normalise`] works out what will actually run; [`script`] walks every
//! command and hands it to [`rules`], one file per command family.

mod evaluate;
mod lexer;
mod normalise;
mod parser;
mod paths;
mod rules;
mod script;
#[cfg(test)]
mod tests;

/// What every part of the analyser sees of the others.
mod prelude {
    pub(crate) use super::evaluate::*;
    pub(crate) use super::lexer::*;
    pub(crate) use super::normalise::*;
    pub(crate) use super::parser::*;
    pub(crate) use super::paths::*;
    pub(crate) use super::rules::*;
    pub(crate) use super::script::*;
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
    /// Variables assigned earlier in the text, values expanded.
    pub(crate) vars: VarMap,
    /// The directory a `cd` earlier in the text moved to, when known.
    pub(crate) cwd: Option<String>,
    /// Files written earlier in the text, by path.
    pub(crate) written: std::collections::HashMap<String, Written>,
    /// Nesting of static evaluation (`$( $( … ) )`), bounded like scripts.
    pub(crate) eval_depth: usize,
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

    pub(crate) fn finish(mut self) -> RiskReport {
        if self.git_reset_hard && self.git_clean_all {
            self.danger(
                "git reset --hard plus git clean -x: all uncommitted work and all untracked and ignored files are lost",
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
