//! What the CLI's tests share: a simulator started here on 127.0.0.1, and
//! the `vb365` binary run against it.
#![allow(dead_code)]

pub mod exporter;

use std::io::Write;
use std::process::{Command, Stdio};

use vb365::ApiVersion;
use vb365::simulator::{Simulator, SimulatorConfig};

pub const ORGANIZATION: &str = "6f9b3da3-204d-4a4b-b466-55586e0233fc";
pub const JOB: &str = "00b96531-1a68-4c90-a398-91141ffedb3b";

pub async fn simulator(versions: &[ApiVersion]) -> Simulator {
    let mut config = SimulatorConfig::default();
    config.versions = versions.to_vec();
    config.frozen_time = Some("2024-05-01T12:00:00Z".parse().unwrap());
    config.mailbox_count = 40;
    Simulator::start_with(config).await.unwrap()
}

/// What a run of the binary left behind.
#[derive(Debug)]
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `vb365 args...` against `url` with the simulator's credentials in
/// the environment (and nothing else of the caller's `VB365_*`).
pub async fn vb365(url: &str, args: &[&str], stdin: Option<&str>) -> Run {
    vb365_with(url, args, stdin, &[]).await
}

/// [`vb365`] with more of the environment (`VB365_RESTORE_PASSWORD`, say).
pub async fn vb365_with(url: &str, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Run {
    let (url, password) = (url.to_owned(), String::from("simulated-password"));
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let stdin = stdin.map(str::to_owned);
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    tokio::task::spawn_blocking(move || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_vb365"));
        for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("VB365_") || k == "RUST_LOG") {
            command.env_remove(key);
        }
        command.env("VB365_URL", &url).env("VB365_USER", "administrator").env("VB365_PASSWORD", &password);
        command.envs(env);
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
            // Lossy: a saved file written to standard output is bytes.
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    })
    .await
    .unwrap()
}

/// Runs a command that must succeed and compares its output with `golden`.
pub async fn golden(url: &str, args: &[&str], golden: &str) {
    let run = vb365(url, args, None).await;
    assert_eq!(run.status, 0, "vb365 {args:?}: {}", run.stderr);
    assert_eq!(run.stderr, "", "vb365 {args:?}");
    expectorate::assert_contents(format!("tests/golden/{golden}"), &run.stdout);
}

