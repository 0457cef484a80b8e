//! Project tasks, as plain Rust (`cargo xtask <task>`).
//!
//! - `validate [--json]`: checks `openapi/vb365.yaml` and every recorded
//!   example (structure, JSON Schema, round trip through the Rust types).
//! - `generate [--out FILE]`: prints the client `build.rs` generates, with
//!   the same settings, for review.
//! - `drift --against <file or URL> [--json] [--ca-cert FILE] [--insecure]`:
//!   compares the document with a server's published one.
//! - `build-cost [--rounds N]`: what a clean build of a small program costs
//!   with vb365, against the floor and progenitor's own output of the same
//!   document (a report).
//!
//! The checks also run inside `cargo test` (see `tests/`).
#![forbid(unsafe_code)]

pub mod build_cost;
pub mod drift;
pub mod fetch;
pub mod roundtrip;
pub mod validate;

use std::path::{Path, PathBuf};

/// The workspace root (the folder above `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_owned).unwrap_or_default()
}

/// The OpenAPI document, relative to the workspace root.
pub const DOCUMENT: &str = "openapi/vb365.yaml";
/// The recorded examples, relative to the workspace root.
pub const EXAMPLES: &str = "openapi/examples";
