//! `superhelfer cmd`.

use std::process::ExitCode;

use superhelfer::engine::router::{AskRequest, Engine};
use superhelfer::engine::tier::Tier;
use superhelfer::risk::{self, RiskLevel};
use superhelfer::tasks::shell_command::{self, CommandRequest, Dialect};

use super::args::VramFlags;
use super::terminal::{consent_for, print_event};
use super::EXIT_DANGER;

fn dialect_from(shell: Option<&str>) -> Result<Dialect, String> {
    let name = match shell {
        Some(s) => s.to_string(),
        None => std::env::var("SHELL")
            .ok()
            .and_then(|s| s.rsplit('/').next().map(str::to_string))
            .unwrap_or_else(|| "bash".into()),
    };
    match name.to_ascii_lowercase().as_str() {
        "bash" => Ok(Dialect::Bash),
        "sh" | "dash" | "ash" => Ok(Dialect::Sh),
        "zsh" => Ok(Dialect::Zsh),
        "fish" => Ok(Dialect::Fish),
        "pwsh" | "powershell" => Ok(Dialect::PowerShell),
        "dockerfile" | "docker" => Ok(Dialect::Dockerfile),
        "makefile" | "make" => Ok(Dialect::Makefile),
        other => Err(format!(
            "unknown shell `{other}` (bash, sh, zsh, fish, powershell, dockerfile, makefile)"
        )),
    }
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
    let text = request.join(" ");
    let os = shell_command::os_name();
    let (system, user) = shell_command::build_prompt(&CommandRequest {
        request: &text,
        dialect,
        os: &os,
        context: "",
    });
    let consent = consent_for(vram, engine);
    // Commands are the coder model's work unless the user says otherwise.
    let mut req =
        AskRequest::with_prompt(text.clone(), system, user, Some(tier.unwrap_or(Tier::Code)));
    req.model = model;
    req.max_tokens = Some(superhelfer::tasks::COMMAND_MAX_TOKENS);
    let outcome = match engine
        .ask(req, consent.as_ref(), &mut |ev| print_event(ev, false))
        .await
    {
        Ok(o) => o,
        Err(e) => {
            eprintln!("superhelfer: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(cut) = &outcome.answer_cut {
        eprintln!("superhelfer: {cut}");
    }
    let command = match shell_command::extract_command(&outcome.answer, dialect) {
        Ok(c) => c,
        Err(e) => {
            eprintln!(
                "superhelfer: {e}; the model answered:\n{}",
                outcome.answer.trim()
            );
            return ExitCode::FAILURE;
        }
    };
    let report = risk::assess(&command);
    println!("{command}");
    let level = serde_json::to_value(report.level)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    if report.reasons.is_empty() {
        eprintln!("superhelfer: risk: {level}");
    } else {
        eprintln!("superhelfer: risk: {level}: {}", report.reasons.join("; "));
    }
    if report.level == RiskLevel::Caution {
        eprintln!(
            "superhelfer: caution: {}: read the command before you run it.",
            report.reasons.join("; ")
        );
    }
    if report.level == RiskLevel::Danger && !vram.yes {
        eprintln!("superhelfer: this command could destroy data; it was not run (superhelfer never runs commands). Exit code 3; pass --yes to accept.");
        return ExitCode::from(EXIT_DANGER);
    }
    ExitCode::SUCCESS
}
