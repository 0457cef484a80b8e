//! Restore sessions: start, read, stop.

use axum::response::Response;
use http::StatusCode;
use uuid::Uuid;

use super::{Call, Refusal, links, raw};
use crate::ApiVersion;
use crate::types::{ExploreOptions, RestoreSession, RestoreSessionResult, RestoreSessionState, RestoreSessionType};

/// How many restore sessions may be `Working` at once, as on a real server.
const MAX_WORKING_SESSIONS: usize = 10;

/// A session as `version` answers it: v8 adds the `eTag`.
fn shaped(session: &RestoreSession, version: ApiVersion) -> RestoreSession {
    let mut session = session.clone();
    if version < ApiVersion::V8 {
        session.e_tag = None;
    }
    session
}

/// What a session explores.
enum Explored {
    /// The signed-in tenant's organization (`Organization/Explore`).
    Tenant,
    Organization(Uuid),
    Job(Uuid),
}

pub(super) fn start(call: Call<'_>) -> Result<Response, Refusal> {
    open(call, Explored::Tenant)
}

pub(super) fn explore_organization(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("organizationId")?;
    open(call, Explored::Organization(id))
}

pub(super) fn explore_job(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("jobId")?;
    open(call, Explored::Job(id))
}

fn open(call: Call<'_>, explored: Explored) -> Result<Response, Refusal> {
    let options: ExploreOptions = call.body()?;
    let mut world = call.shared.world();
    let organization_of = |world: &crate::simulator::state::World, id: Option<Uuid>| {
        let organization = world.organizations.iter().find(|o| id.is_none_or(|id| o.id == id));
        organization.map(|o| (o.id, o.name.clone().unwrap_or_default()))
    };
    // The organization (its ID and name), the scope the session's name
    // shows, and the scope name (the job's, when a job is explored).
    let (organization, scope, scope_name) = match explored {
        Explored::Tenant => (organization_of(&world, None), String::from("Entire organization"), String::new()),
        Explored::Organization(id) => {
            let organization = organization_of(&world, Some(id))
                .ok_or_else(|| Refusal::not_found(format!("Organization with ID {id} was not found.")))?;
            let name = organization.1.clone();
            (Some(organization), name, String::new())
        }
        Explored::Job(id) => {
            let job = world.monitoring.jobs.iter().find(|j| j.id == id);
            let job = job.ok_or_else(|| Refusal::not_found(format!("Job with ID {id} was not found.")))?;
            let name = job.name.clone().unwrap_or_default();
            let organization_id = job.organization_id;
            (organization_of(&world, organization_id), name.clone(), name)
        }
    };
    let working = world.sessions.values().filter(|s| s.state == Some(RestoreSessionState::Working)).count();
    if working >= MAX_WORKING_SESSIONS {
        return Err(Refusal::bad_request(format!(
            "The number of restore sessions has reached the limit of {MAX_WORKING_SESSIONS}; stop a session first."
        )));
    }
    let id = world.new_id();
    let service = service_name(&options.type_);
    let point = options.date_time.local().format("%-m/%-d/%Y %-I:%M:%S %p");
    let session = RestoreSession {
        id,
        name: Some(format!("{service} restore ({scope} - {point})")),
        organization: Some(organization.as_ref().map(|o| o.1.clone()).unwrap_or_default()),
        type_: Some(options.type_),
        creation_time: Some(call.shared.now()),
        end_time: crate::DateTime::parse("9999-12-31T23:59:59.9999999Z").ok(),
        state: Some(RestoreSessionState::Working),
        result: Some(RestoreSessionResult::Success),
        initiated_by: Some(call.shared.config.username.clone()),
        details: None,
        scope_name: Some(scope_name),
        client_host: Some(String::from("SIMULATOR (via: 127.0.0.1)")),
        reason: None,
        e_tag: Some(1),
        links: Some(links(&[
            ("self", format!("/v6/restoresessions/{id}")),
            ("organization", format!("/v6/restoresessions/{id}/organization")),
            ("restoreSessionEvents", format!("/v6/restoresessions/{id}/events")),
        ])),
    };
    world.sessions.insert(id, session.clone());
    if let Some((organization, _)) = organization {
        world.explored.insert(id, organization);
    }
    Ok(call.answer(call.created(), &shaped(&session, call.version)))
}

