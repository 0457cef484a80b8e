//! The alert rules of `deploy/prometheus/vb365.rules.yml`, checked by
//! Prometheus's own `promtool` against series the exporter really emits.
//!
//! Each scenario arranges simulators (on a clock frozen near the start of
//! 1970, where `promtool test rules` evaluates), records what `vb365
//! metrics` prints for them, phase by phase, and writes it as a unit
//! test's input series; the alerts each scenario expects are named here
//! with the series they come from. The whole test file is generated into
//! `deploy/prometheus/vb365.rules.test.yml` (compared with the committed
//! one: `EXPECTORATE=overwrite` rewrites it) and run with `promtool test
//! rules`; `promtool check rules` lints the rules.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use vb365::ApiVersion;
use vb365::simulator::{Fault, Simulator, SimulatorConfig};
use vb365::types::{HealthStatus, JobStatus, LicenseStatus, ProxyStatus};

const RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/prometheus/vb365.rules.yml");
const TESTS: &str = "../deploy/prometheus/vb365.rules.test.yml";

/// The simulators' now: two hours after time 0, where promtool's clock starts.
const NOW: &str = "1970-01-01T02:00:00Z";
/// Where promtool evaluates: the simulators' now, two hours of samples in.
const END_MINUTES: usize = 120;

const FAILED_JOB: &str = "1c4e7a2b-3d5f-4a6c-8e9b-0d1f2a3b4c5d";
const WARNING_JOB: &str = "2d5f8b3c-4e6a-4b7d-9fac-1e2a3b4c5d6e";
const REPO_1: &str = "a1e4c7b0-5d2f-4c8e-9b31-0e6f2a7d4c51";
const OFFLINE_PROXY: &str = "f6d9bca5-ac7e-4b3d-8a86-5dbe7fcb9ba6";
const FAILED_SESSION: &str = "5e551011-0000-4000-8000-000000000004";
const WARNING_SESSION: &str = "5e551011-0000-4000-8000-000000000006";

/// One sample as the exporter writes it: the metric and its labels.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Series {
    name: String,
    labels: BTreeMap<String, String>,
}

impl Series {
    /// As PromQL selects it, the way promtool's input series are written.
    fn selector(&self) -> String {
        let labels: Vec<String> = self.labels.iter().map(|(k, v)| format!("{k}={}", quoted(v))).collect();
        format!("{}{{{}}}", self.name, labels.join(","))
    }
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// What `vb365 metrics` printed for a server at one moment, labelled as
/// Prometheus labels a probe of `instance` (the exporter's varying figures
/// about its own reading left out: no rule reads them).
async fn record(sim: &Simulator, instance: &str) -> BTreeMap<Series, f64> {
    let run = common::vb365(sim.url(), &["metrics", "--format", "prometheus"], None).await;
    assert!(run.status == 0 || run.status == 1, "{run:?}");
    parse(&run.stdout, instance)
}

fn parse(text: &str, instance: &str) -> BTreeMap<Series, f64> {
    let exposition = openmetrics_parser::prometheus::parse_prometheus(text).expect("Prometheus text");
    let mut out = BTreeMap::new();
    for (name, family) in &exposition.families {
        if name.starts_with("vb365_scrape_") {
            continue;
        }
        for sample in family.iter_samples() {
            let mut labels: BTreeMap<String, String> =
                sample.get_labelset().unwrap().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            labels.insert(String::from("server"), instance.to_owned());
            labels.insert(String::from("instance"), instance.to_owned());
            labels.insert(String::from("job"), String::from("vb365-probe"));
            let openmetrics_parser::PrometheusValue::Gauge(value) = &sample.value else { panic!("{name}: a gauge") };
            out.insert(Series { name: name.clone(), labels }, value.as_f64());
        }
    }
    out
}

/// A scenario's series over time: each phase a recording held for some minutes.
#[derive(Default)]
struct Timeline {
    phases: Vec<(usize, BTreeMap<Series, f64>)>,
}

impl Timeline {
    fn then(mut self, minutes: usize, recording: BTreeMap<Series, f64>) -> Self {
        self.phases.push((minutes, recording));
        self
    }

