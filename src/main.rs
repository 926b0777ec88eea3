//! The `superhelfer` command: the language server and a CLI over the same engine.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use futures_util::future::BoxFuture;

use superhelfer::config::{self, Resolved};
use superhelfer::engine::router::{AskRequest, Consent, ConsentAsker, Engine, Event, FixedConsent};
use superhelfer::engine::tier::Tier;
use superhelfer::risk::{self, RiskLevel};
use superhelfer::tasks::shell_command::{self, CommandRequest, Dialect};
use superhelfer::{logging, lsp};

#[derive(Parser)]
#[command(
    name = "superhelfer",
    version,
    about = "Local LLMs in the editor, safely"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone, Copy)]
struct VramFlags {
    /// Load a big model even when the VRAM guard would ask.
    #[arg(long, conflicts_with = "no_load")]
    yes: bool,
    /// Never load a big model the guard would ask about: answer with the fast model.
    #[arg(long)]
    no_load: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Run the language server on stdin/stdout.
    Lsp {
        /// Accepted and ignored: stdio is the only transport (VS Code passes it).
        #[arg(long)]
        stdio: bool,
    },
    /// Ask a question; the router picks the model. A `-` among the words adds stdin as
    /// material: `journalctl -u nginx | superhelfer ask "why does it fail?" -`.
    Ask {
        /// Use this tier: fast, code or heavy.
        #[arg(long)]
        tier: Option<Tier>,
        /// Use this model (on the chosen tier's backend).
        #[arg(long)]
        model: Option<String>,
        /// Print the outcome (tier, model, fallback, timings) as JSON on stderr at the end.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        vram: VramFlags,
        /// The question.
        #[arg(required = true, num_args = 1..)]
        question: Vec<String>,
    },
    /// Generate one shell command for a request (risk on stderr; exit 3 for danger).
    Cmd {
        /// Shell: bash, sh, zsh, fish, powershell, dockerfile, makefile (default: $SHELL).
        #[arg(long)]
        shell: Option<String>,
        #[arg(long)]
        tier: Option<Tier>,
        #[arg(long)]
        model: Option<String>,
        #[command(flatten)]
        vram: VramFlags,
        /// The request, in English or German.
        #[arg(required = true, num_args = 1..)]
        request: Vec<String>,
    },
    /// Show the route for a query (no model is called).
    Route {
        /// Read `{"query": ...}` lines on stdin, write one JSON decision per line.
        #[arg(long)]
        jsonl: bool,
        /// Print the decision as JSON.
        #[arg(long)]
        json: bool,
        /// Correct the route of the query: keep "this query wants TIER" in the state
        /// directory, so that similar queries lean that way from now on.
        #[arg(long, value_name = "TIER")]
        prefer: Option<Tier>,
        /// Delete every kept correction.
        #[arg(long, conflicts_with_all = ["prefer", "jsonl"])]
        forget: bool,
        query: Vec<String>,
    },
    /// Analyse what a shell command could destroy (JSON: level, reasons). Never runs it.
    ///
    /// Exit status: 0 safe, 4 caution, 3 danger; 1 an error (stdin unreadable),
    /// 2 a usage error.
    #[command(
        after_help = "Exit status: 0 safe, 4 caution, 3 danger, 1 error, 2 usage error.\n\
        `superhelfer risk -` reads the command (one or more lines) from stdin;\n\
        several words are taken as the command's words: superhelfer risk rm -rf /"
    )]
    Risk {
        /// The command: one argument holding shell text, several words, or `-` for stdin.
        #[arg(required = true, num_args = 1.., trailing_var_arg = true, allow_hyphen_values = true)]
        command: Vec<String>,
    },
    /// Backends, tiers, GPU and counters.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Sum up the decision log (`log.decisions = true`): tier mix, fallbacks, corrections,
    /// latencies per tier.
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// Print the effective configuration with the source of each value.
    Config {
        /// Print a commented default configuration file instead.
        #[arg(long)]
        default: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Lsp { stdio: _ } => run_lsp(),
        Command::Config { default } => {
            if default {
                print!("{}", config::DEFAULT_FILE);
                return ExitCode::SUCCESS;
            }
            let resolved = match cli_config() {
                Ok(r) => r,
                Err(code) => return code,
            };
            if let Some(path) = config::file_path() {
                println!("# configuration file: {}", path.display());
            }
            print!("{}", resolved.annotated());
            ExitCode::SUCCESS
        }
        Command::Risk { command } => risk_command(&command),
        Command::Stats { json } => stats(json),
        other => with_engine(other),
    }
}

