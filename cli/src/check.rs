//! `vb365 check`: the health check a monitoring system runs every few
//! minutes, in the plugin convention of Nagios, Icinga, checkmk, Zabbix and
//! PRTG: one summary line with performance data, a line per finding, and
//! the verdict as the exit status; within a time limit of its own, and with
//! whatever the server sends made safe for that format.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::time::{Duration, Instant};

use vb365::DateTime;
use vb365::monitoring::{Figure, Report, Scope, State, Thresholds, judge_explained};

use crate::args::{CheckFormat, CheckOptions, Connection};
use crate::explain::{Context, explain};

/// What `vb365 check --help` adds: the exit status, the verdicts, the output.
pub const HELP: &str = "\
Exit status (the monitoring plugin convention, unlike the other commands):
0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the server cannot be reached, the
login is refused, a part cannot be read in time, or the command line is
wrong). A CRITICAL already found outranks an UNKNOWN.

Jobs (enabled ones; disabled jobs are not judged) are judged on their
latest finished run, also while VB365 runs them again: Failed is CRITICAL;
Warning, and Stopped (stopped before it finished), a WARNING. A job that is
Disconnected (it cannot reach its proxy or repository) or NotConfigured (it
cannot run until its settings are complete) is a WARNING. A job on a
schedule that has not run for longer than --max-age is a WARNING, and so is
one that has never run once its first run was due; a manual-only job is
never stale.

A repository whose free space is in --crit-free / --warn-free is CRITICAL /
WARNING, judged on the per cent printed (rounded down to one decimal); one
whose space is not known (object storage without a limit, no figures, -1)
is not judged. An offline proxy is CRITICAL; an expired license, or one
whose days left are in --license-crit / --license-warn, CRITICAL / WARNING;
more licenses used than owned a WARNING; an unhealthy v8 health report
CRITICAL.

Thresholds are plain numbers, which alert below them (--warn-free 20), or
monitoring-plugin ranges (20: below 20, ~:90 above 90, 10:90 outside,
@10:20 inside). A warning threshold that does not cover its critical one
(--warn-free 5 --crit-free 10) is refused.

Output: the first line is `VB365 <STATE> - <problems> | <performance
data>`, then one line per finding. Names and messages from the server have
`|` replaced and control characters removed, and are shortened; perfdata
labels drop `=` and double `'`. --output json prints one object with
`state`, `findings` and `figures` instead (same exit status).";

/// How much of its time limit the check keeps to print its verdict.
const MARGIN: Duration = Duration::from_millis(500);
/// The longest line a finding gets.
const LINE_CHARS: usize = 200;
/// The longest the problems on the summary line get before "and N more".
const SUMMARY_CHARS: usize = 300;

/// Whether the command line asks for `check` (so that its usage errors
/// exit UNKNOWN, as a plugin's must): only as the subcommand, the first
/// argument, never as the value of an option or an argument elsewhere.
pub fn asked_for(mut args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    args.nth(1).is_some_and(|a| a == "check")
}

/// Logs in, reads, judges and prints, all within `--timeout`; answers the
/// exit status.
pub async fn run(options: CheckOptions) -> u8 {
    let started = Instant::now();
    let report = match thresholds(&options) {
        Err(why) => Report::unknown(&why),
        Ok(thresholds) => {
            let deadline = started + options.timeout.saturating_sub(MARGIN.min(options.timeout / 10));
            check(&options, &thresholds, deadline).await
        }
    };
    let text = match options.output {
        CheckFormat::Json => {
            let mut text = serde_json::to_string_pretty(&report)
                .unwrap_or_else(|e| serde_json::json!({"state": "UNKNOWN", "summary": e.to_string()}).to_string());
            text.push('\n');
            text
        }
        CheckFormat::Text => plugin_text(&report),
    };
    // A monitoring system that stopped reading gets the status anyway.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    report.state.exit_code()
}

