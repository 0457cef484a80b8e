//! Judging a [`Snapshot`] as a monitoring plugin does: findings with a
//! state each, the worst as the verdict, and figures for performance data.

use std::time::Duration;

use serde::Serialize;

use super::range::number;
use super::{ObservedJob, Range, Snapshot};
use crate::DateTime;
use crate::types::{HealthStatus, JobStatus, LicenseStatus, ProxyStatus};

/// A verdict, ordered by how bad it is: an UNKNOWN outranks a WARNING (the
/// server could not be judged) but not a CRITICAL that was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum State {
    /// Nothing wrong.
    Ok,
    /// Worth a look.
    Warning,
    /// Could not be judged.
    Unknown,
    /// Needs action.
    Critical,
}

impl State {
    /// The exit status of a monitoring plugin (Nagios, Icinga, ...) with
    /// this verdict: 0, 1, 2 or 3.
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Ok => 0,
            Self::Warning => 1,
            Self::Critical => 2,
            Self::Unknown => 3,
        }
    }

    /// `OK`, `WARNING`, `CRITICAL` or `UNKNOWN`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::Warning => "WARNING",
            Self::Critical => "CRITICAL",
            Self::Unknown => "UNKNOWN",
        }
    }
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// How bad it is.
    pub state: State,
    /// `job`, `repository`, `proxy`, `license`, `health` or `server`.
    pub kind: &'static str,
    /// The ID of what it is about, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its name: the job's, the repository's, the proxy's host.
    pub name: String,
    /// The short form, for the summary: `job Contoso SharePoint failed`.
    pub summary: String,
    /// The whole story, for the line of its own.
    pub detail: String,
}

/// One figure of the performance data: `'label'=value[unit];warn;crit;min;max`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Figure {
    /// What it measures: `repository Repo 1 free`.
    pub label: String,
    /// The measurement.
    pub value: f64,
    /// Its unit: `%`, or empty for a count.
    pub unit: &'static str,
    /// The warning threshold as a plugin range: `20:` alerts below 20.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warn: Option<String>,
    /// The critical threshold as a plugin range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crit: Option<String>,
    /// The least it can be.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// The most it can be.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

/// The verdict on a server.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// The worst state of any finding; OK without findings.
    pub state: State,
    /// The findings' short forms, or what was checked when all is well.
    pub summary: String,
    /// Every problem, worst first.
    pub findings: Vec<Finding>,
    /// The measurements, for performance data.
    pub figures: Vec<Figure>,
}

impl Figure {
    /// A figure without thresholds or bounds.
    pub fn new(label: impl Into<String>, value: f64, unit: &'static str) -> Self {
        Self { label: label.into(), value, unit, warn: None, crit: None, min: None, max: None }
    }

    /// With warning and critical thresholds (plugin ranges: `20:`).
    pub fn thresholds(mut self, warn: Option<String>, crit: Option<String>) -> Self {
        (self.warn, self.crit) = (warn, crit);
        self
    }

    /// With the least and the most it can be.
    pub fn bounds(mut self, min: Option<f64>, max: Option<f64>) -> Self {
        (self.min, self.max) = (min, max);
        self
    }
}

impl Report {
    /// The verdict when the server could not be judged at all (it cannot
    /// be reached, or refuses the login).
    pub fn unknown(why: &str) -> Self {
        let finding = Finding {
            state: State::Unknown,
            kind: "server",
            id: None,
            name: String::new(),
            summary: why.to_owned(),
            detail: why.to_owned(),
        };
        Self { state: State::Unknown, summary: why.to_owned(), findings: vec![finding], figures: Vec::new() }
    }
}

/// How strictly a [`Snapshot`] is judged. The space and license
/// thresholds are monitoring-plugin ranges ([`Range`]): the default
/// `20:` alerts below 20.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Thresholds {
    /// A scheduled, enabled job that has not run for longer than this is a WARNING. Default 26 h.
    pub max_age: Duration,
    /// Free space in per cent that is a WARNING. Default below 20.
    pub warn_free: Range,
    /// Free space in per cent that is CRITICAL. Default below 10.
    pub crit_free: Range,
    /// Days until the license expires that are a WARNING. Default below 30.
    pub license_warn_days: Range,
    /// Days until the license expires that are CRITICAL. Default below 7.
    pub license_crit_days: Range,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            max_age: Duration::from_secs(26 * 3_600),
            warn_free: Range::below(20.0),
            crit_free: Range::below(10.0),
            license_warn_days: Range::below(30.0),
            license_crit_days: Range::below(7.0),
        }
    }
}

