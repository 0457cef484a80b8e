//! What an Exchange restore session shows: a mailbox for every user of the
//! explored organization's directory, each with the same folder tree.

use axum::response::{IntoResponse as _, Response};
use http::StatusCode;
use uuid::Uuid;

use super::{Call, Refusal, links};
use crate::simulator::restores::{Fate, Item, Request};
use crate::simulator::state::{SentMail, World};
use crate::simulator::zip::Entry;
use crate::types::{
    BulkMailboxRestore, BulkMailboxRestoreStatistics, BulkRestoreStatistics, ExchangeAttachment, ExchangeFolder,
    ExchangeFolderCategory, ExchangeFolderType, ExchangeItem, ExchangeItemId, ExchangeItemImportance, ExchangeMailbox,
    ExportMailboxFolderToPst, ExportMailboxItemsToPst, FolderRestoreStatistics, ItemsRestoreStatistics,
    RestoreSessionResult, RestoreSessionType, RestoreToMailbox, RestoreToOriginalMailbox, SaveMailboxItems,
    SendMailboxItems, SendMailboxItemsToOriginal,
};

/// Every mailbox's folders: (ID suffix, name, category, type, parent).
const FOLDERS: &[(&str, &str, ExchangeFolderCategory, ExchangeFolderType, Option<&str>)] = &[
    ("inbox", "Inbox", ExchangeFolderCategory::Inbox, ExchangeFolderType::None, None),
    ("inbox-invoices", "Invoices", ExchangeFolderCategory::None, ExchangeFolderType::None, Some("inbox")),
    ("sent", "Sent Items", ExchangeFolderCategory::Sent, ExchangeFolderType::None, None),
    ("deleted", "Deleted Items", ExchangeFolderCategory::Deleted, ExchangeFolderType::None, None),
    ("drafts", "Drafts", ExchangeFolderCategory::Drafts, ExchangeFolderType::None, None),
    ("calendar", "Calendar", ExchangeFolderCategory::None, ExchangeFolderType::Appointment, None),
    ("contacts", "Contacts", ExchangeFolderCategory::None, ExchangeFolderType::Contact, None),
];

/// How many mails each folder holds: (ID suffix, count). The inbox needs
/// several pages at a small page size.
const MAILS: &[(&str, usize)] = &[("inbox", 25), ("inbox-invoices", 3), ("sent", 4), ("deleted", 2)];

/// The ID of the `n`th mailbox of a directory.
fn mailbox_id(n: usize) -> Uuid {
    Uuid::from_u128(0xb7a9_a1c2_4f3e_4e6b_9d41_0000_0000_0000 | n as u128)
}

fn mailboxes(world: &World, call: &Call<'_>, session: Uuid) -> Result<Vec<ExchangeMailbox>, Refusal> {
    let organization = super::restore_sessions::explored(world, session, RestoreSessionType::Vex)?;
    let users = world.directories.get(&organization).map(|d| d.users.as_slice()).unwrap_or_default();
    let version = call.version;
    Ok(users
        .iter()
        .enumerate()
        .map(|(n, user)| {
            let id = mailbox_id(n);
            let base = format!("/{version}/RestoreSessions/{session}/organization/mailboxes/{id}");
            ExchangeMailbox {
                id,
                name: user.display_name.clone(),
                email: user.name.clone(),
                is_archive: Some(false),
                is_public: Some(false),
                links: Some(links(&[
                    ("self", base.clone()),
                    ("folders", format!("{base}/folders")),
                    ("items", format!("{base}/items")),
                ])),
                actions: None,
            }
        })
        .collect())
}

pub(super) fn list_mailboxes(call: Call<'_>) -> Result<Response, Refusal> {
    let session = call.id("restoreSessionId")?;
    let world = call.shared.world();
    let all = mailboxes(&world, &call, session)?;
    call.collection(&all, &format!("RestoreSessions/{session}/organization/mailboxes"))
}

fn mailbox(world: &World, call: &Call<'_>) -> Result<ExchangeMailbox, Refusal> {
    let session = call.id("restoreSessionId")?;
    let id = call.id("mailboxId")?;
    let all = mailboxes(world, call, session)?;
    all.into_iter()
        .find(|m| m.id == id)
        .ok_or_else(|| Refusal::not_found(format!("Mailbox with ID {id} was not found.")))
}

