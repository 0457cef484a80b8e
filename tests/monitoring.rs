//! The monitoring surface against a simulator that serves only v8 or only
//! v6, with pages of two items (smaller than every collection): every
//! facade method reads every item in the newest version served, sends each
//! request to its documented route in that version, and gives one type and
//! one meaning whatever the version.
#![cfg(feature = "simulator")]

use std::collections::BTreeSet;
use std::time::Duration;

use futures::TryStreamExt;
use uuid::Uuid;
use vb365::simulator::{Simulator, SimulatorConfig};
use vb365::types::{HealthStatus, JobStatus, LicenseState, LicenseStatus, ProxyStatus, RestoreSessionEventStatus};
use vb365::{
    ApiVersion, Client, JobFilter, JobSessionFilter, LicensedUserFilter, RestoreSessionFilter, SERVICE_INSTANCE_ENTRY,
};

const CONTOSO: &str = "6f9b3da3-204d-4a4b-b466-55586e0233fc";
const FAILED_JOB: &str = "1c4e7a2b-3d5f-4a6c-8e9b-0d1f2a3b4c5d";
const FAILED_SESSION: &str = "5e551011-0000-4000-8000-000000000004";
const REPO_1: &str = "a1e4c7b0-5d2f-4c8e-9b31-0e6f2a7d4c51";
const OFFLINE_PROXY: &str = "f6d9bca5-ac7e-4b3d-8a86-5dbe7fcb9ba6";
const EXPLORED: &str = "0fe57023-0000-4000-8000-000000000001";

fn id(text: &str) -> Uuid {
    text.parse().unwrap()
}

async fn serving(versions: &[ApiVersion]) -> (Simulator, Client) {
    let mut config = SimulatorConfig::default();
    config.versions = versions.to_vec();
    config.max_page_size = 2;
    config.job_duration = Duration::from_millis(300);
    config.frozen_time = Some("2024-05-01T12:00:00Z".parse().unwrap());
    let simulator = Simulator::start_with(config).await.unwrap();
    let client = Client::builder(simulator.url()).build().unwrap();
    client.login(simulator.credentials()).await.unwrap();
    simulator.clear_requests();
    (simulator, client)
}

/// The routes requested since the last call, as `METHOD /path?query`.
fn routes(simulator: &Simulator) -> Vec<String> {
    let routes = simulator
        .requests()
        .iter()
        .map(|r| format!("{} {}{}", r.method, r.path, r.query.as_ref().map(|q| format!("?{q}")).unwrap_or_default()))
        .collect();
    simulator.clear_requests();
    routes
}

/// Every route went to `/vN/`.
fn all_in(routes: &[String], version: ApiVersion) {
    for route in routes {
        assert!(route.split(' ').nth(1).unwrap().starts_with(&format!("/{version}/")), "{route} is not in {version}");
    }
}

