#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// Lets generated code name this crate as `vb365` (the `x-rust-type`
// extension of the OpenAPI document writes `vb365::LenientBoolean`).
extern crate self as vb365;

mod lenient_bool;
mod open_enum;
mod secret;

pub use lenient_bool::LenientBoolean;
pub use secret::Secret;

/// The client progenitor generates from `openapi/vb365.yaml`: one builder
/// method per operation, with the request and response types in [`types`].
#[allow(missing_docs, missing_debug_implementations, unused_imports, clippy::all, clippy::pedantic)]
pub mod api {
    include!(concat!(env!("OUT_DIR"), "/vb365.rs"));
}

pub use api::{OPENAPI_DOCUMENT, OPENAPI_SOURCE, types};
