//! The simulator's starting state, taken from the recorded examples.
//!
//! The monitoring examples describe one world as seen at [`RECORDED_AT`];
//! the simulator moves its times by the distance from then to its own now
//! (or its frozen time), so that the failed job failed a few hours ago
//! whenever it starts. Where a v6 example carries members v8 lacks (a log
//! item's `title`, the license's `expirationDate`), they are merged into the
//! v8 values, so that one value serves both versions.

use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use super::SimulatorConfig;
use super::directory::Directory;
use super::selection::Selection;
use super::state::World;
use crate::types::{
    BackupAccount, BackupRepository, HealthReport, Job, JobItem, JobItemPage, JobSession, JobSessionLogItem, JobStatus,
    License, LicenseState, LicensedUser, OrganizationPage, Proxy, RestoreSession, RestoreSessionEvent, UsedRepository,
};
use crate::{DateTime, types};

/// The organization of the backup-account pages (seeds/000, seeds/001).
pub(crate) const ORGANIZATION_ID: Uuid = Uuid::from_u128(0x6f9b3da3_204d_4a4b_b466_55586e0233fc);
/// The job of the selected-mailboxes page (seeds/002).
pub(crate) const JOB_ID: Uuid = Uuid::from_u128(0x00b96531_1a68_4c90_a398_91141ffedb3b);
/// The organization the seeds/002 mailboxes belong to.
const MAILBOX_ORGANIZATION_ID: Uuid = Uuid::from_u128(0x7b2b1ae1_7bbb_4651_b479_bda7edc7838b);
/// When the monitoring examples were seen.
pub(crate) const RECORDED_AT: &str = "2024-05-01T12:00:00Z";

/// The v8 page: the v6 organizations with the v8 fields (v6 answers drop them).
const ORGANIZATIONS: &str = include_str!("../../openapi/examples/list_organizations_v8.response.200.constructed.json");
const BACKUP_ACCOUNTS: &str = include_str!("../../openapi/examples/list_backup_accounts.response.200.json");
const RESTORE_SESSION: &str = include_str!("../../openapi/examples/explore_tenant_organization.response.200.json");
const MAILBOXES: &str = include_str!("../../openapi/examples/list_job_selected_mailboxes.response.200.json");
const JOB_ITEMS: &str = include_str!("../../openapi/examples/list_job_selected_items_v8.response.200.constructed.json");

/// Each monitoring collection as v8 and as v6 recorded it.
const JOBS: [&str; 2] = [
    include_str!("../../openapi/examples/list_jobs_v8.response.200.constructed.json"),
    include_str!("../../openapi/examples/list_jobs.response.200.constructed.json"),
];
const SESSIONS: [&str; 2] = [
    include_str!("../../openapi/examples/list_job_sessions_v8.response.200.constructed.json"),
    include_str!("../../openapi/examples/list_job_sessions.response.200.constructed.json"),
];
const LOG: [&str; 2] = [
    include_str!("../../openapi/examples/list_job_session_log_items_v8.response.200.constructed.json"),
    include_str!("../../openapi/examples/list_job_session_log_items.response.200.constructed.json"),
];
const REPOSITORIES: [&str; 2] = [
    include_str!("../../openapi/examples/list_backup_repositories_v8.response.200.constructed.json"),
    include_str!("../../openapi/examples/list_backup_repositories.response.200.constructed.json"),
];
const USED_REPOSITORIES: [&str; 2] = [
    include_str!("../../openapi/examples/list_organization_used_repositories_v8.response.200.constructed.json"),
    include_str!("../../openapi/examples/list_organization_used_repositories.response.200.constructed.json"),
];
const PROXIES: [&str; 2] = [
    include_str!("../../openapi/examples/list_proxies_v8.response.200.constructed.json"),
    include_str!("../../openapi/examples/list_proxies.response.200.constructed.json"),
];
const LICENSE: [&str; 2] = [
    include_str!("../../openapi/examples/get_license_v8.response.200.constructed.json"),
    include_str!("../../openapi/examples/get_license.response.200.constructed.json"),
];
const LICENSED_USERS: &str =
    include_str!("../../openapi/examples/list_licensed_users_v8.response.200.constructed.json");
