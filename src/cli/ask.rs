//! `superhelfer ask`.

use std::process::ExitCode;

use superhelfer::engine::router::{AskRequest, Engine};
use superhelfer::engine::tier::Tier;

use super::args::VramFlags;
use super::terminal::{consent_for, print_event, read_stdin};

/// `ask`: the question (and the material on stdin) to the routed model.
pub(super) async fn run(
    engine: &Engine,
    tier: Option<Tier>,
    model: Option<String>,
    json: bool,
    vram: VramFlags,
    question: Vec<String>,
) -> ExitCode {
    let wants_stdin = question.iter().any(|w| w == "-");
    let mut query = question
        .iter()
        .filter(|w| *w != "-")
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    if wants_stdin {
        match read_stdin() {
            Some(material) => query = format!("{query}\n\n{material}"),
            None => {
                eprintln!(
                    "superhelfer: `-` asks for material on stdin, but stdin is a terminal or empty"
                );
                return ExitCode::from(2);
            }
        }
    }
    let consent = consent_for(vram, engine);
    let req = AskRequest {
        query,
        tier,
        model,
        ..Default::default()
    };
    match engine
        .ask(req, consent.as_ref(), &mut |ev| print_event(ev, true))
        .await
    {
        Ok(outcome) => {
            if !outcome.answer.ends_with('\n') {
                println!();
            }
            if let Some(cut) = &outcome.answer_cut {
                eprintln!("superhelfer: {cut}");
            }
            if json {
                if let Ok(s) = serde_json::to_string(&outcome) {
                    eprintln!("{s}");
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("superhelfer: {e}");
            ExitCode::FAILURE
        }
    }
}
