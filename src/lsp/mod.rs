//! The protocol layer, kept thin: it translates LSP messages into calls on the session and
//! on the features (`crate::features`), and reports results back. No pipeline, model or
//! routing logic lives here.

pub mod actions;
pub mod changes;
pub mod commands;
pub mod confirm;
pub mod convert;
pub mod diagnostics;
pub mod documents;
pub mod edit;
pub mod framing;
pub mod inline;
pub mod profile;
pub mod progress;
pub mod server;
pub mod session;
pub mod transport;
pub mod ui;
pub mod warm;
pub mod warm_start;

use tower_lsp_server::LspService;

use crate::config::{ConfigError, Layer};

/// Runs the language server on stdin/stdout until `exit` or until stdin closes; malformed
/// input is answered and survived (see `transport`). `base` are the startup layers
/// (defaults, file); `file_error` is shown once the client is initialized.
pub async fn run_stdio(
    base: Vec<Layer>,
    file_error: Option<ConfigError>,
) -> anyhow::Result<transport::Outcome> {
    let session = session::Session::new(base)?;
    let (service, socket) =
        LspService::build(|client| server::Server::new(client, session, file_error))
            .custom_method(inline::METHOD, server::Server::inline_completion)
            .custom_method(
                "window/workDoneProgress/cancel",
                server::Server::work_done_progress_cancel,
            )
            .finish();
    // Model work runs inside requests; a high limit keeps a few slow ones from holding up
    // quick requests such as codeAction.
    Ok(transport::serve_stdio(service, socket, 64).await)
}
