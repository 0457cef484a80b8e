//! Backup jobs: list, read, start, stop, enable and disable them.

use futures::TryStreamExt;
use uuid::Uuid;

use super::Optionally;
use super::paging::Pages;
use crate::api::families::LIST_JOBS;
use crate::api::versioned;
use crate::types::{Job, JobSession, StartJobOptions};
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

    /// One job (`GET /vN/Jobs/{jobId}`).
    pub async fn get_job(&self, job_id: Uuid) -> Result<Job, Error> {
        let mut job: Job = versioned!(send self.api(), get_job, |op| op.job_id(job_id))?;
        fill_organization(&mut job);
        Ok(job)
    }

    /// Starts a job now (`POST /vN/Jobs/{jobId}/start`); `full` reads
    /// everything again instead of what changed since the last run.
    ///
    /// API v8 answers with the session it began; v6 says nothing of it
    /// (`None`: find it with [`Client::job_sessions`]). Not repeated after a
    /// failure that may have reached the server (a repeat could start a
    /// second run); only after a `401`, with a renewed token.
    pub async fn start_job(&self, job_id: Uuid, full: bool) -> Result<Option<JobSession>, Error> {
        let options = StartJobOptions { full: Some(full) };
        match self.state().versions.choose_family(&crate::api::families::START_JOB)? {
            ApiVersion::V8 => {
                let send = self.api().start_job_v8().job_id(job_id).body(options).send();
                crate::request::call::call(self.state(), "start_job_v8", Box::pin(send)).await.map(Some)
            }
            _ => {
                let send = self.api().start_job().job_id(job_id).body(options).send();
                crate::request::call::call(self.state(), "start_job", Box::pin(send)).await.map(|()| None)
            }
        }
    }

    /// Stops a running job (`POST /vN/Jobs/{jobId}/stop`).
    pub async fn stop_job(&self, job_id: Uuid) -> Result<(), Error> {
        versioned!(send self.api(), stop_job, |op| op.job_id(job_id))
    }

    /// Lets a job run on its schedule again (`POST /vN/Jobs/{jobId}/enable`).
    pub async fn enable_job(&self, job_id: Uuid) -> Result<(), Error> {
        versioned!(send self.api(), enable_job, |op| op.job_id(job_id))
    }

    /// Keeps a job from running on its schedule (`POST /vN/Jobs/{jobId}/disable`);
    /// it can still be started by hand.
    pub async fn disable_job(&self, job_id: Uuid) -> Result<(), Error> {
        versioned!(send self.api(), disable_job, |op| op.job_id(job_id))
    }
}

/// A v6 job's organization, from its `organization` link.
fn fill_organization(job: &mut Job) {
    if job.organization_id.is_none() {
        let link = job.links.as_ref().and_then(|links| links.get("organization"));
        job.organization_id = link.and_then(|l| super::id_in(&l.href));
    }
}
