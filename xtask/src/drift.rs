//! `cargo xtask drift`: where `openapi/vb365.yaml` and a server's own
//! published OpenAPI document disagree.
//!
//! **Which operations are compared.** The server's document describes one
//! API version (its `info.version`, else the `/vN/` its paths start with).
//! Operations are matched by method and path once the version prefix is
//! set aside (`/v6/Organizations` and `/v8/Organizations` are one
//! operation), paths compared without regard to case and path parameters by
//! position. Where this document describes an operation in several
//! versions, the newest one not newer than the server's is compared (ours
//! v6 against a v7 server, ours v8 against a v8 server); versions newer
//! than the server's are not compared.
//!
//! **What is compared**, with a JSON pointer into each document: an
//! operation the server does not describe; parameters (present on one side
//! only, `required`, type, format); request and response bodies, property
//! by property and into nested objects, lists and maps (present on one side
//! only, type, format, enum values, `required`, `nullable`); the success
//! statuses. Properties the server marks `readOnly` are not expected in a
//! request body.
//!
//! `oneOf` and `anyOf` alternatives are compared one by one, `allOf` parts
//! merged, and `additionalProperties` walked like `items`; a type, an
//! `additionalProperties` or a list of alternatives on one side only is a
//! difference too.
//!
//! **Known differences.** A difference is known when an `x-departure` at the
//! place it concerns (the property, parameter or operation, or the schema a
//! `$ref` there names) lists it under `drift` exactly as the report writes
//! it: its kind and, after a colon, what each side says. A different
//! difference of the same kind at the same place is not known.
//!
//! ```yaml
//! x-departure:
//!   note: Why this document departs from the server's (required).
//!   drift: ["nullable: ours true, theirs false", "server-only: userCode"]
//!   versions: [6]        # optional: only against these API versions
//! ```
//!
//! `ours-only: <name>` and `server-only: <name>` name what one side alone
//! has; `not-served` stands alone (an operation is served or not).
//! `x-departure` may also be a list of such entries, or plain text (a note
//! that marks no difference as known).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::{Map, Value, json};

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options"];

/// One way the two documents disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// What disagrees, as `x-departure` names it: `not-served`, `status`,
    /// `media-type`, `ours-only: <name>`, `server-only: <name>`, `type`,
    /// `format`, `nullable`, `enum`, `required`.
    pub kind: String,
    /// What it concerns, for people: "property `userCode`".
    pub subject: String,
    /// Each side's value, for people: "ours int64, theirs int32".
    pub detail: String,
    /// JSON pointer into this document.
    pub ours: String,
    /// JSON pointer into the server's document, where it has something.
    pub theirs: Option<String>,
    /// The note of the `x-departure` that records it, if any.
    pub known: Option<String>,
    /// Where that `x-departure` is (a JSON pointer into this document).
    pub recorded_at: Option<String>,
}

impl Difference {
    /// The difference as an `x-departure` lists it under `drift`: the kind,
    /// with what each side says for the kinds that compare values.
    pub fn entry(&self) -> String {
        entry(&self.kind, &self.detail)
    }
}

/// `kind: detail`, or the kind alone where it says everything.
fn entry(kind: &str, detail: &str) -> String {
    if kind == "not-served" || kind.starts_with("ours-only: ") || kind.starts_with("server-only: ") {
        kind.to_owned()
    } else {
        format!("{kind}: {detail}")
    }
}

/// The comparison of one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compared {
    /// Our operationId.
    pub operation: String,
    /// Method and our path.
    pub method: String,
    /// Our path.
    pub path: String,
    /// The server's path and operationId, when it describes the operation.
    pub theirs: Option<(String, String)>,
    /// Whether our operation is of an older version than the server's document.
    pub across_versions: bool,
    /// What differs.
    pub differences: Vec<Difference>,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Our document, as named.
    pub ours: String,
    /// The server's document, as named.
    pub against: String,
    /// The API version the server's document describes.
    pub version: u32,
    /// One entry per compared operation, in our document's order.
    pub operations: Vec<Compared>,
    /// Our operations not compared, with the reason.
    pub skipped: Vec<(String, String)>,
}

