//! The command line: every subcommand, flag and argument, with its help text.

use clap::{Parser, Subcommand};

use superhelfer::engine::tier::Tier;

#[derive(Parser)]
#[command(
    name = "superhelfer",
    version,
    about = "Local LLMs in the editor, safely"
)]
pub(super) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(clap::Args, Clone, Copy)]
pub(super) struct VramFlags {
    /// Load a big model even when the VRAM guard would ask (`cmd`: also accept a
    /// dangerous command, exit 0 instead of 3).
    #[arg(long, conflicts_with = "no_load")]
    pub yes: bool,
    /// Never load a big model the guard would ask about: answer with the fast model.
    #[arg(long)]
    pub no_load: bool,
}

#[derive(Subcommand)]
pub(super) enum Command {
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
        /// Use this tier: fast, code or heavy (default: code).
        #[arg(long)]
        tier: Option<Tier>,
        /// Use this model (on the chosen tier's backend).
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
        /// The query, as the user would ask it (not needed with --jsonl or --forget).
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
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Sum up the decision log (`log.decisions = true`): tier mix, fallbacks, corrections,
    /// latencies per tier.
    Stats {
        /// Print the summary as JSON.
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn every_subcommand_flag_and_argument_has_help() {
        let cli = super::Cli::command();
        for sub in cli.get_subcommands() {
            assert!(
                sub.get_about().is_some(),
                "`{}` has no help",
                sub.get_name()
            );
            for arg in sub.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                assert!(
                    arg.get_help().is_some(),
                    "`{} {id}` has no help text",
                    sub.get_name()
                );
            }
        }
    }
}
