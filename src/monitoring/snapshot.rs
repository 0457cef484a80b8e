//! One look at everything a monitoring system watches on a server: jobs and
//! their latest sessions, repositories, proxies, the license and (v8)
//! health, read concurrently with at most `concurrency` requests in flight
//! and, when a deadline is set, given up part by part when it passes.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::types::{
    BackupRepository, HealthReport, Job, JobSession, License, LicensedUser, Organization, Proxy, UsedRepository,
};
use crate::{ApiVersion, Client, Error, JobFilter, LicensedUserFilter, ServerInfo};
use futures::{StreamExt, TryStreamExt};
use tokio::sync::Semaphore;
use uuid::Uuid;

/// How many recent sessions are read per job to find its latest finished one.
const RECENT_SESSIONS: u32 = 5;

/// What to read, how many requests may be in flight at once, and by when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Scope {
    /// Only the jobs of this organization.
    pub organization: Option<Uuid>,
    /// At most this many requests in flight. Default 8.
    pub concurrency: u32,
    /// Read the organizations too (their names label metrics). Default false.
    pub organizations: bool,
    /// Read the licensed users too (metrics count them). Default false.
    pub licensed_users: bool,
    /// Read the space each organization takes in each repository (and so
    /// the organizations). Default false.
    pub usage: bool,
    /// Read what the server says about itself (its build). Default false.
    pub server: bool,
    /// Give up what is not read by then: each part still under way or not
    /// begun fails with [`Error::Deadline`], and what was read is kept.
    /// Default none.
    pub deadline: Option<Instant>,
}

impl Default for Scope {
    fn default() -> Self {
        Self {
            organization: None,
            concurrency: 8,
            organizations: false,
            licensed_users: false,
            usage: false,
            server: false,
            deadline: None,
        }
    }
}

impl Scope {
    /// Only the jobs of `organization`.
    pub fn organization(mut self, organization: Uuid) -> Self {
        self.organization = Some(organization);
        self
    }

    /// At most `concurrency` requests in flight (at least one).
    pub fn concurrency(mut self, concurrency: u32) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Reads the organizations, the licensed users, each organization's
    /// space and the server's build too: everything the metrics show.
    pub fn everything(mut self) -> Self {
        (self.organizations, self.licensed_users, self.usage, self.server) = (true, true, true, true);
        self
    }

    /// Gives up, part by part, what is not read by `deadline`.
    pub fn deadline(mut self, deadline: Instant) -> Self {
        self.deadline = Some(deadline);
        self
    }
}

/// A part of a [`Snapshot`], as metrics and findings name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Collection {
    /// The jobs.
    Jobs,
    /// The latest sessions of every job.
    Sessions,
    /// The backup repositories.
    Repositories,
    /// The backup proxies.
    Proxies,
    /// The license.
    License,
    /// The users that hold a license.
    LicensedUsers,
    /// The v8 health report.
    Health,
    /// The organizations.
    Organizations,
    /// The space each organization takes in each repository.
    Usage,
    /// What the server says about itself.
    Server,
}

impl Collection {
    /// Every collection, in the order a snapshot lists them.
    pub const ALL: [Collection; 10] = [
        Self::Jobs,
        Self::Sessions,
        Self::Repositories,
        Self::Proxies,
        Self::License,
        Self::LicensedUsers,
        Self::Health,
        Self::Organizations,
        Self::Usage,
        Self::Server,
    ];

    /// The core of a server: when none of these can be read, the server
    /// cannot be read.
    pub const CORE: [Collection; 4] = [Self::Jobs, Self::Repositories, Self::Proxies, Self::License];