impl Report {
    /// Every difference.
    pub fn differences(&self) -> impl Iterator<Item = &Difference> {
        self.operations.iter().flat_map(|o| &o.differences)
    }

    /// Differences no `x-departure` records.
    pub fn unknown(&self) -> usize {
        self.differences().filter(|d| d.known.is_none()).count()
    }

    /// Whether every difference is known (and something was compared).
    pub fn ok(&self) -> bool {
        self.unknown() == 0 && !self.operations.is_empty()
    }

    /// The report for people.
    pub fn to_text(&self) -> String {
        let mut out = format!("drift: {} against {} (API v{})\n", self.ours, self.against, self.version);
        for op in &self.operations {
            let theirs = match &op.theirs {
                Some((path, id)) => format!("{id} ({path})"),
                None => String::from("nothing (the server does not describe it)"),
            };
            let across = if op.across_versions { ", across versions" } else { "" };
            out.push_str(&format!("\n{} {}: {} against {theirs}{across}\n", op.method, op.path, op.operation));
            if op.differences.is_empty() {
                out.push_str("  same\n");
            }
            for d in &op.differences {
                let status = if d.known.is_some() { "KNOWN  " } else { "UNKNOWN" };
                out.push_str(&format!("  {status} {}: {} ({})\n", d.subject, d.kind, d.detail));
                if d.known.is_none() {
                    out.push_str(&format!("          record as: {:?}\n", d.entry()));
                }
                out.push_str(&format!("          ours#{}", d.ours));
                if let Some(theirs) = &d.theirs {
                    out.push_str(&format!("  theirs#{theirs}"));
                }
                out.push('\n');
                if let Some(note) = &d.known {
                    out.push_str(&format!("          known: {note}\n"));
                }
            }
        }
        if !self.skipped.is_empty() {
            out.push_str("\nnot compared:\n");
            for (id, why) in &self.skipped {
                out.push_str(&format!("  {id}: {why}\n"));
            }
        }
        let total = self.differences().count();
        let across = self.operations.iter().filter(|o| o.across_versions).count();
        out.push_str(&format!(
            "\n{} operations compared ({across} across versions); {total} differences: {} known, {} unknown\n",
            self.operations.len(),
            total - self.unknown(),
            self.unknown()
        ));
        out
    }

