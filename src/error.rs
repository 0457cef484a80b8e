//! What can go wrong, said so that the caller knows what to do next.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

/// Everything a call can fail with.
///
/// Every message names the operation (the operationId of the OpenAPI
/// document, e.g. `list_backup_accounts`). None contains a password, token or
/// assertion: response snippets have the document's `format: password`
/// properties redacted, and the token operation never quotes its body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status.
    #[error("{operation}: the server refused the request with {status}: {message}{}", retry_note(*attempts, *not_repeated))]
    Api {
        /// The operation.
        operation: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// The server's `message`, or a short snippet of a body that is not
        /// the documented `{"message": ...}` (an HTML page from a proxy, say).
        message: String,
        /// The `Retry-After` the server asked for, if any.
        retry_after: Option<Duration>,
        /// How many requests were sent for this call.
        attempts: u32,
        /// Set when the failure was transient but the operation is never
        /// repeated automatically (adding an organization, starting a
        /// restore session): the request reached the server, which may have
        /// acted on it.
        not_repeated: bool,
    },

    /// Logging in or refreshing the token failed, or the server rejected
    /// the token (401) even after a refresh. When the server refused the
    /// credentials, `reason` is its message and `status` its answer.
    #[error("{operation}: authentication failed{}: {reason}", status.map(|s| format!(" ({s})")).unwrap_or_default())]
    Auth {
        /// The operation.
        operation: &'static str,
        /// The HTTP status, when the server answered.
        status: Option<StatusCode>,
        /// What went wrong, with the server's message if it sent one.
        reason: String,
    },

    /// The request did not get a complete answer: connecting, TLS, a
    /// timeout, or a connection dropped mid-way.
    #[error("{operation}: {kind} error: {detail}{}", retry_note(*attempts, *not_repeated))]
    Transport {
        /// The operation.
        operation: &'static str,
        /// What kind of failure.
        kind: TransportKind,
        /// The underlying error, shortened.
        detail: String,
        /// Whether the request may have reached the server (and been acted
        /// on) before the failure: false only when no connection was made.
        may_have_reached_server: bool,
        /// How many requests were sent for this call.
        attempts: u32,
        /// Set when the operation is never repeated automatically (adding an
        /// organization, starting a restore session) and the request may
        /// have reached the server.
        not_repeated: bool,
        /// The underlying error.
        #[source]
        source: Option<reqwest::Error>,
    },

    /// The server's answer does not have the documented shape.
    #[error("{operation}: cannot read the response at {path}: {message}; the body starts: {snippet}")]
    Decode {
        /// The operation.
        operation: &'static str,
        /// JSON pointer to the value that does not fit (empty for the whole body).
        path: String,
        /// Why it does not fit.
        message: String,
        /// The start of the body, secrets redacted.
        snippet: String,
    },

    /// The response body is larger than the configured limit; it was not
    /// read any further.
    #[error("{operation}: the response body exceeds the {limit}-byte limit (see ClientBuilder::max_response_bytes)")]
    ResponseTooLarge {
        /// The operation.
        operation: &'static str,
        /// The limit in bytes.
        limit: usize,
    },

    /// A file the server sent could not be written where the caller asked
    /// (a full disk, a closed pipe); what came before was written.
    #[error("{operation}: writing the file failed after {written} bytes: {source}")]
    Write {
        /// The operation that sent the file.
        operation: &'static str,
        /// Bytes written before the failure.
        written: u64,
        /// The writer's error.
        source: std::io::Error,
    },

    /// A page of a collection could not be fetched or read. A stream
    /// ([`crate::Pages`]) delivered the items of the pages before it and
    /// ends here.
    #[error("{source} (the page at offset {offset})")]
    Page {
        /// The offset of the page that failed.
        offset: u64,
        /// Why it failed.
        source: Box<Error>,
    },

    /// The server does not serve an API version the operation exists in
    /// (found out at login, or pinned with `ClientBuilder::api_versions`).
    /// Nothing was sent.
    #[error(
        "{operation}: the server does not serve API {}, which this operation needs (it serves {}){}",
        list(needed, " or "),
        if served.is_empty() { String::from("none of the versions asked about") } else { list(served, ", ") },
        instead.map(|i| format!("; use {i} instead")).unwrap_or_default()
    )]
    NotServed {
        /// The operation.
        operation: &'static str,
        /// The versions the operation exists in.
        needed: Vec<crate::ApiVersion>,
        /// The versions the server serves.
        served: Vec<crate::ApiVersion>,
        /// What to use instead, when the operation has a successor.
        instead: Option<&'static str>,
    },

    /// A reading bounded by a deadline (see
    /// [`crate::monitoring::Scope::deadline`]) ran out of time before this
    /// part was read; the requests under way were abandoned.
    #[error("{operation}: not read within the {} s the reading was allowed", allowed.as_secs_f64())]
    Deadline {
        /// The operation that was under way or waiting.
        operation: &'static str,
        /// How long the whole reading was allowed.
        allowed: Duration,
    },

    /// What the caller wanted to change was changed by someone else since
    /// it was read: the server's `eTag` is not the one the change was made
    /// against. Nothing was written.
    #[error(
        "{operation}: {what} changed on the server since it was read (eTag {expected}, now {found}); read it again"
    )]
    Conflict {
        /// The operation that would have written.
        operation: &'static str,
        /// What changed: `job 4f7b...`.
        what: String,
        /// The eTag the change was made against.
        expected: i64,
        /// The eTag the server has now.
        found: i64,
    },

    /// The caller's input was refused before anything was sent.
    #[error("{operation}: invalid input: `{field}` {problem}")]
    InvalidInput {
        /// The operation.
        operation: &'static str,
        /// The field (as the API names it) to change.
        field: String,
        /// What to change.
        problem: String,
    },

    /// A name the caller gave (of a user, a group, a repository...) names
    /// nothing the server has (`candidates` empty) or more than one thing
    /// (`candidates` lists them). Nothing was written.
    #[error("{}", describe_unresolved(what, name, candidates))]
    Unresolved {
        /// What the name was for: `user`, `group`, `repository`.
        what: &'static str,
        /// The name as given.
        name: String,
        /// What it could mean, each with its ID: empty when it means nothing.
        candidates: Vec<String>,
    },

    /// The client was configured with something it cannot use.
    #[error("client configuration: {setting} {problem}")]
    Config {
        /// The setting.
        setting: &'static str,
        /// What is wrong with it.
        problem: String,
    },
}

