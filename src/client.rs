//! The client and how to build one.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use progenitor_client::ClientInfo as _;

use crate::request::auth::Auth;
use crate::request::repair::{Repair, RepairLog};
use crate::request::versions::Versions;
use crate::{Config, Credentials, Error, api};

/// The port the REST API listens on unless configured otherwise.
pub const DEFAULT_PORT: u16 = 4443;

/// A client for one Veeam Backup for Microsoft 365 server.
///
/// Cheap to clone (one reference count); clones share the login and the
/// connection pool, so one client can serve many tasks.
///
/// Each operation is a method taking and returning plain types from
/// [`crate::types`]. The generated client underneath is at [`Client::api`].
#[derive(Clone)]
pub struct Client {
    api: Arc<api::Client>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url())
            .field("logged_in", &self.is_logged_in())
            .finish_non_exhaustive()
    }
}

/// Opaque state a [`Client`] shares with its clones and with the generated
/// client: settings, the login, counters.
pub struct ClientState {
    pub(crate) config: Config,
    pub(crate) auth: Auth,
    pub(crate) repairs: RepairLog,
    pub(crate) versions: Versions,
    requests: AtomicU64,
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientState").field("config", &self.config).field("auth", &self.auth).finish_non_exhaustive()
    }
}

impl ClientState {
    pub(crate) fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }
}

impl Client {
    /// Starts building a client for the server at `url`, e.g.
    /// `https://vbo.example.com` (port 4443 is added when none is given).
    pub fn builder(url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            url: url.into(),
            root_certificates: Vec::new(),
            accept_invalid_certs: false,
            api_versions: None,
            config: Config::default(),
        }
    }

    /// The generated client, for what the methods here do not cover. Its
    /// calls get the same bearer token, renewal and limits.
    pub fn api(&self) -> &api::Client {
        &self.api
    }

    /// The server's base URL, e.g. `https://vbo.example.com:4443`.
    pub fn base_url(&self) -> &str {
        self.api.baseurl()
    }

    /// The settings in use.
    pub fn config(&self) -> &Config {
        &self.state().config
    }

    /// Logs in, replacing any earlier login. Password and assertion
    /// credentials are kept in memory to log in again if a refresh fails.
    ///
    /// First finds out which API versions the server serves (one
    /// `GET /vN/ServiceInstance` without a token for each of
    /// [`crate::PROBED`]), unless [`ClientBuilder::api_versions`] pinned
    /// them; the token request and every later call use the newest version
    /// the server serves that the operation exists in.
    ///
    /// A [`Client::logout`] at any moment of it (during the probe, while it
    /// waits for a renewal under way, during the token request) leaves the
    /// client logged out: the login then fails with [`Error::Auth`].
    pub async fn login(&self, credentials: Credentials) -> Result<(), Error> {
        credentials.check()?;
        let logouts = self.state().auth.logouts();
        self.state().versions.refresh(&self.api).await?;
        self.state().auth.login(&self.api, credentials, logouts).await
    }

    /// The API versions the server serves: found out at login, or as pinned
    /// with [`ClientBuilder::api_versions`]. `None` before the first login
    /// of a client that probes.
    pub fn api_versions(&self) -> Option<Vec<crate::ApiVersion>> {
        self.state().versions.served()
    }

    /// Forgets the token and the credentials.
    pub fn logout(&self) {
        self.state().auth.logout();
    }

    /// Whether the client holds a token.
    pub fn is_logged_in(&self) -> bool {
        self.state().auth.is_logged_in()
    }

    /// How many requests this client and its clones have put on the wire
    /// (token requests, renewals and repeats included).
    pub fn requests_sent(&self) -> u64 {
        self.state().requests.load(Ordering::Relaxed)
    }

    /// How many times this client and its clones asked the server for a
    /// token with the password or assertion: each [`Client::login`], and
    /// each login again when renewing with the refresh token failed. A
    /// monitor counts these: servers throttle logins.
    pub fn logins(&self) -> u64 {
        self.state().auth.logins()
    }

    /// The latest members (at most [`crate::KEPT_REPAIRS`]) that this client
    /// and its clones set aside to read a response, oldest first, each with
    /// the value the server sent. Empty unless a server sent something the
    /// document does not allow; see [`ClientBuilder::strict`].
    pub fn repairs(&self) -> Vec<Repair> {
        self.state().repairs.recent()
    }

    /// How many response members this client and its clones have set aside
    /// since it was built.
    pub fn repair_count(&self) -> u64 {
        self.state().repairs.count()
    }

    pub(crate) fn state(&self) -> &ClientState {
        &self.api.inner
    }
}

/// Builds a [`Client`]. TLS certificates are verified unless
/// [`ClientBuilder::danger_accept_invalid_certs`] says otherwise.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    url: String,
    root_certificates: Vec<Vec<u8>>,
    accept_invalid_certs: bool,
    api_versions: Option<Vec<crate::ApiVersion>>,
    config: Config,
}

