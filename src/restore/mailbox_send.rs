//! Sending backed-up mail as attachments to an address, and the message
//! every send (of mail or of OneDrive documents) is carried by.

use uuid::Uuid;

use super::RestoreSession;
use crate::Error;
use crate::api::versioned;
use crate::types::{ExchangeItemId, SendMailboxItems, SendMailboxItemsToOriginal, SendOneDriveItems};

/// The message that carries sent items: the address it goes to, and
/// optionally its sender, subject and text. The server sends it through
/// the mail settings of its notifications, which must be set up.
#[derive(Debug, Clone)]
pub struct SendItems {
    body: SendMailboxItems,
    skip_item_checks: Option<bool>,
}

impl SendItems {
    /// To `address`.
    pub fn to(address: impl Into<String>) -> Self {
        let body = SendMailboxItems { to: Some(address.into()), ..SendMailboxItems::default() };
        Self { body, skip_item_checks: None }
    }

    /// Of OneDrive documents: send without checking each first, leaving out
    /// those that cannot be sent (a mail send has no such choice and does
    /// not send it).
    pub fn skip_item_checks(mut self, yes: bool) -> Self {
        self.skip_item_checks = Some(yes);
        self
    }

    /// This message as the body of a OneDrive send, without documents.
    pub(crate) fn onedrive_body(&self) -> SendOneDriveItems {
        let SendMailboxItems { from, to, subject, text, .. } = self.body.clone();
        SendOneDriveItems { documents: Vec::new(), skip_item_checks: self.skip_item_checks, from, to, subject, text }
    }

    /// From this address (the server's own without it).
    pub fn from(mut self, address: impl Into<String>) -> Self {
        self.body.from = Some(address.into());
        self
    }

    /// With this subject.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.body.subject = Some(subject.into());
        self
    }

    /// With this text.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.body.text = Some(text.into());
        self
    }

    /// The request body, as it will be sent, without the items.
    pub fn body(&self) -> &SendMailboxItems {
        &self.body
    }
}

impl RestoreSession {
    /// Mails the items `item_ids` names, of a mailbox, as attachments of
    /// the message `message` describes
    /// (`POST /vN/RestoreSessions/{id}/organization/mailboxes/{mailboxId}/items/sendToDifferentAddress`).
    /// Done when it returns: the server answers once the mail is sent. Not
    /// repeated after a failure that may have reached the server, which
    /// could send it twice.
    pub async fn send_mailbox_items(
        &self,
        mailbox_id: Uuid,
        item_ids: &[&str],
        message: &SendItems,
    ) -> Result<(), Error> {
        let session = self.id();
        let mut body = message.body.clone();
        body.items = item_ids.iter().map(|id| ExchangeItemId { id: Some((*id).to_owned()) }).collect();
        versioned!(send self.client.api(), send_mailbox_items,
            |op| op.restore_session_id(session).mailbox_id(mailbox_id).body(body.clone()))
    }

    /// Mails the items `item_ids` names, of a mailbox, as attachments back
    /// to that mailbox
    /// (`POST /vN/RestoreSessions/{id}/organization/mailboxes/{mailboxId}/items/sendToDefaultAddress`),
    /// as [`send_mailbox_items`](Self::send_mailbox_items) mails them elsewhere.
    pub async fn send_mailbox_items_to_original(&self, mailbox_id: Uuid, item_ids: &[&str]) -> Result<(), Error> {
        let session = self.id();
        let items = item_ids.iter().map(|id| ExchangeItemId { id: Some((*id).to_owned()) }).collect();
        let body = SendMailboxItemsToOriginal { items };
        versioned!(send self.client.api(), send_mailbox_items_to_original,
            |op| op.restore_session_id(session).mailbox_id(mailbox_id).body(body.clone()))
    }
}
