//! Changing what a backup job selects and what it leaves out of that: users,
//! groups, sites and teams, each with the parts of it the job processes
//! (API v6 and v8). Both lists take the same five requests; each public
//! method is a line over the shared ones below.

use uuid::Uuid;

use super::paging::Pages;
use crate::api::versioned;
use crate::types::{Group, JobItem, JobItemType, JobSite, Site, Team, User};
use crate::{Client, Error};

/// Which of a job's two lists a request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum List {
    /// What the job selects.
    Selected,
    /// What it leaves out of that.
    Excluded,
}

impl List {
    /// The member of the job that carries the list, for error messages.
    fn field(self) -> &'static str {
        match self {
            Self::Selected => "selectedItems",
            Self::Excluded => "excludedItems",
        }
    }
}

impl Client {
    /// Every item a backup job leaves out of what it selects
    /// (`GET /vN/Jobs/{jobId}/ExcludedItems`), as [`Client::job_selected_items`].
    #[inline]
    pub fn job_excluded_items(&self, job_id: Uuid, page_size: u32) -> Pages<JobItem> {
        versioned!(pages self, list_job_excluded_items, page_size, |op| op.job_id(job_id))
    }

    /// One item a job selects, by its ID within the job
    /// (`GET /vN/Jobs/{jobId}/SelectedItems/{itemId}`).
    pub async fn get_selected_item(&self, job_id: Uuid, item_id: &str) -> Result<JobItem, Error> {
        versioned!(send self.api(), get_job_selected_item, |op| op.job_id(job_id).item_id(item_id))
    }

    /// One item a job excludes (`GET /vN/Jobs/{jobId}/ExcludedItems/{itemId}`).
    pub async fn get_excluded_item(&self, job_id: Uuid, item_id: &str) -> Result<JobItem, Error> {
        versioned!(send self.api(), get_job_excluded_item, |op| op.job_id(job_id).item_id(item_id))
    }

    /// Adds items to what a job selects (`POST /vN/Jobs/{jobId}/SelectedItems`).
    /// Checked before sending: at least one item, and each names what it
    /// selects and processes a part it has (see [`JobItem::user`]).
    pub async fn add_selected_items(&self, job_id: Uuid, items: Vec<JobItem>) -> Result<(), Error> {
        check_items("add_job_selected_items", List::Selected, &items)?;
        versioned!(send self.api(), add_job_selected_items, |op| op.job_id(job_id).body(items.clone()))
    }

    /// Adds items to what a job leaves out (`POST /vN/Jobs/{jobId}/ExcludedItems`),
    /// checked as [`Client::add_selected_items`] does.
    pub async fn add_excluded_items(&self, job_id: Uuid, items: Vec<JobItem>) -> Result<(), Error> {
        check_items("add_job_excluded_items", List::Excluded, &items)?;
        versioned!(send self.api(), add_job_excluded_items, |op| op.job_id(job_id).body(items.clone()))
    }

    /// Removes items, by their IDs within the job, from what it selects
    /// (`DELETE /vN/Jobs/{jobId}/SelectedItems?ids=`). No IDs send nothing.
    pub async fn remove_selected_items(&self, job_id: Uuid, item_ids: &[String]) -> Result<(), Error> {
        let Some(ids) = joined_ids("remove_job_selected_items", item_ids)? else { return Ok(()) };
        versioned!(send self.api(), remove_job_selected_items, |op| op.job_id(job_id).ids(ids.clone()))
    }

    /// Removes items from what a job leaves out
    /// (`DELETE /vN/Jobs/{jobId}/ExcludedItems?ids=`), as
    /// [`Client::remove_selected_items`].
    pub async fn remove_excluded_items(&self, job_id: Uuid, item_ids: &[String]) -> Result<(), Error> {
        let Some(ids) = joined_ids("remove_job_excluded_items", item_ids)? else { return Ok(()) };
        versioned!(send self.api(), remove_job_excluded_items, |op| op.job_id(job_id).ids(ids.clone()))
    }

    /// Changes the parts a selected item processes
    /// (`PUT /vN/Jobs/{jobId}/SelectedItems/{itemId}`); `item` is the item as
    /// read, with its `id`, and the flags as they should be.
    pub async fn update_selected_item(&self, job_id: Uuid, item: JobItem) -> Result<(), Error> {
        let id = item_id("update_job_selected_item", List::Selected, &item)?;
        versioned!(send self.api(), update_job_selected_item, |op| op.job_id(job_id).item_id(&id).body(item.clone()))
    }

    /// Changes an excluded item (`PUT /vN/Jobs/{jobId}/ExcludedItems/{itemId}`),
    /// as [`Client::update_selected_item`].
    pub async fn update_excluded_item(&self, job_id: Uuid, item: JobItem) -> Result<(), Error> {
        let id = item_id("update_job_excluded_item", List::Excluded, &item)?;
        versioned!(send self.api(), update_job_excluded_item, |op| op.job_id(job_id).item_id(&id).body(item.clone()))
    }
}

