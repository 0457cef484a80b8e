//! `vb365 restore`: what there is to restore from, and looking through it.

use vb365::api::families::GET_RESTORE_POINT;
use vb365::restore::{ExploreFrom, RestoreSession};
use vb365::types::{ExchangeFolder, ExchangeMailbox, RestoreSessionType};
use vb365::{Client, RestorePointFilter};

use super::restore_actions::MailboxRestore;
use super::restore_onedrive::{OnedriveCopy, OnedriveInPlace, OnedriveSave};
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
            let organization = match organization {
                Some(name) => Some(client.find_organization(&name).await?.id),
                None => None,
            };
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
            let service = match what {
                BrowseCommand::Onedrives { .. } | BrowseCommand::Documents { .. } | BrowseCommand::Versions { .. } => {
                    RestoreSessionType::Veod
                }
                _ => RestoreSessionType::Vex,
            };
            let from = ExploreFrom::organization(organization.id, service).show_deleted(show_deleted);
            let from = at.into_iter().fold(from, ExploreFrom::at);
            in_session(client, from, async |session: &RestoreSession| browse(session, what, output).await).await
        }
        RestoreCommand::Mailbox {
            organization,
            mailbox,
            at,
            folder,
            item,
            to,
            save,
            pst,
            pst_limit,
            send,
            send_back,
            subject,
            to_folder,
            yes,
            changed_items,
            deleted_items,
            credentials,
            dry_run,
            strict,
        } => {
            let (mailbox, more) = match mailbox.split_first() {
                Some((first, more)) => (first.clone(), more.to_vec()),
                None => return Err(Failure::usage("name a mailbox")),
            };
            let ask = MailboxRestore {
                organization,
                mailbox,
                more,
                at,
                folder,
                items: item,
                to,
                to_folder,
                save,
                pst,
                pst_limit,
                send,
                send_back,
                subject,
                yes,
                changed_items,
                deleted_items,
                credentials,
                dry_run,
                strict,
            };
            super::restore_actions::mailbox(client, ask, output).await
        }
        RestoreCommand::Onedrive {
            organization,
            onedrive,
            at,
            path,
            version,
            save,
            to,
            to_folder,
            changed_items,
            deleted_items,
            send,
            subject,
            yes,
            overwrite,
            credentials,
            dry_run,
            strict,
        } => {
            let saves = save.is_some();
            let ask = OnedriveSave { organization, onedrive, at, path, version, save, dry_run };
            match (to, send) {
                (None, Some(send)) => super::restore_onedrive::onedrive_send(client, ask, send, subject, output).await,
                (None, None) if saves => super::restore_onedrive::onedrive(client, ask, output).await,
                (None, None) => {
                    let how = OnedriveInPlace { yes, overwrite, credentials, strict };
                    super::restore_onedrive::onedrive_in_place(client, ask, how, output).await
                }
                (Some(to), _) => {
                    let copy = OnedriveCopy { to, to_folder, changed_items, deleted_items, credentials, strict };
                    super::restore_onedrive::onedrive_copy(client, ask, copy, output).await
                }
            }
        }
    }
}

/// Opens a restore session, runs `work` in it and stops it whatever
/// happens: the work ends, fails, or Ctrl-C (or SIGTERM) interrupts it.
pub(super) async fn in_session<T>(
    client: &Client,
    from: ExploreFrom,
    work: impl AsyncFnOnce(&RestoreSession) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let stop = crate::signals::Stop::listen()?;
    let session = client.explore(from).await?;
    let done = tokio::select! {
        done = work(&session) => done,
        () = stop.wait() => Err(Failure { exit: Exit::Refused, message: String::from("interrupted") }),
    };
    let stopped = session.stop().await;
    let value = done?;
    stopped.map_err(Failure::from)?;
    Ok(value)
}