/// The thresholds of the command line, refused when backwards.
fn thresholds(options: &CheckOptions) -> Result<Thresholds, String> {
    let mut thresholds = Thresholds::default();
    thresholds.max_age = options.max_age;
    (thresholds.warn_free, thresholds.crit_free) = (options.warn_free, options.crit_free);
    (thresholds.license_warn_days, thresholds.license_crit_days) = (options.license_warn, options.license_crit);
    thresholds.check()?;
    Ok(thresholds)
}

/// Everything the check does against the server, given up at `deadline`.
async fn check(options: &CheckOptions, thresholds: &Thresholds, deadline: Instant) -> Report {
    let allowed = deadline.saturating_duration_since(Instant::now());
    // One request may take the whole time, no more; retries fit in what is left.
    let connection = Connection { server: options.server.clone(), timeout: Some(allowed.min(Duration::from_secs(60))) };
    let (client, credentials) = match crate::connect::prepare(&connection, None) {
        Ok(prepared) => prepared,
        Err(failure) => return Report::unknown(&failure.message),
    };
    let url = client.base_url().to_owned();
    let user = options.server.user.clone().unwrap_or_default();
    let context =
        Context { url: &url, user: &user, trust: "trust its certificate with --ca-cert", versions: "--api-version" };
    let login = tokio::time::timeout_at(deadline.into(), client.login(credentials)).await;
    match login {
        Err(_) => {
            let seconds = allowed.as_secs_f64().round();
            return Report::unknown(&format!("no answer from {url} within the {seconds} s allowed (logging in)"));
        }
        Ok(Err(error)) => return Report::unknown(&explain(&error, &context)),
        Ok(Ok(())) => {}
    }
    let mut scope = Scope::default().concurrency(options.concurrency).deadline(deadline);
    scope.organization = options.organization;
    let snapshot = client.snapshot(scope).await;
    judge_explained(&snapshot, thresholds, &DateTime::now(), &|error| explain(error, &context))
}

/// The plugin output: the summary line with performance data, then a line
/// per finding; every text from the server made safe for it.
pub fn plugin_text(report: &Report) -> String {
    let problems = if report.findings.is_empty() {
        safe(&report.summary, SUMMARY_CHARS)
    } else {
        summary(report.findings.iter().map(|f| f.summary.as_str()))
    };
    let mut text = format!("VB365 {} - {problems}", report.state.as_str());
    if !report.figures.is_empty() {
        text.push_str(" |");
        let mut labels = HashSet::new();
        for figure in &report.figures {
            let _ = write!(text, " {}", perfdata(figure, &mut labels));
        }
    }
    text.push('\n');
    for finding in &report.findings {
        let _ = writeln!(text, "{}", safe(&format!("{}: {}", finding.state.as_str(), finding.detail), LINE_CHARS));
    }
    text
}

/// The problems, each shortened, as many as fit, then how many more.
fn summary<'a>(problems: impl ExactSizeIterator<Item = &'a str>) -> String {
    let total = problems.len();
    let mut out = String::new();
    for (shown, problem) in problems.enumerate() {
        let problem = safe(problem, LINE_CHARS);
        if shown > 0 && out.chars().count() + problem.chars().count() > SUMMARY_CHARS {
            let _ = write!(out, ", and {} more", total - shown);
            break;
        }
        if shown > 0 {
            out.push_str(", ");
        }
        out.push_str(&problem);
    }
    out
}

/// Text from a server made fit for a plugin line: `|` (which starts the
/// performance data) becomes `/`, control characters and newlines (which
/// start a new line) spaces, runs of spaces one, and what passes `chars`
/// is cut with `...`.
fn safe(text: &str, chars: usize) -> String {
    let cleaned = text.replace('|', "/");
    let words: Vec<&str> =
        cleaned.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect();
    let joined = words.join(" ");
    if joined.chars().count() <= chars {
        return joined;
    }
    let cut: String = joined.chars().take(chars.saturating_sub(3)).collect();
    format!("{}...", cut.trim_end())
}

