//! A restore that was asked for, followed to its end.
//!
//! v6 restores before it answers and answers with its counts; v8 answers
//! when the restore has started, and the restore's progress is its
//! session's events and statistics. [`RestoreAction`] holds either, and
//! [`RestoreSession::wait`] turns both into one [`RestoreOutcome`].

use std::collections::HashSet;
use std::time::Duration;

use futures::TryStreamExt as _;
use uuid::Uuid;

use super::RestoreSession;
use crate::Error;
use crate::api::versioned;
use crate::types::{
    BulkRestoreStatistics, FolderRestoreStatistics, ItemsRestoreStatistics, OneDriveRestoreStatistics,
    RestoreActionStarted, RestoreSessionEvent, RestoreSessionEventStatus, RestoreSessionResult, RestoreSessionState,
    RestoreSessionStatistics,
};

/// How often [`RestoreSession::wait`] asks by default.
const POLL_EVERY: Duration = Duration::from_secs(2);

/// A restore the server accepted. Pass it to [`RestoreSession::wait`].
#[derive(Debug)]
#[must_use = "a restore is followed to its end with RestoreSession::wait"]
pub struct RestoreAction {
    answer: Answer,
    poll_every: Duration,
    /// The session's statistics and events before the restore started
    /// (v8): they count every restore of the session.
    before: Before,
}

#[derive(Debug, Default)]
struct Before {
    statistics: RestoreSessionStatistics,
    events: HashSet<Uuid>,
}

/// What the server answered the request with.
#[derive(Debug)]
pub(crate) enum Answer {
    /// v6: the restore is over; its counts.
    Counted(RestoreOutcome),
    /// v8: the restore runs in this session.
    Started(Uuid),
}

impl From<FolderRestoreStatistics> for Answer {
    fn from(s: FolderRestoreStatistics) -> Self {
        let failed_folders = count(s.failed_folders_count);
        let mut errors = s.exceptions;
        if failed_folders > 0 {
            errors.push(format!("{failed_folders} folders could not be restored"));
        }
        let created_and_merged = [s.created_items_count, s.merged_items_count];
        Self::counted(
            created_and_merged,
            s.failed_items_count,
            s.skipped_items_count,
            s.warnings,
            errors,
            s.cannot_continue_error,
        )
    }
}

impl From<ItemsRestoreStatistics> for Answer {
    fn from(s: ItemsRestoreStatistics) -> Self {
        let created_and_merged = [s.created_items_count, s.merged_items_count];
        Self::counted(
            created_and_merged,
            s.failed_items_count,
            s.skipped_items_count,
            s.warnings,
            s.exceptions,
            s.cannot_continue_error,
        )
    }
}

impl From<OneDriveRestoreStatistics> for Answer {
    fn from(s: OneDriveRestoreStatistics) -> Self {
        let issues = |error: bool| -> Vec<String> {
            let about = |i: &crate::types::RestoreIssue| i.path.clone().or(i.title.clone()).unwrap_or_default();
            s.restore_issues
                .iter()
                .flat_map(|i| match (&i.error, error) {
                    (Some(e), true) => vec![format!("{}: {e}", about(i))],
                    (_, false) => i.warnings.iter().map(|w| format!("{}: {w}", about(i))).collect(),
                    (None, true) => Vec::new(),
                })
                .collect()
        };
        let skipped = count(s.skipped_items_by_error_count) + count(s.skipped_items_by_no_changes_count);
        let skipped = i64::try_from(skipped).ok();
        let (warnings, errors) = (issues(false), issues(true));
        Self::counted([s.restored_items_count, None], s.failed_items_count, skipped, warnings, errors, None)
    }
}

impl From<BulkRestoreStatistics> for Answer {
    /// Every mailbox's counts summed; each warning and error (a mailbox that
    /// stopped early too) named by its mailbox; the server's own verdict of
    /// failure kept as the reason.
    fn from(s: BulkRestoreStatistics) -> Self {
        let (mut counted, mut warnings, mut errors) = ([0i64; 4], Vec::new(), Vec::new());
        for each in s.details {
            let who = each.mailbox.as_ref().and_then(|m| m.email.clone().or(m.name.clone())).unwrap_or_default();
            let d = each.details.unwrap_or_default();
            let numbers = [d.created_items_count, d.merged_items_count, d.failed_items_count, d.skipped_items_count];
            for (sum, n) in counted.iter_mut().zip(numbers) {
                *sum += n.unwrap_or(0).max(0);
            }
            warnings.extend(d.warnings.into_iter().map(|w| format!("{who}: {w}")));
            let stopped = d.cannot_continue_error.into_iter();
            errors.extend(d.exceptions.into_iter().chain(stopped).chain(each.error).map(|e| format!("{who}: {e}")));
        }
        let failed = s.status == Some(RestoreSessionResult::Failed);
        let reason = s.error.or_else(|| failed.then(|| String::from("the server says it failed")));
        let [created, merged, failed_items, skipped] = counted.map(Some);
        Self::counted([created, merged], failed_items, skipped, warnings, errors, reason)
    }
}

