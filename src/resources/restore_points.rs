//! Restore points: the points in time a restore session can explore.

use uuid::Uuid;

use super::Optionally;
use super::paging::Pages;
use crate::api::versioned;
use crate::types::RestorePoint;
use crate::{Client, DateTime, Error};

/// Which restore points [`Client::restore_points`] lists; the default lists
/// all. Every field narrows the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RestorePointFilter {
    /// Only the points of this organization.
    pub organization: Option<Uuid>,
    /// Only the points this job made.
    pub job: Option<Uuid>,
    /// Only the points kept in this repository.
    pub repository: Option<Uuid>,
    /// Only points made at or after this time.
    pub since: Option<DateTime>,
    /// Only points made at or before this time.
    pub until: Option<DateTime>,
}

impl RestorePointFilter {
    /// Every restore point.
    pub fn all() -> Self {
        Self::default()
    }

    /// Only the points of `organization`.
    pub fn organization(mut self, organization: Uuid) -> Self {
        self.organization = Some(organization);
        self
    }

    /// Only the points `job` made.
    pub fn job(mut self, job: Uuid) -> Self {
        self.job = Some(job);
        self
    }

    /// Only the points kept in `repository`.
    pub fn repository(mut self, repository: Uuid) -> Self {
        self.repository = Some(repository);
        self
    }

    /// Only points made at or after `since`.
    pub fn since(mut self, since: DateTime) -> Self {
        self.since = Some(since);
        self
    }

    /// Only points made at or before `until`.
    pub fn until(mut self, until: DateTime) -> Self {
        self.until = Some(until);
        self
    }

    /// Whether `point` is inside the time window (what v6 cannot filter).
    fn within(&self, point: &RestorePoint) -> bool {
        let at = point.backup_time.as_ref();
        self.since.as_ref().is_none_or(|s| at.is_some_and(|t| t >= s))
            && self.until.as_ref().is_none_or(|u| at.is_some_and(|t| t <= u))
    }
}

impl Client {
    /// The restore points `filter` names, newest first where the server
    /// orders them (`GET /vN/RestorePoints`): v8 in pages and filtered by
    /// time on the server, v6 at once with the time window applied here.
    #[inline]
    pub fn restore_points(&self, filter: RestorePointFilter) -> Pages<RestorePoint> {
        let kept = filter.clone();
        let points = versioned!(pages self, list_restore_points, self.config().page_size, [filter]
            v8: |op| op
                .optionally(filter.organization, |op, o| op.organization_id(o))
                .optionally(filter.job, |op, j| op.job_id(j))
                .optionally(filter.repository, |op, r| op.repository_id(r))
                .optionally(filter.since.clone(), |op, since| op.from(since))
                .optionally(filter.until.clone(), |op, until| op.to(until)),
            v6: |op| op
                .optionally(filter.organization, |op, o| op.organization_id(o))
                .optionally(filter.job, |op, j| op.job_id(j))
                .optionally(filter.repository, |op, r| op.repository_id(r)));
        points.adjusted(move |point| kept.within(point))
    }

    /// One restore point (`GET /vN/RestorePoints/{restorePointId}`); its ID
    /// is a string, not always a UUID.
    pub async fn get_restore_point(&self, restore_point_id: &str) -> Result<RestorePoint, Error> {
        versioned!(send self.api(), get_restore_point, |op| op.restore_point_id(restore_point_id))
    }
}
