//! Questions to the user through `window/showMessageRequest`: the VRAM guard's consent and
//! the confirmation of a dangerous command. A client without the request, or a dismissed
//! dialog, counts as Cancel.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use tower_lsp_server::ls_types::{MessageActionItem, MessageType};
use tower_lsp_server::Client;
use tracing::info;

use crate::engine::router::{Consent, ConsentAsker};

use super::profile::Asking;
use super::session::Session;

/// How long a dialog waits for the user before it counts as Cancel.
pub const DIALOG_LIMIT: std::time::Duration = std::time::Duration::from_secs(300);

pub const LOAD: &str = "Load";
pub const USE_FAST: &str = "Use fast model";
pub const CANCEL: &str = "Cancel";
pub const ALWAYS_LOAD: &str = "Always load (this session)";
pub const ALWAYS_FAST: &str = "Always use fast model (this session)";

/// Asks the user in the editor.
pub async fn choose(
    client: &Client,
    session: &Session,
    typ: MessageType,
    message: &str,
    titles: &[&str],
) -> Option<String> {
    if session.profile().asking == Asking::Cannot {
        info!("client cannot show a dialog; counted as cancel: {message}");
        return None;
    }
    let actions = titles
        .iter()
        .map(|t| MessageActionItem {
            title: t.to_string(),
            properties: Default::default(),
        })
        .collect();
    match client
        .show_message_request(typ, message, Some(actions))
        .await
    {
        Ok(Some(item)) => Some(item.title),
        Ok(None) => None,
        Err(e) => {
            info!("showMessageRequest failed ({e}); counted as cancel");
            None
        }
    }
}

/// The VRAM guard's question as an editor dialog.
pub struct EditorConsent {
    pub client: Client,
    pub session: Arc<Session>,
}

impl ConsentAsker for EditorConsent {
    fn ask<'a>(&'a self, prompt: &'a str) -> BoxFuture<'a, Consent> {
        Box::pin(async move {
            if let Some(c) = self.session.sticky_consent() {
                info!("VRAM guard: sticky choice {c:?}");
                return c;
            }
            let titles = [LOAD, USE_FAST, CANCEL, ALWAYS_LOAD, ALWAYS_FAST];
            let choice = choose(
                &self.client,
                &self.session,
                MessageType::WARNING,
                prompt,
                &titles,
            )
            .await;
            match choice.as_deref() {
                Some(LOAD) => Consent::Load,
                Some(USE_FAST) => Consent::UseFast,
                Some(ALWAYS_LOAD) => {
                    self.session.set_sticky_consent(Consent::Load);
                    Consent::Load
                }
                Some(ALWAYS_FAST) => {
                    self.session.set_sticky_consent(Consent::UseFast);
                    Consent::UseFast
                }
                _ => Consent::Cancel,
            }
        })
    }
}
