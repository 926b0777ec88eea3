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

use super::profile::Asking;
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
    if session.profile().asking == Asking::Cannot {
        info!("client cannot show a dialog; counted as cancel: {message}");
        return None;
    }
    let limit_s = session.engine().config().ui.dialog_timeout_s;
    if session.profile().asking == Asking::Modal {
        let asked = tokio::time::timeout(
            Duration::from_secs(limit_s),
            ask_modal(client, typ, message, titles),
        )
        .await;
        return match asked {
            Ok(answer) => answer,
            Err(_) => {
                unanswered(client, message, limit_s).await;
                None
            }
        };
    }
    let actions = titles
        .iter()
        .map(|t| MessageActionItem {
            title: t.to_string(),
            properties: Default::default(),
        })
        .collect();
    let asked = tokio::time::timeout(
        Duration::from_secs(limit_s),
        client.show_message_request(typ, message, Some(actions)),
    )
    .await;
    match asked {
        Ok(Ok(Some(item))) => Some(item.title),
        Ok(Ok(None)) => None,
        Ok(Err(e)) if e.code == tower_lsp_server::jsonrpc::ErrorCode::MethodNotFound => {
            // Helix 25.07.1: remembered, so that what still works is offered from now on.
            info!("the client cannot show questions ({e}); offering what works without one");
            session.cannot_ask();
            None
        }
        Ok(Err(e)) => {
            info!("showMessageRequest failed ({e}); counted as cancel");
            None
        }
        Err(_) => {
            unanswered(client, message, limit_s).await;
            None
        }
    }
}

/// Tells the user that a question went unanswered and counts as Cancel.
async fn unanswered(client: &Client, message: &str, limit_s: u64) {
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
}

/// Whether this client can be asked a question at all.
pub fn can_ask(session: &Session) -> bool {
    session.profile().asking != Asking::Cannot
}

/// What the VRAM question becomes where none can be asked: the fast model answers, and the
/// user learns the setting that decides in advance.
const NO_VRAM_QUESTION: &str = "This editor cannot show the question, so the fast model answers. \
To load it without being asked, set `vram.confirm = false` in ~/.config/superhelfer/config.toml; \
`vram.enabled = false` turns the guard off.";

/// `superhelfer/askModal`: the question as a modal dialog in a client that advertised it
/// (the VS Code extension). The first line is the question, the rest its detail, whose
/// line breaks a modal dialog keeps.
enum AskModal {}

#[derive(serde::Serialize)]
struct AskModalParams<'a> {
    #[serde(rename = "type")]
    typ: MessageType,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    actions: &'a [&'a str],
}

#[derive(serde::Deserialize)]
struct AskModalAnswer {
    title: String,
}

impl tower_lsp_server::ls_types::request::Request for AskModal {
    type Params = serde_json::Value;
    type Result = Option<serde_json::Value>;
    const METHOD: &'static str = super::profile::MODAL_METHOD;
}

async fn ask_modal(
    client: &Client,
    typ: MessageType,
    message: &str,
    titles: &[&str],
) -> Option<String> {
    let (question, detail) = match message.split_once('\n') {
        Some((q, d)) => (q, Some(d)),
        None => (message, None),
    };
    let params = serde_json::to_value(AskModalParams {
        typ,
        message: question,
        detail,
        actions: titles,
    })
    .ok()?;
    match client.send_request::<AskModal>(params).await {
        Ok(Some(answer)) => serde_json::from_value::<AskModalAnswer>(answer)
            .ok()
            .map(|a| a.title),
        Ok(None) => None,
        Err(e) => {
            info!(
                "{} failed ({e}); counted as cancel",
                super::profile::MODAL_METHOD
            );
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
            if choice.is_none() && !can_ask(&self.session) {
                let first = prompt.lines().next().unwrap_or(prompt);
                self.client
                    .show_message(
                        MessageType::WARNING,
                        format!("superhelfer: {first} {NO_VRAM_QUESTION}"),
                    )
                    .await;
                return Consent::UseFast;
            }
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
