//! Tests of the Ollama stand-in itself (tests/support/ollama_stub.rs): the other
//! integration tests rely on it speaking Ollama's wire format and failing the way it
//! is told to.

mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;
use serde_json::{json, Value};
use support::ollama_stub::{not_found_message, rfc3339, Behavior, OllamaStub, StubModel};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Bound for waits on events the stub sees at once; only a broken stub reaches it.
const WAIT: Duration = Duration::from_secs(10);

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("reqwest client")
}

fn chat_body(model: &str, prompt: &str) -> Value {
    json!({ "model": model, "messages": [{ "role": "user", "content": prompt }] })
}

/// Reads a streamed NDJSON body to its end and parses each line.
async fn ndjson_lines(resp: reqwest::Response) -> Vec<Value> {
    let text = resp.text().await.expect("body");
    text.lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect()
}

async fn stub_with(behavior: Behavior) -> OllamaStub {
    OllamaStub::start(vec![StubModel::new("m:7b", behavior)]).await
}

#[tokio::test]
async fn streams_ndjson_chunks_then_a_done_line() {
    let stub = stub_with(Behavior::reply(&["Hel", "lo", " there"])).await;
    let resp = client()
        .post(format!("{}/api/chat", stub.url()))
        .json(&chat_body("m:7b", "hi"))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/x-ndjson");
    assert_eq!(resp.headers()["transfer-encoding"], "chunked");

    let lines = ndjson_lines(resp).await;
    assert_eq!(lines.len(), 4);
    for (line, want) in lines.iter().zip(["Hel", "lo", " there"]) {
        assert_eq!(line["model"], "m:7b");
        assert_eq!(line["done"], false);
        assert_eq!(
            line["message"],
            json!({ "role": "assistant", "content": want })
        );
        assert!(line["created_at"]
            .as_str()
            .is_some_and(|s| s.ends_with('Z')));
        assert!(line.get("done_reason").is_none());
    }
    let last = &lines[3];
    assert_eq!(last["done"], true);
    assert_eq!(last["done_reason"], "stop");
    assert_eq!(
        last["message"],
        json!({ "role": "assistant", "content": "" })
    );
    assert_eq!(last["eval_count"], 3);
    for field in [
        "total_duration",
        "load_duration",
        "prompt_eval_count",
        "prompt_eval_duration",
        "eval_duration",
    ] {
        assert!(
            last[field].as_u64().is_some_and(|n| n > 0),
            "{field} in {last}"
        );
    }
    assert_eq!(stub.completed(), 1);
    assert_eq!(stub.closed_early(), 0);
    assert_eq!(stub.open_streams(), 0);
}

