//! Contract tests of the job scope, in API v6 and v8: creating, changing
//! and removing jobs, what they select and exclude, the organization's
//! directory and its synchronization. Against a server that replays the
//! recorded (constructed) examples, each facade method sends its documented
//! request (method, path, query, body) and each recorded answer decodes to
//! every value it carries.
#![cfg(feature = "simulator")]

mod common;

use common::contract::*;
use common::{TestServer, example_json};
use futures::TryStreamExt;
use uuid::Uuid;
use vb365::types::{JobCreate, JobItem, JobUpdate};
use vb365::{ApiVersion, Client, Credentials, Error, GroupFilter, SiteFilter, UserFilter};

const NEW_JOB: &str = "4f7b0d5e-6a8c-4d9f-8b1e-3a4c5d6e7f80";
const ITEM: &str = "0000000a-7e1d-4c2b-9a8f-6e5d4c3b2a10";
const ALICE: &str = "a11ce000-0000-4000-8000-000000000001";
const FINANCE: &str = "f1a00000-0000-4000-8000-000000000001";
const HR_SITE: &str = "5170e000-0000-4000-8000-000000000001";
const SALES_TEAM: &str = "7ea70000-0000-4000-8000-000000000001";

fn id(text: &str) -> Uuid {
    text.parse().unwrap()
}

/// A replay server and a client pinned to `version`, logged in.
async fn pinned(version: ApiVersion) -> (TestServer, Client) {
    let server = replay().await;
    let client = Client::builder(&server.url).api_versions([version]).build().unwrap();
    client.login(Credentials::password("administrator@abc.onmicrosoft.com", "XXXXXXXX")).await.unwrap();
    server.clear();
    (server, client)
}

fn both() -> [(ApiVersion, bool); 2] {
    [(ApiVersion::V6, false), (ApiVersion::V8, true)]
}

#[tokio::test]
async fn create_job_names_the_organization_in_the_v6_path_and_the_v8_body() {
    for (version, v8) in both() {
        let (server, client) = pinned(version).await;
        let request = if v8 { "create_job_v8.request.constructed.json" } else { "create_job.request.constructed.json" };
        let mut job: JobCreate = serde_json::from_value(example_json(request)).unwrap();
        job.organization_id = None;
        let created = client.create_job(id(ORGANIZATION), job).await.unwrap();
        let sent = next_call(&server);
        if v8 {
            assert_request(&sent, "POST", "/v8/Jobs", None);
            assert_sent("create_job_v8.request.constructed.json", &sent);
            assert_decoded("create_job_v8.response.201.constructed.json", &created);
        } else {
            let path = format!("/v6/Organizations/{ORGANIZATION}/Jobs");
            assert_request(&sent, "POST", &path, None);
            assert_sent("create_job.request.constructed.json", &sent);
            let mut decoded = created.clone();
            decoded.organization_id = None; // filled in from the link; v6 does not send it
            assert_decoded("create_job.response.200.constructed.json", &decoded);
        }
        assert_eq!(created.id, id(NEW_JOB));
        assert_eq!(created.organization_id, Some(id(ORGANIZATION)));
    }
}

#[tokio::test]
async fn create_job_refuses_an_empty_selection_before_sending() {
    let (server, client) = pinned(ApiVersion::V8).await;
    let mut job: JobCreate = serde_json::from_value(example_json("create_job_v8.request.constructed.json")).unwrap();
    job.selected_items.clear();
    let error = client.create_job(id(ORGANIZATION), job).await.unwrap_err();
    assert!(matches!(error, Error::InvalidInput { .. }), "{error}");
    assert!(error.to_string().contains("`selectedItems` is empty"), "{error}");
    assert!(server.calls().is_empty());
}

