//! A response body larger than the configured limit is refused with a clear
//! error, whether or not the server announces its length.
#![cfg(feature = "simulator")]

mod common;

use axum::body::Body;
use common::{Reply, TestServer};
use futures::stream;
use vb365::{Client, Credentials, Error};

fn accounts(count: usize) -> Vec<u8> {
    let account = r#"{"groupMember": {"login": "account@office365.onmicrosoft.com", "type": "User", "isCloud": true}}"#;
    format!("[{}]", vec![account; count].join(",")).into_bytes()
}

async fn client(url: &str, limit: usize) -> Client {
    let client = Client::builder(url).api_versions([vb365::ApiVersion::V6]).max_response_bytes(limit).build().unwrap();
    client.login(Credentials::password("administrator", "XXXXXXXX")).await.unwrap();
    client
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let body = accounts(20_000);
    assert!(body.len() > 1 << 20);
    let server = TestServer::answering(Reply::json(200, body)).await;
    let err = client(&server.url, 1 << 20).await.list_backup_accounts(uuid::Uuid::nil()).await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { operation: "list_backup_accounts", limit: 1_048_576 }), "{err:?}");
    assert!(err.to_string().contains("exceeds the 1048576-byte limit"), "{err}");
}

#[tokio::test]
async fn a_body_under_the_limit_is_read() {
    let server = TestServer::answering(Reply::json(200, accounts(100))).await;
    let accounts = client(&server.url, 1 << 20).await.list_backup_accounts(uuid::Uuid::nil()).await.unwrap();
    assert_eq!(accounts.len(), 100);
}

#[tokio::test]
async fn a_streamed_body_without_a_length_is_cut_off_at_the_limit() {
    // 64 chunks of 64 KiB without Content-Length: 4 MiB in all.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let router = axum::Router::new().fallback(|request: axum::extract::Request| async move {
        if request.uri().path() == "/v6/token" {
            return axum::response::Response::new(Body::from(common::example_text(
                "create_token.response.200.constructed.json",
            )));
        }
        let chunk = vec![b' '; 64 * 1024];
        let chunks = stream::iter((0..64).map(move |_| Ok::<_, std::io::Error>(chunk.clone())));
        axum::response::Response::new(Body::from_stream(chunks))
    });
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let err = client(&url, 1 << 20).await.list_organizations().await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
}
