//! Contract tests of API v8, as `contract.rs` does for v6: a client pinned to
//! v8 sends each operation's documented request to `/v8/...` and reads the
//! recorded (constructed) v8 answers, pages, `201` and `204` included, to
//! the values they carry.
#![cfg(feature = "simulator")]

mod common;

use common::contract::*;
use common::{TestServer, example_json};
use futures::TryStreamExt;
use uuid::Uuid;
use vb365::types::{BackupAccount, ExploreOptions, JobItemType, OrganizationCreate, RestoreSessionState};
use vb365::{ApiVersion, Client, Credentials};

/// A replay server and a client pinned to API v8, logged in.
async fn v8() -> (TestServer, Client) {
    let server = replay().await;
    let client = Client::builder(&server.url).api_versions([ApiVersion::V8]).build().unwrap();
    client.login(Credentials::password("administrator@abc.onmicrosoft.com", "XXXXXXXX")).await.unwrap();
    (server, client)
}

#[tokio::test]
async fn create_token_v8_sends_the_recorded_form_to_v8() {
    let (server, client) = v8().await;
    let token = &server.captured()[0];
    assert_eq!((token.method.as_str(), token.path.as_str()), ("POST", "/v8/token"));
    assert_eq!(token.authorization, None);
    assert_sent_form("create_token_v8.request.password.constructed.form", token);
    let form = recorded_token_request("create_token_v8.request.password.constructed.form");
    let token = client.api().create_token_v8().body(form).send().await.unwrap().into_inner();
    assert_decoded("create_token_v8.response.200.constructed.json", &token);
    assert_eq!(token.user_name, None, "v8 may leave userName out");
}

#[tokio::test]
async fn server_info_reads_the_v8_service_instance() {
    let (server, client) = v8().await;
    let info = client.server_info().await.unwrap();
    assert_request(&one_call(&server), "GET", "/v8/ServiceInstance", None);
    let instance = client.api().get_service_instance_v8().send().await.unwrap();
    assert_decoded("get_service_instance_v8.response.200.constructed.json", &*instance);
    assert_eq!(info.product_version.as_deref(), Some("8.1.0.305"));
    assert_eq!(info.api_versions, [ApiVersion::V8]);
}

#[tokio::test]
async fn list_organizations_walks_the_v8_page() {
    let (server, client) = v8().await;
    let organizations = client.list_organizations().await.unwrap();
    assert_request(&one_call(&server), "GET", "/v8/Organizations", Some("extendedView=true&limit=1000&offset=0"));
    let page = client.api().list_organizations_v8().send().await.unwrap();
    assert_decoded("list_organizations_v8.response.200.constructed.json", &*page);
    assert_eq!(organizations, page.results, "a short page without a next link is the last");
    assert_eq!(organizations[0].msid, Some("1c3f5e7a-9b2d-4f6e-8a0c-2e4f6a8b0c1d".parse().unwrap()));
    assert_eq!(organizations[0].description.as_deref(), Some("Contoso production tenant"));
}

#[tokio::test]
async fn get_organization_v8_carries_the_v8_fields() {
    let (server, client) = v8().await;
    let organization = client.get_organization(ORGANIZATION.parse().unwrap()).await.unwrap();
    assert_decoded("get_organization_v8.response.200.constructed.json", &organization);
    let path = format!("/v8/Organizations/{ORGANIZATION}");
    assert_request(&one_call(&server), "GET", &path, Some("extendedView=true"));
    assert_eq!(organization.backed_up_organization_id.as_deref(), Some(ORGANIZATION));
}

#[tokio::test]
async fn add_organization_v8_is_created_with_201() {
    let (server, client) = v8().await;
    let organization: OrganizationCreate =
        serde_json::from_value(example_json("add_organization_v8.request.constructed.json")).unwrap();
    let added = client.add_organization(organization).await.unwrap();
    assert_decoded("add_organization_v8.response.201.constructed.json", &added);
    let request = one_call(&server);
    assert_request(&request, "POST", "/v8/Organizations", None);
    assert_sent("add_organization_v8.request.constructed.json", &request);
    assert_eq!(added.msid, Some("8b0d2f4a-6c8e-4a1b-9d3f-5b7d9f1b3d5f".parse().unwrap()));
}