    /// `jobs`, `sessions`, `repositories`, `proxies`, `license`,
    /// `licensed_users`, `health`, `organizations`, `usage` or `server`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Jobs => "jobs",
            Self::Sessions => "sessions",
            Self::Repositories => "repositories",
            Self::Proxies => "proxies",
            Self::License => "license",
            Self::LicensedUsers => "licensed_users",
            Self::Health => "health",
            Self::Organizations => "organizations",
            Self::Usage => "usage",
            Self::Server => "server",
        }
    }

    /// What it is in a sentence: `the jobs`, `the sessions of job X`.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Jobs => "the jobs",
            Self::Sessions => "the sessions of the jobs",
            Self::Repositories => "the repositories",
            Self::Proxies => "the proxies",
            Self::License => "the license",
            Self::LicensedUsers => "the licensed users",
            Self::Health => "the health report",
            Self::Organizations => "the organizations",
            Self::Usage => "the space of the organizations",
            Self::Server => "the service instance",
        }
    }
}

/// A job with its latest sessions.
#[derive(Debug)]
#[non_exhaustive]
pub struct ObservedJob {
    /// The job.
    pub job: Job,
    /// Its latest sessions: those still running first, then the finished
    /// ones by their own end time, newest first (whatever order the server
    /// listed them in). Empty when they could not be read.
    pub sessions: Vec<JobSession>,
    /// Why its sessions could not be read, if they could not.
    pub sessions_error: Option<Error>,
}

impl ObservedJob {
    /// A job and its sessions, put in the order [`ObservedJob::sessions`]
    /// promises.
    pub fn new(job: Job, mut sessions: Vec<JobSession>, sessions_error: Option<Error>) -> Self {
        // Running first (by start), then finished by end; newest first in each.
        let key = |s: &JobSession| match s.end_time.as_ref().filter(|_| s.is_finished()) {
            Some(end) => (false, Some(end.clone())),
            None => (true, s.creation_time.clone()),
        };
        sessions.sort_by_key(|s| std::cmp::Reverse(key(s)));
        Self { job, sessions, sessions_error }
    }

    /// The latest session that has ended, by its end time.
    pub fn latest_finished(&self) -> Option<&JobSession> {
        self.sessions.iter().find(|s| s.is_finished())
    }

    /// How the job's latest *finished* run went: the job's `lastStatus`
    /// when it is a finished state (`Success`, `Warning`, `Failed`,
    /// `Stopped`), else (the job is `Running`, `Queued`, ... again) the
    /// status of its latest finished session. A failed job that VB365 is
    /// retrying stays failed here until a run finishes well.
    pub fn last_finished_status(&self) -> Option<&crate::types::JobStatus> {
        match self.job.last_status.as_ref() {
            Some(status) if status.is_finished() => Some(status),
            _ => self.latest_finished().and_then(|s| s.status.as_ref()).filter(|s| s.is_finished()),
        }
    }

    /// Whether a run of the job is under way or waiting to start.
    pub fn is_running(&self) -> bool {
        use crate::types::JobStatus;
        matches!(self.job.last_status, Some(JobStatus::Running | JobStatus::Queued))
            || self.sessions.iter().any(|s| !s.is_finished() && s.status.as_ref().is_some_and(|s| !s.is_finished()))
    }

