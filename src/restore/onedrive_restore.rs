//! Copying OneDrive data into a OneDrive.

use super::action::{Answer, RestoreAction};
use super::{RestoreCredentials, RestoreSession};
use crate::Error;
use crate::api::versioned;
use crate::types::{
    CopyToOneDrive, OfficeRegion, OneDriveDocument, OneDriveDocumentAction, OneDriveDocumentVersion,
    OneDriveLastVersionAction, RestoreOneDrive,
};

/// Where copied OneDrive data goes: a OneDrive of the session (another
/// one, or the one it came from), a folder there, and the account or
/// application that may write there. Changed and deleted documents are not
/// copied unless asked: the request says `false` for both, the server's
/// own defaults.
#[derive(Debug, Clone)]
pub struct ToOneDrive {
    body: CopyToOneDrive,
}

impl ToOneDrive {
    /// Into `onedrive` (as the session lists it), written as `credentials`.
    pub fn new(onedrive: RestoreOneDrive, credentials: &RestoreCredentials) -> Self {
        let mut body = CopyToOneDrive {
            onedrive: Some(onedrive),
            changed_items: Some(false),
            deleted_items: Some(false),
            ..CopyToOneDrive::default()
        };
        credentials.apply_onedrive(&mut body);
        Self { body }
    }

    /// Into this folder of the OneDrive (the server picks one without it).
    pub fn folder(mut self, name: impl Into<String>) -> Self {
        self.body.folder = Some(name.into());
        self
    }

    /// Also copy documents changed since the backup, overwriting them.
    pub fn changed_items(mut self, yes: bool) -> Self {
        self.body.changed_items = Some(yes);
        self
    }

    /// Also copy documents deleted since the backup.
    pub fn deleted_items(mut self, yes: bool) -> Self {
        self.body.deleted_items = Some(yes);
        self
    }

    /// Every version of each document, or the last only.
    pub fn versions(mut self, which: OneDriveDocumentVersion) -> Self {
        self.body.document_version = Some(which);
        self
    }

    /// Restore the documents' permissions too.
    pub fn restore_permissions(mut self, yes: bool) -> Self {
        self.body.restore_permissions = Some(yes);
        self
    }

    /// What to do with a document that exists where it is copied.
    pub fn last_version_action(mut self, action: OneDriveLastVersionAction) -> Self {
        self.body.document_last_version_action = Some(action);
        self
    }

    /// The Microsoft 365 cloud the OneDrive lives in.
    pub fn office_region(mut self, region: OfficeRegion) -> Self {
        self.body.office_region = Some(region);
        self
    }

    /// The request body, as it will be sent (secrets stay [`crate::Secret`]s).
    pub fn body(&self) -> &CopyToOneDrive {
        &self.body
    }

    /// The body of a document copy, which takes no permissions or
    /// shared-link flags (a folder's).
    fn document_body(&self) -> CopyToOneDrive {
        CopyToOneDrive { restore_permissions: None, send_shared_links_notification: None, ..self.body.clone() }
    }
}

impl RestoreSession {
    /// Copies a folder of a OneDrive, with its documents, into the OneDrive
    /// `to` names
    /// (`POST /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/Folders/{folderId}/copyTo`).
    /// Follow it with [`wait`](Self::wait).
    pub async fn copy_onedrive_folder_to(
        &self,
        onedrive_id: &str,
        folder_id: &str,
        to: &ToOneDrive,
    ) -> Result<RestoreAction, Error> {
        let session = self.id();
        self.act(async || -> Result<Answer, Error> {
            versioned!(send_into self.client.api(), copy_onedrive_folder_to,
                |op| op.restore_session_id(session).one_drive_id(onedrive_id).folder_id(folder_id).body(to.body.clone()))
        })
        .await
    }

    /// Restores a folder of a OneDrive, with its documents, into the
    /// OneDrive it was saved from, written as `credentials`
    /// (`POST /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/Folders/{folderId}/restore`).
    /// A document that is there already is kept, the restored one written
    /// beside it, unless `existing` says [`OneDriveDocumentAction::Overwrite`].
    /// Follow it with [`wait`](Self::wait).
    pub async fn restore_onedrive_folder(
        &self,
        onedrive_id: &str,
        folder_id: &str,
        credentials: &RestoreCredentials,
        existing: OneDriveDocumentAction,
    ) -> Result<RestoreAction, Error> {
        let session = self.id();
        let mut body = credentials.to_original_onedrive();
        body.document_action = Some(existing);
        self.act(async || -> Result<Answer, Error> {
            versioned!(send_into self.client.api(), restore_onedrive_folder,
                |op| op.restore_session_id(session).one_drive_id(onedrive_id).folder_id(folder_id).body(body.clone()))
        })
        .await
    }

    /// Copies a whole OneDrive, every folder and document, into the
    /// OneDrive `to` names
    /// (`POST /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/copyTo`).
    /// Follow it with [`wait`](Self::wait).
    pub async fn copy_onedrive_to(&self, onedrive_id: &str, to: &ToOneDrive) -> Result<RestoreAction, Error> {
        let session = self.id();
        self.act(async || -> Result<Answer, Error> {
            versioned!(send_into self.client.api(), copy_onedrive_to,
                |op| op.restore_session_id(session).one_drive_id(onedrive_id).body(to.body.clone()))
        })
        .await
    }

