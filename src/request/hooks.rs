//! What the generated client does around every request: add the bearer
//! token, renew it and repeat once after a 401, retry transient failures
//! (see [`RetryConfig`]), count attempts, cap the size of the response
//! body, and keep it for a JSON capture when one runs (`capture`). These
//! run for calls through [`crate::Client`]
//! and through the generated [`crate::api::Client`] alike.

use std::sync::Arc;
use std::time::Duration;

use progenitor_client::{ClientHooks, Error as ApiError, OperationInfo};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderValue, RETRY_AFTER};

use super::retry;
use crate::request::auth::is_token_request;
use crate::request::call::{record_attempt, record_not_repeated, record_response, stash};
use crate::request::capture;
use crate::{ClientState, RetryConfig, api};

impl ClientHooks<Arc<ClientState>> for api::Client {
    async fn pre<E>(&self, request: &mut reqwest::Request, info: &OperationInfo) -> Result<(), ApiError<E>> {
        let span = tracing::Span::current();
        span.record("method", request.method().as_str());
        span.record("path", request.url().path());
        // progenitor sends the document's `info.version`; servers version by
        // path, and a header with other content could only confuse one.
        request.headers_mut().remove("api-version");
        if is_token_request(info.operation_id) {
            return Ok(());
        }
        if let Some(header) = self.inner.auth.fresh_header() {
            request.headers_mut().insert(AUTHORIZATION, header);
            return Ok(());
        }
        // Boxed: renewing sends a token request through these same hooks.
        match Box::pin(self.inner.auth.header(self, info.operation_id)).await {
            Ok(header) => {
                request.headers_mut().insert(AUTHORIZATION, header);
                Ok(())
            }
            Err(e) => {
                let message = e.to_string();
                stash(e);
                Err(ApiError::Custom(message))
            }
        }
    }

    async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        let state = &self.inner;
        let retry = &state.config.retry;
        let operation = info.operation_id;
        let repeatable = retry::repeatable(request.method(), operation);
        let mut request = request;
        let mut attempt = 1;
        // A request without a token is not renewed and repeated after a 401.
        let mut renewed = is_token_request(operation);
        loop {
            // A copy to send again; every body this client sends can be copied.
            let spare = request.try_clone();
            let outcome = self.send(request).await;
            let next = match (&outcome, spare.is_some()) {
                (_, false) => None,
                (Ok(response), _) if response.status() == StatusCode::UNAUTHORIZED && !renewed => {
                    renewed = true;
                    Some(Next::Renew)
                }
                (Ok(response), _) if retry::transient_status(response.status()) => {
                    next_wait(retry, repeatable, attempt, retry_after(response)).map(Next::Wait)
                }
                (Err(error), _) if retry::transient_error(error) => {
                    next_wait(retry, repeatable, attempt, None).map(Next::Wait)
                }
                _ => None,
            };
            let (Some(next), Some(mut again)) = (next, spare) else {
                let response = outcome?;
                record_response(response.status(), retry_after(&response));
                let response = limit_body(response, state.config.max_response_bytes);
                if response.status().is_success() && !is_token_request(operation) && capture::wanted() {
                    return kept(operation, response).await;
                }
                return Ok(response);
            };
            if let Next::Wait(wait) = next {
                tracing::debug!(
                    operation,
                    attempt,
                    wait_ms = wait.as_millis() as u64,
                    "retrying after a transient failure"
                );
                drop(outcome);
                tokio::time::sleep(wait).await;
                attempt += 1;
            } else {
                // Renew (or pick up a renewal another call made) and repeat once.
                let used = again.headers().get(AUTHORIZATION).cloned().unwrap_or(HeaderValue::from_static(""));
                match Box::pin(state.auth.renew_if_current(self, &used, operation)).await {
                    Ok(header) => {
                        again.headers_mut().insert(AUTHORIZATION, header);
                    }
                    Err(e) => {
                        stash(e);
                        let response = outcome?;
                        record_response(response.status(), None);
                        return Ok(limit_body(response, state.config.max_response_bytes));
                    }
                }
            }
            request = again;
        }
    }
}

/// What to do before sending a request again.
enum Next {
    /// Renew the token first (after a 401).
    Renew,
    /// Wait this long first (after a transient failure).
    Wait(Duration),
}

/// The wait before the next attempt, if there is one. A transient failure
/// of an operation that must not be repeated is recorded as such.
fn next_wait(retry: &RetryConfig, repeatable: bool, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
    if !repeatable {
        record_not_repeated();
        return None;
    }
    retry.wait_after(attempt, retry_after)
}

impl api::Client {
    /// One request on the wire.
    async fn send(&self, request: reqwest::Request) -> reqwest::Result<reqwest::Response> {
        record_attempt();
        self.inner.count_request();
        self.client.execute(request).await
    }
}

fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    retry_after_of(response.status(), response.headers())
}

/// The server's `Retry-After` in seconds on a `429` or `503` (the HTTP-date
/// form is not used by this API). Any header value gives an answer: what
/// is not a number of seconds is no `Retry-After` at all.
pub(crate) fn retry_after_of(status: StatusCode, headers: &http::HeaderMap) -> Option<Duration> {
    if !matches!(status, StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE) {
        return None;
    }
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Reads the body, keeps it for the capture running (see `capture`), and
/// hands the generated client the same response with the body in memory.
async fn kept(operation: &'static str, response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    let (status, version, headers) = (response.status(), response.version(), response.headers().clone());
    let body = response.bytes().await?;
    capture::keep(operation, &body);
    let mut again = http::Response::new(reqwest::Body::from(body));
    *again.status_mut() = status;
    *again.version_mut() = version;
    *again.headers_mut() = headers;
    Ok(reqwest::Response::from(again))
}

/// Makes reading the body fail once it passes `limit` bytes, so an
/// oversized answer is refused instead of being held in memory. A body whose
/// `Content-Length` is within the limit needs no wrapper: the HTTP layer
/// never delivers more than that length.
pub(crate) fn limit_body(response: reqwest::Response, limit: usize) -> reqwest::Response {
    if response.content_length().is_some_and(|length| length <= limit as u64) {
        return response;
    }
    let response: http::Response<reqwest::Body> = response.into();
    let (parts, body) = response.into_parts();
    let body = reqwest::Body::wrap(http_body_util::Limited::new(body, limit));
    reqwest::Response::from(http::Response::from_parts(parts, body))
}
