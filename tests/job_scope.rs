//! The job scope against the simulator, in v6 and v8: a job created,
//! changed and removed; its items added, changed and removed; the
//! server's checks (repository, directory, names) as typed errors; and
//! `update_job`'s read-modify-write, which keeps what the server sent.
#![cfg(feature = "simulator")]

mod common;

use common::{Reply, TestServer, example_json};
use futures::TryStreamExt;
use serde_json::json;
use uuid::Uuid;
use vb365::simulator::{Simulator, SimulatorConfig};
use vb365::types::{JobBackupType, JobCreate, JobItem};
use vb365::{ApiVersion, Client, Error, JobChanges, JobFilter, Schedule, UserFilter};

const CONTOSO_LONG_TERM: &str = "b2f5d8c1-6e3a-4d9f-8c42-1f7a3b8e5d62";
const ABC_WASABI: &str = "c3a6e9d2-7f4b-4e0a-9d53-2a8b4c9f6e73";

async fn started(version: ApiVersion) -> (Simulator, Client) {
    let mut config = SimulatorConfig::default();
    config.versions = vec![version];
    config.max_page_size = 50;
    let simulator = Simulator::start_with(config).await.unwrap();
    let client = Client::builder(simulator.url()).build().unwrap();
    client.login(simulator.credentials()).await.unwrap();
    (simulator, client)
}

fn job(name: &str, repository: &str, items: Vec<JobItem>) -> JobCreate {
    JobCreate {
        name: name.into(),
        description: None,
        backup_type: JobBackupType::SelectedItems,
        organization_id: None,
        repository_id: repository.parse().unwrap(),
        schedule_policy: Some(Schedule::daily(22, 0).policy()),
        is_enabled: Some(true),
        run_now: None,
        selected_items: items,
        excluded_items: Vec::new(),
    }
}

async fn user(client: &Client, organization: Uuid, upn: &str) -> vb365::types::User {
    let users: Vec<_> =
        client.organization_users(organization, UserFilter::default().name(upn)).try_collect().await.unwrap();
    users.into_iter().find(|u| u.name.as_deref() == Some(upn)).unwrap()
}

#[tokio::test]
async fn a_job_is_created_changed_and_removed_in_both_versions() {
    for version in [ApiVersion::V6, ApiVersion::V8] {
        let (simulator, client) = started(version).await;
        let organization = simulator.organization_id();
        let alice = user(&client, organization, "alice@contoso.com").await;
        let created = client
            .create_job(
                organization,
                job("Contoso mail", CONTOSO_LONG_TERM, vec![JobItem::user(&alice).mailbox().archive()]),
            )
            .await
            .unwrap();
        assert_eq!(created.organization_id, Some(organization), "{version}");
        assert_eq!(Schedule::of(created.schedule_policy.as_ref().unwrap()), Some(Schedule::daily(22, 0)));

        let items: Vec<JobItem> = client.job_selected_items(created.id, 100).try_collect().await.unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].object_id(), alice.id);
        assert_eq!(items[0].parts(), [vb365::JobItemPart::Mailbox, vb365::JobItemPart::Archive]);

        let bob = user(&client, organization, "bob@contoso.com").await;
        client.add_selected_items(created.id, vec![JobItem::user(&bob).everything()]).await.unwrap();
        let mut first = items[0].clone();
        first.set(vb365::JobItemPart::Archive, false);
        client.update_selected_item(created.id, first).await.unwrap();
        let items: Vec<JobItem> = client.job_selected_items(created.id, 100).try_collect().await.unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].parts(), [vb365::JobItemPart::Mailbox]);
        let bob_item = items[1].id.clone().unwrap();
        client.remove_selected_items(created.id, &[bob_item]).await.unwrap();
        let items: Vec<JobItem> = client.job_selected_items(created.id, 100).try_collect().await.unwrap();
        assert_eq!(items.len(), 1);

        let ceo = user(&client, organization, "ceo@contoso.com").await;
        client.add_excluded_items(created.id, vec![JobItem::user(&ceo).everything()]).await.unwrap();
        let excluded: Vec<JobItem> = client.job_excluded_items(created.id, 100).try_collect().await.unwrap();
        assert_eq!(excluded[0].name(), Some("Carol Chief"));

        client.update_job(created.id, JobChanges::new().name("Contoso mailboxes")).await.unwrap();
        let changed = client.get_job(created.id).await.unwrap();
        assert_eq!(changed.name.as_deref(), Some("Contoso mailboxes"));
        assert_eq!(changed.schedule_policy, created.schedule_policy, "what was not changed stays");

        client.remove_job(created.id).await.unwrap();
        let jobs: Vec<_> = client.jobs(JobFilter::all()).try_collect().await.unwrap();
        assert!(jobs.iter().all(|j| j.id != created.id));
        assert!(matches!(client.get_job(created.id).await, Err(Error::Api { status, .. }) if status.as_u16() == 404));
    }
}

