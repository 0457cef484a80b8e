//! The `vb365` binary against a simulator started here on 127.0.0.1 (with a
//! frozen clock, so every answer is the same on every run): each subcommand's
//! output is compared with a checked-in file under `tests/golden/`, and each
//! kind of failure with its exit status and one-line message.
//!
//! `EXPECTORATE=overwrite cargo test -p vb365-cli` rewrites the files after an
//! intended change; review the diff.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vb365::ApiVersion;
use vb365::simulator::{Fault, Simulator, SimulatorConfig};

mod common;

use common::{JOB, ORGANIZATION, Run, golden, simulator, vb365, vb365_with};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_info_in_every_format() {
    let sim = simulator(&SimulatorConfig::SERVABLE).await;
    golden(sim.url(), &["server", "info", "--output", "json"], "server_info.json").await;
    golden(sim.url(), &["server", "info", "--output", "table"], "server_info.txt").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organizations_in_every_format_and_version() {
    let sim = simulator(&[ApiVersion::V6, ApiVersion::V8]).await;
    let url = sim.url();
    golden(url, &["organizations", "list", "-o", "json"], "organizations_list.json").await;
    golden(url, &["organizations", "list", "-o", "ndjson", "--page-size", "1"], "organizations_list.ndjson").await;
    golden(url, &["organizations", "list", "-o", "table"], "organizations_list.txt").await;
    golden(url, &["organizations", "list", "-o", "json", "--api-version", "6"], "organizations_list_v6.json").await;
    golden(url, &["organizations", "get", ORGANIZATION, "-o", "json"], "organizations_get.json").await;
    // Two pages of one, then the empty page that ends it (the second page
    // is full and has no next link); one request each for json and table.
    assert_eq!(sim.count("list_organizations_v8"), 3 + 1 + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organizations_add_from_a_file_and_from_standard_input() {
    let sim = simulator(&[ApiVersion::V8]).await;
    let body = r#"{"type": "Office365", "region": "Worldwide", "isExchangeOnline": true, "isSharePointOnline": false,
        "exchangeOnlineSettings": {"account": "admin@northwind.onmicrosoft.com", "password": "pw-northwind"}}"#;
    let file = std::env::temp_dir().join(format!("vb365-cli-org-{}.json", std::process::id()));
    std::fs::write(&file, body).unwrap();
    golden(
        sim.url(),
        &["organizations", "add", "--body", file.to_str().unwrap(), "-o", "json"],
        "organizations_add.json",
    )
    .await;
    let again = body.replace("northwind", "fabrikam");
    let run = vb365(sim.url(), &["organizations", "add", "-o", "table"], Some(&again)).await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    expectorate::assert_contents("tests/golden/organizations_add_stdin.txt", &run.stdout);
    assert!(!run.stdout.contains("pw-fabrikam"));
    let _ = std::fs::remove_file(file);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_accounts_set_and_list() {
    let sim = simulator(&[ApiVersion::V8]).await;
    let accounts = r#"[{"groupMember": {"login": "one@contoso.com", "type": "User", "name": "One"}, "password": "p1"},
                       {"groupMember": {"login": "two@contoso.com", "type": "Group"}, "password": "p2"}]"#;
    let run = vb365(sim.url(), &["backup-accounts", "set", ORGANIZATION, "-o", "table"], Some(accounts)).await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    expectorate::assert_contents("tests/golden/backup_accounts_set.txt", &run.stdout);
    let run = vb365(sim.url(), &["backup-accounts", "set", ORGANIZATION, "-o", "json"], Some(accounts)).await;
    assert_eq!((run.status, run.stdout.as_str()), (0, ""), "machines get the exit status only");
    golden(sim.url(), &["backup-accounts", "list", ORGANIZATION, "-o", "table"], "backup_accounts_list.txt").await;
    golden(sim.url(), &["backup-accounts", "list", ORGANIZATION, "-o", "json"], "backup_accounts_list.json").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_s_items_and_mailboxes() {
    let sim = simulator(&SimulatorConfig::SERVABLE).await;
    let url = sim.url();
    golden(url, &["jobs", "selected-items", JOB, "-o", "table"], "jobs_selected_items.txt").await;
    golden(url, &["jobs", "selected-items", JOB, "-o", "ndjson", "--page-size", "10"], "jobs_selected_items.ndjson")
        .await;
    golden(url, &["jobs", "selected-items", JOB, "-o", "json", "--limit", "2"], "jobs_selected_items_2.json").await;
    golden(url, &["jobs", "selected-mailboxes", JOB, "-o", "table", "--limit", "5"], "jobs_selected_mailboxes.txt")
        .await;
    golden(
        url,
        &["jobs", "selected-mailboxes", JOB, "-o", "ndjson", "--page-size", "7"],
        "jobs_selected_mailboxes.ndjson",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_sessions_start_get_stop() {
    let sim = simulator(&[ApiVersion::V8]).await;
    let url = sim.url();
    let start = ["restore-sessions", "start", "--type", "Vex", "--date-time", "2024-04-30T00:00:00Z", "-o", "json"];
    golden(url, &start, "restore_sessions_start.json").await;
    let session = "00514d55-4c41-4000-8000-000000000001";
    golden(url, &["restore-sessions", "stop", session, "-o", "table"], "restore_sessions_stop.txt").await;
    golden(url, &["restore-sessions", "get", session, "-o", "table"], "restore_sessions_get.txt").await;
    let body = r#"{"dateTime": "2024-04-29T00:00:00Z", "type": "Vet", "showDeleted": true}"#;
    let run = vb365(url, &["restore-sessions", "start", "--body", "-", "-o", "ndjson"], Some(body)).await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    expectorate::assert_contents("tests/golden/restore_sessions_start_body.ndjson", &run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_request_through_api() {
    let sim = simulator(&[ApiVersion::V8]).await;
    golden(sim.url(), &["api", "GET", "/v8/Organizations?limit=1"], "api_get.json").await;
    let run =
        vb365(sim.url(), &["api", "post", "/v8/Organization/Explore", "--body", "-"], Some(r#"{"type": "Vet"}"#)).await;
    assert_eq!(run.status, 1, "{run:?}");
    assert!(run.stderr.starts_with("vb365: raw_request: the server refused the request with 400"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_say_what_went_wrong_in_one_line_with_their_exit_status() {
    let sim = simulator(&[ApiVersion::V8]).await;
    let one_line = |run: &Run| {
        assert!(run.stderr.starts_with("vb365: ") && run.stderr.ends_with('\n'), "{run:?}");
        assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
        assert_eq!(run.stdout, "", "{run:?}");
    };

    // A wrong password: the server refused.
    let mut command = vec!["organizations", "list"];
    let run = tokio::task::spawn_blocking({
        let url = sim.url().to_owned();
        move || {
            let output = Command::new(env!("CARGO_BIN_EXE_vb365"))
                .args(["organizations", "list"])
                .env("VB365_URL", url)
                .env("VB365_USER", "administrator")
                .env("VB365_PASSWORD", "wrong")
                .output()
                .unwrap();
            Run {
                status: output.status.code().unwrap(),
                stdout: String::from_utf8(output.stdout).unwrap(),
                stderr: String::from_utf8(output.stderr).unwrap(),
            }
        }
    })
    .await
    .unwrap();
    one_line(&run);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("create_token_v8: authentication failed (400 Bad Request): The credentials"),
        "{run:?}"
    );
    assert!(!run.stderr.contains("wrong"), "no password in messages: {run:?}");

    // A server that is not there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let gone = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let run = vb365(&gone, &command, None).await;
    one_line(&run);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("get_service_instance: connect error"), "{run:?}");

    // A body file that is not JSON: its name, line and column.
    let file = std::env::temp_dir().join(format!("vb365-cli-bad-{}.json", std::process::id()));
    std::fs::write(&file, "{\"type\": \"Office365\",\n  \"region\" \"Worldwide\"}").unwrap();
    let run = vb365(sim.url(), &["organizations", "add", "--body", file.to_str().unwrap()], None).await;
    one_line(&run);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        format!("vb365: {}:2:12: not an organization to add (OrganizationCreate): expected `:`\n", file.display())
    );
    let _ = std::fs::remove_file(file);

    // A malformed ID: the argument.
    let run = vb365(sim.url(), &["organizations", "get", "6f9b3da3"], None).await;
    one_line(&run);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("invalid value '6f9b3da3' for '<ORGANIZATION_ID>'"), "{run:?}");

    // A 500 from the server: the operation, the status and the message.
    sim.inject(Fault::status(500).on("list_organizations"));
    let run = vb365(sim.url(), &command, None).await;
    one_line(&run);
    assert_eq!(run.status, 1);
    assert_eq!(
        run.stderr,
        "vb365: list_organizations_v8: the server refused the request with 500 Internal Server Error: \
         Simulated failure (500 Internal Server Error). (the page at offset 0)\n"
    );

    // A version the client has no operations in: usage, naming the ones it has.
    for versions in ["7", "6,7"] {
        let run = vb365(sim.url(), &["organizations", "list", "--api-version", versions], None).await;
        one_line(&run);
        assert_eq!(run.status, 2, "{run:?}");
        assert!(run.stderr.contains("v7 is not a version vb365 speaks; it speaks 1, 6, 8"), "{run:?}");
    }

    // Input the client refuses before sending is a usage error too.
    command = vec!["organizations", "add"];
    let teams = r#"{"type": "Office365", "region": "Worldwide", "isExchangeOnline": false, "isSharePointOnline": false, "isTeamsChatsOnline": true}"#;
    let run = vb365(sim.url(), &command, Some(teams)).await;
    one_line(&run);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("add_organization: invalid input: `isTeamsChatsOnline` must be false"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_from_standard_input_and_none_without_a_terminal() {
    let sim = simulator(&[ApiVersion::V8]).await;
    let url = sim.url().to_owned();
    let run = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vb365"))
            .args(["server", "info", "--password-stdin", "-o", "json"])
            .env("VB365_URL", &url)
            .env("VB365_USER", "administrator")
            .env_remove("VB365_PASSWORD")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(b"simulated-password\n").unwrap();
        let ok = child.wait_with_output().unwrap();
        let none = Command::new(env!("CARGO_BIN_EXE_vb365"))
            .args(["server", "info"])
            .env("VB365_URL", &url)
            .env("VB365_USER", "administrator")
            .env_remove("VB365_PASSWORD")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (ok, none)
    })
    .await
    .unwrap();
    assert!(run.0.status.success(), "{}", String::from_utf8_lossy(&run.0.stderr));
    assert_eq!(run.1.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&run.1.stderr),
        "vb365: no password: set VB365_PASSWORD, pass --password-file or --password-stdin, or run in a terminal to be asked\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_from_a_file_and_a_file_without_one() {
    let sim = simulator(&[ApiVersion::V8]).await;
    let dir = std::env::temp_dir().join(format!("vb365-password-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (good, empty) = (dir.join("good"), dir.join("empty"));
    std::fs::write(&good, "simulated-password\n").unwrap();
    std::fs::write(&empty, "\n").unwrap();
    let run = |file: &std::path::Path| {
        let (url, file) = (sim.url().to_owned(), file.to_owned());
        tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_vb365"))
                .args(["server", "info", "-o", "json", "--password-file"])
                .arg(&file)
                .env("VB365_URL", &url)
                .env("VB365_USER", "administrator")
                .env("VB365_PASSWORD", "wrong")
                .output()
                .unwrap()
        })
    };
    let ok = run(&good).await.unwrap();
    assert!(ok.status.success(), "the file wins over the environment: {}", String::from_utf8_lossy(&ok.stderr));
    let none = run(&empty).await.unwrap();
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).ends_with("empty: holds no password\n"), "{none:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Progress goes to standard error only when it is a terminal: under
/// `script` (a pseudo-terminal for every stream) it shows; in a pipe (every
/// other test here checks an empty stderr) it does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_shows_on_a_terminal() {
    let mut config = SimulatorConfig::default();
    config.job_item_count = 20_000;
    let sim = Simulator::start_with(config).await.unwrap();
    let command = format!(
        "VB365_URL={} VB365_USER=administrator VB365_PASSWORD=simulated-password {} jobs selected-items {JOB} \
         --page-size 100 --output ndjson > /dev/null",
        sim.url(),
        env!("CARGO_BIN_EXE_vb365")
    );
    let output = tokio::task::spawn_blocking(move || {
        Command::new("script").args(["--quiet", "--return", "--command", &command, "/dev/null"]).output().unwrap()
    })
    .await
    .unwrap();
    let terminal = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{terminal}");
    assert!(terminal.contains(" items ("), "no progress on the terminal: {terminal:?}");
}

/// `RUST_LOG` turns on the library's tracing, on standard error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_log_turns_on_the_library_s_tracing() {
    let sim = simulator(&[ApiVersion::V8]).await;
    let url = sim.url().to_owned();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_vb365"))
            .args(["server", "info", "-o", "json"])
            .env("VB365_URL", url)
            .env("VB365_USER", "administrator")
            .env("VB365_PASSWORD", "simulated-password")
            .env("RUST_LOG", "vb365=debug")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("asked the server which API versions it serves"), "{stderr}");
    assert!(stderr.contains("vb365.call") && stderr.contains("operation=\"get_service_instance_v8\""), "{stderr}");
    assert!(!stderr.contains("simulated-password") && !stderr.contains("sim-access-"), "no secrets: {stderr}");
}

/// `vb365 simulate` serves until SIGTERM, and other programs can use it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulate_serves_until_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vb365"))
        .args(["simulate", "--versions", "6", "-o", "json", "--fault", "503@get_service_instance"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let about: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(about["versions"], serde_json::json!(["v6"]));
    assert_eq!(about["user"], "administrator");
    let url = about["url"].as_str().unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    // The injected 503 is retried away; the versions are v6 only.
    golden(url, &["server", "info", "-o", "json"], "simulate_server_info.json").await;

    stops_cleanly_on(&mut child, "-TERM");
}

#[test]
fn simulate_stops_on_ctrl_c() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vb365"))
        .args(["simulate", "-o", "json"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.contains("\"url\""), "{first}");
    stops_cleanly_on(&mut child, "-INT");
}

/// Sends `signal` to `child` and waits (at most 10 s) for it to exit with status 0.
fn stops_cleanly_on(child: &mut std::process::Child, signal: &str) {
    assert!(Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap().success());
    let waited = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{signal}: {status:?}");
            return;
        }
        assert!(waited.elapsed() < Duration::from_secs(10), "vb365 simulate did not stop on kill {signal}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn help_documents_every_command_and_the_exit_status() {
    let output = Command::new(env!("CARGO_BIN_EXE_vb365")).arg("--help").env_remove("COLUMNS").output().unwrap();
    assert!(output.status.success());
    expectorate::assert_contents("tests/golden/help.txt", &String::from_utf8(output.stdout).unwrap());
}

const FAILED_JOB: &str = "1c4e7a2b-3d5f-4a6c-8e9b-0d1f2a3b4c5d";
const FAILED_SESSION: &str = "5e551011-0000-4000-8000-000000000004";
const REPO_1: &str = "a1e4c7b0-5d2f-4c8e-9b31-0e6f2a7d4c51";
const OFFLINE_PROXY: &str = "f6d9bca5-ac7e-4b3d-8a86-5dbe7fcb9ba6";
const EXPLORED: &str = "0fe57023-0000-4000-8000-000000000001";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_list_get_start_stop_enable_disable() {
    let sim = simulator(&[ApiVersion::V8]).await;
    let url = sim.url();
    golden(url, &["jobs", "list", "-o", "table"], "jobs_list.txt").await;
    golden(url, &["jobs", "list", "-o", "ndjson", "--page-size", "1"], "jobs_list.ndjson").await;
    golden(url, &["jobs", "list", "--organization", ORGANIZATION, "-o", "json"], "jobs_list_organization.json").await;
    golden(url, &["jobs", "get", FAILED_JOB, "-o", "json"], "jobs_get.json").await;
    golden(url, &["jobs", "start", FAILED_JOB, "--full", "-o", "json"], "jobs_start.json").await;
    golden(url, &["jobs", "stop", FAILED_JOB, "-o", "table"], "jobs_stop.txt").await;
    golden(url, &["jobs", "disable", FAILED_JOB, "-o", "table"], "jobs_disable.txt").await;
    golden(url, &["jobs", "enable", FAILED_JOB, "-o", "table"], "jobs_enable.txt").await;
    let run = vb365(url, &["jobs", "stop", FAILED_JOB], None).await;
    assert_eq!(run.status, 1, "{run:?}");
    assert!(run.stderr.contains("stop_job_v8: the server refused the request with 400"), "{run:?}");

    let v6 = simulator(&[ApiVersion::V6]).await;
    golden(v6.url(), &["jobs", "list", "-o", "table"], "jobs_list_v6.txt").await;
    golden(v6.url(), &["jobs", "start", FAILED_JOB, "-o", "table"], "jobs_start_v6.txt").await;
    let run = vb365(v6.url(), &["jobs", "start", FAILED_JOB, "-o", "json"], None).await;
    assert_eq!((run.status, run.stdout.as_str()), (1, ""), "already running: {run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_list_get_log() {
    let sim = simulator(&[ApiVersion::V8]).await;
    let url = sim.url();
    golden(url, &["sessions", "list", "-o", "table"], "sessions_list.txt").await;
    golden(url, &["sessions", "list", "--job", FAILED_JOB, "-o", "json"], "sessions_list_job.json").await;
    let filtered = [
        "sessions",
        "list",
        "--status",
        "Success",
        "--since",
        "2024-04-30T00:00:00Z",
        "--until",
        "2024-04-30T23:59:59Z",
    ];
    golden(url, &[&filtered[..], &["-o", "ndjson"]].concat(), "sessions_list_filtered.ndjson").await;
    golden(url, &["sessions", "get", FAILED_SESSION, "-o", "json"], "sessions_get.json").await;
    golden(url, &["sessions", "log", FAILED_SESSION, "-o", "table"], "sessions_log.txt").await;
    // The same on v6, which filters on the client and fills in each session's job.
    let v6 = simulator(&[ApiVersion::V6]).await;
    golden(v6.url(), &[&filtered[..], &["-o", "ndjson"]].concat(), "sessions_list_filtered_v6.ndjson").await;
    golden(v6.url(), &["sessions", "log", FAILED_SESSION, "-o", "table"], "sessions_log_v6.txt").await;
    let run = vb365(url, &["sessions", "list", "--since", "yesterday"], None).await;
    assert_eq!(run.status, 2, "{run:?}");
    assert!(run.stderr.contains("neither RFC 3339"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repositories_proxies_license_health() {
    let sim = simulator(&[ApiVersion::V8]).await;
    let url = sim.url();
    golden(url, &["repositories", "list", "-o", "table"], "repositories_list.txt").await;
    golden(url, &["repositories", "get", REPO_1, "-o", "json"], "repositories_get.json").await;
    golden(url, &["repositories", "usage", "--organization", ORGANIZATION, "-o", "table"], "repositories_usage.txt")
        .await;
    golden(url, &["proxies", "list", "-o", "table"], "proxies_list.txt").await;
    golden(url, &["proxies", "get", OFFLINE_PROXY, "-o", "json"], "proxies_get.json").await;
    golden(url, &["license", "show", "-o", "table"], "license_show.txt").await;
    golden(url, &["license", "show", "-o", "json"], "license_show.json").await;
    golden(url, &["licensed-users", "list", "-o", "table"], "licensed_users_list.txt").await;
    golden(
        url,
        &["licensed-users", "list", "--organization", ORGANIZATION, "-o", "ndjson"],
        "licensed_users_list.ndjson",
    )
    .await;
    golden(url, &["organizations", "licensing", ORGANIZATION, "-o", "table"], "organizations_licensing.txt").await;
    golden(url, &["health", "-o", "json"], "health.json").await;
    let v6 = simulator(&[ApiVersion::V6]).await;
    golden(v6.url(), &["health", "-o", "table"], "health_v6.txt").await;
    golden(v6.url(), &["license", "show", "-o", "json"], "license_show_v6.json").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_sessions_list_and_events() {
    let sim = simulator(&[ApiVersion::V8]).await;
    let url = sim.url();
    golden(url, &["restore-sessions", "list", "-o", "table"], "restore_sessions_list.txt").await;
    let since = ["restore-sessions", "list", "--since", "2024-01-01T00:00:00Z", "--until", "2024-12-31T00:00:00Z"];
    golden(url, &[&since[..], &["-o", "json"]].concat(), "restore_sessions_list_since.json").await;
    golden(url, &["restore-sessions", "events", EXPLORED, "-o", "table"], "restore_sessions_events.txt").await;
}

/// TIME back from now: against a simulator on the clock, the recorded
/// sessions ended hours ago.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn times_back_from_now() {
    let mut config = SimulatorConfig::default();
    config.versions = vec![ApiVersion::V8];
    let sim = Simulator::start_with(config).await.unwrap();
    let count = |since: &'static str| {
        let url = sim.url().to_owned();
        async move {
            let run = vb365(&url, &["sessions", "list", "--since", since, "-o", "ndjson"], None).await;
            assert_eq!(run.status, 0, "{run:?}");
            run.stdout.lines().count()
        }
    };
    // Three sessions ended within 12 hours, six within two days, all eight within 100.
    assert_eq!(count("12h").await, 3);
    assert_eq!(count("2d").await, 6);
    assert_eq!(count("100d").await, 8);
}

/// Restore points, and sessions opened over an organization or a job and
/// left open for `restore-sessions stop`, in both versions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_points_and_sessions_of_an_organization_or_a_job() {
    for (version, name) in [(ApiVersion::V8, "v8"), (ApiVersion::V6, "v6")] {
        let sim = simulator(&[version]).await;
        let url = sim.url();
        let points = ["restore", "points", "--organization", "6f9b3da3-204d-4a4b-b466-55586e0233fc"];
        golden(url, &[&points[..], &["-o", "table"]].concat(), &format!("restore_points_{name}.txt")).await;
        // The organization by name gives the same points.
        let by_name = ["restore", "points", "--organization", "contoso.onmicrosoft.com", "-o", "table"];
        golden(url, &by_name, &format!("restore_points_{name}.txt")).await;
        let unknown = vb365(url, &["restore", "points", "--organization", "nobody.example"], None).await;
        assert_eq!(unknown.status, 2, "an unknown name is a usage error: {}", unknown.stderr);
        let json = vb365(url, &[&points[..], &["-o", "json"]].concat(), None).await;
        let listed: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        let first = listed[0]["id"].as_str().unwrap();
        golden(url, &["restore", "point", first, "-o", "json"], &format!("restore_point_{name}.json")).await;

        let at = ["--type", "Veod", "--date-time", "2024-04-30T12:00:00Z", "-o", "json"];
        let organization = ["restore-sessions", "start", "--organization", "6f9b3da3-204d-4a4b-b466-55586e0233fc"];
        golden(
            url,
            &[&organization[..], &at[..]].concat(),
            &format!("restore_sessions_start_organization_{name}.json"),
        )
        .await;
        assert_eq!(sim.count("stop_restore_session"), 0, "left open for `restore-sessions stop`");
        let job = ["restore-sessions", "start", "--job", "1c4e7a2b-3d5f-4a6c-8e9b-0d1f2a3b4c5d"];
        let run = vb365(url, &[&job[..], &at[..]].concat(), None).await;
        assert_eq!(run.status, 0, "{}", run.stderr);
        let session: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(session["scopeName"], "Contoso SharePoint", "{session}");
        let id = session["id"].as_str().unwrap();
        golden(url, &["restore-sessions", "stop", id, "-o", "table"], "restore_sessions_stop_second.txt").await;
        assert_eq!(sim.count("stop_restore_session"), 1);
    }
}

/// `restore browse` opens a session for the listing and stops it after,
/// in both versions; the organization by name, the mailbox by address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_browse_mailboxes_and_folders_stops_its_session() {
    for (version, name) in [(ApiVersion::V8, "v8"), (ApiVersion::V6, "v6")] {
        let sim = simulator(&[version]).await;
        let url = sim.url();
        let browse = ["restore", "browse", "contoso.onmicrosoft.com", "--at", "2024-04-30T12:00:00Z"];
        golden(
            url,
            &[&browse[..], &["mailboxes", "--limit", "5", "-o", "table"]].concat(),
            &format!("restore_browse_mailboxes_{name}.txt"),
        )
        .await;
        assert_eq!(sim.count("stop_restore_session"), 1, "{name}");
        let json = vb365(url, &[&browse[..], &["mailboxes", "--limit", "1", "-o", "json"]].concat(), None).await;
        let first: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        let address = first[0]["email"].as_str().unwrap();
        let folders = [&browse[..], &["folders", address, "--path", "Inbox", "-o", "table"]].concat();
        golden(url, &folders, &format!("restore_browse_folders_{name}.txt")).await;
        let items = [&browse[..], &["items", address, "--folder", "Inbox/Invoices", "-o", "table"]].concat();
        golden(url, &items, &format!("restore_browse_items_{name}.txt")).await;
        let missing = vb365(url, &[&browse[..], &["folders", address, "--path", "Nowhere"]].concat(), None).await;
        assert_eq!(missing.status, 2, "{}", missing.stderr);
        assert!(missing.stderr.contains("no folder `Nowhere`"), "{}", missing.stderr);
        let onedrives = [&browse[..], &["onedrives", "--limit", "3", "-o", "table"]].concat();
        golden(url, &onedrives, &format!("restore_browse_onedrives_{name}.txt")).await;
        let documents = [&browse[..], &["documents", address, "--path", "/Documents/2026", "-o", "table"]].concat();
        golden(url, &documents, &format!("restore_browse_documents_{name}.txt")).await;
        assert_eq!(sim.count("stop_restore_session"), 7, "{name}: every session stopped, the failed one too");
    }
}

/// Ctrl-C in the middle of a listing still stops the session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_browse_stops_its_session_on_ctrl_c() {
    let sim = simulator(&[ApiVersion::V8]).await;
    sim.inject(Fault::stall().on("list_restore_session_mailboxes"));
    let child = Command::new(env!("CARGO_BIN_EXE_vb365"))
        .args(["restore", "browse", "contoso.onmicrosoft.com", "mailboxes"])
        .env("VB365_URL", sim.url())
        .env("VB365_USER", "administrator")
        .env("VB365_PASSWORD", "simulated-password")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let waited = Instant::now();
    while sim.count("list_restore_session_mailboxes") == 0 {
        assert!(waited.elapsed() < Duration::from_secs(20), "the listing never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(sim.count("stop_restore_session"), 0);
    assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let exited = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap());
    let status = tokio::time::timeout(Duration::from_secs(20), exited).await.expect("vb365 exits on Ctrl-C").unwrap();
    assert_eq!(status.status.code(), Some(1), "{}", String::from_utf8_lossy(&status.stderr));
    assert!(String::from_utf8_lossy(&status.stderr).contains("interrupted"));
    assert_eq!(sim.count("stop_restore_session"), 1, "the session was stopped before the exit");
}

const RESTORE_PASSWORD: &str = "restore-operator-password-4409";

/// `restore mailbox --folder Inbox --to OTHER` restores with progress and
/// exits 0, and the simulator shows the session stopped, in both versions;
/// the restore password reaches the server and nothing prints it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_mailbox_folder_to_another_mailbox_in_both_versions() {
    for (version, name) in [(ApiVersion::V8, "v8"), (ApiVersion::V6, "v6")] {
        let sim = simulator(&[version]).await;
        let env = [("VB365_RESTORE_PASSWORD", RESTORE_PASSWORD)];
        let restore = [
            "restore",
            "mailbox",
            "contoso.onmicrosoft.com",
            "alice@contoso.com",
            "--folder",
            "Inbox",
            "--to",
            "bob@contoso.com",
            "--restore-user",
            "operator@contoso.com",
        ];
        let run = vb365_with(sim.url(), &[&restore[..], &["-o", "table"]].concat(), None, &env).await;
        assert_eq!(run.status, 0, "{name}: {}", run.stderr);
        expectorate::assert_contents(format!("tests/golden/restore_mailbox_{name}.txt"), &run.stdout);
        assert_eq!(sim.count("stop_restore_session"), 1, "{name}");
        let sessions: Vec<_> = sim
            .requests()
            .into_iter()
            .filter(|r| r.operation.as_deref().is_some_and(|o| o.starts_with("explore_organization")))
            .collect();
        assert_eq!(sessions.len(), 1);
        let sent = sim.requests().into_iter().find_map(|r| r.body.filter(|b| b.get("userPassword").is_some())).unwrap();
        assert_eq!(sent["userPassword"], RESTORE_PASSWORD, "{name}: the password reaches the server");
        assert!(!format!("{}{}", run.stdout, run.stderr).contains(RESTORE_PASSWORD), "{name}");

        // A line per event, then the result, with -o ndjson (into another
        // folder: the mails the first restore wrote would be skipped).
        let ndjson = ["-o", "ndjson", "--to-folder", "Alice"];
        let run = vb365_with(sim.url(), &[&restore[..], &ndjson].concat(), None, &env).await;
        assert_eq!(run.status, 0, "{name}: {}", run.stderr);
        let lines: Vec<serde_json::Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert!(lines.len() >= 26, "{name}: an event an item and the result: {}", lines.len());
        let last = lines.last().unwrap();
        assert_eq!((last["status"].as_str(), last["restored"].as_u64()), (Some("Success"), Some(25)), "{name}: {last}");
        assert!(lines[..lines.len() - 1].iter().all(|l| l.get("itemName").is_some()), "{name}");
        assert_eq!(sim.count("stop_restore_session"), 2, "{name}");
    }
}

/// A restore that warns exits 0 (1 with --strict), one that fails exits 1
/// with the server's reason; without credentials nothing is opened.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_mailbox_warnings_failures_and_missing_credentials() {
    let mut config = SimulatorConfig::default();
    config.versions = vec![ApiVersion::V8];
    config.job_duration = Duration::from_millis(500);
    let sim = Simulator::start_with(config.clone()).await.unwrap();
    let env = [("VB365_RESTORE_PASSWORD", RESTORE_PASSWORD)];
    let into_itself = [
        "restore",
        "mailbox",
        "contoso.onmicrosoft.com",
        "alice@contoso.com",
        "--folder",
        "Inbox",
        "--to",
        "alice@contoso.com",
        "--restore-user",
        "operator@contoso.com",
        "-o",
        "json",
    ];
    let run = vb365_with(sim.url(), &into_itself, None, &env).await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stderr.contains("ended with 25 warnings"), "{}", run.stderr);
    let strict = vb365_with(sim.url(), &[&into_itself[..], &["--strict"]].concat(), None, &env).await;
    assert_eq!(strict.status, 1, "{}", strict.stderr);

    let without = vb365(sim.url(), &into_itself[..into_itself.len() - 4], None).await;
    assert_eq!(without.status, 2, "{}", without.stderr);
    assert!(without.stderr.contains("VB365_RESTORE_PASSWORD"), "{}", without.stderr);
    let opened = sim.count("explore_organization_v8");
    let no_password = vb365(sim.url(), &into_itself, None).await;
    assert_eq!(no_password.status, 2, "{}", no_password.stderr);
    assert_eq!(sim.count("explore_organization_v8"), opened, "no session opened without credentials");

    config.restore_fails_after = Some(5);
    let failing = Simulator::start_with(config).await.unwrap();
    let to_bob = [&into_itself[..7], &["bob@contoso.com", "--restore-user", "op@contoso.com"]].concat();
    let run = vb365_with(failing.url(), &to_bob, None, &env).await;
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(run.stderr.contains("the restore failed") && run.stderr.contains("mailbox is full"), "{}", run.stderr);
    assert_eq!(failing.count("stop_restore_session"), 1, "stopped after a failure too");
}

/// `--dry-run` resolves the names and counts, restores nothing, and
/// stops its session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_dry_runs_restore_nothing() {
    let sim = simulator(&[ApiVersion::V8]).await;
    let mailbox = [
        "restore",
        "mailbox",
        "contoso.onmicrosoft.com",
        "alice@contoso.com",
        "--folder",
        "Inbox/Invoices",
        "--to",
        "bob@contoso.com",
        "--dry-run",
        "-o",
        "json",
    ];
    let run = vb365(sim.url(), &mailbox, None).await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(plan["items"], 3, "{plan}");
    let onedrive = [
        "restore",
        "onedrive",
        "contoso.onmicrosoft.com",
        "alice@contoso.com",
        "--path",
        "/Documents",
        "--save",
        "never-written.zip",
        "--dry-run",
        "-o",
        "json",
    ];
    let run = vb365(sim.url(), &onedrive, None).await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(plan["items"], 15, "the folder's documents and its subfolder's: {plan}");
    assert!(!std::path::Path::new("never-written.zip").exists());
    assert_eq!(sim.count("restore_mailbox_folder_to_v8") + sim.count("save_onedrive_folder_v8"), 0);
    assert_eq!(sim.count("stop_restore_session"), 2);
}

/// `restore onedrive --path /Documents --save FILE` writes the simulator's
/// bytes (the same the library reads), in both versions; `-` writes them
/// to standard output.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_onedrive_saves_a_folder_in_both_versions() {
    for version in [ApiVersion::V8, ApiVersion::V6] {
        let sim = simulator(&[version]).await;
        let file = std::env::temp_dir().join(format!("vb365-cli-docs-{}-{version}.zip", std::process::id()));
        let save = [
            "restore",
            "onedrive",
            "contoso.onmicrosoft.com",
            "alice@contoso.com",
            "--path",
            "/Documents",
            "--save",
            file.to_str().unwrap(),
            "-o",
            "json",
        ];
        let run = vb365(sim.url(), &save, None).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let written = std::fs::read(&file).unwrap();
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(report["bytes"].as_u64(), Some(written.len() as u64), "{report}");

        let client = vb365::Client::builder(sim.url()).build().unwrap();
        client.login(sim.credentials()).await.unwrap();
        let from = vb365::restore::ExploreFrom::organization(
            ORGANIZATION.parse().unwrap(),
            vb365::types::RestoreSessionType::Veod,
        );
        let session = client.explore(from).await.unwrap();
        let onedrive = session.find_onedrive("alice@contoso.com").await.unwrap().unwrap().id.unwrap();
        let folder = session.find_onedrive_folder(&onedrive, "/Documents").await.unwrap().unwrap().id.unwrap();
        let mut expected = Vec::new();
        session.save_onedrive_folder(&onedrive, &folder, &mut expected).await.unwrap();
        session.stop().await.unwrap();
        assert!(written == expected, "{version}: the file holds the simulator's bytes");

        let to_stdout = vb365(sim.url(), &[&save[..6], &["--save", "-"]].concat(), None).await;
        assert_eq!(to_stdout.status, 0, "{}", to_stdout.stderr);
        assert!(to_stdout.stderr.contains(&format!("saved {} bytes", written.len())), "{}", to_stdout.stderr);
        assert_eq!(sim.count("stop_restore_session"), 3, "{version}: every session stopped");
        let _ = std::fs::remove_file(file);
    }
}

/// Ctrl-C while a restore runs stops the session before the exit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_mailbox_stops_its_session_on_ctrl_c() {
    let mut config = SimulatorConfig::default();
    config.versions = vec![ApiVersion::V8];
    config.job_duration = Duration::from_secs(60);
    let sim = Simulator::start_with(config).await.unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_vb365"))
        .args(["restore", "mailbox", "contoso.onmicrosoft.com", "alice@contoso.com", "--folder", "Inbox"])
        .args(["--to", "bob@contoso.com", "--restore-user", "operator@contoso.com"])
        .env("VB365_URL", sim.url())
        .env("VB365_USER", "administrator")
        .env("VB365_PASSWORD", "simulated-password")
        .env("VB365_RESTORE_PASSWORD", RESTORE_PASSWORD)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let waited = Instant::now();
    while sim.count("restore_mailbox_folder_to_v8") == 0 {
        assert!(waited.elapsed() < Duration::from_secs(20), "the restore never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let exited = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap());
    let status = tokio::time::timeout(Duration::from_secs(20), exited).await.expect("vb365 exits on Ctrl-C").unwrap();
    assert_eq!(status.status.code(), Some(1), "{}", String::from_utf8_lossy(&status.stderr));
    assert_eq!(sim.count("stop_restore_session"), 1, "the session was stopped before the exit");
}

/// `restore mailbox --item ID --item ID` restores those items; an unknown
/// ID is a usage error before anything is restored, and --folder and
/// --item do not go together (neither is the whole mailbox: see
/// `restore_mailbox_without_a_folder_is_the_whole_mailbox_in_both_versions`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_mailbox_chosen_items() {
    let sim = simulator(&[ApiVersion::V6]).await;
    let env = [("VB365_RESTORE_PASSWORD", RESTORE_PASSWORD)];
    let browse = ["restore", "browse", "contoso.onmicrosoft.com", "items", "alice@contoso.com", "--folder", "Inbox"];
    let listed = vb365(sim.url(), &[&browse[..], &["--limit", "2", "-o", "json"]].concat(), None).await;
    let items: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
    let (first, second) = (items[0]["id"].as_str().unwrap(), items[1]["id"].as_str().unwrap());
    let restore = [
        "restore",
        "mailbox",
        "contoso.onmicrosoft.com",
        "alice@contoso.com",
        "--to",
        "bob@contoso.com",
        "--restore-user",
        "operator@contoso.com",
        "-o",
        "json",
    ];
    let run = vb365_with(sim.url(), &[&restore[..], &["--item", first, "--item", second]].concat(), None, &env).await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!((report["status"].as_str(), report["restored"].as_u64()), (Some("Success"), Some(2)), "{report}");
    let unknown = vb365_with(sim.url(), &[&restore[..], &["--item", "nothing-like-it"]].concat(), None, &env).await;
    assert_eq!(unknown.status, 2, "{}", unknown.stderr);
    assert!(unknown.stderr.contains("no item `nothing-like-it`"), "{}", unknown.stderr);
    assert_eq!(sim.count("restore_mailbox_items_to"), 1, "nothing restored for the unknown ID");
    let both =
        vb365_with(sim.url(), &[&restore[..], &["--item", first, "--folder", "Inbox"]].concat(), None, &env).await;
    assert_eq!(both.status, 2, "{}", both.stderr);
    assert_eq!(sim.count("stop_restore_session"), 3, "the listing's, the restore's and the refused one's");
}

/// Without --to a folder goes back where it was: that asks first, and off
/// a terminal only --yes goes ahead (nothing is opened before).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_mailbox_where_it_was_needs_yes() {
    let sim = simulator(&[ApiVersion::V8]).await;
    let env = [("VB365_RESTORE_PASSWORD", RESTORE_PASSWORD)];
    let restore = [
        "restore",
        "mailbox",
        "contoso.onmicrosoft.com",
        "alice@contoso.com",
        "--folder",
        "Inbox",
        "--restore-user",
        "operator@contoso.com",
        "-o",
        "json",
    ];
    let refused = vb365_with(sim.url(), &restore, None, &env).await;
    assert_eq!(refused.status, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("give --yes"), "{}", refused.stderr);
    assert_eq!(sim.count("explore_organization_v8"), 0, "nothing opened before the answer");
    let run = vb365_with(sim.url(), &[&restore[..], &["--yes"]].concat(), None, &env).await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["target"], "alice@contoso.com/Inbox", "{report}");
    assert_eq!(report["restored"], 25, "{report}");
    assert_eq!(sim.count("restore_mailbox_folder_v8"), 1);
}

