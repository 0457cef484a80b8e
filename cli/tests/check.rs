//! `vb365 check` as a monitoring system runs it: against a simulator on the
//! clock (its recorded jobs ran hours ago), each kind of finding is
//! arranged on its own, and the exit status and the summary line must name
//! it; thresholds and `--organization` change the verdict.

mod common;

use std::time::Duration;

use common::{ORGANIZATION, Run, vb365};
use uuid::Uuid;
use vb365::ApiVersion;
use vb365::simulator::{Fault, Simulator, SimulatorConfig};
use vb365::types::{HealthStatus, JobStatus, LicenseStatus, ProxyStatus, ScheduleType};

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

fn hours_from_now(hours: i64) -> vb365::DateTime {
    vb365::DateTime::from(vb365::DateTime::now().utc() + chrono::TimeDelta::hours(hours))
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
    let long_ago = hours_from_now(-30);
    sim.update_job(id(EXCHANGE_JOB), |j| j.last_run = Some(long_ago));
    assert_verdict(&check(&sim, &[]).await, 1, "WARNING", &["job Contoso Exchange has not run for 30h"]);
    assert_verdict(&check(&sim, &["--max-age", "2d"]).await, 0, "OK", &[]);
    assert_verdict(&check(&sim, &["--max-age", "29h"]).await, 1, "WARNING", &["Contoso Exchange"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manual_only_job_is_never_stale() {
    let sim = healthy().await;
    sim.update_job(id(EXCHANGE_JOB), |j| {
        j.last_run = Some(hours_from_now(-72));
        j.schedule_policy.get_or_insert_with(Default::default).type_ = Some(ScheduleType::ManualOnly);
    });
    assert_verdict(&check(&sim, &[]).await, 0, "OK", &[]);
    // A schedule switched off is the same as none.
    sim.update_job(id(EXCHANGE_JOB), |j| {
        let policy = j.schedule_policy.as_mut().unwrap();
        (policy.type_, policy.schedule_enabled) = (Some(ScheduleType::Daily), Some(false));
    });
    assert_verdict(&check(&sim, &[]).await, 0, "OK", &[]);
    sim.update_job(id(EXCHANGE_JOB), |j| j.schedule_policy.as_mut().unwrap().schedule_enabled = Some(true));
    assert_verdict(&check(&sim, &[]).await, 1, "WARNING", &["job Contoso Exchange has not run for 3d"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_job_is_judged_by_its_first_run() {
    let sim = healthy().await;
    sim.update_job(id(EXCHANGE_JOB), |j| (j.last_run, j.next_run) = (None, Some(hours_from_now(5))));
    assert_verdict(&check(&sim, &[]).await, 0, "OK", &[]);
    sim.update_job(id(EXCHANGE_JOB), |j| j.next_run = Some(hours_from_now(-3)));
    let run = check(&sim, &[]).await;
    assert_verdict(&run, 1, "WARNING", &["job Contoso Exchange has never run"]);
    assert!(run.stdout.contains("its first run was due 3h ago"), "{}", run.stdout);
    sim.update_job(id(EXCHANGE_JOB), |j| j.next_run = None);
    assert_verdict(&check(&sim, &[]).await, 1, "WARNING", &["job Contoso Exchange has never run"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repository_space_against_both_thresholds() {
    let sim = healthy().await;
    let free = |percent: i64| {
        move |r: &mut vb365::types::BackupRepository| {
            r.free_space_bytes = r.capacity_bytes.map(|c| c * percent / 100);
        }
    };
    sim.update_repository(id(REPO_1), free(15));
    assert_verdict(&check(&sim, &[]).await, 1, "WARNING", &["repository Repo 1 has 15% free"]);
    assert_verdict(&check(&sim, &["--warn-free", "10%"]).await, 0, "OK", &[]);
    sim.update_repository(id(REPO_1), free(5));
    assert_verdict(&check(&sim, &[]).await, 2, "CRITICAL", &["repository Repo 1 has 5% free"]);
    assert_verdict(&check(&sim, &["--crit-free", "4", "--warn-free", "6"]).await, 1, "WARNING", &["Repo 1"]);
    // Plugin ranges: a warning inside 0 to 6, critical below 4.5 (nothing is below 0 % free).
    assert_verdict(&check(&sim, &["--warn-free", "@0:6", "--crit-free", "4.5"]).await, 1, "WARNING", &["Repo 1"]);
    assert_verdict(&check(&sim, &["--warn-free", "@0:4", "--crit-free", "@0:3"]).await, 0, "OK", &[]);
    assert_verdict(&check(&sim, &["--warn-free", "@0:10", "--crit-free", "@4:6"]).await, 2, "CRITICAL", &["Repo 1"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn free_space_is_decided_and_printed_alike() {
    let sim = healthy().await;
    // 9.96 %: below 10, so CRITICAL, and printed so that it reads below 10.
    sim.update_repository(id(REPO_1), |r| r.free_space_bytes = r.capacity_bytes.map(|c| c * 996 / 10_000));
    let run = check(&sim, &[]).await;
    assert_verdict(&run, 2, "CRITICAL", &["repository Repo 1 has 9.96% free"]);
    assert!(summary(&run).contains("'repository Repo 1 free'=9.96%;20:;10:;0;100"), "{}", run.stdout);
    // 19.99 % is a warning; 20.0 would not be.
    sim.update_repository(id(REPO_1), |r| r.free_space_bytes = r.capacity_bytes.map(|c| c * 1_999 / 10_000));
    assert_verdict(&check(&sim, &[]).await, 1, "WARNING", &["repository Repo 1 has 19.99% free"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn free_space_the_server_does_not_know_is_never_a_full_repository() {
    let sim = healthy().await;
    sim.update_repository(id(REPO_1), |r| r.free_space_bytes = Some(-1));
    let run = check(&sim, &[]).await;
    assert_verdict(&run, 0, "OK", &[]);
    assert!(!summary(&run).contains("Repo 1"), "no finding and no figure: {}", run.stdout);
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
    let refused = format!("VB365 UNKNOWN - cannot connect to {gone}: Connection refused");
    assert!(run.stdout.starts_with(&refused), "the fact, not advice: {run:?}");
    assert_no_library_names(&run.stdout);

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
    assert!(stdout.starts_with("VB365 UNKNOWN - login refused for administrator (400): "), "{stdout}");
    assert_no_library_names(&stdout);
    assert!(!stdout.contains("wrong"), "no password in the output: {stdout}");

    let run = vb365(sim.url(), &["check", "--warn-free", "lots"], None).await;
    assert_eq!(run.status, 3, "a plugin's usage error is UNKNOWN: {run:?}");
    assert!(run.stdout.starts_with("VB365 UNKNOWN - invalid value 'lots'"), "{run:?}");
}

/// Operation IDs and builder methods are the library's words, not an operator's.
fn assert_no_library_names(text: &str) {
    for name in ["create_token", "get_service_instance", "list_jobs", "ClientBuilder", "_v8"] {
        assert!(!text.contains(name), "{name} in: {text}");
    }
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_job_that_runs_again_stays_failed_until_a_run_finishes_well() {
    for versions in [&[ApiVersion::V8][..], &[ApiVersion::V6]] {
        let mut config = SimulatorConfig::default();
        config.versions = versions.to_vec();
        config.job_duration = Duration::from_secs(3);
        let sim = Simulator::start_with(config).await.unwrap();
        let start = vb365(sim.url(), &["jobs", "start", FAILED_JOB, "-o", "json"], None).await;
        assert_eq!(start.status, 0, "{start:?}");
        assert_eq!(sim.jobs().iter().find(|j| j.id == id(FAILED_JOB)).unwrap().last_status, Some(JobStatus::Running));
        let run = check(&sim, &[]).await;
        assert_verdict(&run, 2, "CRITICAL", &["job Contoso SharePoint failed"]);
        assert!(run.stdout.contains("(it is running again)"), "{versions:?}: {}", run.stdout);
        assert!(summary(&run).contains("'jobs failed'=1;"), "{}", run.stdout);
        // The retry succeeds: the failure is over.
        tokio::time::sleep(Duration::from_millis(3_200)).await;
        let run = check(&sim, &[]).await;
        assert!(!run.stdout.contains("Contoso SharePoint failed"), "{versions:?}: {}", run.stdout);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_latest_finished_run_is_the_one_that_ended_last() {
    let sim = healthy().await;
    // The failed job is queued again; its older run (listed second) ended after the failed one.
    sim.update_job(id(FAILED_JOB), |j| j.last_status = Some(JobStatus::Queued));
    let older = id("5e551011-0000-4000-8000-000000000005");
    assert!(sim.update_job_session(older, |s| s.end_time = Some(hours_from_now(-1))));
    let failed = id("5e551011-0000-4000-8000-000000000004");
    assert!(sim.update_job_session(failed, |s| s.status = Some(JobStatus::Failed)));
    assert_verdict(&check(&sim, &[]).await, 0, "OK", &[]);
    // Ended before the failure: the failure is the latest.
    assert!(sim.update_job_session(older, |s| s.end_time = Some(hours_from_now(-40))));
    assert_verdict(&check(&sim, &[]).await, 2, "CRITICAL", &["job Contoso SharePoint failed"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopped_disconnected_and_not_configured_jobs_are_warnings() {
    let sim = healthy().await;
    for (status, text) in [
        (JobStatus::Stopped, "job Contoso Exchange was stopped"),
        (JobStatus::Disconnected, "job Contoso Exchange is disconnected"),
        (JobStatus::NotConfigured, "job Contoso Exchange is not configured"),
    ] {
        sim.update_job(id(EXCHANGE_JOB), |j| j.last_status = Some(status.clone()));
        let run = check(&sim, &[]).await;
        assert_verdict(&run, 1, "WARNING", &[text]);
    }
    // Disabled, none of them is judged.
    sim.update_job(id(EXCHANGE_JOB), |j| j.is_enabled = Some(false));
    assert_verdict(&check(&sim, &[]).await, 0, "OK", &[]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_check_ends_within_its_time_limit() {
    let sim = seeded(&[ApiVersion::V8]).await;
    // The jobs never come; without the limit the request alone would wait 60 s.
    sim.inject(Fault::stall().on("list_jobs").times(10));
    let started = std::time::Instant::now();
    let run = check(&sim, &["-t", "3"]).await;
    let took = started.elapsed();
    assert!(took < Duration::from_secs(6), "the check ran {took:?} with -t 3");
    // What was read is judged; what was not is UNKNOWN, and a CRITICAL found outranks it.
    assert_verdict(&run, 2, "CRITICAL", &["proxy proxy02.contoso.local is offline", "cannot read the jobs"]);
    assert!(run.stdout.contains("UNKNOWN: cannot read the jobs: not read within"), "{}", run.stdout);
    assert_no_library_names(&run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backwards_thresholds_are_refused_in_one_line() {
    let sim = healthy().await;
    for args in [&["--warn-free", "5", "--crit-free", "10"][..], &["--license-warn", "3d", "--license-crit", "7d"]] {
        let run = check(&sim, args).await;
        assert_eq!(run.status, 3, "{run:?}");
        assert!(run.stdout.starts_with("VB365 UNKNOWN - the "), "{run:?}");
        assert!(run.stdout.contains("thresholds are backwards"), "{run:?}");
        assert!(sim.requests().is_empty(), "nothing is asked of the server");
    }
}

#[test]
fn check_is_recognised_only_as_the_subcommand_and_offers_only_its_options() {
    let vb365 = |args: &[&str]| std::process::Command::new(env!("CARGO_BIN_EXE_vb365")).args(args).output().unwrap();
    let out = vb365(&["--user", "check", "jobs", "list", "--bogus"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty() && String::from_utf8_lossy(&out.stderr).starts_with("vb365: "), "{out:?}");
    let help = String::from_utf8(vb365(&["check", "--help"]).stdout).unwrap();
    for offered in ["-t, --timeout", "--warn-free", "--url", "--ca-cert", "text", "json"] {
        assert!(help.contains(offered), "check --help lacks {offered}");
    }
    for absent in ["--show-secrets", "ndjson", "table", "--page-size"] {
        assert!(!help.contains(absent), "check --help offers {absent}");
    }
    let help = String::from_utf8(vb365(&["exporter", "--help"]).stdout).unwrap();
    assert!(help.contains("--listen") && help.contains("--url") && !help.contains("--show-secrets"), "{help}");
    assert!(!help.contains("--output"), "{help}");
    let help = String::from_utf8(vb365(&["simulate", "--help"]).stdout).unwrap();
    assert!(!help.contains("--url") && !help.contains("--show-secrets") && !help.contains("ndjson"), "{help}");
}

/// Names a server may send that would break a plugin's output: a `|`
/// (where performance data starts), a newline (a line of its own), an `=`
/// (which splits a performance item), a `'` (which ends its label), and a
/// message of thousands of characters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_names_and_messages_cannot_break_the_output() {
    let sim = healthy().await;
    sim.update_job(id(FAILED_JOB), |j| {
        j.name = Some(String::from("SP | nightly\nbackup"));
        j.last_status = Some(JobStatus::Failed);
    });
    sim.update_repository(id(REPO_1), |r| {
        r.name = Some(String::from("Repo=1 |x"));
        r.free_space_bytes = r.capacity_bytes.map(|c| c / 20);
    });
    sim.update_repository(id(WASABI), |r| {
        r.name = Some(String::from("Repo=1 |x"));
        let storage = r.object_storage.as_mut().unwrap();
        (storage.size_limit_enabled, storage.size_limit_gb, storage.used_space_bytes) =
            (Some(true), Some(100), Some(0));
    });
    let long = format!("Failure:\n{}", "at Veeam.Archiver.Something(Object o)\r\n   ".repeat(80));
    sim.inject(Fault::status(500).message(&long).on("list_proxies"));
    let run = check(&sim, &[]).await;
    assert_eq!(run.status, 2, "{}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().collect();
    // One summary line, one line per finding: failed job, low repository, unreadable proxies.
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    assert_eq!(lines[0].matches('|').count(), 1, "the perfdata starts once: {}", lines[0]);
    for line in &lines[1..] {
        assert!(!line.contains('|'), "a later line would start more perfdata: {line}");
        assert!(line.chars().count() <= 200, "{line}");
    }
    let (text, perfdata) = lines[0].split_once(" | ").unwrap();
    assert!(
        text.starts_with("VB365 CRITICAL - job SP / nightly backup failed, repository Repo=1 /x has 5% free"),
        "{text}"
    );
    assert!(
        lines[3].starts_with("UNKNOWN: cannot read the proxies: the server answered 500: Failure: at Veeam"),
        "{}",
        lines[3]
    );
    assert!(lines[3].ends_with("..."), "{}", lines[3]);
    // Every item reads back, each with its own value, in Monitoring::Plugin's parser.
    let items = common::plugin_perfdata(perfdata);
    if let Some(items) = items {
        let count = perfdata.matches("'=").count();
        assert_eq!(items.len(), count, "every item parses: {perfdata}\n{items:?}");
        let repos: Vec<_> = items.iter().filter(|(label, _)| label.starts_with("repository Repo 1 /x free")).collect();
        assert_eq!(repos.len(), 2, "two repositories of the same name, two labels: {items:?}");
        assert_eq!(repos[0].1, 5.0);
        assert!(
            items.iter().any(|(label, value)| label == "repository Repo 1 /x free 2" && *value == 100.0),
            "{items:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quote_in_a_name_is_doubled_as_the_plugin_guidelines_say() {
    let sim = healthy().await;
    sim.update_repository(id(REPO_1), |r| r.name = Some(String::from("O'Brien's")));
    let run = check(&sim, &[]).await;
    assert!(summary(&run).contains("'repository O''Brien''s free'=50%;"), "{}", run.stdout);
}
