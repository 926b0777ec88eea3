//! Text knowledge shared by every feature: what a model's answer looks like around the part
//! that matters. Pure functions over strings; no LSP, no engine.

pub mod diagnostic;
pub mod reasoning;
