//! When to repeat a request, and how long to wait first.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::{Method, StatusCode};

use crate::request::auth::is_token_request;

/// How failed requests are repeated: part of [`crate::Config`].
///
/// Repeated automatically: `GET` and `PUT` (idempotent) and the token
/// request, after a connection error, a timeout, or a `429`, `502`, `503` or
/// `504` answer. Never repeated after such a failure: adding an
/// organization and starting a restore session, because a repeat could
/// create a second one; their errors say that the request may have reached
/// the server. (A `401` is handled apart from retries: every operation,
/// these two included, is repeated once with a renewed token, because the
/// server refused it without acting.)
///
/// The wait before attempt `n + 1` is `initial_backoff * 2^(n-1)`, capped at
/// `max_backoff`, of which a random half is kept (jitter spreads out clients
/// that failed together). A `Retry-After` on `429` or `503` is waited out in
/// full when it is within `max_backoff`; a longer one ends the retries and
/// the error carries it ([`crate::Error::Api`]'s `retry_after`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Attempts in all, the first included. Default 3; 1 turns retries off.
    pub max_attempts: u32,
    /// The first wait. Default 200 ms.
    pub initial_backoff: Duration,
    /// The longest wait, and the longest `Retry-After` honoured. Default 10 s.
    pub max_backoff: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self { max_attempts: 3, initial_backoff: Duration::from_millis(200), max_backoff: Duration::from_secs(10) }
    }
}

impl RetryConfig {
    /// No retries: every request is sent once.
    pub fn disabled() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// Sets the number of attempts in all (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the first wait and the cap.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// How long to wait before the attempt after `attempt` (1-based), or
    /// `None` when there is none: attempts used up, or a `Retry-After`
    /// beyond the cap.
    pub(crate) fn wait_after(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let exponential =
            self.initial_backoff.saturating_mul(1u32 << attempt.saturating_sub(1).min(16)).min(self.max_backoff);
        let jittered = exponential / 2 + exponential.mul_f64(random_fraction() / 2.0);
        match retry_after {
            Some(asked) if asked > self.max_backoff => None,
            Some(asked) => Some(asked.max(jittered)),
            None => Some(jittered),
        }
    }
}

/// Whether an operation may be sent again without risk of doing it twice.
pub(crate) fn repeatable(method: &Method, operation: &str) -> bool {
    matches!(*method, Method::GET | Method::PUT | Method::HEAD | Method::DELETE) || is_token_request(operation)
}

/// Answers worth another attempt.
pub(crate) fn transient_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

/// Failures worth another attempt: no connection, or no complete answer.
/// TLS failures are not: they do not go away by themselves.
pub(crate) fn transient_error(error: &reqwest::Error) -> bool {
    (error.is_connect() || error.is_timeout() || error.is_request())
        && !crate::error::chain_contains::<rustls::Error>(error)
}

/// A number in [0, 1) that differs between calls and processes; jitter needs
/// no better randomness than this.
fn random_fraction() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let mut x = STATE.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed) ^ seed;
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_exponentially_within_the_cap() {
        let config = RetryConfig::default()
            .with_max_attempts(10)
            .with_backoff(Duration::from_millis(100), Duration::from_millis(450));
        for (attempt, full) in [(1, 100), (2, 200), (3, 400), (4, 450), (9, 450)] {
            let wait = config.wait_after(attempt, None).unwrap();
            let full = Duration::from_millis(full);
            assert!(wait >= full / 2 && wait <= full, "attempt {attempt}: {wait:?}");
        }
        assert_eq!(config.wait_after(10, None), None, "attempts used up");
    }

    #[test]
    fn retry_after_is_honoured_within_the_cap() {
        let config = RetryConfig::default();
        assert_eq!(config.wait_after(1, Some(Duration::from_secs(1))), Some(Duration::from_secs(1)));
        assert_eq!(config.wait_after(1, Some(Duration::from_secs(60))), None);
        assert_eq!(RetryConfig::disabled().wait_after(1, None), None);
    }

    #[test]
    fn only_idempotent_operations_and_the_token_request_repeat() {
        assert!(repeatable(&Method::GET, "list_organizations"));
        assert!(repeatable(&Method::PUT, "set_backup_accounts"));
        assert!(repeatable(&Method::POST, "create_token"));
        assert!(!repeatable(&Method::POST, "add_organization"));
        assert!(!repeatable(&Method::POST, "explore_tenant_organization"));
    }

    #[test]
    fn jitter_stays_in_range() {
        for _ in 0..1000 {
            let x = random_fraction();
            assert!((0.0..1.0).contains(&x));
        }
    }
}