/// `restore mailbox ORG A B` restores both mailboxes whole where they were
/// in one restore (asking first; --dry-run counts their mail), and nothing
/// but that is done with several, in both versions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_mailbox_of_several_restores_them_whole_in_both_versions() {
    for version in [ApiVersion::V8, ApiVersion::V6] {
        let sim = simulator(&[version]).await;
        let env = [("VB365_RESTORE_PASSWORD", RESTORE_PASSWORD)];
        let several = ["restore", "mailbox", "contoso.onmicrosoft.com", "alice@contoso.com", "bob@contoso.com"];
        let asked = [&several[..], &["--restore-user", "operator@contoso.com", "-o", "json"]].concat();
        let dry = vb365_with(sim.url(), &[&asked[..], &["--dry-run"]].concat(), None, &env).await;
        assert_eq!(dry.status, 0, "{version}: {}", dry.stderr);
        let plan: serde_json::Value = serde_json::from_str(&dry.stdout).unwrap();
        assert_eq!(plan["items"].as_u64(), Some(68), "{version}: {plan}");
        let unasked = vb365_with(sim.url(), &asked, None, &env).await;
        assert_eq!(unasked.status, 2, "{}", unasked.stderr);
        let run = vb365_with(sim.url(), &[&asked[..], &["--yes"]].concat(), None, &env).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!((report["status"].as_str(), report["restored"].as_u64()), (Some("Success"), Some(68)), "{report}");
        assert_eq!(report["target"], "alice@contoso.com, bob@contoso.com", "{report}");
        assert_eq!(sim.count("restore_mailboxes"), 1, "{version}: one restore for both");
        let folder = vb365_with(sim.url(), &[&asked[..], &["--folder", "Inbox", "--yes"]].concat(), None, &env).await;
        assert_eq!(folder.status, 2, "{}", folder.stderr);
        assert!(folder.stderr.contains("restored whole"), "{}", folder.stderr);
        let unknown =
            [&several[..], &["nobody@contoso.com", "--restore-user", "operator@contoso.com", "--yes"]].concat();
        let unknown = vb365_with(sim.url(), &unknown, None, &env).await;
        assert_eq!(unknown.status, 2, "{}", unknown.stderr);
        assert_eq!(sim.count("restore_mailboxes"), 1, "{version}: nothing restored for an unknown name");
        assert_eq!(sim.count("stop_restore_session"), 3, "{version}: every session stopped");
    }
}

