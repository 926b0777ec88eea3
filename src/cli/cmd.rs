//! `superhelfer cmd`: flags → `features::generate::run` (the editor's pipeline: the same
//! extraction, risk and warning text) → the command on stdout, risk on stderr, and the
//! exit status (3 for a dangerous command not accepted with `--yes`).

use std::process::ExitCode;

use superhelfer::engine::router::Engine;
use superhelfer::engine::tier::Tier;
use superhelfer::features::{self, generate, generate::Insertion};
use superhelfer::risk::RiskLevel;
use superhelfer::tasks::shell_command::Dialect;

use super::args::VramFlags;
use super::terminal::{TerminalUi, Tokens};
use super::EXIT_DANGER;

fn dialect_from(shell: Option<&str>) -> Result<Dialect, String> {
    let name = match shell {
        Some(s) => s.to_string(),
        None => std::env::var("SHELL")
            .ok()
            .and_then(|s| s.rsplit('/').next().map(str::to_string))
            .unwrap_or_else(|| "bash".into()),
    };
    superhelfer::text::dialect::from_name(&name).ok_or_else(|| {
        format!("unknown shell `{name}` (bash, sh, zsh, fish, powershell, dockerfile, makefile)")
    })
}

/// `cmd`: one shell command for the request, risk-checked; exit 3 for danger.
pub(super) async fn run(
    engine: &Engine,
    shell: Option<String>,
    tier: Option<Tier>,
    model: Option<String>,
    vram: VramFlags,
    request: Vec<String>,
) -> ExitCode {
    let dialect = match dialect_from(shell.as_deref()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("superhelfer: {e}");
            return ExitCode::from(2);
        }
    };
    let input = generate::Input {
        request: request.join(" "),
        dialect,
        document: None,
        tier,
        model,
    };
    let ui = TerminalUi::new(engine, vram, Tokens::Hold);
    match generate::run(engine, input, &ui).await {
        Ok(out) => report(&out),
        Err(features::Error::Unusable { reason, answer }) => {
            eprintln!(
                "superhelfer: {reason}; the model answered:\n{}",
                answer.trim()
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("superhelfer: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The command on stdout; its risk and the editor's warning line on stderr.
fn report(out: &generate::Output) -> ExitCode {
    println!("{}", out.command);
    let level = serde_json::to_value(out.report.level)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    if out.report.reasons.is_empty() {
        eprintln!("superhelfer: risk: {level}");
    } else {
        eprintln!(
            "superhelfer: risk: {level}: {}",
            out.report.reasons.join("; ")
        );
    }
    if let Some(warning) = &out.warning {
        eprintln!("{warning}");
    }
    match (out.report.level, &out.insertion) {
        (RiskLevel::Caution, _) => {
            eprintln!("superhelfer: read the command before you run it.");
            ExitCode::SUCCESS
        }
        (RiskLevel::Danger, Insertion::Declined) => {
            eprintln!("superhelfer: this command could destroy data; it was not run (superhelfer never runs commands). Exit code 3; pass --yes to accept.");
            ExitCode::from(EXIT_DANGER)
        }
        _ => ExitCode::SUCCESS,
    }
}
