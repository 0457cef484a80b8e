//! The exporter's web configuration (`--web.config.file`), in the format of
//! Prometheus's exporter-toolkit, so that the file an administrator keeps
//! for node_exporter works here too:
//!
//! ```yaml
//! tls_server_config:
//!   cert_file: /etc/vb365/exporter.crt     # paths are relative to this file
//!   key_file: /etc/vb365/exporter.key
//!   # client_auth_type: RequireAndVerifyClientCert
//!   # client_ca_file: /etc/vb365/clients.pem
//!   # min_version: TLS13
//! basic_auth_users:
//!   prometheus: $2y$10$...                 # a bcrypt hash (htpasswd -nBC 10 "" | tr -d ':\n')
//! ```
//!
//! Errors name the file, the line and the key; a file with any error keeps
//! the exporter from starting (or, on a reload, keeps the old one).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde::Deserialize;

/// TLS and the users allowed in, as read from the file.
#[derive(Clone)]
pub struct WebConfig {
    /// `None`: plain HTTP.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// User name to bcrypt hash; empty: no authentication.
    users: BTreeMap<String, String>,
    /// Passwords already checked against their hash (bcrypt is slow by
    /// design; Prometheus sends the same password every scrape), by a
    /// SHA-256 of the user, the password and the hash.
    verified: Arc<Mutex<std::collections::HashSet<[u8; 32]>>>,
}

impl std::fmt::Debug for WebConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebConfig")
            .field("tls", &self.tls.is_some())
            .field("users", &self.users.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl WebConfig {
    /// Plain HTTP, no authentication: without `--web.config.file`.
    pub fn open() -> Self {
        Self { tls: None, users: BTreeMap::new(), verified: Arc::default() }
    }

    /// Whether a request with this `Authorization` header may pass.
    pub fn allows(&self, authorization: Option<&str>) -> bool {
        if self.users.is_empty() {
            return true;
        }
        let Some((user, password)) = authorization.and_then(basic) else { return false };
        let Some(hash) = self.users.get(&user) else { return false };
        let key = fingerprint(&[user.as_bytes(), password.as_bytes(), hash.as_bytes()]);
        let mut verified = self.verified.lock().unwrap_or_else(|p| p.into_inner());
        if verified.contains(&key) {
            return true;
        }
        drop(verified);
        if !bcrypt::verify(&password, hash).unwrap_or(false) {
            return false;
        }
        verified = self.verified.lock().unwrap_or_else(|p| p.into_inner());
        // Bounded: a cache is no place to grow without end.
        if verified.len() >= 1_024 {
            verified.clear();
        }
        verified.insert(key);
        true
    }
}

/// The user and password of `Basic base64(user:password)`.
fn basic(header: &str) -> Option<(String, String)> {
    let encoded = header.strip_prefix("Basic ").or_else(|| header.strip_prefix("basic "))?;
    let decoded = base64_decode(encoded.trim())?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// Standard base64 with padding, as HTTP basic authentication writes it.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for chunk in bytes.chunks(4) {
        let pad = chunk.iter().rev().take_while(|c| **c == b'=').count();
        if pad > 2 || chunk[..4 - pad].contains(&b'=') {
            return None;
        }
        let mut n: u32 = 0;
        for c in &chunk[..4 - pad] {
            n = (n << 6) | u32::from(value(*c)?);
        }
        n <<= 6 * pad as u32;
        let three = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&three[..3 - pad]);
    }
    Some(out)
}

fn fingerprint(parts: &[&[u8]]) -> [u8; 32] {
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    for part in parts {
        context.update(&(part.len() as u64).to_be_bytes());
        context.update(part);
    }
    let mut out = [0; 32];
    out.copy_from_slice(context.finish().as_ref());
    out
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    tls_server_config: Option<TlsSection>,
    basic_auth_users: Option<BTreeMap<String, String>>,
    /// exporter-toolkit's HTTP settings (`http2`, `headers`): read and not
    /// used, so that a shared file is accepted.
    #[serde(rename = "http_server_config")]
    _http_server_config: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TlsSection {
    cert_file: Option<PathBuf>,
    key_file: Option<PathBuf>,
    cert: Option<String>,
    key: Option<String>,
    client_auth_type: Option<String>,
    client_ca_file: Option<PathBuf>,
    min_version: Option<String>,
    max_version: Option<String>,
}

/// Reads and checks the web configuration at `path`.
pub fn load(path: &Path) -> Result<WebConfig, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the web configuration: {e}", path.display()))?;
    parse(path, &text)
}