impl Thresholds {
    /// Refuses thresholds that are backwards: a critical range that alerts
    /// on a value its warning range does not (warning below 5 % free,
    /// critical below 10 %), which would make a value critical without
    /// ever being a warning. The error says which and why, in a sentence.
    pub fn check(&self) -> Result<(), String> {
        let pairs = [
            ("free space", &self.warn_free, &self.crit_free, "% free", (0.0, 100.0)),
            (
                "license",
                &self.license_warn_days,
                &self.license_crit_days,
                " days left",
                (f64::NEG_INFINITY, f64::INFINITY),
            ),
        ];
        for (what, warn, crit, unit, (least, most)) in pairs {
            if !warn.covers_within(crit, least, most) {
                return Err(format!(
                    "the {what} thresholds are backwards: critical is {} but warning only {} \
                     (the warning must alert on everything the critical does)",
                    crit.explain(unit),
                    warn.explain(unit)
                ));
            }
        }
        Ok(())
    }
}

/// Judges what was read, as of `now`:
///
/// | finding | state |
/// | --- | --- |
/// | an enabled job whose latest finished run `Failed` (also while it runs again) | CRITICAL |
/// | an enabled job whose latest finished run ended with `Warning`, or was `Stopped` | WARNING |
/// | an enabled job that is `Disconnected` or `NotConfigured` | WARNING |
/// | a scheduled, enabled job that has not run for longer than `max_age`, or never though its first run was due | WARNING |
/// | a repository whose free space is in `crit_free` / `warn_free` | CRITICAL / WARNING |
/// | a proxy that is `Offline` | CRITICAL |
/// | a license that is `Expired`, or whose days left are in `license_crit_days` / `license_warn_days` | CRITICAL / WARNING |
/// | more licenses used than owned | WARNING |
/// | a health report that says `Unhealthy` | CRITICAL |
/// | a part that could not be read | UNKNOWN |
///
/// Disabled jobs are not judged; neither is a repository whose space is
/// not known (object storage without a size limit, or a server that sends
/// no figures or `-1`). Free space is printed with one decimal, or as
/// many more as keep it on the side of a threshold it is on (9.96 % is
/// printed `9.96`, below 10), and judged on that figure.
pub fn judge(snapshot: &Snapshot, options: &Thresholds, now: &DateTime) -> Report {
    judge_explained(snapshot, options, now, &ToString::to_string)
}