/// Without --folder or --item, `restore mailbox` is the whole mailbox:
/// counted by --dry-run, restored where it was (with --yes) or into another
/// mailbox, exported to PST; it cannot be saved or sent (the server saves
/// and sends items). Chosen items go back where they were too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_mailbox_without_a_folder_is_the_whole_mailbox_in_both_versions() {
    for version in [ApiVersion::V8, ApiVersion::V6] {
        let sim = simulator(&[version]).await;
        let env = [("VB365_RESTORE_PASSWORD", RESTORE_PASSWORD)];
        let mailbox = ["restore", "mailbox", "contoso.onmicrosoft.com", "alice@contoso.com", "-o", "json"];
        let who = ["--restore-user", "operator@contoso.com"];
        let dry = vb365_with(sim.url(), &[&mailbox[..], &["--dry-run"]].concat(), None, &env).await;
        assert_eq!(dry.status, 0, "{version}: {}", dry.stderr);
        let plan: serde_json::Value = serde_json::from_str(&dry.stdout).unwrap();
        assert_eq!(
            (plan["items"].as_u64(), plan["source"].as_str()),
            (Some(34), Some("alice@contoso.com/all folders"))
        );

        let unasked = vb365_with(sim.url(), &[&mailbox[..], &who].concat(), None, &env).await;
        assert_eq!(unasked.status, 2, "{}", unasked.stderr);
        assert!(unasked.stderr.contains("`all folders` of alice@contoso.com"), "{}", unasked.stderr);
        let run = vb365_with(sim.url(), &[&mailbox[..], &who, &["--yes"]].concat(), None, &env).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(report["restored"], 34, "{version}: {report}");
        assert_eq!(sim.count("restore_mailbox"), 1, "{version}: the mailbox's own route");

        let run = vb365_with(sim.url(), &[&mailbox[..], &who, &["--to", "bob@contoso.com"]].concat(), None, &env).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(report["restored"], 34, "{version}: {report}");
        assert_eq!(sim.count("restore_mailbox_to"), 1, "{version}");

        let file = std::env::temp_dir().join(format!("vb365-cli-mailbox-{}-{version}.pst", std::process::id()));
        let run = vb365(sim.url(), &[&mailbox[..], &["--pst", file.to_str().unwrap()]].concat(), None).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        assert_eq!(std::fs::metadata(&file).unwrap().len(), 8_192 + 34 * 48_000, "{version}");
        assert_eq!(sim.count("export_mailbox_to_pst"), 1, "{version}");
        let _ = std::fs::remove_file(file);
        let save = vb365(sim.url(), &[&mailbox[..], &["--save", "-"]].concat(), None).await;
        assert_eq!(save.status, 2, "{}", save.stderr);
        assert!(save.stderr.contains("--folder PATH or --item ID"), "{}", save.stderr);

        let browse =
            ["restore", "browse", "contoso.onmicrosoft.com", "items", "alice@contoso.com", "--folder", "Inbox"];
        let listed = vb365(sim.url(), &[&browse[..], &["--limit", "1", "-o", "json"]].concat(), None).await;
        let items: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
        let item = ["--item", items[0]["id"].as_str().unwrap(), "--yes"];
        let run = vb365_with(sim.url(), &[&mailbox[..], &who, &item].concat(), None, &env).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!((report["restored"].as_u64(), report["target"].as_str()), (Some(1), Some("alice@contoso.com")));
        assert_eq!(sim.count("restore_mailbox_items"), 1, "{version}: back where they were");
        assert_eq!(sim.count("stop_restore_session"), 6, "{version}: every session opened (none for a refusal)");
    }
}

