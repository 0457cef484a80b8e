//! `vb365 metrics` against v6 and v8 simulators: every metric the exporter
//! serves, with the simulator's values, in text that real parsers read:
//! the OpenMetrics and Prometheus formats through `openmetrics-parser` and
//! Prometheus's own `promtool`, line protocol through InfluxDB's parser.

mod common;

use std::collections::BTreeMap;

use common::{Run, promtool_accepts, vb365};
use openmetrics_parser::{MetricsExposition, PrometheusType, PrometheusValue};
use vb365::ApiVersion;
use vb365::simulator::{Simulator, SimulatorConfig};

const FAILED_JOB: &str = "1c4e7a2b-3d5f-4a6c-8e9b-0d1f2a3b4c5d";
const REPO_1: &str = "a1e4c7b0-5d2f-4c8e-9b31-0e6f2a7d4c51";

/// Every metric `vb365 metrics` writes for a server that answers (health
/// only where v8 reports it).
const METRICS: &[&str] = &[
    "vb365_up",
    "vb365_up_reason",
    "vb365_collection_up",
    "vb365_server_info",
    "vb365_job_last_status",
    "vb365_job_last_finished_status",
    "vb365_job_failed",
    "vb365_job_running",
    "vb365_job_enabled",
    "vb365_job_scheduled",
    "vb365_job_schedule_interval_seconds",
    "vb365_job_last_run_timestamp_seconds",
    "vb365_job_last_success_timestamp_seconds",
    "vb365_job_next_run_timestamp_seconds",
    "vb365_job_session_duration_seconds",
    "vb365_job_session_transferred_bytes",
    "vb365_job_session_processed_objects",
    "vb365_repository_capacity_bytes",
    "vb365_repository_free_bytes",
    "vb365_repository_out_of_sync",
    "vb365_organization_used_bytes",
    "vb365_organization_local_cache_used_bytes",
    "vb365_proxy_up",
    "vb365_license_status",
    "vb365_license_capacity",
    "vb365_license_used",
    "vb365_license_expiry_timestamp_seconds",
    "vb365_licensed_users",
    "vb365_scrape_duration_seconds",
    "vb365_scrape_requests",
    "vb365_scrape_errors",
];

/// What only a v8 server sends.
const V8_METRICS: &[&str] =
    &["vb365_health_healthy", "vb365_repository_outdated", "vb365_license_grace_period_expiry_timestamp_seconds"];

async fn frozen(versions: &[ApiVersion]) -> Simulator {
    let mut config = SimulatorConfig::default();
    config.versions = versions.to_vec();
    config.frozen_time = Some("2024-05-01T12:00:00Z".parse().unwrap());
    Simulator::start_with(config).await.unwrap()
}

async fn metrics(sim: &Simulator, format: &str) -> Run {
    let run = vb365(sim.url(), &["metrics", "--format", format], None).await;
    assert_eq!((run.status, run.stderr.as_str()), (0, ""), "{run:?}");
    run
}

/// Each metric's samples: its labels and value.
type Samples = BTreeMap<String, Vec<(BTreeMap<String, String>, f64)>>;

/// Every sample of a parsed text: name → (labels → value).
fn samples(exposition: &MetricsExposition<PrometheusType, PrometheusValue>) -> Samples {
    let mut out = BTreeMap::new();
    for (name, family) in &exposition.families {
        let names = family.get_label_names().to_vec();
        let mut list = Vec::new();
        for sample in family.iter_samples() {
            let labels: BTreeMap<String, String> =
                names.iter().cloned().zip(sample.get_labelset().unwrap().iter().map(|(_, v)| v.to_string())).collect();
            let value = match sample.value {
                PrometheusValue::Gauge(ref g) => g.as_f64(),
                PrometheusValue::Unknown(ref u) => u.as_f64(),
                ref other => panic!("{name}: not a gauge: {other:?}"),
            };
            list.push((labels, value));
        }
        out.insert(name.clone(), list);
    }
    out
}