pub(super) fn get_mailbox(call: Call<'_>) -> Result<Response, Refusal> {
    let world = call.shared.world();
    let found = mailbox(&world, &call)?;
    Ok(call.answer(StatusCode::OK, &found))
}

/// The folders under `parentId` (the top ones without it), of `name` if
/// asked.
pub(super) fn list_folders(call: Call<'_>) -> Result<Response, Refusal> {
    let world = call.shared.world();
    let found = mailbox(&world, &call)?;
    let (session, version) = (call.id("restoreSessionId")?, call.version);
    let prefix = found.id.simple().to_string();
    let parent = match call.query.get("parentId") {
        Some(parent) => {
            let suffix = parent.strip_prefix(&format!("{prefix}-"));
            let known = FOLDERS.iter().map(|f| f.0).find(|s| suffix == Some(*s));
            Some(known.ok_or_else(|| Refusal::not_found(format!("Folder with ID {parent} was not found.")))?)
        }
        None => None,
    };
    let name = call.query.get("name");
    let folders: Vec<ExchangeFolder> = FOLDERS
        .iter()
        .filter(|(_, _, _, _, up)| *up == parent)
        .filter(|(_, folder, ..)| name.is_none_or(|n| n == folder))
        .map(|entry| folder_entry(&found, session, version, entry))
        .collect();
    call.collection(&folders, &format!("RestoreSessions/{session}/organization/mailboxes/{}/folders", found.id))
}

/// One folder of the mailbox the route names, by its ID.
pub(super) fn get_folder(call: Call<'_>) -> Result<Response, Refusal> {
    let world = call.shared.world();
    let found = mailbox(&world, &call)?;
    drop(world);
    let suffix = folder_suffix(&found, &call.text("folderId"))?;
    let entry = FOLDERS.iter().find(|f| f.0 == suffix).ok_or_else(|| Refusal::not_found(String::from("No folder.")))?;
    let folder = folder_entry(&found, call.id("restoreSessionId")?, call.version, entry);
    Ok(call.answer(StatusCode::OK, &folder))
}

/// A folder of `found` as the session shows it.
fn folder_entry(
    found: &ExchangeMailbox,
    session: Uuid,
    version: crate::ApiVersion,
    (suffix, folder, category, type_, _): &(&str, &str, ExchangeFolderCategory, ExchangeFolderType, Option<&str>),
) -> ExchangeFolder {
    let base = format!("/{version}/RestoreSessions/{session}/organization/mailboxes/{}", found.id);
    let id = format!("{}-{suffix}", found.id.simple());
    ExchangeFolder {
        id: Some(id.clone()),
        name: Some((*folder).to_owned()),
        type_: Some(type_.clone()),
        category: Some(category.clone()),
        description: Some(String::new()),
        mailbox_id: (version >= crate::ApiVersion::V8).then_some(found.id),
        links: Some(links(&[
            ("self", format!("{base}/folders/{id}")),
            ("mailbox", base.clone()),
            ("items", format!("{base}/items?folderId={id}")),
        ])),
        actions: None,
    }
}

/// The mails of a folder (`suffix`) of `mailbox`, made from their number:
/// every third has an attachment, the invoices one each.
fn mails(mailbox: &ExchangeMailbox, suffix: &str, base: &str, v8: bool) -> Vec<ExchangeItem> {
    let count = MAILS.iter().find(|(s, _)| *s == suffix).map_or(0, |(_, n)| *n);
    let owner = mailbox.email.clone().unwrap_or_default();
    let prefix = mailbox.id.simple();
    (1..=count)
        .map(|n| {
            let id = format!("{prefix}-{suffix}-{n:04}");
            let received = crate::DateTime::parse(&format!("2024-04-{:02}T08:{:02}:00Z", 1 + n % 28, n % 60)).ok();
            let invoice = suffix == "inbox-invoices";
            let subject = if invoice { format!("Invoice 2024-{n:04}") } else { format!("Message {n} in {suffix}") };
            let attachment = ExchangeAttachment {
                name: Some(format!("{}.pdf", subject.to_lowercase().replace(' ', "-"))),
                size_bytes: Some(40_000 + n as i64),
            };
            let attachments = if invoice || n % 3 == 0 { vec![attachment] } else { Vec::new() };
            let (from, to) = if suffix == "sent" {
                (owner.clone(), String::from("partner@fabrikam.com"))
            } else {
                (String::from("partner@fabrikam.com"), owner.clone())
            };
            ExchangeItem {
                id: Some(id.clone()),
                item_class: Some(String::from("IPM.Note")),
                subject: Some(subject),
                from: Some(from),
                to: Some(to),
                sent: received.clone(),
                received,
                importance: Some(if invoice { ExchangeItemImportance::High } else { ExchangeItemImportance::Normal }),
                attachments,
                mailbox_id: v8.then_some(mailbox.id),
                links: Some(links(&[("self", format!("{base}/items/{id}")), ("mailbox", base.to_owned())])),
                ..ExchangeItem::default()
            }
        })
        .collect()
}

