//! First stage of the router: a cheap, explainable query analyzer.
//!
//! [`analyze`] is the entry point: it returns the tier a query should go to, the
//! token count, calibrated confidence and human-readable reasons, decided by the
//! learned classifier in [`crate::engine::first_stage`]. That classifier reads this
//! module's scans and its hand-weighted verdict ([`hand_weighted`]) as features.
//! The hand-weighted model reads a query once and is a feature model, not a keyword
//! list:
//!
//! * **Whole-word, inflection-aware lexicon** (English and German). Words are split at
//!   non-alphanumeric characters and looked up as whole words in a table that holds
//!   every inflected form (`Befehl/Befehle`, `Skript/Skripten`, `compile/compiled`,
//!   `kompilieren/kompiliert`), so "ps" never matches "psychology" and "test" never
//!   matches "latest". A few German compound heads (`…skript`, `…datei`, `…befehl`)
//!   are matched at the end of a word, because German glues them on
//!   (`Shellskript`, `Konfigurationsdatei`).
//! * **Ambiguous words are gated.** "find", "kill", "python", "shell", "terminal",
//!   "Befehl" are everyday words too; they only count when unambiguous evidence is also
//!   present, and only at half weight when several of them co-occur without it.
//! * **Syntax beyond keywords:** code fences, inline code, pipes, flags, paths, `$VAR`,
//!   identifiers (`snake_case`, `camelCase`, `foo.bar(`, `::`), operators, error codes
//!   (`E0308`, `ENOENT`, exit code 127, HTTP 502, segfault, `FooError`), stack frames
//!   and log lines (timestamps, levels).
//! * **Material, not length.** Long input only pushes towards `code` when its lines
//!   look like code or logs (`code_token_threshold`); long prose to summarise or
//!   translate stays `fast` at any length, and a prose task (summarise, translate,
//!   proofread…) over prose damps the lexicon so that an article *about* Kubernetes is
//!   not routed as code.
//! * **Heavy is conservative.** It needs a heavy-specific signal (system design with
//!   trade-offs, a proof with mathematical context, root-cause analysis over long
//!   logs, a security audit or refactoring/migration plan over large material) *and*
//!   a complexity at or above `heavy_threshold`. A false heavy loads a 70B model, so
//!   a one-line "design a logo slogan" never qualifies.
//!
//! The whole analysis is one pass over lines and one over words plus one token count;
//! it stays well below a millisecond for 2,000-token queries (see `benches/analyzer.rs`).

mod decide;
mod lexicon;
mod lines;
mod phrases;
mod senses;
mod syntax;
#[cfg(test)]
mod tests;
mod weights;
mod words;

use crate::engine::tier::Tier;
use crate::engine::tokens;
use decide::decide;
use lexicon::Cat;
use lines::{scan_lines, Lines};
use syntax::{scan_syntax, Syntax};
use words::{scan_words, Words};

/// Tunables of the first stage.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyzerSettings {
    /// Input of at least this many tokens whose lines look like code or logs is routed
    /// to `code` on that ground alone. Prose never qualifies, whatever its length.
    pub code_token_threshold: usize,
    /// Learned first stage: the calibrated probability of `heavy` at or above which
    /// `heavy` is chosen. Hand-weighted model: the complexity at or above which a
    /// query *may* go to `heavy` (it also needs a heavy-specific signal).
    pub heavy_threshold: f64,
}

impl Default for AnalyzerSettings {
    fn default() -> Self {
        Self {
            code_token_threshold: 500,
            heavy_threshold: 0.8,
        }
    }
}

