//! Restores and saves through a restore session, in v6 (which restores
//! before it answers) and v8 (which starts the restore and reports through
//! the session's events and statistics), followed to one outcome by
//! `RestoreSession::wait`.
#![cfg(feature = "simulator")]

mod common;

use std::time::Duration;

use futures::TryStreamExt as _;
use vb365::restore::{ExploreFrom, RestoreCredentials, RestoreSession, RestoreStatus, ToMailbox};
use vb365::simulator::{Simulator, SimulatorConfig};
use vb365::types::{RestoreSessionState, RestoreSessionType};
use vb365::{ApiVersion, Client, Error};

const CONTOSO: &str = "6f9b3da3-204d-4a4b-b466-55586e0233fc";
const PASSWORD: &str = "restore-operator-password-7731";

async fn serving(version: ApiVersion, configure: impl FnOnce(&mut SimulatorConfig)) -> (Simulator, Client) {
    let mut config = SimulatorConfig::default();
    config.versions = vec![version];
    config.max_page_size = 10;
    config.job_duration = Duration::from_millis(600);
    configure(&mut config);
    let simulator = Simulator::start_with(config).await.unwrap();
    let client = Client::builder(simulator.url()).build().unwrap();
    client.login(simulator.credentials()).await.unwrap();
    (simulator, client)
}

fn operator() -> RestoreCredentials {
    RestoreCredentials::user("restore.operator@contoso.com", PASSWORD)
}

async fn exchange(client: &Client) -> RestoreSession {
    let from = ExploreFrom::organization(CONTOSO.parse().unwrap(), RestoreSessionType::Vex);
    client.explore(from).await.unwrap()
}

/// The first mailbox's inbox, and the second mailbox's address.
async fn inbox_and_other(session: &RestoreSession) -> (uuid::Uuid, String, String) {
    let mailboxes: Vec<_> = session.mailboxes().try_collect().await.unwrap();
    let inbox = session.find_mailbox_folder(mailboxes[0].id, "Inbox").await.unwrap().unwrap();
    (mailboxes[0].id, inbox.id.unwrap(), mailboxes[1].email.clone().unwrap())
}

#[tokio::test]
async fn a_folder_restored_to_another_mailbox_succeeds_with_progress_in_both_versions() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (simulator, client) = serving(version, |_| {}).await;
        let session = exchange(&client).await;
        let (mailbox, inbox, other) = inbox_and_other(&session).await;
        let to = ToMailbox::new(&other, &operator()).folder("Restored");
        let action = session.restore_mailbox_folder_to(mailbox, &inbox, &to).await.unwrap();
        let mut reports = Vec::new();
        let outcome =
            session.wait(action.poll_every(Duration::from_millis(100)), |p| reports.push(p.clone())).await.unwrap();
        assert_eq!(outcome.status, RestoreStatus::Success, "{version}: {outcome:?}");
        assert_eq!((outcome.counts.restored, outcome.counts.failed, outcome.counts.skipped), (25, 0, 0), "{version}");
        assert!(!reports.is_empty(), "{version}: progress was reported");
        if version == ApiVersion::V8 {
            assert!(reports.len() > 1, "v8 reports as the restore goes: {}", reports.len());
            assert!(reports.windows(2).all(|w| w[0].counts.processed() <= w[1].counts.processed()));
            assert_eq!(outcome.bytes, 25 * 48_000, "the events' sizes");
            assert!(simulator.count("get_restore_session_statistics") >= 2);
        }
        // What the server was asked: the target, the safe defaults, the account.
        let body =
            simulator.requests().iter().rev().find_map(|r| r.body.clone().filter(|b| b.get("mailbox").is_some()));
        let body = body.unwrap();
        assert_eq!(body["mailbox"], other.as_str());
        assert_eq!(body["folder"], "Restored");
        assert_eq!((&body["changedItems"], &body["deletedItems"]), (&false.into(), &false.into()), "{body}");
        assert_eq!(body["userPassword"], PASSWORD, "the password reaches the server");
        session.stop().await.unwrap();
    }
}

#[tokio::test]
async fn a_restore_into_the_mailbox_it_came_from_warns_about_the_items_it_skipped() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (_simulator, client) = serving(version, |_| {}).await;
        let session = exchange(&client).await;
        let mailboxes: Vec<_> = session.mailboxes().try_collect().await.unwrap();
        let inbox = session.find_mailbox_folder(mailboxes[0].id, "Inbox").await.unwrap().unwrap().id.unwrap();
        let to = ToMailbox::new(mailboxes[0].email.as_deref().unwrap(), &operator());
        let action = session.restore_mailbox_folder_to(mailboxes[0].id, &inbox, &to).await.unwrap();
        let outcome = session.wait(action.poll_every(Duration::from_millis(100)), |_| {}).await.unwrap();
        assert_eq!(outcome.status, RestoreStatus::Warning, "{version}: {outcome:?}");
        assert_eq!(outcome.counts.skipped, 25, "{version}");
        assert_eq!(outcome.warnings.len(), 25, "{version}: one warning an item");
        assert!(outcome.warnings[0].contains("already exists"), "{:?}", outcome.warnings[0]);
        session.stop().await.unwrap();
    }
}

#[tokio::test]
async fn a_restore_that_fails_halfway_ends_failed_with_the_servers_reason() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (_simulator, client) = serving(version, |c| c.restore_fails_after = Some(10)).await;
        let session = exchange(&client).await;
        let (mailbox, inbox, other) = inbox_and_other(&session).await;
        let action = session.restore_mailbox_folder_to(mailbox, &inbox, &ToMailbox::new(&other, &operator())).await;
        let outcome = session.wait(action.unwrap().poll_every(Duration::from_millis(100)), |_| {}).await.unwrap();
        assert_eq!(outcome.status, RestoreStatus::Failed, "{version}: {outcome:?}");
        assert_eq!((outcome.counts.restored, outcome.counts.failed), (10, 1), "{version}");
        let reason = outcome.reason.as_deref().unwrap_or_default();
        assert!(reason.contains("mailbox is full"), "{version}: {reason:?}");
        session.stop().await.unwrap();
    }
}

#[tokio::test]
async fn a_session_the_server_stops_during_a_restore_ends_it_failed() {
    let (_simulator, client) = serving(ApiVersion::V8, |c| c.job_duration = Duration::from_secs(30)).await;
    let session = exchange(&client).await;
    let (mailbox, inbox, other) = inbox_and_other(&session).await;
    let action = session.restore_mailbox_folder_to(mailbox, &inbox, &ToMailbox::new(&other, &operator())).await;
    let id = session.id();
    let stopper = client.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        stopper.stop_restore_session(id).await.unwrap();
    });
    let waited = tokio::time::timeout(
        Duration::from_secs(20),
        session.wait(action.unwrap().poll_every(Duration::from_millis(100)), |_| {}),
    );
    let outcome = waited.await.expect("wait ends when the session stops").unwrap();
    assert_eq!(outcome.status, RestoreStatus::Failed, "{outcome:?}");
    assert!(outcome.reason.as_deref().is_some_and(|r| r.contains("stopped")), "{outcome:?}");
    assert!(outcome.counts.processed() < 25, "{outcome:?}");
    assert_eq!(session.current().await.unwrap().state, Some(RestoreSessionState::Stopped));
    session.stop().await.unwrap();
}