fn list(versions: &[crate::ApiVersion], separator: &str) -> String {
    versions.iter().map(ToString::to_string).collect::<Vec<_>>().join(separator)
}

fn retry_note(attempts: u32, not_repeated: bool) -> String {
    if not_repeated {
        String::from(
            " (not repeated automatically: the request may have reached the server, and a repeat could do it twice)",
        )
    } else if attempts > 1 {
        format!(" (after {attempts} attempts)")
    } else {
        String::new()
    }
}

/// The kind of a [`Error::Transport`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// Could not connect (refused, unreachable, DNS).
    Connect,
    /// The TLS handshake failed (an untrusted or invalid certificate, say).
    Tls,
    /// No complete answer within the configured timeout.
    Timeout,
    /// The connection failed after the request was sent.
    Connection,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect",
            Self::Tls => "TLS",
            Self::Timeout => "timeout",
            Self::Connection => "connection",
        })
    }
}

impl Error {
    /// A name that means nothing, or one of several things.
    #[cfg(feature = "jobs")]
    pub(crate) fn unresolved(what: &'static str, name: &str, candidates: Vec<String>) -> Self {
        Self::Unresolved { what, name: name.to_owned(), candidates }
    }

    /// A stream collected into a list fails with the first page's own
    /// error (nothing was delivered yet), or with [`Error::Page`] for a
    /// later page, which names where the walk broke off.
    pub(crate) fn first_page(self) -> Self {
        match self {
            Self::Page { offset: 0, source } => *source,
            other => other,
        }
    }

