//! One client for every server: against a simulator that serves only v8,
//! only v6, or both, the client finds out at login which versions are
//! served, every facade method works with the newest one, and the v1
//! mailbox operations fail with the error that names their successor.
#![cfg(feature = "simulator")]

mod common;

use futures::TryStreamExt;
use serde_json::json;
use std::time::Duration;
use vb365::simulator::{Simulator, SimulatorConfig};
use vb365::types::{BackupAccount, ExploreOptions, OrganizationCreate, RestoreSessionState, RestoreSessionType};

use common::{Reply, TestServer};
use vb365::{ApiVersion, Client, Error, PageRequest};

async fn serving(versions: &[ApiVersion]) -> (Simulator, Client) {
    let mut config = SimulatorConfig::default();
    config.versions = versions.to_vec();
    let simulator = Simulator::start_with(config).await.unwrap();
    let client = Client::builder(simulator.url()).build().unwrap();
    client.login(simulator.credentials()).await.unwrap();
    (simulator, client)
}

/// Every facade method, against a simulator serving `versions`; the
/// requests must all go to `/v{expected}/`.
async fn every_method_works(versions: &[ApiVersion], expected: ApiVersion) {
    let (simulator, client) = serving(versions).await;
    assert_eq!(client.api_versions().as_deref(), Some(versions), "found out at login");

    let info = client.server_info().await.unwrap();
    assert_eq!(info.api_versions, versions);
    let build = if expected == ApiVersion::V8 { "8.1.0.305" } else { "6.1.0.222" };
    assert_eq!(info.product_version.as_deref(), Some(build));
    assert!(info.installation_id.is_some());

    let organizations = client.list_organizations().await.unwrap();
    assert_eq!(organizations.len(), 2);
    // One organization a page on v8: the stream walks every page.
    let streamed: Vec<_> = client.organizations(1).try_collect().await.unwrap();
    assert_eq!(streamed, organizations);
    let v8_fields = organizations.iter().any(|o| o.msid.is_some());
    assert_eq!(v8_fields, expected == ApiVersion::V8, "v8-only fields arrive only from v8");

    let organization = simulator.organization_id();
    assert_eq!(client.get_organization(organization).await.unwrap().id, organization);
    let create: OrganizationCreate = serde_json::from_value(json!({
        "type": "Office365", "region": "Worldwide", "isExchangeOnline": true, "isSharePointOnline": false,
        "exchangeOnlineSettings": {"account": "admin@fabrikam.onmicrosoft.com", "password": "pw"}
    }))
    .unwrap();
    let added = client.add_organization(create).await.unwrap();
    assert_eq!(added.name.as_deref(), Some("fabrikam.onmicrosoft.com"));

    let accounts: Vec<BackupAccount> =
        serde_json::from_value(json!([{"groupMember": {"login": "a@contoso.com", "type": "User"}, "password": "p"}]))
            .unwrap();
    client.set_backup_accounts(organization, accounts).await.unwrap();
    let pool = client.list_backup_accounts(organization).await.unwrap();
    assert_eq!(pool[0].group_member.login, "a@contoso.com");

    let items: Vec<_> = client.job_selected_items(simulator.job_id(), 7).try_collect().await.unwrap();
    assert_eq!(items.len(), 25, "every item, whatever the paging");
    assert_eq!(items[0].name(), Some("Peter Parker"));
    let unique: std::collections::HashSet<_> = items.iter().map(|i| i.id.clone()).collect();
    assert_eq!(unique.len(), 25);

    let options = ExploreOptions {
        date_time: "2022-01-22T14:56:55.862Z".parse().unwrap(),
        type_: RestoreSessionType::Vex,
        show_deleted: None,
        show_all_versions: None,
    };
    let session = client.start_restore_session(options).await.unwrap();
    assert_eq!(session.e_tag.is_some(), expected == ApiVersion::V8);
    client.stop_restore_session(session.id).await.unwrap();
    let stopped = client.get_restore_session(session.id).await.unwrap();
    assert_eq!(stopped.state, Some(RestoreSessionState::Stopped));

    let before = simulator.requests().len();
    let err = client.list_job_selected_mailboxes(simulator.job_id(), PageRequest::first(10)).await.unwrap_err();
    assert!(matches!(&err, Error::NotServed { operation: "list_job_selected_mailboxes", .. }), "{err:?}");
    assert!(err.to_string().contains("use Client::job_selected_items"), "{err}");
    let streamed = client.job_selected_mailboxes(simulator.job_id(), 10).try_collect::<Vec<_>>().await;
    assert!(matches!(streamed, Err(Error::NotServed { .. })), "{streamed:?}");
    assert_eq!(simulator.requests().len(), before, "nothing was sent for v1");

    let prefix = format!("/{expected}/");
    for request in
        simulator.requests().iter().filter(|r| !r.path.ends_with("/ServiceInstance") || r.authorization.is_some())
    {
        assert!(request.path.starts_with(&prefix), "{} went to another version", request.path);
    }
}

