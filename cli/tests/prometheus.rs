//! The monitoring that ships beside the exporter, run by a real Prometheus
//! (Debian's `prometheus`): the alert rules of
//! `deploy/prometheus/vb365.rules.yml` over an exporter that reads a
//! simulated VB365 8 and a VB365 6, every panel of the Grafana dashboard
//! `deploy/grafana/vb365.dashboard.json` evaluated against it, and two
//! exporters sharing four servers by `hashmod` as the README shows.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use common::Prometheus;
use common::exporter::{TempDir, exporter_with, get, sample};
use vb365::ApiVersion;
use vb365::simulator::{Simulator, SimulatorConfig};

const RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/prometheus/vb365.rules.yml");
const DASHBOARD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/grafana/vb365.dashboard.json");

async fn simulator(versions: &[ApiVersion]) -> Simulator {
    let mut config = SimulatorConfig::default();
    config.versions = versions.to_vec();
    Simulator::start_with(config).await.unwrap()
}

/// An exporter configuration naming each `(name, simulator)`.
fn targets(dir: &TempDir, servers: &[(&str, &Simulator)]) -> std::path::PathBuf {
    let text: String = servers
        .iter()
        .map(|(name, sim)| {
            format!(
                "[targets.{name}]\nurl = \"{}\"\nuser = \"administrator\"\npassword_env = \"SIM_PASSWORD\"\n\n",
                sim.url()
            )
        })
        .collect();
    let path = dir.0.join("exporter.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Waits (at most a minute) until `check` gives a value.
async fn wait<T, F: Future<Output = Option<T>>>(mut check: impl FnMut() -> F) -> Option<T> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        if let Some(found) = check().await {
            return Some(found);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    None
}

/// The alerts Prometheus holds: (alert, server, what it is about) with its state.
async fn alerts(prometheus: &Prometheus) -> Option<BTreeMap<(String, String, String), String>> {
    let data = prometheus.api("/api/v1/alerts").await?;
    let mut out = BTreeMap::new();
    for alert in data["alerts"].as_array()? {
        let labels = &alert["labels"];
        let about = ["job_name", "repository", "proxy", "collection"]
            .iter()
            .find_map(|l| labels[*l].as_str())
            .unwrap_or_default()
            .to_owned();
        let key = (labels["alertname"].as_str()?.to_owned(), labels["server"].as_str().unwrap_or("").to_owned(), about);
        out.insert(key, alert["state"].as_str()?.to_owned());
    }
    Some(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rules_fire_on_the_seeded_problems_and_every_panel_has_data() {
    let (v8, v6) = (simulator(&[ApiVersion::V8]).await, simulator(&[ApiVersion::V6]).await);
    let dir = TempDir::new("prometheus-rules");
    let config = targets(&dir, &[("v8", &v8), ("v6", &v6)]);
    let exporter = exporter_with(dir, &config, v8.url(), &[]);
    let address = exporter.url.trim_start_matches("http://").to_owned();
    let scrape = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
         rule_files: ['{RULES}']\nscrape_configs:\n\
         \x20 - job_name: vb365-probe\n    metrics_path: /probe\n    static_configs:\n      - targets: [v8, v6]\n{}",
        common::probe_relabelling(&address)
    );
    let Some(prometheus) = Prometheus::start(&scrape) else { return };

    // The seeded failed job, full repository and offline proxy of either server.
    let expected: BTreeSet<(String, String, String)> = ["v8", "v6"]
        .iter()
        .flat_map(|server| {
            [
                ("VB365JobFailed", "Contoso SharePoint"),
                ("VB365JobWarning", "ABC Teams"),
                ("VB365JobNotSuccessful", "Contoso SharePoint"),
                ("VB365RepositoryAlmostFull", "Repo 1"),
                ("VB365ProxyOffline", "proxy02.contoso.local"),
            ]
            .map(|(alert, about)| (alert.to_owned(), (*server).to_owned(), about.to_owned()))
        })
        .collect();
    let found = wait(|| async {
        let found = alerts(&prometheus).await?;
        let keys: BTreeSet<_> = found.keys().cloned().collect();
        expected.is_subset(&keys).then_some(found)
    })
    .await;
    let Some(found) = found else {
        panic!("the seeded alerts never came: {:?}\n{}", alerts(&prometheus).await, prometheus.log())
    };
    let unexpected: Vec<_> = found.keys().filter(|k| !expected.contains(k)).collect();
    assert!(unexpected.is_empty(), "only the seeded problems alert: {unexpected:?}");
    for ((alert, server, about), state) in &found {
        // Those without `for` fire at once; the rest wait, pending, for their time.
        let waits = matches!(alert.as_str(), "VB365RepositoryAlmostFull" | "VB365ProxyOffline");
        assert_eq!(state, if waits { "pending" } else { "firing" }, "{alert} {server} {about}");
    }

    // Every panel's every query returns data, with the server variable at "All".
    let dashboard: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(DASHBOARD).unwrap()).unwrap();
    let variable = &dashboard["templating"]["list"].as_array().unwrap().iter().find(|v| v["name"] == "server").unwrap();
    let all = variable["allValue"].as_str().unwrap();
    let servers = wait(|| async {
        let values = prometheus.api("/api/v1/label/server/values?match[]=vb365_up").await?;
        let values: BTreeSet<String> =
            values.as_array()?.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
        (values.len() == 2).then_some(values)
    })
    .await;
    assert_eq!(servers, Some(BTreeSet::from([String::from("v6"), String::from("v8")])), "the server variable's values");
    let mut queries = 0;
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap().replace("$server", all);
            let result = wait(|| async { prometheus.query(&expr).await.filter(|r| !r.is_empty()) }).await;
            assert!(result.is_some(), "panel {} returns no data: {expr}", panel["title"]);
            queries += 1;
        }
    }
    assert!(queries >= dashboard["panels"].as_array().unwrap().len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_exporters_share_four_servers_by_hashmod_and_each_is_scraped_once() {
    let (first, second) = (simulator(&[ApiVersion::V8]).await, simulator(&[ApiVersion::V6]).await);
    let servers = [("alpha", &first), ("bravo", &second), ("charlie", &first), ("delta", &second)];
    let exporters: Vec<_> = (0..2)
        .map(|i| {
            let dir = TempDir::new(&format!("shard-{i}"));
            let config = targets(&dir, &servers);
            exporter_with(dir, &config, first.url(), &[])
        })
        .collect();
    let mut scrape = String::from("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n");
    for (shard, exporter) in exporters.iter().enumerate() {
        let address = exporter.url.trim_start_matches("http://");
        scrape.push_str(&format!(
            "  - job_name: vb365-shard-{shard}\n    metrics_path: /probe\n    static_configs:\n      - targets: [alpha, bravo, charlie, delta]\n\
             {}\x20     - source_labels: [__param_target]\n        modulus: 2\n        target_label: __tmp_shard\n        action: hashmod\n\
             \x20     - source_labels: [__tmp_shard]\n        regex: '{shard}'\n        action: keep\n",
            common::probe_relabelling(address)
        ));
    }
    let Some(prometheus) = Prometheus::start(&scrape) else { return };
    let scraped = wait(|| async {
        let result = prometheus.query("count by (instance, job) (vb365_up)").await?;
        (result.len() == 4).then_some(result)
    })
    .await;
    let Some(scraped) = scraped else { panic!("not every server was scraped: {}", prometheus.log()) };
    let instances: BTreeSet<&str> = scraped.iter().map(|s| s["metric"]["instance"].as_str().unwrap()).collect();
    assert_eq!(instances, BTreeSet::from(["alpha", "bravo", "charlie", "delta"]), "every server once: {scraped:?}");
    // Each server by one exporter: the exporters' own counts of what they served.
    let mut served: BTreeMap<String, usize> = BTreeMap::new();
    for exporter in &exporters {
        let (_, own) = get(&format!("{}/metrics", exporter.url), &[]).await;
        for (name, _) in servers {
            if sample(&own, "vb365_exporter_scrapes_total", &[("target", name)]).is_some() {
                *served.entry(name.to_owned()).or_default() += 1;
            }
        }
    }
    assert_eq!(
        served.values().copied().collect::<Vec<_>>(),
        [1, 1, 1, 1],
        "each server read by one exporter: {served:?}"
    );
    assert_eq!(served.len(), 4);
}
