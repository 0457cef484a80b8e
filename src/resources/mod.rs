//! The operations, one file per resource, as methods on [`crate::Client`].

pub(crate) mod backup_accounts;
pub(crate) mod health;
pub(crate) mod job_sessions;
pub(crate) mod jobs;
pub(crate) mod license;
pub(crate) mod mailboxes;
pub(crate) mod organizations;
pub(crate) mod paging;
pub(crate) mod proxies;
pub(crate) mod raw;
pub(crate) mod repositories;
pub(crate) mod restore_sessions;
pub(crate) mod selected_items;
pub(crate) mod server;

/// Sets an optional request parameter only when there is a value: the
/// generated builders take values, not `Option`s.
pub(crate) trait Optionally: Sized {
    fn optionally<V>(self, value: Option<V>, set: impl FnOnce(Self, V) -> Self) -> Self {
        match value {
            Some(value) => set(self, value),
            None => self,
        }
    }
}

impl<T> Optionally for T {}

/// The ID a link ends with (`/v6/Jobs/{id}`).
pub(crate) fn id_in(href: &str) -> Option<uuid::Uuid> {
    uuid::Uuid::parse_str(href.trim_end_matches('/').rsplit('/').next()?).ok()
}
