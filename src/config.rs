//! Every setting of the client in one place.

use std::time::Duration;

use crate::RetryConfig;

/// How the client talks to the server: timeouts, retries, limits, token
/// refresh.
///
/// Set through [`crate::ClientBuilder`]; read back with
/// [`crate::Client::config`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// How long to wait for a connection (TCP and TLS). Default 10 s.
    pub connect_timeout: Duration,
    /// How long one attempt may take, from sending the request to reading
    /// the whole response. Default 60 s. Each retry gets the full time again.
    pub request_timeout: Duration,
    /// Which failures are retried, how often and how long to wait between.
    pub retry: RetryConfig,
    /// Response bodies larger than this are refused instead of being read
    /// into memory. Default 64 MiB (a 10,000-mailbox page is a few MB).
    pub max_response_bytes: usize,
    /// Refresh the access token this long before it expires (at most a
    /// tenth of its lifetime). Default 60 s.
    pub token_refresh_margin: Duration,
    /// Fail a call whose response has an optional member the client cannot
    /// read, instead of setting that member aside as a [`crate::Repair`].
    /// Default false.
    pub strict: bool,
    /// How long each question of the version probe at login may take
    /// (it is not retried; a version the client needs is asked once more).
    /// Default 5 s.
    pub probe_timeout: Duration,
    /// How many items each request of a collection stream asks for (1 to
    /// [`crate::MAX_PAGE_SIZE`]); servers of API v6 answer some
    /// collections at once instead. Default 1,000.
    pub page_size: u32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            retry: RetryConfig::default(),
            max_response_bytes: 64 * 1024 * 1024,
            token_refresh_margin: Duration::from_secs(60),
            strict: false,
            probe_timeout: Duration::from_secs(5),
            page_size: 1_000,
        }
    }
}
