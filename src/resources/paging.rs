//! Walking a paged collection (`offset`, `limit`, `results`, `_links`).
//!
//! The walk ends only when the server says the collection is over: an empty
//! page, or a page with no `next` link that holds fewer items than the page
//! size. A full page without links is followed by another request, so a
//! server that leaves links out costs one request more, never items. A page
//! that cannot be fetched or read ends the stream with [`Error::Page`],
//! which names its offset; nothing is skipped.
//!
//! A walk that does not advance fails the same way instead of streaming
//! forever: a page at another offset than asked for, a `next` link that
//! points back to the page's own offset or before it, or a page that holds
//! the same items as the one before it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use serde_json::Value;

use crate::Error;
use crate::request::capture::CapturedJson;

/// The largest page the server serves.
pub const MAX_PAGE_SIZE: u32 = 10_000;

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

    /// Checks the page size and the offset for `operation`; returns the
    /// offset and limit as the generated client takes them.
    pub(crate) fn checked(self, operation: &'static str) -> Result<(i64, std::num::NonZeroU32), Error> {
        let limit = std::num::NonZeroU32::new(self.limit).filter(|l| l.get() <= MAX_PAGE_SIZE).ok_or_else(|| {
            Error::invalid(operation, "limit", format!("must be 1 to {MAX_PAGE_SIZE}, not {}", self.limit))
        })?;
        let offset = i64::try_from(self.offset)
            .map_err(|_| Error::invalid(operation, "offset", format!("{} is too large", self.offset)))?;
        Ok((offset, limit))
    }
}

/// What the walk needs from one page of any collection.
#[derive(Debug)]
pub(crate) struct Page<T> {
    /// The offset the server says the page starts at.
    pub(crate) offset: i64,
    /// The page size the server says it applied.
    pub(crate) limit: i64,
    /// The items.
    pub(crate) items: Vec<T>,
    /// Whether the server sent links at all, and the `next` one's target
    /// among them.
    pub(crate) links: Option<Option<String>>,
    /// The items as the server sent them, when the stream keeps them
    /// ([`Pages::with_json`]); empty otherwise.
    pub(crate) json: Vec<Value>,
}

impl<T> Page<T> {
    /// A page as a generated page type holds it (`offset` and `limit` in
    /// `int32` or `int64`, links if the server sent any).
    pub(crate) fn new(
        offset: impl Into<i64>,
        limit: impl Into<i64>,
        items: Vec<T>,
        next: Option<Option<String>>,
    ) -> Self {
        Self { offset: offset.into(), limit: limit.into(), items, links: next, json: Vec::new() }
    }

    fn has_next(&self) -> bool {
        matches!(self.links, Some(Some(_)))
    }
}

/// The items of the last body a page's request received: the body itself
/// (a collection answered at once) or its `results`, as many as were read.
fn items_of(operation: &'static str, mut bodies: Vec<CapturedJson>, count: usize) -> Result<Vec<Value>, Error> {
    let items = match bodies.pop().map(|body| body.value) {
        Some(Value::Array(items)) => Some(items),
        Some(Value::Object(mut page)) => match page.remove("results") {
            Some(Value::Array(items)) => Some(items),
            _ => None,
        },
        _ => None,
    };
    match items {
        Some(items) if items.len() == count => Ok(items),
        other => Err(Error::Decode {
            operation,
            path: String::from("/results"),
            message: format!(
                "{count} items were read, but the page's JSON holds {}",
                other.map_or(String::from("no list of items"), |items| items.len().to_string())
            ),
            snippet: String::new(),
        }),
    }
}

/// The `offset` a link's query names, when it names one that reads as a
/// number; links without one cannot be judged and are not.
fn link_offset(href: &str) -> Option<u64> {
    let query = href.split_once('?')?.1;
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| key.eq_ignore_ascii_case("offset"))
        .and_then(|(_, value)| value.parse().ok())
}

/// An item, and its JSON when the stream keeps it.
type ItemWithJson<T> = (T, Option<Value>);
type PageFuture<T> = Pin<Box<dyn Future<Output = Result<Page<T>, Error>> + Send>>;
type FetchPage<T> = Box<dyn Fn(PageRequest) -> PageFuture<T> + Send + Sync>;
type Adjust<T> = Box<dyn Fn(&mut T) -> bool + Send + Sync>;

/// The request for one page: spawned on the runtime, so that it proceeds
/// while the caller works through the page before it; polled here when the
/// stream is used outside a Tokio runtime.
enum InFlight<T> {
    Spawned(tokio::task::JoinHandle<Result<Page<T>, Error>>),
    Polled(PageFuture<T>),
}

