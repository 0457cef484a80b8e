//! What the people who run a server watch, in one call: a [`Snapshot`] of
//! jobs and their latest sessions, repositories, proxies, the license and
//! health ([`crate::Client::snapshot`]), and its judgement as a monitoring
//! plugin would give it ([`judge`]). `vb365 check` prints it.

mod check;
mod snapshot;

pub use check::{Figure, Finding, Report, State, Thresholds, judge};
pub use snapshot::{ObservedJob, Scope, Snapshot};
