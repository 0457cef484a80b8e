//! The restore session handle and the guarantee that it is stopped.

use std::fmt;
use std::panic::AssertUnwindSafe;

use futures::FutureExt as _;
use uuid::Uuid;

use super::ExploreFrom;
use super::explore::Target;
use crate::api::versioned;
use crate::resources::paging::Pages;
use crate::types::{self, RestoreSessionEvent};
use crate::{Client, Error};

/// An open restore session. Stop it with [`RestoreSession::stop`]; a
/// session dropped without it (an early `?`, a cancelled task) is stopped in
/// the background with a warning, as long as a Tokio runtime is running to
/// send the request. [`Client::with_restore_session`] stops it for you.
#[must_use = "a restore session stays open on the server until it is stopped"]
pub struct RestoreSession {
    pub(super) client: Client,
    info: types::RestoreSession,
    /// False once a stop was answered (whatever the answer) or the session
    /// was detached.
    open: bool,
}

impl RestoreSession {
    /// The session's ID.
    pub fn id(&self) -> Uuid {
        self.info.id
    }

    /// The session as the server described it when it opened.
    pub fn info(&self) -> &types::RestoreSession {
        &self.info
    }

    /// The session as the server describes it now (its state and result).
    pub async fn current(&self) -> Result<types::RestoreSession, Error> {
        self.client.get_restore_session(self.id()).await
    }

    /// What the session did, item by item, as a stream over every page.
    pub fn events(&self) -> Pages<RestoreSessionEvent> {
        self.client.restore_session_events(self.id())
    }

    /// Leaves the session open on the server and hands back what it was
    /// opened as: stopping it is now the caller's (a command line that
    /// starts a session in one run and stops it in another).
    pub fn detach(mut self) -> types::RestoreSession {
        self.open = false;
        self.info.clone()
    }

    /// Stops the session. If this future is dropped before the server
    /// answers, the session is stopped in the background as if dropped.
    pub async fn stop(mut self) -> Result<(), Error> {
        let stopped = self.client.stop_restore_session(self.id()).await;
        self.open = false;
        stopped
    }
}

impl fmt::Debug for RestoreSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestoreSession").field("id", &self.info.id).field("open", &self.open).finish_non_exhaustive()
    }
}

impl Drop for RestoreSession {
    fn drop(&mut self) {
        if !self.open {
            return;
        }
        let id = self.id();
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::warn!(
                restore_session = %id,
                "a restore session was dropped without stop() outside a Tokio runtime: it stays open on the server until it times out"
            );
            return;
        };
        tracing::warn!(restore_session = %id, "a restore session was dropped without stop(); stopping it in the background");
        let client = self.client.clone();
        runtime.spawn(async move {
            if let Err(error) = client.stop_restore_session(id).await {
                tracing::warn!(restore_session = %id, %error, "the dropped restore session could not be stopped");
            }
        });
    }
}

impl Client {
    /// Opens a restore session over what `from` names, as a handle that is
    /// stopped when done (see [`RestoreSession`]). Not repeated after a
    /// failure that may have reached the server: a repeat could open a
    /// second session.
    pub async fn explore(&self, from: impl Into<ExploreFrom>) -> Result<RestoreSession, Error> {
        let ExploreFrom { target, options } = from.into();
        let info = match target {
            Target::Tenant => self.start_restore_session(options).await?,
            Target::Organization(id) => {
                versioned!(send self.api(), explore_organization, |op| op.organization_id(id).body(options.clone()))?
            }
            Target::Job(id) => versioned!(send self.api(), explore_job, |op| op.job_id(id).body(options.clone()))?,
        };
        Ok(RestoreSession { client: self.clone(), info, open: true })
    }

    /// Opens a restore session, runs `work` in it and stops it, whatever
    /// `work` returns and if it panics (the panic then goes on). When
    /// `work` succeeds but the stop fails, the stop's error is returned;
    /// when `work` fails, its error is returned and a failed stop is logged.
    pub async fn with_restore_session<T, E, F>(&self, from: impl Into<ExploreFrom>, work: F) -> Result<T, E>
    where
        F: AsyncFnOnce(&RestoreSession) -> Result<T, E>,
        E: From<Error>,
    {
        let session = self.explore(from).await?;
        let id = session.id();
        let outcome = AssertUnwindSafe(work(&session)).catch_unwind().await;
        let stopped = session.stop().await;
        let log_failed_stop = |stopped: Result<(), Error>| {
            if let Err(error) = stopped {
                tracing::warn!(restore_session = %id, %error, "the restore session could not be stopped");
            }
        };
        match outcome {
            Ok(Ok(value)) => stopped.map(|()| value).map_err(E::from),
            Ok(Err(error)) => {
                log_failed_stop(stopped);
                Err(error)
            }
            Err(panic) => {
                log_failed_stop(stopped);
                std::panic::resume_unwind(panic)
            }
        }
    }
}