impl Answer {
    /// v6's counts: created and merged items are restored.
    fn counted(
        restored: [Option<i64>; 2],
        failed: Option<i64>,
        skipped: Option<i64>,
        warnings: Vec<String>,
        errors: Vec<String>,
        reason: Option<String>,
    ) -> Self {
        let counts = Counts {
            restored: restored.into_iter().map(count).sum(),
            failed: count(failed),
            skipped: count(skipped),
            total: None,
        };
        Self::Counted(RestoreOutcome::judge(counts, warnings, errors, reason, 0))
    }
}

impl From<RestoreActionStarted> for Answer {
    fn from(started: RestoreActionStarted) -> Self {
        Self::Started(started.session_id)
    }
}

fn count(value: Option<i64>) -> u64 {
    value.and_then(|v| u64::try_from(v).ok()).unwrap_or(0)
}

/// Items a restore processed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Restored (created or merged).
    pub restored: u64,
    /// Could not be restored.
    pub failed: u64,
    /// Left as they were (they exist already, or were excluded).
    pub skipped: u64,
    /// How many the restore will process, where the server says (v8).
    pub total: Option<u64>,
}

impl Counts {
    /// Restored, failed and skipped together.
    pub fn processed(&self) -> u64 {
        self.restored + self.failed + self.skipped
    }
}

/// How far a running restore has come, for a progress bar.
#[derive(Debug, Clone, Default)]
pub struct RestoreProgress {
    /// Items processed so far.
    pub counts: Counts,
    /// Bytes of the items processed so far, where the events give sizes.
    pub bytes: u64,
    /// The events of this restore that are new since the last progress.
    pub events: Vec<RestoreSessionEvent>,
}

/// How a restore ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestoreStatus {
    /// Every item restored or left as it was, without a warning.
    Success,
    /// Done, with warnings or with some items failed.
    Warning,
    /// Nothing restored, or the restore stopped before its end.
    Failed,
}

/// A finished restore: its status, counts, and what the server said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreOutcome {
    /// How it ended.
    pub status: RestoreStatus,
    /// Items processed.
    pub counts: Counts,
    /// Bytes of the items processed, where the server gives sizes (v8 events).
    pub bytes: u64,
    /// The server's warnings, item by item where it says.
    pub warnings: Vec<String>,
    /// The server's errors.
    pub errors: Vec<String>,
    /// Why the restore stopped before its end, when it did.
    pub reason: Option<String>,
}

impl RestoreOutcome {
    /// Failed when it stopped early or restored nothing while items failed;
    /// a warning when anything failed or warned; success otherwise.
    fn judge(counts: Counts, warnings: Vec<String>, errors: Vec<String>, reason: Option<String>, bytes: u64) -> Self {
        let status = if reason.is_some() || (counts.restored == 0 && (counts.failed > 0 || !errors.is_empty())) {
            RestoreStatus::Failed
        } else if counts.failed > 0 || !warnings.is_empty() || !errors.is_empty() {
            RestoreStatus::Warning
        } else {
            RestoreStatus::Success
        };
        Self { status, counts, bytes, warnings, errors, reason }
    }
}

impl RestoreAction {
    /// How often [`RestoreSession::wait`] asks the server (2 s by default).
    pub fn poll_every(mut self, interval: Duration) -> Self {
        self.poll_every = interval;
        self
    }
}

impl RestoreSession {
    /// Sends a restore request (built by `send`), noting first what the
    /// session had done before it (its events, and in v8 its statistics),
    /// so that [`wait`](Self::wait) counts and reports only this restore.
    pub(crate) async fn act(&self, send: impl AsyncFnOnce() -> Result<Answer, Error>) -> Result<RestoreAction, Error> {
        let family = &crate::api::families::GET_RESTORE_SESSION_STATISTICS;
        let statistics = if self.client.state().versions.choose_family(family).is_ok() {
            self.statistics().await?
        } else {
            RestoreSessionStatistics::default()
        };
        let before = Before { statistics, events: self.event_ids().await? };
        let answer = send().await?;
        Ok(RestoreAction { answer, poll_every: POLL_EVERY, before })
    }

    /// The counts of every restore of the session so far
    /// (`GET /v8/RestoreSessions/{id}/Statistics`; v8 only).
    pub async fn statistics(&self) -> Result<RestoreSessionStatistics, Error> {
        let session = self.id();
        versioned!(send self.client.api(), get_restore_session_statistics, |op| op.restore_session_id(session))
    }

