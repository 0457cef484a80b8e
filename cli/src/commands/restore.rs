//! `vb365 restore`: what there is to restore from, and looking through it.

use vb365::api::families::GET_RESTORE_POINT;
use vb365::restore::{ExploreFrom, RestoreSession};
use vb365::types::RestoreSessionType;
use vb365::{Client, RestorePointFilter};

use super::{many, one};
use crate::args::{BrowseCommand, Collection, RestoreCommand};
use crate::failure::{Exit, Failure};
use crate::output::Output;

pub(super) async fn restore(client: &Client, command: RestoreCommand, output: &mut Output) -> Result<(), Failure> {
    match command {
        RestoreCommand::Points {
            organization,
            job,
            repository,
            since,
            until,
            collection: Collection { limit, .. },
        } => {
            let mut filter = RestorePointFilter::all();
            (filter.organization, filter.job, filter.repository) = (organization, job, repository);
            (filter.since, filter.until) = (since, until);
            many(output, client.restore_points(filter), limit).await
        }
        RestoreCommand::Point { restore_point_id } => {
            one(output, &GET_RESTORE_POINT, client.get_restore_point(&restore_point_id)).await
        }
        RestoreCommand::Browse { organization, at, show_deleted, what } => {
            let organization = client.find_organization(&organization).await?;
            let from = ExploreFrom::organization(organization.id, RestoreSessionType::Vex).show_deleted(show_deleted);
            let from = at.into_iter().fold(from, ExploreFrom::at);
            let stop = crate::signals::Stop::listen()?;
            let session = client.explore(from).await?;
            // The session is stopped whatever happens: the listing ends,
            // fails, or Ctrl-C (or SIGTERM) interrupts it.
            let listed = tokio::select! {
                listed = browse(&session, what, output) => listed,
                () = stop.wait() => Err(Failure { exit: Exit::Refused, message: String::from("interrupted") }),
            };
            let stopped = session.stop().await;
            listed?;
            stopped.map_err(Failure::from)
        }
    }
}

async fn browse(session: &RestoreSession, what: BrowseCommand, output: &mut Output) -> Result<(), Failure> {
    match what {
        BrowseCommand::Mailboxes { collection: Collection { limit, .. } } => {
            many(output, session.mailboxes(), limit).await
        }
        BrowseCommand::Folders { mailbox, path, collection: Collection { limit, .. } } => {
            let found = session.find_mailbox(&mailbox).await?;
            let found = found.ok_or_else(|| Failure::usage(format!("the session shows no mailbox `{mailbox}`")))?;
            let parent = match path.as_deref() {
                Some(path) => {
                    let folder = session.find_mailbox_folder(found.id, path).await?;
                    let folder =
                        folder.ok_or_else(|| Failure::usage(format!("`{}` has no folder `{path}`", mailbox)))?;
                    folder.id
                }
                None => None,
            };
            many(output, session.mailbox_folders(found.id, parent.as_deref()), limit).await
        }
    }
}
