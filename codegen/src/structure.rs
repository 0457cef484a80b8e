//! Structural rules the document must keep before anything is generated.
//!
//! progenitor panics on several of these (a missing operationId, a path
//! parameter it cannot find); checking first turns those panics into
//! messages that say where the document is wrong.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::{Map, Value};

use crate::{Document, enums, pointer_segment};

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const BODY_TYPES: &[&str] = &["application/json", "application/x-www-form-urlencoded"];

/// One broken rule, located by a JSON pointer into the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where in the document (RFC 6901 JSON pointer).
    pub pointer: String,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

/// Checks every structural rule and returns what is broken, in document order.
pub fn check(doc: &Document) -> Vec<Problem> {
    let mut problems = Problems::default();
    let root = &doc.json;
    match root.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        other => problems.push("/openapi", format!("must be an OpenAPI 3.0.x version, found {other:?}")),
    }
    check_refs(root, &mut problems);
    check_operations(root, &mut problems);
    check_enums(root, &mut problems);
    check_components(root, &mut problems);
    check_departures(root, &mut problems);
    check_secrets(root, &mut problems);
    problems.0.extend(crate::capabilities::check(root));
    problems.0.extend(crate::families(doc).1);
    problems.0
}

/// The kinds of difference `cargo xtask drift` reports, as `x-departure`
/// names them. `ours-only` and `server-only` take `: <name>`; `not-served`
/// stands alone; every other kind takes `: <what each side says>`, as the
/// report writes it (`nullable: ours true, theirs false`).
pub const DRIFT_KINDS: &[&str] =
    &["not-served", "status", "media-type", "type", "format", "nullable", "enum", "required", "one-of", "any-of"];

/// `x-departure` is prose, or a mapping with a `note` (and a `drift` list of
/// differences, and `versions`), or a list of such mappings. A misspelled
/// kind would never match, and a kind without the values it forgives would
/// forgive any change of that kind, so both are refused.
fn check_departures(root: &Value, problems: &mut Problems) {
    each_object(root, String::new(), &mut |map, pointer| {
        if let Some(Err(message)) = map.get("x-departure").map(departure_shape) {
            problems.push(format!("{pointer}/x-departure"), message);
        }
    });
}

fn departure_shape(departure: &Value) -> Result<(), String> {
    let entries: Vec<&Value> = match departure {
        Value::String(_) => return Ok(()),
        Value::Array(list) => list.iter().collect(),
        other => vec![other],
    };
    for entry in entries {
        let Some(entry) = entry.as_object() else { return Err(String::from("entries must be mappings")) };
        if entry.get("note").and_then(Value::as_str).is_none_or(|n| n.trim().is_empty()) {
            return Err(String::from("every entry needs a `note` saying why"));
        }
        let unknown = ["note", "drift", "versions"];
        if let Some(key) = entry.keys().find(|k| !unknown.contains(&k.as_str())) {
            return Err(format!("`{key}` is not one of note, drift, versions"));
        }
        for kind in
            entry.get("drift").map(|d| d.as_array().ok_or("`drift` must be a list")).transpose()?.into_iter().flatten()
        {
            let listed = kind.as_str().ok_or("`drift` lists strings")?;
            drift_entry_shape(listed)?;
        }
        if entry
            .get("versions")
            .is_some_and(|v| !v.as_array().is_some_and(|l| !l.is_empty() && l.iter().all(Value::is_u64)))
        {
            return Err(String::from("`versions` must be a list of API version numbers"));
        }
    }
    Ok(())
}

/// One item of a `drift` list (see [`DRIFT_KINDS`]).
fn drift_entry_shape(listed: &str) -> Result<(), String> {
    if listed == "not-served" {
        return Ok(());
    }
    let (kind, detail) = listed.split_once(": ").unwrap_or((listed, ""));
    let detail = detail.trim();
    match kind {
        "ours-only" | "server-only" if !detail.is_empty() => Ok(()),
        "ours-only" | "server-only" => Err(format!("`{listed}` names nothing; write `{kind}: <name>`")),
        _ if DRIFT_KINDS.contains(&kind) && kind != "not-served" && !detail.is_empty() => Ok(()),
        _ if DRIFT_KINDS.contains(&kind) => Err(format!(
            "`{listed}` does not say what each side has, so it would forgive any {kind} difference; \
             write it as `cargo xtask drift` reports it (`{kind}: ours ..., theirs ...`)"
        )),
        _ => Err(format!(
            "`{listed}` is not a kind of difference: {}, `ours-only: <name>` or `server-only: <name>`",
            DRIFT_KINDS.join(", ")
        )),
    }
}

