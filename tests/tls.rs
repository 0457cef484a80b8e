//! TLS against a loopback server with a self-signed certificate made here:
//! the default client refuses it, a client trusting that certificate
//! connects, and so does a client that accepts any certificate.
#![cfg(feature = "simulator")]

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::{self, pki_types::PrivateKeyDer};
use vb365::{Client, Credentials, Error, TransportKind};

const TOKEN: &str = r#"{"access_token": "AT-TLS", "token_type": "bearer", "expires_in": 3600}"#;

/// Serves `TOKEN` over TLS with a fresh self-signed certificate for
/// 127.0.0.1; returns the URL and the certificate's PEM.
async fn self_signed_server() -> (String, String) {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()]).unwrap();
    let pem = certified.cert.pem();
    let key = PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else { return };
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{TOKEN}",
                    TOKEN.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (url, pem)
}

async fn login(client: &Client) -> Result<(), Error> {
    client.login(Credentials::password("administrator", "secret")).await
}

#[tokio::test]
async fn the_default_client_refuses_a_self_signed_certificate() {
    let (url, _) = self_signed_server().await;
    let client = Client::builder(url).api_versions([vb365::ApiVersion::V6]).build().unwrap();
    let err = login(&client).await.unwrap_err();
    match &err {
        Error::Transport { kind, may_have_reached_server, .. } => {
            assert_eq!(*kind, TransportKind::Tls, "{err}");
            assert!(!may_have_reached_server);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().starts_with("create_token: TLS error: "), "{err}");
}

#[tokio::test]
async fn a_client_trusting_the_certificate_connects() {
    let (url, pem) = self_signed_server().await;
    let client = Client::builder(url).api_versions([vb365::ApiVersion::V6]).add_root_certificate(pem).build().unwrap();
    login(&client).await.unwrap();
    assert!(client.is_logged_in());
}

#[tokio::test]
async fn a_client_accepting_any_certificate_connects() {
    let (url, _) = self_signed_server().await;
    let client =
        Client::builder(url).api_versions([vb365::ApiVersion::V6]).danger_accept_invalid_certs(true).build().unwrap();
    login(&client).await.unwrap();
}

#[tokio::test]
async fn trusting_another_certificate_does_not_help() {
    let (url, _) = self_signed_server().await;
    let (_, other) = self_signed_server().await;
    let client =
        Client::builder(url).api_versions([vb365::ApiVersion::V6]).add_root_certificate(other).build().unwrap();
    let err = login(&client).await.unwrap_err();
    assert!(matches!(err, Error::Transport { kind: TransportKind::Tls, .. }), "{err:?}");
}
