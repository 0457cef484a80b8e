//! `vb365 exporter` as Prometheus uses it: `/metrics` for the default
//! server, `/probe?target=NAME` for the servers of the configuration file,
//! one of which is down; the login kept across scrapes; the scrape timeout
//! Prometheus sends honoured; configuration errors that name the line; a
//! clean stop on SIGTERM; and a real Prometheus server scraping it all.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use vb365::ApiVersion;
use vb365::simulator::{Simulator, SimulatorConfig};

const REPO_1_FREE: f64 = 87_960_930_222.0;

/// A running `vb365 exporter`; killed when dropped.
struct Exporter {
    child: Child,
    url: String,
    _dir: TempDir,
}

impl Drop for Exporter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A folder of this test's own under the system's temporary one.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("vb365-{name}-{}-{:?}", std::process::id(), Instant::now()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A configuration with the simulator as `sim` and a closed port as `gone`.
fn config(dir: &Path, sim: &Simulator) -> PathBuf {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let gone = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let path = dir.join("exporter.toml");
    let text = format!(
        "[targets.sim]\nurl = \"{}\"\nuser = \"administrator\"\npassword_env = \"SIM_PASSWORD\"\n\n\
         [targets.gone]\nurl = \"{gone}\"\nuser = \"administrator\"\npassword_env = \"SIM_PASSWORD\"\n",
        sim.url()
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn exporter(sim: &Simulator, extra: &[&str]) -> Exporter {
    let dir = TempDir::new("exporter");
    let config = config(&dir.0, sim);
    let mut command = Command::new(env!("CARGO_BIN_EXE_vb365"));
    command
        .args(["exporter", "--listen", "127.0.0.1:0", "--config", config.to_str().unwrap()])
        .args(extra)
        .env("VB365_URL", sim.url())
        .env("VB365_USER", "administrator")
        .env("VB365_PASSWORD", "simulated-password")
        .env("SIM_PASSWORD", "simulated-password")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let url = first.split_whitespace().find(|w| w.starts_with("http://")).expect(&first).to_owned();
    Exporter { child, url, _dir: dir }
}

async fn get(url: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut request = common::http().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The value of the one sample of `name` whose labels include `labels`.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines().filter(|l| !l.starts_with('#')).find_map(|line| {
        let (series, value) = line.rsplit_once(' ')?;
        let (metric, rest) = series.split_once('{').unwrap_or((series, ""));
        let matches = metric == name && labels.iter().all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")));
        matches.then(|| value.parse().ok()).flatten()
    })
}

async fn simulator() -> Simulator {
    let mut config = SimulatorConfig::default();
    config.versions = vec![ApiVersion::V8];
    Simulator::start_with(config).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_that_is_down_leaves_the_other_intact() {
    let sim = simulator().await;
    let exporter = exporter(&sim, &[]);
    let (status, gone) = get(&format!("{}/probe?target=gone", exporter.url), &[]).await;
    assert_eq!(status, 200);
    assert_eq!(sample(&gone, "vb365_up", &[]), Some(0.0), "{gone}");
    assert_eq!(sample(&gone, "vb365_repository_free_bytes", &[]), None);
    let (_, up) = get(&format!("{}/probe?target=sim", exporter.url), &[]).await;
    assert_eq!(sample(&up, "vb365_up", &[]), Some(1.0), "{up}");
    assert_eq!(sample(&up, "vb365_repository_free_bytes", &[("repository", "Repo 1")]), Some(REPO_1_FREE));
    assert_eq!(
        sample(&up, "vb365_job_last_status", &[("job_name", "Contoso SharePoint"), ("status", "Failed")]),
        Some(1.0)
    );

    // /metrics: the default server, and the exporter's own figures.
    let (_, own) = get(&format!("{}/metrics", exporter.url), &[]).await;
    assert_eq!(sample(&own, "vb365_up", &[]), Some(1.0), "{own}");
    assert_eq!(sample(&own, "vb365_exporter_targets", &[]), Some(2.0), "{own}");
    assert_eq!(sample(&own, "vb365_exporter_scrapes_total", &[("target", "gone")]), Some(1.0), "{own}");
    common::promtool_accepts(&own);

    let (status, page) = get(&exporter.url, &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains("href=\"/metrics\"") && page.contains("href=\"/probe?target=sim\""), "{page}");
    let (status, text) = get(&format!("{}/probe?target=nope", exporter.url), &[]).await;
    assert_eq!(status, 404, "{text}");
    assert!(text.contains("no target `nope`"), "{text}");
    let (status, _) = get(&format!("{}/probe", exporter.url), &[]).await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_login_serves_every_scrape() {
    let sim = simulator().await;
    let exporter = exporter(&sim, &[]);
    for _ in 0..3 {
        let (_, text) = get(&format!("{}/probe?target=sim", exporter.url), &[]).await;
        assert_eq!(sample(&text, "vb365_up", &[]), Some(1.0));
    }
    assert_eq!(sim.count("create_token"), 1, "the token is kept between scrapes");
    let (_, own) = get(&format!("{}/metrics", exporter.url), &[]).await;
    assert_eq!(sample(&own, "vb365_exporter_logins_total", &[("target", "sim")]), Some(1.0), "{own}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scrape_timeout_prometheus_sends_is_honoured() {
    let sim = simulator().await;
    let exporter = exporter(&sim, &["--scrape-timeout", "60s"]);
    sim.set_latency(Duration::from_secs(5));
    let started = Instant::now();
    let (status, text) =
        get(&format!("{}/probe?target=sim", exporter.url), &[("X-Prometheus-Scrape-Timeout-Seconds", "1.5")]).await;
    let took = started.elapsed();
    assert_eq!(status, 200);
    assert_eq!(sample(&text, "vb365_up", &[]), Some(0.0), "{text}");
    assert!(took < Duration::from_millis(1500), "answered after {took:?}, past Prometheus's timeout");
    assert!(took >= Duration::from_millis(1000), "gave up early: {took:?}");
}

#[test]
fn a_configuration_error_names_the_line_and_nothing_starts() {
    let dir = TempDir::new("exporter-config");
    let path = dir.0.join("exporter.toml");
    std::fs::write(&path, "[targets.a]\nurl = \"https://vbo.example.com\"\nuser = 5\npassword_env = \"X\"\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_vb365"))
        .args(["exporter", "--listen", "127.0.0.1:0", "--config", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "it must not say it listens");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with(&format!("vb365: {}:3: targets.a.user: invalid type", path.display())), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_the_exporter() {
    let sim = simulator().await;
    let mut exporter = exporter(&sim, &[]);
    let (status, _) = get(&format!("{}/metrics", exporter.url), &[]).await;
    assert_eq!(status, 200);
    let pid = exporter.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let waited = Instant::now();
    loop {
        if let Some(status) = exporter.child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(waited.elapsed() < Duration::from_secs(10), "the exporter did not stop on SIGTERM");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A real Prometheus server scrapes the exporter's `/metrics` and, through
/// the multi-target relabelling of the README, `/probe` for both targets;
/// the values come back through Prometheus's query API.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_prometheus_scrapes_metrics_and_probe() {
    let Some(prometheus) = common::prometheus_tool("prometheus") else { return };
    let sim = simulator().await;
    let exporter = exporter(&sim, &[]);
    let address = exporter.url.trim_start_matches("http://").to_owned();
    let dir = TempDir::new("prometheus");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let web = listener.local_addr().unwrap().to_string();
    drop(listener);
    let scrape = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n\
         - job_name: vb365\n  static_configs:\n  - targets: ['{address}']\n\
         - job_name: vb365-probe\n  metrics_path: /probe\n  static_configs:\n  - targets: [sim, gone]\n  relabel_configs:\n\
         \x20 - source_labels: [__address__]\n    target_label: __param_target\n\
         \x20 - source_labels: [__param_target]\n    target_label: instance\n\
         \x20 - target_label: __address__\n    replacement: '{address}'\n"
    );
    std::fs::write(dir.0.join("prometheus.yml"), scrape).unwrap();
    let log = std::fs::File::create(dir.0.join("prometheus.log")).unwrap();
    let mut server = Command::new(prometheus)
        .arg(format!("--config.file={}", dir.0.join("prometheus.yml").display()))
        .arg(format!("--storage.tsdb.path={}", dir.0.join("data").display()))
        .arg(format!("--web.listen-address={web}"))
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let query = |promql: &'static str| {
        let url = format!("http://{web}/api/v1/query");
        async move {
            let response = common::http().get(url).query(&[("query", promql)]).send().await.ok()?;
            let body: serde_json::Value = response.json().await.ok()?;
            let value = body.pointer("/data/result/0/value/1")?.as_str()?.parse::<f64>().ok()?;
            Some(value)
        }
    };
    let waited = Instant::now();
    let mut results = (None, None, None);
    while waited.elapsed() < Duration::from_secs(60) {
        results = (
            query(r#"vb365_repository_free_bytes{job="vb365-probe",instance="sim",repository="Repo 1"}"#).await,
            query(r#"vb365_up{job="vb365-probe",instance="gone"}"#).await,
            query(r#"vb365_license_used{job="vb365"}"#).await,
        );
        if results.0.is_some() && results.1.is_some() && results.2.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let _ = server.kill();
    let _ = server.wait();
    let mut log = String::new();
    let _ = std::fs::File::open(dir.0.join("prometheus.log")).and_then(|mut f| f.read_to_string(&mut log));
    assert_eq!(
        results,
        (Some(REPO_1_FREE), Some(0.0), Some(12.0)),
        "Prometheus did not get the values; its log:\n{log}"
    );
}
