//! From what the files say to what would change: every name resolved,
//! every job of each organization read, and one action for each
//! difference, in an order that never leaves a job selecting less than
//! both before and after would (what widens first, what narrows last).
//! Nothing is written while planning.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use futures::{StreamExt, TryStreamExt};
use serde::Serialize;
use uuid::Uuid;

use super::spec::{ItemSpec, JobSpec, JobsSpec, SelectSpec};
use crate::resources::names::{pick_organization, pick_repository};
use crate::types::{BackupRepository, Job, JobBackupType, JobCreate, JobItem, JobItemType, Organization};
use crate::{Client, Error, JobChanges, JobFilter, JobItemPart, Schedule};

/// One job file, with the name it is known by (a path) for errors.
#[derive(Debug, Clone)]
pub struct Document {
    /// Where it came from: `tenants/contoso.yaml`.
    pub file: String,
    /// What it says.
    pub spec: JobsSpec,
}

/// How to plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlanOptions {
    /// Plan the removal of an organization's jobs that no file names.
    pub prune: bool,
    /// How many organizations are read at once.
    pub concurrency: usize,
}

impl Default for PlanOptions {
    fn default() -> Self {
        Self { prune: false, concurrency: 4 }
    }
}

/// Why there is no plan.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// A file says something that cannot be: an unknown name, a repository
    /// of another organization, a job named twice. Where, and what.
    #[error("{file}: {pointer}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// The place in it, as a JSON pointer: `/jobs/0/select/2/user`.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// The server could not be read.
    #[error(transparent)]
    Server(#[from] Error),
}

/// What would change, organization by organization.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Plan {
    /// One entry a file, in the files' order.
    pub organizations: Vec<OrganizationPlan>,
}

/// What would change in one organization.
#[derive(Debug, Clone, Serialize)]
pub struct OrganizationPlan {
    /// The file that says it.
    pub file: String,
    /// The organization's name.
    pub organization: String,
    /// Its ID.
    pub organization_id: Uuid,
    /// The changes, in the order they are made.
    pub actions: Vec<Action>,
}

/// One change.
#[derive(Debug, Clone, Serialize)]
pub struct Action {
    /// The job's name.
    pub job: String,
    /// The job's ID (`None` for one to create).
    pub job_id: Option<Uuid>,
    /// What changes.
    #[serde(flatten)]
    pub change: Change,
}

/// Which of a job's lists an item change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemList {
    /// What the job selects.
    Selected,
    /// What it leaves out.
    Excluded,
}

impl ItemList {
    fn verb(self) -> &'static str {
        match self {
            Self::Selected => "select",
            Self::Excluded => "exclude",
        }
    }
}

/// What an action changes.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Change {
    /// A new job, with what it selects and excludes (one request).
    CreateJob {
        /// The job as it is sent.
        body: Box<JobCreate>,
    },
    /// Settings of the job: each from and to.
    ChangeJob {
        /// What changes, as people read it.
        fields: Vec<FieldChange>,
        /// The change as it is sent.
        #[serde(skip)]
        changes: Box<JobChanges>,
    },
    /// An item to add to a list.
    AddItem {
        /// Which list.
        list: ItemList,
        /// `user alice@contoso.com`.
        label: String,
        /// The item as it is sent.
        item: Box<JobItem>,
    },
    /// The parts an item of a list processes.
    ChangeItem {
        /// Which list.
        list: ItemList,
        /// What the item selects.
        label: String,
        /// The parts it processes now.
        from: Vec<JobItemPart>,
        /// The parts it will process.
        to: Vec<JobItemPart>,
        /// The item as it is sent (with its ID in the job).
        item: Box<JobItem>,
    },
    /// An item to take out of a list.
    RemoveItem {
        /// Which list.
        list: ItemList,
        /// What the item selects.
        label: String,
        /// Its ID in the job.
        item_id: String,
    },
    /// A job that no file names (`--prune`); its backups stay.
    DeleteJob,
}

/// One setting of a job that changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// `schedule`, `repository`, `enabled`, `description`, `select`.
    pub field: &'static str,
    /// As it is.
    pub from: String,
    /// As it will be.
    pub to: String,
}