#[tokio::test]
async fn restore_credentials_never_print() {
    let (_simulator, client) = serving(ApiVersion::V8, |_| {}).await;
    let session = exchange(&client).await;
    let (mailbox, inbox, _) = inbox_and_other(&session).await;
    let application = RestoreCredentials::application(uuid::Uuid::nil(), b"PFX-PRIVATE-KEY", "pfx-password-5521");
    for credentials in [operator(), application] {
        let to = ToMailbox::new("nobody@nowhere.example", &credentials);
        let refused = session.restore_mailbox_folder_to(mailbox, &inbox, &to).await.unwrap_err();
        assert!(matches!(refused, Error::Api { .. }), "{refused:?}");
        assert!(refused.to_string().contains("nobody@nowhere.example"), "{refused}");
        let printed = format!("{refused} {refused:?} {to:?} {credentials:?} {:?}", to.body());
        for secret in [PASSWORD, "pfx-password-5521", "UEZYLVBSSVZBVEUtS0VZ"] {
            assert!(!printed.contains(secret), "{secret} printed: {printed}");
        }
    }
    session.stop().await.unwrap();
}

/// Reads the names in a ZIP archive's central directory.
fn zip_names(archive: &[u8]) -> Vec<String> {
    let end = &archive[archive.len() - 22..];
    assert_eq!(&end[..4], b"PK\x05\x06", "an archive ends with its directory");
    let count = u16::from_le_bytes([end[10], end[11]]) as usize;
    let mut at = u32::from_le_bytes([end[16], end[17], end[18], end[19]]) as usize;
    let mut names = Vec::new();
    for _ in 0..count {
        assert_eq!(&archive[at..at + 4], b"PK\x01\x02");
        let length = u16::from_le_bytes([archive[at + 28], archive[at + 29]]) as usize;
        names.push(String::from_utf8(archive[at + 46..at + 46 + length].to_vec()).unwrap());
        at += 46 + length;
    }
    names
}

#[tokio::test]
async fn a_saved_folder_is_written_as_it_arrives_whatever_the_response_limit_in_both_versions() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (simulator, _) = serving(version, |_| {}).await;
        // A limit far under the file's size: a saved file is not an answer to read whole.
        let client = Client::builder(simulator.url()).max_response_bytes(64 * 1024).build().unwrap();
        client.login(simulator.credentials()).await.unwrap();
        let from = ExploreFrom::organization(CONTOSO.parse().unwrap(), RestoreSessionType::Veod);
        let session = client.explore(from).await.unwrap();
        let onedrive = session.find_onedrive("alice@contoso.com").await.unwrap().unwrap().id.unwrap();
        let folder = session.find_onedrive_folder(&onedrive, "/Documents").await.unwrap().unwrap();
        let mut file = Vec::new();
        let saved = session.save_onedrive_folder(&onedrive, folder.id.as_deref().unwrap(), &mut file).await.unwrap();
        assert_eq!(saved.bytes, file.len() as u64);
        assert_eq!(saved.size, Some(saved.bytes), "{version}: the announced size");
        assert!(saved.bytes > 64 * 1024 * 8, "{version}: {} bytes", saved.bytes);
        let names = zip_names(&file);
        assert_eq!(names.len(), 15, "{version}: Documents' 12 and 2026's 3: {names:?}");
        assert!(names.contains(&String::from("Documents/2026/Plan Q1.xlsx")), "{names:?}");
        let missing = session.save_onedrive_folder(&onedrive, "no-such-folder", &mut Vec::new()).await.unwrap_err();
        assert_eq!(missing.status(), Some(http::StatusCode::NOT_FOUND), "{missing}");
        session.stop().await.unwrap();
    }
}

#[tokio::test]
async fn a_writer_that_fails_is_reported_with_what_was_written() {
    struct Full(u64);
    impl tokio::io::AsyncWrite for Full {
        fn poll_write(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
            buf: &[u8],
        ) -> std::task::Poll<std::io::Result<usize>> {
            if self.0 < buf.len() as u64 {
                return std::task::Poll::Ready(Err(std::io::Error::other("no space left on device")));
            }
            self.0 -= buf.len() as u64;
            std::task::Poll::Ready(Ok(buf.len()))
        }
        fn poll_flush(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            std::task::Poll::Ready(Ok(()))
        }
        fn poll_shutdown(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            std::task::Poll::Ready(Ok(()))
        }
    }
    let (_simulator, client) = serving(ApiVersion::V8, |_| {}).await;
    let from = ExploreFrom::organization(CONTOSO.parse().unwrap(), RestoreSessionType::Veod);
    let session = client.explore(from).await.unwrap();
    let onedrive = session.find_onedrive("alice@contoso.com").await.unwrap().unwrap().id.unwrap();
    let folder = session.find_onedrive_folder(&onedrive, "/Documents").await.unwrap().unwrap().id.unwrap();
    let failed = session.save_onedrive_folder(&onedrive, &folder, &mut Full(100_000)).await.unwrap_err();
    let Error::Write { written, .. } = &failed else { panic!("{failed:?}") };
    assert!(*written > 0 && *written <= 100_000, "{failed}");
    assert!(failed.to_string().contains("no space left"), "{failed}");
    session.stop().await.unwrap();
}

