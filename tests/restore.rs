//! A restore session opened through `Client::explore` is always stopped:
//! by `stop()`, by `with_restore_session` whatever its work does, and in the
//! background when its handle is dropped. The simulator tells: it counts
//! the `Stop` requests and keeps each session's state.
#![cfg(feature = "simulator")]

use std::time::Duration;

use futures::FutureExt as _;
use vb365::restore::{ExploreFrom, RestoreSession};
use vb365::simulator::{Simulator, SimulatorConfig};
use vb365::types::{RestoreSessionState, RestoreSessionType};
use vb365::{ApiVersion, Client, DateTime, Error};

async fn serving(version: ApiVersion) -> (Simulator, Client) {
    let mut config = SimulatorConfig::default();
    config.versions = vec![version];
    // Pages of ten: the inbox (25 mails) and the directory span several.
    config.max_page_size = 10;
    let simulator = Simulator::start_with(config).await.unwrap();
    let client = Client::builder(simulator.url()).build().unwrap();
    client.login(simulator.credentials()).await.unwrap();
    (simulator, client)
}

fn exchange() -> ExploreFrom {
    ExploreFrom::tenant(RestoreSessionType::Vex).at("2024-04-30T12:00:00Z".parse::<DateTime>().unwrap())
}

/// The session's state as the server has it now.
async fn state(client: &Client, session: uuid::Uuid) -> Option<RestoreSessionState> {
    client.get_restore_session(session).await.unwrap().state
}

#[tokio::test]
async fn explore_opens_at_the_point_in_time_and_stop_stops() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (simulator, client) = serving(version).await;
        let session = client.explore(exchange().show_deleted(true)).await.unwrap();
        let id = session.id();
        assert_eq!(session.info().type_, Some(RestoreSessionType::Vex));
        assert!(session.info().name.as_deref().unwrap().contains("4/30/2024"), "{:?}", session.info().name);
        assert_eq!(session.current().await.unwrap().state, Some(RestoreSessionState::Working));
        let body = simulator.requests().iter().rev().find_map(|r| r.body.clone()).unwrap();
        assert_eq!(body["showDeleted"], true, "{body}");
        assert_eq!(body["dateTime"], "2024-04-30T12:00:00Z", "{body}");
        session.stop().await.unwrap();
        assert_eq!(state(&client, id).await, Some(RestoreSessionState::Stopped), "{version}");
        assert_eq!(simulator.count("stop_restore_session"), 1, "{version}");
    }
}

#[tokio::test]
async fn with_restore_session_stops_the_session_when_the_work_succeeds() {
    let (simulator, client) = serving(ApiVersion::V8).await;
    let id = client
        .with_restore_session(exchange(), async |session: &RestoreSession| Ok::<_, Error>(session.id()))
        .await
        .unwrap();
    assert_eq!(state(&client, id).await, Some(RestoreSessionState::Stopped));
    assert_eq!(simulator.count("stop_restore_session"), 1);
}

#[tokio::test]
async fn with_restore_session_stops_the_session_when_the_work_fails() {
    let (simulator, client) = serving(ApiVersion::V6).await;
    let mut seen = None;
    let failed: Result<(), Error> = client
        .with_restore_session(exchange(), async |session: &RestoreSession| {
            seen = Some(session.id());
            // A failing call inside the work: a session that does not exist.
            client.get_restore_session(uuid::Uuid::nil()).await.map(drop)
        })
        .await;
    assert!(matches!(failed, Err(Error::Api { .. })), "{failed:?}");
    assert_eq!(state(&client, seen.unwrap()).await, Some(RestoreSessionState::Stopped));
    assert_eq!(simulator.count("stop_restore_session"), 1);
}

#[tokio::test]
async fn with_restore_session_stops_the_session_when_the_work_panics_and_the_panic_goes_on() {
    let (simulator, client) = serving(ApiVersion::V8).await;
    let seen = std::sync::Mutex::new(None);
    let outcome = std::panic::AssertUnwindSafe(client.with_restore_session(
        exchange(),
        async |session: &RestoreSession| -> Result<(), Error> {
            *seen.lock().unwrap() = Some(session.id());
            panic!("the work panics");
        },
    ))
    .catch_unwind()
    .await;
    let panic = outcome.expect_err("the panic reaches the caller");
    assert_eq!(panic.downcast_ref::<&str>(), Some(&"the work panics"));
    let id = seen.lock().unwrap().unwrap();
    assert_eq!(state(&client, id).await, Some(RestoreSessionState::Stopped));
    assert_eq!(simulator.count("stop_restore_session"), 1);
}

