//! Whether the server is healthy.

use crate::api::families::GET_HEALTH;
use crate::types::{HealthReport, HealthReportEntry, HealthStatus};
use crate::{ApiVersion, Client, Error};

/// The entry [`Client::health`] reports for a server without a health
/// resource.
pub const SERVICE_INSTANCE_ENTRY: &str = "serviceInstance";

impl Client {
    /// The server's health. API v8 reports it (`GET /v8/Health`, which
    /// needs no token): its own status and that of the message bus and the
    /// configuration database it depends on. v6 has no such resource: the
    /// client asks for the service instance instead, and a server that
    /// answers is reported healthy, with one entry named
    /// [`SERVICE_INSTANCE_ENTRY`] that says so; one that does not answer is
    /// the call's error.
    pub async fn health(&self) -> Result<HealthReport, Error> {
        match self.state().versions.choose_family(&GET_HEALTH) {
            Ok(version) if version == ApiVersion::V8 => {
                let send = self.api().get_health_v8().send();
                crate::request::call::call(self.state(), "get_health_v8", Box::pin(send)).await
            }
            Ok(_) | Err(Error::NotServed { .. }) => {
                let info = self.server_info().await?;
                let build = info.product_version.as_deref().unwrap_or("an unknown build");
                let entry = HealthReportEntry {
                    status: Some(HealthStatus::Healthy),
                    description: Some(format!(
                        "API {} has no health report; the service instance ({build}) answered",
                        self.api_versions().and_then(|v| v.into_iter().max()).map_or(String::new(), |v| v.to_string())
                    )),
                };
                Ok(HealthReport {
                    status: Some(HealthStatus::Healthy),
                    entries: std::iter::once((SERVICE_INSTANCE_ENTRY.to_owned(), entry)).collect(),
                })
            }
            Err(e) => Err(e),
        }
    }
}
