//! Logging in, and keeping the access token fresh.
//!
//! Tokens live in memory only. The token is renewed shortly before it
//! expires and once after the server refuses it (401). Renewal is
//! single-flight: callers that find the same stale token wait for one
//! renewal and share its result. A refresh grant that fails falls back to
//! logging in again when the client holds a password or an assertion.

use std::sync::RwLock;
use std::time::{Duration, Instant};

use reqwest::header::HeaderValue;

use crate::api::types::{GrantType, Token, TokenRequest};
use crate::api::versioned;
use crate::{Error, Secret, api};

/// The operationId of the token request, which carries no bearer token.
pub(crate) const CREATE_TOKEN: &str = "create_token";
/// The same in API v8.
pub(crate) const CREATE_TOKEN_V8: &str = "create_token_v8";

/// Whether an operation is a token request (no bearer token, never renewed,
/// repeated after a transient failure, its body never quoted).
pub(crate) fn is_token_request(operation: &str) -> bool {
    operation == CREATE_TOKEN || operation == CREATE_TOKEN_V8
}

/// How to log in.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// A user name and password (the `password` grant).
    Password {
        /// The account, e.g. `administrator` or `admin@contoso.onmicrosoft.com`.
        username: String,
        /// Its password.
        password: Secret,
    },
    /// An application ID and an assertion from Microsoft Azure (the
    /// jwt-bearer grant), for tenants with modern app-only authentication.
    Assertion {
        /// The application (client) ID.
        client_id: String,
        /// The signed assertion.
        assertion: Secret,
    },
    /// An access token obtained elsewhere, with its refresh token if known.
    AccessToken {
        /// The bearer token.
        access_token: Secret,
        /// Lets the client renew the token when it expires.
        refresh_token: Option<Secret>,
    },
}

impl Credentials {
    /// Log in with a user name and password.
    pub fn password(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self::Password { username: username.into(), password: password.into() }
    }

    /// Log in with an application ID and an assertion from Microsoft Azure.
    pub fn assertion(client_id: impl Into<String>, assertion: impl Into<Secret>) -> Self {
        Self::Assertion { client_id: client_id.into(), assertion: assertion.into() }
    }

    /// Use an access token obtained elsewhere.
    pub fn access_token(access_token: impl Into<Secret>) -> Self {
        Self::AccessToken { access_token: access_token.into(), refresh_token: None }
    }

    /// Adds the refresh token that came with an access token.
    pub fn with_refresh_token(self, refresh: impl Into<Secret>) -> Self {
        match self {
            Self::AccessToken { access_token, .. } => {
                Self::AccessToken { access_token, refresh_token: Some(refresh.into()) }
            }
            other => other,
        }
    }

    /// The token request these credentials make, if they make one.
    fn grant(&self) -> Option<TokenRequest> {
        let mut request = empty_request(GrantType::Password);
        match self {
            Self::Password { username, password } => {
                request.username = Some(username.clone());
                request.password = Some(password.clone());
            }
            Self::Assertion { client_id, assertion } => {
                request.grant_type = GrantType::JwtBearer;
                request.client_id = Some(client_id.clone());
                request.assertion = Some(assertion.clone());
            }
            Self::AccessToken { .. } => return None,
        }
        Some(request)
    }

    pub(crate) fn check(&self) -> Result<(), Error> {
        let empty = match self {
            Self::Password { username, .. } if username.trim().is_empty() => Some("username"),
            Self::Password { password, .. } if password.is_empty() => Some("password"),
            Self::Assertion { client_id, .. } if client_id.trim().is_empty() => Some("client_id"),
            Self::Assertion { assertion, .. } if assertion.is_empty() => Some("assertion"),
            Self::AccessToken { access_token, .. } if access_token.is_empty() => Some("access_token"),
            _ => None,
        };
        match empty {
            Some(field) => Err(Error::invalid(CREATE_TOKEN, field, "is empty")),
            None => Ok(()),
        }
    }
}

fn empty_request(grant_type: GrantType) -> TokenRequest {
    TokenRequest {
        grant_type,
        username: None,
        password: None,
        refresh_token: None,
        client_id: None,
        assertion: None,
        disable_antiforgery_token: Some(true),
    }
}

/// The token in use.
#[derive(Clone)]
pub(crate) struct Current {
    /// `Bearer <access token>`, marked sensitive.
    header: HeaderValue,
    refresh_token: Option<Secret>,
    /// When to renew, if the server said how long the token lives.
    renew_at: Option<Instant>,
}

#[derive(Default)]
struct State {
    /// Kept only when they can log in again (a password or an assertion).
    credentials: Option<Credentials>,
    current: Option<Current>,
    /// Counts logouts, so a login or renewal that was under way when the
    /// client logged out does not log it back in.
    logouts: u64,
}