/// Commands that need the engine: configuration, logging and a runtime.
fn with_engine(command: Command) -> ExitCode {
    let resolved = match cli_config() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let runtime = match start(&resolved.config.log.file, "warn", Flavor::CurrentThread) {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let engine = Engine::new(&resolved);
    runtime.block_on(async move {
        match command {
            Command::Ask {
                tier,
                model,
                json,
                vram,
                question,
            } => ask(&engine, tier, model, json, vram, question).await,
            Command::Cmd {
                shell,
                tier,
                model,
                vram,
                request,
            } => cmd(&engine, shell, tier, model, vram, request).await,
            Command::Route {
                jsonl,
                json,
                prefer,
                forget,
                query,
            } => match correct(prefer, forget, &query) {
                Some(code) => code,
                None => route(&engine, jsonl, json, query),
            },
            Command::Status { json } => {
                let status = engine.status().await;
                if json {
                    match serde_json::to_string_pretty(&status) {
                        Ok(s) => println!("{s}"),
                        Err(e) => eprintln!("superhelfer: {e}"),
                    }
                } else {
                    print!("{}", status.render());
                }
                ExitCode::SUCCESS
            }
            Command::Lsp { .. }
            | Command::Config { .. }
            | Command::Risk { .. }
            | Command::Stats { .. } => ExitCode::FAILURE,
        }
    })
}

enum Flavor {
    /// The CLI: one request at a time.
    CurrentThread,
    /// The language server: requests run side by side.
    MultiThread,
}

/// Logging (stderr, and `log_file` unless empty) and the async runtime.
fn start(
    log_file: &str,
    default_level: &str,
    flavor: Flavor,
) -> Result<tokio::runtime::Runtime, ExitCode> {
    let file = Some(log_file).filter(|f| !f.is_empty()).map(PathBuf::from);
    if let Some(w) = logging::init(default_level, file.as_deref()) {
        tracing::warn!("{w}");
    }
    let mut builder = match flavor {
        Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
        Flavor::MultiThread => {
            let mut b = tokio::runtime::Builder::new_multi_thread();
            b.worker_threads(2);
            b
        }
    };
    builder.enable_all().build().map_err(|e| {
        eprintln!("superhelfer: cannot start the async runtime: {e}");
        ExitCode::FAILURE
    })
}

/// The configuration for a CLI command; an invalid one is reported on stderr.
fn cli_config() -> Result<Resolved, ExitCode> {
    config::load_for_cli().map_err(|e| {
        eprintln!("superhelfer: {e}");
        ExitCode::from(2)
    })
}

/// How the CLI answers the VRAM guard: the flags, else a prompt on a terminal (Cancel when
/// unanswered for `ui.dialog_timeout_s`), else the fast model with a note on stderr.
struct TerminalConsent(VramFlags, std::time::Duration);

impl ConsentAsker for TerminalConsent {
    fn ask<'a>(&'a self, prompt: &'a str) -> BoxFuture<'a, Consent> {
        Box::pin(async move {
            if self.0.yes {
                return Consent::Load;
            }
            if self.0.no_load {
                eprintln!("superhelfer: {prompt} --no-load: answering with the fast model");
                return Consent::UseFast;
            }
            if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
                eprintln!(
                    "superhelfer: {prompt} No terminal to ask: answering with the fast model (pass --yes to load it)"
                );
                return Consent::UseFast;
            }
            let question = prompt.to_string();
            let asked = tokio::task::spawn_blocking(move || {
                eprint!("{question}\n[l]oad / use [f]ast model / [c]ancel: ");
                let _ = std::io::stderr().flush();
                let mut line = String::new();
                let _ = std::io::stdin().read_line(&mut line);
                line
            });
            let answer = match tokio::time::timeout(self.1, asked).await {
                Ok(line) => line.unwrap_or_default(),
                Err(_) => {
                    eprintln!(
                        "\nsuperhelfer: no answer within {} s (ui.dialog_timeout_s): treated as Cancel",
                        self.1.as_secs()
                    );
                    String::new()
                }
            };
            match answer.trim().to_ascii_lowercase().chars().next() {
                Some('l') | Some('y') | Some('j') => Consent::Load,
                Some('f') => Consent::UseFast,
                _ => Consent::Cancel,
            }
        })
    }
}