/// Items to add: at least one, each complete (see [`JobItem::problem`]).
pub(crate) fn check_items(operation: &'static str, list: List, items: &[JobItem]) -> Result<(), Error> {
    if items.is_empty() {
        return Err(Error::invalid(operation, list.field(), "is empty: give at least one item"));
    }
    for (at, item) in items.iter().enumerate() {
        if let Some(problem) = item.problem() {
            return Err(Error::invalid(operation, &format!("{}[{at}]", list.field()), problem));
        }
    }
    Ok(())
}

/// The `ids` query of a removal: `None` for no IDs; an ID that is empty or
/// holds a comma (the separator) is refused.
fn joined_ids(operation: &'static str, ids: &[String]) -> Result<Option<String>, Error> {
    if let Some(bad) = ids.iter().find(|id| id.trim().is_empty() || id.contains(',')) {
        return Err(Error::invalid(operation, "ids", format!("holds `{bad}`, which is not an item ID")));
    }
    Ok((!ids.is_empty()).then(|| ids.join(",")))
}

fn item_id(operation: &'static str, list: List, item: &JobItem) -> Result<String, Error> {
    if let Some(problem) = item.problem() {
        return Err(Error::invalid(operation, list.field(), problem));
    }
    match item.id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() => Ok(id.to_owned()),
        _ => Err(Error::invalid(operation, "id", "is missing: change an item as read from the job")),
    }
}

/// A part of an item a backup job can process. Which parts an item has
/// depends on its type ([`JobItemPart::of`]); the CLI and the job files
/// name them `mailbox`, `archive`, `onedrive`, `sites`, `members` and
/// `teams-chats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum JobItemPart {
    /// A user's or group's mailbox.
    Mailbox,
    /// A user's archive mailbox.
    Archive,
    /// A user's OneDrive for Business.
    OneDrive,
    /// A user's personal site, or a group's site.
    Sites,
    /// A group's members, each with their mailbox, archive, OneDrive and
    /// personal site.
    Members,
    /// A team's chats. Never a default: Microsoft meters the export of
    /// chats, so it is asked for by name.
    TeamsChats,
}

impl JobItemPart {
    /// Every part, in the order they print.
    pub const ALL: [Self; 6] =
        [Self::Mailbox, Self::Archive, Self::OneDrive, Self::Sites, Self::Members, Self::TeamsChats];

    /// The parts an item of `type_` has.
    pub fn of(type_: &JobItemType) -> &'static [Self] {
        match type_ {
            JobItemType::User => &[Self::Mailbox, Self::Archive, Self::OneDrive, Self::Sites],
            JobItemType::Group => &[Self::Members, Self::Mailbox, Self::Sites],
            JobItemType::Team => &[Self::TeamsChats],
            _ => &[],
        }
    }

    /// The parts an item of `type_` processes when none are named:
    /// everything it has but team chats.
    pub fn defaults(type_: &JobItemType) -> Vec<Self> {
        Self::of(type_).iter().copied().filter(|p| *p != Self::TeamsChats).collect()
    }

    /// The name the CLI and job files use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mailbox => "mailbox",
            Self::Archive => "archive",
            Self::OneDrive => "onedrive",
            Self::Sites => "sites",
            Self::Members => "members",
            Self::TeamsChats => "teams-chats",
        }
    }
}

impl std::fmt::Display for JobItemPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for JobItemPart {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl std::str::FromStr for JobItemPart {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let wanted = text.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|p| p.as_str() == wanted).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|p| p.as_str()).collect();
            format!("`{text}` is not a part of an item; the parts are {}", names.join(", "))
        })
    }
}

impl JobItem {
    /// A user, processing nothing yet: add the parts with
    /// `.mailbox().archive().onedrive().sites()`, or [`JobItem::everything`].
    pub fn user(user: &User) -> Self {
        let user = User { links: None, ..user.clone() };
        Self { type_: Some(JobItemType::User), user: Some(user), ..Self::default() }
    }

    /// A group, processing nothing yet: add `.members()`, `.mailbox()`,
    /// `.sites()` (the group's site).
    pub fn group(group: &Group) -> Self {
        let group = Group { links: None, ..group.clone() };
        Self { type_: Some(JobItemType::Group), group: Some(group), ..Self::default() }
    }

