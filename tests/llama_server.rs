//! The real tiny model server (tests/support/llama.rs) starts, streams OpenAI-style SSE
//! and goes away with its handle. Skipped with a visible reason where its venv is
//! missing (outside CI).

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::llama::{LlamaServer, LLAMA_MODEL};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("reqwest client")
}

/// The `data:` payloads of an SSE body, in order.
fn sse_data(body: &str) -> Vec<String> {
    body.split("\n\n")
        .filter_map(|event| event.lines().find_map(|l| l.strip_prefix("data: ")))
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn streams_openai_sse_with_usage() {
    let Some(server) = LlamaServer::start() else {
        return;
    };
    let resp = client()
        .post(format!("{}/chat/completions", server.url()))
        .json(&json!({
            "model": LLAMA_MODEL,
            "messages": [{ "role": "user", "content": "Say hi" }],
            "stream": true,
            "stream_options": { "include_usage": true },
            "temperature": 0,
            "max_tokens": 8,
        }))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let body = resp.text().await.expect("body");
    let data = sse_data(&body);
    assert_eq!(data.last().map(String::as_str), Some("[DONE]"), "{body}");
    let events: Vec<Value> = data[..data.len() - 1]
        .iter()
        .map(|d| serde_json::from_str(d).expect("JSON event"))
        .collect();
    // The role arrives alone, before any content.
    assert_eq!(events[0]["choices"][0]["delta"]["role"], "assistant");
    assert_eq!(events[0]["object"], "chat.completion.chunk");
    assert_eq!(events[0]["model"], LLAMA_MODEL);
    let text: String = events
        .iter()
        .filter_map(|e| e["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert!(!text.is_empty());
    // Then a chunk with the finish reason, then one with usage and no choices.
    let finish = &events[events.len() - 2];
    assert_eq!(finish["choices"][0]["finish_reason"], "length");
    let usage = &events[events.len() - 1];
    assert_eq!(usage["choices"], json!([]));
    assert_eq!(usage["usage"]["completion_tokens"], 8);
    assert!(usage["usage"]["prompt_tokens"]
        .as_u64()
        .is_some_and(|n| n > 0));
}

#[tokio::test]
async fn bad_request_is_an_openai_error_object() {
    let Some(server) = LlamaServer::start() else {
        return;
    };
    let resp = client()
        .post(format!("{}/chat/completions", server.url()))
        .json(&json!({ "model": LLAMA_MODEL, "stream": true }))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().await.expect("JSON error");
    assert_eq!(v["error"]["code"], 400);
    assert_eq!(v["error"]["type"], "invalid_request_error");
    assert!(v["error"]["message"].as_str().is_some());
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let Some(server) = LlamaServer::start() else {
        return;
    };
    let pid = server.pid();
    let port = server.port();
    let proc_dir = std::path::PathBuf::from(format!("/proc/{pid}"));
    if cfg!(target_os = "linux") {
        assert!(proc_dir.exists());
    }
    drop(server);
    if cfg!(target_os = "linux") {
        // Killed and reaped: the PID is gone, not a zombie.
        assert!(!proc_dir.exists());
    }
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}
