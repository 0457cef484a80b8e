//! `vb365 restore mailbox`, and what every restore command shares: bring
//! data back, in a restore session opened for the command and always
//! stopped.

use std::path::PathBuf;

use futures::TryStreamExt as _;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use tokio::io::AsyncWrite;
use uuid::Uuid;
use vb365::Client;
use vb365::restore::{
    ExploreFrom, RestoreAction, RestoreCredentials, RestoreOutcome, RestoreSession, RestoreStatus, SendItems,
    ToMailbox, ToPst,
};
use vb365::types::RestoreSessionType;

use super::restore::{folder_of, in_session, mailbox_of};
use super::restore_save::save_to;
use crate::args::RestoreCredentialArgs;
use crate::failure::{Exit, Failure};
use crate::output::Output;
use crate::rows::Row;

/// How a whole mailbox is named in what the command prints.
const WHOLE_MAILBOX: &str = "all folders";

/// How often a restore's progress is asked for.
const POLL_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// What `vb365 restore mailbox` is asked to do.
pub(super) struct MailboxRestore {
    pub(super) organization: String,
    pub(super) mailbox: String,
    /// More mailboxes: then every one is restored whole where it was.
    pub(super) more: Vec<String>,
    pub(super) at: Option<vb365::DateTime>,
    pub(super) folder: Option<String>,
    pub(super) items: Vec<String>,
    pub(super) to: Option<String>,
    pub(super) to_folder: Option<String>,
    pub(super) save: Option<PathBuf>,
    pub(super) pst: Option<PathBuf>,
    pub(super) pst_limit: Option<i64>,
    pub(super) send: Option<String>,
    pub(super) send_back: bool,
    pub(super) subject: Option<String>,
    pub(super) yes: bool,
    pub(super) changed_items: bool,
    pub(super) deleted_items: bool,
    pub(super) credentials: RestoreCredentialArgs,
    pub(super) dry_run: bool,
    pub(super) strict: bool,
}

/// What a restore would do (`--dry-run`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RestorePlan {
    pub(super) session: Uuid,
    pub(super) source: String,
    pub(super) target: String,
    pub(super) items: u64,
    pub(super) bytes: Option<u64>,
}

impl Row for RestorePlan {
    const HEADER: &'static [&'static str] = &["WOULD RESTORE", "INTO", "ITEMS", "BYTES"];

    fn cells(&self) -> Vec<String> {
        let bytes = self.bytes.map(|b| b.to_string()).unwrap_or_default();
        vec![self.source.clone(), self.target.clone(), self.items.to_string(), bytes]
    }
}

/// How a restore ended.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RestoreReport {
    session: Uuid,
    source: String,
    target: String,
    status: &'static str,
    restored: u64,
    failed: u64,
    skipped: u64,
    bytes: u64,
    warnings: Vec<String>,
    errors: Vec<String>,
    reason: Option<String>,
}

impl Row for RestoreReport {
    const HEADER: &'static [&'static str] = &["STATUS", "RESTORED", "FAILED", "SKIPPED", "INTO", "REASON"];

    fn cells(&self) -> Vec<String> {
        vec![
            self.status.to_owned(),
            self.restored.to_string(),
            self.failed.to_string(),
            self.skipped.to_string(),
            self.target.clone(),
            self.reason.clone().unwrap_or_default(),
        ]
    }
}

fn status_name(status: RestoreStatus) -> &'static str {
    match status {
        RestoreStatus::Success => "Success",
        RestoreStatus::Warning => "Warning",
        RestoreStatus::Failed => "Failed",
    }
}