/// `restore onedrive --path /Documents --to USER` copies the folder into
/// that user's OneDrive with progress, in both versions; --save and --to do
/// not go together.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_onedrive_copies_a_folder_to_another_onedrive_in_both_versions() {
    for version in [ApiVersion::V8, ApiVersion::V6] {
        let sim = simulator(&[version]).await;
        let env = [("VB365_RESTORE_PASSWORD", RESTORE_PASSWORD)];
        let copy = [
            "restore",
            "onedrive",
            "contoso.onmicrosoft.com",
            "alice@contoso.com",
            "--path",
            "/Documents",
            "--to",
            "bob@contoso.com",
            "--restore-user",
            "operator@contoso.com",
        ];
        let run = vb365_with(sim.url(), &[&copy[..], &["-o", "ndjson"]].concat(), None, &env).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let lines: Vec<serde_json::Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let last = lines.last().unwrap();
        assert_eq!((last["status"].as_str(), last["restored"].as_u64()), (Some("Success"), Some(15)), "{last}");
        assert!(lines.len() > 15, "{version}: an event a document: {}", lines.len());
        assert_eq!(sim.count("stop_restore_session"), 1, "{version}");
        assert!(!format!("{}{}", run.stdout, run.stderr).contains(RESTORE_PASSWORD));
        let both = vb365_with(sim.url(), &[&copy[..], &["--save", "x.zip"]].concat(), None, &env).await;
        assert_eq!(both.status, 2, "{}", both.stderr);
    }
}

