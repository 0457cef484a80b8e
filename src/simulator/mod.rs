//! An in-process stand-in for a Veeam Backup for Microsoft 365 server, for
//! tests and demonstrations (cargo feature `simulator`).
//!
//! It listens on 127.0.0.1 (on a free port unless told one) and speaks the
//! operations of the OpenAPI document with state: tokens for the password,
//! refresh and jwt-bearer grants; organizations that are added and listed;
//! backup accounts that are replaced and read (passwords are never sent
//! back); restore sessions that are started, read, stopped and listed,
//! with their events; a job's selected items and (v1) mailboxes, paged;
//! and what monitoring watches: jobs that are started (a running session
//! that succeeds after [`SimulatorConfig::job_duration`], its job's last
//! status following), stopped, enabled and disabled, sessions with their
//! logs, repositories with their space, proxies, the license and its
//! licensed users, and (v8) health. It starts from the recorded examples,
//! which hold a failed job, a job with warnings, a repository with 4 % free
//! space and an offline proxy; `update_job` and its siblings change them.
//!
//! It serves the API versions of [`SimulatorConfig::versions`] (v1, v6 and
//! v8 unless told otherwise), each in its own shapes and statuses (v8:
//! organizations and job items in pages, `201` for creates, `204` for a
//! stop); a path of another version answers `404`, as a server that does
//! not serve it does, and `GET /vN/ServiceInstance` without a token answers
//! `401` where vN is served.
//!
//! Every request body is checked against the document's schemas; a body
//! that does not conform gets `400` with a `{"message"}` naming the field.
//! A missing, unknown or expired bearer token gets `401`.
//!
//! For tests it can misbehave on purpose: see [`Fault`] and
//! [`Simulator::set_latency`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use vb365::simulator::Simulator;
//!
//! let simulator = Simulator::start().await?;
//! let client = vb365::Client::builder(simulator.url()).build()?;
//! client.login(simulator.credentials()).await?;
//! let organizations = client.list_organizations().await?;
//! # Ok(()) }
//! ```

mod directory;
mod faults;
mod handlers;
mod restores;
mod seed;
mod selection;
mod server;
mod state;
mod zip;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use uuid::Uuid;

pub use faults::Fault;
pub use state::{RecordedRequest, SentMail};

use crate::{ApiVersion, Credentials, DateTime, Secret, types};

/// How a [`Simulator`] starts.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SimulatorConfig {
    /// User name of the password grant. Default `administrator`.
    pub username: String,
    /// Its password. Default `simulated-password`.
    pub password: Secret,
    /// Application ID of the jwt-bearer grant.
    pub client_id: String,
    /// The assertion the jwt-bearer grant accepts.
    pub assertion: Secret,
    /// How long access tokens live. Default 60 minutes, like the server.
    pub token_lifetime: Duration,
    /// How many mailboxes the seeded backup job selects (v1). Default 250.
    pub mailbox_count: usize,
    /// How many items the seeded backup job selects (v6, v8): the recorded
    /// ones, then generated users. Default 25.
    pub job_item_count: usize,
    /// The API versions served: some of v1, v6 and v8. Default all three.
    pub versions: Vec<ApiVersion>,
    /// The installation ID the service instance reports.
    pub installation_id: Uuid,
    /// Listen on this port of 127.0.0.1; 0 (the default) picks a free one.
    pub port: u16,
    /// The time every "now" the simulator writes (a session's creation and
    /// end), so that its answers are the same on every run; `None` (the
    /// default) uses the clock. The recorded monitoring world (jobs that
    /// ran hours ago, a license that expires in a year) is moved to it.
    pub frozen_time: Option<DateTime>,
    /// The most items a page holds, whatever the request asks for (a
    /// server may answer fewer items than asked, with a `next` link).
    /// Default 10,000, as a server's; a small one makes every collection
    /// take several pages.
    pub max_page_size: u32,
    /// How long a job started through the API runs before its session
    /// succeeds. Default 2 s.
    pub job_duration: Duration,
    /// A large server: this many more jobs (of the recorded organization,
    /// daily, each with its sessions), beside the recorded ones. Default 0.
    pub extra_jobs: usize,
    /// This many more job sessions, spread over the extra jobs, newest
    /// first, one a day back from now. Default 0.
    pub extra_sessions: usize,
    /// This many more repositories (the extra jobs write to them in
    /// turn). Default 0.
    pub extra_repositories: usize,
    /// Every restore into a mailbox restores this many items, then fails
    /// on the next and stops (the target mailbox is full). Default: none fail.
    pub restore_fails_after: Option<usize>,
    /// The size of every document in a saved OneDrive folder, instead of
    /// the size its listing gives (a save of any size, for benchmarks).
    pub saved_document_bytes: Option<u64>,
}