/// A v8 server that counts a restore in its statistics but writes no event
/// for it: `wait` ends when every item is counted, with progress from the
/// counts alone.
#[tokio::test]
async fn a_restore_a_server_only_counts_ends_when_every_item_is_counted() {
    use common::{Reply, TestServer};
    const SESSION: &str = "3f1d2c4b-8e7a-4b6c-9d5e-0a1b2c3d4e5f";
    let polls = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counted = polls.clone();
    let server = TestServer::start(move |request| {
        let path = request.path.as_str();
        if path == "/v8/token" {
            Reply::token()
        } else if path.to_ascii_lowercase().ends_with("/explore") {
            Reply::json(201, format!(r#"{{"id": "{SESSION}", "state": "Working"}}"#))
        } else if path.ends_with("/restoreTo") {
            Reply::json(200, format!(r#"{{"sessionId": "{SESSION}"}}"#))
        } else if path.ends_with("/Events") {
            Reply::json(200, r#"{"offset": 0, "limit": 30, "results": []}"#)
        } else if path.ends_with("/Statistics") {
            // Before the restore: nothing; then one item a poll, of three.
            let n = counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let (total, done) = if n == 0 { (0, 0) } else { (3, (n - 1).min(3)) };
            Reply::json(
                200,
                format!(
                    r#"{{"totalItemsCount": {total}, "restoredItemsCount": {done}, "failedItemsCount": 0, "skippedItemsCount": 0, "items": []}}"#
                ),
            )
        } else if path.ends_with(&format!("/RestoreSessions/{SESSION}")) {
            Reply::json(200, format!(r#"{{"id": "{SESSION}", "state": "Working"}}"#))
        } else if path.ends_with("/Stop") {
            Reply::empty(204)
        } else {
            Reply::json(404, r#"{"message": "not here"}"#)
        }
    })
    .await;
    let client = Client::builder(&server.url).api_versions([ApiVersion::V8]).build().unwrap();
    client.login(vb365::Credentials::password("administrator", "password")).await.unwrap();
    let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Vex)).await.unwrap();
    let to = ToMailbox::new("bob@contoso.com", &operator());
    let action = session.restore_mailbox_folder_to(uuid::Uuid::nil(), "inbox", &to).await.unwrap();
    let mut seen = Vec::new();
    let waited = session.wait(action.poll_every(Duration::from_millis(10)), |p| seen.push(p.counts.processed()));
    let outcome = tokio::time::timeout(Duration::from_secs(20), waited).await.expect("wait ends").unwrap();
    assert_eq!(outcome.status, RestoreStatus::Success, "{outcome:?}");
    assert_eq!(outcome.counts.restored, 3);
    assert_eq!(seen.last(), Some(&3), "progress from the counts: {seen:?}");
    session.stop().await.unwrap();
}

#[tokio::test]
async fn chosen_items_restored_to_another_mailbox_in_both_versions() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (simulator, client) = serving(version, |_| {}).await;
        let session = exchange(&client).await;
        let (mailbox, inbox, other) = inbox_and_other(&session).await;
        let mails: Vec<_> = session.mailbox_items(mailbox, Some(&inbox)).try_collect().await.unwrap();
        let chosen = [mails[0].id.as_deref().unwrap(), mails[7].id.as_deref().unwrap()];
        let to = ToMailbox::new(&other, &operator());
        let action = session.restore_mailbox_items_to(mailbox, &chosen, &to).await.unwrap();
        let outcome = session.wait(action.poll_every(Duration::from_millis(100)), |_| {}).await.unwrap();
        assert_eq!(outcome.status, RestoreStatus::Success, "{version}: {outcome:?}");
        assert_eq!(outcome.counts.restored, 2, "{version}");
        let sent = simulator.requests().into_iter().find_map(|r| r.body.filter(|b| b.get("items").is_some())).unwrap();
        assert_eq!(sent["items"][1]["id"], chosen[1], "{version}: {sent}");
        // The folder restore sends no items.
        let folder = session.restore_mailbox_folder_to(mailbox, &inbox, &to).await.unwrap();
        session.wait(folder.poll_every(Duration::from_millis(100)), |_| {}).await.unwrap();
        let last = simulator.requests().into_iter().rev().find_map(|r| r.body.filter(|b| b.get("mailbox").is_some()));
        assert!(last.unwrap().get("items").is_none(), "{version}");

        let refused = session.restore_mailbox_items_to(mailbox, &["no-such-item"], &to).await.unwrap_err();
        assert_eq!(refused.status(), Some(http::StatusCode::NOT_FOUND), "{version}: {refused}");
        session.stop().await.unwrap();
    }
}

#[tokio::test]
async fn a_folder_restored_where_it_was_saved_from_in_both_versions() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (simulator, client) = serving(version, |_| {}).await;
        let session = exchange(&client).await;
        let (mailbox, inbox, _) = inbox_and_other(&session).await;
        let action = session.restore_mailbox_folder(mailbox, &inbox, &operator()).await.unwrap();
        let outcome = session.wait(action.poll_every(Duration::from_millis(100)), |_| {}).await.unwrap();
        assert_eq!(outcome.status, RestoreStatus::Success, "{version}: {outcome:?}");
        assert_eq!(outcome.counts.restored, 25, "{version}");
        let sent = simulator.requests().into_iter().rev().find_map(|r| r.body.filter(|b| b.get("userName").is_some()));
        let sent = sent.unwrap();
        assert!(sent.get("mailbox").is_none(), "{version}: only who restores: {sent}");
        assert_eq!(sent["userPassword"], PASSWORD);
        let events: Vec<_> = session.events().try_collect().await.unwrap();
        let restore = events.iter().find(|e| e.item_type.as_deref() == Some("Folder")).unwrap();
        assert_eq!(restore.target.as_deref(), Some("alice@contoso.com/Inbox"), "{version}: back where it was");
        session.stop().await.unwrap();
    }
}

#[tokio::test]
async fn a_onedrive_folder_copied_to_another_onedrive_in_both_versions() {
    use vb365::restore::ToOneDrive;
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (simulator, client) = serving(version, |_| {}).await;
        let from = ExploreFrom::organization(CONTOSO.parse().unwrap(), RestoreSessionType::Veod);
        let session = client.explore(from).await.unwrap();
        let alice = session.find_onedrive("alice@contoso.com").await.unwrap().unwrap();
        let bob = session.find_onedrive("bob@contoso.com").await.unwrap().unwrap();
        let id = alice.id.clone().unwrap();
        let folder = session.find_onedrive_folder(&id, "/Documents").await.unwrap().unwrap().id.unwrap();
        let to = ToOneDrive::new(bob.clone(), &operator()).folder("From Alice");
        let action = session.copy_onedrive_folder_to(&id, &folder, &to).await.unwrap();
        let outcome = session.wait(action.poll_every(Duration::from_millis(100)), |_| {}).await.unwrap();
        assert_eq!(outcome.status, RestoreStatus::Success, "{version}: {outcome:?}");
        assert_eq!(outcome.counts.restored, 15, "{version}: Documents' 12 and 2026's 3");
        let sent = simulator.requests().into_iter().find_map(|r| r.body.filter(|b| b.get("onedrive").is_some()));
        let sent = sent.unwrap();
        assert_eq!(sent["onedrive"]["id"], bob.id.as_deref().unwrap(), "{version}: {sent}");
        assert_eq!((&sent["changedItems"], &sent["deletedItems"]), (&false.into(), &false.into()));
        // Into the OneDrive it came from: every document is there already.
        let action = session.copy_onedrive_folder_to(&id, &folder, &ToOneDrive::new(alice, &operator())).await;
        let outcome = session.wait(action.unwrap().poll_every(Duration::from_millis(100)), |_| {}).await.unwrap();
        assert_eq!((outcome.status, outcome.counts.skipped), (RestoreStatus::Warning, 15), "{version}: {outcome:?}");
        session.stop().await.unwrap();
    }
}

#[tokio::test]
async fn a_onedrive_folder_restored_where_it_was_keeps_what_is_there_unless_told_in_both_versions() {
    use vb365::types::OneDriveDocumentAction;
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (simulator, client) = serving(version, |_| {}).await;
        let from = ExploreFrom::organization(CONTOSO.parse().unwrap(), RestoreSessionType::Veod);
        let session = client.explore(from).await.unwrap();
        let id = session.find_onedrive("alice@contoso.com").await.unwrap().unwrap().id.unwrap();
        let folder = session.find_onedrive_folder(&id, "/Documents").await.unwrap().unwrap().id.unwrap();
        for existing in [OneDriveDocumentAction::Keep, OneDriveDocumentAction::Overwrite] {
            let action = session.restore_onedrive_folder(&id, &folder, &operator(), existing.clone()).await.unwrap();
            let outcome = session.wait(action.poll_every(Duration::from_millis(100)), |_| {}).await.unwrap();
            assert_eq!(outcome.status, RestoreStatus::Success, "{version}: {outcome:?}");
            assert_eq!(outcome.counts.restored, 15, "{version}: Documents' 12 and 2026's 3");
            let sent = simulator
                .requests()
                .into_iter()
                .rev()
                .find_map(|r| r.body.filter(|b| b.get("documentAction").is_some()));
            let sent = sent.unwrap();
            assert_eq!(sent["documentAction"], existing.to_string(), "{version}: {sent}");
            assert_eq!(sent["userPassword"], PASSWORD);
        }
        let events: Vec<_> = session.events().try_collect().await.unwrap();
        let restore = events.iter().rev().find(|e| e.item_type.as_deref() == Some("Folder")).unwrap();
        let target = restore.target.as_deref().unwrap_or_default();
        assert!(target.ends_with("alice_contoso_com/Documents"), "{version}: back where it was: {target}");
        let keep = OneDriveDocumentAction::Keep;
        let missing = session.restore_onedrive_folder(&id, "no-such-folder", &operator(), keep).await.unwrap_err();
        assert_eq!(missing.status(), Some(http::StatusCode::NOT_FOUND), "{missing}");
        session.stop().await.unwrap();
    }
}