    /// When a run last backed up: the job's `lastBackup` (v8: its last
    /// successful run), or the end of the newest session among those read
    /// that finished `Success` or `Warning` (which backed up, with
    /// warnings), whichever is later.
    pub fn last_success(&self) -> Option<&crate::DateTime> {
        use crate::types::JobStatus;
        let session = self
            .sessions
            .iter()
            .filter(|s| matches!(s.status, Some(JobStatus::Success | JobStatus::Warning)) && s.is_finished())
            .filter_map(|s| s.end_time.as_ref())
            .max();
        match (self.job.last_backup.as_ref(), session) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether the job runs on a schedule of its own: not `ManualOnly`, and
    /// its schedule not switched off. A job whose server says nothing of
    /// its schedule counts as scheduled.
    pub fn is_scheduled(&self) -> bool {
        use crate::types::ScheduleType;
        let Some(policy) = &self.job.schedule_policy else { return true };
        policy.type_ != Some(ScheduleType::ManualOnly) && policy.schedule_enabled != Some(false)
    }
}

impl ObservedJob {
    /// The longest a job's schedule leaves between two runs: a daily job's
    /// day (three days for workdays, the Friday to Monday gap; five for
    /// weekends; a week for one day of the week), a periodic job's
    /// period. `None` for a job that runs only by hand, and for a schedule
    /// the server describes in a way this client does not know.
    pub fn schedule_interval(&self) -> Option<std::time::Duration> {
        use crate::types::{DailyType, ScheduleType};
        if !self.is_scheduled() {
            return None;
        }
        let policy = self.job.schedule_policy.as_ref()?;
        let hours = match policy.type_.as_ref()? {
            ScheduleType::Daily => match policy.daily_type.as_ref().unwrap_or(&DailyType::Everyday) {
                DailyType::Everyday => 24,
                DailyType::Workdays => 72,
                DailyType::Weekends => 120,
                DailyType::Unrecognized(_) => return None,
                _ => 168,
            },
            ScheduleType::Periodically => return policy.periodically_every.as_ref()?.duration(),
            _ => return None,
        };
        Some(std::time::Duration::from_secs(hours * 3_600))
    }
}

impl crate::types::JobStatus {
    /// Whether a run in this state is over: `Success`, `Warning`, `Failed`
    /// or `Stopped`. `Running` and `Queued` are not; neither are
    /// `NotConfigured` and `Disconnected`, which say why a job cannot run,
    /// not how a run ended.
    pub fn is_finished(&self) -> bool {
        matches!(self, Self::Success | Self::Warning | Self::Failed | Self::Stopped)
    }
}

/// The space one organization takes in each repository that holds its
/// backups.
#[derive(Debug)]
#[non_exhaustive]
pub struct OrganizationUsage {
    /// The organization.
    pub organization_id: Uuid,
    /// Its entries, or why they could not be read.
    pub used: Result<Vec<UsedRepository>, Error>,
}

/// Everything read, each part with its own error: one part failing does
/// not hide the others.
#[derive(Debug)]
#[non_exhaustive]
pub struct Snapshot {
    /// The jobs in scope, by name, each with its latest sessions.
    pub jobs: Result<Vec<ObservedJob>, Error>,
    /// Every backup repository.
    pub repositories: Result<Vec<BackupRepository>, Error>,
    /// Every backup proxy.
    pub proxies: Result<Vec<Proxy>, Error>,
    /// The license.
    pub license: Result<License, Error>,
    /// `None` on a server without API v8, which has no health report.
    pub health: Option<Result<HealthReport, Error>>,
    /// Every organization; `None` unless [`Scope::organizations`] or [`Scope::usage`].
    pub organizations: Option<Result<Vec<Organization>, Error>>,
    /// Every licensed user; `None` unless [`Scope::licensed_users`].
    pub licensed_users: Option<Result<Vec<LicensedUser>, Error>>,
    /// The space of each organization; `None` unless [`Scope::usage`] (or
    /// when the organizations could not be read).
    pub usage: Option<Vec<OrganizationUsage>>,
    /// What the server says about itself; `None` unless [`Scope::server`].
    pub server: Option<Result<ServerInfo, Error>>,
}

impl Snapshot {
    /// Each collection that was read or tried, with its error if it
    /// failed; collections not asked for are left out. `Sessions` fails
    /// with the first job whose sessions could not be read (and is left out
    /// when the jobs could not be read), `Usage` with the first
    /// organization whose space could not be read.
    pub fn collections(&self) -> Vec<(Collection, Option<&Error>)> {
        let mut out = vec![(Collection::Jobs, self.jobs.as_ref().err())];
        if let Ok(jobs) = &self.jobs {
            out.push((Collection::Sessions, jobs.iter().find_map(|j| j.sessions_error.as_ref())));
        }
        out.push((Collection::Repositories, self.repositories.as_ref().err()));
        out.push((Collection::Proxies, self.proxies.as_ref().err()));
        out.push((Collection::License, self.license.as_ref().err()));
        let optional = [
            (Collection::LicensedUsers, self.licensed_users.as_ref().map(|r| r.as_ref().err())),
            (Collection::Health, self.health.as_ref().map(|r| r.as_ref().err())),
            (Collection::Organizations, self.organizations.as_ref().map(|r| r.as_ref().err())),
            (Collection::Usage, self.usage.as_ref().map(|u| u.iter().find_map(|o| o.used.as_ref().err()))),
            (Collection::Server, self.server.as_ref().map(|r| r.as_ref().err())),
        ];
        out.extend(optional.into_iter().filter_map(|(c, e)| e.map(|e| (c, e))));
        out
    }