#[tokio::test]
async fn update_job_sends_the_documented_body() {
    for (version, v8) in both() {
        let (server, client) = pinned(version).await;
        let name = if v8 { "update_job_v8.request.constructed.json" } else { "update_job.request.constructed.json" };
        let body: JobUpdate = serde_json::from_value(example_json(name)).unwrap();
        let job = id(NEW_JOB);
        if v8 {
            client.api().update_job_v8().job_id(job).body(body).send().await.unwrap();
        } else {
            client.api().update_job().job_id(job).body(body).send().await.unwrap();
        }
        let sent = one_call(&server);
        assert_request(&sent, "PUT", &format!("/{version}/Jobs/{NEW_JOB}"), None);
        assert_sent(name, &sent);
        let name = if v8 {
            "update_job_v8.response.204.constructed.empty"
        } else {
            "update_job.response.204.constructed.empty"
        };
        assert_decoded(name, &());
    }
}

#[tokio::test]
async fn remove_job_in_both_versions() {
    for (version, v8) in both() {
        let (server, client) = pinned(version).await;
        client.remove_job(id(NEW_JOB)).await.unwrap();
        assert_request(&next_call(&server), "DELETE", &format!("/{version}/Jobs/{NEW_JOB}"), None);
        let name = if v8 {
            "remove_job_v8.response.204.constructed.empty"
        } else {
            "remove_job.response.204.constructed.empty"
        };
        assert_decoded(name, &());
    }
}

#[tokio::test]
async fn selected_items_are_added_read_changed_and_removed() {
    for (version, v8) in both() {
        let (server, client) = pinned(version).await;
        let job = id(NEW_JOB);
        let base = format!("/{version}/Jobs/{NEW_JOB}/SelectedItems");

        let name = if v8 {
            "add_job_selected_items_v8.request.constructed.json"
        } else {
            "add_job_selected_items.request.constructed.json"
        };
        let items: Vec<JobItem> = serde_json::from_value(example_json(name)).unwrap();
        client.add_selected_items(job, items).await.unwrap();
        let sent = next_call(&server);
        assert_request(&sent, "POST", &base, None);
        assert_sent(name, &sent);
        let name = if v8 {
            "add_job_selected_items_v8.response.204.constructed.empty"
        } else {
            "add_job_selected_items.response.204.constructed.empty"
        };
        assert_decoded(name, &());

        let item = client.get_selected_item(job, ITEM).await.unwrap();
        assert_request(&next_call(&server), "GET", &format!("{base}/{ITEM}"), None);
        let name = if v8 {
            "get_job_selected_item_v8.response.200.constructed.json"
        } else {
            "get_job_selected_item.response.200.constructed.json"
        };
        assert_decoded(name, &item);
        assert_eq!(item.object_id().as_deref(), Some(ALICE));

        let name = if v8 {
            "update_job_selected_item_v8.request.constructed.json"
        } else {
            "update_job_selected_item.request.constructed.json"
        };
        let changed: JobItem = serde_json::from_value(example_json(name)).unwrap();
        client.update_selected_item(job, changed).await.unwrap();
        let sent = next_call(&server);
        assert_request(&sent, "PUT", &format!("{base}/{ITEM}"), None);
        assert_sent(name, &sent);
        let name = if v8 {
            "update_job_selected_item_v8.response.204.constructed.empty"
        } else {
            "update_job_selected_item.response.204.constructed.empty"
        };
        assert_decoded(name, &());

        client.remove_selected_items(job, &[ITEM.to_owned(), "0000000b".to_owned()]).await.unwrap();
        let query = format!("ids={ITEM}%2C0000000b");
        assert_request(&next_call(&server), "DELETE", &base, Some(&query));
        let name = if v8 {
            "remove_job_selected_items_v8.response.204.constructed.empty"
        } else {
            "remove_job_selected_items.response.204.constructed.empty"
        };
        assert_decoded(name, &());
    }
}