#[tokio::test]
async fn the_server_s_checks_come_back_as_typed_errors_and_change_nothing() {
    let (simulator, client) = started(ApiVersion::V8).await;
    let organization = simulator.organization_id();
    let alice = user(&client, organization, "alice@contoso.com").await;
    let before = simulator.jobs().len();

    let other =
        client.create_job(organization, job("Elsewhere", ABC_WASABI, vec![JobItem::user(&alice).mailbox()])).await;
    let Err(Error::Api { status, message, .. }) = other else { panic!("{other:?}") };
    assert_eq!(status.as_u16(), 400);
    assert!(message.contains("belongs to another organization"), "{message}");

    let stranger = vb365::types::User { id: Some("00000000-dead-4000-8000-000000000000".into()), ..Default::default() };
    let unknown = client
        .create_job(organization, job("Nobody", CONTOSO_LONG_TERM, vec![JobItem::user(&stranger).mailbox()]))
        .await;
    assert!(matches!(&unknown, Err(Error::Api { message, .. }) if message.contains("was not found")), "{unknown:?}");

    let taken = client
        .create_job(organization, job("Contoso Exchange", CONTOSO_LONG_TERM, vec![JobItem::user(&alice).mailbox()]))
        .await;
    assert!(matches!(&taken, Err(Error::Api { message, .. }) if message.contains("already exists")), "{taken:?}");
    assert_eq!(simulator.jobs().len(), before);
}

#[tokio::test]
async fn a_change_against_an_old_etag_is_refused_before_writing() {
    let (simulator, client) = started(ApiVersion::V8).await;
    let job = client.get_job(simulator.job_id()).await.unwrap();
    let etag = job.e_tag.unwrap();
    simulator.update_job(job.id, |j| j.e_tag = Some(etag + 1));
    simulator.clear_requests();
    let error = client.update_job(job.id, JobChanges::new().name("Renamed").if_etag(etag)).await.unwrap_err();
    assert!(
        matches!(error, Error::Conflict { expected, found, .. } if expected == etag && found == etag + 1),
        "{error}"
    );
    assert!(simulator.requests().iter().all(|r| r.method == "GET"), "nothing is written");
    client.update_job(job.id, JobChanges::new().name("Renamed").if_etag(etag + 1)).await.unwrap();
}

#[tokio::test]
async fn update_job_keeps_what_the_server_sent_and_changes_only_what_was_set() {
    let mut job = example_json("get_job_v8.response.200.constructed.json");
    job["futureSetting"] = json!({"keep": [1, 2]});
    let id = job["id"].as_str().unwrap().to_owned();
    let answer = serde_json::to_vec(&job).unwrap();
    let server = TestServer::start(move |request| match request.method.as_str() {
        _ if request.is_token_request() => Reply::token(),
        "GET" => Reply::json(200, answer.clone()),
        _ => Reply::empty(204),
    })
    .await;
    let client = Client::builder(&server.url).api_versions([ApiVersion::V8]).build().unwrap();
    client.login(vb365::Credentials::password("administrator", "XXXXXXXX")).await.unwrap();
    client
        .update_job(id.parse().unwrap(), JobChanges::new().schedule(Schedule::Manual).description("Paused"))
        .await
        .unwrap();
    let put = server.calls().into_iter().find(|c| c.method == "PUT").unwrap();
    assert_eq!(put.path, format!("/v8/Jobs/{id}"));
    let sent = put.json();
    assert_eq!(sent["futureSetting"], json!({"keep": [1, 2]}), "a member the document lacks is sent back");
    assert_eq!(sent["description"], "Paused");
    assert_eq!(sent["schedulePolicy"]["type"], "ManualOnly");
    assert_eq!(sent["name"], job["name"]);
    assert_eq!(sent["repositoryId"], job["repositoryId"]);
    for read_only in ["id", "eTag", "lastRun", "lastStatus", "_links"] {
        assert!(sent.get(read_only).is_none(), "{read_only} is the server's, not sent");
    }
}

#[tokio::test]
async fn the_directory_takes_several_pages_and_sync_runs_on_v8_only() {
    let (simulator, client) = started(ApiVersion::V8).await;
    let organization = simulator.organization_id();
    let users: Vec<_> = client.organization_users(organization, UserFilter::default()).try_collect().await.unwrap();
    assert_eq!(users.len(), 300);
    let pages =
        simulator.requests().iter().filter(|r| r.operation.as_deref() == Some("list_organization_users_v8")).count();
    // Six full pages of 50, then the empty one that shows a full last page was the last.
    assert_eq!(pages, 7);
    let marketing: Vec<_> = client
        .organization_groups(organization, vb365::GroupFilter::default().display_name("Marketing"))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(marketing.len(), 2);

    client.sync_organization(organization, false).await.unwrap();
    assert!(client.sync_state(organization).await.unwrap().is_running());
    let again = client.sync_organization(organization, false).await;
    assert!(matches!(again, Err(Error::Api { .. })), "one at a time");
    assert_eq!(client.sync_states().await.unwrap().len(), 2);

    let (simulator, client) = started(ApiVersion::V6).await;
    let error = client.sync_organization(simulator.organization_id(), false).await.unwrap_err();
    assert!(matches!(error, Error::NotServed { .. }), "{error}");
}
