//! Standard output as scripts use it: a reader that goes away, a failure
//! whose message reads like one, and lines that must come as pages arrive.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use vb365::ApiVersion;
use vb365::simulator::{Fault, SimulatorConfig};

mod common;

use common::{JOB, simulator, vb365};

/// `vb365 args...` against `url`, its standard output a pipe read here.
fn spawn(url: &str, args: &[&str]) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vb365"));
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("VB365_") || k == "RUST_LOG") {
        command.env_remove(key);
    }
    command
        .env("VB365_URL", url)
        .env("VB365_USER", "administrator")
        .env("VB365_PASSWORD", "simulated-password")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// `vb365 ... | head -0`: the reader is gone before the first line. The
/// write error on standard output ends the command quietly with status 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_standard_output_ends_the_command_quietly() {
    let sim = simulator(&SimulatorConfig::SERVABLE).await;
    let url = sim.url().to_owned();
    let output = tokio::task::spawn_blocking(move || {
        let mut child = spawn(&url, &["jobs", "selected-mailboxes", JOB, "-o", "ndjson", "--page-size", "7"]);
        drop(child.stdout.take());
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "", "a reader that went away is not an error to report");
}

/// A server error whose message happens to say "Broken pipe" is a failure
/// like any other: exit status 1 and the message on standard error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_that_mentions_a_broken_pipe_is_still_a_failure() {
    let sim = simulator(&[ApiVersion::V8]).await;
    sim.inject(Fault::status(500).message("Broken pipe").on("list_organizations"));
    let run = vb365(sim.url(), &["organizations", "list", "-o", "json"], None).await;
    assert_eq!(run.status, 1, "{run:?}");
    assert_eq!(
        run.stderr,
        "vb365: list_organizations_v8: the server refused the request with 500 Internal Server Error: \
         Broken pipe (the page at offset 0)\n"
    );
    assert_eq!(run.stdout, "");
}

/// `--output ndjson` read from a pipe: the first page's lines arrive while
/// the second page is still on its way, not when the command ends. The
/// second page never comes, so lines held back would come only after the
/// two minutes the request is given, long after this test gives up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ndjson_lines_come_as_each_page_arrives() {
    let sim = simulator(&SimulatorConfig::SERVABLE).await;
    sim.inject(Fault::stall().after(1).on("list_job_selected_mailboxes"));
    let args = ["jobs", "selected-mailboxes", JOB, "-o", "ndjson", "--page-size", "7", "--timeout", "120"];
    let mut child = spawn(sim.url(), &args);
    let stdout = child.stdout.take().unwrap();
    let (lines, read) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if lines.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let first_page: Vec<String> = tokio::task::spawn_blocking(move || {
        (0..7).map_while(|_| read.recv_timeout(Duration::from_secs(20)).ok()).collect()
    })
    .await
    .unwrap();
    let still_running = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(first_page.len(), 7, "the first page's lines did not come while the second page was pending");
    for line in &first_page {
        assert!(serde_json::from_str::<serde_json::Value>(line).unwrap()["id"].is_string(), "{line}");
    }
    assert!(still_running, "the second page never comes, so the command cannot have ended");
}
