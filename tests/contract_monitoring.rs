//! Contract tests of the monitoring operations, in API v6 and v8: against a
//! server that replays the recorded (constructed) examples, each facade
//! method sends its documented request (method, path, query, body) and the
//! recorded answer decodes to every value it carries.
#![cfg(feature = "simulator")]

mod common;

use common::contract::*;
use common::{TestServer, example_json};
use futures::TryStreamExt;
use uuid::Uuid;
use vb365::types::{JobStatus, LicenseStatus, ProxyStatus};
use vb365::{ApiVersion, Client, Credentials, JobFilter, JobSessionFilter, LicensedUserFilter, RestoreSessionFilter};

const FAILED_JOB: &str = "1c4e7a2b-3d5f-4a6c-8e9b-0d1f2a3b4c5d";
const FAILED_SESSION: &str = "5e551011-0000-4000-8000-000000000004";
const REPO_1: &str = "a1e4c7b0-5d2f-4c8e-9b31-0e6f2a7d4c51";
const WASABI: &str = "c3a6e9d2-7f4b-4e0a-9d53-2a8b4c9f6e73";
const OFFLINE_PROXY: &str = "f6d9bca5-ac7e-4b3d-8a86-5dbe7fcb9ba6";
const EXPLORED: &str = "0fe57023-0000-4000-8000-000000000001";

fn id(text: &str) -> Uuid {
    text.parse().unwrap()
}

/// A replay server and a client pinned to `version`, logged in.
async fn pinned(version: ApiVersion) -> (TestServer, Client) {
    let server = replay().await;
    let client = Client::builder(&server.url).api_versions([version]).build().unwrap();
    client.login(Credentials::password("administrator@abc.onmicrosoft.com", "XXXXXXXX")).await.unwrap();
    server.clear();
    (server, client)
}

#[tokio::test]
async fn list_jobs_reads_the_v6_array_and_the_v8_page() {
    let (server, client) = pinned(ApiVersion::V6).await;
    let jobs = client.list_jobs().await.unwrap();
    assert_request(&next_call(&server), "GET", "/v6/Jobs", None);
    let recorded = client.api().list_jobs().send().await.unwrap().into_inner();
    server.clear();
    assert_decoded("list_jobs.response.200.constructed.json", &recorded);
    assert_eq!(jobs[1].last_status, Some(JobStatus::Failed));
    assert_eq!(jobs[1].organization_id, Some(id(ORGANIZATION)), "from the organization link");
    assert_eq!(recorded[1].organization_id, None, "v6 does not send it");

    let (server, client) = pinned(ApiVersion::V8).await;
    let jobs = client.list_jobs().await.unwrap();
    assert_request(&next_call(&server), "GET", "/v8/Jobs", Some("limit=1000&offset=0"));
    let page = client.api().list_jobs_v8().send().await.unwrap().into_inner();
    server.clear();
    assert_decoded("list_jobs_v8.response.200.constructed.json", &page);
    assert_eq!(jobs, page.results);
    assert_eq!(jobs[3].is_enabled, Some(false));
}

#[tokio::test]
async fn the_jobs_of_one_organization_come_from_the_v6_route() {
    let (server, client) = pinned(ApiVersion::V6).await;
    let organization = id(ORGANIZATION);
    let jobs: Vec<_> = client.jobs(JobFilter::all().organization(organization)).try_collect().await.unwrap();
    assert_request(&next_call(&server), "GET", &format!("/v6/Organizations/{ORGANIZATION}/Jobs"), None);
    let recorded = client.api().list_organization_jobs().organization_id(organization).send().await.unwrap();
    assert_decoded("list_organization_jobs.response.200.constructed.json", &recorded.into_inner());
    assert!(jobs.iter().all(|j| j.organization_id == Some(organization)));
}