const RESTORE_SESSIONS: &str =
    include_str!("../../openapi/examples/list_restore_sessions_v8.response.200.constructed.json");
const RESTORE_EVENTS: &str =
    include_str!("../../openapi/examples/list_restore_session_events_v8.response.200.constructed.json");
const HEALTH: &str = include_str!("../../openapi/examples/get_health_v8.response.200.constructed.json");

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
    world.selections.insert(
        JOB_ID,
        Selection {
            recorded: recorded.into_iter().take(count).collect(),
            count,
            recorded_items: items.into_iter().take(item_count).collect(),
            item_count,
            organization_id: MAILBOX_ORGANIZATION_ID,
            ..Selection::default()
        },
    );
    monitoring(&mut world, config)?;
    directories(&mut world, config)?;
    large(&mut world, config)?;
    Ok(world)
}

/// A large server's extra jobs, sessions and repositories, made from the
/// recorded ones. Their sessions have no log of their own (the log
/// handler makes one when asked).
fn large(world: &mut World, config: &SimulatorConfig) -> Result<(), String> {
    let m = &mut world.monitoring;
    let (Some(job), Some(session), Some(repository)) =
        (m.jobs.first().cloned(), m.sessions.last().cloned(), m.repositories.first().cloned())
    else {
        return Ok(());
    };
    let now = config.frozen_time.clone().unwrap_or_else(DateTime::now).utc();
    let id = |kind: u128, n: usize| Uuid::from_u128((0x1a46e << 108) | (kind << 96) | n as u128);
    for n in 0..config.extra_repositories {
        let mut extra = repository.clone();
        (extra.id, extra.name) = (id(1, n), Some(format!("Repository {n:04}")));
        extra.free_space_bytes = extra.capacity_bytes.map(|c| c / 2);
        m.repositories.push(extra);
    }
    let repositories: Vec<Uuid> = m.repositories.iter().map(|r| r.id).collect();
    let mut jobs = Vec::new();
    for n in 0..config.extra_jobs {
        let mut extra = job.clone();
        (extra.id, extra.name) = (id(2, n), Some(format!("Job {n:05}")));
        extra.repository_id = repositories.get(n % repositories.len().max(1)).copied();
        extra.last_status = Some(JobStatus::Success);
        jobs.push(extra.id);
        m.jobs.push(extra);
    }
    let mut sessions = Vec::with_capacity(config.extra_sessions);
    for n in 0..config.extra_sessions {
        let Some(job) = jobs.get(n % jobs.len().max(1)) else { break };
        let day = i64::try_from(n / jobs.len().max(1)).unwrap_or(0) + 1;
        let started = now - chrono::TimeDelta::days(day);
        let mut extra = session.clone();
        (extra.id, extra.job_id, extra.main_session_id) = (id(3, n), Some(*job), Some(id(3, n)));
        extra.creation_time = Some(started.into());
        extra.end_time = Some((started + chrono::TimeDelta::minutes(20)).into());
        extra.status = Some(JobStatus::Success);
        sessions.push(extra);
    }
    // Newest first, as servers list them.
    sessions.sort_by(|a, b| b.creation_time.cmp(&a.creation_time));
    m.sessions.extend(sessions);
    Ok(())
}