#[tokio::test]
async fn backup_accounts_v8_list_and_set_with_201() {
    let (server, client) = v8().await;
    let id: Uuid = ORGANIZATION.parse().unwrap();
    let accounts = client.list_backup_accounts(id).await.unwrap();
    assert_decoded("list_backup_accounts_v8.response.200.constructed.json", &accounts);
    assert_eq!(accounts[0].group_member.data_location.as_deref(), Some("EUR"));
    let new: Vec<BackupAccount> =
        serde_json::from_value(example_json("set_backup_accounts_v8.request.constructed.json")).unwrap();
    client.set_backup_accounts(id, new.clone()).await.unwrap();
    let calls = server.calls();
    assert_request(&calls[0], "GET", &format!("/v8/Organizations/{ORGANIZATION}/BackupAccounts"), None);
    assert_request(&calls[1], "PUT", &format!("/v8/Organizations/{ORGANIZATION}/BackupAccounts"), None);
    assert_sent("set_backup_accounts_v8.request.constructed.json", &calls[1]);
    let links = client.api().set_backup_accounts_v8().organization_id(id).body(new).send().await.unwrap();
    assert_eq!(links.status().as_u16(), 201);
    assert_decoded("set_backup_accounts_v8.response.201.constructed.json", &*links);
}

#[tokio::test]
async fn job_selected_items_v8_come_in_a_page() {
    let (server, client) = v8().await;
    let job: Uuid = JOB.parse().unwrap();
    let items: Vec<_> = client.job_selected_items(job, 30).try_collect().await.unwrap();
    assert_request(&one_call(&server), "GET", &format!("/v8/Jobs/{JOB}/SelectedItems"), Some("limit=30&offset=0"));
    let page = client.api().list_job_selected_items_v8().job_id(job).send().await.unwrap();
    assert_decoded("list_job_selected_items_v8.response.200.constructed.json", &*page);
    assert_eq!(items, page.results);
    assert_eq!(items[0].type_, Some(JobItemType::User));
    let user = items[0].user.as_ref().unwrap();
    assert_eq!(user.assigned_licenses.as_ref().unwrap()[0].sku_part_number.as_deref(), Some("ENTERPRISEPACK"));
    assert!(items.iter().all(|i| i.chats.is_none()), "v8 has no chats flag");
}

#[tokio::test]
async fn restore_sessions_v8_start_with_201_read_and_stop_with_204() {
    let (server, client) = v8().await;
    let options: ExploreOptions =
        serde_json::from_value(example_json("explore_tenant_organization_v8.request.constructed.json")).unwrap();
    let started = client.start_restore_session(options).await.unwrap();
    assert_decoded("explore_tenant_organization_v8.response.201.constructed.json", &started);
    assert_eq!(started.e_tag, Some(1));
    let session = client.get_restore_session(SESSION.parse().unwrap()).await.unwrap();
    assert_decoded("get_restore_session_v8.response.200.constructed.json", &session);
    assert_eq!((session.state, session.e_tag), (Some(RestoreSessionState::Stopped), Some(2)));
    let stopped: () = client.stop_restore_session(SESSION.parse().unwrap()).await.unwrap();
    assert_decoded("stop_restore_session_v8.response.204.constructed.empty", &stopped);
    let calls = server.calls();
    assert_request(&calls[0], "POST", "/v8/Organization/Explore", None);
    assert_sent("explore_tenant_organization_v8.request.constructed.json", &calls[0]);
    assert_request(&calls[1], "GET", &format!("/v8/RestoreSessions/{SESSION}"), None);
    assert_request(&calls[2], "POST", &format!("/v8/RestoreSessions/{SESSION}/Stop"), None);
}
