//! The editor as a feature's [`Ui`]: `$/progress` for model work (cancellable from the
//! progress UI), `window/showMessage` for what the user should know, and dialogs
//! (`confirm.rs`) for the VRAM guard and before a dangerous command.

use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use tokio::sync::oneshot;
use tower_lsp_server::ls_types::{MessageType, ProgressToken};
use tower_lsp_server::Client;

use crate::engine::router::{AskError, ConsentAsker, Event};
use crate::features::{self, DangerChoice, End, Level, Ui};

use super::confirm::{self, EditorConsent};
use super::progress::Progress;
use super::session::Session;

const INSERT: &str = "Insert";
const INSERT_AS_COMMENT: &str = "Insert as comment";

/// One command's ui: its progress token, and the progress once begun.
pub struct EditorUi {
    client: Client,
    session: Arc<Session>,
    consent: EditorConsent,
    token: Mutex<Option<ProgressToken>>,
    progress: tokio::sync::Mutex<Option<Progress>>,
    cancel: Mutex<Option<oneshot::Receiver<()>>>,
}

impl EditorUi {
    pub fn new(client: &Client, session: &Arc<Session>, token: Option<ProgressToken>) -> Self {
        EditorUi {
            client: client.clone(),
            session: session.clone(),
            consent: EditorConsent {
                client: client.clone(),
                session: session.clone(),
            },
            token: Mutex::new(token),
            progress: tokio::sync::Mutex::new(None),
            cancel: Mutex::new(None),
        }
    }

    async fn message(&self, typ: MessageType, message: String) {
        self.client
            .show_message(typ, format!("superhelfer: {message}"))
            .await;
    }

    async fn end_progress(&self, message: &str) {
        if let Some(p) = self.progress.lock().await.take() {
            p.end(message.to_string()).await;
        }
    }

    async fn answered(&self, o: &crate::engine::router::Outcome) {
        self.end_progress(&features::summary(o)).await;
        if let Some(cut) = &o.answer_cut {
            self.message(MessageType::WARNING, cut.clone()).await;
        }
        if let Some(r) = &o.fallback_reason {
            let what = format!(
                "the {} tier failed ({r}); {} answered instead",
                o.tier_chosen, o.model_used
            );
            self.message(MessageType::WARNING, what).await;
        }
    }

    async fn failed(&self, e: &AskError) {
        // The error itself is told once, as a message (by the command); an end that
        // repeated it would show it twice wherever progress is echoed (Neovim).
        match e {
            AskError::Cancelled { .. } => {
                self.end_progress("cancelled").await;
                // The user's own choice: said plainly, not as an error.
                self.message(MessageType::INFO, e.to_string()).await;
            }
            _ => self.end_progress("failed").await,
        }
    }

    async fn ask_danger(&self, command: &str, reasons: &str) -> DangerChoice {
        let message = format!(
            "The generated command could destroy data ({reasons}):\n{command}\nsuperhelfer never runs commands. Insert it?"
        );
        let titles = [INSERT, INSERT_AS_COMMENT, confirm::CANCEL];
        let choice = confirm::choose(
            &self.client,
            &self.session,
            MessageType::WARNING,
            &message,
            &titles,
        )
        .await;
        match choice.as_deref() {
            Some(INSERT) => DangerChoice::Insert,
            Some(INSERT_AS_COMMENT) => DangerChoice::InsertAsComment,
            None if !confirm::can_ask(&self.session) => {
                // Never a silent no-op: what can be done without consent is done, and said.
                self.message(
                    MessageType::WARNING,
                    format!("inserted as a comment, since this editor cannot ask before a dangerous command: {reasons}. Remove the `# ` to use it."),
                )
                .await;
                DangerChoice::InsertAsComment
            }
            _ => DangerChoice::Cancel,
        }
    }
}

impl Ui for EditorUi {
    fn consent(&self) -> &dyn ConsentAsker {
        &self.consent
    }

    fn begin<'a>(&'a self, title: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let token = self.token.lock().unwrap_or_else(|e| e.into_inner()).take();
            let mut p = Progress::start(&self.client, &self.session, token, title).await;
            // Without a token only $/cancelRequest can stop the work.
            *self.cancel.lock().unwrap_or_else(|e| e.into_inner()) = Some(p.cancellation());
            *self.progress.lock().await = Some(p);
        })
    }

    fn event(&self, ev: Event) -> BoxFuture<'_, ()> {
        // Notices (a substituted tier, no GPU) also as a message, since they can come
        // before the progress has begun.
        Box::pin(async move {
            if let Event::Notice { message } = &ev {
                self.message(MessageType::WARNING, message.clone()).await;
            }
            if let Some(p) = self.progress.lock().await.as_mut() {
                p.event(&ev).await;
            }
        })
    }

    fn stopped(&self) -> BoxFuture<'_, ()> {
        let rx = self.cancel.lock().unwrap_or_else(|e| e.into_inner()).take();
        Box::pin(async move {
            let cancelled = match rx {
                Some(rx) => rx.await.is_ok(),
                None => false,
            };
            if !cancelled {
                std::future::pending::<()>().await;
            }
        })
    }

    fn end<'a>(&'a self, end: End<'a>) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            match end {
                End::Answered(o) => self.answered(o).await,
                End::Failed(e) => self.failed(e).await,
                End::Stopped => self.end_progress("cancelled").await,
            }
        })
    }

    fn tell(&self, level: Level, message: String) -> BoxFuture<'_, ()> {
        let typ = match level {
            Level::Info => MessageType::INFO,
            Level::Warning => MessageType::WARNING,
        };
        Box::pin(self.message(typ, message))
    }

    fn confirm_danger<'a>(
        &'a self,
        command: &'a str,
        reasons: &'a str,
    ) -> BoxFuture<'a, DangerChoice> {
        Box::pin(self.ask_danger(command, reasons))
    }
}
