//! `vb365 jobs create|edit|delete|items|exclusions`: what a job is and
//! what it selects, with every object named as people name it.

use futures::TryStreamExt;
use vb365::api::families::CREATE_JOB;
use vb365::types::{JobBackupType, JobCreate, JobItem, JobItemType};
use vb365::{Client, JobChanges, JobItemPart};

use super::{many, one};
use crate::args::{Collection, CreateJob, ItemArgs, ItemsCommand};
use crate::confirm::confirm;
use crate::failure::Failure;
use crate::output::Output;

pub(super) async fn create(client: &Client, job: CreateJob, output: &mut Output) -> Result<(), Failure> {
    let CreateJob {
        organization,
        repository,
        name,
        description,
        entire_organization,
        items,
        schedule,
        disabled,
        run_now,
    } = job;
    let organization = client.find_organization(&organization).await?;
    let repository = client.find_repository(&repository).await?;
    let selected = if entire_organization { Vec::new() } else { resolve(client, organization.id, &items).await? };
    if !entire_organization && selected.is_empty() {
        return Err(Failure::usage(
            "name what the job selects (--upn, --group, --site, --team) or give --entire-organization",
        ));
    }
    let body = JobCreate {
        name,
        description,
        backup_type: if entire_organization { JobBackupType::EntireOrganization } else { JobBackupType::SelectedItems },
        organization_id: None,
        repository_id: repository.id,
        schedule_policy: Some(schedule.unwrap_or(vb365::Schedule::Manual).policy()),
        is_enabled: Some(!disabled),
        run_now: run_now.then_some(true),
        selected_items: selected,
        excluded_items: Vec::new(),
    };
    one(output, &CREATE_JOB, client.create_job(organization.id, body)).await
}

pub(super) async fn edit(
    client: &Client,
    job: &str,
    name: Option<String>,
    repository: Option<String>,
    schedule: Option<vb365::Schedule>,
    description: Option<String>,
    output: &mut Output,
) -> Result<(), Failure> {
    let found = client.find_job(None, job).await?;
    let mut changes = JobChanges::new();
    changes.name = name;
    changes.description = description;
    if let Some(repository) = repository {
        changes.repository = Some(client.find_repository(&repository).await?.id);
    }
    if let Some(schedule) = schedule {
        let mut policy = found.schedule_policy.clone().unwrap_or_default();
        schedule.apply(&mut policy);
        changes.schedule = Some(policy);
    }
    if changes.is_empty() {
        return Err(Failure::usage("nothing to change: give --name, --repository, --schedule or --description"));
    }
    changes.if_etag = found.e_tag;
    client.update_job(found.id, changes).await?;
    output.done(&format!("Changed job {} ({}).", found.name.as_deref().unwrap_or("?"), found.id))
}

pub(super) async fn delete(client: &Client, job: &str, yes: bool, output: &mut Output) -> Result<(), Failure> {
    let found = client.find_job(None, job).await?;
    let name = found.name.as_deref().unwrap_or("?");
    confirm(&format!("Delete job {name} ({})? Its backups stay in the repository.", found.id), yes)?;
    client.remove_job(found.id).await?;
    output.done(&format!("Deleted job {name} ({}).", found.id))
}

