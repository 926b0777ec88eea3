//! Ollama's native API: `/api/chat` streaming NDJSON, `/api/tags`, `/api/ps`, preload.

use futures_util::future::BoxFuture;
use serde_json::{json, Value};

use super::{
    items, Backend, BackendError, ChatRequest, Chunk, ChunkStream, Http, InstalledModel,
    LoadedModel, ModelDetails,
};
use crate::config::BackendKind;

const KIND: &str = "Ollama";
/// A preload's answer is a short JSON line; more than this is not read (nor waited for).
const PRELOAD_ANSWER_MAX: usize = 64 * 1024;
const START_HINT: &str =
    "Is Ollama running? Start it with `ollama serve` (or set the backend's url)";

pub struct Ollama {
    http: Http,
}

fn pull_hint(model: &str, message: &str, _url: &str) -> String {
    format!("Install it with `ollama pull {model}` ({message})")
}

impl Ollama {
    pub fn new(client: reqwest::Client, url: &str, token: Option<String>) -> Self {
        let url = url.trim_end_matches('/').to_string();
        Ollama {
            http: Http::new(client, url, token, KIND, START_HINT),
        }
    }
}

/// One NDJSON line of `/api/chat` as a chunk; `None` for a line that carries nothing.
fn parse_line(line: &str, url: &str) -> Option<Result<Chunk, BackendError>> {
    if line.trim().is_empty() {
        return None;
    }
    let v: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(_) => {
            return Some(Err(BackendError::Garbage {
                url: url.to_string(),
                message: format!(
                    "a line that is not JSON: {}",
                    line.chars().take(120).collect::<String>()
                ),
            }))
        }
    };
    if let Some(e) = v.get("error") {
        return Some(Err(BackendError::Stream {
            url: url.to_string(),
            message: e
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| e.to_string()),
        }));
    }
    if v["done"].as_bool() == Some(true) {
        return Some(Ok(Chunk::Done {
            prompt_tokens: v["prompt_eval_count"].as_u64(),
            completion_tokens: v["eval_count"].as_u64(),
        }));
    }
    match v["message"]["content"].as_str() {
        Some("") => None,
        Some(s) => Some(Ok(Chunk::Token(s.to_string()))),
        None => Some(Err(BackendError::Garbage {
            url: url.to_string(),
            message: "a chunk without message.content".into(),
        })),
    }
}

impl Backend for Ollama {
    fn kind(&self) -> BackendKind {
        BackendKind::Ollama
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
            });
            if let Some(k) = &req.keep_alive {
                body["keep_alive"] = crate::config::keep_alive_json(k);
            }
            if let Some(t) = req.temperature {
                body["options"]["temperature"] = json!(t);
            }
            if let Some(n) = req.max_tokens {
                body["options"]["num_predict"] = json!(n);
            }
            let rb = self.http.request(reqwest::Method::POST, "/api/chat");
            let resp = self
                .http
                .send(rb.json(&body), Some(&req.model), pull_hint)
                .await?;
            Ok(self.http.chunks(resp, parse_line, req.max_bytes))
        })
    }

    fn installed(&self) -> BoxFuture<'_, Result<Vec<InstalledModel>, BackendError>> {
        Box::pin(async move {
            let v = self.http.get_json("/api/tags").await?;
            Ok(items(&v, "models", |m| {
                Some(InstalledModel {
                    name: m["name"].as_str()?.to_string(),
                    size: m["size"].as_u64(),
                })
            }))
        })
    }

    fn loaded(&self) -> BoxFuture<'_, Result<Option<Vec<LoadedModel>>, BackendError>> {
        Box::pin(async move {
            let v = self.http.get_json("/api/ps").await?;
            Ok(Some(items(&v, "models", |m| {
                Some(LoadedModel {
                    name: m["name"].as_str()?.to_string(),
                    size: m["size"].as_u64().unwrap_or(0),
                    size_vram: m["size_vram"].as_u64().unwrap_or(0),
                })
            })))
        })
    }

    fn show<'a>(
        &'a self,
        model: &'a str,
    ) -> BoxFuture<'a, Result<Option<ModelDetails>, BackendError>> {
        Box::pin(async move {
            let rb = self
                .http
                .request(reqwest::Method::POST, "/api/show")
                .json(&json!({"model": model}));
            let resp = self.http.send(rb, Some(model), pull_hint).await?;
            let v: Value = resp.json().await.map_err(|e| BackendError::Garbage {
                url: self.http.url.clone(),
                message: format!("/api/show: {e}"),
            })?;
            Ok(Some(parse_show(&v)))
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
                "format": schema,
                "options": {"temperature": req.temperature.unwrap_or(0.0)},
            });
            if let Some(k) = &req.keep_alive {
                body["keep_alive"] = crate::config::keep_alive_json(k);
            }
            if let Some(n) = req.max_tokens {
                body["options"]["num_predict"] = json!(n);
            }
            let v = self
                .http
                .post_json("/api/chat", &body, &req.model, pull_hint)
                .await?;
            match v["message"]["content"].as_str() {
                Some(s) => Ok(s.to_string()),
                None => Err(BackendError::Garbage {
                    url: self.http.url.clone(),
                    message: "/api/chat: an answer without the message's content".into(),
                }),
            }
        })
    }

    fn preload<'a>(
        &'a self,
        model: &'a str,
        keep_alive: Option<&'a str>,
    ) -> BoxFuture<'a, Result<(), BackendError>> {
        Box::pin(async move {
            let mut body = json!({"model": model, "messages": [], "stream": false});
            if let Some(k) = keep_alive {
                body["keep_alive"] = crate::config::keep_alive_json(k);
            }
            let rb = self.http.request(reqwest::Method::POST, "/api/chat");
            let mut resp = self
                .http
                .send(rb.json(&body), Some(model), pull_hint)
                .await?;
            // Read the short answer to its end: a response dropped unread closes its
            // connection, and the first request after start would open a new one.
            let mut left = PRELOAD_ANSWER_MAX;
            while let Ok(Some(chunk)) = resp.chunk().await {
                left = left.saturating_sub(chunk.len());
                if left == 0 {
                    break;
                }
            }
            Ok(())
        })
    }
}

