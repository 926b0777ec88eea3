//! Text knowledge shared by every feature: shell dialects (one table, one shebang parser),
//! Markdown fences (CommonMark's rules), reasoning blocks, lines as editors number them,
//! diagnostics as plain data.
//! Pure functions over strings; no LSP, no engine.

pub mod diagnostic;
pub mod dialect;
pub mod fence;
pub mod lines;
pub mod reasoning;
