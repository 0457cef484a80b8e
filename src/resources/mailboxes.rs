//! The mailboxes a backup job processes (v1 API), one page at a time or
//! as a stream over every page.

use uuid::Uuid;

use super::paging::{PageRequest, Pages};
use crate::api::versioned;
use crate::types::{SelectedMailbox, SelectedMailboxPage};
use crate::{Client, Error};

const OPERATION: &str = "list_job_selected_mailboxes";

/// Every mailbox a backup job processes: see [`Client::job_selected_mailboxes`].
pub type SelectedMailboxes = Pages<SelectedMailbox>;

impl Client {
    /// One page of the mailboxes a backup job processes
    /// (`GET /v1/Jobs/{jobId}/SelectedMailboxes?offset=&limit=`).
    ///
    /// This is the archived page's v1 API, which no current server serves:
    /// against a server that does not serve v1 it fails with
    /// [`Error::NotServed`] without sending anything, naming
    /// [`Client::job_selected_items`], its successor.
    pub async fn list_job_selected_mailboxes(
        &self,
        job_id: Uuid,
        page: PageRequest,
    ) -> Result<SelectedMailboxPage, Error> {
        let (offset, limit) = page.checked(OPERATION)?;
        versioned!(send self.api(), list_job_selected_mailboxes, |op| op.job_id(job_id).offset(offset).limit(limit))
    }

    /// Every mailbox a backup job processes, fetched `page_size` at a time
    /// (1 to [`crate::MAX_PAGE_SIZE`]). While the caller works through one
    /// page, the next is already being fetched; at most two pages are held
    /// in memory. The stream ends after the last page (see [`Pages`]), or
    /// with the error of the page that failed.
    #[inline]
    pub fn job_selected_mailboxes(&self, job_id: Uuid, page_size: u32) -> SelectedMailboxes {
        versioned!(pages self, list_job_selected_mailboxes, page_size, |op| op.job_id(job_id))
    }
}
