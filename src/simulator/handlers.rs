//! One handler for every request: route by the OpenAPI document, check the
//! token and the body, then answer from the simulator's state.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use chrono::{DateTime, Utc};
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;
use vb365_contract::{Direction, Operation};

use super::Shared;
use super::faults::FaultKind;
use super::server::Chosen;
use super::state::RecordedRequest;
use crate::types::{
    BackupAccount, ExploreOptions, Link, Links, Organization, OrganizationCreate, RestoreSession, RestoreSessionResult,
    RestoreSessionState,
};

/// Request bodies larger than this are refused.
const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;
/// How many restore sessions may be `Working` at once, as on a real server.
const MAX_WORKING_SESSIONS: usize = 10;

pub(crate) async fn dispatch(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let fault = parts.extensions.get::<Chosen>().and_then(|c| c.0.clone());
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
    let authorization = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
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
        Some(FaultKind::Status { status, retry_after }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = message(status, &format!("Simulated failure ({status})."));
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

    let Some((operation, params)) = found else {
        return message(
            StatusCode::NOT_FOUND,
            &format!("No HTTP resource was found that matches {} {path}.", parts.method),
        );
    };
    if operation.authenticated {
        let token = authorization.as_deref().and_then(|a| a.strip_prefix("Bearer "));
        if !token.is_some_and(|t| shared.world().tokens.accepts(t)) {
            return message(StatusCode::UNAUTHORIZED, "Authorization has been denied for this request.");
        }
    }
    let body = match parsed {
        Some(Ok(value)) => Some(value),
        Some(Err(refusal)) => return refusal.into_response(),
        None => None,
    };
    let query = query.unwrap_or_default();
    let query: BTreeMap<String, String> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let request = Call { shared: &shared, params, query, body };
    match operation.id.as_str() {
        "create_token" => create_token(request),
        "list_organizations" => json(StatusCode::OK, &shared.world().organizations),
        "get_organization" => get_organization(request),
        "add_organization" => add_organization(request),
        "list_backup_accounts" => list_backup_accounts(request),
        "set_backup_accounts" => set_backup_accounts(request),
        "list_job_selected_mailboxes" => list_job_selected_mailboxes(request),
        "explore_tenant_organization" => explore(request),
        "get_restore_session" => get_restore_session(request),
        "stop_restore_session" => stop_restore_session(request),
        other => message(StatusCode::NOT_IMPLEMENTED, &format!("The simulator does not implement {other}.")),
    }
}

/// A routed request with its path parameters, query and checked body.
struct Call<'a> {
    shared: &'a Shared,
    params: BTreeMap<String, String>,
    query: BTreeMap<String, String>,
    body: Option<Value>,
}

impl Call<'_> {
    fn id(&self, name: &str) -> Result<Uuid, Refusal> {
        let text = self.params.get(name).map(String::as_str).unwrap_or_default();
        Uuid::parse_str(text).map_err(|_| Refusal::bad_request(format!("`{name}` must be a UUID, not `{text}`.")))
    }

    fn body<T: DeserializeOwned>(&self) -> Result<T, Refusal> {
        serde_json::from_value(self.body.clone().unwrap_or(Value::Null))
            .map_err(|e| Refusal::bad_request(format!("The request body cannot be read: {e}")))
    }
}

/// A `{"message"}` answer with an error status, built where the problem is
/// found and sent by the handler.
struct Refusal {
    status: StatusCode,
    message: String,
}

