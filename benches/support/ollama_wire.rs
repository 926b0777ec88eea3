//! A backend speaking just enough of Ollama's wire format for the benches (`/api/tags`,
//! `/api/ps`, streamed `/api/chat`), in the bench's own process so that its timestamps
//! share the bench's clock.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::{json, Value};

/// When the backend saw the request and when it finished the answer.
#[derive(Default, Clone, Copy)]
pub struct Marks {
    pub request_at: Option<Instant>,
    pub done_at: Option<Instant>,
    /// `/api/tags` and `/api/ps` requests so far.
    pub probes: usize,
}

/// A backend speaking just enough of Ollama's API: `/api/tags`, `/api/ps`, streamed
/// `/api/chat` with a fenced command as the answer.
pub fn fake_backend(answer: &'static str) -> (String, Arc<Mutex<Marks>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let marks = Arc::new(Mutex::new(Marks::default()));
    let m = marks.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let m = m.clone();
            std::thread::spawn(move || serve(stream, answer, m));
        }
    });
    (url, marks)
}

fn serve(stream: std::net::TcpStream, answer: &str, marks: Arc<Mutex<Marks>>) {
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let request_line = line.clone();
        let mut len = 0;
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; len];
        let _ = reader.read_exact(&mut body);
        let path = request_line.split_whitespace().nth(1).unwrap_or("");
        let json_reply = |out: &mut std::net::TcpStream, v: Value| {
            let b = v.to_string();
            let _ = write!(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{b}", b.len());
        };
        if matches!(path, "/api/tags" | "/api/ps") {
            marks.lock().unwrap().probes += 1;
        }
        match path {
            "/api/tags" => json_reply(&mut out, json!({"models": [{"name": "m:1", "size": 1}]})),
            "/api/ps" => json_reply(
                &mut out,
                json!({"models": [{"name": "m:1", "size": 1, "size_vram": 1}]}),
            ),
            _ => {
                marks.lock().unwrap().request_at = Some(Instant::now());
                let _ = write!(out, "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n");
                let mut chunk = |s: String| {
                    let _ = write!(out, "{:x}\r\n{s}\r\n", s.len());
                    let _ = out.flush();
                };
                chunk(json!({"model": "m:1", "message": {"role": "assistant", "content": answer}, "done": false}).to_string() + "\n");
                chunk(json!({"model": "m:1", "message": {"role": "assistant", "content": ""}, "done": true, "done_reason": "stop", "eval_count": 3, "prompt_eval_count": 9}).to_string() + "\n");
                let _ = write!(out, "0\r\n\r\n");
                let _ = out.flush();
                marks.lock().unwrap().done_at = Some(Instant::now());
            }
        }
    }
}