/// A handle dropped without `stop()` (an early return, a cancelled task) is
/// stopped in the background.
#[tokio::test]
async fn a_dropped_session_is_stopped_in_the_background() {
    let (simulator, client) = serving(ApiVersion::V8).await;
    let session = client.explore(exchange()).await.unwrap();
    let id = session.id();
    drop(session);
    for _ in 0..100 {
        if simulator.count("stop_restore_session") > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(simulator.count("stop_restore_session"), 1);
    assert_eq!(state(&client, id).await, Some(RestoreSessionState::Stopped));
}

/// Work cancelled halfway (as by Ctrl-C in a `select!`) still stops its
/// session: the handle is dropped with the future.
#[tokio::test]
async fn cancelled_work_still_stops_its_session() {
    let (simulator, client) = serving(ApiVersion::V6).await;
    let work = client.with_restore_session(exchange(), async |_: &RestoreSession| {
        std::future::pending::<()>().await;
        Ok::<_, Error>(())
    });
    let cancelled = tokio::time::timeout(Duration::from_millis(300), work).await;
    assert!(cancelled.is_err(), "the work never ends by itself");
    for _ in 0..100 {
        if simulator.count("stop_restore_session") > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(simulator.count("stop_restore_session"), 1);
}

const CONTOSO: &str = "6f9b3da3-204d-4a4b-b466-55586e0233fc";

/// An administrator explores an organization or a job; the simulator names
/// the session after what it explores, and refuses what does not exist.
#[tokio::test]
async fn explore_an_organization_or_a_job_in_both_versions() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (simulator, client) = serving(version).await;
        let organization = CONTOSO.parse().unwrap();
        let from = ExploreFrom::organization(organization, RestoreSessionType::Veod)
            .at("2024-04-30T12:00:00Z".parse().unwrap());
        let session = client.explore(from).await.unwrap();
        let first = session.id();
        assert!(
            session.info().name.as_deref().unwrap().starts_with("OneDrive restore (contoso.onmicrosoft.com - "),
            "{:?}",
            session.info()
        );
        session.stop().await.unwrap();

        let jobs = client.list_jobs().await.unwrap();
        let job = jobs.iter().find(|j| j.organization_id == Some(organization)).unwrap();
        let session = client.explore(ExploreFrom::job(job.id, RestoreSessionType::Vex)).await.unwrap();
        assert_eq!(session.info().scope_name, job.name, "{version}");
        let second = session.id();
        session.stop().await.unwrap();
        assert_eq!(simulator.count("explore_organization"), 1);
        assert_eq!(simulator.count("explore_job"), 1);

        let missing = client.explore(ExploreFrom::job(uuid::Uuid::nil(), RestoreSessionType::Vex)).await;
        assert!(matches!(missing, Err(Error::Api { status, .. }) if status == 404), "{missing:?}");
        for opened in [first, second] {
            assert_eq!(state(&client, opened).await, Some(RestoreSessionState::Stopped), "{version}");
        }
    }
}

/// The simulator keeps a restore point for every backup run that saved
/// data; both versions list and filter them alike.
#[tokio::test]
async fn restore_points_of_an_organization_in_both_versions() {
    use futures::TryStreamExt;
    use vb365::RestorePointFilter;
    let mut seen = Vec::new();
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (_simulator, client) = serving(version).await;
        let organization = CONTOSO.parse().unwrap();
        let all: Vec<_> =
            client.restore_points(RestorePointFilter::all().organization(organization)).try_collect().await.unwrap();
        assert!(all.len() >= 2, "{version}: {all:?}");
        assert!(all.iter().all(|p| p.organization_id == Some(organization)));
        let newest = all.iter().filter_map(|p| p.backup_time.clone()).max().unwrap();
        let since: Vec<_> = client
            .restore_points(RestorePointFilter::all().organization(organization).since(newest.clone()))
            .try_collect()
            .await
            .unwrap();
        assert!(since.iter().all(|p| p.backup_time.as_ref() >= Some(&newest)) && !since.is_empty(), "{version}");
        assert!(since.len() < all.len(), "{version}: the window leaves older points out");
        let one = client.get_restore_point(all[0].id.as_deref().unwrap()).await.unwrap();
        assert_eq!(one, all[0]);
        let missing = client.get_restore_point("no-such-point").await;
        assert!(matches!(missing, Err(Error::Api { status, .. }) if status == 404), "{missing:?}");
        seen.push(all.iter().map(|p| p.id.clone()).collect::<Vec<_>>());
    }
    assert_eq!(seen[0], seen[1], "the same points whatever the version");
}

