//! One handler for every request: route by the OpenAPI document, answer 404
//! for an API version the simulator does not serve, check the token and the
//! body, then answer from the simulator's state in the shapes and statuses
//! of the version asked for.

mod directory;
mod exchange;
mod health;
mod job_items;
mod job_sessions;
mod jobs;
mod license;
mod onedrive;
mod organizations;
mod proxies;
mod repositories;
mod restore_points;
mod restore_sessions;
mod tokens;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use uuid::Uuid;
use vb365_contract::{Direction, Operation};

use super::Shared;
use super::faults::FaultKind;
use super::server::Chosen;
use super::state::RecordedRequest;
use crate::ApiVersion;
use crate::types::{Link, Links};
use job_items::List::{Excluded, Selected};

/// Request bodies larger than this are refused.
const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

pub(crate) async fn dispatch(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let fault = parts.extensions.get::<Chosen>().and_then(|c| c.0.clone());
    let authorization = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    // Counted from arrival to answer, latency and faults included.
    let _answering = live_token(&shared, authorization.as_deref()).then(|| shared.in_flight.enter());
    let Ok(bytes) = axum::body::to_bytes(body, MAX_REQUEST_BYTES).await else {
        return message(StatusCode::PAYLOAD_TOO_LARGE, "The request body is too large.");
    };
    let latency = shared.faults().latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let path = parts.uri.path();
    let query = parts.uri.query().map(str::to_owned);
    let found = shared.contract.find_operation(parts.method.as_str(), path);
    let parsed = found.as_ref().and_then(|(op, _)| op.request.as_ref().map(|_| parse_body(&shared, op, &bytes)));
    shared.world().requests.push(RecordedRequest {
        method: parts.method.to_string(),
        path: path.to_owned(),
        query: query.clone(),
        operation: found.as_ref().map(|(op, _)| op.id.clone()),
        authorization: authorization.as_deref().map(crate::Secret::from),
        body: parsed.as_ref().and_then(|p| p.as_ref().ok().cloned()),
        dropped: false,
        received: std::time::Instant::now(),
    });

    match fault {
        Some(FaultKind::Status { status, retry_after, message: text }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let text = text.unwrap_or_else(|| format!("Simulated failure ({status})."));
            let mut response = message(status, &text);
            if let Some(seconds) = retry_after {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            return response;
        }
        Some(FaultKind::MalformedBody) => {
            return raw(StatusCode::OK, "application/json; charset=utf-8", "{\"id\": \"fa3a2d17-d86d-4540-bf71");
        }
        Some(FaultKind::Stall) => {
            tokio::time::sleep(Duration::from_secs(24 * 3600)).await;
            return message(StatusCode::GATEWAY_TIMEOUT, "Stalled.");
        }
        Some(FaultKind::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(FaultKind::DropConnection) | None => {}
    }

    let not_found =
        || message(StatusCode::NOT_FOUND, &format!("No HTTP resource was found that matches {} {path}.", parts.method));
    let Some((operation, params)) = found else {
        // Every version it serves answers the version probe, v1 included
        // (the document describes `ServiceInstance` for v6 and v8 only).
        let probed = path.split('/').nth(1).and_then(|v| v.parse::<ApiVersion>().ok());
        let is_probe = path.split('/').nth(2).is_some_and(|p| p.eq_ignore_ascii_case("ServiceInstance"));
        return match probed {
            Some(version)
                if is_probe && parts.method == http::Method::GET && shared.config.versions.contains(&version) =>
            {
                if live_token(&shared, authorization.as_deref()) {
                    let call = Call {
                        shared: &shared,
                        operation: "get_service_instance",
                        version,
                        params: BTreeMap::new(),
                        query: BTreeMap::new(),
                        body: None,
                    };
                    tokens::service_instance(call)
                } else {
                    denied()
                }
            }
            _ => not_found(),
        };
    };
    // A version the simulator does not serve has no resources at all.
    let version = version_of(&operation.path);
    if !shared.config.versions.contains(&version) {
        return not_found();
    }
    if operation.authenticated && !live_token(&shared, authorization.as_deref()) {
        return denied();
    }
    let body = match parsed {
        Some(Ok(value)) => Some(value),
        Some(Err(refusal)) => return refusal.into_response(),
        None => None,
    };
    let query = query.unwrap_or_default();
    let query: BTreeMap<String, String> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    {
        let (instant, now) = (std::time::Instant::now(), shared.now());
        let mut world = shared.world();
        world.monitoring.advance(instant, &now);
        world.directories.values_mut().for_each(|d| d.advance(instant, &now));
        world.advance_restores(instant, &now);
    }
    let call = Call { shared: &shared, operation: &operation.id, version, params, query, body };
    let name = crate::OperationFamily::of(&operation.id).map_or(operation.id.as_str(), |family| family.name);
    let answer = match name {
        "create_token" => tokens::create_token(call),
        "get_service_instance" => Ok(tokens::service_instance(call)),
        "list_organizations" => organizations::list(call),
        "get_organization" => organizations::get(call),
        "add_organization" => organizations::add(call),
        "list_backup_accounts" => organizations::list_backup_accounts(call),
        "set_backup_accounts" => organizations::set_backup_accounts(call),
        "list_job_selected_items" => job_items::list(call, Selected),
        "get_job_selected_item" => job_items::get(call, Selected),
        "add_job_selected_items" => job_items::add(call, Selected),
        "remove_job_selected_items" => job_items::remove(call, Selected),
        "update_job_selected_item" => job_items::update(call, Selected),
        "list_job_excluded_items" => job_items::list(call, Excluded),
        "get_job_excluded_item" => job_items::get(call, Excluded),
        "add_job_excluded_items" => job_items::add(call, Excluded),
        "remove_job_excluded_items" => job_items::remove(call, Excluded),
        "update_job_excluded_item" => job_items::update(call, Excluded),
        "list_organization_users" => directory::users(call),
        "get_organization_user" => directory::user(call),
        "list_organization_user_onedrives" => directory::onedrives(call),
        "list_organization_groups" => directory::groups(call),
        "get_organization_group" => directory::group(call),
        "list_organization_group_members" => directory::members(call),
        "list_organization_sites" => directory::sites(call),
        "get_organization_site" => directory::site(call),
        "list_organization_teams" => directory::teams(call),
        "get_organization_team" => directory::team(call),
        "list_organization_sync_states" => directory::sync_states(call),
        "get_organization_sync_state" => directory::sync_state(call),
        "sync_organization" => directory::sync(call),
        "create_job" => jobs::create(call),
        "update_job" => jobs::update(call),
        "remove_job" => jobs::remove(call),
        "list_job_selected_mailboxes" => jobs::selected_mailboxes(call),
        "list_jobs" => jobs::list(call),
        "list_organization_jobs" => jobs::list_of_organization(call),
        "get_job" => jobs::get(call),
        "start_job" => jobs::start(call),
        "stop_job" => jobs::stop(call),
        "enable_job" => jobs::enable(call, true),
        "disable_job" => jobs::enable(call, false),
        "list_job_sessions" => job_sessions::list(call),
        "list_job_sessions_by_job" => job_sessions::list_of_job(call),
        "get_job_session" => job_sessions::get(call),
        "list_job_session_log_items" => job_sessions::log(call),
        "list_backup_repositories" => repositories::list(call),
        "get_backup_repository" => repositories::get(call),
        "list_organization_used_repositories" => repositories::used(call),
        "list_proxies" => proxies::list(call),
        "get_proxy" => proxies::get(call),
        "get_license" => license::get(call),
        "list_licensed_users" => license::users(call),
        "get_organization_licensing" => license::of_organization(call),
        "list_restore_sessions" => restore_sessions::list(call),
        "list_restore_session_events" => restore_sessions::events(call),
        "get_health" => health::get(call),
        "explore_tenant_organization" => restore_sessions::start(call),
        "explore_organization" => restore_sessions::explore_organization(call),
        "explore_job" => restore_sessions::explore_job(call),
        "list_restore_points" => restore_points::list(call),
        "list_restore_session_mailboxes" => exchange::list_mailboxes(call),
        "get_restore_session_mailbox" => exchange::get_mailbox(call),
        "list_restore_session_mailbox_folders" => exchange::list_folders(call),
        "list_restore_session_mailbox_items" => exchange::list_items(call),
        "search_mailbox" | "search_mailboxes" => exchange::search(call, false),
        "get_restore_session_mailbox_folder" => exchange::get_folder(call),
        "search_mailbox_folder" => exchange::search(call, true),
        "get_restore_session_mailbox_item" => exchange::get_item(call),
        "list_restore_session_onedrives" => onedrive::list(call),
        "get_restore_session_onedrive" => onedrive::get(call),
        "list_restore_session_onedrive_folders" => onedrive::folders(call),
        "list_restore_session_onedrive_documents" => onedrive::documents(call),
        "get_restore_point" => restore_points::get(call),
        "restore_mailbox_folder_to" => exchange::restore_folder_to(call),
        "restore_mailbox_items_to" => exchange::restore_items_to(call),
        "restore_mailbox_folder" => exchange::restore_folder(call),
        "restore_mailbox" => exchange::restore_mailbox(call),
        "restore_mailboxes" => exchange::restore_mailboxes(call),
        "restore_mailbox_to" => exchange::restore_mailbox_to(call),
        "restore_mailbox_items" => exchange::restore_items(call),
        "export_mailbox_to_pst" => exchange::export_mailbox_to_pst(call),
        "get_restore_session_statistics" => restore_sessions::statistics(call),
        "save_onedrive_folder" | "save_onedrive" => onedrive::save_folder(call),
        "list_onedrive_document_versions" => onedrive::document_versions(call),
        "list_onedrive_folder_versions" => onedrive::folder_versions(call),
        "search_onedrive" | "search_onedrive_folder" | "search_onedrives" => onedrive::search(call),
        "get_restore_session_onedrive_folder" => onedrive::get_folder(call),
        "get_restore_session_onedrive_document" => onedrive::get_document(call),
        "save_onedrive_document" | "save_onedrive_document_version" => onedrive::save_document(call),
        "save_onedrive_documents" => onedrive::save_documents(call),
        "copy_onedrive_folder_to" | "copy_onedrive_to" => onedrive::copy_folder_to(call),
        "restore_onedrive_folder" | "restore_onedrive" => onedrive::restore_folder(call),
        "restore_onedrive_documents" => onedrive::restore_chosen_documents(call),
        "copy_onedrive_documents_to" => onedrive::copy_documents_to(call),
        "restore_onedrive_document_version" => onedrive::restore_version(call),
        "copy_onedrive_document_version_to" => onedrive::copy_version_to(call),
        "send_mailbox_items" => exchange::send_items(call),
        "send_onedrive" | "send_onedrive_folder" | "send_onedrive_documents" => onedrive::send(call),
        "send_mailbox_items_to_original" => exchange::send_items_to_original(call),
        "save_mailbox_items" => exchange::save_items(call),
        "save_mailbox_item" => exchange::save_item(call),
        "export_mailbox_items_to_pst" => exchange::export_items_to_pst(call),
        "export_mailbox_folder_to_pst" => exchange::export_folder_to_pst(call),
        "get_restore_session" => restore_sessions::get(call),
        "stop_restore_session" => restore_sessions::stop(call),
        other => Err(Refusal {
            status: StatusCode::NOT_IMPLEMENTED,
            message: format!("The simulator does not implement {other}."),
        }),
    };
    answer.unwrap_or_else(Refusal::into_response)
}

/// Whether `Authorization` carries a bearer token the simulator issued and
/// that has not expired.
fn live_token(shared: &Shared, authorization: Option<&str>) -> bool {
    let token = authorization.and_then(|a| a.strip_prefix("Bearer "));
    token.is_some_and(|t| shared.world().tokens.accepts(t))
}

fn denied() -> Response {
    message(StatusCode::UNAUTHORIZED, "Authorization has been denied for this request.")
}

/// The API version of a path template (`/v8/...` is v8).
fn version_of(path: &str) -> ApiVersion {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or_default();
    first.parse().unwrap_or(ApiVersion::V1)
}

/// A routed request with its operation, version, path parameters, query
/// and checked body.
pub(super) struct Call<'a> {
    pub(super) shared: &'a Shared,
    pub(super) operation: &'a str,
    pub(super) version: ApiVersion,
    pub(super) params: BTreeMap<String, String>,
    pub(super) query: BTreeMap<String, String>,
    pub(super) body: Option<Value>,
}

impl Call<'_> {
    pub(super) fn id(&self, name: &str) -> Result<Uuid, Refusal> {
        let text = self.params.get(name).map(String::as_str).unwrap_or_default();
        Uuid::parse_str(text).map_err(|_| Refusal::bad_request(format!("`{name}` must be a UUID, not `{text}`.")))
    }

    /// A path parameter as sent.
    pub(super) fn text(&self, name: &str) -> String {
        self.params.get(name).cloned().unwrap_or_default()
    }

    pub(super) fn body<T: DeserializeOwned>(&self) -> Result<T, Refusal> {
        serde_json::from_value(self.body.clone().unwrap_or(Value::Null))
            .map_err(|e| Refusal::bad_request(format!("The request body cannot be read: {e}")))
    }

    /// `offset` and `limit` from the query (defaults 0 and 30, as the
    /// server's); the limit applied is at most the simulator's page size.
    pub(super) fn paging(&self) -> Result<(u64, u64), Refusal> {
        let number = |name: &str, default: u64| match self.query.get(name) {
            None => Ok(default),
            Some(text) => text
                .parse::<u64>()
                .map_err(|_| Refusal::bad_request(format!("`{name}` must be a whole number, not `{text}`."))),
        };
        let (offset, limit) = (number("offset", 0)?, number("limit", 30)?);
        if !(1..=10_000).contains(&limit) {
            return Err(Refusal::bad_request(format!("`limit` must be 1 to 10000, not {limit}.")));
        }
        Ok((offset, limit.min(self.shared.config.max_page_size.max(1) as u64)))
    }

    /// A query parameter read as `T` (absent is `None`; unreadable is `400`).
    pub(super) fn query_as<T: std::str::FromStr>(&self, name: &str, what: &str) -> Result<Option<T>, Refusal> {
        self.query
            .get(name)
            .map(|text| {
                text.parse::<T>().map_err(|_| Refusal::bad_request(format!("`{name}` must be {what}, not `{text}`.")))
            })
            .transpose()
    }

    /// The items of a collection as this operation answers them: the whole
    /// list where the document says the version answers with an array, else
    /// the page `offset`/`limit` asks for, linked under `path`.
    pub(super) fn collection<T: Serialize>(&self, items: &[T], path: &str) -> Result<Response, Refusal> {
        let list = self
            .shared
            .contract
            .body(self.operation, Direction::Response(200))
            .is_ok_and(|body| body.schema.get("type").and_then(Value::as_str) == Some("array"));
        if list {
            return Ok(self.answer(StatusCode::OK, &items));
        }
        let (offset, limit) = self.paging()?;
        let version = self.version;
        let item = |i: u64| serde_json::to_value(&items[i as usize]).unwrap_or(Value::Null);
        let href = |o: u64| format!("/{version}/{path}?offset={o}&limit={limit}");
        let mut body = page(offset, limit, items.len() as u64, item, href);
        body.insert("setId".into(), json!(self.shared.config.installation_id));
        if version < ApiVersion::V8 {
            body.insert("totalCount".into(), json!(items.len()));
        }
        Ok(self.answer(StatusCode::OK, &body))
    }

    /// An empty answer: `204`.
    pub(super) fn no_content(&self) -> Response {
        raw(StatusCode::NO_CONTENT, "text/plain", "")
    }

    /// The status of a successful create: v8 answers `201`, older versions `200`.
    pub(super) fn created(&self) -> StatusCode {
        if self.version >= ApiVersion::V8 { StatusCode::CREATED } else { StatusCode::OK }
    }

    /// Records `mail` as sent (see `Simulator::sent_mail`) and answers as a
    /// send does: no body, 200 in v6 and 204 in v8.
    pub(super) fn sent(&self, mail: super::state::SentMail) -> Response {
        use axum::response::IntoResponse as _;
        self.shared.world().sent_mail.push(mail);
        let status = if self.version >= ApiVersion::V8 { StatusCode::NO_CONTENT } else { StatusCode::OK };
        status.into_response()
    }

    /// A value as this version answers it: its links under `/vN/`, and
    /// without the members the document says this version lacks.
    pub(super) fn answer<T: Serialize>(&self, status: StatusCode, value: &T) -> Response {
        match serde_json::to_value(value) {
            Ok(mut value) => {
                relink(&mut value, self.version);
                let direction = Direction::Response(status.as_u16());
                let version = u64::from(self.version.number());
                // An operation without a declared body for the status answers as it is.
                let _ = self.shared.contract.shape_for_version(self.operation, direction, version, &mut value);
                json(status, &value)
            }
            Err(e) => raw(StatusCode::INTERNAL_SERVER_ERROR, "text/plain", e.to_string()),
        }
    }
}

