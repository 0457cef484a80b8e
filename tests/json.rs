//! What a server sends beyond the document is not lost to a caller who asks
//! for it: `capture_json` keeps a call's bodies and `Pages::with_json` each
//! item's JSON, in step with the items, on every page and in every version.
#![cfg(feature = "simulator")]

mod common;

use common::{Reply, TestServer};
use futures::TryStreamExt;
use serde_json::{Value, json};
use uuid::Uuid;
use vb365::simulator::{Simulator, SimulatorConfig};
use vb365::{ApiVersion, Client, Credentials, JobFilter};

/// A v8 organization with fields the document does not describe.
fn organization(n: u64) -> Value {
    json!({
        "id": Uuid::from_u128(u128::from(n) + 1), "name": format!("org-{n}"), "type": "Office365",
        "msid": "5b0f6f5d-7c1a-4e8e-9b2a-0c6d3e1f2a4b", "backedUpOrganizationId": "x-17",
        "futureSetting": {"enabled": true, "level": n},
        "_links": {"self": {"href": format!("/v8/Organizations/{n}")}}
    })
}

async fn v8(respond: impl Fn(&common::Captured) -> Reply + Send + Sync + 'static) -> (TestServer, Client) {
    let server = TestServer::start(move |r| if r.is_token_request() { Reply::token() } else { respond(r) }).await;
    let client = Client::builder(&server.url).api_versions([ApiVersion::V8]).build().unwrap();
    client.login(Credentials::password("admin", "hunter2")).await.unwrap();
    (server, client)
}

#[tokio::test]
async fn a_call_s_body_keeps_the_fields_the_document_lacks() {
    let (server, client) = v8(|_| Reply::json(200, organization(3).to_string())).await;
    let (organization, bodies) = vb365::capture_json(client.get_organization(Uuid::nil())).await;
    assert_eq!(organization.unwrap().name.as_deref(), Some("org-3"));
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert_eq!(bodies[0].operation, "get_organization_v8");
    assert_eq!(bodies[0].value["futureSetting"], json!({"enabled": true, "level": 3}));
    assert_eq!(bodies[0].value["backedUpOrganizationId"], "x-17");
    // Without a capture nothing is kept, and the call is the same.
    assert!(client.get_organization(Uuid::nil()).await.is_ok());
    assert_eq!(server.calls().len(), 2);
}

#[tokio::test]
async fn every_page_s_items_keep_their_json_in_step() {
    // 5 organizations, 2 a page.
    let (_server, client) = v8(|request| {
        let query = request.query.clone().unwrap_or_default();
        let offset: u64 = query.split('&').find_map(|p| p.strip_prefix("offset=")).unwrap().parse().unwrap();
        let results: Vec<Value> = (offset..(offset + 2).min(5)).map(organization).collect();
        Reply::json(200, json!({"offset": offset, "limit": 2, "results": results}).to_string())
    })
    .await;
    let all: Vec<_> = client.organizations(2).with_json().try_collect().await.unwrap();
    assert_eq!(all.len(), 5);
    for (n, (typed, raw)) in all.iter().enumerate() {
        assert_eq!(raw["id"], json!(typed.id), "item {n} is paired with its own JSON");
        assert_eq!(raw["futureSetting"]["level"], n as u64);
    }
}

#[tokio::test]
async fn a_token_response_is_never_kept() {
    let (server, client) = v8(|_| Reply::json(200, organization(1).to_string())).await;
    drop(server.captured());
    let (result, bodies) = vb365::capture_json(async {
        client.logout();
        client.login(Credentials::password("admin", "hunter2")).await.unwrap();
        client.get_organization(Uuid::nil()).await
    })
    .await;
    result.unwrap();
    assert_eq!(bodies.len(), 1, "only the organization: {bodies:?}");
    assert!(bodies.iter().all(|b| b.value.get("access_token").is_none()));
}

/// A v6 list comes at once and the repository filter is applied here: the
/// JSON stays with its own item when items are left out.
#[tokio::test]
async fn a_v6_list_filtered_here_keeps_each_item_s_json() {
    let mut config = SimulatorConfig::default();
    config.versions = vec![ApiVersion::V6];
    let simulator = Simulator::start_with(config).await.unwrap();
    let client = Client::builder(simulator.url()).build().unwrap();
    client.login(simulator.credentials()).await.unwrap();
    let every: Vec<_> = client.jobs(JobFilter::all()).with_json().try_collect().await.unwrap();
    let repository = every.iter().rev().find_map(|(job, _)| job.repository_id).expect("a job with a repository");
    let kept: Vec<_> = client.jobs(JobFilter::all().repository(repository)).with_json().try_collect().await.unwrap();
    assert!(
        !kept.is_empty() && kept.len() < every.len(),
        "the filter leaves some out: {} of {}",
        kept.len(),
        every.len()
    );
    for (job, raw) in every.iter().chain(&kept) {
        assert_eq!(raw["id"], json!(job.id));
        assert_eq!(raw["name"], json!(job.name));
    }
}