    async fn event_ids(&self) -> Result<HashSet<Uuid>, Error> {
        self.events().map_ok(|e| e.id).try_collect().await
    }

    /// Follows `action` to its end, calling `progress` each time the
    /// server has news, and returns how it ended. A v6 restore is over
    /// already: `progress` is called once, with its events. A v8 restore is
    /// over when none of its events is still running and the statistics
    /// count all its items (or an event says why it stopped early);
    /// a session the server stops first ends it as failed. Errors of the
    /// requests themselves are returned as errors, not outcomes.
    pub async fn wait(
        &self,
        action: RestoreAction,
        mut progress: impl FnMut(&RestoreProgress),
    ) -> Result<RestoreOutcome, Error> {
        let RestoreAction { answer, poll_every, before } = action;
        let session = match answer {
            Answer::Counted(outcome) => {
                let events = self
                    .events()
                    .try_filter(|e| std::future::ready(!before.events.contains(&e.id)))
                    .try_collect()
                    .await?;
                progress(&RestoreProgress { counts: outcome.counts, bytes: outcome.bytes, events });
                return Ok(outcome);
            }
            Answer::Started(session) => session,
        };
        if session != self.id() {
            tracing::debug!(restore_session = %self.id(), reported = %session, "the restore runs in another session");
        }
        // This restore's events (those the session did not have before it),
        // as of the last poll: an event may be written while it runs and
        // again when it ends.
        let mut previous: Vec<RestoreSessionEvent> = Vec::new();
        let mut reported = Counts::default();
        loop {
            let statistics = self.statistics().await?;
            let mine: Vec<RestoreSessionEvent> =
                self.events().try_filter(|e| std::future::ready(!before.events.contains(&e.id))).try_collect().await?;
            let fresh: Vec<RestoreSessionEvent> = mine
                .iter()
                .filter(|e| !previous.iter().any(|p| p.id == e.id && status(p) == status(e)))
                .cloned()
                .collect();
            let counts = since(&before.statistics, &statistics);
            let ended = mine.iter().filter(|e| !is_running(e));
            let bytes = ended.filter_map(|e| e.item_size_bytes).map(|b| u64::try_from(b).unwrap_or(0)).sum();
            if !fresh.is_empty() || counts != reported {
                reported = counts;
                progress(&RestoreProgress { counts, bytes, events: fresh });
            }
            let news = |all: &[String], old: &[String]| all.get(old.len()..).unwrap_or_default().to_vec();
            let warnings = news(&statistics.warnings, &before.statistics.warnings);
            let errors = news(&statistics.errors, &before.statistics.errors);
            // Ended: the restore's events (if the server writes any) all
            // ended, and it has events or counted items of its own.
            let counted = counts.total.is_some_and(|total| total > 0);
            let all_ended = (!mine.is_empty() || counted) && !mine.iter().any(is_running);
            let complete = counts.total.is_none_or(|total| counts.processed() >= total);
            // A restore that stopped before its last item says why in the
            // event that ended it.
            let halted = mine.iter().rev().find(|e| matches!(status(e), Some("Failed" | "Cancelled")));
            if all_ended && (complete || halted.is_some()) {
                let reason = if complete { None } else { halted.and_then(|e| e.message.clone()) };
                let mut outcome = RestoreOutcome::judge(counts, warnings, errors, reason, bytes);
                let troubled = mine.iter().any(|e| matches!(status(e), Some("Warning" | "Failed")));
                if outcome.status == RestoreStatus::Success && troubled {
                    outcome.status = RestoreStatus::Warning;
                }
                return Ok(outcome);
            }
            previous = mine;
            let current = self.current().await?;
            if current.state == Some(RestoreSessionState::Stopped) {
                let reason = String::from("the server stopped the restore session before the restore ended");
                return Ok(RestoreOutcome::judge(counts, warnings, errors, Some(reason), bytes));
            }
            tokio::time::sleep(poll_every).await;
        }
    }
}

fn status(event: &RestoreSessionEvent) -> Option<&str> {
    event.status.as_ref().map(RestoreSessionEventStatus::as_str)
}

fn is_running(event: &RestoreSessionEvent) -> bool {
    status(event) == Some("Running")
}

/// The counts of one restore: the session's now, less its counts before.
fn since(before: &RestoreSessionStatistics, now: &RestoreSessionStatistics) -> Counts {
    let delta = |now: Option<i64>, before: Option<i64>| count(now).saturating_sub(count(before));
    Counts {
        restored: delta(now.restored_items_count, before.restored_items_count),
        failed: delta(now.failed_items_count, before.failed_items_count),
        skipped: delta(now.skipped_items_count, before.skipped_items_count),
        total: now.total_items_count.map(|_| delta(now.total_items_count, before.total_items_count)),
    }
}
