//! Job sessions (the runs of backup jobs) and their logs.

use std::time::Duration;

use uuid::Uuid;

use super::Optionally;
use super::paging::Pages;
use crate::api::families::LIST_JOB_SESSIONS;
use crate::api::versioned;
use crate::types::{JobSession, JobSessionLogItem, JobSessionStatusFilter, JobStatus, Links};
use crate::{ApiVersion, Client, DateTime, Error};

/// Which sessions [`Client::job_sessions`] lists; the default lists every
/// session of every job. `since` and `until` bound the end time, as the
/// server's filters do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct JobSessionFilter {
    /// Only the sessions of this job.
    pub job: Option<Uuid>,
    /// Only sessions in this state.
    pub status: Option<JobStatus>,
    /// Only sessions that ended at or after this time (a running session
    /// counts as ending in the future).
    pub since: Option<DateTime>,
    /// Only sessions that ended at or before this time.
    pub until: Option<DateTime>,
}

impl JobSessionFilter {
    /// Every session.
    pub fn all() -> Self {
        Self::default()
    }

    /// Only the sessions of `job`.
    pub fn job(mut self, job: Uuid) -> Self {
        self.job = Some(job);
        self
    }

    /// Only sessions in `status`.
    pub fn status(mut self, status: JobStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Only sessions that ended at or after `since`.
    pub fn since(mut self, since: DateTime) -> Self {
        self.since = Some(since);
        self
    }

    /// Only sessions that ended at or before `until`.
    pub fn until(mut self, until: DateTime) -> Self {
        self.until = Some(until);
        self
    }

    /// Whether `session` passes every part of the filter.
    fn passes(&self, session: &JobSession) -> bool {
        let ended = session.end_time.as_ref().filter(|t| !t.is_open_ended());
        self.job.is_none_or(|job| session.job_id == Some(job))
            && self.status.as_ref().is_none_or(|status| session.status.as_ref() == Some(status))
            && self.since.as_ref().is_none_or(|since| ended.is_none_or(|end| end >= since))
            && self.until.as_ref().is_none_or(|until| ended.is_some_and(|end| end <= until))
    }
}

/// How the v8 filter spells a session status, where it has one: `Success`
/// is `Succeeded` there, and it has no `NotConfigured`, `Disconnected` or
/// `Queued`.
fn status_filter(status: &JobStatus) -> Option<JobSessionStatusFilter> {
    match status {
        JobStatus::Success => Some(JobSessionStatusFilter::Succeeded),
        JobStatus::Stopped => Some(JobSessionStatusFilter::Stopped),
        JobStatus::Running => Some(JobSessionStatusFilter::Running),
        JobStatus::Failed => Some(JobSessionStatusFilter::Failed),
        JobStatus::Warning => Some(JobSessionStatusFilter::Warning),
        _ => None,
    }
}

impl Client {
    /// The job sessions `filter` names, newest first as the server lists
    /// them, as a stream over every page.
    ///
    /// API v8 filters on the server (`GET /v8/JobSessions?jobId=&status=&endTimeLowerBound=&endTimeUpperBound=`;
    /// its filter spells `Success` as `Succeeded`, which this translates).
    /// v6 has no such filters: one job's sessions come from
    /// `GET /v6/Jobs/{jobId}/JobSessions`, the others from
    /// `GET /v6/JobSessions?endTimeLowerBound=`, and the rest of the filter
    /// is applied here, on every page, so that nothing the filter admits is
    /// missed.
    ///
    /// v6 sessions carry no `jobId`; the client fills it in from the
    /// session's `job` link (or the job asked for), so that `job_id` is set
    /// whatever the version.
    #[inline]
    pub fn job_sessions(&self, filter: JobSessionFilter) -> Pages<JobSession> {
        let page_size = self.config().page_size;
        let v8 = self.state().versions.choose_family(&LIST_JOB_SESSIONS).ok() == Some(ApiVersion::V8);
        let kept = filter.clone();
        let sessions = match filter.job {
            Some(job) if !v8 => versioned!(pages self, list_job_sessions_by_job, page_size, |op| op.job_id(job)),
            _ => {
                let status = filter.status.as_ref().and_then(status_filter);
                versioned!(pages self, list_job_sessions, page_size, [filter, status]
                    v8: |op| op
                        .optionally(filter.job, |op, job| op.job_id(job))
                        .optionally(status.clone(), |op, status| op.status(status))
                        .optionally(filter.since.clone(), |op, since| op.end_time_lower_bound(since))
                        .optionally(filter.until.clone(), |op, until| op.end_time_upper_bound(until)),
                    v6: |op| op.optionally(filter.since.clone(), |op, since| op.end_time_lower_bound(since)))
            }
        };
        sessions.adjusted(move |session| {
            if session.job_id.is_none() {
                session.job_id = job_of(session.links.as_ref()).or(kept.job);
            }
            kept.passes(session)
        })
    }