/// Each organization's directory, and what the other recorded jobs select
/// from it (the first job's selection is the recorded one above).
fn directories(world: &mut World, config: &SimulatorConfig) -> Result<(), String> {
    let shift = shift_of(config)?;
    for (n, organization) in world.organizations.iter().enumerate() {
        let directory = if organization.id == ORGANIZATION_ID {
            Directory::recorded(organization.id, |value| shift_times(value, shift))?
        } else {
            let prefix = 0xa0 + u32::try_from(n).unwrap_or(0) % 0x10;
            Directory::generated(organization.id, organization.name.as_deref().unwrap_or("example.com"), 40, prefix)?
        };
        world.directories.insert(organization.id, directory);
    }
    let mut selected = Vec::new();
    for job in world.monitoring.jobs.iter().filter(|j| j.id != JOB_ID) {
        let Some(directory) = job.organization_id.and_then(|o| world.directories.get(&o)) else { continue };
        // What the job's name says it backs up: a site, a team, or a user's OneDrive.
        let name = job.name.as_deref().unwrap_or_default();
        let item = if name.contains("SharePoint") {
            directory.sites.first().map(JobItem::site)
        } else if name.contains("Teams") {
            directory.teams.first().map(JobItem::team)
        } else {
            directory.users.first().map(|u| JobItem::user(u).onedrive())
        };
        if let Some(mut item) = item {
            item.id =
                Some(Uuid::from_u128(0x17e5_0000_0000_4000_8000_0000_0000_0000 | job.id.as_u128() >> 64).to_string());
            selected.push((job.id, item));
        }
    }
    for (job, item) in selected {
        world.selections.insert(job, Selection::of(vec![item], Vec::new()));
    }
    Ok(())
}

/// Jobs, sessions and logs, repositories, proxies, the license, restore
/// session events and health, moved to the simulator's now.
fn monitoring(world: &mut World, config: &SimulatorConfig) -> Result<(), String> {
    let shift = shift_of(config)?;
    let load = |what: &str, both: [&str; 2]| -> Result<Value, String> {
        let mut v8 = results(parse::<Value>(what, both[0])?);
        merge_missing(&mut v8, &results(parse::<Value>(what, both[1])?));
        shift_times(&mut v8, shift);
        Ok(v8)
    };
    let m = &mut world.monitoring;
    m.jobs = typed::<Vec<Job>>("jobs", load("jobs", JOBS)?)?;
    m.sessions = typed::<Vec<JobSession>>("job sessions", load("job sessions", SESSIONS)?)?;
    let recorded_log = typed::<Vec<JobSessionLogItem>>("log items", load("log items", LOG)?)?;
    let logged = Uuid::from_u128(0x5e551011_0000_4000_8000_000000000004);
    for session in &m.sessions {
        let log = if session.id == logged { recorded_log.clone() } else { generated_log(session) };
        m.log.insert(session.id, log);
    }
    m.repositories = typed::<Vec<BackupRepository>>("repositories", load("repositories", REPOSITORIES)?)?;
    let used = typed::<Vec<UsedRepository>>("used repositories", load("used repositories", USED_REPOSITORIES)?)?;
    m.used_repositories.insert(ORGANIZATION_ID, used);
    m.proxies = typed::<Vec<Proxy>>("proxies", load("proxies", PROXIES)?)?;
    let mut license = parse::<Value>("license", LICENSE[0])?;
    merge_missing(&mut license, &parse::<Value>("license", LICENSE[1])?);
    shift_times(&mut license, shift);
    m.license = typed::<License>("license", license)?;
    let mut users = results(parse::<Value>("licensed users", LICENSED_USERS)?);
    shift_times(&mut users, shift);
    m.licensed_users = typed::<Vec<LicensedUser>>("licensed users", users)?;
    // The counts agree with the users, as on a server.
    m.license.used_number = i32::try_from(m.licensed_users.len()).ok();
    let new = m.licensed_users.iter().filter(|u| u.license_state == Some(LicenseState::New)).count();
    m.license.new_number = i32::try_from(new).ok();
    // The other organizations' space: the repositories their jobs write to.
    let organizations: Vec<Uuid> =
        world.organizations.iter().map(|o| o.id).filter(|id| *id != ORGANIZATION_ID).collect();
    for organization in organizations {
        let entries = m
            .repositories
            .iter()
            .filter(|r| m.jobs.iter().any(|j| j.organization_id == Some(organization) && j.repository_id == Some(r.id)))
            .map(|r| used_in(r, organization))
            .collect();
        m.used_repositories.insert(organization, entries);
    }
    m.health = parse::<HealthReport>("health", HEALTH)?;
    let mut restore = results(parse::<Value>("restore sessions", RESTORE_SESSIONS)?);
    shift_times(&mut restore, shift);
    for session in typed::<Vec<RestoreSession>>("restore sessions", restore)? {
        world.sessions.entry(session.id).or_insert(session);
    }
    let mut events = results(parse::<Value>("restore session events", RESTORE_EVENTS)?);
    shift_times(&mut events, shift);
    let events = typed::<Vec<RestoreSessionEvent>>("restore session events", events)?;
    let explored = Uuid::from_u128(0x0fe57023_0000_4000_8000_000000000001);
    world.restore_events.insert(explored, events);
    Ok(())
}

