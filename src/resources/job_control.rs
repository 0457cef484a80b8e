//! Starting, stopping, enabling and disabling backup jobs (the `jobs`
//! capability).

use uuid::Uuid;

use crate::api::versioned;
use crate::types::{JobSession, StartJobOptions};
use crate::{ApiVersion, Client, Error};

impl Client {
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