fn value(all: &Samples, name: &str, labels: &[(&str, &str)]) -> f64 {
    let series = all.get(name).unwrap_or_else(|| panic!("no {name}"));
    let found: Vec<f64> = series
        .iter()
        .filter(|(l, _)| labels.iter().all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v)))
        .map(|(_, v)| *v)
        .collect();
    assert_eq!(found.len(), 1, "{name}{labels:?}: {found:?}");
    found[0]
}

async fn every_metric_with_the_simulator_s_values(versions: &[ApiVersion]) {
    let sim = frozen(versions).await;
    let v8 = versions.contains(&ApiVersion::V8);
    let run = metrics(&sim, "prometheus").await;
    let parsed = openmetrics_parser::prometheus::parse_prometheus(&run.stdout).expect("Prometheus text");
    let all = samples(&parsed);
    for name in METRICS {
        assert!(all.contains_key(*name), "{name} is missing");
    }
    for name in V8_METRICS {
        assert_eq!(all.contains_key(*name), v8, "{name} only where v8 sends it");
    }
    for (name, samples) in &all {
        for (labels, _) in samples {
            assert!(labels.get("server").is_some_and(|s| s.starts_with("127.0.0.1:")), "{name} {labels:?}");
        }
    }
    assert_eq!(value(&all, "vb365_up", &[]), 1.0);
    for reason in ["connect", "tls", "login", "timeout", "server_error"] {
        assert_eq!(value(&all, "vb365_up_reason", &[("reason", reason)]), 0.0, "up: no reason is 1");
    }
    let collections =
        ["jobs", "sessions", "repositories", "proxies", "license", "licensed_users", "organizations", "usage"];
    for collection in collections {
        assert_eq!(value(&all, "vb365_collection_up", &[("collection", collection)]), 1.0, "{collection}");
    }
    let info = &all["vb365_server_info"][0].0;
    assert_eq!(
        info["version"],
        if v8 { "8.1.0.305" } else { "6.1.0.222" },
        "the build each version's instance reports"
    );
    assert_eq!(info["installation_id"], "3b0e4bd4-4b7f-4c3e-9f0a-7d5c2e9a1f60");
    assert_eq!(info["api_versions"], if v8 { "8" } else { "6" });
    // The failed job: failed on its last finished run, not running, scheduled; it last succeeded the day before.
    assert_eq!(value(&all, "vb365_job_last_finished_status", &[("job_id", FAILED_JOB), ("status", "Failed")]), 1.0);
    assert_eq!(value(&all, "vb365_job_last_finished_status", &[("job_id", FAILED_JOB), ("status", "Success")]), 0.0);
    assert_eq!(value(&all, "vb365_job_failed", &[("job_id", FAILED_JOB)]), 1.0);
    assert_eq!(value(&all, "vb365_job_running", &[("job_id", FAILED_JOB)]), 0.0);
    assert_eq!(value(&all, "vb365_job_scheduled", &[("job_id", FAILED_JOB)]), 1.0);
    // 2024-04-30T03:41:18.2219960Z, the end of its last successful session (after v8's lastBackup, its start).
    assert_eq!(
        value(&all, "vb365_job_last_success_timestamp_seconds", &[("job_id", FAILED_JOB)]),
        1_714_448_478.221996
    );
    assert_eq!(value(&all, "vb365_license_status", &[("status", "Valid")]), 1.0);
    let used = &all["vb365_organization_used_bytes"];
    assert!(
        used.iter()
            .any(|(l, v)| l["organization"] == "contoso.onmicrosoft.com" && l["repository"] == "Repo 1" && *v > 0.0),
        "{used:?}"
    );
    assert_eq!(value(&all, "vb365_repository_free_bytes", &[("repository_id", REPO_1)]), 87_960_930_222.0);
    assert_eq!(value(&all, "vb365_repository_capacity_bytes", &[("repository", "Repo 1")]), 2_199_023_255_552.0);
    // The failed job's state set: 1 for Failed, 0 for every other state.
    let states: Vec<_> = all["vb365_job_last_status"].iter().filter(|(l, _)| l["job_id"] == FAILED_JOB).collect();
    assert_eq!(states.len(), 8);
    for (labels, value) in states {
        assert_eq!(*value, if labels["status"] == "Failed" { 1.0 } else { 0.0 }, "{labels:?}");
        assert_eq!(
            (labels["job_name"].as_str(), labels["organization"].as_str()),
            ("Contoso SharePoint", "contoso.onmicrosoft.com")
        );
    }
    // 2025-04-30T00:00:00Z, the recorded expiry (v6 calls it expirationDate).
    assert_eq!(value(&all, "vb365_license_expiry_timestamp_seconds", &[]), 1_745_971_200.0);
    assert_eq!((value(&all, "vb365_license_capacity", &[]), value(&all, "vb365_license_used", &[])), (50.0, 12.0));
    assert_eq!(
        value(&all, "vb365_licensed_users", &[("organization", "contoso.onmicrosoft.com"), ("state", "New")]),
        1.0
    );
    assert_eq!(value(&all, "vb365_proxy_up", &[("proxy", "proxy02.contoso.local")]), 0.0);
    assert_eq!(value(&all, "vb365_job_enabled", &[("job_name", "ABC OneDrive (retired)")]), 0.0);
    assert_eq!(value(&all, "vb365_job_session_duration_seconds", &[("job_id", FAILED_JOB)]), 339.5098157);
    assert_eq!(value(&all, "vb365_job_session_transferred_bytes", &[("job_id", FAILED_JOB)]), 52_428_800.0);
    assert_eq!(value(&all, "vb365_job_last_run_timestamp_seconds", &[("job_id", FAILED_JOB)]), 1_714_532_405.1021877);
    assert!(value(&all, "vb365_scrape_requests", &[]) >= 10.0);

    // OpenMetrics: the same samples, with units and the closing # EOF.
    let open = metrics(&sim, "openmetrics").await;
    assert!(open.stdout.ends_with("# EOF\n") && open.stdout.contains("# UNIT vb365_repository_free_bytes bytes"));
    let parsed = openmetrics_parser::openmetrics::parse_openmetrics(&open.stdout).expect("OpenMetrics text");
    let families: Vec<&String> = parsed.families.keys().collect();
    for name in METRICS {
        assert!(families.iter().any(|f| f.as_str() == *name), "{name} is missing from OpenMetrics");
    }
    promtool_accepts(&run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_metric_from_a_v8_server() {
    every_metric_with_the_simulator_s_values(&[ApiVersion::V8]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_metric_from_a_v6_server() {
    every_metric_with_the_simulator_s_values(&[ApiVersion::V6]).await;
}

/// Line protocol for Telegraf: every line parses, with the same values.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn influx_lines_parse_with_the_same_values() {
    use influxdb_line_protocol::FieldValue;
    let sim = frozen(&[ApiVersion::V8]).await;
    let run = metrics(&sim, "influx").await;
    let mut seen = BTreeMap::new();
    for line in influxdb_line_protocol::parse_lines(&run.stdout) {
        let line = line.unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
        assert!(line.timestamp.is_some(), "every line carries its time");
        let tags: BTreeMap<String, String> =
            line.series.tag_set.iter().flatten().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert!(tags["server"].starts_with("127.0.0.1:"), "{tags:?}");
        for (field, value) in &line.field_set {
            let key = format!(
                "{}.{field}{}",
                line.series.measurement,
                tags.get("job_id").or(tags.get("repository_id")).map(|id| format!("@{id}")).unwrap_or_default()
            );
            seen.insert(key, value.clone());
        }
    }
    assert_eq!(seen["vb365_server.up"], FieldValue::I64(1));
    assert_eq!(seen["vb365_server.healthy"], FieldValue::I64(1));
    assert_eq!(seen[&format!("vb365_job.last_status@{FAILED_JOB}")], FieldValue::String("Failed".into()));
    assert_eq!(seen[&format!("vb365_job.session_duration@{FAILED_JOB}")], FieldValue::F64(339.5098157));
    assert_eq!(seen[&format!("vb365_repository.free_bytes@{REPO_1}")], FieldValue::I64(87_960_930_222));
    assert_eq!(seen["vb365_license.expiry"], FieldValue::F64(1_745_971_200.0));
    assert_eq!(seen["vb365_license.used"], FieldValue::I64(12));
    // What InfluxQL cannot work out for itself: whether a job failed, and how long the license has.
    assert_eq!(seen[&format!("vb365_job.failed@{FAILED_JOB}")], FieldValue::I64(1));
    assert_eq!(seen["vb365_job.failed@00b96531-1a68-4c90-a398-91141ffedb3b"], FieldValue::I64(0));
    let FieldValue::F64(left) = seen["vb365_license.expires_in_seconds"] else { panic!("{:?}", seen) };
    let expected = 1_745_971_200.0 - vb365::DateTime::now().utc().timestamp() as f64;
    assert!((left - expected).abs() < 60.0, "{left} against {expected}");
}

/// A server that cannot be reached still gives `vb365_up 0` with its
/// reason, and exit 1 with the fact on standard error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_is_down_not_silent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let gone = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let run = vb365(&gone, &["metrics"], None).await;
    assert_eq!(run.status, 1, "{run:?}");
    let server = gone.trim_start_matches("http://");
    assert!(run.stdout.contains(&format!("vb365_up{{server=\"{server}\"}} 0.0")), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!("vb365_up_reason{{server=\"{server}\",reason=\"connect\"}} 1.0")),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains(&format!("cannot connect to {gone}: Connection refused")), "{run:?}");
    assert!(!run.stderr.contains("get_service_instance") && !run.stderr.contains("ClientBuilder"), "{run:?}");
}

/// A server of which one collection cannot be read: the figures it gave are
/// printed, the collection says it is down, the failure is on standard
/// error, and the exit status is 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collection_that_cannot_be_read_is_no_success() {
    let sim = frozen(&[ApiVersion::V8]).await;
    sim.inject(vb365::simulator::Fault::status(500).times(10).on("list_proxies"));
    let run = vb365(sim.url(), &["metrics"], None).await;
    assert_eq!(run.status, 1, "{run:?}");
    let parsed = openmetrics_parser::prometheus::parse_prometheus(&run.stdout).expect("Prometheus text");
    let all = samples(&parsed);
    assert_eq!(value(&all, "vb365_up", &[]), 1.0);
    assert_eq!(value(&all, "vb365_collection_up", &[("collection", "proxies")]), 0.0);
    assert_eq!(value(&all, "vb365_collection_up", &[("collection", "jobs")]), 1.0);
    assert_eq!(value(&all, "vb365_scrape_errors", &[]), 1.0);
    assert!(all.contains_key("vb365_license_used"), "what could be read is printed: {}", run.stdout);
    assert!(!all.contains_key("vb365_proxy_up"), "{}", run.stdout);
    assert!(
        run.stderr.contains("vb365: cannot read the proxies: the server answered 500: Simulated failure"),
        "{run:?}"
    );
    assert!(
        run.stderr.ends_with("1 of the server's collections could not be read; their series are left out\n"),
        "{run:?}"
    );
}

