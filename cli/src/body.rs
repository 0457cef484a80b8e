//! Request bodies from a file or standard input, refused with the file,
//! line and column when they are not the JSON the operation takes.

use std::io::Read;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::failure::Failure;

/// Reads `source` (a file, `-` or nothing for standard input) as JSON of type `T`.
pub fn read<T: DeserializeOwned>(source: Option<&Path>, what: &str) -> Result<T, Failure> {
    let (name, text) = text(source)?;
    parse(&name, &text, what)
}

/// Reads `source` as any JSON value.
pub fn read_value(source: &Path) -> Result<Value, Failure> {
    let (name, text) = text(Some(source))?;
    parse(&name, &text, "a JSON value")
}

fn text(source: Option<&Path>) -> Result<(String, String), Failure> {
    match source {
        Some(path) if path != Path::new("-") => {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| Failure::usage(format!("{name}: {e}")))?;
            Ok((name, text))
        }
        _ => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|e| Failure::usage(format!("standard input: {e}")))?;
            Ok((String::from("standard input"), text))
        }
    }
}

/// `name:line:column: problem`, as compilers say it.
fn parse<T: DeserializeOwned>(name: &str, text: &str, what: &str) -> Result<T, Failure> {
    serde_json::from_str(text).map_err(|e| {
        let problem = e.to_string();
        // serde_json ends its message with " at line L column C"; say it up front instead.
        let problem = problem.rsplit_once(" at line ").map_or(problem.as_str(), |(p, _)| p);
        Failure::usage(format!("{name}:{}:{}: not {what}: {problem}", e.line(), e.column()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_body_names_the_file_line_and_column() {
        let err = parse::<Value>("org.json", "{\n  \"type\": \"Office365\",\n  \"region\" \"Worldwide\"\n}", "JSON")
            .unwrap_err();
        assert_eq!(err.to_string(), "org.json:3:12: not JSON: expected `:`");
        let err = parse::<Vec<u8>>("accounts.json", "{}", "a list").unwrap_err();
        assert!(err.to_string().starts_with("accounts.json:1:0: not a list: invalid type: map"), "{err}");
    }
}
