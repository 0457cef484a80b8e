//! Tokens and the service instance.

use std::time::SystemTime;

use axum::response::Response;
use chrono::{DateTime, Utc};
use http::StatusCode;
use serde_json::{Value, json};

use super::{Call, Refusal};
use crate::ApiVersion;

pub(super) fn create_token(call: Call<'_>) -> Result<Response, Refusal> {
    let config = &call.shared.config;
    let field = |name: &str| call.body.as_ref().and_then(|b| b.get(name)).and_then(Value::as_str).unwrap_or_default();
    let mut world = call.shared.world();
    let accepted = match field("grant_type") {
        "password" => field("username") == config.username && field("password") == config.password.expose(),
        "refresh_token" => world.tokens.refresh.remove(field("refresh_token")),
        "urn:ietf:params:oauth:grant-type:jwt-bearer" => {
            field("client_id") == config.client_id && field("assertion") == config.assertion.expose()
        }
        other => return Err(Refusal::bad_request(format!("The grant type `{other}` is not supported."))),
    };
    if !accepted {
        return Err(Refusal::bad_request(String::from("The credentials or the refresh token were not accepted.")));
    }
    let (access, refresh) = world.tokens.issue();
    let lifetime = world.tokens.lifetime;
    let now = SystemTime::now();
    let http_date = |t: SystemTime| DateTime::<Utc>::from(t).format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    Ok(super::json(
        StatusCode::OK,
        &json!({
            "access_token": access,
            "token_type": "bearer",
            "expires_in": lifetime.as_secs().max(1),
            "refresh_token": refresh,
            "userName": config.username,
            ".issued": http_date(now),
            ".expires": http_date(now + lifetime),
        }),
    ))
}

/// The installation and its build: a VB365 8 build when the simulator
/// serves v8, else a VB365 6 build.
pub(super) fn service_instance(call: Call<'_>) -> Response {
    let config = &call.shared.config;
    let build = if config.versions.contains(&ApiVersion::V8) { "8.1.0.305" } else { "6.1.0.222" };
    super::json(StatusCode::OK, &json!({"installationId": config.installation_id, "version": build}))
}
