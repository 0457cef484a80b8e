//! Retries and timeouts against the simulator's faults: transient failures
//! are retried until success, operations that must not run twice are not,
//! `Retry-After` is waited out, and a stalled server times out.
#![cfg(feature = "simulator")]

use std::time::{Duration, Instant};

use vb365::simulator::{Fault, Simulator};
use vb365::types::{ExploreOptions, OrganizationCreate, RestoreSessionType};
use vb365::{Client, Error, RetryConfig, TransportKind};

/// Short waits keep the tests quick; the policy is the same.
fn quick() -> RetryConfig {
    RetryConfig::default().with_backoff(Duration::from_millis(20), Duration::from_secs(5))
}

async fn started(retry: RetryConfig) -> (Simulator, Client) {
    let simulator = Simulator::start().await.unwrap();
    let client =
        Client::builder(simulator.url()).retry(retry).request_timeout(Duration::from_millis(500)).build().unwrap();
    client.login(simulator.credentials()).await.unwrap();
    (simulator, client)
}

#[tokio::test]
async fn transient_failures_then_success_take_exactly_n_plus_one_requests() {
    for (fault, n) in [
        (Fault::status(503), 2),
        (Fault::status(502), 1),
        (Fault::status(504), 2),
        (Fault::status(429), 1),
        (Fault::drop_connection(), 2),
        (Fault::stall(), 1),
    ] {
        let (simulator, client) = started(quick()).await;
        simulator.inject(fault.clone().times(n).on("list_organizations"));
        let organizations = client.list_organizations().await.unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        assert!(!organizations.is_empty());
        assert_eq!(simulator.count("list_organizations"), n + 1, "{fault:?}");
    }
}

#[tokio::test]
async fn put_and_the_token_request_are_retried_too() {
    let (simulator, client) = started(quick()).await;
    simulator.inject(Fault::status(503).times(2).on("set_backup_accounts"));
    client.set_backup_accounts(simulator.organization_id(), vec![]).await.unwrap();
    assert_eq!(simulator.count("set_backup_accounts"), 3);

    simulator.inject(Fault::drop_connection().times(2).on("create_token"));
    client.login(simulator.credentials()).await.unwrap();
    assert_eq!(simulator.count("create_token"), 1 + 3);
}

#[tokio::test]
async fn retries_stop_after_the_configured_attempts() {
    let (simulator, client) = started(quick().with_max_attempts(4)).await;
    simulator.inject(Fault::status(503).times(10).on("list_organizations"));
    let err = client.list_organizations().await.unwrap_err();
    assert_eq!(simulator.count("list_organizations"), 4);
    assert_eq!(err.attempts(), 4);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(err.to_string().ends_with("(after 4 attempts)"), "{err}");
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let (simulator, client) = started(RetryConfig::disabled()).await;
    simulator.inject(Fault::status(503).on("list_organizations"));
    assert!(client.list_organizations().await.is_err());
    assert_eq!(simulator.count("list_organizations"), 1);
}

#[tokio::test]
async fn errors_that_do_not_go_away_are_not_retried() {
    let (simulator, client) = started(quick()).await;
    for status in [400, 403, 404, 500] {
        simulator.clear_requests();
        simulator.inject(Fault::status(status).on("list_organizations"));
        let err = client.list_organizations().await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(simulator.count("list_organizations"), 1, "{status}");
    }
}

fn organization() -> OrganizationCreate {
    serde_json::from_value(serde_json::json!({
        "type": "Office365", "region": "Worldwide", "isExchangeOnline": true, "isSharePointOnline": false,
        "exchangeOnlineSettings": {"account": "admin@retry.onmicrosoft.com", "password": "pw"}
    }))
    .unwrap()
}

#[tokio::test]
async fn a_503_on_adding_an_organization_fails_after_exactly_one_request() {
    let (simulator, client) = started(quick()).await;
    simulator.inject(Fault::status(503).on("add_organization"));
    let err = client.add_organization(organization()).await.unwrap_err();
    assert_eq!(simulator.count("add_organization"), 1);
    assert!(matches!(err, Error::Api { not_repeated: true, .. }), "{err:?}");
    assert!(err.to_string().contains("the request may have reached the server"), "{err}");
}

