//! Comparing a payload with what it became after a trip through Rust types.

use std::fmt;

use serde_json::Value;

use crate::schema::{declared_type, schemas_at};
use crate::violation::render;

/// A way a payload changed on its round trip.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// JSON pointer into the original payload.
    pub pointer: String,
    /// What happened there.
    pub kind: DifferenceKind,
    /// The reason, when the change is a recorded `x-deviation` (the Rust
    /// type normalizes a value the document accepts).
    pub deviation: Option<String>,
}

/// What happened to a value.
#[derive(Debug, Clone, PartialEq)]
pub enum DifferenceKind {
    /// The value was present and is gone.
    Dropped { was: String },
    /// A value appeared that was not there.
    Added { now: String },
    /// The value changed.
    Changed { was: String, now: String },
}

impl Difference {
    /// Whether this is a defect rather than a recorded deviation.
    pub fn is_failure(&self) -> bool {
        self.deviation.is_none()
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() { "/" } else { &self.pointer };
        match &self.kind {
            DifferenceKind::Dropped { was } => write!(f, "{at}: dropped (was {was})"),
            DifferenceKind::Added { now } => write!(f, "{at}: added {now}"),
            DifferenceKind::Changed { was, now } => write!(f, "{at}: changed from {was} to {now}"),
        }
    }
}

pub(crate) fn compare(document: &Value, schema: &Value, original: &Value, round_tripped: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk(document, schema, String::new(), Some(original), Some(round_tripped), &mut out);
    out
}

fn walk(
    document: &Value,
    schema: &Value,
    pointer: String,
    a: Option<&Value>,
    b: Option<&Value>,
    out: &mut Vec<Difference>,
) {
    let kind = match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let child = format!("{pointer}/{}", crate::pointer_segment(key));
                walk(document, schema, child, x.get(key), y.get(key), out);
            }
            return;
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                walk(document, schema, format!("{pointer}/{i}"), Some(p), Some(q), out);
            }
            return;
        }
        (Some(x), Some(y)) if same(document, schema, &pointer, x, y) => return,
        // An explicit null of an optional property reads back as absent.
        (Some(Value::Null), None) => return,
        (Some(x), None) => DifferenceKind::Dropped { was: render(x) },
        (None, Some(y)) => DifferenceKind::Added { now: render(y) },
        (Some(x), Some(y)) => DifferenceKind::Changed { was: render(x), now: render(y) },
        (None, None) => return,
    };
    let deviation = match (&kind, a) {
        (DifferenceKind::Changed { .. }, Some(original)) => deviation_for(document, schema, &pointer, original),
        _ => None,
    };
    out.push(Difference { pointer, kind, deviation });
}

fn same(document: &Value, schema: &Value, pointer: &str, a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(x), Value::String(y)) => {
            let schemas = schemas_at(document, schema, pointer);
            let is_date_time = declared_type(&schemas) == Some("string")
                && schemas.iter().any(|s| s.get("format").and_then(Value::as_str) == Some("date-time"));
            is_date_time && same_instant(x, y)
        }
        _ => false,
    }
}

/// Date-times that name the same instant are the same value, whatever their
/// precision digits or offset notation (`.9685934Z` and `.968593400Z`).
fn same_instant(a: &str, b: &str) -> bool {
    match (chrono::DateTime::parse_from_rfc3339(a), chrono::DateTime::parse_from_rfc3339(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

fn deviation_for(document: &Value, schema: &Value, pointer: &str, original: &Value) -> Option<String> {
    schemas_at(document, schema, pointer)
        .into_iter()
        .filter_map(|s| s.get("x-deviation"))
        .find(|d| d.get("accepts").and_then(Value::as_array).is_some_and(|a| a.contains(original)))
        .map(|d| d.get("reason").and_then(Value::as_str).unwrap_or("recorded in the document").to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"components": {"schemas": {
            "B": {"type": "boolean", "x-deviation": {"accepts": ["true"], "reason": "v1 strings"}},
            "T": {"type": "object", "properties": {
                "at": {"type": "string", "format": "date-time"},
                "flag": {"$ref": "#/components/schemas/B"},
                "name": {"type": "string"},
            }},
        }}})
    }

    fn diff(a: Value, b: Value) -> Vec<Difference> {
        let d = doc();
        compare(&d, &json!({"$ref": "#/components/schemas/T"}), &a, &b)
    }

    #[test]
    fn same_instants_are_equal() {
        assert!(
            diff(json!({"at": "2022-01-21T22:53:13.9685934Z"}), json!({"at": "2022-01-21T22:53:13.968593400Z"}))
                .is_empty()
        );
        let d = diff(json!({"at": "2022-01-21T22:53:13Z"}), json!({"at": "2022-01-21T22:53:14Z"}));
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn dropped_and_changed_fields_are_reported() {
        let d = diff(json!({"name": "a", "extra": 1}), json!({"name": "b"}));
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().any(|x| x.pointer == "/extra" && matches!(x.kind, DifferenceKind::Dropped { .. })));
        assert!(d.iter().any(|x| x.pointer == "/name" && matches!(x.kind, DifferenceKind::Changed { .. })));
        assert!(d.iter().all(Difference::is_failure));
    }

    #[test]
    fn recorded_deviations_are_named() {
        let d = diff(json!({"flag": "true"}), json!({"flag": true}));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].deviation.as_deref(), Some("v1 strings"));
        let d = diff(json!({"flag": "yes"}), json!({"flag": true}));
        assert!(d[0].is_failure());
    }

    #[test]
    fn explicit_null_reads_back_as_absent() {
        assert!(diff(json!({"name": null}), json!({})).is_empty());
    }
}
