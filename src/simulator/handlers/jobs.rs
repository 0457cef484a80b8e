//! Backup jobs: listed, read, started, stopped, enabled and disabled; and
//! what a job selects: items (v6, v8) and, in the archived v1 API,
//! mailboxes.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Call, Refusal, links, page};
use crate::ApiVersion;
use crate::simulator::state::Run;
use crate::types::{
    Job, JobItem, JobSession, JobSessionConfigType, JobSessionType, JobStatistics, JobStatus, StartJobOptions,
};

/// An item as `version` answers it: v6 has no `eTag`, tenant IDs, data
/// locations or licenses on the objects; v8 no longer has `chats`.
fn shaped(mut item: JobItem, version: ApiVersion) -> JobItem {
    if version >= ApiVersion::V8 {
        item.chats = None;
        return item;
    }
    if let Some(user) = &mut item.user {
        (user.e_tag, user.on_premises_sid, user.office, user.assigned_licenses) = (None, None, None, None);
        (user.msid, user.data_location) = (None, None);
    }
    if let Some(group) = &mut item.group {
        (group.e_tag, group.on_premises_sid, group.msid, group.data_location) = (None, None, None, None);
    }
    if let Some(team) = &mut item.team {
        (team.e_tag, team.msid, team.data_location) = (None, None, None);
    }
    if let Some(site) = &mut item.site {
        site.e_tag = None;
    }
    item
}

pub(super) fn selected_items(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("jobId")?;
    let world = call.shared.world();
    let job = world.selections.get(&id).ok_or_else(|| no_job(id))?;
    let version = call.version;
    let item = |i: u64| serde_json::to_value(shaped(job.item(i as usize), version)).unwrap_or(Value::Null);
    if version < ApiVersion::V8 {
        let all: Vec<Value> = (0..job.item_count as u64).map(item).collect();
        return Ok(call.answer(StatusCode::OK, &all));
    }
    let (offset, limit) = call.paging()?;
    let href = |o: u64| format!("/v8/jobs/{id}/selecteditems?offset={o}&limit={limit}");
    let mut body = page(offset, limit, job.item_count as u64, item, href);
    body.insert("setId".into(), json!(id));
    Ok(call.answer(StatusCode::OK, &body))
}

/// The v1 page of a job's mailboxes (`isBackedUp` written as a string, as
/// the archived page shows).
pub(super) fn selected_mailboxes(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("jobId")?;
    let (offset, limit) = call.paging()?;
    let world = call.shared.world();
    let job = world.selections.get(&id).ok_or_else(|| no_job(id))?;
    let href = |o: u64| format!("/v1/jobs/{id}/SelectedMailboxes?offset={o}&limit={limit}");
    let body = page(offset, limit, job.count as u64, |i| job.mailbox(i as usize), href);
    Ok(super::json(StatusCode::OK, &body))
}

pub(super) fn list(call: Call<'_>) -> Result<Response, Refusal> {
    let organization = call.query_as::<Uuid>("organizationId", "a UUID")?;
    let repository = call.query_as::<Uuid>("repositoryId", "a UUID")?;
    let world = call.shared.world();
    let jobs: Vec<&Job> = world
        .monitoring
        .jobs
        .iter()
        .filter(|j| organization.is_none_or(|o| j.organization_id == Some(o)))
        .filter(|j| repository.is_none_or(|r| j.repository_id == Some(r)))
        .collect();
    call.collection(&jobs, "Jobs")
}

/// v6 only: the jobs of one organization.
pub(super) fn list_of_organization(call: Call<'_>) -> Result<Response, Refusal> {
    let organization = call.id("organizationId")?;
    let world = call.shared.world();
    if !world.organizations.iter().any(|o| o.id == organization) {
        return Err(Refusal::not_found(format!("Organization with ID {organization} was not found.")));
    }
    let jobs: Vec<&Job> = world.monitoring.jobs.iter().filter(|j| j.organization_id == Some(organization)).collect();
    call.collection(&jobs, &format!("Organizations/{organization}/Jobs"))
}

pub(super) fn get(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("jobId")?;
    let world = call.shared.world();
    let job = world.monitoring.jobs.iter().find(|j| j.id == id).ok_or_else(|| no_job(id))?;
    Ok(call.answer(StatusCode::OK, job))
}

