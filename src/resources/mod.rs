//! The operations, one file per resource, as methods on [`crate::Client`].

pub(crate) mod backup_accounts;
pub(crate) mod mailboxes;
pub(crate) mod organizations;
pub(crate) mod paging;
pub(crate) mod raw;
pub(crate) mod restore_sessions;
pub(crate) mod selected_items;
pub(crate) mod server;
