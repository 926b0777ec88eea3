//! `superhelfer status`.

use std::process::ExitCode;

use superhelfer::engine::router::Engine;

/// Backends, tiers, GPU and counters, as text or JSON.
pub(super) async fn run(engine: &Engine, json: bool) -> ExitCode {
    let status = engine.status().await;
    if json {
        match serde_json::to_string_pretty(&status) {
            Ok(s) => println!("{s}"),
            Err(e) => eprintln!("superhelfer: {e}"),
        }
    } else {
        print!("{}", status.render());
    }
    ExitCode::SUCCESS
}
