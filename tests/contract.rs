//! Contract tests of the archived pages' operations (API v6, and the v1
//! page of a job's mailboxes): for every operation and recorded example, the
//! request the client sends matches the recorded request (method,
//! documented path, bearer header, body), and the recorded response decodes
//! to the values it carries: every decoded value is encoded again and
//! compared with the example member by member, besides the spot checks of
//! each test. `contract_v8.rs` does the same for API v8.
#![cfg(feature = "simulator")]

mod common;

use common::contract::*;
use common::{Reply, TestServer, example_bytes, example_json, examples_dir};
use uuid::Uuid;
use vb365::types::{
    BackupAccount, ExploreOptions, GroupMemberType, JobItemType, OrganizationCreate, OrganizationType,
    RestoreSessionResult, RestoreSessionState, RestoreSessionType,
};
use vb365::{Credentials, Error, PageRequest};

#[tokio::test]
async fn create_token_with_a_password_sends_the_recorded_form() {
    let server = replay().await;
    let client = server.builder().build().unwrap();
    client.login(Credentials::password("administrator@abc.onmicrosoft.com", "XXXXXXXX")).await.unwrap();
    let token = &server.captured()[0];
    assert_eq!((token.method.as_str(), token.path.as_str()), ("POST", "/v6/token"));
    assert_eq!(token.authorization, None, "the token request carries no bearer token");
    assert_sent_form("create_token.request.password.constructed.form", token);
    // The recorded token response decodes: its access token is what the next call carries.
    client.list_organizations().await.unwrap();
    assert_eq!(one_call(&server).authorization.as_deref(), Some(BEARER));
    let form = recorded_token_request("create_token.request.password.constructed.form");
    let token = client.api().create_token().body(form).send().await.unwrap().into_inner();
    assert_decoded("create_token.response.200.constructed.json", &token);
    assert_eq!((token.access_token.expose(), token.expires_in), ("AT-XXXXXXXX", 3600));
}

#[tokio::test]
async fn create_token_with_an_assertion_sends_the_recorded_form() {
    let server = replay().await;
    let client = server.builder().build().unwrap();
    client.login(Credentials::assertion("0d8a2f43-9c1e-4b0c-a5e2-6f1d2b3c4d5e", "eyXXXXXXXX")).await.unwrap();
    assert_sent_form("create_token.request.assertion.constructed.form", &server.captured()[0]);
}