/// Checks the text of a web configuration named `path`.
pub fn parse(path: &Path, text: &str) -> Result<WebConfig, String> {
    let (value, lines) = vb365_yaml::parse_with_lines(text).map_err(|e| format!("{}: {e}", path.display()))?;
    let at = |pointer: &str, problem: &str| {
        let key = pointer.trim_start_matches('/').replace('/', ".");
        match lines.line(pointer) {
            Some(line) => format!("{}:{line}: {key}: {problem}", path.display()),
            None => format!("{}: {key}: {problem}", path.display()),
        }
    };
    let value = if value.is_null() { serde_json::json!({}) } else { value };
    let file: File = serde_path_to_error::deserialize(value).map_err(|e| {
        let pointer: String = e.path().iter().map(|segment| format!("/{segment}")).collect();
        at(&pointer, &e.inner().to_string())
    })?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let tls = match &file.tls_server_config {
        Some(section) => Some(Arc::new(tls(section, dir, &at)?)),
        None => None,
    };
    let users = file.basic_auth_users.unwrap_or_default();
    for (user, hash) in &users {
        if !(hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$")) {
            let pointer = format!("/basic_auth_users/{user}");
            return Err(at(&pointer, "is not a bcrypt hash ($2y$...); make one with htpasswd -nBC 10"));
        }
        if user.contains(':') {
            return Err(at(&format!("/basic_auth_users/{user}"), "a user name cannot hold `:`"));
        }
    }
    Ok(WebConfig { tls, users, verified: Arc::default() })
}

