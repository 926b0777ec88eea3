//! Shared test support: an LSP client over the real binary's stdio, and stand-ins for what
//! cannot run here (Ollama, NVML), plus a launcher for the real tiny llama.cpp server.
// Each test binary uses a different part of the support code.
#![allow(dead_code)]

pub mod cli;
pub mod fake_nvml;
pub mod faults;
pub mod llama;
pub mod lsp_client;
pub mod nvim;
pub mod ollama_stub;
pub mod skip;
pub mod tmux;
