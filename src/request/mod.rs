//! The request path: what happens between a facade method and the wire.
//!
//! `call` wraps one generated `send()` (span, error mapping, decoding);
//! `exchange` is what every `send()` does once its request is built;
//! `hooks` run inside it (bearer token, renewal, retries, size limit);
//! `auth` keeps the token; `decode` reads bodies the generated types refuse
//! and `repair` records what it had to set aside; `versions` finds out
//! which API versions the server serves;
//! `redact` quotes bodies without secrets; `capture` keeps the JSON a
//! server sent for callers that ask for it.

pub(crate) mod auth;
pub(crate) mod call;
pub(crate) mod capture;
pub(crate) mod decode;
pub(crate) mod exchange;
pub(crate) mod hooks;
pub(crate) mod redact;
pub(crate) mod repair;
pub(crate) mod retry;
pub(crate) mod versions;
