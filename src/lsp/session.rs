//! The language server's state: documents, the negotiated encoding, the configuration.
//! Handlers in `server.rs` read and change it; it knows nothing of the transport.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use tokio::sync::oneshot;
use tower_lsp_server::ls_types::{Diagnostic, Range, Uri};

use crate::config::{ConfigError, Layer, Refusal, Resolved, Source};
use crate::engine::router::{Consent, Engine};
use crate::engine::tier::Tier;

use super::documents::{DocumentStore, PositionEncoding};
use super::profile::{Asking, ClientProfile};

mod checks;
pub use checks::Checks;

/// The configuration layers in force and their merged result.
#[derive(Debug)]
pub struct ConfigState {
    base: Vec<Layer>,
    init: Option<Layer>,
    workspace: Option<Layer>,
    pub resolved: Resolved,
}

impl ConfigState {
    fn layers(&self) -> Vec<Layer> {
        let mut all = self.base.clone();
        all.extend(self.init.clone());
        all.extend(self.workspace.clone());
        all
    }
}

pub struct Session {
    documents: Mutex<DocumentStore>,
    encoding: RwLock<PositionEncoding>,
    config: RwLock<ConfigState>,
    engine: RwLock<Arc<Engine>>,
    /// Read once from `initialize`; `cannot_ask` is learnt when a dialog is refused.
    profile: RwLock<ClientProfile>,
    /// A VRAM choice the user made stick until the server restarts.
    sticky_consent: Mutex<Option<Consent>>,
    /// Running model work by progress token, for `window/workDoneProgress/cancel`; the id
    /// tells two requests that (wrongly) share a token apart.
    cancels: Mutex<HashMap<String, (u64, oneshot::Sender<()>)>>,
    next_token: AtomicU64,
    /// Diagnostics superhelfer published (shellcheck), by document, with the version they
    /// were computed for.
    published: Mutex<HashMap<Uri, (i32, Vec<Diagnostic>)>>,
    /// shellcheck runs per document (debounce, one at a time).
    checks: Checks,
    /// Refused editor settings (key, value) the user has been told about: once each.
    refusals_shown: Mutex<HashSet<(String, String)>>,
    /// The last explain/ask answered on each document, for "ask again".
    last_asks: Mutex<HashMap<Uri, LastAsk>>,
}

/// An answered explain/ask: enough to run it again on another tier.
#[derive(Debug, Clone)]
pub struct LastAsk {
    pub args: super::actions::ActionArgs,
    pub free_question: bool,
    /// What the router analysed (kept as the correction's query).
    pub query: String,
    pub tier_used: Tier,
}

impl Session {
    /// A session over the startup layers (defaults and file), which merge without error:
    /// `config::startup_layers` drops an invalid file.
    pub fn new(base: Vec<Layer>) -> Result<Session, ConfigError> {
        let resolved = Resolved::merge(&base)?;
        Ok(Session {
            engine: RwLock::new(Arc::new(Engine::new(&resolved))),
            profile: RwLock::new(ClientProfile::default()),
            sticky_consent: Mutex::new(None),
            cancels: Mutex::new(HashMap::new()),
            next_token: AtomicU64::new(1),
            published: Mutex::new(HashMap::new()),
            checks: Default::default(),
            refusals_shown: Mutex::new(HashSet::new()),
            last_asks: Mutex::new(HashMap::new()),
            documents: Mutex::new(DocumentStore::default()),
            encoding: RwLock::new(PositionEncoding::default()),
            config: RwLock::new(ConfigState {
                base,
                init: None,
                workspace: None,
                resolved,
            }),
        })
    }

