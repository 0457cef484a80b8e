//! The v8 health report, answered without a token.

use axum::response::Response;
use http::StatusCode;

use super::{Call, Refusal};

pub(super) fn get(call: Call<'_>) -> Result<Response, Refusal> {
    let world = call.shared.world();
    Ok(call.answer(StatusCode::OK, &world.monitoring.health))
}
