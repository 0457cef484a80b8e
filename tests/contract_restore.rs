//! Contract tests of the restore operations, in API v6 and v8: against a
//! server that replays the recorded (constructed) examples, each facade
//! method sends its documented request and the recorded answer decodes to
//! every value it carries.
#![cfg(feature = "simulator")]

mod common;

use common::contract::*;
use common::example_file;
use futures::TryStreamExt;
use vb365::restore::ExploreFrom;
use vb365::types::RestoreSessionType;
use vb365::{ApiVersion, Client, Credentials, DateTime, RestorePointFilter};

const EXPLORED_JOB: &str = "d4d0d7f1-2f5e-4a43-9d3b-7f2bd1c6f3a1";
const POINT: &str = "9a1c3e5f-0000-4000-8000-000000000002";

async fn pinned(version: ApiVersion) -> (common::TestServer, Client) {
    let server = replay().await;
    let client = Client::builder(&server.url).api_versions([version]).build().unwrap();
    client.login(Credentials::password("administrator@abc.onmicrosoft.com", "XXXXXXXX")).await.unwrap();
    server.clear();
    (server, client)
}

fn at() -> DateTime {
    "2024-04-30T22:00:00Z".parse().unwrap()
}

#[tokio::test]
async fn explore_an_organization_and_a_job_in_both_versions() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let from = ExploreFrom::organization(ORGANIZATION.parse().unwrap(), RestoreSessionType::Veod)
            .at(at())
            .show_deleted(false)
            .show_all_versions(true);
        let session = client.explore(from).await.unwrap();
        let call = next_call(&server);
        assert_request(&call, "POST", &format!("/{version}/Organizations/{ORGANIZATION}/explore"), None);
        let name = if v8 {
            "explore_organization_v8.request.constructed.json"
        } else {
            "explore_organization.request.constructed.json"
        };
        assert_sent(name, &call);
        let name = if v8 {
            "explore_organization_v8.response.201.constructed.json"
        } else {
            "explore_organization.response.200.constructed.json"
        };
        assert_decoded(name, session.info());
        let id = session.id();
        session.stop().await.unwrap();
        assert_request(&next_call(&server), "POST", &format!("/{version}/RestoreSessions/{id}/Stop"), None);

        let from = ExploreFrom::job(EXPLORED_JOB.parse().unwrap(), RestoreSessionType::Vex)
            .at(at())
            .show_deleted(false)
            .show_all_versions(false);
        let session = client.explore(from).await.unwrap();
        let call = next_call(&server);
        assert_request(&call, "POST", &format!("/{version}/Jobs/{EXPLORED_JOB}/explore"), None);
        let name = if v8 { "explore_job_v8.request.constructed.json" } else { "explore_job.request.constructed.json" };
        assert_sent(name, &call);
        let name = if v8 {
            "explore_job_v8.response.201.constructed.json"
        } else {
            "explore_job.response.200.constructed.json"
        };
        assert_decoded(name, session.info());
        assert_eq!(session.info().scope_name.as_deref(), Some("Contoso Exchange"));
        session.stop().await.unwrap();
        next_call(&server);
    }
}

#[tokio::test]
async fn restore_points_in_both_versions() {
    let organization = ORGANIZATION.parse().unwrap();
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (server, client) = pinned(version).await;
        let filter =
            RestorePointFilter::all().organization(organization).since("2024-04-30T00:00:00Z".parse().unwrap());
        let points: Vec<_> = client.restore_points(filter).try_collect().await.unwrap();
        let query = if version == ApiVersion::V8 {
            format!("from=2024-04-30T00%3A00%3A00Z&limit=1000&offset=0&organizationId={ORGANIZATION}")
        } else {
            format!("organizationId={ORGANIZATION}")
        };
        assert_request(&next_call(&server), "GET", &format!("/{version}/RestorePoints"), Some(&query));
        let recorded = if version == ApiVersion::V8 {
            let page = client.api().list_restore_points_v8().send().await.unwrap().into_inner();
            assert_decoded("list_restore_points_v8.response.200.constructed.json", &page);
            page.results
        } else {
            let all = client.api().list_restore_points().send().await.unwrap().into_inner();
            assert_decoded("list_restore_points.response.200.constructed.json", &all);
            all
        };
        // The replay server does not filter: the time window is applied
        // here too, so the point of the 29th is left out in both versions.
        assert_eq!(points, recorded[1..], "{version}");
        assert_eq!(points[0].is_exchange, Some(true));
        server.clear();

        let point = client.get_restore_point(POINT).await.unwrap();
        assert_request(&next_call(&server), "GET", &format!("/{version}/RestorePoints/{POINT}"), None);
        let name = if version == ApiVersion::V8 {
            "get_restore_point_v8.response.200.constructed.json"
        } else {
            "get_restore_point.response.200.constructed.json"
        };
        assert_decoded(name, &point);
        assert_eq!(point.backup_time, Some("2024-04-30T22:00:09.117Z".parse().unwrap()));
    }
}

#[tokio::test]
async fn mailboxes_and_their_folders_in_both_versions() {
    const MAILBOX: &str = "b7a9a1c2-4f3e-4e6b-9d41-2c8f0a1e7d01";
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Vex).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let base = format!("/{version}/RestoreSessions/{id}/organization/mailboxes");

        let mailboxes: Vec<_> = session.mailboxes().try_collect().await.unwrap();
        assert_request(&next_call(&server), "GET", &base, Some("limit=1000&offset=0"));
        let name = if v8 {
            "list_restore_session_mailboxes_v8.response.200.constructed.json"
        } else {
            "list_restore_session_mailboxes.response.200.constructed.json"
        };
        let page = match version {
            ApiVersion::V8 => client.api().list_restore_session_mailboxes_v8().restore_session_id(id).send().await,
            _ => client.api().list_restore_session_mailboxes().restore_session_id(id).send().await,
        };
        server.clear();
        let page = page.unwrap().into_inner();
        assert_decoded(name, &page);
        assert_eq!(mailboxes, page.results, "{version}");
        assert_eq!(mailboxes[1].is_archive, Some(true));

        let mailbox = session.mailbox(MAILBOX.parse().unwrap()).await.unwrap();
        assert_request(&next_call(&server), "GET", &format!("{base}/{MAILBOX}"), None);
        let name = if v8 {
            "get_restore_session_mailbox_v8.response.200.constructed.json"
        } else {
            "get_restore_session_mailbox.response.200.constructed.json"
        };
        assert_decoded(name, &mailbox);

        let folders: Vec<_> = session
            .mailbox_folders(MAILBOX.parse().unwrap(), Some("AAMkADQ5Y2E4LWluYm94"))
            .try_collect()
            .await
            .unwrap();
        let query = "limit=1000&offset=0&parentId=AAMkADQ5Y2E4LWluYm94";
        assert_request(&next_call(&server), "GET", &format!("{base}/{MAILBOX}/folders"), Some(query));
        let name = if v8 {
            "list_restore_session_mailbox_folders_v8.response.200.constructed.json"
        } else {
            "list_restore_session_mailbox_folders.response.200.constructed.json"
        };
        let mailbox_id: uuid::Uuid = MAILBOX.parse().unwrap();
        let page = match version {
            ApiVersion::V8 => {
                client
                    .api()
                    .list_restore_session_mailbox_folders_v8()
                    .restore_session_id(id)
                    .mailbox_id(mailbox_id)
                    .send()
                    .await
            }
            _ => {
                client
                    .api()
                    .list_restore_session_mailbox_folders()
                    .restore_session_id(id)
                    .mailbox_id(mailbox_id)
                    .send()
                    .await
            }
        };
        server.clear();
        let page = page.unwrap().into_inner();
        assert_decoded(name, &page);
        assert_eq!(folders, page.results, "{version}");
        assert_eq!(folders[2].type_, Some(vb365::types::ExchangeFolderType::Appointment));
        assert_eq!(folders[0].mailbox_id.is_some(), v8, "v8 folders name their mailbox");

        let items: Vec<_> =
            session.mailbox_items(mailbox_id, Some("AAMkADQ5Y2E4LWluYm94")).try_collect().await.unwrap();
        let query = if v8 {
            "limit=1000&offset=0&parentId=AAMkADQ5Y2E4LWluYm94"
        } else {
            "folderId=AAMkADQ5Y2E4LWluYm94&limit=1000&offset=0"
        };
        assert_request(&next_call(&server), "GET", &format!("{base}/{MAILBOX}/items"), Some(query));
        let name = if v8 {
            "list_restore_session_mailbox_items_v8.response.200.constructed.json"
        } else {
            "list_restore_session_mailbox_items.response.200.constructed.json"
        };
        let page = match version {
            ApiVersion::V8 => {
                client
                    .api()
                    .list_restore_session_mailbox_items_v8()
                    .restore_session_id(id)
                    .mailbox_id(mailbox_id)
                    .send()
                    .await
            }
            _ => {
                client
                    .api()
                    .list_restore_session_mailbox_items()
                    .restore_session_id(id)
                    .mailbox_id(mailbox_id)
                    .send()
                    .await
            }
        };
        server.clear();
        let page = page.unwrap().into_inner();
        assert_decoded(name, &page);
        assert_eq!(items, page.results, "{version}");
        assert_eq!(items[0].attachments[0].size_bytes, Some(48_213));

        let item = session.mailbox_item(mailbox_id, "AAMkADQ5Y2E4LWluYm94-0001").await.unwrap();
        let path = format!("{base}/{MAILBOX}/items/AAMkADQ5Y2E4LWluYm94-0001");
        assert_request(&next_call(&server), "GET", &path, None);
        let name = if v8 {
            "get_restore_session_mailbox_item_v8.response.200.constructed.json"
        } else {
            "get_restore_session_mailbox_item.response.200.constructed.json"
        };
        assert_decoded(name, &item);
        assert_eq!(item.subject.as_deref(), Some("Invoice 2024-0417"));
        session.stop().await.unwrap();
    }
}