    /// The same report for machines.
    pub fn to_json(&self) -> Value {
        let difference = |d: &Difference| {
            json!({
                "kind": d.kind, "subject": d.subject, "detail": d.detail, "entry": d.entry(),
                "ours": d.ours, "theirs": d.theirs, "known": d.known.is_some(), "note": d.known,
                "recorded_at": d.recorded_at,
            })
        };
        json!({
            "ours": self.ours,
            "against": self.against,
            "version": self.version,
            "operations": self.operations.iter().map(|o| json!({
                "operation": o.operation,
                "method": o.method,
                "path": o.path,
                "theirs": o.theirs.as_ref().map(|(path, id)| json!({"path": path, "operationId": id})),
                "across_versions": o.across_versions,
                "differences": o.differences.iter().map(difference).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "not_compared": self.skipped.iter().map(|(id, why)| json!({"operation": id, "reason": why})).collect::<Vec<_>>(),
            "differences": self.differences().count(),
            "unknown": self.unknown(),
            "ok": self.ok(),
        })
    }
}

/// Why two documents could not be compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftError(pub String);

impl fmt::Display for DriftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DriftError {}

/// One operation of a document.
#[derive(Debug, Clone)]
struct Op<'a> {
    id: String,
    method: &'static str,
    path: String,
    /// The version the path starts with (`/v6/...` is 6), if any.
    version: Option<u32>,
    /// The path without its version, lower case, parameters as `{}`.
    key: String,
    pointer: String,
    value: &'a Value,
    /// Path-level parameters.
    shared: Vec<(Vec<String>, &'a Value)>,
}

/// Reads a published document: JSON, or YAML.
pub fn parse(name: &str, text: &str) -> Result<Value, String> {
    match serde_json::from_str(text) {
        Ok(value) => Ok(value),
        Err(json) => vb365_codegen::Document::parse(name, text)
            .map(|d| d.json)
            .map_err(|yaml| format!("{name}: neither JSON ({json}) nor an OpenAPI YAML document ({yaml})")),
    }
}

/// Compares `ours` (this project's document) with `theirs` (a server's).
pub fn compare(ours_name: &str, ours: &Value, against: &str, theirs: &Value) -> Result<Report, DriftError> {
    let version = document_version(theirs)
        .ok_or_else(|| DriftError(format!("{against}: cannot tell which API version it describes")))?;
    let theirs_ops = operations(theirs);
    if theirs_ops.is_empty() {
        return Err(DriftError(format!("{against}: describes no operations")));
    }
    let ours_ops = operations(ours);
    let mut newest: BTreeMap<(&str, &str), u32> = BTreeMap::new();
    for op in &ours_ops {
        let v = op.version.unwrap_or(0);
        if v <= version {
            let entry = newest.entry((op.method, op.key.as_str())).or_insert(v);
            *entry = (*entry).max(v);
        }
    }
    let mut report = Report {
        ours: ours_name.to_owned(),
        against: against.to_owned(),
        version,
        operations: Vec::new(),
        skipped: Vec::new(),
    };
    for op in &ours_ops {
        let v = op.version.unwrap_or(0);
        if v > version {
            report.skipped.push((op.id.clone(), format!("API v{v} is newer than the server's document")));
            continue;
        }
        if newest.get(&(op.method, op.key.as_str())) != Some(&v) {
            report.skipped.push((op.id.clone(), String::from("a newer version of it is compared instead")));
            continue;
        }
        let counterpart = theirs_ops.iter().find(|t| t.method == op.method && t.key == op.key);
        let mut cmp = Comparison { ours, theirs, version, out: Vec::new() };
        match counterpart {
            Some(t) => cmp.operation(op, t),
            None => cmp.push(
                "not-served",
                String::from("operation"),
                format!("the server's document has no {} {}", op.method.to_uppercase(), op.key),
                std::slice::from_ref(&op.pointer),
                None,
            ),
        }
        report.operations.push(Compared {
            operation: op.id.clone(),
            method: op.method.to_uppercase(),
            path: op.path.clone(),
            theirs: counterpart.map(|t| (t.path.clone(), t.id.clone())),
            across_versions: counterpart.is_some() && v < version,
            differences: cmp.out,
        });
    }
    Ok(report)
}

/// The API version a published document describes.
fn document_version(document: &Value) -> Option<u32> {
    let info = document.pointer("/info/version").and_then(Value::as_str).unwrap_or_default();
    if let Some(v) = info.trim().strip_prefix(['v', 'V']).and_then(|v| v.parse().ok()) {
        return Some(v);
    }
    let versions: BTreeSet<u32> = document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(path, _)| path_version(path))
        .collect();
    versions.last().copied()
}

fn path_version(path: &str) -> Option<u32> {
    let first = path.trim_start_matches('/').split('/').next()?;
    first.strip_prefix(['v', 'V'])?.parse().ok()
}

fn operations(document: &Value) -> Vec<Op<'_>> {
    let mut out = Vec::new();
    for (path, item) in document.get("paths").and_then(Value::as_object).into_iter().flatten() {
        let version = path_version(path);
        let rest =
            if version.is_some() { path.trim_start_matches('/').split_once('/').map_or("", |(_, r)| r) } else { path };
        let key: String = rest
            .split('/')
            .map(|s| if s.starts_with('{') { String::from("{}") } else { s.to_ascii_lowercase() })
            .collect::<Vec<_>>()
            .join("/");
        let item_pointer = format!("/paths/{}", segment(path));
        let shared = parameters(document, item.get("parameters"), &format!("{item_pointer}/parameters"));
        for method in METHODS {
            let Some(value) = item.get(*method) else { continue };
            out.push(Op {
                id: value.get("operationId").and_then(Value::as_str).unwrap_or("(no operationId)").to_owned(),
                method,
                path: path.clone(),
                version,
                key: key.clone(),
                pointer: format!("{item_pointer}/{method}"),
                value,
                shared: shared.clone(),
            });
        }
    }
    out
}

/// Each parameter with the pointers it was reached through (the list entry,
/// then any `$ref` targets).
fn parameters<'a>(document: &'a Value, list: Option<&'a Value>, at: &str) -> Vec<(Vec<String>, &'a Value)> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, p)| {
            let (pointers, resolved) = follow(document, p, format!("{at}/{i}"));
            Some((pointers, resolved?))
        })
        .collect()
}

