//! OpenAI-compatible servers: `/v1/chat/completions` with SSE streaming (llama.cpp's
//! llama-server, vLLM, LM Studio) and `/v1/models`.

use futures_util::future::BoxFuture;
use serde_json::{json, Value};

use super::{
    items, Backend, BackendError, ChatRequest, Chunk, ChunkStream, Http, InstalledModel,
    LoadedModel, ModelDetails,
};
use crate::config::BackendKind;

const KIND: &str = "the OpenAI-compatible server";
const START_HINT: &str =
    "Is the server running (llama-server, vLLM, LM Studio)? Check the backend's url";

pub struct OpenAi {
    http: Http,
}

fn served_hint(_model: &str, message: &str, url: &str) -> String {
    format!("The server does not serve it ({message}); see {url}/models")
}

/// The API base: the configured URL with exactly one trailing `/v1`.
pub fn base_url(url: &str) -> String {
    let u = url.trim_end_matches('/');
    if u.ends_with("/v1") {
        u.to_string()
    } else {
        format!("{u}/v1")
    }
}

impl OpenAi {
    pub fn new(client: reqwest::Client, url: &str, token: Option<String>) -> Self {
        OpenAi {
            http: Http::new(client, base_url(url), token, KIND, START_HINT),
        }
    }
}

/// One SSE line as a chunk; `None` for lines that carry nothing (comments, role chunks,
/// `event:` fields, blank separators).
fn parse_sse_line(line: &str, url: &str) -> Option<Result<Chunk, BackendError>> {
    let data = line.strip_prefix("data:")?.trim_start();
    if data == "[DONE]" {
        return Some(Ok(Chunk::Done {
            prompt_tokens: None,
            completion_tokens: None,
        }));
    }
    let v: Value = match serde_json::from_str(data) {
        Ok(v) => v,
        Err(_) => {
            return Some(Err(BackendError::Garbage {
                url: url.to_string(),
                message: format!(
                    "an event that is not JSON: {}",
                    data.chars().take(120).collect::<String>()
                ),
            }))
        }
    };
    if let Some(e) = v.get("error") {
        let message = e["message"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| e.to_string());
        return Some(Err(BackendError::Stream {
            url: url.to_string(),
            message,
        }));
    }
    // The usage chunk (with `include_usage`) has no choices and comes just before [DONE].
    if let Some(usage) = v.get("usage").filter(|u| u.is_object()) {
        if v["choices"].as_array().is_none_or(|c| c.is_empty()) {
            return Some(Ok(Chunk::Done {
                prompt_tokens: usage["prompt_tokens"].as_u64(),
                completion_tokens: usage["completion_tokens"].as_u64(),
            }));
        }
    }
    content_of(&v).map(|s| Ok(Chunk::Token(s)))
}

fn content_of(v: &Value) -> Option<String> {
    v["choices"][0]["delta"]["content"]
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl Backend for OpenAi {
    fn kind(&self) -> BackendKind {
        BackendKind::Openai
    }

    fn url(&self) -> &str {
        &self.http.url
    }

    fn chat(&self, req: ChatRequest) -> BoxFuture<'_, Result<ChunkStream, BackendError>> {
        Box::pin(async move {
            let mut body = json!({
                "model": req.model,
                "messages": req.messages,
                "stream": true,
                "stream_options": {"include_usage": true},
            });
            if let Some(t) = req.temperature {
                body["temperature"] = json!(t);
            }
            if let Some(n) = req.max_tokens {
                body["max_tokens"] = json!(n);
            }
            let rb = self
                .http
                .request(reqwest::Method::POST, "/chat/completions");
            let resp = self
                .http
                .send(rb.json(&body), Some(&req.model), served_hint)
                .await?;
            // The usage chunk (or, without one, `[DONE]`) ends the answer.
            Ok(self.http.chunks(resp, parse_sse_line, req.max_bytes))
        })
    }

    fn complete_json<'a>(
        &'a self,
        req: ChatRequest,
        schema: &'a Value,
    ) -> BoxFuture<'a, Result<String, BackendError>> {
        Box::pin(async move {
            let mut body = json!({
                "model": req.model,
                "messages": req.messages,
                "stream": false,
                "temperature": req.temperature.unwrap_or(0.0),
                // llama.cpp turns the schema into a grammar; vLLM and LM Studio accept it too.
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "answer", "strict": true, "schema": schema},
                },
            });
            if let Some(n) = req.max_tokens {
                body["max_tokens"] = json!(n);
            }
            let v = self
                .http
                .post_json("/chat/completions", &body, &req.model, served_hint)
                .await?;
            match v["choices"][0]["message"]["content"].as_str() {
                Some(s) => Ok(s.to_string()),
                None => Err(BackendError::Garbage {
                    url: self.http.url.clone(),
                    message: "/chat/completions: an answer without the message's content".into(),
                }),
            }
        })
    }

    fn installed(&self) -> BoxFuture<'_, Result<Vec<InstalledModel>, BackendError>> {
        Box::pin(async move {
            let v = self.http.get_json("/models").await?;
            Ok(items(&v, "data", |m| {
                Some(InstalledModel {
                    name: m["id"].as_str()?.to_string(),
                    size: m["meta"]["size"].as_u64(),
                })
            }))
        })
    }

    fn loaded(&self) -> BoxFuture<'_, Result<Option<Vec<LoadedModel>>, BackendError>> {
        Box::pin(async { Ok(None) })
    }

    fn show<'a>(
        &'a self,
        _model: &'a str,
    ) -> BoxFuture<'a, Result<Option<ModelDetails>, BackendError>> {
        Box::pin(async { Ok(None) })
    }

    fn preload<'a>(
        &'a self,
        _model: &'a str,
        _keep_alive: Option<&'a str>,
    ) -> BoxFuture<'a, Result<(), BackendError>> {
        // An OpenAI-compatible server loads its models itself.
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_with_or_without_v1() {
        assert_eq!(base_url("http://h:8080"), "http://h:8080/v1");
        assert_eq!(base_url("http://h:8080/v1/"), "http://h:8080/v1");
        assert_eq!(base_url("http://h/api/v1"), "http://h/api/v1");
    }

    #[test]
    fn parses_llama_cpp_events() {
        let u = "http://x/v1";
        assert!(parse_sse_line(r#"data: {"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}]}"#, u).is_none());
        assert_eq!(
            parse_sse_line(
                r#"data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":"I"}}]}"#,
                u
            )
            .unwrap()
            .unwrap(),
            Chunk::Token("I".into())
        );
        assert!(parse_sse_line(
            r#"data: {"choices":[{"finish_reason":"stop","index":0,"delta":{}}]}"#,
            u
        )
        .is_none());
        assert_eq!(
            parse_sse_line(
                r#"data: {"choices":[],"usage":{"completion_tokens":8,"prompt_tokens":32}}"#,
                u
            )
            .unwrap()
            .unwrap(),
            Chunk::Done {
                prompt_tokens: Some(32),
                completion_tokens: Some(8)
            }
        );
        assert_eq!(
            parse_sse_line("data: [DONE]", u).unwrap().unwrap(),
            Chunk::Done {
                prompt_tokens: None,
                completion_tokens: None
            }
        );
        assert!(parse_sse_line("", u).is_none());
        assert!(parse_sse_line(": keep-alive", u).is_none());
        assert!(parse_sse_line("data: {nope", u).unwrap().is_err());
        let e = parse_sse_line(r#"data: {"error":{"message":"boom"}}"#, u)
            .unwrap()
            .unwrap_err();
        assert!(e.to_string().contains("boom"));
    }
}
