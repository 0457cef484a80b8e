//! What the generated client does around every request: add the bearer
//! token, renew it and repeat once after a 401, retry transient failures
//! (see [`RetryConfig`]), count attempts, cap the size of the response
//! body, and keep it for a JSON capture when one runs (`capture`). These
//! run for calls through [`crate::Client`]
//! and through the generated [`crate::api::Client`] alike.

use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;

use progenitor_client::{ClientHooks, Error as ApiError, OperationInfo};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderValue, RETRY_AFTER};

use super::retry;
use crate::api::STREAMED_OPERATIONS;
use crate::request::auth::is_token_request;
use crate::request::call::{record_attempt, record_not_repeated, record_response, stash};
use crate::request::capture;
use crate::{ClientState, RetryConfig, api};

impl ClientHooks<Arc<ClientState>> for api::Client {
    async fn pre<E>(&self, request: &mut reqwest::Request, info: &OperationInfo) -> Result<(), ApiError<E>> {
        let span = tracing::Span::current();
        span.record("method", request.method().as_str());
        span.record("path", request.url().path());
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

    async fn exec(&self, mut request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        let state = &self.inner;
        let retry = &state.config.retry;
        let operation = info.operation_id;
        let repeatable = retry::repeatable(request.method(), operation);
        // A file may take longer to arrive than any answer: the request
        // timeout bounds its start, and the reader a stall between chunks.
        if STREAMED_OPERATIONS.contains(&operation) {
            *request.timeout_mut() = Some(STREAMED_TIMEOUT);
        }
        let mut attempt = 1;
        // A request without a token is not renewed and repeated after a 401.
        let mut renewed = is_token_request(operation);
        loop {
            // A copy to send again; every body this client sends can be copied.
            let spare = spare(&request);
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
            // Every path but the common one in a box of its own: waiting,
            // renewing and keeping a body make large futures, and this one
            // (inside every generated send()) stays small.
            let slow = Box::pin(self.slow(
                match (next, spare) {
                    (Some(Next::Wait(wait)), Some(again)) => {
                        tracing::debug!(
                            operation,
                            attempt,
                            wait_ms = wait.as_millis() as u64,
                            "retrying after a transient failure"
                        );
                        drop(outcome);
                        attempt += 1;
                        Slow::Wait(wait, again)
                    }
                    (Some(Next::Renew), Some(again)) => Slow::Renew(again, outcome),
                    _ => {
                        let response = outcome?;
                        record_response(response.status(), retry_after(&response));
                        // A file streamed to its caller is neither limited nor kept.
                        let streamed = response.status().is_success() && STREAMED_OPERATIONS.contains(&operation);
                        if streamed {
                            return Ok(response);
                        }
                        let response = limit_body(response, state.config.max_response_bytes);
                        if !(response.status().is_success() && !is_token_request(operation) && capture::wanted()) {
                            return Ok(response);
                        }
                        Slow::Keep(response)
                    }
                },
                operation,
            ));
            match slow.await {
                ControlFlow::Continue(again) => request = again,
                ControlFlow::Break(answer) => return answer,
            }
        }
    }
}

/// How long a streamed file may take in all (a day): the caller's reader
/// bounds the wait for each chunk instead.
const STREAMED_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

/// What `exec` does off its common path: the request to send again, or
/// the answer.
enum Slow {
    /// Wait this long, then send this copy.
    Wait(Duration, reqwest::Request),
    /// Renew the token (after this 401), then send this copy with it.
    Renew(reqwest::Request, reqwest::Result<reqwest::Response>),
    /// Answer this response, its body kept for the capture running.
    Keep(reqwest::Response),
}

impl api::Client {
    async fn slow(
        &self,
        slow: Slow,
        operation: &'static str,
    ) -> ControlFlow<reqwest::Result<reqwest::Response>, reqwest::Request> {
        let state = &self.inner;
        match slow {
            Slow::Wait(wait, again) => {
                tokio::time::sleep(wait).await;
                ControlFlow::Continue(again)
            }
            Slow::Renew(mut again, outcome) => {
                // Renew (or pick up a renewal another call made) and repeat once.
                let used = again.headers().get(AUTHORIZATION).cloned().unwrap_or(HeaderValue::from_static(""));
                match Box::pin(state.auth.renew_if_current(self, &used, operation)).await {
                    Ok(header) => {
                        again.headers_mut().insert(AUTHORIZATION, header);
                        ControlFlow::Continue(again)
                    }
                    Err(e) => {
                        stash(e);
                        ControlFlow::Break(outcome.map(|response| {
                            record_response(response.status(), None);
                            limit_body(response, state.config.max_response_bytes)
                        }))
                    }
                }
            }
            Slow::Keep(response) => ControlFlow::Break(kept(operation, response).await),
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
    /// One request on the wire. Not `async`: reqwest's pending request is
    /// small, and `exec` holds it across its busiest await.
    fn send(&self, request: reqwest::Request) -> impl Future<Output = reqwest::Result<reqwest::Response>> + use<> {
        record_attempt();
        self.inner.count_request();
        self.client.execute(request)
    }
}

/// A copy of `request` to send again, or `None` when its body is a stream.
///
/// `reqwest::Request::try_clone` builds an extension map on every call
/// only to replace it with a copy of the original's. A request built by
/// reqwest's `RequestBuilder`, as every generated operation's is, keeps
/// only its own timeout there; so a request without a body (most calls)
/// is copied here with its timeout and no map.
fn spare(request: &reqwest::Request) -> Option<reqwest::Request> {
    if request.body().is_some() {
        return request.try_clone();
    }
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.version_mut() = request.version();
    if let Some(timeout) = request.timeout() {
        *copy.timeout_mut() = Some(*timeout);
    }
    Some(copy)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: reqwest::Method, body: Option<&'static str>) -> reqwest::Request {
        let mut request = reqwest::Request::new(method, "https://vbo.example:4443/v8/Jobs?limit=2".parse().unwrap());
        request.headers_mut().insert(AUTHORIZATION, HeaderValue::from_static("Bearer AT"));
        *request.version_mut() = http::Version::HTTP_2;
        *request.body_mut() = body.map(reqwest::Body::from);
        request
    }

    #[test]
    fn a_spare_is_the_same_request() {
        let mut original = request(reqwest::Method::GET, None);
        *original.timeout_mut() = Some(Duration::from_secs(3));
        let copy = spare(&original).unwrap();
        assert_eq!(copy.method(), original.method());
        assert_eq!(copy.url(), original.url());
        assert_eq!(copy.headers(), original.headers());
        assert_eq!(copy.version(), http::Version::HTTP_2);
        assert_eq!(copy.timeout(), Some(&Duration::from_secs(3)));
        assert!(copy.body().is_none());
        let plain = spare(&request(reqwest::Method::GET, None)).unwrap();
        assert_eq!(plain.timeout(), None);
    }

    #[test]
    fn a_spare_keeps_the_body() {
        let copy = spare(&request(reqwest::Method::POST, Some("{\"full\":true}"))).unwrap();
        assert_eq!(copy.body().and_then(|b| b.as_bytes()), Some(&b"{\"full\":true}"[..]));
        assert_eq!(copy.headers().get(AUTHORIZATION).unwrap(), "Bearer AT");
    }
}