    /// A SharePoint site, whole.
    pub fn site(site: &Site) -> Self {
        let site = JobSite {
            id: site.id.clone(),
            url: site.url.clone(),
            title: site.title.clone(),
            name: site.name.clone(),
            parent_url: site.parent_url.clone(),
            is_cloud: site.is_cloud,
            is_personal: site.is_personal,
            e_tag: site.e_tag,
            site_collection_error: None,
            links: None,
        };
        Self { type_: Some(JobItemType::Site), site: Some(site), ..Self::default() }
    }

    /// A team, with its channels, posts and files; add `.teams_chats()`
    /// for its chats.
    pub fn team(team: &Team) -> Self {
        let team = Team { links: None, ..team.clone() };
        Self { type_: Some(JobItemType::Team), team: Some(team), ..Self::default() }
    }

    /// Every user's personal site.
    pub fn personal_sites() -> Self {
        Self { type_: Some(JobItemType::PersonalSites), ..Self::default() }
    }

    /// Processes the user's or group's mailbox.
    pub fn mailbox(self) -> Self {
        self.with(JobItemPart::Mailbox)
    }

    /// Processes the user's archive mailbox.
    pub fn archive(self) -> Self {
        self.with(JobItemPart::Archive)
    }

    /// Processes the user's OneDrive for Business.
    pub fn onedrive(self) -> Self {
        self.with(JobItemPart::OneDrive)
    }

    /// Processes the user's personal site, or the group's site.
    pub fn sites(self) -> Self {
        self.with(JobItemPart::Sites)
    }

    /// Processes the group's members, each whole.
    pub fn members(self) -> Self {
        self.with(JobItemPart::Members)
    }

    /// Processes the team's chats.
    pub fn teams_chats(self) -> Self {
        self.with(JobItemPart::TeamsChats)
    }

    /// Processes every part the item has but team chats ([`JobItemPart::defaults`]).
    pub fn everything(self) -> Self {
        let parts = self.type_.as_ref().map(JobItemPart::defaults).unwrap_or_default();
        parts.into_iter().fold(self, Self::with)
    }

    /// Processes `part` as well. A part the item's type does not have is
    /// set all the same and refused when the item is sent.
    pub fn with(mut self, part: JobItemPart) -> Self {
        self.set(part, true);
        self
    }

    /// Sets whether the item processes `part`.
    pub fn set(&mut self, part: JobItemPart, on: bool) {
        let group = self.type_ == Some(JobItemType::Group);
        let on = Some(on);
        match part {
            JobItemPart::Mailbox => self.mailbox = on,
            JobItemPart::Archive => self.archive_mailbox = on,
            JobItemPart::OneDrive => self.one_drive = on,
            JobItemPart::Sites if group => self.group_site = on,
            JobItemPart::Sites => self.personal_site = on,
            JobItemPart::Members => {
                self.members = on;
                self.member_mailbox = on;
                self.member_archive_mailbox = on;
                self.member_onedrive = on;
                self.member_site = on;
            }
            JobItemPart::TeamsChats => self.teams_chats = on,
        }
    }

    /// The parts the item processes, in [`JobItemPart::ALL`]'s order.
    pub fn parts(&self) -> Vec<JobItemPart> {
        let group = self.type_ == Some(JobItemType::Group);
        let on = |flag: Option<bool>| flag == Some(true);
        JobItemPart::ALL
            .into_iter()
            .filter(|part| match part {
                JobItemPart::Mailbox => on(self.mailbox),
                JobItemPart::Archive => on(self.archive_mailbox),
                JobItemPart::OneDrive => on(self.one_drive),
                JobItemPart::Sites if group => on(self.group_site),
                JobItemPart::Sites => on(self.personal_site),
                JobItemPart::Members => on(self.members),
                JobItemPart::TeamsChats => on(self.teams_chats) || on(self.chats),
            })
            .collect()
    }

    /// The ID of what the item selects: its user's, group's, site's or
    /// team's own ID (not the item's ID within the job).
    pub fn object_id(&self) -> Option<String> {
        let user = self.user.as_ref().and_then(|u| u.id.clone());
        let group = self.group.as_ref().and_then(|g| g.id.clone());
        let site = self.site.as_ref().map(|s| s.id.clone());
        let team = self.team.as_ref().map(|t| t.id.to_string());
        user.or(group).or(site).or(team)
    }

    /// What the item selects as people name it: `user alice@contoso.com`,
    /// `group Finance`, `site https://...`, `team Sales`, `personal sites`.
    pub fn label(&self) -> String {
        let user = self.user.as_ref().and_then(|u| u.name.as_deref().or(u.display_name.as_deref()));
        let group = self.group.as_ref().and_then(|g| g.display_name.as_deref().or(g.name.as_deref()));
        let site = self.site.as_ref().map(|s| s.url.as_str());
        let team = self.team.as_ref().map(|t| t.display_name.as_str());
        match (&self.type_, user.or(group).or(site).or(team)) {
            (Some(JobItemType::PersonalSites), _) => String::from("personal sites"),
            (Some(JobItemType::PartialOrganization), _) => String::from("part of the organization"),
            (Some(JobItemType::OneDriveFolders), Some(name)) => format!("OneDrive folders of {name}"),
            (Some(type_), Some(name)) => format!("{} {name}", type_.as_str().to_ascii_lowercase()),
            (Some(type_), None) => type_.as_str().to_ascii_lowercase(),
            (None, name) => name.unwrap_or("an item").to_owned(),
        }
    }