/// Starts a run: a session that runs for the configured time, then
/// succeeds. v8 answers `200` with the session, v6 `204`.
pub(super) fn start(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("jobId")?;
    let options: StartJobOptions = call.body()?;
    let now = call.shared.now();
    let mut world = call.shared.world();
    let session_id = world.new_id();
    let m = &mut world.monitoring;
    let job = m.jobs.iter_mut().find(|j| j.id == id).ok_or_else(|| no_job(id))?;
    let name = job.name.clone().unwrap_or_default();
    if job.is_enabled == Some(false) {
        return Err(Refusal::bad_request(format!("Job {name} is disabled; enable it first.")));
    }
    if m.running.keys().any(|s| m.sessions.iter().any(|session| session.id == *s && session.job_id == Some(id))) {
        return Err(Refusal::bad_request(format!("Job {name} is already running.")));
    }
    let job = m.jobs.iter_mut().find(|j| j.id == id).ok_or_else(|| no_job(id))?;
    job.last_status = Some(JobStatus::Running);
    job.last_run = Some(now.clone());
    job.e_tag = Some(job.e_tag.unwrap_or(0) + 1);
    let repository = job.repository_id;
    let proxy = m.repositories.iter().find(|r| Some(r.id) == repository).and_then(|r| r.proxy_id);
    let full = options.full == Some(true);
    let session = JobSession {
        id: session_id,
        job_id: Some(id),
        repository_id: repository,
        main_session_id: Some(session_id),
        details: Some(format!("Job started by {}.", call.shared.config.username)),
        creation_time: Some(now.clone()),
        end_time: None,
        retry_count: Some(0),
        job_will_be_retried: Some(false),
        progress: Some(0),
        job_type: Some(JobSessionType::Backup),
        job_session_config_type: Some(if full {
            JobSessionConfigType::Full
        } else {
            JobSessionConfigType::Incremental
        }),
        status: Some(JobStatus::Running),
        statistics: Some(JobStatistics::default()),
        e_tag: Some(1),
        proxy_id: proxy,
        proxy_pool_id: None,
        links: Some(links(&[
            ("self", format!("/v6/JobSessions/{session_id}")),
            ("job", format!("/v6/Jobs/{id}")),
            ("logItems", format!("/v6/JobSessions/{session_id}/LogItems")),
        ])),
    };
    m.sessions.insert(0, session.clone());
    let started = crate::simulator::seed::log_item(
        session_id,
        0,
        crate::types::JobLogItemType::Running,
        format!("Job {name} started ({})", if full { "full" } else { "incremental" }),
        Some(now.clone()),
        Some(now),
    );
    m.log.insert(session_id, vec![started]);
    m.running.insert(session_id, Run { started: std::time::Instant::now(), takes: call.shared.config.job_duration });
    if call.version >= ApiVersion::V8 { Ok(call.answer(StatusCode::OK, &session)) } else { Ok(call.no_content()) }
}

/// Stops the job's running session; its last status becomes `Stopped`.
pub(super) fn stop(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("jobId")?;
    let now = call.shared.now();
    let mut world = call.shared.world();
    let m = &mut world.monitoring;
    let job = m.jobs.iter().find(|j| j.id == id).ok_or_else(|| no_job(id))?;
    let running = m.running.keys().copied().find(|s| m.sessions.iter().any(|x| x.id == *s && x.job_id == Some(id)));
    let Some(session) = running else {
        return Err(Refusal::bad_request(format!("Job {} is not running.", job.name.clone().unwrap_or_default())));
    };
    m.running.remove(&session);
    m.finish(session, JobStatus::Stopped, &now);
    Ok(call.no_content())
}

/// Enables (`true`) or disables a job.
pub(super) fn enable(call: Call<'_>, enabled: bool) -> Result<Response, Refusal> {
    let id = call.id("jobId")?;
    let mut world = call.shared.world();
    let job = world.monitoring.jobs.iter_mut().find(|j| j.id == id).ok_or_else(|| no_job(id))?;
    if job.is_enabled != Some(enabled) {
        job.is_enabled = Some(enabled);
        job.e_tag = Some(job.e_tag.unwrap_or(0) + 1);
    }
    Ok(call.no_content())
}

fn no_job(id: Uuid) -> Refusal {
    Refusal::not_found(format!("Job with ID {id} was not found."))
}
