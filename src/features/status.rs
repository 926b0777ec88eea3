//! "Status": backends, tiers, GPU and counters in one report, as data and as text. It
//! asks nothing and streams nothing, so it needs no ui.

use crate::engine::router::Engine;
use crate::engine::status::Status;

/// The report, and its text as people read it.
pub struct Output {
    pub status: Status,
    pub text: String,
}

pub async fn run(engine: &Engine) -> Output {
    let status = engine.status().await;
    let text = status.render();
    Output { status, text }
}