/// `restore mailbox --send ADDRESS` mails a folder's items (every page of
/// them) or chosen ones (`--send-back`: to the mailbox they came from), and `--save FILE` writes them as the simulator's
/// file, in both versions; neither needs restore credentials, and a
/// refused address is the server's refusal (exit 1).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_mailbox_sends_and_saves_items_in_both_versions() {
    for version in [ApiVersion::V8, ApiVersion::V6] {
        let sim = simulator(&[version]).await;
        let mailbox = ["restore", "mailbox", "contoso.onmicrosoft.com", "alice@contoso.com"];
        let send = ["--folder", "Inbox", "--send", "helpdesk@contoso.com", "--subject", "Lost mail", "-o", "json"];
        let run = vb365(sim.url(), &[&mailbox[..], &send].concat(), None).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!((report["to"].as_str(), report["items"].as_u64()), (Some("helpdesk@contoso.com"), Some(25)));
        let sent = sim.sent_mail();
        assert_eq!(sent.len(), 1, "{version}: {sent:?}");
        assert_eq!((sent[0].subject.as_deref(), sent[0].items.len()), (Some("Lost mail"), 25), "{sent:?}");
        let refused = [&mailbox[..], &["--folder", "Inbox", "--send", "helpdesk"]].concat();
        let refused = vb365(sim.url(), &refused, None).await;
        assert_eq!(refused.status, 1, "{version}: {}", refused.stderr);
        assert_eq!(sim.sent_mail().len(), 1, "nothing more sent");
        let back = [&mailbox[..], &["--folder", "Inbox/Invoices", "--send-back", "-o", "json"]].concat();
        let run = vb365(sim.url(), &back, None).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!((report["to"].as_str(), report["items"].as_u64()), (Some("alice@contoso.com"), Some(3)));
        let sent = sim.sent_mail();
        assert_eq!((sent.len(), sent[1].to.as_str()), (2, "alice@contoso.com"), "{version}: back to its mailbox");
        let whole = vb365(sim.url(), &[&mailbox[..], &["--send-back"]].concat(), None).await;
        assert_eq!(whole.status, 2, "{version}: a whole mailbox is not sent: {}", whole.stderr);

        let browse =
            ["restore", "browse", "contoso.onmicrosoft.com", "items", "alice@contoso.com", "--folder", "Inbox"];
        let listed = vb365(sim.url(), &[&browse[..], &["--limit", "2", "-o", "json"]].concat(), None).await;
        let items: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
        let (first, second) = (items[0]["id"].as_str().unwrap(), items[1]["id"].as_str().unwrap());
        let file = std::env::temp_dir().join(format!("vb365-cli-mail-{}-{version}.zip", std::process::id()));
        let save = ["--item", first, "--item", second, "--save", file.to_str().unwrap(), "-o", "json"];
        let run = vb365(sim.url(), &[&mailbox[..], &save].concat(), None).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let written = std::fs::read(&file).unwrap();
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(report["bytes"].as_u64(), Some(written.len() as u64), "{report}");
        let client = vb365::Client::builder(sim.url()).build().unwrap();
        client.login(sim.credentials()).await.unwrap();
        let from = vb365::restore::ExploreFrom::organization(
            ORGANIZATION.parse().unwrap(),
            vb365::types::RestoreSessionType::Vex,
        );
        let session = client.explore(from).await.unwrap();
        let found = session.find_mailbox("alice@contoso.com").await.unwrap().unwrap();
        let mut expected = Vec::new();
        session.save_mailbox_items(found.id, &[first, second], &mut expected).await.unwrap();
        assert!(!expected.is_empty() && written == expected, "{version}: the file holds the simulator's bytes");
        // One item: its own MSG file, through the one-item route.
        let save = ["--item", second, "--save", file.to_str().unwrap(), "-o", "json"];
        let run = vb365(sim.url(), &[&mailbox[..], &save].concat(), None).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let mut expected = Vec::new();
        session.save_mailbox_item(found.id, second, &mut expected).await.unwrap();
        assert!(!expected.is_empty() && std::fs::read(&file).unwrap() == expected, "{version}: its MSG file");
        assert_eq!(sim.count("save_mailbox_item"), 2, "{version}: the CLI's and this one");
        session.stop().await.unwrap();

        let both = [&mailbox[..], &["--folder", "Inbox", "--send", "a@b.c", "--to", "bob"]].concat();
        let both = vb365(sim.url(), &both, None).await;
        assert_eq!(both.status, 2, "--send and --to do not go together");
        let stops = sim.count("stop_restore_session");
        let explored =
            sim.requests().iter().filter(|r| r.operation.as_deref().is_some_and(|o| o.starts_with("explore"))).count();
        assert_eq!(stops, explored, "{version}: every session stopped");
        let _ = std::fs::remove_file(file);
    }
}