/// The restore credentials: from --restore-user and VB365_RESTORE_PASSWORD,
/// or --restore-app-id, --restore-certificate and
/// VB365_RESTORE_CERTIFICATE_PASSWORD.
pub(super) fn credentials(args: &RestoreCredentialArgs) -> Result<RestoreCredentials, Failure> {
    let secret = |variable: &str, what: &str| {
        std::env::var(variable).map_err(|_| Failure::usage(format!("{what}: set {variable}")))
    };
    match (&args.restore_user, args.restore_app_id, &args.restore_certificate) {
        (Some(user), _, _) => {
            Ok(RestoreCredentials::user(user, secret("VB365_RESTORE_PASSWORD", "no password for --restore-user")?))
        }
        (None, Some(id), Some(file)) => {
            let pfx = std::fs::read(file)
                .map_err(|e| Failure::usage(format!("cannot read the certificate {}: {e}", file.display())))?;
            let password = secret("VB365_RESTORE_CERTIFICATE_PASSWORD", "no password for --restore-certificate")?;
            Ok(RestoreCredentials::application(id, &pfx, password))
        }
        _ => Err(Failure::usage(
            "say who restores: --restore-user (password in VB365_RESTORE_PASSWORD), or --restore-app-id and \
             --restore-certificate (password in VB365_RESTORE_CERTIFICATE_PASSWORD)",
        )),
    }
}

pub(super) fn explore(organization: Uuid, service: RestoreSessionType, at: Option<vb365::DateTime>) -> ExploreFrom {
    let from = ExploreFrom::organization(organization, service);
    at.into_iter().fold(from, ExploreFrom::at)
}

