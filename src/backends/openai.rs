//! OpenAI-compatible servers: `/v1/chat/completions` with SSE streaming (llama.cpp's
//! llama-server, vLLM, LM Studio) and `/v1/models`.

use futures_util::future::BoxFuture;
use futures_util::StreamExt;
use serde_json::{json, Value};

use super::{
    error_message, lines, require_done, transport_error, Backend, BackendError, ChatRequest, Chunk,
    ChunkStream, InstalledModel, LoadedModel,
};
use crate::config::BackendKind;

const KIND: &str = "the OpenAI-compatible server";
const START_HINT: &str =
    "Is the server running (llama-server, vLLM, LM Studio)? Check the backend's url";

pub struct OpenAi {
    client: reqwest::Client,
    /// Base URL ending in `/v1`.
    url: String,
    token: Option<String>,
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
            client,
            url: base_url(url),
            token,
        }
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let rb = self.client.request(method, format!("{}{path}", self.url));
        match &self.token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    async fn send(
        &self,
        rb: reqwest::RequestBuilder,
        model: Option<&str>,
    ) -> Result<reqwest::Response, BackendError> {
        let resp = rb
            .send()
            .await
            .map_err(|e| transport_error(e, KIND, &self.url, START_HINT))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let body = resp.text().await.unwrap_or_default();
        let message = error_message(&body);
        match model {
            Some(m) if status == reqwest::StatusCode::NOT_FOUND => {
                Err(BackendError::ModelNotFound {
                    model: m.to_string(),
                    url: self.url.clone(),
                    hint: format!(
                        "The server does not serve it ({message}); see {}/models",
                        self.url
                    ),
                })
            }
            _ => Err(BackendError::Http {
                url: self.url.clone(),
                status: status.as_u16(),
                message,
            }),
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
        &self.url
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
            let resp = self
                .send(
                    self.request(reqwest::Method::POST, "/chat/completions")
                        .json(&body),
                    Some(&req.model),
                )
                .await?;
            let url = self.url.clone();
            // The usage chunk and [DONE] both end the answer; merge them into one Done.
            let stream = lines(resp.bytes_stream(), url.clone())
                .filter_map(move |line| {
                    let url = url.clone();
                    async move {
                        match line {
                            Ok(l) => parse_sse_line(&l, &url),
                            Err(e) => Some(Err(e)),
                        }
                    }
                })
                .scan(None::<(Option<u64>, Option<u64>)>, |usage, item| {
                    let out = match item {
                        Ok(Chunk::Done {
                            prompt_tokens,
                            completion_tokens,
                        }) if prompt_tokens.is_some() || completion_tokens.is_some() => {
                            *usage = Some((prompt_tokens, completion_tokens));
                            None
                        }
                        Ok(Chunk::Done { .. }) => {
                            let (p, c) = usage.take().unwrap_or((None, None));
                            Some(Ok(Chunk::Done {
                                prompt_tokens: p,
                                completion_tokens: c,
                            }))
                        }
                        other => Some(other),
                    };
                    futures_util::future::ready(Some(out))
                })
                .filter_map(futures_util::future::ready)
                .boxed();
            Ok(require_done(stream, self.url.clone()))
        })
    }

    fn installed(&self) -> BoxFuture<'_, Result<Vec<InstalledModel>, BackendError>> {
        Box::pin(async move {
            let resp = self
                .send(self.request(reqwest::Method::GET, "/models"), None)
                .await?;
            let v: Value = resp.json().await.map_err(|e| BackendError::Garbage {
                url: self.url.clone(),
                message: format!("/models: {e}"),
            })?;
            Ok(v["data"]
                .as_array()
                .map(|models| {
                    models
                        .iter()
                        .filter_map(|m| {
                            Some(InstalledModel {
                                name: m["id"].as_str()?.to_string(),
                                size: m["meta"]["size"].as_u64(),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default())
        })
    }

    fn loaded(&self) -> BoxFuture<'_, Result<Option<Vec<LoadedModel>>, BackendError>> {
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
