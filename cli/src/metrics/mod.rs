//! The monitoring figures of one server as a list of series, which the
//! encoders write as OpenMetrics or Prometheus text (through the
//! `prometheus-client` crate) and as InfluxDB line protocol: the same
//! values in every format.

mod encode;
mod influx;
mod series;

use std::time::{Duration, Instant};

use vb365::DateTime;
use vb365::monitoring::{Collection, Scope, Snapshot};

use crate::explain::{Context, Reason, explain};

pub use encode::{Format, encode, register, text};

/// The unit a metric's name ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Bytes,
    Seconds,
}

/// One metric: its name (without the `vb365_` prefix and the unit), unit,
/// help, where its values go in line protocol, and whether the Prometheus
/// formats carry it (a "seconds left" figure is for InfluxQL, which cannot
/// subtract `now()`; PromQL subtracts `time()` from the timestamp).
#[derive(Debug, PartialEq, Eq)]
pub struct Metric {
    pub name: &'static str,
    pub unit: Option<Unit>,
    pub help: &'static str,
    /// The line protocol measurement and field.
    pub measurement: &'static str,
    pub field: &'static str,
    pub prometheus: bool,
}

macro_rules! metrics {
    ($($constant:ident = $name:literal, $unit:expr, $measurement:literal . $field:literal, $prometheus:literal, $help:literal;)*) => {
        $(pub static $constant: Metric = Metric {
            name: $name, unit: $unit, help: $help, measurement: $measurement, field: $field, prometheus: $prometheus,
        };)*
        /// Every metric, in the order they are written.
        pub const ALL: &[&Metric] = &[$(&$constant),*];
    };
}

metrics! {
    UP = "up", None, "vb365_server"."up", true,
        "1 when the server answered, the login worked and its core (jobs, repositories, proxies, license) could be read, else 0";
    UP_REASON = "up_reason", None, "vb365_server"."down_reason", true,
        "Why the server is down, as a state set (all 0 while it is up): connect, tls, login, timeout, server_error";
    COLLECTION_UP = "collection_up", None, "vb365_collection"."up", true,
        "1 when the collection could be read in this scrape, else 0 (its series are then left out)";
    SERVER_INFO = "server_info", None, "vb365_server"."info", true,
        "The server's product build, installation and API versions, as labels; always 1";
    HEALTH = "health_healthy", None, "vb365_server"."healthy", true,
        "1 when the server's health report (API v8) says Healthy, else 0";
    JOB_LAST_STATUS = "job_last_status", None, "vb365_job"."last_status", true,
        "The job's last status as the server says it (Running while it runs), as a state set";
    JOB_LAST_FINISHED_STATUS = "job_last_finished_status", None, "vb365_job"."last_finished_status", true,
        "How the job's latest finished run ended, as a state set: it stays Failed while a failed job runs again";
    JOB_FAILED = "job_failed", None, "vb365_job"."failed", true,
        "1 when the job's latest finished run failed, else 0";
    JOB_RUNNING = "job_running", None, "vb365_job"."running", true,
        "1 while a run of the job is under way or queued, else 0";
    JOB_ENABLED = "job_enabled", None, "vb365_job"."enabled", true,
        "1 when the job runs on its schedule, else 0";
    JOB_SCHEDULED = "job_scheduled", None, "vb365_job"."scheduled", true,
        "1 when the job has a schedule of its own, 0 when it runs only by hand";
    JOB_SCHEDULE_INTERVAL = "job_schedule_interval", Some(Unit::Seconds), "vb365_job"."schedule_interval_seconds", true,
        "The longest the job's schedule leaves between two runs (a day for a daily job, three for workdays)";
    JOB_LAST_RUN = "job_last_run_timestamp", Some(Unit::Seconds), "vb365_job"."last_run", true,
        "When the job last ran, in seconds since 1970";
    JOB_LAST_SUCCESS = "job_last_success_timestamp", Some(Unit::Seconds), "vb365_job"."last_success", true,
        "When a run of the job last backed up (Success or Warning), in seconds since 1970";
    JOB_NEXT_RUN = "job_next_run_timestamp", Some(Unit::Seconds), "vb365_job"."next_run", true,
        "When the job runs next, in seconds since 1970";
    SESSION_DURATION = "job_session_duration", Some(Unit::Seconds), "vb365_job"."session_duration", true,
        "How long the job's latest finished session ran";
    SESSION_TRANSFERRED = "job_session_transferred", Some(Unit::Bytes), "vb365_job"."session_transferred_bytes", true,
        "How much the job's latest finished session transferred";
    SESSION_OBJECTS = "job_session_processed_objects", None, "vb365_job"."session_processed_objects", true,
        "How many objects the job's latest finished session processed";
    REPOSITORY_CAPACITY = "repository_capacity", Some(Unit::Bytes), "vb365_repository"."capacity_bytes", true,
        "The repository's capacity: its volume, or the size limit of its object storage";
    REPOSITORY_FREE = "repository_free", Some(Unit::Bytes), "vb365_repository"."free_bytes", true,
        "What is free of the repository's capacity (left out when the server does not know)";
    REPOSITORY_OUT_OF_SYNC = "repository_out_of_sync", None, "vb365_repository"."out_of_sync", true,
        "1 when the repository is out of sync with its storage, else 0";
    REPOSITORY_OUTDATED = "repository_outdated", None, "vb365_repository"."outdated", true,
        "1 when the repository needs an upgrade (API v8), else 0";
    ORGANIZATION_USED = "organization_used", Some(Unit::Bytes), "vb365_organization_usage"."used_bytes", true,
        "The space the organization's backups take in the repository";
    ORGANIZATION_CACHE_USED = "organization_local_cache_used", Some(Unit::Bytes), "vb365_organization_usage"."local_cache_used_bytes", true,
        "The part of it in the repository's local cache (object storage)";
    ORGANIZATION_OBJECT_USED = "organization_object_storage_used", Some(Unit::Bytes), "vb365_organization_usage"."object_storage_used_bytes", true,
        "The part of it in object storage";
    PROXY_UP = "proxy_up", None, "vb365_proxy"."up", true,
        "1 when the proxy is online, else 0";
    LICENSE_STATUS = "license_status", None, "vb365_license"."status", true,
        "The license's status as a state set: Valid or Expired";
    LICENSE_CAPACITY = "license_capacity", None, "vb365_license"."capacity", true,
        "How many users the installed license covers";
    LICENSE_USED = "license_used", None, "vb365_license"."used", true,
        "How many of those licenses are used";
    LICENSE_EXPIRY = "license_expiry_timestamp", Some(Unit::Seconds), "vb365_license"."expiry", true,
        "When the license expires, in seconds since 1970";
    LICENSE_EXPIRES_IN = "license_expires_in", Some(Unit::Seconds), "vb365_license"."expires_in_seconds", false,
        "Seconds until the license expires (negative once it has)";
    LICENSE_GRACE = "license_grace_period_expiry_timestamp", Some(Unit::Seconds), "vb365_license"."grace_period_expiry", true,
        "When the license's grace period ends (API v8), in seconds since 1970";
    LICENSED_USERS = "licensed_users", None, "vb365_licensed_users"."count", true,
        "Licensed users by organization and license state";
    SCRAPE_DURATION = "scrape_duration", Some(Unit::Seconds), "vb365_scrape"."duration_seconds", true,
        "How long reading the server took";
    SCRAPE_REQUESTS = "scrape_requests", None, "vb365_scrape"."requests", true,
        "How many requests reading the server took, its login and probes included";
    SCRAPE_ERRORS = "scrape_errors", None, "vb365_scrape"."errors", true,
        "How many collections could not be read (see vb365_collection_up)";
}

