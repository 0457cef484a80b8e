//! The monitoring figures of one server as a list of series, which the
//! encoders write as OpenMetrics or Prometheus text (through the
//! `prometheus-client` crate) and as InfluxDB line protocol: the same
//! values in every format.

mod encode;
mod influx;

use std::collections::HashMap;
use std::time::Duration;

use uuid::Uuid;
use vb365::DateTime;
use vb365::monitoring::Snapshot;
use vb365::types::{HealthStatus, JobStatus, ProxyStatus};

pub use encode::{Format, encode, register, text};

/// The unit a metric's name ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Bytes,
    Seconds,
}

/// One metric: its name (without the `vb365_` prefix and the unit), unit,
/// help, and where its values go in line protocol.
#[derive(Debug, PartialEq, Eq)]
pub struct Metric {
    pub name: &'static str,
    pub unit: Option<Unit>,
    pub help: &'static str,
    /// The line protocol measurement and field.
    pub measurement: &'static str,
    pub field: &'static str,
}

macro_rules! metrics {
    ($($constant:ident = $name:literal, $unit:expr, $measurement:literal . $field:literal, $help:literal;)*) => {
        $(pub static $constant: Metric =
            Metric { name: $name, unit: $unit, help: $help, measurement: $measurement, field: $field };)*
        /// Every metric, in the order they are written.
        pub const ALL: &[&Metric] = &[$(&$constant),*];
    };
}

metrics! {
    UP = "up", None, "vb365_server"."up",
        "1 when the server answered and the login worked, else 0";
    HEALTH = "health_healthy", None, "vb365_server"."healthy",
        "1 when the server's health report (API v8) says Healthy, else 0";
    JOB_LAST_STATUS = "job_last_status", None, "vb365_job"."last_status",
        "The job's last status as a state set: 1 for its status, 0 for the others";
    JOB_ENABLED = "job_enabled", None, "vb365_job"."enabled",
        "1 when the job runs on its schedule, else 0";
    JOB_LAST_RUN = "job_last_run_timestamp", Some(Unit::Seconds), "vb365_job"."last_run",
        "When the job last ran, in seconds since 1970";
    JOB_NEXT_RUN = "job_next_run_timestamp", Some(Unit::Seconds), "vb365_job"."next_run",
        "When the job runs next, in seconds since 1970";
    SESSION_DURATION = "job_session_duration", Some(Unit::Seconds), "vb365_job"."session_duration",
        "How long the job's latest finished session ran";
    SESSION_TRANSFERRED = "job_session_transferred", Some(Unit::Bytes), "vb365_job"."session_transferred_bytes",
        "How much the job's latest finished session transferred";
    SESSION_OBJECTS = "job_session_processed_objects", None, "vb365_job"."session_processed_objects",
        "How many objects the job's latest finished session processed";
    REPOSITORY_CAPACITY = "repository_capacity", Some(Unit::Bytes), "vb365_repository"."capacity_bytes",
        "The repository's capacity: its volume, or the size limit of its object storage";
    REPOSITORY_FREE = "repository_free", Some(Unit::Bytes), "vb365_repository"."free_bytes",
        "What is free of the repository's capacity";
    PROXY_UP = "proxy_up", None, "vb365_proxy"."up",
        "1 when the proxy is online, else 0";
    LICENSE_CAPACITY = "license_capacity", None, "vb365_license"."capacity",
        "How many users the installed license covers";
    LICENSE_USED = "license_used", None, "vb365_license"."used",
        "How many of those licenses are used";
    LICENSE_EXPIRY = "license_expiry_timestamp", Some(Unit::Seconds), "vb365_license"."expiry",
        "When the license expires, in seconds since 1970";
    LICENSED_USERS = "licensed_users", None, "vb365_licensed_users"."count",
        "Licensed users by organization and license state";
    SCRAPE_DURATION = "scrape_duration", Some(Unit::Seconds), "vb365_scrape"."duration_seconds",
        "How long reading the server took";
    SCRAPE_REQUESTS = "scrape_requests", None, "vb365_scrape"."requests",
        "How many requests reading the server took";
    SCRAPE_ERRORS = "scrape_errors", None, "vb365_scrape"."errors",
        "How many of the reads failed (their series are left out)";
}

