//! One module per user-facing task: the prompt in, the answer parsed out. Tasks know nothing
//! of LSP; the language server and the CLI both use them.

pub mod explain;
pub mod fix_error;
pub mod shell_command;