/// The details of an `/api/show` answer; the context length sits under
/// `model_info["<architecture>.context_length"]`.
fn parse_show(v: &Value) -> ModelDetails {
    let d = &v["details"];
    let text = |k: &str| d[k].as_str().map(str::to_string);
    let context_length = v["model_info"].as_object().and_then(|info| {
        info.iter()
            .find(|(k, _)| k.ends_with(".context_length"))
            .and_then(|(_, v)| v.as_u64())
    });
    ModelDetails {
        family: text("family"),
        parameter_size: text("parameter_size"),
        quantization_level: text("quantization_level"),
        context_length,
    }
}

/// Ollama names `llama3` and `llama3:latest` the same model.
pub fn same_model(a: &str, b: &str) -> bool {
    fn norm(s: &str) -> &str {
        s.strip_suffix(":latest").unwrap_or(s)
    }
    norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_chunks_done_errors_and_garbage() {
        let u = "http://x";
        assert_eq!(
            parse_line(
                r#"{"model":"m","message":{"role":"assistant","content":"Hi"},"done":false}"#,
                u
            )
            .unwrap()
            .unwrap(),
            Chunk::Token("Hi".into())
        );
        assert_eq!(
            parse_line(r#"{"done":true,"done_reason":"stop","prompt_eval_count":7,"eval_count":3,"message":{"role":"assistant","content":""}}"#, u)
                .unwrap()
                .unwrap(),
            Chunk::Done { prompt_tokens: Some(7), completion_tokens: Some(3) }
        );
        assert!(parse_line("", u).is_none());
        let e = parse_line(r#"{"error":"out of memory"}"#, u)
            .unwrap()
            .unwrap_err();
        assert!(e.to_string().contains("out of memory"));
        let e = parse_line("<<garbage>>", u).unwrap().unwrap_err();
        assert!(e.to_string().contains("not JSON"), "{e}");
    }

    #[test]
    fn show_details_and_context_length() {
        let v = serde_json::json!({
            "details": {"family": "qwen3moe", "parameter_size": "30.5B", "quantization_level": "Q4_K_M"},
            "model_info": {"general.architecture": "qwen3moe", "qwen3moe.context_length": 262144}
        });
        let d = parse_show(&v);
        assert_eq!(d.parameter_size.as_deref(), Some("30.5B"));
        assert_eq!(d.context_length, Some(262144));
        assert_eq!(parse_show(&serde_json::json!({})), ModelDetails::default());
    }

    #[test]
    fn latest_tag_is_the_same_model() {
        assert!(same_model("llama3", "llama3:latest"));
        assert!(!same_model("llama3:8b", "llama3:70b"));
    }
}