/// `--fault` reaches every restore route in both versions; and a stop the
/// server refuses after work that succeeded is the caller's error, since
/// the session may still be open.
#[tokio::test]
async fn faults_reach_the_restore_routes_and_a_failed_stop_is_reported() {
    use futures::TryStreamExt;
    use vb365::RestorePointFilter;
    use vb365::simulator::Fault;
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (simulator, client) = serving(version).await;
        let organization = CONTOSO.parse().unwrap();
        let failed = |result: Result<(), Error>| {
            assert!(result.as_ref().is_err_and(|e| e.to_string().contains("500")), "{version}: {result:?}");
        };
        simulator.inject(Fault::status(500).on("explore_organization"));
        failed(client.explore(ExploreFrom::organization(organization, RestoreSessionType::Vex)).await.map(drop));
        simulator.inject(Fault::status(500).on("explore_job"));
        failed(client.explore(ExploreFrom::job(uuid::Uuid::nil(), RestoreSessionType::Vex)).await.map(drop));
        simulator.inject(Fault::status(500).on("list_restore_points"));
        failed(client.restore_points(RestorePointFilter::all()).try_collect::<Vec<_>>().await.map(drop));
        simulator.inject(Fault::status(500).on("get_restore_point"));
        failed(client.get_restore_point("any").await.map(drop));

        simulator.inject(Fault::status(500).on("stop_restore_session"));
        let done = client.with_restore_session(exchange(), async |_: &RestoreSession| Ok::<_, Error>(7)).await;
        assert!(
            matches!(done, Err(Error::Api { operation, .. }) if operation.starts_with("stop_restore_session")),
            "{done:?}"
        );
    }
}

/// An Exchange session shows a mailbox for each user of the explored
/// organization, found by address or ID, and folders found by path; a
/// session of another service, or a stopped one, shows none.
#[tokio::test]
async fn browse_mailboxes_and_folders_in_both_versions() {
    use futures::TryStreamExt;
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (_simulator, client) = serving(version).await;
        let organization = CONTOSO.parse().unwrap();
        let users: Vec<_> =
            client.organization_users(organization, vb365::UserFilter::default()).try_collect().await.unwrap();
        let session = client.explore(ExploreFrom::organization(organization, RestoreSessionType::Vex)).await.unwrap();
        let mailboxes: Vec<_> = session.mailboxes().try_collect().await.unwrap();
        assert_eq!(mailboxes.len(), users.len(), "{version}: one mailbox a user");
        let address = mailboxes[1].email.clone().unwrap();
        let found = session.find_mailbox(&address.to_uppercase()).await.unwrap().unwrap();
        assert_eq!(found, mailboxes[1]);
        assert_eq!(session.find_mailbox(&found.id.to_string()).await.unwrap().as_ref(), Some(&found));
        assert_eq!(session.find_mailbox("nobody@example.com").await.unwrap(), None);

        let top: Vec<_> = session.mailbox_folders(found.id, None).try_collect().await.unwrap();
        assert!(top.iter().any(|f| f.name.as_deref() == Some("Inbox")), "{top:?}");
        let invoices = session.find_mailbox_folder(found.id, "Inbox/Invoices").await.unwrap().unwrap();
        assert_eq!(invoices.name.as_deref(), Some("Invoices"));
        assert!(!top.contains(&invoices), "a subfolder is not a top folder");
        assert_eq!(session.find_mailbox_folder(found.id, "Inbox/Nothing").await.unwrap(), None);

        // Items: a folder's, on every page (the inbox spans several), and one by ID.
        let inbox = session.find_mailbox_folder(found.id, "Inbox").await.unwrap().unwrap();
        let mails: Vec<_> = session.mailbox_items(found.id, inbox.id.as_deref()).try_collect().await.unwrap();
        assert_eq!(mails.len(), 25, "{version}");
        let invoices: Vec<_> = session.mailbox_items(found.id, invoices.id.as_deref()).try_collect().await.unwrap();
        assert!(invoices.iter().all(|i| i.subject.as_deref().is_some_and(|s| s.starts_with("Invoice"))));
        assert!(invoices.iter().all(|i| !i.attachments.is_empty()));
        let all: Vec<_> = session.mailbox_items(found.id, None).try_collect().await.unwrap();
        assert!(all.len() > mails.len() + invoices.len(), "every folder's items without a folder");
        let one = session.mailbox_item(found.id, mails[24].id.as_deref().unwrap()).await.unwrap();
        assert_eq!(one, mails[24]);
        session.stop().await.unwrap();

        let onedrive = client.explore(ExploreFrom::organization(organization, RestoreSessionType::Veod)).await.unwrap();
        let refused = onedrive.mailboxes().try_collect::<Vec<_>>().await.unwrap_err();
        assert!(refused.to_string().contains("does not explore Exchange"), "{refused}");
        onedrive.stop().await.unwrap();
        // Stopped elsewhere (another program, the server's own timeout):
        // the handle can no longer browse.
        let session = client.explore(ExploreFrom::organization(organization, RestoreSessionType::Vex)).await.unwrap();
        client.stop_restore_session(session.id()).await.unwrap();
        let refused = session.mailboxes().try_collect::<Vec<_>>().await.unwrap_err();
        assert!(refused.to_string().contains("is stopped"), "{refused}");
        session.stop().await.unwrap();
    }
}

