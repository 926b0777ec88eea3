//! A real, tiny model server for integration tests: llama.cpp's OpenAI-compatible HTTP
//! server (PyPI `xllamacpp`) with SmolLM2-135M, started from the venv that
//! `scripts/tiny-model-setup.sh` installs.
//!
//! Its answers are poor; use it to test shapes, streaming, timing, errors and routing
//! against a real server, never wording. It speaks only the OpenAI API (no `/api/*`)
//! and ignores the request's `model` field.
//!
//! Where the venv or its packages are missing, [`LlamaServer::start`] prints
//! `SKIP: <reason>` and returns `None` so the test can return early, except when the
//! environment variable `CI` is `true`: CI installs them, so there it panics.

// Each integration test binary uses a different part of the support code.
#![allow(dead_code)]

use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The alias the server answers as.
pub const LLAMA_MODEL: &str = "smollm2-135m";

/// How long the model may take to load before the start counts as failed.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// The script exits with this status when xllamacpp or the model file is missing.
const EXIT_MISSING_PACKAGES: i32 = 2;

/// A running tiny model server on a free loopback port. Dropping it kills the process.
pub struct LlamaServer {
    child: Child,
    port: u16,
    log_path: PathBuf,
}

impl Drop for LlamaServer {
    fn drop(&mut self) {
        // SIGKILL by PID, then reap it so no zombie or listener outlives the test.
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log_path);
    }
}

enum StartError {
    /// Venv, interpreter or packages missing: a skip outside CI.
    Missing(String),
    /// The process ended early; likely the port was taken between pick and bind.
    Exited(String),
    /// Anything else: a real failure.
    Failed(String),
}

impl LlamaServer {
    /// Starts the server and waits (up to 60 s) until `GET /health` answers
    /// `{"status":"ok"}`. `None` (after printing `SKIP: ...`) when the venv is missing
    /// outside CI; panics in CI, and whenever the server fails for another reason.
    pub fn start() -> Option<LlamaServer> {
        let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let venv = match std::env::var_os("SUPERHELFER_LLM_VENV") {
            Some(v) if !v.is_empty() => PathBuf::from(v),
            _ => manifest_dir.join(".venv-llm"),
        };
        let python = venv.join("bin").join("python");
        let script = manifest_dir.join("scripts").join("tiny_model_server.py");

        let mut last_error = String::new();
        // A port picked free can be taken before the server binds it: try a few.
        for _ in 0..3 {
            let result = if !python.exists() {
                Err(StartError::Missing(format!(
                    "no Python venv at {} (run scripts/tiny-model-setup.sh)",
                    venv.display()
                )))
            } else if !script.exists() {
                Err(StartError::Failed(format!("missing {}", script.display())))
            } else {
                Self::try_start(&python, &script)
            };
            match result {
                Ok(server) => return Some(server),
                Err(StartError::Missing(reason)) => {
                    if in_ci() {
                        panic!("tiny model server unavailable in CI: {reason}");
                    }
                    super::skip::skip(&reason);
                    return None;
                }
                Err(StartError::Exited(why)) => last_error = why,
                Err(StartError::Failed(why)) => panic!("tiny model server failed: {why}"),
            }
        }
        panic!("tiny model server failed to start three times: {last_error}");
    }

    fn try_start(python: &Path, script: &Path) -> Result<LlamaServer, StartError> {
        let port = free_port().map_err(|e| StartError::Failed(format!("no free port: {e}")))?;
        let log_path = std::env::temp_dir().join(format!(
            "superhelfer-llama-{}-{port}.log",
            std::process::id()
        ));
        let log = File::create(&log_path)
            .map_err(|e| StartError::Failed(format!("{}: {e}", log_path.display())))?;
        let log_err = log
            .try_clone()
            .map_err(|e| StartError::Failed(format!("{}: {e}", log_path.display())))?;
        let child = Command::new(python)
            .arg(script)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--ready-timeout", &READY_TIMEOUT.as_secs().to_string()])
            // Drop cannot run if the test process is killed; the server then ends itself.
            .arg("--exit-with-parent")
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|e| StartError::Missing(format!("cannot run {}: {e}", python.display())))?;
        // From here on Drop kills the process, whatever happens below.
        let mut server = LlamaServer {
            child,
            port,
            log_path,
        };

        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            match server.child.try_wait() {
                Ok(Some(status)) => {
                    return Err(if status.code() == Some(EXIT_MISSING_PACKAGES) {
                        // The script names what is missing on its last line.
                        let log = server.log_tail();
                        let last = log.lines().last().unwrap_or("packages missing");
                        StartError::Missing(format!("{last} (venv {})", python.display()))
                    } else {
                        StartError::Exited(format!(
                            "exited with {status} before ready; log:\n{}",
                            server.log_tail()
                        ))
                    });
                }
                Ok(None) => {}
                Err(e) => return Err(StartError::Failed(format!("cannot watch the process: {e}"))),
            }
            if health_ok(port) {
                return Ok(server);
            }
            if Instant::now() >= deadline {
                return Err(StartError::Failed(format!(
                    "/health not ok after {} s; log:\n{}",
                    READY_TIMEOUT.as_secs(),
                    server.log_tail()
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// OpenAI base URL: `http://127.0.0.1:PORT/v1`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    /// Server root without `/v1` (for `/health`, `/props`).
    pub fn root_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The loopback port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server process's ID (the Python interpreter hosting llama.cpp).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The last lines the server wrote (llama.cpp's log), for failure messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

fn free_port() -> std::io::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// `GET /health` answers 200 `{"status":"ok"}` (503 while the model loads).
fn health_ok(port: u16) -> bool {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    let request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = String::new();
    if stream.read_to_string(&mut response).is_err() && response.is_empty() {
        return false;
    }
    let status_ok = response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200");
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or_default();
    status_ok && body.replace(' ', "").contains("\"status\":\"ok\"")
}
