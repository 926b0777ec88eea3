//! superhelfer's own diagnostics: shellcheck on shell scripts, on open, save and (debounced)
//! change, so that "Fix error" works on any shell script even where the editor passes a
//! server only its own diagnostics, and so that the lines they name move with the edits
//! (editors keep a published diagnostic on its old line until the next publish).
//!
//! One shellcheck run at a time per document: a check asked for while one runs is run
//! once after it, on the text as it is then. Results for a version older than the
//! document's are dropped.

use std::sync::Arc;
use std::time::Duration;

use tower_lsp_server::ls_types::{Diagnostic, Uri};
use tower_lsp_server::Client;
use tracing::{debug, warn};

use super::actions;
use super::convert;
use super::session::Session;

/// How long after the last change shellcheck runs: typing does not start a run per key.
pub const DEBOUNCE: Duration = Duration::from_millis(400);

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
            Some(doc) if doc.version == version => found
                .iter()
                .map(|d| convert::lsp_diagnostic(doc, d, enc))
                .collect(),
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

/// Clears what superhelfer published for a document (closed, or checks turned off).
pub async fn clear(client: &Client, session: &Session, uri: &Uri) {
    session.checks().forget(uri);
    if session.clear_published(uri) {
        client
            .publish_diagnostics(uri.clone(), Vec::new(), None)
            .await;
    }
}
