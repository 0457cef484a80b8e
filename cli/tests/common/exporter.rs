//! A `vb365 exporter` started by a test, and what tests read of it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use vb365::simulator::Simulator;

/// A running `vb365 exporter`; killed when dropped.
pub struct Exporter {
    pub child: Child,
    pub url: String,
    pub dir: TempDir,
}

impl Exporter {
    /// What it wrote on standard error so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.0.join("exporter.log")).unwrap_or_default()
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A folder of this test's own under the system's temporary one.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        static MADE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("vb365-{name}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A configuration with the simulator as `sim` and a closed port as `gone`.
pub fn config(dir: &Path, sim: &Simulator) -> PathBuf {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let gone = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let path = dir.join("exporter.toml");
    let text = format!(
        "[targets.sim]\nurl = \"{}\"\nuser = \"administrator\"\npassword_env = \"SIM_PASSWORD\"\n\n\
         [targets.gone]\nurl = \"{gone}\"\nuser = \"administrator\"\npassword_env = \"SIM_PASSWORD\"\n",
        sim.url()
    );
    std::fs::write(&path, text).unwrap();
    path
}

pub fn exporter(sim: &Simulator, extra: &[&str]) -> Exporter {
    let dir = TempDir::new("exporter");
    let config = config(&dir.0, sim);
    exporter_with(dir, &config, sim.url(), extra)
}

/// An exporter of the configuration `config`, whose `/metrics` reads `url`.
pub fn exporter_with(dir: TempDir, config: &Path, url: &str, extra: &[&str]) -> Exporter {
    let log = std::fs::File::create(dir.0.join("exporter.log")).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_vb365"));
    command
        .args(["exporter", "--listen", "127.0.0.1:0", "--config", config.to_str().unwrap()])
        .args(extra)
        .env("VB365_URL", url)
        .env("VB365_USER", "administrator")
        .env("VB365_PASSWORD", "simulated-password")
        .env("SIM_PASSWORD", "simulated-password")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(log);
    let mut child = command.spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let url = first.split_whitespace().find(|w| w.starts_with("http")).expect(&first).to_owned();
    Exporter { child, url, dir }
}

pub async fn get(url: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut request = super::http().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The value of the one sample of `name` whose labels include `labels`.
pub fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines().filter(|l| !l.starts_with('#')).find_map(|line| {
        let (series, value) = line.rsplit_once(' ')?;
        let (metric, rest) = series.split_once('{').unwrap_or((series, ""));
        let matches = metric == name && labels.iter().all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")));
        matches.then(|| value.parse().ok()).flatten()
    })
}
