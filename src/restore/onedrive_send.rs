//! Sending backed-up OneDrive documents as attachments to an address.

use super::onedrive_restore::documents;
use super::{RestoreSession, SendItems};
use crate::Error;
use crate::api::versioned;

impl RestoreSession {
    /// Mails every document of a OneDrive as attachments of the message
    /// `message` describes
    /// (`POST /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/send`).
    /// Done when it returns: the server answers once the mail is sent. Not
    /// repeated after a failure that may have reached the server.
    pub async fn send_onedrive(&self, onedrive_id: &str, message: &SendItems) -> Result<(), Error> {
        let session = self.id();
        let body = message.onedrive_body();
        versioned!(send self.client.api(), send_onedrive,
            |op| op.restore_session_id(session).one_drive_id(onedrive_id).body(body.clone()))
    }

    /// Mails the documents of a folder, and of the folders under it, as
    /// [`send_onedrive`](Self::send_onedrive) mails a OneDrive's
    /// (`POST .../OneDrives/{oneDriveId}/Folders/{folderId}/send`).
    pub async fn send_onedrive_folder(
        &self,
        onedrive_id: &str,
        folder_id: &str,
        message: &SendItems,
    ) -> Result<(), Error> {
        let session = self.id();
        let body = message.onedrive_body();
        versioned!(send self.client.api(), send_onedrive_folder,
            |op| op.restore_session_id(session).one_drive_id(onedrive_id).folder_id(folder_id).body(body.clone()))
    }

    /// Mails the documents `document_ids` names, as
    /// [`send_onedrive`](Self::send_onedrive) mails a OneDrive's
    /// (`POST .../OneDrives/{oneDriveId}/Documents/send`).
    pub async fn send_onedrive_documents(
        &self,
        onedrive_id: &str,
        document_ids: &[&str],
        message: &SendItems,
    ) -> Result<(), Error> {
        let session = self.id();
        let mut body = message.onedrive_body();
        body.documents = documents(document_ids);
        versioned!(send self.client.api(), send_onedrive_documents,
            |op| op.restore_session_id(session).one_drive_id(onedrive_id).body(body.clone()))
    }
}
