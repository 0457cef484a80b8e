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
        directory => super::directory::directory(client, directory, output).await,
    }
}

pub(super) async fn backup_accounts(
    client: &Client,
    command: BackupAccountsCommand,
    bodies: Bodies,
    output: &mut Output,
) -> Result<(), Failure> {
    match command {
        BackupAccountsCommand::List { organization_id: Some(organization_id), .. } => {
            listed(output, &LIST_BACKUP_ACCOUNTS, client.list_backup_accounts(organization_id)).await
        }
        BackupAccountsCommand::List { organization_id: None, concurrency } => {
            every_organization_s_accounts(client, output, concurrency).await
        }
        BackupAccountsCommand::Set { organization_id, .. } => {
            let accounts = bodies.accounts.ok_or_else(|| Failure::usage("no backup accounts to set"))?;
            let count = accounts.len();
            client.set_backup_accounts(organization_id, accounts).await?;
            output.done(&format!("Set {count} backup accounts of organization {organization_id}."))
        }
    }
}

/// The backup accounts of every organization: one walk of the organizations,
/// then `list_backup_accounts` for each, `concurrency` at a time, in the
/// organizations' order. The first organization that cannot be read ends
/// the output with its error.
async fn every_organization_s_accounts(client: &Client, output: &mut Output, concurrency: u32) -> Result<(), Failure> {
    use futures::TryStreamExt;

    let wants_json = output.wants_json();
    let accounts = client
        .organizations(client.config().page_size)
        .map_ok(move |organization| {
            let client = client.clone();
            async move {
                let call = client.list_backup_accounts(organization.id);
                let (accounts, sent) = if wants_json {
                    let (accounts, bodies) = vb365::capture_json(call).await;
                    (accounts, bodies.into_iter().last().map(|body| body.value))
                } else {
                    (call.await, None)
                };
                Ok::<_, vb365::Error>(accounts?.into_iter().zip(sent_items(sent)).map(move |(account, sent)| {
                    let item = OrganizationAccount {
                        organization_id: organization.id,
                        organization: organization.name.clone(),
                        account,
                    };
                    Ok((item, sent))
                }))
            }
        })
        .try_buffered(concurrency as usize)
        .map_ok(futures::stream::iter)
        .try_flatten();
    output.many(accounts, None).await.map(drop)
}

/// Each item of a list body, and then `None` for ever.
fn sent_items(sent: Option<serde_json::Value>) -> impl Iterator<Item = Option<serde_json::Value>> {
    let items = match sent {
        Some(serde_json::Value::Array(items)) => items,
        _ => Vec::new(),
    };
    items.into_iter().map(Some).chain(std::iter::repeat(None))
}

/// A backup account with the organization it belongs to.
#[derive(serde::Serialize)]
pub struct OrganizationAccount {
    #[serde(rename = "organizationId")]
    pub organization_id: uuid::Uuid,
    #[serde(rename = "organizationName", skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    #[serde(flatten)]
    pub account: vb365::types::BackupAccount,
}
