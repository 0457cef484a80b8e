use std::process::ExitCode;

use xtask::roundtrip::CargoRoundTripper;
use xtask::{DOCUMENT, EXAMPLES, validate, workspace_root};

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  validate [--json]     check openapi/vb365.yaml and openapi/examples/
  generate [--out FILE] print the generated client (the code build.rs compiles)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["validate"] => run_validate(false),
        ["validate", "--json"] => run_validate(true),
        ["generate"] => run_generate(None),
        ["generate", "--out", file] => run_generate(Some(file)),
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
