//! Backup proxies.

use axum::response::Response;
use http::StatusCode;

use super::{Call, Refusal};

pub(super) fn list(call: Call<'_>) -> Result<Response, Refusal> {
    let world = call.shared.world();
    call.collection(&world.monitoring.proxies, "Proxies")
}

pub(super) fn get(call: Call<'_>) -> Result<Response, Refusal> {
    let id = call.id("proxyId")?;
    let world = call.shared.world();
    let proxy = world
        .monitoring
        .proxies
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| Refusal::not_found(format!("Proxy with ID {id} was not found.")))?;
    Ok(call.answer(StatusCode::OK, proxy))
}