#[tokio::test]
async fn excluded_items_are_listed_added_read_changed_and_removed() {
    for (version, v8) in both() {
        let (server, client) = pinned(version).await;
        let job = id(NEW_JOB);
        let base = format!("/{version}/Jobs/{NEW_JOB}/ExcludedItems");

        let items: Vec<JobItem> = client.job_excluded_items(job, 100).try_collect().await.unwrap();
        assert_request(&next_call(&server), "GET", &base, v8.then_some("limit=100&offset=0"));
        if v8 {
            let page = client.api().list_job_excluded_items_v8().job_id(job).send().await.unwrap().into_inner();
            assert_decoded("list_job_excluded_items_v8.response.200.constructed.json", &page);
            assert_eq!(items, page.results);
        } else {
            assert_decoded("list_job_excluded_items.response.200.constructed.json", &items);
        }
        server.clear();
        assert_eq!(items[0].name(), Some("Carol Chief"));

        let name = if v8 {
            "add_job_excluded_items_v8.request.constructed.json"
        } else {
            "add_job_excluded_items.request.constructed.json"
        };
        let items: Vec<JobItem> = serde_json::from_value(example_json(name)).unwrap();
        client.add_excluded_items(job, items).await.unwrap();
        let sent = next_call(&server);
        assert_request(&sent, "POST", &base, None);
        assert_sent(name, &sent);
        let name = if v8 {
            "add_job_excluded_items_v8.response.204.constructed.empty"
        } else {
            "add_job_excluded_items.response.204.constructed.empty"
        };
        assert_decoded(name, &());

        let excluded = "0000000c-7e1d-4c2b-9a8f-6e5d4c3b2a10";
        let item = client.get_excluded_item(job, excluded).await.unwrap();
        assert_request(&next_call(&server), "GET", &format!("{base}/{excluded}"), None);
        let name = if v8 {
            "get_job_excluded_item_v8.response.200.constructed.json"
        } else {
            "get_job_excluded_item.response.200.constructed.json"
        };
        assert_decoded(name, &item);

        let name = if v8 {
            "update_job_excluded_item_v8.request.constructed.json"
        } else {
            "update_job_excluded_item.request.constructed.json"
        };
        let changed: JobItem = serde_json::from_value(example_json(name)).unwrap();
        let changed_id = changed.id.clone().unwrap();
        client.update_excluded_item(job, changed).await.unwrap();
        let sent = next_call(&server);
        assert_request(&sent, "PUT", &format!("{base}/{changed_id}"), None);
        assert_sent(name, &sent);
        let name = if v8 {
            "update_job_excluded_item_v8.response.204.constructed.empty"
        } else {
            "update_job_excluded_item.response.204.constructed.empty"
        };
        assert_decoded(name, &());

        client.remove_excluded_items(job, &[excluded.to_owned()]).await.unwrap();
        assert_request(&next_call(&server), "DELETE", &base, Some(&format!("ids={excluded}")));
        let name = if v8 {
            "remove_job_excluded_items_v8.response.204.constructed.empty"
        } else {
            "remove_job_excluded_items.response.204.constructed.empty"
        };
        assert_decoded(name, &());
    }
}

#[tokio::test]
async fn removing_no_items_sends_nothing_and_a_bad_id_is_refused() {
    let (server, client) = pinned(ApiVersion::V8).await;
    client.remove_selected_items(id(NEW_JOB), &[]).await.unwrap();
    assert!(server.calls().is_empty());
    let error = client.remove_excluded_items(id(NEW_JOB), &["a,b".to_owned()]).await.unwrap_err();
    assert!(matches!(error, Error::InvalidInput { .. }), "{error}");
    assert!(server.calls().is_empty());
}