/// [`judge`], with the errors of what could not be read put in words by
/// `explain` (a monitoring plugin says "cannot connect to ..." where the
/// library's own message names the operation).
pub fn judge_explained(
    snapshot: &Snapshot,
    options: &Thresholds,
    now: &DateTime,
    explain: &dyn Fn(&vb365::Error) -> String,
) -> Report {
    let mut findings = Vec::new();
    let mut figures = Vec::new();
    let mut checked = Vec::new();
    let unreadable = |what: &str, error: &vb365::Error| Finding {
        state: State::Unknown,
        kind: "server",
        id: None,
        name: what.to_owned(),
        summary: format!("cannot read the {what}"),
        detail: format!("cannot read the {what}: {}", explain(error)),
    };

    match &snapshot.jobs {
        Err(e) => findings.push(unreadable("jobs", e)),
        Ok(jobs) => {
            let enabled: Vec<_> = jobs.iter().filter(|j| j.job.is_enabled != Some(false)).collect();
            checked.push(format!("{} jobs", enabled.len()));
            let mut counts = JobCounts::default();
            for observed in enabled {
                judge_job(observed, options, now, explain, &mut findings, &mut counts);
            }
            figures.push(count("jobs failed", counts.failed));
            figures.push(count("jobs with warnings", counts.warned));
            figures.push(count("jobs stopped", counts.stopped));
            figures.push(count("jobs not ready", counts.not_ready));
            figures.push(count("jobs not run", counts.stale));
        }
    }

    match &snapshot.repositories {
        Err(e) => findings.push(unreadable("repositories", e)),
        Ok(repositories) => {
            checked.push(format!("{} repositories", repositories.len()));
            for repository in repositories {
                let Some(space) = repository.space() else { continue };
                let name = repository.name.clone().unwrap_or_else(|| repository.id.to_string());
                let exact = space.free_percent();
                let free = shown(exact, &[&options.crit_free, &options.warn_free]);
                let (state, limit) = if options.crit_free.alerts(free) {
                    (State::Critical, Some(&options.crit_free))
                } else if options.warn_free.alerts(free) {
                    (State::Warning, Some(&options.warn_free))
                } else {
                    (State::Ok, None)
                };
                if let Some(limit) = limit {
                    findings.push(Finding {
                        state,
                        kind: "repository",
                        id: Some(repository.id.to_string()),
                        name: name.clone(),
                        summary: format!("repository {name} has {}% free", number(free)),
                        detail: format!(
                            "repository {name} has {}% free ({} of {} bytes; {})",
                            number(free),
                            space.free_bytes,
                            space.capacity_bytes,
                            limit.explain("%")
                        ),
                    });
                }
                figures.push(Figure {
                    label: format!("repository {name} free"),
                    value: free,
                    unit: "%",
                    warn: Some(options.warn_free.to_string()),
                    crit: Some(options.crit_free.to_string()),
                    min: Some(0.0),
                    max: Some(100.0),
                });
            }
        }
    }

    match &snapshot.proxies {
        Err(e) => findings.push(unreadable("proxies", e)),
        Ok(proxies) => {
            checked.push(format!("{} proxies", proxies.len()));
            let mut offline = 0;
            for proxy in proxies.iter().filter(|p| p.status == Some(ProxyStatus::Offline)) {
                offline += 1;
                let name = proxy.host_name.clone().unwrap_or_else(|| proxy.id.to_string());
                findings.push(Finding {
                    state: State::Critical,
                    kind: "proxy",
                    id: Some(proxy.id.to_string()),
                    name: name.clone(),
                    summary: format!("proxy {name} is offline"),
                    detail: format!("proxy {name} is offline"),
                });
            }
            figures.push(Figure { max: Some(proxies.len() as f64), ..count("proxies offline", offline) });
        }
    }

    match &snapshot.license {
        Err(e) => findings.push(unreadable("license", e)),
        Ok(license) => license_findings(license, options, now, &mut findings, &mut figures),
    }

    if let Some(health) = &snapshot.health {
        match health {
            Err(e) => findings.push(unreadable("health report", e)),
            Ok(report) if report.status == Some(HealthStatus::Unhealthy) => {
                let mut sick: Vec<String> = report
                    .entries
                    .iter()
                    .filter(|(_, e)| e.status == Some(HealthStatus::Unhealthy))
                    .map(|(name, e)| match e.description.as_deref().filter(|d| !d.is_empty()) {
                        Some(why) => format!("{name} ({why})"),
                        None => name.clone(),
                    })
                    .collect();
                sick.sort();
                let detail = if sick.is_empty() {
                    String::from("the server reports itself unhealthy")
                } else {
                    format!("the server reports itself unhealthy: {}", sick.join(", "))
                };
                findings.push(Finding {
                    state: State::Critical,
                    kind: "health",
                    id: None,
                    name: String::from("server"),
                    summary: String::from("the server is unhealthy"),
                    detail,
                });
            }
            Ok(_) => {}
        }
    }

    // Worst first; within a state, in the order judged.
    findings.sort_by_key(|f| std::cmp::Reverse(f.state));
    let state = findings.iter().map(|f| f.state).max().unwrap_or(State::Ok);
    let summary = if findings.is_empty() {
        format!("{} checked", checked.join(", "))
    } else {
        findings.iter().map(|f| f.summary.as_str()).collect::<Vec<_>>().join(", ")
    };
    Report { state, summary, findings, figures }
}