#[tokio::test]
async fn get_job_in_both_versions() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let name = if version == ApiVersion::V8 {
            "get_job_v8.response.200.constructed.json"
        } else {
            "get_job.response.200.constructed.json"
        };
        let (server, client) = pinned(version).await;
        let job = client.get_job(id(FAILED_JOB)).await.unwrap();
        assert_request(&next_call(&server), "GET", &format!("/{version}/Jobs/{FAILED_JOB}"), None);
        let mut recorded = job.clone();
        if version == ApiVersion::V6 {
            // Filled in by the client from the organization link; not part of the answer.
            recorded.organization_id = None;
        }
        assert_decoded(name, &recorded);
        assert_eq!(job.e_tag.is_some(), version == ApiVersion::V8);
        assert_eq!(job.organization_id, Some(id(ORGANIZATION)));
    }
}

#[tokio::test]
async fn start_job_sends_its_options_and_v8_answers_with_the_session() {
    let (server, client) = pinned(ApiVersion::V6).await;
    assert_eq!(client.start_job(id(FAILED_JOB), false).await.unwrap(), None);
    let call = next_call(&server);
    assert_request(&call, "POST", &format!("/v6/Jobs/{FAILED_JOB}/start"), None);
    assert_sent("start_job.request.constructed.json", &call);
    assert_decoded("start_job.response.204.constructed.empty", &());

    let (server, client) = pinned(ApiVersion::V8).await;
    let session = client.start_job(id(FAILED_JOB), true).await.unwrap().unwrap();
    let call = next_call(&server);
    assert_request(&call, "POST", &format!("/v8/Jobs/{FAILED_JOB}/start"), None);
    assert_sent("start_job_v8.request.constructed.json", &call);
    assert_decoded("start_job_v8.response.200.constructed.json", &session);
    assert_eq!((session.status, session.end_time), (Some(JobStatus::Running), None));
}

#[tokio::test]
async fn stop_enable_and_disable_answer_204_in_both_versions() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (server, client) = pinned(version).await;
        client.stop_job(id(FAILED_JOB)).await.unwrap();
        assert_request(&next_call(&server), "POST", &format!("/{version}/Jobs/{FAILED_JOB}/stop"), None);
        client.enable_job(id(FAILED_JOB)).await.unwrap();
        assert_request(&next_call(&server), "POST", &format!("/{version}/Jobs/{FAILED_JOB}/enable"), None);
        client.disable_job(id(FAILED_JOB)).await.unwrap();
        assert_request(&next_call(&server), "POST", &format!("/{version}/Jobs/{FAILED_JOB}/disable"), None);
    }
    // The recorded answers are empty: they decode to nothing.
    assert_decoded("stop_job.response.204.constructed.empty", &());
    assert_decoded("stop_job_v8.response.204.constructed.empty", &());
    assert_decoded("enable_job.response.204.constructed.empty", &());
    assert_decoded("enable_job_v8.response.204.constructed.empty", &());
    assert_decoded("disable_job.response.204.constructed.empty", &());
    assert_decoded("disable_job_v8.response.204.constructed.empty", &());
}

#[tokio::test]
async fn job_sessions_in_both_versions_and_the_v6_route_of_one_job() {
    let (server, client) = pinned(ApiVersion::V6).await;
    let sessions: Vec<_> = client.job_sessions(JobSessionFilter::all()).try_collect().await.unwrap();
    assert_request(&next_call(&server), "GET", "/v6/JobSessions", Some("limit=1000&offset=0"));
    let page = client.api().list_job_sessions().send().await.unwrap().into_inner();
    server.clear();
    assert_decoded("list_job_sessions.response.200.constructed.json", &page);
    assert!(page.results.iter().all(|s| s.job_id.is_none()), "v6 sends no jobId");
    assert!(sessions.iter().all(|s| s.job_id.is_some()), "the client fills it in from the job link");
    let of_job: Vec<_> = client.job_sessions(JobSessionFilter::all().job(id(FAILED_JOB))).try_collect().await.unwrap();
    assert_request(
        &next_call(&server),
        "GET",
        &format!("/v6/Jobs/{FAILED_JOB}/JobSessions"),
        Some("limit=1000&offset=0"),
    );
    let page = client.api().list_job_sessions_by_job().job_id(id(FAILED_JOB)).send().await.unwrap().into_inner();
    server.clear();
    assert_decoded("list_job_sessions_by_job.response.200.constructed.json", &page);
    assert_eq!(of_job.len(), 2);

    let (server, client) = pinned(ApiVersion::V8).await;
    let filter = JobSessionFilter::all().job(id(FAILED_JOB)).status(JobStatus::Success);
    let _: Vec<_> = client.job_sessions(filter).try_collect().await.unwrap();
    let query = format!("jobId={FAILED_JOB}&limit=1000&offset=0&status=Succeeded");
    assert_request(&next_call(&server), "GET", "/v8/JobSessions", Some(&query));
    let page = client.api().list_job_sessions_v8().send().await.unwrap().into_inner();
    server.clear();
    assert_decoded("list_job_sessions_v8.response.200.constructed.json", &page);
}

