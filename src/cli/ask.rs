//! `superhelfer ask`: the words (and `-`: stdin's material) → `features::ask::run` → the
//! answer on stdout, streamed to a terminal; a pipe gets only the answer that completed.

use std::process::ExitCode;

use superhelfer::engine::router::Engine;
use superhelfer::engine::tier::Tier;
use superhelfer::features::ask;

use super::args::VramFlags;
use super::terminal::{read_stdin, TerminalUi, Tokens};

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
    let tokens = Tokens::for_stdout();
    let ui = TerminalUi::new(engine, vram, tokens);
    let input = ask::Input {
        question: query,
        tier,
        model,
    };
    match ask::run(engine, input, &ui).await {
        Ok(outcome) => {
            if tokens == Tokens::Hold {
                print!("{}", outcome.answer);
                if !outcome.answer.ends_with('\n') {
                    println!();
                }
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
