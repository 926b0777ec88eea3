//! The signal for warm-ahead (`engine/warm.rs`): a code-action listing on a request line.
//! The listing stays instant (the work is spawned); a listing waits `DEBOUNCE` and gives
//! way to a later one, so scrolling through lines warms nothing until the cursor rests,
//! and to a command picked meanwhile.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tracing::debug;

use crate::engine::tier::Tier;

use super::session::Session;

/// How long the cursor must rest on a request line.
pub const DEBOUNCE: Duration = Duration::from_millis(500);

/// Which listing is the newest.
#[derive(Default)]
pub struct WarmState {
    seq: AtomicU64,
}

/// A command started: a warm-up still waiting is dropped (the request loads the model
/// itself, and two would probe the backend side by side).
pub fn supersede(state: &WarmState) {
    state.seq.fetch_add(1, Ordering::SeqCst);
}

/// A listing landed on a request line: warm the code model once the cursor rests.
pub fn on_request_line(session: &Arc<Session>, state: &Arc<WarmState>) {
    if !session.engine().config().router.warm_ahead {
        return;
    }
    let mine = state.seq.fetch_add(1, Ordering::SeqCst) + 1;
    let session = session.clone();
    let state = state.clone();
    tokio::spawn(async move {
        tokio::time::sleep(DEBOUNCE).await;
        if state.seq.load(Ordering::SeqCst) != mine {
            return;
        }
        let done = session.engine().warm_ahead(Tier::Code).await;
        debug!("warm-ahead: {done:?}");
    });
}