pub(super) fn get(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("restoreSessionId")?;
    let world = call.shared.world();
    let session = world.sessions.get(&id).ok_or_else(|| no_session(id))?;
    Ok(call.answer(StatusCode::OK, &shaped(session, call.version)))
}

/// v6 answers `200` with an empty body, v8 `204`.
pub(super) fn stop(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("restoreSessionId")?;
    let now = call.shared.now();
    let mut world = call.shared.world();
    let session = world.sessions.get_mut(&id).ok_or_else(|| no_session(id))?;
    if session.state != Some(RestoreSessionState::Stopped) {
        session.state = Some(RestoreSessionState::Stopped);
        session.end_time = Some(now.clone());
        session.e_tag = Some(session.e_tag.unwrap_or(0) + 1);
        let crate::simulator::state::World { restores, restore_events, .. } = &mut *world;
        restores.cancel(id, &now, restore_events);
    }
    let status = if call.version >= ApiVersion::V8 { StatusCode::NO_CONTENT } else { StatusCode::OK };
    Ok(raw(status, "text/plain", ""))
}

/// Newest first unless `orderAsc=true`; v8 also filters by end time and
/// orders by end time on request.
pub(super) fn list(call: Call<'_>) -> Result<Response, Refusal> {
    use crate::DateTime;
    let from = call.query_as::<DateTime>("startTimeFrom", "a date-time")?;
    let to = call.query_as::<DateTime>("startTimeTo", "a date-time")?;
    let end_from = call.query_as::<DateTime>("endTimeFrom", "a date-time")?;
    let end_to = call.query_as::<DateTime>("endTimeTo", "a date-time")?;
    let ascending = call.query_as::<bool>("orderAsc", "true or false")?.unwrap_or(false);
    let by_end = call.query.get("orderBy").is_some_and(|o| o == "EndTime");
    let world = call.shared.world();
    let within = |t: Option<&DateTime>, from: &Option<DateTime>, to: &Option<DateTime>| {
        from.as_ref().is_none_or(|f| t.is_some_and(|t| t >= f)) && to.as_ref().is_none_or(|e| t.is_some_and(|t| t <= e))
    };
    let mut sessions: Vec<RestoreSession> = world
        .sessions
        .values()
        .filter(|s| within(s.creation_time.as_ref(), &from, &to))
        .filter(|s| within(s.end_time.as_ref(), &end_from, &end_to))
        .map(|s| shaped(s, call.version))
        .collect();
    sessions.sort_by(|a, b| {
        let key = |s: &RestoreSession| if by_end { s.end_time.clone() } else { s.creation_time.clone() };
        let order = key(a).cmp(&key(b));
        if ascending { order } else { order.reverse() }
    });
    call.collection(&sessions, "RestoreSessions")
}

pub(super) fn events(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("restoreSessionId")?;
    let world = call.shared.world();
    if !world.sessions.contains_key(&id) {
        return Err(no_session(id));
    }
    let events = world.restore_events.get(&id).map(Vec::as_slice).unwrap_or_default();
    call.collection(events, &format!("RestoreSessions/{id}/Events"))
}

/// v8: the counts of every restore of the session so far.
pub(super) fn statistics(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("restoreSessionId")?;
    let world = call.shared.world();
    if !world.sessions.contains_key(&id) {
        return Err(no_session(id));
    }
    let statistics = world.restores.statistics.get(&id).cloned().unwrap_or_default();
    let zero = |count: Option<i64>| Some(count.unwrap_or(0));
    let statistics = crate::types::RestoreSessionStatistics {
        total_items_count: zero(statistics.total_items_count),
        restored_items_count: zero(statistics.restored_items_count),
        failed_items_count: zero(statistics.failed_items_count),
        skipped_items_count: zero(statistics.skipped_items_count),
        ..statistics
    };
    Ok(call.answer(StatusCode::OK, &statistics))
}

