//! Browsing a OneDrive restore session: its OneDrives, their folders and
//! their documents.

use futures::TryStreamExt as _;

use super::RestoreSession;
use crate::Error;
use crate::api::versioned;
use crate::resources::Optionally as _;
use crate::resources::paging::Pages;
use crate::types::{OneDriveDocument, OneDriveFolder, RestoreOneDrive, SearchOptions};

impl RestoreSession {
    /// The OneDrives the session shows
    /// (`GET /vN/RestoreSessions/{id}/Organization/OneDrives`), as a stream
    /// over every page.
    pub fn onedrives(&self) -> Pages<RestoreOneDrive> {
        let (client, session) = (&self.client, self.id());
        versioned!(pages client, list_restore_session_onedrives, client.config().page_size,
            |op| op.restore_session_id(session))
    }

    /// One OneDrive of the session
    /// (`GET /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}`).
    pub async fn onedrive(&self, onedrive_id: &str) -> Result<RestoreOneDrive, Error> {
        let session = self.id();
        versioned!(send self.client.api(), get_restore_session_onedrive,
            |op| op.restore_session_id(session).one_drive_id(onedrive_id))
    }

    /// The OneDrive `who` names: its ID, its owner's name, or its owner's
    /// address (the server names a OneDrive's address after it), compared
    /// without regard to case. `Ok(None)` when the session shows none.
    pub async fn find_onedrive(&self, who: &str) -> Result<Option<RestoreOneDrive>, Error> {
        let login = who.to_ascii_lowercase().replace(['@', '.'], "_");
        let matches = |o: &RestoreOneDrive| {
            o.id.as_deref() == Some(who)
                || o.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(who))
                || (who.contains('@')
                    && o.url.as_deref().is_some_and(|u| u.to_ascii_lowercase().ends_with(&format!("/{login}"))))
        };
        let mut onedrives = self.onedrives();
        while let Some(onedrive) = onedrives.try_next().await? {
            if matches(&onedrive) {
                return Ok(Some(onedrive));
            }
        }
        Ok(None)
    }

    /// A OneDrive's folders directly under `parent` (a folder ID), or its
    /// top folders (`GET /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/Folders`),
    /// as a stream over every page.
    pub fn onedrive_folders(&self, onedrive_id: &str, parent: Option<&str>) -> Pages<OneDriveFolder> {
        let (client, session) = (&self.client, self.id());
        let (onedrive, parent) = (onedrive_id.to_owned(), parent.map(str::to_owned));
        versioned!(pages client, list_restore_session_onedrive_folders, client.config().page_size, [onedrive, parent]
            |op| op.restore_session_id(session).one_drive_id(onedrive.clone())
                .optionally(parent.clone(), |op, parent| op.parent_id(parent)))
    }

    /// A OneDrive's documents directly under `parent` (a folder ID), or at
    /// its top (`GET /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/Documents`),
    /// as a stream over every page.
    pub fn onedrive_documents(&self, onedrive_id: &str, parent: Option<&str>) -> Pages<OneDriveDocument> {
        let (client, session) = (&self.client, self.id());
        let (onedrive, parent) = (onedrive_id.to_owned(), parent.map(str::to_owned));
        versioned!(pages client, list_restore_session_onedrive_documents, client.config().page_size, [onedrive, parent]
            |op| op.restore_session_id(session).one_drive_id(onedrive.clone())
                .optionally(parent.clone(), |op, parent| op.parent_id(parent)))
    }

    /// The folder at `path`, by name from the top (`/Documents/2026`), one
    /// listing a level; `Ok(None)` when a level is missing.
    pub async fn find_onedrive_folder(&self, onedrive_id: &str, path: &str) -> Result<Option<OneDriveFolder>, Error> {
        super::path::find(path, |parent| self.onedrive_folders(onedrive_id, parent)).await
    }

    /// The versions the session holds of a document
    /// (`GET /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/Documents/{documentId}/Versions`),
    /// each a document entry whose `version_id` names it for
    /// [`save_onedrive_document`](Self::save_onedrive_document), as a
    /// stream over every page.
    pub fn onedrive_document_versions(&self, onedrive_id: &str, document_id: &str) -> Pages<OneDriveDocument> {
        let (client, session) = (&self.client, self.id());
        let (onedrive, document) = (onedrive_id.to_owned(), document_id.to_owned());
        versioned!(pages client, list_onedrive_document_versions, client.config().page_size, [onedrive, document]
            |op| op.restore_session_id(session).one_drive_id(onedrive.clone()).document_id(document.clone()))
    }

    /// The versions the session holds of a folder
    /// (`GET /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/Folders/{folderId}/Versions`),
    /// each a folder entry with its `version_id`, as a stream over every
    /// page.
    pub fn onedrive_folder_versions(&self, onedrive_id: &str, folder_id: &str) -> Pages<OneDriveFolder> {
        let (client, session) = (&self.client, self.id());
        let (onedrive, folder) = (onedrive_id.to_owned(), folder_id.to_owned());
        versioned!(pages client, list_onedrive_folder_versions, client.config().page_size, [onedrive, folder]
            |op| op.restore_session_id(session).one_drive_id(onedrive.clone()).folder_id(folder.clone()))
    }

    /// The document at `path`, by name from the top
    /// (`/Documents/2026/Plan.xlsx`): its folder as
    /// [`find_onedrive_folder`](Self::find_onedrive_folder) finds it, then
    /// the document of that name among the folder's; `Ok(None)` when
    /// either is missing.
    pub async fn find_onedrive_document(
        &self,
        onedrive_id: &str,
        path: &str,
    ) -> Result<Option<OneDriveDocument>, Error> {
        let path = path.trim_end_matches('/');
        let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
        let parent = match folder.trim_matches('/') {
            "" => None,
            folder => match self.find_onedrive_folder(onedrive_id, folder).await? {
                Some(found) => found.id,
                None => return Ok(None),
            },
        };
        let mut documents = self.onedrive_documents(onedrive_id, parent.as_deref());
        while let Some(document) = documents.try_next().await? {
            if document.name.as_deref() == Some(name) && document.is_folder != Some(true) {
                return Ok(Some(document));
            }
        }
        Ok(None)
    }

    /// The documents and folders of a OneDrive, or under one of its
    /// folders, that match `query` in the server's search syntax
    /// (`POST /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/search`,
    /// or `.../Folders/{folderId}/search`), as a stream over every page; a
    /// folder among them says `is_folder` in v8 (in v6 only its link, to
    /// `.../Folders/{id}`, tells).
    pub fn search_onedrive(&self, onedrive_id: &str, folder: Option<&str>, query: &str) -> Pages<OneDriveDocument> {
        let (client, session) = (&self.client, self.id());
        let (onedrive, body) = (onedrive_id.to_owned(), SearchOptions { query: Some(query.to_owned()) });
        match folder.map(str::to_owned) {
            None => versioned!(pages client, search_onedrive, client.config().page_size, [onedrive, body]
                |op| op.restore_session_id(session).one_drive_id(onedrive.clone()).body(body.clone())),
            Some(folder) => versioned!(pages client, search_onedrive_folder, client.config().page_size,
                [onedrive, body, folder]
                |op| op.restore_session_id(session).one_drive_id(onedrive.clone()).folder_id(folder.clone())
                    .body(body.clone())),
        }
    }

    /// The documents and folders of every OneDrive of the session that
    /// match `query`, as [`search_onedrive`](Self::search_onedrive) searches
    /// one (`POST /vN/RestoreSessions/{id}/Organization/OneDrives/search`).
    pub fn search_onedrives(&self, query: &str) -> Pages<OneDriveDocument> {
        let (client, session) = (&self.client, self.id());
        let body = SearchOptions { query: Some(query.to_owned()) };
        versioned!(pages client, search_onedrives, client.config().page_size, [body]
            |op| op.restore_session_id(session).body(body.clone()))
    }

    /// One document of a OneDrive, by its ID
    /// (`GET /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/Documents/{documentId}`).
    pub async fn onedrive_document(&self, onedrive_id: &str, document_id: &str) -> Result<OneDriveDocument, Error> {
        let session = self.id();
        versioned!(send self.client.api(), get_restore_session_onedrive_document,
            |op| op.restore_session_id(session).one_drive_id(onedrive_id).document_id(document_id))
    }

    /// One folder of a OneDrive, by its ID
    /// (`GET /vN/RestoreSessions/{id}/Organization/OneDrives/{oneDriveId}/Folders/{folderId}`).
    pub async fn onedrive_folder(&self, onedrive_id: &str, folder_id: &str) -> Result<OneDriveFolder, Error> {
        let session = self.id();
        versioned!(send self.client.api(), get_restore_session_onedrive_folder,
            |op| op.restore_session_id(session).one_drive_id(onedrive_id).folder_id(folder_id))
    }
}
