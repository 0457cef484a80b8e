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
    /// Nothing to round-trip (an empty body).
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
    if example.body == ExampleBody::Empty {
        return Ok(Trip::Empty);
    }
    let codec = codec_for(&example.name.operation, example.name.direction).ok_or_else(|| {
        TripError::Unregistered(format!(
            "no Rust type is registered for {} {}; add it to xtask/roundtrip/src/lib.rs",
            example.name.operation, example.name.direction
        ))
    })?;
    codec(&example.body)
}

/// The codec for an operation and direction. Response types are read off
/// the generated `send()` of each operation, so they cannot disagree with
/// the client; request types are checked against the builder's `body()`.
pub fn codec_for(operation: &str, direction: Direction) -> Option<Codec> {
    use vb365::api::builder as b;
    let success = matches!(direction, Direction::Response(200..=299));
    let codec = match (operation, direction) {
        ("create_token", Direction::Request) => form::<types::TokenRequest, _>(|c, body| c.create_token().body(body)),
        ("create_token_v8", Direction::Request) => {
            form::<types::TokenRequest, _>(|c, body| c.create_token_v8().body(body))
        }
        ("set_backup_accounts", Direction::Request) => {
            json::<Vec<types::BackupAccount>, _>(|c, body| c.set_backup_accounts().body(body))
        }
        ("set_backup_accounts_v8", Direction::Request) => {
            json::<Vec<types::BackupAccount>, _>(|c, body| c.set_backup_accounts_v8().body(body))
        }
        ("add_organization", Direction::Request) => {
            json::<types::OrganizationCreate, _>(|c, body| c.add_organization().body(body))
        }
        ("add_organization_v8", Direction::Request) => {
            json::<types::OrganizationCreate, _>(|c, body| c.add_organization_v8().body(body))
        }
        ("explore_tenant_organization", Direction::Request) => {
            json::<types::ExploreOptions, _>(|c, body| c.explore_tenant_organization().body(body))
        }
        ("explore_tenant_organization_v8", Direction::Request) => {
            json::<types::ExploreOptions, _>(|c, body| c.explore_tenant_organization_v8().body(body))
        }
        ("create_token", _) => response(b::CreateToken::send, success),
        ("list_backup_accounts", _) => response(b::ListBackupAccounts::send, success),
        ("set_backup_accounts", _) => response(b::SetBackupAccounts::send, success),
        ("list_job_selected_mailboxes", _) => response(b::ListJobSelectedMailboxes::send, success),
        ("add_organization", _) => response(b::AddOrganization::send, success),
        ("explore_tenant_organization", _) => response(b::ExploreTenantOrganization::send, success),
        ("list_organizations", _) => response(b::ListOrganizations::send, success),
        ("get_organization", _) => response(b::GetOrganization::send, success),
        ("get_restore_session", _) => response(b::GetRestoreSession::send, success),
        ("stop_restore_session", _) => response(b::StopRestoreSession::send, success),
        ("get_service_instance", _) => response(b::GetServiceInstance::send, success),
        ("list_job_selected_items", _) => response(b::ListJobSelectedItems::send, success),
        ("create_token_v8", _) => response(b::CreateTokenV8::send, success),
        ("get_service_instance_v8", _) => response(b::GetServiceInstanceV8::send, success),
        ("list_organizations_v8", _) => response(b::ListOrganizationsV8::send, success),
        ("add_organization_v8", _) => response(b::AddOrganizationV8::send, success),
        ("get_organization_v8", _) => response(b::GetOrganizationV8::send, success),
        ("list_backup_accounts_v8", _) => response(b::ListBackupAccountsV8::send, success),
        ("set_backup_accounts_v8", _) => response(b::SetBackupAccountsV8::send, success),
        ("list_job_selected_items_v8", _) => response(b::ListJobSelectedItemsV8::send, success),
        ("explore_tenant_organization_v8", _) => response(b::ExploreTenantOrganizationV8::send, success),
        ("get_restore_session_v8", _) => response(b::GetRestoreSessionV8::send, success),
        ("stop_restore_session_v8", _) => response(b::StopRestoreSessionV8::send, success),
        _ => return None,
    };
    Some(codec)
}

/// The success or error body type of an operation, from its `send()`.
fn response<B, F, T, E>(_send: fn(B) -> F, success: bool) -> Codec
where
    F: Future<Output = Result<ResponseValue<T>, ApiError<E>>>,
    T: DeserializeOwned + Serialize,
    E: DeserializeOwned + Serialize,
{
    if success { json_trip::<T> } else { json_trip::<E> }
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