#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn push(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem { pointer: pointer.into(), message: message.into() });
    }
}

/// Follows a local `$ref` (repeatedly) to the value it names.
pub(crate) fn resolve<'a>(root: &'a Value, mut value: &'a Value) -> Option<&'a Value> {
    for _ in 0..32 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(target) => value = root.pointer(target.strip_prefix('#')?)?,
            None => return Some(value),
        }
    }
    None
}

fn check_refs(root: &Value, problems: &mut Problems) {
    each_object(root, String::new(), &mut |map, pointer| {
        let Some(target) = map.get("$ref") else { return };
        match target.as_str() {
            Some(t) if t.starts_with("#/") && root.pointer(&t[1..]).is_some() => {}
            Some(t) if t.starts_with("#/") => {
                problems.push(format!("{pointer}/$ref"), format!("`{t}` does not resolve to anything in this document"))
            }
            Some(t) => problems.push(
                format!("{pointer}/$ref"),
                format!("`{t}` is not a local reference; only `#/...` references are supported"),
            ),
            None => problems.push(format!("{pointer}/$ref"), "must be a string"),
        }
    });
}

/// Calls `visit` with every object in `value` and its JSON pointer.
fn each_object(value: &Value, pointer: String, visit: &mut impl FnMut(&Map<String, Value>, &str)) {
    match value {
        Value::Object(map) => {
            visit(map, &pointer);
            for (key, child) in map {
                each_object(child, format!("{pointer}/{}", pointer_segment(key)), visit);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                each_object(child, format!("{pointer}/{i}"), visit);
            }
        }
        _ => {}
    }
}

fn check_operations(root: &Value, problems: &mut Problems) {
    let Some(paths) = root.get("paths").and_then(Value::as_object) else {
        problems.push("/paths", "must be a mapping of paths to operations");
        return;
    };
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (path, item) in paths {
        let item_pointer = format!("/paths/{}", pointer_segment(path));
        let Some(item) = item.as_object() else {
            problems.push(item_pointer, "must be a mapping of methods to operations");
            continue;
        };
        if item.contains_key("$ref") {
            problems.push(format!("{item_pointer}/$ref"), "path items by reference are not supported");
            continue;
        }
        let template: BTreeSet<String> = template_names(path);
        let shared = path_parameters(root, item.get("parameters"));
        for (method, operation) in item.iter().filter(|(k, _)| METHODS.contains(&k.as_str())) {
            let pointer = format!("{item_pointer}/{method}");
            let Some(operation) = operation.as_object() else {
                problems.push(pointer, "must be an operation object");
                continue;
            };
            check_operation_id(operation, &pointer, &mut seen, problems);
            let mut declared = shared.clone();
            declared.extend(path_parameters(root, operation.get("parameters")));
            for name in &template {
                match declared.get(name) {
                    None => problems.push(
                        pointer.clone(),
                        format!("path parameter `{name}` of `{path}` is not declared (add it to `parameters` with `in: path`)"),
                    ),
                    Some(false) => problems.push(pointer.clone(), format!("path parameter `{name}` must be `required: true`")),
                    Some(true) => {}
                }
            }
            for name in declared.keys().filter(|n| !template.contains(*n)) {
                problems.push(
                    pointer.clone(),
                    format!("path parameter `{name}` is declared but `{path}` has no `{{{name}}}`"),
                );
            }
            check_responses(operation, &pointer, problems);
            check_request_body(root, operation, &pointer, problems);
            if !operation.contains_key("x-source") {
                problems.push(pointer.clone(), "has no `x-source` naming the page or fact it transcribes");
            }
        }
    }
}

fn check_operation_id(
    operation: &Map<String, Value>,
    pointer: &str,
    seen: &mut BTreeMap<String, String>,
    problems: &mut Problems,
) {
    match operation.get("operationId").and_then(Value::as_str) {
        None => problems.push(pointer, "has no operationId; every operation needs a stable one"),
        Some(id) if !is_snake_case(id) => problems
            .push(format!("{pointer}/operationId"), format!("`{id}` is not snake_case; it becomes a Rust method name")),
        Some(id) => {
            if let Some(first) = seen.get(id) {
                problems.push(format!("{pointer}/operationId"), format!("`{id}` is already used at {first}"));
            } else {
                seen.insert(id.to_owned(), pointer.to_owned());
            }
        }
    }
}