#[tokio::test]
async fn chosen_items_are_sent_to_an_address_or_back_in_both_versions() {
    use vb365::restore::SendItems;
    use vb365::simulator::SentMail;
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (simulator, client) = serving(version, |_| {}).await;
        let session = exchange(&client).await;
        let (mailbox, inbox, _) = inbox_and_other(&session).await;
        let items: Vec<_> = session.mailbox_items(mailbox, Some(&inbox)).try_collect().await.unwrap();
        let items = &items[..2];
        let ids: Vec<&str> = items.iter().map(|i| i.id.as_deref().unwrap()).collect();
        let message = SendItems::to("auditor@fabrikam.com").subject("From the backup");
        session.send_mailbox_items(mailbox, &ids, &message).await.unwrap();
        let subjects = items.iter().map(|i| i.subject.clone().unwrap()).collect();
        let sent =
            SentMail { to: "auditor@fabrikam.com".into(), subject: Some("From the backup".into()), items: subjects };
        assert_eq!(simulator.sent_mail(), vec![sent], "{version}");
        // Nothing to send, an item the mailbox lacks, an address that is none: refused, nothing sent.
        let refusals = [
            (Vec::new(), "auditor@fabrikam.com", http::StatusCode::BAD_REQUEST),
            (vec!["no-such-item"], "auditor@fabrikam.com", http::StatusCode::NOT_FOUND),
            (ids.clone(), "auditor", http::StatusCode::BAD_REQUEST),
        ];
        for (ids, to, status) in refusals {
            let refused = session.send_mailbox_items(mailbox, &ids, &SendItems::to(to)).await.unwrap_err();
            assert_eq!(refused.status(), Some(status), "{version}: {refused}");
        }
        assert_eq!(simulator.sent_mail().len(), 1, "{version}");

        // Back to the mailbox they came from.
        session.send_mailbox_items_to_original(mailbox, &ids[..1]).await.unwrap();
        let back =
            SentMail { to: "alice@contoso.com".into(), subject: None, items: vec![items[0].subject.clone().unwrap()] };
        assert_eq!(simulator.sent_mail().last(), Some(&back), "{version}");
        let none = session.send_mailbox_items_to_original(mailbox, &[]).await.unwrap_err();
        assert_eq!(none.status(), Some(http::StatusCode::BAD_REQUEST), "{version}: {none}");
        session.stop().await.unwrap();
    }
}

#[tokio::test]
async fn chosen_items_are_saved_as_one_archive_and_one_as_its_file_in_both_versions() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (_simulator, client) = serving(version, |_| {}).await;
        let session = exchange(&client).await;
        let (mailbox, inbox, _) = inbox_and_other(&session).await;
        let items: Vec<_> = session.mailbox_items(mailbox, Some(&inbox)).try_collect().await.unwrap();
        let items = &items[..3];
        let ids: Vec<&str> = items.iter().map(|i| i.id.as_deref().unwrap()).collect();
        let mut file = Vec::new();
        let saved = session.save_mailbox_items(mailbox, &ids, &mut file).await.unwrap();
        assert_eq!((saved.bytes, saved.size), (file.len() as u64, Some(file.len() as u64)), "{version}");
        let names = zip_names(&file);
        let expected: Vec<String> = items
            .iter()
            .enumerate()
            .map(|(n, i)| format!("{:03} {}.msg", n + 1, i.subject.as_deref().unwrap()))
            .collect();
        assert_eq!(names, expected, "{version}");
        assert!(saved.bytes > 3 * 48_000, "{version}: {} bytes", saved.bytes);
        let missing = session.save_mailbox_items(mailbox, &["no-such-item"], &mut Vec::new()).await.unwrap_err();
        assert_eq!(missing.status(), Some(http::StatusCode::NOT_FOUND), "{missing}");

        // One item alone: its MSG file, bare, named after its subject.
        let mut one = Vec::new();
        let saved = session.save_mailbox_item(mailbox, ids[1], &mut one).await.unwrap();
        assert_eq!((saved.bytes, saved.size, one.len()), (48_000, Some(48_000), 48_000), "{version}");
        let name = format!("{}.msg\n", items[1].subject.as_deref().unwrap());
        assert!(one.starts_with(name.as_bytes()), "{version}: {:?}", String::from_utf8_lossy(&one[..40]));
        let missing = session.save_mailbox_item(mailbox, "no-such-item", &mut Vec::new()).await.unwrap_err();
        assert_eq!(missing.status(), Some(http::StatusCode::NOT_FOUND), "{missing}");
        session.stop().await.unwrap();
    }
}

