//! The recorded examples in `openapi/examples/`.
//!
//! A file's name says what it is (see that folder's README):
//! `<operationId>.request[.<label>][.constructed].<ext>` or
//! `<operationId>.response.<status>[.<label>][.constructed].<ext>`,
//! where `ext` is `json`, `form`, `empty` or `bin` (bytes, for a file the
//! server sends as `application/octet-stream`).

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Direction;

/// How an example's body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A JSON body.
    Json,
    /// An `application/x-www-form-urlencoded` body.
    Form,
    /// No body; the file is empty.
    Empty,
    /// Bytes as the server sends them (`application/octet-stream`).
    Bytes,
}

/// What an example file's name says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleName {
    /// The operationId.
    pub operation: String,
    /// Request, or response with its status.
    pub direction: Direction,
    /// Tells apart several examples of one operation and direction.
    pub label: Option<String>,
    /// Built from the facts file rather than taken from an archived page.
    pub constructed: bool,
    /// How the body is written.
    pub format: Format,
}

impl ExampleName {
    /// Reads a file name; the error says what the name should look like.
    pub fn parse(file_name: &str) -> Result<Self, String> {
        let usage = "expected <operationId>.request[.<label>][.constructed].<json|form|empty|bin> \
                     or <operationId>.response.<status>[.<label>][.constructed].<json|form|empty|bin>";
        let parts: Vec<&str> = file_name.split('.').collect();
        // At least an operation, a direction and an extension: `json` alone
        // names no operation.
        let (Some(operation), Some(ext), true) = (parts.first(), parts.last(), parts.len() >= 3) else {
            return Err(format!("`{file_name}` names no operation and direction; {usage}"));
        };
        let format = match *ext {
            "json" => Format::Json,
            "form" => Format::Form,
            "empty" => Format::Empty,
            "bin" => Format::Bytes,
            _ => return Err(format!("unknown extension `.{ext}`; {usage}")),
        };
        let mut rest = &parts[1..parts.len() - 1];
        let direction = match rest.first() {
            Some(&"request") => {
                rest = &rest[1..];
                Direction::Request
            }
            Some(&"response") => {
                let status = rest
                    .get(1)
                    .and_then(|s| s.parse::<u16>().ok())
                    .filter(|s| (100..600).contains(s))
                    .ok_or_else(|| format!("a response example needs an HTTP status after `response`; {usage}"))?;
                rest = &rest[2..];
                Direction::Response(status)
            }
            _ => return Err(format!("the second part must be `request` or `response`; {usage}")),
        };
        let constructed = rest.last() == Some(&"constructed");
        if constructed {
            rest = &rest[..rest.len() - 1];
        }
        let label = match rest {
            [] => None,
            [label] if label.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') => {
                Some((*label).to_owned())
            }
            _ => return Err(format!("too many parts; {usage}")),
        };
        if operation.is_empty() {
            return Err(String::from(usage));
        }
        Ok(Self { operation: (*operation).to_owned(), direction, label, constructed, format })
    }
}

impl fmt::Display for ExampleName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.operation, self.direction)
    }
}

/// A loaded example.
#[derive(Debug, Clone)]
pub struct Example {
    /// Where it was read from.
    pub path: PathBuf,
    /// What its name says.
    pub name: ExampleName,
    /// The file's bytes as text.
    pub text: String,
    /// The body: JSON as parsed, form fields as `(name, value)` pairs.
    pub body: ExampleBody,
    /// Things the reader had to do to read the file, said plainly.
    pub notes: Vec<String>,
}

/// An example's body.
#[derive(Debug, Clone, PartialEq)]
pub enum ExampleBody {
    /// A JSON value.
    Json(Value),
    /// Form fields in order.
    Form(Vec<(String, String)>),
    /// No body.
    Empty,
    /// Bytes, not read as text.
    Bytes(Vec<u8>),
}

/// Reads one example file.
pub fn load(path: &Path) -> Result<Example, String> {
    let file_name = path.file_name().and_then(|n| n.to_str()).ok_or("the file name is not UTF-8")?;
    let name = ExampleName::parse(file_name)?;
    if name.format == Format::Bytes {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
        let text = format!("{} bytes", bytes.len());
        return Ok(Example { path: path.to_owned(), name, text, body: ExampleBody::Bytes(bytes), notes: Vec::new() });
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut notes = Vec::new();
    let body = match name.format {
        Format::Json => {
            let (value, replaced) = parse_json(&text).map_err(|e| format!("not valid JSON: {e}"))?;
            if replaced > 0 {
                notes.push(format!("read {replaced} U+00A0 no-break spaces of the archived page as spaces"));
            }
            ExampleBody::Json(value)
        }
        Format::Form => ExampleBody::Form(parse_form(text.trim_end_matches(['\r', '\n']))),
        Format::Empty if text.is_empty() => ExampleBody::Empty,
        Format::Empty => return Err(String::from("an `.empty` example must be an empty file")),
        Format::Bytes => unreachable!("read as bytes above"),
    };
    Ok(Example { path: path.to_owned(), name, text, body, notes })
}

/// Every example in a folder, sorted by file name; `README.md` and hidden
/// files are skipped. Files that cannot be read come back as errors.
pub fn load_dir(dir: &Path) -> std::io::Result<Vec<Result<Example, (PathBuf, String)>>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            !name.starts_with('.') && !name.eq_ignore_ascii_case("README.md")
        })
        .collect();
    paths.sort();
    Ok(paths.into_iter().map(|p| load(&p).map_err(|e| (p, e))).collect())
}