impl ClientBuilder {
    /// Trusts the PEM certificate(s) in `pem` as roots in addition to the
    /// system's, for a server with a self-signed certificate or a private CA.
    pub fn add_root_certificate(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.root_certificates.push(pem.as_ref().to_vec());
        self
    }

    /// Accepts any certificate, valid or not. Anyone on the network path can
    /// then read the password and the tokens: prefer
    /// [`ClientBuilder::add_root_certificate`].
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.accept_invalid_certs = accept;
        self
    }

    /// How long to wait for a connection. Default 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take in all. Default 60 s.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.config.request_timeout = timeout;
        self
    }

    /// How failed requests are retried (see [`crate::RetryConfig`]);
    /// `RetryConfig::disabled()` turns retries off.
    pub fn retry(mut self, retry: crate::RetryConfig) -> Self {
        self.config.retry = retry;
        self
    }

    /// Refuses response bodies larger than this. Default 64 MiB.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.config.max_response_bytes = limit;
        self
    }

    /// Renews the token this long before it expires. Default 60 s.
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.config.token_refresh_margin = margin;
        self
    }

    /// Fails a call whose response has an optional member the client cannot
    /// read, instead of setting it aside (see [`Client::repairs`]). Default off.
    pub fn strict(mut self, strict: bool) -> Self {
        self.config.strict = strict;
        self
    }

    /// How long each question of the version probe at login may take.
    /// Default 5 s.
    pub fn probe_timeout(mut self, timeout: Duration) -> Self {
        self.config.probe_timeout = timeout;
        self
    }

    /// How many items each request of a collection stream asks for (1 to
    /// [`crate::MAX_PAGE_SIZE`]). Default 1,000.
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.config.page_size = page_size;
        self
    }

    /// Takes the server to serve exactly these API versions instead of
    /// asking it at login: for a server whose versions are known, or to use
    /// an older version on purpose (`[ApiVersion::V6]` makes every call use
    /// v6). Each operation uses the newest of these it exists in. Only the
    /// versions of [`crate::ApiVersion::SUPPORTED`] may be named; `build`
    /// refuses any other.
    pub fn api_versions(mut self, versions: impl IntoIterator<Item = crate::ApiVersion>) -> Self {
        self.api_versions = Some(versions.into_iter().collect());
        self
    }

    /// Replaces every setting at once.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = normalize_url(&self.url)?;
        let config = self.config;
        if config.connect_timeout.is_zero() || config.request_timeout.is_zero() || config.probe_timeout.is_zero() {
            return Err(Error::Config { setting: "timeouts", problem: String::from("must be longer than zero") });
        }
        if !(1..=crate::MAX_PAGE_SIZE).contains(&config.page_size) {
            let problem = format!("must be 1 to {}, not {}", crate::MAX_PAGE_SIZE, config.page_size);
            return Err(Error::Config { setting: "page_size", problem });
        }
        let mut certificates = Vec::new();
        for pem in &self.root_certificates {
            let bad = |problem: String| Error::Config { setting: "add_root_certificate", problem };
            let found = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| bad(format!("cannot read the PEM certificates: {e}")))?;
            if found.is_empty() {
                return Err(bad(String::from("was given no PEM certificate (-----BEGIN CERTIFICATE-----)")));
            }
            certificates.extend(found);
        }
        let http = HttpSettings {
            roots: self.root_certificates.clone(),
            accept_invalid_certs: self.accept_invalid_certs,
            connect_timeout: config.connect_timeout,
            request_timeout: config.request_timeout,
        }
        .client(certificates)?;
        let versions = match self.api_versions {
            Some(pinned) if pinned.is_empty() => {
                return Err(Error::Config { setting: "api_versions", problem: String::from("names no version") });
            }
            Some(pinned) => {
                if let Some(other) = pinned.iter().find(|v| !v.is_supported()) {
                    let problem = format!(
                        "names {other}, which this client has no operations in (it speaks {})",
                        crate::ApiVersion::supported_list()
                    );
                    return Err(Error::Config { setting: "api_versions", problem });
                }
                Versions::pinned(pinned)
            }
            None => Versions::default(),
        };
        let state = ClientState {
            config,
            auth: Auth::default(),
            repairs: RepairLog::default(),
            versions,
            requests: AtomicU64::new(0),
        };
        Ok(Client { api: Arc::new(api::Client::new_with_client(&base_url, http, Arc::new(state))) })
    }
}

/// What an HTTP client is built from. Clients built with the same settings
/// share one `reqwest::Client`: its TLS configuration, root store and
/// connection pool (keyed by host, so servers never share a connection). A
/// process that watches a thousand servers holds one or two of them, not a
/// thousand copies of the roots.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct HttpSettings {
    /// The PEM text of the extra roots, as given.
    roots: Vec<Vec<u8>>,
    accept_invalid_certs: bool,
    connect_timeout: Duration,
    request_timeout: Duration,
}

