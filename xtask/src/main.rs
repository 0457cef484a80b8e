use std::process::ExitCode;

use xtask::roundtrip::CargoRoundTripper;
use xtask::{DOCUMENT, EXAMPLES, validate, workspace_root};

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  validate [--json]     check openapi/vb365.yaml and openapi/examples/
  generate [--out FILE] print the generated client (the code build.rs compiles)
  drift --against <FILE | URL> [--json] [--ca-cert FILE] [--insecure]
                        compare openapi/vb365.yaml with a server's published document;
                        exit status 1 when any difference is not recorded in an x-departure
  build-cost [--rounds N]
                        clean debug builds of one small program: with vb365 (default features
                        and none), with progenitor's own output of the same document, and the
                        floor (no code); prints the seconds and the ratios (a report: minutes)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["validate"] => run_validate(false),
        ["validate", "--json"] => run_validate(true),
        ["generate"] => run_generate(None),
        ["generate", "--out", file] => run_generate(Some(file)),
        ["drift", rest @ ..] => run_drift(rest),
        ["build-cost"] => run_build_cost(2),
        ["build-cost", "--rounds", n] => match n.parse() {
            Ok(rounds) if rounds > 0 => run_build_cost(rounds),
            _ => {
                eprintln!("--rounds takes a positive number, not `{n}`");
                ExitCode::from(2)
            }
        },
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run_validate(as_json: bool) -> ExitCode {
    let root = workspace_root();
    std::env::set_current_dir(&root).ok();
    let report = validate::validate(DOCUMENT.as_ref(), EXAMPLES.as_ref(), &CargoRoundTripper { root });
    if as_json {
        println!("{:#}", report.to_json());
    } else {
        print!("{}", report.to_text());
    }
    if report.ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn run_generate(out: Option<&str>) -> ExitCode {
    let path = workspace_root().join(DOCUMENT);
    let generated = vb365_codegen::Document::load(&path).and_then(|doc| vb365_codegen::generate(&doc));
    match (generated, out) {
        (Ok(code), None) => {
            print!("{code}");
            ExitCode::SUCCESS
        }
        (Ok(code), Some(file)) => match std::fs::write(file, code) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("cannot write {file}: {e}");
                ExitCode::FAILURE
            }
        },
        (Err(e), _) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_build_cost(rounds: usize) -> ExitCode {
    let root = workspace_root();
    let report = (|| {
        let doc = vb365_codegen::Document::load(root.join(DOCUMENT)).map_err(|e| e.to_string())?;
        let metadata = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
            .current_dir(&root)
            .output()
            .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
        if !metadata.status.success() {
            return Err(format!("cargo metadata failed: {}", String::from_utf8_lossy(&metadata.stderr).trim()));
        }
        let metadata: serde_json::Value =
            serde_json::from_slice(&metadata.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
        let all = doc.only(vb365_codegen::CAPABILITIES).to_json_string();
        let projects = xtask::build_cost::projects(&metadata, &root, &all, &doc.only(&[]).to_json_string())?;
        let dir = std::env::temp_dir().join(format!("vb365-build-cost-{}", std::process::id()));
        let report = xtask::build_cost::run(&projects, &root.join("Cargo.lock"), &dir, rounds);
        let _ = std::fs::remove_dir_all(&dir);
        report
    })();
    match report {
        Ok(report) => {
            print!("{}", report.to_text());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_drift(args: &[&str]) -> ExitCode {
    let mut against = None;
    let mut as_json = false;
    let mut tls = xtask::fetch::TlsOptions::default();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--against" => against = rest.next().copied(),
            "--json" => as_json = true,
            "--insecure" => tls.insecure = true,
            "--ca-cert" => match rest.next().map(std::fs::read) {
                Some(Ok(pem)) => tls.ca_cert = Some(pem),
                Some(Err(e)) => return usage(&format!("--ca-cert: {e}")),
                None => return usage("--ca-cert needs a file"),
            },
            other => return usage(&format!("unknown argument `{other}`")),
        }
    }
    let Some(against) = against else { return usage("drift needs --against <file or URL>") };
    let text = if against.starts_with("https://") || against.starts_with("http://") {
        xtask::fetch::fetch(against, &tls)
    } else {
        std::fs::read_to_string(against).map_err(|e| format!("{against}: {e}"))
    };
    let compared = text.and_then(|text| {
        let theirs = xtask::drift::parse(against, &text)?;
        let ours = vb365_codegen::Document::load(workspace_root().join(DOCUMENT)).map_err(|e| e.to_string())?;
        xtask::drift::compare(DOCUMENT, &ours.json, against, &theirs).map_err(|e| e.to_string())
    });
    match compared {
        Ok(report) => {
            if as_json {
                println!("{:#}", report.to_json());
            } else {
                print!("{}", report.to_text());
            }
            if report.ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("{problem}\n\n{USAGE}");
    ExitCode::from(2)
}