#[tokio::test]
async fn users_and_their_onedrives_with_the_filters_sent() {
    for (version, v8) in both() {
        let (server, client) = pinned(version).await;
        let organization = id(ORGANIZATION);
        let base = format!("/{version}/Organizations/{ORGANIZATION}/Users");
        let filter = UserFilter::default().name("alice@contoso.com").display_name("Alice");
        let users: Vec<_> = client.organization_users(organization, filter).try_collect().await.unwrap();
        let query = "displayName=Alice&limit=1000&offset=0&userName=alice%40contoso.com";
        assert_request(&next_call(&server), "GET", &base, Some(query));
        let name = if v8 {
            "list_organization_users_v8.response.200.constructed.json"
        } else {
            "list_organization_users.response.200.constructed.json"
        };
        let page = example_json(name);
        assert_eq!(users.len(), page["results"].as_array().unwrap().len());
        if v8 {
            let page = client.api().list_organization_users_v8().organization_id(organization).send().await.unwrap();
            assert_decoded("list_organization_users_v8.response.200.constructed.json", &page.into_inner());
        } else {
            let page = client.api().list_organization_users().organization_id(organization).send().await.unwrap();
            assert_decoded("list_organization_users.response.200.constructed.json", &page.into_inner());
        }
        server.clear();

        let user = client.get_organization_user(organization, ALICE).await.unwrap();
        assert_request(&next_call(&server), "GET", &format!("{base}/{ALICE}"), None);
        let name = if v8 {
            "get_organization_user_v8.response.200.constructed.json"
        } else {
            "get_organization_user.response.200.constructed.json"
        };
        assert_decoded(name, &user);

        let onedrives: Vec<_> = client.user_onedrives(organization, ALICE).try_collect().await.unwrap();
        assert_request(&next_call(&server), "GET", &format!("{base}/{ALICE}/OneDrives"), Some("limit=1000&offset=0"));
        if v8 {
            let api = client.api().list_organization_user_onedrives_v8();
            let page = api.organization_id(organization).user_id(ALICE).send().await.unwrap().into_inner();
            assert_decoded("list_organization_user_onedrives_v8.response.200.constructed.json", &page);
            assert_eq!(onedrives, page.results);
        } else {
            let api = client.api().list_organization_user_onedrives();
            let page = api.organization_id(organization).user_id(ALICE).send().await.unwrap().into_inner();
            assert_decoded("list_organization_user_onedrives.response.200.constructed.json", &page);
            assert_eq!(onedrives, page.results);
        }
    }
}

#[tokio::test]
async fn groups_and_their_members() {
    for (version, v8) in both() {
        let (server, client) = pinned(version).await;
        let organization = id(ORGANIZATION);
        let base = format!("/{version}/Organizations/{ORGANIZATION}/Groups");
        let groups: Vec<_> = client
            .organization_groups(organization, GroupFilter::default().display_name("Fin"))
            .try_collect()
            .await
            .unwrap();
        assert_request(&next_call(&server), "GET", &base, Some("displayName=Fin&limit=1000&offset=0"));
        if v8 {
            let page = client.api().list_organization_groups_v8().organization_id(organization).send().await.unwrap();
            assert_decoded("list_organization_groups_v8.response.200.constructed.json", &page.into_inner());
        } else {
            let page = client.api().list_organization_groups().organization_id(organization).send().await.unwrap();
            assert_decoded("list_organization_groups.response.200.constructed.json", &page.into_inner());
        }
        server.clear();
        assert_eq!(groups[0].display_name.as_deref(), Some("Finance"));

        let group = client.get_organization_group(organization, FINANCE).await.unwrap();
        assert_request(&next_call(&server), "GET", &format!("{base}/{FINANCE}"), None);
        let name = if v8 {
            "get_organization_group_v8.response.200.constructed.json"
        } else {
            "get_organization_group.response.200.constructed.json"
        };
        assert_decoded(name, &group);

        let members: Vec<_> = client.group_members(organization, FINANCE).try_collect().await.unwrap();
        assert_request(&next_call(&server), "GET", &format!("{base}/{FINANCE}/Members"), Some("limit=1000&offset=0"));
        if v8 {
            let api = client.api().list_organization_group_members_v8();
            let page = api.organization_id(organization).group_id(FINANCE).send().await.unwrap().into_inner();
            assert_decoded("list_organization_group_members_v8.response.200.constructed.json", &page);
            assert_eq!(members, page.results);
        } else {
            let api = client.api().list_organization_group_members();
            let page = api.organization_id(organization).group_id(FINANCE).send().await.unwrap().into_inner();
            assert_decoded("list_organization_group_members.response.200.constructed.json", &page);
            assert_eq!(members, page.results);
        }
        assert_eq!(members[0].login, "alice@contoso.com");
    }
}

