//! Operations as the document declares them.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Which body of an operation: the request, or the response with a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// The request body.
    Request,
    /// The response body for an HTTP status.
    Response(u16),
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Request => f.write_str("request body"),
            Self::Response(status) => write!(f, "{status} response body"),
        }
    }
}

/// A body: its media type and its schema as the document writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// `application/json` or `application/x-www-form-urlencoded`.
    pub media_type: String,
    /// The OpenAPI schema (may be a `$ref`).
    pub schema: Value,
}

/// One operation of the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The operationId.
    pub id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template, e.g. `/v6/Organizations/{organizationId}`.
    pub path: String,
    /// Whether the operation needs a bearer token.
    pub authenticated: bool,
    /// The request body, if any.
    pub request: Option<Body>,
    /// Responses by status key (`200`, `4XX`), with their body if any.
    pub responses: Vec<(String, Option<Body>)>,
}

impl Operation {
    /// The declared response key for a status: the exact code, else its range.
    pub fn response_key(&self, status: u16) -> Option<String> {
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        [exact, range].into_iter().find(|k| self.responses.iter().any(|(key, _)| key == k))
    }

    /// The path parameters if `path` (without query) matches the template,
    /// ignoring case in the literal segments.
    pub fn match_path(&self, path: &str) -> Option<BTreeMap<String, String>> {
        let template: Vec<&str> = self.path.trim_matches('/').split('/').collect();
        let actual: Vec<&str> = path.trim_matches('/').split('/').collect();
        if template.len() != actual.len() {
            return None;
        }
        let mut params = BTreeMap::new();
        for (t, a) in template.iter().zip(&actual) {
            match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(name) if !a.is_empty() => {
                    params.insert(name.to_owned(), percent_decode(a));
                }
                Some(_) => return None,
                None if t.eq_ignore_ascii_case(a) => {}
                None => return None,
            }
        }
        Some(params)
    }
}

fn percent_decode(segment: &str) -> String {
    form_urlencoded::parse(format!("x={}", segment.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

pub(crate) fn read_operations(document: &Value) -> Result<Vec<Operation>, String> {
    let global_security = document.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty());
    let paths = document.get("paths").and_then(Value::as_object).ok_or("the document has no `paths`")?;
    let mut operations = Vec::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().into_iter().flatten().filter(|(m, _)| METHODS.contains(&m.as_str())) {
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{method} {path} has no operationId"))?;
            let authenticated = match op.get("security").and_then(Value::as_array) {
                Some(s) => !s.is_empty(),
                None => global_security,
            };
            let request = match op.get("requestBody") {
                Some(body) => body_of(document, body),
                None => None,
            };
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(key, response)| (key.clone(), body_of(document, response)))
                .collect();
            operations.push(Operation {
                id: id.to_owned(),
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                authenticated,
                request,
                responses,
            });
        }
    }
    Ok(operations)
}

/// The first supported media type of a request body or response, following `$ref`.
fn body_of(document: &Value, value: &Value) -> Option<Body> {
    let value = crate::schema::resolve(document, value)?;
    let content = value.get("content")?.as_object()?;
    content.iter().find_map(|(media_type, media)| {
        Some(Body { media_type: media_type.clone(), schema: media.get("schema")?.clone() })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(path: &str) -> Operation {
        Operation {
            id: String::from("x"),
            method: String::from("GET"),
            path: path.to_owned(),
            authenticated: true,
            request: None,
            responses: vec![(String::from("200"), None), (String::from("4XX"), None)],
        }
    }

    #[test]
    fn paths_match_without_regard_to_case() {
        let o = op("/v6/Organizations/{organizationId}/BackupAccounts");
        let params = o.match_path("/v6/organizations/6f9b/backupaccounts").unwrap();
        assert_eq!(params["organizationId"], "6f9b");
        assert!(o.match_path("/v6/Organizations/6f9b").is_none());
        assert!(o.match_path("/v6/Organizations//BackupAccounts").is_none());
    }

    #[test]
    fn statuses_fall_back_to_their_range() {
        let o = op("/a");
        assert_eq!(o.response_key(200).as_deref(), Some("200"));
        assert_eq!(o.response_key(404).as_deref(), Some("4XX"));
        assert_eq!(o.response_key(500), None);
    }
}
