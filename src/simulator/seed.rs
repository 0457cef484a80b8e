//! The simulator's starting state, taken from the recorded examples.

use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use super::SimulatorConfig;
use super::state::{Job, World};
use crate::types::{BackupAccount, JobItemPage, OrganizationPage, RestoreSession};

/// The organization of the backup-account pages (seeds/000, seeds/001).
pub(crate) const ORGANIZATION_ID: Uuid = Uuid::from_u128(0x6f9b3da3_204d_4a4b_b466_55586e0233fc);
/// The job of the selected-mailboxes page (seeds/002).
pub(crate) const JOB_ID: Uuid = Uuid::from_u128(0x00b96531_1a68_4c90_a398_91141ffedb3b);
/// The organization the seeds/002 mailboxes belong to.
const MAILBOX_ORGANIZATION_ID: Uuid = Uuid::from_u128(0x7b2b1ae1_7bbb_4651_b479_bda7edc7838b);

/// The v8 page: the v6 organizations with the v8 fields (v6 answers drop them).
const ORGANIZATIONS: &str = include_str!("../../openapi/examples/list_organizations_v8.response.200.constructed.json");
const BACKUP_ACCOUNTS: &str = include_str!("../../openapi/examples/list_backup_accounts.response.200.json");
const RESTORE_SESSION: &str = include_str!("../../openapi/examples/explore_tenant_organization.response.200.json");
const MAILBOXES: &str = include_str!("../../openapi/examples/list_job_selected_mailboxes.response.200.json");
const JOB_ITEMS: &str = include_str!("../../openapi/examples/list_job_selected_items_v8.response.200.constructed.json");

pub(crate) fn world(config: &SimulatorConfig) -> Result<World, String> {
    let mut world = World::new(config.token_lifetime);
    world.organizations = parse::<OrganizationPage>("organizations", ORGANIZATIONS)?.results;
    let accounts = parse::<Vec<BackupAccount>>("backup accounts", BACKUP_ACCOUNTS)?;
    world.backup_accounts.insert(ORGANIZATION_ID, accounts);
    let session = parse::<RestoreSession>("restore session", RESTORE_SESSION)?;
    world.sessions.insert(session.id, session);
    let page = parse::<Value>("mailboxes", MAILBOXES)?;
    let recorded = page.get("results").and_then(Value::as_array).cloned().unwrap_or_default();
    let count = config.mailbox_count;
    let items = parse::<JobItemPage>("job items", JOB_ITEMS)?.results;
    let item_count = config.job_item_count;
    world.jobs.insert(
        JOB_ID,
        Job {
            recorded: recorded.into_iter().take(count).collect(),
            count,
            recorded_items: items.into_iter().take(item_count).collect(),
            item_count,
            organization_id: MAILBOX_ORGANIZATION_ID,
        },
    );
    Ok(world)
}

fn parse<T: DeserializeOwned>(what: &str, text: &str) -> Result<T, String> {
    let (value, _) = vb365_contract::examples::parse_json(text).map_err(|e| format!("recorded {what}: {e}"))?;
    serde_json::from_value(value).map_err(|e| format!("recorded {what}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recorded_examples_seed_the_world() {
        let world = world(&SimulatorConfig::default()).unwrap();
        assert!(world.organizations.iter().any(|o| o.id == ORGANIZATION_ID));
        assert_eq!(world.backup_accounts[&ORGANIZATION_ID].len(), 4);
        assert_eq!(world.jobs[&JOB_ID].mailbox(0)["name"], "Peter Parker");
        assert_eq!(world.jobs[&JOB_ID].mailbox(2)["isBackedUp"], "true");
        assert_eq!(world.jobs[&JOB_ID].item(0).name(), Some("Peter Parker"));
        assert_eq!(world.jobs[&JOB_ID].item(24).name(), Some("User 000024"));
    }
}