/// A OneDrive session shows a OneDrive for each user of the explored
/// organization, found by address, name or ID; folders by path; documents
/// of a folder on every page.
#[tokio::test]
async fn browse_onedrives_folders_and_documents_in_both_versions() {
    use futures::TryStreamExt;
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (_simulator, client) = serving(version).await;
        let organization = CONTOSO.parse().unwrap();
        let session = client.explore(ExploreFrom::organization(organization, RestoreSessionType::Veod)).await.unwrap();
        let onedrives: Vec<_> = session.onedrives().try_collect().await.unwrap();
        assert!(onedrives.len() > 10, "{version}: one a user, over several pages");
        let by_address = session.find_onedrive("Alice@Contoso.com").await.unwrap().unwrap();
        assert_eq!(by_address, onedrives[0]);
        let by_name = session.find_onedrive(onedrives[1].name.as_deref().unwrap()).await.unwrap().unwrap();
        assert_eq!(by_name, onedrives[1]);
        let id = by_address.id.clone().unwrap();
        assert_eq!(session.find_onedrive(&id).await.unwrap().as_ref(), Some(&by_address));
        assert_eq!(session.onedrive(&id).await.unwrap(), by_address);

        let documents = session.find_onedrive_folder(&id, "/Documents").await.unwrap().unwrap();
        let year = session.find_onedrive_folder(&id, "/Documents/2026").await.unwrap().unwrap();
        assert_eq!(year.name.as_deref(), Some("2026"));
        assert_eq!(session.find_onedrive_folder(&id, "/Documents/1999").await.unwrap(), None);
        let reports: Vec<_> = session.onedrive_documents(&id, documents.id.as_deref()).try_collect().await.unwrap();
        assert_eq!(reports.len(), 12, "{version}: every page");
        assert!(reports.iter().all(|d| d.size_bytes.is_some_and(|s| s > 0)));
        let top: Vec<_> = session.onedrive_documents(&id, None).try_collect().await.unwrap();
        assert_eq!(top.len(), 1, "the top holds one document, not the folders' ones");
        session.stop().await.unwrap();

        let exchange = client.explore(ExploreFrom::organization(organization, RestoreSessionType::Vex)).await.unwrap();
        let refused = exchange.onedrives().try_collect::<Vec<_>>().await.unwrap_err();
        assert!(refused.to_string().contains("does not explore OneDrive"), "{refused}");
        exchange.stop().await.unwrap();
    }
}