/// A value: a number, or a state set (one series per state in the
/// Prometheus formats, labelled `label`; the current state as a string in
/// line protocol). A state set without a current state has every series 0.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(f64),
    States { label: &'static str, current: Option<String>, all: Vec<String> },
}

/// One series: a metric, its labels, its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub metric: &'static Metric,
    pub labels: Vec<(&'static str, String)>,
    pub value: Value,
}

/// One look at a server: what it said, or why it could not be read, and
/// what the look cost.
#[derive(Debug)]
pub struct Reading {
    /// What was read; `None` when the server is down.
    pub snapshot: Option<Snapshot>,
    /// Why the server is down: the login failed, or none of its core
    /// collections could be read.
    pub down: Option<(Reason, String)>,
    /// The collections that could not be read, each with why in an
    /// operator's words.
    pub unread: Vec<(Collection, String)>,
    pub duration: Duration,
    pub requests: u64,
    /// When it was read (line protocol's timestamp).
    pub at: DateTime,
}

impl Reading {
    /// A server that could not be read at all, for `reason`.
    pub fn down(reason: Reason, why: String, started: Instant, requests: u64) -> Self {
        Self {
            snapshot: None,
            down: Some((reason, why)),
            unread: Vec::new(),
            duration: started.elapsed(),
            requests,
            at: DateTime::now(),
        }
    }

    /// The reading of `snapshot`: down when none of its core could be
    /// read, else up with what failed listed.
    pub fn of(snapshot: Snapshot, context: &Context<'_>, started: Instant, requests: u64) -> Self {
        if let Some(error) = snapshot.unreadable() {
            return Self::down(Reason::of(error), explain(error, context), started, requests);
        }
        let unread = snapshot
            .collections()
            .into_iter()
            .filter_map(|(collection, error)| Some((collection, explain(error?, context))))
            .collect();
        Self {
            snapshot: Some(snapshot),
            down: None,
            unread,
            duration: started.elapsed(),
            requests,
            at: DateTime::now(),
        }
    }
}

/// Reads everything the metrics show from a logged-in client, with at most
/// `concurrency` requests in flight, giving up at `deadline` what is not
/// read by then. `requests_before` is the client's count before the
/// reading began (its login included).
pub async fn read(
    client: &vb365::Client,
    concurrency: u32,
    deadline: Option<Instant>,
    context: &Context<'_>,
    started: Instant,
    requests_before: u64,
) -> Reading {
    let mut scope = Scope::default().concurrency(concurrency).everything();
    scope.deadline = deadline;
    let snapshot = client.snapshot(scope).await;
    Reading::of(snapshot, context, started, client.requests_sent().saturating_sub(requests_before))
}

fn flag(on: bool) -> f64 {
    if on { 1.0 } else { 0.0 }
}

/// Seconds since 1970, with the fraction the server wrote.
fn seconds(time: &DateTime) -> f64 {
    let utc = time.utc();
    utc.timestamp() as f64 + f64::from(utc.timestamp_subsec_nanos()) / 1e9
}
