//! A diagnostic as plain data: where, how serious, which tool, what it said. The editor's
//! and superhelfer's own checks (shellcheck) produce it; the context and the fix prompt
//! read it. No LSP types: `lsp/` converts.

/// How serious a diagnostic is; the same four levels as LSP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Broken code.
    Error,
    /// Likely a bug.
    Warning,
    /// Worth knowing.
    Information,
    /// Style or a suggestion.
    Hint,
}

impl Severity {
    /// Lower-case name, as rendered in prompts.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "info",
            Severity::Hint => "hint",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One diagnostic, from the editor or from superhelfer's own checks (e.g. shellcheck).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// First line, 0-based.
    pub line: usize,
    /// Last line, 0-based, inclusive.
    pub end_line: usize,
    /// Start column on `line` (chars, 0-based).
    pub start_col: usize,
    /// End column on `end_line` (chars, 0-based, exclusive; may equal `start_col` for a
    /// zero-width mark).
    pub end_col: usize,
    /// How serious it is.
    pub severity: Severity,
    /// The tool's code, e.g. `SC2086` or `E0425`.
    pub code: Option<String>,
    /// The tool, e.g. `shellcheck` or `rustc`.
    pub source: Option<String>,
    /// The message as the tool wrote it.
    pub message: String,
}