/// How many enabled jobs were found in each kind of trouble.
#[derive(Default)]
struct JobCounts {
    failed: usize,
    warned: usize,
    stopped: usize,
    not_ready: usize,
    stale: usize,
}

/// The findings of one enabled job: its latest finished run, the state
/// that keeps it from running, and (on a schedule) how long since it ran.
fn judge_job(
    observed: &ObservedJob,
    options: &Thresholds,
    now: &DateTime,
    explain: &dyn Fn(&vb365::Error) -> String,
    findings: &mut Vec<Finding>,
    counts: &mut JobCounts,
) {
    let job = &observed.job;
    let name = job.name.clone().unwrap_or_else(|| job.id.to_string());
    let mut found = |state, summary: String, detail: String| {
        findings.push(Finding {
            state,
            kind: "job",
            id: Some(job.id.to_string()),
            name: name.clone(),
            summary,
            detail,
        });
    };
    if let Some(error) = &observed.sessions_error {
        found(
            State::Unknown,
            format!("cannot read the sessions of job {name}"),
            format!("cannot read the sessions of job {name}: {}", explain(error)),
        );
    }
    let session = observed.latest_finished();
    let details = session
        .and_then(|s| s.details.as_deref())
        .filter(|d| !d.is_empty())
        .map(|d| format!(": {d}"))
        .unwrap_or_default();
    let when =
        session.and_then(|s| s.end_time.as_ref()).map(|end| format!(" {} ago", age(now, end))).unwrap_or_default();
    let again = if observed.is_running() { " (it is running again)" } else { "" };
    match observed.last_finished_status() {
        Some(JobStatus::Failed) => {
            counts.failed += 1;
            found(State::Critical, format!("job {name} failed"), format!("job {name} failed{when}{details}{again}"));
        }
        Some(JobStatus::Warning) => {
            counts.warned += 1;
            let summary = format!("job {name} finished with warnings");
            found(State::Warning, summary, format!("job {name} finished with warnings{when}{details}{again}"));
        }
        Some(JobStatus::Stopped) => {
            counts.stopped += 1;
            let detail = format!("job {name} was stopped before it finished{when}{details}{again}");
            found(State::Warning, format!("job {name} was stopped"), detail);
        }
        _ => {}
    }
    match &job.last_status {
        Some(JobStatus::Disconnected) => {
            counts.not_ready += 1;
            let detail = format!("job {name} is disconnected: it cannot reach its backup proxy or repository");
            found(State::Warning, format!("job {name} is disconnected"), detail);
        }
        Some(JobStatus::NotConfigured) => {
            counts.not_ready += 1;
            let detail = format!("job {name} is not configured: it cannot run until its settings are completed");
            found(State::Warning, format!("job {name} is not configured"), detail);
        }
        _ => {}
    }
    if !observed.is_scheduled() {
        return;
    }
    match job.last_run.as_ref().map(|run| elapsed(now, run)) {
        None => {
            // A new job whose first run is still ahead is fine.
            let due = job.next_run.as_ref().map(|next| elapsed(now, next));
            if due.is_none_or(|overdue| !overdue.is_zero()) {
                counts.stale += 1;
                let text = format!("job {name} has never run");
                let detail = match due {
                    Some(overdue) => format!("{text} (its first run was due {} ago)", span(overdue)),
                    None => format!("{text} (and the server names no next run)"),
                };
                found(State::Warning, text, detail);
            }
        }
        Some(since) if since > options.max_age => {
            counts.stale += 1;
            let text = format!("job {name} has not run for {}", span(since));
            let detail = format!("{text} (more than {})", span(options.max_age));
            found(State::Warning, text, detail);
        }
        Some(_) => {}
    }
}

/// `value` as it is printed and judged: rounded to one decimal, or to as
/// many more as it takes to stay on the same side of every threshold
/// (9.96 below 10 is `9.96`, not `10`), so that the verdict, the text and
/// the performance data say the same.
fn shown(value: f64, thresholds: &[&Range]) -> f64 {
    for decimals in 1..=6 {
        let scale = 10f64.powi(decimals);
        let rounded = (value * scale).round() / scale;
        if thresholds.iter().all(|t| t.alerts(rounded) == t.alerts(value)) {
            return rounded;
        }
    }
    value
}