/// A search finds what matches in every folder (or one), on every page of
/// the answer (pages of ten, 25 matches); a field the server does not
/// search by, or an empty query, is the server's refusal, not an empty
/// result.
#[tokio::test]
async fn search_a_mailbox_and_a_folder_in_both_versions() {
    use futures::TryStreamExt;
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (_simulator, client) = serving(version).await;
        let organization = CONTOSO.parse().unwrap();
        let session = client.explore(ExploreFrom::organization(organization, RestoreSessionType::Vex)).await.unwrap();
        let found = session.find_mailbox("alice@contoso.com").await.unwrap().unwrap();
        let invoices: Vec<_> = session.search_mailbox(found.id, None, "subject:invoice").try_collect().await.unwrap();
        assert_eq!(invoices.len(), 3, "{version}: {invoices:?}");
        assert!(invoices.iter().all(|i| i.subject.as_deref().is_some_and(|s| s.starts_with("Invoice"))));
        let inbox = session.find_mailbox_folder(found.id, "Inbox").await.unwrap().unwrap().id.unwrap();
        let words = "from:partner@fabrikam.com \"in inbox\"";
        let inbox_mail: Vec<_> = session.search_mailbox(found.id, Some(&inbox), words).try_collect().await.unwrap();
        assert_eq!(inbox_mail.len(), 25, "{version}: every page of the answer");
        let one: Vec<_> =
            session.search_mailbox(found.id, Some(&inbox), "subject:\"Message 7 in\"").try_collect().await.unwrap();
        assert_eq!(one.len(), 1, "{one:?}");
        let both = "from:partner@fabrikam.com subject:invoice";
        let both: Vec<_> = session.search_mailbox(found.id, None, both).try_collect().await.unwrap();
        assert_eq!(both.len(), 3, "{version}: every term must match");
        let none: Vec<_> = session.search_mailbox(found.id, None, "nothing-like-it").try_collect().await.unwrap();
        assert!(none.is_empty());
        for bad in ["size:>5", "", "subject:\"open"] {
            let refused = session.search_mailbox(found.id, None, bad).try_collect::<Vec<_>>().await.unwrap_err();
            assert_eq!(refused.status(), Some(http::StatusCode::BAD_REQUEST), "{bad}: {refused}");
        }
        session.stop().await.unwrap();
    }
}

/// A OneDrive search finds documents and folders whose names have every
/// word, in the whole OneDrive or under one folder, on every page (pages of
/// ten); an empty query is the server's refusal.
#[tokio::test]
async fn search_a_onedrive_and_a_folder_in_both_versions() {
    use futures::TryStreamExt;
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (_simulator, client) = serving(version).await;
        let organization = CONTOSO.parse().unwrap();
        let session = client.explore(ExploreFrom::organization(organization, RestoreSessionType::Veod)).await.unwrap();
        let id = session.find_onedrive("alice@contoso.com").await.unwrap().unwrap().id.unwrap();
        let reports: Vec<_> = session.search_onedrive(&id, None, "REPORT").try_collect().await.unwrap();
        assert_eq!(reports.len(), 12, "{version}: every page");
        let both: Vec<_> = session.search_onedrive(&id, None, "12 report").try_collect().await.unwrap();
        assert_eq!(both.len(), 1, "{version}: every word, in any order: {both:?}");
        let folders: Vec<_> = session.search_onedrive(&id, None, "2026").try_collect().await.unwrap();
        assert_eq!(folders.len(), 1, "{version}: the folder 2026: {folders:?}");
        // v8 says it is a folder; v6 has no such field, but its link is a folder's.
        let expected = (version == ApiVersion::V8).then_some(true);
        assert_eq!((folders[0].name.as_deref(), folders[0].is_folder), (Some("2026"), expected), "{version}");
        let link = folders[0].links.as_ref().and_then(|l| l.get("self")).map(|l| l.href.clone()).unwrap_or_default();
        assert!(link.contains("/Folders/"), "{version}: {link}");
        let documents = session.find_onedrive_folder(&id, "/Documents").await.unwrap().unwrap().id.unwrap();
        let plans: Vec<_> = session.search_onedrive(&id, Some(&documents), "plan").try_collect().await.unwrap();
        assert_eq!(plans.len(), 3, "{version}: the plans under Documents/2026");
        let desktop = session.find_onedrive_folder(&id, "/Desktop").await.unwrap().unwrap().id.unwrap();
        let none: Vec<_> = session.search_onedrive(&id, Some(&desktop), "plan").try_collect().await.unwrap();
        assert!(none.is_empty(), "{version}: nothing under Desktop");
        let refused = session.search_onedrive(&id, None, " ").try_collect::<Vec<_>>().await.unwrap_err();
        assert_eq!(refused.status(), Some(http::StatusCode::BAD_REQUEST), "{refused}");
        session.stop().await.unwrap();
    }
}

