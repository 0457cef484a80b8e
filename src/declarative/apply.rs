//! Making a plan's changes, in its order. Items added to or removed from
//! one job's list one after the other go in one request.

use super::plan::{Action, Change, ItemList, OrganizationPlan};
use crate::types::JobItem;
use crate::{Client, Error};

/// A change that failed, after the ones before it were made.
#[derive(Debug, thiserror::Error)]
#[error("{error} (after {done} of {total} changes)")]
pub struct ApplyError {
    /// How many of the organization's actions were made.
    pub done: usize,
    /// How many it has.
    pub total: usize,
    /// What failed.
    #[source]
    pub error: Error,
}

impl Client {
    /// Makes the changes of one organization's plan, in order, and returns
    /// how many requests that took. Stops at the first failure; what was
    /// made stays made (planning again shows what is left).
    pub async fn apply(&self, plan: &OrganizationPlan) -> Result<usize, ApplyError> {
        let actions = &plan.actions;
        let (mut done, mut requests) = (0, 0);
        while done < actions.len() {
            let batch = batch(&actions[done..]);
            let failed = |error| ApplyError { done, total: actions.len(), error };
            self.make(plan, &actions[done..done + batch]).await.map_err(failed)?;
            done += batch;
            requests += 1;
        }
        Ok(requests)
    }

    /// Makes `actions`: one action, or a run of additions (or removals)
    /// to one list of one job.
    async fn make(&self, plan: &OrganizationPlan, actions: &[Action]) -> Result<(), Error> {
        let first = &actions[0];
        let job = first.job_id.unwrap_or_default();
        match &first.change {
            Change::CreateJob { body } => self.create_job(plan.organization_id, (**body).clone()).await.map(drop),
            Change::ChangeJob { changes, .. } => self.update_job(job, (**changes).clone()).await,
            Change::AddItem { list, .. } => {
                let items: Vec<JobItem> = actions
                    .iter()
                    .filter_map(|a| match &a.change {
                        Change::AddItem { item, .. } => Some((**item).clone()),
                        _ => None,
                    })
                    .collect();
                match list {
                    ItemList::Selected => self.add_selected_items(job, items).await,
                    ItemList::Excluded => self.add_excluded_items(job, items).await,
                }
            }
            Change::ChangeItem { list, item, .. } => match list {
                ItemList::Selected => self.update_selected_item(job, (**item).clone()).await,
                ItemList::Excluded => self.update_excluded_item(job, (**item).clone()).await,
            },
            Change::RemoveItem { list, .. } => {
                let ids: Vec<String> = actions
                    .iter()
                    .filter_map(|a| match &a.change {
                        Change::RemoveItem { item_id, .. } => Some(item_id.clone()),
                        _ => None,
                    })
                    .collect();
                match list {
                    ItemList::Selected => self.remove_selected_items(job, &ids).await,
                    ItemList::Excluded => self.remove_excluded_items(job, &ids).await,
                }
            }
            Change::DeleteJob => self.remove_job(job).await,
        }
    }
}

/// How many of `actions`, from the first, one request makes: a run of
/// additions, or of removals, to the same list of the same job; else one.
fn batch(actions: &[Action]) -> usize {
    let kind = |a: &Action| match &a.change {
        Change::AddItem { list, .. } => Some((a.job_id, *list, true)),
        Change::RemoveItem { list, .. } => Some((a.job_id, *list, false)),
        _ => None,
    };
    match kind(&actions[0]) {
        None => 1,
        Some(first) => actions.iter().take_while(|a| kind(a) == Some(first)).count(),
    }
}
