//! The mailboxes a backup job processes (v1 API), one page at a time or
//! as a stream over every page.

use uuid::Uuid;

use super::paging::{Page, PageRequest, Pages};
use crate::request::call::call;
use crate::types::{SelectedMailbox, SelectedMailboxPage};
use crate::{Client, Error};

const OPERATION: &str = "list_job_selected_mailboxes";

/// Every mailbox a backup job processes: see [`Client::job_selected_mailboxes`].
pub type SelectedMailboxes = Pages<SelectedMailbox>;

impl Client {
    /// One page of the mailboxes a backup job processes
    /// (`GET /v1/Jobs/{jobId}/SelectedMailboxes?offset=&limit=`).
    pub async fn list_job_selected_mailboxes(
        &self,
        job_id: Uuid,
        page: PageRequest,
    ) -> Result<SelectedMailboxPage, Error> {
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
