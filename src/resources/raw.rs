//! Any request, for what has no method yet: with the client's token,
//! renewal, retries and limits, and the body read as JSON.

use progenitor_client::{ClientHooks, Error as ApiError, OperationInfo, ResponseValue};
use reqwest::Method;
use serde_json::Value;

use crate::request::call::call;
use crate::{Client, Error};

/// How errors of [`Client::send_json`] name the operation.
pub const RAW_REQUEST: &str = "raw_request";

impl Client {
    /// Sends `method path` (a path under the server's base URL, query
    /// included: `/v8/Jobs?limit=5`) with `body` as JSON, and returns the
    /// response body as JSON (`Value::Null` for an empty body).
    ///
    /// The request carries the bearer token, is renewed and repeated once
    /// after a `401`, and retried like any other request of its method
    /// (`GET`, `PUT` and `DELETE` after transient failures; `POST` never). A
    /// status other than 2xx is [`Error::Api`] (or [`Error::Auth`] for a
    /// `401`) with the server's message. Errors name the operation
    /// `raw_request`.
    pub async fn send_json(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value, Error> {
        self.send_json_as(RAW_REQUEST, method, path, body).await
    }

    /// [`Client::send_json`] as a documented operation: for a request whose
    /// body the typed client cannot carry whole (a change that keeps members
    /// the document lacks). Errors, retries and tracing name `operation`.
    pub(crate) async fn send_json_as(
        &self,
        operation: &'static str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, Error> {
        if !path.starts_with('/') {
            return Err(Error::invalid(operation, "path", format!("`{path}` must start with `/`")));
        }
        let url = format!("{}{path}", self.base_url());
        let mut request = self.api().client.request(method, url);
        if let Some(body) = body {
            request = request.json(body);
        }
        let request = request.build().map_err(|e| Error::invalid(operation, "path", e.to_string()))?;
        let api = self.api();
        // The same steps as a generated operation, so that `call` gives it
        // the same span, error mapping and token handling.
        let send = async move {
            let info = OperationInfo { operation_id: operation };
            let mut request = request;
            api.pre(&mut request, &info).await?;
            let response = api.exec(request, &info).await.map_err(ApiError::CommunicationError)?;
            if !response.status().is_success() {
                return Err(ApiError::UnexpectedResponse(response));
            }
            let (status, headers) = (response.status(), response.headers().clone());
            let bytes = response.bytes().await.map_err(ApiError::ResponseBodyError)?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(ResponseValue::new(Value::Null, status, headers));
            }
            match serde_json::from_slice(&bytes) {
                Ok(value) => Ok(ResponseValue::new(value, status, headers)),
                Err(e) => Err(ApiError::InvalidResponsePayload(bytes, e)),
            }
        };
        call(self.state(), operation, Box::pin(send)).await
    }
}