/// Names the server sends are label values: quotes, backslashes and
/// newlines are escaped, so every parser reads the same name back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_names_stay_label_values() {
    let sim = frozen(&[ApiVersion::V8]).await;
    let name = "SP | \"nightly\" \\ backup\nsecond line = 1";
    sim.update_job(FAILED_JOB.parse().unwrap(), |j| j.name = Some(String::from(name)));
    let run = metrics(&sim, "prometheus").await;
    promtool_accepts(&run.stdout);
    let all = samples(&openmetrics_parser::prometheus::parse_prometheus(&run.stdout).expect("Prometheus text"));
    assert_eq!(value(&all, "vb365_job_failed", &[("job_name", name)]), 1.0);
    let open = metrics(&sim, "openmetrics").await;
    openmetrics_parser::openmetrics::parse_openmetrics(&open.stdout).expect("OpenMetrics text");
    let escaped = r#"job_name="SP | \"nightly\" \\ backup\nsecond line = 1""#;
    assert!(open.stdout.contains(escaped), "{}", open.stdout);
    let run = metrics(&sim, "influx").await;
    for line in influxdb_line_protocol::parse_lines(&run.stdout) {
        line.unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    }
    assert_eq!(run.stdout.lines().filter(|l| l.starts_with("vb365_job,")).count(), 4, "{}", run.stdout);
}
