//! `vb365 jobs` and `vb365 sessions`.

use vb365::types::JobStatus;
use vb365::{Client, JobFilter, JobSessionFilter};

use vb365::api::families::{GET_JOB, GET_JOB_SESSION, START_JOB};

use super::{many, one, page_size_for, sent_by};
use crate::args::{Collection, JobsCommand, SessionsCommand};
use crate::failure::Failure;
use crate::output::Output;

pub(super) async fn jobs(client: &Client, command: JobsCommand, output: &mut Output) -> Result<(), Failure> {
    match command {
        JobsCommand::List { organization, collection: Collection { limit, .. } } => {
            let filter = organization.map_or(JobFilter::all(), |o| JobFilter::all().organization(o));
            many(output, client.jobs(filter), limit).await
        }
        JobsCommand::Get { job_id } => one(output, &GET_JOB, client.get_job(job_id)).await,
        JobsCommand::Start { job_id, full } => {
            let (started, sent) = sent_by(output, &START_JOB, client.start_job(job_id, full)).await;
            match started? {
                Some(session) => output.one_as_sent(&session, sent),
                None => output.done(&format!(
                    "Started job {job_id}; this server (API v6) does not say which session: vb365 sessions list --job {job_id}"
                )),
            }
        }
        JobsCommand::Stop { job_id } => {
            client.stop_job(job_id).await?;
            output.done(&format!("Stopping job {job_id}."))
        }
        JobsCommand::Enable { job_id } => {
            client.enable_job(job_id).await?;
            output.done(&format!("Enabled job {job_id}."))
        }
        JobsCommand::Disable { job_id } => {
            client.disable_job(job_id).await?;
            output.done(&format!("Disabled job {job_id}."))
        }
        JobsCommand::SelectedItems { job_id, collection: Collection { limit, page_size } } => {
            many(output, client.job_selected_items(job_id, page_size_for(limit, page_size)), limit).await
        }
        JobsCommand::SelectedMailboxes { job_id, collection: Collection { limit, page_size } } => {
            let mailboxes = client.job_selected_mailboxes(job_id, page_size_for(limit, page_size));
            many(output, mailboxes, limit).await.map_err(|mut failure| {
                if failure.message.contains("does not serve API v1") {
                    failure.message.push_str(&format!(" (from a shell: vb365 jobs selected-items {job_id})"));
                }
                failure
            })
        }
        JobsCommand::Create(job) => super::job_scope::create(client, job, output).await,
        JobsCommand::Edit { job, name, repository, schedule, description } => {
            super::job_scope::edit(client, &job, name, repository, schedule, description, output).await
        }
        JobsCommand::Delete { job, yes } => super::job_scope::delete(client, &job, yes, output).await,
        JobsCommand::Items { command } => super::job_scope::items(client, command, false, output).await,
        JobsCommand::Exclusions { command } => super::job_scope::items(client, command, true, output).await,
        JobsCommand::Plan { .. } | JobsCommand::Apply { .. } => unreachable!("run() answers job files"),
    }
}

pub(super) async fn sessions(client: &Client, command: SessionsCommand, output: &mut Output) -> Result<(), Failure> {
    match command {
        SessionsCommand::List { job, status, since, until, collection: Collection { limit, .. } } => {
            let mut filter = JobSessionFilter::all();
            filter.job = job;
            filter.status = status.as_deref().map(JobStatus::from);
            (filter.since, filter.until) = (since, until);
            many(output, client.job_sessions(filter), limit).await
        }
        SessionsCommand::Get { job_session_id } => {
            one(output, &GET_JOB_SESSION, client.get_job_session(job_session_id)).await
        }
        SessionsCommand::Log { job_session_id, collection: Collection { limit, .. } } => {
            many(output, client.job_session_log(job_session_id), limit).await
        }
    }
}
