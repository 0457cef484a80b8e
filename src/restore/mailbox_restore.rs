//! Restoring Exchange data into a mailbox.

use uuid::Uuid;

use super::action::{Answer, RestoreAction};
use super::{RestoreCredentials, RestoreSession};
use crate::Error;
use crate::api::versioned;
use crate::types::{ExchangeItemId, ExchangeMailbox, OfficeRegion, RestoreToMailbox};

/// Where restored mail goes: a mailbox (another one, or the one it came
/// from), a folder there, and the account or application that may write
/// there. Changed and deleted items are not restored unless asked
/// ([`changed_items`](Self::changed_items), [`deleted_items`](Self::deleted_items)):
/// the request says `false` for both, the server's own defaults, so that a
/// restore never overwrites what changed since the backup by accident.
#[derive(Debug, Clone)]
pub struct ToMailbox {
    body: RestoreToMailbox,
}

impl ToMailbox {
    /// Into the mailbox at `address`, written as `credentials`.
    pub fn new(address: impl Into<String>, credentials: &RestoreCredentials) -> Self {
        let mut body = RestoreToMailbox {
            mailbox: Some(address.into()),
            changed_items: Some(false),
            deleted_items: Some(false),
            ..RestoreToMailbox::default()
        };
        credentials.apply(&mut body);
        Self { body }
    }

    /// Into this folder of the mailbox (the server picks one without it).
    pub fn folder(mut self, name: impl Into<String>) -> Self {
        self.body.folder = Some(name.into());
        self
    }

    /// Also restore items that changed since the backup, overwriting them.
    pub fn changed_items(mut self, yes: bool) -> Self {
        self.body.changed_items = Some(yes);
        self
    }

    /// Also restore items that were deleted since the backup.
    pub fn deleted_items(mut self, yes: bool) -> Self {
        self.body.deleted_items = Some(yes);
        self
    }

    /// Mark what is restored unread.
    pub fn mark_unread(mut self, yes: bool) -> Self {
        self.body.mark_restored_as_unread = Some(yes);
        self
    }

    /// Leave drafts out (of a folder's or a whole mailbox's restore).
    pub fn exclude_drafts(mut self, yes: bool) -> Self {
        self.body.exclude_drafts = Some(yes);
        self
    }

    /// Leave the Deleted Items folder out (of a whole mailbox's restore).
    pub fn exclude_deleted_items_folder(mut self, yes: bool) -> Self {
        self.body.exclude_deleted_items = Some(yes);
        self
    }

    /// The Microsoft 365 cloud the mailbox lives in.
    pub fn office_region(mut self, region: OfficeRegion) -> Self {
        self.body.office_region = Some(region);
        self
    }

    /// The request body, as it will be sent (secrets stay [`crate::Secret`]s).
    pub fn body(&self) -> &RestoreToMailbox {
        &self.body
    }
}

impl RestoreSession {
    /// Restores a folder of a mailbox, with its items, into the mailbox
    /// `to` names
    /// (`POST /vN/RestoreSessions/{id}/organization/mailboxes/{mailboxId}/folders/{folderId}/restoreTo`).
    /// Follow it with [`wait`](Self::wait). Not repeated after a failure
    /// that may have reached the server.
    pub async fn restore_mailbox_folder_to(
        &self,
        mailbox_id: Uuid,
        folder_id: &str,
        to: &ToMailbox,
    ) -> Result<RestoreAction, Error> {
        let session = self.id();
        self.act(async || -> Result<Answer, Error> {
            versioned!(send_into self.client.api(), restore_mailbox_folder_to,
                |op| op.restore_session_id(session).mailbox_id(mailbox_id).folder_id(folder_id).body(to.body.clone()))
        })
        .await
    }

    /// Restores a folder of a mailbox, with its items, into the mailbox it
    /// was saved from, written as `credentials`
    /// (`POST /vN/RestoreSessions/{id}/organization/mailboxes/{mailboxId}/folders/{folderId}/restore`):
    /// what changed there since the backup is the server's to merge. Follow
    /// it with [`wait`](Self::wait).
    pub async fn restore_mailbox_folder(
        &self,
        mailbox_id: Uuid,
        folder_id: &str,
        credentials: &RestoreCredentials,
    ) -> Result<RestoreAction, Error> {
        let session = self.id();
        let body = credentials.to_original();
        self.act(async || -> Result<Answer, Error> {
            versioned!(send_into self.client.api(), restore_mailbox_folder,
                |op| op.restore_session_id(session).mailbox_id(mailbox_id).folder_id(folder_id).body(body.clone()))
        })
        .await
    }

