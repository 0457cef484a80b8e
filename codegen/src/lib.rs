//! Loads `openapi/vb365.yaml`, checks its structure and generates the client.
//!
//! `build.rs` and `cargo xtask` both call into this crate so that the code the
//! build compiles and the code the xtask inspects come from one set of
//! generation settings.
#![forbid(unsafe_code)]

mod capabilities;
mod codecs;
mod document;
mod enums;
mod families;
mod generate;
mod headers;
mod lenient;
mod paths;
mod prune;
mod sends;
mod structure;

pub use capabilities::{CAPABILITIES, enabled_in_build};
pub use codecs::roundtrip_codecs;
pub use document::Document;
pub use enums::{OpenEnum, open_enums};
pub use families::{Family, Member, families};
pub use generate::{generate, settings};
pub use structure::{Problem, check};

use std::fmt;
use std::path::PathBuf;

/// Why a document could not be loaded or turned into code.
///
/// The `Display` form names the file, says what is wrong and where, and
/// points at `cargo xtask validate` for the full report.
#[derive(Debug)]
pub struct Error {
    /// The document the error is about, as the caller named it.
    pub file: PathBuf,
    /// What went wrong.
    pub kind: ErrorKind,
}

/// What went wrong with a document.
#[derive(Debug)]
pub enum ErrorKind {
    /// The file could not be read.
    Read(std::io::Error),
    /// The file is not valid YAML (or JSON).
    Syntax(String),
    /// The YAML is not an OpenAPI 3.0 document; `pointer` locates the value.
    Shape { pointer: String, message: String },
    /// The document parses but breaks a structural rule.
    Structure(Vec<Problem>),
    /// progenitor could not generate a client from the document.
    Generator(String),
}

impl Error {
    pub(crate) fn new(file: impl Into<PathBuf>, kind: ErrorKind) -> Self {
        Self { file: file.into(), kind }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display();
        match &self.kind {
            ErrorKind::Read(e) => write!(f, "{file}: cannot read the document: {e}")?,
            ErrorKind::Syntax(m) => write!(f, "{file}: not valid YAML: {m}")?,
            ErrorKind::Shape { pointer, message } => {
                write!(f, "{file}: not an OpenAPI 3.0 document at {pointer}: {message}")?
            }
            ErrorKind::Structure(problems) => {
                let first = problems.first().map(ToString::to_string).unwrap_or_default();
                write!(f, "{file}: {first}")?;
                if problems.len() > 1 {
                    write!(f, " (and {} more problems)", problems.len() - 1)?;
                }
            }
            ErrorKind::Generator(m) => write!(f, "{file}: progenitor cannot generate a client: {m}")?,
        }
        write!(f, "; run `cargo xtask validate` for the full report")
    }
}

impl std::error::Error for Error {}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
