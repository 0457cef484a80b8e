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

const ORGANIZATION: &str = "6f9b3da3-204d-4a4b-b466-55586e0233fc";
const JOB: &str = "00b96531-1a68-4c90-a398-91141ffedb3b";

async fn simulator(versions: &[ApiVersion]) -> Simulator {
    let mut config = SimulatorConfig::default();
    config.versions = versions.to_vec();
    config.frozen_time = Some("2024-05-01T12:00:00Z".parse().unwrap());
    config.mailbox_count = 40;
    Simulator::start_with(config).await.unwrap()
}

/// What a run of the binary left behind.
#[derive(Debug)]
struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

/// Runs `vb365 args...` against `url` with the simulator's credentials in
/// the environment (and nothing else of the caller's `VB365_*`).
async fn vb365(url: &str, args: &[&str], stdin: Option<&str>) -> Run {
    let (url, password) = (url.to_owned(), String::from("simulated-password"));
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let stdin = stdin.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_vb365"));
        for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("VB365_") || k == "RUST_LOG") {
            command.env_remove(key);
        }
        command.env("VB365_URL", &url).env("VB365_USER", "administrator").env("VB365_PASSWORD", &password);
        command.args(&args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
        drop(input);
        let output = child.wait_with_output().unwrap();
        Run {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    })
    .await
    .unwrap()
}

/// Runs a command that must succeed and compares its output with `golden`.
async fn golden(url: &str, args: &[&str], golden: &str) {
    let run = vb365(url, args, None).await;
    assert_eq!(run.status, 0, "vb365 {args:?}: {}", run.stderr);
    assert_eq!(run.stderr, "", "vb365 {args:?}");
    expectorate::assert_contents(format!("tests/golden/{golden}"), &run.stdout);
}

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
        run.stderr.contains("create_token_v8: authentication failed: the server refused the credentials"),
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
        "vb365: no password: set VB365_PASSWORD, pass --password-stdin, or run in a terminal to be asked\n"
    );
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
