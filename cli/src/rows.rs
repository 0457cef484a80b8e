//! The columns of `--output table`, one implementation per type printed.

use vb365::ServerInfo;
use vb365::types::{
    BackupAccount, BackupRepository, ExchangeFolder, ExchangeItem, ExchangeMailbox, Group, GroupMember, HealthReport,
    Job, JobItem, JobSession, JobSessionLogItem, License, LicensedUser, OneDrive, OneDriveDocument, OneDriveFolder,
    Organization, OrganizationLicensing, OrganizationSyncState, Proxy, RestoreOneDrive, RestorePoint, RestoreSession,
    RestoreSessionEvent, SelectedMailbox, Site, Team, UsedRepository, User,
};

/// A type printed as a table row.
pub trait Row {
    /// The column names.
    const HEADER: &'static [&'static str];
    /// The cells, in the order of `HEADER`.
    fn cells(&self) -> Vec<String>;
}

fn text<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn flag(value: Option<bool>) -> String {
    match value {
        Some(true) => String::from("yes"),
        Some(false) => String::from("no"),
        None => String::new(),
    }
}

/// Bytes as people read them: `2.0 TiB`.
fn bytes(value: Option<i64>) -> String {
    let Some(value) = value else { return String::new() };
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut size = value as f64;
    let mut unit = 0;
    while size.abs() >= 1024.0 && unit < units.len() - 1 {
        size /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{value} B") } else { format!("{size:.1} {}", units[unit]) }
}

impl Row for ServerInfo {
    const HEADER: &'static [&'static str] = &["INSTALLATION", "BUILD", "API VERSIONS"];

    fn cells(&self) -> Vec<String> {
        let versions: Vec<String> = self.api_versions.iter().map(ToString::to_string).collect();
        vec![text(&self.installation_id), text(&self.product_version), versions.join(", ")]
    }
}

impl Row for Organization {
    const HEADER: &'static [&'static str] = &["ID", "NAME", "TYPE", "REGION", "BACKED UP", "LAST BACKUP"];

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            text(&self.name),
            text(&self.type_),
            text(&self.region),
            flag(self.is_backedup),
            text(&self.last_backuptime),
        ]
    }
}

impl Row for BackupAccount {
    const HEADER: &'static [&'static str] = &["LOGIN", "NAME", "TYPE", "CLOUD"];

    fn cells(&self) -> Vec<String> {
        let member = &self.group_member;
        vec![member.login.clone(), text(&member.name), member.type_.to_string(), flag(member.is_cloud)]
    }
}

impl Row for crate::commands::OrganizationAccount {
    const HEADER: &'static [&'static str] = &["ORGANIZATION", "LOGIN", "NAME", "TYPE", "CLOUD"];

    fn cells(&self) -> Vec<String> {
        let organization = self.organization.clone().unwrap_or_else(|| self.organization_id.to_string());
        [vec![organization], self.account.cells()].concat()
    }
}

impl Row for JobItem {
    const HEADER: &'static [&'static str] = &["ID", "TYPE", "NAME", "BACKED UP"];

    fn cells(&self) -> Vec<String> {
        let parts = [
            (self.mailbox, "mailbox"),
            (self.archive_mailbox, "archive"),
            (self.one_drive, "onedrive"),
            (self.personal_site, "personal site"),
            (self.members, "members"),
            (self.member_mailbox, "member mailboxes"),
            (self.member_archive_mailbox, "member archives"),
            (self.member_onedrive, "member onedrives"),
            (self.member_site, "member sites"),
            (self.group_site, "group site"),
            (self.sites, "sites"),
            (self.teams, "teams"),
            (self.teams_chats, "team chats"),
            (self.chats, "chats"),
        ];
        let mut processed: Vec<&str> =
            parts.iter().filter(|(on, _)| *on == Some(true)).map(|(_, name)| *name).collect();
        if !self.folders.is_empty() {
            processed.push("folders");
        }
        vec![text(&self.id), text(&self.type_), self.name().unwrap_or_default().to_owned(), processed.join(", ")]
    }
}

impl Row for SelectedMailbox {
    const HEADER: &'static [&'static str] = &["ID", "EMAIL", "NAME", "BACKED UP"];

    fn cells(&self) -> Vec<String> {
        vec![self.id.to_string(), text(&self.email), text(&self.name), flag(self.is_backed_up.map(bool::from))]
    }
}

impl Row for RestoreSession {
    const HEADER: &'static [&'static str] = &["ID", "NAME", "TYPE", "STATE", "RESULT", "CREATED", "ENDED"];

    fn cells(&self) -> Vec<String> {
        let ended = self.end_time.as_ref().filter(|t| !t.is_open_ended()).map(ToString::to_string);
        vec![
            self.id.to_string(),
            text(&self.name),
            text(&self.type_),
            text(&self.state),
            text(&self.result),
            text(&self.creation_time),
            ended.unwrap_or_default(),
        ]
    }
}

