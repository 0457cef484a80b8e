//! Organizations and their backup accounts.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Call, Refusal, links, page};
use crate::ApiVersion;
use crate::types::{BackupAccount, Organization, OrganizationCreate};

/// An organization as `version` answers it: v8 adds a description, the
/// tenant ID and the backed-up organization ID.
fn shaped(organization: &Organization, version: ApiVersion) -> Organization {
    let mut organization = organization.clone();
    if version < ApiVersion::V8 {
        (organization.description, organization.msid, organization.backed_up_organization_id) = (None, None, None);
    }
    organization
}

pub(super) fn list(call: Call<'_>) -> Result<Response, Refusal> {
    let world = call.shared.world();
    let organizations: Vec<Organization> = world.organizations.iter().map(|o| shaped(o, call.version)).collect();
    if call.version < ApiVersion::V8 {
        return Ok(call.answer(StatusCode::OK, &organizations));
    }
    let (offset, limit) = call.paging()?;
    let total = organizations.len() as u64;
    let item = |i: u64| serde_json::to_value(&organizations[i as usize]).unwrap_or(Value::Null);
    let mut body = page(offset, limit, total, item, |o| format!("/v8/organizations?offset={o}&limit={limit}"));
    body.insert("setId".into(), json!(call.shared.config.installation_id));
    Ok(call.answer(StatusCode::OK, &body))
}

pub(super) fn get(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("organizationId")?;
    let world = call.shared.world();
    let organization = world.organizations.iter().find(|o| o.id == id).ok_or_else(|| no_organization(id))?;
    Ok(call.answer(StatusCode::OK, &shaped(organization, call.version)))
}

pub(super) fn add(call: Call<'_>) -> Result<Response, Refusal> {
    let request: OrganizationCreate = call.body()?;
    if request.is_teams_chats_online == Some(true) {
        return Err(Refusal::bad_request(String::from(
            "Backup of team chats is not supported for organizations with basic authentication.",
        )));
    }
    let account = request.exchange_online_settings.as_ref().and_then(|s| s.account.clone());
    let account = account.or_else(|| request.share_point_online_settings.as_ref().and_then(|s| s.account.clone()));
    let Some(name) = account.as_deref().and_then(|a| a.split_once('@')).map(|(_, domain)| domain.to_owned()) else {
        return Err(Refusal::bad_request(String::from("An organization needs the account of at least one service.")));
    };
    let mut world = call.shared.world();
    if world.organizations.iter().any(|o| o.name.as_deref() == Some(name.as_str())) {
        return Err(Refusal::bad_request(format!("Organization {name} has already been added.")));
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
        description: None,
        msid: Some(world.new_id()),
        backed_up_organization_id: None,
        links: Some(links(&[
            ("self", format!("/v6/organizations/{id}")),
            ("jobs", format!("/v6/organizations/{id}/jobs")),
        ])),
        actions: Some(crate::types::Actions(serde_json::Map::new())),
    };
    world.organizations.push(organization.clone());
    Ok(call.answer(call.created(), &shaped(&organization, call.version)))
}

pub(super) fn list_backup_accounts(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("organizationId")?;
    let world = call.shared.world();
    if !world.organizations.iter().any(|o| o.id == id) {
        return Err(no_organization(id));
    }
    let mut accounts = world.backup_accounts.get(&id).cloned().unwrap_or_default();
    if call.version < ApiVersion::V8 {
        accounts.iter_mut().for_each(|a| a.group_member.data_location = None);
    }
    Ok(call.answer(StatusCode::OK, &accounts))
}

pub(super) fn set_backup_accounts(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("organizationId")?;
    let mut accounts: Vec<BackupAccount> = call.body()?;
    let mut world = call.shared.world();
    if !world.organizations.iter().any(|o| o.id == id) {
        return Err(no_organization(id));
    }
    for account in &mut accounts {
        account.password = None;
        account.group_member.links = Some(links(&[("organization", format!("/v6/organizations/{id}"))]));
    }
    world.backup_accounts.insert(id, accounts);
    let body = json!({"_links": {"self": {"href": format!("/v6/organizations/{id}/backupaccounts")}}});
    Ok(call.answer(call.created(), &body))
}

fn no_organization(id: Uuid) -> Refusal {
    Refusal::not_found(format!("Organization with ID {id} was not found."))
}
