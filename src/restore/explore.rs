//! What a restore session explores, and from when.

use uuid::Uuid;

use crate::DateTime;
use crate::types::{ExploreOptions, RestoreSessionType};

/// What [`Client::explore`](crate::Client::explore) opens a restore session
/// over: one service of an organization's backups, or of one job's, at a
/// point in time (by default now: the latest backups).
#[derive(Debug, Clone, PartialEq)]
pub struct ExploreFrom {
    pub(crate) target: Target,
    pub(crate) options: ExploreOptions,
}

/// Whose backups a session explores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// The signed-in tenant's organization (`POST /vN/Organization/Explore`).
    Tenant,
    /// An organization, as an administrator (`POST /vN/Organizations/{id}/explore`).
    Organization(Uuid),
    /// What one job saved (`POST /vN/Jobs/{id}/explore`).
    Job(Uuid),
}

impl ExploreFrom {
    fn new(target: Target, service: RestoreSessionType) -> Self {
        let options =
            ExploreOptions { date_time: DateTime::now(), show_all_versions: None, show_deleted: None, type_: service };
        Self { target, options }
    }

    /// An organization's backups of one service, as the administrator
    /// signed in (`POST /vN/Organizations/{organizationId}/explore`).
    pub fn organization(organization_id: Uuid, service: RestoreSessionType) -> Self {
        Self::new(Target::Organization(organization_id), service)
    }

    /// What one backup job saved of one service
    /// (`POST /vN/Jobs/{jobId}/explore`).
    pub fn job(job_id: Uuid, service: RestoreSessionType) -> Self {
        Self::new(Target::Job(job_id), service)
    }

    /// The signed-in tenant's own organization, for one service
    /// (`POST /vN/Organization/Explore`: a tenant's credentials, or an
    /// assertion for modern app-only authentication).
    pub fn tenant(service: RestoreSessionType) -> Self {
        Self::new(Target::Tenant, service)
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
    /// The tenant's organization with these options.
    fn from(options: ExploreOptions) -> Self {
        Self { target: Target::Tenant, options }
    }
}