#[tokio::test]
async fn onedrives_their_folders_and_documents_in_both_versions() {
    const ONEDRIVE: &str = "b!q9Jt3Pa1-alice";
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Veod).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let base = format!("/{version}/RestoreSessions/{id}/Organization/OneDrives");

        let onedrives: Vec<_> = session.onedrives().try_collect().await.unwrap();
        assert_request(&next_call(&server), "GET", &base, Some("limit=1000&offset=0"));
        let name = if v8 {
            "list_restore_session_onedrives_v8.response.200.constructed.json"
        } else {
            "list_restore_session_onedrives.response.200.constructed.json"
        };
        let page = match version {
            ApiVersion::V8 => client.api().list_restore_session_onedrives_v8().restore_session_id(id).send().await,
            _ => client.api().list_restore_session_onedrives().restore_session_id(id).send().await,
        };
        server.clear();
        let page = page.unwrap().into_inner();
        assert_decoded(name, &page);
        assert_eq!(onedrives, page.results, "{version}");

        let onedrive = session.onedrive(ONEDRIVE).await.unwrap();
        assert_request(&next_call(&server), "GET", &format!("{base}/{ONEDRIVE}"), None);
        let name = if v8 {
            "get_restore_session_onedrive_v8.response.200.constructed.json"
        } else {
            "get_restore_session_onedrive.response.200.constructed.json"
        };
        assert_decoded(name, &onedrive);

        let folders: Vec<_> = session.onedrive_folders(ONEDRIVE, Some("root")).try_collect().await.unwrap();
        let query = "limit=1000&offset=0&parentId=root";
        assert_request(&next_call(&server), "GET", &format!("{base}/{ONEDRIVE}/Folders"), Some(query));
        let name = if v8 {
            "list_restore_session_onedrive_folders_v8.response.200.constructed.json"
        } else {
            "list_restore_session_onedrive_folders.response.200.constructed.json"
        };
        let page = match version {
            ApiVersion::V8 => {
                client
                    .api()
                    .list_restore_session_onedrive_folders_v8()
                    .restore_session_id(id)
                    .one_drive_id(ONEDRIVE)
                    .send()
                    .await
            }
            _ => {
                client
                    .api()
                    .list_restore_session_onedrive_folders()
                    .restore_session_id(id)
                    .one_drive_id(ONEDRIVE)
                    .send()
                    .await
            }
        };
        server.clear();
        let page = page.unwrap().into_inner();
        assert_decoded(name, &page);
        assert_eq!(folders, page.results, "{version}");
        assert_eq!(folders[0].is_folder, v8.then_some(true));

        let documents: Vec<_> = session.onedrive_documents(ONEDRIVE, None).try_collect().await.unwrap();
        assert_request(
            &next_call(&server),
            "GET",
            &format!("{base}/{ONEDRIVE}/Documents"),
            Some("limit=1000&offset=0"),
        );
        let name = if v8 {
            "list_restore_session_onedrive_documents_v8.response.200.constructed.json"
        } else {
            "list_restore_session_onedrive_documents.response.200.constructed.json"
        };
        let page = match version {
            ApiVersion::V8 => {
                client
                    .api()
                    .list_restore_session_onedrive_documents_v8()
                    .restore_session_id(id)
                    .one_drive_id(ONEDRIVE)
                    .send()
                    .await
            }
            _ => {
                client
                    .api()
                    .list_restore_session_onedrive_documents()
                    .restore_session_id(id)
                    .one_drive_id(ONEDRIVE)
                    .send()
                    .await
            }
        };
        server.clear();
        let page = page.unwrap().into_inner();
        assert_decoded(name, &page);
        assert_eq!(documents, page.results, "{version}");
        assert_eq!(documents[0].size_bytes, Some(183_442));
        session.stop().await.unwrap();
    }
}

/// A folder restored into another mailbox: the documented request, the
/// restore credentials sent as given, and v6's counts or v8's start read
/// back, in both versions; v8's statistics.
#[tokio::test]
async fn a_mailbox_folder_restored_to_another_mailbox_in_both_versions() {
    use vb365::restore::{RestoreCredentials, RestoreStatus, ToMailbox};
    const MAILBOX: &str = "b7a9a1c2-4f3e-4e6b-9d41-000000000000";
    const FOLDER: &str = "inbox-folder-id";
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Vex).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        // The request of each example, built through the facade.
        let credentials = if v8 {
            let pfx = b"MIIExampleCertificate";
            RestoreCredentials::application(
                "6c3c7a5e-4a1f-4f0e-9a43-2f4f8e0d1b7c".parse().unwrap(),
                pfx,
                "example-certificate-password",
            )
            .impersonating("restore.operator@contoso.onmicrosoft.com")
        } else {
            RestoreCredentials::user("restore.operator@contoso.onmicrosoft.com", "example-password-not-real")
        };
        let mut to = ToMailbox::new("bob.jones@contoso.onmicrosoft.com", &credentials)
            .folder("Restored from Alice")
            .mark_unread(true);
        if v8 {
            to = to.office_region(vb365::types::OfficeRegion::Worldwide);
        }
        let action = session.restore_mailbox_folder_to(MAILBOX.parse().unwrap(), FOLDER, &to).await.unwrap();
        let calls = server.calls();
        server.clear();
        let call = calls.iter().find(|c| c.method == "POST").unwrap();
        let path =
            format!("/{version}/RestoreSessions/{id}/organization/mailboxes/{MAILBOX}/folders/{FOLDER}/restoreTo");
        assert_request(call, "POST", &path, None);
        let name = if v8 {
            "restore_mailbox_folder_to_v8.request.constructed.json"
        } else {
            "restore_mailbox_folder_to.request.constructed.json"
        };
        assert_sent(name, call);
        let answer = match version {
            ApiVersion::V8 => client
                .api()
                .restore_mailbox_folder_to_v8()
                .restore_session_id(id)
                .mailbox_id(MAILBOX)
                .folder_id(FOLDER)
                .body(to.body().clone())
                .send()
                .await
                .map(|r| serde_json::to_value(r.into_inner()).unwrap()),
            _ => client
                .api()
                .restore_mailbox_folder_to()
                .restore_session_id(id)
                .mailbox_id(MAILBOX)
                .folder_id(FOLDER)
                .body(to.body().clone())
                .send()
                .await
                .map(|r| serde_json::to_value(r.into_inner()).unwrap()),
        };
        server.clear();
        let name = if v8 {
            "restore_mailbox_folder_to_v8.response.200.constructed.json"
        } else {
            "restore_mailbox_folder_to.response.200.constructed.json"
        };
        assert_decoded(name, &answer.unwrap());
        if v8 {
            let statistics = session.statistics().await.unwrap();
            assert_request(&next_call(&server), "GET", &format!("/v8/RestoreSessions/{id}/Statistics"), None);
            assert_decoded("get_restore_session_statistics_v8.response.200.constructed.json", &statistics);
            drop(action);
        } else {
            // v6's counts are the outcome: created and merged are restored.
            let outcome = session.wait(action, |_| {}).await.unwrap();
            server.clear();
            assert_eq!((outcome.counts.restored, outcome.counts.skipped), (24, 1));
            assert_eq!(outcome.status, RestoreStatus::Warning, "a warning came with it");
        }
        session.stop().await.unwrap();
    }
}

/// A saved folder is the server's bytes, written as they came, in both versions.
#[tokio::test]
async fn a_onedrive_folder_saved_in_both_versions() {
    const ONEDRIVE: &str = "b!q9Jt3Pa1-alice";
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Veod).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let mut file = Vec::new();
        let saved = session.save_onedrive_folder(ONEDRIVE, "documents-folder-id", &mut file).await.unwrap();
        let path = format!(
            "/{version}/RestoreSessions/{id}/Organization/OneDrives/{ONEDRIVE}/Folders/documents-folder-id/save"
        );
        assert_request(&next_call(&server), "POST", &path, None);
        let name = if version == ApiVersion::V8 {
            "save_onedrive_folder_v8.response.200.constructed.bin"
        } else {
            "save_onedrive_folder.response.200.constructed.bin"
        };
        assert!(file == example_file(name), "{name}: the bytes as sent");
        assert_eq!(saved.bytes, file.len() as u64);
        session.stop().await.unwrap();
    }
}

