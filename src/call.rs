//! One call of an operation: its tracing span, and turning what the
//! generated client returns into a [`Error`] that says what went wrong.
//!
//! The hooks (`crate::hooks`) run inside the generated `send()`; they report
//! what only they see (the status, errors of token renewal) through a
//! task-local context that this module opens around each call.

use std::cell::RefCell;
use std::future::Future;
use std::time::{Duration, Instant};

use progenitor_client::{Error as ApiError, ResponseValue};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tracing::Instrument;
use tracing::field::Empty;

use crate::api::types::ExceptionInfo;
use crate::{ClientState, Error, redact};

/// At most this many malformed optional fields are dropped from one response.
const MAX_DROPPED_FIELDS: usize = 16;

#[derive(Default)]
struct Context {
    status: Option<StatusCode>,
    retry_after: Option<Duration>,
    stashed: Option<Error>,
    attempts: u32,
}

tokio::task_local! {
    static CONTEXT: RefCell<Context>;
}

fn with_context(f: impl FnOnce(&mut Context)) {
    let _ = CONTEXT.try_with(|c| f(&mut c.borrow_mut()));
}

/// Keeps the first typed error a hook ran into, to return instead of what
/// the generated client makes of it.
pub(crate) fn stash(error: Error) {
    with_context(|c| {
        c.stashed.get_or_insert(error);
    });
}

/// Records an attempt (one request on the wire).
pub(crate) fn record_attempt() {
    with_context(|c| c.attempts += 1);
}

/// Records the status and `Retry-After` of the response the call ends with.
pub(crate) fn record_response(status: StatusCode, retry_after: Option<Duration>) {
    with_context(|c| {
        c.status = Some(status);
        c.retry_after = retry_after;
    });
}

