//! What the people who run a server watch, in one call: a [`Snapshot`] of
//! jobs and their latest sessions, repositories, proxies, the license and
//! health ([`crate::Client::snapshot`]), and its judgement as a monitoring
//! plugin would give it ([`judge`]). `vb365 check` prints it; `vb365
//! metrics` and `vb365 exporter` turn it into series.

mod check;
mod range;
mod snapshot;

pub use check::{Figure, Finding, Report, State, Thresholds, judge, judge_explained};
pub use range::{Range, RangeError};
pub use snapshot::{Collection, ObservedJob, OrganizationUsage, Scope, Snapshot};