/// `restore onedrive --path P` without --to or --save restores the folder
/// where it was: off a terminal only --yes goes ahead (nothing opened
/// before), documents there are kept unless --overwrite, in both versions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_onedrive_where_it_was_needs_yes_in_both_versions() {
    for version in [ApiVersion::V8, ApiVersion::V6] {
        let sim = simulator(&[version]).await;
        let env = [("VB365_RESTORE_PASSWORD", RESTORE_PASSWORD)];
        let restore = [
            "restore",
            "onedrive",
            "contoso.onmicrosoft.com",
            "alice@contoso.com",
            "--path",
            "/Documents",
            "--restore-user",
            "operator@contoso.com",
            "-o",
            "json",
        ];
        let refused = vb365_with(sim.url(), &restore, None, &env).await;
        assert_eq!(refused.status, 2, "{}", refused.stderr);
        assert!(refused.stderr.contains("give --yes"), "{}", refused.stderr);
        assert!(sim.requests().iter().all(|r| !r.path.contains("explore")), "nothing opened before the answer");
        for (flags, action) in [(&["--yes"][..], "Keep"), (&["--yes", "--overwrite"][..], "Overwrite")] {
            let run = vb365_with(sim.url(), &[&restore[..], flags].concat(), None, &env).await;
            assert_eq!(run.status, 0, "{version}: {}", run.stderr);
            let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
            assert_eq!((report["status"].as_str(), report["restored"].as_u64()), (Some("Success"), Some(15)));
            assert_eq!(report["target"], "alice@contoso.com:/Documents", "{report}");
            let sent = sim.requests().into_iter().rev().find(|r| r.path.ends_with("/restore")).unwrap();
            let body = sent.body.unwrap();
            assert_eq!(body["documentAction"], action, "{version}");
            assert!(!format!("{}{}", run.stdout, run.stderr).contains(RESTORE_PASSWORD));
        }
        let overwrite_copy = [&restore[..], &["--overwrite", "--to", "bob"]].concat();
        let overwrite_copy = vb365_with(sim.url(), &overwrite_copy, None, &env).await;
        assert_eq!(overwrite_copy.status, 2, "--overwrite is for where it was");
        assert_eq!(sim.count("stop_restore_session"), 2, "{version}");
    }
}