    /// Restores the items `item_ids` names, of a mailbox, into the mailbox
    /// `to` names
    /// (`POST /vN/RestoreSessions/{id}/organization/mailboxes/{mailboxId}/items/restoreTo`).
    /// Follow it with [`wait`](Self::wait).
    pub async fn restore_mailbox_items_to(
        &self,
        mailbox_id: Uuid,
        item_ids: &[&str],
        to: &ToMailbox,
    ) -> Result<RestoreAction, Error> {
        let session = self.id();
        let mut body = to.body.clone();
        body.items = item_ids.iter().map(|id| ExchangeItemId { id: Some((*id).to_owned()) }).collect();
        self.act(async || -> Result<Answer, Error> {
            versioned!(send_into self.client.api(), restore_mailbox_items_to,
                |op| op.restore_session_id(session).mailbox_id(mailbox_id).body(body.clone()))
        })
        .await
    }

    /// Restores a whole mailbox, every folder with its items, into the
    /// mailbox it was saved from, written as `credentials`
    /// (`POST /vN/RestoreSessions/{id}/organization/mailboxes/{mailboxId}/restore`).
    /// As [`restore_mailbox_folder`](Self::restore_mailbox_folder) otherwise.
    pub async fn restore_mailbox(
        &self,
        mailbox_id: Uuid,
        credentials: &RestoreCredentials,
    ) -> Result<RestoreAction, Error> {
        let session = self.id();
        let body = credentials.to_original();
        self.act(async || -> Result<Answer, Error> {
            versioned!(send_into self.client.api(), restore_mailbox,
                |op| op.restore_session_id(session).mailbox_id(mailbox_id).body(body.clone()))
        })
        .await
    }

    /// Restores a whole mailbox, every folder with its items, into the
    /// mailbox `to` names (a folder there keeps them apart)
    /// (`POST /vN/RestoreSessions/{id}/organization/mailboxes/{mailboxId}/restoreTo`).
    /// Follow it with [`wait`](Self::wait).
    pub async fn restore_mailbox_to(&self, mailbox_id: Uuid, to: &ToMailbox) -> Result<RestoreAction, Error> {
        let session = self.id();
        self.act(async || -> Result<Answer, Error> {
            versioned!(send_into self.client.api(), restore_mailbox_to,
                |op| op.restore_session_id(session).mailbox_id(mailbox_id).body(to.body.clone()))
        })
        .await
    }

    /// Restores the items `item_ids` names, of a mailbox, into the mailbox
    /// they were saved from, written as `credentials`
    /// (`POST /vN/RestoreSessions/{id}/organization/mailboxes/{mailboxId}/items/restore`).
    /// Follow it with [`wait`](Self::wait).
    pub async fn restore_mailbox_items(
        &self,
        mailbox_id: Uuid,
        item_ids: &[&str],
        credentials: &RestoreCredentials,
    ) -> Result<RestoreAction, Error> {
        let session = self.id();
        let mut body = credentials.to_original();
        body.items = item_ids.iter().map(|id| ExchangeItemId { id: Some((*id).to_owned()) }).collect();
        self.act(async || -> Result<Answer, Error> {
            versioned!(send_into self.client.api(), restore_mailbox_items,
                |op| op.restore_session_id(session).mailbox_id(mailbox_id).body(body.clone()))
        })
        .await
    }

    /// Restores several whole mailboxes, each into the mailbox it was saved
    /// from, in one restore written as `credentials`
    /// (`POST /vN/RestoreSessions/{id}/organization/mailboxes/restore`).
    /// Changed and deleted items are not restored (the server's defaults,
    /// sent as such). v6 answers with each mailbox's counts, summed here;
    /// follow it with [`wait`](Self::wait).
    pub async fn restore_mailboxes(
        &self,
        mailbox_ids: &[Uuid],
        credentials: &RestoreCredentials,
    ) -> Result<RestoreAction, Error> {
        let session = self.id();
        let mut body = credentials.to_bulk();
        body.mailboxes = mailbox_ids.iter().map(|id| mailbox_named(*id)).collect();
        body.changed_items = Some(false);
        body.deleted_items = Some(false);
        self.act(async || -> Result<Answer, Error> {
            versioned!(send_into self.client.api(), restore_mailboxes,
                |op| op.restore_session_id(session).body(body.clone()))
        })
        .await
    }
}

/// A mailbox named by its ID alone, as a restore of several takes it.
fn mailbox_named(id: Uuid) -> ExchangeMailbox {
    ExchangeMailbox { id, name: None, email: None, is_archive: None, is_public: None, links: None, actions: None }
}
