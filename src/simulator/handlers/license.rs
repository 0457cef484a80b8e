//! The license and who holds one.

use axum::response::Response;
use http::StatusCode;
use uuid::Uuid;

use super::{Call, Refusal};
use crate::types::{LicenseState, LicensedUser, OrganizationLicensing};

pub(super) fn get(call: Call<'_>) -> Result<Response, Refusal> {
    let world = call.shared.world();
    Ok(call.answer(StatusCode::OK, &world.monitoring.license))
}

pub(super) fn users(call: Call<'_>) -> Result<Response, Refusal> {
    let organization = call.query_as::<Uuid>("organizationId", "a UUID")?;
    let backed_up = call.query.get("backedUpOrganizationId").cloned();
    let name = call.query.get("name").map(|n| n.to_lowercase());
    let world = call.shared.world();
    let users: Vec<&LicensedUser> = world
        .monitoring
        .licensed_users
        .iter()
        .filter(|u| organization.is_none_or(|o| u.organization_id == Some(o)))
        .filter(|u| backed_up.as_ref().is_none_or(|b| u.backed_up_organization_id.as_ref() == Some(b)))
        .filter(|u| name.as_ref().is_none_or(|n| u.name.as_ref().is_some_and(|own| own.to_lowercase().contains(n))))
        .collect();
    call.collection(&users, "LicensedUsers")
}

/// Counted from the licensed users, so that it agrees with them.
pub(super) fn of_organization(call: Call<'_>) -> Result<Response, Refusal> {
    let organization = call.id("organizationId")?;
    let world = call.shared.world();
    if !world.organizations.iter().any(|o| o.id == organization) {
        return Err(Refusal::not_found(format!("Organization with ID {organization} was not found.")));
    }
    let users: Vec<&LicensedUser> =
        world.monitoring.licensed_users.iter().filter(|u| u.organization_id == Some(organization)).collect();
    let new = users.iter().filter(|u| u.license_state == Some(LicenseState::New)).count();
    let licensing =
        OrganizationLicensing { licensed_users: i32::try_from(users.len()).ok(), new_users: i32::try_from(new).ok() };
    Ok(call.answer(StatusCode::OK, &licensing))
}