#[tokio::test]
async fn create_token_with_a_refresh_token_sends_the_recorded_form() {
    let refused_once = std::sync::atomic::AtomicBool::new(false);
    let server = TestServer::start(move |r| {
        if r.is_token_request() {
            Reply::token()
        } else if !refused_once.swap(true, std::sync::atomic::Ordering::SeqCst) {
            Reply::json(401, r#"{"message": "Authorization has been denied for this request."}"#)
        } else {
            Reply::json(200, "[]")
        }
    })
    .await;
    let client = server.builder().build().unwrap();
    client.login(Credentials::access_token("AT-OLD").with_refresh_token("RT-XXXXXXXX")).await.unwrap();
    client.list_organizations().await.unwrap();
    let captured = server.captured();
    let token = captured.iter().find(|r| r.is_token_request()).unwrap();
    assert_sent_form("create_token.request.refresh.constructed.form", token);
    assert_eq!(captured.last().unwrap().authorization.as_deref(), Some(BEARER));
}

#[tokio::test]
async fn list_backup_accounts_matches_page_000() {
    let server = replay().await;
    let client = server.client().await;
    let accounts = client.list_backup_accounts(ORGANIZATION.parse().unwrap()).await.unwrap();
    assert_decoded("list_backup_accounts.response.200.json", &accounts);
    assert_request(&one_call(&server), "GET", &format!("/v6/Organizations/{ORGANIZATION}/BackupAccounts"), None);
    assert!(one_call(&server).body.is_empty());
    let logins: Vec<&str> = accounts.iter().map(|a| a.group_member.login.as_str()).collect();
    assert_eq!(
        logins,
        ["account1", "account2", "account3", "account4"]
            .map(|a| format!("{a}@office365.onmicrosoft.com"))
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    for account in &accounts {
        assert_eq!(account.group_member.type_, GroupMemberType::User);
        assert_eq!(account.group_member.is_cloud, Some(true));
        assert_eq!(
            account.group_member.group_id.as_deref(),
            Some("6e570850-9ce9-40ed-b81d-41772dabcead00000000-0000-0000-0000-000000000000")
        );
        assert!(account.password.is_none());
        let links = account.group_member.links.as_ref().unwrap();
        assert_eq!(links.0["organization"].href, format!("/v6/organizations/{ORGANIZATION}"));
    }
}

#[tokio::test]
async fn set_backup_accounts_matches_page_001() {
    let server = replay().await;
    let client = server.client().await;
    let accounts: Vec<BackupAccount> =
        serde_json::from_value(example_json("set_backup_accounts.request.json")).unwrap();
    client.set_backup_accounts(ORGANIZATION.parse().unwrap(), accounts.clone()).await.unwrap();
    let request = one_call(&server);
    assert_request(&request, "PUT", &format!("/v6/Organizations/{ORGANIZATION}/BackupAccounts"), None);
    assert_sent("set_backup_accounts.request.json", &request);
    // The facade returns nothing; the generated client returns the links.
    let id = ORGANIZATION.parse::<Uuid>().unwrap();
    let links = client.api().set_backup_accounts().organization_id(id).body(accounts).send().await.unwrap();
    assert_decoded("set_backup_accounts.response.200.json", &*links);
    let href = &links.links.as_ref().unwrap().0["self"].href;
    assert_eq!(href, &format!("https://abc.tech.local:4443/v6/organizations/{ORGANIZATION}/backupaccounts"));
}

#[tokio::test]
async fn list_job_selected_mailboxes_matches_page_002() {
    let server = replay().await;
    let client = server.client().await;
    let page = client.list_job_selected_mailboxes(JOB.parse().unwrap(), PageRequest::first(30)).await.unwrap();
    assert_decoded("list_job_selected_mailboxes.response.200.json", &page);
    assert_request(&one_call(&server), "GET", &format!("/v1/Jobs/{JOB}/SelectedMailboxes"), Some("limit=30&offset=0"));
    assert_eq!((page.offset, page.limit), (0, 30));
    let names: Vec<_> = page.results.iter().map(|m| m.name.as_deref().unwrap()).collect();
    assert_eq!(names, ["Peter Parker", "Paul Graham"]);
    assert_eq!(page.results[0].email.as_deref(), Some("petep@eastsupport.onmicrosoft.com"));
    assert_eq!(page.results[0].id, "479ae6aa-610b-4652-8966-5db06021903c".parse::<Uuid>().unwrap());
    assert!(page.results.iter().all(|m| m.is_backed_up.is_some_and(bool::from)), "\"true\" reads as true");
    let self_link = &page.links.as_ref().unwrap().self_.as_ref().unwrap().href;
    assert!(self_link.ends_with("SelectedMailboxes?offset=0&limit=30"));
}

#[tokio::test]
async fn add_organization_matches_page_003() {
    let server = replay().await;
    let client = server.client().await;
    let recorded = example_json("add_organization.request.json");
    let organization: OrganizationCreate = serde_json::from_value(recorded).unwrap();
    let added = client.add_organization(organization).await.unwrap();
    assert_decoded("add_organization.response.200.json", &added);
    let request = one_call(&server);
    assert_request(&request, "POST", "/v6/Organizations", None);
    assert_sent("add_organization.request.json", &request);
    assert_eq!(added.id, "7f9a9b85-50e7-4f61-8f76-6a9517b8677d".parse::<Uuid>().unwrap());
    assert_eq!(added.name.as_deref(), Some("abc.onmicrosoft.com"));
    assert_eq!(added.type_, Some(OrganizationType::Office365));
    assert_eq!(
        (added.is_teams_online, added.is_teams_chats_online, added.is_backedup),
        (Some(true), Some(false), Some(false))
    );
    let exchange = added.exchange_online_settings.unwrap();
    assert_eq!(exchange.account.as_deref(), Some("administrator@abc.onmicrosoft.com"));
    assert_eq!(added.links.unwrap().0.len(), 6);
}

#[tokio::test]
async fn explore_tenant_organization_matches_page_004() {
    let server = replay().await;
    let client = server.client().await;
    let recorded = example_json("explore_tenant_organization.request.json");
    let options: ExploreOptions = serde_json::from_value(recorded).unwrap();
    let session = client.start_restore_session(options).await.unwrap();
    assert_decoded("explore_tenant_organization.response.200.json", &session);
    let request = one_call(&server);
    assert_request(&request, "POST", "/v6/Organization/Explore", None);
    assert_sent("explore_tenant_organization.request.json", &request);
    assert_eq!(session.id, SESSION.parse::<Uuid>().unwrap());
    assert_eq!(session.type_, Some(RestoreSessionType::Vex));
    assert_eq!(session.state, Some(RestoreSessionState::Working));
    assert_eq!(session.result, Some(RestoreSessionResult::Success));
    assert_eq!(session.creation_time.unwrap().utc().to_rfc3339(), "2022-01-21T22:53:13.968593400+00:00");
    assert_eq!(session.end_time.unwrap().utc().timestamp(), 253_402_300_799, "the still-running end time");
    assert_eq!(session.client_host.as_deref(), Some("EPSILON (via: 127.0.0.1)"));
}

#[tokio::test]
async fn list_organizations_asks_for_the_extended_view() {
    let server = replay().await;
    let client = server.client().await;
    let organizations = client.list_organizations().await.unwrap();
    assert_decoded("list_organizations.response.200.constructed.json", &organizations);
    assert_request(&one_call(&server), "GET", "/v6/Organizations", Some("extendedView=true"));
    assert_eq!(organizations.len(), 2);
    assert_eq!(organizations[0].id, ORGANIZATION.parse::<Uuid>().unwrap());
    assert!(organizations[0].exchange_online_settings.is_none(), "null reads as absent");
    assert_eq!(organizations[1].is_teams_online, Some(true));
}

#[tokio::test]
async fn get_organization_reads_nullable_fields() {
    let server = replay().await;
    let client = server.client().await;
    let organization = client.get_organization(ORGANIZATION.parse().unwrap()).await.unwrap();
    assert_decoded("get_organization.response.200.constructed.json", &organization);
    assert_request(&one_call(&server), "GET", &format!("/v6/Organizations/{ORGANIZATION}"), Some("extendedView=true"));
    assert_eq!(organization.is_teams_online, None);
    assert_eq!(organization.last_backuptime.unwrap().utc().to_rfc3339(), "2022-01-22T02:00:09.913700400+00:00");
}

#[tokio::test]
async fn get_and_stop_restore_session() {
    let server = replay().await;
    let client = server.client().await;
    let session = client.get_restore_session(SESSION.parse().unwrap()).await.unwrap();
    assert_decoded("get_restore_session.response.200.constructed.json", &session);
    assert_eq!(session.state, Some(RestoreSessionState::Stopped));
    assert_eq!(session.end_time.unwrap().as_str(), "2022-01-21T23:10:02.1180312Z");
    let stopped: () = client.stop_restore_session(SESSION.parse().unwrap()).await.unwrap();
    assert_decoded("stop_restore_session.response.200.constructed.empty", &stopped);
    let calls = server.calls();
    assert_request(&calls[0], "GET", &format!("/v6/RestoreSessions/{SESSION}"), None);
    assert_request(&calls[1], "POST", &format!("/v6/RestoreSessions/{SESSION}/Stop"), None);
    assert!(calls[1].body.is_empty());
}

#[tokio::test]
async fn the_recorded_error_body_becomes_the_error_message() {
    let name = "list_backup_accounts.response.404.constructed.json";
    let server = TestServer::answering(Reply::json(404, example_bytes(name))).await;
    let client = server.client().await;
    let err = client.list_backup_accounts(ORGANIZATION.parse().unwrap()).await.unwrap_err();
    match &err {
        Error::Api { operation, status, message, .. } => {
            assert_eq!((*operation, status.as_u16()), ("list_backup_accounts", 404));
            assert_eq!(message, &example_json(name)["message"].as_str().unwrap());
            assert_decoded(name, &vb365::types::ExceptionInfo { message: message.clone() });
        }
        other => panic!("unexpected {other:?}"),
    }
}

/// The generated client's own answers, as the shared tail of every
/// `send()` reads them (`vb365::request::exchange`): the documented success
/// status decoded, a status in the document's error ranges (4XX, 5XX) as the
/// typed error body, any other status as unexpected, and a success status the
/// operation does not document as unexpected too.
#[tokio::test]
async fn the_generated_client_reads_success_error_and_unexpected_statuses() {
    use vb365::api::Error as ApiError;
    let name = "list_backup_accounts.response.404.constructed.json";
    let replies = std::sync::Mutex::new(vec![
        Reply::json(200, example_bytes("list_backup_accounts.response.200.json")),
        Reply::json(404, example_bytes(name)),
        Reply::json(503, r#"{"message": "busy"}"#),
        Reply::json(302, "{}"),
        Reply::json(201, "[]"),
        Reply::empty(204),
        Reply::empty(200),
    ]);
    let server =
        TestServer::start(
            move |r| {
                if r.is_token_request() { Reply::token() } else { replies.lock().unwrap().remove(0) }
            },
        )
        .await;
    let client = server.builder().retry(vb365::RetryConfig::disabled()).build().unwrap();
    client.login(vb365::Credentials::password("administrator@abc.onmicrosoft.com", "XXXXXXXX")).await.unwrap();
    let organization: Uuid = ORGANIZATION.parse().unwrap();
    let accounts = || client.api().list_backup_accounts().organization_id(organization).send();
    let ok = accounts().await.unwrap();
    assert_eq!((ok.status().as_u16(), ok.len()), (200, 4));
    match accounts().await.unwrap_err() {
        ApiError::ErrorResponse(body) => {
            assert_eq!(body.status().as_u16(), 404);
            assert_eq!(body.message, example_json(name)["message"].as_str().unwrap());
        }
        other => panic!("unexpected {other:?}"),
    }
    match accounts().await.unwrap_err() {
        ApiError::ErrorResponse(body) => assert_eq!((body.status().as_u16(), body.message.as_str()), (503, "busy")),
        other => panic!("unexpected {other:?}"),
    }
    match accounts().await.unwrap_err() {
        ApiError::UnexpectedResponse(response) => assert_eq!(response.status().as_u16(), 302),
        other => panic!("unexpected {other:?}"),
    }
    match accounts().await.unwrap_err() {
        ApiError::UnexpectedResponse(response) => assert_eq!(response.status().as_u16(), 201),
        other => panic!("unexpected {other:?}"),
    }
    // remove_job answers 204 with no body; a 200 is not what it documents.
    let job: Uuid = JOB.parse().unwrap();
    let removed = client.api().remove_job().job_id(job).send().await.unwrap();
    assert_eq!(removed.status().as_u16(), 204);
    match client.api().remove_job().job_id(job).send().await.unwrap_err() {
        ApiError::UnexpectedResponse(response) => assert_eq!(response.status().as_u16(), 200),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn server_info_reads_the_service_instance() {
    let server = replay().await;
    let client = server.client().await;
    let info = client.server_info().await.unwrap();
    assert_request(&one_call(&server), "GET", "/v6/ServiceInstance", None);
    let instance = client.api().get_service_instance().send().await.unwrap();
    assert_decoded("get_service_instance.response.200.constructed.json", &*instance);
    assert_eq!(info.product_version.as_deref(), Some("6.1.0.222"));
    assert_eq!(info.installation_id, Some("3b0e4bd4-4b7f-4c3e-9f0a-7d5c2e9a1f60".parse().unwrap()));
    assert_eq!(info.api_versions, [vb365::ApiVersion::V1, vb365::ApiVersion::V6], "as pinned");
}

#[tokio::test]
async fn job_selected_items_come_at_once_in_v6() {
    use futures::TryStreamExt;
    let server = replay().await;
    let client = server.client().await;
    let items: Vec<_> = client.job_selected_items(JOB.parse().unwrap(), 2).try_collect().await.unwrap();
    assert_decoded("list_job_selected_items.response.200.constructed.json", &items);
    assert_request(&one_call(&server), "GET", &format!("/v6/Jobs/{JOB}/SelectedItems"), None);
    let kinds: Vec<_> = items.iter().map(|i| i.type_.clone().unwrap()).collect();
    assert_eq!(
        kinds,
        [JobItemType::User, JobItemType::OneDriveFolders, JobItemType::Group, JobItemType::Site, JobItemType::Team]
    );
    let names: Vec<_> = items.iter().map(|i| i.name().unwrap()).collect();
    assert_eq!(names, ["Peter Parker", "Paul Graham", "Support", "Projects", "Field service"]);
    assert_eq!(
        (items[0].mailbox, items[0].archive_mailbox, items[0].personal_site),
        (Some(true), Some(true), Some(false))
    );
    assert_eq!(items[1].folders, ["Documents/Contracts", "Desktop"]);
    assert_eq!(items[4].chats, Some(false), "v6 has the chats flag");
}

/// A new example file without a contract test that checks its values fails
/// here: its name must appear in this file or another `contract_*.rs`, in a statement that checks it
/// (`assert_decoded`, `assert_sent`, `assert_sent_form`, or a `name` that
/// the test then checks), or as `versioned_example` names it in a test
/// that checks what it gives.
#[test]
fn every_recorded_example_is_checked_here() {
    let sources = [
        include_str!("contract.rs"),
        include_str!("contract_v8.rs"),
        include_str!("contract_monitoring.rs"),
        include_str!("contract_scope.rs"),
        include_str!("contract_restore.rs"),
    ];
    let files: Vec<String> = std::fs::read_dir(examples_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md")
        .collect();
    let checks = ["assert_decoded(", "assert_sent(", "assert_sent_form(", "let name = "];
    // A statement, however rustfmt wraps it, runs to its `;`.
    let statements: Vec<&str> = sources.iter().flat_map(|s| s.split(';')).collect();
    // A test that names its examples by `versioned_example(stem, v8, rest)`
    // checks `stem.rest` and `stem_v8.rest` when it names both literally
    // and passes what `versioned_example` gives to a check.
    let items: Vec<&str> = sources.iter().flat_map(|s| s.split("\n#[")).collect();
    let versioned: Vec<&str> = items
        .into_iter()
        .filter(|item| {
            item.split(';').any(|statement| {
                statement.contains("versioned_example(") && checks.iter().any(|c| statement.contains(c))
            })
        })
        .collect();
    for file in files {
        let quoted = format!("\"{file}\"");
        let checked = statements
            .iter()
            .any(|statement| statement.contains(&quoted) && checks.iter().any(|c| statement.contains(c)));
        let (name, rest) = file.split_once('.').unwrap_or((&file, ""));
        let stem = name.strip_suffix("_v8").unwrap_or(name);
        let (stem, rest) = (format!("\"{stem}\""), format!("\"{rest}\""));
        let checked = checked || versioned.iter().any(|item| item.contains(&stem) && item.contains(&rest));
        assert!(checked, "no contract test checks the values of {file}");
    }
}