/// Follows `$ref`s; returns every pointer passed and the value reached.
fn follow<'a>(document: &'a Value, mut value: &'a Value, at: String) -> (Vec<String>, Option<&'a Value>) {
    let mut pointers = vec![at];
    for _ in 0..16 {
        let Some(target) = value.get("$ref").and_then(Value::as_str) else { return (pointers, Some(value)) };
        let Some(pointer) = target.strip_prefix('#') else { return (pointers, None) };
        pointers.push(pointer.to_owned());
        match document.pointer(pointer) {
            Some(next) => value = next,
            None => return (pointers, None),
        }
    }
    (pointers, None)
}

fn segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Which body a schema describes: properties the server marks `readOnly`
/// are not expected in requests, nor `writeOnly` ones in responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// A schema with `$ref` followed and `allOf` merged.
#[derive(Debug, Default)]
struct Schema<'a> {
    /// Every pointer the schema was assembled from (where `x-departure` may sit).
    at: Vec<String>,
    kind: Option<&'a str>,
    format: Option<&'a str>,
    nullable: bool,
    values: Option<Vec<&'a Value>>,
    properties: BTreeMap<&'a str, (String, &'a Value)>,
    required: BTreeSet<&'a str>,
    items: Option<(String, &'a Value)>,
    /// `additionalProperties`, a schema or `true` (anything).
    additional: Option<(String, &'a Value)>,
    one_of: Option<Vec<(String, &'a Value)>>,
    any_of: Option<Vec<(String, &'a Value)>>,
    read_only: bool,
    write_only: bool,
}

fn schema<'a>(document: &'a Value, value: &'a Value, at: String, out: &mut Schema<'a>, depth: usize) {
    if depth > 16 {
        return;
    }
    let (pointers, resolved) = follow(document, value, at);
    let here = pointers.last().cloned().unwrap_or_default();
    out.at.extend(pointers);
    let Some(value) = resolved else { return };
    let text = |key: &str| value.get(key).and_then(Value::as_str);
    out.kind = out.kind.or(text("type"));
    out.format = out.format.or(text("format"));
    let flag = |key: &str| value.get(key).and_then(Value::as_bool) == Some(true);
    out.nullable |= flag("nullable");
    out.read_only |= flag("readOnly");
    out.write_only |= flag("writeOnly");
    if let Some(values) = value.get("enum").and_then(Value::as_array) {
        out.values.get_or_insert_with(Vec::new).extend(values.iter().filter(|v| !v.is_null()));
    }
    for (name, property) in value.get("properties").and_then(Value::as_object).into_iter().flatten() {
        out.properties.entry(name).or_insert((format!("{here}/properties/{}", segment(name)), property));
    }
    out.required
        .extend(value.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str));
    if let Some(items) = value.get("items") {
        out.items.get_or_insert((format!("{here}/items"), items));
    }
    if let Some(additional) = value.get("additionalProperties").filter(|a| a.is_object() || a == &&Value::Bool(true)) {
        out.additional.get_or_insert((format!("{here}/additionalProperties"), additional));
    }
    for (key, slot) in [("oneOf", &mut out.one_of), ("anyOf", &mut out.any_of)] {
        if let (None, Some(list)) = (&slot, value.get(key).and_then(Value::as_array)) {
            *slot = Some(list.iter().enumerate().map(|(i, v)| (format!("{here}/{key}/{i}"), v)).collect());
        }
    }
    for (i, part) in value.get("allOf").and_then(Value::as_array).into_iter().flatten().enumerate() {
        schema(document, part, format!("{here}/allOf/{i}"), out, depth + 1);
    }
}

fn read<'a>(document: &'a Value, value: &'a Value, at: String) -> Schema<'a> {
    let mut out = Schema::default();
    schema(document, value, at, &mut out, 0);
    out
}

struct Comparison<'a> {
    ours: &'a Value,
    theirs: &'a Value,
    version: u32,
    out: Vec<Difference>,
}

