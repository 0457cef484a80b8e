//! One look at everything a monitoring system watches on a server: jobs and
//! their latest sessions, repositories, proxies, the license and (v8)
//! health, read concurrently with at most `concurrency` requests in flight.

use std::future::Future;
use std::sync::Arc;

use crate::types::{BackupRepository, HealthReport, Job, JobSession, License, LicensedUser, Organization, Proxy};
use crate::{ApiVersion, Client, Error, JobFilter, LicensedUserFilter};
use futures::{StreamExt, TryStreamExt};
use tokio::sync::Semaphore;
use uuid::Uuid;

/// How many recent sessions are read per job to find its latest finished one.
const RECENT_SESSIONS: u32 = 5;

/// What to read, and how many requests may be in flight at once.
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
}

impl Default for Scope {
    fn default() -> Self {
        Self { organization: None, concurrency: 8, organizations: false, licensed_users: false }
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

    /// Reads the organizations and the licensed users too.
    pub fn everything(mut self) -> Self {
        (self.organizations, self.licensed_users) = (true, true);
        self
    }
}

/// A job with its latest sessions, newest first.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ObservedJob {
    /// The job.
    pub job: Job,
    /// Its latest sessions, newest first (empty when they could not be read).
    pub sessions: Vec<JobSession>,
    /// Why its sessions could not be read, if they could not.
    pub sessions_error: Option<String>,
}

impl ObservedJob {
    /// The latest session that has ended.
    pub fn latest_finished(&self) -> Option<&JobSession> {
        self.sessions.iter().find(|s| s.is_finished())
    }
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
    /// Every organization; `None` unless [`Scope::organizations`].
    pub organizations: Option<Result<Vec<Organization>, Error>>,
    /// Every licensed user; `None` unless [`Scope::licensed_users`].
    pub licensed_users: Option<Result<Vec<LicensedUser>, Error>>,
}

impl Client {
    /// Reads everything a monitoring system watches, as [`Scope`] says:
    /// the jobs with their latest sessions, the repositories, the proxies,
    /// the license and (v8) the health report, with at most
    /// `scope.concurrency` requests in flight. Judge it with
    /// [`crate::monitoring::judge`].
    pub async fn snapshot(&self, scope: Scope) -> Snapshot {
        observe(self, scope).await
    }
}

async fn observe(client: &Client, scope: Scope) -> Snapshot {
    let permits = Arc::new(Semaphore::new(scope.concurrency.max(1) as usize));
    let bounded = |permits: &Arc<Semaphore>| Arc::clone(permits);
    let filter = scope.organization.map_or(JobFilter::all(), |o| JobFilter::all().organization(o));
    let v8 = client.api_versions().is_some_and(|v| v.contains(&ApiVersion::V8));
    let page_size = client.config().page_size;
    // join4 and join3 rather than `join!`: the macro costs every build a proc-macro crate.
    let core = futures::future::join4(
        limited(bounded(&permits), client.jobs(filter).try_collect::<Vec<_>>()),
        limited(bounded(&permits), client.backup_repositories().try_collect::<Vec<_>>()),
        limited(bounded(&permits), client.proxies().try_collect::<Vec<_>>()),
        limited(bounded(&permits), client.license()),
    );
    let optional = futures::future::join3(
        async {
            if !v8 {
                return None;
            }
            Some(limited(bounded(&permits), client.health()).await)
        },
        async {
            if !scope.organizations {
                return None;
            }
            Some(limited(bounded(&permits), client.organizations(page_size).try_collect()).await)
        },
        async {
            if !scope.licensed_users {
                return None;
            }
            Some(limited(bounded(&permits), client.licensed_users(LicensedUserFilter::all()).try_collect()).await)
        },
    );
    let ((jobs, repositories, proxies, license), (health, organizations, licensed_users)) =
        futures::future::join(core, optional).await;
    let jobs = match jobs {
        Ok(jobs) => Ok(sessions_of(client, jobs, &permits, scope.concurrency).await),
        Err(e) => Err(e),
    };
    Snapshot { jobs, repositories, proxies, license, health, organizations, licensed_users }
}

/// The latest sessions of each job, `concurrency` jobs at a time.
async fn sessions_of(client: &Client, jobs: Vec<Job>, permits: &Arc<Semaphore>, concurrency: u32) -> Vec<ObservedJob> {
    let mut observed: Vec<ObservedJob> = futures::stream::iter(jobs)
        .map(|job| {
            let permits = Arc::clone(permits);
            async move {
                let read = limited(permits, client.recent_job_sessions(job.id, RECENT_SESSIONS)).await;
                let (sessions, sessions_error) = match read {
                    Ok(sessions) => (sessions, None),
                    Err(e) => (Vec::new(), Some(e.to_string())),
                };
                ObservedJob { job, sessions, sessions_error }
            }
        })
        .buffered(concurrency.max(1) as usize)
        .collect()
        .await;
    observed.sort_by(|a, b| a.job.name.cmp(&b.job.name).then(a.job.id.cmp(&b.job.id)));
    observed
}

/// Runs `read` holding one of `permits`.
async fn limited<T>(permits: Arc<Semaphore>, read: impl Future<Output = T>) -> T {
    // The semaphore is never closed, so acquiring cannot fail.
    let _permit = permits.acquire_owned().await.ok();
    read.await
}
