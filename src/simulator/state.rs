//! What the simulator remembers.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use uuid::Uuid;

use super::directory::Directory;
use super::selection::Selection;
use crate::types::{
    BackupAccount, BackupRepository, HealthReport, Job, JobSession, JobSessionLogItem, License, LicensedUser,
    Organization, Proxy, RestoreSession, RestoreSessionEvent, UsedRepository,
};

/// Mail the simulator was asked to send from a restore session (it sends
/// nothing; it keeps what it was asked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMail {
    /// The address it was for.
    pub to: String,
    /// Its subject, when the request gave one.
    pub subject: Option<String>,
    /// The items attached, in order: a mail's subject, a document's name
    /// (with its folder's path when a folder or a OneDrive was sent).
    pub items: Vec<String>,
}

/// A request as the simulator received it.
#[derive(Clone)]
pub struct RecordedRequest {
    /// The HTTP method.
    pub method: String,
    /// The path as sent (without the query).
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// The operationId the request was routed to, if any.
    pub operation: Option<String>,
    /// The `Authorization` header, if any (a secret: it never prints).
    pub authorization: Option<crate::Secret>,
    /// The body as JSON (a form body as an object of its fields), if any.
    /// It may hold passwords; `Debug` does not print it.
    pub body: Option<Value>,
    /// Whether the simulator dropped the connection instead of answering.
    pub dropped: bool,
    /// When the simulator received it (tokens it issues expire relative to
    /// this clock).
    pub received: Instant,
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("operation", &self.operation)
            .field("has_authorization", &self.authorization.is_some())
            .field("has_body", &self.body.is_some())
            .field("dropped", &self.dropped)
            .field("received", &self.received)
            .finish()
    }
}

/// Tokens handed out.
#[derive(Debug)]
pub(crate) struct Tokens {
    pub(crate) lifetime: Duration,
    /// Access token → when it expires.
    pub(crate) access: HashMap<String, Instant>,
    pub(crate) refresh: HashSet<String>,
    pub(crate) issued: u64,
}

impl Tokens {
    pub(crate) fn new(lifetime: Duration) -> Self {
        Self { lifetime, access: HashMap::new(), refresh: HashSet::new(), issued: 0 }
    }

    /// A new access and refresh token.
    pub(crate) fn issue(&mut self) -> (String, String) {
        self.issued += 1;
        let n = self.issued;
        let access = format!("sim-access-{n}-{:016x}", mix(n));
        let refresh = format!("sim-refresh-{n}-{:016x}", mix(!n));
        self.access.insert(access.clone(), Instant::now() + self.lifetime);
        self.refresh.insert(refresh.clone());
        (access, refresh)
    }

    /// Whether `Authorization: Bearer <token>` is a live token.
    pub(crate) fn accepts(&self, token: &str) -> bool {
        self.access.get(token).is_some_and(|expires| Instant::now() < *expires)
    }
}

/// A cheap, deterministic scramble so tokens do not look sequential.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Everything the simulator keeps between requests.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) organizations: Vec<Organization>,
    pub(crate) backup_accounts: HashMap<Uuid, Vec<BackupAccount>>,
    pub(crate) sessions: BTreeMap<Uuid, RestoreSession>,
    pub(crate) restore_events: HashMap<Uuid, Vec<RestoreSessionEvent>>,
    /// Restores under way and every session's statistics.
    pub(crate) restores: super::restores::Restores,
    /// The organization each restore session opened here explores.
    pub(crate) explored: HashMap<Uuid, Uuid>,
    /// What each job selects and excludes, by job.
    pub(crate) selections: HashMap<Uuid, Selection>,
    /// Each organization's users, groups, sites and teams, by organization.
    pub(crate) directories: HashMap<Uuid, Directory>,
    pub(crate) monitoring: Monitoring,
    pub(crate) tokens: Tokens,
    pub(crate) requests: Vec<RecordedRequest>,
    /// Mail sent from restore sessions, oldest first.
    pub(crate) sent_mail: Vec<SentMail>,
    next_id: u64,
}

impl World {
    pub(crate) fn new(lifetime: Duration) -> Self {
        Self {
            organizations: Vec::new(),
            backup_accounts: HashMap::new(),
            sessions: BTreeMap::new(),
            restore_events: HashMap::new(),
            restores: super::restores::Restores::default(),
            explored: HashMap::new(),
            selections: HashMap::new(),
            directories: HashMap::new(),
            monitoring: Monitoring::default(),
            tokens: Tokens::new(lifetime),
            requests: Vec::new(),
            sent_mail: Vec::new(),
            next_id: 0,
        }
    }

    /// Brings the restores under way up to `instant`.
    pub(crate) fn advance_restores(&mut self, instant: Instant, now: &crate::DateTime) {
        let Self { restores, restore_events, next_id, .. } = self;
        restores.advance(instant, now, restore_events, || {
            *next_id += 1;
            id_of(*next_id)
        });
    }

