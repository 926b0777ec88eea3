//! `$/progress` for model work, and its cancellation.
//!
//! Begin names the tier and model, reports follow the stream, end names the model, the time
//! and any fallback. The work can be cancelled from the progress UI
//! (`window/workDoneProgress/cancel`) or with `$/cancelRequest`; either drops the engine's
//! future, which closes the backend stream.

use std::sync::Arc;

use tower_lsp_server::ls_types::notification::Progress as ProgressNotification;
use tower_lsp_server::ls_types::{
    NumberOrString, ProgressParams, ProgressParamsValue, ProgressToken, WorkDoneProgress,
    WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport,
};
use tower_lsp_server::Client;

use crate::engine::router::Event;

use super::session::Session;

/// How long a request to the client (create a progress, apply an edit, show a document)
/// may take before the server goes on without it.
pub const CLIENT_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The least time between two token reports: a fast model does not flood the client, and
/// a slow one is still seen to move.
const REPORT_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

pub struct Progress {
    client: Client,
    session: Arc<Session>,
    token: Option<ProgressToken>,
    title: String,
    began: bool,
    ended: bool,
    tokens: usize,
    /// When tokens were last reported.
    reported_at: Option<std::time::Instant>,
    /// This progress's entry in the session's cancel registry.
    cancel_id: Option<u64>,
    /// Held while there is no token to cancel from, so that the receiver never fires.
    never_cancelled: Option<tokio::sync::oneshot::Sender<()>>,
}

/// "1 token", "2 tokens".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The string form of a token, as the cancel registry keys it.
pub fn token_key(token: &ProgressToken) -> String {
    match token {
        NumberOrString::Number(n) => format!("n:{n}"),
        NumberOrString::String(s) => format!("s:{s}"),
    }
}

impl Progress {
    /// Uses the client's token when it sent one, else creates one where the client
    /// supports server-initiated progress; without either, progress is silent.
    pub async fn start(
        client: &Client,
        session: &Arc<Session>,
        supplied: Option<ProgressToken>,
        title: &str,
    ) -> Progress {
        let token = match supplied {
            Some(t) => Some(t),
            None if session.profile().work_done_progress => {
                let t = NumberOrString::String(session.new_token());
                // A client that does not answer gets no progress, not a stuck request.
                match tokio::time::timeout(
                    CLIENT_LIMIT,
                    client.create_work_done_progress(t.clone()),
                )
                .await
                {
                    Ok(Ok(())) => Some(t),
                    _ => None,
                }
            }
            None => None,
        };
        // Titles are written "superhelfer: …"; a client that names the server itself
        // (Helix) gets them without the prefix.
        let bare = title.strip_prefix("superhelfer: ").unwrap_or(title);
        let mut progress = Progress {
            client: client.clone(),
            session: session.clone(),
            token,
            title: session.profile().progress_title(bare),
            began: false,
            ended: false,
            tokens: 0,
            reported_at: None,
            cancel_id: None,
            never_cancelled: None,
        };
        // Begin at once, so that whatever ends the work (a question answered Cancel, a
        // failure before any model started) also ends the editor's spinner.
        progress.begin(None).await;
        progress
    }

    async fn begin(&mut self, message: Option<String>) {
        if self.token.is_none() {
            return;
        }
        self.began = true;
        self.send(WorkDoneProgress::Begin(WorkDoneProgressBegin {
            title: self.title.clone(),
            cancellable: Some(true),
            message,
            percentage: None,
        }))
        .await;
    }

    pub fn key(&self) -> Option<String> {
        self.token.as_ref().map(token_key)
    }

    /// A receiver that fires when the user cancels this progress in the editor; one that
    /// never fires when there is no progress token.
    pub fn cancellation(&mut self) -> tokio::sync::oneshot::Receiver<()> {
        match self.key() {
            Some(k) => {
                let (id, rx) = self.session.register_cancel(&k);
                self.cancel_id = Some(id);
                rx
            }
            None => {
                // The sender is kept: a dropped one would complete the receiver (with an
                // error) at once, and a select loop polling it again would panic.
                let (tx, rx) = tokio::sync::oneshot::channel::<()>();
                self.never_cancelled = Some(tx);
                rx
            }
        }
    }

    fn unregister(&self) {
        if let (Some(key), Some(id)) = (self.key(), self.cancel_id) {
            self.session.unregister_cancel(&key, id);
        }
    }

    async fn send(&self, value: WorkDoneProgress) {
        if let Some(token) = &self.token {
            self.client
                .send_notification::<ProgressNotification>(ProgressParams {
                    token: token.clone(),
                    value: ProgressParamsValue::WorkDone(value),
                })
                .await;
        }
    }

    /// Turns an engine event into progress.
    pub async fn event(&mut self, ev: &Event) {
        match ev {
            Event::Started { tier, model, .. } => {
                let message = format!("{tier} tier · {model}");
                if self.began {
                    self.report(message).await;
                } else {
                    self.begin(Some(message)).await;
                }
            }
            Event::Token { .. } => {
                self.tokens += 1;
                let due = self
                    .reported_at
                    .is_none_or(|at| at.elapsed() >= REPORT_EVERY);
                if due {
                    self.reported_at = Some(std::time::Instant::now());
                    let msg = count(self.tokens, "token");
                    self.report(msg).await;
                }
            }
            Event::Retrying { from, reason } => {
                self.tokens = 0;
                self.reported_at = None;
                self.report(format!(
                    "{from} tier failed ({reason}); the fast tier answers"
                ))
                .await;
            }
            Event::Notice { message } => self.report(message.clone()).await,
        }
    }

    async fn report(&self, message: String) {
        if self.began {
            self.send(WorkDoneProgress::Report(WorkDoneProgressReport {
                cancellable: Some(true),
                message: Some(message),
                percentage: None,
            }))
            .await;
        }
    }

    /// Ends the progress with a final message.
    pub async fn end(mut self, message: String) {
        self.ended = true;
        self.unregister();
        if self.began {
            self.send(WorkDoneProgress::End(WorkDoneProgressEnd {
                message: Some(message),
            }))
            .await;
        }
    }
}

impl Drop for Progress {
    // A request dropped by `$/cancelRequest` still closes its progress in the editor.
    fn drop(&mut self) {
        if self.ended {
            return;
        }
        self.unregister();
        if let (true, Some(token)) = (self.began, self.token.clone()) {
            let client = self.client.clone();
            if let Ok(handle) = tokio::runtime::Handle::try_current() {
                handle.spawn(async move {
                    client
                        .send_notification::<ProgressNotification>(ProgressParams {
                            token,
                            value: ProgressParamsValue::WorkDone(WorkDoneProgress::End(
                                WorkDoneProgressEnd {
                                    message: Some("cancelled".into()),
                                },
                            )),
                        })
                        .await;
                });
            }
        }
    }
}

/// Aborts a spawned task when the request that waits for it is dropped
/// (`$/cancelRequest`): the model work ends with it and its backend stream closes.
pub(super) struct AbortOnDrop(pub(super) tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_read_as_english() {
        assert_eq!(super::count(1, "token"), "1 token");
        assert_eq!(super::count(0, "token"), "0 tokens");
        assert_eq!(super::count(12, "token"), "12 tokens");
    }
}