/// Path-level and operation-level parameters of an operation.
fn all_parameters<'a>(op: &Op<'a>, document: &'a Value) -> Vec<(Vec<String>, &'a Value)> {
    let mut list = op.shared.clone();
    list.extend(parameters(document, op.value.get("parameters"), &format!("{}/parameters", op.pointer)));
    list
}

/// The request body of an operation, `$ref` followed, with its pointer.
fn request_body<'a>(op: &Op<'a>, document: &'a Value) -> Option<(String, &'a Value)> {
    let body = op.value.get("requestBody")?;
    let (pointers, resolved) = follow(document, body, format!("{}/requestBody", op.pointer));
    Some((pointers.last().cloned().unwrap_or_default(), resolved?))
}

/// The response of an operation for `status`, `$ref` followed, with its pointer.
fn response_of<'a>(op: &Op<'a>, document: &'a Value, status: &str) -> Option<(String, &'a Value)> {
    let response = op.value.get("responses")?.get(status)?;
    let (pointers, resolved) = follow(document, response, format!("{}/responses/{}", op.pointer, segment(status)));
    Some((pointers.last().cloned().unwrap_or_default(), resolved?))
}

impl<'a> Comparison<'a> {
    fn push(&mut self, kind: &str, subject: String, detail: String, ours_at: &[String], theirs: Option<String>) {
        let listed = entry(kind, &detail);
        let recorded = ours_at.iter().find_map(|at| known(self.ours, at, &listed, self.version).map(|n| (n, at)));
        let (known, recorded_at) = recorded.map_or((None, None), |(note, at)| (Some(note), Some(at.clone())));
        let ours = ours_at.first().cloned().unwrap_or_default();
        self.out.push(Difference { kind: kind.to_owned(), subject, detail, ours, theirs, known, recorded_at });
    }

    fn operation(&mut self, ours: &Op<'a>, theirs: &Op<'a>) {
        self.parameters(ours, theirs);
        self.request(ours, theirs);
        self.responses(ours, theirs);
    }

