//! superhelfer's own diagnostics: shellcheck on shell scripts, on open, save and (debounced)
//! change, so that "Fix error" works on any shell script even where the editor passes a
//! server only its own diagnostics, and so that the lines they name move with the edits
//! (editors keep a published diagnostic on its old line until the next publish).
//!
//! One shellcheck run at a time per document: a check asked for while one runs is run
//! once after it, on the text as it is then. Results for a version older than the
//! document's are dropped.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tower_lsp_server::ls_types::{Diagnostic, DiagnosticSeverity, NumberOrString, Range, Uri};
use tower_lsp_server::Client;
use tracing::{debug, warn};

use crate::engine::context;

use super::actions;
use super::session::Session;

/// How long after the last change shellcheck runs: typing does not start a run per key.
pub const DEBOUNCE: Duration = Duration::from_millis(400);

/// The checks of each open document: the latest change, and whether a run is under way.
#[derive(Default)]
pub struct Checks {
    docs: Mutex<HashMap<Uri, DocChecks>>,
}

#[derive(Default)]
struct DocChecks {
    /// Counts changes; a debounced check runs only if no change came after its own.
    changes: u64,
    running: bool,
    /// Asked for while running: run once more when the current run ends.
    again: bool,
}

impl Checks {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uri, DocChecks>> {
        self.docs.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn changed(&self, uri: &Uri) -> u64 {
        let mut docs = self.lock();
        let d = docs.entry(uri.clone()).or_default();
        d.changes += 1;
        d.changes
    }

    fn is_latest(&self, uri: &Uri, change: u64) -> bool {
        self.lock().get(uri).is_some_and(|d| d.changes == change)
    }

    /// True when the caller is to run the check; false when one runs (it runs again after).
    fn claim(&self, uri: &Uri) -> bool {
        let mut docs = self.lock();
        let d = docs.entry(uri.clone()).or_default();
        if d.running {
            d.again = true;
            return false;
        }
        d.running = true;
        true
    }

    /// After a run: true when another was asked for meanwhile (the caller runs it).
    fn run_again(&self, uri: &Uri) -> bool {
        let mut docs = self.lock();
        let Some(d) = docs.get_mut(uri) else {
            return false;
        };
        if d.again {
            d.again = false;
            return true;
        }
        d.running = false;
        false
    }

    /// The document was closed: a run under way finds no entry and stops after it.
    pub fn forget(&self, uri: &Uri) {
        self.lock().remove(uri);
    }
}

/// Checks the document as it is now (opened, saved) and publishes the result.
pub fn refresh(client: &Client, session: &Arc<Session>, uri: &Uri) {
    if !wanted(session) {
        let (client, session, uri) = (client.clone(), session.clone(), uri.clone());
        tokio::spawn(async move { clear(&client, &session, &uri).await });
        return;
    }
    let (client, session, uri) = (client.clone(), session.clone(), uri.clone());
    tokio::spawn(async move { run_serially(&client, &session, &uri).await });
}

/// The document changed: checks it once no change has come for [`DEBOUNCE`].
pub fn changed(client: &Client, session: &Arc<Session>, uri: &Uri) {
    if !wanted(session) {
        return;
    }
    let change = session.checks().changed(uri);
    let (client, session, uri) = (client.clone(), session.clone(), uri.clone());
    tokio::spawn(async move {
        tokio::time::sleep(DEBOUNCE).await;
        if session.checks().is_latest(&uri, change) {
            run_serially(&client, &session, &uri).await;
        }
    });
}

fn wanted(session: &Session) -> bool {
    session.engine().config().actions.shellcheck && crate::shellcheck::available()
}

async fn run_serially(client: &Client, session: &Arc<Session>, uri: &Uri) {
    if !session.checks().claim(uri) {
        debug!("shellcheck runs on {}: once more after it", uri.as_str());
        return;
    }
    loop {
        check_once(client, session, uri).await;
        if !session.checks().run_again(uri) {
            break;
        }
    }
}

/// One shellcheck run on the document's current text; published if the document is still
/// at that version when it ends.
async fn check_once(client: &Client, session: &Arc<Session>, uri: &Uri) {
    let engine = session.engine();
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
    let found = match crate::shellcheck::check(&text, Some(shell)).await {
        Ok(d) => d,
        Err(e) => {
            warn!("shellcheck failed on {}: {e}", uri.as_str());
            return;
        }
    };
    // The document changed meanwhile: the check that change asked for publishes.
    let enc = session.encoding();
    let diags: Vec<Diagnostic> = {
        let docs = session.documents();
        match docs.get(uri) {
            Some(doc) if doc.version == version => {
                found.iter().map(|d| to_lsp(doc, d, enc)).collect()
            }
            _ => {
                debug!("shellcheck result for an old version of {}", uri.as_str());
                return;
            }
        }
    };
    session.set_published(uri, version, diags.clone());
    client
        .publish_diagnostics(uri.clone(), diags, Some(version))
        .await;
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
    session.checks().forget(uri);
    if session.clear_published(uri) {
        client
            .publish_diagnostics(uri.clone(), Vec::new(), None)
            .await;
    }
}