    /// When none of the core collections (jobs, repositories, proxies,
    /// license) could be read, the error of the first: the server as a
    /// whole could not be read, whatever else answered.
    pub fn unreadable(&self) -> Option<&Error> {
        let core = self.collections();
        let errors: Vec<&Error> =
            core.iter().filter(|(c, _)| Collection::CORE.contains(c)).filter_map(|(_, e)| *e).collect();
        (errors.len() == Collection::CORE.len()).then(|| errors[0])
    }
}

impl Client {
    /// Reads everything a monitoring system watches, as [`Scope`] says:
    /// the jobs with their latest sessions, the repositories, the proxies,
    /// the license and (v8) the health report, with at most
    /// `scope.concurrency` requests in flight, giving up what is not read
    /// by `scope.deadline`. Judge it with [`crate::monitoring::judge`].
    pub async fn snapshot(&self, scope: Scope) -> Snapshot {
        observe(self, scope).await
    }
}

/// The permits and the deadline every read of one snapshot shares.
#[derive(Clone)]
struct Limits {
    permits: Arc<Semaphore>,
    deadline: Option<(tokio::time::Instant, Duration)>,
}

impl Limits {
    /// Runs `read` holding a permit, and gives it up at the deadline with
    /// [`Error::Deadline`] naming `operation`.
    /// A collection's first page failing is the read's own error, as for
    /// the `list_*` methods; a later page's stays [`Error::Page`].
    async fn run<T>(&self, operation: &'static str, read: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
        let limited = async {
            // The semaphore is never closed, so acquiring cannot fail.
            let _permit = self.permits.acquire().await.ok();
            read.await.map_err(Error::first_page)
        };
        match self.deadline {
            None => limited.await,
            Some((at, allowed)) => tokio::time::timeout_at(at, limited)
                .await
                .unwrap_or_else(|_| Err(Error::Deadline { operation, allowed })),
        }
    }
}

async fn observe(client: &Client, scope: Scope) -> Snapshot {
    let limits = Limits {
        permits: Arc::new(Semaphore::new(scope.concurrency.max(1) as usize)),
        deadline: scope
            .deadline
            .map(|d| (tokio::time::Instant::from_std(d), d.saturating_duration_since(Instant::now()))),
    };
    let filter = scope.organization.map_or(JobFilter::all(), |o| JobFilter::all().organization(o));
    let v8 = client.api_versions().is_some_and(|v| v.contains(&ApiVersion::V8));
    let page_size = client.config().page_size;
    let limits = &limits;
    // join4 and join rather than `join!`: the macro costs every build a proc-macro crate.
    let core = futures::future::join4(
        async {
            let jobs = limits.run("list_jobs", client.jobs(filter).try_collect::<Vec<_>>()).await?;
            Ok(sessions_of(client, jobs, limits, scope.concurrency).await)
        },
        limits.run("list_backup_repositories", client.backup_repositories().try_collect::<Vec<_>>()),
        limits.run("list_proxies", client.proxies().try_collect::<Vec<_>>()),
        limits.run("get_license", client.license()),
    );
    let optional = futures::future::join4(
        async {
            if !v8 {
                return None;
            }
            Some(limits.run("get_health", client.health()).await)
        },
        async {
            if !(scope.organizations || scope.usage) {
                return (None, None);
            }
            let organizations =
                limits.run("list_organizations", client.organizations(page_size).try_collect::<Vec<_>>()).await;
            let usage = match (&organizations, scope.usage) {
                (Ok(list), true) => Some(usage_of(client, list, limits, scope.concurrency).await),
                _ => None,
            };
            (Some(organizations), usage)
        },
        async {
            if !scope.licensed_users {
                return None;
            }
            let users = client.licensed_users(LicensedUserFilter::all()).try_collect();
            Some(limits.run("list_licensed_users", users).await)
        },
        async {
            if !scope.server {
                return None;
            }
            Some(limits.run("get_service_instance", client.server_info()).await)
        },
    );
    let ((jobs, repositories, proxies, license), (health, (organizations, usage), licensed_users, server)) =
        futures::future::join(core, optional).await;
    Snapshot { jobs, repositories, proxies, license, health, organizations, licensed_users, usage, server }
}

/// The latest sessions of each job, `concurrency` jobs at a time.
async fn sessions_of(client: &Client, jobs: Vec<Job>, limits: &Limits, concurrency: u32) -> Vec<ObservedJob> {
    let mut observed: Vec<ObservedJob> = futures::stream::iter(jobs)
        .map(|job| async move {
            let read = limits.run("list_job_sessions", client.recent_job_sessions(job.id, RECENT_SESSIONS)).await;
            match read {
                Ok(sessions) => ObservedJob::new(job, sessions, None),
                Err(e) => ObservedJob::new(job, Vec::new(), Some(e)),
            }
        })
        .buffered(concurrency.max(1) as usize)
        .collect()
        .await;
    observed.sort_by(|a, b| a.job.name.cmp(&b.job.name).then(a.job.id.cmp(&b.job.id)));
    observed
}

/// The space of each organization, `concurrency` at a time.
async fn usage_of(
    client: &Client,
    organizations: &[Organization],
    limits: &Limits,
    concurrency: u32,
) -> Vec<OrganizationUsage> {
    // IDs first: a stream over borrowed organizations would not be `Send` for every lifetime.
    let ids: Vec<Uuid> = organizations.iter().map(|o| o.id).collect();
    futures::stream::iter(ids)
        .map(|organization_id| async move {
            let entries = client.organization_used_repositories(organization_id).try_collect::<Vec<_>>();
            let used = limits.run("list_organization_used_repositories", entries).await;
            OrganizationUsage { organization_id, used }
        })
        .buffered(concurrency.max(1) as usize)
        .collect()
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::JobStatus;

    fn job(json: serde_json::Value) -> Job {
        let mut value = json;
        value["id"] = serde_json::json!("1c4e7a2b-3d5f-4a6c-8e9b-0d1f2a3b4c5d");
        serde_json::from_value(value).unwrap()
    }

    fn session(n: u128, status: &str, created: &str, ended: Option<&str>) -> JobSession {
        serde_json::from_value(serde_json::json!({
            "id": Uuid::from_u128(n), "status": status, "creationTime": created, "endTime": ended,
        }))
        .unwrap()
    }

    #[test]
    fn sessions_are_ordered_by_their_own_end_not_the_servers_order() {
        let sessions = vec![
            session(1, "Success", "2024-05-01T01:00:00Z", Some("2024-05-01T01:10:00Z")),
            session(2, "Failed", "2024-05-01T00:00:00Z", Some("2024-05-01T02:00:00Z")),
            session(3, "Running", "2024-05-01T03:00:00Z", Some("9999-12-31T23:59:59.9999999Z")),
        ];
        let observed = ObservedJob::new(job(serde_json::json!({"lastStatus": "Running"})), sessions, None);
        let order: Vec<u128> = observed.sessions.iter().map(|s| s.id.as_u128()).collect();
        assert_eq!(order, [3, 2, 1]);
        assert_eq!(observed.latest_finished().map(|s| s.id.as_u128()), Some(2), "the one that ended last");
        assert_eq!(observed.last_finished_status(), Some(&JobStatus::Failed), "a retried failure stays failed");
        assert!(observed.is_running());
        assert_eq!(observed.last_success().map(ToString::to_string), Some("2024-05-01T01:10:00Z".into()));
    }

    #[test]
    fn a_finished_last_status_is_the_verdict_and_others_fall_back_to_the_sessions() {
        let failed = vec![session(1, "Failed", "2024-05-01T00:00:00Z", Some("2024-05-01T00:10:00Z"))];
        for (status, expected) in [
            ("Success", Some(JobStatus::Success)),
            ("Stopped", Some(JobStatus::Stopped)),
            ("Queued", Some(JobStatus::Failed)),
            ("Disconnected", Some(JobStatus::Failed)),
            ("SomethingNew", Some(JobStatus::Failed)),
        ] {
            let observed = ObservedJob::new(job(serde_json::json!({"lastStatus": status})), failed.clone(), None);
            assert_eq!(observed.last_finished_status(), expected.as_ref(), "{status}");
        }
        let never = ObservedJob::new(job(serde_json::json!({"lastStatus": "Running"})), Vec::new(), None);
        assert_eq!(never.last_finished_status(), None);
    }

    #[test]
    fn the_last_backup_counts_as_a_success() {
        let observed = ObservedJob::new(
            job(serde_json::json!({"lastBackup": "2024-05-02T00:00:00Z"})),
            vec![session(1, "Warning", "2024-05-01T00:00:00Z", Some("2024-05-01T00:10:00Z"))],
            None,
        );
        assert_eq!(observed.last_success().map(ToString::to_string), Some("2024-05-02T00:00:00Z".into()));
    }

    #[test]
    fn a_schedule_leaves_its_longest_gap_between_runs() {
        let interval = |policy: serde_json::Value| {
            let observed = ObservedJob::new(job(serde_json::json!({"schedulePolicy": policy})), Vec::new(), None);
            observed.schedule_interval().map(|d| d.as_secs() / 60)
        };
        assert_eq!(interval(serde_json::json!({"type": "Daily", "dailyType": "Everyday"})), Some(24 * 60));
        assert_eq!(interval(serde_json::json!({"type": "Daily", "dailyType": "Workdays"})), Some(72 * 60));
        assert_eq!(interval(serde_json::json!({"type": "Daily", "dailyType": "Friday"})), Some(168 * 60));
        assert_eq!(interval(serde_json::json!({"type": "Periodically", "periodicallyEvery": "Minutes15"})), Some(15));
        assert_eq!(interval(serde_json::json!({"type": "Periodically"})), None);
        assert_eq!(interval(serde_json::json!({"type": "ManualOnly"})), None);
        assert_eq!(interval(serde_json::json!({"type": "Daily", "dailyType": "Fortnightly"})), None);
    }

    #[test]
    fn manual_jobs_and_switched_off_schedules_are_not_scheduled() {
        let scheduled = |policy: serde_json::Value| {
            ObservedJob::new(job(serde_json::json!({"schedulePolicy": policy})), Vec::new(), None).is_scheduled()
        };
        assert!(scheduled(serde_json::json!({"type": "Daily", "scheduleEnabled": true})));
        assert!(!scheduled(serde_json::json!({"type": "ManualOnly"})));
        assert!(!scheduled(serde_json::json!({"type": "Daily", "scheduleEnabled": false})));
        assert!(ObservedJob::new(job(serde_json::json!({})), Vec::new(), None).is_scheduled());
    }
}
