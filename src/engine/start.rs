//! What a fresh process would otherwise do on its first request, done once at start,
//! off the protocol's path, so that the first request is no slower than the second
//! (`cargo bench --bench first_request`). The token table is static (`cl100k.rs`); what is
//! left is decoded on first use: the analyzer's lexicon, the first stage's weights and the
//! pages of both tables; one HTTP client per backend and connect timeout; and, where the
//! server already talks to the backend at start (`router.warm_fast`), the installed and
//! resident models the router's checks ask for, which the first request would otherwise
//! wait a round trip for.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::analyzer;
use super::context::{self, EditorContext, LineRange};
use super::probes::{PROBE_CONNECT_S, PROBE_LIMIT};
use super::router::Engine;
use super::tier::Tier;
use crate::backends;
use crate::config::BackendKind;

/// Warms `engine` in the background; returns at once. Needs a Tokio runtime.
pub fn warm(engine: Arc<Engine>) {
    let cpu = engine.clone();
    let cpu = tokio::task::spawn_blocking(move || warm_now(&cpu));
    if engine.config().router.warm_fast {
        tokio::spawn(async move {
            // After the CPU part: on two cores the two would only slow each other.
            let _ = cpu.await;
            prefetch(&engine).await;
        });
    }
}

/// The CPU part of [`warm`] (no network), on the caller's thread.
pub fn warm_now(engine: &Engine) {
    let started = std::time::Instant::now();
    // A short query and a code-like one reach the lexicon, both feature kinds, the first
    // stage's tables and the token table.
    for q in [
        "hello there",
        "grep -c ERROR /var/log/syslog | sort -h # why?",
    ] {
        let _ = analyzer::analyze(q, &engine.analyzer_settings());
    }
    let config = engine.config();
    // Once through the code every request runs before and after the model call (the
    // context block, the risk check of an answer): its pages and allocations are then
    // in place.
    let cfg = &config.context;
    let _ = context::build(&EditorContext {
        path: Some("/warm/up.sh"),
        language_id: "shellscript",
        text: "#!/bin/bash\n# list the largest files\nls -la | sort -k5 -n\n",
        selection: LineRange::lines(1, 1),
        diagnostics: &[],
        lines_around: cfg.lines_around,
        max_tokens: cfg.max_tokens,
    });
    let _ = crate::risk::assess("du -sh /var/log/* | sort -h | tail -n 5");
    for tier in Tier::ALL {
        let t = config.tiers.get(tier);
        if !engine.backend_allowed(&t.backend) {
            continue;
        }
        // The model call's client and the probes' one (each keyed by its connect timeout).
        let _ = engine.backend(&t.backend, t.connect_timeout_s);
        let _ = engine.backend(&t.backend, PROBE_CONNECT_S);
    }
    tracing::debug!("warmed in {} µs", started.elapsed().as_micros());
}

/// Asks each tier's Ollama backend once for its installed models (and, where the VRAM
/// guard will ask, the resident ones), as a request's checks do; remembered by the probes.
async fn prefetch(engine: &Engine) {
    let config = engine.config();
    let names: BTreeSet<&str> = Tier::ALL
        .iter()
        .map(|t| config.tiers.get(*t).backend.as_str())
        .collect();
    for name in names {
        let Some(b) = config.backends.get(name) else {
            continue;
        };
        if b.kind != BackendKind::Ollama || !engine.backend_allowed(name) {
            continue;
        }
        let Ok(backend) = engine.backend(name, PROBE_CONNECT_S) else {
            continue;
        };
        let residency = config.vram.enabled && backends::is_loopback(&b.url);
        engine
            .probes()
            .prefetch(name, &backend, residency, PROBE_LIMIT)
            .await;
    }
}
