//! Generates the typed client from `openapi/vb365.yaml` into `OUT_DIR`:
//! the operations of the capabilities whose cargo features are on (`core`
//! always), and the types they reach. The logic lives in `vb365-codegen`,
//! which `cargo xtask` shares.

use std::path::{Path, PathBuf};

fn main() {
    let document = Path::new("openapi/vb365.yaml");
    println!("cargo::rerun-if-changed={}", document.display());
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("vb365.rs");
    let capabilities = vb365_codegen::enabled_in_build();
    let generated =
        vb365_codegen::Document::load(document).and_then(|doc| vb365_codegen::generate(&doc.only(&capabilities)));
    match generated {
        Ok(code) => {
            if let Err(e) = std::fs::write(&out, code) {
                println!("cargo::error=cannot write {}: {e}", out.display());
            }
        }
        Err(e) => println!("cargo::error={e}"),
    }
}