#[tokio::test]
async fn wire_bytes_are_chunked_ndjson() {
    let stub = stub_with(Behavior::reply(&["ok"])).await;
    let body = r#"{"model":"m:7b","messages":[{"role":"user","content":"x"}]}"#;
    let mut tcp = tokio::net::TcpStream::connect(stub.addr())
        .await
        .expect("connect");
    let req = format!(
        "POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    tcp.write_all(req.as_bytes()).await.expect("write");
    let mut raw = String::new();
    tcp.read_to_string(&mut raw).await.expect("read to close");
    assert!(raw.starts_with("HTTP/1.1 200 OK\r\n"), "{raw}");
    assert!(raw.contains("\r\nTransfer-Encoding: chunked\r\n"), "{raw}");
    assert!(!raw.contains("Content-Length"), "{raw}");
    let (_, body) = raw.split_once("\r\n\r\n").expect("head and body");
    // First chunk: hex size, CRLF, one JSON line ending in LF, CRLF.
    let (size, rest) = body.split_once("\r\n").expect("chunk size line");
    let size = usize::from_str_radix(size, 16).expect("hex size");
    assert!(rest[..size].ends_with('\n'));
    assert_eq!(&rest[size..size + 2], "\r\n");
    assert!(body.ends_with("\r\n0\r\n\r\n"), "{body:?}");
}

#[tokio::test]
async fn non_streaming_answers_one_object() {
    let stub = stub_with(Behavior::reply(&["a", "b", "c"])).await;
    let mut body = chat_body("m:7b", "hi");
    body["stream"] = json!(false);
    let resp = client()
        .post(format!("{}/api/chat", stub.url()))
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    let v: Value = resp.json().await.expect("one JSON object");
    assert_eq!(v["message"]["content"], "abc");
    assert_eq!(v["done"], true);
    assert_eq!(v["done_reason"], "stop");
    assert_eq!(v["eval_count"], 3);
}

#[tokio::test]
async fn preload_marks_loaded_and_keep_alive_zero_unloads() {
    let stub = OllamaStub::start(vec![
        StubModel::new("fast:1.5b", Behavior::Echo).with_size(1_000),
        StubModel::new("code", Behavior::Echo).with_size(5_000),
    ])
    .await;
    let c = client();
    let ps: Value = c
        .get(format!("{}/api/ps", stub.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ps, json!({ "models": [] }));

    let load: Value = c
        .post(format!("{}/api/chat", stub.url()))
        .json(&json!({ "model": "code", "messages": [] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(load["done"], true);
    assert_eq!(load["done_reason"], "load");
    assert_eq!(load["model"], "code");
    assert!(stub.is_loaded("code:latest"));

    let ps: Value = c
        .get(format!("{}/api/ps", stub.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let models = ps["models"].as_array().expect("models");
    assert_eq!(models.len(), 1);
    assert_eq!(models[0]["name"], "code:latest");
    assert_eq!(models[0]["size"], 5_000);
    assert_eq!(models[0]["size_vram"], 5_000);
    assert!(models[0]["expires_at"].as_str().is_some());
    assert_eq!(models[0]["details"]["format"], "gguf");

    let tags: Value = c
        .get(format!("{}/api/tags", stub.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = tags["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["fast:1.5b", "code:latest"]);
    let fast = &tags["models"][0];
    assert_eq!(fast["model"], "fast:1.5b");
    assert_eq!(fast["size"], 1_000);
    assert_eq!(fast["digest"].as_str().map(str::len), Some(64));
    assert_eq!(fast["details"]["parameter_size"], "1.5B");
    assert!(fast["details"]["quantization_level"].as_str().is_some());
    assert!(fast["modified_at"].as_str().is_some());

    let unload: Value = c
        .post(format!("{}/api/chat", stub.url()))
        .json(&json!({ "model": "code", "messages": [], "keep_alive": 0 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(unload["done_reason"], "unload");
    let ps: Value = c
        .get(format!("{}/api/ps", stub.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ps["models"], json!([]));
}

#[tokio::test]
async fn set_loaded_and_keep_alive_forever_show_in_ps() {
    let stub = OllamaStub::start(vec![
        StubModel::new("a:7b", Behavior::Echo).with_size(8_000),
        StubModel::new("b:7b", Behavior::Echo).with_size(4_000),
    ])
    .await;
    stub.set_loaded("a:7b", 6_000);
    client()
        .post(format!("{}/api/chat", stub.url()))
        .json(&json!({ "model": "b:7b", "messages": [], "keep_alive": -1 }))
        .send()
        .await
        .unwrap();
    let ps: Value = client()
        .get(format!("{}/api/ps", stub.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let models = ps["models"].as_array().unwrap();
    // Longest keep-alive first, as Ollama sorts it.
    assert_eq!(models[0]["name"], "b:7b");
    assert!(models[0]["expires_at"].as_str().unwrap() > "2200");
    assert_eq!(models[1]["name"], "a:7b");
    assert_eq!(models[1]["size"], 8_000);
    assert_eq!(models[1]["size_vram"], 6_000);
}

#[tokio::test]
async fn unknown_model_is_404_with_ollamas_text() {
    let stub = stub_with(Behavior::Echo).await;
    let resp = client()
        .post(format!("{}/api/chat", stub.url()))
        .json(&chat_body("nope:1b", "hi"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v, json!({ "error": "model 'nope:1b' not found" }));
    assert_eq!(v["error"], not_found_message("nope:1b"));

    let resp = client()
        .post(format!("{}/api/show", stub.url()))
        .json(&json!({ "model": "nope" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn fail_status_answers_error_json_and_does_not_load() {
    let stub = stub_with(Behavior::FailStatus(
        500,
        "llama runner process has terminated".into(),
    ))
    .await;
    let resp = client()
        .post(format!("{}/api/chat", stub.url()))
        .json(&chat_body("m:7b", "hi"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 500);
    assert_eq!(
        resp.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v, json!({ "error": "llama runner process has terminated" }));
    assert!(!stub.is_loaded("m:7b"));
}

#[tokio::test]
async fn error_mid_stream_is_an_error_line_in_a_200_stream() {
    let stub = stub_with(Behavior::ErrorMidStream {
        after: 2,
        message: "out of memory".into(),
    })
    .await;
    let resp = client()
        .post(format!("{}/api/chat", stub.url()))
        .json(&chat_body("m:7b", "hi"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let lines = ndjson_lines(resp).await;
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["done"], false);
    assert_eq!(lines[1]["done"], false);
    assert_eq!(lines[2], json!({ "error": "out of memory" }));

    // Before any output Ollama can still send a status code.
    stub.set_behavior(
        "m:7b",
        Behavior::ErrorMidStream {
            after: 0,
            message: "boom".into(),
        },
    );
    let resp = client()
        .post(format!("{}/api/chat", stub.url()))
        .json(&chat_body("m:7b", "hi"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 500);
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        json!({ "error": "boom" })
    );
}

#[tokio::test]
async fn malformed_line_is_not_json() {
    let stub = stub_with(Behavior::Malformed { after: 1 }).await;
    let resp = client()
        .post(format!("{}/api/chat", stub.url()))
        .json(&chat_body("m:7b", "hi"))
        .send()
        .await
        .unwrap();
    let text = resp.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(serde_json::from_str::<Value>(lines[0]).is_ok());
    assert!(
        serde_json::from_str::<Value>(lines[1]).is_err(),
        "{}",
        lines[1]
    );
    let last: Value = serde_json::from_str(lines[lines.len() - 1]).unwrap();
    assert_eq!(last["done"], true);
}

#[tokio::test]
async fn drop_mid_stream_cuts_the_body() {
    let stub = stub_with(Behavior::DropMidStream { after: 2 }).await;
    let resp = client()
        .post(format!("{}/api/chat", stub.url()))
        .json(&chat_body("m:7b", "hi"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let mut body = resp.bytes_stream();
    let mut got = Vec::new();
    let mut failed = false;
    while let Some(item) = body.next().await {
        match item {
            Ok(b) => got.extend_from_slice(&b),
            Err(_) => {
                failed = true;
                break;
            }
        }
    }
    assert!(failed, "an unterminated chunked body must be an error");
    let text = String::from_utf8(got).unwrap();
    assert_eq!(text.lines().count(), 2);
    assert!(!text.contains("\"done\":true"));
}

#[tokio::test]
async fn dropping_the_response_is_seen_as_an_early_close() {
    let stub = stub_with(Behavior::slow_reply(
        &["one", "two", "three"],
        Duration::ZERO,
        Duration::from_secs(600),
    ))
    .await;
    let resp = client()
        .post(format!("{}/api/chat", stub.url()))
        .json(&chat_body("m:7b", "hi"))
        .send()
        .await
        .unwrap();
    let mut body = resp.bytes_stream();
    let first = body.next().await.expect("a first chunk").expect("no error");
    assert!(String::from_utf8_lossy(&first).contains("\"one\""));
    assert_eq!(stub.open_streams(), 1);
    drop(body);
    assert!(
        stub.wait_closed_early(1, WAIT).await,
        "stub never saw the close"
    );
    assert!(stub.wait_idle(WAIT).await);
    assert_eq!(stub.completed(), 0);
}

#[tokio::test]
async fn a_hang_ends_when_the_client_gives_up() {
    let stub = stub_with(Behavior::Hang).await;
    let c = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = c
        .post(format!("{}/api/chat", stub.url()))
        .json(&chat_body("m:7b", "hi"))
        .send()
        .await
        .expect_err("a hanging server times out");
    assert!(err.is_timeout());
    assert!(stub.wait_closed_early(1, WAIT).await);

    stub.set_behavior("m:7b", Behavior::HangMidStream { after: 1 });
    let resp = client()
        .post(format!("{}/api/chat", stub.url()))
        .json(&chat_body("m:7b", "hi"))
        .send()
        .await
        .unwrap();
    let mut body = resp.bytes_stream();
    assert!(body.next().await.is_some());
    drop(body);
    assert!(stub.wait_closed_early(2, WAIT).await);
}

#[tokio::test]
async fn echo_answers_the_last_user_message_and_requests_are_recorded() {
    let stub = stub_with(Behavior::Echo).await;
    let body = json!({
        "model": "m:7b",
        "messages": [
            { "role": "system", "content": "be brief" },
            { "role": "user", "content": "first" },
            { "role": "assistant", "content": "ok" },
            { "role": "user", "content": "explain this code" },
        ],
        "options": { "temperature": 0 },
    });
    let resp = client()
        .post(format!("{}/api/chat", stub.url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    let lines = ndjson_lines(resp).await;
    assert_eq!(lines[0]["message"]["content"], "explain this code");
    assert_eq!(stub.chat_requests(), vec![body]);
    let reqs = stub.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].path, "/api/chat");
}

#[tokio::test]
async fn info_endpoints_answer_like_ollama() {
    let stub = stub_with(Behavior::Echo).await;
    let c = client();
    let root = c.get(stub.url()).send().await.unwrap();
    assert_eq!(root.status(), 200);
    assert_eq!(root.text().await.unwrap(), "Ollama is running");
    let v: Value = c
        .get(format!("{}/api/version", stub.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(v["version"].as_str().is_some());
    let show = c
        .post(format!("{}/api/show", stub.url()))
        .json(&json!({ "model": "m:7b" }))
        .send()
        .await
        .unwrap();
    assert_eq!(show.status(), 200);
    let v: Value = show.json().await.unwrap();
    assert_eq!(v["details"]["parameter_size"], "7B");
    assert!(v["capabilities"]
        .as_array()
        .is_some_and(|c| c.contains(&json!("completion"))));
    assert!(v["model_info"].is_object());
    let missing = c
        .get(format!("{}/api/nothing", stub.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let bad = c
        .post(format!("{}/api/chat", stub.url()))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.json::<Value>().await.unwrap()["error"].is_string());
}

#[tokio::test]
async fn dropping_the_stub_closes_its_port() {
    let stub = stub_with(Behavior::Hang).await;
    let addr = stub.addr();
    // A hanging exchange must not keep anything alive after the drop.
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let body = r#"{"model":"m:7b","messages":[{"role":"user","content":"x"}]}"#;
    let req = format!(
        "POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    tcp.write_all(req.as_bytes()).await.unwrap();
    drop(stub);
    // The hung connection gets closed by the stub (EOF or reset, not a hang).
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(WAIT, tcp.read(&mut buf)).await;
    assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "{read:?}");
    let mut refused = false;
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "the port still accepts after the stub was dropped");
}

#[test]
fn timestamps_are_go_rfc3339_nano() {
    let t = UNIX_EPOCH + Duration::new(1_723_003_053, 36_588_800);
    assert_eq!(rfc3339(t), "2024-08-07T03:57:33.0365888Z");
    assert_eq!(
        rfc3339(UNIX_EPOCH + Duration::from_secs(951_782_400)),
        "2000-02-29T00:00:00Z"
    );
    assert!(rfc3339(SystemTime::now()).starts_with("20"));
}

#[tokio::test]
async fn keep_alive_strings_are_go_durations() {
    let stub = stub_with(Behavior::reply(&["x"])).await;
    let c = client();
    // "0" with messages: answered, then unloaded.
    let mut body = chat_body("m:7b", "hi");
    body["keep_alive"] = json!("0");
    let lines = ndjson_lines(
        c.post(format!("{}/api/chat", stub.url()))
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(lines.last().unwrap()["done"], true);
    assert!(!stub.is_loaded("m:7b"));

    // "1h30m" loads it with an expiry between 1 h and 2 h from now.
    body["keep_alive"] = json!("1h30m");
    c.post(format!("{}/api/chat", stub.url()))
        .json(&body)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(stub.is_loaded("m:7b"));
    let ps: Value = c
        .get(format!("{}/api/ps", stub.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let expires = ps["models"][0]["expires_at"].as_str().unwrap().to_string();
    let now = SystemTime::now();
    assert!(
        expires > rfc3339(now + Duration::from_secs(3600)),
        "{expires}"
    );
    assert!(
        expires < rfc3339(now + Duration::from_secs(7200)),
        "{expires}"
    );
}

#[tokio::test]
async fn headers_then_stall_sends_the_stream_head_and_nothing_more() {
    let stub = stub_with(Behavior::HeadersThenStall).await;
    let resp = client()
        .post(format!("{}/api/chat", stub.url()))
        .json(&chat_body("m:7b", "hi"))
        .send()
        .await
        .expect("the head arrives");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/x-ndjson");
    let mut body = resp.bytes_stream();
    let next = tokio::time::timeout(Duration::from_millis(300), body.next()).await;
    assert!(next.is_err(), "no body bytes: {next:?}");
    drop(body);
    assert!(stub.wait_closed_early(1, WAIT).await);
}

#[tokio::test]
async fn no_done_ends_the_body_cleanly_without_a_done_line() {
    let stub = stub_with(Behavior::NoDone).await;
    let resp = client()
        .post(format!("{}/api/chat", stub.url()))
        .json(&chat_body("m:7b", "hi"))
        .send()
        .await
        .expect("send");
    let lines = ndjson_lines(resp).await;
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(lines.iter().all(|l| l["done"] == false), "{lines:?}");
}

#[tokio::test]
async fn probe_faults_hang_or_answer_an_error_and_are_counted() {
    let stub = stub_with(Behavior::reply(&["x"])).await;
    stub.set_probe_fault(
        "/api/tags",
        Some(support::ollama_stub::ProbeFault::Status(
            500,
            "internal error".into(),
        )),
    );
    stub.set_probe_fault("/api/ps", Some(support::ollama_stub::ProbeFault::Hang));
    let tags = client()
        .get(format!("{}/api/tags", stub.url()))
        .send()
        .await
        .expect("send");
    assert_eq!(tags.status(), 500);
    assert_eq!(
        tags.json::<Value>().await.expect("JSON"),
        json!({"error": "internal error"})
    );
    let ps = tokio::time::timeout(
        Duration::from_millis(300),
        client().get(format!("{}/api/ps", stub.url())).send(),
    )
    .await;
    assert!(ps.is_err(), "a hung /api/ps answered: {ps:?}");
    stub.set_probe_fault("/api/tags", None);
    let tags = client()
        .get(format!("{}/api/tags?x=1", stub.url()))
        .send()
        .await
        .expect("send");
    assert_eq!(tags.status(), 200);
    assert_eq!(stub.count("/api/tags"), 2);
    assert_eq!(stub.count("/api/ps"), 1);
}

#[tokio::test]
async fn a_black_hole_accepts_and_never_answers() {
    let hole = support::ollama_stub::BlackHole::start();
    let r = tokio::time::timeout(
        Duration::from_millis(300),
        client().get(format!("{}/api/tags", hole.url())).send(),
    )
    .await;
    assert!(r.is_err(), "the black hole answered: {r:?}");
}
