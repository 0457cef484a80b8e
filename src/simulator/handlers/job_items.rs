//! What a job selects and excludes: listed, read, added, changed and
//! removed, checked against the organization's directory as a server
//! checks them.

use axum::response::Response;
use http::StatusCode;
use serde_json::json;
use uuid::Uuid;

use super::{Call, Refusal, links, page};
use crate::ApiVersion;
use crate::JobItemPart;
use crate::simulator::directory::Directory;
use crate::simulator::selection::Selection;
use crate::simulator::state::World;
use crate::types::{JobItem, JobItemType};

/// Which of a job's lists a request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum List {
    Selected,
    Excluded,
}

impl List {
    fn path(self) -> &'static str {
        match self {
            Self::Selected => "selecteditems",
            Self::Excluded => "excludeditems",
        }
    }

    fn items(self, selection: &Selection) -> Vec<JobItem> {
        match self {
            Self::Selected => selection.items(),
            Self::Excluded => selection.excluded.clone(),
        }
    }
}

/// An item as `version` answers it: v6 has no `eTag`, tenant IDs, data
/// locations or licenses on the objects; v8 no longer has `chats`.
pub(super) fn shaped(mut item: JobItem, version: ApiVersion) -> JobItem {
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

pub(super) fn list(call: Call<'_>, list: List) -> Result<Response, Refusal> {
    let id = call.id("jobId")?;
    let world = call.shared.world();
    let selection = world.selections.get(&id).ok_or_else(|| super::jobs::no_job(id))?;
    let version = call.version;
    let value = |item: JobItem| serde_json::to_value(shaped(item, version)).unwrap_or_default();
    if version < ApiVersion::V8 {
        let all: Vec<_> = list.items(selection).into_iter().map(value).collect();
        return Ok(call.answer(StatusCode::OK, &all));
    }
    let (offset, limit) = call.paging()?;
    let href = |o: u64| format!("/v8/jobs/{id}/{}?offset={o}&limit={limit}", list.path());
    let mut body = match list {
        // The seeded selection can be huge: make only the page's items.
        List::Selected => page(offset, limit, selection.len() as u64, |i| value(nth(selection, i)), href),
        List::Excluded => {
            let items = &selection.excluded;
            page(offset, limit, items.len() as u64, |i| value(items[i as usize].clone()), href)
        }
    };
    body.insert("setId".into(), json!(id));
    Ok(call.answer(StatusCode::OK, &body))
}

fn nth(selection: &Selection, index: u64) -> JobItem {
    selection.nth(usize::try_from(index).unwrap_or(usize::MAX)).unwrap_or_default()
}

pub(super) fn get(call: Call<'_>, list: List) -> Result<Response, Refusal> {
    let (job, item_id) = (call.id("jobId")?, call.text("itemId"));
    let world = call.shared.world();
    let selection = world.selections.get(&job).ok_or_else(|| super::jobs::no_job(job))?;
    let item = match list {
        List::Selected => selection.find(&item_id),
        List::Excluded => selection.excluded.iter().find(|i| i.id.as_deref() == Some(item_id.as_str())).cloned(),
    };
    let item = item.ok_or_else(|| no_item(job, &item_id))?;
    Ok(call.answer(StatusCode::OK, &shaped(item, call.version)))
}

/// Adds items: each must exist in the organization's directory and not
/// be in the list already. All or nothing.
pub(super) fn add(call: Call<'_>, list: List) -> Result<Response, Refusal> {
    let job = call.id("jobId")?;
    let items: Vec<JobItem> = call.body()?;
    let mut world = call.shared.world();
    let organization = organization_of(&world, job)?;
    let present = list.items(world.selections.get(&job).ok_or_else(|| super::jobs::no_job(job))?);
    let mut checked = Vec::new();
    for item in items {
        let mut item = resolved(&world, organization, item)?;
        if present.iter().chain(&checked).any(|p| key(p) == key(&item)) {
            let what = item.name().unwrap_or_default().to_owned();
            return Err(Refusal::bad_request(format!("{} {what} is already in the job's list.", kind(&item))));
        }
        let id = world.new_id();
        item.links = Some(links(&[("self", format!("/v8/Jobs/{job}/{}/{id}", list.path()))]));
        item.id = Some(id.to_string());
        checked.push(item);
    }
    let selection = world.selections.get_mut(&job).ok_or_else(|| super::jobs::no_job(job))?;
    match list {
        List::Selected => selection.added.extend(checked),
        List::Excluded => selection.excluded.extend(checked),
    }
    super::jobs::touch(&mut world, job);
    Ok(call.no_content())
}

/// Removes the items `ids` names; an ID the list lacks removes nothing.
pub(super) fn remove(call: Call<'_>, list: List) -> Result<Response, Refusal> {
    let job = call.id("jobId")?;
    let ids = call.query.get("ids").cloned().unwrap_or_default();
    let ids: Vec<&str> = ids.split(',').map(str::trim).filter(|i| !i.is_empty()).collect();
    if ids.is_empty() {
        return Err(Refusal::bad_request(String::from("`ids` names no item.")));
    }
    let mut world = call.shared.world();
    let selection = world.selections.get_mut(&job).ok_or_else(|| super::jobs::no_job(job))?;
    let present = list.items(selection);
    if let Some(missing) = ids.iter().find(|id| !present.iter().any(|i| i.id.as_deref() == Some(**id))) {
        return Err(no_item(job, missing));
    }
    for id in ids {
        match list {
            List::Selected => {
                selection.remove(id);
            }
            List::Excluded => selection.excluded.retain(|i| i.id.as_deref() != Some(id)),
        }
    }
    super::jobs::touch(&mut world, job);
    Ok(call.no_content())
}

/// Changes the parts an item processes; what it selects stays.
pub(super) fn update(call: Call<'_>, list: List) -> Result<Response, Refusal> {
    let (job, item_id) = (call.id("jobId")?, call.text("itemId"));
    let change: JobItem = call.body()?;
    let mut world = call.shared.world();
    let selection = world.selections.get_mut(&job).ok_or_else(|| super::jobs::no_job(job))?;
    let present = list.items(selection).into_iter().find(|i| i.id.as_deref() == Some(item_id.as_str()));
    let mut item = present.ok_or_else(|| no_item(job, &item_id))?;
    if change.object_id().is_some_and(|object| item.object_id() != Some(object)) {
        return Err(Refusal::bad_request(String::from("An item cannot change what it selects; add another.")));
    }
    for part in JobItemPart::ALL {
        item.set(part, change.parts().contains(&part));
    }
    check_parts(&item)?;
    match list {
        List::Selected => {
            selection.replace(item);
        }
        List::Excluded => {
            if let Some(slot) = selection.excluded.iter_mut().find(|i| i.id.as_deref() == Some(item_id.as_str())) {
                *slot = item;
            }
        }
    }
    super::jobs::touch(&mut world, job);
    Ok(call.no_content())
}

/// The organization a job backs up.
fn organization_of(world: &World, job: Uuid) -> Result<Uuid, Refusal> {
    let found = world.monitoring.jobs.iter().find(|j| j.id == job).ok_or_else(|| super::jobs::no_job(job))?;
    found.organization_id.ok_or_else(|| Refusal::bad_request(format!("Job {job} has no organization.")))
}

/// `item` with the directory's object in place of the one sent; refused
/// when the directory lacks it or the item processes nothing it has.
pub(super) fn resolved(world: &World, organization: Uuid, mut item: JobItem) -> Result<JobItem, Refusal> {
    let directory = world
        .directories
        .get(&organization)
        .ok_or_else(|| Refusal::not_found(format!("Organization with ID {organization} was not found.")))?;
    let object = item.object_id().unwrap_or_default();
    let missing =
        || Refusal::bad_request(format!("{} with ID {object} was not found in the organization.", kind(&item)));
    let Directory { users, groups, sites, teams, .. } = directory;
    match item.type_.clone() {
        Some(JobItemType::User) => {
            let user = users.iter().find(|u| u.id.as_deref() == Some(object.as_str())).ok_or_else(missing)?;
            item.user = Some(user.clone());
        }
        Some(JobItemType::Group) => {
            let group = groups.iter().find(|g| g.id.as_deref() == Some(object.as_str())).ok_or_else(missing)?;
            item.group = Some(group.clone());
        }
        Some(JobItemType::Site) => {
            let site = sites.iter().find(|s| s.id == object).ok_or_else(missing)?;
            item.site = JobItem::site(site).site;
        }
        Some(JobItemType::Team) => {
            let team = teams.iter().find(|t| t.id.to_string() == object).ok_or_else(missing)?;
            item.team = Some(team.clone());
        }
        Some(JobItemType::PersonalSites | JobItemType::PartialOrganization) => {}
        _ => return Err(Refusal::bad_request(String::from("An item needs a type the server knows."))),
    }
    check_parts(&item)?;
    Ok(item)
}

/// A user or group item must process something, and nothing its type lacks.
fn check_parts(item: &JobItem) -> Result<(), Refusal> {
    let type_ = item.type_.clone().unwrap_or(JobItemType::PartialOrganization);
    let has = JobItemPart::of(&type_);
    if let Some(part) = item.parts().into_iter().find(|p| !has.contains(p)) {
        return Err(Refusal::bad_request(format!("A {type_} item cannot process {part}.")));
    }
    if matches!(type_, JobItemType::User | JobItemType::Group) && item.parts().is_empty() {
        let names: Vec<&str> = has.iter().map(|p| p.as_str()).collect();
        return Err(Refusal::bad_request(format!("A {type_} item must process one of {}.", names.join(", "))));
    }
    Ok(())
}

/// What makes two items the same entry: their type and object.
fn key(item: &JobItem) -> (Option<JobItemType>, Option<String>) {
    (item.type_.clone(), item.object_id())
}

fn kind(item: &JobItem) -> String {
    item.type_.as_ref().map_or_else(|| String::from("Item"), ToString::to_string)
}

fn no_item(job: Uuid, id: &str) -> Refusal {
    Refusal::not_found(format!("Item with ID {id} was not found in job {job}."))
}
