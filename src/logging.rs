//! Logging through `tracing`: to stderr always, and to a file when configured. stdout is
//! never written: in LSP mode it belongs to the protocol.

use std::path::Path;

use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer};

/// The variable that sets the level, in `EnvFilter` syntax (`debug`, `superhelfer=trace`).
pub const LEVEL_VAR: &str = "SUPERHELFER_LOG";

/// Installs the global subscriber. `default_level` applies when `SUPERHELFER_LOG` is unset.
/// Returns a warning to show the user when the log file could not be opened or the level
/// could not be parsed; logging then goes on to stderr.
pub fn init(default_level: &str, file: Option<&Path>) -> Option<String> {
    let mut warning = None;
    let filter = match std::env::var(LEVEL_VAR) {
        Ok(spec) if !spec.trim().is_empty() => EnvFilter::try_new(&spec).unwrap_or_else(|e| {
            warning = Some(format!("{LEVEL_VAR}=`{spec}` is not a valid filter: {e}"));
            EnvFilter::new(default_level)
        }),
        _ => EnvFilter::new(default_level),
    };
    let stderr = fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false);
    let file_layer = file.and_then(|path| {
        match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            Ok(f) => Some(
                fmt::layer()
                    .with_writer(std::sync::Mutex::new(f))
                    .with_ansi(false)
                    .boxed(),
            ),
            Err(e) => {
                warning = Some(format!("cannot open log file {}: {e}", path.display()));
                None
            }
        }
    });
    // A second init (tests in one process) keeps the first subscriber.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(stderr)
        .with(file_layer)
        .try_init();
    warning
}
