//! superhelfer: a language server and CLI that bring local LLMs into the editor, safely.
//!
//! The map is in ARCHITECTURE.md: `features` holds each feature's pipeline, `lsp` is the
//! thin protocol layer over it (the CLI in `src/cli/` the other), `engine` routes and
//! guards, `backends` talk to model servers, `config` merges every configuration source.

pub mod backends;
pub mod config;
pub mod engine;
pub mod features;
pub mod logging;
pub mod lsp;
pub mod risk;
pub mod shellcheck;
pub mod tasks;
pub mod text;
pub mod tier;

/// How a unit test that cannot run here says so (the integration tests' helper).
#[cfg(test)]
#[path = "../tests/support/skip.rs"]
mod test_skip;