/// `restore browse ORG items MAILBOX --search QUERY` lists what the server
/// finds, in the whole mailbox or one folder; a query the server refuses
/// exits 1 with its reason, and the session is stopped each time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_browse_items_searches_in_both_versions() {
    for version in [ApiVersion::V8, ApiVersion::V6] {
        let sim = simulator(&[version]).await;
        let items = ["restore", "browse", "contoso.onmicrosoft.com", "items", "alice@contoso.com", "-o", "json"];
        let run = vb365(sim.url(), &[&items[..], &["--search", "subject:invoice"]].concat(), None).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let found: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(found.len(), 3, "{version}: {}", run.stdout);
        assert!(found.iter().all(|i| i["subject"].as_str().unwrap().starts_with("Invoice")));
        let in_sent = [&items[..], &["--folder", "Sent Items", "--search", "partner"]].concat();
        let run = vb365(sim.url(), &in_sent, None).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let found: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(found.len(), 4, "{version}: the sent items only: {}", run.stdout);
        assert_eq!(sim.count("search_mailbox_folder"), 1, "{version}");
        let refused = vb365(sim.url(), &[&items[..], &["--search", "size:big"]].concat(), None).await;
        assert_eq!(refused.status, 1, "{}", refused.stderr);
        assert!(refused.stderr.contains("Unknown search field"), "{}", refused.stderr);
        assert_eq!(sim.count("stop_restore_session"), 3, "{version}");

        // Without a mailbox, every mailbox: three invoices each.
        let every =
            ["restore", "browse", "contoso.onmicrosoft.com", "items", "--search", "subject:invoice", "-o", "json"];
        let run = vb365(sim.url(), &every, None).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let found: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
        let owners: std::collections::BTreeSet<&str> = found.iter().filter_map(|i| i["to"].as_str()).collect();
        assert!(owners.len() > 1 && found.len() == 3 * owners.len(), "{version}: {owners:?}");
        assert!(sim.count("search_mailboxes") > 0, "{version}");
        let neither = vb365(sim.url(), &every[..4], None).await;
        assert_eq!(neither.status, 2, "a mailbox or a query: {}", neither.stderr);
    }
}

/// `restore browse ORG versions USER --path DOC` lists a document's
/// versions (a folder's with a folder's path); `restore onedrive ... --path DOC --save FILE [--version ID]`
/// writes that document or version, bare, with the size the listing gives
/// (and --dry-run tells it without writing); --version on a folder is a
/// usage error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_onedrive_saves_a_document_or_one_of_its_versions_in_both_versions() {
    for version in [ApiVersion::V8, ApiVersion::V6] {
        let sim = simulator(&[version]).await;
        let document = "/Documents/Report 04.docx";
        let browse = ["restore", "browse", "contoso.onmicrosoft.com", "versions", "alice@contoso.com"];
        let run = vb365(sim.url(), &[&browse[..], &["--path", document, "-o", "json"]].concat(), None).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let versions: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(versions.len(), 4, "{version}: {}", run.stdout);
        let (first, first_size) = (versions[0]["versionId"].as_i64().unwrap(), versions[0]["sizeBytes"].as_u64());
        // A folder's versions, as a table.
        let run = vb365(sim.url(), &[&browse[..], &["--path", "/Documents/2026", "-o", "table"]].concat(), None).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(lines.len(), 2, "{version}: a header and the one version: {}", run.stdout);
        assert!(lines[0].starts_with("ID") && lines[0].contains("VERSION"), "{}", lines[0]);
        assert!(lines[1].contains("2026") && lines[1].contains("1.0"), "{version}: {}", lines[1]);
        assert_eq!(sim.count("list_onedrive_folder_versions"), 1, "{version}");
        let none = vb365(sim.url(), &[&browse[..], &["--path", "/Documents/Nothing"]].concat(), None).await;
        assert!(none.stderr.contains("no document or folder `/Documents/Nothing`"), "{version}: {}", none.stderr);

        let file = std::env::temp_dir().join(format!("vb365-cli-report-{}-{version}.docx", std::process::id()));
        let save = [
            "restore",
            "onedrive",
            "contoso.onmicrosoft.com",
            "alice@contoso.com",
            "--path",
            document,
            "--save",
            file.to_str().unwrap(),
            "-o",
            "json",
        ];
        let run = vb365(sim.url(), &save, None).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let written = std::fs::read(&file).unwrap();
        assert_eq!(Some(written.len() as u64), versions[3]["sizeBytes"].as_u64(), "{version}: the last version");
        assert!(written.starts_with(b"Report 04.docx\n"), "{version}: the bare document");

        let first_id = first.to_string();
        let run = vb365(sim.url(), &[&save[..], &["--version", &first_id]].concat(), None).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        assert_eq!(Some(std::fs::read(&file).unwrap().len() as u64), first_size, "{version}: the first version");
        let dry = vb365(sim.url(), &[&save[..], &["--version", &first_id, "--dry-run"]].concat(), None).await;
        assert_eq!(dry.status, 0, "{}", dry.stderr);
        let plan: serde_json::Value = serde_json::from_str(&dry.stdout).unwrap();
        assert_eq!((plan["items"].as_u64(), plan["bytes"].as_u64()), (Some(1), first_size), "{plan}");

        let folder = [&save[..4], &["--path", "/Documents", "--save", "x.zip", "--version", "512"]].concat();
        let refused = vb365(sim.url(), &folder, None).await;
        assert_eq!(refused.status, 2, "{}", refused.stderr);
        assert!(refused.stderr.contains("is a folder"), "{}", refused.stderr);
        let missing = [&save[..4], &["--path", "/Documents/Nothing.docx", "--save", "x.docx"]].concat();
        let missing = vb365(sim.url(), &missing, None).await;
        assert_eq!(missing.status, 2, "{}", missing.stderr);
        assert_eq!(sim.count("save_onedrive_document_version"), 1, "{version}: no save but the asked version's");
        assert_eq!(sim.count("stop_restore_session"), 8, "{version}: every session stopped");
        let _ = std::fs::remove_file(file);
    }
}

/// `restore mailbox --folder F --pst FILE` (or chosen items, with
/// `--pst-limit`) writes the server's PST file; a bound the server refuses
/// exits 1, a size the command line cannot read exits 2.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_mailbox_exports_to_pst_in_both_versions() {
    for version in [ApiVersion::V8, ApiVersion::V6] {
        let sim = simulator(&[version]).await;
        let file = std::env::temp_dir().join(format!("vb365-cli-{}-{version}.pst", std::process::id()));
        let mailbox = ["restore", "mailbox", "contoso.onmicrosoft.com", "alice@contoso.com", "-o", "json"];
        let pst = ["--pst", file.to_str().unwrap()];
        let run = vb365(sim.url(), &[&mailbox[..], &pst, &["--folder", "Inbox/Invoices"]].concat(), None).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(report["bytes"].as_u64(), Some(8_192 + 3 * 48_000), "{version}: {report}");
        assert_eq!(std::fs::metadata(&file).unwrap().len(), 8_192 + 3 * 48_000);

        let browse =
            ["restore", "browse", "contoso.onmicrosoft.com", "items", "alice@contoso.com", "--folder", "Inbox"];
        let listed = vb365(sim.url(), &[&browse[..], &["--limit", "1", "-o", "json"]].concat(), None).await;
        let items: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
        let item = ["--item", items[0]["id"].as_str().unwrap()];
        let run = vb365(sim.url(), &[&mailbox[..], &pst, &item, &["--pst-limit", "2GiB"]].concat(), None).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        assert_eq!(std::fs::metadata(&file).unwrap().len(), 8_192 + 48_000);
        let sent = sim.requests().into_iter().rev().find(|r| r.path.ends_with("/exportToPst")).unwrap();
        assert_eq!(sent.body.unwrap()["pstSizeLimitBytes"], 2_147_483_648_i64, "{version}");

        let small = vb365(sim.url(), &[&mailbox[..], &pst, &item, &["--pst-limit", "1MiB"]].concat(), None).await;
        assert_eq!(small.status, 1, "{}", small.stderr);
        assert!(small.stderr.contains("1 to 49 GB"), "{}", small.stderr);
        let unreadable = vb365(sim.url(), &[&mailbox[..], &pst, &item, &["--pst-limit", "5GB"]].concat(), None).await;
        assert_eq!(unreadable.status, 2, "{}", unreadable.stderr);
        assert_eq!(std::fs::metadata(&file).unwrap().len(), 8_192 + 48_000, "a refused export leaves the file");
        let _ = std::fs::remove_file(file);
    }
}