/// `'label'=value[unit];warn;crit;min;max`, trailing empty fields left out.
/// The label is safe, without `=` (which would split the item), with `'`
/// doubled, and unique among `taken` (a second `Repo` is `Repo 2`).
fn perfdata(figure: &Figure, taken: &mut HashSet<String>) -> String {
    let base = safe(&figure.label.replace('=', " "), 100).replace('\'', "''");
    let mut label = base.clone();
    let mut n = 2;
    while !taken.insert(label.clone()) {
        label = format!("{base} {n}");
        n += 1;
    }
    let number = |v: f64| if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v}") };
    let mut fields = vec![
        figure.warn.clone().unwrap_or_default(),
        figure.crit.clone().unwrap_or_default(),
        figure.min.map(number).unwrap_or_default(),
        figure.max.map(number).unwrap_or_default(),
    ];
    while fields.last().is_some_and(String::is_empty) {
        fields.pop();
    }
    let mut out = format!("'{label}'={}{}", number(figure.value), figure.unit);
    for field in fields {
        out.push(';');
        out.push_str(&field);
    }
    out
}

/// The verdict on a check that cannot start: UNKNOWN, with why.
pub fn usage_error(message: &str) -> (String, u8) {
    (format!("VB365 UNKNOWN - {}\n", safe(message, LINE_CHARS)), State::Unknown.exit_code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfdata_follows_the_plugin_format() {
        let mut taken = HashSet::new();
        let free = Figure::new("repository Repo 1 free", 4.0, "%")
            .thresholds(Some(String::from("20:")), Some(String::from("10:")))
            .bounds(Some(0.0), Some(100.0));
        assert_eq!(perfdata(&free, &mut taken), "'repository Repo 1 free'=4%;20:;10:;0;100");
        let failed = Figure::new("jobs failed", 1.0, "").bounds(Some(0.0), None);
        assert_eq!(perfdata(&failed, &mut taken), "'jobs failed'=1;;;0");
        assert_eq!(perfdata(&Figure::new("it's", 2.5, ""), &mut taken), "'it''s'=2.5");
    }

    #[test]
    fn hostile_labels_stay_one_item_each_and_unique() {
        let mut taken = HashSet::new();
        let label = |text: &str, taken: &mut HashSet<String>| perfdata(&Figure::new(text, 1.0, ""), taken);
        assert_eq!(label("repository a=b free", &mut taken), "'repository a b free'=1");
        assert_eq!(label("repository SP | nightly\nfree", &mut taken), "'repository SP / nightly free'=1");
        assert_eq!(label("repository a=b free", &mut taken), "'repository a b free 2'=1");
        assert_eq!(label("repository a b free", &mut taken), "'repository a b free 3'=1");
    }

    #[test]
    fn server_text_cannot_break_the_line_or_run_on() {
        assert_eq!(safe("SP | nightly\r\n  failed\tnow\u{7}", 100), "SP / nightly failed now");
        let long = safe(&"word ".repeat(200), 50);
        assert!(long.ends_with("...") && long.chars().count() <= 50, "{long}");
        let many: Vec<String> = (0..40).map(|i| format!("job number {i} failed")).collect();
        let line = summary(many.iter().map(String::as_str));
        assert!(line.chars().count() <= SUMMARY_CHARS + 20 && line.ends_with(" more"), "{line}");
        assert!(line.starts_with("job number 0 failed, job number 1 failed"), "{line}");
    }

    #[test]
    fn check_is_only_the_subcommand() {
        let args = |a: &[&str]| a.iter().map(std::ffi::OsString::from).collect::<Vec<_>>().into_iter();
        assert!(asked_for(args(&["vb365", "check", "--bogus"])));
        assert!(!asked_for(args(&["vb365", "--user", "check", "jobs", "list", "--bogus"])));
        assert!(!asked_for(args(&["vb365", "jobs", "list"])));
        assert!(!asked_for(args(&["vb365", "api", "GET", "--", "check"])));
    }
}
