//! Capabilities: each operation's one tag (`core`, `monitoring`, `jobs`,
//! `restore`), which the crate's cargo features of the same names follow.
//!
//! [`Document::only`] keeps the operations of some capabilities and the
//! components they reach, so that a program that uses only `core` compiles
//! only `core`'s operations, types and builders. `core` is always kept.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::structure::Problem;
use crate::{Document, pointer_segment};

/// Every capability, `core` first.
pub const CAPABILITIES: &[&str] = &["core", "monitoring", "jobs", "restore"];

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The capabilities enabled in a build: `core`, and each whose cargo
/// feature is on (`CARGO_FEATURE_MONITORING`, ...), as `build.rs` sees them.
pub fn enabled_in_build() -> Vec<&'static str> {
    CAPABILITIES
        .iter()
        .copied()
        .filter(|c| *c == "core" || std::env::var_os(format!("CARGO_FEATURE_{}", c.to_ascii_uppercase())).is_some())
        .collect()
}

/// Every operation, as (pointer, its tags).
fn operations(root: &Value) -> Vec<(String, Vec<String>)> {
    tagged(root).into_iter().map(|(pointer, _, tags)| (pointer, tags)).collect()
}

/// Every operation, as (pointer, operationId, its tags).
fn tagged(root: &Value) -> Vec<(String, String, Vec<String>)> {
    let mut found = Vec::new();
    let Some(paths) = root.get("paths").and_then(Value::as_object) else { return found };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for (method, operation) in item.iter().filter(|(m, _)| METHODS.contains(&m.as_str())) {
            let tags = operation.get("tags").and_then(Value::as_array).into_iter().flatten();
            let tags = tags.filter_map(Value::as_str).map(str::to_owned).collect();
            let id = operation.get("operationId").and_then(Value::as_str).unwrap_or_default().to_owned();
            found.push((format!("/paths/{}/{method}", pointer_segment(path)), id, tags));
        }
    }
    found
}

/// Each operation has exactly one tag, a capability, and the operations of
/// a family (`get_job`, `get_job_v8`) share it.
pub(crate) fn check(root: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut families: std::collections::BTreeMap<String, (String, Vec<String>)> = Default::default();
    for (pointer, id, tags) in tagged(root) {
        let family = family(&id);
        match families.get(&family) {
            Some((first, theirs)) if *theirs != tags => problems.push(Problem {
                pointer: format!("{pointer}/tags"),
                message: format!(
                    "`{id}` has tags {tags:?}, but its family's {first} has {theirs:?}; a family is one capability"
                ),
            }),
            Some(_) => {}
            None => {
                families.insert(family, (pointer.clone(), tags.clone()));
            }
        }
        match tags.as_slice() {
            [one] if CAPABILITIES.contains(&one.as_str()) => {}
            _ => problems.push(Problem {
                pointer: format!("{pointer}/tags"),
                message: format!(
                    "an operation has exactly one tag, its capability: one of {} (found {tags:?})",
                    CAPABILITIES.join(", ")
                ),
            }),
        }
    }
    problems
}

impl Document {
    /// The document with only the operations of `capabilities` (and
    /// `core`), and only the components they reach.
    pub fn only(&self, capabilities: &[&str]) -> Self {
        let mut json = self.json.clone();
        let keep = |tags: &[String]| tags.iter().any(|t| t == "core" || capabilities.contains(&t.as_str()));
        for (pointer, tags) in operations(&self.json) {
            if keep(&tags) {
                continue;
            }
            let (item, method) = pointer.rsplit_once('/').expect("an operation's pointer ends with its method");
            if let Some(Value::Object(item)) = json.pointer_mut(item) {
                item.remove(method);
            }
        }
        if let Some(Value::Object(paths)) = json.get_mut("paths") {
            paths.retain(|_, item| item.as_object().is_some_and(|i| i.keys().any(|k| METHODS.contains(&k.as_str()))));
        }
        let reached = reached(&json);
        if let Some(Value::Object(components)) = json.get_mut("components") {
            for (kind, entries) in components.iter_mut() {
                if let Value::Object(entries) = entries {
                    entries.retain(|name, _| {
                        kind == "securitySchemes"
                            || reached.contains(&format!("#/components/{kind}/{}", pointer_segment(name)))
                    });
                }
            }
        }
        Self { path: self.path.clone(), json }
    }
}

/// Every `$ref` the paths reach, following references transitively.
fn reached(root: &Value) -> BTreeSet<String> {
    let mut reached = BTreeSet::new();
    let mut pending = Vec::new();
    refs(root.get("paths").unwrap_or(&Value::Null), &mut pending);
    while let Some(reference) = pending.pop() {
        if !reached.insert(reference.clone()) {
            continue;
        }
        if let Some(target) = reference.strip_prefix('#').and_then(|p| root.pointer(p)) {
            refs(target, &mut pending);
        }
    }
    reached
}

/// `get_job_v8` and `get_job` are the family `get_job`.
fn family(id: &str) -> String {
    match id.rsplit_once("_v") {
        Some((name, version)) if version.parse::<u16>().is_ok() => name.to_owned(),
        _ => id.to_owned(),
    }
}

fn refs(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                found.push(reference.clone());
            }
            map.values().for_each(|v| refs(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      operationId: get_a
      tags: [core]
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}}
  /b:
    get:
      operationId: get_b
      tags: [restore]
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/B'}}}}}
components:
  schemas:
    A: {type: object, properties: {inner: {$ref: '#/components/schemas/Inner'}}}
    Inner: {type: string}
    B: {type: object, properties: {inner: {$ref: '#/components/schemas/Inner'}, own: {$ref: '#/components/schemas/OnlyB'}}}
    OnlyB: {type: integer}
";

    #[test]
    fn only_keeps_the_capabilities_operations_and_what_they_reach() {
        let doc = Document::parse("d.yaml", DOC).unwrap();
        let core = doc.only(&[]);
        assert!(core.at("/paths/~1a/get").is_some());
        assert!(core.at("/paths/~1b").is_none(), "a path without operations goes");
        let schemas: Vec<&String> = core.at("/components/schemas").unwrap().as_object().unwrap().keys().collect();
        assert_eq!(schemas, ["A", "Inner"]);
        let all = doc.only(&["restore"]);
        assert!(all.at("/components/schemas/OnlyB").is_some());
    }

    #[test]
    fn a_family_is_one_capability() {
        let v8 = "  /v8/a:\n    get:\n      operationId: get_a_v8\n      tags: [jobs]\n      responses: {'200': {description: ok}}\ncomponents:";
        let doc = Document::parse("d.yaml", &DOC.replacen("components:", v8, 1)).unwrap();
        let problems = check(&doc.json);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("a family is one capability"), "{problems:?}");
    }

    #[test]
    fn every_operation_names_one_capability() {
        let doc = Document::parse("d.yaml", &DOC.replace("tags: [restore]", "tags: [restore, core]")).unwrap();
        let problems = check(&doc.json);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].pointer, "/paths/~1b/get/tags");
        let untagged = Document::parse("d.yaml", &DOC.replace("      tags: [core]\n", "")).unwrap();
        assert!(check(&untagged.json)[0].message.contains("exactly one tag"));
    }
}