impl Row for Job {
    const HEADER: &'static [&'static str] = &["ID", "NAME", "ENABLED", "LAST STATUS", "LAST RUN", "NEXT RUN"];

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            text(&self.name),
            flag(self.is_enabled),
            text(&self.last_status),
            text(&self.last_run),
            text(&self.next_run),
        ]
    }
}

impl Row for JobSession {
    const HEADER: &'static [&'static str] = &["ID", "JOB", "STATUS", "PROGRESS", "STARTED", "ENDED", "DETAILS"];

    fn cells(&self) -> Vec<String> {
        let ended = self.end_time.as_ref().filter(|_| self.is_finished()).map(ToString::to_string);
        vec![
            self.id.to_string(),
            text(&self.job_id),
            text(&self.status),
            self.progress.map(|p| format!("{p}%")).unwrap_or_default(),
            text(&self.creation_time),
            ended.unwrap_or_default(),
            text(&self.details),
        ]
    }
}

impl Row for JobSessionLogItem {
    const HEADER: &'static [&'static str] = &["TIME", "TYPE", "MESSAGE"];

    fn cells(&self) -> Vec<String> {
        vec![text(&self.creation_time), text(&self.type_), text(&self.message)]
    }
}

impl Row for BackupRepository {
    const HEADER: &'static [&'static str] = &["ID", "NAME", "CAPACITY", "FREE", "FREE %", "LONG-TERM"];

    fn cells(&self) -> Vec<String> {
        let space = self.space();
        let as_i64 = |b: u64| i64::try_from(b).ok();
        vec![
            self.id.to_string(),
            text(&self.name),
            bytes(space.and_then(|s| as_i64(s.capacity_bytes))),
            bytes(space.and_then(|s| as_i64(s.free_bytes))),
            space.map(|s| format!("{:.1}", s.free_percent())).unwrap_or_default(),
            flag(self.is_long_term),
        ]
    }
}

impl Row for UsedRepository {
    const HEADER: &'static [&'static str] = &["REPOSITORY", "USED", "LOCAL CACHE", "OBJECT STORAGE", "AVAILABLE"];

    fn cells(&self) -> Vec<String> {
        vec![
            text(&self.repository_id),
            bytes(self.used_space_bytes),
            bytes(self.local_cache_used_space_bytes),
            bytes(self.object_storage_used_space_bytes),
            flag(self.is_available),
        ]
    }
}

impl Row for Proxy {
    const HEADER: &'static [&'static str] = &["ID", "HOST", "STATUS", "TYPE", "VERSION"];

    fn cells(&self) -> Vec<String> {
        vec![self.id.to_string(), text(&self.host_name), text(&self.status), text(&self.type_), text(&self.version)]
    }
}

impl Row for License {
    const HEADER: &'static [&'static str] = &["STATUS", "TYPE", "LICENSED TO", "EXPIRES", "USED", "TOTAL", "NEW"];

    fn cells(&self) -> Vec<String> {
        vec![
            text(&self.status),
            text(&self.type_),
            text(&self.licensed_to),
            self.expires().map(ToString::to_string).unwrap_or_default(),
            text(&self.used_number),
            text(&self.total_number),
            text(&self.new_number),
        ]
    }
}

impl Row for LicensedUser {
    const HEADER: &'static [&'static str] = &["NAME", "ORGANIZATION", "STATE", "BACKED UP", "LAST BACKUP"];

    fn cells(&self) -> Vec<String> {
        vec![
            text(&self.name),
            text(&self.organization_name),
            text(&self.license_state),
            flag(self.is_backed_up),
            text(&self.last_backup_date),
        ]
    }
}

impl Row for OrganizationLicensing {
    const HEADER: &'static [&'static str] = &["LICENSED USERS", "NEW USERS"];

    fn cells(&self) -> Vec<String> {
        vec![text(&self.licensed_users), text(&self.new_users)]
    }
}

impl Row for ExchangeMailbox {
    const HEADER: &'static [&'static str] = &["ID", "NAME", "EMAIL", "ARCHIVE"];

    fn cells(&self) -> Vec<String> {
        vec![self.id.to_string(), text(&self.name), text(&self.email), flag(self.is_archive)]
    }
}

impl Row for ExchangeFolder {
    const HEADER: &'static [&'static str] = &["ID", "NAME", "CATEGORY", "TYPE"];

    fn cells(&self) -> Vec<String> {
        vec![text(&self.id), text(&self.name), text(&self.category), text(&self.type_)]
    }
}

impl Row for ExchangeItem {
    const HEADER: &'static [&'static str] = &["ID", "CLASS", "SUBJECT", "FROM", "RECEIVED", "ATTACHMENTS"];

    fn cells(&self) -> Vec<String> {
        let attachments = if self.attachments.is_empty() { String::new() } else { self.attachments.len().to_string() };
        vec![
            text(&self.id),
            text(&self.item_class),
            text(&self.subject),
            text(&self.from),
            text(&self.received),
            attachments,
        ]
    }
}

