//! Generates `codec_for`, the Rust type of every operation's bodies, from
//! `openapi/vb365.yaml` (see `vb365_codegen::roundtrip_codecs`).

use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let document = root.join("../../openapi/vb365.yaml");
    println!("cargo::rerun-if-changed={}", document.display());
    let out = Path::new(&std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("codecs.rs");
    let generated = vb365_codegen::Document::load(&document).and_then(|doc| vb365_codegen::roundtrip_codecs(&doc));
    match generated.map(|code| std::fs::write(&out, code)) {
        Ok(Ok(())) => {}
        Ok(Err(e)) => println!("cargo::error=cannot write {}: {e}", out.display()),
        Err(e) => println!("cargo::error={e}"),
    }
}
