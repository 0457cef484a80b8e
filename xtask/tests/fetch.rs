//! `cargo xtask drift --against https://...` fetches with the client's TLS
//! options, against a server with a self-signed certificate made here and
//! started on 127.0.0.1: refused by default, fetched with `--ca-cert` or
//! `--insecure`.

use std::process::Command;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::{self, pki_types::PrivateKeyDer};
use xtask::fetch::{TlsOptions, fetch};

const DOCUMENT: &str = r#"{"openapi": "3.0.1", "info": {"title": "t", "version": "v6"},
  "paths": {"/v6/ServiceInstance": {"get": {"operationId": "ServiceInstance_Get", "responses": {"200": {"description": "ok"}}}}}}"#;

/// Serves `DOCUMENT` over TLS on a thread of its own; returns the URL and
/// the certificate's PEM.
fn self_signed_server() -> (String, String) {
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
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("https://{}/swagger/docs/v6", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        runtime.block_on(async move {
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
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{DOCUMENT}",
                        DOCUMENT.len()
                    );
                    let _ = tls.write_all(response.as_bytes()).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
    });
    (url, pem)
}

#[test]
fn a_self_signed_server_is_refused_unless_trusted_or_insecure() {
    let (url, pem) = self_signed_server();
    let err = fetch(&url, &TlsOptions::default()).unwrap_err();
    assert!(err.to_lowercase().contains("certificate"), "{err}");
    let trusted = TlsOptions { ca_cert: Some(pem.into_bytes()), insecure: false };
    assert_eq!(fetch(&url, &trusted).unwrap(), DOCUMENT);
    let insecure = TlsOptions { ca_cert: None, insecure: true };
    assert_eq!(fetch(&url, &insecure).unwrap(), DOCUMENT);
    let (_, other) = self_signed_server();
    let wrong = TlsOptions { ca_cert: Some(other.into_bytes()), insecure: false };
    assert!(fetch(&url, &wrong).is_err(), "trusting another certificate does not help");
}

#[test]
fn drift_against_a_url_compares_what_it_fetched() {
    let (url, pem) = self_signed_server();
    let dir = std::env::temp_dir().join(format!("vb365-drift-fetch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("server.pem");
    std::fs::write(&ca, pem).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["drift", "--against", &url, "--json", "--ca-cert"])
        .arg(&ca)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    assert_eq!(report["against"], url.as_str());
    assert_eq!(report["version"], 6);
    // The fetched document describes only ServiceInstance: every other operation is not served.
    assert!(report["unknown"].as_u64().unwrap() > 0);
    assert_eq!(output.status.code(), Some(1), "unknown differences fail");
    let refused = Command::new(env!("CARGO_BIN_EXE_xtask")).args(["drift", "--against", &url]).output().unwrap();
    assert_eq!(refused.status.code(), Some(2), "an untrusted certificate is an error, not a report");
    let _ = std::fs::remove_dir_all(&dir);
}