    fn parameters(&mut self, ours: &Op<'a>, theirs: &Op<'a>) {
        let (mine, others) = (all_parameters(ours, self.ours), all_parameters(theirs, self.theirs));
        let key = |p: &Value, path: &str| -> (String, String) {
            let place = p.get("in").and_then(Value::as_str).unwrap_or_default().to_owned();
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            if place == "path" {
                // Path parameters match by position: names may differ.
                let position = path.split('/').position(|s| s == format!("{{{name}}}")).unwrap_or(usize::MAX);
                (place, position.to_string())
            } else {
                (place, name.to_ascii_lowercase())
            }
        };
        let theirs_by_key: BTreeMap<_, _> =
            others.iter().map(|(at, p)| (key(p, &theirs.path), (at.last().cloned().unwrap_or_default(), *p))).collect();
        let mut matched = BTreeSet::new();
        for (pointers, p) in &mine {
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            let k = key(p, &ours.path);
            let at = pointers.last().cloned().unwrap_or_default();
            let mut here = pointers.clone();
            here.push(ours.pointer.clone());
            let Some((their_at, other)) = theirs_by_key.get(&k) else {
                self.push(
                    &format!("ours-only: {name}"),
                    format!("parameter `{name}`"),
                    String::from("only this document has it"),
                    &here,
                    Some(theirs.pointer.clone()),
                );
                continue;
            };
            matched.insert(k);
            let subject = format!("parameter `{name}`");
            let required = |v: &Value| v.get("required").and_then(Value::as_bool) == Some(true);
            if required(p) != required(other) {
                let detail = format!("ours {}, theirs {}", required(p), required(other));
                self.push("required", subject.clone(), detail, &here, Some(their_at.clone()));
            }
            let mine_schema = p.get("schema").map(|s| read(self.ours, s, format!("{at}/schema"))).unwrap_or_default();
            let their_schema =
                other.get("schema").map(|s| read(self.theirs, s, format!("{their_at}/schema"))).unwrap_or_default();
            let mut places = here.clone();
            places.extend(mine_schema.at.iter().cloned());
            self.scalar(&subject, &mine_schema, &their_schema, &places, their_at);
        }
        for (k, (at, p)) in &theirs_by_key {
            if matched.contains(k) {
                continue;
            }
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            self.push(
                &format!("server-only: {name}"),
                format!("parameter `{name}`"),
                String::from("only the server's document has it"),
                std::slice::from_ref(&ours.pointer),
                Some(at.clone()),
            );
        }
    }

    fn request(&mut self, ours: &Op<'a>, theirs: &Op<'a>) {
        let (mine, other) = (request_body(ours, self.ours), request_body(theirs, self.theirs));
        let (has_mine, has_other) = (mine.is_some(), other.is_some());
        let (Some((mine_at, mine)), Some((their_at, other))) = (mine, other) else {
            if has_mine != has_other {
                let detail = if has_mine { "only ours has one" } else { "only theirs has one" };
                self.push(
                    "media-type",
                    String::from("request body"),
                    detail.into(),
                    std::slice::from_ref(&ours.pointer),
                    None,
                );
            }
            return;
        };
        self.content("request body", Side::Request, (&mine_at, mine), (&their_at, other), &ours.pointer);
    }

