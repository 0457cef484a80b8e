//! Which API versions a server serves, and which one each call uses.
//!
//! A server serves several versions side by side under `/vN/` (VB365 8
//! serves v8, v7 and v6). At login the client asks `GET /vN/ServiceInstance`
//! without a token for every version in [`PROBED`]: `401` (or a service
//! instance) means served, `404` means not; anything else (a `403` or a
//! redirect from a proxy, an HTML page, a `5xx`, no answer within
//! [`crate::Config::probe_timeout`]) is no answer. Each operation then uses
//! the newest version this client has it in that the server serves.
//! [`crate::ClientBuilder::api_versions`] pins the versions instead, and
//! nothing is probed.

use std::fmt;
use std::str::FromStr;
use std::sync::RwLock;

use futures::future::join_all;
use reqwest::StatusCode;
use reqwest::header::AUTHORIZATION;

use crate::request::hooks;
use crate::{Error, api};

/// A version of the REST API, the `N` of `/vN/...`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApiVersion(u16);

impl ApiVersion {
    /// The archived pages' v1 API; no current server serves it.
    pub const V1: Self = Self(1);
    /// Served by VB365 6, 7 and 8.
    pub const V6: Self = Self(6);
    /// Served by VB365 7 and 8; this client uses v6 or v8 instead.
    pub const V7: Self = Self(7);
    /// Served by VB365 8.
    pub const V8: Self = Self(8);

    /// The versions this client has operations in, oldest first (v1, v6 and
    /// v8): the document's, so a version added there is added here.
    pub const SUPPORTED: &'static [ApiVersion] = api::families::VERSIONS;

    /// Whether this client has operations in this version.
    pub fn is_supported(self) -> bool {
        Self::SUPPORTED.contains(&self)
    }

    /// The supported versions as people write them: `1, 6, 8`.
    pub fn supported_list() -> String {
        Self::SUPPORTED.iter().map(|v| v.0.to_string()).collect::<Vec<_>>().join(", ")
    }

    /// A version by number.
    pub const fn new(number: u16) -> Self {
        Self(number)
    }

    /// The number, `8` for v8.
    pub fn number(self) -> u16 {
        self.0
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.0)
    }
}

/// Written as `"v8"`, as paths name it.
impl serde::Serialize for ApiVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl FromStr for ApiVersion {
    type Err = String;

    /// `8`, `v8` or `V8`.
    fn from_str(text: &str) -> Result<Self, String> {
        let digits = text.trim().trim_start_matches(['v', 'V']);
        digits
            .parse::<u16>()
            .ok()
            .filter(|n| *n > 0)
            .map(Self)
            .ok_or_else(|| format!("`{text}` is not an API version (write 6 or v6)"))
    }
}

/// The versions probed at login: the ones this client speaks (1, 6, 8), the
/// ones between, and the next, so that [`crate::Client::server_info`]
/// reports what a server serves beyond what the client uses.
pub const PROBED: [ApiVersion; 6] =
    [ApiVersion(1), ApiVersion(5), ApiVersion(6), ApiVersion(7), ApiVersion(8), ApiVersion(9)];

/// The operation that probing uses, as errors name it.
pub(crate) const PROBE: &str = "get_service_instance";

/// Whether the versions were pinned or found out, and what they are.
#[derive(Debug, Default)]
pub(crate) struct Versions {
    pinned: Option<Vec<ApiVersion>>,
    probed: RwLock<Option<Vec<ApiVersion>>>,
}

impl Versions {
    pub(crate) fn pinned(versions: Vec<ApiVersion>) -> Self {
        let mut versions = versions;
        versions.sort();
        versions.dedup();
        Self { pinned: Some(versions), probed: RwLock::new(None) }
    }

    /// The versions the server serves, when known (pinned, or probed at login).
    pub(crate) fn served(&self) -> Option<Vec<ApiVersion>> {
        self.with_served(|served| served.map(<[ApiVersion]>::to_vec))
    }

    /// Looks at the served versions without copying them: every call asks.
    fn with_served<R>(&self, f: impl FnOnce(Option<&[ApiVersion]>) -> R) -> R {
        match &self.pinned {
            Some(pinned) => f(Some(pinned)),
            None => f(self.probed.read().unwrap_or_else(|p| p.into_inner()).as_deref()),
        }
    }

    /// Finds out which versions the server serves, unless they are pinned.
    pub(crate) async fn refresh(&self, api: &api::Client) -> Result<Vec<ApiVersion>, Error> {
        if let Some(pinned) = &self.pinned {
            return Ok(pinned.clone());
        }
        let found = probe(api).await?;
        let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
        tracing::debug!(served = %shown.join(", "), "asked the server which API versions it serves");
        *self.probed.write().unwrap_or_else(|p| p.into_inner()) = Some(found.clone());
        Ok(found)
    }