/// Every item of a paged collection, page after page, as a [`Stream`].
///
/// While the caller works through one page, the next is already being
/// fetched; at most two pages are held in memory. The stream ends after the
/// last page, or with the error of the page that failed ([`Error::Page`]).
#[must_use = "a stream does nothing until polled"]
pub struct Pages<T> {
    operation: &'static str,
    page_size: u32,
    fetch: FetchPage<T>,
    /// The whole collection comes in one answer (API v6 lists); no second request.
    single: bool,
    /// Applied to each item before it is handed out; an item it answers
    /// `false` for is left out (a filter the server's version lacks).
    adjust: Option<Adjust<T>>,
    /// An error to yield before anything else (the operation cannot run).
    failed: Option<Error>,
    /// The page being handed out.
    current: std::vec::IntoIter<T>,
    /// The request for the page after `current`, with its offset.
    in_flight: Option<(u64, InFlight<T>)>,
    /// Whether the first page was asked for: nothing is sent before the
    /// stream is first polled.
    started: bool,
    /// The offset, first and last item of the page before, as the server
    /// sent them: a page that repeats them did not advance.
    previous: Option<(u64, T, T)>,
    /// Whether each item's JSON, as the server sent it, is kept too.
    json: bool,
    /// The JSON of the items of `current`, in step with it.
    current_json: std::vec::IntoIter<Value>,
}

impl<T> std::fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("operation", &self.operation)
            .field("page_size", &self.page_size)
            .field("left_on_page", &self.current.len())
            .field("fetching", &self.in_flight.as_ref().map(|(offset, _)| offset))
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> Pages<T> {
    /// Walks from offset 0, `page_size` items at a time, once first polled;
    /// `fetch` gets one page. A page size out of range fails the first item.
    pub(crate) fn new(
        operation: &'static str,
        page_size: u32,
        fetch: impl Fn(PageRequest) -> PageFuture<T> + Send + Sync + 'static,
    ) -> Self {
        Self {
            operation,
            page_size,
            fetch: Box::new(fetch),
            single: false,
            adjust: None,
            failed: None,
            current: Vec::new().into_iter(),
            in_flight: None,
            started: false,
            previous: None,
            json: false,
            current_json: Vec::new().into_iter(),
        }
    }

    /// A collection the server answers in one piece (API v6 lists), as the
    /// same kind of stream.
    pub(crate) fn single(
        operation: &'static str,
        fetch: impl FnOnce() -> Pin<Box<dyn Future<Output = Result<Vec<T>, Error>> + Send>> + Send + Sync + 'static,
    ) -> Self {
        let fetch = std::sync::Mutex::new(Some(fetch));
        let mut pages = Self::new(operation, MAX_PAGE_SIZE, move |_request| {
            let once = fetch.lock().unwrap_or_else(|p| p.into_inner()).take();
            Box::pin(async move {
                let items = match once {
                    Some(fetch) => fetch().await?,
                    None => Vec::new(),
                };
                Ok(Page::new(0, items.len() as i64, items, Some(None)))
            })
        });
        pages.single = true;
        pages
    }

    /// A stream that yields `error` and ends: the operation cannot run
    /// (the server does not serve it, the client is not logged in).
    pub(crate) fn failed(operation: &'static str, error: Error) -> Self {
        Self {
            operation,
            page_size: 1,
            fetch: Box::new(|_| Box::pin(async { Ok(Page::new(0, 1, Vec::new(), None)) })),
            single: true,
            adjust: None,
            failed: Some(error),
            current: Vec::new().into_iter(),
            in_flight: None,
            started: true,
            previous: None,
            json: false,
            current_json: Vec::new().into_iter(),
        }
    }

    /// Runs `adjust` on each item before handing it out, and leaves out
    /// the items it answers `false` for. The walk itself is not affected:
    /// every page is still fetched, so filtering on the client never ends a
    /// collection early.
    pub(crate) fn adjusted(mut self, adjust: impl Fn(&mut T) -> bool + Send + Sync + 'static) -> Self {
        self.adjust = Some(match self.adjust.take() {
            None => Box::new(adjust),
            Some(first) => Box::new(move |item| first(item) && adjust(item)),
        });
        self
    }

    /// Keeps each item's JSON as the server sent it, fields the document
    /// does not describe included, next to the item: for output that must
    /// not be poorer than the server's answer. It costs a second read of
    /// each page, so it is asked for, not done always.
    pub fn with_json(mut self) -> PagesWithJson<T> {
        self.json = true;
        PagesWithJson(self)
    }

    fn start(&mut self, offset: u64) {
        let mut page = (self.fetch)(PageRequest { offset, limit: self.page_size });
        if self.json {
            let operation = self.operation;
            page = Box::pin(async move {
                let (page, bodies) = crate::capture_json(page).await;
                let mut page = page?;
                page.json = items_of(operation, bodies, page.items.len())?;
                Ok(page)
            });
        }
        let in_flight = match tokio::runtime::Handle::try_current() {
            Ok(runtime) => InFlight::Spawned(runtime.spawn(page)),
            Err(_) => InFlight::Polled(page),
        };
        self.in_flight = Some((offset, in_flight));
    }

    /// Where the page after `page` starts, or `None` when the server said
    /// the collection is over (see the module docs).
    fn next_offset(&self, page: &Page<T>, offset: u64) -> Option<u64> {
        if self.single {
            return None;
        }
        let count = page.items.len() as u64;
        let applied = u64::try_from(page.limit).ok().filter(|l| (1..=u64::from(self.page_size)).contains(l));
        let full = count >= applied.unwrap_or(u64::from(self.page_size));
        let more = page.has_next() || full;
        (count > 0 && more).then(|| offset.saturating_add(count))
    }
}

