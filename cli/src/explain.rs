//! Errors as an operator reads them in a monitoring system: what happened
//! to which server, in the words of the job ("cannot connect to
//! https://vbo.example.com:4443: connection refused"), never the library's
//! (operation IDs, builder methods). `vb365 check` and `vb365 exporter`
//! print these; the other commands print the library's own message, which
//! names the operation for a developer.

use vb365::{Error, TransportKind};

/// Who was asked what, and what to suggest: the words differ between a
/// command line (`--ca-cert`) and the exporter's configuration (`ca_cert`).
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The server's URL.
    pub url: &'a str,
    /// The account logging in.
    pub user: &'a str,
    /// How to trust a server's certificate here.
    pub trust: &'a str,
    /// How to name the API versions here.
    pub versions: &'a str,
}

/// Why a server is down, for `vb365_up_reason` and the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// No connection could be made (refused, unreachable, DNS).
    Connect,
    /// The TLS handshake failed.
    Tls,
    /// The login was refused.
    Login,
    /// No answer in time.
    Timeout,
    /// The server answered with an error, or an answer that cannot be read.
    ServerError,
}

impl Reason {
    /// Every reason, in the order they are exported.
    pub const ALL: [Reason; 5] = [Self::Connect, Self::Tls, Self::Login, Self::Timeout, Self::ServerError];

    /// `connect`, `tls`, `login`, `timeout` or `server_error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::Tls => "tls",
            Self::Login => "login",
            Self::Timeout => "timeout",
            Self::ServerError => "server_error",
        }
    }

    /// The reason an error gives a server for being down.
    pub fn of(error: &Error) -> Self {
        match error {
            Error::Transport { kind: TransportKind::Tls, .. } => Self::Tls,
            Error::Transport { kind: TransportKind::Timeout, .. } | Error::Deadline { .. } => Self::Timeout,
            Error::Transport { .. } => Self::Connect,
            Error::Auth { .. } => Self::Login,
            Error::Page { source, .. } => Self::of(source),
            _ => Self::ServerError,
        }
    }
}

/// What went wrong, on one line, in an operator's words.
pub fn explain(error: &Error, context: &Context<'_>) -> String {
    let url = context.url;
    let text = match error {
        Error::Transport { kind: TransportKind::Connect, detail, .. } => format!("cannot connect to {url}: {detail}"),
        Error::Transport { kind: TransportKind::Tls, detail, .. } => {
            format!("TLS with {url} failed: {detail} ({})", context.trust)
        }
        Error::Transport { kind: TransportKind::Timeout, .. } => format!("no answer from {url} in time"),
        Error::Transport { detail, .. } => format!("the connection to {url} broke: {detail}"),
        Error::Auth { operation, status: Some(status), reason } if operation.starts_with("create_token") => {
            format!("login refused for {} ({}): {reason}", context.user, status.as_u16())
        }
        Error::Auth { reason, .. } => format!("login failed for {}: {reason}", context.user),
        Error::Api { status, message, .. } => format!("the server answered {}: {message}", status.as_u16()),
        Error::Decode { path, message, .. } => {
            let at = if path.is_empty() { String::new() } else { format!(" at {path}") };
            format!("the server's answer cannot be read{at}: {message}")
        }
        Error::ResponseTooLarge { limit, .. } => format!("the server's answer is larger than {limit} bytes"),
        Error::Page { offset, source } => format!("{} (the page at offset {offset})", explain(source, context)),
        Error::NotServed { needed, .. } => {
            let needed: Vec<String> = needed.iter().map(ToString::to_string).collect();
            format!("the server does not serve API {}, which this needs", needed.join(" or "))
        }
        Error::Deadline { allowed, .. } => format!("not read within the {} s allowed", allowed.as_secs_f64().round()),
        other => other.to_string(),
    };
    scrub(&text, context)
}

/// The text without the library's names: `create_token_v8: ` and the
/// builder method the library's own advice names.
fn scrub(text: &str, context: &Context<'_>) -> String {
    let text = text.replace("ClientBuilder::api_versions (vb365 --api-version)", context.versions);
    text.split(' ')
        .filter(|word| {
            let name = word.strip_suffix(':').unwrap_or("");
            let family = |f: &&vb365::OperationFamily| f.name == name || f.operations.iter().any(|(_, id)| *id == name);
            !(vb365::api::families::ALL.iter().any(|f| family(&f)) || name == vb365::RAW_REQUEST)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTEXT: Context<'static> = Context {
        url: "https://vbo.example.com:4443",
        user: "administrator",
        trust: "trust its certificate with --ca-cert",
        versions: "--api-version",
    };

    #[test]
    fn an_operator_reads_facts_not_library_names() {
        let refused = Error::Auth {
            operation: "create_token_v8",
            status: Some(reqwest::StatusCode::BAD_REQUEST),
            reason: String::from("Invalid user name or password."),
        };
        assert_eq!(
            explain(&refused, &CONTEXT),
            "login refused for administrator (400): Invalid user name or password."
        );
        assert_eq!(Reason::of(&refused), Reason::Login);
        let api = Error::Api {
            operation: "list_jobs_v8",
            status: reqwest::StatusCode::SERVICE_UNAVAILABLE,
            message: String::from("list_jobs_v8: busy"),
            retry_after: None,
            attempts: 3,
            not_repeated: false,
        };
        assert_eq!(explain(&api, &CONTEXT), "the server answered 503: busy");
        assert_eq!(Reason::of(&api), Reason::ServerError);
        let deadline = Error::Deadline { operation: "list_jobs", allowed: std::time::Duration::from_millis(7_600) };
        assert_eq!(explain(&deadline, &CONTEXT), "not read within the 8 s allowed");
        assert_eq!(Reason::of(&deadline), Reason::Timeout);
        let advice = Error::Auth {
            operation: "create_token",
            status: None,
            reason: String::from("pin the versions with ClientBuilder::api_versions (vb365 --api-version)"),
        };
        assert_eq!(explain(&advice, &CONTEXT), "login failed for administrator: pin the versions with --api-version");
    }
}
