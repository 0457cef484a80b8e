//! Restore sessions for tenant organizations: start, read, stop.

use uuid::Uuid;

use crate::api::versioned;
use crate::types::{ExploreOptions, RestoreSession};
use crate::{Client, Error};

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
        versioned!(send self.api(), explore_tenant_organization, |op| op.body(options))
    }

    /// A restore session (`GET /vN/RestoreSessions/{restoreSessionId}`; v8
    /// sessions carry an `eTag`).
    pub async fn get_restore_session(&self, restore_session_id: Uuid) -> Result<RestoreSession, Error> {
        versioned!(send self.api(), get_restore_session, |op| op.restore_session_id(restore_session_id))
    }

    /// Stops a restore session
    /// (`POST /vN/RestoreSessions/{restoreSessionId}/Stop`; v6 answers `200`,
    /// v8 `204`). Any 2xx answer counts as stopped.
    pub async fn stop_restore_session(&self, restore_session_id: Uuid) -> Result<(), Error> {
        let stopped = versioned!(send self.api(), stop_restore_session, |op| op.restore_session_id(restore_session_id));
        match stopped {
            Err(Error::Api { status, .. }) if status.is_success() => Ok(()),
            other => other,
        }
    }
}