/// `restore onedrive --path DOC` restores a document where it was (with
/// --yes) or copies it into another OneDrive, and with --version one of its
/// versions, in both versions; --dry-run counts the one document.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_onedrive_restores_and_copies_a_document_or_a_version_in_both_versions() {
    for version in [ApiVersion::V8, ApiVersion::V6] {
        let sim = simulator(&[version]).await;
        let env = [("VB365_RESTORE_PASSWORD", RESTORE_PASSWORD)];
        let document = ["--path", "/Documents/Report 04.docx"];
        let onedrive = ["restore", "onedrive", "contoso.onmicrosoft.com", "alice@contoso.com", "-o", "json"];
        let who = ["--restore-user", "operator@contoso.com"];
        let asked = [&onedrive[..], &document, &who].concat();

        let dry = vb365_with(sim.url(), &[&asked[..], &["--dry-run"]].concat(), None, &env).await;
        assert_eq!(dry.status, 0, "{version}: {}", dry.stderr);
        let plan: serde_json::Value = serde_json::from_str(&dry.stdout).unwrap();
        assert_eq!(plan["items"].as_u64(), Some(1), "{version}: {plan}");
        let run = vb365_with(sim.url(), &[&asked[..], &["--yes"]].concat(), None, &env).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!((report["status"].as_str(), report["restored"].as_u64()), (Some("Success"), Some(1)), "{report}");
        assert_eq!(sim.count("restore_onedrive_documents"), 1, "{version}: the documents route");
        let sent = sim.requests().into_iter().rev().find(|r| r.path.ends_with("/Documents/restore")).unwrap();
        assert_eq!(sent.body.unwrap()["documents"].as_array().map(Vec::len), Some(1), "{version}");

        let run = vb365_with(sim.url(), &[&asked[..], &["--version", "512", "--yes"]].concat(), None, &env).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert!(report["source"].as_str().unwrap().ends_with("version 512"), "{report}");
        assert_eq!(sim.count("restore_onedrive_document_version"), 1, "{version}");

        let to = ["--to", "bob@contoso.com", "--to-folder", "From Alice"];
        let run = vb365_with(sim.url(), &[&asked[..], &to].concat(), None, &env).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        assert_eq!(sim.count("copy_onedrive_documents_to"), 1, "{version}");
        // That copy wrote the document there: a version of it copied into
        // the same folder is skipped as unchanged (a warning, exit 0),
        // into another folder it is copied.
        let run = vb365_with(sim.url(), &[&asked[..], &to, &["--version", "1024"]].concat(), None, &env).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!((report["status"].as_str(), report["skipped"].as_u64()), (Some("Warning"), Some(1)), "{report}");
        let elsewhere = ["--to", "bob@contoso.com", "--to-folder", "Versions", "--version", "1024"];
        let run = vb365_with(sim.url(), &[&asked[..], &elsewhere].concat(), None, &env).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(report["restored"].as_u64(), Some(1), "{report}");
        assert_eq!(sim.count("copy_onedrive_document_version_to"), 2, "{version}");

        let never = vb365_with(sim.url(), &[&asked[..], &to, &["--version", "99999"]].concat(), None, &env).await;
        assert_eq!(never.status, 1, "{version}: the server's refusal: {}", never.stderr);
        assert_eq!(sim.count("stop_restore_session"), 7, "{version}: every session stopped");
    }
}

/// `restore onedrive --send ADDRESS` mails the whole OneDrive, a folder or
/// a document (--dry-run counts them), in both versions; no restore
/// credentials are needed, and --version does not go with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_onedrive_sends_a_onedrive_a_folder_or_a_document_in_both_versions() {
    for version in [ApiVersion::V8, ApiVersion::V6] {
        let sim = simulator(&[version]).await;
        let onedrive = ["restore", "onedrive", "contoso.onmicrosoft.com", "alice@contoso.com", "-o", "json"];
        let send = ["--send", "helpdesk@contoso.com", "--subject", "From the backup"];
        let asked = [&onedrive[..], &send].concat();
        let dry = vb365(sim.url(), &[&asked[..], &["--path", "/Documents", "--dry-run"]].concat(), None).await;
        assert_eq!(dry.status, 0, "{version}: {}", dry.stderr);
        let plan: serde_json::Value = serde_json::from_str(&dry.stdout).unwrap();
        assert_eq!((plan["items"].as_u64(), plan["target"].as_str()), (Some(15), Some("helpdesk@contoso.com")));
        assert!(sim.sent_mail().is_empty(), "{version}: a dry run sends nothing");

        for (path, count) in [(None, 16), (Some("/Documents"), 15), (Some("/Documents/Report 04.docx"), 1)] {
            let path: Vec<&str> = path.map(|p| vec!["--path", p]).unwrap_or_default();
            let run = vb365(sim.url(), &[&asked[..], &path].concat(), None).await;
            assert_eq!(run.status, 0, "{version}: {}", run.stderr);
            let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
            assert_eq!(report["items"].as_u64(), Some(count), "{version}: {report}");
            let last = sim.sent_mail().pop().unwrap();
            assert_eq!((last.items.len(), last.subject.as_deref()), (count as usize, Some("From the backup")));
        }
        assert_eq!(
            ["send_onedrive", "send_onedrive_folder", "send_onedrive_documents"].map(|op| sim.count(op)),
            [1, 1, 1],
            "{version}: each its own route"
        );
        let versioned = [&asked[..], &["--path", "/Documents/Report 04.docx", "--version", "512"]].concat();
        let refused = vb365(sim.url(), &versioned, None).await;
        assert_eq!(refused.status, 2, "{}", refused.stderr);
        let bad = vb365(sim.url(), &[&onedrive[..], &["--send", "helpdesk"]].concat(), None).await;
        assert_eq!(bad.status, 1, "{version}: the server's refusal: {}", bad.stderr);
        assert_eq!(sim.sent_mail().len(), 3, "{version}: nothing more sent");
        assert_eq!(sim.count("stop_restore_session"), 5, "{version}: every session stopped");
    }
}

/// Without --path, `restore onedrive` acts on the whole OneDrive: saves
/// every document (16), copies them into another OneDrive, restores them
/// where they were; --version needs a document's path.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_onedrive_without_a_path_is_the_whole_onedrive_in_both_versions() {
    for version in [ApiVersion::V8, ApiVersion::V6] {
        let sim = simulator(&[version]).await;
        let env = [("VB365_RESTORE_PASSWORD", RESTORE_PASSWORD)];
        let onedrive = ["restore", "onedrive", "contoso.onmicrosoft.com", "alice@contoso.com", "-o", "json"];
        let file = std::env::temp_dir().join(format!("vb365-cli-onedrive-{}-{version}.zip", std::process::id()));
        let save = [&onedrive[..], &["--save", file.to_str().unwrap()]].concat();
        let dry = vb365(sim.url(), &[&save[..], &["--dry-run"]].concat(), None).await;
        assert_eq!(dry.status, 0, "{version}: {}", dry.stderr);
        let plan: serde_json::Value = serde_json::from_str(&dry.stdout).unwrap();
        assert_eq!(plan["items"].as_u64(), Some(16), "{version}: {plan}");
        let run = vb365(sim.url(), &save, None).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(report["source"], "alice@contoso.com:/", "{report}");
        assert_eq!(std::fs::metadata(&file).unwrap().len(), report["bytes"].as_u64().unwrap());
        assert_eq!(sim.count("save_onedrive"), 1, "{version}: the OneDrive's own route");

        let who = ["--restore-user", "operator@contoso.com"];
        let copy = [&onedrive[..], &who, &["--to", "bob@contoso.com"]].concat();
        let copy = vb365_with(sim.url(), &copy, None, &env).await;
        assert_eq!(copy.status, 0, "{version}: {}", copy.stderr);
        let report: serde_json::Value = serde_json::from_str(&copy.stdout).unwrap();
        assert_eq!(report["restored"].as_u64(), Some(16), "{version}: {report}");
        let back = vb365_with(sim.url(), &[&onedrive[..], &who, &["--yes"]].concat(), None, &env).await;
        assert_eq!(back.status, 0, "{version}: {}", back.stderr);
        assert_eq!((sim.count("copy_onedrive_to"), sim.count("restore_onedrive")), (1, 1), "{version}");

        let refused = vb365(sim.url(), &[&save[..], &["--version", "512"]].concat(), None).await;
        assert_eq!(refused.status, 2, "{}", refused.stderr);
        assert!(refused.stderr.contains("give --path"), "{}", refused.stderr);
        assert_eq!(sim.count("stop_restore_session"), 5, "{version}");
        let _ = std::fs::remove_file(file);
    }
}

/// `restore browse ORG documents USER [--path P] --search QUERY` lists what
/// the server finds, in the whole OneDrive or under the folder.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_browse_documents_searches_in_both_versions() {
    for version in [ApiVersion::V8, ApiVersion::V6] {
        let sim = simulator(&[version]).await;
        let documents =
            ["restore", "browse", "contoso.onmicrosoft.com", "documents", "alice@contoso.com", "-o", "json"];
        let run = vb365(sim.url(), &[&documents[..], &["--search", "plan"]].concat(), None).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let found: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(found.len(), 3, "{version}: {}", run.stdout);
        let under = [&documents[..], &["--path", "/Desktop", "--search", "plan"]].concat();
        let run = vb365(sim.url(), &under, None).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        assert_eq!(run.stdout.trim(), "[]", "{version}: nothing under Desktop");
        assert_eq!((sim.count("search_onedrive"), sim.count("search_onedrive_folder")), (1, 1), "{version}");
        assert_eq!(sim.count("stop_restore_session"), 2, "{version}");
        // Without a OneDrive, every OneDrive: twelve reports each.
        let every = ["restore", "browse", "contoso.onmicrosoft.com", "documents", "--search", "report", "-o", "json"];
        let run = vb365(sim.url(), &every, None).await;
        assert_eq!(run.status, 0, "{version}: {}", run.stderr);
        let found: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
        assert!(found.len() > 12 && found.len().is_multiple_of(12), "{version}: {}", found.len());
        assert!(sim.count("search_onedrives") > 0, "{version}: page after page");
        assert_eq!(sim.count("search_onedrive"), 1, "{version}: no one OneDrive's search");
    }
}