    /// Why the item cannot be sent, if it cannot: no type, no object of
    /// its type, an object without an ID, or a part its type lacks.
    pub fn problem(&self) -> Option<String> {
        let Some(type_) = &self.type_ else { return Some(String::from("has no `type`")) };
        let object = match type_ {
            JobItemType::User => Some(self.user.as_ref().and_then(|u| u.id.as_ref()).is_some()),
            JobItemType::Group => Some(self.group.as_ref().and_then(|g| g.id.as_ref()).is_some()),
            JobItemType::Site => Some(self.site.as_ref().is_some_and(|s| !s.id.is_empty())),
            JobItemType::Team => Some(self.team.is_some()),
            _ => None,
        };
        if object == Some(false) {
            let member = type_.as_str().to_ascii_lowercase();
            return Some(format!("is a {type_} item without a `{member}` that has an `id`"));
        }
        let has = JobItemPart::of(type_);
        if let Some(part) = self.parts().into_iter().find(|p| !has.contains(p)) {
            return Some(format!("is a {type_} item, which has no {part}"));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> User {
        User { id: Some("a11ce".into()), name: Some("alice@contoso.com".into()), ..User::default() }
    }

    #[test]
    fn the_builder_reads_like_the_intent() {
        let item = JobItem::user(&alice()).mailbox().archive();
        assert_eq!(item.parts(), [JobItemPart::Mailbox, JobItemPart::Archive]);
        assert_eq!(item.mailbox, Some(true));
        assert_eq!(item.one_drive, None);
        assert_eq!(item.problem(), None);
        let everything = JobItem::user(&alice()).everything();
        assert_eq!(everything.parts(), JobItemPart::defaults(&JobItemType::User));
    }

    #[test]
    fn a_group_s_members_are_processed_whole() {
        let group = Group { id: Some("f1a".into()), ..Group::default() };
        let item = JobItem::group(&group).members();
        assert_eq!((item.members, item.member_mailbox, item.member_site), (Some(true), Some(true), Some(true)));
        assert_eq!(item.parts(), [JobItemPart::Members]);
        let item = JobItem::group(&group).sites();
        assert_eq!((item.group_site, item.personal_site), (Some(true), None));
    }

    #[test]
    fn parts_an_item_lacks_are_refused() {
        let site = Site {
            id: "5170e".into(),
            url: "https://contoso.sharepoint.com/sites/hr".into(),
            title: "HR".into(),
            is_cloud: true,
            is_personal: false,
            name: None,
            parent_url: None,
            site_collection_error: None,
            links: None,
            e_tag: None,
            msid: None,
            data_location: None,
            is_available: None,
        };
        assert_eq!(JobItem::site(&site).problem(), None);
        assert_eq!(JobItem::site(&site).mailbox().problem().unwrap(), "is a Site item, which has no mailbox");
        let nobody = JobItem { type_: Some(JobItemType::User), ..JobItem::default() };
        assert_eq!(nobody.problem().unwrap(), "is a User item without a `user` that has an `id`");
        assert_eq!(JobItem::default().problem().unwrap(), "has no `type`");
    }

    #[test]
    fn item_lists_are_checked_before_sending() {
        let empty = check_items("add_job_selected_items", List::Selected, &[]).unwrap_err();
        assert_eq!(
            empty.to_string(),
            "add_job_selected_items: invalid input: `selectedItems` is empty: give at least one item"
        );
        let bad = check_items("add_job_excluded_items", List::Excluded, &[JobItem::default()]).unwrap_err();
        assert!(bad.to_string().contains("`excludedItems[0]` has no `type`"), "{bad}");
        assert_eq!(joined_ids("r", &[]).unwrap(), None);
        assert_eq!(joined_ids("r", &["a".into(), "b".into()]).unwrap().as_deref(), Some("a,b"));
        assert!(joined_ids("r", &["a,b".into()]).is_err());
    }

    #[test]
    fn parts_read_by_name() {
        assert_eq!("teams-chats".parse::<JobItemPart>(), Ok(JobItemPart::TeamsChats));
        assert_eq!("OneDrive".parse::<JobItemPart>(), Ok(JobItemPart::OneDrive));
        assert!("calendar".parse::<JobItemPart>().unwrap_err().contains("the parts are mailbox, archive"));
    }
}