#[tokio::test]
async fn get_job_session_in_both_versions() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let name = if version == ApiVersion::V8 {
            "get_job_session_v8.response.200.constructed.json"
        } else {
            "get_job_session.response.200.constructed.json"
        };
        let (server, client) = pinned(version).await;
        let session = client.get_job_session(id(FAILED_SESSION)).await.unwrap();
        assert_request(&next_call(&server), "GET", &format!("/{version}/JobSessions/{FAILED_SESSION}"), None);
        let mut recorded = session.clone();
        if version == ApiVersion::V6 {
            // Filled in by the client from the job link; not part of the answer.
            recorded.job_id = None;
        }
        assert_decoded(name, &recorded);
        assert_eq!(session.job_id, Some(id(FAILED_JOB)));
    }
}

#[tokio::test]
async fn a_session_log_has_one_message_field_in_both_versions() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let name = if version == ApiVersion::V8 {
            "list_job_session_log_items_v8.response.200.constructed.json"
        } else {
            "list_job_session_log_items.response.200.constructed.json"
        };
        let (server, client) = pinned(version).await;
        let log: Vec<_> = client.job_session_log(id(FAILED_SESSION)).try_collect().await.unwrap();
        let path = format!("/{version}/JobSessions/{FAILED_SESSION}/LogItems");
        assert_request(&next_call(&server), "GET", &path, Some("limit=1000&offset=0"));
        let recorded = example_json(name);
        assert_eq!(log.len(), recorded["results"].as_array().unwrap().len());
        let texts: Vec<_> = log.iter().map(|i| i.message.clone().unwrap()).collect();
        let field = if version == ApiVersion::V8 { "message" } else { "title" };
        let recorded_texts: Vec<_> =
            recorded["results"].as_array().unwrap().iter().map(|i| i[field].as_str().unwrap().to_owned()).collect();
        assert_eq!(texts, recorded_texts);
        let page = match version {
            ApiVersion::V8 => {
                client.api().list_job_session_log_items_v8().job_session_id(id(FAILED_SESSION)).send().await
            }
            _ => client.api().list_job_session_log_items().job_session_id(id(FAILED_SESSION)).send().await,
        };
        server.clear();
        assert_decoded(name, &page.unwrap().into_inner());
    }
}

#[tokio::test]
async fn repositories_in_both_versions() {
    let (server, client) = pinned(ApiVersion::V6).await;
    let repositories: Vec<_> = client.backup_repositories().try_collect().await.unwrap();
    assert_request(&next_call(&server), "GET", "/v6/BackupRepositories", None);
    assert_decoded("list_backup_repositories.response.200.constructed.json", &repositories);
    let repository = client.get_backup_repository(id(REPO_1)).await.unwrap();
    assert_request(&next_call(&server), "GET", &format!("/v6/BackupRepositories/{REPO_1}"), None);
    assert_decoded("get_backup_repository.response.200.constructed.json", &repository);
    assert_eq!(repository.space().unwrap().free_bytes, 87_960_930_222);

    let (server, client) = pinned(ApiVersion::V8).await;
    let repositories: Vec<_> = client.backup_repositories().try_collect().await.unwrap();
    assert_request(&next_call(&server), "GET", "/v8/BackupRepositories", Some("limit=1000&offset=0"));
    let page = client.api().list_backup_repositories_v8().send().await.unwrap().into_inner();
    server.clear();
    assert_decoded("list_backup_repositories_v8.response.200.constructed.json", &page);
    assert_eq!(repositories, page.results);
    let repository = client.get_backup_repository(id(WASABI)).await.unwrap();
    assert_decoded("get_backup_repository_v8.response.200.constructed.json", &repository);
    assert_eq!(repository.space(), None, "object storage without a limit");
}

