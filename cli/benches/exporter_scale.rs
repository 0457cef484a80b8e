//! `cargo bench -p vb365-cli --bench exporter_scale`: one `vb365 exporter`
//! (the release build) for a thousand servers, and one large server.
//!
//! A thousand: 1,000 targets in one configuration, spread over ten
//! simulators in this process (a VB365 8 each), and one more whose server
//! stalls on everything. A driver calls `/probe` for every target, 32 in
//! flight, as Prometheus would each minute, twice. Reported: the time from
//! the start to listening, peak resident memory (`VmHWM`), CPU seconds of
//! each pass, the slowest scrape of a live target and the stalled target's
//! answer, and logins per target.
//!
//! A large server: 5,000 jobs, 100,000 job sessions and 200 repositories.
//! Reported: the first scrape's time and requests, a second scrape's, and
//! `vb365 check` against it. What a scrape asks grows with the jobs, not
//! the sessions (`tests/monitoring.rs` asserts it).
//!
//! Goals (release build): listening within 1 s, under 128 MiB, under 10 %
//! of one core at one pass a minute, no scrape held back by the stalled
//! server; the large server's scrape under 30 s and `vb365 check` inside
//! its default time limit (50 s).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures::StreamExt;
use vb365::ApiVersion;
use vb365::simulator::{Fault, Simulator, SimulatorConfig};

const TARGETS: usize = 1_000;
const SIMULATORS: usize = 10;
const IN_FLIGHT: usize = 32;
const SCRAPE_TIMEOUT: u64 = 10;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = std::env::temp_dir().join(format!("vb365-exporter-scale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    println!("vb365 exporter at scale (release build; simulators on 127.0.0.1 in this process)");
    println!("| figure | value | goal |");
    println!("|---|---|---|");
    runtime.block_on(thousand(&dir));
    runtime.block_on(large(&dir));
    let _ = std::fs::remove_dir_all(&dir);
}

async fn simulator(config: SimulatorConfig) -> Simulator {
    let mut config = config;
    config.versions = vec![ApiVersion::V8];
    Simulator::start_with(config).await.unwrap()
}

fn target(name: &str, url: &str) -> String {
    format!("[targets.{name}]\nurl = \"{url}\"\nuser = \"administrator\"\npassword_env = \"SIM_PASSWORD\"\n\n")
}

/// Starts the exporter on `config`; answers it, its URL and how long it
/// took to listen.
fn exporter(config: &std::path::Path) -> (Child, String, Duration) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vb365"))
        .args(["exporter", "--listen", "127.0.0.1:0", "--config", config.to_str().unwrap(), "--log.level", "error"])
        .env("SIM_PASSWORD", "simulated-password")
        .env_remove("VB365_URL")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run the vb365 binary");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let listening = started.elapsed();
    let url = first.split_whitespace().find(|w| w.starts_with("http://")).expect(&first).to_owned();
    (child, url, listening)
}

/// A field of /proc/PID/status in MiB.
fn memory(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
        .unwrap_or(f64::NAN);
    kib / 1024.0
}

/// The CPU seconds (user and system) the process has used.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command's closing parenthesis; utime and stime are the 12th and 13th of them.
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(f64::NAN);
    (ticks(11) + ticks(12)) / 100.0
}

async fn probe(http: &reqwest::Client, url: &str, target: &str, timeout: u64) -> (Duration, String) {
    let started = Instant::now();
    let text = http
        .get(format!("{url}/probe?target={target}"))
        .header("X-Prometheus-Scrape-Timeout-Seconds", timeout.to_string())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (started.elapsed(), text)
}

/// Whether the reading says the server is up.
fn up(text: &str) -> Option<bool> {
    let line = text.lines().find(|l| l.starts_with("vb365_up{") || l.starts_with("vb365_up "))?;
    Some(line.ends_with(" 1") || line.ends_with(" 1.0"))
}