#[tokio::test]
async fn against_a_v8_only_server_every_method_uses_v8() {
    every_method_works(&[ApiVersion::V8], ApiVersion::V8).await;
}

#[tokio::test]
async fn against_a_v6_only_server_every_method_uses_v6() {
    every_method_works(&[ApiVersion::V6], ApiVersion::V6).await;
}

#[tokio::test]
async fn against_a_server_serving_v6_and_v8_the_newest_is_used() {
    every_method_works(&[ApiVersion::V6, ApiVersion::V8], ApiVersion::V8).await;
}

#[tokio::test]
async fn the_archived_v1_operation_works_where_v1_is_served() {
    let (simulator, client) = serving(&[ApiVersion::V1, ApiVersion::V6]).await;
    let all: Vec<_> = client.job_selected_mailboxes(simulator.job_id(), 100).try_collect().await.unwrap();
    assert_eq!(all.len(), 250);
}

#[test]
fn only_versions_the_client_speaks_can_be_pinned() {
    assert_eq!(ApiVersion::SUPPORTED, [ApiVersion::V1, ApiVersion::V6, ApiVersion::V8], "the document's versions");
    for pinned in [vec![ApiVersion::V7], vec![ApiVersion::V6, ApiVersion::new(9)]] {
        let err = Client::builder("https://vbo.example.com").api_versions(pinned.clone()).build().unwrap_err();
        assert!(matches!(err, vb365::Error::Config { setting: "api_versions", .. }), "{pinned:?}: {err:?}");
        assert!(err.to_string().contains("which this client has no operations in (it speaks 1, 6, 8)"), "{err}");
    }
    assert!(Client::builder("https://vbo.example.com").api_versions([ApiVersion::V6, ApiVersion::V8]).build().is_ok());
}

#[tokio::test]
async fn pinned_versions_are_not_probed() {
    let simulator = Simulator::start().await.unwrap();
    let client = Client::builder(simulator.url()).api_versions([ApiVersion::V6]).build().unwrap();
    client.login(simulator.credentials()).await.unwrap();
    client.list_organizations().await.unwrap();
    let paths: Vec<String> = simulator.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/v6/token", "/v6/Organizations"], "no probe, and v6 although v8 is served");
}

#[tokio::test]
async fn the_probe_asks_without_a_token_once_per_version() {
    let (simulator, _client) = serving(&[ApiVersion::V6, ApiVersion::V8]).await;
    let probes: Vec<_> = simulator.requests().into_iter().filter(|r| r.path.ends_with("/ServiceInstance")).collect();
    let mut probed: Vec<&str> = probes.iter().map(|r| r.path.as_str()).collect();
    probed.sort();
    assert_eq!(
        probed,
        [
            "/v1/ServiceInstance",
            "/v5/ServiceInstance",
            "/v6/ServiceInstance",
            "/v7/ServiceInstance",
            "/v8/ServiceInstance",
            "/v9/ServiceInstance"
        ]
    );
    assert!(probes.iter().all(|r| r.authorization.is_none()));
}

