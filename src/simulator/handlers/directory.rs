//! An organization's directory: users and their OneDrives, groups and
//! their members, sites and teams, filtered as the request asks; and its
//! synchronization (v8).

use axum::response::Response;
use http::StatusCode;
use uuid::Uuid;

use super::{Call, Refusal};
use crate::simulator::directory::Directory;
use crate::types::{LocationType, OrganizationCurrentSyncState, SyncStatus, SyncType};

/// Whether `text` contains the query parameter `name`, ignoring case (an
/// absent parameter matches everything).
fn matches(call: &Call<'_>, name: &str, text: Option<&str>) -> bool {
    match call.query.get(name) {
        None => true,
        Some(wanted) => text.is_some_and(|t| t.to_lowercase().contains(&wanted.to_lowercase())),
    }
}

/// Whether an object living at `location` passes `locationFilter`.
fn located(call: &Call<'_>, location: Option<&LocationType>) -> bool {
    let Some(filter) = call.query.get("locationFilter") else { return true };
    let at = location.map_or("Cloud", LocationType::as_str);
    match filter.as_str() {
        "Any" => true,
        "CloudOrHybrid" => at != "OnPremises",
        "OnPremisesOrHybrid" => at != "Cloud",
        exact => at == exact,
    }
}

/// Runs `answer` with the directory of the request's organization.
fn with_directory(
    call: &Call<'_>,
    answer: impl FnOnce(&Directory, Uuid) -> Result<Response, Refusal>,
) -> Result<Response, Refusal> {
    let organization = call.id("organizationId")?;
    let world = call.shared.world();
    let directory = world
        .directories
        .get(&organization)
        .ok_or_else(|| Refusal::not_found(format!("Organization with ID {organization} was not found.")))?;
    answer(directory, organization)
}

fn not_found(what: &str, id: &str) -> Refusal {
    Refusal::not_found(format!("{what} with ID {id} was not found."))
}

pub(super) fn users(call: Call<'_>) -> Result<Response, Refusal> {
    with_directory(&call, |directory, organization| {
        let users: Vec<_> = directory
            .users
            .iter()
            .filter(|u| matches(&call, "userName", u.name.as_deref()))
            .filter(|u| matches(&call, "displayName", u.display_name.as_deref()))
            .filter(|u| located(&call, u.location_type.as_ref()))
            .collect();
        call.collection(&users, &format!("Organizations/{organization}/Users"))
    })
}

pub(super) fn user(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.text("userId");
    with_directory(&call, |directory, _| {
        let user = directory.users.iter().find(|u| u.id.as_deref() == Some(id.as_str()));
        Ok(call.answer(StatusCode::OK, user.ok_or_else(|| not_found("User", &id))?))
    })
}

pub(super) fn onedrives(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.text("userId");
    with_directory(&call, |directory, organization| {
        if !directory.users.iter().any(|u| u.id.as_deref() == Some(id.as_str())) {
            return Err(not_found("User", &id));
        }
        let onedrives: Vec<_> = directory.onedrives.iter().filter(|(user, _)| *user == id).map(|(_, o)| o).collect();
        call.collection(&onedrives, &format!("Organizations/{organization}/Users/{id}/OneDrives"))
    })
}

pub(super) fn groups(call: Call<'_>) -> Result<Response, Refusal> {
    with_directory(&call, |directory, organization| {
        let groups: Vec<_> = directory
            .groups
            .iter()
            .filter(|g| matches(&call, "groupName", g.name.as_deref()))
            .filter(|g| matches(&call, "displayName", g.display_name.as_deref()))
            .filter(|g| located(&call, g.location_type.as_ref()))
            .collect();
        call.collection(&groups, &format!("Organizations/{organization}/Groups"))
    })
}

pub(super) fn group(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.text("groupId");
    with_directory(&call, |directory, _| {
        let group = directory.groups.iter().find(|g| g.id.as_deref() == Some(id.as_str()));
        Ok(call.answer(StatusCode::OK, group.ok_or_else(|| not_found("Group", &id))?))
    })
}

