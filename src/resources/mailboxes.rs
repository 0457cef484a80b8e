//! The mailboxes a backup job processes (v1 API), one page at a time or
//! as a stream over every page.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use uuid::Uuid;

use crate::request::call::call;
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
        call(self.state(), OPERATION, Box::pin(request.send())).await
    }

    /// Every mailbox a backup job processes, fetched `page_size` at a time
    /// (1 to [`MAX_PAGE_SIZE`]). The stream ends after the last page, or
    /// with the error of the page that failed. While the caller works
    /// through one page, the next is already being fetched; at most two
    /// pages are held in memory.
    pub fn job_selected_mailboxes(&self, job_id: Uuid, page_size: u32) -> SelectedMailboxes {
        let mut stream = SelectedMailboxes {
            client: self.clone(),
            job_id,
            page_size,
            current: Vec::new().into_iter(),
            fetched: None,
            pending: None,
        };
        stream.fetch(0);
        stream
    }
}

type PageFuture = Pin<Box<dyn Future<Output = Result<SelectedMailboxPage, Error>> + Send>>;

/// A page that has arrived, and where the one after it starts.
struct Fetched {
    mailboxes: Vec<SelectedMailbox>,
    next: Option<u64>,
}

/// The mailboxes of a backup job, page after page: see
/// [`Client::job_selected_mailboxes`].
#[must_use = "a stream does nothing until polled"]
pub struct SelectedMailboxes {
    client: Client,
    job_id: Uuid,
    page_size: u32,
    /// The page being handed out.
    current: std::vec::IntoIter<SelectedMailbox>,
    /// The next page, fetched but not yet handed out.
    fetched: Option<Result<Fetched, Error>>,
    /// The request for the page after `current`, with its offset.
    pending: Option<(u64, PageFuture)>,
}

impl std::fmt::Debug for SelectedMailboxes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SelectedMailboxes")
            .field("job_id", &self.job_id)
            .field("page_size", &self.page_size)
            .field("left_on_page", &self.current.len())
            .field("fetching", &self.pending.as_ref().map(|(offset, _)| offset))
            .finish_non_exhaustive()
    }
}

impl SelectedMailboxes {
    /// Starts fetching the page at `offset`.
    fn fetch(&mut self, offset: u64) {
        let (client, job_id, limit) = (self.client.clone(), self.job_id, self.page_size);
        let page = async move { client.list_job_selected_mailboxes(job_id, PageRequest { offset, limit }).await };
        self.pending = Some((offset, Box::pin(page)));
    }

    /// Moves the request in flight along; a finished page goes to `fetched`.
    fn drive(&mut self, cx: &mut Context<'_>) {
        let Some((offset, page)) = &mut self.pending else { return };
        let Poll::Ready(result) = page.as_mut().poll(cx) else { return };
        let (offset, page_size) = (*offset, self.page_size);
        self.pending = None;
        self.fetched =
            Some(result.map(|page| Fetched { next: next_offset(&page, offset, page_size), mailboxes: page.results }));
    }
}

impl Stream for SelectedMailboxes {
    type Item = Result<SelectedMailbox, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            // The request in flight moves whenever the caller asks for more.
            this.drive(cx);
            if let Some(mailbox) = this.current.next() {
                return Poll::Ready(Some(Ok(mailbox)));
            }
            match this.fetched.take() {
                Some(Ok(Fetched { mailboxes, next })) => {
                    this.current = mailboxes.into_iter();
                    if let Some(offset) = next {
                        // Read ahead: the next page is on its way while this one is handed out.
                        this.fetch(offset);
                    }
                }
                Some(Err(error)) => {
                    this.pending = None;
                    return Poll::Ready(Some(Err(error)));
                }
                None if this.pending.is_some() => return Poll::Pending,
                None => return Poll::Ready(None),
            }
        }
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
