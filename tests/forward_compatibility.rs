//! What a newer (or sloppier) server sends does not break a call and is not
//! lost: unknown enum values keep their raw value, unknown fields are
//! ignored, date-times keep their text, numbers may be strings, the v1
//! string booleans read as booleans, and an optional member in the wrong
//! shape is set aside visibly with its value kept, never a required one.
#![cfg(feature = "simulator")]

mod common;

use common::{Reply, TestServer};
use serde_json::json;
use uuid::Uuid;
use vb365::PageRequest;
use vb365::types::{OrganizationRegion, RestoreSessionResult, RestoreSessionState, RestoreSessionType};

const SESSION: &str = "fa3a2d17-d86d-4540-bf71-512750281e43";

async fn answering(body: serde_json::Value) -> (TestServer, vb365::Client) {
    let server = TestServer::answering(Reply::json(200, body.to_string())).await;
    let client = server.client().await;
    (server, client)
}

#[tokio::test]
async fn unknown_enum_values_keep_their_raw_value() {
    let (_server, client) =
        answering(json!({"id": SESSION, "type": "Vcopilot", "state": "Paused", "result": "PartiallyFailed"})).await;
    let session = client.get_restore_session(SESSION.parse().unwrap()).await.unwrap();
    assert_eq!(session.type_, Some(RestoreSessionType::from("Vcopilot")));
    assert_eq!(session.state, Some(RestoreSessionState::from("Paused")));
    assert_eq!(session.result.as_ref().map(RestoreSessionResult::as_str), Some("PartiallyFailed"));
    assert!(session.type_.unwrap().is_unrecognized());
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let (_server, client) = answering(json!([{
        "id": "6f9b3da3-204d-4a4b-b466-55586e0233fc",
        "region": "Mars",
        "isBackupCopyEnabled": true,
        "exchangeOnlineSettings": {"account": "a@b", "certificateThumbprint": "ab12"},
        "_links": {"self": {"href": "/x", "method": "GET"}},
    }]))
    .await;
    let organizations = client.list_organizations().await.unwrap();
    assert_eq!(organizations[0].region, Some(OrganizationRegion::from("Mars")));
    assert_eq!(organizations[0].exchange_online_settings.as_ref().unwrap().account.as_deref(), Some("a@b"));
}

#[tokio::test]
async fn v1_string_booleans_read_as_booleans() {
    let mailbox = |id: u128, flag: serde_json::Value| json!({"id": Uuid::from_u128(id), "isBackedUp": flag});
    let (_server, client) = answering(json!({
        "offset": 0, "limit": 4,
        "results": [mailbox(1, json!("true")), mailbox(2, json!("false")), mailbox(3, json!(true)), mailbox(4, json!("True"))],
    }))
    .await;
    let page = client.list_job_selected_mailboxes(Uuid::nil(), PageRequest::first(4)).await.unwrap();
    let flags: Vec<bool> = page.results.iter().map(|m| m.is_backed_up.unwrap().into()).collect();
    assert_eq!(flags, [true, false, true, true]);
}