async fn every_method(version: ApiVersion) {
    let (sim, client) = serving(&[version]).await;
    let v8 = version == ApiVersion::V8;

    // Jobs: every page on v8, one array on v6.
    let jobs = client.list_jobs().await.unwrap();
    assert_eq!(jobs.len(), 4);
    let r = routes(&sim);
    all_in(&r, version);
    if v8 {
        assert_eq!(
            r,
            [
                "GET /v8/Jobs?limit=1000&offset=0",
                "GET /v8/Jobs?limit=1000&offset=2",
                "GET /v8/Jobs?limit=1000&offset=4"
            ]
        );
        assert!(jobs.iter().all(|j| j.organization_id.is_some()), "v8 names the organization");
    } else {
        assert_eq!(r, ["GET /v6/Jobs"]);
        assert!(jobs.iter().all(|j| j.links.as_ref().unwrap().contains_key("organization")), "v6 links it");
        assert!(jobs.iter().all(|j| j.organization_id.is_some()), "the client fills it in from the link");
    }
    let failed = jobs.iter().find(|j| j.id == id(FAILED_JOB)).unwrap();
    assert_eq!((failed.last_status.clone(), failed.is_enabled), (Some(JobStatus::Failed), Some(true)));
    let contoso: Vec<_> = client.jobs(JobFilter::all().organization(id(CONTOSO))).try_collect().await.unwrap();
    assert_eq!(contoso.len(), 2);
    let r = routes(&sim);
    assert!(
        r[0] == if v8 {
            format!("GET /v8/Jobs?limit=1000&offset=0&organizationId={CONTOSO}")
        } else {
            format!("GET /v6/Organizations/{CONTOSO}/Jobs")
        },
        "{r:?}"
    );
    let in_repo: Vec<_> = client.jobs(JobFilter::all().repository(id(REPO_1))).try_collect().await.unwrap();
    assert_eq!(in_repo.iter().map(|j| j.id).collect::<Vec<_>>(), [id(FAILED_JOB)], "filtered on v6 too");
    routes(&sim);
    let job = client.get_job(id(FAILED_JOB)).await.unwrap();
    assert_eq!((job.name.as_deref(), job.organization_id), (Some("Contoso SharePoint"), Some(id(CONTOSO))));
    assert_eq!(routes(&sim), [format!("GET /{version}/Jobs/{FAILED_JOB}")]);

    // Sessions: job ids on every version, filters on every version.
    let sessions: Vec<_> = client.job_sessions(JobSessionFilter::all()).try_collect().await.unwrap();
    assert_eq!(sessions.len(), 8, "every page");
    assert!(sessions.iter().all(|s| s.job_id.is_some()), "v6's job links give the job");
    let r = routes(&sim);
    all_in(&r, version);
    assert_eq!(r.len(), 5, "four pages of two and the empty one: {r:?}");
    let of_job: Vec<_> = client.job_sessions(JobSessionFilter::all().job(id(FAILED_JOB))).try_collect().await.unwrap();
    assert_eq!(
        of_job.iter().map(|s| s.status.clone().unwrap()).collect::<Vec<_>>(),
        [JobStatus::Failed, JobStatus::Success]
    );
    let r = routes(&sim);
    let expected =
        if v8 { "GET /v8/JobSessions?jobId=".to_owned() } else { format!("GET /v6/Jobs/{FAILED_JOB}/JobSessions") };
    assert!(r[0].starts_with(&expected), "{r:?}");
    let succeeded: Vec<_> =
        client.job_sessions(JobSessionFilter::all().status(JobStatus::Success)).try_collect().await.unwrap();
    assert_eq!(succeeded.len(), 5);
    let r = routes(&sim);
    assert_eq!(r[0].contains("status=Succeeded"), v8, "v8's filter spells it Succeeded: {r:?}");
    let window = JobSessionFilter::all()
        .since("2024-05-01T00:00:00Z".parse().unwrap())
        .until("2024-05-01T03:30:00Z".parse().unwrap());
    let today: Vec<_> = client.job_sessions(window).try_collect().await.unwrap();
    let today: BTreeSet<Uuid> = today.iter().map(|s| s.id).collect();
    assert_eq!(today.len(), 2, "the two sessions that ended between midnight and 3:30");
    assert!(today.contains(&id(FAILED_SESSION)));
    routes(&sim);
    let session = client.get_job_session(id(FAILED_SESSION)).await.unwrap();
    assert_eq!(
        (session.job_id, session.duration()),
        (Some(id(FAILED_JOB)), Some(Duration::from_nanos(339_509_815_700)))
    );
    assert_eq!(routes(&sim), [format!("GET /{version}/JobSessions/{FAILED_SESSION}")]);
    let log: Vec<_> = client.job_session_log(id(FAILED_SESSION)).try_collect().await.unwrap();
    assert_eq!(log.len(), 5);
    assert!(log[3].message.as_deref().unwrap().contains("not enough space"), "one message field: {:?}", log[3]);
    assert_eq!(log[3].title.is_some(), !v8, "v6's own field is kept");
    let r = routes(&sim);
    all_in(&r, version);
    assert_eq!(r.len(), 3, "three pages: {r:?}");

    // Repositories and space.
    let repositories: Vec<_> = client.backup_repositories().try_collect().await.unwrap();
    assert_eq!(repositories.len(), 3);
    let r = routes(&sim);
    assert_eq!(r.len(), if v8 { 2 } else { 1 }, "{r:?}");
    all_in(&r, version);
    let space = |name: &str| repositories.iter().find(|r| r.name.as_deref() == Some(name)).unwrap().space();
    assert!((space("Repo 1").unwrap().free_percent() - 4.0).abs() < 0.01);
    assert_eq!(space("ABC Wasabi"), None, "object storage without a limit has no capacity");
    assert_eq!(client.get_backup_repository(id(REPO_1)).await.unwrap().name.as_deref(), Some("Repo 1"));
    assert_eq!(routes(&sim), [format!("GET /{version}/BackupRepositories/{REPO_1}")]);
    let used: Vec<_> = client.organization_used_repositories(id(CONTOSO)).try_collect().await.unwrap();
    assert_eq!(used.len(), 2);
    assert!(used.iter().any(|u| u.repository_id == Some(id(REPO_1))), "v6's links give the repository");
    let r = routes(&sim);
    assert!(r[0].starts_with(&format!("GET /{version}/Organizations/{CONTOSO}/usedRepositories?")), "{r:?}");
    assert_eq!(r.len(), 2, "pages of two on both versions: {r:?}");

    // Proxies.
    let proxies: Vec<_> = client.proxies().try_collect().await.unwrap();
    assert_eq!(proxies.len(), 2);
    let r = routes(&sim);
    let expected = if v8 { "GET /v8/Proxies?limit=1000&offset=0" } else { "GET /v6/Proxies?extendedView=true" };
    assert_eq!(r[0], expected);
    assert_eq!(r.len(), if v8 { 2 } else { 1 }, "a full page is followed by another: {r:?}");
    let offline = client.get_proxy(id(OFFLINE_PROXY)).await.unwrap();
    assert_eq!(offline.status, Some(ProxyStatus::Offline));
    assert_eq!(offline.cpu_usage_percent.is_none() && offline.fqdn.is_some(), v8, "v8 sends fqdn");
    routes(&sim);

    // The license, its users and an organization's share.
    let license = client.license().await.unwrap();
    assert_eq!(license.status, Some(LicenseStatus::Valid));
    assert_eq!(license.license_expires.as_ref().map(ToString::to_string).as_deref(), Some("2025-04-30T00:00:00Z"));
    assert_eq!(license.expiration_date.is_some(), !v8, "v6's own field is kept");
    assert_eq!((license.total_number, license.used_number, license.new_number), (Some(50), Some(12), Some(2)));
    assert_eq!(routes(&sim), [format!("GET /{version}/License")]);
    let users: Vec<_> = client.licensed_users(LicensedUserFilter::all()).try_collect().await.unwrap();
    assert_eq!(users.len(), 12, "every page, and as many as the license counts");
    assert_eq!(users.iter().filter(|u| u.license_state == Some(LicenseState::New)).count(), 2);
    assert_eq!(routes(&sim).len(), 7, "six full pages of two, then the empty one");
    let theirs: Vec<_> =
        client.licensed_users(LicensedUserFilter::all().organization(id(CONTOSO))).try_collect().await.unwrap();
    assert_eq!(theirs.len(), 8);
    assert!(routes(&sim)[0].contains(&format!("organizationId={CONTOSO}")));
    let licensing = client.organization_licensing(id(CONTOSO)).await.unwrap();
    assert_eq!((licensing.licensed_users, licensing.new_users), (Some(8), Some(1)));
    assert_eq!(routes(&sim), [format!("GET /{version}/Organizations/{CONTOSO}/LicensingInformation")]);

    // Restore sessions and their events.
    let restores: Vec<_> = client.restore_sessions(RestoreSessionFilter::all()).try_collect().await.unwrap();
    assert_eq!(restores.len(), 2);
    assert_eq!(routes(&sim).len(), 2);
    let recent = RestoreSessionFilter::all().since("2024-01-01T00:00:00Z".parse().unwrap());
    let recent: Vec<_> = client.restore_sessions(recent).try_collect().await.unwrap();
    assert_eq!(recent.iter().map(|s| s.id).collect::<Vec<_>>(), [id(EXPLORED)]);
    assert!(routes(&sim)[0].contains("startTimeFrom=2024-01-01T00%3A00%3A00Z"));
    let events: Vec<_> = client.restore_session_events(id(EXPLORED)).try_collect().await.unwrap();
    assert_eq!(events.last().unwrap().status, Some(RestoreSessionEventStatus::Skipped));
    let r = routes(&sim);
    all_in(&r, version);
    assert_eq!(r.len(), 2);

    // Health: v8 reports it; v6 answers from the service instance.
    let health = client.health().await.unwrap();
    assert_eq!(health.status, Some(HealthStatus::Healthy));
    let r = routes(&sim);
    if v8 {
        assert_eq!(r, ["GET /v8/Health"]);
        assert!(health.entries.contains_key("PostgreSQL"));
    } else {
        assert_eq!(r, ["GET /v6/ServiceInstance"]);
        assert!(health.entries[SERVICE_INSTANCE_ENTRY].description.as_deref().unwrap().contains("no health report"));
    }

    // Start a job: a running session that succeeds; its job follows.
    let started = client.start_job(id(FAILED_JOB), true).await.unwrap();
    assert_eq!(routes(&sim), [format!("POST /{version}/Jobs/{FAILED_JOB}/start")]);
    assert_eq!(started.is_some(), v8, "only v8 answers with the session it began");
    assert_eq!(client.get_job(id(FAILED_JOB)).await.unwrap().last_status, Some(JobStatus::Running));
    let latest = client.job_sessions(JobSessionFilter::all().job(id(FAILED_JOB))).try_next().await.unwrap().unwrap();
    assert_eq!((latest.status.clone(), latest.is_finished()), (Some(JobStatus::Running), false));
    if let Some(started) = started {
        assert_eq!(started.id, latest.id);
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    let done = client.get_job_session(latest.id).await.unwrap();
    assert_eq!((done.status.clone(), done.progress, done.is_finished()), (Some(JobStatus::Success), Some(100), true));
    assert_eq!(client.get_job(id(FAILED_JOB)).await.unwrap().last_status, Some(JobStatus::Success));
    let log: Vec<_> = client.job_session_log(latest.id).try_collect().await.unwrap();
    assert_eq!(log.last().unwrap().message.as_deref(), Some("Job finished: Success"));

    // Stop, disable, enable.
    client.start_job(id(FAILED_JOB), false).await.unwrap();
    client.stop_job(id(FAILED_JOB)).await.unwrap();
    assert_eq!(client.get_job(id(FAILED_JOB)).await.unwrap().last_status, Some(JobStatus::Stopped));
    let err = client.stop_job(id(FAILED_JOB)).await.unwrap_err();
    assert!(err.to_string().contains("is not running"), "{err}");
    client.disable_job(id(FAILED_JOB)).await.unwrap();
    assert_eq!(client.get_job(id(FAILED_JOB)).await.unwrap().is_enabled, Some(false));
    assert!(client.start_job(id(FAILED_JOB), false).await.unwrap_err().to_string().contains("is disabled"));
    client.enable_job(id(FAILED_JOB)).await.unwrap();
    assert_eq!(client.get_job(id(FAILED_JOB)).await.unwrap().is_enabled, Some(true));
    let r = routes(&sim);
    all_in(&r, version);
    for action in ["start", "stop", "disable", "enable"] {
        assert!(r.contains(&format!("POST /{version}/Jobs/{FAILED_JOB}/{action}")), "{action}: {r:?}");
    }
}

#[tokio::test]
async fn every_monitoring_method_against_a_v8_only_server() {
    every_method(ApiVersion::V8).await;
}

#[tokio::test]
async fn every_monitoring_method_against_a_v6_only_server() {
    every_method(ApiVersion::V6).await;
}

#[tokio::test]
async fn faults_reach_the_monitoring_routes_in_every_version() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (sim, client) = serving(&[version]).await;
        sim.inject(vb365::simulator::Fault::status(500).on("list_jobs"));
        let err = client.list_jobs().await.unwrap_err();
        assert!(err.to_string().contains("500"), "{version}: {err}");
        sim.inject(vb365::simulator::Fault::status(503).on("get_license").times(9));
        assert!(client.license().await.unwrap_err().to_string().contains("503"), "{version}");
        assert!(client.list_jobs().await.is_ok(), "the fault was used up");
    }
}

