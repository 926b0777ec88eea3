//! "Generate shell command": the request line → context → the code tier → extraction →
//! risk → consent → the lines inserted after the request line. Ghost text
//! (`lsp/inline.rs`) runs the same pipeline through `generate_command`.

use super::*;

const INSERT: &str = "Insert";
const INSERT_AS_COMMENT: &str = "Insert as comment";

/// Who a generated command is for: the code action (progress, dialogs, messages) or
/// ghost text (silent, and never a dialog: a load that needs consent is not made).
pub(in crate::lsp) enum Mode {
    Action(Option<ProgressToken>),
    Ghost,
}

/// A command generated for a request line, risk-assessed.
pub(in crate::lsp) struct Generated {
    pub command: String,
    pub report: risk::RiskReport,
    pub outcome: Outcome,
    /// The context was cut to the budget.
    pub over_budget: bool,
}

/// The pipeline behind "Generate shell command" and ghost text alike: context, the code
/// tier, extraction, risk.
pub(in crate::lsp) async fn generate_command(
    ctx: &Ctx<'_>,
    doc: &Document,
    uri: &Uri,
    line_no: usize,
    request: String,
    dialect: shell_command::Dialect,
    mode: Mode,
) -> Result<Generated> {
    let built = ctx
        .context(doc, uri, (line_no, line_no), Vec::new())
        .await?;
    if matches!(mode, Mode::Action(_)) {
        ctx.tell_cut(&built).await;
    }
    let request = cut_to_budget(
        request,
        &built,
        ctx.session.engine().config().context.max_tokens,
    );
    let os = shell_command::os_name();
    let (system, user) = shell_command::build_prompt(&CommandRequest {
        request: &request,
        dialect,
        os: &os,
        context: &built.rendered,
    });
    // Commands are the coder model's work.
    let req = AskRequest {
        max_tokens: Some(tasks::COMMAND_MAX_TOKENS),
        ..AskRequest::with_prompt(request.clone(), system, user, Some(Tier::Code))
    };
    let outcome = match mode {
        Mode::Action(token) => {
            ctx.run_model("superhelfer: Generate shell command", token, req)
                .await?
        }
        Mode::Ghost => {
            let engine = ctx.session.engine();
            engine
                .ask(req, &FixedConsent(Consent::Cancel), &mut |_| {})
                .await
                .map_err(|e| match e {
                    // Only the guard's question cancels here: it was not asked.
                    AskError::Cancelled { .. } => failed(
                        "loading the code model needs your consent (VRAM guard); pick \"Generate shell command\" from the code actions to decide",
                    ),
                    other => failed(other.to_string()),
                })?
        }
    };
    let command = shell_command::extract_command(&outcome.answer, dialect)
        .map_err(|e| failed(format!("{e}; nothing was inserted")))?;
    let report = risk::assess(&command);
    Ok(Generated {
        command,
        report,
        outcome,
        over_budget: built.over_budget,
    })
}

pub(super) async fn generate(
    ctx: &Ctx<'_>,
    args: ActionArgs,
    token: Option<ProgressToken>,
) -> Result<Value> {
    let (doc, line_no) = ctx.snapshot_at_listed_line(&args)?;
    let extra = ctx.session.command_languages();
    let dialect = actions::command_dialect(&doc, line_no, &extra).ok_or_else(|| {
        user_error("this is not a shell script, Dockerfile, Makefile or shell block")
    })?;
    let line = doc.line(line_no).ok_or_else(|| {
        user_error(format!(
            "line {} is past the end of the document",
            line_no + 1
        ))
    })?;
    let request = actions::line_request(&line, dialect).ok_or_else(|| {
        user_error(
            "this line holds no request (write a comment that says what the command should do)",
        )
    })?;
    let Generated {
        command,
        report,
        outcome,
        over_budget,
    } = generate_command(
        ctx,
        &doc,
        &args.uri,
        line_no,
        request,
        dialect,
        Mode::Action(token),
    )
    .await?;
    let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
    let mut lines: Vec<String> = Vec::new();
    let level = match report.level {
        RiskLevel::Safe => "safe",
        RiskLevel::Caution => "caution",
        RiskLevel::Danger => "danger",
    };
    if report.level == RiskLevel::Danger {
        let message = format!(
            "The generated command could destroy data ({}):\n{command}\nsuperhelfer never runs commands. Insert it?",
            report.reasons.join("; ")
        );
        let mut choice = confirm::choose(
            ctx.client,
            ctx.session,
            MessageType::WARNING,
            &message,
            &[INSERT, INSERT_AS_COMMENT, confirm::CANCEL],
        )
        .await;
        if choice.is_none() && !confirm::can_ask(ctx.session) {
            // Never a silent no-op: what can be done without consent is done, and said.
            ctx.client
                .show_message(
                    MessageType::WARNING,
                    format!(
                        "superhelfer: inserted as a comment, since this editor cannot ask before a dangerous command: {}. Remove the `# ` to use it.",
                        report.reasons.join("; ")
                    ),
                )
                .await;
            choice = Some(INSERT_AS_COMMENT.to_string());
        }
        let warning = format!("# superhelfer: DANGER: {}", report.reasons.join("; "));
        match choice.as_deref() {
            Some(INSERT) => {
                lines.push(warning);
                lines.extend(command.lines().map(str::to_string));
            }
            Some(INSERT_AS_COMMENT) => {
                lines.push(warning);
                lines.extend(command.lines().map(|l| format!("# {l}")));
            }
            _ => {
                return Ok(json!({
                    "command": command,
                    "risk": report,
                    "inserted": false,
                    "selection_cut": over_budget,
                    "outcome": outcome,
                }))
            }
        }
    } else {
        lines.extend(shell_command::caution_comment(&report));
        lines.extend(command.lines().map(str::to_string));
    }
    let eol = line_ending(&doc, line_no);
    let text: String = lines
        .iter()
        .map(|l| {
            if l.starts_with('\t') {
                format!("{l}{eol}")
            } else {
                format!("{indent}{l}{eol}")
            }
        })
        .collect();
    let anchor = vec![line.clone()];
    let applied = apply_after_anchor(ctx, &args.uri, &doc, line_no, &anchor, text).await?;
    debug!(level, applied, "generated command");
    Ok(json!({
        "command": command,
        "risk": report,
        "inserted": applied,
        "selection_cut": over_budget,
        "outcome": outcome,
    }))
}

/// The line break a line ends with (`\r\n` or `\n`), so inserted lines match the file.
pub(in crate::lsp) fn line_ending(doc: &Document, line: usize) -> &'static str {
    let rope = doc.rope();
    if line < rope.len_lines() {
        let l = rope.line(line);
        let n = l.len_chars();
        if n >= 2 && l.char(n - 2) == '\r' && l.char(n - 1) == '\n' {
            return "\r\n";
        }
    }
    "\n"
}
