//! What a body holds in one API version: the document describes one
//! schema for every version, and records with `x-departure` entries
//! (`drift: ["ours-only: <name>"], versions: [...]`) the members a version
//! does not have. The simulator answers each version in its own shape
//! with this.

use serde_json::{Map, Value};

use crate::schema::resolve;

/// Removes from `value` (a body of `schema`) every member the document
/// records as absent in API `version`, at any depth.
pub(crate) fn shape(document: &Value, schema: &Value, version: u64, value: &mut Value) {
    shape_at(document, schema, version, value, 0);
}

fn shape_at(document: &Value, schema: &Value, version: u64, value: &mut Value, depth: usize) {
    if depth > 32 {
        return;
    }
    let Some(schema) = resolve(document, schema) else { return };
    let mut properties = Map::new();
    let mut items = schema.get("items");
    let mut additional = schema.get("additionalProperties").filter(|a| a.is_object());
    let parts = std::iter::once(schema).chain(
        schema.get("allOf").and_then(Value::as_array).into_iter().flatten().filter_map(|p| resolve(document, p)),
    );
    for part in parts {
        for (name, property) in part.get("properties").and_then(Value::as_object).into_iter().flatten() {
            properties.entry(name.clone()).or_insert_with(|| property.clone());
        }
        items = items.or(part.get("items"));
        additional = additional.or(part.get("additionalProperties").filter(|a| a.is_object()));
    }
    match value {
        Value::Object(map) => {
            map.retain(|name, member| match properties.get(name) {
                Some(property) if absent(property, name, version) => false,
                Some(property) => {
                    shape_at(document, property, version, member, depth + 1);
                    true
                }
                None => {
                    if let Some(additional) = additional {
                        shape_at(document, additional, version, member, depth + 1);
                    }
                    true
                }
            });
        }
        Value::Array(list) => {
            if let Some(items) = items {
                list.iter_mut().for_each(|item| shape_at(document, items, version, item, depth + 1));
            }
        }
        _ => {}
    }
}

/// Whether the property's own `x-departure` says `version` has no `name`.
fn absent(property: &Value, name: &str, version: u64) -> bool {
    let entries: Vec<&Value> = match property.get("x-departure") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(entry @ Value::Object(_)) => vec![entry],
        _ => return false,
    };
    let kind = format!("ours-only: {name}");
    entries.iter().any(|entry| {
        let lists = entry.get("drift").and_then(Value::as_array).is_some_and(|d| d.iter().any(|k| *k == *kind));
        let applies = entry
            .get("versions")
            .and_then(Value::as_array)
            .is_some_and(|versions| versions.iter().any(|v| v.as_u64() == Some(version)));
        lists && applies
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn members_a_version_lacks_are_removed_at_any_depth() {
        let document = json!({"components": {"schemas": {
            "Job": {"type": "object", "properties": {
                "id": {"type": "string"},
                "eTag": {"type": "integer", "x-departure": {"note": "v8", "drift": ["ours-only: eTag"], "versions": [6, 7]}},
                "title": {"type": "string", "x-departure": [{"note": "v6", "drift": ["ours-only: title"], "versions": [8]}]},
                "policy": {"$ref": "#/components/schemas/Policy"}
            }},
            "Policy": {"type": "object", "properties": {
                "window": {"type": "boolean", "x-departure": {"note": "v8", "drift": ["ours-only: window"], "versions": [6]}}
            }}
        }}});
        let schema = json!({"type": "array", "items": {"$ref": "#/components/schemas/Job"}});
        let full = json!([{"id": "a", "eTag": 1, "title": "t", "policy": {"window": true}, "unknown": 1}]);
        let mut v6 = full.clone();
        shape(&document, &schema, 6, &mut v6);
        assert_eq!(v6, json!([{"id": "a", "title": "t", "policy": {}, "unknown": 1}]));
        let mut v8 = full.clone();
        shape(&document, &schema, 8, &mut v8);
        assert_eq!(v8, json!([{"id": "a", "eTag": 1, "policy": {"window": true}, "unknown": 1}]));
    }
}