/// Chosen items restored into another mailbox: the documented request and
/// v6's counts or v8's start read back, in both versions.
#[tokio::test]
async fn mailbox_items_restored_to_another_mailbox_in_both_versions() {
    use vb365::restore::{RestoreCredentials, ToMailbox};
    const MAILBOX: &str = "b7a9a1c2-4f3e-4e6b-9d41-000000000000";
    const ITEMS: [&str; 2] = ["AAMkAGI2TG93AAA=", "AAMkAGI2TG94AAA="];
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Vex).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let credentials = if v8 {
            let app = "6c3c7a5e-4a1f-4f0e-9a43-2f4f8e0d1b7c".parse().unwrap();
            RestoreCredentials::application(app, b"MIIExampleCertificate", "example-certificate-password")
                .impersonating("restore.operator@contoso.onmicrosoft.com")
        } else {
            RestoreCredentials::user("restore.operator@contoso.onmicrosoft.com", "example-password-not-real")
        };
        let mut to = ToMailbox::new("bob.jones@contoso.onmicrosoft.com", &credentials)
            .folder("Restored from Alice")
            .mark_unread(true);
        if v8 {
            to = to.office_region(vb365::types::OfficeRegion::Worldwide);
        }
        let action = session.restore_mailbox_items_to(MAILBOX.parse().unwrap(), &ITEMS, &to).await.unwrap();
        let calls = server.calls();
        server.clear();
        let call = calls.iter().find(|c| c.method == "POST").unwrap();
        let path = format!("/{version}/RestoreSessions/{id}/organization/mailboxes/{MAILBOX}/items/restoreTo");
        assert_request(call, "POST", &path, None);
        let name = if v8 {
            "restore_mailbox_items_to_v8.request.constructed.json"
        } else {
            "restore_mailbox_items_to.request.constructed.json"
        };
        assert_sent(name, call);
        let mut body = to.body().clone();
        body.items = call.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| serde_json::from_value(i.clone()).unwrap())
            .collect();
        let answer = match version {
            ApiVersion::V8 => client
                .api()
                .restore_mailbox_items_to_v8()
                .restore_session_id(id)
                .mailbox_id(MAILBOX)
                .body(body)
                .send()
                .await
                .map(|r| serde_json::to_value(r.into_inner()).unwrap()),
            _ => client
                .api()
                .restore_mailbox_items_to()
                .restore_session_id(id)
                .mailbox_id(MAILBOX)
                .body(body)
                .send()
                .await
                .map(|r| serde_json::to_value(r.into_inner()).unwrap()),
        };
        server.clear();
        let name = if v8 {
            "restore_mailbox_items_to_v8.response.200.constructed.json"
        } else {
            "restore_mailbox_items_to.response.200.constructed.json"
        };
        assert_decoded(name, &answer.unwrap());
        if !v8 {
            let outcome = session.wait(action, |_| {}).await.unwrap();
            server.clear();
            assert_eq!((outcome.counts.restored, outcome.counts.skipped), (1, 1));
        }
        session.stop().await.unwrap();
    }
}

/// A folder restored where it was saved from: only who restores is sent,
/// in both versions.
#[tokio::test]
async fn a_mailbox_folder_restored_where_it_was_in_both_versions() {
    use vb365::restore::RestoreCredentials;
    const MAILBOX: &str = "b7a9a1c2-4f3e-4e6b-9d41-000000000000";
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Vex).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let credentials = if v8 {
            let app = "6c3c7a5e-4a1f-4f0e-9a43-2f4f8e0d1b7c".parse().unwrap();
            RestoreCredentials::application(app, b"MIIExampleCertificate", "example-certificate-password")
                .impersonating("restore.operator@contoso.onmicrosoft.com")
        } else {
            RestoreCredentials::user("restore.operator@contoso.onmicrosoft.com", "example-password-not-real")
        };
        let action = session.restore_mailbox_folder(MAILBOX.parse().unwrap(), "inbox", &credentials).await.unwrap();
        let calls = server.calls();
        server.clear();
        let call = calls.iter().find(|c| c.method == "POST").unwrap();
        let path = format!("/{version}/RestoreSessions/{id}/organization/mailboxes/{MAILBOX}/folders/inbox/restore");
        assert_request(call, "POST", &path, None);
        let name = if v8 {
            "restore_mailbox_folder_v8.request.constructed.json"
        } else {
            "restore_mailbox_folder.request.constructed.json"
        };
        assert_sent(name, call);
        let body: vb365::types::RestoreToOriginalMailbox = serde_json::from_value(call.json()).unwrap();
        let answer = match version {
            ApiVersion::V8 => client
                .api()
                .restore_mailbox_folder_v8()
                .restore_session_id(id)
                .mailbox_id(MAILBOX)
                .folder_id("inbox")
                .body(body)
                .send()
                .await
                .map(|r| serde_json::to_value(r.into_inner()).unwrap()),
            _ => client
                .api()
                .restore_mailbox_folder()
                .restore_session_id(id)
                .mailbox_id(MAILBOX)
                .folder_id("inbox")
                .body(body)
                .send()
                .await
                .map(|r| serde_json::to_value(r.into_inner()).unwrap()),
        };
        server.clear();
        let name = if v8 {
            "restore_mailbox_folder_v8.response.200.constructed.json"
        } else {
            "restore_mailbox_folder.response.200.constructed.json"
        };
        assert_decoded(name, &answer.unwrap());
        if !v8 {
            let outcome = session.wait(action, |_| {}).await.unwrap();
            server.clear();
            assert_eq!(outcome.counts.restored, 25, "created and merged");
        }
        session.stop().await.unwrap();
    }
}

/// A OneDrive folder copied into another OneDrive: the documented request
/// and v6's counts or v8's start read back, in both versions.
#[tokio::test]
async fn a_onedrive_folder_copied_to_another_onedrive_in_both_versions() {
    use vb365::restore::{RestoreCredentials, RestoreStatus, ToOneDrive};
    use vb365::types::{OneDriveDocumentVersion, OneDriveLastVersionAction, RestoreOneDrive};
    const ONEDRIVE: &str = "b!q9Jt3Pa1-alice";
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Veod).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let bob = RestoreOneDrive {
            id: Some(String::from("b!onedrive-0001")),
            name: Some(String::from("Bob Brown")),
            url: Some(String::from("https://contoso-my.sharepoint.com/personal/bob_contoso_com")),
            links: None,
        };
        let to = if v8 {
            let app = "6c3c7a5e-4a1f-4f0e-9a43-2f4f8e0d1b7c".parse().unwrap();
            let credentials =
                RestoreCredentials::application(app, b"MIIExampleCertificate", "example-certificate-password");
            ToOneDrive::new(bob, &credentials)
                .folder("Restored from Alice")
                .office_region(vb365::types::OfficeRegion::Worldwide)
        } else {
            let credentials =
                RestoreCredentials::user("restore.operator@contoso.onmicrosoft.com", "example-password-not-real");
            ToOneDrive::new(bob, &credentials)
                .folder("Restored from Alice")
                .restore_permissions(false)
                .versions(OneDriveDocumentVersion::Last)
                .last_version_action(OneDriveLastVersionAction::Merge)
        };
        let action = session.copy_onedrive_folder_to(ONEDRIVE, "documents-folder-id", &to).await.unwrap();
        let calls = server.calls();
        server.clear();
        let call = calls.iter().find(|c| c.method == "POST").unwrap();
        let path = format!(
            "/{version}/RestoreSessions/{id}/Organization/OneDrives/{ONEDRIVE}/Folders/documents-folder-id/copyTo"
        );
        assert_request(call, "POST", &path, None);
        let name = if v8 {
            "copy_onedrive_folder_to_v8.request.constructed.json"
        } else {
            "copy_onedrive_folder_to.request.constructed.json"
        };
        assert_sent(name, call);
        let answer = match version {
            ApiVersion::V8 => client
                .api()
                .copy_onedrive_folder_to_v8()
                .restore_session_id(id)
                .one_drive_id(ONEDRIVE)
                .folder_id("documents-folder-id")
                .body(to.body().clone())
                .send()
                .await
                .map(|r| serde_json::to_value(r.into_inner()).unwrap()),
            _ => client
                .api()
                .copy_onedrive_folder_to()
                .restore_session_id(id)
                .one_drive_id(ONEDRIVE)
                .folder_id("documents-folder-id")
                .body(to.body().clone())
                .send()
                .await
                .map(|r| serde_json::to_value(r.into_inner()).unwrap()),
        };
        server.clear();
        let name = if v8 {
            "copy_onedrive_folder_to_v8.response.200.constructed.json"
        } else {
            "copy_onedrive_folder_to.response.200.constructed.json"
        };
        assert_decoded(name, &answer.unwrap());
        if !v8 {
            let outcome = session.wait(action, |_| {}).await.unwrap();
            server.clear();
            assert_eq!((outcome.counts.restored, outcome.counts.skipped), (14, 1));
            assert_eq!(outcome.status, RestoreStatus::Warning);
            assert!(outcome.warnings[0].contains("Documents/Notes.txt"), "{:?}", outcome.warnings);
        }
        session.stop().await.unwrap();
    }
}

