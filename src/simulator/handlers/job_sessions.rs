//! Job sessions and their logs, filtered as each version filters them.

use axum::response::Response;
use http::StatusCode;
use uuid::Uuid;

use super::{Call, Refusal};
use crate::types::{JobLogItemType, JobSession, JobSessionStatusFilter, JobSessionType, JobStatus};
use crate::{ApiVersion, DateTime};

/// A session as `version` writes it: v6 has no null end time; it writes
/// the far-future marker while a session runs.
fn shaped(session: &JobSession, version: ApiVersion) -> JobSession {
    let mut session = session.clone();
    if version < ApiVersion::V8 && session.end_time.is_none() {
        session.end_time = DateTime::parse("9999-12-31T23:59:59.9999999Z").ok();
    }
    session
}

pub(super) fn list(call: Call<'_>) -> Result<Response, Refusal> {
    let job = call.query_as::<Uuid>("jobId", "a UUID")?;
    let job_type = call.query_as::<JobSessionType>("jobType", "Backup or Copy")?;
    let since = call.query_as::<DateTime>("endTimeLowerBound", "a date-time")?;
    let until = call.query_as::<DateTime>("endTimeUpperBound", "a date-time")?;
    let status = call.query_as::<JobSessionStatusFilter>("status", "a session status")?;
    if let Some(status) = status.as_ref().filter(|s| s.is_unrecognized()) {
        return Err(Refusal::bad_request(format!(
            "`status` must be Stopped, Running, Succeeded, Failed or Warning, not `{status}`."
        )));
    }
    // The filter spells success `Succeeded`; the sessions say `Success`.
    let status = status.map(|s| match s {
        JobSessionStatusFilter::Succeeded => JobStatus::Success,
        other => JobStatus::from(other.as_str()),
    });
    let world = call.shared.world();
    let sessions: Vec<JobSession> = world
        .monitoring
        .sessions
        .iter()
        .filter(|s| job.is_none_or(|j| s.job_id == Some(j)))
        .filter(|s| job_type.as_ref().is_none_or(|t| s.job_type.as_ref().is_none_or(|own| own == t)))
        .filter(|s| status.as_ref().is_none_or(|st| s.status.as_ref() == Some(st)))
        .filter(|s| since.as_ref().is_none_or(|t| s.end_time.as_ref().is_none_or(|end| end >= t)))
        .filter(|s| until.as_ref().is_none_or(|t| s.end_time.as_ref().is_some_and(|end| end <= t)))
        .map(|s| shaped(s, call.version))
        .collect();
    call.collection(&sessions, "JobSessions")
}

/// v6 only: the sessions of one job.
pub(super) fn list_of_job(call: Call<'_>) -> Result<Response, Refusal> {
    let job = call.id("jobId")?;
    let world = call.shared.world();
    if !world.monitoring.jobs.iter().any(|j| j.id == job) {
        return Err(Refusal::not_found(format!("Job with ID {job} was not found.")));
    }
    let sessions: Vec<JobSession> =
        world.monitoring.sessions.iter().filter(|s| s.job_id == Some(job)).map(|s| shaped(s, call.version)).collect();
    call.collection(&sessions, &format!("Jobs/{job}/JobSessions"))
}

pub(super) fn get(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("jobSessionId")?;
    let world = call.shared.world();
    let session = world.monitoring.sessions.iter().find(|s| s.id == id).ok_or_else(|| no_session(id))?;
    Ok(call.answer(StatusCode::OK, &shaped(session, call.version)))
}

/// The log, oldest first unless `orderAsc=false` (v8 also filters by type).
pub(super) fn log(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("jobSessionId")?;
    let kind = call.query_as::<JobLogItemType>("type", "a log item type")?;
    let ascending = call.query_as::<bool>("orderAsc", "true or false")?.unwrap_or(true);
    let world = call.shared.world();
    let made;
    let log = match world.monitoring.log.get(&id) {
        Some(log) => log,
        None => {
            // A large server's extra sessions have their log made when asked.
            let session = world.monitoring.sessions.iter().find(|s| s.id == id).ok_or_else(|| no_session(id))?;
            made = crate::simulator::seed::generated_log(session);
            &made
        }
    };
    let mut items: Vec<_> = log.iter().filter(|i| kind.as_ref().is_none_or(|k| i.type_.as_ref() == Some(k))).collect();
    if !ascending {
        items.reverse();
    }
    call.collection(&items, &format!("JobSessions/{id}/LogItems"))
}

fn no_session(id: Uuid) -> Refusal {
    Refusal::not_found(format!("Job session with ID {id} was not found."))
}