/// A value: a number, or a state set (one series per state in the
/// Prometheus formats, the current state as a string in line protocol).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(f64),
    States { current: String, all: Vec<String> },
}

/// One series: a metric, its labels, its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub metric: &'static Metric,
    pub labels: Vec<(&'static str, String)>,
    pub value: Value,
}

/// One look at a server: whether it answered, what it said, and what the
/// look cost.
#[derive(Debug)]
pub struct Reading {
    /// `None` when the server could not be reached or refused the login.
    pub snapshot: Option<Snapshot>,
    pub duration: Duration,
    pub requests: u64,
    /// When it was read (line protocol's timestamp).
    pub at: DateTime,
}

impl Reading {
    /// Every series of the reading, in metric order.
    pub fn series(&self) -> Vec<Series> {
        let mut out = Vec::new();
        let number = |metric, labels: Vec<(&'static str, String)>, value: f64| Series {
            metric,
            labels,
            value: Value::Number(value),
        };
        out.push(number(&UP, Vec::new(), if self.snapshot.is_some() { 1.0 } else { 0.0 }));
        let mut errors = 0;
        if let Some(snapshot) = &self.snapshot {
            let mut failed = |ok: bool| errors += usize::from(!ok);
            let organizations: HashMap<Uuid, String> = snapshot
                .organizations
                .iter()
                .flatten()
                .flatten()
                .map(|o| (o.id, o.name.clone().unwrap_or_else(|| o.id.to_string())))
                .collect();
            let organization = |id: Option<Uuid>| {
                id.map(|id| (id.to_string(), organizations.get(&id).cloned().unwrap_or_else(|| id.to_string())))
                    .unwrap_or_default()
            };
            if let Some(health) = &snapshot.health {
                failed(health.is_ok());
                if let Ok(report) = health {
                    out.push(number(&HEALTH, Vec::new(), flag(report.status == Some(HealthStatus::Healthy))));
                }
            }
            failed(snapshot.jobs.is_ok());
            for observed in snapshot.jobs.iter().flatten() {
                let job = &observed.job;
                failed(observed.sessions_error.is_none());
                let (organization_id, organization) = organization(job.organization_id);
                let labels = vec![
                    ("job_id", job.id.to_string()),
                    ("job_name", job.name.clone().unwrap_or_default()),
                    ("organization_id", organization_id),
                    ("organization", organization),
                ];
                let current = job.last_status.as_ref().map_or(String::new(), |s| s.as_str().to_owned());
                let mut all: Vec<String> = JobStatus::KNOWN.iter().map(|s| (*s).to_owned()).collect();
                if !current.is_empty() && !all.contains(&current) {
                    all.push(current.clone());
                }
                out.push(Series {
                    metric: &JOB_LAST_STATUS,
                    labels: labels.clone(),
                    value: Value::States { current, all },
                });
                out.push(number(&JOB_ENABLED, labels.clone(), flag(job.is_enabled != Some(false))));
                if let Some(run) = &job.last_run {
                    out.push(number(&JOB_LAST_RUN, labels.clone(), seconds(run)));
                }
                if let Some(run) = &job.next_run {
                    out.push(number(&JOB_NEXT_RUN, labels.clone(), seconds(run)));
                }
                if let Some(session) = observed.latest_finished() {
                    if let Some(duration) = session.duration() {
                        out.push(number(&SESSION_DURATION, labels.clone(), duration.as_secs_f64()));
                    }
                    let statistics = session.statistics.as_ref();
                    if let Some(bytes) = statistics.and_then(|s| s.transferred_data_bytes) {
                        out.push(number(&SESSION_TRANSFERRED, labels.clone(), bytes as f64));
                    }
                    if let Some(objects) = statistics.and_then(|s| s.processed_objects) {
                        out.push(number(&SESSION_OBJECTS, labels.clone(), objects as f64));
                    }
                }
            }
            failed(snapshot.repositories.is_ok());
            for repository in snapshot.repositories.iter().flatten() {
                let labels = vec![
                    ("repository_id", repository.id.to_string()),
                    ("repository", repository.name.clone().unwrap_or_default()),
                ];
                if let Some(space) = repository.space() {
                    out.push(number(&REPOSITORY_CAPACITY, labels.clone(), space.capacity_bytes as f64));
                    out.push(number(&REPOSITORY_FREE, labels, space.free_bytes as f64));
                }
            }
            failed(snapshot.proxies.is_ok());
            for proxy in snapshot.proxies.iter().flatten() {
                let labels =
                    vec![("proxy_id", proxy.id.to_string()), ("proxy", proxy.host_name.clone().unwrap_or_default())];
                out.push(number(&PROXY_UP, labels, flag(proxy.status == Some(ProxyStatus::Online))));
            }
            failed(snapshot.license.is_ok());
            if let Ok(license) = &snapshot.license {
                if let Some(total) = license.total_number {
                    out.push(number(&LICENSE_CAPACITY, Vec::new(), f64::from(total)));
                }
                if let Some(used) = license.used_number {
                    out.push(number(&LICENSE_USED, Vec::new(), f64::from(used)));
                }
                if let Some(expires) = license.expires() {
                    out.push(number(&LICENSE_EXPIRY, Vec::new(), seconds(expires)));
                }
            }
            if let Some(users) = &snapshot.licensed_users {
                failed(users.is_ok());
                let mut counts: std::collections::BTreeMap<(String, String, String), usize> = Default::default();
                for user in users.iter().flatten() {
                    let (organization_id, organization) = match user.organization_id {
                        Some(id) => organization(Some(id)),
                        None => (String::new(), user.organization_name.clone().unwrap_or_default()),
                    };
                    let state = user.license_state.as_ref().map_or(String::new(), |s| s.as_str().to_owned());
                    *counts.entry((organization_id, organization, state)).or_default() += 1;
                }
                for ((organization_id, organization, state), count) in counts {
                    let labels =
                        vec![("organization_id", organization_id), ("organization", organization), ("state", state)];
                    out.push(number(&LICENSED_USERS, labels, count as f64));
                }
            }
            if let Some(organizations) = &snapshot.organizations {
                failed(organizations.is_ok());
            }
        }
        out.push(number(&SCRAPE_DURATION, Vec::new(), self.duration.as_secs_f64()));
        out.push(number(&SCRAPE_REQUESTS, Vec::new(), self.requests as f64));
        out.push(number(&SCRAPE_ERRORS, Vec::new(), errors as f64));
        out
    }