/// Parses JSON as archived: U+00A0 no-break spaces outside strings, an
/// artifact of the HTML reference pages, are read as spaces. Returns the
/// value and how many were replaced.
pub fn parse_json(text: &str) -> Result<(Value, usize), serde_json::Error> {
    match serde_json::from_str(text) {
        Ok(value) => Ok((value, 0)),
        Err(strict) => {
            let (cleaned, replaced) = replace_nbsp_outside_strings(text);
            if replaced == 0 {
                return Err(strict);
            }
            serde_json::from_str(&cleaned).map(|v| (v, replaced))
        }
    }
}

fn replace_nbsp_outside_strings(text: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped, mut replaced) = (false, false, 0);
    for ch in text.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                in_string = false;
            }
            out.push(ch);
        } else if ch == '\u{a0}' {
            out.push(' ');
            replaced += 1;
        } else {
            in_string = ch == '"';
            out.push(ch);
        }
    }
    (out, replaced)
}

/// Splits an `application/x-www-form-urlencoded` body into decoded fields.
pub fn parse_form(text: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(text.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read() {
        let n = ExampleName::parse("list_backup_accounts.response.200.json").unwrap();
        assert_eq!(n.operation, "list_backup_accounts");
        assert_eq!(n.direction, Direction::Response(200));
        assert!(!n.constructed && n.label.is_none());
        let n = ExampleName::parse("create_token.request.refresh.constructed.form").unwrap();
        assert_eq!(n.direction, Direction::Request);
        assert_eq!(n.label.as_deref(), Some("refresh"));
        assert!(n.constructed);
        assert_eq!(n.format, Format::Form);
    }

    #[test]
    fn bad_names_say_what_is_expected() {
        for bad in
            ["x.json", "x.reply.json", "x.response.json", "x.response.999.json", "x.request.a.b.json", "x.request.txt"]
        {
            let err = ExampleName::parse(bad).unwrap_err();
            assert!(err.contains("expected") || err.contains("extension"), "{bad}: {err}");
        }
    }

    #[test]
    fn a_bare_extension_is_an_error_not_a_panic() {
        for bare in ["json", "form", "empty", ".json", "request.json"] {
            let err = ExampleName::parse(bare).unwrap_err();
            assert!(err.contains("names no operation") || err.contains("expected"), "{bare}: {err}");
        }
        assert!(ExampleName::parse("json").unwrap_err().starts_with("`json` names no operation and direction"));
    }

    #[test]
    fn a_folder_with_a_bare_extension_file_reports_that_file() {
        let dir = std::env::temp_dir().join(format!("vb365-examples-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["json", "form", "empty", "get_job.response.200.json"] {
            std::fs::write(dir.join(name), "{}").unwrap();
        }
        let loaded = load_dir(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let failed: Vec<String> = loaded
            .iter()
            .filter_map(|r| r.as_ref().err())
            .map(|(path, e)| format!("{}: {e}", path.file_name().unwrap().to_string_lossy()))
            .collect();
        assert_eq!(failed.len(), 3, "{failed:?}");
        assert!(failed.iter().all(|f| f.contains("names no operation")), "{failed:?}");
        assert_eq!(loaded.iter().filter(|r| r.is_ok()).count(), 1);
    }

    #[test]
    fn no_break_spaces_count_only_outside_strings() {
        let text = "{\u{a0}\"a\":\u{a0}\"x\u{a0}y\"}";
        let (value, replaced) = parse_json(text).unwrap();
        assert_eq!(replaced, 2);
        assert_eq!(value["a"], "x\u{a0}y");
        assert!(parse_json("{\"a\": }").is_err());
    }

    #[test]
    fn form_fields_are_decoded() {
        let fields = parse_form("grant_type=password&username=a%40b.c&password=p+q");
        assert_eq!(fields[1], ("username".into(), "a@b.c".into()));
        assert_eq!(fields[2], ("password".into(), "p q".into()));
    }
}