#[tokio::test]
async fn numbers_written_as_strings_read_as_numbers() {
    let server = TestServer::start(|request| {
        if request.is_token_request() {
            Reply::json(200, r#"{"access_token": "AT-1", "token_type": "bearer", "expires_in": "3600"}"#)
        } else {
            let mailbox = json!({"id": Uuid::from_u128(1), "isBackedUp": true});
            Reply::json(200, json!({"offset": "0", "limit": "30", "results": [mailbox]}).to_string())
        }
    })
    .await;
    let client = server.client().await;
    let page = client.list_job_selected_mailboxes(Uuid::nil(), PageRequest::first(30)).await.unwrap();
    assert_eq!((page.offset, page.limit, page.results.len()), (0, 30, 1));
    assert_eq!(serde_json::to_value(&page).unwrap()["limit"], 30, "written back as a number");
}

#[tokio::test]
async fn nulls_in_optional_fields_read_as_absent() {
    let (_server, client) = answering(json!({
        "id": "6f9b3da3-204d-4a4b-b466-55586e0233fc", "isTeamsOnline": null, "exchangeOnlineSettings": null,
        "name": null, "_actions": null,
    }))
    .await;
    let organization = client.get_organization(Uuid::nil()).await.unwrap();
    assert_eq!((organization.is_teams_online, organization.name), (None, None));
}

#[tokio::test]
async fn date_times_as_servers_write_them_are_kept() {
    let (_server, client) = answering(json!({
        "id": SESSION,
        "creationTime": "2022-01-22T14:56:55.862",
        "endTime": "9999-12-31T23:59:59.9999999Z",
    }))
    .await;
    let session = client.get_restore_session(SESSION.parse().unwrap()).await.unwrap();
    let created = session.creation_time.expect("the offset-less date is kept");
    assert_eq!(created.as_str(), "2022-01-22T14:56:55.862");
    assert_eq!(created.offset(), None, "the missing offset is remembered");
    assert_eq!(created.utc().to_rfc3339(), "2022-01-22T14:56:55.862+00:00");
    assert!(session.end_time.unwrap().is_open_ended());
    assert_eq!(client.repair_count(), 0, "nothing had to be set aside");
}

#[tokio::test]
async fn an_optional_member_in_the_wrong_shape_is_set_aside_visibly_and_kept() {
    let (_server, client) = answering(json!({
        "id": SESSION,
        "name": "Exchange restore",
        "creationTime": "22.01.2022 14:56",
        "endTime": 7,
        "_links": ["not", "a", "map"],
    }))
    .await;
    let session = client.get_restore_session(SESSION.parse().unwrap()).await.unwrap();
    assert_eq!(session.name.as_deref(), Some("Exchange restore"));
    assert_eq!((session.creation_time, session.end_time, session.links), (None, None, None));
    assert_eq!(client.repair_count(), 3);
    let repairs = client.repairs();
    let kept: Vec<(&str, &str, &serde_json::Value)> =
        repairs.iter().map(|r| (r.operation, r.pointer.as_str(), r.value())).collect();
    assert_eq!(
        kept,
        [
            ("get_restore_session", "/_links", &json!(["not", "a", "map"])),
            ("get_restore_session", "/creationTime", &json!("22.01.2022 14:56")),
            ("get_restore_session", "/endTime", &json!(7)),
        ],
        "every value the server sent is kept on the client"
    );
}

#[tokio::test]
async fn strict_mode_fails_the_call_instead_of_setting_aside() {
    let server = TestServer::answering(Reply::json(200, json!({"id": SESSION, "endTime": 7}).to_string())).await;
    let client = server.builder().strict(true).build().unwrap();
    client.login(vb365::Credentials::password("administrator", "XXXXXXXX")).await.unwrap();
    let err = client.get_restore_session(SESSION.parse().unwrap()).await.unwrap_err();
    assert!(matches!(&err, vb365::Error::Decode { path, .. } if path == "/endTime"), "{err:?}");
    assert_eq!(client.repair_count(), 0);
}

#[tokio::test]
async fn a_required_member_is_never_set_aside() {
    let (_server, client) = answering(json!([{"groupMember": {"login": "a@b.c", "type": 7}}])).await;
    let err = client.list_backup_accounts(Uuid::nil()).await.unwrap_err();
    assert!(matches!(&err, vb365::Error::Decode { path, .. } if path == "/0/groupMember/type"), "{err:?}");
    assert_eq!(client.repair_count(), 0);
}

#[tokio::test]
async fn a_required_field_in_the_wrong_shape_still_fails_with_its_path() {
    let (_server, client) = answering(json!({"id": "not-a-uuid", "name": "x"})).await;
    let err = client.get_restore_session(SESSION.parse().unwrap()).await.unwrap_err();
    assert!(matches!(&err, vb365::Error::Decode { path, .. } if path == "/id"), "{err:?}");
}

/// A page whose `next` link is broken must not look like the last page.
#[tokio::test]
async fn a_page_with_a_broken_next_link_fails_the_stream_instead_of_ending_it() {
    use futures::TryStreamExt;
    let page = |offset: u64, next: serde_json::Value| {
        let results: Vec<_> = (offset..offset + 2).map(|n| json!({"id": Uuid::from_u128(u128::from(n) + 1)})).collect();
        json!({"offset": offset, "limit": 2, "results": results, "_links": {"next": next}}).to_string()
    };
    let server = TestServer::start(move |request| {
        if request.is_token_request() {
            return Reply::token();
        }
        match request.query.as_deref() {
            Some(q) if q.contains("offset=0") => Reply::json(200, page(0, json!({"href": "/v1/next?offset=2"}))),
            _ => Reply::json(200, page(2, json!({"href": null}))),
        }
    })
    .await;
    let client = server.client().await;
    let mut stream = std::pin::pin!(client.job_selected_mailboxes(Uuid::nil(), 2));
    assert!(stream.try_next().await.unwrap().is_some());
    assert!(stream.try_next().await.unwrap().is_some());
    let err = stream.try_next().await.unwrap_err();
    assert!(matches!(&err, vb365::Error::Page { offset: 2, .. }), "{err:?}");
    assert!(err.to_string().contains("/_links/next/href"), "{err}");
    assert_eq!(client.repair_count(), 0);
}