    /// The newest version of `family` that the server serves.
    pub(crate) fn choose_family(&self, family: &OperationFamily) -> Result<ApiVersion, Error> {
        let operation = family.name;
        self.with_served(|served| {
            let Some(served) = served else {
                return Err(Error::Auth {
                    operation,
                    status: None,
                    reason: String::from("not logged in; call Client::login first"),
                });
            };
            // `operations` lists the newest version first.
            family.operations.iter().map(|(v, _)| *v).find(|v| served.contains(v)).ok_or_else(|| Error::NotServed {
                operation,
                needed: family.versions(),
                served: served.to_vec(),
                instead: family.successor,
            })
        })
    }
}

/// One operation family: the same request in each API version it exists
/// in, as the document names them (`get_job` in v6, `get_job_v8` in v8).
/// [`crate::api::families`] lists every family of the document; the client
/// sends each request in the newest version of its family that the server
/// serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationFamily {
    /// The family's name, which errors name: the operationId of its oldest
    /// version (`get_job`).
    pub name: &'static str,
    /// Each version it exists in with its operationId, newest first.
    pub operations: &'static [(ApiVersion, &'static str)],
    /// What replaced it, for a family no current server serves.
    pub successor: Option<&'static str>,
}

impl OperationFamily {
    /// The versions it exists in, oldest first.
    pub fn versions(&self) -> Vec<ApiVersion> {
        self.operations.iter().rev().map(|(v, _)| *v).collect()
    }

    /// Its operationId in `version`, if it exists there.
    pub fn operation(&self, version: ApiVersion) -> Option<&'static str> {
        self.operations.iter().find(|(v, _)| *v == version).map(|(_, id)| *id)
    }

    /// The family an operationId belongs to.
    pub fn of(operation: &str) -> Option<&'static OperationFamily> {
        crate::api::families::ALL.iter().find(|f| f.operations.iter().any(|(_, id)| *id == operation))
    }
}

/// What a probe of one version learned.
#[derive(Debug)]
enum Answer {
    /// `401` without a token, or a service instance: a VB365 server serves it.
    Served,
    /// `404`: not served.
    NotServed,
    /// Anything else (`403`, a redirect, a page that is not a service
    /// instance, a `5xx`, no answer in time): what came back.
    Inconclusive(Error),
}

/// The versions this client uses; an inconclusive answer for another
/// version counts as not served.
const NEEDED: [ApiVersion; 2] = [ApiVersion::V6, ApiVersion::V8];

/// Asks every version in [`PROBED`] whether it is served. A version the
/// client needs (v6, v8) whose answer is inconclusive is asked once more;
/// if it stays inconclusive, the other one serves if it answered clearly,
/// else the login fails with what the probe got and how to pin versions.
async fn probe(api: &api::Client) -> Result<Vec<ApiVersion>, Error> {
    let answers = join_all(PROBED.map(|version| async move { (version, probe_one(api, version).await) })).await;
    let mut served = Vec::new();
    let mut unsure = Vec::new();
    for (version, answer) in answers {
        match answer {
            Answer::Served => served.push(version),
            Answer::NotServed => {}
            Answer::Inconclusive(_) if NEEDED.contains(&version) => unsure.push(version),
            Answer::Inconclusive(e) => {
                tracing::debug!(version = %version, error = %e, "no clear answer for an API version the client does not use; taken as not served");
            }
        }
    }
    let mut failures = Vec::new();
    for version in unsure {
        match probe_one(api, version).await {
            Answer::Served => served.push(version),
            Answer::NotServed => {}
            Answer::Inconclusive(e) => failures.push((version, e)),
        }
    }
    served.sort();
    let Some((version, error)) = failures.into_iter().next() else { return Ok(served) };
    if served.iter().any(|v| NEEDED.contains(v)) {
        tracing::warn!(version = %version, error = %error, "no clear answer whether the server serves this API version, twice; using the versions that answered clearly");
        return Ok(served);
    }
    // A server that cannot be reached at all is that fact, not a question of versions.
    if unreachable(&error) {
        return Err(error);
    }
    Err(error.with_detail(&format!(
        "; no clear answer whether the server serves API {version}, twice, and no other version the client uses answered: \
         pin the versions with ClientBuilder::api_versions (vb365 --api-version) to skip the probe"
    )))
}

