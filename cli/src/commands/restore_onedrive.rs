//! `vb365 restore onedrive`: a OneDrive, a folder or a document saved,
//! copied into another OneDrive or restored where it was.

use std::path::PathBuf;

use futures::TryStreamExt as _;
use tokio::io::AsyncWrite;
use vb365::Client;
use vb365::restore::{RestoreSession, SendItems, ToOneDrive};
use vb365::types::{OneDriveDocumentAction, RestoreSessionType};

use super::restore::in_session;
use super::restore_actions::{RestorePlan, SendReport, credentials, explore, finish, follow, report_of};
use super::restore_save::save_to;
use crate::args::RestoreCredentialArgs;
use crate::failure::Failure;
use crate::output::Output;

/// What `vb365 restore onedrive` is asked to do.
pub(super) struct OnedriveSave {
    pub(super) organization: String,
    pub(super) onedrive: String,
    pub(super) at: Option<vb365::DateTime>,
    pub(super) path: Option<String>,
    pub(super) version: Option<i32>,
    pub(super) save: Option<PathBuf>,
    pub(super) dry_run: bool,
}

/// Where `vb365 restore onedrive --to` copies, and as whom.
pub(super) struct OnedriveCopy {
    pub(super) to: String,
    pub(super) to_folder: Option<String>,
    pub(super) changed_items: bool,
    pub(super) deleted_items: bool,
    pub(super) credentials: RestoreCredentialArgs,
    pub(super) strict: bool,
}

/// What a `--path` names in a OneDrive.
enum Place {
    /// No path: the whole OneDrive.
    Whole,
    /// A folder, by its ID.
    Folder(String),
    /// A document (by its ID, and as listed), or one of its versions.
    Document(String, Box<vb365::types::OneDriveDocument>, Option<i32>),
}

/// The OneDrive `who` names and what `path` names in it: the whole
/// OneDrive, a folder by that path, or else a document (of which
/// `version` may pick one); usage errors otherwise.
async fn locate(
    session: &RestoreSession,
    who: &str,
    path: Option<&str>,
    version: Option<i32>,
) -> Result<(String, Place), Failure> {
    let found = session.find_onedrive(who).await?;
    let found = found.ok_or_else(|| Failure::usage(format!("the session shows no OneDrive of `{who}`")))?;
    let id = found.id.unwrap_or_default();
    let Some(path) = path else {
        if version.is_some() {
            return Err(Failure::usage("--version is for a document: give --path"));
        }
        return Ok((id, Place::Whole));
    };
    if let Some(folder) = session.find_onedrive_folder(&id, path).await?.and_then(|f| f.id) {
        if version.is_some() {
            return Err(Failure::usage(format!("`{path}` is a folder: --version is for a document")));
        }
        return Ok((id, Place::Folder(folder)));
    }
    let document = session.find_onedrive_document(&id, path).await?;
    let document = document
        .ok_or_else(|| Failure::usage(format!("the OneDrive of `{who}` has no folder or document `{path}`")))?;
    // A document listed without its ID cannot be asked for: never the
    // whole OneDrive in its place.
    let document_id = document.id.clone().ok_or_else(|| Failure {
        exit: crate::failure::Exit::Refused,
        message: format!("the server listed `{path}` without its ID"),
    })?;
    Ok((id, Place::Document(document_id, Box::new(document), version)))
}

/// How many documents `place` holds and their bytes, as listed.
async fn count(session: &RestoreSession, onedrive: &str, place: &Place) -> Result<(u64, u64), Failure> {
    match place {
        Place::Whole => documents_under(session, onedrive, None).await,
        Place::Folder(folder) => documents_under(session, onedrive, Some(folder)).await,
        Place::Document(_, document, version) => Ok((1, document_size(session, onedrive, document, *version).await?)),
    }
}

/// How a report names what was asked for (a version after the path).
fn source_of(who: &str, path: Option<&str>, version: Option<i32>) -> String {
    let source = onedrive_source(who, path);
    version.map_or_else(|| source.clone(), |version| format!("{source} version {version}"))
}

/// How a report names a OneDrive's folder, or the whole OneDrive.
fn onedrive_source(who: &str, path: Option<&str>) -> String {
    format!("{who}:{}", path.unwrap_or("/"))
}