/// A program of a real system a user runs beside vb365 (Prometheus's
/// `prometheus` and `promtool`, `perl` with Monitoring::Plugin, Nagios) on
/// `PATH`, from Debian's `package`. Without it a test that needs it is
/// skipped with a message, unless `VB365_REQUIRE_TOOLS` is set (CI sets it,
/// after installing the packages), which makes it fail instead.
pub fn tool(name: &str, package: &str) -> Option<std::path::PathBuf> {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .chain([std::path::PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join(name))
        .find(|path| path.is_file());
    if found.is_none() {
        missing(&format!("{name} is not installed: apt-get install {package}"));
    }
    found
}

/// A tool a test needs is missing: a failure where tools are required, else a skip.
pub fn missing(what: &str) {
    assert!(std::env::var_os("VB365_REQUIRE_TOOLS").is_none(), "{what} (VB365_REQUIRE_TOOLS is set)");
    eprintln!("skipped: {what}");
}

/// `prometheus` or `promtool`, from Debian's `prometheus`.
pub fn prometheus_tool(name: &str) -> Option<std::path::PathBuf> {
    tool(name, "prometheus")
}

/// Performance data as Monitoring::Plugin::Performance (Debian's
/// `libmonitoring-plugin-perl`, what Perl plugins and their tooling read
/// it with) parses it: each item's label and value, those it cannot parse
/// left out. `None` (skipped) without Perl or the module.
pub fn plugin_perfdata(perfdata: &str) -> Option<Vec<(String, f64)>> {
    let perl = tool("perl", "perl")?;
    let script = "use Monitoring::Plugin::Performance; my $text = do { local $/; <STDIN> }; \
                  for my $p (Monitoring::Plugin::Performance->parse_perfstring($text)) { print $p->label, \"\\t\", $p->value, \"\\n\" }";
    let mut child = std::process::Command::new(perl)
        .args(["-e", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(perfdata.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    if !output.status.success() {
        missing(&format!(
            "perl cannot use Monitoring::Plugin: apt-get install libmonitoring-plugin-perl ({})",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
        return None;
    }
    let text = String::from_utf8(output.stdout).unwrap();
    Some(
        text.lines()
            .map(|line| {
                let (label, value) = line.split_once('\t').unwrap();
                (label.to_owned(), value.parse().unwrap())
            })
            .collect(),
    )
}

/// `promtool check metrics` (Prometheus's own linter) accepts `text`.
/// Without promtool the check is skipped, unless `VB365_REQUIRE_TOOLS` is
/// set, as CI sets it.
pub fn promtool_accepts(text: &str) {
    use std::io::Write;
    let Some(promtool) = prometheus_tool("promtool") else { return };
    let mut child = std::process::Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success() && output.stdout.is_empty() && output.stderr.is_empty(),
        "promtool check metrics: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A plain HTTP client for the tests' own requests (reqwest is built
/// without a default crypto provider, as the library is).
pub fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// A real Prometheus server (Debian's `prometheus`) on 127.0.0.1, with
/// the configuration given; killed when dropped.
pub struct Prometheus {
    child: std::process::Child,
    pub url: String,
    dir: exporter::TempDir,
}

impl Prometheus {
    /// Starts `prometheus` with `config` (prometheus.yml) and the rule files
    /// it names; `None` (the test skipped) where it is not installed.
    pub fn start(config: &str) -> Option<Self> {
        let binary = prometheus_tool("prometheus")?;
        let dir = exporter::TempDir::new("prometheus");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let web = listener.local_addr().unwrap().to_string();
        drop(listener);
        std::fs::write(dir.0.join("prometheus.yml"), config).unwrap();
        let log = std::fs::File::create(dir.0.join("prometheus.log")).unwrap();
        let child = std::process::Command::new(binary)
            .arg(format!("--config.file={}", dir.0.join("prometheus.yml").display()))
            .arg(format!("--storage.tsdb.path={}", dir.0.join("data").display()))
            .arg(format!("--web.listen-address={web}"))
            .stdout(std::process::Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        Some(Self { child, url: format!("http://{web}"), dir })
    }

    /// The result of an instant query, or `None` while Prometheus cannot answer.
    pub async fn query(&self, promql: &str) -> Option<Vec<serde_json::Value>> {
        let response =
            http().get(format!("{}/api/v1/query", self.url)).query(&[("query", promql)]).send().await.ok()?;
        let body: serde_json::Value = response.json().await.ok()?;
        (body["status"] == "success").then(|| body["data"]["result"].as_array().cloned().unwrap_or_default())
    }

    /// A value of the API (`/api/v1/alerts`'s `data`), or `None` while it cannot answer.
    pub async fn api(&self, path: &str) -> Option<serde_json::Value> {
        let response = http().get(format!("{}{path}", self.url)).send().await.ok()?;
        let body: serde_json::Value = response.json().await.ok()?;
        (body["status"] == "success").then(|| body["data"].clone())
    }

    /// What Prometheus logged, for a failure's message.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.0.join("prometheus.log")).unwrap_or_default()
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The relabelling of the README: `/probe?target=<name>` on `exporter`.
pub fn probe_relabelling(exporter: &str) -> String {
    format!(
        "    relabel_configs:\n\
         \x20     - source_labels: [__address__]\n        target_label: __param_target\n\
         \x20     - source_labels: [__param_target]\n        target_label: instance\n\
         \x20     - target_label: __address__\n        replacement: '{exporter}'\n"
    )
}