impl Action {
    /// The order within a job: what widens the job before what narrows it.
    fn phase(&self) -> u8 {
        match &self.change {
            Change::CreateJob { .. } => 0,
            Change::ChangeJob { changes, .. } if changes.backup_type == Some(JobBackupType::SelectedItems) => 7,
            Change::ChangeJob { .. } => 1,
            Change::AddItem { list: ItemList::Selected, .. } => 2,
            Change::RemoveItem { list: ItemList::Excluded, .. } => 3,
            Change::ChangeItem { .. } => 4,
            Change::AddItem { list: ItemList::Excluded, .. } => 5,
            Change::RemoveItem { list: ItemList::Selected, .. } => 6,
            Change::DeleteJob => 8,
        }
    }

    /// The action as people read it: one line (a new job adds a line for
    /// each item it starts with).
    pub fn text(&self) -> String {
        let job = &self.job;
        match &self.change {
            Change::CreateJob { body } => {
                let selects = match body.backup_type {
                    JobBackupType::EntireOrganization => String::from("entire organization"),
                    _ => format!("{} items", body.selected_items.len()),
                };
                let schedule =
                    body.schedule_policy.as_ref().and_then(Schedule::of).map_or_else(String::new, |s| format!(", {s}"));
                let enabled = if body.is_enabled == Some(false) { ", disabled" } else { "" };
                let mut text = format!("+ create job \"{job}\": {selects}{schedule}{enabled}");
                for (list, items) in
                    [(ItemList::Selected, &body.selected_items), (ItemList::Excluded, &body.excluded_items)]
                {
                    for item in items {
                        let _ = write!(text, "\n+     {} {}{}", list.verb(), item.label(), parts_suffix(&item.parts()));
                    }
                }
                text
            }
            Change::ChangeJob { fields, .. } => {
                let fields: Vec<String> =
                    fields.iter().map(|f| format!("{} {} -> {}", f.field, f.from, f.to)).collect();
                format!("~ job \"{job}\": {}", fields.join(", "))
            }
            Change::AddItem { list, label, item } => {
                format!("+ job \"{job}\": {} {label}{}", list.verb(), parts_suffix(&item.parts()))
            }
            Change::ChangeItem { list, label, from, to, .. } => {
                format!("~ job \"{job}\": {} {label}: {} -> {}", list.verb(), names(from), names(to))
            }
            Change::RemoveItem { list, label, .. } => format!("- job \"{job}\": {} {label}", list.verb()),
            Change::DeleteJob => format!("- delete job \"{job}\""),
        }
    }

    /// Whether the action writes to a job's list of items (not to the job).
    pub fn is_item_change(&self) -> bool {
        matches!(self.change, Change::AddItem { .. } | Change::ChangeItem { .. } | Change::RemoveItem { .. })
    }
}

fn names(parts: &[JobItemPart]) -> String {
    if parts.is_empty() {
        return String::from("nothing");
    }
    parts.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ")
}

fn parts_suffix(parts: &[JobItemPart]) -> String {
    if parts.is_empty() { String::new() } else { format!(" ({})", names(parts)) }
}

impl Plan {
    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        self.organizations.iter().all(|o| o.actions.is_empty())
    }

    /// Jobs to create, to change, to delete, and item changes.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let actions = || self.organizations.iter().flat_map(|o| &o.actions);
        let create = actions().filter(|a| matches!(a.change, Change::CreateJob { .. })).count();
        let delete = actions().filter(|a| matches!(a.change, Change::DeleteJob)).count();
        let changed: HashSet<Uuid> = actions()
            .filter(|a| matches!(a.change, Change::ChangeJob { .. }) || a.is_item_change())
            .filter_map(|a| a.job_id)
            .collect();
        (create, changed.len(), delete, actions().filter(|a| a.is_item_change()).count())
    }

    /// One line: `2 jobs to create, 1 to change, 0 to delete (3 item changes)`.
    pub fn summary(&self) -> String {
        let (create, change, delete, items) = self.counts();
        let jobs = if create == 1 { "job" } else { "jobs" };
        format!("{create} {jobs} to create, {change} to change, {delete} to delete ({items} item changes)")
    }
}

