//! `vb365 check` as a monitoring system runs it: against a simulator on the
//! clock (its recorded jobs ran hours ago), each kind of finding is
//! arranged on its own, and the exit status and the summary line must name
//! it; thresholds and `--organization` change the verdict.

mod common;

use std::time::Duration;

use common::{ORGANIZATION, Run, vb365};
use uuid::Uuid;
use vb365::ApiVersion;
use vb365::simulator::{Simulator, SimulatorConfig};
use vb365::types::{HealthStatus, JobStatus, LicenseStatus, ProxyStatus};

const EXCHANGE_JOB: &str = "00b96531-1a68-4c90-a398-91141ffedb3b";
const FAILED_JOB: &str = "1c4e7a2b-3d5f-4a6c-8e9b-0d1f2a3b4c5d";
const WARNING_JOB: &str = "2d5f8b3c-4e6a-4b7d-9fac-1e2a3b4c5d6e";
const RETIRED_JOB: &str = "3e6a9c4d-5f7b-4c8e-8abd-2f3b4c5d6e7f";
const REPO_1: &str = "a1e4c7b0-5d2f-4c8e-9b31-0e6f2a7d4c51";
const WASABI: &str = "c3a6e9d2-7f4b-4e0a-9d53-2a8b4c9f6e73";
const OFFLINE_PROXY: &str = "f6d9bca5-ac7e-4b3d-8a86-5dbe7fcb9ba6";

fn id(text: &str) -> Uuid {
    text.parse().unwrap()
}

/// A simulator on the clock, as seeded: a failed job, a job with warnings,
/// a repository with 4 % free and an offline proxy.
async fn seeded(versions: &[ApiVersion]) -> Simulator {
    let mut config = SimulatorConfig::default();
    config.versions = versions.to_vec();
    Simulator::start_with(config).await.unwrap()
}

/// The seeded simulator with every problem mended: `check` says OK.
async fn healthy() -> Simulator {
    let sim = seeded(&[ApiVersion::V8]).await;
    for job in [FAILED_JOB, WARNING_JOB] {
        assert!(sim.update_job(id(job), |j| j.last_status = Some(JobStatus::Success)));
    }
    assert!(sim.update_repository(id(REPO_1), |r| r.free_space_bytes = r.capacity_bytes.map(|c| c / 2)));
    assert!(sim.update_proxy(id(OFFLINE_PROXY), |p| p.status = Some(ProxyStatus::Online)));
    sim
}

async fn check(sim: &Simulator, args: &[&str]) -> Run {
    let run = vb365(sim.url(), &[&["check"], args].concat(), None).await;
    assert_eq!(run.stderr, "", "{run:?}");
    run
}

/// The first line: the verdict, the problems, the performance data.
fn summary(run: &Run) -> &str {
    run.stdout.lines().next().unwrap_or_default()
}

