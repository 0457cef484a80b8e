//! `cargo bench -p vb365-cli --bench ndjson`: the `vb365` binary streams a
//! job's 200,000 selected items (API v8, in pages) and 200,000 mailboxes
//! (v1) as NDJSON from a simulator in this process, and the table reports
//! the time, the rate and the CLI process's peak resident memory (its
//! `VmHWM`, sampled from /proc every 5 ms while it runs; the goal is under
//! 64 MiB, whatever the size of the collection).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vb365::ApiVersion;
use vb365::simulator::{Simulator, SimulatorConfig};

const ITEMS: usize = 200_000;
const GOAL_MIB: f64 = 64.0;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let mut config = SimulatorConfig::default();
    config.versions = vec![ApiVersion::V1, ApiVersion::V8];
    config.job_item_count = ITEMS;
    config.mailbox_count = ITEMS;
    let simulator = runtime.block_on(Simulator::start_with(config)).unwrap();
    let job = simulator.job_id().to_string();
    println!("vb365 CLI streaming benchmark: {ITEMS} items as NDJSON from the simulator on 127.0.0.1");
    println!("| collection | items | time | rate | peak RSS of the CLI | goal | met |");
    println!("|---|---|---|---|---|---|---|");
    for (what, args) in [
        ("selected items (v8, 1000 a page)", ["jobs", "selected-items", &job, "--page-size", "1000"]),
        ("selected mailboxes (v1, 1000 a page)", ["jobs", "selected-mailboxes", &job, "--page-size", "1000"]),
    ] {
        let (lines, took, peak_kib) = stream(simulator.url(), &args);
        assert_eq!(lines, ITEMS, "{what}: every item, one a line");
        let peak = peak_kib as f64 / 1024.0;
        println!(
            "| {what} | {lines} | {:.2} s | {:.0} k/s | {peak:.1} MiB | < {GOAL_MIB} MiB | {} |",
            took.as_secs_f64(),
            lines as f64 / took.as_secs_f64() / 1000.0,
            if peak < GOAL_MIB { "yes" } else { "NO" }
        );
    }
}

/// Runs `vb365 ARGS -o ndjson`, counts the lines it prints, and samples its
/// peak resident memory; returns the lines, the time and the peak in KiB.
fn stream(url: &str, args: &[&str]) -> (usize, Duration, u64) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vb365"))
        .args(args)
        .args(["--output", "ndjson"])
        .env("VB365_URL", url)
        .env("VB365_USER", "administrator")
        .env("VB365_PASSWORD", "simulated-password")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .spawn()
        .expect("run the vb365 binary");
    let status = format!("/proc/{}/status", child.id());
    let sampler = std::thread::spawn(move || {
        let mut peak = 0;
        while let Ok(text) = std::fs::read_to_string(&status) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok());
            match hwm {
                Some(kib) => peak = peak.max(kib),
                None => break, // a zombie has no memory left to report
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        peak
    });
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let (mut lines, mut line) = (0, Vec::new());
    while reader.read_until(b'\n', &mut line).unwrap() > 0 {
        lines += 1;
        line.clear();
    }
    let exit = child.wait().unwrap();
    let took = started.elapsed();
    assert!(exit.success(), "vb365 {args:?} failed");
    (lines, took, sampler.join().unwrap())
}
