//! `superhelfer route`: the router's decision, no model called; `--prefer`/`--forget`
//! keep or drop corrections.

use std::io::Write;
use std::process::ExitCode;

use superhelfer::engine::router::{AskRequest, Engine};
use superhelfer::engine::tier::Tier;

/// `route --forget` and `route --prefer TIER`: `Some(exit code)` when the command ends
/// here (forget, or an error), `None` to print the corrected route.
pub(super) fn correct(prefer: Option<Tier>, forget: bool, query: &[String]) -> Option<ExitCode> {
    use superhelfer::engine::first_stage::corrections;
    if !forget && prefer.is_none() {
        return None;
    }
    let Some(path) = corrections::state_file() else {
        eprintln!("superhelfer: no state directory: set XDG_STATE_HOME or HOME");
        return Some(ExitCode::FAILURE);
    };
    if forget {
        return Some(match corrections::forget(&path) {
            Ok(n) => {
                println!("forgot {n} correction(s) ({})", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("superhelfer: {}: {e}", path.display());
                ExitCode::FAILURE
            }
        });
    }
    let tier = prefer?;
    if query.is_empty() {
        eprintln!("superhelfer: route --prefer TIER needs the query");
        return Some(ExitCode::from(2));
    }
    match corrections::record(&path, &query.join(" "), tier) {
        Ok(()) => {
            eprintln!("kept: this query goes to {tier} ({})", path.display());
            None
        }
        Err(e) => {
            eprintln!("superhelfer: {}: {e}", path.display());
            Some(ExitCode::FAILURE)
        }
    }
}

/// `route`: the decision for a query, or for each `{"query": …}` line on stdin.
pub(super) fn run(engine: &Engine, jsonl: bool, json: bool, query: Vec<String>) -> ExitCode {
    if jsonl {
        route_lines(engine)
    } else {
        route_query(engine, json, &query)
    }
}

/// The decision for the query given as arguments, as a sentence or (`--json`) one object.
fn route_query(engine: &Engine, json: bool, query: &[String]) -> ExitCode {
    if query.is_empty() {
        eprintln!("superhelfer: route needs a query, or --jsonl with queries on stdin");
        return ExitCode::from(2);
    }
    let r = engine.route(&AskRequest {
        query: query.join(" "),
        ..Default::default()
    });
    if json {
        println!("{}", route_json(&r));
    } else {
        println!(
            "{} ({} on {}), confidence {:.2}, {} tokens: {}",
            r.tier,
            r.model,
            r.backend,
            r.analysis.confidence,
            r.analysis.tokens,
            r.analysis.reasons.join("; ")
        );
    }
    ExitCode::SUCCESS
}

/// `--jsonl`: one decision (or error object) per `{"query": …}` line on stdin; a line
/// that is not one fails the exit code but not the lines after it.
fn route_lines(engine: &Engine) -> ExitCode {
    let mut failed = false;
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let mut buf = String::new();
    let mut n = 0;
    loop {
        buf.clear();
        match std::io::BufRead::read_line(&mut stdin.lock(), &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                eprintln!("superhelfer: reading stdin: {e}");
                return ExitCode::FAILURE;
            }
        }
        n += 1;
        let line = buf.trim();
        if line.is_empty() {
            continue;
        }
        let parsed: Result<serde_json::Value, _> = serde_json::from_str(line);
        let query = match &parsed {
            Ok(v) => v["query"].as_str(),
            Err(_) => None,
        };
        let Some(query) = query else {
            failed = true;
            let err = serde_json::json!({"line": n, "error": "expected {\"query\": \"...\"}"});
            let _ = writeln!(out, "{err}");
            continue;
        };
        let r = engine.route(&AskRequest {
            query: query.to_string(),
            ..Default::default()
        });
        let _ = writeln!(out, "{}", route_json(&r));
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn route_json(r: &superhelfer::engine::router::Route) -> serde_json::Value {
    serde_json::json!({
        "tier": r.tier,
        "model": r.model,
        "backend": r.backend,
        "complexity": (r.analysis.complexity * 1000.0).round() / 1000.0,
        "tokens": r.analysis.tokens,
        "confidence": (r.analysis.confidence * 1000.0).round() / 1000.0,
        "probabilities": r.analysis.probabilities.map(|p| serde_json::json!({
            "fast": (p.fast * 1000.0).round() / 1000.0,
            "code": (p.code * 1000.0).round() / 1000.0,
            "heavy": (p.heavy * 1000.0).round() / 1000.0,
        })),
        "reasons": r.analysis.reasons,
    })
}