/// `jobs items ...` (`excluded` false) and `jobs exclusions ...` (true).
pub(super) async fn items(
    client: &Client,
    command: ItemsCommand,
    excluded: bool,
    output: &mut Output,
) -> Result<(), Failure> {
    match command {
        ItemsCommand::List { job, collection: Collection { limit, page_size } } => {
            let job = client.find_job(None, &job).await?;
            let page_size = super::page_size_for(limit, page_size);
            let items = if excluded {
                client.job_excluded_items(job.id, page_size)
            } else {
                client.job_selected_items(job.id, page_size)
            };
            many(output, items, limit).await
        }
        ItemsCommand::Add { job, items } => {
            let job = client.find_job(None, &job).await?;
            let organization = job.organization_id.ok_or_else(|| Failure::usage("the job names no organization"))?;
            let found = resolve(client, organization, &items).await?;
            if found.is_empty() {
                return Err(Failure::usage("name the items to add: --upn, --group, --site, --team"));
            }
            let count = found.len();
            match excluded {
                true => client.add_excluded_items(job.id, found).await?,
                false => client.add_selected_items(job.id, found).await?,
            }
            let list = if excluded { "excludes" } else { "selects" };
            output.done(&format!("Job {} {list} {count} more items.", job.name.as_deref().unwrap_or("?")))
        }
        ItemsCommand::Remove { job, items } => {
            let job = client.find_job(None, &job).await?;
            let organization = job.organization_id.ok_or_else(|| Failure::usage("the job names no organization"))?;
            let named = resolve(client, organization, &items).await?;
            let page = client.config().page_size;
            let present: Vec<JobItem> = match excluded {
                true => client.job_excluded_items(job.id, page).try_collect().await?,
                false => client.job_selected_items(job.id, page).try_collect().await?,
            };
            let list = if excluded { "excluded" } else { "selected" };
            let mut ids = Vec::new();
            for item in &named {
                let same = present.iter().find(|p| p.type_ == item.type_ && p.object_id() == item.object_id());
                let same = same.ok_or_else(|| {
                    Failure::usage(format!(
                        "{} is not {list} by job {}",
                        item.label(),
                        job.name.as_deref().unwrap_or("?")
                    ))
                })?;
                ids.push(same.id.clone().unwrap_or_default());
            }
            if ids.is_empty() {
                return Err(Failure::usage("name the items to remove: --upn, --group, --site, --team"));
            }
            match excluded {
                true => client.remove_excluded_items(job.id, &ids).await?,
                false => client.remove_selected_items(job.id, &ids).await?,
            }
            output.done(&format!("Removed {} {list} items of job {}.", ids.len(), job.name.as_deref().unwrap_or("?")))
        }
    }
}

/// The items `args` names, each with the parts the flags ask for (of
/// those its type has), or by default everything it has but team chats.
/// Every name is resolved before anything is written.
async fn resolve(client: &Client, organization: uuid::Uuid, args: &ItemArgs) -> Result<Vec<JobItem>, Failure> {
    let flags = [
        (args.mailbox, JobItemPart::Mailbox),
        (args.archive, JobItemPart::Archive),
        (args.onedrive, JobItemPart::OneDrive),
        (args.site_part, JobItemPart::Sites),
        (args.members, JobItemPart::Members),
        (args.teams_chats, JobItemPart::TeamsChats),
    ];
    let asked: Vec<JobItemPart> = flags.iter().filter(|(on, _)| *on).map(|(_, part)| *part).collect();
    let named = [
        (JobItemType::User, &args.users),
        (JobItemType::Group, &args.groups),
        (JobItemType::Site, &args.sites),
        (JobItemType::Team, &args.teams),
    ];
    let mut items = Vec::new();
    for (type_, names) in named {
        for name in names {
            let item = client.find_item(organization, &type_, name).await?;
            let parts = if asked.is_empty() {
                JobItemPart::defaults(&type_)
            } else {
                asked.iter().copied().filter(|p| JobItemPart::of(&type_).contains(p)).collect()
            };
            if parts.is_empty() && !JobItemPart::of(&type_).is_empty() {
                let has: Vec<String> = JobItemPart::of(&type_).iter().map(|p| format!("--{p}")).collect();
                return Err(Failure::usage(format!(
                    "{}: a {type_} has none of the parts asked for; it has {}",
                    item.label(),
                    has.join(", ")
                )));
            }
            items.push(parts.into_iter().fold(item, JobItem::with));
        }
    }
    // A part asked for that no item has is a mistake, not a no-op.
    let types: Vec<_> = items.iter().filter_map(|i| i.type_.clone()).collect();
    if let Some(part) = asked.iter().find(|p| !types.iter().any(|t| JobItemPart::of(t).contains(p))) {
        return Err(Failure::usage(format!("--{part}: none of the items has that part")));
    }
    Ok(items)
}
