//! One call of an operation: its tracing span, and turning what the
//! generated client returns into a [`Error`] that says what went wrong.
//!
//! The hooks (`crate::request::hooks`) run inside the generated `send()`; they report
//! what only they see (the status, errors of token renewal) through a
//! task-local context that this module opens around each call.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use progenitor_client::{ByteStream, Error as ApiError, ResponseValue};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use tracing::Instrument;
use tracing::field::Empty;

use super::{decode, redact};
use crate::api::types::ExceptionInfo;
use crate::{ClientState, Error};

/// Kept small: the task-local is swapped in and out on every poll.
#[derive(Default)]
struct Context {
    status: Option<StatusCode>,
    retry_after: Option<Duration>,
    stashed: Option<Box<Error>>,
    attempts: u32,
    not_repeated: bool,
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
        c.stashed.get_or_insert_with(|| Box::new(error));
    });
}

/// Records an attempt (one request on the wire).
pub(crate) fn record_attempt() {
    with_context(|c| c.attempts += 1);
}

/// Records that a transient failure was not repeated because the
/// operation must not be done twice.
pub(crate) fn record_not_repeated() {
    with_context(|c| c.not_repeated = true);
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
///
/// Callers pass the `send()` future boxed (`Box::pin(request.send())`): it is
/// large, and a box keeps the facade's futures small and cheap to move.
pub(crate) async fn call<T, F>(state: &ClientState, operation: &'static str, send: Pin<Box<F>>) -> Result<T, Error>
where
    T: DeserializeOwned,
    F: Future<Output = Result<ResponseValue<T>, ApiError<ExceptionInfo>>> + ?Sized,
{
    run(state, operation, send, ResponseValue::into_inner, leniently::<T>).await
}

// Only the restore capability has operations that answer files.
#[cfg_attr(not(feature = "restore"), allow(dead_code))]
/// A file the server is sending: its bytes as they come, and its size when
/// the server said it (`Content-Length`).
pub(crate) struct Download {
    pub(crate) size: Option<u64>,
    pub(crate) stream: ByteStream,
}

#[cfg_attr(not(feature = "restore"), allow(dead_code))]
/// [`call`] for an operation that answers a file as a stream of bytes: the
/// stream is handed on unread (the hooks neither limit nor keep it).
pub(crate) async fn call_stream<F>(
    state: &ClientState,
    operation: &'static str,
    send: Pin<Box<F>>,
) -> Result<Download, Error>
where
    F: Future<Output = Result<ResponseValue<ByteStream>, ApiError<ExceptionInfo>>> + ?Sized,
{
    let download = |value: ResponseValue<ByteStream>| {
        let size = value.headers().get(reqwest::header::CONTENT_LENGTH);
        let size = size.and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
        Download { size, stream: value.into_inner() }
    };
    run(state, operation, send, download, |_, operation, _| {
        Err(Error::invalid(operation, "response", String::from("a stream of bytes is never decoded")))
    })
    .await
}

/// How a body the generated client could not read is read leniently.
type Lenient<T> = fn(&ClientState, &'static str, &[u8]) -> Result<T, Error>;

async fn run<T, U, F>(
    state: &ClientState,
    operation: &'static str,
    send: Pin<Box<F>>,
    finish: impl FnOnce(ResponseValue<T>) -> U,
    lenient: Lenient<U>,
) -> Result<U, Error>
where
    F: Future<Output = Result<ResponseValue<T>, ApiError<ExceptionInfo>>> + ?Sized,
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
    // Timed only when someone listens to the span.
    let started = (!span.is_disabled()).then(Instant::now);
    let (result, context) = CONTEXT
        .scope(RefCell::new(Context::default()), async move {
            let result = send.await;
            (result, CONTEXT.with(|c| std::mem::take(&mut *c.borrow_mut())))
        })
        .instrument(span.clone())
        .await;
    let result = match result {
        Ok(value) => Ok(finish(value)),
        Err(e) => match context.stashed {
            Some(stashed) => Err(*stashed),
            // Boxed: the error path's future is large, and most calls succeed.
            None => Box::pin(map_error(state, operation, e, context.status, context.retry_after, lenient))
                .await
                .map_err(|e| e.with_attempts(context.attempts, context.not_repeated)),
        },
    };
    if let Some(status) = context.status {
        span.record("status", status.as_u16());
    }
    span.record("attempts", context.attempts);
    if let Some(started) = started {
        span.record("duration_ms", u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
    }
    if let Err(e) = &result {
        tracing::debug!(parent: &span, error = %e, "call failed");
    }
    result
}

async fn map_error<T>(
    state: &ClientState,
    operation: &'static str,
    error: ApiError<ExceptionInfo>,
    status: Option<StatusCode>,
    retry_after: Option<Duration>,
    lenient: Lenient<T>,
) -> Result<T, Error> {
    let refused = |status: StatusCode, message: String| {
        if status == StatusCode::UNAUTHORIZED {
            let reason = if crate::request::auth::is_token_request(operation) {
                message
            } else {
                format!("the server refused the access token, also after renewing it: {message}")
            };
            Error::Auth { operation, status: Some(status), reason }
        } else {
            Error::Api { operation, status, message, retry_after, attempts: 1, not_repeated: false }
        }
    };
    match error {
        ApiError::ErrorResponse(response) => {
            let status = response.status();
            Err(refused(status, redact::tidy(&response.into_inner().message)))
        }
        ApiError::InvalidResponsePayload(bytes, _) => match status {
            Some(status) if !status.is_success() => Err(refused(status, redact::message_of(operation, &bytes))),
            _ => lenient(state, operation, &bytes),
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

/// Reads a body the generated client refused, setting aside what does not
/// have the documented shape and saying so.
fn leniently<T: DeserializeOwned>(state: &ClientState, operation: &'static str, bytes: &[u8]) -> Result<T, Error> {
    let (decoded, repairs) = decode::leniently(operation, bytes, state.config.strict)?;
    // One event per distinct member: a page of a thousand alike is one problem.
    let mut warned: Vec<String> = Vec::new();
    for repair in &repairs {
        let pattern = decode::pattern_of(&repair.pointer);
        if warned.contains(&pattern) {
            continue;
        }
        let count = repairs.iter().filter(|r| decode::pattern_of(&r.pointer) == pattern).count();
        tracing::warn!(
            operation,
            pointer = %repair.pointer,
            problem = %repair.problem,
            count,
            "set aside a response member that does not have the documented shape; see Client::repairs"
        );
        warned.push(pattern);
    }
    state.repairs.record(repairs);
    Ok(decoded)
}

/// A transport error, or the body limit the hooks put on every response.
fn from_reqwest(operation: &'static str, error: reqwest::Error, limit: usize) -> Error {
    if crate::error::chain_contains::<http_body_util::LengthLimitError>(&error) {
        return Error::ResponseTooLarge { operation, limit };
    }
    Error::transport(operation, error)
}
