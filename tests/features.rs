//! The capabilities are cargo features: without them their methods do not
//! exist. A small program is checked against the library twice, with
//! `default-features = false` (it must not compile, for want of exactly the
//! methods of the capabilities left out) and with those capabilities (it
//! must), so that the first failure cannot come from anything else.

use std::path::{Path, PathBuf};
use std::process::Command;

const PROGRAM: &str = r#"
pub async fn uses(client: vb365::Client, id: uuid::Uuid) {
    let _ = client.job_sessions(vb365::JobSessionFilter::all());
    let _ = client.get_restore_session(id).await;
    let _ = client.remove_job(id).await;
    let _ = client.list_backup_accounts(id).await;
}
"#;

fn probe(dir: &Path, features: &str) -> (bool, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"feature-probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\n[lib]\npath = \"src/lib.rs\"\n\
         [dependencies]\nvb365 = {{ path = {root:?}, default-features = false{features} }}\nuuid = \"1\"\n[workspace]\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("src/lib.rs"), PROGRAM).unwrap();
    // The workspace's lock file, so that the probe resolves what is cached.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let target: PathBuf = root.join("target").join("feature-probe");
    let output = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--quiet", "--message-format", "short"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .unwrap();
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn without_their_features_monitoring_jobs_and_restore_methods_do_not_exist() {
    let dir = std::env::temp_dir().join(format!("vb365-feature-probe-{}", std::process::id()));
    let (built, errors) = probe(&dir, "");
    assert!(!built, "a core-only build has the methods of every capability");
    for method in ["job_sessions", "get_restore_session", "remove_job"] {
        assert!(errors.contains(&format!("no method named `{method}`")), "{method}: {errors}");
    }
    assert!(!errors.contains("list_backup_accounts"), "core is always there: {errors}");
    let (built, errors) = probe(&dir, ", features = [\"monitoring\", \"jobs\", \"restore\"]");
    assert!(built, "with the capabilities the program builds: {errors}");
    let _ = std::fs::remove_dir_all(&dir);
}
