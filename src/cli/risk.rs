//! `superhelfer risk`: what a command could destroy, never running it.

use std::io::Write;
use std::process::ExitCode;

use superhelfer::risk::{self, RiskLevel};

use super::{EXIT_CAUTION, EXIT_DANGER};

/// `risk`: the assessment as JSON; the exit status says the level.
pub(super) fn run(words: &[String]) -> ExitCode {
    let text = match words {
        [dash] if dash == "-" => {
            let mut buf = String::new();
            if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut buf) {
                eprintln!("superhelfer: cannot read the command from stdin: {e}");
                return ExitCode::FAILURE;
            }
            buf
        }
        [one] => one.clone(),
        // Words the user's shell already split: quoted back so they stay words.
        many => many
            .iter()
            .map(|w| shell_quote(w))
            .collect::<Vec<_>>()
            .join(" "),
    };
    let report = risk::assess(&text);
    match serde_json::to_string_pretty(&report) {
        // A reader that went away (`| head`) is not an error of the assessment.
        Ok(s) => {
            let _ = writeln!(std::io::stdout(), "{s}");
        }
        Err(e) => {
            eprintln!("superhelfer: {e}");
            return ExitCode::FAILURE;
        }
    }
    match report.level {
        RiskLevel::Safe => ExitCode::SUCCESS,
        RiskLevel::Caution => ExitCode::from(EXIT_CAUTION),
        RiskLevel::Danger => ExitCode::from(EXIT_DANGER),
    }
}

/// One word as shell text: plain when it has no special characters.
fn shell_quote(w: &str) -> String {
    let plain = !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_@%+=:,./-~*?".contains(c));
    if plain {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', "'\\''"))
    }
}
