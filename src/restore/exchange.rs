//! Browsing an Exchange restore session: its mailboxes, their folders and
//! their items.

use futures::TryStreamExt as _;
use uuid::Uuid;

use super::RestoreSession;
use crate::Error;
use crate::api::versioned;
use crate::resources::Optionally as _;
use crate::resources::paging::Pages;
use crate::types::{ExchangeFolder, ExchangeItem, ExchangeMailbox, SearchOptions};

impl RestoreSession {
    /// The mailboxes the session shows
    /// (`GET /vN/RestoreSessions/{id}/organization/mailboxes`), as a stream
    /// over every page.
    pub fn mailboxes(&self) -> Pages<ExchangeMailbox> {
        let (client, session) = (&self.client, self.id());
        versioned!(pages client, list_restore_session_mailboxes, client.config().page_size,
            |op| op.restore_session_id(session))
    }

    /// One mailbox of the session
    /// (`GET /vN/RestoreSessions/{id}/organization/mailboxes/{mailboxId}`).
    pub async fn mailbox(&self, mailbox_id: Uuid) -> Result<ExchangeMailbox, Error> {
        let session = self.id();
        versioned!(send self.client.api(), get_restore_session_mailbox,
            |op| op.restore_session_id(session).mailbox_id(mailbox_id))
    }

    /// The mailbox `who` names: its ID, or its address (compared without
    /// regard to case), read from the list when not an ID. `Ok(None)` when
    /// the session shows no such mailbox.
    pub async fn find_mailbox(&self, who: &str) -> Result<Option<ExchangeMailbox>, Error> {
        if let Ok(id) = who.parse::<Uuid>() {
            return self.mailbox(id).await.map(Some);
        }
        let mut mailboxes = self.mailboxes();
        while let Some(mailbox) = mailboxes.try_next().await? {
            if mailbox.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(who)) {
                return Ok(Some(mailbox));
            }
        }
        Ok(None)
    }

    /// A mailbox's folders directly under `parent` (a folder ID), or its
    /// top folders (`GET /vN/RestoreSessions/{id}/organization/mailboxes/{mailboxId}/folders`),
    /// as a stream over every page.
    pub fn mailbox_folders(&self, mailbox_id: Uuid, parent: Option<&str>) -> Pages<ExchangeFolder> {
        let (client, session, parent) = (&self.client, self.id(), parent.map(str::to_owned));
        versioned!(pages client, list_restore_session_mailbox_folders, client.config().page_size, [parent]
            |op| op.restore_session_id(session).mailbox_id(mailbox_id)
                .optionally(parent.clone(), |op, parent| op.parent_id(parent)))
    }

    /// The folder at `path`, by name from the top (`Inbox/Invoices`), one
    /// listing a level (a name with `/` in it cannot be named this way);
    /// `Ok(None)` when a level is missing.
    pub async fn find_mailbox_folder(&self, mailbox_id: Uuid, path: &str) -> Result<Option<ExchangeFolder>, Error> {
        super::path::find(path, |parent| self.mailbox_folders(mailbox_id, parent)).await
    }

    /// A mailbox's items, of one folder (a folder ID) or of all
    /// (`GET /vN/RestoreSessions/{id}/organization/mailboxes/{mailboxId}/items`;
    /// v8 names the folder `parentId`, v6 `folderId`), as a stream over
    /// every page.
    pub fn mailbox_items(&self, mailbox_id: Uuid, folder: Option<&str>) -> Pages<ExchangeItem> {
        let (client, session, folder) = (&self.client, self.id(), folder.map(str::to_owned));
        versioned!(pages client, list_restore_session_mailbox_items, client.config().page_size, [folder]
            v8: |op| op.restore_session_id(session).mailbox_id(mailbox_id)
                .optionally(folder.clone(), |op, folder| op.parent_id(folder)),
            v6: |op| op.restore_session_id(session).mailbox_id(mailbox_id)
                .optionally(folder.clone(), |op, folder| op.folder_id(folder)))
    }

    /// One item of a mailbox
    /// (`GET /vN/RestoreSessions/{id}/organization/mailboxes/{mailboxId}/items/{itemId}`).
    pub async fn mailbox_item(&self, mailbox_id: Uuid, item_id: &str) -> Result<ExchangeItem, Error> {
        let session = self.id();
        versioned!(send self.client.api(), get_restore_session_mailbox_item,
            |op| op.restore_session_id(session).mailbox_id(mailbox_id).item_id(item_id))
    }

    /// The items of a mailbox, or of one of its folders, that match `query`
    /// in the server's search syntax (free words, or `field:value` pairs
    /// such as `subject:invoice`)
    /// (`POST /vN/RestoreSessions/{id}/organization/mailboxes/{mailboxId}/search`,
    /// or `.../folders/{folderId}/search`), as a stream over every page.
    pub fn search_mailbox(&self, mailbox_id: Uuid, folder: Option<&str>, query: &str) -> Pages<ExchangeItem> {
        let (client, session) = (&self.client, self.id());
        let body = SearchOptions { query: Some(query.to_owned()) };
        match folder.map(str::to_owned) {
            None => versioned!(pages client, search_mailbox, client.config().page_size, [body]
                |op| op.restore_session_id(session).mailbox_id(mailbox_id).body(body.clone())),
            Some(folder) => versioned!(pages client, search_mailbox_folder, client.config().page_size, [body, folder]
                |op| op.restore_session_id(session).mailbox_id(mailbox_id).folder_id(folder.clone()).body(body.clone())),
        }
    }

    /// One folder of a mailbox, by its ID
    /// (`GET /vN/RestoreSessions/{id}/organization/mailboxes/{mailboxId}/folders/{folderId}`).
    pub async fn mailbox_folder(&self, mailbox_id: Uuid, folder_id: &str) -> Result<ExchangeFolder, Error> {
        let session = self.id();
        versioned!(send self.client.api(), get_restore_session_mailbox_folder,
            |op| op.restore_session_id(session).mailbox_id(mailbox_id).folder_id(folder_id))
    }

    /// The items of every mailbox of the session that match `query`, as
    /// [`search_mailbox`](Self::search_mailbox) searches one
    /// (`POST /vN/RestoreSessions/{id}/organization/mailboxes/search`); each
    /// item names its mailbox (`mailboxId`, v8).
    pub fn search_mailboxes(&self, query: &str) -> Pages<ExchangeItem> {
        let (client, session) = (&self.client, self.id());
        let body = SearchOptions { query: Some(query.to_owned()) };
        versioned!(pages client, search_mailboxes, client.config().page_size, [body]
            |op| op.restore_session_id(session).body(body.clone()))
    }
}
