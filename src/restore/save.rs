//! Saving: a file the server builds from backed-up data, written as it
//! arrives, never whole in memory.

use futures::StreamExt as _;
use tokio::io::{AsyncWrite, AsyncWriteExt as _};
use uuid::Uuid;

use super::RestoreSession;
use crate::Error;
use crate::api::versioned;
use crate::error::TransportKind;
use crate::request::call::Download;
use crate::types::{ExchangeItemId, SaveMailboxItems, SaveOneDriveDocument, SaveOneDriveDocuments};

/// A file written by a save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Saved {
    /// Bytes written.
    pub bytes: u64,
    /// The size the server announced (`Content-Length`), when it did.
    pub size: Option<u64>,
}

impl RestoreSession {
    /// Saves a OneDrive folder, with its documents, as one file (a ZIP
    /// archive), written to `to` as it arrives
    /// (`POST /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/Folders/{folderId}/save`).
    /// The request timeout bounds the wait for the answer and for each
    /// chunk after it, not the whole file. `to` is flushed, not closed.
    pub async fn save_onedrive_folder<W>(&self, onedrive_id: &str, folder_id: &str, to: &mut W) -> Result<Saved, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let session = self.id();
        let answer = async {
            versioned!(send self.client.api(), save_onedrive_folder,
                |op| op.restore_session_id(session).one_drive_id(onedrive_id).folder_id(folder_id))
        };
        self.write_download("save_onedrive_folder", answer, to).await
    }

    /// Saves a whole OneDrive, every folder and document, as one file (a
    /// ZIP archive), written to `to` as it arrives
    /// (`POST /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/save`).
    /// Timeouts as [`save_onedrive_folder`](Self::save_onedrive_folder).
    pub async fn save_onedrive<W>(&self, onedrive_id: &str, to: &mut W) -> Result<Saved, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let session = self.id();
        let answer = async {
            versioned!(send self.client.api(), save_onedrive, |op| op.restore_session_id(session).one_drive_id(onedrive_id))
        };
        self.write_download("save_onedrive", answer, to).await
    }

    /// Saves a OneDrive document, as last backed up or the version
    /// `version` names (a `version_id` of
    /// [`onedrive_document_versions`](Self::onedrive_document_versions)),
    /// written to `to` as it arrives: the bare file, or a ZIP archive
    /// holding it with `as_zip`
    /// (`POST /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/Documents/{documentId}/save`,
    /// or `.../Versions/{versionId}/save`).
    /// Timeouts as [`save_onedrive_folder`](Self::save_onedrive_folder).
    pub async fn save_onedrive_document<W>(
        &self,
        onedrive_id: &str,
        document_id: &str,
        version: Option<i32>,
        as_zip: bool,
        to: &mut W,
    ) -> Result<Saved, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let session = self.id();
        let body = SaveOneDriveDocument { as_zip: Some(as_zip) };
        let answer = async {
            match version {
                None => versioned!(send self.client.api(), save_onedrive_document,
                    |op| op.restore_session_id(session).one_drive_id(onedrive_id).document_id(document_id).body(body.clone())),
                Some(version) => versioned!(send self.client.api(), save_onedrive_document_version,
                    |op| op.restore_session_id(session).one_drive_id(onedrive_id).document_id(document_id)
                        .version_id(version).body(body.clone())),
            }
        };
        let operation = if version.is_some() { "save_onedrive_document_version" } else { "save_onedrive_document" };
        self.write_download(operation, answer, to).await
    }

    /// Saves the documents `document_ids` names, of a OneDrive, as one ZIP
    /// file written to `to` as it arrives
    /// (`POST /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/Documents/save`).
    /// Timeouts as [`save_onedrive_folder`](Self::save_onedrive_folder).
    pub async fn save_onedrive_documents<W>(
        &self,
        onedrive_id: &str,
        document_ids: &[&str],
        to: &mut W,
    ) -> Result<Saved, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let session = self.id();
        let body = SaveOneDriveDocuments { documents: super::onedrive_restore::documents(document_ids) };
        let answer = async {
            versioned!(send self.client.api(), save_onedrive_documents,
                |op| op.restore_session_id(session).one_drive_id(onedrive_id).body(body.clone()))
        };
        self.write_download("save_onedrive_documents", answer, to).await
    }

    /// Saves the items `item_ids` names, of a mailbox, as one file (an MSG
    /// file for one item, a ZIP archive of them for several), written to
    /// `to` as it arrives
    /// (`POST /vN/RestoreSessions/{id}/organization/mailboxes/{mailboxId}/items/Save`).
    /// Timeouts as [`save_onedrive_folder`](Self::save_onedrive_folder).
    pub async fn save_mailbox_items<W>(&self, mailbox_id: Uuid, item_ids: &[&str], to: &mut W) -> Result<Saved, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let session = self.id();
        let items = item_ids.iter().map(|id| ExchangeItemId { id: Some((*id).to_owned()) }).collect();
        let body = SaveMailboxItems { items };
        let answer = async {
            versioned!(send self.client.api(), save_mailbox_items,
                |op| op.restore_session_id(session).mailbox_id(mailbox_id).body(body.clone()))
        };
        self.write_download("save_mailbox_items", answer, to).await
    }

    /// Saves one item of a mailbox as an MSG file, written to `to` as it
    /// arrives
    /// (`POST /vN/RestoreSessions/{id}/organization/mailboxes/{mailboxId}/items/{itemId}/save`).
    /// Timeouts as [`save_onedrive_folder`](Self::save_onedrive_folder).
    pub async fn save_mailbox_item<W>(&self, mailbox_id: Uuid, item_id: &str, to: &mut W) -> Result<Saved, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let session = self.id();
        let answer = async {
            versioned!(send self.client.api(), save_mailbox_item,
                |op| op.restore_session_id(session).mailbox_id(mailbox_id).item_id(item_id))
        };
        self.write_download("save_mailbox_item", answer, to).await
    }

    /// Waits (within the request timeout) for `answer`, then copies its
    /// bytes to `to`, each chunk within the request timeout too.
    pub(super) async fn write_download<W>(
        &self,
        operation: &'static str,
        answer: impl Future<Output = Result<Download, Error>>,
        to: &mut W,
    ) -> Result<Saved, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let patience = self.client.config().request_timeout;
        let stalled = |written: u64| Error::Transport {
            operation,
            kind: TransportKind::Timeout,
            detail: format!("no data for {} s after {written} bytes", patience.as_secs_f64()),
            may_have_reached_server: true,
            attempts: 1,
            not_repeated: true,
            source: None,
        };
        let Download { size, stream } = tokio::time::timeout(patience, answer).await.map_err(|_| stalled(0))??;
        let mut stream = stream.into_inner();
        let mut written = 0u64;
        loop {
            let chunk = match tokio::time::timeout(patience, stream.next()).await {
                Err(_) => return Err(stalled(written)),
                Ok(None) => break,
                Ok(Some(chunk)) => chunk.map_err(|e| Error::transport(operation, e))?,
            };
            to.write_all(&chunk).await.map_err(|source| Error::Write { operation, written, source })?;
            written += chunk.len() as u64;
        }
        to.flush().await.map_err(|source| Error::Write { operation, written, source })?;
        if let Some(size) = size.filter(|size| *size != written) {
            let detail = format!("the server announced {size} bytes and sent {written}");
            return Err(Error::Transport {
                operation,
                kind: TransportKind::Connection,
                detail,
                may_have_reached_server: true,
                attempts: 1,
                not_repeated: true,
                source: None,
            });
        }
        Ok(Saved { bytes: written, size })
    }
}