impl Refusal {
    fn bad_request(message: String) -> Self {
        Self { status: StatusCode::BAD_REQUEST, message }
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

fn create_token(call: Call<'_>) -> Response {
    let config = &call.shared.config;
    let field = |name: &str| call.body.as_ref().and_then(|b| b.get(name)).and_then(Value::as_str).unwrap_or_default();
    let mut world = call.shared.world();
    let accepted = match field("grant_type") {
        "password" => field("username") == config.username && field("password") == config.password.expose(),
        "refresh_token" => world.tokens.refresh.remove(field("refresh_token")),
        "urn:ietf:params:oauth:grant-type:jwt-bearer" => {
            field("client_id") == config.client_id && field("assertion") == config.assertion.expose()
        }
        other => return message(StatusCode::BAD_REQUEST, &format!("The grant type `{other}` is not supported.")),
    };
    if !accepted {
        return message(StatusCode::BAD_REQUEST, "The credentials or the refresh token were not accepted.");
    }
    let (access, refresh) = world.tokens.issue();
    let lifetime = world.tokens.lifetime;
    let now = SystemTime::now();
    let http_date = |t: SystemTime| DateTime::<Utc>::from(t).format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    json(
        StatusCode::OK,
        &json!({
            "access_token": access,
            "token_type": "bearer",
            "expires_in": lifetime.as_secs().max(1),
            "refresh_token": refresh,
            "userName": config.username,
            ".issued": http_date(now),
            ".expires": http_date(now + lifetime),
        }),
    )
}

fn get_organization(call: Call<'_>) -> Response {
    let id = match call.id("organizationId") {
        Ok(id) => id,
        Err(refusal) => return refusal.into_response(),
    };
    match call.shared.world().organizations.iter().find(|o| o.id == id) {
        Some(organization) => json(StatusCode::OK, organization),
        None => no_organization(id),
    }
}

fn add_organization(call: Call<'_>) -> Response {
    let request: OrganizationCreate = match call.body() {
        Ok(r) => r,
        Err(refusal) => return refusal.into_response(),
    };
    if request.is_teams_chats_online == Some(true) {
        return message(
            StatusCode::BAD_REQUEST,
            "Backup of team chats is not supported for organizations with basic authentication.",
        );
    }
    let account = request.exchange_online_settings.as_ref().and_then(|s| s.account.clone());
    let account = account.or_else(|| request.share_point_online_settings.as_ref().and_then(|s| s.account.clone()));
    let Some(name) = account.as_deref().and_then(|a| a.split_once('@')).map(|(_, domain)| domain.to_owned()) else {
        return message(StatusCode::BAD_REQUEST, "An organization needs the account of at least one service.");
    };
    let mut world = call.shared.world();
    if world.organizations.iter().any(|o| o.name.as_deref() == Some(name.as_str())) {
        return message(StatusCode::BAD_REQUEST, &format!("Organization {name} has already been added."));
    }
    let id = world.new_id();
    let mut exchange = request.exchange_online_settings;
    let mut sharepoint = request.share_point_online_settings;
    // The server keeps passwords; it does not send them back.
    exchange.iter_mut().for_each(|s| s.password = None);
    sharepoint.iter_mut().for_each(|s| s.password = None);
    let organization = Organization {
        id,
        name: Some(name.clone()),
        office_name: Some(name),
        type_: Some(request.type_),
        region: Some(request.region),
        is_exchange_online: Some(request.is_exchange_online),
        is_share_point_online: Some(request.is_share_point_online),
        is_teams_online: Some(request.is_teams_online.unwrap_or(false)),
        is_teams_chats_online: Some(false),
        exchange_online_settings: exchange,
        share_point_online_settings: sharepoint,
        is_backedup: Some(false),
        first_backuptime: None,
        last_backuptime: None,
        links: Some(links(&[
            ("self", format!("/v6/organizations/{id}")),
            ("jobs", format!("/v6/organizations/{id}/jobs")),
        ])),
        actions: Some(crate::types::Actions(serde_json::Map::new())),
    };
    world.organizations.push(organization.clone());
    json(StatusCode::OK, &organization)
}

fn list_backup_accounts(call: Call<'_>) -> Response {
    let id = match call.id("organizationId") {
        Ok(id) => id,
        Err(refusal) => return refusal.into_response(),
    };
    let world = call.shared.world();
    if !world.organizations.iter().any(|o| o.id == id) {
        return no_organization(id);
    }
    json(StatusCode::OK, world.backup_accounts.get(&id).map(Vec::as_slice).unwrap_or_default())
}

fn set_backup_accounts(call: Call<'_>) -> Response {
    let (id, mut accounts) = match (call.id("organizationId"), call.body::<Vec<BackupAccount>>()) {
        (Ok(id), Ok(accounts)) => (id, accounts),
        (Err(refusal), _) | (_, Err(refusal)) => return refusal.into_response(),
    };
    let mut world = call.shared.world();
    if !world.organizations.iter().any(|o| o.id == id) {
        return no_organization(id);
    }
    for account in &mut accounts {
        account.password = None;
        account.group_member.links = Some(links(&[("organization", format!("/v6/organizations/{id}"))]));
    }
    world.backup_accounts.insert(id, accounts);
    json(StatusCode::OK, &json!({"_links": {"self": {"href": format!("/v6/organizations/{id}/backupaccounts")}}}))
}

fn list_job_selected_mailboxes(call: Call<'_>) -> Response {
    let id = match call.id("jobId") {
        Ok(id) => id,
        Err(refusal) => return refusal.into_response(),
    };
    let number = |name: &str, default: u64| match call.query.get(name) {
        None => Ok(default),
        Some(text) => text.parse::<u64>().map_err(|_| format!("`{name}` must be a whole number, not `{text}`.")),
    };
    let (offset, limit) = match (number("offset", 0), number("limit", 30)) {
        (Ok(o), Ok(l)) if (1..=10_000).contains(&l) => (o, l),
        (Ok(_), Ok(l)) => return message(StatusCode::BAD_REQUEST, &format!("`limit` must be 1 to 10000, not {l}.")),
        (Err(m), _) | (_, Err(m)) => return message(StatusCode::BAD_REQUEST, &m),
    };
    let world = call.shared.world();
    let Some(job) = world.jobs.get(&id) else {
        return message(StatusCode::NOT_FOUND, &format!("Job with ID {id} was not found."));
    };
    let total = job.count as u64;
    let start = offset.min(total);
    let end = offset.saturating_add(limit).min(total);
    let results: Vec<Value> = (start..end).map(|i| job.mailbox(i as usize)).collect();
    let href = |o: u64| format!("/v1/jobs/{id}/SelectedMailboxes?offset={o}&limit={limit}");
    let mut page_links = serde_json::Map::new();
    page_links.insert("self".into(), json!({"href": href(offset)}));
    page_links.insert("first".into(), json!({"href": href(0)}));
    if offset > 0 {
        page_links.insert("prev".into(), json!({"href": href(offset.saturating_sub(limit))}));
    }
    if end < total {
        page_links.insert("next".into(), json!({"href": href(end)}));
    }
    json(StatusCode::OK, &json!({"offset": offset, "limit": limit, "results": results, "_links": page_links}))
}

fn explore(call: Call<'_>) -> Response {
    let options: ExploreOptions = match call.body() {
        Ok(o) => o,
        Err(refusal) => return refusal.into_response(),
    };
    let mut world = call.shared.world();
    let working = world.sessions.values().filter(|s| s.state == Some(RestoreSessionState::Working)).count();
    if working >= MAX_WORKING_SESSIONS {
        return message(
            StatusCode::BAD_REQUEST,
            &format!(
                "The number of restore sessions has reached the limit of {MAX_WORKING_SESSIONS}; stop a session first."
            ),
        );
    }
    let id = world.new_id();
    let organization = world.organizations.first().and_then(|o| o.name.clone()).unwrap_or_default();
    let service = match options.type_.as_str() {
        "Vex" => "Exchange",
        "Veod" => "OneDrive",
        "Vesp" => "SharePoint",
        "Vet" => "Teams",
        other => other,
    };
    let point = options.date_time.local().format("%-m/%-d/%Y %-I:%M:%S %p");
    let session = RestoreSession {
        id,
        name: Some(format!("{service} restore (Entire organization - {point})")),
        organization: Some(organization),
        type_: Some(options.type_),
        creation_time: Some(crate::DateTime::now()),
        end_time: crate::DateTime::parse("9999-12-31T23:59:59.9999999Z").ok(),
        state: Some(RestoreSessionState::Working),
        result: Some(RestoreSessionResult::Success),
        initiated_by: Some(call.shared.config.username.clone()),
        details: None,
        scope_name: Some(String::new()),
        client_host: Some(String::from("SIMULATOR (via: 127.0.0.1)")),
        reason: None,
        links: Some(links(&[
            ("self", format!("/v6/restoresessions/{id}")),
            ("organization", format!("/v6/restoresessions/{id}/organization")),
            ("restoreSessionEvents", format!("/v6/restoresessions/{id}/events")),
        ])),
    };
    world.sessions.insert(id, session.clone());
    json(StatusCode::OK, &session)
}

fn get_restore_session(call: Call<'_>) -> Response {
    let id = match call.id("restoreSessionId") {
        Ok(id) => id,
        Err(refusal) => return refusal.into_response(),
    };
    match call.shared.world().sessions.get(&id) {
        Some(session) => json(StatusCode::OK, session),
        None => no_session(id),
    }
}

fn stop_restore_session(call: Call<'_>) -> Response {
    let id = match call.id("restoreSessionId") {
        Ok(id) => id,
        Err(refusal) => return refusal.into_response(),
    };
    let mut world = call.shared.world();
    let Some(session) = world.sessions.get_mut(&id) else { return no_session(id) };
    if session.state != Some(RestoreSessionState::Stopped) {
        session.state = Some(RestoreSessionState::Stopped);
        session.end_time = Some(crate::DateTime::now());
    }
    raw(StatusCode::OK, "text/plain", "")
}

fn links(pairs: &[(&str, String)]) -> Links {
    Links(pairs.iter().map(|(rel, href)| ((*rel).to_owned(), Link { href: href.clone() })).collect())
}

fn no_organization(id: Uuid) -> Response {
    message(StatusCode::NOT_FOUND, &format!("Organization with ID {id} was not found."))
}

fn no_session(id: Uuid) -> Response {
    message(StatusCode::NOT_FOUND, &format!("Restore session with ID {id} was not found."))
}

/// An error answer in the documented shape, `{"message": ...}`.
fn message(status: StatusCode, text: &str) -> Response {
    json(status, &json!({ "message": text }))
}

fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => raw(status, "application/json; charset=utf-8", bytes),
        Err(e) => raw(StatusCode::INTERNAL_SERVER_ERROR, "text/plain", e.to_string()),
    }
}

fn raw(status: StatusCode, content_type: &'static str, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
