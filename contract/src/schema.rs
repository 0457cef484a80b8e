//! OpenAPI 3.0 schemas as JSON Schema, and walking schemas along a pointer.

use serde_json::{Map, Value, json};

/// Keywords that take one schema.
const ONE_SCHEMA: &[&str] = &["items", "not", "additionalProperties"];
/// Keywords that take a list of schemas.
const SCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf"];
/// JSON Schema draft 4 keywords an OpenAPI 3.0 schema may carry.
const KEPT: &[&str] = &[
    "$ref",
    "type",
    "format",
    "enum",
    "required",
    "properties",
    "items",
    "additionalProperties",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "multipleOf",
    "description",
    "title",
    "default",
];

/// Follows local `$ref`s to the value they name.
pub(crate) fn resolve<'a>(document: &'a Value, mut value: &'a Value) -> Option<&'a Value> {
    for _ in 0..32 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(target) => value = document.pointer(target.strip_prefix('#')?)?,
            None => return Some(value),
        }
    }
    None
}

/// Every component schema, converted; `$ref`s keep pointing into
/// `#/components/schemas`.
pub(crate) fn converted_components(document: &Value) -> Value {
    let schemas: Map<String, Value> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, schema)| (name.clone(), convert(schema)))
        .collect();
    json!({ "schemas": schemas })
}

/// A standalone draft 4 schema for one body.
pub(crate) fn root_schema(components: &Value, body_schema: &Value) -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-04/schema#",
        "components": components,
        "allOf": [convert(body_schema)],
    })
}

pub(crate) fn compile(root: &Value) -> Result<jsonschema::Validator, String> {
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .with_format("uuid", is_uuid)
        .build(root)
        .map_err(|e| e.to_string())
}

/// Converts one OpenAPI 3.0 schema: drops what JSON Schema does not know
/// (`example`, `x-*`, `readOnly`, ...) and turns `nullable: true` into an
/// explicit `null` alternative.
fn convert(schema: &Value) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in object.iter().filter(|(k, _)| KEPT.contains(&k.as_str())) {
        let converted = match key.as_str() {
            "properties" => Value::Object(
                value.as_object().into_iter().flatten().map(|(name, s)| (name.clone(), convert(s))).collect(),
            ),
            k if ONE_SCHEMA.contains(&k) => convert(value),
            k if SCHEMA_LISTS.contains(&k) => {
                Value::Array(value.as_array().into_iter().flatten().map(convert).collect())
            }
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    if object.get("nullable") != Some(&Value::Bool(true)) {
        return Value::Object(out);
    }
    if let Some(Value::String(kind)) = out.get("type").cloned() {
        out.insert(String::from("type"), json!([kind, "null"]));
        if let Some(Value::Array(values)) = out.get_mut("enum") {
            values.push(Value::Null);
        }
        Value::Object(out)
    } else {
        json!({ "anyOf": [Value::Object(out), { "type": "null" }] })
    }
}

fn is_uuid(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Every schema object that applies at `pointer` inside an instance of
/// `schema`, following `$ref`, `allOf`, `anyOf` and `oneOf`.
pub(crate) fn schemas_at<'a>(document: &'a Value, schema: &'a Value, pointer: &str) -> Vec<&'a Value> {
    let mut current = expand(document, schema);
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        let mut next = Vec::new();
        for s in &current {
            let child = s
                .get("properties")
                .and_then(|p| p.get(&segment))
                .or_else(|| s.get("items"))
                .or_else(|| s.get("additionalProperties").filter(|a| a.is_object()));
            if let Some(child) = child {
                next.extend(expand(document, child));
            }
        }
        current = next;
    }
    current
}

/// A schema and everything it refers to or combines, each schema object once.
fn expand<'a>(document: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    let mut out = Vec::new();
    let mut pending = vec![schema];
    while let Some(s) = pending.pop() {
        if out.len() > 64 {
            break;
        }
        out.push(s);
        let target = s.get("$ref").and_then(Value::as_str).and_then(|t| t.strip_prefix('#'));
        if let Some(resolved) = target.and_then(|t| document.pointer(t)) {
            pending.push(resolved);
        }
        for list in SCHEMA_LISTS {
            pending.extend(s.get(*list).and_then(Value::as_array).into_iter().flatten());
        }
    }
    out
}

/// The JSON type a schema set declares at a location, if any.
pub(crate) fn declared_type<'a>(schemas: &[&'a Value]) -> Option<&'a str> {
    schemas.iter().find_map(|s| s.get("type").and_then(Value::as_str))
}

pub(crate) fn form_to_json(document: &Value, schema: &Value, fields: &[(String, String)]) -> Value {
    let mut object = Map::new();
    for (name, text) in fields {
        let pointer = format!("/{}", crate::pointer_segment(name));
        let kind = declared_type(&schemas_at(document, schema, &pointer));
        let value = match (kind, text.as_str()) {
            (Some("boolean"), "true") => Value::Bool(true),
            (Some("boolean"), "false") => Value::Bool(false),
            (Some("integer" | "number"), t) => {
                t.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::String(t.to_owned()))
            }
            (_, t) => Value::String(t.to_owned()),
        };
        object.insert(name.clone(), value);
    }
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_becomes_a_null_alternative() {
        assert_eq!(convert(&json!({"type": "boolean", "nullable": true})), json!({"type": ["boolean", "null"]}));
        assert_eq!(
            convert(&json!({"allOf": [{"$ref": "#/x"}], "nullable": true})),
            json!({"anyOf": [{"allOf": [{"$ref": "#/x"}]}, {"type": "null"}]})
        );
        assert_eq!(
            convert(&json!({"type": "string", "enum": ["a"], "nullable": true})),
            json!({"type": ["string", "null"], "enum": ["a", null]})
        );
    }

    #[test]
    fn documentation_keys_are_dropped_but_property_names_are_kept() {
        let converted = convert(&json!({
            "type": "object", "x-source": "s", "example": {},
            "properties": {"example": {"type": "string", "x-departure": "d"}, "nullable": {"type": "boolean"}}
        }));
        assert_eq!(
            converted,
            json!({"type": "object", "properties": {"example": {"type": "string"}, "nullable": {"type": "boolean"}}})
        );
    }

    #[test]
    fn walking_follows_refs_items_and_properties() {
        let doc = json!({"components": {"schemas": {
            "B": {"type": "boolean", "x-deviation": {}},
            "M": {"type": "object", "properties": {"flag": {"$ref": "#/components/schemas/B"}}},
        }}});
        let schema = json!({"type": "array", "items": {"$ref": "#/components/schemas/M"}});
        let found = schemas_at(&doc, &schema, "/3/flag");
        assert!(found.iter().any(|s| s.get("x-deviation").is_some()));
        assert!(schemas_at(&doc, &schema, "/3/other").is_empty());
    }

    #[test]
    fn uuids_are_checked() {
        assert!(is_uuid("6f9b3da3-204d-4a4b-b466-55586e0233fc"));
        assert!(!is_uuid("6e570850-9ce9-40ed-b81d-41772dabcead00000000-0000-0000-0000-000000000000"));
        assert!(!is_uuid("6f9b3da3x204d-4a4b-b466-55586e0233fc"));
    }
}
