//! What every generated `send()` does once its request is built: run the
//! hooks, send, and read the answer by its status.
//!
//! progenitor writes this tail into each operation's `send()`; the code
//! generator (`vb365_codegen`, `sends.rs`) hands it here instead, so that it
//! is compiled once per kind of answer rather than once per operation. The
//! behaviour is the generated code's: the one success status the document
//! gives is read as the operation answers, a status in one of the error
//! ranges is read as the document's error body, any other is unexpected.

use progenitor_client::{ByteStream, ClientHooks, Error, OperationInfo, ResponseValue};
use serde::de::DeserializeOwned;

use crate::api::Client;

/// Status ranges (inclusive) whose bodies are the document's error type.
type ErrorRanges = &'static [(u16, u16)];

/// An operation whose success answer is JSON of type `T`.
// Which of the three a build uses depends on the capabilities it generates.
#[allow(dead_code)]
pub(crate) async fn json<T: DeserializeOwned, E: DeserializeOwned>(
    client: &Client,
    request: Result<reqwest::Request, Error<E>>,
    operation_id: &'static str,
    success: u16,
    errors: ErrorRanges,
) -> Result<ResponseValue<T>, Error<E>> {
    ResponseValue::from_response(answered(client, request, operation_id, success, errors).await?).await
}

/// An operation whose success answer has no body.
// Which of the three a build uses depends on the capabilities it generates.
#[allow(dead_code)]
pub(crate) async fn empty<E: DeserializeOwned>(
    client: &Client,
    request: Result<reqwest::Request, Error<E>>,
    operation_id: &'static str,
    success: u16,
    errors: ErrorRanges,
) -> Result<ResponseValue<()>, Error<E>> {
    Ok(ResponseValue::empty(answered(client, request, operation_id, success, errors).await?))
}

/// An operation whose success answer is a file, handed on as a stream.
// Which of the three a build uses depends on the capabilities it generates.
#[allow(dead_code)]
pub(crate) async fn stream<E: DeserializeOwned>(
    client: &Client,
    request: Result<reqwest::Request, Error<E>>,
    operation_id: &'static str,
    success: u16,
    errors: ErrorRanges,
) -> Result<ResponseValue<ByteStream>, Error<E>> {
    Ok(ResponseValue::stream(answered(client, request, operation_id, success, errors).await?))
}

/// Runs the hooks around sending the request and hands back the response
/// if it has the success status; any other status is the error it stands
/// for. Generic only over the error type, so its body is compiled once
/// whatever the operations answer.
async fn answered<E: DeserializeOwned>(
    client: &Client,
    request: Result<reqwest::Request, Error<E>>,
    operation_id: &'static str,
    success: u16,
    errors: ErrorRanges,
) -> Result<reqwest::Response, Error<E>> {
    let mut request = request?;
    let info = OperationInfo { operation_id };
    client.pre(&mut request, &info).await?;
    let result = client.exec(request, &info).await;
    client.post(&result, &info).await?;
    let response = result?;
    if response.status().as_u16() == success {
        return Ok(response);
    }
    Err(failure(response, errors).await)
}

/// A response with any status but the success one.
async fn failure<E: DeserializeOwned>(response: reqwest::Response, errors: ErrorRanges) -> Error<E> {
    let status = response.status().as_u16();
    if !errors.iter().any(|&(low, high)| (low..=high).contains(&status)) {
        return Error::UnexpectedResponse(response);
    }
    match ResponseValue::from_response(response).await {
        Ok(body) => Error::ErrorResponse(body),
        Err(e) => e,
    }
}