fn assert_verdict(run: &Run, status: i32, state: &str, names: &[&str]) {
    assert_eq!(run.status, status, "{}", run.stdout);
    let first = summary(run);
    assert!(first.starts_with(&format!("VB365 {state} - ")), "{first}");
    let problems = first.split(" | ").next().unwrap();
    for name in names {
        assert!(problems.contains(name), "{name} is not named: {first}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seeded_server_is_critical_and_names_every_culprit() {
    let sim = seeded(&[ApiVersion::V6, ApiVersion::V8]).await;
    let run = check(&sim, &[]).await;
    assert_verdict(
        &run,
        2,
        "CRITICAL",
        &["job Contoso SharePoint failed", "repository Repo 1 has 4% free", "proxy proxy02.contoso.local is offline"],
    );
    assert!(summary(&run).contains("job ABC Teams finished with warnings"), "{}", run.stdout);
    assert!(summary(&run).contains("'repository Repo 1 free'=4%;20:;10:;0;100"), "{}", run.stdout);
    // Then one line per finding, worst first.
    let lines: Vec<&str> = run.stdout.lines().skip(1).collect();
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    assert!(
        lines[0].starts_with("CRITICAL: job Contoso SharePoint failed ") && lines[0].contains("running out of space")
    );
    assert!(lines[3].starts_with("WARNING: job ABC Teams finished with warnings"), "{}", run.stdout);
    // Ages are in whole hours: the same output on every run.
    expectorate::assert_contents("tests/golden/check.txt", &run.stdout);
    let json = check(&sim, &["--output", "json"]).await;
    expectorate::assert_contents("tests/golden/check.json", &json.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_v6_server_gives_the_same_findings() {
    let v8 = seeded(&[ApiVersion::V8]).await;
    let v6 = seeded(&[ApiVersion::V6]).await;
    let (v8, v6) = (check(&v8, &[]).await, check(&v6, &[]).await);
    assert_eq!(v6.status, 2);
    assert_eq!(v6.stdout, v8.stdout, "the same verdict, findings and figures from either version");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mended_server_is_ok() {
    let sim = healthy().await;
    let run = check(&sim, &[]).await;
    assert_verdict(&run, 0, "OK", &["3 jobs, 3 repositories, 2 proxies checked"]);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_job_is_critical_and_a_disabled_one_is_not_judged() {
    let sim = healthy().await;
    sim.update_job(id(EXCHANGE_JOB), |j| j.last_status = Some(JobStatus::Failed));
    assert_verdict(&check(&sim, &[]).await, 2, "CRITICAL", &["job Contoso Exchange failed"]);
    // The retired job failed too, long ago, but it is disabled.
    let run = check(&sim, &[]).await;
    assert!(!run.stdout.contains("ABC OneDrive"), "{}", run.stdout);
    sim.update_job(id(RETIRED_JOB), |j| j.is_enabled = Some(true));
    let run = check(&sim, &[]).await;
    assert!(run.stdout.contains("job ABC OneDrive (retired) failed"), "{}", run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_with_warnings_is_a_warning() {
    let sim = healthy().await;
    sim.update_job(id(WARNING_JOB), |j| j.last_status = Some(JobStatus::Warning));
    let run = check(&sim, &[]).await;
    assert_verdict(&run, 1, "WARNING", &["job ABC Teams finished with warnings"]);
    assert!(run.stdout.contains("2 channels were skipped"), "the latest session says why: {}", run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_that_has_not_run_for_too_long_is_a_warning_and_max_age_moves_it() {
    let sim = healthy().await;
    let long_ago = vb365::DateTime::from(vb365::DateTime::now().utc() - chrono::TimeDelta::hours(30));
    sim.update_job(id(EXCHANGE_JOB), |j| j.last_run = Some(long_ago));
    assert_verdict(&check(&sim, &[]).await, 1, "WARNING", &["job Contoso Exchange has not run for 30h"]);
    assert_verdict(&check(&sim, &["--max-age", "2d"]).await, 0, "OK", &[]);
    assert_verdict(&check(&sim, &["--max-age", "29h"]).await, 1, "WARNING", &["Contoso Exchange"]);
    sim.update_job(id(EXCHANGE_JOB), |j| j.last_run = None);
    assert_verdict(&check(&sim, &[]).await, 1, "WARNING", &["job Contoso Exchange has never run"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repository_space_against_both_thresholds() {
    let sim = healthy().await;
    let free = |percent: i64| {
        move |r: &mut vb365::types::BackupRepository| {
            r.free_space_bytes = r.capacity_bytes.map(|c| c / 100 * percent);
        }
    };
    sim.update_repository(id(REPO_1), free(15));
    assert_verdict(&check(&sim, &[]).await, 1, "WARNING", &["repository Repo 1 has 15% free"]);
    assert_verdict(&check(&sim, &["--warn-free", "10%"]).await, 0, "OK", &[]);
    sim.update_repository(id(REPO_1), free(5));
    assert_verdict(&check(&sim, &[]).await, 2, "CRITICAL", &["repository Repo 1 has 5% free"]);
    assert_verdict(&check(&sim, &["--crit-free", "4", "--warn-free", "6"]).await, 1, "WARNING", &["Repo 1"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repository_without_a_capacity_is_not_judged_on_space() {
    let sim = healthy().await;
    // Object storage with a limit counts; without one it has no capacity.
    sim.update_repository(id(WASABI), |r| {
        let storage = r.object_storage.as_mut().unwrap();
        (storage.size_limit_enabled, storage.size_limit_gb) = (Some(true), Some(1024));
        storage.used_space_bytes = Some(1000 << 30);
    });
    assert_verdict(&check(&sim, &[]).await, 2, "CRITICAL", &["repository ABC Wasabi has 2.3% free"]);
    sim.update_repository(id(WASABI), |r| r.object_storage.as_mut().unwrap().size_limit_enabled = Some(false));
    let run = check(&sim, &[]).await;
    assert_verdict(&run, 0, "OK", &[]);
    assert!(!summary(&run).contains("ABC Wasabi"), "no figure either: {}", run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_proxy_is_critical() {
    let sim = healthy().await;
    sim.update_proxy(id(OFFLINE_PROXY), |p| p.status = Some(ProxyStatus::Offline));
    assert_verdict(&check(&sim, &[]).await, 2, "CRITICAL", &["proxy proxy02.contoso.local is offline"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_license_expired_expiring_and_overused() {
    let sim = healthy().await;
    let in_days =
        |days: i64| vb365::DateTime::from(vb365::DateTime::now().utc() + chrono::TimeDelta::hours(days * 24 + 1));
    sim.update_license(|l| l.license_expires = Some(in_days(20)));
    assert_verdict(&check(&sim, &[]).await, 1, "WARNING", &["the license expires in 20 days"]);
    assert_verdict(&check(&sim, &["--license-warn", "10d"]).await, 0, "OK", &[]);
    sim.update_license(|l| l.license_expires = Some(in_days(5)));
    assert_verdict(&check(&sim, &[]).await, 2, "CRITICAL", &["the license expires in 5 days"]);
    assert_verdict(&check(&sim, &["--license-crit", "3"]).await, 1, "WARNING", &["5 days"]);
    sim.update_license(|l| l.status = Some(LicenseStatus::Expired));
    assert_verdict(&check(&sim, &[]).await, 2, "CRITICAL", &["the license has expired"]);

    let sim = healthy().await;
    sim.update_license(|l| l.used_number = Some(51));
    assert_verdict(&check(&sim, &[]).await, 1, "WARNING", &["51 licenses used of 50"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unhealthy_v8_server_is_critical() {
    let sim = healthy().await;
    sim.update_health(|h| {
        h.status = Some(HealthStatus::Unhealthy);
        let entry = h.entries.get_mut("PostgreSQL").unwrap();
        (entry.status, entry.description) = (Some(HealthStatus::Unhealthy), Some(String::from("connection refused")));
    });
    let run = check(&sim, &[]).await;
    assert_verdict(&run, 2, "CRITICAL", &["the server is unhealthy"]);
    assert!(run.stdout.contains("PostgreSQL (connection refused)"), "{}", run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_cannot_be_reached_or_refuses_the_login_is_unknown() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let gone = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let run = vb365(&gone, &["check"], None).await;
    assert_eq!(run.status, 3, "{run:?}");
    assert!(run.stdout.starts_with("VB365 UNKNOWN - get_service_instance: connect error"), "{run:?}");

    let sim = healthy().await;
    let url = sim.url().to_owned();
    let refused = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_vb365"))
            .arg("check")
            .env("VB365_URL", url)
            .env("VB365_USER", "administrator")
            .env("VB365_PASSWORD", "wrong")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&refused.stdout);
    assert_eq!(refused.status.code(), Some(3), "{stdout}");
    assert!(stdout.starts_with("VB365 UNKNOWN - create_token_v8: authentication failed"), "{stdout}");
    assert!(!stdout.contains("wrong"), "no password in the output: {stdout}");

    let run = vb365(sim.url(), &["check", "--warn-free", "lots"], None).await;
    assert_eq!(run.status, 3, "a plugin's usage error is UNKNOWN: {run:?}");
    assert!(run.stdout.starts_with("VB365 UNKNOWN - invalid value 'lots'"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organization_limits_the_job_checks_to_one_tenant() {
    let sim = healthy().await;
    sim.update_job(id(WARNING_JOB), |j| j.last_status = Some(JobStatus::Failed));
    assert_verdict(&check(&sim, &[]).await, 2, "CRITICAL", &["job ABC Teams failed"]);
    let run = check(&sim, &["--organization", ORGANIZATION]).await;
    assert_verdict(&run, 0, "OK", &["2 jobs"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_output_has_the_state_findings_and_figures() {
    let sim = seeded(&[ApiVersion::V8]).await;
    let run = check(&sim, &["--output", "json"]).await;
    assert_eq!(run.status, 2);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["state"], "CRITICAL");
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 4);
    assert_eq!(findings[0]["kind"], "job");
    assert_eq!(findings[0]["id"], FAILED_JOB);
    assert_eq!(findings[0]["state"], "CRITICAL");
    let repo = report["figures"].as_array().unwrap().iter().find(|f| f["label"] == "repository Repo 1 free").unwrap();
    assert_eq!((repo["value"].as_f64(), repo["unit"].as_str()), (Some(4.0), Some("%")));
}

/// Reads run at most `--concurrency` requests at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_are_concurrent_but_bounded() {
    let sim = healthy().await;
    sim.set_latency(Duration::from_millis(60));
    for (concurrency, most) in [("1", 1), ("3", 3), ("8", 8)] {
        sim.reset_max_in_flight();
        let run = check(&sim, &["--concurrency", concurrency]).await;
        assert_eq!(run.status, 0, "{}", run.stdout);
        let seen = sim.max_in_flight();
        assert!(seen <= most, "--concurrency {concurrency}: {seen} in flight");
        if most > 1 {
            assert!(seen > 1, "--concurrency {concurrency}: the reads did not overlap");
        }
    }
}