/// The folder a folder ID names, as its suffix, or not found.
fn folder_suffix(mailbox: &ExchangeMailbox, folder: &str) -> Result<&'static str, Refusal> {
    let prefix = format!("{}-", mailbox.id.simple());
    let suffix = folder.strip_prefix(&prefix);
    FOLDERS
        .iter()
        .map(|f| f.0)
        .find(|s| suffix == Some(*s))
        .ok_or_else(|| Refusal::not_found(format!("Folder with ID {folder} was not found.")))
}

/// v6 filters by `folderId`, v8 by `parentId`; without either, every
/// folder's items.
pub(super) fn list_items(call: Call<'_>) -> Result<Response, Refusal> {
    let world = call.shared.world();
    let found = mailbox(&world, &call)?;
    let (session, version) = (call.id("restoreSessionId")?, call.version);
    let key = if version >= crate::ApiVersion::V8 { "parentId" } else { "folderId" };
    let base = format!("/{version}/RestoreSessions/{session}/organization/mailboxes/{}", found.id);
    let v8 = version >= crate::ApiVersion::V8;
    let items: Vec<ExchangeItem> = match call.query.get(key) {
        Some(folder) => mails(&found, folder_suffix(&found, folder)?, &base, v8),
        None => MAILS.iter().flat_map(|(suffix, _)| mails(&found, suffix, &base, v8)).collect(),
    };
    call.collection(&items, &format!("RestoreSessions/{session}/organization/mailboxes/{}/items", found.id))
}

/// The items of the mailbox (or of the folder the route names) that match
/// the body's query: every term must match, case aside; a term is
/// `subject:`, `from:` or `to:` with a value (in double quotes when it has
/// spaces), or free text matched against all three. Any other field, or an
/// empty query, is refused.
pub(super) fn search(call: Call<'_>, in_folder: bool) -> Result<Response, Refusal> {
    let body: serde_json::Value = call.body()?;
    let query = body.get("query").and_then(serde_json::Value::as_str).unwrap_or_default();
    let terms = search_terms(query)?;
    let (session, version) = (call.id("restoreSessionId")?, call.version);
    let v8 = version >= crate::ApiVersion::V8;
    let world = call.shared.world();
    if !call.params.contains_key("mailboxId") {
        // Every mailbox of the session.
        let all = mailboxes(&world, &call, session)?;
        drop(world);
        let items = all
            .iter()
            .flat_map(|found| {
                let base = format!("/{version}/RestoreSessions/{session}/organization/mailboxes/{}", found.id);
                MAILS.iter().flat_map(move |(suffix, _)| mails(found, suffix, &base, v8)).collect::<Vec<_>>()
            })
            .filter(|item| matches(&terms, item))
            .collect::<Vec<_>>();
        return call.collection(&items, &format!("RestoreSessions/{session}/organization/mailboxes/search"));
    }
    let found = mailbox(&world, &call)?;
    drop(world);
    let base = format!("/{version}/RestoreSessions/{session}/organization/mailboxes/{}", found.id);
    let (items, path): (Vec<ExchangeItem>, String) = if in_folder {
        let folder = call.text("folderId");
        let items = mails(&found, folder_suffix(&found, &folder)?, &base, v8);
        (items, format!("RestoreSessions/{session}/organization/mailboxes/{}/folders/{folder}/search", found.id))
    } else {
        let items = MAILS.iter().flat_map(|(suffix, _)| mails(&found, suffix, &base, v8)).collect();
        (items, format!("RestoreSessions/{session}/organization/mailboxes/{}/search", found.id))
    };
    let hits: Vec<ExchangeItem> = items.into_iter().filter(|item| matches(&terms, item)).collect();
    call.collection(&hits, &path)
}