/// How far the recorded times move: from [`RECORDED_AT`] to the
/// simulator's now, in whole seconds (the recorded fractions stay).
fn shift_of(config: &SimulatorConfig) -> Result<chrono::TimeDelta, String> {
    let now = config.frozen_time.clone().unwrap_or_else(DateTime::now);
    let recorded_at = DateTime::parse(RECORDED_AT).map_err(|e| e.to_string())?;
    Ok(chrono::TimeDelta::seconds((now.utc() - recorded_at.utc()).num_seconds()))
}

/// The space `organization` takes in `repository`, where the examples
/// record none: what its object storage holds, or a tenth of the volume.
fn used_in(repository: &BackupRepository, organization: Uuid) -> UsedRepository {
    let object = repository.object_storage.as_ref().and_then(|s| s.used_space_bytes);
    let volume = repository.capacity_bytes.zip(repository.free_space_bytes).map(|(c, f)| (c - f) / 10);
    let links = super::handlers::links(&[
        ("backupRepository", format!("/v6/BackupRepositories/{}", repository.id)),
        ("organization", format!("/v6/Organizations/{organization}")),
    ]);
    UsedRepository {
        repository_id: Some(repository.id),
        used_space_bytes: object.or(volume),
        local_cache_used_space_bytes: Some(0),
        object_storage_used_space_bytes: object,
        is_available: Some(true),
        details: Some(String::new()),
        protected_objects_count: Some(655),
        links: Some(links),
    }
}

/// A short log for a session the examples record none for.
pub(crate) fn generated_log(session: &JobSession) -> Vec<JobSessionLogItem> {
    let (start, end) = (session.creation_time.clone(), session.end_time.clone());
    let objects = session.statistics.as_ref().and_then(|s| s.processed_objects).unwrap_or(0);
    let status = session.status.as_ref().map_or("Unknown", |s| s.as_str());
    let finished = match session.status {
        Some(JobStatus::Failed) => types::JobLogItemType::Error,
        Some(JobStatus::Warning) => types::JobLogItemType::Warning,
        _ => types::JobLogItemType::Success,
    };
    [
        (types::JobLogItemType::Success, String::from("Job started"), start.clone(), start.clone()),
        (types::JobLogItemType::Success, format!("Processed {objects} objects"), start, end.clone()),
        (finished, format!("Job finished: {status}"), end.clone(), end),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (type_, message, creation_time, end_time))| {
        log_item(session.id, i, type_, message, creation_time, end_time)
    })
    .collect()
}

/// One log item of session `session`, number `index`.
pub(crate) fn log_item(
    session: Uuid,
    index: usize,
    type_: types::JobLogItemType,
    message: String,
    creation_time: Option<DateTime>,
    end_time: Option<DateTime>,
) -> JobSessionLogItem {
    let id = Uuid::from_u128(session.as_u128() ^ (0x10c1_7e40 << 64) ^ index as u128);
    JobSessionLogItem {
        id: Some(id),
        usn: Some(index as i64 + 1),
        title: Some(message.clone()),
        message: Some(message),
        type_: Some(type_),
        creation_time,
        end_time,
        links: Some(super::handlers::links(&[("self", format!("/v6/JobSessions/{session}/LogItems/{id}"))])),
    }
}

/// The items of a page, or a list as it is.
fn results(value: Value) -> Value {
    match value {
        Value::Object(mut page) if page.contains_key("results") => page.remove("results").unwrap_or_default(),
        other => other,
    }
}

