//! `vb365 license` and `vb365 licensed-users`.

use vb365::{Client, LicensedUserFilter};

use vb365::api::families::GET_LICENSE;

use super::{many, one};
use crate::args::{Collection, LicenseCommand, LicensedUsersCommand};
use crate::failure::Failure;
use crate::output::Output;

pub(super) async fn license(client: &Client, command: LicenseCommand, output: &mut Output) -> Result<(), Failure> {
    match command {
        LicenseCommand::Show => one(output, &GET_LICENSE, client.license()).await,
    }
}

pub(super) async fn licensed_users(
    client: &Client,
    command: LicensedUsersCommand,
    output: &mut Output,
) -> Result<(), Failure> {
    match command {
        LicensedUsersCommand::List { organization, collection: Collection { limit, .. } } => {
            let filter = organization.map_or(LicensedUserFilter::all(), |o| LicensedUserFilter::all().organization(o));
            many(output, client.licensed_users(filter), limit).await
        }
    }
}
