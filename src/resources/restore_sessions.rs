//! Restore sessions for tenant organizations: start, read, stop.

use uuid::Uuid;

use crate::request::call::call;
use crate::types::{ExploreOptions, RestoreSession};
use crate::{ApiVersion, Client, Error};

const V6_V8: &[ApiVersion] = &[ApiVersion::V6, ApiVersion::V8];

impl Client {
    /// Starts a restore session over the backups made before
    /// `options.date_time` (`POST /vN/Organization/Explore`, operation
    /// `explore_tenant_organization`; v8 answers `201`).
    ///
    /// Log in with the credentials that added the organization, or with an
    /// assertion for tenants with modern app-only authentication. The
    /// server limits how many sessions run at once: call
    /// [`Client::stop_restore_session`] when done. Not repeated after a
    /// failure that may have reached the server (a repeat could start a
    /// second session); only after a `401`, with a renewed token.
    pub async fn start_restore_session(&self, options: ExploreOptions) -> Result<RestoreSession, Error> {
        match self.state().versions.choose("explore_tenant_organization", V6_V8, None)? {
            ApiVersion::V8 => {
                let request = self.api().explore_tenant_organization_v8().body(options);
                call(self.state(), "explore_tenant_organization_v8", Box::pin(request.send())).await
            }
            _ => {
                let request = self.api().explore_tenant_organization().body(options);
                call(self.state(), "explore_tenant_organization", Box::pin(request.send())).await
            }
        }
    }

    /// A restore session (`GET /vN/RestoreSessions/{restoreSessionId}`; v8
    /// sessions carry an `eTag`).
    pub async fn get_restore_session(&self, restore_session_id: Uuid) -> Result<RestoreSession, Error> {
        match self.state().versions.choose("get_restore_session", V6_V8, None)? {
            ApiVersion::V8 => {
                let request = self.api().get_restore_session_v8().restore_session_id(restore_session_id);
                call(self.state(), "get_restore_session_v8", Box::pin(request.send())).await
            }
            _ => {
                let request = self.api().get_restore_session().restore_session_id(restore_session_id);
                call(self.state(), "get_restore_session", Box::pin(request.send())).await
            }
        }
    }

    /// Stops a restore session
    /// (`POST /vN/RestoreSessions/{restoreSessionId}/Stop`; v6 answers `200`,
    /// v8 `204`). Any 2xx answer counts as stopped.
    pub async fn stop_restore_session(&self, restore_session_id: Uuid) -> Result<(), Error> {
        let result = match self.state().versions.choose("stop_restore_session", V6_V8, None)? {
            ApiVersion::V8 => {
                let request = self.api().stop_restore_session_v8().restore_session_id(restore_session_id);
                call(self.state(), "stop_restore_session_v8", Box::pin(request.send())).await
            }
            _ => {
                let request = self.api().stop_restore_session().restore_session_id(restore_session_id);
                call(self.state(), "stop_restore_session", Box::pin(request.send())).await
            }
        };
        match result {
            Err(Error::Api { status, .. }) if status.is_success() => Ok(()),
            other => other,
        }
    }
}
