//! Whether a complete JSON text is a message tower-lsp will decode, and the error owed
//! when it is not; the id of what looks like a message.

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use tower_lsp_server::jsonrpc::{ErrorCode, Id};

use super::{shape, Malformed, MAX_DEPTH};

/// The members of a message that decide how tower-lsp reads it; the rest is skipped
/// without building it (serde_json skips values iteratively, at any depth).
#[derive(Deserialize)]
struct Envelope {
    #[serde(default, deserialize_with = "present")]
    jsonrpc: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    method: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    id: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    error: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    result: Option<IgnoredAny>,
}

/// A member that is there, even as `null`.
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

pub(super) struct Meta {
    pub(super) method: Option<String>,
    pub(super) has_id: bool,
}

pub(super) struct Refusal {
    pub(super) malformed: Malformed,
    /// The JSON ended inside its value: maybe a short Content-Length.
    pub(super) truncated: bool,
}

fn refusal(code: ErrorCode, reason: impl Into<String>, reply_to: Vec<Id>) -> Refusal {
    Refusal {
        malformed: Malformed {
            code,
            reason: reason.into(),
            reply_to,
        },
        truncated: false,
    }
}

/// Accepts exactly what tower-lsp decodes (a JSON-RPC 2.0 request, notification or
/// response, ids as integers or strings) and requires a method for what is not a response.
pub(super) fn validate(body: &[u8]) -> Result<Meta, Refusal> {
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(e) => {
            let id = recover_id(body);
            let mut r = refusal(
                ErrorCode::ParseError,
                format!(
                    "the message is not valid UTF-8 (at byte {})",
                    e.valid_up_to()
                ),
                vec![id],
            );
            r.truncated = e.error_len().is_none();
            return Err(r);
        }
    };
    let trimmed = text.trim_ascii_start();
    if trimmed.is_empty() {
        return Err(refusal(
            ErrorCode::ParseError,
            "an empty message",
            vec![Id::Null],
        ));
    }
    let shape = shape(trimmed.as_bytes());
    if shape.depth > MAX_DEPTH {
        return Err(refusal(
            ErrorCode::InvalidRequest,
            format!("JSON nested deeper than {MAX_DEPTH} levels"),
            vec![recover_id(body)],
        ));
    }
    if trimmed.starts_with('[') {
        return Err(batch(text));
    }
    if !trimmed.starts_with('{') {
        return Err(match serde_json::from_str::<IgnoredAny>(text) {
            Ok(_) => refusal(
                ErrorCode::InvalidRequest,
                "not a JSON object",
                vec![Id::Null],
            ),
            Err(e) => not_json(&e),
        });
    }
    let envelope: Envelope = serde_json::from_str(text).map_err(|e| {
        if e.is_data() {
            refusal(ErrorCode::InvalidRequest, format!("{e}"), vec![Id::Null])
        } else {
            not_json(&e)
        }
    })?;
    check_envelope(envelope)
}

fn not_json(e: &serde_json::Error) -> Refusal {
    let mut r = refusal(
        ErrorCode::ParseError,
        format!("not JSON: {e}"),
        vec![Id::Null],
    );
    r.truncated = e.is_eof();
    r
}

fn check_envelope(env: Envelope) -> Result<Meta, Refusal> {
    let id = env.id.as_ref().map(|v| Id::deserialize(v).ok());
    // A broken answer to one of our requests gets no reply: it would look like an answer
    // to one of the client's.
    let response_like = env.method.is_none() && (env.result.is_some() || env.error.is_some());
    let reply_to = if response_like {
        vec![]
    } else {
        vec![id.clone().flatten().unwrap_or(Id::Null)]
    };
    if env.jsonrpc.as_ref().and_then(Value::as_str) != Some("2.0") {
        let found = env.jsonrpc.map_or("nothing".into(), |v| v.to_string());
        return Err(refusal(
            ErrorCode::InvalidRequest,
            format!("\"jsonrpc\" must be \"2.0\", not {found}"),
            reply_to,
        ));
    }
    let id_ok = id.as_ref().is_none_or(Option::is_some);
    // tower-lsp reads a message with a valid id and a result or error object as a response.
    let response = id.as_ref().is_some_and(Option::is_some)
        && (env.result.is_some()
            || env
                .error
                .as_ref()
                .is_some_and(|e| tower_lsp_server::jsonrpc::Error::deserialize(e).is_ok()));
    if response {
        return Ok(Meta {
            method: None,
            has_id: true,
        });
    }
    if response_like {
        return Err(refusal(
            ErrorCode::InvalidRequest,
            "a response without a valid id, result or error",
            vec![],
        ));
    }
    let method = match env.method {
        Some(Value::String(m)) => m,
        Some(other) => {
            return Err(refusal(
                ErrorCode::InvalidRequest,
                format!("\"method\" must be a string, not {other}"),
                reply_to,
            ))
        }
        None => {
            return Err(refusal(
                ErrorCode::InvalidRequest,
                "a request without \"method\"",
                reply_to,
            ))
        }
    };
    if !id_ok {
        return Err(refusal(
            ErrorCode::InvalidRequest,
            "\"id\" must be an integer or a string",
            vec![Id::Null],
        ));
    }
    Ok(Meta {
        method: Some(method),
        has_id: id.is_some(),
    })
}

/// LSP has no batches: each request in one gets its own -32600, so that none is left
/// waiting; a batch without requests gets one reply without id.
fn batch(text: &str) -> Refusal {
    let reason = "a batch: LSP does not support JSON-RPC batches";
    match serde_json::from_str::<Vec<Value>>(text) {
        Ok(items) => {
            let mut ids: Vec<Id> = items
                .iter()
                .filter_map(|item| Id::deserialize(item.get("id")?).ok())
                .filter(|id| *id != Id::Null)
                .collect();
            if ids.is_empty() {
                ids.push(Id::Null);
            }
            refusal(ErrorCode::InvalidRequest, reason, ids)
        }
        Err(e) if e.is_data() => refusal(ErrorCode::InvalidRequest, reason, vec![Id::Null]),
        Err(e) => not_json(&e),
    }
}

/// The id of what looks like a message, or `Null`; invalid UTF-8 is replaced first.
pub(super) fn recover_id(bytes: &[u8]) -> Id {
    let text = String::from_utf8_lossy(bytes);
    serde_json::from_str::<Envelope>(&text)
        .ok()
        .and_then(|env| Id::deserialize(env.id?).ok())
        .unwrap_or(Id::Null)
}