#[tokio::test]
async fn a_server_serving_no_version_the_client_speaks_fails_the_login() {
    let server = common::TestServer::start(|_| common::Reply::json(404, r#"{"message": "No HTTP resource."}"#)).await;
    let client = Client::builder(&server.url).build().unwrap();
    let err = client.login(vb365::Credentials::password("admin", "pw")).await.unwrap_err();
    assert!(matches!(&err, Error::NotServed { operation: "create_token", served, .. } if served.is_empty()), "{err:?}");
    assert_eq!(
        err.to_string(),
        "create_token: the server does not serve API v6 or v8, which this operation needs (it serves none of the versions asked about)"
    );
    assert!(server.captured().iter().all(|r| r.path.ends_with("/ServiceInstance")), "no token request");
}

/// A scripted server whose `ServiceInstance` probes answer as `probe`
/// says per version, and that answers a token request and
/// `GET /vN/Organizations` as a server would.
async fn probed(probe: impl Fn(u16) -> Reply + Send + Sync + 'static) -> TestServer {
    TestServer::start(move |r| {
        let version: u16 = r.path.trim_start_matches("/v").split('/').next().and_then(|v| v.parse().ok()).unwrap_or(0);
        if r.path.ends_with("/ServiceInstance") && r.authorization.is_none() {
            probe(version)
        } else if r.is_token_request() {
            Reply::token()
        } else if r.path.ends_with("/Organizations") {
            Reply::json(200, "[]")
        } else {
            Reply::json(404, r#"{"message": "No HTTP resource."}"#)
        }
    })
    .await
}

fn probes_of(server: &TestServer, version: &str) -> usize {
    server.captured().iter().filter(|r| r.path == format!("/{version}/ServiceInstance")).count()
}

/// A 403, a redirect or an HTML page from a proxy says nothing about the
/// server: for a version the client does not use it is not served; for
/// v8, asked twice, it leaves the versions that answered clearly.
#[tokio::test]
async fn inconclusive_answers_are_not_served_and_a_needed_version_is_asked_again() {
    for (inconclusive, what) in [
        (Reply::json(403, r#"{"message": "Forbidden by the proxy."}"#), "403"),
        (Reply::html(200, "<html><body>Sign in to the proxy</body></html>"), "not a service instance"),
        (Reply::empty(302), "302"),
    ] {
        let server = probed(move |v| match v {
            6 => Reply::json(401, r#"{"message": "Authorization has been denied for this request."}"#),
            1 | 7 | 8 => inconclusive.clone(),
            _ => Reply::json(404, "{}"),
        })
        .await;
        let client = Client::builder(&server.url).build().unwrap();
        client.login(vb365::Credentials::password("admin", "pw")).await.unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(client.api_versions(), Some(vec![ApiVersion::V6]), "{what}");
        assert_eq!((probes_of(&server, "v8"), probes_of(&server, "v7"), probes_of(&server, "v1")), (2, 1, 1), "{what}");
        // The archived v1 API counts as not served: its operations say so, naming their successor.
        let err = client.list_job_selected_mailboxes(uuid::Uuid::nil(), PageRequest::first(1)).await.unwrap_err();
        assert!(matches!(err, Error::NotServed { .. }) && err.to_string().contains("job_selected_items"), "{err}");
        client.list_organizations().await.unwrap();
    }
}

/// A 200 with a service instance counts as served, as a 401 does.
#[tokio::test]
async fn a_service_instance_answered_without_a_token_counts_as_served() {
    let server = probed(|v| match v {
        8 => Reply::json(200, r#"{"installationId": "3b0e4bd4-4b7f-4c3e-9f0a-7d5c2e9a1f60", "version": "8.1.0.305"}"#),
        _ => Reply::json(404, "{}"),
    })
    .await;
    let client = Client::builder(&server.url).build().unwrap();
    client.login(vb365::Credentials::password("admin", "pw")).await.unwrap();
    assert_eq!(client.api_versions(), Some(vec![ApiVersion::V8]));
}

/// When no version the client uses answers clearly, the login fails with
/// the probe, what came back, and the way out.
#[tokio::test]
async fn no_clear_answer_for_any_needed_version_fails_the_login_naming_the_probe_and_the_way_out() {
    let server = probed(|v| match v {
        8 => Reply::json(500, r#"{"message": "Internal error."}"#),
        _ => Reply::json(404, "{}"),
    })
    .await;
    let client = Client::builder(&server.url).build().unwrap();
    let err = client.login(vb365::Credentials::password("admin", "pw")).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    let text = err.to_string();
    assert!(text.starts_with("get_service_instance: the server refused the request with 500"), "{text}");
    assert!(text.contains("Internal error. (asking whether the server serves API v8)"), "{text}");
    assert!(text.contains("ClientBuilder::api_versions (vb365 --api-version)"), "{text}");
    assert_eq!(probes_of(&server, "v8"), 2, "asked once more");
    assert!(server.captured().iter().all(|r| r.path.ends_with("/ServiceInstance")), "no token request");
}

/// A server nothing answers at is that fact: the login fails with the
/// connection error, not with advice about API versions.
#[tokio::test]
async fn a_server_that_cannot_be_reached_fails_the_login_with_the_fact() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let gone = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::builder(&gone).build().unwrap();
    let err = client.login(vb365::Credentials::password("admin", "pw")).await.unwrap_err();
    assert!(matches!(err, vb365::Error::Transport { kind: vb365::TransportKind::Connect, .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.starts_with("get_service_instance: connect error: "), "{text}");
    assert!(!text.contains("api_versions") && !text.contains("asking whether"), "no advice, only the fact: {text}");
}

/// A probe that never answers costs the probe timeout, not the request
/// timeout: for a version the client does not use once, for a needed one
/// twice before the other version is used.
#[tokio::test]
async fn a_stalled_probe_costs_only_the_probe_timeout() {
    let server = probed(|v| match v {
        6 => Reply::json(401, "{}"),
        7 | 8 => Reply::stall(),
        _ => Reply::json(404, "{}"),
    })
    .await;
    let client = Client::builder(&server.url)
        .request_timeout(Duration::from_secs(60))
        .probe_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    client.login(vb365::Credentials::password("admin", "pw")).await.unwrap();
    let took = started.elapsed();
    assert_eq!(client.api_versions(), Some(vec![ApiVersion::V6]));
    assert!(took >= Duration::from_millis(600) && took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn the_simulator_refuses_versions_it_cannot_serve() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    for (versions, says) in
        [(vec![], "at least one"), (vec![ApiVersion::V7], "cannot serve API v7"), (vec![ApiVersion::V1], "v6 or v8")]
    {
        let mut config = SimulatorConfig::default();
        config.versions = versions;
        let err = runtime.block_on(Simulator::start_with(config)).unwrap_err();
        assert!(err.to_string().contains(says), "{err}");
    }
}

/// The probe asks `ServiceInstance` without a token and takes a 401 as an
/// answer; `server_info` asks the same path with a token, and a 401 there
/// means the token expired: renewed and asked again, on every version.
#[tokio::test]
async fn server_info_renews_a_refused_token_like_every_call() {
    for versions in [[ApiVersion::V6], [ApiVersion::V8]] {
        let (simulator, client) = serving(&versions).await;
        simulator.revoke_access_tokens();
        let info = client.server_info().await.unwrap_or_else(|e| panic!("{versions:?}: {e}"));
        assert_eq!(info.api_versions, versions);
    }
}