/// A document found by its path has a version for each it went through,
/// oldest first, the last being the document itself; a save writes the
/// bytes of the one asked for (as large as its entry says), bare or in an
/// archive named after it, and a version the document never had is not
/// found.
#[tokio::test]
async fn a_document_s_versions_are_listed_and_each_saved_in_both_versions() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (_simulator, client) = serving(version, |_| {}).await;
        let from = ExploreFrom::organization(CONTOSO.parse().unwrap(), RestoreSessionType::Veod);
        let session = client.explore(from).await.unwrap();
        let onedrive = session.find_onedrive("alice@contoso.com").await.unwrap().unwrap().id.unwrap();
        let document = session.find_onedrive_document(&onedrive, "/Documents/2026/Plan Q3.xlsx").await.unwrap();
        let document = document.unwrap();
        assert_eq!(document.version.as_deref(), Some("3.0"), "{version}");
        let top = session.find_onedrive_document(&onedrive, "Notes.txt").await.unwrap();
        assert_eq!(top.and_then(|d| d.name).as_deref(), Some("Notes.txt"), "{version}: a document at the top");
        for missing in ["/Documents/2026/Plan Q9.xlsx", "/Nowhere/Plan Q1.xlsx", "/Documents/2026"] {
            assert_eq!(session.find_onedrive_document(&onedrive, missing).await.unwrap(), None, "{missing}");
        }

        // Pages of ten: a document with twelve versions spans two.
        let report = session.find_onedrive_document(&onedrive, "/Documents/Report 12.docx").await.unwrap().unwrap();
        let id = report.id.clone().unwrap();
        let versions: Vec<_> = session.onedrive_document_versions(&onedrive, &id).try_collect().await.unwrap();
        assert_eq!(versions.len(), 12, "{version}");
        assert_eq!(versions[0].version.as_deref(), Some("1.0"));
        assert_eq!((versions[11].version_id, versions[11].size_bytes), (report.version_id, report.size_bytes));

        let mut file = Vec::new();
        let saved = session.save_onedrive_document(&onedrive, &id, None, false, &mut file).await.unwrap();
        assert_eq!(Some(saved.bytes as i64), report.size_bytes, "{version}: the last version, bare");
        assert!(file.starts_with(b"Report 12.docx\n"), "{version}");
        let mut first = Vec::new();
        let saved = session.save_onedrive_document(&onedrive, &id, versions[0].version_id, false, &mut first).await;
        assert_eq!(Some(saved.unwrap().bytes as i64), versions[0].size_bytes, "{version}: the first version");
        let mut zipped = Vec::new();
        session.save_onedrive_document(&onedrive, &id, versions[3].version_id, true, &mut zipped).await.unwrap();
        assert_eq!(zip_names(&zipped), ["Report 12.docx"], "{version}");
        let never = session.save_onedrive_document(&onedrive, &id, Some(512 * 13), false, &mut Vec::new()).await;
        assert_eq!(never.unwrap_err().status(), Some(http::StatusCode::NOT_FOUND), "{version}");
        let unknown = session.onedrive_document_versions(&onedrive, "no-such-document").try_collect::<Vec<_>>().await;
        assert_eq!(unknown.unwrap_err().status(), Some(http::StatusCode::NOT_FOUND), "{version}");
        session.stop().await.unwrap();
    }
}

/// A PST export writes a file as large as its mails (a folder's, those a
/// keyword finds, or chosen ones); a bound outside what the server takes,
/// a keyword that finds nothing and an unknown item are refused.
#[tokio::test]
async fn mail_is_exported_to_pst_in_both_versions() {
    use vb365::restore::ToPst;
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (_simulator, client) = serving(version, |_| {}).await;
        let session = exchange(&client).await;
        let (mailbox, inbox, _) = inbox_and_other(&session).await;
        let mut file = Vec::new();
        let saved = session.export_mailbox_folder_to_pst(mailbox, &inbox, &ToPst::new(), &mut file).await.unwrap();
        assert_eq!((saved.bytes, saved.size), (8_192 + 25 * 48_000, Some(8_192 + 25 * 48_000)), "{version}");
        let seventh = ToPst::new().keyword("MESSAGE 7 ").size_limit(1 << 30);
        let saved = session.export_mailbox_folder_to_pst(mailbox, &inbox, &seventh, &mut Vec::new()).await.unwrap();
        assert_eq!(saved.bytes, 8_192 + 48_000, "{version}: the keyword's one mail");
        let mails: Vec<_> = session.mailbox_items(mailbox, Some(&inbox)).try_collect().await.unwrap();
        let chosen: Vec<&str> = mails.iter().take(3).filter_map(|m| m.id.as_deref()).collect();
        let saved = session.export_mailbox_items_to_pst(mailbox, &chosen, &ToPst::new(), &mut Vec::new()).await;
        assert_eq!(saved.unwrap().bytes, 8_192 + 3 * 48_000, "{version}");

        let bad = ToPst::new().size_limit(1 << 20);
        let refused = session.export_mailbox_folder_to_pst(mailbox, &inbox, &bad, &mut Vec::new()).await.unwrap_err();
        assert!(refused.to_string().contains("1 to 49 GB"), "{version}: {refused}");
        let nothing = ToPst::new().keyword("no such words");
        let refused = session.export_mailbox_folder_to_pst(mailbox, &inbox, &nothing, &mut Vec::new()).await;
        assert_eq!(refused.unwrap_err().status(), Some(http::StatusCode::BAD_REQUEST), "{version}");
        let (plain, mut sink) = (ToPst::new(), Vec::new());
        let unknown = session.export_mailbox_items_to_pst(mailbox, &["no-such-item"], &plain, &mut sink).await;
        assert_eq!(unknown.unwrap_err().status(), Some(http::StatusCode::NOT_FOUND), "{version}");
        session.stop().await.unwrap();
    }
}

/// A whole OneDrive (its top and every folder: 16 documents) saved as one
/// archive, copied into another OneDrive and restored where it was, in
/// both versions.
#[tokio::test]
async fn a_whole_onedrive_saved_copied_and_restored_in_both_versions() {
    use vb365::restore::ToOneDrive;
    use vb365::types::OneDriveDocumentAction;
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (_simulator, client) = serving(version, |_| {}).await;
        let from = ExploreFrom::organization(CONTOSO.parse().unwrap(), RestoreSessionType::Veod);
        let session = client.explore(from).await.unwrap();
        let alice = session.find_onedrive("alice@contoso.com").await.unwrap().unwrap();
        let bob = session.find_onedrive("bob@contoso.com").await.unwrap().unwrap();
        let id = alice.id.clone().unwrap();
        let mut file = Vec::new();
        let saved = session.save_onedrive(&id, &mut file).await.unwrap();
        assert_eq!(saved.size, Some(file.len() as u64), "{version}");
        let names = zip_names(&file);
        assert_eq!(names.len(), 16, "{version}: {names:?}");
        assert!(names.contains(&String::from("Notes.txt")), "{names:?}");
        assert!(names.contains(&String::from("Documents/2026/Plan Q3.xlsx")), "{names:?}");

        let wait = async |action| {
            session
                .wait(vb365::restore::RestoreAction::poll_every(action, Duration::from_millis(100)), |_| {})
                .await
                .unwrap()
        };
        let copy =
            session.copy_onedrive_to(&id, &ToOneDrive::new(bob, &operator()).folder("From Alice")).await.unwrap();
        let copied = wait(copy).await;
        assert_eq!((copied.status, copied.counts.restored), (RestoreStatus::Success, 16), "{version}: {copied:?}");
        let restore = session.restore_onedrive(&id, &operator(), OneDriveDocumentAction::Keep).await.unwrap();
        let restored = wait(restore).await;
        assert_eq!((restored.status, restored.counts.restored), (RestoreStatus::Success, 16), "{version}");
        let missing = session.save_onedrive("b!no-such-onedrive", &mut Vec::new()).await.unwrap_err();
        assert_eq!(missing.status(), Some(http::StatusCode::NOT_FOUND), "{missing}");
        session.stop().await.unwrap();
    }
}

