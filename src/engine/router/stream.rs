//! One streamed answer from one tier: the chat call within the first-token and total
//! limits, tokens passed on as events, the byte cap said as a cut.

use std::sync::Arc;
use std::time::Instant;

use futures_util::StreamExt;
use tracing::trace;

use crate::backends::{self, Backend, BackendError, ChatRequest, Chunk, Message};
use crate::engine::budget::{Budget, Limits};
use crate::tier::Tier;

use super::{keep_alive, Engine, Event};

impl Engine {
    /// One streamed answer from one tier, within its time limits and the request's.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn stream_once(
        &self,
        tier: Tier,
        model: &str,
        messages: Vec<Message>,
        max_tokens: Option<u32>,
        budget: &Budget,
        started: Instant,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<Streamed, BackendError> {
        let t = self.config.tiers.get(tier);
        let backend = self.backend(&t.backend, t.connect_timeout_s)?;
        let limits = Limits::new(t, budget);
        trace!(tier = %tier, model, prompt = ?messages, "prompt");
        let req = ChatRequest {
            model: model.to_string(),
            messages,
            keep_alive: keep_alive(backend.kind(), t),
            temperature: None,
            max_tokens,
            max_bytes: backends::MAX_ANSWER_BYTES,
        };
        let result = self
            .read_stream(&backend, req, &limits, started, on_event)
            .await;
        match &result {
            Ok(_) => self.probes.note_loaded(&t.backend, &backend, model),
            // The model may have been unloaded (out of memory, a crash): ask next time.
            Err(_) => self.probes.forget_residency(&t.backend),
        }
        result
    }

    async fn read_stream(
        &self,
        backend: &Arc<dyn Backend>,
        req: ChatRequest,
        limits: &Limits,
        started: Instant,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<Streamed, BackendError> {
        let url = backend.url().to_string();
        let model = req.model.clone();
        let timeout =
            |(_, phase, limit_s): (Instant, backends::TimeoutPhase, u64)| BackendError::Timeout {
                url: url.clone(),
                phase,
                limit_s,
            };
        let mut stream = tokio::time::timeout_at(limits.first.0.into(), backend.chat(req))
            .await
            .map_err(|_| timeout(limits.first))??;
        let mut answer = String::new();
        let mut first_token_ms = None;
        let mut tokens = None;
        let mut cut = None;
        loop {
            let limit = if first_token_ms.is_none() {
                limits.first
            } else {
                limits.total
            };
            let next = tokio::time::timeout_at(limit.0.into(), stream.next())
                .await
                .map_err(|_| timeout(limit))?;
            match next {
                Some(Ok(Chunk::Token(text))) => {
                    if first_token_ms.is_none() {
                        first_token_ms = Some(started.elapsed().as_millis() as u64);
                    }
                    answer.push_str(&text);
                    on_event(Event::Token { text });
                }
                Some(Ok(Chunk::Done {
                    completion_tokens, ..
                })) => {
                    tokens = completion_tokens;
                    break;
                }
                Some(Ok(Chunk::Cut { max_bytes })) => {
                    cut = Some(format!(
                        "the answer was cut at {} KiB: {model} went on past superhelfer's limit",
                        max_bytes / 1024
                    ));
                    break;
                }
                Some(Err(e)) => return Err(e),
                None => break,
            }
        }
        Ok(Streamed {
            answer,
            first_token_ms,
            tokens,
            cut,
        })
    }
}

/// An answer read to its end (or to the byte cap).
pub(super) struct Streamed {
    pub(super) answer: String,
    pub(super) first_token_ms: Option<u64>,
    pub(super) tokens: Option<u64>,
    /// Why the answer is incomplete, when it reached the byte cap.
    pub(super) cut: Option<String>,
}
