//! The CLI adapter: flags in, a subcommand run over the engine, text and an exit code out.
//! `lsp` starts the language server instead.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use superhelfer::config::{self, Resolved};
use superhelfer::engine::router::Engine;
use superhelfer::{logging, lsp};

mod args;
mod ask;
mod cmd;
mod risk;
mod route;
mod stats;
mod status;
mod terminal;

use args::{Cli, Command};

/// Exit status for a dangerous command (`cmd`, `risk`).
const EXIT_DANGER: u8 = 3;
/// Exit status of `superhelfer risk` for a caution-level command (1 and 2 are errors).
const EXIT_CAUTION: u8 = 4;

/// Parses the command line and runs the subcommand.
pub fn main() -> ExitCode {
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
        Command::Risk { command } => risk::run(&command),
        Command::Stats { json } => stats::run(json),
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
            } => ask::run(&engine, tier, model, json, vram, question).await,
            Command::Cmd {
                shell,
                tier,
                model,
                vram,
                request,
            } => cmd::run(&engine, shell, tier, model, vram, request).await,
            Command::Route {
                jsonl,
                json,
                prefer,
                forget,
                query,
            } => match route::correct(prefer, forget, &query) {
                Some(code) => code,
                None => route::run(&engine, jsonl, json, query),
            },
            Command::Status { json } => status::run(&engine, json).await,
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