impl HttpSettings {
    /// The shared client of these settings (`certificates`: the roots,
    /// read), built on first use.
    fn client(self, certificates: Vec<reqwest::Certificate>) -> Result<reqwest::Client, Error> {
        static BUILT: OnceLock<Mutex<HashMap<HttpSettings, reqwest::Client>>> = OnceLock::new();
        let mut built = BUILT.get_or_init(Mutex::default).lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(client) = built.get(&self) {
            return Ok(client.clone());
        }
        install_crypto_provider();
        let client = reqwest::Client::builder()
            .user_agent(concat!("vb365/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(self.connect_timeout)
            .timeout(self.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .tls_certs_merge(certificates)
            .tls_danger_accept_invalid_certs(self.accept_invalid_certs)
            .build()
            .map_err(|e| Error::Config { setting: "TLS", problem: format!("cannot be set up: {e}") })?;
        #[cfg(test)]
        tests::BUILDS.lock().unwrap_or_else(PoisonError::into_inner).push(self.clone());
        built.insert(self, client.clone());
        Ok(client)
    }
}

/// reqwest is built without a default crypto provider (ring builds in half
/// the time of aws-lc-rs); install ring unless the program chose one.
fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race to another thread installing one is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// Checks a server URL and gives it the default port when it has none.
fn normalize_url(input: &str) -> Result<String, Error> {
    let shown = without_userinfo(input);
    let bad = |problem: &str| Error::Config { setting: "server URL", problem: format!("`{shown}` {problem}") };
    let mut url = reqwest::Url::parse(input.trim()).map_err(|e| bad(&format!("is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("must start with https:// (or http://)"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not carry credentials; use Client::login"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not have a query or fragment"));
    }
    if url.port().is_none() && !has_explicit_port(input) {
        url.set_port(Some(DEFAULT_PORT)).map_err(|()| bad("cannot take a port"))?;
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The URL with any `user:password@` masked, for messages.
fn without_userinfo(input: &str) -> String {
    let Some((scheme, rest)) = input.split_once("://") else { return input.to_owned() };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}://[redacted]@{}", &rest[at + 1..]),
        None => input.to_owned(),
    }
}

/// Whether the authority of `input` names a port (`url` hides a port equal
/// to the scheme's default, so `https://host:443` would look portless).
fn has_explicit_port(input: &str) -> bool {
    let after_scheme = input.trim().split_once("://").map_or("", |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    match host_port.rsplit_once(':') {
        Some((host, port)) => !port.is_empty() && (!host.starts_with('[') || host.ends_with(']')),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The settings of every HTTP client built, in order.
    pub(super) static BUILDS: Mutex<Vec<HttpSettings>> = Mutex::new(Vec::new());

    fn builds_of(settings: &HttpSettings) -> usize {
        BUILDS.lock().unwrap().iter().filter(|s| *s == settings).count()
    }

    #[test]
    fn clients_of_the_same_settings_share_one_http_client() {
        // Timeouts no other test uses keep this test's settings its own.
        let settings = |ms| HttpSettings {
            roots: Vec::new(),
            accept_invalid_certs: false,
            connect_timeout: Duration::from_millis(ms),
            request_timeout: Duration::from_millis(7_771),
        };
        for _ in 0..3 {
            Client::builder("https://vbo.example.com")
                .connect_timeout(Duration::from_millis(7_770))
                .request_timeout(Duration::from_millis(7_771))
                .build()
                .unwrap();
        }
        assert_eq!(builds_of(&settings(7_770)), 1, "three clients, one HTTP client");
        Client::builder("https://other.example.com")
            .connect_timeout(Duration::from_millis(7_772))
            .request_timeout(Duration::from_millis(7_771))
            .build()
            .unwrap();
        assert_eq!(builds_of(&settings(7_772)), 1, "other settings, another");
        assert_eq!(builds_of(&settings(7_770)), 1);
    }

    #[test]
    fn urls_get_the_default_port() {
        assert_eq!(normalize_url("https://vbo.example.com").unwrap(), "https://vbo.example.com:4443");
        assert_eq!(normalize_url("https://vbo.example.com/").unwrap(), "https://vbo.example.com:4443");
        // An explicit 443 stays 443 (the URL type writes it implicitly).
        assert_eq!(normalize_url("https://vbo.example.com:443").unwrap(), "https://vbo.example.com");
        assert_eq!(normalize_url("http://127.0.0.1:8080/api/").unwrap(), "http://127.0.0.1:8080/api");
        assert_eq!(normalize_url("https://[::1]").unwrap(), "https://[::1]:4443");
        assert_eq!(normalize_url("https://[::1]:9000").unwrap(), "https://[::1]:9000");
    }

    #[test]
    fn bad_urls_are_refused_with_a_reason() {
        for (url, reason) in [
            ("ftp://vbo.example.com", "https://"),
            ("vbo.example.com", "not a URL"),
            ("https://admin:pw@vbo.example.com", "credentials"),
            ("https://vbo.example.com/?x=1", "query"),
        ] {
            let err = normalize_url(url).unwrap_err().to_string();
            assert!(err.contains(reason), "{url}: {err}");
            assert!(!err.contains("pw"), "{err}");
        }
    }
}