impl<T: Clone + PartialEq> Pages<T> {
    /// `page`, if it moves the walk on from the page before; otherwise the
    /// reason it does not (see the module docs).
    fn advances(&mut self, page: Page<T>, offset: u64) -> Result<Page<T>, Error> {
        let stuck = |path: &str, message: String| Error::Decode {
            operation: self.operation,
            path: path.to_owned(),
            message,
            snippet: String::new(),
        };
        if u64::try_from(page.offset).ok() != Some(offset) {
            let message = format!("the server answered offset {} to a request for offset {offset}", page.offset);
            return Err(stuck("/offset", message));
        }
        if let Some(Some(href)) = &page.links
            && let Some(next) = link_offset(href).filter(|&next| next <= offset && !page.items.is_empty())
        {
            let message = format!("the `next` link points back to offset {next}, so the walk would not advance");
            return Err(stuck("/_links/next/href", message));
        }
        if let (Some(first), Some(last)) = (page.items.first(), page.items.last()) {
            if let Some((before, _, _)) = self.previous.as_ref().filter(|(_, f, l)| f == first && l == last) {
                let message = format!("the server sent the same items as for the page at offset {before} again");
                return Err(stuck("/results", message));
            }
            self.previous = Some((offset, first.clone(), last.clone()));
        }
        Ok(page)
    }
}

impl<T: Send + Clone + PartialEq + 'static> Stream for Pages<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Most items: the page is in hand, with no JSON kept and nothing to
        // adjust, so the item goes out as it is, without the pair below.
        if !self.json
            && self.adjust.is_none()
            && let Some(item) = self.current.next()
        {
            return Poll::Ready(Some(Ok(item)));
        }
        self.poll_item(cx).map(|item| item.map(|item| item.map(|(item, _)| item)))
    }
}

/// A [`Pages`] stream that hands out each item with its JSON as the server
/// sent it ([`Pages::with_json`]).
#[must_use = "a stream does nothing until polled"]
#[derive(Debug)]
pub struct PagesWithJson<T>(Pages<T>);

impl<T: Send + Clone + PartialEq + 'static> Stream for PagesWithJson<T> {
    type Item = Result<(T, Value), Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let operation = self.0.operation;
        self.0.poll_item(cx).map(|item| {
            item.map(|item| {
                item.and_then(|(item, json)| {
                    let missing = || Error::Decode {
                        operation,
                        path: String::from("/results"),
                        message: String::from("an item came without its JSON"),
                        snippet: String::new(),
                    };
                    Ok((item, json.ok_or_else(missing)?))
                })
            })
        })
    }
}

impl<T> Unpin for PagesWithJson<T> {}

