//! What a backup job selects: items (v6, v8) and, in the archived v1 API,
//! mailboxes.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Call, Refusal, page};
use crate::ApiVersion;
use crate::types::JobItem;

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
    let job = world.jobs.get(&id).ok_or_else(|| no_job(id))?;
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
    let job = world.jobs.get(&id).ok_or_else(|| no_job(id))?;
    let href = |o: u64| format!("/v1/jobs/{id}/SelectedMailboxes?offset={o}&limit={limit}");
    let body = page(offset, limit, job.count as u64, |i| job.mailbox(i as usize), href);
    Ok(super::json(StatusCode::OK, &body))
}

fn no_job(id: Uuid) -> Refusal {
    Refusal::not_found(format!("Job with ID {id} was not found."))
}
