//! The mailboxes a backup job processes (v1 API), one page at a time or
//! as a stream over every page.

use uuid::Uuid;

use super::paging::{Page, PageRequest, Pages};
use crate::request::call::call;
use crate::types::{SelectedMailbox, SelectedMailboxPage};
use crate::{ApiVersion, Client, Error};

const OPERATION: &str = "list_job_selected_mailboxes";
/// What replaced the v1 operation, for the error when a server does not serve v1.
const SUCCESSOR: &str = "Client::job_selected_items (GET /vN/Jobs/{jobId}/SelectedItems)";

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
        self.state().versions.choose(OPERATION, &[ApiVersion::V1], Some(SUCCESSOR))?;
        let (offset, limit) = page.checked(OPERATION)?;
        let request = self.api().list_job_selected_mailboxes().job_id(job_id).offset(offset).limit(u64::from(limit));
        call(self.state(), OPERATION, Box::pin(request.send())).await
    }

    /// Every mailbox a backup job processes, fetched `page_size` at a time
    /// (1 to [`crate::MAX_PAGE_SIZE`]). While the caller works through one
    /// page, the next is already being fetched; at most two pages are held
    /// in memory. The stream ends after the last page (see [`Pages`]), or
    /// with the error of the page that failed.
    pub fn job_selected_mailboxes(&self, job_id: Uuid, page_size: u32) -> SelectedMailboxes {
        if let Err(e) = self.state().versions.choose(OPERATION, &[ApiVersion::V1], Some(SUCCESSOR)) {
            return Pages::failed(OPERATION, e);
        }
        let client = self.clone();
        Pages::new(OPERATION, page_size, move |request| {
            let client = client.clone();
            Box::pin(async move {
                let page = client.list_job_selected_mailboxes(job_id, request).await?;
                let links = page.links.map(|links| links.next.is_some());
                Ok(Page { offset: page.offset, limit: page.limit, items: page.results, links })
            })
        })
    }
}
