//! Passwords, tokens and assertions never appear in `Debug`, `Display` or
//! error text of anything that holds them.
#![cfg(feature = "simulator")]

mod common;

use common::{Reply, TestServer, example_json};
use serde_json::json;
use vb365::simulator::{Simulator, SimulatorConfig};
use vb365::types::{BackupAccount, Organization, OrganizationCreate, Token, TokenRequest};
use vb365::{Client, Credentials, Secret};

const SECRETS: &[&str] =
    &["hunter2", "AT-XXXXXXXX", "RT-XXXXXXXX", "eyJ-assertion", "pw-for-exchange", "simulated-password"];

fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} shows `{secret}`: {text}");
    }
}

fn assert_prints_clean<T: std::fmt::Debug>(what: &str, value: &T) {
    assert_clean(what, &format!("{value:?}"));
    assert_clean(what, &format!("{value:#?}"));
}

#[test]
fn values_that_hold_secrets_never_print_them() {
    let secret = Secret::from("hunter2");
    assert_eq!(secret.to_string(), "[redacted]");
    assert_prints_clean("Secret", &secret);
    assert_prints_clean("password credentials", &Credentials::password("admin", "hunter2"));
    assert_prints_clean("assertion credentials", &Credentials::assertion("app", "eyJ-assertion"));
    assert_prints_clean(
        "token credentials",
        &Credentials::access_token("AT-XXXXXXXX").with_refresh_token("RT-XXXXXXXX"),
    );

    let token: Token = serde_json::from_value(example_json("create_token.response.200.constructed.json")).unwrap();
    assert_eq!(token.access_token.expose(), "AT-XXXXXXXX", "the value is there, only never printed");
    assert_prints_clean("Token", &token);

    let request: TokenRequest = serde_json::from_value(json!({
        "grant_type": "password", "username": "admin", "password": "hunter2", "refresh_token": "RT-XXXXXXXX",
        "assertion": "eyJ-assertion"
    }))
    .unwrap();
    assert_prints_clean("TokenRequest", &request);

    let account: BackupAccount =
        serde_json::from_value(json!({"groupMember": {"login": "a", "type": "User"}, "password": "hunter2"})).unwrap();
    assert_prints_clean("BackupAccount", &account);

    let settings = json!({"account": "admin@abc", "password": "pw-for-exchange"});
    let create: OrganizationCreate = serde_json::from_value(json!({
        "type": "Office365", "region": "Worldwide", "isExchangeOnline": true, "isSharePointOnline": true,
        "exchangeOnlineSettings": settings, "sharePointOnlineSettings": settings
    }))
    .unwrap();
    assert_prints_clean("OrganizationCreate", &create);
    let organization: Organization = serde_json::from_value(json!({
        "id": "7f9a9b85-50e7-4f61-8f76-6a9517b8677d", "exchangeOnlineSettings": settings
    }))
    .unwrap();
    assert_prints_clean("Organization", &organization);

    let mut config = SimulatorConfig::default();
    config.password = Secret::from("hunter2");
    config.assertion = Secret::from("eyJ-assertion");
    assert_prints_clean("SimulatorConfig", &config);
}

#[tokio::test]
async fn a_logged_in_client_and_the_simulator_never_print_secrets() {
    let simulator = Simulator::start().await.unwrap();
    let client = Client::builder(simulator.url()).build().unwrap();
    client.login(simulator.credentials()).await.unwrap();
    let accounts: Vec<BackupAccount> =
        serde_json::from_value(json!([{"groupMember": {"login": "a@b.c", "type": "User"}, "password": "hunter2"}]))
            .unwrap();
    client.set_backup_accounts(simulator.organization_id(), accounts).await.unwrap();
    assert_prints_clean("Client", &client);
    assert_prints_clean("Simulator", &simulator);
    let requests = simulator.requests();
    assert!(requests.iter().all(|r| r.authorization.is_some()
        || r.operation.as_deref().is_some_and(|o| o.starts_with("create_token"))
        || r.path.ends_with("/ServiceInstance")));
    assert_prints_clean("RecordedRequest", &requests);
    let bearer = requests.last().unwrap().authorization.as_ref().unwrap().expose().to_owned();
    assert!(!format!("{requests:?}").contains(&bearer));
}

