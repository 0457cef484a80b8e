//! What a reading shows: its series, every one labelled with the server.

use std::collections::{BTreeMap, HashMap};

use uuid::Uuid;
use vb365::monitoring::ObservedJob;
use vb365::types::{HealthStatus, JobStatus, LicenseStatus, ProxyStatus};

use super::*;
use crate::explain::Reason;

/// The statuses a finished run ends with.
const FINISHED: [JobStatus; 4] = [JobStatus::Success, JobStatus::Warning, JobStatus::Failed, JobStatus::Stopped];

/// Builds the series of one reading, each with the `server` label first.
struct Builder<'a> {
    server: &'a str,
    out: Vec<Series>,
}

impl Builder<'_> {
    fn push(&mut self, metric: &'static Metric, labels: &[(&'static str, String)], value: Value) {
        let mut all = Vec::with_capacity(labels.len() + 1);
        all.push(("server", self.server.to_owned()));
        all.extend(labels.iter().cloned());
        self.out.push(Series { metric, labels: all, value });
    }

    fn number(&mut self, metric: &'static Metric, labels: &[(&'static str, String)], value: f64) {
        self.push(metric, labels, Value::Number(value));
    }

    /// A state set over `all` (and `current`, when it is not among them).
    fn states(
        &mut self,
        metric: &'static Metric,
        labels: &[(&'static str, String)],
        label: &'static str,
        current: Option<&str>,
        all: &[&str],
    ) {
        let mut states: Vec<String> = all.iter().map(|s| (*s).to_owned()).collect();
        if let Some(current) = current.filter(|c| !states.iter().any(|s| s == c)) {
            states.push(current.to_owned());
        }
        self.push(metric, labels, Value::States { label, current: current.map(str::to_owned), all: states });
    }
}

impl Reading {
    /// Every series of the reading, in metric order, labelled with `server`
    /// (the target's name, or the server's host and port).
    pub fn series(&self, server: &str) -> Vec<Series> {
        let mut b = Builder { server, out: Vec::new() };
        b.number(&UP, &[], flag(self.down.is_none()));
        let reasons: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
        let reason = self.down.as_ref().map(|(reason, _)| reason.as_str());
        b.states(&UP_REASON, &[], "reason", reason, &reasons);
        if let Some(snapshot) = &self.snapshot {
            snapshot_series(&mut b, snapshot);
        }
        b.number(&SCRAPE_DURATION, &[], self.duration.as_secs_f64());
        b.number(&SCRAPE_REQUESTS, &[], self.requests as f64);
        b.number(&SCRAPE_ERRORS, &[], self.unread.len() as f64);
        b.out
    }
}

fn snapshot_series(b: &mut Builder<'_>, snapshot: &Snapshot) {
    for (collection, error) in snapshot.collections() {
        b.number(&COLLECTION_UP, &[("collection", collection.as_str().to_owned())], flag(error.is_none()));
    }
    if let Some(Ok(server)) = &snapshot.server {
        let versions: Vec<String> = server.api_versions.iter().map(|v| v.number().to_string()).collect();
        let labels = [
            ("version", server.product_version.clone().unwrap_or_default()),
            ("installation_id", server.installation_id.map(|id| id.to_string()).unwrap_or_default()),
            ("api_versions", versions.join(",")),
        ];
        b.number(&SERVER_INFO, &labels, 1.0);
    }
    if let Some(Ok(report)) = &snapshot.health {
        b.number(&HEALTH, &[], flag(report.status == Some(HealthStatus::Healthy)));
    }
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
    for observed in snapshot.jobs.iter().flatten() {
        let (organization_id, organization) = organization(observed.job.organization_id);
        job_series(b, observed, organization_id, organization);
    }
    let mut repository_names = HashMap::new();
    for repository in snapshot.repositories.iter().flatten() {
        let name = repository.name.clone().unwrap_or_default();
        repository_names.insert(repository.id, name.clone());
        let labels = [("repository_id", repository.id.to_string()), ("repository", name)];
        if let Some(space) = repository.space() {
            b.number(&REPOSITORY_CAPACITY, &labels, space.capacity_bytes as f64);
            b.number(&REPOSITORY_FREE, &labels, space.free_bytes as f64);
        }
        if let Some(out_of_sync) = repository.is_out_of_sync {
            b.number(&REPOSITORY_OUT_OF_SYNC, &labels, flag(out_of_sync));
        }
        if let Some(outdated) = repository.is_outdated {
            b.number(&REPOSITORY_OUTDATED, &labels, flag(outdated));
        }
    }
    for usage in snapshot.usage.iter().flatten() {
        let (organization_id, organization) = organization(Some(usage.organization_id));
        for entry in usage.used.iter().flatten() {
            let repository_id = entry.repository_id.map(|id| id.to_string()).unwrap_or_default();
            let repository = entry.repository_id.and_then(|id| repository_names.get(&id).cloned()).unwrap_or_default();
            let labels = [
                ("organization_id", organization_id.clone()),
                ("organization", organization.clone()),
                ("repository_id", repository_id),
                ("repository", repository),
            ];
            let figures = [
                (&ORGANIZATION_USED, entry.used_space_bytes),
                (&ORGANIZATION_CACHE_USED, entry.local_cache_used_space_bytes),
                (&ORGANIZATION_OBJECT_USED, entry.object_storage_used_space_bytes),
            ];
            for (metric, bytes) in figures {
                if let Some(bytes) = bytes.filter(|b| *b >= 0) {
                    b.number(metric, &labels, bytes as f64);
                }
            }
        }
    }
    for proxy in snapshot.proxies.iter().flatten() {
        let labels = [("proxy_id", proxy.id.to_string()), ("proxy", proxy.host_name.clone().unwrap_or_default())];
        b.number(&PROXY_UP, &labels, flag(proxy.status == Some(ProxyStatus::Online)));
    }
    if let Ok(license) = &snapshot.license {
        let statuses: Vec<&str> = LicenseStatus::KNOWN.to_vec();
        b.states(&LICENSE_STATUS, &[], "status", license.status.as_ref().map(|s| s.as_str()), &statuses);
        if let Some(total) = license.total_number {
            b.number(&LICENSE_CAPACITY, &[], f64::from(total));
        }
        if let Some(used) = license.used_number {
            b.number(&LICENSE_USED, &[], f64::from(used));
        }
        if let Some(expires) = license.expires() {
            b.number(&LICENSE_EXPIRY, &[], seconds(expires));
            b.number(&LICENSE_EXPIRES_IN, &[], seconds(expires) - seconds(&DateTime::now()));
        }
        if let Some(grace) = &license.grace_period_expires {
            b.number(&LICENSE_GRACE, &[], seconds(grace));
        }
    }
    if let Some(users) = &snapshot.licensed_users {
        let mut counts: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for user in users.iter().flatten() {
            let (organization_id, organization) = match user.organization_id {
                Some(id) => organization(Some(id)),
                None => (String::new(), user.organization_name.clone().unwrap_or_default()),
            };
            let state = user.license_state.as_ref().map_or(String::new(), |s| s.as_str().to_owned());
            *counts.entry((organization_id, organization, state)).or_default() += 1;
        }
        for ((organization_id, organization, state), count) in counts {
            let labels = [("organization_id", organization_id), ("organization", organization), ("state", state)];
            b.number(&LICENSED_USERS, &labels, count as f64);
        }
    }
}

fn job_series(b: &mut Builder<'_>, observed: &ObservedJob, organization_id: String, organization: String) {
    let job = &observed.job;
    let labels = [
        ("job_id", job.id.to_string()),
        ("job_name", job.name.clone().unwrap_or_default()),
        ("organization_id", organization_id),
        ("organization", organization),
    ];
    let statuses: Vec<&str> = JobStatus::KNOWN.to_vec();
    b.states(&JOB_LAST_STATUS, &labels, "status", job.last_status.as_ref().map(|s| s.as_str()), &statuses);
    if let Some(finished) = observed.last_finished_status() {
        let finished_states: Vec<&str> = FINISHED.iter().map(|s| s.as_str()).collect();
        b.states(&JOB_LAST_FINISHED_STATUS, &labels, "status", Some(finished.as_str()), &finished_states);
        b.number(&JOB_FAILED, &labels, flag(*finished == JobStatus::Failed));
    }
    b.number(&JOB_RUNNING, &labels, flag(observed.is_running()));
    b.number(&JOB_ENABLED, &labels, flag(job.is_enabled != Some(false)));
    b.number(&JOB_SCHEDULED, &labels, flag(observed.is_scheduled()));
    if let Some(interval) = observed.schedule_interval() {
        b.number(&JOB_SCHEDULE_INTERVAL, &labels, interval.as_secs_f64());
    }
    if let Some(run) = &job.last_run {
        b.number(&JOB_LAST_RUN, &labels, seconds(run));
    }
    if let Some(success) = observed.last_success() {
        b.number(&JOB_LAST_SUCCESS, &labels, seconds(success));
    }
    if let Some(run) = &job.next_run {
        b.number(&JOB_NEXT_RUN, &labels, seconds(run));
    }
    if let Some(session) = observed.latest_finished() {
        if let Some(duration) = session.duration() {
            b.number(&SESSION_DURATION, &labels, duration.as_secs_f64());
        }
        let statistics = session.statistics.as_ref();
        if let Some(bytes) = statistics.and_then(|s| s.transferred_data_bytes) {
            b.number(&SESSION_TRANSFERRED, &labels, bytes as f64);
        }
        if let Some(objects) = statistics.and_then(|s| s.processed_objects) {
            b.number(&SESSION_OBJECTS, &labels, objects as f64);
        }
    }
}