fn consent_for(flags: VramFlags, engine: &Engine) -> Box<dyn ConsentAsker> {
    if flags.yes {
        Box::new(FixedConsent(Consent::Load))
    } else {
        let limit = std::time::Duration::from_secs(engine.config().ui.dialog_timeout_s);
        Box::new(TerminalConsent(flags, limit))
    }
}

/// Prints events: tokens to stdout as they come, everything else to stderr.
fn print_event(ev: Event, stream_tokens: bool) {
    match ev {
        Event::Started {
            tier,
            model,
            reasons,
        } => {
            let why = if reasons.is_empty() {
                String::new()
            } else {
                format!(" ({})", reasons.join("; "))
            };
            eprintln!("superhelfer: {tier} tier, {model}{why}");
        }
        Event::Notice { message } => eprintln!("superhelfer: {message}"),
        Event::Token { text } if stream_tokens => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
        }
        Event::Token { .. } => {}
        Event::Retrying { from, reason } => {
            if stream_tokens {
                println!();
            }
            eprintln!(
                "superhelfer: fallback: the {from} tier failed ({reason}); the fast tier answers instead"
            );
        }
    }
}

/// Material piped on stdin (`journalctl -u x | superhelfer ask "why?" -`).
fn read_stdin() -> Option<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return None;
    }
    let mut buf = Vec::new();
    // Bounded: a runaway pipe must not eat memory.
    let _ = stdin.lock().take(8 * 1024 * 1024).read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).trim().to_string();
    (!text.is_empty()).then_some(text)
}

async fn ask(
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

async fn cmd(
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

/// Exit status of `superhelfer risk` for a caution-level command (danger is 3,
/// as for `cmd`; 1 and 2 are errors).
const EXIT_CAUTION: u8 = 4;
const EXIT_DANGER: u8 = 3;

fn risk_command(words: &[String]) -> ExitCode {
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

/// `stats`: the decision log, summed up (no configuration or backend needed).
fn stats(json: bool) -> ExitCode {
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

/// `route --forget` and `route --prefer TIER`: `Some(exit code)` when the command ends
/// here (forget, or an error), `None` to print the corrected route.
fn correct(prefer: Option<Tier>, forget: bool, query: &[String]) -> Option<ExitCode> {
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

fn route(engine: &Engine, jsonl: bool, json: bool, query: Vec<String>) -> ExitCode {
    if !jsonl {
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
        return ExitCode::SUCCESS;
    }
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

fn run_lsp() -> ExitCode {
    let (layers, file_error) = config::startup_layers();
    let log_file = Resolved::merge(&layers)
        .map(|r| r.config.log.file)
        .unwrap_or_default();
    let runtime = match start(&log_file, "info", Flavor::MultiThread) {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let result = runtime.block_on(lsp::run_stdio(layers, file_error));
    // Requests still running (a model stream, a dialog) must not keep the process alive
    // once the session has ended: dropping them closes their backend streams.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    match result {
        // 0 after `shutdown`, 1 without (the LSP specification's rule for `exit`).
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(e) => {
            tracing::error!("{e:#}");
            ExitCode::FAILURE
        }
    }
}
