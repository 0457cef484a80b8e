//! What an organization's directory holds, as the server last read it from
//! Microsoft 365: users and their OneDrives, groups and their members,
//! SharePoint sites and teams. This is where a backup job's items come
//! from ([`crate::types::JobItem::user`] and its siblings).
//!
//! Every collection is a stream in pages on API v6 and v8 alike. The
//! filters go to the server, which matches them its own way; a caller that
//! needs one exact match (a user by sign-in name) compares what comes back.

use uuid::Uuid;

use super::Optionally;
use super::paging::Pages;
use crate::api::versioned;
use crate::types::{DirectoryLocation, Group, GroupMember, OneDrive, Site, SiteLocation, Team, User};
use crate::{Client, Error};

/// Which users [`Client::organization_users`] lists; the default lists all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserFilter {
    /// Only users whose sign-in name matches (`userName`).
    pub name: Option<String>,
    /// Only users whose display name matches (`displayName`).
    pub display_name: Option<String>,
    /// Only users that live there (`locationFilter`).
    pub location: Option<DirectoryLocation>,
}

impl UserFilter {
    /// Only users whose sign-in name matches `name`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Only users whose display name matches `display_name`.
    pub fn display_name(mut self, display_name: impl Into<String>) -> Self {
        self.display_name = Some(display_name.into());
        self
    }
}

/// Which groups [`Client::organization_groups`] lists; the default lists all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct GroupFilter {
    /// Only groups whose name (e-mail address) matches (`groupName`).
    pub name: Option<String>,
    /// Only groups whose display name matches (`displayName`).
    pub display_name: Option<String>,
    /// Only groups that live there (`locationFilter`).
    pub location: Option<DirectoryLocation>,
}

impl GroupFilter {
    /// Only groups whose name (e-mail address) matches `name`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Only groups whose display name matches `display_name`.
    pub fn display_name(mut self, display_name: impl Into<String>) -> Self {
        self.display_name = Some(display_name.into());
        self
    }
}

/// Which sites [`Client::organization_sites`] lists; the default lists
/// every site but personal ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SiteFilter {
    /// Only sites whose title or URL contains this text, ignoring case.
    /// API v8 filters on the server (`filter`); v6 cannot, and the stream
    /// filters what it answers.
    pub search: Option<String>,
    /// Also personal (OneDrive) sites.
    pub include_personal: bool,
    /// Only the sites under this one.
    pub parent_id: Option<String>,
    /// Only sites that live there.
    pub location: Option<SiteLocation>,
}

impl SiteFilter {
    /// Only sites whose title or URL contains `text`.
    pub fn search(mut self, text: impl Into<String>) -> Self {
        self.search = Some(text.into());
        self
    }
}

impl Client {
    /// The users of an organization (`GET /vN/Organizations/{id}/Users`).
    #[inline]
    pub fn organization_users(&self, organization_id: Uuid, filter: UserFilter) -> Pages<User> {
        let page_size = self.config().page_size;
        versioned!(pages self, list_organization_users, page_size, [filter] |op| op
            .organization_id(organization_id)
            .optionally(filter.name.clone(), |op, v| op.user_name(v))
            .optionally(filter.display_name.clone(), |op, v| op.display_name(v))
            .optionally(filter.location.clone(), |op, v| op.location_filter(v)))
    }

    /// One user of an organization (`GET /vN/Organizations/{id}/Users/{userId}`).
    pub async fn get_organization_user(&self, organization_id: Uuid, user_id: &str) -> Result<User, Error> {
        versioned!(send self.api(), get_organization_user, |op| op.organization_id(organization_id).user_id(user_id))
    }

    /// A user's OneDrives (`GET /vN/Organizations/{id}/Users/{userId}/OneDrives`).
    #[inline]
    pub fn user_onedrives(&self, organization_id: Uuid, user_id: &str) -> Pages<OneDrive> {
        let page_size = self.config().page_size;
        let user_id = user_id.to_owned();
        versioned!(pages self, list_organization_user_onedrives, page_size, [user_id] |op| op
            .organization_id(organization_id)
            .user_id(&user_id))
    }

