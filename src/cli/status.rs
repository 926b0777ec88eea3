//! `superhelfer status`: `features::status` printed as text or JSON.

use std::process::ExitCode;

use superhelfer::engine::router::Engine;
use superhelfer::features::status;

/// Backends, tiers, GPU and counters, as text or JSON.
pub(super) async fn run(engine: &Engine, json: bool) -> ExitCode {
    let report = status::run(engine).await;
    if json {
        match serde_json::to_string_pretty(&report.status) {
            Ok(s) => println!("{s}"),
            Err(e) => eprintln!("superhelfer: {e}"),
        }
    } else {
        print!("{}", report.text);
    }
    // A script can check that every tier can answer.
    if report.status.tier_backends_down().is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