    /// Restores a whole OneDrive into itself, written as `credentials`
    /// (`POST /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/restore`);
    /// documents there are treated as
    /// [`restore_onedrive_folder`](Self::restore_onedrive_folder) treats them.
    /// Follow it with [`wait`](Self::wait).
    pub async fn restore_onedrive(
        &self,
        onedrive_id: &str,
        credentials: &RestoreCredentials,
        existing: OneDriveDocumentAction,
    ) -> Result<RestoreAction, Error> {
        let session = self.id();
        let mut body = credentials.to_original_onedrive();
        body.document_action = Some(existing);
        self.act(async || -> Result<Answer, Error> {
            versioned!(send_into self.client.api(), restore_onedrive,
                |op| op.restore_session_id(session).one_drive_id(onedrive_id).body(body.clone()))
        })
        .await
    }

    /// Restores the documents `document_ids` names, of a OneDrive, into the
    /// OneDrive they were saved from, written as `credentials`
    /// (`POST /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/Documents/restore`);
    /// documents there are treated as
    /// [`restore_onedrive_folder`](Self::restore_onedrive_folder) treats them.
    /// Follow it with [`wait`](Self::wait).
    pub async fn restore_onedrive_documents(
        &self,
        onedrive_id: &str,
        document_ids: &[&str],
        credentials: &RestoreCredentials,
        existing: OneDriveDocumentAction,
    ) -> Result<RestoreAction, Error> {
        let session = self.id();
        let mut body = credentials.to_original_onedrive();
        body.document_action = Some(existing);
        body.documents = documents(document_ids);
        self.act(async || -> Result<Answer, Error> {
            versioned!(send_into self.client.api(), restore_onedrive_documents,
                |op| op.restore_session_id(session).one_drive_id(onedrive_id).body(body.clone()))
        })
        .await
    }

    /// Copies the documents `document_ids` names, of a OneDrive, into the
    /// OneDrive `to` names
    /// (`POST /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/Documents/copyTo`);
    /// `to`'s permissions and shared-link flags are a folder's and are not
    /// sent. Follow it with [`wait`](Self::wait).
    pub async fn copy_onedrive_documents_to(
        &self,
        onedrive_id: &str,
        document_ids: &[&str],
        to: &ToOneDrive,
    ) -> Result<RestoreAction, Error> {
        let session = self.id();
        let mut body = to.document_body();
        body.documents = documents(document_ids);
        self.act(async || -> Result<Answer, Error> {
            versioned!(send_into self.client.api(), copy_onedrive_documents_to,
                |op| op.restore_session_id(session).one_drive_id(onedrive_id).body(body.clone()))
        })
        .await
    }

    /// Restores one version of a document (`versionId` of
    /// [`onedrive_document_versions`](Self::onedrive_document_versions)) into
    /// the OneDrive it was saved from, written as `credentials`
    /// (`POST /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/Documents/{documentId}/Versions/{versionId}/restore`).
    /// Follow it with [`wait`](Self::wait).
    pub async fn restore_onedrive_document_version(
        &self,
        onedrive_id: &str,
        document_id: &str,
        version_id: i32,
        credentials: &RestoreCredentials,
        existing: OneDriveDocumentAction,
    ) -> Result<RestoreAction, Error> {
        let session = self.id();
        let mut body = credentials.to_original_onedrive();
        body.document_action = Some(existing);
        self.act(async || -> Result<Answer, Error> {
            versioned!(send_into self.client.api(), restore_onedrive_document_version,
                |op| op.restore_session_id(session).one_drive_id(onedrive_id).document_id(document_id)
                    .version_id(version_id).body(body.clone()))
        })
        .await
    }

    /// Copies one version of a document into the OneDrive `to` names
    /// (`POST /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/Documents/{documentId}/Versions/{versionId}/copyTo`),
    /// as [`copy_onedrive_documents_to`](Self::copy_onedrive_documents_to)
    /// copies documents.
    pub async fn copy_onedrive_document_version_to(
        &self,
        onedrive_id: &str,
        document_id: &str,
        version_id: i32,
        to: &ToOneDrive,
    ) -> Result<RestoreAction, Error> {
        let session = self.id();
        let body = to.document_body();
        self.act(async || -> Result<Answer, Error> {
            versioned!(send_into self.client.api(), copy_onedrive_document_version_to,
                |op| op.restore_session_id(session).one_drive_id(onedrive_id).document_id(document_id)
                    .version_id(version_id).body(body.clone()))
        })
        .await
    }
}

/// Documents named by ID alone, as the documents actions take them.
pub(super) fn documents(ids: &[&str]) -> Vec<OneDriveDocument> {
    ids.iter().map(|id| OneDriveDocument { id: Some((*id).to_owned()), ..OneDriveDocument::default() }).collect()
}