pub(super) fn members(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.text("groupId");
    with_directory(&call, |directory, organization| {
        if !directory.groups.iter().any(|g| g.id.as_deref() == Some(id.as_str())) {
            return Err(not_found("Group", &id));
        }
        let members: Vec<_> = directory.members.iter().filter(|(group, _)| *group == id).map(|(_, m)| m).collect();
        call.collection(&members, &format!("Organizations/{organization}/Groups/{id}/Members"))
    })
}

pub(super) fn sites(call: Call<'_>) -> Result<Response, Refusal> {
    let personal = call.query_as::<bool>("includePersonalSites", "true or false")?.unwrap_or(false);
    with_directory(&call, |directory, organization| {
        let parent = call.query.get("parentId").map(|id| directory.sites.iter().find(|s| s.id == *id));
        if let Some(None) = parent {
            return Err(not_found("Site", call.query.get("parentId").map_or("", String::as_str)));
        }
        let parent_url = parent.flatten().map(|s| s.url.as_str());
        let sites: Vec<_> = directory
            .sites
            .iter()
            .filter(|s| personal || !s.is_personal)
            .filter(|s| parent_url.is_none_or(|url| s.parent_url.as_deref() == Some(url)))
            .filter(|s| matches(&call, "filter", Some(&format!("{} {}", s.title, s.url))))
            .filter(|s| match call.query.get("locationFilter").map(String::as_str) {
                Some("OnPremises") => !s.is_cloud,
                Some("Cloud") => s.is_cloud,
                _ => true,
            })
            .collect();
        call.collection(&sites, &format!("Organizations/{organization}/Sites"))
    })
}

pub(super) fn site(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.text("siteId");
    with_directory(&call, |directory, _| {
        let site = directory.sites.iter().find(|s| s.id == id);
        Ok(call.answer(StatusCode::OK, site.ok_or_else(|| not_found("Site", &id))?))
    })
}

pub(super) fn teams(call: Call<'_>) -> Result<Response, Refusal> {
    with_directory(&call, |directory, organization| {
        let teams: Vec<_> =
            directory.teams.iter().filter(|t| matches(&call, "displayName", Some(&t.display_name))).collect();
        call.collection(&teams, &format!("Organizations/{organization}/Teams"))
    })
}

pub(super) fn team(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.text("teamId");
    with_directory(&call, |directory, _| {
        let team = directory.teams.iter().find(|t| t.id.to_string() == id);
        Ok(call.answer(StatusCode::OK, team.ok_or_else(|| not_found("Team", &id))?))
    })
}

/// Every organization's synchronization state, in the organizations' order.
pub(super) fn sync_states(call: Call<'_>) -> Result<Response, Refusal> {
    let world = call.shared.world();
    let states: Vec<_> =
        world.organizations.iter().filter_map(|o| world.directories.get(&o.id)).map(|d| d.sync.clone()).collect();
    Ok(call.answer(StatusCode::OK, &states))
}

pub(super) fn sync_state(call: Call<'_>) -> Result<Response, Refusal> {
    with_directory(&call, |directory, _| Ok(call.answer(StatusCode::OK, &directory.sync)))
}

/// Starts a synchronization that runs for the configured job time; one
/// under way refuses another.
pub(super) fn sync(call: Call<'_>) -> Result<Response, Refusal> {
    let organization = call.id("organizationId")?;
    let options: crate::types::OrganizationSyncOptions = call.body()?;
    let now = call.shared.now();
    let mut world = call.shared.world();
    let directory = world
        .directories
        .get_mut(&organization)
        .ok_or_else(|| Refusal::not_found(format!("Organization with ID {organization} was not found.")))?;
    if directory.sync.current_sync_state.is_some() {
        return Err(Refusal::bad_request(String::from("The organization is being synchronized already.")));
    }
    directory.sync.current_sync_state = Some(OrganizationCurrentSyncState {
        type_: Some(options.type_.unwrap_or(SyncType::Incremental)),
        status: Some(SyncStatus::Running),
        scheduled_time: Some(now.clone()),
        start_time: Some(now),
    });
    directory.syncing = Some((std::time::Instant::now(), call.shared.config.job_duration));
    Ok(call.no_content())
}