#[tokio::test]
async fn used_repositories_in_both_versions() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let name = if version == ApiVersion::V8 {
            "list_organization_used_repositories_v8.response.200.constructed.json"
        } else {
            "list_organization_used_repositories.response.200.constructed.json"
        };
        let (server, client) = pinned(version).await;
        let used: Vec<_> = client.organization_used_repositories(id(ORGANIZATION)).try_collect().await.unwrap();
        let path = format!("/{version}/Organizations/{ORGANIZATION}/usedRepositories");
        assert_request(&next_call(&server), "GET", &path, Some("limit=1000&offset=0"));
        assert_eq!(used[0].repository_id, Some(id(REPO_1)), "from the link on v6");
        let page = match version {
            ApiVersion::V8 => {
                client.api().list_organization_used_repositories_v8().organization_id(id(ORGANIZATION)).send().await
            }
            _ => client.api().list_organization_used_repositories().organization_id(id(ORGANIZATION)).send().await,
        };
        server.clear();
        assert_decoded(name, &page.unwrap().into_inner());
    }
}

#[tokio::test]
async fn proxies_in_both_versions() {
    let (server, client) = pinned(ApiVersion::V6).await;
    let proxies: Vec<_> = client.proxies().try_collect().await.unwrap();
    assert_request(&next_call(&server), "GET", "/v6/Proxies", Some("extendedView=true"));
    assert_decoded("list_proxies.response.200.constructed.json", &proxies);
    let proxy = client.get_proxy(id(OFFLINE_PROXY)).await.unwrap();
    assert_request(&next_call(&server), "GET", &format!("/v6/Proxies/{OFFLINE_PROXY}"), Some("extendedView=true"));
    assert_decoded("get_proxy.response.200.constructed.json", &proxy);

    let (server, client) = pinned(ApiVersion::V8).await;
    let proxies: Vec<_> = client.proxies().try_collect().await.unwrap();
    assert_request(&next_call(&server), "GET", "/v8/Proxies", Some("limit=1000&offset=0"));
    let page = client.api().list_proxies_v8().send().await.unwrap().into_inner();
    server.clear();
    assert_decoded("list_proxies_v8.response.200.constructed.json", &page);
    assert_eq!(proxies, page.results);
    let proxy = client.get_proxy(id(OFFLINE_PROXY)).await.unwrap();
    assert_request(&next_call(&server), "GET", &format!("/v8/Proxies/{OFFLINE_PROXY}"), None);
    assert_decoded("get_proxy_v8.response.200.constructed.json", &proxy);
    assert_eq!(proxy.status, Some(ProxyStatus::Offline));
}

#[tokio::test]
async fn the_license_expires_in_one_field_in_both_versions() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let name = if version == ApiVersion::V8 {
            "get_license_v8.response.200.constructed.json"
        } else {
            "get_license.response.200.constructed.json"
        };
        let (server, client) = pinned(version).await;
        let license = client.license().await.unwrap();
        assert_request(&next_call(&server), "GET", &format!("/{version}/License"), None);
        let raw = match version {
            ApiVersion::V8 => client.api().get_license_v8().send().await,
            _ => client.api().get_license().send().await,
        };
        server.clear();
        assert_decoded(name, &raw.unwrap().into_inner());
        assert_eq!(license.license_expires.as_ref().map(ToString::to_string).as_deref(), Some("2025-04-30T00:00:00Z"));
        assert_eq!(license.expires(), license.license_expires.as_ref());
        assert_eq!(license.status, Some(LicenseStatus::Valid));
    }
}

