//! `vb365 check`: the health check a monitoring system runs every few
//! minutes, in the plugin convention of Nagios, Icinga, checkmk, Zabbix and
//! PRTG: one summary line with performance data, a line per finding, and
//! the verdict as the exit status.

use std::fmt::Write as _;
use std::io::Write as _;

use serde_json::json;
use vb365::DateTime;
use vb365::monitoring::{Figure, Report, Scope, Thresholds, judge};

use crate::args::{CheckOptions, Connection, OutputFormat};

/// What `vb365 check --help` adds: the exit status and the thresholds.
pub const HELP: &str = "\
Exit status (the monitoring plugin convention, unlike the other commands):
0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the server cannot be reached, the
login is refused, or the command line is wrong).

Findings: an enabled job whose last status is Failed is CRITICAL, Warning a
WARNING; an enabled job that has not run for longer than --max-age is a
WARNING; a repository below --crit-free / --warn-free free space is
CRITICAL / WARNING (one without a capacity, such as object storage without
a limit, is not judged); an offline proxy is CRITICAL; an expired license,
or one that expires within --license-crit / --license-warn days, is
CRITICAL / WARNING; more licenses used than owned is a WARNING; an
unhealthy v8 health report is CRITICAL. Disabled jobs are not judged.

Output: the first line is `VB365 <STATE> - <problems> | <performance
data>`, then one line per finding. --output json prints one object with
`state`, `findings` and `figures` instead (same exit status).";

/// Whether the command line asks for `check` (so that its usage errors
/// exit UNKNOWN, as a plugin's must).
pub fn asked_for(args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    args.skip(1).take_while(|a| a != "--").any(|a| a == "check")
}

/// Logs in, reads, judges and prints; answers the exit status.
pub async fn run(connection: &Connection, options: CheckOptions, format: Option<OutputFormat>) -> u8 {
    let report = match crate::connect::connect(connection, None).await {
        Err(failure) => Report::unknown(&failure.message),
        Ok(client) => {
            let mut scope = Scope::default().concurrency(options.concurrency);
            scope.organization = options.organization;
            let snapshot = client.snapshot(scope).await;
            let mut thresholds = Thresholds::default();
            thresholds.max_age = options.max_age;
            (thresholds.warn_free, thresholds.crit_free) = (options.warn_free, options.crit_free);
            (thresholds.license_warn_days, thresholds.license_crit_days) = (options.license_warn, options.license_crit);
            judge(&snapshot, &thresholds, &DateTime::now())
        }
    };
    let text = match format {
        Some(OutputFormat::Json | OutputFormat::Ndjson) => {
            let mut text = if format == Some(OutputFormat::Json) {
                serde_json::to_string_pretty(&report)
            } else {
                serde_json::to_string(&report)
            }
            .unwrap_or_else(|e| json!({"state": "UNKNOWN", "summary": e.to_string()}).to_string());
            text.push('\n');
            text
        }
        _ => plugin_text(&report),
    };
    // A monitoring system that stopped reading gets the status anyway.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    report.state.exit_code()
}

/// The plugin output: the summary line with performance data, then a line
/// per finding.
pub fn plugin_text(report: &Report) -> String {
    let mut text = format!("VB365 {} - {}", report.state.as_str(), report.summary);
    if !report.figures.is_empty() {
        text.push_str(" |");
        for figure in &report.figures {
            let _ = write!(text, " {}", perfdata(figure));
        }
    }
    text.push('\n');
    for finding in &report.findings {
        let _ = writeln!(text, "{}: {}", finding.state.as_str(), finding.detail);
    }
    text
}

/// `'label'=value[unit];warn;crit;min;max`, trailing empty fields left out.
fn perfdata(figure: &Figure) -> String {
    let label = figure.label.replace('\'', "\"");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfdata_follows_the_plugin_format() {
        let free = Figure::new("repository Repo 1 free", 4.0, "%")
            .thresholds(Some(String::from("20:")), Some(String::from("10:")))
            .bounds(Some(0.0), Some(100.0));
        assert_eq!(perfdata(&free), "'repository Repo 1 free'=4%;20:;10:;0;100");
        assert_eq!(perfdata(&Figure::new("jobs failed", 1.0, "").bounds(Some(0.0), None)), "'jobs failed'=1;;;0");
        assert_eq!(perfdata(&Figure::new("it's", 2.5, "")), "'it\"s'=2.5");
    }

    #[test]
    fn check_is_found_among_the_arguments() {
        let args = |a: &[&str]| a.iter().map(std::ffi::OsString::from).collect::<Vec<_>>().into_iter();
        assert!(asked_for(args(&["vb365", "--url", "x", "check", "--bogus"])));
        assert!(!asked_for(args(&["vb365", "jobs", "list"])));
        assert!(!asked_for(args(&["vb365", "api", "GET", "--", "check"])));
    }
}