/// Items mailed to another address: the documented request, and the empty
/// answer (200 in v6, 204 in v8) read as done.
#[tokio::test]
async fn mailbox_items_sent_to_an_address_and_back_in_both_versions() {
    use vb365::restore::SendItems;
    const MAILBOX: &str = "b7a9a1c2-4f3e-4e6b-9d41-000000000000";
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Vex).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let (items, message): (&[&str], _) = if v8 {
            let message = SendItems::to("auditor@fabrikam.com").subject("Restored mail");
            (&["AAMkAGI2TG93AAA=", "AAMkAGI2TG94AAA="], message.text("Two messages from the backup, as requested."))
        } else {
            let message = SendItems::to("alice.smith@contoso.onmicrosoft.com").subject("The invoice you asked for");
            (&["AAMkAGI2TG93AAA="], message.text("Attached is the invoice from the backup of 1 April."))
        };
        let message = message.from("backup-admin@contoso.onmicrosoft.com");
        session.send_mailbox_items(MAILBOX.parse().unwrap(), items, &message).await.unwrap();
        let call = next_call(&server);
        let path =
            format!("/{version}/RestoreSessions/{id}/organization/mailboxes/{MAILBOX}/items/sendToDifferentAddress");
        assert_request(&call, "POST", &path, None);
        assert_sent(versioned_example("send_mailbox_items", v8, "request.constructed.json"), &call);
        let status = if v8 { "response.204.constructed.empty" } else { "response.200.constructed.empty" };
        let answer = raw_answer!(client, version, send_mailbox_items / send_mailbox_items_v8, |op| op
            .restore_session_id(id)
            .mailbox_id(MAILBOX.parse::<uuid::Uuid>().unwrap())
            .body(message.body().clone()));
        assert_decoded(versioned_example("send_mailbox_items", v8, status), &answer.unwrap());
        server.clear();

        // Back to the mailbox they came from: the items alone.
        let back: &[&str] = if v8 { &["AAMkAGI2TG93AAA="] } else { &["AAMkAGI2TG93AAA=", "AAMkAGI2TG94AAA="] };
        session.send_mailbox_items_to_original(MAILBOX.parse().unwrap(), back).await.unwrap();
        let call = next_call(&server);
        let path =
            format!("/{version}/RestoreSessions/{id}/organization/mailboxes/{MAILBOX}/items/sendToDefaultAddress");
        assert_request(&call, "POST", &path, None);
        assert_sent(versioned_example("send_mailbox_items_to_original", v8, "request.constructed.json"), &call);
        let body: vb365::types::SendMailboxItemsToOriginal = serde_json::from_value(call.json()).unwrap();
        let answer =
            raw_answer!(client, version, send_mailbox_items_to_original / send_mailbox_items_to_original_v8, |op| op
                .restore_session_id(id)
                .mailbox_id(MAILBOX.parse::<uuid::Uuid>().unwrap())
                .body(body));
        assert_decoded(versioned_example("send_mailbox_items_to_original", v8, status), &answer.unwrap());
        server.clear();
        session.stop().await.unwrap();
    }
}

/// Items saved as one file: the documented request, and the recorded
/// bytes written as sent.
#[tokio::test]
async fn mailbox_items_saved_in_both_versions() {
    const MAILBOX: &str = "b7a9a1c2-4f3e-4e6b-9d41-000000000000";
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Vex).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let mut file = Vec::new();
        let items = ["AAMkAGI2TG93AAA=", "AAMkAGI2TG94AAA="];
        let saved = session.save_mailbox_items(MAILBOX.parse().unwrap(), &items, &mut file).await.unwrap();
        let call = next_call(&server);
        let path = format!("/{version}/RestoreSessions/{id}/organization/mailboxes/{MAILBOX}/items/Save");
        assert_request(&call, "POST", &path, None);
        assert_sent(versioned_example("save_mailbox_items", v8, "request.constructed.json"), &call);
        let name = versioned_example("save_mailbox_items", v8, "response.200.constructed.bin");
        assert!(file == example_file(name), "{name}: the bytes as sent");
        assert_eq!(saved.bytes, file.len() as u64);
        session.stop().await.unwrap();
    }
}

/// A folder's versions: the documented route, every page read as the
/// recorded answer decodes.
#[tokio::test]
async fn onedrive_folder_versions_in_both_versions() {
    const ONEDRIVE: &str = "b!q9Jt3Pa1-alice";
    const FOLDER: &str = "01ABCDEF-documents";
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Veod).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let versions: Vec<_> = session.onedrive_folder_versions(ONEDRIVE, FOLDER).try_collect().await.unwrap();
        let path =
            format!("/{version}/RestoreSessions/{id}/Organization/OneDrives/{ONEDRIVE}/Folders/{FOLDER}/Versions");
        assert_request(&next_call(&server), "GET", &path, Some("limit=1000&offset=0"));
        let page =
            raw_answer!(client, version, list_onedrive_folder_versions / list_onedrive_folder_versions_v8, |op| op
                .restore_session_id(id)
                .one_drive_id(ONEDRIVE)
                .folder_id(FOLDER));
        let page = page.unwrap();
        assert_decoded(versioned_example("list_onedrive_folder_versions", v8, "response.200.constructed.json"), &page);
        assert_eq!(serde_json::to_value(&versions).unwrap(), page["results"], "{version}");
        assert_eq!(versions.iter().map(|v| v.version_id).collect::<Vec<_>>(), [Some(512), Some(1024)]);
        session.stop().await.unwrap();
    }
}

/// One item saved as its file: the documented route, no body, and the
/// recorded bytes written as sent.
#[tokio::test]
async fn one_mailbox_item_saved_in_both_versions() {
    const MAILBOX: &str = "b7a9a1c2-4f3e-4e6b-9d41-000000000000";
    const ITEM: &str = "AAMkAGI2TG93AAA=";
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Vex).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let mut file = Vec::new();
        let saved = session.save_mailbox_item(MAILBOX.parse().unwrap(), ITEM, &mut file).await.unwrap();
        let call = next_call(&server);
        let path = format!("/{version}/RestoreSessions/{id}/organization/mailboxes/{MAILBOX}/items/{ITEM}/save");
        assert_request(&call, "POST", &path, None);
        assert!(call.body.is_empty(), "{version}: no body");
        let name = versioned_example("save_mailbox_item", v8, "response.200.constructed.bin");
        assert!(file == example_file(name), "{name}: the bytes as sent");
        assert_eq!(saved.bytes, file.len() as u64);
        session.stop().await.unwrap();
    }
}

/// A OneDrive folder restored where it was: the documented request (what
/// to do with documents that are there, the account or application), and
/// v6's counts or v8's start read back.
#[tokio::test]
async fn a_onedrive_folder_restored_where_it_was_in_both_versions() {
    use vb365::restore::{RestoreCredentials, RestoreStatus};
    use vb365::types::OneDriveDocumentAction;
    const ONEDRIVE: &str = "b!q9Jt3Pa1-alice";
    const FOLDER: &str = "documents-folder-id";
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Veod).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let (credentials, existing) = if v8 {
            let app = "7c1f3e2a-9b4d-4e8f-a6c5-1d2e3f4a5b6c".parse().unwrap();
            let certificate = b"example-certificate-not-real";
            let app = RestoreCredentials::application(app, certificate, "example-password-not-real");
            (app, OneDriveDocumentAction::Overwrite)
        } else {
            let user =
                RestoreCredentials::user("restore.operator@contoso.onmicrosoft.com", "example-password-not-real");
            (user, OneDriveDocumentAction::Keep)
        };
        let action = session.restore_onedrive_folder(ONEDRIVE, FOLDER, &credentials, existing).await.unwrap();
        let calls = server.calls();
        server.clear();
        let call = calls.iter().find(|c| c.method == "POST").unwrap();
        let path =
            format!("/{version}/RestoreSessions/{id}/Organization/OneDrives/{ONEDRIVE}/Folders/{FOLDER}/restore");
        assert_request(call, "POST", &path, None);
        assert_sent(versioned_example("restore_onedrive_folder", v8, "request.constructed.json"), call);
        let answer = raw_answer!(client, version, restore_onedrive_folder / restore_onedrive_folder_v8, |op| op
            .restore_session_id(id)
            .one_drive_id(ONEDRIVE)
            .folder_id(FOLDER)
            .body(serde_json::from_value::<vb365::types::RestoreToOriginalOneDrive>(call.json()).unwrap()));
        server.clear();
        assert_decoded(
            versioned_example("restore_onedrive_folder", v8, "response.200.constructed.json"),
            &answer.unwrap(),
        );
        if !v8 {
            let outcome = session.wait(action, |_| {}).await.unwrap();
            server.clear();
            assert_eq!((outcome.counts.restored, outcome.counts.skipped), (13, 2));
            assert_eq!(outcome.status, RestoreStatus::Warning);
            assert!(outcome.warnings[0].contains("Documents/Budget 2026.xlsx"), "{:?}", outcome.warnings);
        }
        session.stop().await.unwrap();
    }
}