#[tokio::test]
async fn licensed_users_and_an_organization_s_licenses_in_both_versions() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let name = if v8 {
            "list_licensed_users_v8.response.200.constructed.json"
        } else {
            "list_licensed_users.response.200.constructed.json"
        };
        let users_name = name;
        let name = if v8 {
            "get_organization_licensing_v8.response.200.constructed.json"
        } else {
            "get_organization_licensing.response.200.constructed.json"
        };
        let licensing_name = name;
        let (server, client) = pinned(version).await;
        let filter = LicensedUserFilter::all().organization(id(ORGANIZATION)).name("Parker");
        let users: Vec<_> = client.licensed_users(filter).try_collect().await.unwrap();
        let query = format!("limit=1000&name=Parker&offset=0&organizationId={ORGANIZATION}");
        assert_request(&next_call(&server), "GET", &format!("/{version}/LicensedUsers"), Some(&query));
        let page = match version {
            ApiVersion::V8 => client.api().list_licensed_users_v8().send().await,
            _ => client.api().list_licensed_users().send().await,
        };
        server.clear();
        let page = page.unwrap().into_inner();
        assert_decoded(users_name, &page);
        assert_eq!(users, page.results, "the replay server does not filter");
        let licensing = client.organization_licensing(id(ORGANIZATION)).await.unwrap();
        let path = format!("/{version}/Organizations/{ORGANIZATION}/LicensingInformation");
        assert_request(&next_call(&server), "GET", &path, None);
        assert_decoded(licensing_name, &licensing);
    }
}

#[tokio::test]
async fn restore_sessions_and_their_events_in_both_versions() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let name = if v8 {
            "list_restore_sessions_v8.response.200.constructed.json"
        } else {
            "list_restore_sessions.response.200.constructed.json"
        };
        let sessions_name = name;
        let name = if v8 {
            "list_restore_session_events_v8.response.200.constructed.json"
        } else {
            "list_restore_session_events.response.200.constructed.json"
        };
        let events_name = name;
        let (server, client) = pinned(version).await;
        let filter = RestoreSessionFilter::all()
            .since("2024-04-01T00:00:00Z".parse().unwrap())
            .until("2024-05-01T00:00:00Z".parse().unwrap());
        let sessions: Vec<_> = client.restore_sessions(filter).try_collect().await.unwrap();
        let query = "limit=1000&offset=0&startTimeFrom=2024-04-01T00%3A00%3A00Z&startTimeTo=2024-05-01T00%3A00%3A00Z";
        assert_request(&next_call(&server), "GET", &format!("/{version}/RestoreSessions"), Some(query));
        let page = match version {
            ApiVersion::V8 => client.api().list_restore_sessions_v8().send().await,
            _ => client.api().list_restore_sessions().send().await,
        };
        server.clear();
        let page = page.unwrap().into_inner();
        assert_decoded(sessions_name, &page);
        assert_eq!(sessions, page.results);
        let events: Vec<_> = client.restore_session_events(id(EXPLORED)).try_collect().await.unwrap();
        let path = format!("/{version}/RestoreSessions/{EXPLORED}/Events");
        assert_request(&next_call(&server), "GET", &path, Some("limit=1000&offset=0"));
        let page = match version {
            ApiVersion::V8 => {
                client.api().list_restore_session_events_v8().restore_session_id(id(EXPLORED)).send().await
            }
            _ => client.api().list_restore_session_events().restore_session_id(id(EXPLORED)).send().await,
        };
        server.clear();
        let page = page.unwrap().into_inner();
        assert_decoded(events_name, &page);
        assert_eq!(events, page.results);
    }
}

#[tokio::test]
async fn health_is_asked_of_v8() {
    let (server, client) = pinned(ApiVersion::V8).await;
    let health = client.health().await.unwrap();
    let call = next_call(&server);
    assert_eq!((call.method.as_str(), call.path.as_str()), ("GET", "/v8/Health"));
    assert_decoded("get_health_v8.response.200.constructed.json", &health);
}
