//! The engine: routing, backends' use, the VRAM guard and context. It knows nothing of LSP;
//! the CLI, the language server and the tests all call it.

pub mod analyzer;
mod bpe_hash;
pub mod budget;
pub mod cl100k;
pub mod context;
pub mod counters;
pub mod decisions;
pub mod first_stage;
pub mod gpu;
pub mod probes;
pub mod request;
pub mod router;
pub mod second_opinion;
pub mod start;
pub mod status;
// Tier lives at the crate root (config and engine both use it); the old path stays.
pub use crate::tier;
pub mod tokens;
pub mod vram;
pub mod warm;