fn check_responses(operation: &Map<String, Value>, pointer: &str, problems: &mut Problems) {
    let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
        problems.push(pointer, "has no responses");
        return;
    };
    if responses.contains_key("default") {
        problems.push(
            format!("{pointer}/responses/default"),
            "`default` responses are not allowed: progenitor counts them as a success type; use `4XX` and `5XX`",
        );
    }
    if !responses.keys().any(|code| code.starts_with('2')) {
        problems.push(format!("{pointer}/responses"), "declares no success (2xx) response");
    }
}

fn check_request_body(root: &Value, operation: &Map<String, Value>, pointer: &str, problems: &mut Problems) {
    let Some(body) = operation.get("requestBody") else { return };
    let Some(content) = resolve(root, body).and_then(|b| b.get("content")).and_then(Value::as_object) else {
        problems.push(format!("{pointer}/requestBody"), "has no content");
        return;
    };
    for media in content.keys().filter(|m| !BODY_TYPES.contains(&m.as_str())) {
        problems.push(
            format!("{pointer}/requestBody/content/{}", pointer_segment(media)),
            format!("media type `{media}` is not supported; use one of {BODY_TYPES:?}"),
        );
    }
}

/// The `{name}` segments of a path template.
fn template_names(path: &str) -> BTreeSet<String> {
    path.split('{').skip(1).filter_map(|rest| rest.split_once('}')).map(|(name, _)| name.to_owned()).collect()
}

/// Declared path parameters and whether each is required.
fn path_parameters(root: &Value, parameters: Option<&Value>) -> BTreeMap<String, bool> {
    parameters
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| resolve(root, p))
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
        .filter_map(|p| {
            let name = p.get("name")?.as_str()?.to_owned();
            Some((name, p.get("required").and_then(Value::as_bool) == Some(true)))
        })
        .collect()
}

/// Enumerations must be named components so the client can generate them
/// open (accepting values a newer server adds).
fn check_enums(root: &Value, problems: &mut Problems) {
    each_object(root, String::new(), &mut |map, pointer| {
        if map.contains_key("enum") && !is_component_schema(pointer) && !pointer.starts_with("/servers/") {
            problems.push(
                format!("{pointer}/enum"),
                "enumerations must be named schemas under /components/schemas so the client accepts values a newer server adds",
            );
        }
    });
}

fn is_component_schema(pointer: &str) -> bool {
    pointer.strip_prefix("/components/schemas/").is_some_and(|rest| !rest.contains('/'))
}

fn check_components(root: &Value, problems: &mut Problems) {
    let Some(schemas) = root.pointer("/components/schemas").and_then(Value::as_object) else {
        return;
    };
    for (name, schema) in schemas {
        let pointer = format!("/components/schemas/{}", pointer_segment(name));
        if schema.get("x-source").is_none() {
            problems.push(pointer.clone(), "has no `x-source` naming the page or fact it transcribes");
        }
        if let Some(Err(message)) = schema.get("enum").map(|_| enums::OpenEnum::from_schema(name, schema)) {
            problems.push(pointer, message);
        }
    }
}

/// Whether a property's name says it holds a secret: a password, a secret,
/// a token, an assertion (`applicationCertificatePassword`, `refresh_token`).
pub fn named_like_a_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["password", "secret", "token", "assertion"].iter().any(|word| name.ends_with(word))
}

/// Which properties are secret comes from the document alone (`format:
/// password`): a text property whose name says it is one but that is not
/// marked would print in clear, so it is refused.
fn check_secrets(root: &Value, problems: &mut Problems) {
    each_object(root, String::new(), &mut |map, pointer| {
        let Some(properties) = map.get("properties").and_then(Value::as_object) else { return };
        for (name, schema) in properties {
            let text = schema.get("type").and_then(Value::as_str) == Some("string");
            let marked = schema.get("format").and_then(Value::as_str) == Some("password");
            if text && named_like_a_secret(name) && !marked {
                problems.push(
                    format!("{pointer}/properties/{}", pointer_segment(name)),
                    "is named like a secret but is not `format: password`, so it would print in clear",
                );
            }
        }
    });
}

