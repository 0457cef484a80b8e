//! `cargo xtask build-cost`: what a clean debug build of a small program
//! costs with vb365, against two yardsticks built in the same run (this
//! machine's clean builds drift by seconds, so only ratios within one run
//! compare):
//!
//! - **the floor**: vb365's run-time dependencies and progenitor as a build
//!   dependency, an empty build script, no code (as
//!   the downstream-build benchmark of the project's harness builds it);
//! - **progenitor's own output** for the same document: a build script that
//!   runs progenitor with its default settings and formats with
//!   prettyplease, nothing added, for every capability and for `core` alone.
//!   It says how much of vb365's cost the document brings with it (what any
//!   build-time progenitor client of this document pays) and how much is
//!   vb365's own (builders, facade, lenient values).
//!
//! Every program makes the same call: list an organization's backup
//! accounts. The figures are a report, never a pass or fail.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

/// One program to build: its name and its files (path, text).
#[derive(Debug, Clone)]
pub struct Project {
    pub name: &'static str,
    pub files: Vec<(String, String)>,
}

const ORGANIZATION: &str = "6f9b3da3-204d-4a4b-b466-55586e0233fc";

/// The build dependencies progenitor's own output needs, as `vb365-codegen`
/// names them.
const GENERATOR_CRATES: &[&str] = &["openapiv3", "prettyplease", "progenitor", "serde_json", "syn"];

/// The programs, from `cargo metadata --no-deps` of the workspace and the
/// document as JSON for every capability (`all`) and for `core` alone.
pub fn projects(metadata: &Value, root: &Path, all: &str, core: &str) -> Result<Vec<Project>, String> {
    let package = |name: &str| {
        metadata["packages"]
            .as_array()
            .and_then(|p| p.iter().find(|p| p["name"] == name))
            .ok_or_else(|| format!("cargo metadata lists no package `{name}`"))
    };
    let runtime = dependency_lines(package("vb365")?, |d| {
        d["kind"].is_null() && d["optional"] == false && d["source"].is_string()
    });
    let generator = dependency_lines(package("vb365-codegen")?, |d| {
        d["kind"].is_null() && GENERATOR_CRATES.contains(&d["name"].as_str().unwrap_or_default())
    });
    let progenitor = dependency_lines(package("vb365-codegen")?, |d| d["kind"].is_null() && d["name"] == "progenitor");
    if progenitor.is_empty() || generator.len() != GENERATOR_CRATES.len() {
        return Err(format!("vb365-codegen must depend on {}", GENERATOR_CRATES.join(", ")));
    }
    let tokio = r#"tokio = { version = "1", features = ["rt", "macros"] }"#;
    let manifest = |name: &str, deps: &[String], build: &[String]| {
        let mut text = format!("[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n");
        text += &format!("[dependencies]\n{}\n", deps.join("\n"));
        if !build.is_empty() {
            text += &format!("[build-dependencies]\n{}\n", build.join("\n"));
        }
        text + "[workspace]\n"
    };
    let vb365 = |name: &'static str, extra: &str| Project {
        name,
        files: vec![
            (
                "Cargo.toml".into(),
                manifest(name, &[format!("vb365 = {{ path = {:?}{extra} }}", root.display()), tokio.into()], &[]),
            ),
            ("src/main.rs".into(), program("vb365::Client::builder(\"https://127.0.0.1:1\").build().unwrap()", "id")),
        ],
    };
    // `runtime` has vb365's tokio with `rt` and `macros` added, which `main` needs.
    let plain = |name: &'static str, document: &str| Project {
        name,
        files: vec![
            ("Cargo.toml".into(), manifest(name, &runtime, &generator)),
            ("build.rs".into(), PLAIN_BUILD.into()),
            ("doc.json".into(), document.into()),
            ("src/lib.rs".into(), PLAIN_INCLUDE.into()),
            ("src/main.rs".into(), plain_program(&name.replace('-', "_"))),
        ],
    };
    Ok(vec![
        Project {
            name: "floor",
            files: vec![
                ("Cargo.toml".into(), manifest("floor", &runtime, &progenitor)),
                ("build.rs".into(), "fn main() {}\n".into()),
                ("src/main.rs".into(), "fn main() {\n    println!(\"floor\");\n}\n".into()),
            ],
        },
        plain("progenitor-all", all),
        plain("progenitor-core", core),
        vb365("vb365-default", ""),
        vb365("vb365-minimal", ", default-features = false"),
    ])
}