pub(super) async fn onedrive_copy(
    client: &Client,
    ask: OnedriveSave,
    copy: OnedriveCopy,
    output: &mut Output,
) -> Result<(), Failure> {
    let who = if ask.dry_run { None } else { Some(credentials(&copy.credentials)?) };
    let organization = client.find_organization(&ask.organization).await?;
    let from = explore(organization.id, RestoreSessionType::Veod, ask.at);
    let report = in_session(client, from, async |session: &RestoreSession| {
        let (id, place) = locate(session, &ask.onedrive, ask.path.as_deref(), ask.version).await?;
        let into = session.find_onedrive(&copy.to).await?;
        let into = into.ok_or_else(|| Failure::usage(format!("the session shows no OneDrive of `{}`", copy.to)))?;
        let source = source_of(&ask.onedrive, ask.path.as_deref(), ask.version);
        let target = format!("{}:/{}", copy.to, copy.to_folder.as_deref().unwrap_or(""));
        let Some(who) = &who else {
            let (items, bytes) = count(session, &id, &place).await?;
            output.one(&RestorePlan { session: session.id(), source, target, items, bytes: Some(bytes) })?;
            return Ok(None);
        };
        let mut to = ToOneDrive::new(into, who).changed_items(copy.changed_items).deleted_items(copy.deleted_items);
        if let Some(name) = &copy.to_folder {
            to = to.folder(name);
        }
        let action = match &place {
            Place::Whole => session.copy_onedrive_to(&id, &to).await?,
            Place::Folder(folder) => session.copy_onedrive_folder_to(&id, folder, &to).await?,
            Place::Document(document, _, None) => session.copy_onedrive_documents_to(&id, &[document], &to).await?,
            Place::Document(document, _, Some(version)) => {
                session.copy_onedrive_document_version_to(&id, document, *version, &to).await?
            }
        };
        let outcome = follow(session, action, output).await?;
        Ok(Some(report_of(session.id(), source, target, outcome)))
    })
    .await?;
    finish(report, copy.strict, output)
}

pub(super) async fn onedrive(client: &Client, ask: OnedriveSave, output: &mut Output) -> Result<(), Failure> {
    let OnedriveSave { organization, onedrive, at, path, version, save, dry_run } = ask;
    let save = save.ok_or_else(|| Failure::usage("say where: --save FILE, or --to USER"))?;
    let organization = client.find_organization(&organization).await?;
    let from = explore(organization.id, RestoreSessionType::Veod, at);
    in_session(client, from, async |session: &RestoreSession| {
        let (id, place) = locate(session, &onedrive, path.as_deref(), version).await?;
        let source = source_of(&onedrive, path.as_deref(), version);
        if dry_run {
            let (items, bytes) = count(session, &id, &place).await?;
            let target = save.display().to_string();
            return output.one(&RestorePlan { session: session.id(), source, target, items, bytes: Some(bytes) });
        }
        let download = async |to: &mut (dyn AsyncWrite + Unpin)| match &place {
            Place::Whole => session.save_onedrive(&id, to).await,
            Place::Folder(folder) => session.save_onedrive_folder(&id, folder, to).await,
            Place::Document(document, _, version) => {
                session.save_onedrive_document(&id, document, *version, false, to).await
            }
        };
        save_to(session.id(), source, &save, download, output).await
    })
    .await
}

/// Mails a whole OneDrive, a folder or a document to `to` (no restore
/// credentials: nothing is written into Microsoft 365).
pub(super) async fn onedrive_send(
    client: &Client,
    ask: OnedriveSave,
    to: String,
    subject: Option<String>,
    output: &mut Output,
) -> Result<(), Failure> {
    if ask.version.is_some() {
        return Err(Failure::usage("a version is saved, restored or copied: --send takes the last"));
    }
    let organization = client.find_organization(&ask.organization).await?;
    let from = explore(organization.id, RestoreSessionType::Veod, ask.at);
    in_session(client, from, async |session: &RestoreSession| {
        let (id, place) = locate(session, &ask.onedrive, ask.path.as_deref(), None).await?;
        let source = source_of(&ask.onedrive, ask.path.as_deref(), None);
        let (items, bytes) = count(session, &id, &place).await?;
        if ask.dry_run {
            let target = to.clone();
            return output.one(&RestorePlan { session: session.id(), source, target, items, bytes: Some(bytes) });
        }
        let message = subject.iter().fold(SendItems::to(&to), |m, s| m.subject(s));
        match &place {
            Place::Whole => session.send_onedrive(&id, &message).await?,
            Place::Folder(folder) => session.send_onedrive_folder(&id, folder, &message).await?,
            Place::Document(document, _, _) => session.send_onedrive_documents(&id, &[document], &message).await?,
        }
        let items = usize::try_from(items).unwrap_or(usize::MAX);
        output.one(&SendReport { session: session.id(), source, to: to.clone(), items })
    })
    .await
}