#[tokio::test]
async fn a_server_of_both_versions_is_asked_in_v8() {
    let (sim, client) = serving(&[ApiVersion::V6, ApiVersion::V8]).await;
    client.list_jobs().await.unwrap();
    client.license().await.unwrap();
    let _: Vec<_> = client.proxies().try_collect().await.unwrap();
    all_in(&routes(&sim), ApiVersion::V8);
}

/// A snapshot with a deadline gives up, part by part, what is not read by
/// then, and keeps what was; with every core part gone the server counts
/// as unreadable, and the everything scope reads each organization's space
/// and the server's build too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_keeps_what_was_read_by_its_deadline() {
    use vb365::monitoring::{Collection, Scope};
    let (simulator, client) = serving(&[ApiVersion::V8]).await;
    simulator.inject(vb365::simulator::Fault::stall().on("list_proxies"));
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    let snapshot = client.snapshot(Scope::default().everything().deadline(deadline)).await;
    assert!(std::time::Instant::now() < deadline + Duration::from_millis(500), "given up at the deadline");
    assert!(matches!(snapshot.proxies, Err(vb365::Error::Deadline { operation: "list_proxies", .. })));
    assert!(snapshot.jobs.is_ok() && snapshot.repositories.is_ok() && snapshot.license.is_ok());
    let failed: Vec<Collection> =
        snapshot.collections().into_iter().filter(|(_, e)| e.is_some()).map(|(c, _)| c).collect();
    assert_eq!(failed, [Collection::Proxies]);
    assert!(snapshot.unreadable().is_none(), "one part down is not the server down");
    let usage = snapshot.usage.as_ref().unwrap();
    assert!(usage.iter().any(|u| u.organization_id == id(CONTOSO) && u.used.as_ref().is_ok_and(|e| !e.is_empty())));
    assert_eq!(snapshot.server.as_ref().unwrap().as_ref().unwrap().api_versions, [ApiVersion::V8]);

    for operation in ["list_jobs", "list_backup_repositories", "list_proxies", "get_license"] {
        simulator.inject(vb365::simulator::Fault::status(500).on(operation));
    }
    let snapshot = client.snapshot(Scope::default()).await;
    assert!(matches!(snapshot.unreadable(), Some(vb365::Error::Api { operation: "list_jobs_v8", .. })));
}

