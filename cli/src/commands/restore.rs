//! `vb365 restore`: what there is to restore from.

use vb365::api::families::GET_RESTORE_POINT;
use vb365::{Client, RestorePointFilter};

use super::{many, one};
use crate::args::{Collection, RestoreCommand};
use crate::failure::Failure;
use crate::output::Output;

pub(super) async fn restore(client: &Client, command: RestoreCommand, output: &mut Output) -> Result<(), Failure> {
    match command {
        RestoreCommand::Points {
            organization,
            job,
            repository,
            since,
            until,
            collection: Collection { limit, .. },
        } => {
            let mut filter = RestorePointFilter::all();
            (filter.organization, filter.job, filter.repository) = (organization, job, repository);
            (filter.since, filter.until) = (since, until);
            many(output, client.restore_points(filter), limit).await
        }
        RestoreCommand::Point { restore_point_id } => {
            one(output, &GET_RESTORE_POINT, client.get_restore_point(&restore_point_id)).await
        }
    }
}
