//! Backup jobs: listed, read, created, changed, removed, started, stopped,
//! enabled and disabled; and, in the archived v1 API, the mailboxes a job
//! selects.

use axum::response::Response;
use http::StatusCode;
use uuid::Uuid;

use super::{Call, Refusal, links, page};
use crate::ApiVersion;
use crate::simulator::state::Run;
use crate::types::{
    Job, JobBackupType, JobCreate, JobSchedulePolicy, JobSession, JobSessionConfigType, JobSessionType, JobStatistics,
    JobStatus, JobUpdate, ScheduleType, StartJobOptions,
};

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
    let session = run(call.shared, id, options.full == Some(true))?;
    if call.version >= ApiVersion::V8 { Ok(call.answer(StatusCode::OK, &session)) } else { Ok(call.no_content()) }
}

/// Begins a run of job `id`: its session, first log line and last status.
fn run(shared: &crate::simulator::Shared, id: Uuid, full: bool) -> Result<JobSession, Refusal> {
    let now = shared.now();
    let mut world = shared.world();
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
    let session = JobSession {
        id: session_id,
        job_id: Some(id),
        repository_id: repository,
        main_session_id: Some(session_id),
        details: Some(format!("Job started by {}.", shared.config.username)),
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
    m.running.insert(session_id, Run { started: std::time::Instant::now(), takes: shared.config.job_duration });
    Ok(session)
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

pub(super) fn no_job(id: Uuid) -> Refusal {
    Refusal::not_found(format!("Job with ID {id} was not found."))
}

/// Creates a job (v6: the organization in the path, answered `200`; v8:
/// in the body, answered `201`), checked as a server checks it: the
/// organization and repository exist and go together, the name is free,
/// and every item exists in the organization's directory.
pub(super) fn create(call: Call<'_>) -> Result<Response, Refusal> {
    let request: JobCreate = call.body()?;
    let organization = match call.version {
        ApiVersion::V8 => request
            .organization_id
            .ok_or_else(|| Refusal::bad_request(String::from("`organizationId` is required.")))?,
        _ => call.id("organizationId")?,
    };
    let now = call.shared.now();
    let mut world = call.shared.world();
    if !world.organizations.iter().any(|o| o.id == organization) {
        return Err(Refusal::not_found(format!("Organization with ID {organization} was not found.")));
    }
    check_repository(&world, call.version, organization, request.repository_id)?;
    check_name(&world, &request.name, None)?;
    if request.backup_type == JobBackupType::SelectedItems && request.selected_items.is_empty() {
        return Err(Refusal::bad_request(String::from("A job of selected items must select at least one item.")));
    }
    let id = world.new_id();
    let mut selection = crate::simulator::selection::Selection::default();
    for (items, into) in
        [(request.selected_items, &mut selection.added), (request.excluded_items, &mut selection.excluded)]
    {
        for item in items {
            let mut item = super::job_items::resolved(&world, organization, item)?;
            item.id = Some(world.new_id().to_string());
            into.push(item);
        }
    }
    let policy = request.schedule_policy.unwrap_or_else(|| crate::Schedule::Manual.policy());
    let job = Job {
        id,
        name: Some(request.name),
        description: request.description,
        backup_type: Some(request.backup_type),
        organization_id: Some(organization),
        repository_id: Some(request.repository_id),
        next_run: next_run(&policy, &now),
        schedule_policy: Some(policy),
        last_run: None,
        last_backup: None,
        is_enabled: Some(request.is_enabled.unwrap_or(true)),
        last_status: Some(JobStatus::NotConfigured),
        e_tag: Some(1),
        links: Some(job_links(id, organization, request.repository_id)),
    };
    world.monitoring.jobs.push(job.clone());
    world.selections.insert(id, selection);
    drop(world);
    if request.run_now == Some(true) {
        run(call.shared, id, false)?;
    }
    let job = call.shared.world().monitoring.jobs.iter().find(|j| j.id == id).cloned().unwrap_or(job);
    Ok(call.answer(call.created(), &job))
}

/// Changes a job: what the body sets replaces what the job has, checked as
/// on creation. Answered `204`.
pub(super) fn update(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("jobId")?;
    let change: JobUpdate = call.body()?;
    let now = call.shared.now();
    let mut world = call.shared.world();
    let job = world.monitoring.jobs.iter().find(|j| j.id == id).ok_or_else(|| no_job(id))?;
    let organization = job.organization_id.unwrap_or_default();
    if let Some(repository) = change.repository_id {
        check_repository(&world, call.version, organization, repository)?;
    }
    if let Some(name) = &change.name {
        check_name(&world, name, Some(id))?;
    }
    let job = world.monitoring.jobs.iter_mut().find(|j| j.id == id).ok_or_else(|| no_job(id))?;
    let JobUpdate { name, description, backup_type, repository_id, schedule_policy, is_enabled, .. } = change;
    job.name = name.or(job.name.take());
    job.description = description.or(job.description.take());
    job.backup_type = backup_type.or(job.backup_type.take());
    job.is_enabled = is_enabled.or(job.is_enabled);
    if let Some(repository) = repository_id {
        job.repository_id = Some(repository);
        job.links = Some(job_links(id, organization, repository));
    }
    if let Some(policy) = schedule_policy {
        job.next_run = next_run(&policy, &now);
        job.schedule_policy = Some(policy);
    }
    job.e_tag = Some(job.e_tag.unwrap_or(0) + 1);
    Ok(call.no_content())
}

/// Removes a job; its sessions stay, as its backups do on a server.
pub(super) fn remove(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("jobId")?;
    let mut world = call.shared.world();
    let before = world.monitoring.jobs.len();
    world.monitoring.jobs.retain(|j| j.id != id);
    if world.monitoring.jobs.len() == before {
        return Err(no_job(id));
    }
    world.selections.remove(&id);
    Ok(call.no_content())
}

/// A change to what a job selects changes the job: its eTag moves on.
pub(super) fn touch(world: &mut crate::simulator::state::World, id: Uuid) {
    if let Some(job) = world.monitoring.jobs.iter_mut().find(|j| j.id == id) {
        job.e_tag = Some(job.e_tag.unwrap_or(0) + 1);
    }
}

/// A repository must exist and belong to the job's organization or to none.
/// Repositories belong to organizations from v8 on; v6 has no such thing.
fn check_repository(
    world: &crate::simulator::state::World,
    version: ApiVersion,
    organization: Uuid,
    id: Uuid,
) -> Result<(), Refusal> {
    let repository = world.monitoring.repositories.iter().find(|r| r.id == id);
    let repository =
        repository.ok_or_else(|| Refusal::bad_request(format!("Backup repository with ID {id} was not found.")))?;
    match repository.organization_id {
        Some(owner) if owner != organization && version >= ApiVersion::V8 => Err(Refusal::bad_request(format!(
            "Backup repository {} belongs to another organization.",
            repository.name.as_deref().unwrap_or_default()
        ))),
        _ => Ok(()),
    }
}

/// Job names are unique on a server.
fn check_name(world: &crate::simulator::state::World, name: &str, except: Option<Uuid>) -> Result<(), Refusal> {
    if name.trim().is_empty() {
        return Err(Refusal::bad_request(String::from("A job needs a name.")));
    }
    let taken = world.monitoring.jobs.iter().any(|j| Some(j.id) != except && j.name.as_deref() == Some(name));
    if taken {
        return Err(Refusal::bad_request(format!("A job named {name} already exists.")));
    }
    Ok(())
}

fn job_links(id: Uuid, organization: Uuid, repository: Uuid) -> crate::types::Links {
    links(&[
        ("self", format!("/v6/Jobs/{id}")),
        ("organization", format!("/v6/Organizations/{organization}")),
        ("backupRepository", format!("/v6/BackupRepositories/{repository}")),
    ])
}

/// When a job on `policy` runs next after `now`: the next daily time (any
/// day; the simulator does not count workdays), or one period on; `None`
/// for a job run by hand.
fn next_run(policy: &JobSchedulePolicy, now: &crate::DateTime) -> Option<crate::DateTime> {
    let now = now.utc();
    match crate::Schedule::of(policy)? {
        crate::Schedule::Daily { hour, minute, .. } => {
            let today = now.date_naive().and_hms_opt(u32::from(hour), u32::from(minute), 0)?.and_utc();
            let next = if today > now { today } else { today + chrono::TimeDelta::days(1) };
            Some(next.into())
        }
        crate::Schedule::Periodically(period) if policy.type_ == Some(ScheduleType::Periodically) => {
            Some((now + chrono::TimeDelta::from_std(period.duration()?).ok()?).into())
        }
        _ => None,
    }
}
