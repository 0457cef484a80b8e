//! `vb365 restore-sessions`.

use vb365::types::{ExploreOptions, RestoreSessionType};
use vb365::{Client, RestoreSessionFilter};

use vb365::api::families::{EXPLORE_JOB, EXPLORE_ORGANIZATION, EXPLORE_TENANT_ORGANIZATION, GET_RESTORE_SESSION};
use vb365::restore::{ExploreFrom, RestoreSession};

use super::{Bodies, many, one};
use crate::args::{Collection, RestoreSessionsCommand};
use crate::failure::Failure;
use crate::output::Output;

pub(super) async fn restore_sessions(
    client: &Client,
    command: RestoreSessionsCommand,
    bodies: Bodies,
    output: &mut Output,
) -> Result<(), Failure> {
    match command {
        RestoreSessionsCommand::List { since, until, collection: Collection { limit, .. } } => {
            let mut filter = RestoreSessionFilter::all();
            (filter.since, filter.until) = (since, until);
            many(output, client.restore_sessions(filter), limit).await
        }
        RestoreSessionsCommand::Events { restore_session_id, collection: Collection { limit, .. } } => {
            many(output, client.restore_session_events(restore_session_id), limit).await
        }
        RestoreSessionsCommand::Start {
            type_, date_time, show_deleted, show_all_versions, organization, job, ..
        } => {
            let options = match (bodies.explore, type_, date_time) {
                (Some(options), _, _) => options,
                (None, Some(type_), Some(date_time)) => ExploreOptions {
                    date_time,
                    type_: RestoreSessionType::from(type_),
                    show_deleted: Some(show_deleted),
                    show_all_versions: Some(show_all_versions),
                },
                _ => return Err(Failure::usage("say what to explore: --body FILE, or --type and --date-time")),
            };
            let from = match (organization, job) {
                (Some(organization), _) => ExploreFrom::organization(organization, options.type_.clone()),
                (None, Some(job)) => ExploreFrom::job(job, options.type_.clone()),
                (None, None) => ExploreFrom::from(options.clone()),
            };
            let from = from.at(options.date_time.clone());
            let from = options.show_deleted.into_iter().fold(from, ExploreFrom::show_deleted);
            let from = options.show_all_versions.into_iter().fold(from, ExploreFrom::show_all_versions);
            let family = match (organization, job) {
                (Some(_), _) => &EXPLORE_ORGANIZATION,
                (None, Some(_)) => &EXPLORE_JOB,
                (None, None) => &EXPLORE_TENANT_ORGANIZATION,
            };
            // Left open: this command's user stops it with `restore-sessions stop`.
            one(output, family, async { client.explore(from).await.map(RestoreSession::detach) }).await
        }
        RestoreSessionsCommand::Get { restore_session_id } => {
            one(output, &GET_RESTORE_SESSION, client.get_restore_session(restore_session_id)).await
        }
        RestoreSessionsCommand::Stop { restore_session_id } => {
            client.stop_restore_session(restore_session_id).await?;
            output.done(&format!("Stopped restore session {restore_session_id}."))
        }
    }
}