/// A whole mailbox (its 34 mails, every folder) restored where it was and
/// into another mailbox, chosen mails restored where they were, and the
/// mailbox exported as one PST file, in both versions.
#[tokio::test]
async fn a_whole_mailbox_and_chosen_mails_restored_where_they_were_in_both_versions() {
    use vb365::restore::ToPst;
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (simulator, client) = serving(version, |_| {}).await;
        let session = exchange(&client).await;
        let (mailbox, inbox, other) = inbox_and_other(&session).await;
        let action = session.restore_mailbox(mailbox, &operator()).await.unwrap();
        let outcome = session.wait(action.poll_every(Duration::from_millis(100)), |_| {}).await.unwrap();
        assert_eq!((outcome.status, outcome.counts.restored), (RestoreStatus::Success, 34), "{version}: {outcome:?}");
        let events: Vec<_> = session.events().try_collect().await.unwrap();
        let whole = events.iter().find(|e| e.item_type.as_deref() == Some("Folder")).unwrap();
        assert_eq!(whole.target.as_deref(), Some("alice@contoso.com/All folders"), "{version}: back where it was");

        let to = ToMailbox::new(&other, &operator()).folder("Alice");
        let action = session.restore_mailbox_to(mailbox, &to).await.unwrap();
        let outcome = session.wait(action.poll_every(Duration::from_millis(100)), |_| {}).await.unwrap();
        assert_eq!((outcome.status, outcome.counts.restored), (RestoreStatus::Success, 34), "{version}: {outcome:?}");
        // Restored again into the same folder: what the first wrote is
        // there, so each mail is skipped with a warning.
        let action = session.restore_mailbox_to(mailbox, &to).await.unwrap();
        let again = session.wait(action.poll_every(Duration::from_millis(100)), |_| {}).await.unwrap();
        assert_eq!((again.status, again.counts.restored, again.counts.skipped), (RestoreStatus::Warning, 0, 34));
        assert!(again.warnings[0].ends_with("already exists in bob@contoso.com/Alice"), "{version}: {again:?}");
        // Into a new folder without the Deleted Items folder: its two mails
        // stay out.
        let to = to.folder("Alice, kept").exclude_deleted_items_folder(true);
        let action = session.restore_mailbox_to(mailbox, &to).await.unwrap();
        let sent = simulator.requests().into_iter().rev().find_map(|r| r.body.filter(|b| b.get("mailbox").is_some()));
        assert_eq!(sent.unwrap()["excludeDeletedItems"], true, "{version}");
        let outcome = session.wait(action.poll_every(Duration::from_millis(100)), |_| {}).await.unwrap();
        assert_eq!(outcome.counts.restored, 32, "{version}: {outcome:?}");

        let mails: Vec<_> = session.mailbox_items(mailbox, Some(&inbox)).try_collect().await.unwrap();
        let chosen: Vec<&str> = mails.iter().take(2).filter_map(|m| m.id.as_deref()).collect();
        let action = session.restore_mailbox_items(mailbox, &chosen, &operator()).await.unwrap();
        let sent = simulator.requests().into_iter().rev().find_map(|r| r.body.filter(|b| b.get("items").is_some()));
        let sent = sent.unwrap();
        assert!(sent.get("mailbox").is_none(), "{version}: where they were: {sent}");
        assert_eq!(sent["items"][1]["id"], chosen[1], "{version}");
        let outcome = session.wait(action.poll_every(Duration::from_millis(100)), |_| {}).await.unwrap();
        assert_eq!((outcome.status, outcome.counts.restored), (RestoreStatus::Success, 2), "{version}: {outcome:?}");
        let none = session.restore_mailbox_items(mailbox, &[], &operator()).await.unwrap_err();
        assert_eq!(none.status(), Some(http::StatusCode::BAD_REQUEST), "{version}: {none}");

        let saved = session.export_mailbox_to_pst(mailbox, &ToPst::new(), &mut Vec::new()).await.unwrap();
        assert_eq!(saved.bytes, 8_192 + 34 * 48_000, "{version}: every folder's mail");
        let found = session.export_mailbox_to_pst(mailbox, &ToPst::new().keyword("MESSAGE 7 "), &mut Vec::new()).await;
        assert!(found.unwrap().bytes < saved.bytes, "{version}: only what the keyword finds");
        session.stop().await.unwrap();
    }
}

