//! `vb365 organizations users|groups|sites|teams|...`: an organization's
//! directory, searched, and its synchronization. Organizations, users,
//! groups, sites and teams are named as people name them, or by ID.

use std::time::Duration;

use vb365::api::families::{
    GET_ORGANIZATION_GROUP, GET_ORGANIZATION_SITE, GET_ORGANIZATION_SYNC_STATE, GET_ORGANIZATION_TEAM,
    GET_ORGANIZATION_USER, LIST_ORGANIZATION_SYNC_STATES,
};
use vb365::{Client, GroupFilter, SiteFilter, UserFilter};

use super::{listed, many, one};
use crate::args::{Collection, Directory, OrganizationsCommand};
use crate::failure::Failure;
use crate::output::Output;

/// How often `sync --wait` asks how the synchronization stands.
const POLL: Duration = Duration::from_secs(1);

pub(super) async fn directory(
    client: &Client,
    command: OrganizationsCommand,
    output: &mut Output,
) -> Result<(), Failure> {
    let organization = |name: String| async move { client.find_organization(&name).await.map(|o| o.id) };
    match command {
        OrganizationsCommand::Users(Directory { organization: org, search, collection: Collection { limit, .. } }) => {
            let filter = match search {
                Some(text) if text.contains('@') => UserFilter::default().name(text),
                Some(text) => UserFilter::default().display_name(text),
                None => UserFilter::default(),
            };
            many(output, client.organization_users(organization(org).await?, filter), limit).await
        }
        OrganizationsCommand::Groups(Directory { organization: org, search, collection: Collection { limit, .. } }) => {
            let filter = match search {
                Some(text) if text.contains('@') => GroupFilter::default().name(text),
                Some(text) => GroupFilter::default().display_name(text),
                None => GroupFilter::default(),
            };
            many(output, client.organization_groups(organization(org).await?, filter), limit).await
        }
        OrganizationsCommand::Sites(Directory { organization: org, search, collection: Collection { limit, .. } }) => {
            let filter = search.map_or_else(SiteFilter::default, |text| SiteFilter::default().search(text));
            many(output, client.organization_sites(organization(org).await?, filter), limit).await
        }
        OrganizationsCommand::Teams(Directory { organization: org, search, collection: Collection { limit, .. } }) => {
            many(output, client.organization_teams(organization(org).await?, search), limit).await
        }
        OrganizationsCommand::User { organization: org, name } => {
            let org = organization(org).await?;
            let found = client.find_user(org, &name).await?;
            let id = found.id.unwrap_or_default();
            one(output, &GET_ORGANIZATION_USER, client.get_organization_user(org, &id)).await
        }
        OrganizationsCommand::Group { organization: org, group } => {
            let org = organization(org).await?;
            let id = client.find_group(org, &group).await?.id.unwrap_or_default();
            one(output, &GET_ORGANIZATION_GROUP, client.get_organization_group(org, &id)).await
        }
        OrganizationsCommand::Site { organization: org, site } => {
            let org = organization(org).await?;
            let id = client.find_site(org, &site).await?.id;
            one(output, &GET_ORGANIZATION_SITE, client.get_organization_site(org, &id)).await
        }
        OrganizationsCommand::Team { organization: org, team } => {
            let org = organization(org).await?;
            let id = client.find_team(org, &team).await?.id.to_string();
            one(output, &GET_ORGANIZATION_TEAM, client.get_organization_team(org, &id)).await
        }
        OrganizationsCommand::Members { organization: org, group, collection: Collection { limit, .. } } => {
            let org = organization(org).await?;
            let id = client.find_group(org, &group).await?.id.unwrap_or_default();
            many(output, client.group_members(org, &id), limit).await
        }
        OrganizationsCommand::Onedrives { organization: org, name, collection: Collection { limit, .. } } => {
            let org = organization(org).await?;
            let id = client.find_user(org, &name).await?.id.unwrap_or_default();
            many(output, client.user_onedrives(org, &id), limit).await
        }
        OrganizationsCommand::Sync { organization: org, full, wait } => {
            let org_id = organization(org.clone()).await?;
            client.sync_organization(org_id, full).await?;
            if !wait {
                return output
                    .done(&format!("Synchronizing {org}; follow it with vb365 organizations sync-state {org}"));
            }
            loop {
                let state = client.sync_state(org_id).await?;
                if !state.is_running() {
                    return output.one(&state);
                }
                tokio::time::sleep(POLL).await;
            }
        }
        OrganizationsCommand::SyncState { organization: Some(org) } => {
            let org = organization(org).await?;
            one(output, &GET_ORGANIZATION_SYNC_STATE, client.sync_state(org)).await
        }
        OrganizationsCommand::SyncState { organization: None } => {
            listed(output, &LIST_ORGANIZATION_SYNC_STATES, client.sync_states()).await
        }
        other => unreachable!("not a directory command: {other:?}"),
    }
}
