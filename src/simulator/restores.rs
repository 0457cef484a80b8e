//! Restores the simulator runs: each takes a while, writes an event per
//! item as it goes, and counts into its session's statistics. What a
//! restore writes is there afterwards: restoring it to the same place again
//! finds it unchanged and skips it, with a warning, unless the request
//! writes over or beside what is there.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::DateTime;
use crate::types::{RestoreSessionEvent, RestoreSessionEventStatus, RestoreSessionEventType, RestoreSessionStatistics};

/// One item of a restore: its name and size.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub(crate) name: String,
    pub(crate) size: i64,
}

/// What happens to the items of a restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fate {
    /// Each is restored, but for what an earlier restore wrote to the
    /// same place (see [`Request::rewrite`]).
    Restore,
    /// Each exists already where it would go: skipped, with a warning.
    Exists,
    /// Restored up to this many; the next fails and the restore stops.
    FailAfter(usize),
}

/// A restore under way.
#[derive(Debug)]
pub(crate) struct Run {
    started: Instant,
    takes: Duration,
    items: Vec<Item>,
    done: usize,
    fate: Fate,
    /// The restore's own event: `Running` until it ends.
    event: Uuid,
    source: String,
    target: String,
    /// For each item, whether an earlier restore wrote it where this one
    /// writes (and this one does not write it again).
    there: Vec<bool>,
    /// Items skipped so far.
    skipped: usize,
}

/// Every session's restores and statistics.
#[derive(Debug, Default)]
pub(crate) struct Restores {
    runs: HashMap<Uuid, Vec<Run>>,
    pub(crate) statistics: HashMap<Uuid, RestoreSessionStatistics>,
    /// The items restores wrote, by name, under each target.
    written: HashMap<String, HashSet<String>>,
}

/// What a restore of `what` from `source` into `target` is.
pub(crate) struct Request {
    pub(crate) session: Uuid,
    pub(crate) what: String,
    pub(crate) source: String,
    pub(crate) target: String,
    pub(crate) items: Vec<Item>,
    pub(crate) fate: Fate,
    /// Whether items an earlier restore wrote to `target` are written
    /// again (over or beside what is there) or skipped as unchanged.
    pub(crate) rewrite: bool,
}

impl Restores {
    /// Starts a restore: counts its items into the session's total and
    /// writes its `Running` event.
    pub(crate) fn start(
        &mut self,
        request: Request,
        event: Uuid,
        takes: Duration,
        now: &DateTime,
        events: &mut Vec<RestoreSessionEvent>,
    ) {
        let Request { session, what, source, target, items, fate, rewrite } = request;
        let written = self.written.get(&target);
        let there = items.iter().map(|i| !rewrite && written.is_some_and(|w| w.contains(&i.name))).collect();
        let statistics = self.statistics.entry(session).or_default();
        statistics.total_items_count = Some(statistics.total_items_count.unwrap_or(0) + items.len() as i64);
        events.push(RestoreSessionEvent {
            status: Some(RestoreSessionEventStatus::Running),
            item_name: Some(what.clone()),
            item_type: Some(String::from("Folder")),
            item_size_bytes: None,
            source: Some(source.clone()),
            target: Some(target.clone()),
            start_time: Some(now.clone()),
            title: Some(format!("Restoring {what} to {target}")),
            message: Some(format!("Restoring {} items", items.len())),
            ..blank(event)
        });
        let run =
            Run { started: Instant::now(), takes, items, done: 0, fate, event, source, target, there, skipped: 0 };
        self.runs.entry(session).or_default().push(run);
    }

