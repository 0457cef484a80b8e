//! Backup jobs: list and read them, and what they select. (Changing them
//! is `job_changes.rs`, starting and stopping them `job_control.rs`: the
//! `jobs` capability.)

use futures::TryStreamExt;
use uuid::Uuid;

use super::Optionally;
use super::paging::Pages;
use crate::api::families::LIST_JOBS;
use crate::api::versioned;
use crate::types::{Job, JobItem};
use crate::{ApiVersion, Client, Error};

/// Which jobs [`Client::jobs`] lists; the default lists every job.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct JobFilter {
    /// Only the jobs of this organization.
    pub organization: Option<Uuid>,
    /// Only the jobs that back up to this repository.
    pub repository: Option<Uuid>,
}

impl JobFilter {
    /// Every job.
    pub fn all() -> Self {
        Self::default()
    }

    /// Only the jobs of `organization`.
    pub fn organization(mut self, organization: Uuid) -> Self {
        self.organization = Some(organization);
        self
    }

    /// Only the jobs that back up to `repository`.
    pub fn repository(mut self, repository: Uuid) -> Self {
        self.repository = Some(repository);
        self
    }
}

impl Client {
    /// The jobs `filter` names, as a stream. API v8 answers in pages and
    /// filters on the server (`GET /v8/Jobs?organizationId=&repositoryId=`);
    /// v6 answers at once, from `GET /v6/Organizations/{id}/Jobs` for one
    /// organization or `GET /v6/Jobs`, and the repository filter is applied
    /// here. v6 jobs name their organization only in their links; the
    /// client fills `organization_id` in from the `organization` link, so
    /// that it is set whatever the version.
    #[inline]
    pub fn jobs(&self, filter: JobFilter) -> Pages<Job> {
        let page_size = self.config().page_size;
        let v8 = self.state().versions.choose_family(&LIST_JOBS).ok() == Some(ApiVersion::V8);
        let repository = filter.repository;
        let jobs = match filter.organization {
            Some(organization) if !v8 => {
                versioned!(pages self, list_organization_jobs, page_size, |op| op.organization_id(organization))
            }
            _ => versioned!(pages self, list_jobs, page_size, [filter]
                v8: |op| op
                    .optionally(filter.organization, |op, id| op.organization_id(id))
                    .optionally(filter.repository, |op, id| op.repository_id(id)),
                v6: |op| op),
        };
        jobs.adjusted(move |job| {
            fill_organization(job);
            v8 || repository.is_none_or(|repository| job.repository_id == Some(repository))
        })
    }

    /// Every job (`jobs(JobFilter::all())`, collected). A failure of the
    /// first page is the call's own error; a later page's is [`Error::Page`].
    pub async fn list_jobs(&self) -> Result<Vec<Job>, Error> {
        self.jobs(JobFilter::all()).try_collect().await.map_err(Error::first_page)
    }

    /// Every item a backup job selects (`GET /vN/Jobs/{jobId}/SelectedItems`),
    /// as a stream: API v8 answers in pages of `page_size` (1 to
    /// [`crate::MAX_PAGE_SIZE`]), which the stream walks; v6 answers at once.
    /// The successor of the v1 [`Client::job_selected_mailboxes`].
    #[inline]
    pub fn job_selected_items(&self, job_id: Uuid, page_size: u32) -> Pages<JobItem> {
        versioned!(pages self, list_job_selected_items, page_size, |op| op.job_id(job_id))
    }

    /// One job (`GET /vN/Jobs/{jobId}`).
    pub async fn get_job(&self, job_id: Uuid) -> Result<Job, Error> {
        let mut job: Job = versioned!(send self.api(), get_job, |op| op.job_id(job_id))?;
        fill_organization(&mut job);
        Ok(job)
    }
}

/// A v6 job's organization, from its `organization` link.
pub(crate) fn fill_organization(job: &mut Job) {
    if job.organization_id.is_none() {
        let link = job.links.as_ref().and_then(|links| links.get("organization"));
        job.organization_id = link.and_then(|l| super::id_in(&l.href));
    }
}

impl JobItem {
    /// The name of what the item selects: the display name of its user,
    /// group or team, or the title (else URL) of its site.
    pub fn name(&self) -> Option<&str> {
        let user = self.user.as_ref().and_then(|u| u.display_name.as_deref().or(u.name.as_deref()));
        let group = self.group.as_ref().and_then(|g| g.display_name.as_deref().or(g.name.as_deref()));
        let team = self.team.as_ref().map(|t| t.display_name.as_str());
        let site = self.site.as_ref().map(|s| if s.title.is_empty() { s.url.as_str() } else { s.title.as_str() });
        user.or(group).or(team).or(site)
    }
}