/// A search of a mailbox and of one of its folders: the documented query
/// in the body, paged like a listing, and the recorded page decoded to the
/// items the stream yields.
#[tokio::test]
async fn a_mailbox_and_a_folder_searched_in_both_versions() {
    const MAILBOX: &str = "b7a9a1c2-4f3e-4e6b-9d41-2c8f0a1e7d01";
    const FOLDER: &str = "AAMkADQ5Y2E4LWluYm94";
    let mailbox: uuid::Uuid = MAILBOX.parse().unwrap();
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Vex).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let base = format!("/{version}/RestoreSessions/{id}/organization/mailboxes/{MAILBOX}");
        for (stem, folder, query) in [
            ("search_mailbox", None, "subject:invoice"),
            ("search_mailbox_folder", Some(FOLDER), "from:billing@fabrikam.com"),
        ] {
            let found: Vec<_> = session.search_mailbox(mailbox, folder, query).try_collect().await.unwrap();
            let call = next_call(&server);
            let path = match folder {
                Some(folder) => format!("{base}/folders/{folder}/search"),
                None => format!("{base}/search"),
            };
            assert_request(&call, "POST", &path, Some("limit=1000&offset=0"));
            assert_sent(versioned_example(stem, v8, "request.constructed.json"), &call);
            let body = vb365::types::SearchOptions { query: Some(query.to_owned()) };
            let page = match folder {
                None => raw_answer!(client, version, search_mailbox / search_mailbox_v8, |op| op
                    .restore_session_id(id)
                    .mailbox_id(mailbox)
                    .body(body.clone())),
                Some(folder) => raw_answer!(client, version, search_mailbox_folder / search_mailbox_folder_v8, |op| op
                    .restore_session_id(id)
                    .mailbox_id(mailbox)
                    .folder_id(folder)
                    .body(body.clone())),
            };
            server.clear();
            let page = page.unwrap();
            assert_decoded(versioned_example(stem, v8, "response.200.constructed.json"), &page);
            assert_eq!(serde_json::to_value(&found).unwrap(), page["results"], "{version} {stem}");
            assert_eq!(found[0].subject.as_deref(), Some("Invoice 2024-0417"));
        }
        session.stop().await.unwrap();
    }
}

/// A document's versions, and the document saved as last backed up and as
/// one version: the documented requests, the recorded page decoded to the
/// versions the stream yields, and the recorded bytes written as sent.
#[tokio::test]
async fn a_onedrive_document_s_versions_listed_and_saved_in_both_versions() {
    const ONEDRIVE: &str = "b!q9Jt3Pa1-alice";
    const DOCUMENT: &str = "01ABCDEF-budget";
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Veod).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let base = format!("/{version}/RestoreSessions/{id}/Organization/OneDrives/{ONEDRIVE}/Documents/{DOCUMENT}");

        let versions: Vec<_> = session.onedrive_document_versions(ONEDRIVE, DOCUMENT).try_collect().await.unwrap();
        assert_request(&next_call(&server), "GET", &format!("{base}/Versions"), Some("limit=1000&offset=0"));
        let page =
            raw_answer!(client, version, list_onedrive_document_versions / list_onedrive_document_versions_v8, |op| op
                .restore_session_id(id)
                .one_drive_id(ONEDRIVE)
                .document_id(DOCUMENT));
        server.clear();
        let page = page.unwrap();
        assert_decoded(
            versioned_example("list_onedrive_document_versions", v8, "response.200.constructed.json"),
            &page,
        );
        assert_eq!(serde_json::to_value(&versions).unwrap(), page["results"], "{version}");
        assert_eq!(versions.iter().map(|v| v.version_id).collect::<Vec<_>>(), [Some(512), Some(1024), Some(1536)]);

        let mut file = Vec::new();
        let saved = session.save_onedrive_document(ONEDRIVE, DOCUMENT, None, v8, &mut file).await.unwrap();
        let call = next_call(&server);
        assert_request(&call, "POST", &format!("{base}/save"), None);
        assert_sent(versioned_example("save_onedrive_document", v8, "request.constructed.json"), &call);
        let name = versioned_example("save_onedrive_document", v8, "response.200.constructed.bin");
        assert!(file == example_file(name), "{name}: the bytes as sent");
        assert_eq!(saved.bytes, file.len() as u64);

        let mut file = Vec::new();
        session.save_onedrive_document(ONEDRIVE, DOCUMENT, Some(1024), false, &mut file).await.unwrap();
        let call = next_call(&server);
        assert_request(&call, "POST", &format!("{base}/Versions/1024/save"), None);
        assert_sent(versioned_example("save_onedrive_document_version", v8, "request.constructed.json"), &call);
        let name = versioned_example("save_onedrive_document_version", v8, "response.200.constructed.bin");
        assert!(file == example_file(name), "{name}: the bytes as sent");
        session.stop().await.unwrap();
    }
}

/// A mailbox folder and chosen items exported as PST files: the documented
/// requests (a keyword, a size bound), and the recorded bytes written as
/// sent.
#[tokio::test]
async fn a_folder_and_chosen_items_exported_to_pst_in_both_versions() {
    use vb365::restore::ToPst;
    const MAILBOX: &str = "b7a9a1c2-4f3e-4e6b-9d41-000000000000";
    const FOLDER: &str = "AAMkADQ5Y2E4LWluYm94";
    let mailbox: uuid::Uuid = MAILBOX.parse().unwrap();
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Vex).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let base = format!("/{version}/RestoreSessions/{id}/organization/mailboxes/{MAILBOX}");

        let (folder_how, items_how, items): (_, _, &[&str]) = if v8 {
            (ToPst::new().size_limit(5 << 30), ToPst::new().size_limit(2 << 30), &["AAMkAGI2TG93AAA="])
        } else {
            (ToPst::new().keyword("invoice"), ToPst::new(), &["AAMkAGI2TG93AAA=", "AAMkAGI2TG94AAA="])
        };
        let mut file = Vec::new();
        let saved = session.export_mailbox_folder_to_pst(mailbox, FOLDER, &folder_how, &mut file).await.unwrap();
        let call = next_call(&server);
        assert_request(&call, "POST", &format!("{base}/folders/{FOLDER}/exportToPst"), None);
        assert_sent(versioned_example("export_mailbox_folder_to_pst", v8, "request.constructed.json"), &call);
        let name = versioned_example("export_mailbox_folder_to_pst", v8, "response.200.constructed.bin");
        assert!(file == example_file(name), "{name}: the bytes as sent");
        assert_eq!(saved.bytes, file.len() as u64);

        let mut file = Vec::new();
        session.export_mailbox_items_to_pst(mailbox, items, &items_how, &mut file).await.unwrap();
        let call = next_call(&server);
        assert_request(&call, "POST", &format!("{base}/items/exportToPst"), None);
        assert_sent(versioned_example("export_mailbox_items_to_pst", v8, "request.constructed.json"), &call);
        let name = versioned_example("export_mailbox_items_to_pst", v8, "response.200.constructed.bin");
        assert!(file == example_file(name), "{name}: the bytes as sent");
        session.stop().await.unwrap();
    }
}

/// A whole OneDrive saved, copied into another and restored where it was:
/// the documented requests (as the folder's, on the OneDrive's own
/// routes), the recorded bytes, and v6's counts or v8's start read back.
#[tokio::test]
async fn a_whole_onedrive_saved_copied_and_restored_in_both_versions() {
    use vb365::restore::{RestoreCredentials, RestoreStatus, ToOneDrive};
    use vb365::types::{OneDriveDocumentAction, OneDriveDocumentVersion, OneDriveLastVersionAction, RestoreOneDrive};
    const ONEDRIVE: &str = "b!q9Jt3Pa1-alice";
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Veod).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let base = format!("/{version}/RestoreSessions/{id}/Organization/OneDrives/{ONEDRIVE}");

        let mut file = Vec::new();
        session.save_onedrive(ONEDRIVE, &mut file).await.unwrap();
        assert_request(&next_call(&server), "POST", &format!("{base}/save"), None);
        let name = versioned_example("save_onedrive", v8, "response.200.constructed.bin");
        assert!(file == example_file(name), "{name}: the bytes as sent");

        let bob = RestoreOneDrive {
            id: Some(String::from("b!onedrive-0001")),
            name: Some(String::from("Bob Brown")),
            url: Some(String::from("https://contoso-my.sharepoint.com/personal/bob_contoso_com")),
            links: None,
        };
        let (credentials, existing) = if v8 {
            let app = "6c3c7a5e-4a1f-4f0e-9a43-2f4f8e0d1b7c".parse().unwrap();
            let app = RestoreCredentials::application(app, b"MIIExampleCertificate", "example-certificate-password");
            (app, OneDriveDocumentAction::Keep)
        } else {
            let user =
                RestoreCredentials::user("restore.operator@contoso.onmicrosoft.com", "example-password-not-real");
            (user, OneDriveDocumentAction::Overwrite)
        };
        let to = ToOneDrive::new(bob, &credentials).folder("Alice Wong (restored OneDrive)");
        let to = if v8 {
            to.office_region(vb365::types::OfficeRegion::Worldwide)
        } else {
            to.restore_permissions(false)
                .versions(OneDriveDocumentVersion::All)
                .last_version_action(OneDriveLastVersionAction::Merge)
        };
        let copy = session.copy_onedrive_to(ONEDRIVE, &to).await.unwrap();
        let calls = server.calls();
        server.clear();
        let call = calls.iter().find(|c| c.method == "POST").unwrap();
        assert_request(call, "POST", &format!("{base}/copyTo"), None);
        assert_sent(versioned_example("copy_onedrive_to", v8, "request.constructed.json"), call);
        let answer = raw_answer!(client, version, copy_onedrive_to / copy_onedrive_to_v8, |op| op
            .restore_session_id(id)
            .one_drive_id(ONEDRIVE)
            .body(to.body().clone()));
        server.clear();
        assert_decoded(versioned_example("copy_onedrive_to", v8, "response.200.constructed.json"), &answer.unwrap());

        let restore = session.restore_onedrive(ONEDRIVE, &credentials, existing).await.unwrap();
        let calls = server.calls();
        server.clear();
        let call = calls.iter().find(|c| c.method == "POST").unwrap();
        assert_request(call, "POST", &format!("{base}/restore"), None);
        assert_sent(versioned_example("restore_onedrive", v8, "request.constructed.json"), call);
        let answer = raw_answer!(client, version, restore_onedrive / restore_onedrive_v8, |op| op
            .restore_session_id(id)
            .one_drive_id(ONEDRIVE)
            .body(serde_json::from_value::<vb365::types::RestoreToOriginalOneDrive>(call.json()).unwrap()));
        server.clear();
        assert_decoded(versioned_example("restore_onedrive", v8, "response.200.constructed.json"), &answer.unwrap());
        if !v8 {
            let copied = session.wait(copy, |_| {}).await.unwrap();
            assert_eq!((copied.counts.restored, copied.counts.failed, copied.status), (18, 1, RestoreStatus::Warning));
            assert!(copied.errors[0].contains("locked for editing"), "{:?}", copied.errors);
            let restored = session.wait(restore, |_| {}).await.unwrap();
            assert_eq!((restored.counts.restored, restored.status), (19, RestoreStatus::Success));
            server.clear();
        }
        session.stop().await.unwrap();
    }
}

