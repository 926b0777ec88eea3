//! `superhelfer stats`.

use std::process::ExitCode;

/// `stats`: the decision log, summed up (no configuration or backend needed).
pub(super) fn run(json: bool) -> ExitCode {
    use superhelfer::engine::{decisions, first_stage::corrections};
    let Some(path) = decisions::log_file() else {
        eprintln!("superhelfer: no state directory: set XDG_STATE_HOME or HOME");
        return ExitCode::FAILURE;
    };
    let kept = corrections::state_file().map_or(0, |p| corrections::load(&p).len());
    match decisions::summarise(&path, kept) {
        Ok(s) if json => match serde_json::to_string_pretty(&s) {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("superhelfer: {e}");
                ExitCode::FAILURE
            }
        },
        Ok(s) => {
            print!("{}", s.render());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("superhelfer: {message}");
            ExitCode::FAILURE
        }
    }
}