impl Row for RestoreOneDrive {
    const HEADER: &'static [&'static str] = &["ID", "NAME", "URL"];

    fn cells(&self) -> Vec<String> {
        vec![text(&self.id), text(&self.name), text(&self.url)]
    }
}

impl Row for OneDriveDocument {
    const HEADER: &'static [&'static str] = &["ID", "NAME", "SIZE", "VERSION", "MODIFIED"];

    fn cells(&self) -> Vec<String> {
        vec![
            text(&self.id),
            text(&self.name),
            bytes(self.size_bytes),
            text(&self.version),
            text(&self.modification_time),
        ]
    }
}

impl Row for OneDriveFolder {
    const HEADER: &'static [&'static str] = &["ID", "NAME", "VERSION", "MODIFIED"];

    fn cells(&self) -> Vec<String> {
        vec![text(&self.id), text(&self.name), text(&self.version), text(&self.modification_time)]
    }
}

impl Row for RestorePoint {
    const HEADER: &'static [&'static str] = &["ID", "BACKUP TIME", "SERVICES", "JOB", "REPOSITORY"];

    fn cells(&self) -> Vec<String> {
        let services = [
            (self.is_exchange, "Exchange"),
            (self.is_one_drive, "OneDrive"),
            (self.is_share_point, "SharePoint"),
            (self.is_teams, "Teams"),
        ];
        let services: Vec<&str> = services.iter().filter(|(has, _)| *has == Some(true)).map(|(_, s)| *s).collect();
        vec![
            text(&self.id),
            text(&self.backup_time),
            services.join(", "),
            text(&self.job_id),
            text(&self.repository_id),
        ]
    }
}

impl Row for RestoreSessionEvent {
    const HEADER: &'static [&'static str] = &["ORDER", "TYPE", "STATUS", "ITEM", "MESSAGE"];

    fn cells(&self) -> Vec<String> {
        vec![text(&self.order), text(&self.type_), text(&self.status), text(&self.item_name), text(&self.message)]
    }
}

impl Row for HealthReport {
    const HEADER: &'static [&'static str] = &["STATUS", "ENTRIES"];

    fn cells(&self) -> Vec<String> {
        let mut entries: Vec<String> =
            self.entries.iter().map(|(name, entry)| format!("{name}: {}", text(&entry.status))).collect();
        entries.sort();
        vec![text(&self.status), entries.join(", ")]
    }
}

impl Row for User {
    const HEADER: &'static [&'static str] = &["ID", "SIGN-IN NAME", "DISPLAY NAME", "LOCATION", "OFFICE"];

    fn cells(&self) -> Vec<String> {
        vec![text(&self.id), text(&self.name), text(&self.display_name), text(&self.location_type), text(&self.office)]
    }
}

impl Row for Group {
    const HEADER: &'static [&'static str] = &["ID", "NAME", "E-MAIL NAME", "TYPE", "LOCATION"];

    fn cells(&self) -> Vec<String> {
        vec![text(&self.id), text(&self.display_name), text(&self.name), text(&self.type_), text(&self.location_type)]
    }
}

impl Row for GroupMember {
    const HEADER: &'static [&'static str] = &["LOGIN", "NAME", "TYPE", "CLOUD"];

    fn cells(&self) -> Vec<String> {
        vec![self.login.clone(), text(&self.name), self.type_.to_string(), flag(self.is_cloud)]
    }
}

impl Row for Site {
    const HEADER: &'static [&'static str] = &["ID", "TITLE", "URL", "PERSONAL", "AVAILABLE"];

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.title.clone(),
            self.url.clone(),
            flag(Some(self.is_personal)),
            flag(self.is_available),
        ]
    }
}

impl Row for Team {
    const HEADER: &'static [&'static str] = &["ID", "NAME", "E-MAIL", "DESCRIPTION"];

    fn cells(&self) -> Vec<String> {
        vec![self.id.to_string(), self.display_name.clone(), self.mail.clone(), text(&self.description)]
    }
}

impl Row for OneDrive {
    const HEADER: &'static [&'static str] = &["ID", "NAME", "URL"];

    fn cells(&self) -> Vec<String> {
        vec![text(&self.id), text(&self.name), text(&self.url)]
    }
}

impl Row for OrganizationSyncState {
    const HEADER: &'static [&'static str] = &["ORGANIZATION", "NOW", "LAST", "RESULT", "ENDED"];

    fn cells(&self) -> Vec<String> {
        let now = self.current_sync_state.as_ref().map_or_else(|| String::from("idle"), |c| text(&c.status));
        let last = self.last_sync_state.as_ref();
        vec![
            text(&self.organization_id),
            now,
            last.map(|l| text(&l.type_)).unwrap_or_default(),
            last.map(|l| text(&l.result)).unwrap_or_default(),
            last.map(|l| text(&l.end_time)).unwrap_or_default(),
        ]
    }
}