/// Result of [`analyze`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct Analysis {
    /// The tier the first stage picks.
    pub tier: Tier,
    /// How demanding the request looks, in `[0, 1]`; `heavy` needs at least
    /// [`AnalyzerSettings::heavy_threshold`]. From the learned first stage: the
    /// calibrated probability of `heavy`.
    pub complexity: f64,
    /// cl100k token count of the query.
    pub tokens: usize,
    /// Human-readable grounds for the decision, most important first
    /// (e.g. `"uses shell syntax (pipe, flags)"`, `"pastes 812 tokens of logs"`).
    pub reasons: Vec<String>,
    /// How sure the first stage is, in `[0, 1]`: near 0.5 at a decision boundary,
    /// near 1 when the evidence is clear. A later stage may re-check low values.
    /// From the learned first stage: the calibrated probability of `tier`.
    pub confidence: f64,
    /// Calibrated probability of each tier (learned first stage only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probabilities: Option<crate::engine::first_stage::TierProbabilities>,
}

/// Analyses `query` and picks a tier with the learned first stage
/// ([`crate::engine::first_stage`]), which reads the hand-weighted model's verdict and
/// the syntax signals below as features. Never panics; empty input is `fast`.
pub fn analyze(query: &str, settings: &AnalyzerSettings) -> Analysis {
    crate::engine::first_stage::classify(query, settings)
}

/// The hand-weighted model alone (the first stage before it was learned): kept as a
/// feature of the learned one and as a baseline in the evaluation.
pub fn hand_weighted(query: &str, settings: &AnalyzerSettings) -> Analysis {
    hand_weighted_with_signals(query, settings).0
}

/// Counts the scans found, for the learned first stage's dense features and reasons.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Signals {
    pub fences: usize,
    pub inline_code: usize,
    pub pipes: usize,
    pub flags: usize,
    pub paths: usize,
    pub vars: usize,
    pub calls: usize,
    pub scope: usize,
    pub operators: usize,
    pub redirects: usize,
    pub file_names: usize,
    pub math: usize,
    pub code_lines: usize,
    pub log_lines: usize,
    pub trace_lines: usize,
    pub prose_lines: usize,
    pub services: usize,
    pub list_items: usize,
    pub error_codes: usize,
    pub snake: usize,
    pub camel: usize,
    pub sql_upper: usize,
    pub n_words: usize,
    pub command_request: bool,
    pub shell_task: bool,
    pub howto: bool,
    pub show_that: bool,
    pub proof_imperative: bool,
    pub everyday_sense: bool,
    pub scale: bool,
    /// Tokens of code, log and trace lines (share of bytes times the token count).
    pub material_tokens: usize,
}

pub(crate) fn hand_weighted_with_signals(
    query: &str,
    settings: &AnalyzerSettings,
) -> (Analysis, Signals) {
    let tokens = tokens::count(query);
    let lines = scan_lines(query);
    let words = scan_words(query);
    let syn = scan_syntax(query);
    let analysis = decide(tokens, &lines, &words, &syn, settings);
    let share = if lines.total_bytes > 0 {
        lines.material_bytes as f64 / lines.total_bytes as f64
    } else {
        0.0
    };
    let signals = Signals {
        fences: syn.fences,
        inline_code: syn.inline_code,
        pipes: syn.pipes,
        flags: syn.flags,
        paths: syn.paths,
        vars: syn.vars,
        calls: syn.calls,
        scope: syn.scope,
        operators: syn.operators,
        redirects: syn.redirects,
        file_names: syn.file_names,
        math: syn.math,
        code_lines: lines.code,
        log_lines: lines.log,
        trace_lines: lines.trace,
        prose_lines: lines.prose,
        services: lines.services,
        list_items: lines.list_items,
        error_codes: words.error_codes.len(),
        snake: words.snake,
        camel: words.camel,
        sql_upper: words.sql_upper,
        n_words: words.n_words,
        command_request: words.command_request,
        shell_task: words.shell_task,
        howto: words.howto,
        show_that: words.show_that,
        proof_imperative: words.proof_imperative,
        everyday_sense: words.everyday_sense,
        scale: words.scale,
        material_tokens: (tokens as f64 * share).round() as usize,
    };
    (analysis, signals)
}
