//! Exporting mail as an Outlook data (PST) file, streamed like a save.

use tokio::io::AsyncWrite;
use uuid::Uuid;

use super::{RestoreSession, Saved};
use crate::Error;
use crate::api::versioned;
use crate::types::{ExchangeItemId, ExportMailboxFolderToPst, ExportMailboxItemsToPst};

/// How a PST export is made: unbounded unless a size is given, every item
/// of a folder unless a keyword is.
#[derive(Debug, Clone, Default)]
pub struct ToPst {
    size_limit: Option<i64>,
    keyword: Option<String>,
}

impl ToPst {
    /// One PST file, as large as it needs.
    pub fn new() -> Self {
        Self::default()
    }

    /// Bound the PST file to `bytes` (the server takes 1 GB to 49 GB and
    /// refuses the rest).
    pub fn size_limit(mut self, bytes: i64) -> Self {
        self.size_limit = Some(bytes);
        self
    }

    /// Of a folder or a mailbox, only the items this keyword finds.
    pub fn keyword(mut self, keyword: impl Into<String>) -> Self {
        self.keyword = Some(keyword.into());
        self
    }

    /// The body of a folder's or a mailbox's export (both take the same).
    fn folder_body(&self) -> ExportMailboxFolderToPst {
        ExportMailboxFolderToPst {
            content_keyword: self.keyword.clone(),
            enable_pst_size_limit: self.size_limit.map(|_| true),
            pst_size_limit_bytes: self.size_limit,
        }
    }
}

impl RestoreSession {
    /// Exports a mailbox folder's items (or those `how`'s keyword finds) as
    /// one PST file, written to `to` as it arrives
    /// (`POST /vN/RestoreSessions/{id}/organization/mailboxes/{mailboxId}/folders/{folderId}/exportToPst`).
    /// Only a server with Outlook's libraries installed offers it; another
    /// refuses. Timeouts as [`save_onedrive_folder`](Self::save_onedrive_folder).
    pub async fn export_mailbox_folder_to_pst<W>(
        &self,
        mailbox_id: Uuid,
        folder_id: &str,
        how: &ToPst,
        to: &mut W,
    ) -> Result<Saved, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let session = self.id();
        let body = how.folder_body();
        let answer = async {
            versioned!(send self.client.api(), export_mailbox_folder_to_pst,
                |op| op.restore_session_id(session).mailbox_id(mailbox_id).folder_id(folder_id).body(body.clone()))
        };
        self.write_download("export_mailbox_folder_to_pst", answer, to).await
    }

    /// Exports every item of a mailbox (or those `how`'s keyword finds) as
    /// one PST file, written to `to` as it arrives
    /// (`POST /vN/RestoreSessions/{id}/organization/mailboxes/{mailboxId}/exportToPst`).
    /// As [`export_mailbox_folder_to_pst`](Self::export_mailbox_folder_to_pst)
    /// otherwise.
    pub async fn export_mailbox_to_pst<W>(&self, mailbox_id: Uuid, how: &ToPst, to: &mut W) -> Result<Saved, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let session = self.id();
        let body = how.folder_body();
        let answer = async {
            versioned!(send self.client.api(), export_mailbox_to_pst,
                |op| op.restore_session_id(session).mailbox_id(mailbox_id).body(body.clone()))
        };
        self.write_download("export_mailbox_to_pst", answer, to).await
    }

    /// Exports the items `item_ids` names, of a mailbox, as one PST file,
    /// written to `to` as it arrives
    /// (`POST /vN/RestoreSessions/{id}/organization/mailboxes/{mailboxId}/items/exportToPst`);
    /// a keyword in `how` is for folders and mailboxes and is not sent. As
    /// [`export_mailbox_folder_to_pst`](Self::export_mailbox_folder_to_pst)
    /// otherwise.
    pub async fn export_mailbox_items_to_pst<W>(
        &self,
        mailbox_id: Uuid,
        item_ids: &[&str],
        how: &ToPst,
        to: &mut W,
    ) -> Result<Saved, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let session = self.id();
        let body = ExportMailboxItemsToPst {
            items: item_ids.iter().map(|id| ExchangeItemId { id: Some((*id).to_owned()) }).collect(),
            enable_pst_size_limit: how.size_limit.map(|_| true),
            pst_size_limit_bytes: how.size_limit,
        };
        let answer = async {
            versioned!(send self.client.api(), export_mailbox_items_to_pst,
                |op| op.restore_session_id(session).mailbox_id(mailbox_id).body(body.clone()))
        };
        self.write_download("export_mailbox_items_to_pst", answer, to).await
    }
}