    /// Brings every restore up to `instant`: the items whose share of the
    /// time has passed are processed, each with its event (IDs from
    /// `new_id`); a restore whose items are all processed, or that failed,
    /// ends its own event.
    pub(crate) fn advance(
        &mut self,
        instant: Instant,
        now: &DateTime,
        events: &mut HashMap<Uuid, Vec<RestoreSessionEvent>>,
        mut new_id: impl FnMut() -> Uuid,
    ) {
        let written = &mut self.written;
        for (session, runs) in &mut self.runs {
            let statistics = self.statistics.entry(*session).or_default();
            let log = events.entry(*session).or_default();
            runs.retain_mut(|run| {
                let elapsed = instant.saturating_duration_since(run.started);
                let share =
                    if run.takes.is_zero() { 1.0 } else { (elapsed.as_secs_f64() / run.takes.as_secs_f64()).min(1.0) };
                let due = ((run.items.len() as f64 * share) as usize).min(run.items.len());
                let mut stopped = None;
                while run.done < due && stopped.is_none() {
                    let item = &run.items[run.done];
                    let there = run.fate == Fate::Exists || run.there[run.done];
                    let (status, message) = match run.fate {
                        _ if there => {
                            run.skipped += 1;
                            add(&mut statistics.skipped_items_count);
                            let warning =
                                format!("Item '{}' was skipped: it already exists in {}", item.name, run.target);
                            statistics.warnings.push(warning.clone());
                            (RestoreSessionEventStatus::Skipped, warning)
                        }
                        Fate::FailAfter(limit) if run.done >= limit => {
                            add(&mut statistics.failed_items_count);
                            let error = format!("Item '{}' cannot be restored: the target mailbox is full", item.name);
                            statistics.errors.push(error.clone());
                            stopped = Some(error.clone());
                            (RestoreSessionEventStatus::Failed, error)
                        }
                        _ => {
                            add(&mut statistics.restored_items_count);
                            written.entry(run.target.clone()).or_default().insert(item.name.clone());
                            (RestoreSessionEventStatus::Success, format!("Item '{}' restored", item.name))
                        }
                    };
                    let id = new_id();
                    log.push(RestoreSessionEvent {
                        status: Some(status),
                        item_name: Some(item.name.clone()),
                        item_type: Some(String::from("Item")),
                        item_size_bytes: Some(item.size),
                        source: Some(run.source.clone()),
                        target: Some(run.target.clone()),
                        start_time: Some(now.clone()),
                        end_time: Some(now.clone()),
                        duration: Some(String::from("00:00:00")),
                        title: Some(format!("Restore of {}", item.name)),
                        message: Some(message),
                        ..blank(id)
                    });
                    run.done += 1;
                }
                if stopped.is_none() && run.done < run.items.len() {
                    return true;
                }
                let status = match (&stopped, run.skipped) {
                    (Some(_), _) => RestoreSessionEventStatus::Failed,
                    (None, 0) => RestoreSessionEventStatus::Success,
                    (None, _) => RestoreSessionEventStatus::Warning,
                };
                if let Some(event) = log.iter_mut().find(|e| e.id == run.event) {
                    event.status = Some(status);
                    event.end_time = Some(now.clone());
                    event.message = Some(stopped.unwrap_or_else(|| format!("Processed {} items", run.done)));
                }
                false
            });
        }
        self.runs.retain(|_, runs| !runs.is_empty());
    }

    /// Ends the restores of a session the server stops: their events end
    /// as cancelled, and what was not processed stays so.
    pub(crate) fn cancel(
        &mut self,
        session: Uuid,
        now: &DateTime,
        events: &mut HashMap<Uuid, Vec<RestoreSessionEvent>>,
    ) {
        let Some(runs) = self.runs.remove(&session) else { return };
        let log = events.entry(session).or_default();
        for run in runs {
            if let Some(event) = log.iter_mut().find(|e| e.id == run.event) {
                event.status = Some(RestoreSessionEventStatus::Cancelled);
                event.end_time = Some(now.clone());
                event.message = Some(String::from("The restore session was stopped"));
            }
        }
    }
}

/// An event with only its ID; the fields a restore writes are set after.
fn blank(id: Uuid) -> RestoreSessionEvent {
    RestoreSessionEvent {
        id,
        type_: Some(RestoreSessionEventType::Restore),
        backed_up_organization_id: None,
        duration: None,
        end_time: None,
        group_id: None,
        item_name: None,
        item_size_bytes: None,
        item_type: None,
        links: None,
        message: None,
        order: None,
        organization_id: None,
        site_id: None,
        source: None,
        start_time: None,
        status: None,
        target: None,
        team_id: None,
        title: None,
        user_id: None,
    }
}

fn add(count: &mut Option<i64>) {
    *count = Some(count.unwrap_or(0) + 1);
}
