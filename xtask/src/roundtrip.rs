//! Runs the round trip in its own process (`vb365-roundtrip`), which links
//! the generated client: if the document does not generate, only this step
//! fails and the rest of the report still appears.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::validate::{RoundTripper, Trip};

/// Builds and runs `vb365-roundtrip` with cargo in the workspace at `root`.
#[derive(Debug)]
pub struct CargoRoundTripper {
    /// The workspace root.
    pub root: PathBuf,
}

impl RoundTripper for CargoRoundTripper {
    fn round_trip(&self, files: &[PathBuf]) -> Result<BTreeMap<PathBuf, Trip>, String> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let output = Command::new(cargo)
            .current_dir(&self.root)
            .args(["run", "--quiet", "--package", "vb365-roundtrip", "--"])
            .args(files)
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let reason = stderr.lines().find(|l| l.starts_with("error")).unwrap_or("see `cargo build`");
            return Err(format!("the generated client does not build: {reason}"));
        }
        parse(&String::from_utf8_lossy(&output.stdout))
    }
}

/// Reads `vb365-roundtrip`'s output: one JSON object per line.
pub fn parse(stdout: &str) -> Result<BTreeMap<PathBuf, Trip>, String> {
    stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: Value = serde_json::from_str(line).map_err(|e| format!("unreadable round-trip output: {e}"))?;
            let file = Path::new(v["file"].as_str().unwrap_or_default()).to_owned();
            let trip = if let Some(json) = v.get("json") {
                Trip::Json(json.clone())
            } else if let Some(form) = v.get("form").and_then(Value::as_array) {
                Trip::Form(
                    form.iter()
                        .filter_map(|pair| Some((pair.get(0)?.as_str()?.to_owned(), pair.get(1)?.as_str()?.to_owned())))
                        .collect(),
                )
            } else if v.get("empty").is_some() {
                Trip::Empty
            } else {
                Trip::Failed {
                    pointer: v["pointer"].as_str().unwrap_or_default().to_owned(),
                    message: v["error"].as_str().unwrap_or("failed").to_owned(),
                }
            };
            Ok((file, trip))
        })
        .collect()
}
