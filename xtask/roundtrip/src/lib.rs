//! Round trip of recorded examples through the generated Rust types.
//!
//! Each example is decoded into the type the generated client uses for its
//! operation, direction and status, then encoded again. What comes back is
//! compared with the original by `vb365_contract::Contract::compare`, which
//! reports any field dropped or changed on the way.
//!
//! This lives apart from the xtask binary because it links the generated
//! client: when the document does not generate, `cargo xtask validate` must
//! still run and say why.
#![forbid(unsafe_code)]

use std::future::Future;

use progenitor_client::{Error as ApiError, ResponseValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use vb365::api::Client;
use vb365::types;
use vb365_contract::Direction;
use vb365_contract::examples::{Example, ExampleBody};

/// What an example became.
#[derive(Debug, Clone, PartialEq)]
pub enum Trip {
    /// A JSON body, encoded again.
    Json(Value),
    /// A form body, encoded again and split into fields.
    Form(Vec<(String, String)>),
    /// Nothing to round-trip (an empty body, or bytes the client streams
    /// without decoding).
    Empty,
}

/// Why an example could not make the trip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TripError {
    /// No Rust type is registered for this operation and direction.
    Unregistered(String),
    /// The body does not decode; `pointer` locates the value.
    Decode { pointer: String, message: String },
    /// The value does not encode again.
    Encode(String),
}

impl std::fmt::Display for TripError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unregistered(m) => f.write_str(m),
            Self::Decode { pointer, message } => {
                let at = if pointer.is_empty() { "/" } else { pointer };
                write!(f, "{at}: does not decode: {message}")
            }
            Self::Encode(m) => write!(f, "does not encode again: {m}"),
        }
    }
}

type Codec = fn(&ExampleBody) -> Result<Trip, TripError>;

/// Decodes an example into its Rust type and encodes it again.
pub fn round_trip(example: &Example) -> Result<Trip, TripError> {
    if matches!(example.body, ExampleBody::Empty | ExampleBody::Bytes(_)) {
        return Ok(Trip::Empty);
    }
    let codec = codec_for(&example.name.operation, example.name.direction).ok_or_else(|| {
        TripError::Unregistered(format!(
            "no Rust type is registered for {} {}; is it in openapi/vb365.yaml?",
            example.name.operation, example.name.direction
        ))
    })?;
    codec(&example.body)
}

include!(concat!(env!("OUT_DIR"), "/codecs.rs"));

/// The success or error body type of an operation, from its `send()`.
fn response<B, F, T, E>(_send: fn(B) -> F, success: bool) -> Codec
where
    F: Future<Output = Result<ResponseValue<T>, ApiError<E>>>,
    T: DeserializeOwned + Serialize,
    E: DeserializeOwned + Serialize,
{
    if success { json_trip::<T> } else { json_trip::<E> }
}

/// An operation whose success answer is a stream of bytes: its error body
/// is JSON of type `E`; its bytes are not decoded (see [`round_trip`]).
fn stream<B, F, T, E>(_send: fn(B) -> F, success: bool) -> Codec
where
    F: Future<Output = Result<ResponseValue<T>, ApiError<E>>>,
    E: DeserializeOwned + Serialize,
{
    if success { |_| Ok(Trip::Empty) } else { json_trip::<E> }
}

/// A JSON request body of type `T`; `_accepts` proves the builder takes it.
fn json<T, R>(_accepts: fn(&'static Client, T) -> R) -> Codec
where
    T: DeserializeOwned + Serialize,
{
    json_trip::<T>
}

/// A form request body of type `T`; `_accepts` proves the builder takes it.
fn form<T, R>(_accepts: fn(&'static Client, T) -> R) -> Codec
where
    T: DeserializeOwned + Serialize,
{
    form_trip::<T>
}

fn json_trip<T: DeserializeOwned + Serialize>(body: &ExampleBody) -> Result<Trip, TripError> {
    let ExampleBody::Json(value) = body else {
        return Err(TripError::Unregistered(String::from("this body is declared as JSON")));
    };
    let typed: T = decode(value)?;
    serde_json::to_value(&typed).map(Trip::Json).map_err(|e| TripError::Encode(e.to_string()))
}

fn form_trip<T: DeserializeOwned + Serialize>(body: &ExampleBody) -> Result<Trip, TripError> {
    let ExampleBody::Form(fields) = body else {
        return Err(TripError::Unregistered(String::from("this body is declared as a form")));
    };
    let encoded = serde_urlencoded::to_string(fields).map_err(|e| TripError::Encode(e.to_string()))?;
    let typed: T = serde_urlencoded::from_str(&encoded)
        .map_err(|e| TripError::Decode { pointer: String::new(), message: e.to_string() })?;
    let again = serde_urlencoded::to_string(&typed).map_err(|e| TripError::Encode(e.to_string()))?;
    Ok(Trip::Form(vb365_contract::examples::parse_form(&again)))
}

/// Decodes a value, locating the first field that does not fit.
pub fn decode<T: DeserializeOwned>(value: &Value) -> Result<T, TripError> {
    serde_path_to_error::deserialize(value)
        .map_err(|e| TripError::Decode { pointer: pointer(e.path()), message: e.inner().to_string() })
}

fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .map(|segment| match segment {
            Segment::Seq { index } => format!("/{index}"),
            Segment::Map { key } => format!("/{}", vb365_contract::pointer_segment(key)),
            Segment::Enum { variant } => format!("/{variant}"),
            Segment::Unknown => String::from("/?"),
        })
        .collect()
}
