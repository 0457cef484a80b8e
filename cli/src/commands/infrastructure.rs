//! `vb365 repositories`, `vb365 proxies` and `vb365 health`.

use vb365::Client;

use vb365::api::families::{GET_BACKUP_REPOSITORY, GET_HEALTH, GET_PROXY};

use super::{many, one};
use crate::args::{Collection, ProxiesCommand, RepositoriesCommand};
use crate::failure::Failure;
use crate::output::Output;

pub(super) async fn repositories(
    client: &Client,
    command: RepositoriesCommand,
    output: &mut Output,
) -> Result<(), Failure> {
    match command {
        RepositoriesCommand::List(Collection { limit, .. }) => many(output, client.backup_repositories(), limit).await,
        RepositoriesCommand::Get { repository_id } => {
            one(output, &GET_BACKUP_REPOSITORY, client.get_backup_repository(repository_id)).await
        }
        RepositoriesCommand::Usage { organization, collection: Collection { limit, .. } } => {
            many(output, client.organization_used_repositories(organization), limit).await
        }
    }
}

pub(super) async fn proxies(client: &Client, command: ProxiesCommand, output: &mut Output) -> Result<(), Failure> {
    match command {
        ProxiesCommand::List(Collection { limit, .. }) => many(output, client.proxies(), limit).await,
        ProxiesCommand::Get { proxy_id } => one(output, &GET_PROXY, client.get_proxy(proxy_id)).await,
    }
}

pub(super) async fn health(client: &Client, output: &mut Output) -> Result<(), Failure> {
    one(output, &GET_HEALTH, client.health()).await
}