    fn responses(&mut self, ours: &Op<'a>, theirs: &Op<'a>) {
        let successes = |op: &Op<'_>| -> BTreeSet<String> {
            op.value
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(status, _)| status.clone())
                .filter(|s| s.starts_with('2'))
                .collect()
        };
        let (mine, others) = (successes(ours), successes(theirs));
        if mine != others {
            let list = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(", ");
            self.push(
                "status",
                String::from("success status"),
                format!("ours {}, theirs {}", list(&mine), list(&others)),
                &[format!("{}/responses", ours.pointer), ours.pointer.clone()],
                Some(format!("{}/responses", theirs.pointer)),
            );
        }
        for status in mine.intersection(&others) {
            if let (Some(mine), Some(other)) =
                (response_of(ours, self.ours, status), response_of(theirs, self.theirs, status))
            {
                let subject = format!("{status} response body");
                self.content(&subject, Side::Response, (&mine.0, mine.1), (&other.0, other.1), &ours.pointer);
            }
        }
    }

    /// Compares the bodies of a request or response (`content`).
    fn content(&mut self, what: &str, side: Side, mine: (&str, &Value), other: (&str, &Value), op_at: &str) {
        let media = |v: &Value| v.get("content").and_then(Value::as_object).cloned().unwrap_or_default();
        let (mine_media, other_media) = (media(mine.1), media(other.1));
        for (media_type, mine_content) in &mine_media {
            // A server may type a JSON body `*/*`.
            let counterpart = other_media.get(media_type).map(|c| (media_type.as_str(), c)).or_else(|| {
                (media_type == "application/json").then(|| other_media.get("*/*").map(|c| ("*/*", c))).flatten()
            });
            let mine_at = format!("{}/content/{}", mine.0, segment(media_type));
            let Some((their_type, other_content)) = counterpart else {
                let theirs = other_media.keys().cloned().collect::<Vec<_>>().join(", ");
                self.push(
                    "media-type",
                    what.to_owned(),
                    format!("ours {media_type}, theirs {theirs}"),
                    &[mine_at, op_at.to_owned()],
                    Some(other.0.to_owned()),
                );
                continue;
            };
            let their_at = format!("{}/content/{}", other.0, segment(their_type));
            if let (Some(a), Some(b)) = (mine_content.get("schema"), other_content.get("schema")) {
                let mut seen = BTreeSet::new();
                self.schema(what, side, (format!("{mine_at}/schema"), a), (format!("{their_at}/schema"), b), &mut seen);
            }
        }
    }

    /// Type, format, nullability and enum values of two schemas.
    fn scalar(&mut self, subject: &str, mine: &Schema<'_>, other: &Schema<'_>, places: &[String], their_at: &str) {
        let show = |v: Option<&str>| v.unwrap_or("none").to_owned();
        if mine.kind != other.kind {
            let detail = format!("ours {}, theirs {}", show(mine.kind), show(other.kind));
            self.push("type", subject.to_owned(), detail, places, Some(their_at.to_owned()));
        }
        if mine.format != other.format {
            let detail = format!("ours {}, theirs {}", show(mine.format), show(other.format));
            self.push("format", subject.to_owned(), detail, places, Some(their_at.to_owned()));
        }
        if mine.nullable != other.nullable {
            let detail = format!("ours {}, theirs {}", mine.nullable, other.nullable);
            self.push("nullable", subject.to_owned(), detail, places, Some(their_at.to_owned()));
        }
        let text = |x: &Value| x.as_str().map_or_else(|| x.to_string(), str::to_owned);
        let values = |s: &Schema<'_>| s.values.as_ref().map(|v| v.iter().map(|x| text(x)).collect::<BTreeSet<_>>());
        let (a, b) = (values(mine), values(other));
        if a != b {
            let list = |x: &BTreeSet<String>| x.iter().cloned().collect::<Vec<_>>().join(", ");
            let detail = match (&a, &b) {
                (Some(a), Some(b)) => {
                    let only = |x: &BTreeSet<String>, y: &BTreeSet<String>| x.difference(y).cloned().collect();
                    format!("only ours: [{}], only theirs: [{}]", list(&only(a, b)), list(&only(b, a)))
                }
                (Some(a), None) => format!("only ours lists values: [{}]", list(a)),
                (None, Some(b)) => format!("only theirs lists values: [{}]", list(b)),
                (None, None) => unreachable!("the lists differ"),
            };
            self.push("enum", subject.to_owned(), detail, places, Some(their_at.to_owned()));
        }
    }

    fn schema(
        &mut self,
        subject: &str,
        side: Side,
        mine: (String, &Value),
        other: (String, &Value),
        seen: &mut BTreeSet<(String, String)>,
    ) {
        let (a, b) = (read(self.ours, mine.1, mine.0.clone()), read(self.theirs, other.1, other.0.clone()));
        let pair = (a.at.last().cloned().unwrap_or_default(), b.at.last().cloned().unwrap_or_default());
        if !seen.insert(pair) {
            return;
        }
        let their_at = b.at.last().cloned().unwrap_or_default();
        self.scalar(subject, &a, &b, &a.at, &their_at);
        let expected = |s: &Value| {
            let flag = |k: &str| s.get(k).and_then(Value::as_bool) == Some(true);
            match side {
                Side::Request => !flag("readOnly"),
                Side::Response => !flag("writeOnly"),
            }
        };
        let names: BTreeSet<&str> = a.properties.keys().chain(b.properties.keys()).copied().collect();
        for name in names {
            let property = format!("property `{name}`");
            match (a.properties.get(name), b.properties.get(name)) {
                (Some((at, _)), None) => {
                    let mut places = vec![at.clone()];
                    places.extend(a.at.iter().cloned());
                    let detail = String::from("only this document has it");
                    self.push(&format!("ours-only: {name}"), property, detail, &places, Some(their_at.clone()));
                }
                (None, Some((at, s))) => {
                    if expected(resolve(self.theirs, s)) {
                        let detail = String::from("only the server's document has it");
                        // The object schema itself first: that is where to record it.
                        let places: Vec<String> = a.at.iter().rev().cloned().collect();
                        self.push(&format!("server-only: {name}"), property, detail, &places, Some(at.clone()));
                    }
                }
                (Some((mine_at, mine_schema)), Some((other_at, other_schema))) => {
                    if a.required.contains(name) != b.required.contains(name) {
                        let detail =
                            format!("ours {}, theirs {}", a.required.contains(name), b.required.contains(name));
                        let places = [vec![mine_at.clone()], read(self.ours, mine_schema, mine_at.clone()).at].concat();
                        self.push("required", property.clone(), detail, &places, Some(other_at.clone()));
                    }
                    let next = ((*mine_at).clone(), *mine_schema);
                    self.schema(&property, side, next, ((*other_at).clone(), *other_schema), seen);
                }
                (None, None) => {}
            }
        }
        if let (Some(x), Some(y)) = (&a.items, &b.items) {
            self.schema(&format!("{subject} items"), side, x.clone(), y.clone(), seen);
        }
        let entries = format!("{subject} entries");
        match (&a.additional, &b.additional) {
            (Some(x), Some(y)) => self.schema(&entries, side, x.clone(), y.clone(), seen),
            (Some((at, _)), None) => {
                let places = [vec![at.clone()], a.at.clone()].concat();
                let detail = String::from("only this document allows members it does not name");
                self.push("ours-only: additionalProperties", entries, detail, &places, Some(their_at.clone()));
            }
            (None, Some((at, _))) => {
                let places: Vec<String> = a.at.iter().rev().cloned().collect();
                let detail = String::from("only the server's document allows members it does not name");
                self.push("server-only: additionalProperties", entries, detail, &places, Some(at.clone()));
            }
            (None, None) => {}
        }
        for (kind, x, y) in [("one-of", &a.one_of, &b.one_of), ("any-of", &a.any_of, &b.any_of)] {
            match (x, y) {
                (Some(x), Some(y)) if x.len() == y.len() => {
                    for (i, (x, y)) in x.iter().zip(y).enumerate() {
                        let alternative = format!("{subject} alternative {}", i + 1);
                        self.schema(&alternative, side, x.clone(), y.clone(), seen);
                    }
                }
                (None, None) => {}
                _ => {
                    let count = |l: &Option<Vec<_>>| l.as_ref().map_or(String::from("none"), |l| l.len().to_string());
                    let detail = format!("ours {}, theirs {} alternatives", count(x), count(y));
                    self.push(kind, subject.to_owned(), detail, &a.at, Some(their_at.clone()));
                }
            }
        }
    }
}

fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    follow(document, value, String::new()).1.unwrap_or(value)
}

/// The note of an `x-departure` at `pointer` that lists `listed` (a
/// difference as `Difference::entry` writes it) for `version`.
fn known(document: &Value, pointer: &str, listed: &str, version: u32) -> Option<String> {
    let departure = document.pointer(pointer)?.get("x-departure")?;
    let entries: Vec<&Map<String, Value>> = match departure {
        Value::Object(entry) => vec![entry],
        Value::Array(list) => list.iter().filter_map(Value::as_object).collect(),
        _ => return None,
    };
    entries.into_iter().find_map(|entry| {
        let lists = entry.get("drift").and_then(Value::as_array)?.iter().any(|k| k.as_str() == Some(listed));
        let versions = entry.get("versions").and_then(Value::as_array);
        let applies = versions.is_none_or(|v| v.iter().any(|n| n.as_u64() == Some(u64::from(version))));
        (lists && applies).then(|| entry.get("note").and_then(Value::as_str).unwrap_or("(no note)").to_owned())
    })
}