fn license_findings(
    license: &vb365::types::License,
    options: &Thresholds,
    now: &DateTime,
    findings: &mut Vec<Finding>,
    figures: &mut Vec<Figure>,
) {
    let mut push = |state, summary: String, detail: String| {
        findings.push(Finding { state, kind: "license", id: None, name: String::from("license"), summary, detail });
    };
    let days_left = license.expires().map(|end| (end.utc() - now.utc()).num_seconds().div_euclid(86_400));
    if license.status == Some(LicenseStatus::Expired) || days_left.is_some_and(|d| d < 0) {
        push(State::Critical, String::from("the license has expired"), String::from("the license has expired"));
    } else if let Some(days) = days_left {
        let (crit, warn) = (&options.license_crit_days, &options.license_warn_days);
        let limit = if crit.alerts(days as f64) {
            Some((State::Critical, crit))
        } else if warn.alerts(days as f64) {
            Some((State::Warning, warn))
        } else {
            None
        };
        if let Some((state, limit)) = limit {
            let text = format!("the license expires in {days} days");
            push(state, text.clone(), format!("{text} ({})", limit.explain(" days")));
        }
    }
    if let Some(days) = days_left {
        figures.push(Figure {
            label: String::from("license days left"),
            value: days as f64,
            unit: "",
            warn: Some(options.license_warn_days.to_string()),
            crit: Some(options.license_crit_days.to_string()),
            min: Some(0.0),
            max: None,
        });
    }
    if let (Some(used), Some(total)) = (license.used_number, license.total_number) {
        if used > total {
            push(
                State::Warning,
                format!("{used} licenses used of {total}"),
                format!("{used} licenses are used but only {total} are owned"),
            );
        }
        figures.push(Figure {
            label: String::from("licenses used"),
            value: f64::from(used),
            unit: "",
            warn: Some(total.to_string()),
            crit: None,
            min: Some(0.0),
            max: Some(f64::from(total)),
        });
    }
}

/// A count of problems.
fn count(label: &str, value: usize) -> Figure {
    Figure::new(label, value as f64, "").bounds(Some(0.0), None)
}

/// How long ago `then` was, as of `now` (zero for the future).
fn elapsed(now: &DateTime, then: &DateTime) -> Duration {
    (now.utc() - then.utc()).to_std().unwrap_or_default()
}

fn age(now: &DateTime, then: &DateTime) -> String {
    span(elapsed(now, then))
}

/// A span in its largest unit, rounded down: `45m`, `9h`, `3d`.
fn span(span: Duration) -> String {
    let seconds = span.as_secs();
    match seconds {
        s if s >= 2 * 86_400 => format!("{}d", s / 86_400),
        s if s >= 3_600 => format!("{}h", s / 3_600),
        s if s >= 60 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_order_by_how_bad_they_are() {
        assert!(State::Critical > State::Unknown && State::Unknown > State::Warning && State::Warning > State::Ok);
        let codes: Vec<u8> =
            [State::Ok, State::Warning, State::Critical, State::Unknown].map(State::exit_code).to_vec();
        assert_eq!(codes, [0, 1, 2, 3]);
    }

    #[test]
    fn a_printed_figure_stays_on_its_side_of_every_threshold() {
        let (crit, warn) = (Range::below(10.0), Range::below(20.0));
        let shown = |v| shown(v, &[&crit, &warn]);
        assert_eq!((shown(9.96), shown(9.9996), shown(10.04)), (9.96, 9.9996, 10.0));
        assert_eq!((shown(3.9999999), shown(14.99999), shown(7.54)), (4.0, 15.0, 7.5));
        assert_eq!(shown(19.951), 19.95, "20.0 would not be a warning");
    }

    #[test]
    fn spans_are_short_and_round_down() {
        let span = |s| span(Duration::from_secs(s));
        assert_eq!(
            (span(59), span(60), span(3_599), span(3_600)),
            ("59s".into(), "1m".into(), "59m".into(), "1h".into())
        );
        assert_eq!((span(47 * 3_600), span(48 * 3_600)), ("47h".into(), "2d".into()));
    }
}