#[tokio::test]
async fn error_messages_never_carry_secrets() {
    // A refused login.
    let simulator = Simulator::start().await.unwrap();
    let client = Client::builder(simulator.url()).build().unwrap();
    let err = client.login(Credentials::password(simulator.username(), "hunter2")).await.unwrap_err();
    assert_clean("refused login", &err.to_string());
    assert_prints_clean("refused login", &err);

    // A token response that does not decode still holds the token.
    let server =
        TestServer::start(|_| Reply::json(200, r#"{"access_token": "AT-XXXXXXXX", "expires_in": "soon"#)).await;
    let client = server.builder().build().unwrap();
    let err = client.login(Credentials::password("admin", "hunter2")).await.unwrap_err();
    assert!(matches!(err, vb365::Error::Decode { .. }), "{err:?}");
    assert_clean("undecodable token response", &err.to_string());
    assert_prints_clean("undecodable token response", &err);

    // An organization response that echoes a password and then breaks.
    let broken = r#"{"id": "7f9a9b85-50e7-4f61-8f76-6a9517b8677d", "exchangeOnlineSettings": {"password": "pw-for-exchange", "useMfa": "#;
    let server = TestServer::answering(Reply::json(200, broken)).await;
    let client = server.client().await;
    let err = client.get_organization(uuid::Uuid::nil()).await.unwrap_err();
    assert!(err.to_string().contains("[redacted]"), "{err}");
    assert_clean("undecodable organization", &err.to_string());
    assert_prints_clean("undecodable organization", &err);

    // A server URL with credentials in it.
    let err = Client::builder("https://admin:hunter2@vbo.example.com").build().unwrap_err();
    assert_clean("URL with credentials", &err.to_string());
    assert_prints_clean("URL with credentials", &err);

    // A token the server keeps refusing.
    let server = TestServer::answering(Reply::json(401, r#"{"message": "denied"}"#)).await;
    let client = server.client().await;
    let err = client.list_organizations().await.unwrap_err();
    assert!(matches!(err, vb365::Error::Auth { .. }), "{err:?}");
    assert_clean("refused token", &err.to_string());
    assert_prints_clean("refused token", &err);
}

/// The secrets of a v8 organization's app-only sign-in (the application's
/// secret, its certificate and the certificate's password) are secrets
/// because the document marks them so, never because a list names them.
#[tokio::test]
async fn a_v8_organization_s_application_secrets_never_print() {
    const APP: &[&str] = &["app-secret-XYZ", "cert-password-XYZ", "MIIcertificateXYZ"];
    let clean = |what: &str, text: &str| {
        for secret in APP {
            assert!(!text.contains(secret), "{what} shows `{secret}`: {text}");
        }
    };
    for name in ["applicationSecret", "applicationCertificatePassword", "applicationCertificate"] {
        assert!(vb365::api::SECRET_PROPERTIES.contains(&name), "{name} is a secret of the document");
    }
    let settings = json!({
        "useApplicationOnlyAuth": true, "applicationId": "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d",
        "applicationSecret": "app-secret-XYZ", "applicationCertificate": "MIIcertificateXYZ",
        "applicationCertificatePassword": "cert-password-XYZ", "applicationCertificateThumbprint": "AB12"
    });
    let organization = json!({
        "id": "7f9a9b85-50e7-4f61-8f76-6a9517b8677d", "name": "contoso", "type": "Office365",
        "exchangeOnlineSettings": settings, "sharePointOnlineSettings": settings
    });
    let v8 = |body: String| async move {
        let server = TestServer::answering(Reply::json(200, body)).await;
        let client = Client::builder(&server.url).api_versions([vb365::ApiVersion::V8]).build().unwrap();
        client.login(Credentials::password("admin", "hunter2")).await.unwrap();
        (server, client)
    };

    // Decoded, the values are there and never print.
    let (_server, client) = v8(organization.to_string()).await;
    let got = client.get_organization(uuid::Uuid::nil()).await.unwrap();
    let exchange = got.exchange_online_settings.as_ref().unwrap();
    assert_eq!(exchange.application_secret.as_ref().unwrap().expose(), "app-secret-XYZ");
    clean("v8 Organization", &format!("{got:?} {got:#?}"));

    // A body that breaks after the secrets: the error quotes neither.
    let text = organization.to_string();
    let broken = format!("{}, \"isBackedup\": ", &text[..text.len() - 1]);
    let (_server, client) = v8(broken).await;
    let err = client.get_organization(uuid::Uuid::nil()).await.unwrap_err();
    assert!(matches!(err, vb365::Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("[redacted]"), "the snippet shows where the secrets were: {err}");
    clean("undecodable v8 organization", &format!("{err} {err:?}"));

    // A secret in a shape the document does not allow: set aside, kept, never printed.
    let mut odd = organization.clone();
    odd["exchangeOnlineSettings"]["applicationSecret"] = json!({"value": "app-secret-XYZ"});
    odd["id"] = json!("not-a-uuid");
    let (_server, client) = v8(odd.to_string()).await;
    let err = client.get_organization(uuid::Uuid::nil()).await.unwrap_err();
    clean("organization with a malformed ID", &format!("{err} {err:?}"));
    let mut odd = organization.clone();
    odd["exchangeOnlineSettings"]["applicationSecret"] = json!({"value": "app-secret-XYZ"});
    let (_server, client) = v8(odd.to_string()).await;
    client.get_organization(uuid::Uuid::nil()).await.unwrap();
    let repairs = client.repairs();
    assert_eq!(repairs.len(), 1, "{repairs:?}");
    assert_eq!(repairs[0].value()["value"], "app-secret-XYZ", "the value is kept");
    clean("repair of a secret", &format!("{repairs:?} {}", repairs[0]));
}
