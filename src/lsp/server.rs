//! The `LanguageServer` implementation: dispatch only. Each handler translates the request,
//! calls the session or the engine, and reports back.

use std::sync::{Arc, Mutex};

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};
use tracing::{debug, info, trace, warn};

use crate::config::{ConfigError, Refusal, Source};

use super::actions;
use super::commands::{self, Ctx};
use super::documents::{Document, PositionEncoding};
use super::profile::ClientProfile;
use super::progress::AbortOnDrop;
use super::session::Session;

pub struct Server {
    client: Client,
    session: Arc<Session>,
    /// Configuration errors found before the client could be told (file, initializationOptions).
    pending_errors: Mutex<Vec<ConfigError>>,
    /// Editor settings refused in `initialize`, told once the client is initialized.
    pending_refusals: Mutex<Vec<Refusal>>,
    inline: Arc<super::inline::InlineState>,
    warm: Arc<super::warm::WarmState>,
}

impl Server {
    pub fn new(client: Client, session: Session, file_error: Option<ConfigError>) -> Self {
        Server {
            client,
            session: Arc::new(session),
            pending_errors: Mutex::new(file_error.into_iter().collect()),
            pending_refusals: Mutex::new(Vec::new()),
            inline: Arc::default(),
            warm: Arc::default(),
        }
    }

    async fn report_config_error(&self, error: &ConfigError) {
        warn!("{error}");
        self.client
            .show_message(
                MessageType::ERROR,
                format!("superhelfer: {error}. The last valid configuration stays in force."),
            )
            .await;
    }

    /// Tells the user about an editor setting that was not applied (once per key and
    /// value: the session filters repeats).
    async fn report_refusal(&self, refusal: &Refusal) {
        warn!("{refusal}");
        self.client
            .show_message(MessageType::WARNING, format!("superhelfer: {refusal}."))
            .await;
    }

    async fn apply_settings(&self, settings: Value, source: Source) {
        let changed = source == Source::DidChangeConfiguration;
        match self.session.apply_client_settings(settings, source) {
            Err(e) => self.report_config_error(&e).await,
            Ok(refused) => {
                info!("configuration updated");
                // A new engine starts with empty clients and probes: warm it as at start
                // (`initialized` warms the one built from initializationOptions).
                if changed {
                    crate::engine::start::warm(self.session.engine());
                }
                for r in &refused {
                    self.report_refusal(r).await;
                }
            }
        }
    }
}