/// A bar of items processed on standard error, only on a terminal.
fn bar() -> ProgressBar {
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let style =
        ProgressStyle::with_template("{spinner} {pos}/{len} items {msg}").unwrap_or(ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

pub(super) async fn mailbox(client: &Client, ask: MailboxRestore, output: &mut Output) -> Result<(), Failure> {
    if !ask.more.is_empty() {
        return mailboxes(client, ask, output).await;
    }
    // Only a restore writes into Microsoft 365; saving, exporting and sending do not.
    let sends = ask.send.is_some() || ask.send_back;
    let restores = ask.save.is_none() && ask.pst.is_none() && !sends;
    let in_place = ask.to.is_none() && restores;
    let whole = ask.folder.is_none() && ask.items.is_empty();
    if whole && (ask.save.is_some() || sends) {
        // The server saves and sends items, not mailboxes.
        return Err(Failure::usage("say what to save or send: --folder PATH or --item ID"));
    }
    let what = match (&ask.folder, ask.items.len()) {
        (Some(folder), _) => folder.clone(),
        (None, 0) => String::from(WHOLE_MAILBOX),
        (None, n) => format!("{n} items"),
    };
    let who = if ask.dry_run || !restores { None } else { Some(credentials(&ask.credentials)?) };
    if in_place && !ask.dry_run {
        // Back where it was: what changed there since is the server's to merge.
        let question = format!("Restore `{what}` of {} where it was, from the backup?", ask.mailbox);
        crate::confirm::confirm(&question, ask.yes)?;
    }
    let organization = client.find_organization(&ask.organization).await?;
    let from = explore(organization.id, RestoreSessionType::Vex, ask.at);
    let report = in_session(client, from, async |session: &RestoreSession| {
        let found = mailbox_of(session, &ask.mailbox).await?;
        let address = found.email.clone().unwrap_or_else(|| ask.mailbox.clone());
        // A folder, or chosen items (each read first, so that a wrong ID is
        // a usage error before anything is restored).
        let folder = match &ask.folder {
            Some(path) => Some(folder_of(session, &found, &ask.mailbox, path).await?.id.unwrap_or_default()),
            None => None,
        };
        for item in &ask.items {
            session.mailbox_item(found.id, item).await.map_err(|e| match e.status().map(|s| s.as_u16()) {
                Some(404) => Failure::usage(format!("`{}` has no item `{item}`", ask.mailbox)),
                _ => e.into(),
            })?;
        }
        let source = format!("{address}/{what}");
        let into = ask.to.as_deref().unwrap_or(&address);
        let target = match (ask.save.as_ref().or(ask.pst.as_ref()), &ask.send) {
            (Some(file), _) => file.display().to_string(),
            (None, Some(to)) => to.clone(),
            (None, None) if ask.send_back => address.clone(),
            (None, None) => match ask.to_folder.as_deref().or(ask.folder.as_deref()) {
                Some(folder) => format!("{into}/{folder}"),
                None => into.to_owned(),
            },
        };
        if ask.dry_run {
            // A folder's items or every item of the mailbox are counted; chosen ones are known.
            let listed = match &folder {
                Some(id) => Some(Some(id.as_str())),
                None if whole => Some(None),
                None => None,
            };
            let items = match listed {
                Some(folder) => session.mailbox_items(found.id, folder).try_fold(0u64, async |n, _| Ok(n + 1)).await?,
                None => ask.items.len() as u64,
            };
            output.one(&RestorePlan { session: session.id(), source, target, items, bytes: None })?;
            return Ok(None);
        }
        if let Some(file) = &ask.pst {
            let how = ask.pst_limit.into_iter().fold(ToPst::new(), ToPst::size_limit);
            let items: Vec<&str> = ask.items.iter().map(String::as_str).collect();
            let download = async |to: &mut (dyn AsyncWrite + Unpin)| match &folder {
                Some(folder) => session.export_mailbox_folder_to_pst(found.id, folder, &how, to).await,
                None if whole => session.export_mailbox_to_pst(found.id, &how, to).await,
                None => session.export_mailbox_items_to_pst(found.id, &items, &how, to).await,
            };
            save_to(session.id(), source, file, download, output).await?;
            return Ok(None);
        }
        if ask.save.is_some() || sends {
            // Saving and sending take items: a folder's are listed first.
            let items = match &folder {
                Some(id) => {
                    let listed: Vec<_> = session.mailbox_items(found.id, Some(id)).try_collect().await?;
                    let ids: Option<Vec<String>> = listed.into_iter().map(|item| item.id).collect();
                    ids.ok_or_else(|| Failure {
                        exit: Exit::Refused,
                        message: format!("the server listed an item of `{source}` without its ID"),
                    })?
                }
                None => ask.items.clone(),
            };
            if items.is_empty() {
                return Err(Failure::usage(format!("`{source}` holds no items")));
            }
            let items: Vec<&str> = items.iter().map(String::as_str).collect();
            if let Some(file) = &ask.save {
                // One item is saved as its own file, several as one archive.
                let download = async |to: &mut (dyn AsyncWrite + Unpin)| match items[..] {
                    [one] => session.save_mailbox_item(found.id, one, to).await,
                    _ => session.save_mailbox_items(found.id, &items, to).await,
                };
                save_to(session.id(), source, file, download, output).await?;
            } else if let Some(to) = &ask.send {
                let message = ask.subject.iter().fold(SendItems::to(to), |m, s| m.subject(s));
                session.send_mailbox_items(found.id, &items, &message).await?;
                output.one(&SendReport { session: session.id(), source, to: to.clone(), items: items.len() })?;
            } else {
                session.send_mailbox_items_to_original(found.id, &items).await?;
                output.one(&SendReport { session: session.id(), source, to: target, items: items.len() })?;
            }
            return Ok(None);
        }
        let who = who.as_ref().ok_or_else(|| Failure::usage("say who restores"))?;
        let items: Vec<&str> = ask.items.iter().map(String::as_str).collect();
        let action = match (&ask.to, &folder) {
            (None, Some(id)) => session.restore_mailbox_folder(found.id, id, who).await?,
            (None, None) if whole => session.restore_mailbox(found.id, who).await?,
            (None, None) => session.restore_mailbox_items(found.id, &items, who).await?,
            (Some(address), folder) => {
                let mut to =
                    ToMailbox::new(address, who).changed_items(ask.changed_items).deleted_items(ask.deleted_items);
                if let Some(name) = &ask.to_folder {
                    to = to.folder(name);
                }
                match folder {
                    Some(id) => session.restore_mailbox_folder_to(found.id, id, &to).await?,
                    None if whole => session.restore_mailbox_to(found.id, &to).await?,
                    None => session.restore_mailbox_items_to(found.id, &items, &to).await?,
                }
            }
        };
        let outcome = follow(session, action, output).await?;
        Ok(Some(report_of(session.id(), source, target, outcome)))
    })
    .await?;
    finish(report, ask.strict, output)
}

/// Restores several mailboxes whole, each where it was, in one restore;
/// nothing else is done with several.
async fn mailboxes(client: &Client, ask: MailboxRestore, output: &mut Output) -> Result<(), Failure> {
    let elsewhere = [ask.to.is_some(), ask.save.is_some(), ask.pst.is_some(), ask.send.is_some(), ask.send_back];
    if ask.folder.is_some() || !ask.items.is_empty() || elsewhere.contains(&true) {
        return Err(Failure::usage("several mailboxes are restored whole, where they were: name one for the rest"));
    }
    let names: Vec<String> = std::iter::once(ask.mailbox.clone()).chain(ask.more.iter().cloned()).collect();
    let who = if ask.dry_run { None } else { Some(credentials(&ask.credentials)?) };
    if !ask.dry_run {
        let question = format!("Restore {} whole where they were, from the backup?", names.join(", "));
        crate::confirm::confirm(&question, ask.yes)?;
    }
    let organization = client.find_organization(&ask.organization).await?;
    let from = explore(organization.id, RestoreSessionType::Vex, ask.at);
    let report = in_session(client, from, async |session: &RestoreSession| {
        let mut found = Vec::new();
        for name in &names {
            found.push(mailbox_of(session, name).await?);
        }
        let addresses: Vec<String> =
            found.iter().zip(&names).map(|(m, n)| m.email.clone().unwrap_or(n.clone())).collect();
        let source = format!("{}/{WHOLE_MAILBOX}", addresses.join(", "));
        let target = addresses.join(", ");
        let Some(who) = &who else {
            let mut items = 0;
            for mailbox in &found {
                items += session.mailbox_items(mailbox.id, None).try_fold(0u64, async |n, _| Ok(n + 1)).await?;
            }
            output.one(&RestorePlan { session: session.id(), source, target, items, bytes: None })?;
            return Ok(None);
        };
        let ids: Vec<Uuid> = found.iter().map(|m| m.id).collect();
        let action = session.restore_mailboxes(&ids, who).await?;
        let outcome = follow(session, action, output).await?;
        Ok(Some(report_of(session.id(), source, target, outcome)))
    })
    .await?;
    finish(report, ask.strict, output)
}

/// Mail sent with the items attached.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SendReport {
    pub(super) session: Uuid,
    pub(super) source: String,
    pub(super) to: String,
    pub(super) items: usize,
}

impl Row for SendReport {
    const HEADER: &'static [&'static str] = &["SENT", "TO", "ITEMS"];

    fn cells(&self) -> Vec<String> {
        vec![self.source.clone(), self.to.clone(), self.items.to_string()]
    }
}