    /// The latest `count` sessions of one job (1 to [`crate::MAX_PAGE_SIZE`]),
    /// newest first, in one request: the first page of
    /// `GET /v8/JobSessions?jobId=` or `GET /v6/Jobs/{jobId}/JobSessions`,
    /// which servers list newest first. What monitoring asks of every job.
    pub async fn recent_job_sessions(&self, job_id: Uuid, count: u32) -> Result<Vec<JobSession>, Error> {
        let v8 = self.state().versions.choose_family(&LIST_JOB_SESSIONS)? == ApiVersion::V8;
        let operation = if v8 { "list_job_sessions_v8" } else { "list_job_sessions_by_job" };
        let (offset, limit) = crate::PageRequest::first(count).checked(operation)?;
        let page = if v8 {
            let send = self.api().list_job_sessions_v8().job_id(job_id).offset(offset).limit(limit).send();
            crate::request::call::call(self.state(), operation, Box::pin(send)).await?
        } else {
            versioned!(send self.api(), list_job_sessions_by_job, |op| op.job_id(job_id).offset(offset).limit(limit))?
        };
        let mut sessions = page.results;
        for session in &mut sessions {
            session.job_id = session.job_id.or_else(|| job_of(session.links.as_ref())).or(Some(job_id));
        }
        // Newest first whatever order the server used.
        sessions.sort_by(|a, b| b.creation_time.cmp(&a.creation_time));
        Ok(sessions)
    }

    /// One job session (`GET /vN/JobSessions/{jobSessionId}`); on v6 its
    /// `job_id` is filled in from its `job` link.
    pub async fn get_job_session(&self, job_session_id: Uuid) -> Result<JobSession, Error> {
        let mut session: JobSession =
            versioned!(send self.api(), get_job_session, |op| op.job_session_id(job_session_id))?;
        if session.job_id.is_none() {
            session.job_id = job_of(session.links.as_ref());
        }
        Ok(session)
    }

    /// Every line of a job session's log
    /// (`GET /vN/JobSessions/{jobSessionId}/LogItems`), as a stream over
    /// every page. v6 writes the text as `title`, v8 as `message`; the
    /// client puts v6's text in `message` too (keeping `title`), so that
    /// `message` holds it whatever the version.
    #[inline]
    pub fn job_session_log(&self, job_session_id: Uuid) -> Pages<JobSessionLogItem> {
        let page_size = self.config().page_size;
        let log = versioned!(pages self, list_job_session_log_items, page_size, |op| op.job_session_id(job_session_id));
        log.adjusted(|item| {
            if item.message.is_none() {
                item.message = item.title.clone();
            }
            true
        })
    }
}

/// The job a session's `job` link names (`/v6/Jobs/{jobId}`).
fn job_of(links: Option<&Links>) -> Option<Uuid> {
    super::id_in(&links?.get("job")?.href)
}

impl JobSession {
    /// Whether the session has ended: it has an end time, and not the
    /// far-future marker a running session carries.
    pub fn is_finished(&self) -> bool {
        self.end_time.as_ref().is_some_and(|end| !end.is_open_ended())
    }

    /// How long the session ran, once it has ended.
    pub fn duration(&self) -> Option<Duration> {
        let (start, end) = (self.creation_time.as_ref()?, self.end_time.as_ref().filter(|_| self.is_finished())?);
        (end.utc() - start.utc()).to_std().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(json: serde_json::Value) -> JobSession {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn the_job_comes_from_the_job_link() {
        let s = session(serde_json::json!({"id": "5e551011-0000-4000-8000-000000000004",
            "_links": {"job": {"href": "/v6/Jobs/1c4e7a2b-3d5f-4a6c-8e9b-0d1f2a3b4c5d"}}}));
        assert_eq!(job_of(s.links.as_ref()), Some("1c4e7a2b-3d5f-4a6c-8e9b-0d1f2a3b4c5d".parse().unwrap()));
        let bare = session(
            serde_json::json!({"id": "5e551011-0000-4000-8000-000000000004", "_links": {"job": {"href": "/v6/Jobs/x"}}}),
        );
        assert_eq!(job_of(bare.links.as_ref()), None);
    }

    #[test]
    fn the_filter_bounds_the_end_time_and_running_sessions_end_later() {
        let ended = session(serde_json::json!({"id": "5e551011-0000-4000-8000-000000000004", "status": "Failed",
            "creationTime": "2024-05-01T03:00:00Z", "endTime": "2024-05-01T03:05:00Z"}));
        let running = session(serde_json::json!({"id": "5e551011-0000-4000-8000-000000000005", "status": "Running",
            "creationTime": "2024-05-01T04:00:00Z", "endTime": "9999-12-31T23:59:59.9999999Z"}));
        let since = JobSessionFilter::all().since("2024-05-01T03:04:00Z".parse().unwrap());
        assert!(since.passes(&ended) && since.passes(&running));
        let until = JobSessionFilter::all().until("2024-05-01T03:04:00Z".parse().unwrap());
        assert!(!until.passes(&ended) && !until.passes(&running));
        assert!(JobSessionFilter::all().status(JobStatus::Failed).passes(&ended));
        assert!(!JobSessionFilter::all().status(JobStatus::Failed).passes(&running));
        assert_eq!(ended.duration(), Some(Duration::from_secs(300)));
        assert_eq!((running.duration(), running.is_finished()), (None, false));
    }

    #[test]
    fn success_is_succeeded_in_the_v8_filter() {
        assert_eq!(status_filter(&JobStatus::Success), Some(JobSessionStatusFilter::Succeeded));
        assert_eq!(status_filter(&JobStatus::Queued), None);
    }
}