fn is_snake_case(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(yaml: &str) -> Vec<Problem> {
        check(&Document::parse("t.yaml", yaml).expect("parses"))
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn a_clean_document_has_no_problems() {
        let doc = format!(
            "{HEAD}paths:\n  /v6/a/{{id}}:\n    get:\n      operationId: get_a\n      tags: [core]\n      x-source: here\n      parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]\n      responses:\n        '200': {{description: ok}}\n"
        );
        assert_eq!(problems(&doc), vec![]);
    }

    #[test]
    fn undeclared_path_parameter_is_reported() {
        let doc = format!(
            "{HEAD}paths:\n  /v6/a/{{id}}:\n    get:\n      operationId: get_a\n      tags: [core]\n      x-source: here\n      responses:\n        '200': {{description: ok}}\n"
        );
        let found = problems(&doc);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].pointer, "/paths/~1v6~1a~1{id}/get");
        assert!(found[0].message.contains("`id`"));
    }

    #[test]
    fn duplicate_and_missing_operation_ids_are_reported() {
        let doc = format!(
            "{HEAD}paths:\n  /a:\n    get: {{operationId: same, x-source: s, responses: {{'200': {{description: ok}}}}}}\n    put: {{operationId: same, x-source: s, responses: {{'200': {{description: ok}}}}}}\n    post: {{x-source: s, responses: {{'200': {{description: ok}}}}}}\n"
        );
        let found = problems(&doc);
        assert!(found.iter().any(|p| p.message.contains("already used")), "{found:?}");
        assert!(found.iter().any(|p| p.message.contains("no operationId")), "{found:?}");
    }

    #[test]
    fn unresolved_ref_and_default_response_are_reported() {
        let doc = format!(
            "{HEAD}paths:\n  /a:\n    get:\n      operationId: get_a\n      x-source: s\n      responses:\n        '200': {{$ref: '#/components/responses/Nope'}}\n        default: {{description: any}}\n"
        );
        let found = problems(&doc);
        assert!(found.iter().any(|p| p.pointer == "/paths/~1a/get/responses/200/$ref"), "{found:?}");
        assert!(found.iter().any(|p| p.pointer == "/paths/~1a/get/responses/default"), "{found:?}");
    }

    #[test]
    fn departures_must_have_a_note_and_known_kinds() {
        let doc = |departure: &str| {
            format!(
                "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      x-source: s\n      type: string\n      x-departure: {departure}\n"
            )
        };
        assert_eq!(problems(&doc("just prose")), vec![]);
        assert_eq!(
            problems(&doc(
                "{note: why, drift: ['nullable: ours true, theirs false', 'server-only: x'], versions: [6]}"
            )),
            vec![]
        );
        assert_eq!(problems(&doc("{note: why, drift: [not-served, 'enum: only ours: [A], only theirs: []']}")), vec![]);
        for (bad, says) in [
            ("{drift: ['nullable: ours true, theirs false']}", "`note`"),
            ("{note: why, drift: [nullable]}", "would forgive any nullable difference"),
            ("{note: why, drift: ['enum: ']}", "would forgive any enum difference"),
            (
                "{note: why, drift: ['nulable: ours true, theirs false']}",
                "`nulable: ours true, theirs false` is not a kind",
            ),
            ("{note: why, drift: ['server-only: ']}", "names nothing"),
            ("{note: why, versions: [six]}", "`versions`"),
            ("{note: why, because: x}", "`because`"),
            ("[{note: a}, 5]", "mappings"),
        ] {
            let found = problems(&doc(bad));
            assert_eq!(found.len(), 1, "{bad}: {found:?}");
            assert_eq!(found[0].pointer, "/components/schemas/A/x-departure");
            assert!(found[0].message.contains(says), "{bad}: {}", found[0].message);
        }
    }

    #[test]
    fn a_property_named_like_a_secret_must_be_marked_one() {
        let doc = |format: &str| {
            format!(
                "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      x-source: s\n      type: object\n      properties:\n        applicationSecret: {{type: string{format}}}\n        token_type: {{type: string}}\n        disable_antiforgery_token: {{type: boolean}}\n"
            )
        };
        assert_eq!(problems(&doc(", format: password")), vec![]);
        let found = problems(&doc(""));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].pointer, "/components/schemas/A/properties/applicationSecret");
        assert!(found[0].message.contains("would print in clear"), "{}", found[0].message);
        for (name, secret) in
            [("refresh_token", true), ("userPassword", true), ("assertion", true), ("tokenType", false)]
        {
            assert_eq!(named_like_a_secret(name), secret, "{name}");
        }
    }

    #[test]
    fn inline_enums_are_reported() {
        let doc = format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      x-source: s\n      type: object\n      properties:\n        kind: {{type: string, enum: [x, y]}}\n"
        );
        let found = problems(&doc);
        assert_eq!(found[0].pointer, "/components/schemas/A/properties/kind/enum", "{found:?}");
    }
}
