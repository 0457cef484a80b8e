#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// Lets generated code name this crate as `vb365` (the `x-rust-type`
// extension of the OpenAPI document writes `vb365::LenientBoolean`).
extern crate self as vb365;

mod client;
mod config;
#[cfg(feature = "jobs")]
pub mod declarative;
mod error;
#[cfg(feature = "monitoring")]
pub mod monitoring;
mod request;
mod resources;
#[cfg(feature = "restore")]
pub mod restore;
#[cfg(feature = "simulator")]
pub mod simulator;
mod values;

pub use client::{Client, ClientBuilder, ClientState, DEFAULT_PORT};
pub use config::Config;
pub use error::{Error, TransportKind};
pub use request::auth::Credentials;
pub use request::capture::{CapturedJson, capture_json};
pub use request::repair::{KEPT_REPAIRS, Repair};
pub use request::retry::RetryConfig;
pub use request::versions::{ApiVersion, OperationFamily, PROBED};
pub use reqwest::Method;
#[cfg(feature = "jobs")]
pub use resources::directory::{GroupFilter, SiteFilter, UserFilter};
#[cfg(feature = "monitoring")]
pub use resources::health::SERVICE_INSTANCE_ENTRY;
#[cfg(feature = "jobs")]
pub use resources::job_changes::JobChanges;
#[cfg(feature = "jobs")]
pub use resources::job_items::JobItemPart;
#[cfg(feature = "monitoring")]
pub use resources::job_sessions::JobSessionFilter;
pub use resources::jobs::JobFilter;
#[cfg(feature = "monitoring")]
pub use resources::license::LicensedUserFilter;
pub use resources::mailboxes::SelectedMailboxes;
pub use resources::paging::{MAX_PAGE_SIZE, PageRequest, Pages, PagesWithJson};
pub use resources::raw::RAW_REQUEST;
pub use resources::repositories::Space;
#[cfg(feature = "restore")]
pub use resources::restore_points::RestorePointFilter;
#[cfg(feature = "restore")]
pub use resources::restore_sessions::RestoreSessionFilter;
pub use resources::schedule::{Schedule, ScheduleError};
pub use resources::server::ServerInfo;
pub use values::date_time::{DateTime, DateTimeError};
pub use values::lenient_bool::LenientBoolean;
pub use values::open_enum::UnknownValue;
pub use values::secret::Secret;

/// The client progenitor generates from `openapi/vb365.yaml`: one builder
/// method per operation, with the request and response types in [`types`].
/// Its requests go through the same hooks as [`Client`]'s (bearer token,
/// renewal, limits); reach it with [`Client::api`].
#[allow(missing_docs, missing_debug_implementations, unused_imports, clippy::all, clippy::pedantic)]
pub mod api {
    include!(concat!(env!("OUT_DIR"), "/vb365.rs"));
}

pub use api::{OPENAPI_DOCUMENT, OPENAPI_SOURCE, types};