    fn merge(mut self, other: Timeline) -> Self {
        assert_eq!(self.phases.len(), other.phases.len());
        for ((minutes, mine), (theirs_minutes, theirs)) in self.phases.iter_mut().zip(other.phases) {
            assert_eq!(*minutes, theirs_minutes);
            mine.extend(theirs);
        }
        self
    }

    /// promtool's input series: per series its values phase by phase, a
    /// staleness marker where a series stops (as Prometheus writes one),
    /// blanks while it is gone.
    fn input_series(&self) -> Vec<(String, String)> {
        let all: std::collections::BTreeSet<&Series> = self.phases.iter().flat_map(|(_, r)| r.keys()).collect();
        all.into_iter()
            .map(|series| {
                let mut values = Vec::new();
                let mut present = false;
                for (minutes, recording) in &self.phases {
                    match recording.get(series) {
                        Some(value) => {
                            values.push(format!("{}x{}", number(*value), minutes - 1));
                            present = true;
                        }
                        None if present => {
                            values.push(String::from("stale"));
                            if *minutes > 1 {
                                values.push(format!("_x{}", minutes - 1));
                            }
                            present = false;
                        }
                        None => values.push(format!("_x{minutes}")),
                    }
                }
                (series.selector(), values.join(" "))
            })
            .collect()
    }
}

fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 { format!("{value:.0}") } else { format!("{value}") }
}

/// An alert a scenario expects: its name, the series whose labels it
/// carries (found by name and some labels in the recording), labels the
/// rule adds.
struct Expected {
    alert: &'static str,
    from: &'static str,
    matching: Vec<(&'static str, &'static str)>,
    extra: Vec<(&'static str, &'static str)>,
}

fn expect(alert: &'static str, from: &'static str, matching: &[(&'static str, &'static str)]) -> Expected {
    Expected { alert, from, matching: matching.to_vec(), extra: Vec::new() }
}

impl Expected {
    fn with(mut self, label: &'static str, value: &'static str) -> Self {
        self.extra.push((label, value));
        self
    }
}

/// One unit test: a timeline, and the alerts firing at some minutes.
struct Scenario {
    name: &'static str,
    timeline: Timeline,
    checks: Vec<(usize, Vec<Expected>)>,
}

/// Every alert rule's severity and annotation templates, by name.
fn rules() -> BTreeMap<String, (String, BTreeMap<String, String>)> {
    let value = vb365_yaml::parse(&std::fs::read_to_string(RULES).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for rule in value["groups"][0]["rules"].as_array().unwrap() {
        let annotations = rule["annotations"].as_object().unwrap();
        let annotations = annotations.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())).collect();
        let severity = rule["labels"]["severity"].as_str().unwrap().to_owned();
        out.insert(rule["alert"].as_str().unwrap().to_owned(), (severity, annotations));
    }
    out
}

/// A template with `{{ $labels.name }}` filled in.
fn render(template: &str, labels: &BTreeMap<String, String>) -> String {
    let mut out = template.to_owned();
    while let Some(start) = out.find("{{ $labels.") {
        let end = out[start..].find("}}").unwrap() + start;
        let name = out[start + "{{ $labels.".len()..end].trim();
        let value = labels.get(name).cloned().unwrap_or_default();
        out.replace_range(start..end + 2, &value);
    }
    out
}

