//! The engine: routing, backends' use, the VRAM guard and context. It knows nothing of LSP;
//! the CLI, the language server and the tests all call it.

pub mod tier;
