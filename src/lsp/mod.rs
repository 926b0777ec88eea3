//! The protocol layer, kept thin: it translates LSP messages into calls on the session and
//! the engine, and reports results back. No model or routing logic lives here.

pub mod actions;
pub mod commands;
pub mod confirm;
pub mod diagnostics;
pub mod documents;
pub mod edit;
pub mod profile;
pub mod progress;
pub mod server;
pub mod session;

use tower_lsp_server::{LspService, Server};

use crate::config::{ConfigError, Layer};

/// Runs the language server on stdin/stdout until `exit` or until stdin closes.
/// `base` are the startup layers (defaults, file); `file_error` is shown once the client
/// is initialized.
pub async fn run_stdio(base: Vec<Layer>, file_error: Option<ConfigError>) -> anyhow::Result<()> {
    let session = session::Session::new(base)?;
    let (service, socket) =
        LspService::build(|client| server::Server::new(client, session, file_error))
            .custom_method(
                "window/workDoneProgress/cancel",
                server::Server::work_done_progress_cancel,
            )
            .finish();
    // Model work runs inside requests; a high limit keeps a few slow ones from holding up
    // quick requests such as codeAction.
    Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
        .concurrency_level(64)
        .serve(service)
        .await;
    Ok(())
}
