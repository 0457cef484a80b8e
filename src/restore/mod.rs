//! Restore: a restore session as a handle that is always stopped.
//!
//! A restore session holds resources on the server and counts against its
//! limit of sessions at once, so the session [`Client::explore`] opens is a
//! [`RestoreSession`] handle: [`RestoreSession::stop`] ends it, and a
//! handle dropped without it is stopped in the background with a warning.
//! [`Client::with_restore_session`] runs work in a session and stops it
//! whatever the work returns, a panic included.
//!
//! [`Client::explore`]: crate::Client::explore
//! [`Client::with_restore_session`]: crate::Client::with_restore_session

mod action;
mod credentials;
mod exchange;
mod explore;
mod mailbox_restore;
mod mailbox_send;
mod onedrive;
mod onedrive_restore;
mod onedrive_send;
mod path;
mod pst;
mod save;
mod session;

pub use action::{Counts, RestoreAction, RestoreOutcome, RestoreProgress, RestoreStatus};
pub use credentials::RestoreCredentials;
pub use explore::ExploreFrom;
pub use mailbox_restore::ToMailbox;
pub use mailbox_send::SendItems;
pub use onedrive_restore::ToOneDrive;
pub use pst::ToPst;
pub use save::Saved;
pub use session::RestoreSession;
