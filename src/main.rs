//! The `superhelfer` command: the language server and a CLI over the same engine
//! (`cli/`).

use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    cli::main()
}