/// The login state of a client and its clones.
#[derive(Default)]
pub(crate) struct Auth {
    state: RwLock<State>,
    renewing: tokio::sync::Mutex<()>,
    /// Token requests with a password or an assertion: logins, and the
    /// logins again after a refused refresh.
    logins: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth").field("logged_in", &self.is_logged_in()).finish_non_exhaustive()
    }
}

impl Auth {
    /// How many token requests with a password or an assertion were sent.
    pub(crate) fn logins(&self) -> u64 {
        self.logins.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn is_logged_in(&self) -> bool {
        self.read(|s| s.current.is_some())
    }

    pub(crate) fn logout(&self) {
        self.write(|s| *s = State { logouts: s.logouts + 1, ..State::default() });
    }

    /// How many logouts there have been: a login started now stores its
    /// token only if there is no other before it ends.
    pub(crate) fn logouts(&self) -> u64 {
        self.read(|s| s.logouts)
    }

    /// Stores a new token unless the client logged out since `logouts` was read.
    fn store(&self, logouts: u64, operation: &'static str, update: impl FnOnce(&mut State)) -> Result<(), Error> {
        self.write(|s| {
            if s.logouts != logouts {
                return Err(logged_out(operation));
            }
            update(s);
            Ok(())
        })
    }

    /// Logs in, replacing any earlier login, unless the client logs out
    /// after `logouts` was read (while the login waits or asks).
    pub(crate) async fn login(&self, api: &api::Client, credentials: Credentials, logouts: u64) -> Result<(), Error> {
        let _renewing = self.renewing.lock().await;
        if self.logouts() != logouts {
            return Err(logged_out(CREATE_TOKEN));
        }
        let grant = credentials.grant();
        let current = match (&credentials, grant) {
            (_, Some(grant)) => request_token(api, grant).await?,
            (Credentials::AccessToken { access_token, refresh_token }, None) => Current {
                header: bearer(access_token, CREATE_TOKEN)?,
                refresh_token: refresh_token.clone(),
                renew_at: None,
            },
            (_, None) => return Err(Error::invalid(CREATE_TOKEN, "credentials", "cannot be used to log in")),
        };
        let keep = credentials.grant().is_some().then_some(credentials);
        self.store(logouts, CREATE_TOKEN, |s| {
            s.credentials = keep;
            s.current = Some(current);
        })
    }

    /// The current `Authorization` header when it needs no renewal: the
    /// common case, answered without awaiting anything.
    pub(crate) fn fresh_header(&self) -> Option<HeaderValue> {
        self.read(|s| {
            let current = s.current.as_ref()?;
            let due = current.renew_at.is_some_and(|at| Instant::now() >= at);
            (!due).then(|| current.header.clone())
        })
    }

    /// The `Authorization` header for the next request, renewed first when
    /// the token is about to expire.
    pub(crate) async fn header(&self, api: &api::Client, operation: &'static str) -> Result<HeaderValue, Error> {
        // Only the header and the deadline: the rest of the token stays put.
        let current = self.read(|s| s.current.as_ref().map(|c| (c.header.clone(), c.renew_at)));
        match current {
            None => Err(Error::Auth {
                operation,
                status: None,
                reason: String::from("not logged in; call Client::login first"),
            }),
            Some((header, Some(at))) if Instant::now() >= at => self.renew_if_current(api, &header, operation).await,
            Some((header, _)) => Ok(header),
        }
    }

    /// Renews the token if `used` is still the current one; if another call
    /// renewed it meanwhile, returns that token instead of renewing again.
    pub(crate) async fn renew_if_current(
        &self,
        api: &api::Client,
        used: &HeaderValue,
        operation: &'static str,
    ) -> Result<HeaderValue, Error> {
        let _renewing = self.renewing.lock().await;
        let (current, credentials, logouts) = self.read(|s| (s.current.clone(), s.credentials.clone(), s.logouts));
        let refresh_token = match current {
            Some(c) if c.header != used => return Ok(c.header),
            Some(c) => c.refresh_token,
            None => None,
        };
        let login = credentials.as_ref().and_then(Credentials::grant);
        let renewed = match (refresh_token, login) {
            (Some(refresh), login) => {
                let mut grant = empty_request(GrantType::RefreshToken);
                grant.refresh_token = Some(refresh);
                match (request_token(api, grant).await, login) {
                    (Ok(token), _) => Ok(token),
                    (Err(e), None) => Err(e),
                    (Err(e), Some(login)) => {
                        tracing::debug!(error = %e, "refresh grant failed; logging in again");
                        request_token(api, login).await
                    }
                }
            }
            (None, Some(login)) => request_token(api, login).await,
            (None, None) => Err(Error::Auth {
                operation: CREATE_TOKEN,
                status: None,
                reason: String::from(
                    "the token expired or was refused, and there is no refresh token or password to get another",
                ),
            }),
        };
        match renewed {
            Ok(current) => {
                let header = current.header.clone();
                self.store(logouts, operation, |s| s.current = Some(current))?;
                Ok(header)
            }
            Err(e) => Err(Error::Auth {
                operation,
                status: e.status(),
                reason: format!("could not renew the access token: {e}"),
            }),
        }
    }

    fn read<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&self.state.read().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    fn write<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.state.write().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

fn logged_out(operation: &'static str) -> Error {
    Error::Auth {
        operation,
        status: None,
        reason: String::from("the client logged out while the token was being obtained"),
    }
}

/// The longest token lifetime the client plans with: a server that says a
/// token lives for years gets its token renewed daily instead.
pub(crate) const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// When to renew a token the server says lives `expires_in` seconds from
/// `now`: `margin` early (at most a tenth of the lifetime), so the renewal
/// happens before the server's expiry, not after. A lifetime of zero or
/// less gives no time: the token is used until the server refuses it (401),
/// then renewed once. Any `expires_in` gives an answer, never a panic.
pub(crate) fn renewal_due(now: Instant, expires_in: i64, margin: Duration) -> Option<Instant> {
    let seconds = u64::try_from(expires_in).ok().filter(|s| *s > 0)?;
    let lifetime = Duration::from_secs(seconds).min(MAX_TOKEN_LIFETIME);
    now.checked_add(lifetime - margin.min(lifetime / 10))
}

impl Current {
    /// The token in use after a token response.
    pub(crate) fn from_token(token: &Token, now: Instant, margin: Duration) -> Result<Self, Error> {
        Ok(Self {
            header: bearer(&token.access_token, CREATE_TOKEN)?,
            refresh_token: token.refresh_token.clone(),
            renew_at: renewal_due(now, token.expires_in, margin),
        })
    }
}

/// Sends a token request; a refusal is an authentication error.
async fn request_token(api: &api::Client, grant: TokenRequest) -> Result<Current, Error> {
    let margin = api.inner.config.token_refresh_margin;
    if grant.grant_type != GrantType::RefreshToken {
        api.inner.auth.logins.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    let sent: Result<Token, Error> = versioned!(send api, create_token, |op| op.body(grant));
    let token = sent.map_err(|e| match e {
        Error::Api { operation, status, message, .. } => {
            Error::Auth { operation, status: Some(status), reason: message }
        }
        other => other,
    })?;
    Current::from_token(&token, Instant::now(), margin)
}

fn bearer(token: &Secret, operation: &'static str) -> Result<HeaderValue, Error> {
    let mut header = HeaderValue::try_from(format!("Bearer {}", token.expose())).map_err(|_| Error::Auth {
        operation,
        status: None,
        reason: String::from("the access token has characters an HTTP header cannot carry"),
    })?;
    header.set_sensitive(true);
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renewal_is_due_before_the_server_expires_the_token() {
        let now = Instant::now();
        let margin = Duration::from_secs(60);
        assert_eq!(renewal_due(now, 3600, margin), Some(now + Duration::from_secs(3540)));
        // A short-lived token is renewed a tenth of its life early, not a whole margin.
        assert_eq!(renewal_due(now, 10, margin), Some(now + Duration::from_secs(9)));
        for lifetime in [1, 10, 3600, 86_400] {
            let due = renewal_due(now, lifetime, margin).unwrap();
            assert!(due < now + Duration::from_secs(lifetime as u64), "{lifetime} s: renewed before it expires");
        }
    }

    #[test]
    fn any_lifetime_gives_an_answer_never_a_panic() {
        let now = Instant::now();
        for expires_in in [0, -1, i64::MIN] {
            assert_eq!(renewal_due(now, expires_in, Duration::from_secs(60)), None, "{expires_in}");
        }
        let huge = renewal_due(now, i64::MAX, Duration::MAX).unwrap();
        assert_eq!(huge, now + MAX_TOKEN_LIFETIME - MAX_TOKEN_LIFETIME / 10);
        assert_eq!(renewal_due(now, i64::MAX, Duration::ZERO), Some(now + MAX_TOKEN_LIFETIME));
    }

    #[test]
    fn the_bearer_header_is_marked_sensitive() {
        let header = bearer(&Secret::from("AT-1"), "x").unwrap();
        assert!(header.is_sensitive());
        assert_eq!(format!("{header:?}"), "Sensitive");
    }
}