/// Refuses a restore body that names neither an account with its password
/// nor an application with its certificate.
pub(super) fn credentials_given(body: &serde_json::Value) -> Result<(), Refusal> {
    let given = |name: &str| body.get(name).and_then(serde_json::Value::as_str).is_some_and(|v| !v.is_empty());
    if given("userName") && given("userPassword") || given("applicationId") && given("applicationCertificate") {
        return Ok(());
    }
    Err(Refusal::bad_request(String::from(
        "Specify the account (userName and userPassword) or the application (applicationId and applicationCertificate) to restore with.",
    )))
}

/// What a v6 restore did, for its answer.
pub(super) struct Done {
    pub(super) restored: i64,
    pub(super) failed: i64,
    pub(super) skipped: i64,
    pub(super) warnings: Vec<String>,
    pub(super) errors: Vec<String>,
}

/// Starts `request` among the simulator's restores. v8 answers that it
/// started; v6 runs it at once and answers with `counted` of what it did.
pub(super) fn run(
    call: &Call<'_>,
    request: crate::simulator::restores::Request,
    counted: impl FnOnce(Done) -> Response,
) -> Result<Response, Refusal> {
    let session = request.session;
    let now = call.shared.now();
    let mut world = call.shared.world();
    let event = world.new_id();
    let v8 = call.version >= ApiVersion::V8;
    let takes = if v8 { call.shared.config.job_duration } else { std::time::Duration::ZERO };
    let before = world.restores.statistics.get(&session).cloned().unwrap_or_default();
    {
        let crate::simulator::state::World { restores, restore_events, .. } = &mut *world;
        restores.start(request, event, takes, &now, restore_events.entry(session).or_default());
    }
    if v8 {
        return Ok(call.answer(StatusCode::OK, &crate::types::RestoreActionStarted { session_id: session }));
    }
    world.advance_restores(std::time::Instant::now(), &now);
    let after = world.restores.statistics.get(&session).cloned().unwrap_or_default();
    drop(world);
    let delta = |a: Option<i64>, b: Option<i64>| a.unwrap_or(0) - b.unwrap_or(0);
    Ok(counted(Done {
        restored: delta(after.restored_items_count, before.restored_items_count),
        failed: delta(after.failed_items_count, before.failed_items_count),
        skipped: delta(after.skipped_items_count, before.skipped_items_count),
        warnings: after.warnings.get(before.warnings.len()..).unwrap_or_default().to_vec(),
        errors: after.errors.get(before.errors.len()..).unwrap_or_default().to_vec(),
    }))
}

fn no_session(id: Uuid) -> Refusal {
    Refusal::not_found(format!("Restore session with ID {id} was not found."))
}

/// The organization a working session of `service` explores, or why the
/// server would refuse to browse it.
pub(super) fn explored(
    world: &crate::simulator::state::World,
    session: Uuid,
    service: RestoreSessionType,
) -> Result<Uuid, Refusal> {
    let found = world.sessions.get(&session).ok_or_else(|| no_session(session))?;
    if found.state != Some(RestoreSessionState::Working) {
        return Err(Refusal::bad_request(format!("Restore session {session} is stopped.")));
    }
    if found.type_.as_ref() != Some(&service) {
        let service = service_name(&service);
        return Err(Refusal::bad_request(format!("Restore session {session} does not explore {service}.")));
    }
    world.explored.get(&session).copied().ok_or_else(|| Refusal::bad_request(String::from("No organization.")))
}

/// The service a session type names, as the server writes it in names.
fn service_name(type_: &RestoreSessionType) -> &str {
    match type_.as_str() {
        "Vex" => "Exchange",
        "Veod" => "OneDrive",
        "Vesp" => "SharePoint",
        "Vet" => "Teams",
        other => other,
    }
}