/// Folders and documents read by their IDs are the entries their listings
/// give; every mailbox and every OneDrive of a session are searched at
/// once (each hit naming where it is); an unknown ID is not found.
#[tokio::test]
async fn folders_and_documents_by_id_and_the_whole_session_searched_in_both_versions() {
    use futures::TryStreamExt;
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (_simulator, client) = serving(version).await;
        let organization = CONTOSO.parse().unwrap();
        let session = client.explore(ExploreFrom::organization(organization, RestoreSessionType::Vex)).await.unwrap();
        let mailboxes: Vec<_> = session.mailboxes().try_collect().await.unwrap();
        let inbox = session.find_mailbox_folder(mailboxes[0].id, "Inbox").await.unwrap().unwrap();
        let by_id = session.mailbox_folder(mailboxes[0].id, inbox.id.as_deref().unwrap()).await.unwrap();
        assert_eq!(serde_json::to_value(&by_id).unwrap(), serde_json::to_value(&inbox).unwrap(), "{version}");
        let missing = session.mailbox_folder(mailboxes[0].id, "no-such-folder").await.unwrap_err();
        assert_eq!(missing.status(), Some(http::StatusCode::NOT_FOUND), "{version}: {missing}");
        let invoices: Vec<_> = session.search_mailboxes("subject:invoice").try_collect().await.unwrap();
        let one: Vec<_> = session.search_mailbox(mailboxes[0].id, None, "subject:invoice").try_collect().await.unwrap();
        assert_eq!(invoices.len(), one.len() * mailboxes.len(), "{version}: every mailbox, every page");
        let owners: std::collections::BTreeSet<_> = invoices.iter().filter_map(|i| i.to.clone()).collect();
        assert_eq!(owners.len(), mailboxes.len(), "{version}: {owners:?}");
        session.stop().await.unwrap();

        let session = client.explore(ExploreFrom::organization(organization, RestoreSessionType::Veod)).await.unwrap();
        let id = session.find_onedrive("alice@contoso.com").await.unwrap().unwrap().id.unwrap();
        let folder = session.find_onedrive_folder(&id, "/Documents").await.unwrap().unwrap();
        let by_id = session.onedrive_folder(&id, folder.id.as_deref().unwrap()).await.unwrap();
        assert_eq!(serde_json::to_value(&by_id).unwrap(), serde_json::to_value(&folder).unwrap(), "{version}");
        // The simulator's folders have one version: the folder as it is.
        let versions: Vec<_> =
            session.onedrive_folder_versions(&id, folder.id.as_deref().unwrap()).try_collect().await.unwrap();
        assert_eq!(versions.len(), 1, "{version}");
        assert_eq!((&versions[0].name, versions[0].version_id), (&folder.name, folder.version_id), "{version}");
        let href = &versions[0].links.as_ref().unwrap()["self"].href;
        assert!(href.ends_with(&format!("/Folders/{}/Versions/512", folder.id.as_deref().unwrap())), "{href}");
        let missing = session.onedrive_folder_versions(&id, "no-such-folder").try_collect::<Vec<_>>().await;
        assert_eq!(missing.unwrap_err().status(), Some(http::StatusCode::NOT_FOUND), "{version}");
        let listed: Vec<_> = session.onedrive_documents(&id, folder.id.as_deref()).try_collect().await.unwrap();
        let document = session.onedrive_document(&id, listed[3].id.as_deref().unwrap()).await.unwrap();
        assert_eq!(serde_json::to_value(&document).unwrap(), serde_json::to_value(&listed[3]).unwrap(), "{version}");
        let missing = session.onedrive_document(&id, "no-such-document").await.unwrap_err();
        assert_eq!(missing.status(), Some(http::StatusCode::NOT_FOUND), "{version}: {missing}");
        let onedrives: Vec<_> = session.onedrives().try_collect().await.unwrap();
        let reports: Vec<_> = session.search_onedrives("report").try_collect().await.unwrap();
        assert_eq!(reports.len(), 12 * onedrives.len(), "{version}: every OneDrive, every page");
        session.stop().await.unwrap();
    }
}
