//! The systemd unit `deploy/systemd/vb365-exporter.service`, checked by
//! systemd's own `systemd-analyze` (Debian's `systemd`): it verifies
//! without a warning, its exposure is rated OK, and the command it starts
//! takes every option it gives.

mod common;

use std::process::Command;

use common::exporter::TempDir;

const UNIT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/systemd/vb365-exporter.service");

/// The unit as shipped, starting the binary under test.
fn unit(dir: &TempDir) -> std::path::PathBuf {
    let text = std::fs::read_to_string(UNIT).unwrap().replace("/usr/local/bin/vb365", env!("CARGO_BIN_EXE_vb365"));
    let path = dir.0.join("vb365-exporter.service");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn systemd_verifies_the_unit_without_a_warning_and_rates_it_ok() {
    let Some(analyze) = common::tool("systemd-analyze", "systemd") else { return };
    let dir = TempDir::new("unit");
    let path = unit(&dir);
    let verify = Command::new(&analyze).arg("verify").arg(&path).output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&verify.stdout), String::from_utf8_lossy(&verify.stderr));
    assert!(verify.status.success(), "systemd-analyze verify: {said}");
    // Unknown keys and values it cannot parse are only warnings: none may be said.
    assert!(said.trim().is_empty(), "systemd-analyze verify warns:\n{said}");
    let security = Command::new(&analyze).args(["security", "--offline=yes"]).arg(&path).output().unwrap();
    let report = String::from_utf8_lossy(&security.stdout);
    let level = report.lines().find(|l| l.contains("Overall exposure level")).unwrap_or_else(|| panic!("{report}"));
    assert!(level.contains(" OK"), "the hardening is rated: {level}");
}

#[test]
fn the_unit_starts_the_exporter_with_options_it_takes_and_no_password() {
    let text = std::fs::read_to_string(UNIT).unwrap();
    let start = text.lines().find_map(|l| l.strip_prefix("ExecStart=")).unwrap();
    let mut words = start.split_whitespace();
    assert_eq!(words.next(), Some("/usr/local/bin/vb365"));
    // clap refuses an unknown option before it answers --help.
    let help = Command::new(env!("CARGO_BIN_EXE_vb365")).args(words).arg("--help").output().unwrap();
    assert!(help.status.success(), "{}", String::from_utf8_lossy(&help.stderr));
    assert!(text.contains("LoadCredential=") && text.contains("DynamicUser=yes"));
    assert!(!text.contains("PASSWORD="), "a password never in the unit");
    assert!(text.contains("ExecReload=/bin/kill -HUP $MAINPID"), "systemctl reload reads the configuration again");
}