impl SimulatorConfig {
    /// Which versions the simulator can serve.
    pub const SERVABLE: [ApiVersion; 3] = [ApiVersion::V1, ApiVersion::V6, ApiVersion::V8];

    fn check(&self) -> Result<(), String> {
        if self.versions.is_empty() {
            return Err(String::from("the simulator must serve at least one API version"));
        }
        if let Some(v) = self.versions.iter().find(|v| !Self::SERVABLE.contains(v)) {
            return Err(format!("the simulator cannot serve API {v}; it serves v1, v6 and v8"));
        }
        if !self.versions.iter().any(|v| *v >= ApiVersion::V6) {
            return Err(String::from("the simulator needs v6 or v8 to issue tokens"));
        }
        Ok(())
    }
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        Self {
            username: String::from("administrator"),
            password: Secret::from("simulated-password"),
            client_id: String::from("7c1f6a52-3e0a-4d8e-9b7a-5f7e1c2d3b4a"),
            assertion: Secret::from("simulated-assertion"),
            token_lifetime: Duration::from_secs(3600),
            mailbox_count: 250,
            job_item_count: 25,
            versions: Self::SERVABLE.to_vec(),
            installation_id: Uuid::from_u128(0x3b0e4bd4_4b7f_4c3e_9f0a_7d5c2e9a1f60),
            port: 0,
            frozen_time: None,
            max_page_size: 10_000,
            job_duration: Duration::from_secs(2),
            extra_jobs: 0,
            extra_sessions: 0,
            extra_repositories: 0,
            restore_fails_after: None,
            saved_document_bytes: None,
        }
    }
}

/// A running simulator. It stops when dropped.
#[derive(Debug)]
pub struct Simulator {
    url: String,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

/// What the server task and the test share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: SimulatorConfig,
    pub(crate) contract: vb365_contract::Contract,
    pub(crate) world: Mutex<state::World>,
    pub(crate) faults: Mutex<faults::Faults>,
    pub(crate) in_flight: state::InFlight,
}

impl Shared {
    pub(crate) fn world(&self) -> MutexGuard<'_, state::World> {
        self.world.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, faults::Faults> {
        self.faults.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Now, or the frozen time.
    pub(crate) fn now(&self) -> DateTime {
        self.config.frozen_time.clone().unwrap_or_else(DateTime::now)
    }
}

impl Simulator {
    /// Starts a simulator with the default settings.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(SimulatorConfig::default()).await
    }

    /// Starts a simulator with `config`; a configuration it cannot serve
    /// (no version, an unknown one, a port in use) is an error.
    pub async fn start_with(config: SimulatorConfig) -> std::io::Result<Self> {
        config.check().map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        let contract = vb365_contract::Contract::from_json(crate::OPENAPI_DOCUMENT)
            .map_err(|e| std::io::Error::other(format!("the embedded document: {e}")))?;
        let world = seed::world(&config).map_err(std::io::Error::other)?;
        let shared = Arc::new(Shared {
            config,
            contract,
            world: Mutex::new(world),
            faults: Mutex::new(faults::Faults::default()),
            in_flight: state::InFlight::default(),
        });
        let (url, server) = server::serve(Arc::clone(&shared)).await?;
        Ok(Self { url, shared, server })
    }

    /// The base URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Credentials the password grant accepts.
    pub fn credentials(&self) -> Credentials {
        Credentials::password(self.shared.config.username.clone(), self.shared.config.password.clone())
    }

    /// Credentials the jwt-bearer grant accepts.
    pub fn assertion_credentials(&self) -> Credentials {
        Credentials::assertion(self.shared.config.client_id.clone(), self.shared.config.assertion.clone())
    }

    /// The user name of the password grant.
    pub fn username(&self) -> &str {
        &self.shared.config.username
    }

    /// The ID of the seeded organization whose backup accounts are recorded.
    pub fn organization_id(&self) -> Uuid {
        seed::ORGANIZATION_ID
    }

    /// The ID of the seeded backup job whose items and mailboxes are recorded.
    pub fn job_id(&self) -> Uuid {
        seed::JOB_ID
    }

    /// The API versions it serves.
    pub fn versions(&self) -> &[ApiVersion] {
        &self.shared.config.versions
    }

