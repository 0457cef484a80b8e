//! Restore points: one for each backup run that saved data (a job session
//! that ended in success or with warnings), as a server keeps them.

use axum::response::Response;
use http::StatusCode;
use uuid::Uuid;

use super::{Call, Refusal, links};
use crate::ApiVersion;
use crate::DateTime;
use crate::simulator::state::World;
use crate::types::{JobBackupType, JobStatus, RestorePoint};

/// Every restore point of the world, newest first.
fn points(world: &World, version: ApiVersion) -> Vec<RestorePoint> {
    let m = &world.monitoring;
    let saved = |s: &&crate::types::JobSession| matches!(s.status, Some(JobStatus::Success | JobStatus::Warning));
    let finished = |s: &&crate::types::JobSession| s.end_time.as_ref().is_some_and(|e| !e.is_open_ended());
    m.sessions
        .iter()
        .filter(saved)
        .filter(finished)
        .filter_map(|session| {
            let job = m.jobs.iter().find(|j| Some(j.id) == session.job_id)?;
            let id = session.id.to_string();
            let name = job.name.as_deref().unwrap_or_default();
            // The simulator keeps no data per service: a job of the entire
            // organization saves every service, one of selected items the
            // services its name mentions (as the recorded jobs do), or all.
            let entire = job.backup_type.as_ref() == Some(&JobBackupType::EntireOrganization);
            let mentioned = ["Exchange", "OneDrive", "SharePoint", "Teams"].map(|s| name.contains(s));
            let any = mentioned.iter().any(|m| *m);
            let has = |i: usize| Some(entire || !any || mentioned[i]);
            let v8 = version >= ApiVersion::V8;
            let mut hrefs = vec![("self", format!("/{version}/RestorePoints/{id}"))];
            hrefs.extend(job.organization_id.map(|o| ("organization", format!("/{version}/Organizations/{o}"))));
            hrefs.push(("job", format!("/{version}/Jobs/{}", job.id)));
            hrefs.extend(job.repository_id.map(|r| ("backupRepository", format!("/{version}/BackupRepositories/{r}"))));
            Some(RestorePoint {
                id: Some(id),
                repository_id: job.repository_id,
                backup_time: session.creation_time.clone(),
                job_id: Some(job.id),
                retrieval_id: None,
                organization_id: job.organization_id,
                is_exchange: has(0),
                is_one_drive: has(1),
                is_share_point: has(2),
                is_teams: has(3),
                is_long_term_copy: Some(false),
                is_retrieved: Some(false),
                is_copy: v8.then_some(false),
                is_deleted: v8.then_some(false),
                e_tag: v8.then_some(1),
                objects_etag: v8.then_some(1),
                immutability_expires_on: None,
                links: Some(links(&hrefs)),
            })
        })
        .collect()
}

/// v6 filters by organization, job, repository, one backup time and the
/// long-term and retrieved flags; v8 by a time window too (its filters by
/// copy and by user, group, site or team are ignored here), newest first unless `orderAsc=true`, in pages.
pub(super) fn list(call: Call<'_>) -> Result<Response, Refusal> {
    let organization = call.query_as::<Uuid>("organizationId", "a UUID")?;
    let job = call.query_as::<Uuid>("jobId", "a UUID")?;
    let repository = call.query_as::<Uuid>("repositoryId", "a UUID")?;
    let at = call.query_as::<DateTime>("backupTime", "a date-time")?;
    let from = call.query_as::<DateTime>("from", "a date-time")?;
    let to = call.query_as::<DateTime>("to", "a date-time")?;
    let ascending = call.query_as::<bool>("orderAsc", "true or false")?.unwrap_or(false);
    let long_term = call.query_as::<bool>("isLongTermCopy", "true or false")?;
    let retrieved = call.query_as::<bool>("isRetrieved", "true or false")?;
    let world = call.shared.world();
    let mut points: Vec<RestorePoint> = points(&world, call.version)
        .into_iter()
        .filter(|p| organization.is_none_or(|o| p.organization_id == Some(o)))
        .filter(|p| job.is_none_or(|j| p.job_id == Some(j)))
        .filter(|p| repository.is_none_or(|r| p.repository_id == Some(r)))
        .filter(|p| at.as_ref().is_none_or(|at| p.backup_time.as_ref() == Some(at)))
        .filter(|p| from.as_ref().is_none_or(|f| p.backup_time.as_ref().is_some_and(|t| t >= f)))
        .filter(|p| long_term.is_none_or(|l| p.is_long_term_copy == Some(l)))
        .filter(|p| retrieved.is_none_or(|r| p.is_retrieved == Some(r)))
        .filter(|p| to.as_ref().is_none_or(|e| p.backup_time.as_ref().is_some_and(|t| t <= e)))
        .collect();
    points.sort_by(|a, b| {
        let order = a.backup_time.cmp(&b.backup_time);
        if ascending { order } else { order.reverse() }
    });
    call.collection(&points, "RestorePoints")
}

pub(super) fn get(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.params.get("restorePointId").cloned().unwrap_or_default();
    let world = call.shared.world();
    let point = points(&world, call.version).into_iter().find(|p| p.id.as_deref() == Some(id.as_str()));
    let point = point.ok_or_else(|| Refusal::not_found(format!("Restore point with ID {id} was not found.")))?;
    Ok(call.answer(StatusCode::OK, &point))
}
