//! Objects by the names people use: an organization or repository by name,
//! a job by name, a user by sign-in or display name, a group or team by
//! name, a site by URL. Each also takes the object's ID. A name that means
//! nothing, or several things, is [`Error::Unresolved`], which lists the
//! candidates.
//!
//! The directory's filters go to the server to narrow the search; the
//! match itself is made here, ignoring case, so that it is the same
//! whatever the server's filters do.

use futures::TryStreamExt;
use uuid::Uuid;

use super::directory::{GroupFilter, SiteFilter, UserFilter};
use crate::types::{BackupRepository, Group, Job, JobItem, JobItemType, Organization, Site, Team, User};
use crate::{Client, Error, JobFilter};

/// The one candidate, or [`Error::Unresolved`] listing them all.
fn one<T>(what: &'static str, name: &str, found: Vec<T>, describe: impl Fn(&T) -> String) -> Result<T, Error> {
    match found.len() {
        1 => Ok(found.into_iter().next().expect("one")),
        _ => Err(Error::unresolved(what, name, found.iter().map(describe).collect())),
    }
}

fn same(a: Option<&str>, b: &str) -> bool {
    a.is_some_and(|a| a.trim().eq_ignore_ascii_case(b.trim()))
}

/// A URL as sites are compared: no trailing slash, any case.
fn url_key(url: &str) -> String {
    url.trim().trim_end_matches('/').to_ascii_lowercase()
}

/// The organization `name` (ID, name or office name) means, of `all`.
pub(crate) fn pick_organization(all: Vec<Organization>, name: &str) -> Result<Organization, Error> {
    let found: Vec<_> = all
        .into_iter()
        .filter(|o| {
            o.id.to_string() == name.trim() || same(o.name.as_deref(), name) || same(o.office_name.as_deref(), name)
        })
        .collect();
    one("organization", name, found, |o| format!("{} ({})", o.name.as_deref().unwrap_or("?"), o.id))
}

/// The repository `name` (ID or name) means, of `all`.
pub(crate) fn pick_repository(all: Vec<BackupRepository>, name: &str) -> Result<BackupRepository, Error> {
    let found: Vec<_> =
        all.into_iter().filter(|r| r.id.to_string() == name.trim() || same(r.name.as_deref(), name)).collect();
    one("repository", name, found, |r| format!("{} ({})", r.name.as_deref().unwrap_or("?"), r.id))
}

impl Client {
    /// The organization with this ID, or this name (`contoso.onmicrosoft.com`)
    /// or office name.
    pub async fn find_organization(&self, name: &str) -> Result<Organization, Error> {
        pick_organization(self.list_organizations().await?, name)
    }

    /// The backup repository with this ID or name.
    pub async fn find_repository(&self, name: &str) -> Result<BackupRepository, Error> {
        let all: Vec<_> = self.backup_repositories().try_collect().await.map_err(Error::first_page)?;
        pick_repository(all, name)
    }

    /// The backup job with this ID or name, of `organization` if given.
    pub async fn find_job(&self, organization: Option<Uuid>, name: &str) -> Result<Job, Error> {
        if let Ok(id) = name.trim().parse::<Uuid>() {
            return self.get_job(id).await;
        }
        let filter = JobFilter { organization, ..JobFilter::default() };
        let all: Vec<_> = self.jobs(filter).try_collect().await.map_err(Error::first_page)?;
        let found: Vec<_> = all.into_iter().filter(|j| same(j.name.as_deref(), name)).collect();
        one("job", name, found, |j| format!("{} ({})", j.name.as_deref().unwrap_or("?"), j.id))
    }