/// Chosen documents and one version of a document, restored where they
/// were and copied into another OneDrive: each counts what it names, the
/// copy into the OneDrive they came from skips them, and an unknown
/// document or version is not found, in both versions.
#[tokio::test]
async fn onedrive_documents_and_a_version_are_restored_and_copied_in_both_versions() {
    use vb365::restore::ToOneDrive;
    use vb365::types::OneDriveDocumentAction::{Keep, Overwrite};
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (simulator, client) = serving(version, |_| {}).await;
        let from = ExploreFrom::organization(CONTOSO.parse().unwrap(), RestoreSessionType::Veod);
        let session = client.explore(from).await.unwrap();
        let alice = session.find_onedrive("alice@contoso.com").await.unwrap().unwrap();
        let bob = session.find_onedrive("bob@contoso.com").await.unwrap().unwrap();
        let id = alice.id.clone().unwrap();
        let folder = session.find_onedrive_folder(&id, "/Documents").await.unwrap().unwrap().id.unwrap();
        let listed: Vec<_> = session.onedrive_documents(&id, Some(&folder)).try_collect().await.unwrap();
        let chosen: Vec<&str> = listed.iter().take(3).filter_map(|d| d.id.as_deref()).collect();
        let done = async |action: vb365::restore::RestoreAction| {
            session.wait(action.poll_every(Duration::from_millis(100)), |_| {}).await.unwrap()
        };

        let outcome = done(session.restore_onedrive_documents(&id, &chosen, &operator(), Keep).await.unwrap()).await;
        assert_eq!((outcome.status, outcome.counts.restored), (RestoreStatus::Success, 3), "{version}: {outcome:?}");
        let sent = simulator.requests().into_iter().rev().find_map(|r| r.body.filter(|b| b.get("documents").is_some()));
        assert_eq!(sent.unwrap()["documents"][2], serde_json::json!({ "id": chosen[2] }), "{version}: by ID alone");

        let to = ToOneDrive::new(bob, &operator()).folder("From Alice").restore_permissions(true);
        let outcome = done(session.copy_onedrive_documents_to(&id, &chosen[..2], &to).await.unwrap()).await;
        assert_eq!((outcome.status, outcome.counts.restored), (RestoreStatus::Success, 2), "{version}: {outcome:?}");
        let sent = simulator.requests().into_iter().rev().find_map(|r| r.body.filter(|b| b.get("documents").is_some()));
        assert!(sent.unwrap().get("restorePermissions").is_none(), "{version}: a folder's flag, not a document's");
        let itself = ToOneDrive::new(alice, &operator());
        let outcome = done(session.copy_onedrive_documents_to(&id, &chosen[..1], &itself).await.unwrap()).await;
        assert_eq!((outcome.status, outcome.counts.skipped), (RestoreStatus::Warning, 1), "{version}: {outcome:?}");

        let versions: Vec<_> = session.onedrive_document_versions(&id, chosen[1]).try_collect().await.unwrap();
        let first = versions[0].version_id.unwrap();
        // Where it was, a document an earlier restore wrote back is written
        // again, beside it (kept) or over it.
        for existing in [Keep, Overwrite] {
            let who = operator();
            let again = session.restore_onedrive_document_version(&id, chosen[1], first, &who, existing);
            let again = done(again.await.unwrap()).await;
            assert_eq!((again.status, again.counts.restored), (RestoreStatus::Success, 1), "{version}: {again:?}");
        }
        let outcome =
            done(session.restore_onedrive_document_version(&id, chosen[1], first, &operator(), Keep).await.unwrap())
                .await;
        assert_eq!((outcome.status, outcome.counts.restored), (RestoreStatus::Success, 1), "{version}: {outcome:?}");
        if version == ApiVersion::V8 {
            // v6's counts carry no bytes; v8's statistics do.
            assert_eq!(outcome.bytes, versions[0].size_bytes.unwrap() as u64, "that version's size");
        }
        // The copy above wrote that document into the folder: unchanged, it
        // is skipped there; into another folder it is copied.
        let outcome = done(session.copy_onedrive_document_version_to(&id, chosen[1], first, &to).await.unwrap()).await;
        assert_eq!((outcome.status, outcome.counts.skipped), (RestoreStatus::Warning, 1), "{version}: {outcome:?}");
        assert!(outcome.warnings[0].ends_with("bob_contoso_com/From Alice"), "{version}: {outcome:?}");
        let to = to.folder("Versions");
        let outcome = done(session.copy_onedrive_document_version_to(&id, chosen[1], first, &to).await.unwrap()).await;
        assert_eq!((outcome.status, outcome.counts.restored), (RestoreStatus::Success, 1), "{version}: {outcome:?}");

        let unknown = session.restore_onedrive_documents(&id, &["no-such-document"], &operator(), Keep).await;
        assert_eq!(unknown.unwrap_err().status(), Some(http::StatusCode::NOT_FOUND), "{version}");
        let never = session.restore_onedrive_document_version(&id, chosen[1], 512 * 99, &operator(), Keep).await;
        assert_eq!(never.unwrap_err().status(), Some(http::StatusCode::NOT_FOUND), "{version}");
        let none = session.copy_onedrive_documents_to(&id, &[], &to).await.unwrap_err();
        assert_eq!(none.status(), Some(http::StatusCode::BAD_REQUEST), "{version}: {none}");
        session.stop().await.unwrap();
    }
}

/// A whole OneDrive (16 documents), a folder (15 with the one under it)
/// and chosen documents mailed to an address, each recorded with what it
/// attached; a bad address and an unknown document are refused and send
/// nothing, in both versions.
#[tokio::test]
async fn onedrive_documents_are_sent_to_an_address_in_both_versions() {
    use vb365::restore::SendItems;
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (simulator, client) = serving(version, |_| {}).await;
        let from = ExploreFrom::organization(CONTOSO.parse().unwrap(), RestoreSessionType::Veod);
        let session = client.explore(from).await.unwrap();
        let id = session.find_onedrive("alice@contoso.com").await.unwrap().unwrap().id.unwrap();
        let folder = session.find_onedrive_folder(&id, "/Documents").await.unwrap().unwrap().id.unwrap();
        let listed: Vec<_> = session.onedrive_documents(&id, Some(&folder)).try_collect().await.unwrap();
        let chosen: Vec<&str> = listed.iter().take(2).filter_map(|d| d.id.as_deref()).collect();
        let message = SendItems::to("auditor@fabrikam.com").subject("From the backup");

        session.send_onedrive(&id, &message).await.unwrap();
        session.send_onedrive_folder(&id, &folder, &message).await.unwrap();
        session.send_onedrive_documents(&id, &chosen, &message).await.unwrap();
        let sent = simulator.sent_mail();
        let counts: Vec<usize> = sent.iter().map(|m| m.items.len()).collect();
        assert_eq!(counts, [16, 15, 2], "{version}: {sent:?}");
        assert_eq!(sent[2].items, [listed[0].name.clone().unwrap(), listed[1].name.clone().unwrap()], "{version}");
        assert!(sent.iter().all(|m| m.subject.as_deref() == Some("From the backup")), "{version}");

        let refused = session.send_onedrive(&id, &SendItems::to("auditor")).await.unwrap_err();
        assert_eq!(refused.status(), Some(http::StatusCode::BAD_REQUEST), "{version}: {refused}");
        let unknown = session.send_onedrive_documents(&id, &["no-such-document"], &message).await.unwrap_err();
        assert_eq!(unknown.status(), Some(http::StatusCode::NOT_FOUND), "{version}: {unknown}");
        assert_eq!(simulator.sent_mail().len(), 3, "{version}: nothing more sent");
        session.stop().await.unwrap();
    }
}

/// Several whole mailboxes restored where they were in one restore: every
/// mailbox's 34 mails, in both versions; an unknown mailbox is not found
/// and no mailbox at all is refused.
#[tokio::test]
async fn several_mailboxes_restored_where_they_were_in_both_versions() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (simulator, client) = serving(version, |_| {}).await;
        let session = exchange(&client).await;
        let all: Vec<_> = session.mailboxes().try_collect().await.unwrap();
        let ids: Vec<uuid::Uuid> = all.iter().take(2).map(|m| m.id).collect();
        let action = session.restore_mailboxes(&ids, &operator()).await.unwrap();
        let outcome = session.wait(action.poll_every(Duration::from_millis(100)), |_| {}).await.unwrap();
        assert_eq!((outcome.status, outcome.counts.restored), (RestoreStatus::Success, 68), "{version}: {outcome:?}");
        let sent = simulator.requests().into_iter().rev().find_map(|r| r.body.filter(|b| b.get("mailboxes").is_some()));
        let sent = sent.unwrap();
        assert_eq!(sent["office365UserPassword"], PASSWORD, "{version}: the account as the bulk body names it");
        assert_eq!(sent["mailboxes"][1], serde_json::json!({ "id": ids[1] }), "{version}: by ID alone");
        assert_eq!((&sent["changedItems"], &sent["deletedItems"]), (&false.into(), &false.into()));

        let unknown = session.restore_mailboxes(&[uuid::Uuid::nil()], &operator()).await.unwrap_err();
        assert_eq!(unknown.status(), Some(http::StatusCode::NOT_FOUND), "{version}: {unknown}");
        let none = session.restore_mailboxes(&[], &operator()).await.unwrap_err();
        assert_eq!(none.status(), Some(http::StatusCode::BAD_REQUEST), "{version}: {none}");
        session.stop().await.unwrap();
    }
}

