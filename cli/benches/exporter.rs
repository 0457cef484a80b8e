//! `cargo bench -p vb365-cli --bench exporter`: one `vb365 exporter` with 50
//! targets in its configuration, every one a server of the simulator in
//! this process (a VB365 8 on 127.0.0.1). Reports the metrics and series
//! one server gives, the time of one scrape and of a round of scrapes of
//! every target (one at a time, and all at once), the logins those cost,
//! and the exporter's resident memory (`VmRSS`) when started, after the
//! first round, after five rounds, and at its peak (`VmHWM`).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vb365::ApiVersion;
use vb365::simulator::{Simulator, SimulatorConfig};

const TARGETS: usize = 50;
const ROUNDS: usize = 5;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let mut config = SimulatorConfig::default();
    config.versions = vec![ApiVersion::V8];
    let simulator = runtime.block_on(Simulator::start_with(config)).unwrap();
    let dir = std::env::temp_dir().join(format!("vb365-exporter-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("exporter.toml");
    let targets: String = (0..TARGETS)
        .map(|i| {
            format!(
                "[targets.server{i:02}]\nurl = \"{}\"\nuser = \"administrator\"\npassword_env = \"SIM_PASSWORD\"\n\n",
                simulator.url()
            )
        })
        .collect();
    std::fs::write(&config, targets).unwrap();
    let mut exporter = Command::new(env!("CARGO_BIN_EXE_vb365"))
        .args(["exporter", "--listen", "127.0.0.1:0", "--config", config.to_str().unwrap()])
        .env("SIM_PASSWORD", "simulated-password")
        .env_remove("VB365_URL")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run the vb365 binary");
    let mut first = String::new();
    BufReader::new(exporter.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let url = first.split_whitespace().find(|w| w.starts_with("http://")).expect(&first).to_owned();
    let memory = |field: &str| -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", exporter.id())).unwrap_or_default();
        let kib: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
            .unwrap_or(f64::NAN);
        kib / 1024.0
    };
    let started_rss = memory("VmRSS:");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let scrape = |target: usize| {
        let (http, url) = (http.clone(), url.clone());
        async move {
            let text = http
                .get(format!("{url}/probe?target=server{target:02}"))
                .header("Accept", "text/plain;version=0.0.4")
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(text.contains("vb365_up 1.0"), "target {target} is not up: {text}");
            text
        }
    };
    runtime.block_on(async {
        // One server: what it gives and what one scrape takes, logged in.
        let text = scrape(0).await;
        let one = Instant::now();
        let text_again = scrape(0).await;
        let single = one.elapsed();
        assert_eq!(
            text.lines().filter(|l| l.starts_with("# TYPE")).count(),
            text_again.lines().filter(|l| l.starts_with("# TYPE")).count()
        );
        let metrics = text.lines().filter(|l| l.starts_with("# TYPE")).count();
        let series = text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).count();

        let sequential = Instant::now();
        for target in 0..TARGETS {
            scrape(target).await;
        }
        let sequential = sequential.elapsed();
        let after_first_round = memory("VmRSS:");
        let mut parallel = Duration::ZERO;
        for _ in 0..ROUNDS {
            let round = Instant::now();
            futures::future::join_all((0..TARGETS).map(scrape)).await;
            parallel = parallel.max(round.elapsed());
        }
        let after_rounds = memory("VmRSS:");
        let peak = memory("VmHWM:");
        let logins = simulator.count("create_token");
        println!("vb365 exporter report: {TARGETS} targets, each a VB365 8 (the simulator on 127.0.0.1)");
        println!("| figure | value |");
        println!("|---|---|");
        println!("| metrics per server | {metrics} |");
        println!("| series per server | {series} |");
        println!("| one scrape of one server (logged in) | {:.1} ms |", single.as_secs_f64() * 1e3);
        println!(
            "| a round of all {TARGETS}, one at a time (first: logins included) | {:.0} ms |",
            sequential.as_secs_f64() * 1e3
        );
        println!("| a round of all {TARGETS} at once, slowest of {ROUNDS} | {:.0} ms |", parallel.as_secs_f64() * 1e3);
        println!("| logins for {} scrapes | {logins} |", 2 + TARGETS * (1 + ROUNDS));
        println!("| exporter RSS started | {started_rss:.1} MiB |");
        println!("| exporter RSS after a round | {after_first_round:.1} MiB |");
        println!("| exporter RSS after {} rounds | {after_rounds:.1} MiB |", 1 + ROUNDS);
        println!("| exporter peak RSS | {peak:.1} MiB |");
    });
    let _ = exporter.kill();
    let _ = exporter.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