/// A `{"message"}` answer with an error status, built where the problem is
/// found and sent by the dispatcher.
pub(super) struct Refusal {
    pub(super) status: StatusCode,
    pub(super) message: String,
}

impl Refusal {
    pub(super) fn bad_request(message: String) -> Self {
        Self { status: StatusCode::BAD_REQUEST, message }
    }

    pub(super) fn not_found(message: String) -> Self {
        Self { status: StatusCode::NOT_FOUND, message }
    }

    fn into_response(self) -> Response {
        message(self.status, &self.message)
    }
}

/// Parses and checks a request body against the operation's schema.
fn parse_body(shared: &Shared, operation: &Operation, bytes: &[u8]) -> Result<Value, Refusal> {
    let form = operation.request.as_ref().is_some_and(|b| b.media_type == "application/x-www-form-urlencoded");
    let value = if form {
        let text = String::from_utf8_lossy(bytes);
        let fields = vb365_contract::examples::parse_form(&text);
        shared.contract.form_to_json(&operation.id, &fields).map_err(|e| Refusal::bad_request(e.to_string()))?
    } else {
        serde_json::from_slice(bytes).map_err(|e| Refusal::bad_request(format!("The request body is not JSON: {e}")))?
    };
    let violations = shared
        .contract
        .validate(&operation.id, Direction::Request, &value)
        .map_err(|e| Refusal::bad_request(e.to_string()))?;
    match violations.first() {
        None => Ok(value),
        Some(v) => {
            let field = v.pointer.rsplit('/').next().unwrap_or_default();
            let secret = crate::api::SECRET_PROPERTIES.iter().any(|s| s.eq_ignore_ascii_case(field));
            let found = if secret { String::from("a value that is not shown") } else { v.found.clone() };
            let at = if v.pointer.is_empty() { "/" } else { &v.pointer };
            Err(Refusal::bad_request(format!(
                "The request body is invalid at {at}: expected {}, found {found}.",
                v.expected
            )))
        }
    }
}