/// A restore of several mailboxes that fails partway in each (v6 answers
/// per mailbox): the counts summed, each error named by its mailbox.
#[tokio::test]
async fn several_mailboxes_failing_partway_are_counted_per_mailbox_in_v6() {
    let (_simulator, client) = serving(ApiVersion::V6, |c| c.restore_fails_after = Some(10)).await;
    let session = exchange(&client).await;
    let all: Vec<_> = session.mailboxes().try_collect().await.unwrap();
    let ids: Vec<uuid::Uuid> = all.iter().take(2).map(|m| m.id).collect();
    let action = session.restore_mailboxes(&ids, &operator()).await.unwrap();
    let outcome = session.wait(action, |_| {}).await.unwrap();
    assert_eq!((outcome.counts.restored, outcome.counts.failed), (20, 2), "ten of each: {outcome:?}");
    assert_eq!(outcome.status, vb365::restore::RestoreStatus::Warning);
    let named: Vec<bool> = all
        .iter()
        .take(2)
        .map(|m| {
            let email = m.email.clone().unwrap();
            outcome.errors.iter().any(|e| e.starts_with(&format!("{email}: ")))
        })
        .collect();
    assert_eq!(named, [true, true], "{:?}", outcome.errors);
    session.stop().await.unwrap();
}

/// Chosen documents saved as one ZIP archive: each by its name, in the
/// order asked; none, or an unknown one, is refused, in both versions.
#[tokio::test]
async fn chosen_onedrive_documents_are_saved_as_one_archive_in_both_versions() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (_simulator, client) = serving(version, |_| {}).await;
        let from = ExploreFrom::organization(CONTOSO.parse().unwrap(), RestoreSessionType::Veod);
        let session = client.explore(from).await.unwrap();
        let id = session.find_onedrive("alice@contoso.com").await.unwrap().unwrap().id.unwrap();
        let folder = session.find_onedrive_folder(&id, "/Documents").await.unwrap().unwrap().id.unwrap();
        let listed: Vec<_> = session.onedrive_documents(&id, Some(&folder)).try_collect().await.unwrap();
        let chosen: Vec<&str> = [4, 1].iter().filter_map(|&n| listed[n].id.as_deref()).collect();
        let mut archive = Vec::new();
        let saved = session.save_onedrive_documents(&id, &chosen, &mut archive).await.unwrap();
        assert_eq!(saved.bytes, archive.len() as u64, "{version}");
        let names = [listed[4].name.clone().unwrap(), listed[1].name.clone().unwrap()];
        assert_eq!(zip_names(&archive), names, "{version}");
        let none = session.save_onedrive_documents(&id, &[], &mut Vec::new()).await.unwrap_err();
        assert_eq!(none.status(), Some(http::StatusCode::BAD_REQUEST), "{version}: {none}");
        let unknown = session.save_onedrive_documents(&id, &["no-such-document"], &mut Vec::new()).await.unwrap_err();
        assert_eq!(unknown.status(), Some(http::StatusCode::NOT_FOUND), "{version}: {unknown}");
        session.stop().await.unwrap();
    }
}

/// A server that stops the session while the restore's event still says
/// it runs, and writes no event that ends it: `wait` reads the session's
/// state, and the restore ends as failed with that reason instead of being
/// waited for ever.
#[tokio::test]
async fn a_session_stopped_without_an_ending_event_ends_the_wait_failed() {
    use common::{Reply, TestServer, example_json};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let explored = example_json("explore_tenant_organization_v8.response.201.constructed.json");
    let id = explored["id"].as_str().unwrap().to_owned();
    let mut stopped = example_json("get_restore_session_v8.response.200.constructed.json");
    stopped["id"] = id.clone().into();
    assert_eq!(stopped["state"], "Stopped");
    let mut events = example_json("list_restore_session_events_v8.response.200.constructed.json");
    let mut running = events["results"][0].clone();
    running["type"] = "Restore".into();
    running["status"] = "Running".into();
    let none = serde_json::json!({ "offset": 0, "limit": 30, "results": [] });
    events["results"] = serde_json::json!([running]);
    let counts = serde_json::json!({ "totalItemsCount": 0, "restoredItemsCount": 0, "failedItemsCount": 0 });
    let started = Arc::new(AtomicBool::new(false));
    let json = |status, value: &serde_json::Value| Reply::json(status, serde_json::to_vec(value).unwrap());
    let sent = Arc::clone(&started);
    let server = TestServer::start(move |request| match (request.method.as_str(), request.path.as_str()) {
        _ if request.is_token_request() => Reply::token(),
        ("POST", path) if path.ends_with("/Organization/Explore") => json(201, &explored),
        ("POST", path) if path.ends_with("/restoreTo") => {
            sent.store(true, Ordering::SeqCst);
            json(200, &serde_json::json!({ "sessionId": explored["id"] }))
        }
        ("POST", path) if path.ends_with("/Stop") => Reply::empty(204),
        ("GET", path) if path.ends_with("/Statistics") => json(200, &counts),
        ("GET", path) if path.ends_with("/Events") && sent.load(Ordering::SeqCst) => json(200, &events),
        ("GET", path) if path.ends_with("/Events") => json(200, &none),
        ("GET", path) if path.ends_with(&id) => json(200, &stopped),
        _ => Reply::empty(404),
    })
    .await;
    let client = Client::builder(&server.url).api_versions([ApiVersion::V8]).build().unwrap();
    client.login(vb365::Credentials::password("administrator", "XXXXXXXX")).await.unwrap();
    let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Vex)).await.unwrap();
    let to = ToMailbox::new("bob@contoso.com", &operator());
    let action = session.restore_mailbox_folder_to(uuid::Uuid::nil(), "inbox", &to).await.unwrap();
    let waited = session.wait(action.poll_every(Duration::from_millis(50)), |_| {});
    // A guard against the hang this test is about, not a timing.
    let outcome = tokio::time::timeout(Duration::from_secs(60), waited).await.expect("wait ended").unwrap();
    assert!(started.load(Ordering::SeqCst));
    assert_eq!(outcome.status, RestoreStatus::Failed, "{outcome:?}");
    let reason = outcome.reason.unwrap_or_default();
    assert!(reason.contains("stopped the restore session"), "{reason}");
    session.stop().await.unwrap();
}
