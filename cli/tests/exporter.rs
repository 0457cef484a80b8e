//! `vb365 exporter` as Prometheus uses it: `/metrics` for the default
//! server, `/probe?target=NAME` for the servers of the configuration file,
//! one of which is down; the login kept across scrapes; the scrape timeout
//! Prometheus sends honoured; configuration errors that name the line; a
//! clean stop on SIGTERM; and a real Prometheus server scraping it all.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::exporter::{TempDir, exporter, get, sample};

use vb365::ApiVersion;
use vb365::simulator::{Fault, Simulator, SimulatorConfig};

const REPO_1_FREE: f64 = 87_960_930_222.0;

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
    let sim = simulator().await;
    let exporter = exporter(&sim, &[]);
    let address = exporter.url.trim_start_matches("http://").to_owned();
    let scrape = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n\
         \x20 - job_name: vb365\n    static_configs:\n      - targets: ['{address}']\n\
         \x20 - job_name: vb365-probe\n    metrics_path: /probe\n    static_configs:\n      - targets: [sim, gone]\n{}",
        common::probe_relabelling(&address)
    );
    let Some(prometheus) = common::Prometheus::start(&scrape) else { return };
    let value = |promql: &'static str| {
        let prometheus = &prometheus;
        async move { prometheus.query(promql).await?.first()?.pointer("/value/1")?.as_str()?.parse::<f64>().ok() }
    };
    let waited = Instant::now();
    let mut results = (None, None, None);
    while waited.elapsed() < Duration::from_secs(60) {
        results = (
            value(r#"vb365_repository_free_bytes{job="vb365-probe",instance="sim",repository="Repo 1"}"#).await,
            value(r#"vb365_up{job="vb365-probe",instance="gone"}"#).await,
            value(r#"vb365_license_used{job="vb365"}"#).await,
        );
        if results.0.is_some() && results.1.is_some() && results.2.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(
        results,
        (Some(REPO_1_FREE), Some(0.0), Some(12.0)),
        "Prometheus did not get the values; its log:\n{}",
        prometheus.log()
    );
}

/// A simulator on a port of its own, so that it can be stopped and started
/// again where the exporter expects it.
async fn simulator_on(port: u16) -> Simulator {
    let mut config = SimulatorConfig::default();
    config.versions = vec![ApiVersion::V8];
    config.port = port;
    // The port of a simulator just stopped may take a moment to be free again.
    for _ in 0..50 {
        if let Ok(sim) = Simulator::start_with(config.clone()).await {
            return sim;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("port {port} stayed taken");
}

/// The exporter's stderr names the problem and the target, and never a
/// secret or a name only the library uses.
fn assert_clean_log(log: &str) {
    for secret in ["simulated-password", "sim-access-", "sim-refresh-"] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
    for name in ["create_token", "get_service_instance", "list_jobs", "_v8", "ClientBuilder"] {
        assert!(!log.contains(name), "{name} in the log:\n{log}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_stops_answering_is_down_and_comes_back_with_a_new_login() {
    let sim = simulator().await;
    let port: u16 = sim.url().rsplit(':').next().unwrap().parse().unwrap();
    let exporter = exporter(&sim, &[]);
    let probe = format!("{}/probe?target=sim", exporter.url);
    let (_, up) = get(&probe, &[]).await;
    assert_eq!(sample(&up, "vb365_up", &[("server", "sim")]), Some(1.0), "{up}");
    assert_eq!(sample(&up, "vb365_server_info", &[("version", "8.1.0.305")]), Some(1.0), "{up}");
    drop(sim);
    let (status, down) = get(&probe, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(sample(&down, "vb365_up", &[]), Some(0.0), "a dead server is never up: {down}");
    assert_eq!(sample(&down, "vb365_up_reason", &[("reason", "connect")]), Some(1.0), "{down}");
    assert_eq!(sample(&down, "vb365_job_last_status", &[]), None, "{down}");
    let (_, down) = get(&probe, &[]).await;
    assert_eq!(sample(&down, "vb365_up", &[]), Some(0.0), "still down: {down}");
    let sim = simulator_on(port).await;
    let (_, back) = get(&probe, &[]).await;
    assert_eq!(sample(&back, "vb365_up", &[]), Some(1.0), "{back}");
    assert_eq!(sim.count("create_token"), 1, "the restarted server was logged in to afresh");
    let (_, own) = get(&format!("{}/metrics", exporter.url), &[]).await;
    assert_eq!(sample(&own, "vb365_exporter_logins_total", &[("target", "sim")]), Some(2.0), "{own}");
    let log = exporter.log();
    let down =
        format!("msg=\"server down\" target=sim reason=connect detail=\"cannot connect to http://127.0.0.1:{port}");
    assert!(log.contains(&down), "{log}");
    assert_clean_log(&log);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_login_is_down_and_waits_before_the_next() {
    let sim = simulator().await;
    let exporter = exporter(&sim, &[]);
    let probe = format!("{}/probe?target=sim", exporter.url);
    let (_, up) = get(&probe, &[]).await;
    assert_eq!(sample(&up, "vb365_up", &[]), Some(1.0), "{up}");
    // The password changed: every token is gone, and logins are refused.
    sim.revoke_all_tokens();
    sim.inject(Fault::status(400).message("Invalid user name or password.").on("create_token").times(100));
    let (_, down) = get(&probe, &[]).await;
    assert_eq!(sample(&down, "vb365_up", &[]), Some(0.0), "{down}");
    assert_eq!(sample(&down, "vb365_up_reason", &[("reason", "login")]), Some(1.0), "{down}");
    let (_, down) = get(&probe, &[]).await;
    assert_eq!(sample(&down, "vb365_up_reason", &[("reason", "login")]), Some(1.0), "{down}");
    let tried = sim.count("create_token");
    let (_, _) = get(&probe, &[]).await;
    assert_eq!(sim.count("create_token"), tried, "a refused login is not tried again at once");
    let log = exporter.log();
    let refused = "target=sim reason=login detail=\"login refused for administrator (400): Invalid user name";
    assert!(log.contains(refused), "{log}");
    assert!(log.contains("next_login_in_seconds="), "{log}");
    assert_clean_log(&log);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_that_times_out_waits_before_the_next_too() {
    let sim = simulator().await;
    let exporter = exporter(&sim, &[]);
    sim.set_latency(Duration::from_secs(3));
    let probe = format!("{}/probe?target=sim", exporter.url);
    let timeout = [("X-Prometheus-Scrape-Timeout-Seconds", "1")];
    let (_, down) = get(&probe, &timeout).await;
    assert_eq!(sample(&down, "vb365_up_reason", &[("reason", "timeout")]), Some(1.0), "{down}");
    sim.set_latency(Duration::ZERO);
    let asked = sim.requests().len();
    let (_, down) = get(&probe, &timeout).await;
    assert_eq!(sample(&down, "vb365_up_reason", &[("reason", "timeout")]), Some(1.0), "{down}");
    assert_eq!(sim.requests().len(), asked, "no login while the pause lasts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_library_s_own_logins_are_counted() {
    let sim = simulator().await;
    let exporter = exporter(&sim, &[]);
    let probe = format!("{}/probe?target=sim", exporter.url);
    get(&probe, &[]).await;
    // Refresh tokens gone: the client logs in again by itself, keeping its place.
    sim.revoke_all_tokens();
    let (_, up) = get(&probe, &[]).await;
    assert_eq!(sample(&up, "vb365_up", &[]), Some(1.0), "{up}");
    assert_eq!(sim.count("create_token"), 3, "the login, the refused refresh, the login again");
    let (_, own) = get(&format!("{}/metrics", exporter.url), &[]).await;
    assert_eq!(sample(&own, "vb365_exporter_logins_total", &[("target", "sim")]), Some(2.0), "{own}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collection_that_fails_or_stalls_is_down_and_the_rest_reports() {
    let sim = simulator().await;
    let exporter = exporter(&sim, &[]);
    let probe = format!("{}/probe?target=sim", exporter.url);
    sim.inject(Fault::status(503).on("list_jobs").times(3));
    let (_, text) = get(&probe, &[]).await;
    assert_eq!(sample(&text, "vb365_up", &[]), Some(1.0), "{text}");
    assert_eq!(sample(&text, "vb365_collection_up", &[("collection", "jobs")]), Some(0.0), "{text}");
    assert_eq!(sample(&text, "vb365_collection_up", &[("collection", "repositories")]), Some(1.0), "{text}");
    assert_eq!(sample(&text, "vb365_scrape_errors", &[]), Some(1.0), "{text}");
    let unread = "msg=\"collection not read\" target=sim collection=jobs detail=\"the server answered 503";
    assert!(exporter.log().contains(unread), "{}", exporter.log());
    // A stall: that collection is down at the scrape's deadline, the others report.
    sim.inject(Fault::stall().on("list_proxies").times(5));
    let (status, text) = get(&probe, &[("X-Prometheus-Scrape-Timeout-Seconds", "2")]).await;
    assert_eq!(status, 200);
    assert_eq!(sample(&text, "vb365_up", &[]), Some(1.0), "{text}");
    assert_eq!(sample(&text, "vb365_collection_up", &[("collection", "proxies")]), Some(0.0), "{text}");
    assert_eq!(sample(&text, "vb365_repository_free_bytes", &[("repository", "Repo 1")]), Some(REPO_1_FREE));
    assert!(exporter.log().contains("collection=proxies detail=\"not read within"), "{}", exporter.log());
    assert_clean_log(&exporter.log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_scrapes_of_one_server_share_its_limit_and_its_reading() {
    let sim = simulator().await;
    let exporter = exporter(&sim, &["--concurrency", "2"]);
    let probe = format!("{}/probe?target=sim", exporter.url);
    get(&probe, &[]).await;
    sim.set_latency(Duration::from_millis(80));
    sim.reset_max_in_flight();
    sim.clear_requests();
    let scrapes: Vec<_> = (0..4).map(|_| get(&probe, &[])).collect();
    let answers = futures::future::join_all(scrapes).await;
    let most = sim.max_in_flight();
    assert!(most <= 2, "{most} requests in flight with --concurrency 2 and 4 scrapes");
    assert!(most == 2, "the reads overlapped: {most}");
    let sent = sim.requests().len() as f64;
    for (_, text) in &answers {
        assert_eq!(sample(text, "vb365_up", &[]), Some(1.0), "{text}");
        // Each answer counts the requests of the one reading they shared.
        assert_eq!(sample(text, "vb365_scrape_requests", &[]), Some(sent), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scrape_requests_count_the_reading_with_its_login_and_probes() {
    let sim = simulator().await;
    let exporter = exporter(&sim, &[]);
    let probe = format!("{}/probe?target=sim", exporter.url);
    for round in 0..2 {
        let before = sim.requests().len();
        let (_, text) = get(&probe, &[]).await;
        let sent = (sim.requests().len() - before) as f64;
        assert_eq!(sample(&text, "vb365_scrape_requests", &[]), Some(sent), "round {round}: {text}");
    }
    let instance = sim.requests().iter().filter(|r| r.path.ends_with("/ServiceInstance")).count();
    assert_eq!(instance, 8, "six probes at the login, then the server's build in each scrape");
}