/// A job file's resolved state, for planning.
struct Wanted {
    spec: JobSpec,
    repository: BackupRepository,
    selected: Option<Vec<JobItem>>,
    excluded: Vec<JobItem>,
}

/// What the server has, read once for every file.
struct Server {
    organizations: Vec<Organization>,
    repositories: Vec<BackupRepository>,
    jobs: Vec<Job>,
}

impl Client {
    /// Plans what applying `documents` would change. Every name is
    /// resolved and every problem of a file found before anything could be
    /// written; organizations are read `options.concurrency` at a time.
    pub async fn plan(&self, documents: &[Document], options: PlanOptions) -> Result<Plan, PlanError> {
        twice(documents)?;
        let organizations = self.list_organizations().await?;
        let repositories: Vec<_> = self.backup_repositories().try_collect().await.map_err(Error::first_page)?;
        let jobs: Vec<_> = self.jobs(JobFilter::all()).try_collect().await.map_err(Error::first_page)?;
        let server = Server { organizations, repositories, jobs };
        let mut resolved = Vec::new();
        for document in documents {
            let invalid = |message: String| invalid(&document.file, "/organization", message);
            let organization = pick_organization(server.organizations.clone(), &document.spec.organization)
                .map_err(|e| invalid(e.to_string()))?;
            resolved.push(organization);
        }
        // Every job some file names, by organization: what pruning spares.
        let mut named: HashMap<Uuid, HashSet<String>> = HashMap::new();
        for (document, organization) in documents.iter().zip(&resolved) {
            let names = named.entry(organization.id).or_default();
            names.extend(document.spec.jobs.iter().map(|j| j.name.to_lowercase()));
        }
        let mut pruned = HashSet::new();
        let work = documents.iter().zip(&resolved).map(|(document, organization)| {
            // An organization of several files is pruned with the first.
            let prune = options.prune && pruned.insert(organization.id);
            let spare = &named[&organization.id];
            self.plan_organization(document, organization, &server, prune.then_some(spare))
        });
        let organizations = futures::stream::iter(work).buffered(options.concurrency.max(1)).try_collect().await?;
        Ok(Plan { organizations })
    }

    async fn plan_organization(
        &self,
        document: &Document,
        organization: &Organization,
        server: &Server,
        prune: Option<&HashSet<String>>,
    ) -> Result<OrganizationPlan, PlanError> {
        let file = &document.file;
        let mut found = Resolver { client: self, organization: organization.id, cache: HashMap::new() };
        let mut wanted = Vec::new();
        for (index, spec) in document.spec.jobs.iter().enumerate() {
            let at = |key: &str| format!("/jobs/{index}/{key}");
            let repository = pick_repository(server.repositories.clone(), &spec.repository)
                .map_err(|e| invalid(file, &at("repository"), e.to_string()))?;
            if let Some(owner) = repository.organization_id.filter(|owner| *owner != organization.id) {
                let owner = server.organizations.iter().find(|o| o.id == owner).and_then(|o| o.name.clone());
                let message = format!(
                    "repository `{}` belongs to organization {}, not {}",
                    spec.repository,
                    owner.unwrap_or_else(|| owner_id(repository.organization_id)),
                    organization.name.as_deref().unwrap_or("?")
                );
                return Err(invalid(file, &at("repository"), message));
            }
            let elsewhere =
                server.jobs.iter().find(|j| same_name(j, &spec.name) && j.organization_id != Some(organization.id));
            if let Some(job) = elsewhere {
                let message = format!(
                    "a job named `{}` belongs to another organization ({}); job names are unique on a server",
                    spec.name,
                    owner_id(job.organization_id)
                );
                return Err(invalid(file, &at("name"), message));
            }
            let selected = match &spec.select {
                SelectSpec::EntireOrganization => None,
                SelectSpec::Items(items) => Some(found.items(file, &at("select"), items).await?),
            };
            let excluded = found.items(file, &at("exclude"), &spec.exclude).await?;
            wanted.push(Wanted { spec: spec.clone(), repository, selected, excluded });
        }
        let mut actions = Vec::new();
        for want in wanted {
            let existing = server
                .jobs
                .iter()
                .find(|j| j.organization_id == Some(organization.id) && same_name(j, &want.spec.name));
            let mut job_actions = match existing {
                None => vec![create(organization.id, want)],
                Some(job) => self.differences(job, &want, server).await?,
            };
            job_actions.sort_by_key(Action::phase);
            actions.extend(job_actions);
        }
        if let Some(spare) = prune {
            let unnamed = server.jobs.iter().filter(|j| j.organization_id == Some(organization.id));
            for job in unnamed.filter(|j| !spare.contains(&j.name.clone().unwrap_or_default().to_lowercase())) {
                let name = job.name.clone().unwrap_or_default();
                actions.push(Action { job: name, job_id: Some(job.id), change: Change::DeleteJob });
            }
        }
        Ok(OrganizationPlan {
            file: file.clone(),
            organization: organization.name.clone().unwrap_or_default(),
            organization_id: organization.id,
            actions,
        })
    }

