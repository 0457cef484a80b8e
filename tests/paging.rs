//! Page walks against servers that page badly: a walk that does not advance
//! fails with `Error::Page` naming the offset instead of streaming forever,
//! and a server that serves fewer items than asked is followed to the end.

#![cfg(feature = "simulator")]

mod common;

use common::{Reply, TestServer};
use futures::StreamExt;
use serde_json::{Value, json};
use uuid::Uuid;

/// More than a correct walk of these servers could yield: a walk that gets
/// this far is looping.
const RUNAWAY: usize = 200;

/// A page of selected mailboxes at `offset` holding the IDs `ids`, linking
/// `next` (or no `next` link when it is `None`).
fn page(offset: u64, ids: std::ops::Range<u64>, next: Option<String>) -> String {
    let results: Vec<Value> = ids.map(|n| json!({"id": Uuid::from_u128(u128::from(n) + 1)})).collect();
    let links = match next {
        Some(href) => json!({"self": {"href": "/v6/x"}, "next": {"href": href}}),
        None => json!({"self": {"href": "/v6/x"}}),
    };
    json!({"offset": offset, "limit": 2, "results": results, "_links": links}).to_string()
}

fn asked_offset(request: &common::Captured) -> u64 {
    let query = request.query.as_deref().unwrap_or_default();
    query.split('&').find_map(|pair| pair.strip_prefix("offset=")).and_then(|o| o.parse().ok()).unwrap_or(0)
}

/// Walks the selected mailboxes of a job with pages of 2; returns how many
/// items came and the error that ended the walk, if one did.
async fn walk(server: &TestServer) -> (usize, Option<vb365::Error>) {
    let client = server.client().await;
    let stream = client.job_selected_mailboxes(Uuid::nil(), 2).take(RUNAWAY);
    let mut stream = std::pin::pin!(stream);
    let mut items = 0;
    while let Some(item) = stream.next().await {
        match item {
            Ok(_) => items += 1,
            Err(e) => return (items, Some(e)),
        }
    }
    (items, None)
}

#[tokio::test]
async fn a_server_that_repeats_a_page_fails_the_walk_at_that_offset() {
    // It echoes the offset asked for, links the next page, and serves the first page's items every time.
    let server = TestServer::start(|request| {
        if request.is_token_request() {
            return Reply::token();
        }
        let offset = asked_offset(request);
        Reply::json(200, page(offset, 0..2, Some(format!("/v6/x?offset={}&limit=2", offset + 2))))
    })
    .await;
    let (items, err) = walk(&server).await;
    let err = err.expect("the walk must fail, not stream the same page forever");
    assert_eq!(items, 2, "the first page is delivered");
    assert!(matches!(&err, vb365::Error::Page { offset: 2, .. }), "{err:?}");
    assert!(err.to_string().contains("same items as for the page at offset 0"), "{err}");
    assert_eq!(server.calls().len(), 2, "nothing is asked for after the repeat");
}

#[tokio::test]
async fn a_next_link_that_points_back_fails_the_walk_at_that_offset() {
    // Each page holds new items, but the second links back to the first.
    let server = TestServer::start(|request| {
        if request.is_token_request() {
            return Reply::token();
        }
        let offset = asked_offset(request);
        let next = if offset == 0 { "/v6/x?offset=2&limit=2" } else { "/v6/x?offset=0&limit=2" };
        Reply::json(200, page(offset, offset..offset + 2, Some(next.to_owned())))
    })
    .await;
    let (items, err) = walk(&server).await;
    let err = err.expect("a link back must fail the walk");
    assert_eq!(items, 2, "the first page is delivered, not the one whose link points back");
    assert!(matches!(&err, vb365::Error::Page { offset: 2, .. }), "{err:?}");
    assert!(err.to_string().contains("points back to offset 0"), "{err}");
}

#[tokio::test]
async fn a_server_that_serves_fewer_items_than_asked_is_followed_to_the_end() {
    // Asked for 2, it serves 1 at a time and links the next page, for 5 items.
    let server = TestServer::start(|request| {
        if request.is_token_request() {
            return Reply::token();
        }
        let offset = asked_offset(request);
        let next = (offset + 1 < 5).then(|| format!("/v6/x?offset={}&limit=2", offset + 1));
        Reply::json(200, page(offset, offset..(offset + 1).min(5), next))
    })
    .await;
    let (items, err) = walk(&server).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(items, 5);
    let offsets: Vec<u64> = server.calls().iter().map(asked_offset).collect();
    assert_eq!(offsets, [0, 1, 2, 3, 4]);
}