    /// The groups of an organization (`GET /vN/Organizations/{id}/Groups`).
    #[inline]
    pub fn organization_groups(&self, organization_id: Uuid, filter: GroupFilter) -> Pages<Group> {
        let page_size = self.config().page_size;
        versioned!(pages self, list_organization_groups, page_size, [filter] |op| op
            .organization_id(organization_id)
            .optionally(filter.name.clone(), |op, v| op.group_name(v))
            .optionally(filter.display_name.clone(), |op, v| op.display_name(v))
            .optionally(filter.location.clone(), |op, v| op.location_filter(v)))
    }

    /// One group (`GET /vN/Organizations/{id}/Groups/{groupId}`).
    pub async fn get_organization_group(&self, organization_id: Uuid, group_id: &str) -> Result<Group, Error> {
        versioned!(send self.api(), get_organization_group, |op| op.organization_id(organization_id).group_id(group_id))
    }

    /// The members of a group (`GET /vN/Organizations/{id}/Groups/{groupId}/Members`).
    #[inline]
    pub fn group_members(&self, organization_id: Uuid, group_id: &str) -> Pages<GroupMember> {
        let page_size = self.config().page_size;
        let group_id = group_id.to_owned();
        versioned!(pages self, list_organization_group_members, page_size, [group_id] |op| op
            .organization_id(organization_id)
            .group_id(&group_id))
    }

    /// The SharePoint sites of an organization (`GET /vN/Organizations/{id}/Sites`).
    #[inline]
    pub fn organization_sites(&self, organization_id: Uuid, filter: SiteFilter) -> Pages<Site> {
        let page_size = self.config().page_size;
        let search = filter.search.clone();
        let sites = versioned!(pages self, list_organization_sites, page_size, [filter]
            v8: |op| op
                .organization_id(organization_id)
                .include_personal_sites(filter.include_personal)
                .optionally(filter.search.clone(), |op, v| op.filter(v))
                .optionally(filter.parent_id.clone(), |op, v| op.parent_id(v))
                .optionally(filter.location.clone(), |op, v| op.location_filter(v)),
            v6: |op| op
                .organization_id(organization_id)
                .include_personal_sites(filter.include_personal)
                .optionally(filter.parent_id.clone(), |op, v| op.parent_id(v))
                .optionally(filter.location.clone(), |op, v| op.location_filter(v)));
        let search = search.map(|s| s.to_lowercase());
        sites.adjusted(move |site| {
            search
                .as_deref()
                .is_none_or(|s| site.title.to_lowercase().contains(s) || site.url.to_lowercase().contains(s))
        })
    }

    /// One site (`GET /vN/Organizations/{id}/Sites/{siteId}`).
    pub async fn get_organization_site(&self, organization_id: Uuid, site_id: &str) -> Result<Site, Error> {
        versioned!(send self.api(), get_organization_site, |op| op.organization_id(organization_id).site_id(site_id))
    }

    /// The teams of an organization (`GET /vN/Organizations/{id}/Teams`),
    /// only those whose display name matches `display_name` if given.
    #[inline]
    pub fn organization_teams(&self, organization_id: Uuid, display_name: Option<String>) -> Pages<Team> {
        let page_size = self.config().page_size;
        versioned!(pages self, list_organization_teams, page_size, [display_name] |op| op
            .organization_id(organization_id)
            .optionally(display_name.clone(), |op, v| op.display_name(v)))
    }

    /// One team (`GET /vN/Organizations/{id}/Teams/{teamId}`).
    pub async fn get_organization_team(&self, organization_id: Uuid, team_id: &str) -> Result<Team, Error> {
        versioned!(send self.api(), get_organization_team, |op| op.organization_id(organization_id).team_id(team_id))
    }
}
