//! The `superhelfer` command: the language server and a CLI over the same engine.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use superhelfer::config::{self, Resolved};
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

#[derive(Subcommand)]
enum Command {
    /// Run the language server on stdin/stdout.
    Lsp {
        /// Accepted and ignored: stdio is the only transport (VS Code passes it).
        #[arg(long)]
        stdio: bool,
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
    }
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
        .ok()
        .map(|r| r.config.log.file)
        .filter(|f| !f.is_empty())
        .map(PathBuf::from);
    if let Some(warning) = logging::init("info", log_file.as_deref()) {
        tracing::warn!("{warning}");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("superhelfer: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(lsp::run_stdio(layers, file_error));
    // Requests still running (a model stream) must not keep the process alive once the
    // client has gone.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            ExitCode::FAILURE
        }
    }
}
