//! An organization's directory as the simulator keeps it: users, groups and
//! their members, sites, teams, OneDrives, and how its last
//! synchronization went.
//!
//! Contoso's starts from the recorded examples and grows to a few hundred
//! users, so that every collection takes several pages; it has two groups
//! named `Marketing`, so that a name can be ambiguous. Other organizations
//! get a smaller generated directory under their own domain.

use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::DateTime;
use crate::types::{
    Group, GroupMember, OneDrive, OrganizationLastSyncState, OrganizationSyncState, Site, SyncResult, SyncType, Team,
    User,
};

const USERS: &str = include_str!("../../openapi/examples/list_organization_users_v8.response.200.constructed.json");
const GROUPS: &str = include_str!("../../openapi/examples/list_organization_groups_v8.response.200.constructed.json");
const MEMBERS: &str =
    include_str!("../../openapi/examples/list_organization_group_members_v8.response.200.constructed.json");
const SITES: &str = include_str!("../../openapi/examples/list_organization_sites_v8.response.200.constructed.json");
const TEAMS: &str = include_str!("../../openapi/examples/list_organization_teams_v8.response.200.constructed.json");
const ONEDRIVES: &str =
    include_str!("../../openapi/examples/list_organization_user_onedrives_v8.response.200.constructed.json");
const SYNC_STATE: &str =
    include_str!("../../openapi/examples/get_organization_sync_state_v8.response.200.constructed.json");

/// How many users the recorded organization's directory holds.
pub(crate) const CONTOSO_USERS: usize = 300;

#[derive(Debug, Default)]
pub(crate) struct Directory {
    pub(crate) users: Vec<User>,
    pub(crate) groups: Vec<Group>,
    /// By group ID.
    pub(crate) members: Vec<(String, GroupMember)>,
    pub(crate) sites: Vec<Site>,
    pub(crate) teams: Vec<Team>,
    /// By user ID.
    pub(crate) onedrives: Vec<(String, OneDrive)>,
    pub(crate) sync: OrganizationSyncState,
    /// A synchronization started through the API: when, and how long it takes.
    pub(crate) syncing: Option<(Instant, Duration)>,
}

impl Directory {
    /// The recorded organization's directory (the examples are Contoso's),
    /// grown with generated users and groups.
    pub(crate) fn recorded(organization: Uuid, shift: impl Fn(&mut Value)) -> Result<Self, String> {
        let mut directory = Self {
            users: results(USERS)?,
            groups: results(GROUPS)?,
            sites: results(SITES)?,
            teams: results(TEAMS)?,
            ..Self::default()
        };
        let finance = directory.groups.first().and_then(|g| g.id.clone()).unwrap_or_default();
        let members: Vec<GroupMember> = results(MEMBERS)?;
        directory.members = members.into_iter().map(|m| (finance.clone(), m)).collect();
        let onedrives: Vec<OneDrive> = results(ONEDRIVES)?;
        let alice = directory.users.first().and_then(|u| u.id.clone()).unwrap_or_default();
        directory.onedrives = onedrives.into_iter().map(|o| (alice.clone(), o)).collect();
        let mut sync: Value = parse(SYNC_STATE)?;
        shift(&mut sync);
        directory.sync = typed(sync)?;
        let domain = Domain { organization, mail: "contoso.com", tenant: "contoso", prefix: 0xc0 };
        directory.grow(&domain, CONTOSO_USERS)?;
        for (n, mail) in [(1, "marketing"), (2, "marketing-emea")] {
            directory.groups.push(domain.group(n, "Marketing", mail)?);
        }
        // Each Marketing group has a few of the generated users.
        for n in 1..=2 {
            let group = domain.id(0x6, n);
            for user in directory.users.iter().skip(3 + 10 * n as usize).take(5) {
                directory.members.push((group.clone(), domain.member(&group, user)?));
            }
        }
        for (n, name) in [(3, "Projects"), (4, "Intranet")] {
            directory.sites.push(domain.site(n, name)?);
        }
        directory.teams.push(domain.team(3, "Support")?);
        Ok(directory)
    }

    /// A generated directory for an organization the examples record none
    /// for: `users` users, a staff group, a site and a team.
    pub(crate) fn generated(organization: Uuid, name: &str, users: usize, prefix: u32) -> Result<Self, String> {
        let tenant = name.split('.').next().unwrap_or(name);
        let mail = name.to_owned();
        let domain = Domain { organization, mail: &mail, tenant, prefix };
        let mut directory = Self::default();
        directory.grow(&domain, users)?;
        let title = tenant.to_ascii_uppercase();
        let staff = domain.group(1, &format!("{title} Staff"), "staff")?;
        let group = staff.id.clone().unwrap_or_default();
        directory.groups.push(staff);
        for user in directory.users.iter().take(10) {
            directory.members.push((group.clone(), domain.member(&group, user)?));
        }
        directory.sites.push(domain.site(1, "Projects")?);
        directory.teams.push(domain.team(1, &format!("{title} Team"))?);
        directory.sync = OrganizationSyncState { organization_id: Some(organization), ..Default::default() };
        Ok(directory)
    }

    /// Adds generated users up to `total`, each with a OneDrive.
    fn grow(&mut self, domain: &Domain<'_>, total: usize) -> Result<(), String> {
        for n in self.users.len() + 1..=total {
            let user = domain.user(n as u32)?;
            let id = user.id.clone().unwrap_or_default();
            let upn = user.name.clone().unwrap_or_default();
            let url = format!("https://{}-my.sharepoint.com/personal/{}", domain.tenant, upn.replace(['@', '.'], "_"));
            let onedrive = typed(json!({"id": format!("b!{}", id.replace('-', "")), "name": "OneDrive", "url": url}))?;
            self.onedrives.push((id, onedrive));
            self.users.push(user);
        }
        Ok(())
    }

