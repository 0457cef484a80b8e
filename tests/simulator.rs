//! The simulator: tokens, schema-checked bodies, state, paging, and the
//! faults it can be told to produce.
#![cfg(feature = "simulator")]

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use serde_json::{Value, json};
use uuid::Uuid;
use vb365::simulator::{Fault, Simulator, SimulatorConfig};
use vb365::types::{BackupAccount, ExploreOptions, OrganizationCreate, RestoreSessionState, RestoreSessionType};
use vb365::{Client, Error, PageRequest, RetryConfig, TransportKind};

/// A simulator and a logged-in client that does not retry, so that every
/// fault shows.
async fn started() -> (Simulator, Client) {
    let simulator = Simulator::start().await.unwrap();
    let client = Client::builder(simulator.url()).retry(RetryConfig::disabled()).build().unwrap();
    client.login(simulator.credentials()).await.unwrap();
    (simulator, client)
}

/// A plain HTTP client for requests the typed client would never send.
fn raw_http() -> reqwest::Client {
    // Building a vb365 client installs the TLS crypto provider reqwest needs.
    let _ = Client::builder("http://127.0.0.1:1").build();
    reqwest::Client::new()
}

async fn bearer(simulator: &Simulator) -> String {
    let form = format!("grant_type=password&username={}&password=simulated-password", simulator.username());
    let token: Value = post_form(simulator, form).await.json().await.unwrap();
    format!("Bearer {}", token["access_token"].as_str().unwrap())
}

async fn post_form(simulator: &Simulator, form: String) -> reqwest::Response {
    let url = format!("{}/v6/token", simulator.url());
    let request = raw_http().post(url).header("content-type", "application/x-www-form-urlencoded").body(form);
    request.send().await.unwrap()
}