    /// How long access tokens issued from now on live.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.shared.world().tokens.lifetime = lifetime;
    }

    /// Forgets every access token, as if they had expired; refresh tokens
    /// keep working.
    pub fn revoke_access_tokens(&self) {
        self.shared.world().tokens.access.clear();
    }

    /// Forgets every access and refresh token; only a new login works.
    pub fn revoke_all_tokens(&self) {
        let mut world = self.shared.world();
        world.tokens.access.clear();
        world.tokens.refresh.clear();
    }

    /// Answers every request only after `latency`.
    pub fn set_latency(&self, latency: Duration) {
        self.shared.faults().latency = latency;
    }

    /// Misbehaves on the next matching requests (see [`Fault`]).
    pub fn inject(&self, fault: Fault) {
        self.shared.faults().queue.push_back(fault);
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.world().requests.clone()
    }

    /// How many requests for `operation` arrived so far: an operationId,
    /// which counts the operation in every API version (`create_token` also
    /// counts `create_token_v8`; `create_token_v8` only v8).
    pub fn count(&self, operation: &str) -> usize {
        let requests = &self.shared.world().requests;
        requests.iter().filter(|r| r.operation.as_deref().is_some_and(|o| faults::same_operation(operation, o))).count()
    }

    /// The mail restore sessions sent so far, oldest first.
    pub fn sent_mail(&self) -> Vec<SentMail> {
        self.shared.world().sent_mail.clone()
    }

    /// Forgets the requests recorded so far.
    pub fn clear_requests(&self) {
        self.shared.world().requests.clear();
    }

    /// Changes the job with `id` (its last status, last run, whether it is
    /// enabled, ...); `false` when there is no such job.
    pub fn update_job(&self, id: Uuid, change: impl FnOnce(&mut types::Job)) -> bool {
        let mut world = self.shared.world();
        world.monitoring.jobs.iter_mut().find(|j| j.id == id).map(change).is_some()
    }

    /// Changes the session with `id`; `false` when there is no such session.
    pub fn update_job_session(&self, id: Uuid, change: impl FnOnce(&mut types::JobSession)) -> bool {
        let mut world = self.shared.world();
        world.monitoring.sessions.iter_mut().find(|s| s.id == id).map(change).is_some()
    }

    /// Changes the repository with `id` (its capacity, free space, object
    /// storage); `false` when there is no such repository.
    pub fn update_repository(&self, id: Uuid, change: impl FnOnce(&mut types::BackupRepository)) -> bool {
        let mut world = self.shared.world();
        world.monitoring.repositories.iter_mut().find(|r| r.id == id).map(change).is_some()
    }

    /// Changes the proxy with `id` (its status, ...); `false` when there is
    /// no such proxy.
    pub fn update_proxy(&self, id: Uuid, change: impl FnOnce(&mut types::Proxy)) -> bool {
        let mut world = self.shared.world();
        world.monitoring.proxies.iter_mut().find(|p| p.id == id).map(change).is_some()
    }

    /// Changes the license (its status, expiry, counts). Its counts then
    /// need not agree with the licensed users.
    pub fn update_license(&self, change: impl FnOnce(&mut types::License)) {
        change(&mut self.shared.world().monitoring.license);
    }

    /// Changes the v8 health report.
    pub fn update_health(&self, change: impl FnOnce(&mut types::HealthReport)) {
        change(&mut self.shared.world().monitoring.health);
    }

    /// The most requests with a bearer token it has been answering at
    /// once since it started (or since [`Simulator::reset_max_in_flight`]):
    /// how far a client's concurrency went.
    pub fn max_in_flight(&self) -> usize {
        self.shared.in_flight.max()
    }

    /// Starts counting [`Simulator::max_in_flight`] afresh.
    pub fn reset_max_in_flight(&self) {
        self.shared.in_flight.reset();
    }

    /// Every job, as the simulator holds it (every version's members).
    pub fn jobs(&self) -> Vec<types::Job> {
        self.shared.world().monitoring.jobs.clone()
    }

    /// Every job session, newest first.
    pub fn job_sessions(&self) -> Vec<types::JobSession> {
        self.shared.world().monitoring.sessions.clone()
    }

    /// Every backup repository.
    pub fn repositories(&self) -> Vec<types::BackupRepository> {
        self.shared.world().monitoring.repositories.clone()
    }

    /// Every backup proxy.
    pub fn proxies(&self) -> Vec<types::Proxy> {
        self.shared.world().monitoring.proxies.clone()
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.server.abort();
    }
}