    /// The document store. A poisoned lock (a panic elsewhere) still yields the data:
    /// every change is applied whole or not at all.
    pub fn documents(&self) -> MutexGuard<'_, DocumentStore> {
        self.documents.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn encoding(&self) -> PositionEncoding {
        *self.encoding.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_encoding(&self, enc: PositionEncoding) {
        *self.encoding.write().unwrap_or_else(|e| e.into_inner()) = enc;
    }

    pub fn config(&self) -> Resolved {
        self.config
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .resolved
            .clone()
    }

    /// Replaces the layer of one client source and re-merges. On error the last valid
    /// configuration stays in force and the error is returned for the user. Returns the
    /// refused settings the user has not been told about yet.
    pub fn apply_client_settings(
        &self,
        value: serde_json::Value,
        source: Source,
    ) -> Result<Vec<Refusal>, ConfigError> {
        let layer = Layer::from_json(value, source.clone())?;
        let mut state = self.config.write().unwrap_or_else(|e| e.into_inner());
        let mut candidate = ConfigState {
            base: state.base.clone(),
            init: state.init.clone(),
            workspace: state.workspace.clone(),
            resolved: state.resolved.clone(),
        };
        match source {
            Source::InitializationOptions => candidate.init = Some(layer),
            _ => candidate.workspace = Some(layer),
        }
        candidate.resolved = Resolved::merge(&candidate.layers())?;
        let old = self.engine();
        let engine = Engine::new(&candidate.resolved)
            .with_counters(old.counters.clone())
            .with_gpu_of(&old);
        *self.engine.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(engine);
        let mut shown = self
            .refusals_shown
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let new = candidate
            .resolved
            .refusals()
            .iter()
            .filter(|r| shown.insert((r.key.clone(), r.value.clone())))
            .cloned()
            .collect();
        *state = candidate;
        Ok(new)
    }

    /// The engine for the configuration in force.
    pub fn engine(&self) -> Arc<Engine> {
        self.engine
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Extra language ids where "Generate shell command" is offered.
    pub fn command_languages(&self) -> Vec<String> {
        self.engine().config().actions.command_languages.clone()
    }

    /// Remembers the last answered explain/ask of a document.
    pub fn remember_ask(&self, last: LastAsk) {
        let mut all = self.last_asks.lock().unwrap_or_else(|e| e.into_inner());
        all.insert(last.args.uri.clone(), last);
    }

    /// The last answered explain/ask of a document.
    pub fn last_ask(&self, uri: &Uri) -> Option<LastAsk> {
        let all = self.last_asks.lock().unwrap_or_else(|e| e.into_inner());
        all.get(uri).cloned()
    }

    /// The connected client's profile (how to ask, show and report).
    pub fn profile(&self) -> ClientProfile {
        self.profile
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn set_profile(&self, profile: ClientProfile) {
        *self.profile.write().unwrap_or_else(|e| e.into_inner()) = profile;
    }

    /// The client answered a question with "Method not found": ask it no more, and offer
    /// what still works instead.
    pub fn cannot_ask(&self) {
        self.profile
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .asking = Asking::Cannot;
    }

    pub fn sticky_consent(&self) -> Option<Consent> {
        *self
            .sticky_consent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_sticky_consent(&self, c: Consent) {
        *self
            .sticky_consent
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(c);
    }

    pub fn checks(&self) -> &Checks {
        &self.checks
    }

    pub fn set_published(&self, uri: &Uri, version: i32, diags: Vec<Diagnostic>) {
        self.published
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(uri.clone(), (version, diags));
    }

    /// Forgets a document's diagnostics; true when there were some to clear in the editor.
    pub fn clear_published(&self, uri: &Uri) -> bool {
        self.published
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(uri)
            .is_some()
    }

    /// superhelfer's own diagnostics that touch a range's lines, if they were computed for
    /// `version` (older ones point at lines that may have moved).
    pub fn diagnostics_in(&self, uri: &Uri, range: Range, version: i32) -> Vec<Diagnostic> {
        self.published
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(uri)
            .filter(|(v, _)| *v == version)
            .map(|(_, all)| {
                all.iter()
                    .filter(|d| super::convert::touches(&d.range, &range))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A fresh progress token for server-initiated progress.
    pub fn new_token(&self) -> String {
        format!(
            "superhelfer/{}",
            self.next_token.fetch_add(1, Ordering::Relaxed)
        )
    }

    /// Registers running work under a progress token; the receiver fires on cancel. The id
    /// unregisters exactly this registration.
    pub fn register_cancel(&self, token: &str) -> (u64, oneshot::Receiver<()>) {
        let (tx, rx) = oneshot::channel();
        let id = self.next_token.fetch_add(1, Ordering::Relaxed);
        self.cancels
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(token.to_string(), (id, tx));
        (id, rx)
    }

    pub fn unregister_cancel(&self, token: &str, id: u64) {
        let mut map = self.cancels.lock().unwrap_or_else(|e| e.into_inner());
        if map.get(token).is_some_and(|(i, _)| *i == id) {
            map.remove(token);
        }
    }

    /// Cancels the work running under a progress token; false when none runs.
    pub fn cancel(&self, token: &str) -> bool {
        let tx = self
            .cancels
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(token);
        tx.is_some_and(|(_, tx)| tx.send(()).is_ok())
    }
}
