//! The server itself: its installation, its build, the API versions it serves.

use uuid::Uuid;

use crate::api::versioned;
use crate::{ApiVersion, Client, Error};

/// What a server says about itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ServerInfo {
    /// The ID of the installation.
    pub installation_id: Option<Uuid>,
    /// The product build, e.g. `8.1.0.305`.
    pub product_version: Option<String>,
    /// The API versions it serves (found out at login, or as pinned).
    pub api_versions: Vec<ApiVersion>,
}

impl Client {
    /// The installation ID, the product version and the API versions the
    /// server serves (`GET /vN/ServiceInstance`, with the token).
    pub async fn server_info(&self) -> Result<ServerInfo, Error> {
        let instance = versioned!(send self.api(), get_service_instance, |op| op)?;
        Ok(ServerInfo {
            installation_id: instance.installation_id,
            product_version: instance.version,
            api_versions: self.api_versions().unwrap_or_default(),
        })
    }
}
