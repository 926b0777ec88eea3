//! The language server's state: documents, the negotiated encoding, the configuration.
//! Handlers in `server.rs` read and change it; it knows nothing of the transport.

use std::sync::{Mutex, MutexGuard, RwLock};

use crate::config::{ConfigError, Layer, Resolved, Source};

use super::documents::{DocumentStore, PositionEncoding};

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
}

impl Session {
    /// A session over the startup layers (defaults and file), which merge without error:
    /// `config::startup_layers` drops an invalid file.
    pub fn new(base: Vec<Layer>) -> Result<Session, ConfigError> {
        let resolved = Resolved::merge(&base)?;
        Ok(Session {
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
    /// configuration stays in force and the error is returned for the user.
    pub fn apply_client_settings(
        &self,
        value: serde_json::Value,
        source: Source,
    ) -> Result<(), ConfigError> {
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
        *state = candidate;
        Ok(())
    }
}
