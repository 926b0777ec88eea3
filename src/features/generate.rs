//! "Generate shell command": the request (and, in the editor, the document around it) →
//! prompt → the code tier → extraction (reasoning blocks stripped) → risk → consent for a
//! dangerous command → the lines to insert. The code action, ghost text and `superhelfer
//! cmd` all run this, so the same answer gives the same command, risk and warning
//! everywhere.

use crate::engine::router::{AskRequest, Engine, Outcome};
use crate::engine::tier::Tier;
use crate::risk::{self, RiskLevel, RiskReport};
use crate::tasks::shell_command::{self, CommandRequest, Dialect};
use crate::tasks::COMMAND_MAX_TOKENS;

use super::{answer, build_context, cut_to_budget, tell_cut, DangerChoice, Document, Error};
use super::{Result, Ui};

pub const TITLE: &str = "superhelfer: Generate shell command";

/// A request for one command.
pub struct Input {
    /// What the command should do, in plain language.
    pub request: String,
    pub dialect: Dialect,
    /// The document and the request's line in it, for context (none on the command line).
    pub document: Option<(Document, usize)>,
    /// The tier to ask; the code tier when none is named.
    pub tier: Option<Tier>,
    pub model: Option<String>,
}

/// What goes into the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Insertion {
    /// These lines, unindented, in order: a warning line first where there is one.
    Lines(Vec<String>),
    /// Nothing: a dangerous command the user did not accept.
    Declined,
}

/// A generated command, risk-assessed.
pub struct Output {
    pub command: String,
    pub report: RiskReport,
    /// The warning shown with the command (`superhelfer: caution: …` or `superhelfer:
    /// DANGER: …`); in a script it is a comment line above the command.
    pub warning: Option<String>,
    pub insertion: Insertion,
    pub outcome: Outcome,
    /// The context was cut to the budget.
    pub over_budget: bool,
}

/// The whole pipeline; see the module comment.
pub async fn run(engine: &Engine, input: Input, ui: &dyn Ui) -> Result<Output> {
    let Input {
        request,
        dialect,
        document,
        tier,
        model,
    } = input;
    let (context, request, over_budget) = match &document {
        Some((doc, line)) => {
            let built = build_context(engine, doc, (*line, *line), Vec::new()).await?;
            tell_cut(engine, ui, &built).await;
            let max = engine.config().context.max_tokens;
            let request = cut_to_budget(request, &built, max);
            (built.rendered, request, built.over_budget)
        }
        None => (String::new(), request, false),
    };
    let os = shell_command::os_name();
    let (system, user) = shell_command::build_prompt(&CommandRequest {
        request: &request,
        dialect,
        os,
        context: &context,
    });
    // Commands are the coder model's work unless the user says otherwise.
    let req = AskRequest {
        max_tokens: Some(COMMAND_MAX_TOKENS),
        model,
        ..AskRequest::with_prompt(request, system, user, Some(tier.unwrap_or(Tier::Code)))
    };
    let outcome = answer(engine, ui, TITLE, req).await?;
    let command = extract(&outcome.answer, dialect)?;
    let report = risk::assess(&command);
    let warning = warning(&report);
    let insertion = insertion(&command, &report, warning.as_deref(), ui).await;
    Ok(Output {
        command,
        report,
        warning,
        insertion,
        outcome,
        over_budget,
    })
}

/// The command in an answer; thinking aloud (`<think>…</think>`) is never part of it
/// (`extract_command` strips reasoning blocks before it reads anything).
fn extract(answer: &str, dialect: Dialect) -> Result<String> {
    shell_command::extract_command(answer, dialect).map_err(|e| Error::Unusable {
        reason: e.to_string(),
        answer: answer.to_string(),
    })
}

/// The warning that goes with a command: its risk level and reasons, as people read them.
pub fn warning(report: &RiskReport) -> Option<String> {
    match report.level {
        RiskLevel::Safe => None,
        RiskLevel::Caution => shell_command::caution_comment(report)
            .map(|c| c.strip_prefix("# ").unwrap_or(&c).to_string()),
        RiskLevel::Danger => Some(format!(
            "superhelfer: DANGER: {}",
            report.reasons.join("; ")
        )),
    }
}

/// The lines to insert: the warning as a comment, then the command; a dangerous command
/// only with the user's consent, as it is or commented out.
async fn insertion(
    command: &str,
    report: &RiskReport,
    warning: Option<&str>,
    ui: &dyn Ui,
) -> Insertion {
    let choice = if report.level == RiskLevel::Danger {
        ui.confirm_danger(command, &report.reasons.join("; ")).await
    } else {
        DangerChoice::Insert
    };
    let comment = |l: &str| format!("# {l}");
    let mut lines: Vec<String> = warning.map(comment).into_iter().collect();
    match choice {
        DangerChoice::Insert => lines.extend(command.lines().map(str::to_string)),
        DangerChoice::InsertAsComment => lines.extend(command.lines().map(comment)),
        DangerChoice::Cancel => return Insertion::Declined,
    }
    Insertion::Lines(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::Silent;

    fn lines_for(command: &str, danger: DangerChoice) -> Insertion {
        let report = risk::assess(command);
        let ui = Silent {
            danger,
            ..Silent::declining()
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(insertion(
            command,
            &report,
            warning(&report).as_deref(),
            &ui,
        ))
    }

    #[test]
    fn a_safe_command_goes_in_alone() {
        assert_eq!(
            lines_for("ls -la", DangerChoice::Cancel),
            Insertion::Lines(vec!["ls -la".into()])
        );
    }

    #[test]
    fn a_caution_command_goes_in_under_its_reason_without_a_question() {
        let Insertion::Lines(lines) =
            lines_for("find . -name '*.pyc' -delete", DangerChoice::Cancel)
        else {
            panic!("caution asks nothing");
        };
        assert!(
            lines[0].starts_with("# superhelfer: caution: "),
            "{lines:?}"
        );
        assert_eq!(lines[1], "find . -name '*.pyc' -delete");
    }

    #[test]
    fn a_dangerous_command_goes_in_only_as_the_user_chose() {
        let cmd = "rm -rf ~/";
        assert_eq!(lines_for(cmd, DangerChoice::Cancel), Insertion::Declined);
        let Insertion::Lines(commented) = lines_for(cmd, DangerChoice::InsertAsComment) else {
            panic!("inserted as a comment");
        };
        assert!(
            commented[0].starts_with("# superhelfer: DANGER: "),
            "{commented:?}"
        );
        assert_eq!(commented[1], "# rm -rf ~/");
        let Insertion::Lines(plain) = lines_for(cmd, DangerChoice::Insert) else {
            panic!("inserted");
        };
        assert_eq!(plain, vec![commented[0].clone(), cmd.to_string()]);
    }
}
