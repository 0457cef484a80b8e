//! `vb365 restore-sessions`.

use vb365::types::{ExploreOptions, RestoreSessionType};
use vb365::{Client, RestoreSessionFilter};

use vb365::api::families::{EXPLORE_TENANT_ORGANIZATION, GET_RESTORE_SESSION};

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
        RestoreSessionsCommand::Start { type_, date_time, show_deleted, show_all_versions, .. } => {
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
            one(output, &EXPLORE_TENANT_ORGANIZATION, client.start_restore_session(options)).await
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