/// A large server: what a snapshot asks does not grow with the sessions a
/// server keeps (the latest few of each job), only with its jobs; and
/// every job is read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_asks_as_much_of_a_server_with_ten_times_the_sessions() {
    use vb365::monitoring::Scope;
    let mut requests = Vec::new();
    for sessions in [400, 4_000] {
        let mut config = SimulatorConfig::default();
        config.versions = vec![ApiVersion::V8];
        (config.extra_jobs, config.extra_sessions, config.extra_repositories) = (40, sessions, 20);
        let simulator = Simulator::start_with(config).await.unwrap();
        let client = Client::builder(simulator.url()).build().unwrap();
        client.login(simulator.credentials()).await.unwrap();
        simulator.clear_requests();
        let snapshot = client.snapshot(Scope::default()).await;
        let jobs = snapshot.jobs.as_ref().unwrap();
        assert_eq!(jobs.len(), 44, "the four recorded jobs and forty more");
        assert!(jobs.iter().all(|j| j.latest_finished().is_some()), "every job has its latest session");
        assert_eq!(snapshot.repositories.as_ref().unwrap().len(), 23);
        requests.push(simulator.requests().len());
    }
    assert_eq!(requests[0], requests[1], "{requests:?}");
    assert!(requests[0] < 60, "one request a job and a few more: {requests:?}");
}
