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
    "vb365_job_last_status",
    "vb365_job_enabled",
    "vb365_job_last_run_timestamp_seconds",
    "vb365_job_next_run_timestamp_seconds",
    "vb365_job_session_duration_seconds",
    "vb365_job_session_transferred_bytes",
    "vb365_job_session_processed_objects",
    "vb365_repository_capacity_bytes",
    "vb365_repository_free_bytes",
    "vb365_proxy_up",
    "vb365_license_capacity",
    "vb365_license_used",
    "vb365_license_expiry_timestamp_seconds",
    "vb365_licensed_users",
    "vb365_scrape_duration_seconds",
    "vb365_scrape_requests",
];

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
    assert_eq!(all.contains_key("vb365_health_healthy"), v8, "health only where v8 reports it");
    assert_eq!(value(&all, "vb365_up", &[]), 1.0);
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
}

/// A server that cannot be reached still gives `vb365_up 0`, and exit 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_is_down_not_silent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let gone = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let run = vb365(&gone, &["metrics"], None).await;
    assert_eq!(run.status, 1, "{run:?}");
    assert!(run.stdout.contains("vb365_up 0.0"), "{}", run.stdout);
    assert!(run.stderr.contains("connect error"), "{run:?}");
}

/// A server of which one collection cannot be read: the figures it gave are
/// printed, the failure is on standard error, and the exit status is 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collection_that_cannot_be_read_is_no_success() {
    let sim = frozen(&[ApiVersion::V8]).await;
    sim.inject(vb365::simulator::Fault::status(500).times(10).on("list_proxies"));
    let run = vb365(sim.url(), &["metrics"], None).await;
    assert_eq!(run.status, 1, "{run:?}");
    assert!(run.stdout.contains("vb365_up 1"), "{}", run.stdout);
    assert!(run.stdout.contains("vb365_license_used"), "what could be read is printed: {}", run.stdout);
    assert!(!run.stdout.contains("vb365_proxy_up{"), "{}", run.stdout);
    assert!(run.stderr.contains("vb365: proxies: list_proxies_v8"), "{run:?}");
    assert!(run.stderr.ends_with("1 of the server's reads failed; the metrics above leave them out\n"), "{run:?}");
}
