//! Restore sessions for tenant organizations: start, read, stop.

use uuid::Uuid;

use super::Optionally;
use super::paging::Pages;
use crate::api::versioned;
use crate::types::{ExploreOptions, RestoreSession, RestoreSessionEvent};
use crate::{Client, DateTime, Error};

/// Which restore sessions [`Client::restore_sessions`] lists; the default
/// lists all. `since` and `until` bound the start time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RestoreSessionFilter {
    /// Only sessions started at or after this time.
    pub since: Option<DateTime>,
    /// Only sessions started at or before this time.
    pub until: Option<DateTime>,
}

impl RestoreSessionFilter {
    /// Every restore session.
    pub fn all() -> Self {
        Self::default()
    }

    /// Only sessions started at or after `since`.
    pub fn since(mut self, since: DateTime) -> Self {
        self.since = Some(since);
        self
    }

    /// Only sessions started at or before `until`.
    pub fn until(mut self, until: DateTime) -> Self {
        self.until = Some(until);
        self
    }
}

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

    /// The restore sessions `filter` names (`GET /vN/RestoreSessions`), as
    /// a stream over every page.
    #[inline]
    pub fn restore_sessions(&self, filter: RestoreSessionFilter) -> Pages<RestoreSession> {
        versioned!(pages self, list_restore_sessions, self.config().page_size, [filter] |op| op
            .optionally(filter.since.clone(), |op, since| op.start_time_from(since))
            .optionally(filter.until.clone(), |op, until| op.start_time_to(until)))
    }

    /// What a restore session did, item by item
    /// (`GET /vN/RestoreSessions/{restoreSessionId}/Events`), as a stream
    /// over every page.
    #[inline]
    pub fn restore_session_events(&self, restore_session_id: Uuid) -> Pages<RestoreSessionEvent> {
        versioned!(pages self, list_restore_session_events, self.config().page_size,
            |op| op.restore_session_id(restore_session_id))
    }
}
