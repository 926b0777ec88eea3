//! superhelfer's own diagnostics: shellcheck on shell scripts, on open and save, so that
//! "Fix error" works on any shell script even where the editor passes a server only its own
//! diagnostics.

use std::sync::Arc;

use tower_lsp_server::ls_types::{Diagnostic, DiagnosticSeverity, NumberOrString, Range, Uri};
use tower_lsp_server::Client;
use tracing::{debug, warn};

use crate::engine::context;

use super::actions;
use super::session::Session;

/// Runs shellcheck on the document as it is now and publishes the result.
pub fn refresh(client: &Client, session: &Arc<Session>, uri: &Uri) {
    let engine = session.engine();
    if !engine.config().actions.shellcheck || !crate::shellcheck::available() {
        let (client, session, uri) = (client.clone(), session.clone(), uri.clone());
        tokio::spawn(async move { clear(&client, &session, &uri).await });
        return;
    }
    let (text, version, shell) = {
        let docs = session.documents();
        let Some(doc) = docs.get(uri) else { return };
        if doc.language_id.eq_ignore_ascii_case("markdown") {
            return;
        }
        let extra = &engine.config().actions.command_languages;
        let Some(shell) = actions::command_dialect(doc, 0, extra)
            .and_then(|d| crate::shellcheck::shell_for(d.as_str()))
        else {
            return;
        };
        (doc.text(), doc.version, shell)
    };
    let client = client.clone();
    let session = session.clone();
    let uri = uri.clone();
    tokio::spawn(async move {
        let found = match crate::shellcheck::check(&text, Some(shell)).await {
            Ok(d) => d,
            Err(e) => {
                warn!("shellcheck failed on {}: {e}", uri.as_str());
                return;
            }
        };
        // A newer version was checked (or will be) by a later save: drop stale results.
        let enc = session.encoding();
        let diags: Vec<Diagnostic> = {
            let docs = session.documents();
            match docs.get(&uri) {
                Some(doc) if doc.version == version => {
                    found.iter().map(|d| to_lsp(doc, d, enc)).collect()
                }
                _ => {
                    debug!("shellcheck result for an old version of {}", uri.as_str());
                    return;
                }
            }
        };
        session.set_published(&uri, version, diags.clone());
        client.publish_diagnostics(uri, diags, Some(version)).await;
    });
}

fn to_lsp(
    doc: &super::documents::Document,
    d: &context::Diagnostic,
    enc: super::documents::PositionEncoding,
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

/// Clears what superhelfer published for a document (closed, or checks turned off).
pub async fn clear(client: &Client, session: &Session, uri: &Uri) {
    if session.clear_published(uri) {
        client
            .publish_diagnostics(uri.clone(), Vec::new(), None)
            .await;
    }
}
