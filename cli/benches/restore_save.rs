//! `cargo bench -p vb365-cli --bench restore_save`: `vb365 restore onedrive
//! --save -` (the release build) saving a 2 GiB folder from a simulator in
//! this process, its file read from standard output and thrown away.
//! Reported: the bytes, the time, and the command's peak resident memory
//! (`VmHWM`, sampled while it runs and once more when its output ends).
//!
//! Goal: a save streams; however large the file, the command stays under
//! 64 MiB.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use vb365::ApiVersion;
use vb365::simulator::{Simulator, SimulatorConfig};

/// The folder saved: /Documents, its 12 documents and its subfolder's 3.
const DOCUMENTS: u64 = 15;
const TOTAL: u64 = 2 * 1024 * 1024 * 1024;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    println!("vb365 restore onedrive --save (release build; the simulator in this process)");
    println!("| figure | value | goal |");
    println!("|---|---|---|");
    for version in [ApiVersion::V8, ApiVersion::V6] {
        let simulator = runtime.block_on(async {
            let mut config = SimulatorConfig::default();
            config.versions = vec![version];
            config.saved_document_bytes = Some(TOTAL / DOCUMENTS);
            Simulator::start_with(config).await.unwrap()
        });
        let (bytes, took, peak) = save(simulator.url());
        let mib = bytes as f64 / (1024.0 * 1024.0);
        println!(
            "| {version}: a {:.2} GiB save, written to standard output | {:.1} s, {:.0} MiB/s, peak {peak:.1} MiB | < 64 MiB |",
            mib / 1024.0,
            took.as_secs_f64(),
            mib / took.as_secs_f64()
        );
        drop(simulator);
    }
}

/// Runs the save; answers the bytes it wrote, how long it took and its peak memory in MiB.
fn save(url: &str) -> (u64, Duration, f64) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vb365"))
        .args(["restore", "onedrive", "contoso.onmicrosoft.com", "alice@contoso.com", "--path", "/Documents"])
        .args(["--save", "-"])
        .env("VB365_URL", url)
        .env("VB365_USER", "administrator")
        .env("VB365_PASSWORD", "simulated-password")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run the vb365 binary");
    let pid = child.id();
    let peak = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(hwm_kib(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let mut out = child.stdout.take().unwrap();
    let mut buffer = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = out.read(&mut buffer).unwrap();
        if n == 0 {
            break;
        }
        bytes += n as u64;
    }
    // The output ended: the command is about to exit; its high-water mark is final.
    peak.fetch_max(hwm_kib(pid), Ordering::Relaxed);
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "the save failed: {status}");
    (bytes, started.elapsed(), peak.load(Ordering::Relaxed) as f64 / 1024.0)
}

/// `VmHWM` of /proc/PID/status in KiB (0 once the process is gone).
fn hwm_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
        .unwrap_or(0)
}
