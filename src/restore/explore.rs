//! What a restore session explores, and from when.

use crate::DateTime;
use crate::types::{ExploreOptions, RestoreSessionType};

/// What [`Client::explore`](crate::Client::explore) opens a restore session
/// over: a service of the signed-in tenant's organization, at a point in
/// time (by default now: the latest backups).
#[derive(Debug, Clone, PartialEq)]
pub struct ExploreFrom {
    pub(crate) options: ExploreOptions,
}

impl ExploreFrom {
    /// The signed-in tenant's organization (`POST /vN/Organization/Explore`),
    /// for one service.
    pub fn tenant(service: RestoreSessionType) -> Self {
        Self {
            options: ExploreOptions {
                date_time: DateTime::now(),
                show_all_versions: None,
                show_deleted: None,
                type_: service,
            },
        }
    }

    /// The backups made before `time`, not the latest.
    pub fn at(mut self, time: DateTime) -> Self {
        self.options.date_time = time;
        self
    }

    /// Whether the session shows items deleted in Microsoft 365 (the server's
    /// default when not said: no).
    pub fn show_deleted(mut self, show: bool) -> Self {
        self.options.show_deleted = Some(show);
        self
    }

    /// Whether the session shows every version of an item, not only the
    /// latest (the server's default when not said: no).
    pub fn show_all_versions(mut self, show: bool) -> Self {
        self.options.show_all_versions = Some(show);
        self
    }
}

impl From<ExploreOptions> for ExploreFrom {
    fn from(options: ExploreOptions) -> Self {
        Self { options }
    }
}
