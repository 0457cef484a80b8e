//! Backup repositories and the space organizations take in them.

use axum::response::Response;
use http::StatusCode;
use uuid::Uuid;

use super::{Call, Refusal};
use crate::types::BackupRepository;

pub(super) fn list(call: Call<'_>) -> Result<Response, Refusal> {
    let proxy = call.query_as::<Uuid>("proxyId", "a UUID")?;
    let pool = call.query_as::<Uuid>("proxyPoolId", "a UUID")?;
    let organization = call.query_as::<Uuid>("organizationId", "a UUID")?;
    let long_term = call.query_as::<bool>("longTerm", "true or false")?;
    let world = call.shared.world();
    let repositories: Vec<&BackupRepository> = world
        .monitoring
        .repositories
        .iter()
        .filter(|r| proxy.is_none_or(|p| r.proxy_id == Some(p)))
        .filter(|r| pool.is_none_or(|p| r.proxy_pool_id == Some(p)))
        .filter(|r| organization.is_none_or(|o| r.organization_id.is_none_or(|own| own == o)))
        .filter(|r| long_term.is_none_or(|l| r.is_long_term.unwrap_or(false) == l))
        .collect();
    call.collection(&repositories, "BackupRepositories")
}

pub(super) fn get(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("repositoryId")?;
    let world = call.shared.world();
    let repository = world
        .monitoring
        .repositories
        .iter()
        .find(|r| r.id == id)
        .ok_or_else(|| Refusal::not_found(format!("Backup repository with ID {id} was not found.")))?;
    Ok(call.answer(StatusCode::OK, repository))
}

pub(super) fn used(call: Call<'_>) -> Result<Response, Refusal> {
    let organization = call.id("organizationId")?;
    let world = call.shared.world();
    let used = world
        .monitoring
        .used_repositories
        .get(&organization)
        .ok_or_else(|| Refusal::not_found(format!("Organization with ID {organization} was not found.")))?;
    call.collection(used, &format!("Organizations/{organization}/usedRepositories"))
}
