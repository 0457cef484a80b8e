//! `vb365 organizations` and `vb365 backup-accounts`.

use vb365::Client;

use vb365::api::families::{ADD_ORGANIZATION, GET_ORGANIZATION, GET_ORGANIZATION_LICENSING, LIST_BACKUP_ACCOUNTS};

use super::{Bodies, listed, many, one};
use crate::args::{BackupAccountsCommand, Collection, OrganizationsCommand};
use crate::failure::Failure;
use crate::output::Output;

pub(super) async fn organizations(
    client: &Client,
    command: OrganizationsCommand,
    bodies: Bodies,
    output: &mut Output,
) -> Result<(), Failure> {
    match command {
        OrganizationsCommand::List(Collection { limit, page_size }) => {
            many(output, client.organizations(super::page_size_for(limit, page_size)), limit).await
        }
        OrganizationsCommand::Get { organization_id } => {
            one(output, &GET_ORGANIZATION, client.get_organization(organization_id)).await
        }
        OrganizationsCommand::Licensing { organization_id } => {
            one(output, &GET_ORGANIZATION_LICENSING, client.organization_licensing(organization_id)).await
        }
        OrganizationsCommand::Add { .. } => {
            let organization = bodies.organization.ok_or_else(|| Failure::usage("no organization to add"))?;
            one(output, &ADD_ORGANIZATION, client.add_organization(organization)).await
        }
    }
}

pub(super) async fn backup_accounts(
    client: &Client,
    command: BackupAccountsCommand,
    bodies: Bodies,
    output: &mut Output,
) -> Result<(), Failure> {
    match command {
        BackupAccountsCommand::List { organization_id } => {
            listed(output, &LIST_BACKUP_ACCOUNTS, client.list_backup_accounts(organization_id)).await
        }
        BackupAccountsCommand::Set { organization_id, .. } => {
            let accounts = bodies.accounts.ok_or_else(|| Failure::usage("no backup accounts to set"))?;
            let count = accounts.len();
            client.set_backup_accounts(organization_id, accounts).await?;
            output.done(&format!("Set {count} backup accounts of organization {organization_id}."))
        }
    }
}