#[tokio::test]
async fn a_dropped_connection_on_starting_a_restore_session_is_not_repeated() {
    let (simulator, client) = started(quick()).await;
    simulator.inject(Fault::drop_connection().on("explore_tenant_organization"));
    let options = ExploreOptions {
        date_time: "2022-01-22T14:56:55.862Z".parse().unwrap(),
        type_: RestoreSessionType::Vex,
        show_deleted: None,
        show_all_versions: None,
    };
    let err = client.start_restore_session(options).await.unwrap_err();
    assert_eq!(simulator.count("explore_tenant_organization"), 1);
    assert!(err.may_have_reached_server());
    assert!(matches!(err, Error::Transport { not_repeated: true, .. }), "{err:?}");
    assert!(err.to_string().contains("may have reached the server"), "{err}");
}

#[tokio::test]
async fn a_429_with_retry_after_waits_at_least_that_long() {
    let (simulator, client) = started(quick()).await;
    simulator.inject(Fault::status(429).retry_after(1).on("list_organizations"));
    let started = Instant::now();
    client.list_organizations().await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "{:?}", started.elapsed());
    assert_eq!(simulator.count("list_organizations"), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_returned_instead_of_waited_out() {
    let retry = RetryConfig::default().with_backoff(Duration::from_millis(20), Duration::from_secs(2));
    let (simulator, client) = started(retry).await;
    simulator.inject(Fault::status(503).retry_after(120).on("list_organizations"));
    let started = Instant::now();
    let err = client.list_organizations().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(matches!(err, Error::Api { retry_after: Some(d), .. } if d == Duration::from_secs(120)), "{err:?}");
}

#[tokio::test]
async fn a_stalled_server_times_out_within_the_set_time_and_a_margin() {
    let (simulator, client) = started(RetryConfig::disabled()).await;
    simulator.inject(Fault::stall());
    let started = Instant::now();
    let err = client.list_organizations().await.unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, Error::Transport { kind: TransportKind::Timeout, .. }), "{err:?}");
    assert!(took >= Duration::from_millis(500) && took < Duration::from_millis(1500), "{took:?}");
}

#[tokio::test]
async fn each_retry_gets_the_full_timeout_again() {
    let (simulator, client) = started(quick()).await;
    simulator.inject(Fault::stall().times(3).on("list_organizations"));
    let started = Instant::now();
    let err = client.list_organizations().await.unwrap_err();
    assert!(matches!(err, Error::Transport { kind: TransportKind::Timeout, attempts: 3, .. }), "{err:?}");
    assert!(started.elapsed() >= Duration::from_millis(1500), "three attempts of 500 ms each");
    assert_eq!(simulator.count("list_organizations"), 3);
}

/// A 401 means the server refused the token and did nothing, so even the
/// operations that are never repeated after other failures are repeated
/// once with a renewed token, and act exactly once.
#[tokio::test]
async fn a_401_on_an_operation_that_is_never_retried_is_renewed_and_repeated_once() {
    let (simulator, client) = started(quick()).await;
    let before = client.list_organizations().await.unwrap().len();
    simulator.revoke_access_tokens();
    client.add_organization(organization()).await.unwrap();
    assert_eq!(simulator.count("add_organization"), 2, "refused once (401), then done once");
    assert_eq!(client.list_organizations().await.unwrap().len(), before + 1, "added exactly once");

    simulator.revoke_access_tokens();
    let options = ExploreOptions {
        date_time: "2022-01-22T14:56:55.862Z".parse().unwrap(),
        type_: RestoreSessionType::Vex,
        show_deleted: None,
        show_all_versions: None,
    };
    client.start_restore_session(options).await.unwrap();
    assert_eq!(simulator.count("explore_tenant_organization"), 2);
}