/// A dependency as a manifest line, with the version requirement and
/// features the workspace resolved it with.
fn dependency_lines(package: &Value, keep: impl Fn(&Value) -> bool) -> Vec<String> {
    let deps = package["dependencies"].as_array().map(Vec::as_slice).unwrap_or_default();
    deps.iter()
        .filter(|d| keep(d))
        .map(|d| {
            let name = d["name"].as_str().unwrap_or_default();
            let key = d["rename"].as_str().unwrap_or(name);
            let mut features: Vec<&str> =
                d["features"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            if name == "tokio" {
                features.extend(["rt", "macros"]);
            }
            features.sort_unstable();
            features.dedup();
            let defaults = if d["uses_default_features"] == false { ", default-features = false" } else { "" };
            format!(
                "{key:?} = {{ package = {name:?}, version = {:?}{defaults}, features = {features:?} }}",
                d["req"].as_str().unwrap_or("*")
            )
        })
        .collect()
}

/// The programs' one call, `client` being how to make one.
fn program(client: &str, id: &str) -> String {
    format!(
        "#[tokio::main(flavor = \"current_thread\")]\nasync fn main() {{\n    let client = {client};\n    let {id} = \"{ORGANIZATION}\".parse().unwrap();\n    println!(\"{{:?}}\", client.list_backup_accounts({id}).await.map(|a| a.len()));\n}}\n"
    )
}

/// The program over the generated library (a library, as vb365 is, so
/// that all of it is compiled, not only what `main` reaches).
fn plain_program(krate: &str) -> String {
    // progenitor's positional methods take path parameters by reference.
    program(&format!("{krate}::Client::new(\"https://127.0.0.1:1\")"), "id")
        .replace("list_backup_accounts(id)", "list_backup_accounts(&id)")
}

const PLAIN_INCLUDE: &str = "include!(concat!(env!(\"OUT_DIR\"), \"/client.rs\"));\n";

/// progenitor's default settings, as its own `example-build` runs it.
const PLAIN_BUILD: &str = r#"fn main() {
    println!("cargo::rerun-if-changed=doc.json");
    let text = std::fs::read_to_string("doc.json").expect("doc.json");
    let spec: openapiv3::OpenAPI = serde_json::from_str(&text).expect("an OpenAPI document");
    let settings = progenitor::GenerationSettings::default();
    let tokens = progenitor::Generator::new(&settings).generate_tokens(&spec).expect("progenitor generates");
    let file: syn::File = syn::parse2(tokens).expect("progenitor's output parses");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("client.rs");
    std::fs::write(out, prettyplease::unparse(&file)).expect("OUT_DIR is writable");
}
"#;