async fn message(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    (status, body["message"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn it_listens_on_loopback_and_starts_from_the_recorded_examples() {
    let (simulator, client) = started().await;
    assert!(simulator.url().starts_with("http://127.0.0.1:"));
    let accounts = client.list_backup_accounts(simulator.organization_id()).await.unwrap();
    assert_eq!(accounts.len(), 4);
    assert_eq!(accounts[0].group_member.login, "account1@office365.onmicrosoft.com");
    let session = client.get_restore_session("fa3a2d17-d86d-4540-bf71-512750281e43".parse().unwrap()).await.unwrap();
    assert_eq!(session.state, Some(RestoreSessionState::Working));
}

#[tokio::test]
async fn requests_without_a_live_token_get_401_with_a_message() {
    let (simulator, _) = started().await;
    let url = format!("{}/v6/Organizations", simulator.url());
    for authorization in [None, Some("Bearer made-up"), Some("Basic YWRtaW46YWRtaW4=")] {
        let mut request = raw_http().get(&url);
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        let (status, text) = message(request.send().await.unwrap()).await;
        assert_eq!(status, 401, "{authorization:?}");
        assert!(text.contains("denied"), "{text}");
    }
}

#[tokio::test]
async fn bodies_that_break_the_schema_get_400_naming_the_field() {
    let (simulator, _) = started().await;
    let token = bearer(&simulator).await;
    let http = raw_http();
    let cases = [
        (
            "/v6/Organizations",
            json!({"type": "Office365", "region": 5, "isExchangeOnline": false, "isSharePointOnline": false}),
            "/region",
        ),
        (
            "/v6/Organizations",
            json!({"type": "Office365", "region": "Worldwide", "isExchangeOnline": false}),
            "/isSharePointOnline",
        ),
        ("/v6/Organization/Explore", json!({"dateTime": "yesterday", "type": "Vex"}), "/dateTime"),
        (
            "/v6/Organization/Explore",
            json!({"dateTime": "2022-01-22T14:56:55Z", "type": "Vex", "colour": 1}),
            "/colour",
        ),
    ];
    for (path, body, field) in cases {
        let response = http
            .post(format!("{}{path}", simulator.url()))
            .header("authorization", &token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let (status, text) = message(response).await;
        assert_eq!(status, 400, "{body}");
        assert!(text.contains(&format!("at {field}:")), "{body}: {text}");
    }
    let organization = simulator.organization_id();
    let response = http
        .put(format!("{}/v6/Organizations/{organization}/BackupAccounts", simulator.url()))
        .header("authorization", &token)
        .json(&json!([{"groupMember": {"login": "a", "type": "User"}, "password": 12345}]))
        .send()
        .await
        .unwrap();
    let (status, text) = message(response).await;
    assert_eq!(status, 400);
    assert!(text.contains("at /0/password:") && !text.contains("12345"), "secret values are not quoted: {text}");
}

#[tokio::test]
async fn token_forms_are_checked_too() {
    let (simulator, _) = started().await;
    let response = post_form(&simulator, String::from("username=x")).await;
    let (status, text) = message(response).await;
    assert_eq!(status, 400);
    assert!(text.contains("grant_type"), "{text}");
}

#[tokio::test]
async fn paths_match_without_regard_to_case() {
    let (simulator, _) = started().await;
    let token = bearer(&simulator).await;
    let url = format!("{}/v6/organizations/{}/backupaccounts", simulator.url(), simulator.organization_id());
    let response = raw_http().get(url).header("authorization", token).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn an_added_organization_shows_up_in_list_and_get() {
    let (_simulator, client) = started().await;
    let added = client.add_organization(organization("admin@northwind.onmicrosoft.com")).await.unwrap();
    assert_eq!(added.name.as_deref(), Some("northwind.onmicrosoft.com"));
    let settings = added.exchange_online_settings.as_ref().unwrap();
    assert!(settings.password.is_none(), "passwords are not sent back");
    let listed = client.list_organizations().await.unwrap();
    assert!(listed.iter().any(|o| o.id == added.id));
    assert_eq!(client.get_organization(added.id).await.unwrap(), added);
    let again = client.add_organization(organization("admin@northwind.onmicrosoft.com")).await.unwrap_err();
    assert!(matches!(&again, Error::Api { status, .. } if status.as_u16() == 400), "{again:?}");
    let missing = client.get_organization(Uuid::nil()).await.unwrap_err();
    assert!(matches!(&missing, Error::Api { status, .. } if status.as_u16() == 404), "{missing:?}");
}

fn organization(account: &str) -> OrganizationCreate {
    serde_json::from_value(json!({
        "type": "Office365", "region": "Worldwide", "isExchangeOnline": true, "isSharePointOnline": false,
        "isTeamsChatsOnline": false,
        "exchangeOnlineSettings": {"account": account, "password": "pw", "grantAdminAccess": true}
    }))
    .unwrap()
}

#[tokio::test]
async fn putting_backup_accounts_replaces_the_pool_without_echoing_passwords() {
    let (simulator, client) = started().await;
    let accounts: Vec<BackupAccount> = serde_json::from_value(json!([
        {"groupMember": {"login": "one@contoso.onmicrosoft.com", "type": "User", "name": "One"}, "password": "pw-one"},
        {"groupMember": {"login": "two@contoso.onmicrosoft.com", "type": "Group"}, "password": "pw-two"},
    ]))
    .unwrap();
    client.set_backup_accounts(simulator.organization_id(), accounts).await.unwrap();
    let pool = client.list_backup_accounts(simulator.organization_id()).await.unwrap();
    let logins: Vec<_> = pool.iter().map(|a| a.group_member.login.as_str()).collect();
    assert_eq!(logins, ["one@contoso.onmicrosoft.com", "two@contoso.onmicrosoft.com"]);
    assert!(pool.iter().all(|a| a.password.is_none()));
    let stored = simulator
        .requests()
        .into_iter()
        .find(|r| r.operation.as_deref().is_some_and(|o| o.starts_with("set_backup_accounts")))
        .unwrap();
    assert_eq!(stored.body.unwrap()[0]["password"], "pw-one", "the password reached the server");
}

#[tokio::test]
async fn a_restore_session_is_started_read_and_stopped() {
    let (_simulator, client) = started().await;
    let options = ExploreOptions {
        date_time: "2022-01-22T14:56:55.862Z".parse().unwrap(),
        type_: RestoreSessionType::Vesp,
        show_deleted: Some(false),
        show_all_versions: None,
    };
    let session = client.start_restore_session(options).await.unwrap();
    assert_eq!(session.state, Some(RestoreSessionState::Working));
    assert_eq!(session.type_, Some(RestoreSessionType::Vesp));
    assert!(session.name.as_deref().unwrap().starts_with("SharePoint restore"));
    assert_eq!(client.get_restore_session(session.id).await.unwrap(), session);
    client.stop_restore_session(session.id).await.unwrap();
    let stopped = client.get_restore_session(session.id).await.unwrap();
    assert_eq!(stopped.state, Some(RestoreSessionState::Stopped));
    assert!(stopped.end_time < session.end_time);
    let err = client.stop_restore_session(Uuid::nil()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn mailboxes_come_in_pages_with_links() {
    let mut config = SimulatorConfig::default();
    config.mailbox_count = 25;
    let simulator = Simulator::start_with(config).await.unwrap();
    let client = Client::builder(simulator.url()).build().unwrap();
    client.login(simulator.credentials()).await.unwrap();
    let job = simulator.job_id();
    let middle = client.list_job_selected_mailboxes(job, PageRequest { offset: 10, limit: 10 }).await.unwrap();
    assert_eq!((middle.offset, middle.limit, middle.results.len()), (10, 10, 10));
    let links = middle.links.unwrap();
    assert!(links.next.unwrap().href.contains("offset=20&limit=10"));
    assert!(links.prev.unwrap().href.contains("offset=0&limit=10"));
    let last = client.list_job_selected_mailboxes(job, PageRequest { offset: 20, limit: 10 }).await.unwrap();
    assert_eq!(last.results.len(), 5);
    assert!(last.links.unwrap().next.is_none());
    let first = client.list_job_selected_mailboxes(job, PageRequest::first(10)).await.unwrap();
    assert!(first.links.unwrap().prev.is_none());
}

#[tokio::test]
async fn the_stream_walks_every_page_and_stops_after_the_last() {
    let mut config = SimulatorConfig::default();
    config.mailbox_count = 1234;
    let simulator = Simulator::start_with(config).await.unwrap();
    let client = Client::builder(simulator.url()).build().unwrap();
    client.login(simulator.credentials()).await.unwrap();
    let all: Vec<_> = client.job_selected_mailboxes(simulator.job_id(), 100).try_collect().await.unwrap();
    assert_eq!(all.len(), 1234);
    assert_eq!(all[0].name.as_deref(), Some("Peter Parker"));
    let unique: std::collections::HashSet<_> = all.iter().map(|m| m.id).collect();
    assert_eq!(unique.len(), 1234);
    assert_eq!(simulator.count("list_job_selected_mailboxes"), 13);
}

#[tokio::test]
async fn the_stream_ends_with_the_error_of_a_failed_page() {
    let (simulator, client) = started().await;
    simulator.inject(Fault::status(500).on("list_job_selected_mailboxes").times(1));
    let mut stream = std::pin::pin!(client.job_selected_mailboxes(simulator.job_id(), 100));
    let first = stream.try_next().await;
    match &first {
        Err(Error::Page { offset: 0, source }) => assert!(matches!(**source, Error::Api { .. }), "{source:?}"),
        other => panic!("expected the page's error, got {other:?}"),
    }
    assert!(first.unwrap_err().to_string().ends_with("(the page at offset 0)"));
    assert!(stream.try_next().await.unwrap().is_none(), "nothing after the error");
}

#[tokio::test]
async fn the_next_page_is_requested_while_the_caller_is_still_on_this_one() {
    let mut config = SimulatorConfig::default();
    config.mailbox_count = 30;
    let simulator = Simulator::start_with(config).await.unwrap();
    let client = Client::builder(simulator.url()).build().unwrap();
    client.login(simulator.credentials()).await.unwrap();
    let mut stream = std::pin::pin!(client.job_selected_mailboxes(simulator.job_id(), 10));
    stream.try_next().await.unwrap().expect("the first mailbox");
    // Nine mailboxes of page one are still unread, and the stream is not polled.
    let waited = Instant::now();
    while simulator.count("list_job_selected_mailboxes") < 2 {
        assert!(waited.elapsed() < Duration::from_secs(10), "page two was never requested ahead");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let rest: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(rest.len(), 29);
}

#[tokio::test]
async fn faults_make_the_simulator_misbehave_on_request() {
    let (simulator, client) = started().await;
    simulator.inject(Fault::status(503).times(2).on("list_organizations"));
    for _ in 0..2 {
        let err = client.list_organizations().await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    }
    client.list_organizations().await.unwrap();

    simulator.inject(Fault::status(429).retry_after(7));
    match client.list_organizations().await.unwrap_err() {
        Error::Api { retry_after, .. } => assert_eq!(retry_after, Some(Duration::from_secs(7))),
        other => panic!("unexpected {other:?}"),
    }

    simulator.inject(Fault::malformed_body());
    assert!(matches!(client.list_organizations().await.unwrap_err(), Error::Decode { .. }));

    simulator.inject(Fault::drop_connection());
    let err = client.get_organization(simulator.organization_id()).await.unwrap_err();
    assert!(matches!(err, Error::Transport { kind: TransportKind::Connection, .. }), "{err:?}");
    assert!(simulator.requests().last().unwrap().dropped);
}

#[tokio::test]
async fn latency_delays_every_answer() {
    let (simulator, client) = started().await;
    simulator.set_latency(Duration::from_millis(200));
    let started = Instant::now();
    client.list_organizations().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn a_stalled_answer_runs_into_the_request_timeout() {
    let simulator = Simulator::start().await.unwrap();
    let client = Client::builder(simulator.url())
        .request_timeout(Duration::from_millis(300))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    client.login(simulator.credentials()).await.unwrap();
    simulator.inject(Fault::stall());
    let err = client.list_organizations().await.unwrap_err();
    assert!(matches!(err, Error::Transport { kind: TransportKind::Timeout, .. }), "{err:?}");
}