/// Waits for `action` with a progress bar on a terminal and, with `-o
/// ndjson`, a line per event.
pub(super) async fn follow(
    session: &RestoreSession,
    action: RestoreAction,
    output: &mut Output,
) -> Result<RestoreOutcome, Failure> {
    let bar = bar();
    let mut news = Ok(());
    let outcome = session
        .wait(action.poll_every(POLL_EVERY), |progress| {
            bar.set_length(progress.counts.total.unwrap_or(progress.counts.processed()));
            bar.set_position(progress.counts.processed());
            for event in &progress.events {
                if news.is_ok() {
                    news = output.news(event);
                }
            }
        })
        .await?;
    bar.finish_and_clear();
    news?;
    Ok(outcome)
}

/// Prints how a restore ended; a failure (and with `strict` a warning) is
/// the command's failure. No report (a dry run printed its plan) is done.
pub(super) fn finish(report: Option<RestoreReport>, strict: bool, output: &mut Output) -> Result<(), Failure> {
    let Some(report) = report else { return Ok(()) };
    output.one(&report)?;
    match report.status {
        "Failed" => Err(Failure {
            exit: Exit::Refused,
            message: format!("the restore failed: {}", report.reason.as_deref().unwrap_or("see its errors")),
        }),
        "Warning" if strict => Err(Failure {
            exit: Exit::Refused,
            message: format!("the restore ended with {} warnings (--strict)", report.warnings.len()),
        }),
        "Warning" => {
            eprintln!("vb365: the restore ended with {} warnings", report.warnings.len());
            Ok(())
        }
        _ => Ok(()),
    }
}

pub(super) fn report_of(session: Uuid, source: String, target: String, outcome: RestoreOutcome) -> RestoreReport {
    RestoreReport {
        session,
        source,
        target,
        status: status_name(outcome.status),
        restored: outcome.counts.restored,
        failed: outcome.counts.failed,
        skipped: outcome.counts.skipped,
        bytes: outcome.bytes,
        warnings: outcome.warnings,
        errors: outcome.errors,
        reason: outcome.reason,
    }
}