#[tokio::test]
async fn sites_search_on_the_v8_server_and_here_on_v6() {
    for (version, v8) in both() {
        let (server, client) = pinned(version).await;
        let organization = id(ORGANIZATION);
        let base = format!("/{version}/Organizations/{ORGANIZATION}/Sites");
        let sites: Vec<_> =
            client.organization_sites(organization, SiteFilter::default().search("HR")).try_collect().await.unwrap();
        let query = if v8 {
            "filter=HR&includePersonalSites=false&limit=1000&offset=0"
        } else {
            "includePersonalSites=false&limit=1000&offset=0"
        };
        assert_request(&next_call(&server), "GET", &base, Some(query));
        // The replayed page holds HR and Finance; the search keeps HR only.
        assert_eq!(sites.len(), 1);
        assert_eq!(sites[0].url, "https://contoso.sharepoint.com/sites/hr");
        if v8 {
            let page = client.api().list_organization_sites_v8().organization_id(organization).send().await.unwrap();
            assert_decoded("list_organization_sites_v8.response.200.constructed.json", &page.into_inner());
        } else {
            let page = client.api().list_organization_sites().organization_id(organization).send().await.unwrap();
            assert_decoded("list_organization_sites.response.200.constructed.json", &page.into_inner());
        }
        server.clear();

        let site = client.get_organization_site(organization, HR_SITE).await.unwrap();
        assert_request(&next_call(&server), "GET", &format!("{base}/{HR_SITE}"), None);
        let name = if v8 {
            "get_organization_site_v8.response.200.constructed.json"
        } else {
            "get_organization_site.response.200.constructed.json"
        };
        assert_decoded(name, &site);
    }
}

#[tokio::test]
async fn teams_in_both_versions() {
    for (version, v8) in both() {
        let (server, client) = pinned(version).await;
        let organization = id(ORGANIZATION);
        let base = format!("/{version}/Organizations/{ORGANIZATION}/Teams");
        let teams: Vec<_> = client.organization_teams(organization, Some("Sales".into())).try_collect().await.unwrap();
        assert_request(&next_call(&server), "GET", &base, Some("displayName=Sales&limit=1000&offset=0"));
        if v8 {
            let page = client.api().list_organization_teams_v8().organization_id(organization).send().await.unwrap();
            assert_decoded("list_organization_teams_v8.response.200.constructed.json", &page.into_inner());
        } else {
            let page = client.api().list_organization_teams().organization_id(organization).send().await.unwrap();
            assert_decoded("list_organization_teams.response.200.constructed.json", &page.into_inner());
        }
        server.clear();
        assert_eq!(teams[0].id, id(SALES_TEAM));

        let team = client.get_organization_team(organization, SALES_TEAM).await.unwrap();
        assert_request(&next_call(&server), "GET", &format!("{base}/{SALES_TEAM}"), None);
        let name = if v8 {
            "get_organization_team_v8.response.200.constructed.json"
        } else {
            "get_organization_team.response.200.constructed.json"
        };
        assert_decoded(name, &team);
    }
}

#[tokio::test]
async fn organization_sync_is_v8_only() {
    let (server, client) = pinned(ApiVersion::V8).await;
    let organization = id(ORGANIZATION);
    client.sync_organization(organization, false).await.unwrap();
    let sent = next_call(&server);
    assert_request(&sent, "POST", &format!("/v8/Organizations/{ORGANIZATION}/Sync"), None);
    assert_sent("sync_organization_v8.request.constructed.json", &sent);
    assert_decoded("sync_organization_v8.response.204.constructed.empty", &());

    let state = client.sync_state(organization).await.unwrap();
    assert_request(&next_call(&server), "GET", &format!("/v8/Organizations/{ORGANIZATION}/SyncState"), None);
    assert_decoded("get_organization_sync_state_v8.response.200.constructed.json", &state);
    assert!(!state.is_running());

    let states = client.sync_states().await.unwrap();
    assert_request(&next_call(&server), "GET", "/v8/Organizations/SyncState", None);
    assert_decoded("list_organization_sync_states_v8.response.200.constructed.json", &states);

    let (server, client) = pinned(ApiVersion::V6).await;
    let error = client.sync_organization(organization, true).await.unwrap_err();
    assert!(matches!(error, Error::NotServed { .. }), "{error}");
    assert!(matches!(client.sync_state(organization).await, Err(Error::NotServed { .. })));
    assert!(server.calls().is_empty(), "nothing is sent to a server that lacks it");
}
