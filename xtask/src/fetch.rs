//! Fetching a server's published document, with the TLS options the client
//! has: trust a PEM certificate (`--ca-cert`), or accept any (`--insecure`).

use std::time::Duration;

/// How to reach the server.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// PEM certificates to trust besides the system's.
    pub ca_cert: Option<Vec<u8>>,
    /// Accept any certificate.
    pub insecure: bool,
}

/// GETs `url` and returns the body; the error says what went wrong.
pub fn fetch(url: &str, tls: &TlsOptions) -> Result<String, String> {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    let mut certificates = Vec::new();
    if let Some(pem) = &tls.ca_cert {
        certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| format!("--ca-cert: {e}"))?;
        if certificates.is_empty() {
            return Err(String::from("--ca-cert: no PEM certificate (-----BEGIN CERTIFICATE-----) in the file"));
        }
    }
    let client = reqwest::Client::builder()
        .user_agent(concat!("vb365-xtask/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .tls_certs_merge(certificates)
        .tls_danger_accept_invalid_certs(tls.insecure)
        .build()
        .map_err(|e| format!("cannot set up TLS: {e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    runtime.block_on(async {
        let response = client.get(url).send().await.map_err(|e| format!("{url}: {}", root_cause(&e)))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("{url}: the server answered {status}"));
        }
        response.text().await.map_err(|e| format!("{url}: {}", root_cause(&e)))
    })
}

fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut last = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        last = e.to_string();
        source = e.source();
    }
    last
}