/// Whether `item` matches every term of a search.
fn matches(terms: &[(Option<&'static str>, String)], item: &ExchangeItem) -> bool {
    terms.iter().all(|(field, value)| {
        let text = |t: &Option<String>| t.as_deref().unwrap_or_default().to_lowercase().contains(value.as_str());
        match *field {
            Some("subject") => text(&item.subject),
            Some("from") => text(&item.from),
            Some("to") => text(&item.to),
            _ => text(&item.subject) || text(&item.from) || text(&item.to),
        }
    })
}

/// The terms of a search query, lowercased: `(Some(field), value)` or
/// `(None, text)`.
fn search_terms(query: &str) -> Result<Vec<(Option<&'static str>, String)>, Refusal> {
    let mut terms = Vec::new();
    let mut rest = query.trim_start();
    while !rest.is_empty() {
        let (field, after) = match rest.split_once(':') {
            Some((name, after)) if !name.contains(char::is_whitespace) && !name.contains('"') => {
                let known = ["subject", "from", "to"].into_iter().find(|f| f.eq_ignore_ascii_case(name));
                let known = known.ok_or_else(|| Refusal::bad_request(format!("Unknown search field `{name}`.")))?;
                (Some(known), after)
            }
            _ => (None, rest),
        };
        let (value, after) = match after.strip_prefix('"') {
            Some(quoted) => quoted
                .split_once('"')
                .ok_or_else(|| Refusal::bad_request(String::from("The search query has an unclosed quote.")))?,
            None => after.split_once(char::is_whitespace).unwrap_or((after, "")),
        };
        if value.is_empty() {
            return Err(Refusal::bad_request(format!("The search term `{}` has no value.", field.unwrap_or(""))));
        }
        terms.push((field, value.to_lowercase()));
        rest = after.trim_start();
    }
    if terms.is_empty() {
        return Err(Refusal::bad_request(String::from("The search query is empty.")));
    }
    Ok(terms)
}

pub(super) fn get_item(call: Call<'_>) -> Result<Response, Refusal> {
    let item = mail(&call)?;
    Ok(call.answer(StatusCode::OK, &item))
}

/// The mail the route's `itemId` names, in the route's mailbox.
fn mail(call: &Call<'_>) -> Result<ExchangeItem, Refusal> {
    let world = call.shared.world();
    let found = mailbox(&world, call)?;
    drop(world);
    let (session, version) = (call.id("restoreSessionId")?, call.version);
    let id = call.text("itemId");
    let base = format!("/{version}/RestoreSessions/{session}/organization/mailboxes/{}", found.id);
    let v8 = version >= crate::ApiVersion::V8;
    let item = MAILS
        .iter()
        .flat_map(|(suffix, _)| mails(&found, suffix, &base, v8))
        .find(|i| i.id.as_deref() == Some(id.as_str()));
    item.ok_or_else(|| Refusal::not_found(format!("Item with ID {id} was not found.")))
}

/// The mail the route names as one MSG file (48,000 bytes, named after its
/// subject).
pub(super) fn save_item(call: Call<'_>) -> Result<Response, Refusal> {
    let item = mail(&call)?;
    let path = format!("{}.msg", item.subject.unwrap_or_default());
    Ok(crate::simulator::zip::bare(Entry { path, size: 48_000 }))
}

/// Restores a folder's mails into the mailbox the body names (see [`restore`]).
pub(super) fn restore_folder_to(call: Call<'_>) -> Result<Response, Refusal> {
    let (found, name, items) = folder_mails(&call)?;
    let body: RestoreToMailbox = call.body()?;
    restore(call, &found, name, items, true, Target::Other(body.mailbox.unwrap_or_default(), body.folder))
}

/// Restores a folder's mails into the mailbox they came from (see [`restore`]).
pub(super) fn restore_folder(call: Call<'_>) -> Result<Response, Refusal> {
    let (found, name, items) = folder_mails(&call)?;
    restore(call, &found, name, items, true, Target::Original)
}

/// The mailbox, the name and the mails of the folder a restore route names.
fn folder_mails(call: &Call<'_>) -> Result<(ExchangeMailbox, &'static str, Vec<ExchangeItem>), Refusal> {
    let world = call.shared.world();
    let found = mailbox(&world, call)?;
    drop(world);
    let folder_id = call.text("folderId");
    let suffix = folder_suffix(&found, &folder_id)?;
    let name = FOLDERS.iter().find(|f| f.0 == suffix).map_or(suffix, |f| f.1);
    let base = format!(
        "/{}/RestoreSessions/{}/organization/mailboxes/{}",
        call.version,
        call.text("restoreSessionId"),
        found.id
    );
    let items = mails(&found, suffix, &base, false);
    Ok((found, name, items))
}

/// Where a restore writes.
enum Target {
    /// Back where the mails were saved from.
    Original,
    /// Into the mailbox of this address, under this folder.
    Other(String, Option<String>),
}

/// Restores the mails the body names by ID (see [`restore`]).
pub(super) fn restore_items_to(call: Call<'_>) -> Result<Response, Refusal> {
    let body: RestoreToMailbox = call.body()?;
    let (found, chosen) = chosen_mails(&call, &body.items, "restore")?;
    restore(call, &found, "Selected items", chosen, false, Target::Other(body.mailbox.unwrap_or_default(), body.folder))
}

/// Every mail of a mailbox, folder after folder.
fn every_mail(call: &Call<'_>, found: &ExchangeMailbox) -> Vec<ExchangeItem> {
    let base = format!(
        "/{}/RestoreSessions/{}/organization/mailboxes/{}",
        call.version,
        call.text("restoreSessionId"),
        found.id
    );
    MAILS.iter().flat_map(|(suffix, _)| mails(found, suffix, &base, false)).collect()
}

/// The mailbox the route names and every mail of it.
fn mailbox_mails(call: &Call<'_>) -> Result<(ExchangeMailbox, Vec<ExchangeItem>), Refusal> {
    let world = call.shared.world();
    let found = mailbox(&world, call)?;
    drop(world);
    let all = every_mail(call, &found);
    Ok((found, all))
}

/// Restores a whole mailbox into the one it came from (see [`restore`]).
pub(super) fn restore_mailbox(call: Call<'_>) -> Result<Response, Refusal> {
    let (found, all) = mailbox_mails(&call)?;
    restore(call, &found, WHOLE_MAILBOX, all, true, Target::Original)
}

/// Restores a whole mailbox into the one the body names (see [`restore`]).
/// The Deleted Items folder's mails are left out when the body says so.
pub(super) fn restore_mailbox_to(call: Call<'_>) -> Result<Response, Refusal> {
    let (found, mut all) = mailbox_mails(&call)?;
    let body: RestoreToMailbox = call.body()?;
    if body.exclude_deleted_items == Some(true) {
        // A mail's ID names its folder (see `mails`).
        let deleted = format!("{}-deleted-", found.id.simple());
        all.retain(|m| !m.id.as_deref().unwrap_or_default().starts_with(&deleted));
    }
    restore(call, &found, WHOLE_MAILBOX, all, true, Target::Other(body.mailbox.unwrap_or_default(), body.folder))
}

/// Restores the mails the body names into the mailbox they came from (see
/// [`restore`]).
pub(super) fn restore_items(call: Call<'_>) -> Result<Response, Refusal> {
    let body: RestoreToOriginalMailbox = call.body()?;
    let (found, chosen) = chosen_mails(&call, &body.items, "restore")?;
    restore(call, &found, "Selected items", chosen, false, Target::Original)
}

/// Restores several whole mailboxes where they were, written as a
/// Microsoft 365 account (`office365UserName` and its password) or an
/// application; none, or a mailbox the session lacks, is refused. v8 runs
/// them as one restore; v6 restores one mailbox after another and answers
/// with what it did to each (a mailbox with failed items is `Warning`, one
/// that restored nothing `Failed`).
pub(super) fn restore_mailboxes(call: Call<'_>) -> Result<Response, Refusal> {
    let body: BulkMailboxRestore = call.body()?;
    let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
    let account = given(&body.office365_user_name) && body.office365_user_password.is_some();
    let application = body.application_id.is_some() && body.application_certificate.is_some();
    if !(account || application) {
        return Err(Refusal::bad_request(String::from(
            "Specify the account (office365UserName and office365UserPassword) or the application (applicationId and applicationCertificate) to restore with.",
        )));
    }
    if body.mailboxes.is_empty() {
        return Err(Refusal::bad_request(String::from("Specify the mailboxes to restore.")));
    }
    let session = call.id("restoreSessionId")?;
    let world = call.shared.world();
    let all = mailboxes(&world, &call, session)?;
    drop(world);
    let mut chosen = Vec::new();
    for wanted in &body.mailboxes {
        let found = all.iter().find(|m| m.id == wanted.id);
        chosen.push(found.cloned().ok_or_else(|| Refusal::not_found(format!("Mailbox {} was not found.", wanted.id)))?);
    }
    let fate = call.shared.config.restore_fails_after.map_or(Fate::Restore, Fate::FailAfter);
    let request = |mailboxes: &[ExchangeMailbox]| {
        let owners: Vec<String> = mailboxes.iter().map(|m| m.email.clone().unwrap_or_default()).collect();
        let items = mailboxes
            .iter()
            .flat_map(|m| every_mail(&call, m))
            .map(|m| Item { name: m.subject.unwrap_or_default(), size: 48_000 })
            .collect();
        let owners = owners.join(", ");
        Request {
            session,
            what: WHOLE_MAILBOX.to_owned(),
            source: format!("{owners}/{WHOLE_MAILBOX}"),
            target: format!("{owners}/{WHOLE_MAILBOX}"),
            items,
            fate,
            rewrite: false,
        }
    };
    if call.version >= crate::ApiVersion::V8 {
        return super::restore_sessions::run(&call, request(&chosen), |_| StatusCode::OK.into_response());
    }
    let mut details = Vec::new();
    for mailbox in chosen {
        let mut done = None;
        super::restore_sessions::run(&call, request(std::slice::from_ref(&mailbox)), |d| {
            done = Some(d);
            StatusCode::OK.into_response()
        })?;
        let Some(done) = done else { continue };
        let status = match (done.restored, done.failed + done.errors.len() as i64) {
            (0, f) if f > 0 => RestoreSessionResult::Failed,
            (_, f) if f > 0 || !done.warnings.is_empty() => RestoreSessionResult::Warning,
            _ => RestoreSessionResult::Success,
        };
        details.push(BulkMailboxRestoreStatistics {
            mailbox: Some(mailbox),
            status: Some(status),
            error: done.errors.last().cloned(),
            details: Some(ItemsRestoreStatistics {
                created_items_count: Some(done.restored),
                merged_items_count: Some(0),
                failed_items_count: Some(done.failed),
                skipped_items_count: Some(done.skipped),
                warnings: done.warnings,
                exceptions: Vec::new(),
                cannot_continue_error: None,
            }),
        });
    }
    let worst = details.iter().filter_map(|d| d.status.clone()).max_by_key(|s| match s {
        RestoreSessionResult::Failed => 2,
        RestoreSessionResult::Warning => 1,
        _ => 0,
    });
    let answer = BulkRestoreStatistics { status: worst, error: None, details };
    Ok(call.answer(StatusCode::OK, &answer))
}

/// What the events call a whole mailbox's restore.
const WHOLE_MAILBOX: &str = "All folders";

/// The mailbox the route names and the mails `wanted` names of it, in
/// order; none, or an ID the mailbox does not have, is refused.
fn chosen_mails(
    call: &Call<'_>,
    wanted: &[ExchangeItemId],
    verb: &str,
) -> Result<(ExchangeMailbox, Vec<ExchangeItem>), Refusal> {
    let world = call.shared.world();
    let found = mailbox(&world, call)?;
    drop(world);
    let all = every_mail(call, &found);
    if wanted.is_empty() {
        return Err(Refusal::bad_request(format!("Specify the items to {verb}.")));
    }
    let mut chosen = Vec::new();
    for wanted in wanted {
        let id = wanted.id.clone().unwrap_or_default();
        let item = all.iter().find(|i| i.id.as_deref() == Some(id.as_str()));
        chosen.push(item.cloned().ok_or_else(|| Refusal::not_found(format!("Item with ID {id} was not found.")))?);
    }
    Ok((found, chosen))
}

/// Sends the mails the body names to its address: refused without an
/// address (one with `@`), otherwise recorded (see `Simulator::sent_mail`)
/// and answered with no body (200 in v6, 204 in v8).
pub(super) fn send_items(call: Call<'_>) -> Result<Response, Refusal> {
    let body: SendMailboxItems = call.body()?;
    let to = body.to.clone().unwrap_or_default();
    if !to.contains('@') {
        return Err(Refusal::bad_request(format!("The address to send to is not valid: '{to}'.")));
    }
    let (_, chosen) = chosen_mails(&call, &body.items, "send")?;
    let subjects = chosen.into_iter().map(|m| m.subject.unwrap_or_default()).collect();
    Ok(call.sent(SentMail { to, subject: body.subject.clone(), items: subjects }))
}

/// Sends the mails the body names back to the mailbox they came from:
/// recorded as [`send_items`] records a send, answered alike.
pub(super) fn send_items_to_original(call: Call<'_>) -> Result<Response, Refusal> {
    let body: SendMailboxItemsToOriginal = call.body()?;
    let (found, chosen) = chosen_mails(&call, &body.items, "send")?;
    let subjects = chosen.into_iter().map(|m| m.subject.unwrap_or_default()).collect();
    let to = found.email.unwrap_or_default();
    Ok(call.sent(SentMail { to, subject: None, items: subjects }))
}

/// The mails the body names as one file: a ZIP archive of MSG files, each
/// named by its subject (the last of equal subjects numbered), 48,000
/// bytes each as the restores count them.
pub(super) fn save_items(call: Call<'_>) -> Result<Response, Refusal> {
    let body: SaveMailboxItems = call.body()?;
    let (found, chosen) = chosen_mails(&call, &body.items, "save")?;
    let entries: Vec<Entry> = chosen
        .into_iter()
        .enumerate()
        .map(|(n, m)| Entry { path: format!("{:03} {}.msg", n + 1, m.subject.unwrap_or_default()), size: 48_000 })
        .collect();
    let name = found.email.unwrap_or_default();
    Ok(crate::simulator::zip::download(entries, &format!("{name}.zip")))
}

/// The PST file of the mails the body names (see [`pst`]).
pub(super) fn export_items_to_pst(call: Call<'_>) -> Result<Response, Refusal> {
    let body: ExportMailboxItemsToPst = call.body()?;
    pst_bound(body.enable_pst_size_limit, body.pst_size_limit_bytes)?;
    let (found, chosen) = chosen_mails(&call, &body.items, "export")?;
    Ok(pst(&found, chosen.len()))
}

/// The PST file of a folder's mails, or of those its keyword finds (see
/// [`pst_of_found`]).
pub(super) fn export_folder_to_pst(call: Call<'_>) -> Result<Response, Refusal> {
    let body: ExportMailboxFolderToPst = call.body()?;
    pst_bound(body.enable_pst_size_limit, body.pst_size_limit_bytes)?;
    let (found, _, items) = folder_mails(&call)?;
    pst_of_found(&found, items, body.content_keyword.as_deref())
}

/// The PST file of a whole mailbox, or of the mails a keyword finds (as
/// [`export_folder_to_pst`]).
pub(super) fn export_mailbox_to_pst(call: Call<'_>) -> Result<Response, Refusal> {
    let body: ExportMailboxFolderToPst = call.body()?;
    pst_bound(body.enable_pst_size_limit, body.pst_size_limit_bytes)?;
    let (found, items) = mailbox_mails(&call)?;
    pst_of_found(&found, items, body.content_keyword.as_deref())
}

/// A PST file of `items`, or of those whose subject has `keyword` (case
/// aside); a keyword that finds none is refused, as there is nothing to
/// export.
fn pst_of_found(
    found: &ExchangeMailbox,
    mut items: Vec<ExchangeItem>,
    keyword: Option<&str>,
) -> Result<Response, Refusal> {
    if let Some(keyword) = keyword.map(str::to_lowercase).filter(|k| !k.is_empty()) {
        items.retain(|m| m.subject.as_deref().unwrap_or_default().to_lowercase().contains(&keyword));
    }
    if items.is_empty() {
        return Err(Refusal::bad_request(String::from("There are no items to export.")));
    }
    Ok(pst(found, items.len()))
}

/// A bound on the PST file's size: when enabled, given, and from 1 to 49
/// GiB (the simulator reads the server's "1 GB to 49 GB" as binary).
fn pst_bound(enabled: Option<bool>, bytes: Option<i64>) -> Result<(), Refusal> {
    const GIB: i64 = 1 << 30;
    match (enabled, bytes) {
        (Some(true), None) => Err(Refusal::bad_request(String::from("Specify the PST size limit."))),
        (Some(true), Some(bytes)) if !(GIB..=49 * GIB).contains(&bytes) => {
            Err(Refusal::bad_request(format!("The PST size limit must be 1 to 49 GB, not {bytes} bytes.")))
        }
        _ => Ok(()),
    }
}

/// A PST file of `count` mails of `mailbox`: 48,000 bytes a mail (as the
/// restores count them) after a header, named after the mailbox.
fn pst(mailbox: &ExchangeMailbox, count: usize) -> Response {
    let name = format!("{}.pst", mailbox.email.as_deref().unwrap_or("mailbox"));
    crate::simulator::zip::bare(Entry { path: name, size: 8_192 + 48_000 * count as u64 })
}

/// Restores `mails` of mailbox `from` back where they were, or into the
/// mailbox the body names, which must be one of the explored
/// organization's; written as an account (name and password) or an
/// application (ID and certificate). Copied into the mailbox they came
/// from, every mail exists already and is skipped with a warning, as is
/// a mail an earlier restore wrote there (unchanged since). v8
/// answers at once and restores over the simulator's job duration; v6
/// restores before it answers, with the counts (of folders when
/// `folders`).
fn restore(
    call: Call<'_>,
    from: &ExchangeMailbox,
    what: &str,
    mails: Vec<ExchangeItem>,
    folders: bool,
    into: Target,
) -> Result<Response, Refusal> {
    let body: serde_json::Value = call.body()?;
    let session = call.id("restoreSessionId")?;
    let world = call.shared.world();
    super::restore_sessions::credentials_given(&body)?;
    let owner = from.email.clone().unwrap_or_default();
    let fails = call.shared.config.restore_fails_after.map_or(Fate::Restore, Fate::FailAfter);
    let (target, into_folder, fate) = match into {
        Target::Original => (owner.clone(), what.to_owned(), fails),
        Target::Other(target, folder) => {
            let all = mailboxes(&world, &call, session)?;
            let found = all.iter().find(|m| m.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(&target)));
            let found = found
                .ok_or_else(|| Refusal::bad_request(format!("Mailbox {target} was not found in the organization.")))?;
            // Into the mailbox they came from, as copies: they exist already.
            let fate = if found.id == from.id { Fate::Exists } else { fails };
            (target, folder.unwrap_or_else(|| what.to_owned()), fate)
        }
    };
    let items = mails.into_iter().map(|m| Item { name: m.subject.unwrap_or_default(), size: 48_000 }).collect();
    let request = Request {
        session,
        what: what.to_owned(),
        source: format!("{owner}/{what}"),
        target: format!("{target}/{into_folder}"),
        items,
        fate,
        rewrite: false,
    };
    drop(world);
    super::restore_sessions::run(&call, request, |done| {
        let items = ItemsRestoreStatistics {
            created_items_count: Some(done.restored),
            merged_items_count: Some(0),
            failed_items_count: Some(done.failed),
            skipped_items_count: Some(done.skipped),
            warnings: done.warnings,
            cannot_continue_error: done.errors.last().cloned(),
            exceptions: done.errors,
        };
        if !folders {
            return call.answer(StatusCode::OK, &items);
        }
        let folders = FolderRestoreStatistics {
            created_items_count: items.created_items_count,
            merged_items_count: items.merged_items_count,
            failed_items_count: items.failed_items_count,
            skipped_items_count: items.skipped_items_count,
            failed_folders_count: Some(0),
            warnings: items.warnings,
            exceptions: items.exceptions,
            cannot_continue_error: items.cannot_continue_error,
        };
        call.answer(StatusCode::OK, &folders)
    })
}
