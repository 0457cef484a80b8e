//! Reading the YAML document.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::{Error, ErrorKind};

/// Vendor extensions the generator reads; every other `x-` key is
/// documentation (`x-source`, `x-departure`, `x-deviation`) and is removed
/// before generation so that it cannot change the generated code.
const GENERATOR_EXTENSIONS: &[&str] = &["x-rust-type", "x-enum-varnames"];

/// An OpenAPI document as written, with the file it came from.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file name used in messages.
    pub path: PathBuf,
    /// The whole document, extensions included, as JSON.
    pub json: Value,
}

impl Document {
    /// Reads and parses a YAML (or JSON) document.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::new(path, ErrorKind::Read(e)))?;
        Self::parse(path, &text)
    }

    /// Parses document text; `path` only names it in messages.
    pub fn parse(path: impl Into<PathBuf>, text: &str) -> Result<Self, Error> {
        let path = path.into();
        // JSON is YAML too, but its own parser reads it exactly and fast.
        let json: Value = if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| Error::new(&path, ErrorKind::Syntax(e.to_string())))?
        } else {
            vb365_yaml::parse(text).map_err(|e| Error::new(&path, ErrorKind::Syntax(e)))?
        };
        if !json.is_object() {
            return Err(Error::new(
                &path,
                ErrorKind::Shape {
                    pointer: String::from("/"),
                    message: String::from("the document must be a mapping"),
                },
            ));
        }
        let document = Self { path, json };
        document.openapi()?;
        Ok(document)
    }

    /// The document as progenitor's input type, with documentation-only
    /// extensions removed.
    pub fn openapi(&self) -> Result<openapiv3::OpenAPI, Error> {
        let mut json = self.json.clone();
        strip_documentation(&mut json);
        serde_path_to_error::deserialize(json).map_err(|e| {
            Error::new(
                &self.path,
                ErrorKind::Shape { pointer: path_to_pointer(e.path()), message: e.inner().to_string() },
            )
        })
    }

    /// The document as compact JSON, extensions included.
    pub fn to_json_string(&self) -> String {
        self.json.to_string()
    }

    /// The value at a JSON pointer.
    pub fn at(&self, pointer: &str) -> Option<&Value> {
        self.json.pointer(pointer)
    }
}

fn strip_documentation(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|k, _| !k.starts_with("x-") || GENERATOR_EXTENSIONS.contains(&k.as_str()));
            map.values_mut().for_each(strip_documentation);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_documentation),
        _ => {}
    }
}

/// Turns serde_path_to_error's path into a JSON pointer.
fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } => pointer.push_str(&crate::pointer_segment(key)),
            Segment::Enum { variant } => pointer.push_str(&crate::pointer_segment(variant)),
            Segment::Unknown => pointer.push('?'),
        }
    }
    if pointer.is_empty() {
        pointer.push('/');
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_errors_name_the_file() {
        let err = Document::parse("broken.yaml", "openapi: [3.0.3\n").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("broken.yaml: not valid YAML: line 1 column"), "{text}");
        assert!(!text.contains('\n'), "{text}");
        assert!(text.contains("cargo xtask validate"), "{text}");
    }

    #[test]
    fn shape_errors_point_at_the_value() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n";
        let err = Document::parse("d.yaml", text).unwrap_err();
        match err.kind {
            ErrorKind::Shape { pointer, message } => {
                assert!(message.contains("expected struct Responses"), "{message}");
                assert!(pointer.starts_with("/paths"), "{pointer}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn documentation_extensions_are_removed_for_generation() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: string, x-source: here, x-rust-type: {crate: c, version: '*', path: c::A}}\n";
        let doc = Document::parse("d.yaml", text).unwrap();
        let spec = doc.openapi().unwrap();
        let schema = serde_json::to_value(&spec.components.unwrap().schemas["A"]).unwrap();
        assert!(schema.get("x-source").is_none());
        assert!(schema.get("x-rust-type").is_some());
    }
}
