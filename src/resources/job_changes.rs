//! Creating, changing and removing backup jobs (the `jobs` capability).

use uuid::Uuid;

use super::job_items::{List, check_items};
use super::jobs::fill_organization;
use crate::api::versioned;
use crate::types::{Job, JobBackupType, JobCreate, JobSchedulePolicy};
use crate::{Client, Error, Method};

/// What to change of a job ([`Client::update_job`]); what is left `None`
/// stays as the server has it.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct JobChanges {
    /// A new name.
    pub name: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// Another repository (of the same organization).
    pub repository: Option<Uuid>,
    /// Another schedule (see [`crate::Schedule`]).
    pub schedule: Option<JobSchedulePolicy>,
    /// Whether it runs on its schedule.
    pub enabled: Option<bool>,
    /// The entire organization, or what it selects.
    pub backup_type: Option<JobBackupType>,
    /// Change the job only if its `eTag` (v8) is still this: nobody changed
    /// it since it was read. Else [`Error::Conflict`] and nothing is written.
    pub if_etag: Option<i64>,
}

impl JobChanges {
    /// Nothing changed yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A new name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// A new description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Another repository.
    pub fn repository(mut self, repository: Uuid) -> Self {
        self.repository = Some(repository);
        self
    }

    /// Another schedule.
    pub fn schedule(mut self, schedule: impl Into<JobSchedulePolicy>) -> Self {
        self.schedule = Some(schedule.into());
        self
    }

    /// Enabled or disabled.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = Some(enabled);
        self
    }

    /// Only if the job's eTag is still `etag`.
    pub fn if_etag(mut self, etag: i64) -> Self {
        self.if_etag = Some(etag);
        self
    }

    /// Whether anything would change.
    pub fn is_empty(&self) -> bool {
        let Self { name, description, repository, schedule, enabled, backup_type, if_etag: _ } = self;
        name.is_none()
            && description.is_none()
            && repository.is_none()
            && schedule.is_none()
            && enabled.is_none()
            && backup_type.is_none()
    }
}

impl From<crate::Schedule> for JobSchedulePolicy {
    fn from(schedule: crate::Schedule) -> Self {
        schedule.policy()
    }
}

/// Members of a job as read that a change does not send back: what the
/// server keeps about the job itself rather than its settings.
const READ_ONLY: [&str; 8] =
    ["id", "organizationId", "lastRun", "nextRun", "lastBackup", "lastStatus", "eTag", "_links"];

impl Client {
    /// Creates a backup job for `organization_id` (v8: `POST /v8/Jobs`
    /// with the organization in the body, answered `201`; v6:
    /// `POST /v6/Organizations/{organizationId}/Jobs`, answered `200`) and
    /// returns it as the server made it.
    ///
    /// Checked before sending: a name, and at least one item for a job of
    /// `SelectedItems`. Not repeated after a failure that may have reached
    /// the server (a repeat could create a second job); only after a `401`.
    pub async fn create_job(&self, organization_id: Uuid, job: JobCreate) -> Result<Job, Error> {
        const OPERATION: &str = "create_job";
        if job.name.trim().is_empty() {
            return Err(Error::invalid(OPERATION, "name", "is empty"));
        }
        if job.backup_type == JobBackupType::SelectedItems {
            check_items(OPERATION, List::Selected, &job.selected_items)?;
        }
        if !job.excluded_items.is_empty() {
            check_items(OPERATION, List::Excluded, &job.excluded_items)?;
        }
        let v8_body = JobCreate { organization_id: Some(organization_id), ..job.clone() };
        let v6_body = JobCreate { organization_id: None, ..job };
        let mut created: Job = versioned!(send self.api(), create_job,
            v8: |op| op.body(v8_body),
            v6: |op| op.organization_id(organization_id).body(v6_body))?;
        fill_organization(&mut created);
        created.organization_id = created.organization_id.or(Some(organization_id));
        Ok(created)
    }

    /// Changes a job (`PUT /vN/Jobs/{jobId}`, answered `204`): reads it,
    /// replaces what `changes` sets, and writes it back with everything
    /// else as the server sent it, members the document does not describe
    /// included, so that nothing the server keeps is reset. With
    /// [`JobChanges::if_etag`], a job changed since is not written
    /// ([`Error::Conflict`]). Changes that change nothing send nothing.
    pub async fn update_job(&self, job_id: Uuid, changes: JobChanges) -> Result<(), Error> {
        if changes.is_empty() {
            return Ok(());
        }
        let version = self.state().versions.choose_family(&crate::api::families::UPDATE_JOB)?;
        let operation = crate::api::families::UPDATE_JOB.operation(version).unwrap_or("update_job");
        let (job, bodies) = crate::capture_json(self.get_job(job_id)).await;
        let job = job?;
        if let (Some(expected), Some(found)) = (changes.if_etag, job.e_tag)
            && expected != found
        {
            return Err(Error::Conflict { operation, what: format!("job {job_id}"), expected, found });
        }
        let sent = bodies
            .into_iter()
            .rev()
            .find(|b| crate::OperationFamily::of(b.operation).is_some_and(|f| f.name == "get_job"))
            .map(|b| b.value);
        let mut body = match sent {
            Some(serde_json::Value::Object(body)) => body,
            _ => match serde_json::to_value(&job) {
                Ok(serde_json::Value::Object(body)) => body,
                _ => serde_json::Map::new(),
            },
        };
        for member in READ_ONLY {
            body.remove(member);
        }
        let JobChanges { name, description, repository, schedule, enabled, backup_type, if_etag: _ } = changes;
        let changed = [
            ("name", name.map(serde_json::Value::from)),
            ("description", description.map(serde_json::Value::from)),
            ("repositoryId", repository.map(|id| serde_json::Value::from(id.to_string()))),
            ("schedulePolicy", schedule.and_then(|policy| serde_json::to_value(policy).ok())),
            ("isEnabled", enabled.map(serde_json::Value::from)),
            ("backupType", backup_type.map(|t| serde_json::Value::from(t.as_str()))),
        ];
        for (key, value) in changed {
            if let Some(value) = value {
                body.insert(key.to_owned(), value);
            }
        }
        let path = format!("/{version}/Jobs/{job_id}");
        self.send_json_as(operation, Method::PUT, &path, Some(&serde_json::Value::Object(body))).await.map(drop)
    }

    /// Removes a job (`DELETE /vN/Jobs/{jobId}`, answered `204`); its
    /// backups stay in the repository.
    pub async fn remove_job(&self, job_id: Uuid) -> Result<(), Error> {
        versioned!(send self.api(), remove_job, |op| op.job_id(job_id))
    }
}