/// Runs one generated `send()` inside a span named `vb365.call` with the
/// fields `operation`, `method`, `path`, `status`, `attempts` and
/// `duration_ms`, and maps its result.
pub(crate) async fn call<T, F>(state: &ClientState, operation: &'static str, send: F) -> Result<T, Error>
where
    T: DeserializeOwned,
    F: Future<Output = Result<ResponseValue<T>, ApiError<ExceptionInfo>>>,
{
    let span = tracing::info_span!(
        "vb365.call",
        operation,
        method = Empty,
        path = Empty,
        status = Empty,
        attempts = Empty,
        duration_ms = Empty,
    );
    let started = Instant::now();
    let (result, context) = CONTEXT
        .scope(RefCell::new(Context::default()), async move {
            let result = send.await;
            (result, CONTEXT.with(|c| std::mem::take(&mut *c.borrow_mut())))
        })
        .instrument(span.clone())
        .await;
    let result = match result {
        Ok(value) => Ok(value.into_inner()),
        Err(e) => match context.stashed {
            Some(stashed) => Err(stashed),
            None => map_error(state, operation, e, context.status, context.retry_after).await,
        },
    };
    if let Some(status) = context.status {
        span.record("status", status.as_u16());
    }
    span.record("attempts", context.attempts);
    span.record("duration_ms", u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
    if let Err(e) = &result {
        tracing::debug!(parent: &span, error = %e, "call failed");
    }
    result
}

async fn map_error<T: DeserializeOwned>(
    state: &ClientState,
    operation: &'static str,
    error: ApiError<ExceptionInfo>,
    status: Option<StatusCode>,
    retry_after: Option<Duration>,
) -> Result<T, Error> {
    let refused = |status: StatusCode, message: String| {
        if status == StatusCode::UNAUTHORIZED {
            Error::Auth {
                operation,
                status: Some(status),
                reason: format!("the server refused the access token, also after renewing it: {message}"),
            }
        } else {
            Error::Api { operation, status, message, retry_after }
        }
    };
    match error {
        ApiError::ErrorResponse(response) => {
            let status = response.status();
            Err(refused(status, response.into_inner().message))
        }
        ApiError::InvalidResponsePayload(bytes, _) => match status {
            Some(status) if !status.is_success() => Err(refused(status, redact::message_of(operation, &bytes))),
            _ => decode_leniently(operation, &bytes),
        },
        ApiError::UnexpectedResponse(response) => {
            let status = response.status();
            let body = response.bytes().await.unwrap_or_default();
            Err(refused(status, redact::message_of(operation, &body)))
        }
        ApiError::CommunicationError(e) | ApiError::ResponseBodyError(e) | ApiError::InvalidUpgrade(e) => {
            Err(from_reqwest(operation, e, state.config.max_response_bytes))
        }
        ApiError::InvalidRequest(problem) => Err(Error::invalid(operation, "request", problem)),
        ApiError::Custom(problem) => Err(Error::Auth { operation, status: None, reason: problem }),
    }
}

/// A transport error, or the body limit the hooks put on every response.
fn from_reqwest(operation: &'static str, error: reqwest::Error, limit: usize) -> Error {
    if crate::error::chain_contains::<http_body_util::LengthLimitError>(&error) {
        return Error::ResponseTooLarge { operation, limit };
    }
    let reached = !error.is_connect();
    let error = Error::transport(operation, error);
    if reached { error.reached_server() } else { error }
}

/// Decodes a success body that the generated type refused. A newer or
/// sloppier server may send a field in a shape the document does not allow;
/// when that field is optional it is dropped (with a warning naming it, not
/// its value) so the caller still gets everything else. A required field
/// that does not fit fails the call with its JSON pointer.
fn decode_leniently<T: DeserializeOwned>(operation: &'static str, bytes: &[u8]) -> Result<T, Error> {
    let fail = |path: String, message: String| Error::Decode {
        operation,
        path,
        message,
        snippet: redact::snippet(operation, bytes),
    };
    let mut value: Value = serde_json::from_slice(bytes).map_err(|e| fail(String::new(), e.to_string()))?;
    let mut first_error = None;
    let mut dropped = Vec::new();
    loop {
        match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(decoded) => {
                for field in dropped {
                    tracing::warn!(operation, field = %field, "ignored a response field that does not have the documented shape");
                }
                return Ok(decoded);
            }
            Err(e) => {
                let pointer = pointer_of(e.path());
                let (path, message) =
                    first_error.get_or_insert_with(|| (pointer.clone(), e.inner().to_string())).clone();
                let removable = dropped.len() < MAX_DROPPED_FIELDS && !dropped.contains(&pointer);
                if !removable || !remove_at(&mut value, &pointer) {
                    return Err(fail(path, message));
                }
                dropped.push(pointer);
            }
        }
    }
}

/// Removes the object member at `pointer`; false if it is not one.
fn remove_at(value: &mut Value, pointer: &str) -> bool {
    let Some((parent, key)) = pointer.rsplit_once('/') else { return false };
    let key = key.replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(parent) {
        Some(Value::Object(map)) => map.remove(&key).is_some(),
        _ => false,
    }
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .map(|segment| match segment {
            Segment::Seq { index } => format!("/{index}"),
            Segment::Map { key } => format!("/{}", key.replace('~', "~0").replace('/', "~1")),
            Segment::Enum { variant } => format!("/{variant}"),
            Segment::Unknown => String::from("/?"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{BackupAccount, RestoreSession};

    #[test]
    fn a_malformed_optional_field_is_dropped() {
        let body = br#"{"id": "fa3a2d17-d86d-4540-bf71-512750281e43", "creationTime": "yesterday", "name": "kept"}"#;
        let session: RestoreSession = decode_leniently("get_restore_session", body).unwrap();
        assert_eq!(session.name.as_deref(), Some("kept"));
        assert!(session.creation_time.is_none());
    }

    #[test]
    fn a_malformed_required_field_fails_with_its_pointer() {
        let body = br#"[{"groupMember": {"login": "a", "type": 7}, "password": "hunter2"}]"#;
        let err = decode_leniently::<Vec<BackupAccount>>("list_backup_accounts", body).unwrap_err();
        match &err {
            Error::Decode { path, .. } => assert_eq!(path, "/0/groupMember/type"),
            other => panic!("unexpected {other:?}"),
        }
        let text = err.to_string();
        assert!(text.starts_with("list_backup_accounts: cannot read the response at /0/groupMember/type"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }

    #[test]
    fn a_body_that_is_not_json_fails_at_the_top() {
        let err = decode_leniently::<RestoreSession>("get_restore_session", b"{\"id\": \"fa3a").unwrap_err();
        assert!(matches!(err, Error::Decode { ref path, .. } if path.is_empty()), "{err:?}");
    }
}