/// Adds to `into` every member `from` has and it lacks, at any depth; list
/// items are matched by `id`, else by position.
fn merge_missing(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(into), Value::Object(from)) => {
            for (key, value) in from {
                match into.get_mut(key) {
                    Some(existing) => merge_missing(existing, value),
                    None => {
                        into.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(into), Value::Array(from)) => {
            for (i, item) in into.iter_mut().enumerate() {
                let id = item.get("id").cloned();
                let other = match id {
                    Some(id) => from.iter().find(|o| o.get("id") == Some(&id)),
                    None => from.get(i),
                };
                if let Some(other) = other {
                    merge_missing(item, other);
                }
            }
        }
        _ => {}
    }
}

/// Moves every date-time of the recorded world by `shift`, leaving the
/// far-past and far-future markers (`0001-...`, `9999-...`) alone; no shift
/// leaves the text exactly as recorded.
fn shift_times(value: &mut Value, shift: chrono::TimeDelta) {
    if shift.is_zero() {
        return;
    }
    match value {
        Value::String(text) => {
            if let Ok(time) = DateTime::parse(text) {
                let year = chrono::Datelike::year(&time.utc());
                if (1900..9000).contains(&year) {
                    *text = DateTime::from(time.utc() + shift).to_string();
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| shift_times(item, shift)),
        Value::Object(map) => map.values_mut().for_each(|item| shift_times(item, shift)),
        _ => {}
    }
}

fn parse<T: DeserializeOwned>(what: &str, text: &str) -> Result<T, String> {
    let (value, _) = vb365_contract::examples::parse_json(text).map_err(|e| format!("recorded {what}: {e}"))?;
    typed(what, value)
}

fn typed<T: DeserializeOwned>(what: &str, value: Value) -> Result<T, String> {
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
        assert_eq!(world.selections[&JOB_ID].mailbox(0)["name"], "Peter Parker");
        assert_eq!(world.selections[&JOB_ID].mailbox(2)["isBackedUp"], "true");
        assert_eq!(world.selections[&JOB_ID].item(0).name(), Some("Peter Parker"));
        assert_eq!(world.selections[&JOB_ID].item(24).name(), Some("User 000024"));
    }

    #[test]
    fn the_monitoring_world_has_a_failed_job_a_warning_a_full_repository_and_an_offline_proxy() {
        let config = SimulatorConfig { frozen_time: Some(RECORDED_AT.parse().unwrap()), ..Default::default() };
        let world = world(&config).unwrap();
        let m = &world.monitoring;
        let status = |name: &str| m.jobs.iter().find(|j| j.name.as_deref() == Some(name)).unwrap().last_status.clone();
        assert_eq!(status("Contoso SharePoint"), Some(JobStatus::Failed));
        assert_eq!(status("ABC Teams"), Some(JobStatus::Warning));
        let repo = m.repositories.iter().find(|r| r.name.as_deref() == Some("Repo 1")).unwrap();
        assert!(repo.space().unwrap().free_percent() < 10.0);
        assert!(m.proxies.iter().any(|p| p.status == Some(types::ProxyStatus::Offline)));
        // v6 members merged in: the text as `title`, the expiry as `expirationDate`.
        assert!(m.log.values().flatten().all(|i| i.title.is_some() && i.message == i.title));
        assert_eq!(m.license.expiration_date, m.license.license_expires);
        assert_eq!(m.license.used_number, Some(12));
        assert_eq!(m.used_repositories.len(), 2, "every organization has its space");
    }

    #[test]
    fn times_move_with_the_clock_and_markers_stay() {
        let config =
            SimulatorConfig { frozen_time: Some("2024-05-03T12:00:00Z".parse().unwrap()), ..Default::default() };
        let world = world(&config).unwrap();
        let job = world.monitoring.jobs.iter().find(|j| j.id == JOB_ID).unwrap();
        assert_eq!(job.last_run.as_ref().unwrap().utc().to_rfc3339(), "2024-05-03T02:00:12.441150200+00:00");
        let mut marker = serde_json::json!({"t": "9999-12-31T23:59:59.9999999Z", "n": "0001-01-01T00:00:00Z"});
        let before = marker.clone();
        shift_times(&mut marker, chrono::TimeDelta::days(2));
        assert_eq!(marker, before);
    }
}
