//! Between LSP's shapes and the features' and engine's: diagnostics both ways (positions in
//! the negotiated encoding), a document as a feature sees it, a selection as lines.

use std::sync::Arc;

use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticSeverity, NumberOrString, Position, Range, Uri,
};
use tracing::warn;

use crate::engine::context;
use crate::features;

use super::documents::{Document, PositionEncoding, RangeProblem};

/// The document as a feature sees it: path, language and (lazily) its text.
pub fn document(doc: &Document, uri: &Uri) -> features::Document {
    let path = uri
        .to_file_path()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| uri.as_str().to_string());
    let copy = doc.clone();
    features::Document {
        path,
        label: uri.as_str().to_string(),
        language_id: doc.language_id.clone(),
        text: Arc::new(move || copy.text()),
    }
}

/// The lines a range covers, first to last. A line selection (Helix `x`, Vim `V` in some
/// clients) ends at column 0 of the next line: that line is not part of it.
pub fn selected_lines(doc: &Document, range: Range, enc: PositionEncoding) -> (usize, usize) {
    let a = doc.char_index(range.start, enc);
    let b = doc.char_index(range.end, enc);
    let (first, last) = (a.min(b), a.max(b));
    let rope = doc.rope();
    let mut last_line = rope.char_to_line(last);
    if last > first && last_line > rope.char_to_line(first) && rope.line_to_char(last_line) == last
    {
        last_line -= 1;
    }
    (rope.char_to_line(first), last_line)
}

/// LSP diagnostics (in the negotiated encoding) as the engine's.
pub fn engine_diagnostics(
    doc: &Document,
    diags: &[Diagnostic],
    enc: PositionEncoding,
) -> Vec<context::Diagnostic> {
    diags
        .iter()
        .map(|d| {
            let col = |p: Position| {
                let idx = doc.char_index(p, enc);
                let line_start = doc.rope().line_to_char(doc.rope().char_to_line(idx));
                idx - line_start
            };
            context::Diagnostic {
                line: d.range.start.line as usize,
                end_line: d.range.end.line as usize,
                start_col: col(d.range.start),
                end_col: col(d.range.end),
                severity: match d.severity {
                    Some(DiagnosticSeverity::WARNING) => context::Severity::Warning,
                    Some(DiagnosticSeverity::INFORMATION) => context::Severity::Information,
                    Some(DiagnosticSeverity::HINT) => context::Severity::Hint,
                    _ => context::Severity::Error,
                },
                code: d.code.as_ref().map(|c| match c {
                    NumberOrString::Number(n) => n.to_string(),
                    NumberOrString::String(s) => s.clone(),
                }),
                source: d.source.clone(),
                message: d.message.clone(),
            }
        })
        .collect()
}

/// An engine diagnostic (shellcheck's) as LSP's, its positions clamped to the document.
pub fn lsp_diagnostic(
    doc: &Document,
    d: &context::Diagnostic,
    enc: PositionEncoding,
) -> Diagnostic {
    let pos = |line: usize, col: usize| {
        if line >= doc.line_count() {
            return doc.position(doc.rope().len_chars(), enc);
        }
        let len = doc.line(line).map(|l| l.chars().count()).unwrap_or(0);
        doc.position(doc.rope().line_to_char(line) + col.min(len), enc)
    };
    Diagnostic {
        range: Range::new(pos(d.line, d.start_col), pos(d.end_line, d.end_col)),
        severity: Some(match d.severity {
            context::Severity::Error => DiagnosticSeverity::ERROR,
            context::Severity::Warning => DiagnosticSeverity::WARNING,
            context::Severity::Information => DiagnosticSeverity::INFORMATION,
            context::Severity::Hint => DiagnosticSeverity::HINT,
        }),
        code: d.code.clone().map(NumberOrString::String),
        source: Some(d.source.clone().unwrap_or_else(|| "shellcheck".into())),
        message: d.message.clone(),
        ..Default::default()
    }
}

/// Whether two ranges share a line (code actions ask for the cursor's line).
pub fn touches(d: &Range, r: &Range) -> bool {
    let (a, b) = (d.start.line, d.end.line);
    let (c, e) = (r.start.line, r.end.line);
    a <= e && c <= b
}

/// The diagnostics whose range lies in the document: one past its end or reversed belongs
/// to another text, and fixing it would edit the wrong lines (a character past the end of
/// a line is clamped, as LSP says). None left is the user's error, said in the `Err`.
pub fn in_document(
    doc: &Document,
    diags: Vec<Diagnostic>,
    enc: PositionEncoding,
) -> Result<Vec<Diagnostic>, String> {
    if diags.is_empty() {
        return Err("no diagnostic here to fix".into());
    }
    let mut problem = None;
    let kept: Vec<_> = diags
        .into_iter()
        .filter(|d| match doc.range_problem(d.range, enc) {
            None | Some(RangeProblem::CharacterPastEnd { .. }) => true,
            Some(p) => {
                warn!("diagnostic `{}` ignored: {p}", d.message);
                problem = Some(p);
                false
            }
        })
        .collect();
    match problem {
        Some(p) if kept.is_empty() => Err(format!(
            "no diagnostic here to fix: its range does not fit the document ({p})"
        )),
        _ => Ok(kept),
    }
}
