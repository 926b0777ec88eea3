//! What the second opinion adds to a request, against the real tiny model (llama.cpp's
//! server with SmolLM2-135M, `tests/support/llama.rs`): for queries the first stage is
//! unsure of, `Engine::route_checked` (first stage + the constrained vote) against
//! `Engine::route` (first stage alone). The budget is raised here so that the figure is the
//! vote's own time, not the cap; the share within the default 300 ms is printed too.
//!
//! Run: `cargo bench --bench second_opinion` (needs `.venv-llm`; see
//! scripts/tiny-model-setup.sh).

#[path = "../tests/support/llama.rs"]
mod llama;
// llama.rs reports a missing server through its sibling `skip`.
#[path = "../tests/support/skip.rs"]
mod skip;

use std::time::{Duration, Instant};

use serde_json::json;
use superhelfer::config::{Layer, Resolved, Source};
use superhelfer::engine::router::{AskRequest, Consent, Engine, FixedConsent};
use superhelfer::engine::tier::Tier;

const UNSURE: &[&str] = &[
    "why is the sky blue and how would you prove it",
    "is a hot dog a sandwich, argue both sides",
    "how many ways can 8 queens sit on a chessboard",
    "what would happen if the moon were twice as far away",
];
const ROUNDS: usize = 10;

fn main() {
    let Some(server) = llama::LlamaServer::start() else {
        return;
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let tier = json!({"model": llama::LLAMA_MODEL, "backend": "llama"});
    let settings = json!({
        "backends": {"llama": {"kind": "openai", "url": server.url()}},
        "vram": {"enabled": false},
        "router": {"second_opinion_ms": 10_000, "second_opinion_below": 1.0},
        "tiers": {"fast": tier, "code": tier, "heavy": tier},
    });
    let layers = vec![
        Layer::defaults(None),
        Layer::from_json(settings, Source::InitializationOptions).expect("settings"),
    ];
    let engine = Engine::new(&Resolved::merge(&layers).expect("config"));
    let req = |q: &str| AskRequest {
        query: q.into(),
        ..Default::default()
    };
    rt.block_on(async {
        // One answer makes the model known to be loaded (an OpenAI-compatible server
        // cannot list what is resident); it also warms llama.cpp.
        let warm = AskRequest {
            tier: Some(Tier::Fast),
            max_tokens: Some(4),
            ..req("hello")
        };
        engine
            .ask(warm, &FixedConsent(Consent::Load), &mut |_| {})
            .await
            .expect("warm-up answer");
        let (mut added, mut votes, mut failed) = (Vec::new(), Vec::new(), 0);
        for _ in 0..ROUNDS {
            for q in UNSURE {
                let t = Instant::now();
                let alone = engine.route(&req(q));
                let first_ms = t.elapsed();
                let t = Instant::now();
                let r = engine.route_checked(&req(q)).await;
                let checked = t.elapsed();
                added.push(checked.saturating_sub(first_ms));
                match r.second_opinion {
                    Some(s) if s.contains(" ms)") => votes.push(format!("{} → {}", alone.tier, r.tier)),
                    other => {
                        failed += 1;
                        eprintln!("no vote: {other:?} {:?}", r.analysis.reasons.last());
                    }
                }
            }
        }
        added.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let at = |p: usize| added[(p * added.len()).div_ceil(100).max(1) - 1];
        let within = added.iter().filter(|d| **d <= Duration::from_millis(300)).count();
        println!(
            "second opinion ({} model, {} requests): added median {:.1} ms, p95 {:.1} ms, max {:.1} ms; {within}/{} within 300 ms; {failed} without a vote",
            llama::LLAMA_MODEL,
            added.len(),
            ms(at(50)),
            ms(at(95)),
            ms(at(100)),
            added.len(),
        );
        let changed = votes.iter().filter(|v| {
            let mut p = v.split(" → ");
            p.next() != p.next()
        });
        println!("votes that changed the tier: {}/{}", changed.count(), votes.len());
    });
    drop(server);
}