    /// The user with this ID, sign-in name (`alice@contoso.com`) or display
    /// name. A sign-in name that matches exactly wins over display names.
    pub async fn find_user(&self, organization: Uuid, name: &str) -> Result<User, Error> {
        let filter = if name.contains('@') {
            UserFilter::default().name(name.trim())
        } else if name.trim().parse::<Uuid>().is_ok() {
            UserFilter::default()
        } else {
            UserFilter::default().display_name(name.trim())
        };
        let all: Vec<_> =
            self.organization_users(organization, filter).try_collect().await.map_err(Error::first_page)?;
        let by_id: Vec<_> = all.iter().filter(|u| same(u.id.as_deref(), name)).cloned().collect();
        let by_login: Vec<_> = all.iter().filter(|u| same(u.name.as_deref(), name)).cloned().collect();
        let found = if !by_id.is_empty() {
            by_id
        } else if !by_login.is_empty() {
            by_login
        } else {
            all.into_iter().filter(|u| same(u.display_name.as_deref(), name)).collect()
        };
        one("user", name, found, |u| {
            format!(
                "{} <{}> ({})",
                u.display_name.as_deref().unwrap_or("?"),
                u.name.as_deref().unwrap_or("?"),
                u.id.as_deref().unwrap_or("?")
            )
        })
    }

    /// The group with this ID, display name or e-mail name.
    pub async fn find_group(&self, organization: Uuid, name: &str) -> Result<Group, Error> {
        let filter = if name.contains('@') || name.trim().parse::<Uuid>().is_ok() {
            GroupFilter::default()
        } else {
            GroupFilter::default().display_name(name.trim())
        };
        let all: Vec<_> =
            self.organization_groups(organization, filter).try_collect().await.map_err(Error::first_page)?;
        let found: Vec<_> = all
            .into_iter()
            .filter(|g| {
                same(g.id.as_deref(), name) || same(g.display_name.as_deref(), name) || same(g.name.as_deref(), name)
            })
            .collect();
        one("group", name, found, |g| {
            format!(
                "{} <{}> ({})",
                g.display_name.as_deref().unwrap_or("?"),
                g.name.as_deref().unwrap_or("?"),
                g.id.as_deref().unwrap_or("?")
            )
        })
    }

    /// The site with this ID or URL.
    pub async fn find_site(&self, organization: Uuid, url: &str) -> Result<Site, Error> {
        let filter = SiteFilter::default();
        let all: Vec<_> =
            self.organization_sites(organization, filter).try_collect().await.map_err(Error::first_page)?;
        let key = url_key(url);
        let found: Vec<_> = all.into_iter().filter(|s| same(Some(&s.id), url) || url_key(&s.url) == key).collect();
        one("site", url, found, |s| format!("{} ({})", s.url, s.id))
    }

    /// The team with this ID, display name or e-mail address.
    pub async fn find_team(&self, organization: Uuid, name: &str) -> Result<Team, Error> {
        let filter = (!name.contains('@') && name.trim().parse::<Uuid>().is_err()).then(|| name.trim().to_owned());
        let all: Vec<_> =
            self.organization_teams(organization, filter).try_collect().await.map_err(Error::first_page)?;
        let found: Vec<_> = all
            .into_iter()
            .filter(|t| {
                same(Some(&t.id.to_string()), name) || same(Some(&t.display_name), name) || same(Some(&t.mail), name)
            })
            .collect();
        one("team", name, found, |t| format!("{} <{}> ({})", t.display_name, t.mail, t.id))
    }
}

impl Client {
    /// A job item for the user, group, site or team `name` means (see the
    /// `find_` methods), processing nothing yet: add its parts with
    /// [`JobItem::with`] or [`JobItem::everything`].
    pub async fn find_item(&self, organization: Uuid, type_: &JobItemType, name: &str) -> Result<JobItem, Error> {
        Ok(match type_ {
            JobItemType::User => JobItem::user(&self.find_user(organization, name).await?),
            JobItemType::Group => JobItem::group(&self.find_group(organization, name).await?),
            JobItemType::Site => JobItem::site(&self.find_site(organization, name).await?),
            JobItemType::Team => JobItem::team(&self.find_team(organization, name).await?),
            other => {
                let problem = format!("names a {other}; only users, groups, sites and teams are found by name");
                return Err(Error::invalid("find_item", "type", problem));
            }
        })
    }
}