/// A search of a OneDrive and of one of its folders: the documented query
/// in the body, paged like a listing, and the recorded page (the server's
/// composed item type) decoded to the documents the stream yields.
#[tokio::test]
async fn a_onedrive_and_a_folder_searched_in_both_versions() {
    const ONEDRIVE: &str = "b!q9Jt3Pa1-alice";
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Veod).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let base = format!("/{version}/RestoreSessions/{id}/Organization/OneDrives/{ONEDRIVE}");
        for (stem, folder, query) in
            [("search_onedrive", None, "budget"), ("search_onedrive_folder", Some("documents-folder-id"), "plan")]
        {
            let found: Vec<_> = session.search_onedrive(ONEDRIVE, folder, query).try_collect().await.unwrap();
            let call = next_call(&server);
            let path = match folder {
                Some(folder) => format!("{base}/Folders/{folder}/search"),
                None => format!("{base}/search"),
            };
            assert_request(&call, "POST", &path, Some("limit=1000&offset=0"));
            assert_sent(versioned_example(stem, v8, "request.constructed.json"), &call);
            let body = vb365::types::SearchOptions { query: Some(query.to_owned()) };
            let page = match folder {
                None => raw_answer!(client, version, search_onedrive / search_onedrive_v8, |op| op
                    .restore_session_id(id)
                    .one_drive_id(ONEDRIVE)
                    .body(body.clone())),
                Some(folder) => {
                    raw_answer!(client, version, search_onedrive_folder / search_onedrive_folder_v8, |op| op
                        .restore_session_id(id)
                        .one_drive_id(ONEDRIVE)
                        .folder_id(folder)
                        .body(body.clone()))
                }
            };
            server.clear();
            let page = page.unwrap();
            assert_decoded(versioned_example(stem, v8, "response.200.constructed.json"), &page);
            assert_eq!(serde_json::to_value(&found).unwrap(), page["results"], "{version} {stem}");
            assert!(found[0].name.as_deref().unwrap().to_lowercase().contains(query), "{found:?}");
        }
        session.stop().await.unwrap();
    }
}

/// A whole mailbox restored where it was and into another mailbox, chosen
/// items restored where they were, and a whole mailbox exported to PST:
/// the documented requests, the recorded bytes, and v6's counts or v8's
/// start read back, in both versions.
#[tokio::test]
async fn a_whole_mailbox_and_chosen_items_restored_and_exported_in_both_versions() {
    use vb365::restore::{RestoreCredentials, RestoreStatus, ToMailbox, ToPst};
    use vb365::types::RestoreToOriginalMailbox;
    const MAILBOX: &str = "b7a9a1c2-4f3e-4e6b-9d41-000000000000";
    let mailbox: uuid::Uuid = MAILBOX.parse().unwrap();
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Vex).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let base = format!("/{version}/RestoreSessions/{id}/organization/mailboxes/{MAILBOX}");
        let credentials = if v8 {
            let app = "6c3c7a5e-4a1f-4f0e-9a43-2f4f8e0d1b7c".parse().unwrap();
            RestoreCredentials::application(app, b"MIIExampleCertificate", "example-certificate-password")
                .impersonating("restore.operator@contoso.onmicrosoft.com")
        } else {
            RestoreCredentials::user("restore.operator@contoso.onmicrosoft.com", "example-password-not-real")
        };

        let whole = session.restore_mailbox(mailbox, &credentials).await.unwrap();
        let calls = server.calls();
        server.clear();
        let call = calls.iter().find(|c| c.method == "POST").unwrap();
        assert_request(call, "POST", &format!("{base}/restore"), None);
        assert_sent(versioned_example("restore_mailbox", v8, "request.constructed.json"), call);
        let answer = raw_answer!(client, version, restore_mailbox / restore_mailbox_v8, |op| op
            .restore_session_id(id)
            .mailbox_id(MAILBOX)
            .body(serde_json::from_value::<RestoreToOriginalMailbox>(call.json()).unwrap()));
        server.clear();
        assert_decoded(versioned_example("restore_mailbox", v8, "response.200.constructed.json"), &answer.unwrap());

        let to = ToMailbox::new("bob.jones@contoso.onmicrosoft.com", &credentials);
        let to = if v8 { to.exclude_drafts(true) } else { to.folder("Alice (restored)") };
        let copy = session.restore_mailbox_to(mailbox, &to).await.unwrap();
        let calls = server.calls();
        server.clear();
        let call = calls.iter().find(|c| c.method == "POST").unwrap();
        assert_request(call, "POST", &format!("{base}/restoreTo"), None);
        assert_sent(versioned_example("restore_mailbox_to", v8, "request.constructed.json"), call);
        let answer = raw_answer!(client, version, restore_mailbox_to / restore_mailbox_to_v8, |op| op
            .restore_session_id(id)
            .mailbox_id(MAILBOX)
            .body(to.body().clone()));
        server.clear();
        assert_decoded(versioned_example("restore_mailbox_to", v8, "response.200.constructed.json"), &answer.unwrap());

        let items: &[&str] = if v8 { &["AAMkAGI2TG93AAA="] } else { &["AAMkAGI2TG93AAA=", "AAMkAGI2TG94AAA="] };
        let chosen = session.restore_mailbox_items(mailbox, items, &credentials).await.unwrap();
        let calls = server.calls();
        server.clear();
        let call = calls.iter().find(|c| c.method == "POST").unwrap();
        assert_request(call, "POST", &format!("{base}/items/restore"), None);
        assert_sent(versioned_example("restore_mailbox_items", v8, "request.constructed.json"), call);
        let answer = raw_answer!(client, version, restore_mailbox_items / restore_mailbox_items_v8, |op| op
            .restore_session_id(id)
            .mailbox_id(MAILBOX)
            .body(serde_json::from_value::<RestoreToOriginalMailbox>(call.json()).unwrap()));
        server.clear();
        assert_decoded(
            versioned_example("restore_mailbox_items", v8, "response.200.constructed.json"),
            &answer.unwrap(),
        );

        let how = if v8 { ToPst::new().keyword("contract").size_limit(10 << 30) } else { ToPst::new() };
        let mut file = Vec::new();
        let saved = session.export_mailbox_to_pst(mailbox, &how, &mut file).await.unwrap();
        let call = next_call(&server);
        assert_request(&call, "POST", &format!("{base}/exportToPst"), None);
        assert_sent(versioned_example("export_mailbox_to_pst", v8, "request.constructed.json"), &call);
        let name = versioned_example("export_mailbox_to_pst", v8, "response.200.constructed.bin");
        assert!(file == example_file(name), "{name}: the bytes as sent");
        assert_eq!(saved.bytes, file.len() as u64);

        if !v8 {
            let restored = session.wait(whole, |_| {}).await.unwrap();
            assert_eq!((restored.counts.restored, restored.counts.skipped), (322, 2), "created and merged");
            assert_eq!(restored.status, RestoreStatus::Warning);
            let copied = session.wait(copy, |_| {}).await.unwrap();
            assert_eq!((copied.counts.restored, copied.counts.failed), (324, 1));
            assert!(copied.errors[0].contains("size limit"), "{:?}", copied.errors);
            let chosen = session.wait(chosen, |_| {}).await.unwrap();
            assert_eq!((chosen.counts.restored, chosen.status), (2, RestoreStatus::Success));
            server.clear();
        }
        session.stop().await.unwrap();
    }
}

