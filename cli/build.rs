//! Names the revision the binary is built from (`vb365_exporter_build_info`):
//! the commit of the checkout, or `unknown` outside one.

use std::process::Command;

fn main() {
    let git = |args: &[&str]| {
        let output = Command::new("git").args(args).output().ok().filter(|o| o.status.success())?;
        Some(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    let revision = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| String::from("unknown"));
    println!("cargo::rustc-env=VB365_REVISION={revision}");
    // Built again when the checkout moves to another commit.
    if let Some(dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        println!("cargo::rerun-if-changed={dir}/HEAD");
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
            println!("cargo::rerun-if-changed={dir}/{branch}");
        }
        println!("cargo::rerun-if-changed={dir}/packed-refs");
    }
    println!("cargo::rerun-if-changed=build.rs");
}