/// The unit test file for every scenario.
fn test_file(scenarios: &[Scenario]) -> String {
    let rules = rules();
    let mut out = String::from(
        "# Generated by cli/tests/alert_rules.rs from series vb365 metrics printed for\n\
         # simulated servers; do not edit (EXPECTORATE=overwrite cargo test -p vb365-cli\n\
         # --test alert_rules writes it again). Run: promtool test rules vb365.rules.test.yml\n\
         rule_files:\n  - vb365.rules.yml\nevaluation_interval: 1m\ntests:\n",
    );
    for scenario in scenarios {
        let _ = writeln!(out, "  # {}\n  - interval: 1m\n    input_series:", scenario.name);
        for (selector, values) in scenario.timeline.input_series() {
            let _ = writeln!(out, "      - series: {}\n        values: {}", quoted(&selector), quoted(&values));
        }
        out.push_str("    alert_rule_test:\n");
        let everything: BTreeMap<Series, f64> = scenario.timeline.phases.iter().flat_map(|(_, r)| r.clone()).collect();
        for (minute, expected) in &scenario.checks {
            for alert in rules.keys() {
                let firing: Vec<&Expected> = expected.iter().filter(|e| e.alert == alert).collect();
                let _ = writeln!(out, "      - eval_time: {minute}m\n        alertname: {alert}");
                if firing.is_empty() {
                    out.push_str("        exp_alerts: []\n");
                    continue;
                }
                out.push_str("        exp_alerts:\n");
                let mut alerts: Vec<BTreeMap<String, String>> = firing
                    .iter()
                    .flat_map(|e| {
                        let sources: Vec<&Series> = everything
                            .keys()
                            .filter(|s| {
                                s.name == e.from
                                    && e.matching.iter().all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
                            })
                            .collect();
                        assert!(!sources.is_empty(), "{}: no {} with {:?}", scenario.name, e.from, e.matching);
                        sources
                            .into_iter()
                            .map(|s| {
                                let mut labels = s.labels.clone();
                                labels.extend(e.extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
                                labels
                            })
                            .collect::<Vec<_>>()
                    })
                    .collect();
                alerts.sort();
                alerts.dedup();
                let (severity, annotations) = &rules[alert];
                for mut labels in alerts {
                    labels.insert(String::from("severity"), severity.clone());
                    out.push_str("          - exp_labels:\n");
                    for (k, v) in &labels {
                        let _ = writeln!(out, "              {k}: {}", quoted(v));
                    }
                    out.push_str("            exp_annotations:\n");
                    for (k, template) in annotations {
                        let _ = writeln!(out, "              {k}: {}", quoted(&render(template, &labels)));
                    }
                }
            }
        }
    }
    out
}

async fn simulator(versions: &[ApiVersion]) -> Simulator {
    let mut config = SimulatorConfig::default();
    config.versions = versions.to_vec();
    config.frozen_time = Some(NOW.parse().unwrap());
    config.job_duration = Duration::from_secs(3);
    Simulator::start_with(config).await.unwrap()
}

/// The seeded problems mended but the failed job: the job with warnings,
/// the full repository, the offline proxy.
fn mend(sim: &Simulator) {
    let id = |text: &str| text.parse().unwrap();
    sim.update_job(id(WARNING_JOB), |j| j.last_status = Some(JobStatus::Success));
    sim.update_job_session(id(WARNING_SESSION), |s| s.status = Some(JobStatus::Success));
    sim.update_repository(id(REPO_1), |r| r.free_space_bytes = r.capacity_bytes.map(|c| c / 2));
    sim.update_proxy(id(OFFLINE_PROXY), |p| p.status = Some(ProxyStatus::Online));
}

/// The failed job mended too: its failed run succeeded instead.
fn mend_all(sim: &Simulator) {
    mend(sim);
    sim.update_job(FAILED_JOB.parse().unwrap(), |j| j.last_status = Some(JobStatus::Success));
    sim.update_job_session(FAILED_SESSION.parse().unwrap(), |s| s.status = Some(JobStatus::Success));
}

fn days_from_now(days: i64) -> vb365::DateTime {
    vb365::DateTime::from(NOW.parse::<vb365::DateTime>().unwrap().utc() + chrono::TimeDelta::days(days))
}

/// The alerts of a server as seeded (`instance`), the same on v8 and v6.
fn seeded_alerts(instance: &'static str) -> Vec<Expected> {
    vec![
        expect(
            "VB365JobFailed",
            "vb365_job_last_finished_status",
            &[("instance", instance), ("job_id", FAILED_JOB), ("status", "Failed")],
        ),
        expect(
            "VB365JobWarning",
            "vb365_job_last_finished_status",
            &[("instance", instance), ("job_id", WARNING_JOB), ("status", "Warning")],
        ),
        expect(
            "VB365JobNotSuccessful",
            "vb365_job_last_success_timestamp_seconds",
            &[("instance", instance), ("job_id", FAILED_JOB)],
        ),
        expect(
            "VB365RepositoryAlmostFull",
            "vb365_repository_free_bytes",
            &[("instance", instance), ("repository_id", REPO_1)],
        ),
        expect("VB365ProxyOffline", "vb365_proxy_up", &[("instance", instance), ("proxy_id", OFFLINE_PROXY)]),
    ]
}

async fn scenarios() -> Vec<Scenario> {
    let mut scenarios = Vec::new();

    // A VB365 8 and a VB365 6, as seeded: the failed job, the job with
    // warnings, the job that has not backed up for longer than a day, the
    // full repository and the offline proxy; nothing else.
    let (v8, v6) = (simulator(&[ApiVersion::V8]).await, simulator(&[ApiVersion::V6]).await);
    let timeline = Timeline::default().then(END_MINUTES, record(&v8, "v8").await);
    let timeline = timeline.merge(Timeline::default().then(END_MINUTES, record(&v6, "v6").await));
    let mut alerts = seeded_alerts("v8");
    alerts.extend(seeded_alerts("v6"));
    scenarios.push(Scenario {
        name: "a VB365 8 and a VB365 6 as seeded",
        timeline,
        checks: vec![(END_MINUTES, alerts)],
    });

    // A server that stops answering: down, with the reason, after five minutes.
    let sim = simulator(&[ApiVersion::V8]).await;
    mend_all(&sim);
    let up = record(&sim, "vbo").await;
    let port = sim.url().rsplit(':').next().unwrap().to_owned();
    drop(sim);
    let down = common::vb365(&format!("http://127.0.0.1:{port}"), &["metrics"], None).await;
    let down = parse(&down.stdout, "vbo");
    scenarios.push(Scenario {
        name: "a server that stops answering",
        timeline: Timeline::default().then(30, up).then(30, down),
        checks: vec![
            (33, Vec::new()),
            (40, vec![expect("VB365ServerDown", "vb365_up", &[("instance", "vbo")]).with("reason", "connect")]),
        ],
    });

    // The jobs cannot be read: the failed job's alert stays, the collection's fires.
    let sim = simulator(&[ApiVersion::V8]).await;
    let before = record(&sim, "vbo").await;
    sim.inject(Fault::status(503).on("list_jobs").times(1_000));
    let unreadable = record(&sim, "vbo").await;
    let after = vec![
        expect("VB365JobFailed", "vb365_job_last_finished_status", &[("job_id", FAILED_JOB), ("status", "Failed")]),
        expect("VB365RepositoryAlmostFull", "vb365_repository_free_bytes", &[("repository_id", REPO_1)]),
        expect("VB365ProxyOffline", "vb365_proxy_up", &[("proxy_id", OFFLINE_PROXY)]),
        expect("VB365CollectionUnreadable", "vb365_collection_up", &[("collection", "jobs")]),
    ];
    scenarios.push(Scenario {
        name: "a failed job whose jobs cannot be read for a while",
        timeline: Timeline::default().then(60, before).then(60, unreadable),
        checks: vec![(75, after)],
    });

    // A failed job that runs again stays failed until a run finishes well.
    let sim = simulator(&[ApiVersion::V8]).await;
    mend(&sim);
    let failed = record(&sim, "vbo").await;
    let start = common::vb365(sim.url(), &["jobs", "start", FAILED_JOB, "-o", "json"], None).await;
    assert_eq!(start.status, 0, "{start:?}");
    let running = record(&sim, "vbo").await;
    tokio::time::sleep(Duration::from_millis(3_500)).await;
    let succeeded = record(&sim, "vbo").await;
    let failing = || {
        vec![
            expect("VB365JobFailed", "vb365_job_last_finished_status", &[("job_id", FAILED_JOB), ("status", "Failed")]),
            expect("VB365JobNotSuccessful", "vb365_job_last_success_timestamp_seconds", &[("job_id", FAILED_JOB)]),
        ]
    };
    scenarios.push(Scenario {
        name: "a failed job that VB365 runs again, and that then succeeds",
        timeline: Timeline::default().then(40, failed).then(40, running).then(40, succeeded),
        checks: vec![(30, failing()), (70, failing()), (110, Vec::new())],
    });

    // The license, health and a repository below 20 %.
    let sim = simulator(&[ApiVersion::V8]).await;
    mend_all(&sim);
    sim.update_license(|l| (l.license_expires, l.used_number) = (Some(days_from_now(20)), Some(51)));
    sim.update_health(|h| h.status = Some(HealthStatus::Unhealthy));
    sim.update_repository(REPO_1.parse().unwrap(), |r| r.free_space_bytes = r.capacity_bytes.map(|c| c * 15 / 100));
    let warnings = record(&sim, "vbo").await;
    sim.update_license(|l| l.license_expires = Some(days_from_now(5)));
    let expiring = record(&sim, "vbo").await;
    sim.update_license(|l| (l.license_expires, l.status) = (Some(days_from_now(-2)), Some(LicenseStatus::Expired)));
    let expired = record(&sim, "vbo").await;
    let common_alerts = || {
        vec![
            expect("VB365LicenseOverused", "vb365_license_used", &[]),
            expect("VB365Unhealthy", "vb365_health_healthy", &[]),
            expect("VB365RepositoryLowSpace", "vb365_repository_free_bytes", &[("repository_id", REPO_1)]),
        ]
    };
    let mut soon = common_alerts();
    soon.push(expect("VB365LicenseExpiringSoon", "vb365_license_expiry_timestamp_seconds", &[]));
    let mut within_a_week = common_alerts();
    within_a_week.push(expect("VB365LicenseExpiring", "vb365_license_expiry_timestamp_seconds", &[]));
    let mut gone = common_alerts();
    gone.push(expect("VB365LicenseExpired", "vb365_license_status", &[("status", "Expired")]));
    scenarios.push(Scenario {
        name: "a license running out, too many licensed users, an unhealthy server, a repository below 20 %",
        timeline: Timeline::default().then(40, warnings).then(40, expiring).then(40, expired),
        checks: vec![(35, soon), (75, within_a_week), (115, gone)],
    });

    // The exporter itself cannot be scraped: Prometheus's own `up`.
    let labels = [("instance", "exporter:9365"), ("job", "vb365-probe")];
    let up =
        Series { name: String::from("up"), labels: labels.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect() };
    scenarios.push(Scenario {
        name: "an exporter that cannot be scraped",
        timeline: Timeline::default().then(21, BTreeMap::from([(up, 0.0)])),
        checks: vec![(3, Vec::new()), (10, vec![expect("VB365ExporterDown", "up", &[])])],
    });
    scenarios
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_alert_rules_fire_on_the_series_the_exporter_emits() {
    let Some(promtool) = common::prometheus_tool("promtool") else { return };
    let check = std::process::Command::new(&promtool).args(["check", "rules", RULES]).output().unwrap();
    assert!(check.status.success(), "promtool check rules: {}", String::from_utf8_lossy(&check.stdout));
    let scenarios = scenarios().await;
    let text = test_file(&scenarios);
    expectorate::assert_contents(TESTS, &text);
    let tests = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/prometheus/vb365.rules.test.yml");
    let run = std::process::Command::new(&promtool).args(["test", "rules", tests]).output().unwrap();
    assert!(
        run.status.success(),
        "promtool test rules:\n{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
}