/// Chosen documents, and one version of a document, restored where they
/// were and copied into another OneDrive: the documented requests (each
/// document by its ID alone, no folder-only flags) and v6's counts or v8's
/// start read back, in both versions.
#[tokio::test]
async fn onedrive_documents_and_a_version_restored_and_copied_in_both_versions() {
    use vb365::restore::{RestoreCredentials, RestoreStatus, ToOneDrive};
    use vb365::types::{CopyToOneDrive, RestoreToOriginalOneDrive as Original};
    use vb365::types::{OneDriveDocumentAction, OneDriveDocumentVersion, OneDriveLastVersionAction, RestoreOneDrive};
    const ONEDRIVE: &str = "b!q9Jt3Pa1-alice";
    const BUDGET: &str = "01ABCDEF-budget";
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Veod).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let base = format!("/{version}/RestoreSessions/{id}/Organization/OneDrives/{ONEDRIVE}");
        let (credentials, existing) = if v8 {
            let app = "6c3c7a5e-4a1f-4f0e-9a43-2f4f8e0d1b7c".parse().unwrap();
            let app = RestoreCredentials::application(app, b"MIIExampleCertificate", "example-certificate-password");
            (app, OneDriveDocumentAction::Overwrite)
        } else {
            let user =
                RestoreCredentials::user("restore.operator@contoso.onmicrosoft.com", "example-password-not-real");
            (user, OneDriveDocumentAction::Keep)
        };
        let bob = RestoreOneDrive {
            id: Some(String::from("b!onedrive-0001")),
            name: Some(String::from("Bob Brown")),
            url: Some(String::from("https://contoso-my.sharepoint.com/personal/bob_contoso_com")),
            links: None,
        };
        // Permissions are a folder's: set, and not sent with documents.
        let to = ToOneDrive::new(bob, &credentials).restore_permissions(true);

        let documents: &[&str] = if v8 { &[BUDGET] } else { &[BUDGET, "01ABCDEF-plan"] };
        let restored =
            session.restore_onedrive_documents(ONEDRIVE, documents, &credentials, existing.clone()).await.unwrap();
        let call = post_of(&server);
        assert_request(&call, "POST", &format!("{base}/Documents/restore"), None);
        assert_sent(versioned_example("restore_onedrive_documents", v8, "request.constructed.json"), &call);
        let answer = raw_answer!(client, version, restore_onedrive_documents / restore_onedrive_documents_v8, |op| op
            .restore_session_id(id)
            .one_drive_id(ONEDRIVE)
            .body(serde_json::from_value::<Original>(call.json()).unwrap()));
        server.clear();
        let name = versioned_example("restore_onedrive_documents", v8, "response.200.constructed.json");
        assert_decoded(name, &answer.unwrap());

        let (to_documents, chosen): (_, &[&str]) = if v8 {
            (to.clone().office_region(vb365::types::OfficeRegion::Worldwide), &["01ABCDEF-plan"])
        } else {
            (to.clone().folder("From Alice").versions(OneDriveDocumentVersion::Last), &[BUDGET, "01ABCDEF-plan"])
        };
        let copied = session.copy_onedrive_documents_to(ONEDRIVE, chosen, &to_documents).await.unwrap();
        let call = post_of(&server);
        assert_request(&call, "POST", &format!("{base}/Documents/copyTo"), None);
        assert_sent(versioned_example("copy_onedrive_documents_to", v8, "request.constructed.json"), &call);
        let answer = raw_answer!(client, version, copy_onedrive_documents_to / copy_onedrive_documents_to_v8, |op| op
            .restore_session_id(id)
            .one_drive_id(ONEDRIVE)
            .body(serde_json::from_value::<CopyToOneDrive>(call.json()).unwrap()));
        server.clear();
        let name = versioned_example("copy_onedrive_documents_to", v8, "response.200.constructed.json");
        assert_decoded(name, &answer.unwrap());

        let version_back =
            session.restore_onedrive_document_version(ONEDRIVE, BUDGET, 512, &credentials, existing).await.unwrap();
        let call = post_of(&server);
        assert_request(&call, "POST", &format!("{base}/Documents/{BUDGET}/Versions/512/restore"), None);
        assert_sent(versioned_example("restore_onedrive_document_version", v8, "request.constructed.json"), &call);
        let answer = raw_answer!(
            client,
            version,
            restore_onedrive_document_version / restore_onedrive_document_version_v8,
            |op| op
                .restore_session_id(id)
                .one_drive_id(ONEDRIVE)
                .document_id(BUDGET)
                .version_id(512)
                .body(serde_json::from_value::<Original>(call.json()).unwrap())
        );
        server.clear();
        let name = versioned_example("restore_onedrive_document_version", v8, "response.200.constructed.json");
        assert_decoded(name, &answer.unwrap());

        let to_version = if v8 {
            to.clone()
        } else {
            to.clone().folder("Budget, March").last_version_action(OneDriveLastVersionAction::Merge)
        };
        let version_copied =
            session.copy_onedrive_document_version_to(ONEDRIVE, BUDGET, 512, &to_version).await.unwrap();
        let call = post_of(&server);
        assert_request(&call, "POST", &format!("{base}/Documents/{BUDGET}/Versions/512/copyTo"), None);
        assert_sent(versioned_example("copy_onedrive_document_version_to", v8, "request.constructed.json"), &call);
        let answer = raw_answer!(
            client,
            version,
            copy_onedrive_document_version_to / copy_onedrive_document_version_to_v8,
            |op| op
                .restore_session_id(id)
                .one_drive_id(ONEDRIVE)
                .document_id(BUDGET)
                .version_id(512)
                .body(serde_json::from_value::<CopyToOneDrive>(call.json()).unwrap())
        );
        server.clear();
        let name = versioned_example("copy_onedrive_document_version_to", v8, "response.200.constructed.json");
        assert_decoded(name, &answer.unwrap());

        if !v8 {
            let outcome = session.wait(restored, |_| {}).await.unwrap();
            assert_eq!((outcome.counts.restored, outcome.counts.skipped), (1, 1));
            let outcome = session.wait(copied, |_| {}).await.unwrap();
            assert_eq!((outcome.counts.restored, outcome.status), (2, RestoreStatus::Success));
            for action in [version_back, version_copied] {
                let outcome = session.wait(action, |_| {}).await.unwrap();
                assert_eq!((outcome.counts.restored, outcome.status), (1, RestoreStatus::Success));
            }
            server.clear();
        }
        session.stop().await.unwrap();
    }
}

/// The one POST among the calls since the last clear (a v8 action also
/// reads the session), which are cleared.
fn post_of(server: &common::TestServer) -> common::Captured {
    let calls = server.calls();
    server.clear();
    calls.into_iter().find(|c| c.method == "POST").unwrap()
}

/// A whole OneDrive, a folder and chosen documents mailed to an address:
/// the documented requests (the documents by ID alone, the message as
/// given) and the answers without a body, in both versions.
#[tokio::test]
async fn a_onedrive_a_folder_and_documents_sent_in_both_versions() {
    use vb365::restore::SendItems;
    use vb365::types::SendOneDriveItems;
    const ONEDRIVE: &str = "b!q9Jt3Pa1-alice";
    const FOLDER: &str = "b!q9Jt3Pa1-alice-documents";
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Veod).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let base = format!("/{version}/RestoreSessions/{id}/Organization/OneDrives/{ONEDRIVE}");
        let status = if v8 { "response.204.constructed.empty" } else { "response.200.constructed.empty" };
        let (whole, documents, folder, chosen): (_, _, _, &[&str]) = if v8 {
            (
                SendItems::to("auditor@fabrikam.com")
                    .subject("OneDrive of Alice Wong")
                    .text("Every document, as requested.")
                    .skip_item_checks(true),
                SendItems::to("auditor@fabrikam.com")
                    .from("backup-admin@contoso.onmicrosoft.com")
                    .text("The budget from the backup."),
                SendItems::to("auditor@fabrikam.com")
                    .from("backup-admin@contoso.onmicrosoft.com")
                    .skip_item_checks(false),
                &["01ABCDEF-budget"],
            )
        } else {
            let owner = "alice.smith@contoso.onmicrosoft.com";
            (
                SendItems::to(owner)
                    .from("backup-admin@contoso.onmicrosoft.com")
                    .subject("Your OneDrive from the backup"),
                SendItems::to(owner).subject("The budget and the plan"),
                SendItems::to(owner).subject("Documents from the backup").text("Attached is your Documents folder."),
                &["01ABCDEF-budget", "01ABCDEF-plan"],
            )
        };

        session.send_onedrive(ONEDRIVE, &whole).await.unwrap();
        let call = next_call(&server);
        assert_request(&call, "POST", &format!("{base}/send"), None);
        assert_sent(versioned_example("send_onedrive", v8, "request.constructed.json"), &call);
        let body: SendOneDriveItems = serde_json::from_value(call.json()).unwrap();
        let answer = raw_answer!(client, version, send_onedrive / send_onedrive_v8, |op| op
            .restore_session_id(id)
            .one_drive_id(ONEDRIVE)
            .body(body));
        assert_decoded(versioned_example("send_onedrive", v8, status), &answer.unwrap());
        server.clear();

        session.send_onedrive_documents(ONEDRIVE, chosen, &documents).await.unwrap();
        let call = next_call(&server);
        assert_request(&call, "POST", &format!("{base}/Documents/send"), None);
        assert_sent(versioned_example("send_onedrive_documents", v8, "request.constructed.json"), &call);
        let body: SendOneDriveItems = serde_json::from_value(call.json()).unwrap();
        let answer = raw_answer!(client, version, send_onedrive_documents / send_onedrive_documents_v8, |op| op
            .restore_session_id(id)
            .one_drive_id(ONEDRIVE)
            .body(body));
        assert_decoded(versioned_example("send_onedrive_documents", v8, status), &answer.unwrap());
        server.clear();

        session.send_onedrive_folder(ONEDRIVE, FOLDER, &folder).await.unwrap();
        let call = next_call(&server);
        assert_request(&call, "POST", &format!("{base}/Folders/{FOLDER}/send"), None);
        assert_sent(versioned_example("send_onedrive_folder", v8, "request.constructed.json"), &call);
        let body: SendOneDriveItems = serde_json::from_value(call.json()).unwrap();
        let answer = raw_answer!(client, version, send_onedrive_folder / send_onedrive_folder_v8, |op| op
            .restore_session_id(id)
            .one_drive_id(ONEDRIVE)
            .folder_id(FOLDER)
            .body(body));
        assert_decoded(versioned_example("send_onedrive_folder", v8, status), &answer.unwrap());
        server.clear();
        session.stop().await.unwrap();
    }
}