async fn thousand(dir: &std::path::Path) {
    let mut simulators = Vec::new();
    for _ in 0..SIMULATORS {
        simulators.push(simulator(SimulatorConfig::default()).await);
    }
    let stalled = simulator(SimulatorConfig::default()).await;
    stalled.inject(Fault::stall());
    let mut config: String =
        (0..TARGETS).map(|i| target(&format!("s{i:04}"), simulators[i % SIMULATORS].url())).collect();
    config.push_str(&target("stalled", stalled.url()));
    let file = dir.join("thousand.toml");
    std::fs::write(&file, config).unwrap();

    let (mut child, url, listening) = exporter(&file);
    let pid = child.id();
    let started_rss = memory(pid, "VmRSS:");
    let http = reqwest::Client::new();
    let names: Vec<String> = (0..TARGETS).map(|i| format!("s{i:04}")).chain([String::from("stalled")]).collect();
    let mut passes = Vec::new();
    for _ in 0..2 {
        let cpu = cpu_seconds(pid);
        let began = Instant::now();
        let results: Vec<(String, Duration, String)> = futures::stream::iter(names.iter())
            .map(|name| {
                let (http, url) = (http.clone(), url.clone());
                async move {
                    let (took, text) = probe(&http, &url, name, SCRAPE_TIMEOUT).await;
                    (name.clone(), took, text)
                }
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        let wall = began.elapsed();
        let cpu = cpu_seconds(pid) - cpu;
        let live = results.iter().filter(|(n, _, _)| n != "stalled");
        let up_count = live.clone().filter(|(_, _, t)| up(t) == Some(true)).count();
        let slowest = live.map(|(_, d, _)| *d).max().unwrap_or_default();
        let stalled =
            results.iter().find(|(n, _, _)| n == "stalled").map(|(_, d, t)| (*d, up(t) == Some(false))).unwrap();
        passes.push((wall, cpu, up_count, slowest, stalled));
    }
    let peak = memory(pid, "VmHWM:");
    let logins: usize = simulators.iter().map(|s| s.count("create_token")).sum();
    let _ = child.kill();
    let _ = child.wait();

    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1e3);
    println!("| targets | {TARGETS} live (over {SIMULATORS} simulators) and 1 stalled | |");
    println!("| start to listening | {} | < 1 s |", ms(listening));
    println!("| resident memory when listening | {started_rss:.1} MiB | |");
    for (n, (wall, cpu, up, slowest, (stalled, down))) in passes.iter().enumerate() {
        let pass = if n == 0 { "first pass (logins)" } else { "second pass" };
        println!("| {pass}: wall time, {IN_FLIGHT} in flight | {} | |", ms(*wall));
        println!(
            "| {pass}: exporter CPU | {cpu:.2} s ({:.1} % of a core at a pass a minute) | < 10 % |",
            cpu / 60.0 * 100.0
        );
        println!("| {pass}: targets up | {up} of {TARGETS} | all |");
        println!("| {pass}: slowest live scrape | {} | not held back |", ms(*slowest));
        println!("| {pass}: stalled target answered | {} (up 0: {down}) | within {SCRAPE_TIMEOUT} s |", ms(*stalled));
    }
    println!("| peak resident memory | {peak:.1} MiB | < 128 MiB |");
    println!("| logins per live target over two passes | {:.2} | 1 |", logins as f64 / TARGETS as f64);
}

async fn large(dir: &std::path::Path) {
    let mut config = SimulatorConfig::default();
    (config.extra_jobs, config.extra_sessions, config.extra_repositories) = (5_000, 100_000, 200);
    let server = simulator(config).await;
    let file = dir.join("large.toml");
    std::fs::write(&file, target("large", server.url())).unwrap();
    let (mut child, url, _) = exporter(&file);
    let http = reqwest::Client::new();
    let mut scrapes = Vec::new();
    for _ in 0..2 {
        server.clear_requests();
        let (took, text) = probe(&http, &url, "large", 120).await;
        assert_eq!(up(&text), Some(true), "the large server is read: {}", &text[..text.len().min(400)]);
        let series = text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).count();
        scrapes.push((took, server.requests().len(), series));
    }
    let _ = child.kill();
    let _ = child.wait();
    let started = Instant::now();
    let check = Command::new(env!("CARGO_BIN_EXE_vb365"))
        .args(["check", "--url", server.url(), "--user", "administrator"])
        .env("VB365_PASSWORD", "simulated-password")
        .output()
        .unwrap();
    let check_took = started.elapsed();
    let verdict =
        String::from_utf8_lossy(&check.stdout).lines().next().unwrap_or_default().chars().take(60).collect::<String>();
    let s = |d: Duration| format!("{:.1} s", d.as_secs_f64());
    println!("| large server | 5,000 jobs, 100,000 sessions, 200 repositories | |");
    for (n, (took, requests, series)) in scrapes.iter().enumerate() {
        let which = if n == 0 { "first scrape (login)" } else { "second scrape" };
        println!("| large server: {which} | {} , {requests} requests, {series} series | < 30 s |", s(*took));
    }
    println!("| large server: vb365 check | {} ({verdict}...) | < 50 s |", s(check_took));
}