    /// What differs between a job and what its file says.
    async fn differences(&self, job: &Job, want: &Wanted, server: &Server) -> Result<Vec<Action>, PlanError> {
        let spec = &want.spec;
        let mut fields = Vec::new();
        let mut changes = JobChanges::new();
        let repository_name = |id: Option<Uuid>| {
            let found = server.repositories.iter().find(|r| Some(r.id) == id);
            found.and_then(|r| r.name.clone()).unwrap_or_else(|| owner_id(id))
        };
        if job.repository_id != Some(want.repository.id) {
            let to = want.repository.name.clone().unwrap_or_default();
            fields.push(FieldChange { field: "repository", from: repository_name(job.repository_id), to });
            changes.repository = Some(want.repository.id);
        }
        if let Some(schedule) = &spec.schedule {
            let policy = job.schedule_policy.clone().unwrap_or_default();
            let current = Schedule::of(&policy);
            if current.as_ref() != Some(schedule) {
                let from = current.map_or_else(|| String::from("(another)"), |s| s.to_string());
                fields.push(FieldChange { field: "schedule", from, to: schedule.to_string() });
                let mut policy = policy;
                schedule.apply(&mut policy);
                changes.schedule = Some(policy);
            }
        }
        if let Some(enabled) = spec.enabled.filter(|e| job.is_enabled != Some(*e)) {
            let from = job.is_enabled.map_or_else(|| String::from("(unknown)"), |e| e.to_string());
            fields.push(FieldChange { field: "enabled", from, to: enabled.to_string() });
            changes.enabled = Some(enabled);
        }
        if let Some(description) = spec.description.as_ref().filter(|d| job.description.as_ref() != Some(*d)) {
            let from = format!("{:?}", job.description.clone().unwrap_or_default());
            fields.push(FieldChange { field: "description", from, to: format!("{description:?}") });
            changes.description = Some(description.clone());
        }
        let entire = want.selected.is_none();
        let is_entire = job.backup_type == Some(JobBackupType::EntireOrganization);
        let mut actions = Vec::new();
        let action = |change: Change| Action { job: spec.name.clone(), job_id: Some(job.id), change };
        if entire != is_entire {
            let (from, to) = if entire { ("items", "entire-organization") } else { ("entire-organization", "items") };
            let backup_type = if entire { JobBackupType::EntireOrganization } else { JobBackupType::SelectedItems };
            let type_change =
                JobChanges { backup_type: Some(backup_type), if_etag: job.e_tag, ..JobChanges::default() };
            let fields = vec![FieldChange { field: "select", from: from.into(), to: to.into() }];
            actions.push(action(Change::ChangeJob { fields, changes: Box::new(type_change) }));
        }
        if !fields.is_empty() {
            changes.if_etag = job.e_tag;
            actions.push(action(Change::ChangeJob { fields, changes: Box::new(changes) }));
        }
        let page = self.config().page_size;
        let selected: Vec<JobItem> =
            self.job_selected_items(job.id, page).try_collect().await.map_err(Error::first_page)?;
        let excluded: Vec<JobItem> =
            self.job_excluded_items(job.id, page).try_collect().await.map_err(Error::first_page)?;
        let wanted_selected = want.selected.clone().unwrap_or_default();
        for (list, current, wanted) in
            [(ItemList::Selected, selected, wanted_selected), (ItemList::Excluded, excluded, want.excluded.clone())]
        {
            for change in item_differences(list, current, wanted) {
                actions.push(action(change));
            }
        }
        Ok(actions)
    }
}