/// `GET /vN/ServiceInstance` without a token, within the probe timeout and
/// without retries: served, not served, or inconclusive.
async fn probe_one(api: &api::Client, version: ApiVersion) -> Answer {
    let url = format!("{}/{version}/ServiceInstance", api.baseurl);
    let mut request = match api.client.get(url).build() {
        Ok(request) => request,
        Err(e) => return Answer::Inconclusive(Error::transport(PROBE, e)),
    };
    debug_assert!(request.headers().get(AUTHORIZATION).is_none());
    let timeout = api.inner.config.probe_timeout;
    *request.timeout_mut() = Some(timeout);
    api.inner.count_request();
    let asking = |problem: String| format!("{problem} (asking whether the server serves API {version})");
    let response = match api.client.execute(request).await {
        Ok(response) => response,
        Err(e) => {
            let error = Error::transport(PROBE, e);
            // Nothing answered: what was asked does not matter.
            if unreachable(&error) {
                return Answer::Inconclusive(error);
            }
            return Answer::Inconclusive(error.with_detail(&asking(String::new())));
        }
    };
    let status = response.status();
    match status {
        StatusCode::UNAUTHORIZED => Answer::Served,
        StatusCode::NOT_FOUND => Answer::NotServed,
        _ => {
            let body = hooks::limit_body(response, PROBE_BODY_LIMIT).bytes().await.unwrap_or_default();
            if status.is_success() && is_service_instance(&body) {
                return Answer::Served;
            }
            let what = if status.is_success() {
                format!(
                    "an answer that is not a service instance: {}",
                    crate::request::redact::message_of(PROBE, &body)
                )
            } else {
                crate::request::redact::message_of(PROBE, &body)
            };
            Answer::Inconclusive(Error::Api {
                operation: PROBE,
                status,
                message: asking(what),
                retry_after: None,
                attempts: 1,
                not_repeated: false,
            })
        }
    }
}

/// Whether no connection could be made (refused, unreachable, TLS).
fn unreachable(error: &Error) -> bool {
    matches!(error, Error::Transport { kind: crate::TransportKind::Connect | crate::TransportKind::Tls, .. })
}

/// The most of a probe's answer that is read.
const PROBE_BODY_LIMIT: usize = 64 * 1024;

/// Whether a body is a service instance: a JSON object with its
/// `installationId` or `version`, as only a VB365 server answers.
fn is_service_instance(body: &[u8]) -> bool {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => {
            map.get("installationId").is_some_and(serde_json::Value::is_string)
                || map.get("version").is_some_and(serde_json::Value::is_string)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_read_and_print_as_vn() {
        assert_eq!("8".parse::<ApiVersion>(), Ok(ApiVersion::V8));
        assert_eq!("v6".parse::<ApiVersion>(), Ok(ApiVersion::V6));
        assert_eq!(" V1 ".parse::<ApiVersion>(), Ok(ApiVersion::V1));
        assert!("v".parse::<ApiVersion>().is_err() && "0".parse::<ApiVersion>().is_err());
        assert_eq!(ApiVersion::V8.to_string(), "v8");
    }

    const BOTH: OperationFamily = OperationFamily {
        name: "op",
        operations: &[(ApiVersion::V8, "op_v8"), (ApiVersion::V6, "op")],
        successor: None,
    };

    #[test]
    fn the_newest_served_version_of_a_family_is_chosen() {
        let versions = Versions::pinned(vec![ApiVersion::V6, ApiVersion::V7, ApiVersion::V8]);
        assert_eq!(versions.choose_family(&BOTH).unwrap(), ApiVersion::V8);
        let old = Versions::pinned(vec![ApiVersion::V6, ApiVersion::V7]);
        assert_eq!(old.choose_family(&BOTH).unwrap(), ApiVersion::V6);
        let archived = OperationFamily {
            name: "list_job_selected_mailboxes",
            operations: &[(ApiVersion::V1, "list_job_selected_mailboxes")],
            successor: Some("Client::job_selected_items"),
        };
        let text = old.choose_family(&archived).unwrap_err().to_string();
        assert_eq!(
            text,
            "list_job_selected_mailboxes: the server does not serve API v1, which this operation needs \
             (it serves v6, v7); use Client::job_selected_items instead"
        );
    }

    #[test]
    fn every_operation_of_the_document_has_its_family() {
        let mailboxes = OperationFamily::of("list_job_selected_mailboxes").unwrap();
        assert_eq!(mailboxes.versions(), [ApiVersion::V1]);
        assert!(mailboxes.successor.is_some_and(|s| s.contains("job_selected_items")));
        let tokens = OperationFamily::of("create_token_v8").unwrap();
        assert_eq!((tokens.name, tokens.operation(ApiVersion::V6)), ("create_token", Some("create_token")));
        assert_eq!(tokens.versions(), [ApiVersion::V6, ApiVersion::V8]);
    }

    #[test]
    fn nothing_is_chosen_before_the_versions_are_known() {
        let err = Versions::default().choose_family(&BOTH).unwrap_err();
        assert!(err.to_string().contains("not logged in"), "{err}");
    }
}