    /// Brings a synchronization started here up to `instant`: once its
    /// time is up it succeeds and becomes the last one.
    pub(crate) fn advance(&mut self, instant: Instant, now: &DateTime) {
        let Some((started, takes)) = self.syncing else { return };
        if instant.saturating_duration_since(started) < takes {
            return;
        }
        self.syncing = None;
        let current = self.sync.current_sync_state.take().unwrap_or_default();
        self.sync.last_sync_state = Some(OrganizationLastSyncState {
            type_: current.type_.or(Some(SyncType::Incremental)),
            result: Some(SyncResult::Success),
            start_time: current.start_time,
            end_time: Some(now.clone()),
            error: None,
        });
    }
}

/// Names and IDs of one organization's generated objects.
struct Domain<'a> {
    organization: Uuid,
    mail: &'a str,
    tenant: &'a str,
    /// Keeps IDs apart between organizations.
    prefix: u32,
}

impl Domain<'_> {
    /// The ID of generated object `n` of kind `kind` (1 user, 6 group,
    /// 5 site, 7 team).
    fn id(&self, kind: u32, n: u32) -> String {
        format!("{:02x}{kind:x}{n:05x}-0000-4000-8000-{:012x}", self.prefix, self.prefix)
    }

    fn href(&self, what: &str, id: &str) -> Value {
        json!({"self": {"href": format!("/v8/Organizations/{}/{what}/{id}", self.organization)}})
    }

    fn user(&self, n: u32) -> Result<User, String> {
        let id = self.id(1, n);
        typed(json!({
            "id": id, "displayName": format!("User {n:03}"), "name": format!("user{n:03}@{}", self.mail),
            "type": "User", "locationType": "Cloud", "eTag": 1, "msid": id, "dataLocation": "NAM",
            "office": if n.is_multiple_of(2) { "Redmond" } else { "Dublin" },
            "_links": self.href("Users", &id),
        }))
    }

    fn group(&self, n: u32, name: &str, mail: &str) -> Result<Group, String> {
        let id = self.id(6, n);
        typed(json!({
            "id": id, "displayName": name, "name": format!("{mail}@{}", self.mail), "type": "Office365",
            "locationType": "Cloud", "eTag": 1, "msid": id, "dataLocation": "NAM",
            "_links": self.href("Groups", &id),
        }))
    }

    fn member(&self, group: &str, user: &User) -> Result<GroupMember, String> {
        let id = user.id.clone().unwrap_or_default();
        typed(json!({
            "groupId": group, "name": user.display_name, "login": user.name, "type": "User", "isCloud": true,
            "dataLocation": "NAM", "_links": self.href("Users", &id),
        }))
    }

    fn site(&self, n: u32, title: &str) -> Result<Site, String> {
        let id = self.id(5, n);
        let name = title.to_ascii_lowercase();
        let root = format!("https://{}.sharepoint.com", self.tenant);
        typed(json!({
            "id": id, "url": format!("{root}/sites/{name}"), "parentUrl": root, "name": name, "title": title,
            "isCloud": true, "isPersonal": false, "isAvailable": true, "eTag": 1, "dataLocation": "NAM",
            "_links": self.href("Sites", &id),
        }))
    }

    fn team(&self, n: u32, name: &str) -> Result<Team, String> {
        let id = self.id(7, n);
        let mail = format!("{}-team@{}", name.to_ascii_lowercase().replace(' ', "-"), self.mail);
        typed(json!({
            "id": id, "displayName": name, "description": format!("The {name} team"), "mail": mail, "eTag": 1,
            "msid": id, "dataLocation": "NAM", "_links": self.href("Teams", &id),
        }))
    }
}

fn parse(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("a recorded directory example: {e}"))
}

fn typed<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| format!("a directory value: {e}"))
}

fn results<T: DeserializeOwned>(text: &str) -> Result<Vec<T>, String> {
    let mut page = parse(text)?;
    typed(page.get_mut("results").map(Value::take).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contoso_has_a_few_hundred_users_and_an_ambiguous_group() {
        let directory = Directory::recorded(Uuid::nil(), |_| {}).unwrap();
        assert_eq!(directory.users.len(), CONTOSO_USERS);
        assert_eq!(directory.users[0].name.as_deref(), Some("alice@contoso.com"));
        let marketing = directory.groups.iter().filter(|g| g.display_name.as_deref() == Some("Marketing")).count();
        assert_eq!(marketing, 2);
        let mut ids: Vec<_> = directory.users.iter().map(|u| u.id.clone()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), CONTOSO_USERS, "user IDs are unique");
        assert_eq!(directory.onedrives.len(), CONTOSO_USERS - 2, "Alice's recorded one and one per generated user");
    }

    #[test]
    fn other_organizations_get_their_own_domain() {
        let directory = Directory::generated(Uuid::nil(), "abc.onmicrosoft.com", 40, 0xab).unwrap();
        assert_eq!(directory.users[0].name.as_deref(), Some("user001@abc.onmicrosoft.com"));
        assert_eq!(directory.groups[0].display_name.as_deref(), Some("ABC Staff"));
        assert_eq!(directory.sites[0].url, "https://abc.sharepoint.com/sites/projects");
    }
}