/// Seconds of each clean build, by project, in the order built.
#[derive(Debug, Default)]
pub struct Report {
    pub builds: Vec<(usize, &'static str, f64)>,
}

/// Writes the projects under `dir`, fetches their dependencies, then
/// builds each from clean `rounds` times, alternating.
pub fn run(projects: &[Project], lock: &Path, dir: &Path, rounds: usize) -> Result<Report, String> {
    for project in projects {
        let home = dir.join(project.name);
        for (path, text) in &project.files {
            let file = home.join(path);
            std::fs::create_dir_all(file.parent().unwrap_or(&home)).map_err(|e| format!("{}: {e}", home.display()))?;
            std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
        }
        std::fs::copy(lock, home.join("Cargo.lock")).map_err(|e| format!("{}: {e}", lock.display()))?;
        cargo(&home, &dir.join("target-fetch"), &["fetch", "-q"])?;
    }
    let mut report = Report::default();
    for round in 1..=rounds {
        for project in projects {
            let target = dir.join(format!("target-{}", project.name));
            let _ = std::fs::remove_dir_all(&target);
            let started = Instant::now();
            cargo(&dir.join(project.name), &target, &["build", "-q"])?;
            let seconds = started.elapsed().as_secs_f64();
            eprintln!("round {round}: {} {seconds:.1} s", project.name);
            report.builds.push((round, project.name, seconds));
        }
    }
    Ok(report)
}

fn cargo(home: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(home)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
    Err(format!(
        "`cargo {}` in {} failed:\n{}",
        args.join(" "),
        home.display(),
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    ))
}

impl Report {
    /// The mean seconds of a project's builds.
    pub fn mean(&self, name: &str) -> Option<f64> {
        let times: Vec<f64> = self.builds.iter().filter(|b| b.1 == name).map(|b| b.2).collect();
        (!times.is_empty()).then(|| times.iter().sum::<f64>() / times.len() as f64)
    }