/// Points every `_links` href that starts with a version at `version`.
fn relink(value: &mut Value, version: ApiVersion) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(links)) = map.get_mut("_links") {
                for link in links.values_mut() {
                    if let Some(Value::String(href)) = link.get_mut("href") {
                        let rest = href.strip_prefix("/v").and_then(|r| r.split_once('/')).map(|(_, rest)| rest);
                        if let Some(rest) = rest {
                            *href = format!("/{version}/{rest}");
                        }
                    }
                }
            }
            map.values_mut().for_each(|child| relink(child, version));
        }
        Value::Array(items) => items.iter_mut().for_each(|child| relink(child, version)),
        _ => {}
    }
}

/// One page of a collection of `total` items, `item(i)` giving the i-th:
/// `offset`, `limit`, `results` and `_links` (`next` only when more follow).
pub(super) fn page(
    offset: u64,
    limit: u64,
    total: u64,
    item: impl Fn(u64) -> Value,
    href: impl Fn(u64) -> String,
) -> Map<String, Value> {
    let end = offset.saturating_add(limit).min(total);
    let results: Vec<Value> = (offset.min(total)..end).map(item).collect();
    let mut links = Map::new();
    links.insert("self".into(), json!({"href": href(offset)}));
    links.insert("first".into(), json!({"href": href(0)}));
    if offset > 0 {
        links.insert("prev".into(), json!({"href": href(offset.saturating_sub(limit))}));
    }
    if end < total {
        links.insert("next".into(), json!({"href": href(end)}));
    }
    let mut page = Map::new();
    page.insert("offset".into(), json!(offset));
    page.insert("limit".into(), json!(limit));
    page.insert("results".into(), Value::Array(results));
    page.insert("_links".into(), Value::Object(links));
    page
}