    /// Why reads failed, for the log.
    pub fn errors(&self) -> Vec<String> {
        let Some(snapshot) = &self.snapshot else { return Vec::new() };
        let mut out = Vec::new();
        let mut note = |what: &str, error: Option<&vb365::Error>| {
            if let Some(error) = error {
                out.push(format!("{what}: {error}"));
            }
        };
        note("jobs", snapshot.jobs.as_ref().err());
        note("repositories", snapshot.repositories.as_ref().err());
        note("proxies", snapshot.proxies.as_ref().err());
        note("license", snapshot.license.as_ref().err());
        note("health", snapshot.health.as_ref().and_then(|h| h.as_ref().err()));
        note("organizations", snapshot.organizations.as_ref().and_then(|o| o.as_ref().err()));
        note("licensed users", snapshot.licensed_users.as_ref().and_then(|u| u.as_ref().err()));
        for job in snapshot.jobs.iter().flatten() {
            if let Some(error) = &job.sessions_error {
                out.push(format!("sessions of job {}: {error}", job.job.id));
            }
        }
        out
    }
}

fn flag(on: bool) -> f64 {
    if on { 1.0 } else { 0.0 }
}

/// Seconds since 1970, with the fraction the server wrote.
fn seconds(time: &DateTime) -> f64 {
    let utc = time.utc();
    utc.timestamp() as f64 + f64::from(utc.timestamp_subsec_nanos()) / 1e9
}

/// Reads everything the metrics show from a logged-in client, with at
/// most `concurrency` requests in flight.
pub async fn read(client: &vb365::Client, concurrency: u32) -> Reading {
    let started = std::time::Instant::now();
    let before = client.requests_sent();
    let at = DateTime::now();
    let snapshot = client.snapshot(vb365::monitoring::Scope::default().concurrency(concurrency).everything()).await;
    Reading {
        snapshot: Some(snapshot),
        duration: started.elapsed(),
        requests: client.requests_sent().saturating_sub(before),
        at,
    }
}
