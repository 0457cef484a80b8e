//! Schema violations, said the way a person fixing them needs them.

use std::fmt;

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::schema;

/// A place where a payload breaks its schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// JSON pointer into the payload (`""` is the whole payload).
    pub pointer: String,
    /// What the schema expected there.
    pub expected: String,
    /// What the payload has there.
    pub found: String,
    /// The reason, when the document records this as a known deviation
    /// (`x-deviation`) rather than a defect.
    pub deviation: Option<String>,
}

impl Violation {
    /// Whether this is a defect rather than a recorded deviation.
    pub fn is_failure(&self) -> bool {
        self.deviation.is_none()
    }

    /// Marks the violation as a known deviation when a schema that applies at
    /// its pointer carries an `x-deviation` accepting the value found.
    pub(crate) fn classify(mut self, document: &Value, body_schema: &Value, instance: &Value) -> Self {
        let Some(found) = instance.pointer(&self.pointer) else {
            return self;
        };
        self.deviation = schema::schemas_at(document, body_schema, &self.pointer)
            .into_iter()
            .filter_map(|s| s.get("x-deviation"))
            .find(|d| d.get("accepts").and_then(Value::as_array).is_some_and(|a| a.contains(found)))
            .map(|d| d.get("reason").and_then(Value::as_str).unwrap_or("recorded in the document").to_owned());
        self
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, "{at}: expected {}, found {}", self.expected, self.found)
    }
}

/// The violations one validator error stands for (one per missing or
/// unexpected property, so that each gets its own pointer).
pub(crate) fn from_error(error: &jsonschema::ValidationError<'_>) -> Vec<Violation> {
    let at = error.instance_path().as_str().to_owned();
    let instance = error.instance();
    let one =
        |pointer: String, expected: String, found: String| Violation { pointer, expected, found, deviation: None };
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            vec![one(child(&at, name), format!("required property `{name}`"), String::from("nothing (missing)"))]
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|name| {
                let found = instance.get(name).map(render).unwrap_or_default();
                one(child(&at, name), String::from("no such property (the schema allows no others)"), found)
            })
            .collect(),
        kind => vec![one(at, expected(kind), render(instance))],
    }
}

fn child(pointer: &str, name: &str) -> String {
    format!("{pointer}/{}", crate::pointer_segment(name))
}

fn expected(kind: &ValidationErrorKind) -> String {
    match kind {
        ValidationErrorKind::Type { kind } => format!("type {}", type_name(kind)),
        ValidationErrorKind::Enum { options } => format!("one of {options}"),
        ValidationErrorKind::Format { format } => format!("a string in format `{format}`"),
        ValidationErrorKind::Minimum { limit } => format!("a number >= {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("a number <= {limit}"),
        ValidationErrorKind::MinLength { limit } => format!("at least {limit} characters"),
        ValidationErrorKind::MaxLength { limit } => format!("at most {limit} characters"),
        ValidationErrorKind::MinItems { limit } => format!("at least {limit} items"),
        ValidationErrorKind::MaxItems { limit } => format!("at most {limit} items"),
        ValidationErrorKind::Pattern { pattern } => format!("a string matching `{pattern}`"),
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
            String::from("a value matching one of the allowed schemas")
        }
        ValidationErrorKind::FalseSchema => String::from("nothing at all here"),
        other => format!("a value satisfying `{}`", other.keyword()),
    }
}

fn type_name(kind: &jsonschema::error::TypeKind) -> String {
    match kind {
        jsonschema::error::TypeKind::Single(t) => t.to_string(),
        jsonschema::error::TypeKind::Multiple(ts) => {
            let names: Vec<String> = ts.iter().map(|t| t.to_string()).collect();
            names.join(" or ")
        }
    }
}

/// A short rendering of a value: its JSON, cut at 80 characters.
pub(crate) fn render(value: &Value) -> String {
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let mut text = value.to_string();
    if text.chars().count() > 80 {
        text = text.chars().take(77).collect::<String>() + "...";
    }
    if matches!(value, Value::Null) { text } else { format!("{kind} {text}") }
}