/// The `superhelfer` section of a settings object, or the object itself when a client
/// sends the section's contents directly.
fn superhelfer_section(settings: Value) -> Option<Value> {
    match settings {
        Value::Object(mut map) => match map.remove("superhelfer") {
            Some(section) => Some(section),
            None if map.is_empty() => None,
            None => Some(Value::Object(map)),
        },
        _ => None,
    }
}

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref());
        let encoding = PositionEncoding::negotiate(
            offered
                .into_iter()
                .flatten()
                .map(|kind: &PositionEncodingKind| kind.as_str()),
        );
        self.session.set_encoding(encoding);
        let profile = ClientProfile::from_initialize(&params);
        info!("client: {}", profile.describe());
        self.session.set_profile(profile);
        if let Some(options) = params.initialization_options.filter(|v| !v.is_null()) {
            match self
                .session
                .apply_client_settings(options, Source::InitializationOptions)
            {
                Ok(refused) => {
                    *self
                        .pending_refusals
                        .lock()
                        .unwrap_or_else(|e| e.into_inner()) = refused
                }
                Err(e) => self
                    .pending_errors
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(e),
            }
        }
        debug!(encoding = encoding.as_str(), "initialize");
        // Ghost text only for a client that shows it, and only while the user wants it.
        let inline = self.session.profile().inline_completion
            && self.session.engine().config().inline.enabled;
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(PositionEncodingKind::from(encoding.as_str().to_string())),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..Default::default()
                    },
                )),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::EMPTY,
                        ]),
                        resolve_provider: Some(false),
                        work_done_progress_options: Default::default(),
                    },
                )),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: actions::ALL_COMMANDS
                        .iter()
                        .map(|c| c.to_string())
                        .collect(),
                    work_done_progress_options: Default::default(),
                }),
                inline_completion_provider: inline.then_some(OneOf::Left(true)),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "superhelfer".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let errors: Vec<ConfigError> = std::mem::take(
            &mut *self
                .pending_errors
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        );
        for e in &errors {
            self.report_config_error(e).await;
        }
        let refused = std::mem::take(
            &mut *self
                .pending_refusals
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        );
        for r in &refused {
            self.report_refusal(r).await;
        }
        info!("superhelfer {} ready", env!("CARGO_PKG_VERSION"));
        let engine = self.session.engine();
        crate::engine::start::warm(engine.clone());
        super::warm_start::warm(self.session.clone());
        if engine.config().router.warm_fast {
            tokio::spawn(async move { engine.warm_fast().await });
        }
    }

    async fn shutdown(&self) -> Result<()> {
        info!("shutdown requested");
        Ok(())
    }

    // Document handlers change the store before their first await: tower-lsp polls
    // notifications in arrival order, so edits are applied in order.
    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        trace!(uri = doc.uri.as_str(), text = %doc.text, "didOpen");
        self.session.documents().open(
            doc.uri.clone(),
            Document::new(&doc.text, doc.version, &doc.language_id),
        );
        super::diagnostics::refresh(&self.client, &self.session, &doc.uri);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let result = self.session.documents().change(
            &uri,
            version,
            &params.content_changes,
            self.session.encoding(),
        );
        match result {
            Ok(report) => {
                // Applied clamped (see `DocumentStore::change`); said, so that a client
                // drifting from the server's copy can be seen.
                for bad in &report.bad {
                    warn!(
                        "didChange {} version {version}: {bad}; applied clamped, the editor's text may differ from the server's",
                        uri.as_str()
                    );
                }
                if let Some(before) = report.version_not_increased {
                    debug!(
                        uri = uri.as_str(),
                        "didChange version {version} after {before}: followed all the same"
                    );
                }
                trace!(uri = uri.as_str(), "didChange applied");
                // Published lines go stale with the edit: checked again once typing pauses.
                super::diagnostics::changed(&self.client, &self.session, &uri);
            }
            Err(e) => warn!("ignored didChange: {e}"),
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        debug!(uri = params.text_document.uri.as_str(), "didSave");
        super::diagnostics::refresh(&self.client, &self.session, &params.text_document.uri);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if !self.session.documents().close(&uri) {
            warn!("ignored didClose: {} was not open", uri.as_str());
        }
        // After the store changed: a didOpen right behind must not be undone.
        super::diagnostics::clear(&self.client, &self.session, &uri).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        match superhelfer_section(params.settings) {
            Some(section) => {
                self.apply_settings(section, Source::DidChangeConfiguration)
                    .await
            }
            None => {
                // Pull model: the notification only says that something changed.
                let items = vec![ConfigurationItem {
                    scope_uri: None,
                    section: Some("superhelfer".into()),
                }];
                let asked = tokio::time::timeout(
                    super::progress::CLIENT_LIMIT,
                    self.client.configuration(items),
                )
                .await
                .unwrap_or_else(|_| Err(tower_lsp_server::jsonrpc::Error::request_cancelled()));
                match asked {
                    Ok(mut values) if !values.is_empty() => {
                        let value = values.swap_remove(0);
                        if !value.is_null() {
                            self.apply_settings(value, Source::DidChangeConfiguration)
                                .await;
                        }
                    }
                    Ok(_) => {}
                    Err(e) => debug!("workspace/configuration failed: {e}"),
                }
            }
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let docs = self.session.documents();
        let Some(doc) = docs.get(&params.text_document.uri) else {
            debug!(
                "codeAction for a document that is not open: {}",
                params.text_document.uri.as_str()
            );
            return Ok(Some(Vec::new()));
        };
        let extra = self.session.command_languages();
        // Clients send only the diagnostics under the selection (Helix: under a one-character
        // cursor); superhelfer's own on the selection's lines make "Fix" reachable from
        // anywhere on the flagged line.
        let mut diagnostics = params.context.diagnostics;
        if diagnostics.is_empty() {
            diagnostics =
                self.session
                    .diagnostics_in(&params.text_document.uri, params.range, doc.version);
        }
        let mut list = actions::list(
            doc,
            &params.text_document.uri,
            params.range,
            &diagnostics,
            self.session.encoding(),
            &extra,
        );
        let last = self.session.last_ask(&params.text_document.uri);
        if let Some(up) = last.and_then(|l| l.tier_used.bigger()) {
            list.push(actions::ask_again(&params.text_document.uri, up));
        }
        drop(docs);
        if list.iter().any(|a| match a {
            CodeActionOrCommand::CodeAction(a) => a
                .command
                .as_ref()
                .is_some_and(|c| c.command == actions::GENERATE),
            CodeActionOrCommand::Command(c) => c.command == actions::GENERATE,
        }) {
            super::warm::on_request_line(&self.session, &self.warm);
        }
        Ok(Some(list))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        // tower-lsp polls every request on one task: a command's CPU work (a big
        // document, token counting, parsing an answer) would stall codeAction and the
        // rest. The command runs on a task of its own; dropping this future (on
        // $/cancelRequest) aborts it, which closes the backend stream as before.
        super::warm::supersede(&self.warm);
        let client = self.client.clone();
        let session = self.session.clone();
        let task = tokio::spawn(async move {
            let ctx = Ctx {
                client: &client,
                session: &session,
            };
            commands::execute(
                ctx,
                &params.command,
                params.arguments,
                params.work_done_progress_params.work_done_token,
            )
            .await
        });
        let _abort = AbortOnDrop(task.abort_handle());
        match task.await {
            Ok(result) => result,
            Err(e) => {
                warn!("command task ended abnormally: {e}");
                Err(tower_lsp_server::jsonrpc::Error::internal_error())
            }
        }
    }
}

impl Server {
    /// `textDocument/inlineCompletion` (a custom method: tower-lsp-server 0.23 has no
    /// trait method for it).
    pub async fn inline_completion(
        &self,
        params: InlineCompletionParams,
    ) -> Result<Option<InlineCompletionResponse>> {
        super::inline::complete(
            self.client.clone(),
            self.session.clone(),
            self.inline.clone(),
            params,
        )
        .await
    }

    /// `window/workDoneProgress/cancel`: the user pressed cancel on a progress.
    pub async fn work_done_progress_cancel(&self, params: WorkDoneProgressCancelParams) {
        let key = super::progress::token_key(&params.token);
        if self.session.cancel(&key) {
            info!("cancelled from the progress UI: {key}");
        } else {
            debug!("progress cancel for unknown or finished work: {key}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_section_forms() {
        let wrapped = serde_json::json!({"superhelfer": {"router": {"enabled": false}}});
        assert_eq!(
            superhelfer_section(wrapped),
            Some(serde_json::json!({"router": {"enabled": false}}))
        );
        let direct = serde_json::json!({"router": {"enabled": false}});
        assert_eq!(superhelfer_section(direct.clone()), Some(direct));
        assert_eq!(superhelfer_section(Value::Null), None);
        assert_eq!(superhelfer_section(serde_json::json!({})), None);
    }
}