/// Several whole mailboxes restored where they were: the documented
/// request (each mailbox by its ID alone, the account under its Microsoft
/// 365 names), v6's per-mailbox counts summed with their warnings named,
/// v8's start read back.
#[tokio::test]
async fn several_mailboxes_restored_where_they_were_in_both_versions() {
    use vb365::restore::{RestoreCredentials, RestoreStatus};
    use vb365::types::BulkMailboxRestore;
    const ALICE: &str = "b7a9a1c2-4f3e-4e6b-9d41-000000000000";
    const BOB: &str = "b7a9a1c2-4f3e-4e6b-9d41-000000000001";
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Vex).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let (credentials, mailboxes) = if v8 {
            let app = "6c3c7a5e-4a1f-4f0e-9a43-2f4f8e0d1b7c".parse().unwrap();
            let app = RestoreCredentials::application(app, b"MIIExampleCertificate", "example-certificate-password")
                .impersonating("restore.operator@contoso.onmicrosoft.com");
            (app, vec![ALICE.parse().unwrap()])
        } else {
            let user =
                RestoreCredentials::user("restore.operator@contoso.onmicrosoft.com", "example-password-not-real");
            (user, vec![ALICE.parse().unwrap(), BOB.parse().unwrap()])
        };
        let action = session.restore_mailboxes(&mailboxes, &credentials).await.unwrap();
        let calls = server.calls();
        server.clear();
        let call = calls.iter().find(|c| c.method == "POST").unwrap();
        assert_request(call, "POST", &format!("/{version}/RestoreSessions/{id}/organization/mailboxes/restore"), None);
        assert_sent(versioned_example("restore_mailboxes", v8, "request.constructed.json"), call);
        let answer = raw_answer!(client, version, restore_mailboxes / restore_mailboxes_v8, |op| op
            .restore_session_id(id)
            .body(serde_json::from_value::<BulkMailboxRestore>(call.json()).unwrap()));
        server.clear();
        assert_decoded(versioned_example("restore_mailboxes", v8, "response.200.constructed.json"), &answer.unwrap());
        if !v8 {
            let outcome = session.wait(action, |_| {}).await.unwrap();
            server.clear();
            assert_eq!(
                (outcome.counts.restored, outcome.counts.skipped),
                (54, 2),
                "both mailboxes, created and merged"
            );
            assert_eq!(outcome.status, RestoreStatus::Warning);
            assert_eq!(
                outcome.warnings,
                ["bob.jones@contoso.onmicrosoft.com: Item 'Parking' was skipped: it has not changed since the backup"]
            );
        }
        session.stop().await.unwrap();
    }
}

/// A mailbox folder, a OneDrive folder and a document read by their IDs,
/// and every mailbox and every OneDrive of a session searched: the
/// documented requests, and the recorded answers decoded to every value
/// the facade returns, in both versions.
#[tokio::test]
async fn folders_and_documents_read_by_id_and_the_whole_session_searched_in_both_versions() {
    const MAILBOX: &str = "b7a9a1c2-4f3e-4e6b-9d41-2c8f0a1e7d01";
    const FOLDER: &str = "AAMkADQ5Y2E4LWluYm94";
    const ONEDRIVE: &str = "b!q9Jt3Pa1-alice";
    let mailbox: uuid::Uuid = MAILBOX.parse().unwrap();
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Vex).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let base = format!("/{version}/RestoreSessions/{id}");

        let folder = session.mailbox_folder(mailbox, FOLDER).await.unwrap();
        let call = next_call(&server);
        assert_request(&call, "GET", &format!("{base}/organization/mailboxes/{MAILBOX}/folders/{FOLDER}"), None);
        assert_decoded(
            versioned_example("get_restore_session_mailbox_folder", v8, "response.200.constructed.json"),
            &folder,
        );

        let folder = session.onedrive_folder(ONEDRIVE, "01ABCDEF-documents").await.unwrap();
        let call = next_call(&server);
        assert_request(
            &call,
            "GET",
            &format!("{base}/Organization/OneDrives/{ONEDRIVE}/Folders/01ABCDEF-documents"),
            None,
        );
        assert_decoded(
            versioned_example("get_restore_session_onedrive_folder", v8, "response.200.constructed.json"),
            &folder,
        );

        let document = session.onedrive_document(ONEDRIVE, "01ABCDEF-budget").await.unwrap();
        let call = next_call(&server);
        assert_request(
            &call,
            "GET",
            &format!("{base}/Organization/OneDrives/{ONEDRIVE}/Documents/01ABCDEF-budget"),
            None,
        );
        let name = versioned_example("get_restore_session_onedrive_document", v8, "response.200.constructed.json");
        assert_decoded(name, &document);

        let query = if v8 { "from:billing@fabrikam.com" } else { "invoice" };
        let found: Vec<_> = session.search_mailboxes(query).try_collect().await.unwrap();
        let call = next_call(&server);
        assert_request(&call, "POST", &format!("{base}/organization/mailboxes/search"), Some("limit=1000&offset=0"));
        assert_sent(versioned_example("search_mailboxes", v8, "request.constructed.json"), &call);
        let body = vb365::types::SearchOptions { query: Some(query.to_owned()) };
        let page = raw_answer!(client, version, search_mailboxes / search_mailboxes_v8, |op| op
            .restore_session_id(id)
            .body(body));
        server.clear();
        let page = page.unwrap();
        assert_decoded(versioned_example("search_mailboxes", v8, "response.200.constructed.json"), &page);
        assert_eq!(serde_json::to_value(&found).unwrap(), page["results"], "{version}");

        let query = if v8 { "budget" } else { "budget 2024" };
        let found: Vec<_> = session.search_onedrives(query).try_collect().await.unwrap();
        let call = next_call(&server);
        assert_request(&call, "POST", &format!("{base}/Organization/OneDrives/search"), Some("limit=1000&offset=0"));
        assert_sent(versioned_example("search_onedrives", v8, "request.constructed.json"), &call);
        let body = vb365::types::SearchOptions { query: Some(query.to_owned()) };
        let page = raw_answer!(client, version, search_onedrives / search_onedrives_v8, |op| op
            .restore_session_id(id)
            .body(body));
        server.clear();
        let page = page.unwrap();
        assert_decoded(versioned_example("search_onedrives", v8, "response.200.constructed.json"), &page);
        assert_eq!(found[0].name.as_deref(), Some("Budget 2024.xlsx"), "{version}");
        session.stop().await.unwrap();
    }
}

/// Chosen documents saved as one file: the documented request (each
/// document by its ID alone) and the recorded bytes written as sent.
#[tokio::test]
async fn onedrive_documents_saved_in_both_versions() {
    const ONEDRIVE: &str = "b!q9Jt3Pa1-alice";
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let v8 = version == ApiVersion::V8;
        let (server, client) = pinned(version).await;
        let session = client.explore(ExploreFrom::tenant(RestoreSessionType::Veod).at(at())).await.unwrap();
        let id = session.id();
        server.clear();
        let documents: &[&str] = if v8 { &["01ABCDEF-plan"] } else { &["01ABCDEF-budget", "01ABCDEF-plan"] };
        let mut file = Vec::new();
        let saved = session.save_onedrive_documents(ONEDRIVE, documents, &mut file).await.unwrap();
        let call = next_call(&server);
        let path = format!("/{version}/RestoreSessions/{id}/Organization/OneDrives/{ONEDRIVE}/Documents/save");
        assert_request(&call, "POST", &path, None);
        assert_sent(versioned_example("save_onedrive_documents", v8, "request.constructed.json"), &call);
        let name = versioned_example("save_onedrive_documents", v8, "response.200.constructed.bin");
        assert!(file == example_file(name), "{name}: the bytes as sent");
        assert_eq!(saved.bytes, file.len() as u64);
        session.stop().await.unwrap();
    }
}