/// The adds, changes and removals that turn `current` into `wanted`.
/// Items are the same when they select the same object of the same type.
fn item_differences(list: ItemList, current: Vec<JobItem>, wanted: Vec<JobItem>) -> Vec<Change> {
    let key = |i: &JobItem| (i.type_.clone(), i.object_id().map(|id| id.to_lowercase()));
    let mut changes = Vec::new();
    for want in &wanted {
        match current.iter().find(|c| key(c) == key(want)) {
            None => changes.push(Change::AddItem { list, label: want.label(), item: Box::new(want.clone()) }),
            Some(have) if have.parts() != want.parts() => {
                let mut item = have.clone();
                let type_ = item.type_.clone().unwrap_or(JobItemType::User);
                for part in JobItemPart::of(&type_) {
                    item.set(*part, want.parts().contains(part));
                }
                let (from, to) = (have.parts(), want.parts());
                changes.push(Change::ChangeItem { list, label: have.label(), from, to, item: Box::new(item) });
            }
            Some(_) => {}
        }
    }
    for have in current.iter().filter(|c| !wanted.iter().any(|w| key(w) == key(c))) {
        let item_id = have.id.clone().unwrap_or_default();
        changes.push(Change::RemoveItem { list, label: have.label(), item_id });
    }
    changes
}

/// The job a file names and the organization lacks.
fn create(organization: Uuid, want: Wanted) -> Action {
    let Wanted { spec, repository, selected, excluded } = want;
    let backup_type = if selected.is_some() { JobBackupType::SelectedItems } else { JobBackupType::EntireOrganization };
    let body = JobCreate {
        name: spec.name.clone(),
        description: spec.description,
        backup_type,
        organization_id: Some(organization),
        repository_id: repository.id,
        schedule_policy: Some(spec.schedule.unwrap_or(Schedule::Manual).policy()),
        is_enabled: Some(spec.enabled.unwrap_or(true)),
        run_now: None,
        selected_items: selected.unwrap_or_default(),
        excluded_items: excluded,
    };
    Action { job: spec.name, job_id: None, change: Change::CreateJob { body: Box::new(body) } }
}

/// Finds the items of one organization, each name once.
struct Resolver<'a> {
    client: &'a Client,
    organization: Uuid,
    cache: HashMap<(&'static str, String), JobItem>,
}

impl Resolver<'_> {
    /// The items of a list, each with its parts; a name that means
    /// nothing or several things, a part its type lacks, or an object
    /// named twice is an error at its place.
    async fn items(&mut self, file: &str, at: &str, specs: &[ItemSpec]) -> Result<Vec<JobItem>, PlanError> {
        let mut items: Vec<JobItem> = Vec::new();
        for (i, spec) in specs.iter().enumerate() {
            let Some((kind, name)) = spec.object() else {
                return Err(invalid(file, &format!("{at}/{i}"), "names no user, group, site or team".into()));
            };
            let type_ = match kind {
                "user" => JobItemType::User,
                "group" => JobItemType::Group,
                "site" => JobItemType::Site,
                _ => JobItemType::Team,
            };
            let key = (kind, name.trim().to_lowercase());
            let item = match self.cache.get(&key) {
                Some(item) => item.clone(),
                None => {
                    let found = self.client.find_item(self.organization, &type_, name).await;
                    let item = found.map_err(|e| match e {
                        Error::Unresolved { .. } => invalid(file, &format!("{at}/{i}/{kind}"), e.to_string()),
                        other => PlanError::Server(other),
                    })?;
                    self.cache.insert(key, item.clone());
                    item
                }
            };
            let has = JobItemPart::of(&type_);
            let parts = spec.process.clone().unwrap_or_else(|| JobItemPart::defaults(&type_));
            if let Some(part) = parts.iter().find(|p| !has.contains(p)) {
                let has: Vec<&str> = has.iter().map(|p| p.as_str()).collect();
                let has = if has.is_empty() { String::from("none") } else { has.join(", ") };
                let message = format!("a {kind} has no part `{part}` (its parts: {has})");
                return Err(invalid(file, &format!("{at}/{i}/process"), message));
            }
            let item = parts.iter().fold(item, |item, part| item.with(*part));
            if items.iter().any(|other| other.type_ == item.type_ && other.object_id() == item.object_id()) {
                let message = format!("{} is named twice in this list", item.label());
                return Err(invalid(file, &format!("{at}/{i}/{kind}"), message));
            }
            items.push(item);
        }
        Ok(items)
    }
}

