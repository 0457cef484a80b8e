//! The tour's job-scope steps: the organization's directory, its
//! synchronization, a job created, filled, changed and removed, and a job
//! file applied twice.

use std::error::Error as StdError;

use futures::TryStreamExt;
use uuid::Uuid;
use vb365::declarative::{Document, JobsSpec, PlanOptions};
use vb365::types::{JobBackupType, JobCreate, JobItem};
use vb365::{Client, Error, GroupFilter, JobChanges, Schedule, SiteFilter, UserFilter};

use super::Steps;

/// The example job file: what `vb365 jobs apply -f examples/jobs.yaml` reads.
const JOBS: &str = include_str!("../jobs.yaml");

pub(super) async fn scope(
    client: &Client,
    steps: &mut Steps,
    organization: Uuid,
    changes: bool,
) -> Result<(), Box<dyn StdError>> {
    let users = steps
        .run(
            "list the organization's users",
            collect(client.organization_users(organization, UserFilter::default())),
            |u| format!("{} users", u.len()),
        )
        .await?;
    let groups = steps
        .run("list its groups", collect(client.organization_groups(organization, GroupFilter::default())), |g| {
            format!("{} groups", g.len())
        })
        .await?;
    let sites = steps
        .run("list its sites", collect(client.organization_sites(organization, SiteFilter::default())), |s| {
            format!("{} sites", s.len())
        })
        .await?;
    let teams = steps
        .run("list its teams", collect(client.organization_teams(organization, None)), |t| format!("{} teams", t.len()))
        .await?;
    if let Some(user) = users.first().and_then(|u| u.id.clone()) {
        let get = client.get_organization_user(organization, &user);
        steps.run("get a user", get, |u| u.name.clone().unwrap_or_default()).await?;
        let drives = collect(client.user_onedrives(organization, &user));
        steps.run("list the user's OneDrives", drives, |d| format!("{} OneDrives", d.len())).await?;
        let name = users[0].name.clone().unwrap_or_default();
        steps.run("find a user by sign-in name", client.find_user(organization, &name), |u| shown(&u.id)).await?;
    }
    if let Some(group) = groups.first().and_then(|g| g.id.clone()) {
        let get = client.get_organization_group(organization, &group);
        steps.run("get a group", get, |g| g.display_name.clone().unwrap_or_default()).await?;
        let members = collect(client.group_members(organization, &group));
        steps.run("list the group's members", members, |m| format!("{} members", m.len())).await?;
    }
    if let Some(site) = sites.first() {
        let get = client.get_organization_site(organization, &site.id);
        steps.run("get a site", get, |s| s.url.clone()).await?;
    }
    if let Some(team) = teams.first() {
        let id = team.id.to_string();
        let get = client.get_organization_team(organization, &id);
        steps.run("get a team", get, |t| t.display_name.clone()).await?;
    }
    match client.sync_states().await {
        Err(Error::NotServed { .. }) => steps.skip("synchronize the directory", "API v8 only; this server serves v6"),
        _ if !changes => steps.skip("synchronize the directory", "changes a real server; pass --allow-changes"),
        _ => {
            let sync = client.sync_organization(organization, false);
            steps.run("synchronize the directory (v8)", sync, |()| String::from("queued")).await?;
            let state = client.sync_state(organization);
            steps.run("read the synchronization state", state, |s| format!("running: {}", s.is_running())).await?;
            let all = client.sync_states();
            steps.run("every organization's sync state", all, |s| format!("{} organizations", s.len())).await?;
        }
    }
    if !changes {
        steps.skip("create, fill, change and remove a job", "pass --allow-changes");
        return Ok(());
    }
    let repository = client.find_repository("Repo 1").await?;
    let alice = client.find_user(organization, "alice@contoso.com").await?;
    let job = JobCreate {
        name: String::from("Tour job"),
        description: Some(String::from("Made by the tour")),
        backup_type: JobBackupType::SelectedItems,
        organization_id: None,
        repository_id: repository.id,
        schedule_policy: Some(Schedule::daily(22, 0).policy()),
        is_enabled: Some(true),
        run_now: None,
        selected_items: vec![JobItem::user(&alice).mailbox().archive()],
        excluded_items: Vec::new(),
    };
    let job = steps.run("create a job", client.create_job(organization, job), |j| shown(&j.name)).await?;
    let bob = client.find_user(organization, "Bob Brown").await?;
    let finance = client.find_group(organization, "Finance").await?;
    let add =
        client.add_selected_items(job.id, vec![JobItem::user(&bob).everything(), JobItem::group(&finance).members()]);
    steps.run("add a user and a group", add, |()| String::from("2 items")).await?;
    let items = steps
        .run("list what it selects", collect(client.job_selected_items(job.id, 100)), |i| {
            i.iter().map(JobItem::label).collect::<Vec<_>>().join(", ")
        })
        .await?;
    let first = items.first().and_then(|i| i.id.clone()).unwrap_or_default();
    let item = steps.run("get one item", client.get_selected_item(job.id, &first), |i| i.label()).await?;
    let update = client.update_selected_item(job.id, item.onedrive());
    steps.run("process Alice's OneDrive as well", update, |()| String::from("changed")).await?;
    let group_item = items.iter().find(|i| i.group.is_some()).and_then(|i| i.id.clone()).unwrap_or_default();
    let group_item = [group_item];
    let remove = client.remove_selected_items(job.id, &group_item);
    steps.run("remove the group", remove, |()| String::from("removed")).await?;
    let ceo = client.find_user(organization, "ceo@contoso.com").await?;
    let exclude = client.add_excluded_items(job.id, vec![JobItem::user(&ceo).everything()]);
    steps.run("exclude a user", exclude, |()| String::from("excluded")).await?;
    let excluded = steps
        .run("list what it excludes", collect(client.job_excluded_items(job.id, 100)), |i| format!("{} items", i.len()))
        .await?;
    if let Some(id) = excluded.first().and_then(|i| i.id.clone()) {
        let get = client.get_excluded_item(job.id, &id);
        let item = steps.run("get the exclusion", get, |i| i.label()).await?;
        let update = client.update_excluded_item(job.id, item);
        steps.run("write it back unchanged", update, |()| String::from("written")).await?;
        let id = [id];
        let remove = client.remove_excluded_items(job.id, &id);
        steps.run("remove the exclusion", remove, |()| String::from("removed")).await?;
    }
    let change = client.update_job(job.id, JobChanges::new().schedule(Schedule::Manual).if_etag(0).name("Tour job"));
    if let Err(Error::Conflict { .. }) = change.await {
        println!("       (a change against a stale eTag is refused; v8 guards it)");
    }
    let rename = client.update_job(job.id, JobChanges::new().name("Tour job (renamed)").schedule(Schedule::Manual));
    steps.run("rename it and run it by hand only", rename, |()| String::from("changed")).await?;
    steps.run("remove the job", client.remove_job(job.id), |()| String::from("removed")).await?;

    let value = vb365_yaml::parse(JOBS)?;
    let documents = [Document { file: String::from("examples/jobs.yaml"), spec: JobsSpec::from_value(value)? }];
    for round in ["first", "second"] {
        let plan = client.plan(&documents, PlanOptions::default()).await?;
        let summary = plan.summary();
        let name = format!("apply examples/jobs.yaml ({round})");
        let apply = async {
            let mut requests = 0;
            for organization in &plan.organizations {
                requests += client.apply(organization).await.map_err(|e| e.error)?;
            }
            Ok::<_, Error>(requests)
        };
        steps.run(&name, apply, |n| format!("{n} writes: {summary}")).await?;
    }
    Ok(())
}

async fn collect<T: Send + Clone + PartialEq + 'static>(pages: vb365::Pages<T>) -> Result<Vec<T>, Error> {
    pages.try_collect().await
}

fn shown<T: std::fmt::Display>(value: &Option<T>) -> String {
    value.as_ref().map_or_else(|| String::from("?"), ToString::to_string)
}