impl<T: Send + Clone + PartialEq + 'static> Pages<T> {
    /// The next item, with its JSON when the stream keeps it.
    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<ItemWithJson<T>, Error>>> {
        let this = self;
        if let Some(error) = this.failed.take() {
            this.in_flight = None;
            return Poll::Ready(Some(Err(error)));
        }
        if !this.started {
            this.started = true;
            this.start(0);
        }
        loop {
            if let Some(mut item) = this.current.next() {
                let json = if this.json { this.current_json.next() } else { None };
                if this.adjust.as_ref().is_none_or(|adjust| adjust(&mut item)) {
                    return Poll::Ready(Some(Ok((item, json))));
                }
                continue;
            }
            let Some((offset, in_flight)) = &mut this.in_flight else { return Poll::Ready(None) };
            let offset = *offset;
            let result = match in_flight {
                InFlight::Spawned(task) => match Pin::new(task).poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(result)) => result,
                    Poll::Ready(Err(join)) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
                    Poll::Ready(Err(_)) => Err(Error::Transport {
                        operation: this.operation,
                        kind: crate::TransportKind::Connection,
                        detail: String::from("the runtime shut down while the page was being fetched"),
                        may_have_reached_server: true,
                        attempts: 1,
                        not_repeated: false,
                        source: None,
                    }),
                },
                InFlight::Polled(page) => match page.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(result) => result,
                },
            };
            this.in_flight = None;
            let page = result.and_then(|page| this.advances(page, offset));
            match page {
                Ok(page) => {
                    if let Some(next) = this.next_offset(&page, offset) {
                        // Read ahead: the next page is on its way while this one is handed out.
                        this.start(next);
                    }
                    this.current = page.items.into_iter();
                    this.current_json = page.json.into_iter();
                }
                Err(error) => return Poll::Ready(Some(Err(Error::Page { offset, source: Box::new(error) }))),
            }
        }
    }
}

// Nothing here is pinned in place: the futures are boxed, the items are
// only moved out of a vector.
impl<T> Unpin for Pages<T> {}

