//! `vb365 exporter` as a service administrators run: TLS and basic
//! authentication from an exporter-toolkit web configuration, the health
//! and readiness endpoints, its build, its log in logfmt or JSON from a
//! level up, and SIGHUP reading its files again.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::exporter::{TempDir, config, exporter, exporter_with, get, sample};
use vb365::ApiVersion;
use vb365::simulator::{Simulator, SimulatorConfig};

async fn simulator() -> Simulator {
    let mut config = SimulatorConfig::default();
    config.versions = vec![ApiVersion::V8];
    Simulator::start_with(config).await.unwrap()
}

/// A certificate for 127.0.0.1 and its key, in PEM.
fn certificate() -> (String, String) {
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec![String::from("127.0.0.1"), String::from("localhost")]).unwrap();
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), key.serialize_pem())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_and_basic_authentication_from_a_node_exporter_web_configuration() {
    let sim = simulator().await;
    let dir = TempDir::new("exporter-web");
    let (cert, key) = certificate();
    std::fs::write(dir.0.join("exporter.crt"), &cert).unwrap();
    std::fs::write(dir.0.join("exporter.key"), &key).unwrap();
    let hash = bcrypt::hash("scrape-secret", 4).unwrap();
    // Relative paths are read from the file's own folder, as exporter-toolkit does.
    let web = format!(
        "tls_server_config:\n  cert_file: exporter.crt\n  key_file: exporter.key\n  min_version: TLS12\n\
         basic_auth_users:\n  prometheus: '{hash}'\n"
    );
    std::fs::write(dir.0.join("web.yml"), web).unwrap();
    let config = config(&dir.0, &sim);
    let web_file = dir.0.join("web.yml").to_str().unwrap().to_owned();
    let exporter = exporter_with(dir, &config, sim.url(), &["--web.config.file", &web_file]);
    assert!(exporter.url.starts_with("https://"), "{}", exporter.url);

    let _ = rustls::crypto::ring::default_provider().install_default();
    let trusted = reqwest::Certificate::from_pem(cert.as_bytes()).unwrap();
    let client = reqwest::Client::builder().tls_certs_merge([trusted]).build().unwrap();
    let ask = |path: &str, user: Option<(&str, &str)>| {
        let mut request = client.get(format!("{}{path}", exporter.url));
        if let Some((user, password)) = user {
            request = request.basic_auth(user, Some(password));
        }
        async move {
            let response = request.send().await.unwrap();
            let challenge = response.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_owned());
            (response.status().as_u16(), challenge, response.text().await.unwrap())
        }
    };
    let (status, challenge, _) = ask("/-/healthy", None).await;
    assert_eq!((status, challenge.as_deref()), (401, Some("Basic realm=\"vb365\"")));
    assert_eq!(ask("/probe?target=sim", Some(("prometheus", "wrong"))).await.0, 401);
    assert_eq!(ask("/probe?target=sim", Some(("grafana", "scrape-secret"))).await.0, 401);
    let (status, _, text) = ask("/-/healthy", Some(("prometheus", "scrape-secret"))).await;
    assert_eq!((status, text.as_str()), (200, "Healthy.\n"));
    let (status, _, text) = ask("/probe?target=sim", Some(("prometheus", "scrape-secret"))).await;
    assert_eq!(status, 200);
    assert_eq!(sample(&text, "vb365_up", &[("server", "sim")]), Some(1.0), "{text}");
    // Plain HTTP to the TLS port gets no answer.
    let plain = exporter.url.replacen("https://", "http://", 1);
    assert!(common::http().get(format!("{plain}/-/healthy")).send().await.is_err(), "plain HTTP is refused");
    assert!(!exporter.log().contains("scrape-secret"), "{}", exporter.log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_web_configuration_with_a_mistake_keeps_the_exporter_from_starting() {
    let dir = TempDir::new("exporter-web-bad");
    std::fs::write(dir.0.join("web.yml"), "basic_auth_users:\n  prometheus: not-a-hash\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_vb365"))
        .args(["exporter", "--listen", "127.0.0.1:0", "--url", "http://127.0.0.1:1", "--user", "u"])
        .arg("--web.config.file")
        .arg(dir.0.join("web.yml"))
        .env("VB365_PASSWORD", "x")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "it must not say it listens");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let expected =
        format!("vb365: {}:2: basic_auth_users.prometheus: is not a bcrypt hash", dir.0.join("web.yml").display());
    assert!(stderr.starts_with(&expected), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_build() {
    let sim = simulator().await;
    let exporter = exporter(&sim, &[]);
    assert_eq!(get(&format!("{}/-/healthy", exporter.url), &[]).await, (200, String::from("Healthy.\n")));
    assert_eq!(get(&format!("{}/-/ready", exporter.url), &[]).await, (200, String::from("Ready.\n")));
    let (_, own) = get(&format!("{}/metrics", exporter.url), &[]).await;
    let build = own.lines().find(|l| l.starts_with("vb365_exporter_build_info{")).expect(&own);
    assert!(build.starts_with("vb365_exporter_build_info{version=\"0.1.0\",revision=\""), "{build}");
    assert!(build.ends_with("} 1"), "{build}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_is_logfmt_or_json_from_its_level_up() {
    let sim = simulator().await;
    let verbose = exporter(&sim, &["--log.format", "json", "--log.level", "debug"]);
    get(&format!("{}/probe?target=sim", verbose.url), &[]).await;
    get(&format!("{}/probe?target=gone", verbose.url), &[]).await;
    let log = verbose.log();
    let lines: Vec<serde_json::Value> =
        log.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    assert!(lines.iter().all(|l| l["ts"].is_string() && l["level"].is_string() && l["msg"].is_string()), "{log}");
    assert!(lines.iter().any(|l| l["msg"] == "listening" && l["level"] == "info"), "{log}");
    assert!(lines.iter().any(|l| l["msg"] == "read" && l["target"] == "sim" && l["up"] == "1"), "{log}");
    let down = lines.iter().find(|l| l["msg"] == "server down").expect(&log);
    assert_eq!((down["target"].as_str(), down["reason"].as_str()), (Some("gone"), Some("connect")));

    let quiet = exporter(&sim, &["--log.level", "warn"]);
    get(&format!("{}/probe?target=gone", quiet.url), &[]).await;
    let log = quiet.log();
    assert!(!log.contains("level=info") && log.contains("level=warn msg=\"server down\" target=gone"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reads_the_configuration_again_and_a_broken_one_keeps_the_old() {
    let sim = simulator().await;
    let exporter = exporter(&sim, &[]);
    let probe = |target: &str| format!("{}/probe?target={target}", exporter.url);
    assert_eq!(get(&probe("sim"), &[]).await.0, 200);
    assert_eq!(get(&probe("second"), &[]).await.0, 404);
    let path = exporter.dir.0.join("exporter.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&format!(
        "\n[targets.second]\nurl = \"{}\"\nuser = \"administrator\"\npassword_env = \"SIM_PASSWORD\"\n",
        sim.url()
    ));
    std::fs::write(&path, &text).unwrap();
    let hangup =
        || assert!(Command::new("kill").args(["-HUP", &exporter.child.id().to_string()]).status().unwrap().success());
    hangup();
    wait_for(|| exporter.log().contains("msg=\"configuration reloaded\" targets=3")).await;
    let (status, second) = get(&probe("second"), &[]).await;
    assert_eq!(status, 200);
    assert_eq!(sample(&second, "vb365_up", &[("server", "second")]), Some(1.0), "{second}");
    get(&probe("sim"), &[]).await;
    assert_eq!(sim.count("create_token"), 2, "the unchanged target kept its login; the new one logged in");

    std::fs::write(&path, "[targets.broken\n").unwrap();
    hangup();
    wait_for(|| exporter.log().contains("msg=\"configuration not reloaded; the one in force stays\"")).await;
    assert!(exporter.log().contains("exporter.toml:1: "), "the error names the file and line: {}", exporter.log());
    assert_eq!(get(&probe("second"), &[]).await.0, 200, "the old configuration is still in force");
}

/// Waits (at most ten seconds) for `done`.
async fn wait_for(done: impl Fn() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(10), "waited ten seconds in vain");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
