//! One module per user-facing task: the prompt in, the answer parsed out. Tasks know nothing
//! of LSP; the language server and the CLI both use them.

pub mod explain;
pub mod fix_error;
pub mod shell_command;

/// A generated command is a line or a few: more means the model is rambling.
pub const COMMAND_MAX_TOKENS: u32 = 400;
/// An explanation, an answer or a fix: long enough for a page, short of a runaway answer.
pub const ANSWER_MAX_TOKENS: u32 = 1500;