/// A job name given twice, in one file or across files (names are unique
/// on a server).
fn twice(documents: &[Document]) -> Result<(), PlanError> {
    let mut seen: HashMap<String, (String, usize)> = HashMap::new();
    for document in documents {
        for (index, job) in document.spec.jobs.iter().enumerate() {
            let key = job.name.trim().to_lowercase();
            if let Some((file, first)) = seen.get(&key) {
                let message = format!("job `{}` is named twice (also in {file} at /jobs/{first}/name)", job.name);
                return Err(invalid(&document.file, &format!("/jobs/{index}/name"), message));
            }
            seen.insert(key, (document.file.clone(), index));
        }
    }
    Ok(())
}

fn same_name(job: &Job, name: &str) -> bool {
    job.name.as_deref().is_some_and(|n| n.trim().eq_ignore_ascii_case(name.trim()))
}

fn owner_id(id: Option<Uuid>) -> String {
    id.map_or_else(|| String::from("?"), |id| id.to_string())
}

fn invalid(file: &str, pointer: &str, message: String) -> PlanError {
    PlanError::Invalid { file: file.to_owned(), pointer: pointer.to_owned(), message }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::User;

    fn user(id: &str, parts: &[JobItemPart]) -> JobItem {
        let user = User { id: Some(id.into()), name: Some(format!("{id}@contoso.com")), ..User::default() };
        parts.iter().fold(JobItem::user(&user), |item, part| item.with(*part))
    }

    fn with_id(mut item: JobItem, id: &str) -> JobItem {
        item.id = Some(id.into());
        item
    }

    #[test]
    fn items_are_added_changed_and_removed_by_what_they_select() {
        use JobItemPart::{Archive, Mailbox};
        let current = vec![with_id(user("alice", &[Mailbox]), "1"), with_id(user("bob", &[Mailbox, Archive]), "2")];
        let wanted = vec![user("bob", &[Mailbox]), user("carol", &[Mailbox])];
        let changes = item_differences(ItemList::Selected, current, wanted);
        let texts: Vec<String> =
            changes.into_iter().map(|change| Action { job: "J".into(), job_id: None, change }.text()).collect();
        assert_eq!(
            texts,
            [
                "~ job \"J\": select user bob@contoso.com: mailbox, archive -> mailbox",
                "+ job \"J\": select user carol@contoso.com (mailbox)",
                "- job \"J\": select user alice@contoso.com",
            ]
        );
    }

    #[test]
    fn what_widens_a_job_comes_before_what_narrows_it() {
        let action = |change| Action { job: "J".into(), job_id: None, change };
        let remove = action(Change::RemoveItem { list: ItemList::Selected, label: "a".into(), item_id: "1".into() });
        let add = action(Change::AddItem { list: ItemList::Selected, label: "b".into(), item: Box::default() });
        let unexclude = action(Change::RemoveItem { list: ItemList::Excluded, label: "c".into(), item_id: "2".into() });
        let exclude = action(Change::AddItem { list: ItemList::Excluded, label: "d".into(), item: Box::default() });
        let mut actions = [remove, exclude, add, unexclude];
        actions.sort_by_key(Action::phase);
        let order: Vec<String> = actions.iter().map(Action::text).collect();
        assert_eq!(
            order,
            ["+ job \"J\": select b", "- job \"J\": exclude c", "+ job \"J\": exclude d", "- job \"J\": select a"]
        );
    }
}