/// The size the session lists for a document, or for its version `version`.
async fn document_size(
    session: &RestoreSession,
    onedrive: &str,
    document: &vb365::types::OneDriveDocument,
    version: Option<i32>,
) -> Result<u64, Failure> {
    let size = |d: &vb365::types::OneDriveDocument| d.size_bytes.and_then(|s| u64::try_from(s).ok()).unwrap_or(0);
    let Some(version) = version else { return Ok(size(document)) };
    let id = document.id.as_deref().unwrap_or_default();
    let mut versions = session.onedrive_document_versions(onedrive, id);
    while let Some(entry) = versions.try_next().await? {
        if entry.version_id == Some(version) {
            return Ok(size(&entry));
        }
    }
    Err(Failure::usage(format!("the document has no version {version}")))
}

/// How `vb365 restore onedrive` without --to or --save restores where the
/// folder was.
pub(super) struct OnedriveInPlace {
    pub(super) yes: bool,
    pub(super) overwrite: bool,
    pub(super) credentials: RestoreCredentialArgs,
    pub(super) strict: bool,
}

/// Restores a whole OneDrive, a folder, a document or one of its versions
/// where it was, asking first: documents there are kept (the restored one
/// written beside) unless `--overwrite`.
pub(super) async fn onedrive_in_place(
    client: &Client,
    ask: OnedriveSave,
    how: OnedriveInPlace,
    output: &mut Output,
) -> Result<(), Failure> {
    let who = if ask.dry_run { None } else { Some(credentials(&how.credentials)?) };
    if !ask.dry_run {
        let existing = if how.overwrite { "replacing" } else { "keeping" };
        let what = ask.path.as_deref().map_or_else(|| String::from("everything"), |path| format!("`{path}`"));
        let question = format!("Restore {what} of {} where it was, {existing} the documents there?", ask.onedrive);
        crate::confirm::confirm(&question, how.yes)?;
    }
    let organization = client.find_organization(&ask.organization).await?;
    let from = explore(organization.id, RestoreSessionType::Veod, ask.at);
    let report = in_session(client, from, async |session: &RestoreSession| {
        let (id, place) = locate(session, &ask.onedrive, ask.path.as_deref(), ask.version).await?;
        let source = source_of(&ask.onedrive, ask.path.as_deref(), ask.version);
        let target = onedrive_source(&ask.onedrive, ask.path.as_deref());
        let Some(who) = &who else {
            let (items, bytes) = count(session, &id, &place).await?;
            output.one(&RestorePlan { session: session.id(), source, target, items, bytes: Some(bytes) })?;
            return Ok(None);
        };
        let existing = if how.overwrite { OneDriveDocumentAction::Overwrite } else { OneDriveDocumentAction::Keep };
        let action = match &place {
            Place::Whole => session.restore_onedrive(&id, who, existing).await?,
            Place::Folder(folder) => session.restore_onedrive_folder(&id, folder, who, existing).await?,
            Place::Document(document, _, None) => {
                session.restore_onedrive_documents(&id, &[document], who, existing).await?
            }
            Place::Document(document, _, Some(version)) => {
                session.restore_onedrive_document_version(&id, document, *version, who, existing).await?
            }
        };
        let outcome = follow(session, action, output).await?;
        Ok(Some(report_of(session.id(), source, target, outcome)))
    })
    .await?;
    finish(report, how.strict, output)
}

/// How many documents a folder (or the whole OneDrive) and the folders
/// under it hold, and their bytes.
async fn documents_under(
    session: &RestoreSession,
    onedrive: &str,
    folder: Option<&str>,
) -> Result<(u64, u64), Failure> {
    let (mut count, mut bytes) = (0, 0);
    let mut folders = vec![folder.map(str::to_owned)];
    while let Some(folder) = folders.pop() {
        let folder = folder.as_deref();
        let mut documents = session.onedrive_documents(onedrive, folder);
        while let Some(document) = documents.try_next().await? {
            count += 1;
            bytes += document.size_bytes.and_then(|s| u64::try_from(s).ok()).unwrap_or(0);
        }
        let below: Vec<_> = session.onedrive_folders(onedrive, folder).try_collect().await?;
        folders.extend(below.into_iter().filter_map(|f| f.id).map(Some));
    }
    Ok((count, bytes))
}
