//! The state of superhelfer's shellcheck runs, per open document: the latest change (for
//! the debounce) and whether a run is under way (one at a time). `diagnostics.rs` runs
//! the checks; this is only what it remembers between them.

use std::collections::HashMap;
use std::sync::Mutex;

use tower_lsp_server::ls_types::Uri;

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

    pub(in crate::lsp) fn changed(&self, uri: &Uri) -> u64 {
        let mut docs = self.lock();
        let d = docs.entry(uri.clone()).or_default();
        d.changes += 1;
        d.changes
    }

    pub(in crate::lsp) fn is_latest(&self, uri: &Uri, change: u64) -> bool {
        self.lock().get(uri).is_some_and(|d| d.changes == change)
    }

    /// True when the caller is to run the check; false when one runs (it runs again after).
    pub(in crate::lsp) fn claim(&self, uri: &Uri) -> bool {
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
    pub(in crate::lsp) fn run_again(&self, uri: &Uri) -> bool {
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
