//! The columns of `--output table`, one implementation per type printed.

use vb365::ServerInfo;
use vb365::types::{BackupAccount, JobItem, Organization, RestoreSession, SelectedMailbox};

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
