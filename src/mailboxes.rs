//! The mailboxes a backup job processes (v1 API), one page at a time or
//! as a stream over every page.

use futures::stream::{self, Stream, StreamExt, TryStreamExt};
use uuid::Uuid;

use crate::call::call;
use crate::types::{SelectedMailbox, SelectedMailboxPage};
use crate::{Client, Error};

/// The largest page the server serves.
pub const MAX_PAGE_SIZE: u32 = 10_000;

const OPERATION: &str = "list_job_selected_mailboxes";

/// Which page to fetch: skip `offset` items, return at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// How many items to skip.
    pub offset: u64,
    /// Page size, 1 to [`MAX_PAGE_SIZE`].
    pub limit: u32,
}

impl PageRequest {
    /// The first page of `limit` items.
    pub fn first(limit: u32) -> Self {
        Self { offset: 0, limit }
    }
}

impl Client {
    /// One page of the mailboxes a backup job processes
    /// (`GET /v1/Jobs/{jobId}/SelectedMailboxes?offset=&limit=`).
    pub async fn list_job_selected_mailboxes(
        &self,
        job_id: Uuid,
        page: PageRequest,
    ) -> Result<SelectedMailboxPage, Error> {
        if !(1..=MAX_PAGE_SIZE).contains(&page.limit) {
            return Err(Error::invalid(
                OPERATION,
                "limit",
                format!("must be 1 to {MAX_PAGE_SIZE}, not {}", page.limit),
            ));
        }
        let offset = i64::try_from(page.offset)
            .map_err(|_| Error::invalid(OPERATION, "offset", format!("{} is too large", page.offset)))?;
        let request =
            self.api().list_job_selected_mailboxes().job_id(job_id).offset(offset).limit(u64::from(page.limit));
        call(self.state(), OPERATION, request.send()).await
    }

    /// Every mailbox a backup job processes, fetched `page_size` at a time
    /// (1 to [`MAX_PAGE_SIZE`]). The stream ends after the last page, or
    /// with the error of the page that failed. Only one page is held in
    /// memory at a time.
    pub fn job_selected_mailboxes(
        &self,
        job_id: Uuid,
        page_size: u32,
    ) -> impl Stream<Item = Result<SelectedMailbox, Error>> + Send + 'static {
        let client = self.clone();
        stream::try_unfold(Some(0u64), move |next| {
            let client = client.clone();
            async move {
                let Some(offset) = next else { return Ok(None) };
                let page = client.list_job_selected_mailboxes(job_id, PageRequest { offset, limit: page_size }).await?;
                let following = next_offset(&page, offset, page_size);
                Ok(Some((page.results, following)))
            }
        })
        .map_ok(|mailboxes| stream::iter(mailboxes).map(Ok))
        .try_flatten()
    }
}

/// Where the page after `page` starts, or `None` after the last page. A
/// server that sends `_links` says so with a `next` link; one that does not
/// has more when the page came back full. An empty page always ends the walk.
fn next_offset(page: &SelectedMailboxPage, offset: u64, page_size: u32) -> Option<u64> {
    let count = page.results.len() as u64;
    let more = match &page.links {
        Some(links) => links.next.is_some(),
        None => count == u64::from(page_size),
    };
    (count > 0 && more).then_some(offset + count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Link, PageLinks};

    fn page(count: usize, next: Option<bool>) -> SelectedMailboxPage {
        let mailbox = SelectedMailbox { id: Uuid::nil(), email: None, name: None, is_backed_up: None, links: None };
        SelectedMailboxPage {
            offset: 0,
            limit: 2,
            results: vec![mailbox; count],
            links: next.map(|n| PageLinks {
                self_: None,
                first: None,
                prev: None,
                next: n.then(|| Link { href: String::from("/next") }),
            }),
        }
    }

    #[test]
    fn the_next_link_decides_when_links_are_sent() {
        assert_eq!(next_offset(&page(2, Some(true)), 10, 2), Some(12));
        assert_eq!(next_offset(&page(2, Some(false)), 10, 2), None);
    }

    #[test]
    fn a_full_page_means_more_without_links() {
        assert_eq!(next_offset(&page(2, None), 0, 2), Some(2));
        assert_eq!(next_offset(&page(1, None), 0, 2), None);
    }

    #[test]
    fn an_empty_page_ends_the_walk() {
        assert_eq!(next_offset(&page(0, Some(true)), 0, 2), None);
    }
}
