//! The token lifecycle against the simulator: renewal before expiry, one
//! renewal and one repeat after a 401, a single shared renewal for many
//! concurrent calls, and logging in again when the refresh grant fails.
#![cfg(feature = "simulator")]

use std::time::Duration;

use vb365::simulator::{Fault, Simulator, SimulatorConfig};

mod common;
use vb365::{Client, Credentials, Error};

async fn simulator(token_lifetime: Duration) -> Simulator {
    let mut config = SimulatorConfig::default();
    config.token_lifetime = token_lifetime;
    Simulator::start_with(config).await.unwrap()
}

async fn logged_in(simulator: &Simulator) -> Client {
    let client = Client::builder(simulator.url()).build().unwrap();
    client.login(simulator.credentials()).await.unwrap();
    client
}

/// The grant types of the token requests the simulator saw, in order.
fn grants(simulator: &Simulator) -> Vec<String> {
    simulator
        .requests()
        .into_iter()
        .filter(|r| r.operation.as_deref().is_some_and(|o| o.starts_with("create_token")))
        .map(|r| r.body.unwrap()["grant_type"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_expiring_token_is_renewed_once_before_the_call() {
    let simulator = simulator(Duration::from_secs(1)).await;
    let client = logged_in(&simulator).await;
    // Renewal is due at 90% of the lifetime; the server expires it at 100%.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.list_organizations().await.unwrap();
    assert_eq!(grants(&simulator), ["password", "refresh_token"]);
    assert_eq!(simulator.count("list_organizations"), 1, "renewed before the call, so no 401 and no repeat");
}

#[tokio::test]
async fn the_token_is_renewed_before_the_server_expires_it() {
    let lifetime = Duration::from_secs(4);
    let simulator = simulator(lifetime).await;
    let client = logged_in(&simulator).await;
    let issued = simulator.requests()[0].received;
    // The renewal is due a tenth of the lifetime early (the 60 s margin is
    // capped at that); wait until just past it.
    tokio::time::sleep(lifetime.mul_f64(0.92)).await;
    client.list_organizations().await.unwrap();
    let requests = simulator.requests();
    let renewal = requests
        .iter()
        .find(|r| r.body.as_ref().is_some_and(|b| b["grant_type"] == "refresh_token"))
        .expect("the token is renewed before the call");
    let age = renewal.received - issued;
    assert!(age < lifetime, "renewed {age:?} after it was issued, but the server expires it at {lifetime:?}");
    assert_eq!(simulator.count("list_organizations"), 1, "no 401, no repeat");
}

#[tokio::test]
async fn any_token_lifetime_logs_in() {
    for expires_in in ["9223372036854775807", "0", "-3600", "\"3600\""] {
        let body = format!(r#"{{"access_token": "AT-1", "token_type": "bearer", "expires_in": {expires_in}}}"#);
        let server = common::TestServer::start(move |request| {
            if request.is_token_request() {
                common::Reply::json(200, body.clone())
            } else {
                common::Reply::json(200, "[]")
            }
        })
        .await;
        let client = server.client().await;
        assert!(client.is_logged_in(), "{expires_in}");
        client.list_organizations().await.unwrap_or_else(|e| panic!("{expires_in}: {e}"));
    }
}

#[tokio::test]
async fn a_401_leads_to_one_renewal_and_one_repeat() {
    let simulator = simulator(Duration::from_secs(3600)).await;
    let client = logged_in(&simulator).await;
    simulator.revoke_access_tokens();
    let organizations = client.list_organizations().await.unwrap();
    assert!(!organizations.is_empty());
    assert_eq!(grants(&simulator), ["password", "refresh_token"]);
    assert_eq!(simulator.count("list_organizations"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_calls_across_an_expiry_share_one_renewal() {
    let simulator = simulator(Duration::from_secs(1)).await;
    let client = logged_in(&simulator).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.list_backup_accounts(vb365_simulator_org()).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(grants(&simulator), ["password", "refresh_token"], "exactly one token request for the expiry");
    assert_eq!(simulator.count("list_backup_accounts"), 100);
}

fn vb365_simulator_org() -> uuid::Uuid {
    "6f9b3da3-204d-4a4b-b466-55586e0233fc".parse().unwrap()
}

#[tokio::test]
async fn a_failed_refresh_falls_back_to_the_password() {
    let simulator = simulator(Duration::from_secs(3600)).await;
    let client = logged_in(&simulator).await;
    simulator.revoke_all_tokens();
    client.list_organizations().await.unwrap();
    assert_eq!(grants(&simulator), ["password", "refresh_token", "password"]);
    assert_eq!(simulator.count("list_organizations"), 2);
}

#[tokio::test]
async fn the_assertion_grant_logs_in_and_renews() {
    let simulator = simulator(Duration::from_secs(3600)).await;
    let client = Client::builder(simulator.url()).build().unwrap();
    client.login(simulator.assertion_credentials()).await.unwrap();
    simulator.revoke_all_tokens();
    client.list_organizations().await.unwrap();
    assert_eq!(
        grants(&simulator),
        ["urn:ietf:params:oauth:grant-type:jwt-bearer", "refresh_token", "urn:ietf:params:oauth:grant-type:jwt-bearer"]
    );
}

#[tokio::test]
async fn a_token_from_elsewhere_without_a_refresh_token_fails_with_an_auth_error() {
    let simulator = simulator(Duration::from_secs(3600)).await;
    let client = Client::builder(simulator.url()).build().unwrap();
    client.login(Credentials::access_token("not-a-token-the-server-issued")).await.unwrap();
    let err = client.list_organizations().await.unwrap_err();
    assert!(matches!(err, Error::Auth { operation: "list_organizations_v8", .. }), "{err:?}");
    assert!(err.to_string().contains("no refresh token or password"), "{err}");
    assert_eq!(simulator.count("list_organizations"), 1, "no repeat without a new token");
}

#[tokio::test]
async fn wrong_credentials_are_an_auth_error_naming_the_token_operation() {
    let simulator = simulator(Duration::from_secs(3600)).await;
    let client = Client::builder(simulator.url()).build().unwrap();
    let err = client.login(Credentials::password(simulator.username(), "wrong")).await.unwrap_err();
    match &err {
        Error::Auth { operation, status, .. } => {
            assert_eq!(*operation, "create_token_v8");
            assert_eq!(status.map(|s| s.as_u16()), Some(400));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(!client.is_logged_in());
}

#[tokio::test]
async fn calls_before_login_fail_without_a_request() {
    let simulator = simulator(Duration::from_secs(3600)).await;
    let client = Client::builder(simulator.url()).build().unwrap();
    let err = client.list_organizations().await.unwrap_err();
    assert!(err.to_string().contains("not logged in"), "{err}");
    assert!(simulator.requests().is_empty());
}

#[tokio::test]
async fn a_logout_during_a_renewal_leaves_the_client_logged_out() {
    let simulator = simulator(Duration::from_secs(3600)).await;
    let client = logged_in(&simulator).await;
    simulator.revoke_access_tokens();
    simulator.inject(Fault::delay(Duration::from_millis(400)).on("create_token"));
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.list_organizations().await }
    });
    // Wait until the renewal's token request has reached the server, then log out.
    while simulator.count("create_token") < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    client.logout();
    let err = call.await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Auth { .. }), "{err:?}");
    assert!(err.to_string().contains("logged out"), "{err}");
    assert!(!client.is_logged_in(), "the renewal that finished later must not log the client back in");
}

#[tokio::test]
async fn a_logout_during_a_login_leaves_the_client_logged_out() {
    let simulator = simulator(Duration::from_secs(3600)).await;
    let client = Client::builder(simulator.url()).build().unwrap();
    simulator.inject(Fault::delay(Duration::from_millis(400)).on("create_token"));
    let login = tokio::spawn({
        let (client, credentials) = (client.clone(), simulator.credentials());
        async move { client.login(credentials).await }
    });
    while simulator.count("create_token") < 1 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    client.logout();
    assert!(login.await.unwrap().is_err());
    assert!(!client.is_logged_in());
}

#[tokio::test]
async fn a_logout_during_the_version_probe_leaves_the_client_logged_out() {
    let simulator = simulator(Duration::from_secs(3600)).await;
    let client = Client::builder(simulator.url()).build().unwrap();
    simulator.inject(Fault::delay(Duration::from_millis(400)).on("get_service_instance").times(6));
    let login = tokio::spawn({
        let (client, credentials) = (client.clone(), simulator.credentials());
        async move { client.login(credentials).await }
    });
    while simulator.count("get_service_instance") < 1 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    client.logout();
    let err = login.await.unwrap().unwrap_err();
    assert!(err.to_string().contains("logged out"), "{err}");
    assert!(!client.is_logged_in(), "the login that probed on must not store its token");
}

#[tokio::test]
async fn a_logout_while_a_login_waits_for_a_renewal_leaves_the_client_logged_out() {
    let simulator = simulator(Duration::from_secs(3600)).await;
    let client = logged_in(&simulator).await;
    simulator.revoke_access_tokens();
    simulator.inject(Fault::delay(Duration::from_millis(500)).on("create_token"));
    // A call renews the token, holding the renewal lock for half a second.
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.list_organizations().await }
    });
    while simulator.count("create_token") < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // A login probes every version, then waits for that lock.
    let probes = || simulator.requests().iter().filter(|r| r.path.ends_with("/ServiceInstance")).count();
    let before = probes();
    let login = tokio::spawn({
        let (client, credentials) = (client.clone(), simulator.credentials());
        async move { client.login(credentials).await }
    });
    while probes() < before + vb365::PROBED.len() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    client.logout();
    let (call, login) = (call.await.unwrap(), login.await.unwrap());
    assert!(call.is_err(), "{call:?}");
    assert!(login.unwrap_err().to_string().contains("logged out"));
    assert!(!client.is_logged_in(), "neither the renewal nor the waiting login may log the client back in");
}

#[tokio::test]
async fn logout_forgets_the_token() {
    let simulator = simulator(Duration::from_secs(3600)).await;
    let client = logged_in(&simulator).await;
    assert!(client.is_logged_in());
    client.logout();
    assert!(!client.is_logged_in());
    assert!(client.list_organizations().await.is_err());
}