async fn browse(session: &RestoreSession, what: BrowseCommand, output: &mut Output) -> Result<(), Failure> {
    match what {
        BrowseCommand::Mailboxes { collection: Collection { limit, .. } } => {
            many(output, session.mailboxes(), limit).await
        }
        BrowseCommand::Folders { mailbox, path, collection: Collection { limit, .. } } => {
            let found = mailbox_of(session, &mailbox).await?;
            let parent = match path.as_deref() {
                Some(path) => folder_of(session, &found, &mailbox, path).await?.id,
                None => None,
            };
            many(output, session.mailbox_folders(found.id, parent.as_deref()), limit).await
        }
        BrowseCommand::Onedrives { collection: Collection { limit, .. } } => {
            many(output, session.onedrives(), limit).await
        }
        BrowseCommand::Documents { onedrive, path, search, collection: Collection { limit, .. } } => {
            let Some(onedrive) = onedrive else {
                // Clap asks for a OneDrive unless there is a query.
                let query = search.as_deref().unwrap_or_default();
                return many(output, session.search_onedrives(query), limit).await;
            };
            let found = session.find_onedrive(&onedrive).await?;
            let found =
                found.ok_or_else(|| Failure::usage(format!("the session shows no OneDrive of `{onedrive}`")))?;
            let id = found.id.unwrap_or_default();
            let folder = match path.as_deref() {
                Some(path) => {
                    let folder = session.find_onedrive_folder(&id, path).await?;
                    folder
                        .ok_or_else(|| Failure::usage(format!("the OneDrive of `{onedrive}` has no folder `{path}`")))?
                        .id
                }
                None => None,
            };
            let documents = match &search {
                Some(query) => session.search_onedrive(&id, folder.as_deref(), query),
                None => session.onedrive_documents(&id, folder.as_deref()),
            };
            many(output, documents, limit).await
        }
        BrowseCommand::Versions { onedrive, path, collection: Collection { limit, .. } } => {
            let found = session.find_onedrive(&onedrive).await?;
            let found =
                found.ok_or_else(|| Failure::usage(format!("the session shows no OneDrive of `{onedrive}`")))?;
            let id = found.id.unwrap_or_default();
            if let Some(document) = session.find_onedrive_document(&id, &path).await?.and_then(|d| d.id) {
                return many(output, session.onedrive_document_versions(&id, &document), limit).await;
            }
            let folder = session.find_onedrive_folder(&id, &path).await?.and_then(|f| f.id);
            let folder = folder.ok_or_else(|| {
                Failure::usage(format!("the OneDrive of `{onedrive}` has no document or folder `{path}`"))
            })?;
            many(output, session.onedrive_folder_versions(&id, &folder), limit).await
        }
        BrowseCommand::Items { mailbox, folder, search, collection: Collection { limit, .. } } => {
            let Some(mailbox) = mailbox else {
                // Clap asks for a mailbox unless there is a query.
                let query = search.as_deref().unwrap_or_default();
                return many(output, session.search_mailboxes(query), limit).await;
            };
            let found = mailbox_of(session, &mailbox).await?;
            let folder = match folder.as_deref() {
                Some(path) => folder_of(session, &found, &mailbox, path).await?.id,
                None => None,
            };
            let items = match &search {
                Some(query) => session.search_mailbox(found.id, folder.as_deref(), query),
                None => session.mailbox_items(found.id, folder.as_deref()),
            };
            many(output, items, limit).await
        }
    }
}

/// The mailbox `who` names (an address or ID), or a usage error.
pub(super) async fn mailbox_of(session: &RestoreSession, who: &str) -> Result<ExchangeMailbox, Failure> {
    let found = session.find_mailbox(who).await?;
    found.ok_or_else(|| Failure::usage(format!("the session shows no mailbox `{who}`")))
}

/// The folder at `path` in `mailbox`, or a usage error.
pub(super) async fn folder_of(
    session: &RestoreSession,
    mailbox: &ExchangeMailbox,
    who: &str,
    path: &str,
) -> Result<ExchangeFolder, Failure> {
    let folder = session.find_mailbox_folder(mailbox.id, path).await?;
    folder.ok_or_else(|| Failure::usage(format!("`{who}` has no folder `{path}`")))
}
