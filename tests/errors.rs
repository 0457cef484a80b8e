//! Every kind of refusal gives the right `Error`: statuses 400, 401, 403,
//! 404 and 500, each with a JSON, HTML, empty and truncated body; and
//! success bodies that do not decode.
#![cfg(feature = "simulator")]

mod common;

use common::{Reply, TestServer};
use uuid::Uuid;
use vb365::Error;

const ORGANIZATION: Uuid = Uuid::from_u128(0x6f9b3da3_204d_4a4b_b466_55586e0233fc);

#[derive(Debug, Clone, Copy)]
enum Body {
    Json,
    Html,
    Empty,
    Truncated,
}

fn reply(status: u16, body: Body) -> Reply {
    match body {
        Body::Json => Reply::json(status, format!(r#"{{"message": "Refused with {status}."}}"#)),
        Body::Html => {
            Reply::html(status, "<html><head><title>Bad Gateway</title></head><body>proxy says no</body></html>")
        }
        Body::Empty => Reply::empty(status),
        Body::Truncated => Reply::json(status, r#"{"message": "Refused wi"#),
    }
}

/// What the error message carries for each kind of body.
fn expected_message(status: u16, body: Body) -> &'static str {
    match body {
        Body::Json if status == 401 => "Refused with 401.",
        Body::Json => match status {
            400 => "Refused with 400.",
            403 => "Refused with 403.",
            404 => "Refused with 404.",
            _ => "Refused with 500.",
        },
        Body::Html => "<html><head><title>Bad Gateway</title></head><body>proxy says no</body></html>",
        Body::Empty => "(empty body)",
        Body::Truncated => r#"{"message": "Refused wi"#,
    }
}

#[tokio::test]
async fn every_status_and_body_gives_the_right_error() {
    for status in [400u16, 401, 403, 404, 500] {
        for body in [Body::Json, Body::Html, Body::Empty, Body::Truncated] {
            let server = TestServer::answering(reply(status, body)).await;
            let client = server.client().await;
            let err = client.list_backup_accounts(ORGANIZATION).await.unwrap_err();
            let text = err.to_string();
            assert!(text.starts_with("list_backup_accounts: "), "{status} {body:?}: {text}");
            assert!(text.contains(expected_message(status, body)), "{status} {body:?}: {text}");
            assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{status} {body:?}");
            match (status, &err) {
                (401, Error::Auth { .. }) => {
                    // One renewal and one repeat, then the refusal stands.
                    assert_eq!(server.calls().len(), 2, "{body:?}");
                }
                (401, other) => panic!("401 {body:?}: {other:?}"),
                (_, Error::Api { message, .. }) => {
                    assert_eq!(message, expected_message(status, body));
                    assert_eq!(server.calls().len(), 1, "{status} {body:?}: not repeated");
                }
                (_, other) => panic!("{status} {body:?}: {other:?}"),
            }
        }
    }
}

#[tokio::test]
async fn a_truncated_success_body_is_a_decode_error() {
    let server = TestServer::answering(Reply::json(200, r#"[{"groupMember": {"login": "a""#)).await;
    let client = server.client().await;
    let err = client.list_backup_accounts(ORGANIZATION).await.unwrap_err();
    match &err {
        Error::Decode { operation, path, message, snippet } => {
            assert_eq!(*operation, "list_backup_accounts");
            assert_eq!(path, "");
            assert!(message.contains("EOF"), "{message}");
            assert!(snippet.starts_with(r#"[{"groupMember""#), "{snippet}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn a_wrong_type_in_a_required_field_is_a_decode_error_with_its_path() {
    let server =
        TestServer::answering(Reply::json(200, r#"[{"groupMember": {"login": ["a"], "type": "User"}}]"#)).await;
    let client = server.client().await;
    let err = client.list_backup_accounts(ORGANIZATION).await.unwrap_err();
    assert!(matches!(&err, Error::Decode { path, .. } if path == "/0/groupMember/login"), "{err:?}");
    assert!(err.to_string().contains("at /0/groupMember/login"), "{err}");
}

#[tokio::test]
async fn a_status_the_document_does_not_list_is_a_refusal() {
    let server = TestServer::answering(Reply::html(302, "moved")).await;
    let client = server.client().await;
    let err = client.list_backup_accounts(ORGANIZATION).await.unwrap_err();
    assert!(matches!(&err, Error::Api { status, .. } if status.as_u16() == 302), "{err:?}");
}

#[tokio::test]
async fn a_server_that_is_not_there_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = vb365::Client::builder(url).build().unwrap();
    let err = client.login(vb365::Credentials::password("a", "b")).await.unwrap_err();
    match &err {
        Error::Transport { operation, kind, may_have_reached_server, .. } => {
            // A login first asks which API versions the server serves.
            assert_eq!(*operation, "get_service_instance");
            assert_eq!(*kind, vb365::TransportKind::Connect);
            assert!(!may_have_reached_server);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn invalid_input_is_refused_before_anything_is_sent() {
    let server = TestServer::answering(Reply::json(200, "[]")).await;
    let client = server.client().await;
    let err = client.list_job_selected_mailboxes(Uuid::nil(), vb365::PageRequest::first(10_001)).await.unwrap_err();
    assert_eq!(err.to_string(), "list_job_selected_mailboxes: invalid input: `limit` must be 1 to 10000, not 10001");
    let account = serde_json::from_value(serde_json::json!({"groupMember": {"login": " ", "type": "User"}})).unwrap();
    let err = client.set_backup_accounts(ORGANIZATION, vec![account]).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert!(server.calls().is_empty());
}

/// Each input check of the facade, through its public method: refused with
/// the field named, and nothing sent.
#[tokio::test]
async fn every_input_check_refuses_before_sending() {
    let server = TestServer::answering(Reply::json(200, "{}")).await;
    let client = server.client().await;
    let sent_before = server.captured().len();

    let organization = |patch: serde_json::Value| {
        let mut body = serde_json::json!({
            "type": "Office365", "region": "Worldwide", "isExchangeOnline": true, "isSharePointOnline": false,
            "isTeamsChatsOnline": false,
            "exchangeOnlineSettings": {"account": "admin@abc.onmicrosoft.com", "password": "pw"}
        });
        body.as_object_mut().unwrap().extend(patch.as_object().unwrap().clone());
        serde_json::from_value::<vb365::types::OrganizationCreate>(body).unwrap()
    };
    let refused = [
        (
            client.add_organization(organization(serde_json::json!({"isTeamsChatsOnline": true}))).await,
            "isTeamsChatsOnline",
        ),
        (
            client.add_organization(organization(serde_json::json!({"isSharePointOnline": true}))).await,
            "sharePointOnlineSettings",
        ),
        (
            client
                .add_organization(organization(serde_json::json!({"exchangeOnlineSettings": {"account": "a@b.c"}})))
                .await,
            "exchangeOnlineSettings.password",
        ),
    ];
    for (result, field) in refused {
        match result {
            Err(Error::InvalidInput { operation: "add_organization", field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }

    let account = |login: &str| {
        serde_json::from_value::<vb365::types::BackupAccount>(
            serde_json::json!({"groupMember": {"login": login, "type": "User"}}),
        )
        .unwrap()
    };
    let twice = vec![account("a@contoso.com"), account("b@contoso.com"), account("A@Contoso.com")];
    let err = client.set_backup_accounts(ORGANIZATION, twice).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { field, problem, .. } if field == "[2].groupMember.login" && problem.contains("twice")),
        "{err:?}"
    );

    for credentials in [
        vb365::Credentials::password("admin", ""),
        vb365::Credentials::password(" ", "pw"),
        vb365::Credentials::assertion("app", ""),
        vb365::Credentials::access_token(""),
    ] {
        let err = client.login(credentials).await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput { operation: "create_token", .. }), "{err:?}");
    }
    assert!(client.is_logged_in(), "a refused login keeps the earlier one");
    assert_eq!(server.captured().len(), sent_before, "nothing reached the server");
}

#[test]
fn bad_configuration_is_an_error_not_a_panic() {
    for (builder, needle) in [
        (vb365::Client::builder("ftp://vbo"), "https://"),
        (vb365::Client::builder("https://vbo").add_root_certificate("not a certificate"), "PEM"),
        (vb365::Client::builder("https://vbo").request_timeout(std::time::Duration::ZERO), "longer than zero"),
    ] {
        let err = builder.build().unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        assert!(err.to_string().contains(needle), "{err}");
    }
}

#[tokio::test]
async fn a_401_from_the_token_endpoint_says_the_credentials_were_refused() {
    let server = TestServer::start(|_| Reply::json(401, r#"{"message": "Invalid user name or password."}"#)).await;
    let client = server.builder().build().unwrap();
    let err = client.login(vb365::Credentials::password("admin", "wrong")).await.unwrap_err();
    assert!(matches!(err, Error::Auth { operation: "create_token", .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "create_token: authentication failed (401 Unauthorized): Invalid user name or password."
    );
    assert_eq!(server.captured().len(), 1, "a refused login is not repeated");
}