fn tls(section: &TlsSection, dir: &Path, at: &dyn Fn(&str, &str) -> String) -> Result<rustls::ServerConfig, String> {
    let read = |file: &Path, key: &str| {
        std::fs::read(dir.join(file))
            .map_err(|e| at(&format!("/tls_server_config/{key}"), &format!("cannot read {}: {e}", file.display())))
    };
    let certs_pem = match (&section.cert_file, &section.cert) {
        (Some(file), None) => read(file, "cert_file")?,
        (None, Some(inline)) => inline.as_bytes().to_vec(),
        _ => return Err(at("/tls_server_config", "give cert_file or cert, one of them")),
    };
    let key_pem = match (&section.key_file, &section.key) {
        (Some(file), None) => read(file, "key_file")?,
        (None, Some(inline)) => inline.as_bytes().to_vec(),
        _ => return Err(at("/tls_server_config", "give key_file or key, one of them")),
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&certs_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| at("/tls_server_config/cert_file", &format!("is not PEM: {e}")))?;
    if certs.is_empty() {
        return Err(at("/tls_server_config/cert_file", "holds no certificate"));
    }
    let key = PrivateKeyDer::from_pem_slice(&key_pem)
        .map_err(|e| at("/tls_server_config/key_file", &format!("holds no private key: {e}")))?;
    let version = |name: &str, key: &str| match name {
        "TLS12" => Ok(&rustls::version::TLS12),
        "TLS13" => Ok(&rustls::version::TLS13),
        other => Err(at(&format!("/tls_server_config/{key}"), &format!("`{other}` is not TLS12 or TLS13"))),
    };
    let all = [&rustls::version::TLS12, &rustls::version::TLS13];
    let least = section.min_version.as_deref().map(|v| version(v, "min_version")).transpose()?;
    let most = section.max_version.as_deref().map(|v| version(v, "max_version")).transpose()?;
    let position = |v: &&rustls::SupportedProtocolVersion| all.iter().position(|a| a.version == v.version);
    let (from, to) = (least.as_ref().and_then(position).unwrap_or(0), most.as_ref().and_then(position).unwrap_or(1));
    if from > to {
        return Err(at("/tls_server_config/min_version", "is above max_version"));
    }
    let versions: Vec<&'static rustls::SupportedProtocolVersion> = all[from..=to].to_vec();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_protocol_versions(&versions)
        .map_err(|e| at("/tls_server_config", &e.to_string()))?;
    let builder = match section.client_auth_type.as_deref().unwrap_or("NoClientCert") {
        "NoClientCert" => builder.with_no_client_auth(),
        kind @ ("RequireAndVerifyClientCert" | "VerifyClientCertIfGiven") => {
            let Some(file) = &section.client_ca_file else {
                return Err(at("/tls_server_config/client_auth_type", &format!("{kind} needs client_ca_file")));
            };
            let pem = read(file, "client_ca_file")?;
            let mut roots = rustls::RootCertStore::empty();
            for cert in CertificateDer::pem_slice_iter(&pem) {
                let cert = cert.map_err(|e| at("/tls_server_config/client_ca_file", &format!("is not PEM: {e}")))?;
                roots.add(cert).map_err(|e| at("/tls_server_config/client_ca_file", &e.to_string()))?;
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
            let verifier = if kind == "VerifyClientCertIfGiven" { verifier.allow_unauthenticated() } else { verifier };
            let verifier = verifier.build().map_err(|e| at("/tls_server_config/client_ca_file", &e.to_string()))?;
            builder.with_client_cert_verifier(verifier)
        }
        other => {
            let why = format!(
                "`{other}` is not one vb365 supports: NoClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert"
            );
            return Err(at("/tls_server_config/client_auth_type", &why));
        }
    };
    let mut config = builder
        .with_single_cert(certs, key)
        .map_err(|e| at("/tls_server_config/key_file", &format!("does not go with the certificate: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_authentication_is_read_and_checked() {
        assert_eq!(base64_decode("YWxpY2U6czNjcjN0"), Some(b"alice:s3cr3t".to_vec()));
        assert_eq!(base64_decode("YQ=="), Some(b"a".to_vec()));
        assert_eq!(base64_decode("YWI="), Some(b"ab".to_vec()));
        assert_eq!(base64_decode("Y=Q="), None);
        assert_eq!(base64_decode("abc"), None);
        assert_eq!(basic("Basic YWxpY2U6czNjcjN0"), Some((String::from("alice"), String::from("s3cr3t"))));
        let hash = bcrypt::hash("s3cr3t", 4).unwrap();
        let config = parse(Path::new("web.yml"), &format!("basic_auth_users:\n  alice: '{hash}'\n")).unwrap();
        assert!(config.allows(Some("Basic YWxpY2U6czNjcjN0")));
        assert!(config.allows(Some("Basic YWxpY2U6czNjcjN0")), "the second time from the cache");
        assert!(!config.allows(Some("Basic YWxpY2U6d3Jvbmc=")), "alice:wrong");
        assert!(!config.allows(None));
        assert!(WebConfig::open().allows(None));
    }

    #[test]
    fn errors_name_the_file_the_line_and_the_key() {
        let cases = [
            ("basic_auth_users:\n  alice: plain\n", "web.yml:2: basic_auth_users.alice: is not a bcrypt hash"),
            (
                "tls_server_config:\n  cert_file: /no/such.crt\n  key_file: /no/such.key\n",
                "web.yml:2: tls_server_config.cert_file: cannot read",
            ),
            ("tls_server_config:\n  certfile: x\n", "web.yml:2: tls_server_config.certfile: unknown field `certfile`"),
            ("tls_server_config:\n  key_file: x\n", "web.yml:1: tls_server_config: give cert_file or cert"),
            ("basic_auth_users: [a]\n", "web.yml:1: basic_auth_users: invalid type"),
        ];
        for (text, expected) in cases {
            let error = parse(Path::new("web.yml"), text).unwrap_err();
            assert!(error.starts_with(expected), "{text:?}\n  gave {error}\n  not {expected}");
        }
        assert!(parse(Path::new("web.yml"), "").is_ok(), "an empty file: plain HTTP, no users");
    }
}