    /// The operation that failed (`None` for configuration errors).
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Self::Api { operation, .. }
            | Self::Auth { operation, .. }
            | Self::Transport { operation, .. }
            | Self::Decode { operation, .. }
            | Self::ResponseTooLarge { operation, .. }
            | Self::NotServed { operation, .. }
            | Self::Deadline { operation, .. }
            | Self::Conflict { operation, .. }
            | Self::Write { operation, .. }
            | Self::InvalidInput { operation, .. } => Some(operation),
            Self::Page { source, .. } => source.operation(),
            Self::Config { .. } | Self::Unresolved { .. } => None,
        }
    }

    /// The HTTP status of the server's answer, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api { status, .. } => Some(*status),
            Self::Auth { status, .. } => *status,
            Self::Page { source, .. } => source.status(),
            _ => None,
        }
    }

    /// Whether the request may have reached the server before it failed.
    pub fn may_have_reached_server(&self) -> bool {
        match self {
            Self::Api { .. } | Self::Auth { status: Some(_), .. } | Self::Decode { .. } => true,
            Self::Transport { may_have_reached_server, .. } => *may_have_reached_server,
            Self::ResponseTooLarge { .. } | Self::Deadline { .. } | Self::Conflict { .. } | Self::Write { .. } => true,
            Self::Page { source, .. } => source.may_have_reached_server(),
            _ => false,
        }
    }

    pub(crate) fn transport(operation: &'static str, error: reqwest::Error) -> Self {
        let kind = if error.is_timeout() {
            TransportKind::Timeout
        } else if is_tls(&error) {
            TransportKind::Tls
        } else if error.is_connect() {
            TransportKind::Connect
        } else {
            TransportKind::Connection
        };
        Self::Transport {
            operation,
            kind,
            detail: root_cause(&error),
            may_have_reached_server: !error.is_connect() && kind != TransportKind::Tls,
            attempts: 1,
            not_repeated: false,
            source: Some(error),
        }
    }

    pub(crate) fn invalid(operation: &'static str, field: &str, problem: impl Into<String>) -> Self {
        Self::InvalidInput { operation, field: field.to_owned(), problem: problem.into() }
    }

    /// How many requests were sent for the failed call (0 when the input
    /// or the configuration was refused before sending).
    pub fn attempts(&self) -> u32 {
        match self {
            Self::Api { attempts, .. } | Self::Transport { attempts, .. } => *attempts,
            Self::Auth { status: Some(_), .. }
            | Self::Decode { .. }
            | Self::ResponseTooLarge { .. }
            | Self::Write { .. } => 1,
            Self::Page { source, .. } => source.attempts(),
            _ => 0,
        }
    }

    /// Adds what the retry loop knows: the attempts made, and whether a
    /// transient failure was left unrepeated on purpose.
    /// The same error with `more` appended to what it says went wrong.
    pub(crate) fn with_detail(mut self, more: &str) -> Self {
        match &mut self {
            Self::Api { message: text, .. } | Self::Transport { detail: text, .. } => text.push_str(more),
            Self::Auth { reason: text, .. } | Self::Decode { message: text, .. } => text.push_str(more),
            _ => {}
        }
        self
    }

    pub(crate) fn with_attempts(mut self, made: u32, left_unrepeated: bool) -> Self {
        match &mut self {
            Self::Api { attempts, not_repeated, .. } => {
                *attempts = made.max(1);
                *not_repeated = left_unrepeated;
            }
            Self::Transport { attempts, not_repeated, may_have_reached_server, .. } => {
                *attempts = made.max(1);
                *not_repeated = left_unrepeated && *may_have_reached_server;
            }
            _ => {}
        }
        self
    }
}

fn is_tls(error: &reqwest::Error) -> bool {
    chain_contains::<rustls::Error>(error)
}

/// Whether an error of type `T` is somewhere in the chain. `io::Error`
/// hides the error it wraps from `source()`, so it is unwrapped with
/// `get_ref()`.
pub(crate) fn chain_contains<T: std::error::Error + 'static>(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut pending: Vec<&(dyn std::error::Error + 'static)> = vec![error];
    while let Some(e) = pending.pop() {
        if e.is::<T>() {
            return true;
        }
        if let Some(inner) = e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            pending.push(inner);
        }
        pending.extend(e.source());
    }
    false
}

/// The innermost message of an error chain, which says what actually
/// happened ("connection refused", "invalid peer certificate: UnknownIssuer").
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut last = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        last = e.to_string();
        source = e.source();
    }
    last
}

fn describe_unresolved(what: &str, name: &str, candidates: &[String]) -> String {
    match candidates {
        [] => format!("no {what} is named `{name}`"),
        _ => format!(
            "`{name}` names {} {what}s: {}; give one of them by its ID",
            candidates.len(),
            candidates.join("; ")
        ),
    }
}
