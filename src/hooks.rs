//! What the generated client does around every request: add the bearer
//! token, renew it and repeat once after a 401, count attempts, and cap the
//! size of the response body. These run for calls through [`crate::Client`]
//! and through the generated [`crate::api::Client`] alike.

use std::sync::Arc;
use std::time::Duration;

use progenitor_client::{ClientHooks, Error as ApiError, OperationInfo};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderValue, RETRY_AFTER};

use crate::auth::CREATE_TOKEN;
use crate::call::{record_attempt, record_response, stash};
use crate::{ClientState, api};

impl ClientHooks<Arc<ClientState>> for api::Client {
    async fn pre<E>(&self, request: &mut reqwest::Request, info: &OperationInfo) -> Result<(), ApiError<E>> {
        let span = tracing::Span::current();
        span.record("method", request.method().as_str());
        span.record("path", request.url().path());
        if info.operation_id == CREATE_TOKEN {
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
        let repeat = (info.operation_id != CREATE_TOKEN).then(|| request.try_clone()).flatten();
        let mut response = self.send(request).await?;
        if let (StatusCode::UNAUTHORIZED, Some(mut again)) = (response.status(), repeat) {
            let used = again.headers().get(AUTHORIZATION).cloned().unwrap_or(HeaderValue::from_static(""));
            match Box::pin(state.auth.renew_if_current(self, &used, info.operation_id)).await {
                Ok(header) => {
                    again.headers_mut().insert(AUTHORIZATION, header);
                    response = self.send(again).await?;
                }
                Err(e) => stash(e),
            }
        }
        record_response(response.status(), retry_after(&response));
        Ok(limit_body(response, state.config.max_response_bytes))
    }
}

impl api::Client {
    /// One request on the wire.
    async fn send(&self, request: reqwest::Request) -> reqwest::Result<reqwest::Response> {
        record_attempt();
        self.inner.count_request();
        self.client.execute(request).await
    }
}

/// The server's `Retry-After` in seconds (the HTTP-date form is not used by
/// this API).
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Makes reading the body fail once it passes `limit` bytes, so an
/// oversized answer is refused instead of being held in memory.
fn limit_body(response: reqwest::Response, limit: usize) -> reqwest::Response {
    let response: http::Response<reqwest::Body> = response.into();
    let (parts, body) = response.into_parts();
    let body = reqwest::Body::wrap(http_body_util::Limited::new(body, limit));
    reqwest::Response::from(http::Response::from_parts(parts, body))
}