impl<T> Drop for Pages<T> {
    fn drop(&mut self) {
        if let Some((_, InFlight::Spawned(task))) = &self.in_flight {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures::TryStreamExt;

    use super::*;

    /// A collection of `total` numbers served `served` at a time (whatever
    /// the request asks), with or without `next` links.
    fn pages(total: u64, served: u64, links: bool, page_size: u32) -> (Pages<u64>, Arc<Mutex<Vec<u64>>>) {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&asked);
        let stream = Pages::new("op", page_size, move |request: PageRequest| {
            log.lock().unwrap().push(request.offset);
            let end = (request.offset + served.min(u64::from(request.limit))).min(total);
            let next = links.then(|| (end < total).then(|| format!("/v8/Things?offset={end}&limit={}", request.limit)));
            let page =
                Page::new(request.offset as i64, i64::from(request.limit), (request.offset..end).collect(), next);
            Box::pin(async move { Ok(page) })
        });
        (stream, asked)
    }

    #[tokio::test]
    async fn every_item_once_whatever_the_links() {
        for links in [true, false] {
            let (stream, asked) = pages(25, 10, links, 10);
            let all: Vec<u64> = stream.try_collect().await.unwrap();
            assert_eq!(all, (0..25).collect::<Vec<_>>());
            assert_eq!(*asked.lock().unwrap(), [0, 10, 20]);
        }
    }

    #[tokio::test]
    async fn a_full_last_page_without_links_costs_one_request_more() {
        let (stream, asked) = pages(20, 10, false, 10);
        assert_eq!(stream.try_collect::<Vec<_>>().await.unwrap().len(), 20);
        assert_eq!(*asked.lock().unwrap(), [0, 10, 20], "the empty page ends it");
    }

    #[tokio::test]
    async fn a_full_page_is_followed_even_when_its_links_name_no_next() {
        let stream = Pages::new("op", 2, |request: PageRequest| {
            let items: Vec<u64> = if request.offset < 4 { vec![request.offset, request.offset + 1] } else { vec![] };
            let page = Page::new(request.offset as i64, 2, items, Some(None));
            Box::pin(async move { Ok(page) }) as PageFuture<u64>
        });
        assert_eq!(stream.try_collect::<Vec<_>>().await.unwrap(), [0, 1, 2, 3]);
    }

    #[tokio::test]
    async fn a_short_page_with_a_next_link_does_not_end_the_walk() {
        // The server serves 3 at a time although 10 were asked for, and links the next page.
        let (stream, _) = pages(8, 3, true, 10);
        assert_eq!(stream.try_collect::<Vec<_>>().await.unwrap(), (0..8).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn a_page_at_the_wrong_offset_fails_instead_of_looping() {
        let stream = Pages::new("op", 2, |_request| {
            Box::pin(async { Ok(Page::new(0, 2, vec![1u64, 2], None)) }) as PageFuture<u64>
        });
        let err = stream.try_collect::<Vec<_>>().await.unwrap_err();
        assert!(matches!(err, Error::Page { offset: 2, .. }), "{err:?}");
        assert!(err.to_string().contains("offset 0 to a request for offset 2"), "{err}");
    }

    /// A server that echoes the offset asked for but serves `items` and
    /// links `next` to whatever `next` answers.
    fn stuck(items: fn(u64) -> Vec<u64>, next: fn(u64) -> String) -> Pages<u64> {
        Pages::new("op", 2, move |request: PageRequest| {
            let page = Page::new(request.offset as i64, 2, items(request.offset), Some(Some(next(request.offset))));
            Box::pin(async move { Ok(page) }) as PageFuture<u64>
        })
    }

    #[tokio::test]
    async fn a_page_that_repeats_the_one_before_fails_naming_its_offset() {
        let stream = stuck(|_| vec![7, 8], |offset| format!("/v8/Things?limit=2&offset={}", offset + 2));
        let mut stream = std::pin::pin!(stream);
        use futures::StreamExt;
        assert_eq!(stream.next().await.transpose().unwrap(), Some(7));
        assert_eq!(stream.next().await.transpose().unwrap(), Some(8));
        let err = stream.next().await.unwrap().unwrap_err();
        assert!(matches!(err, Error::Page { offset: 2, .. }), "{err:?}");
        assert!(err.to_string().contains("same items as for the page at offset 0"), "{err}");
        assert!(stream.next().await.is_none(), "the stream ends after the error");
    }

    #[tokio::test]
    async fn a_next_link_that_points_back_fails_naming_the_offset() {
        for back in
            [|_| String::from("/v8/Things?offset=0&limit=2"), |offset: u64| format!("/v8/Things?offset={offset}")]
        {
            let stream = stuck(|offset| vec![offset, offset + 1], back);
            let err = stream.try_collect::<Vec<_>>().await.unwrap_err();
            let Error::Page { offset, .. } = &err else { panic!("{err:?}") };
            assert!(*offset <= 2, "{err:?}");
            assert!(err.to_string().contains("/_links/next/href"), "{err}");
            assert!(err.to_string().contains("points back to offset"), "{err}");
        }
    }

    #[test]
    fn a_link_offset_is_read_from_the_query_only() {
        assert_eq!(link_offset("https://h:4443/v8/Jobs?limit=5&Offset=10#x"), Some(10));
        assert_eq!(link_offset("/v8/Jobs/offset=3"), None);
        assert_eq!(link_offset("/v8/Jobs?offset=abc"), None);
        assert_eq!(link_offset("/v8/Jobs?setoffset=4"), None);
    }

    #[tokio::test]
    async fn a_single_answer_is_fetched_once() {
        let calls = Arc::new(Mutex::new(0));
        let counted = Arc::clone(&calls);
        let stream = Pages::single("op", move || {
            *counted.lock().unwrap() += 1;
            Box::pin(async { Ok(vec![1u64, 2, 3]) })
        });
        assert_eq!(stream.try_collect::<Vec<_>>().await.unwrap(), [1, 2, 3]);
        assert_eq!(*calls.lock().unwrap(), 1);
    }

    #[tokio::test]
    async fn a_failed_stream_yields_its_error_then_ends() {
        let mut stream = Pages::<u64>::failed("op", Error::invalid("op", "limit", "is zero"));
        use futures::StreamExt;
        assert!(matches!(stream.next().await, Some(Err(Error::InvalidInput { .. }))));
        assert!(stream.next().await.is_none());
    }

    #[tokio::test]
    async fn an_adjustment_sees_every_item_and_filters_without_ending_the_walk() {
        // Nothing on the first page passes: the walk must go on to the next.
        let (stream, asked) = pages(25, 10, true, 10);
        let kept = stream.adjusted(|n| *n % 7 == 3 && *n > 9).adjusted(|n| {
            *n *= 100;
            true
        });
        let kept: Vec<u64> = kept.try_collect().await.unwrap();
        assert_eq!(kept, [1000, 1700, 2400]);
        assert_eq!(*asked.lock().unwrap(), [0, 10, 20]);
    }

    #[tokio::test]
    async fn nothing_is_sent_until_the_stream_is_polled() {
        let (stream, asked) = pages(5, 2, true, 2);
        tokio::task::yield_now().await;
        assert!(asked.lock().unwrap().is_empty(), "a page was asked for before anything polled");
        let mut stream = stream;
        use futures::StreamExt;
        assert_eq!(stream.next().await.transpose().unwrap(), Some(0));
        assert_eq!(asked.lock().unwrap()[0], 0);
    }

    #[test]
    fn outside_a_runtime_the_page_is_polled_by_the_stream() {
        let (stream, _) = pages(5, 2, true, 2);
        let mut collect = std::pin::pin!(stream.try_collect::<Vec<_>>());
        let mut cx = Context::from_waker(std::task::Waker::noop());
        // The fake pages are ready at once, so no waker is needed.
        let Poll::Ready(all) = collect.as_mut().poll(&mut cx) else { panic!("the pages are ready at once") };
        assert_eq!(all.unwrap().len(), 5);
    }
}