    /// Each project's mean and its ratio over the floor; then vb365 over
    /// progenitor's own output of the same capabilities.
    pub fn to_text(&self) -> String {
        let mut text = String::from("| program | mean of clean builds | over the floor |\n| --- | --- | --- |\n");
        let floor = self.mean("floor");
        for name in ["floor", "progenitor-core", "progenitor-all", "vb365-minimal", "vb365-default"] {
            if let Some(mean) = self.mean(name) {
                let ratio = floor.map_or(String::from("-"), |f| format!("{:.2}", mean / f));
                let _ = writeln!(text, "| {name} | {mean:.1} s | {ratio} |");
            }
        }
        for (ours, theirs) in [("vb365-minimal", "progenitor-core"), ("vb365-default", "progenitor-all")] {
            if let (Some(a), Some(b)) = (self.mean(ours), self.mean(theirs)) {
                let _ = writeln!(text, "{ours} over {theirs}: {:.2}", a / b);
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata() -> Value {
        serde_json::json!({ "packages": [
            { "name": "vb365", "dependencies": [
                { "name": "serde", "req": "^1", "kind": null, "optional": false, "features": ["derive"],
                  "uses_default_features": true, "source": "registry+https://github.com/rust-lang/crates.io-index" },
                { "name": "tokio", "req": "^1.52", "kind": null, "optional": false, "features": ["sync"],
                  "uses_default_features": false, "source": "registry+https://github.com/rust-lang/crates.io-index" },
                { "name": "axum", "req": "^0.8", "kind": null, "optional": true, "features": [],
                  "uses_default_features": false, "source": "registry+https://github.com/rust-lang/crates.io-index" },
                { "name": "rcgen", "req": "^0.14", "kind": "dev", "optional": false, "features": [],
                  "uses_default_features": false, "source": "registry+https://github.com/rust-lang/crates.io-index" },
                { "name": "vb365-contract", "req": "*", "kind": null, "optional": false, "features": [],
                  "uses_default_features": true, "source": null }
            ]},
            { "name": "vb365-codegen", "dependencies": GENERATOR_CRATES.iter().chain(&["vb365-yaml"]).map(|name| serde_json::json!({
                "name": name, "req": "^1", "kind": null, "optional": false,
                "features": if *name == "syn" { vec!["full"] } else { vec![] },
                "uses_default_features": *name != "progenitor", "source": "registry+https://github.com/rust-lang/crates.io-index"
            })).collect::<Vec<_>>() }
        ]})
    }

    fn file<'a>(projects: &'a [Project], name: &str, path: &str) -> &'a str {
        let project = projects.iter().find(|p| p.name == name).expect(name);
        &project.files.iter().find(|f| f.0 == path).expect(path).1
    }

    #[test]
    fn the_floor_has_the_run_time_dependencies_and_progenitor_and_no_code() {
        let projects = projects(&metadata(), Path::new("/src/vb365"), "{}", "{}").unwrap();
        let floor = file(&projects, "floor", "Cargo.toml");
        assert!(floor.contains(r#""serde" = { package = "serde", version = "^1", features = ["derive"] }"#), "{floor}");
        assert!(floor.contains(r#"default-features = false, features = ["macros", "rt", "sync"]"#), "{floor}");
        assert_eq!(floor.matches("tokio").count(), 2, "{floor}");
        assert!(floor.contains("[build-dependencies]\n\"progenitor\""), "{floor}");
        for absent in ["axum", "rcgen", "vb365-contract", "prettyplease", "vb365-yaml"] {
            assert!(!floor.contains(absent), "{absent} in {floor}");
        }
        assert_eq!(file(&projects, "floor", "build.rs"), "fn main() {}\n");
    }

    #[test]
    fn progenitors_own_output_is_generated_with_its_defaults_from_each_document() {
        let projects = projects(&metadata(), Path::new("/src/vb365"), "{\"all\":1}", "{\"core\":1}").unwrap();
        assert_eq!(file(&projects, "progenitor-all", "doc.json"), "{\"all\":1}");
        assert_eq!(file(&projects, "progenitor-core", "doc.json"), "{\"core\":1}");
        let manifest = file(&projects, "progenitor-all", "Cargo.toml");
        let build = manifest.split("[build-dependencies]").nth(1).unwrap();
        for name in GENERATOR_CRATES {
            assert!(build.contains(&format!("{name:?} = ")), "{name} in {manifest}");
        }
        assert!(build.contains(r#"features = ["full"]"#), "{build}");
        assert!(!manifest.contains("vb365"), "{manifest}");
        let build_rs = file(&projects, "progenitor-all", "build.rs");
        assert!(build_rs.contains("GenerationSettings::default()") && build_rs.contains("prettyplease::unparse"));
        let main = file(&projects, "progenitor-all", "src/main.rs");
        assert!(main.contains("progenitor_all::Client::new") && main.contains("list_backup_accounts(&id)"), "{main}");
        assert!(file(&projects, "progenitor-all", "src/lib.rs").contains("include!"));
    }

    #[test]
    fn the_vb365_programs_differ_only_in_default_features() {
        let projects = projects(&metadata(), Path::new("/src/vb365"), "{}", "{}").unwrap();
        let default = file(&projects, "vb365-default", "Cargo.toml");
        let minimal = file(&projects, "vb365-minimal", "Cargo.toml");
        assert!(default.contains(r#"vb365 = { path = "/src/vb365" }"#), "{default}");
        assert_eq!(minimal.replace(", default-features = false", "").replace("minimal", "default"), default);
    }

    #[test]
    fn a_missing_generator_crate_is_named() {
        let mut metadata = metadata();
        metadata["packages"][1]["dependencies"].as_array_mut().unwrap().remove(0);
        let error = projects(&metadata, Path::new("/"), "{}", "{}").unwrap_err();
        assert!(error.contains("openapiv3"), "{error}");
    }

    #[test]
    fn the_report_gives_ratios_over_the_floor_and_over_progenitors_own_output() {
        let report = Report {
            builds: vec![
                (1, "floor", 40.0),
                (1, "progenitor-all", 52.0),
                (1, "vb365-default", 60.0),
                (2, "floor", 44.0),
                (2, "progenitor-all", 50.0),
                (2, "vb365-default", 66.0),
            ],
        };
        let text = report.to_text();
        assert!(text.contains("| floor | 42.0 s | 1.00 |"), "{text}");
        assert!(text.contains("| progenitor-all | 51.0 s | 1.21 |"), "{text}");
        assert!(text.contains("| vb365-default | 63.0 s | 1.50 |"), "{text}");
        assert!(text.contains("vb365-default over progenitor-all: 1.24"), "{text}");
        assert!(!text.contains("progenitor-core"), "{text}");
    }
}