    /// A new ID; deterministic, so runs can be compared.
    pub(crate) fn new_id(&mut self) -> Uuid {
        self.next_id += 1;
        id_of(self.next_id)
    }
}

fn id_of(n: u64) -> Uuid {
    Uuid::from_u64_pair(0x51_4d55_4c41_0000 | 0x4000, 0x8000_0000_0000_0000 | n)
}

/// What a monitoring system watches: jobs and their sessions and logs,
/// repositories, proxies, the license and the server's health. Each value
/// holds the members of every API version; answers are cut to the version
/// asked for (`Contract::shape_for_version`).
#[derive(Debug, Default)]
pub(crate) struct Monitoring {
    pub(crate) jobs: Vec<Job>,
    /// Newest first, as servers list them.
    pub(crate) sessions: Vec<JobSession>,
    pub(crate) log: HashMap<Uuid, Vec<JobSessionLogItem>>,
    /// Sessions started here that are still running: when each finishes.
    pub(crate) running: HashMap<Uuid, Run>,
    pub(crate) repositories: Vec<BackupRepository>,
    /// By organization.
    pub(crate) used_repositories: HashMap<Uuid, Vec<UsedRepository>>,
    pub(crate) proxies: Vec<Proxy>,
    pub(crate) license: License,
    pub(crate) licensed_users: Vec<LicensedUser>,
    pub(crate) health: HealthReport,
}

/// A job run the simulator started.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Run {
    pub(crate) started: Instant,
    pub(crate) takes: Duration,
}

impl Monitoring {
    /// Brings the sessions started here up to `instant`: a running one
    /// makes progress, and once its time is up it succeeds, writes its end
    /// (at `now`, the simulator's clock) and its log, and its job's last
    /// status follows.
    pub(crate) fn advance(&mut self, instant: Instant, now: &crate::DateTime) {
        if self.running.is_empty() {
            return;
        }
        let mut finished = Vec::new();
        for (id, run) in &self.running {
            let elapsed = instant.saturating_duration_since(run.started);
            let Some(session) = self.sessions.iter_mut().find(|s| s.id == *id) else { continue };
            if elapsed >= run.takes {
                finished.push(*id);
                continue;
            }
            let share = elapsed.as_secs_f64() / run.takes.as_secs_f64().max(f64::EPSILON);
            session.progress = Some((share * 100.0) as i32);
        }
        for id in finished {
            self.running.remove(&id);
            self.finish(id, crate::types::JobStatus::Success, now);
        }
    }

    /// Ends session `id` with `status` at `now`; its job's last status follows.
    pub(crate) fn finish(&mut self, id: Uuid, status: crate::types::JobStatus, now: &crate::DateTime) {
        use crate::types::{JobLogItemType, JobStatus};
        let Some(session) = self.sessions.iter_mut().find(|s| s.id == id) else { return };
        let succeeded = status == JobStatus::Success;
        session.status = Some(status.clone());
        session.end_time = Some(now.clone());
        session.e_tag = Some(session.e_tag.unwrap_or(0) + 1);
        if succeeded {
            session.progress = Some(100);
            let statistics = session.statistics.get_or_insert_with(Default::default);
            (statistics.transferred_data_bytes, statistics.processed_objects) = (Some(104_857_600), Some(512));
            session.details = Some(String::from("Processed 512 objects."));
        }
        let job_id = session.job_id;
        let log = self.log.entry(id).or_default();
        let (kind, message) = if succeeded {
            (JobLogItemType::Success, String::from("Job finished: Success"))
        } else {
            (JobLogItemType::Stop, format!("Job finished: {status}"))
        };
        let index = log.len();
        log.push(super::seed::log_item(id, index, kind, message, Some(now.clone()), Some(now.clone())));
        if let Some(job) = self.jobs.iter_mut().find(|j| Some(j.id) == job_id) {
            job.last_status = Some(status);
            if succeeded {
                job.last_backup = Some(now.clone());
            }
            job.e_tag = Some(job.e_tag.unwrap_or(0) + 1);
        }
    }
}

/// How many requests are being answered at once, and the most so far.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    now: AtomicUsize,
    max: AtomicUsize,
}

/// One request being answered; dropping it ends it.
pub(crate) struct Answering<'a>(&'a InFlight);

impl InFlight {
    pub(crate) fn enter(&self) -> Answering<'_> {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
        Answering(self)
    }

    pub(crate) fn max(&self) -> usize {
        self.max.load(Ordering::SeqCst)
    }

    pub(crate) fn reset(&self) {
        self.max.store(self.now.load(Ordering::SeqCst), Ordering::SeqCst);
    }
}

impl Drop for Answering<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}
