//! Questions to the user through `window/showMessageRequest`: the VRAM guard's consent and
//! the confirmation of a dangerous command. A client without the request, a dismissed
//! dialog, or one left unanswered for `ui.dialog_timeout_s` counts as Cancel; the user is
//! told when the time ran out.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use tower_lsp_server::ls_types::{MessageActionItem, MessageType};
use tower_lsp_server::Client;
use tracing::{info, warn};

use crate::engine::router::{Consent, ConsentAsker};

use super::session::Session;

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
    if !session.caps().show_message_request {
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
    let limit_s = session.engine().config().ui.dialog_timeout_s;
    let asked = tokio::time::timeout(
        Duration::from_secs(limit_s),
        client.show_message_request(typ, message, Some(actions)),
    )
    .await;
    match asked {
        Ok(Ok(Some(item))) => Some(item.title),
        Ok(Ok(None)) => None,
        Ok(Err(e)) => {
            info!("showMessageRequest failed ({e}); counted as cancel");
            None
        }
        Err(_) => {
            let question = message.lines().next().unwrap_or(message);
            warn!("dialog unanswered for {limit_s} s; counted as cancel: {question}");
            client
                .show_message(
                    MessageType::WARNING,
                    format!(
                        "superhelfer: the question \"{question}\" had no answer within {limit_s} s (ui.dialog_timeout_s) and was treated as Cancel"
                    ),
                )
                .await;
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
