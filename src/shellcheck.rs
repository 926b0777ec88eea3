//! Placeholder until the shellcheck runner lands.
use crate::engine::context::Diagnostic;
pub fn available() -> bool {
    false
}
#[derive(Debug, thiserror::Error)]
#[error("shellcheck unavailable")]
pub struct ShellcheckError;
pub async fn check(
    _text: &str,
    _dialect: Option<&str>,
) -> Result<Vec<Diagnostic>, ShellcheckError> {
    Ok(Vec::new())
}