pub(crate) fn links(pairs: &[(&str, String)]) -> Links {
    Links(pairs.iter().map(|(rel, href)| ((*rel).to_owned(), Link { href: href.clone() })).collect())
}

/// An error answer in the documented shape, `{"message": ...}`.
pub(super) fn message(status: StatusCode, text: &str) -> Response {
    json(status, &json!({ "message": text }))
}

pub(super) fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => raw(status, "application/json; charset=utf-8", bytes),
        Err(e) => raw(StatusCode::INTERNAL_SERVER_ERROR, "text/plain", e.to_string()),
    }
}

pub(super) fn raw(status: StatusCode, content_type: &'static str, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_follow_the_version_asked_for() {
        let mut value = json!({"a": {"_links": {"self": {"href": "/v6/organizations/1"}, "odd": {"href": "x"}}}});
        relink(&mut value, ApiVersion::V8);
        assert_eq!(value["a"]["_links"]["self"]["href"], "/v8/organizations/1");
        assert_eq!(value["a"]["_links"]["odd"]["href"], "x");
    }

    #[test]
    fn pages_link_to_the_next_only_when_more_follow() {
        let page = page(10, 10, 25, |i| json!(i), |o| format!("/x?offset={o}"));
        assert_eq!(page["results"], json!((10..20).collect::<Vec<_>>()));
        assert_eq!(page["_links"]["next"]["href"], "/x?offset=20");
        let last = super::page(20, 10, 25, |i| json!(i), |o| format!("/x?offset={o}"));
        assert!(last["_links"].get("next").is_none());
        assert_eq!(last["results"].as_array().unwrap().len(), 5);
    }

    #[test]
    fn the_version_comes_from_the_path() {
        assert_eq!(version_of("/v8/Organizations"), ApiVersion::V8);
        assert_eq!(version_of("/v1/Jobs/{jobId}/SelectedMailboxes"), ApiVersion::V1);
    }
}
