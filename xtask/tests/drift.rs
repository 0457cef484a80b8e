//! `cargo xtask drift` on small constructed documents: each kind of
//! difference is found and named with pointers into both documents, known
//! ones are told apart, and operations are matched across versions.

use serde_json::{Value, json};
use xtask::drift::{Difference, Report, compare};

/// Our document: one operation, `GET /v6/Things/{thingId}`, answering a `Thing`.
fn ours() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "ours", "version": "6"},
        "paths": {
            "/v6/Things/{thingId}": {
                "get": {
                    "operationId": "get_thing",
                    "parameters": [
                        {"name": "thingId", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}},
                        {"name": "extendedView", "in": "query", "required": false, "schema": {"type": "boolean"}}
                    ],
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}
                    }
                }
            }
        },
        "components": {"schemas": {
            "Thing": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "name": {"type": "string"},
                    "size": {"type": "integer", "format": "int64"},
                    "state": {"$ref": "#/components/schemas/State"},
                    "parts": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}
                }
            },
            "State": {"type": "string", "enum": ["On", "Off"]}
        }}
    })
}

/// The server's document: the same operation, equal to ours until a test changes it.
fn theirs() -> Value {
    let mut doc = ours();
    doc["info"]["version"] = json!("v6");
    doc["paths"]["/v6/Things/{thingId}"]["get"]["operationId"] = json!("Thing_Get");
    doc
}

fn run(ours: &Value, theirs: &Value) -> Report {
    compare("ours.yaml", ours, "theirs.json", theirs).unwrap()
}

fn only(report: &Report) -> &Difference {
    let all: Vec<&Difference> = report.differences().collect();
    assert_eq!(all.len(), 1, "{}", report.to_text());
    all[0]
}

#[test]
fn equal_documents_have_no_difference() {
    let report = run(&ours(), &theirs());
    assert!(report.ok(), "{}", report.to_text());
    assert_eq!(report.operations.len(), 1);
    assert_eq!(report.differences().count(), 0);
    assert!(report.to_text().contains("1 operations compared (0 across versions); 0 differences"));
}

#[test]
fn a_property_type_difference_is_named_with_both_pointers() {
    let mut theirs = theirs();
    theirs["components"]["schemas"]["Thing"]["properties"]["size"] = json!({"type": "string"});
    let report = run(&ours(), &theirs);
    assert!(!report.ok());
    let types: Vec<&Difference> = report.differences().filter(|d| d.kind == "type").collect();
    assert_eq!(types.len(), 1, "{}", report.to_text());
    assert_eq!(types[0].subject, "property `size`");
    assert_eq!(types[0].detail, "ours integer, theirs string");
    assert_eq!(types[0].ours, "/components/schemas/Thing/properties/size");
    assert_eq!(types[0].theirs.as_deref(), Some("/components/schemas/Thing/properties/size"));
    let formats: Vec<&Difference> = report.differences().filter(|d| d.kind == "format").collect();
    assert_eq!(formats[0].detail, "ours int64, theirs none");
}

#[test]
fn a_format_difference_is_found() {
    let mut theirs = theirs();
    theirs["components"]["schemas"]["Thing"]["properties"]["size"]["format"] = json!("int32");
    let d = only(&run(&ours(), &theirs)).clone();
    assert_eq!((d.kind.as_str(), d.detail.as_str()), ("format", "ours int64, theirs int32"));
}

#[test]
fn a_renamed_property_is_missing_on_one_side_and_extra_on_the_other() {
    let mut theirs = theirs();
    let props = theirs["components"]["schemas"]["Thing"]["properties"].as_object_mut().unwrap();
    let name = props.remove("name").unwrap();
    props.insert(String::from("displayName"), name);
    let report = run(&ours(), &theirs);
    let kinds: Vec<&str> = report.differences().map(|d| d.kind.as_str()).collect();
    assert_eq!(kinds, ["server-only: displayName", "ours-only: name"], "{}", report.to_text());
    let server_only = report.differences().next().unwrap();
    assert_eq!(server_only.theirs.as_deref(), Some("/components/schemas/Thing/properties/displayName"));
    assert_eq!(server_only.ours, "/components/schemas/Thing");
    assert!(report.to_text().contains("UNKNOWN property `displayName`: server-only: displayName"));
}

#[test]
fn enum_values_required_and_nullable_differences_are_found() {
    let mut theirs = theirs();
    theirs["components"]["schemas"]["State"]["enum"] = json!(["On", "Off", "Paused"]);
    let d = only(&run(&ours(), &theirs)).clone();
    assert_eq!((d.kind.as_str(), d.detail.as_str()), ("enum", "only ours: [], only theirs: [Paused]"));
    assert_eq!(d.entry(), "enum: only ours: [], only theirs: [Paused]");
    assert!(d.ours.ends_with("/Thing/properties/state"), "{d:?}");

    let mut theirs = self::theirs();
    theirs["components"]["schemas"]["Thing"]["required"] = json!(["id", "name"]);
    let d = only(&run(&ours(), &theirs)).clone();
    assert_eq!(
        (d.kind.as_str(), d.subject.as_str(), d.detail.as_str()),
        ("required", "property `name`", "ours false, theirs true")
    );

    let mut theirs = self::theirs();
    theirs["components"]["schemas"]["Thing"]["properties"]["name"]["nullable"] = json!(true);
    let d = only(&run(&ours(), &theirs)).clone();
    assert_eq!((d.kind.as_str(), d.detail.as_str()), ("nullable", "ours false, theirs true"));
}

#[test]
fn parameter_differences_are_found() {
    let get = "/paths/~1v6~1Things~1{thingId}/get";
    let mut theirs = theirs();
    let params = theirs.pointer_mut(&format!("{get}/parameters")).unwrap().as_array_mut().unwrap();
    params[1]["required"] = json!(true);
    // Path parameters match by position: another name is no difference.
    params[0]["name"] = json!("id");
    params.push(json!({"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int32"}}));
    let item = theirs["paths"]["/v6/Things/{thingId}"].take();
    theirs["paths"] = json!({"/v6/things/{id}": item});
    let report = run(&ours(), &theirs);
    let found: Vec<(&str, &str)> = report.differences().map(|d| (d.kind.as_str(), d.subject.as_str())).collect();
    assert_eq!(
        found,
        [("required", "parameter `extendedView`"), ("server-only: limit", "parameter `limit`")],
        "{}",
        report.to_text()
    );
    let mut theirs = self::theirs();
    theirs.pointer_mut(&format!("{get}/parameters")).unwrap().as_array_mut().unwrap().pop();
    let d = only(&run(&ours(), &theirs)).clone();
    assert_eq!(d.kind, "ours-only: extendedView");
    assert_eq!(d.ours, format!("{get}/parameters/1"));
}

#[test]
fn success_statuses_and_media_types_are_compared() {
    let mut theirs = theirs();
    let responses = theirs.pointer_mut("/paths/~1v6~1Things~1{thingId}/get/responses").unwrap();
    let ok = responses["200"].take();
    responses.as_object_mut().unwrap().remove("200");
    responses["201"] = ok;
    let d = only(&run(&ours(), &theirs)).clone();
    assert_eq!((d.kind.as_str(), d.detail.as_str()), ("status", "ours 200, theirs 201"));

    // A JSON body the server types `*/*` is still compared as JSON.
    let mut theirs = self::theirs();
    let content = theirs.pointer_mut("/paths/~1v6~1Things~1{thingId}/get/responses/200/content").unwrap();
    let schema = content["application/json"].take();
    *content = json!({"*/*": schema});
    assert!(run(&ours(), &theirs).ok());
    *theirs.pointer_mut("/paths/~1v6~1Things~1{thingId}/get/responses/200/content").unwrap() =
        json!({"text/plain": {"schema": {"type": "string"}}});
    assert_eq!(only(&run(&ours(), &theirs)).kind, "media-type");
}

#[test]
fn an_operation_the_server_does_not_describe_is_not_served() {
    let mut theirs = theirs();
    theirs["paths"] = json!({"/v6/Other": {"get": {"operationId": "Other", "responses": {}}}});
    let d = only(&run(&ours(), &theirs)).clone();
    assert_eq!(d.kind, "not-served");
    assert_eq!(d.ours, "/paths/~1v6~1Things~1{thingId}/get");
    assert!(d.theirs.is_none());
}

#[test]
fn read_only_server_properties_are_not_expected_in_a_request() {
    let mut ours = ours();
    let op = ours.pointer_mut("/paths/~1v6~1Things~1{thingId}/get").unwrap().take();
    ours["paths"] = json!({"/v6/Things": {"post": op}});
    ours["paths"]["/v6/Things"]["post"]["parameters"] = json!([]);
    ours["paths"]["/v6/Things"]["post"]["requestBody"] = json!({"content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}});
    let mut theirs = ours.clone();
    theirs["info"]["version"] = json!("v6");
    theirs["paths"]["/v6/Things"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["id"] =
        json!({"type": "string", "readOnly": true});
    assert!(run(&ours, &theirs).ok(), "{}", run(&ours, &theirs).to_text());
    theirs["paths"]["/v6/Things"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["id"] =
        json!({"type": "string"});
    assert_eq!(only(&run(&ours, &theirs)).kind, "server-only: id");
}

#[test]
fn a_difference_recorded_in_x_departure_is_known() {
    let mut theirs = theirs();
    theirs["components"]["schemas"]["Thing"]["properties"]["name"]["nullable"] = json!(true);
    theirs["components"]["schemas"]["Thing"]["properties"]["colour"] = json!({"type": "string"});
    let mut ours = ours();
    ours["components"]["schemas"]["Thing"]["properties"]["name"]["x-departure"] =
        json!({"note": "null reads as absent anyway", "drift": ["nullable: ours false, theirs true"]});
    ours["components"]["schemas"]["Thing"]["x-departure"] =
        json!([{"note": "colours are out of scope", "drift": ["server-only: colour"]}]);
    let report = run(&ours, &theirs);
    assert!(report.ok(), "{}", report.to_text());
    assert_eq!(report.differences().count(), 2);
    let text = report.to_text();
    assert!(text.contains("KNOWN   property `colour`") && text.contains("known: colours are out of scope"), "{text}");
    assert!(text.ends_with("2 differences: 2 known, 0 unknown\n"), "{text}");

    // A note alone, or a departure for another version, does not make it known.
    ours["components"]["schemas"]["Thing"]["properties"]["name"]["x-departure"] = json!("prose only");
    ours["components"]["schemas"]["Thing"]["x-departure"] =
        json!({"note": "v8 only", "drift": ["server-only: colour"], "versions": [8]});
    assert_eq!(run(&ours, &theirs).unknown(), 2);
}

/// A departure forgives the difference it names, values and all; the same
/// kind of difference with other values is unknown.
#[test]
fn a_departure_forgives_only_the_values_it_names() {
    let state = |theirs: &[&str]| {
        let mut doc = self::theirs();
        doc["components"]["schemas"]["State"]["enum"] = json!(theirs);
        doc
    };
    let mut ours = ours();
    ours["components"]["schemas"]["State"]["x-departure"] =
        json!({"note": "Paused is not watched", "drift": ["enum: only ours: [], only theirs: [Paused]"]});
    let report = run(&ours, &state(&["On", "Off", "Paused"]));
    assert!(report.ok(), "{}", report.to_text());
    assert_eq!(report.differences().next().unwrap().recorded_at.as_deref(), Some("/components/schemas/State"));

    // Another value the server adds, or one this document drops, is a new difference.
    for other in [&["On", "Off", "Paused", "Broken"][..], &["On", "Paused"][..]] {
        let report = run(&ours, &state(other));
        let d = only(&report);
        assert!(d.known.is_none(), "{other:?}: {}", report.to_text());
        assert!(report.to_text().contains(&format!("record as: {:?}", d.entry())), "{}", report.to_text());
    }

    // A kind without values forgives nothing.
    ours["components"]["schemas"]["State"]["x-departure"] = json!({"note": "any enum change", "drift": ["enum"]});
    assert_eq!(run(&ours, &state(&["On", "Off", "Paused"])).unknown(), 1);

    // nullable the other way round is another difference.
    let mut theirs = self::theirs();
    theirs["components"]["schemas"]["Thing"]["properties"]["name"]["nullable"] = json!(true);
    let mut ours = self::ours();
    ours["components"]["schemas"]["Thing"]["properties"]["name"]["x-departure"] =
        json!({"note": "the wrong way round", "drift": ["nullable: ours true, theirs false"]});
    assert_eq!(run(&ours, &theirs).unknown(), 1);
}

#[test]
fn a_type_on_one_side_only_is_a_difference() {
    let mut theirs = theirs();
    theirs["components"]["schemas"]["Thing"]["properties"]["name"] = json!({"description": "anything"});
    let d = only(&run(&ours(), &theirs)).clone();
    assert_eq!((d.kind.as_str(), d.detail.as_str()), ("type", "ours string, theirs none"));
    let mut ours = ours();
    ours["components"]["schemas"]["Thing"]["properties"]["size"] = json!({"format": "int64"});
    let d = only(&run(&ours, &self::theirs())).clone();
    assert_eq!((d.subject.as_str(), d.entry().as_str()), ("property `size`", "type: ours none, theirs integer"));
}

/// Two alternatives each, one nested property apart.
fn with_alternatives(keyword: &str, second: Value) -> Value {
    let mut doc = ours();
    doc["components"]["schemas"]["Thing"]["properties"]["shape"] = json!({
        keyword: [{"type": "string"}, second]
    });
    doc
}

#[test]
fn one_of_and_any_of_alternatives_are_walked() {
    for keyword in ["oneOf", "anyOf"] {
        let circle = json!({"type": "object", "properties": {"radius": {"type": "integer"}}});
        let ours = with_alternatives(keyword, circle.clone());
        let mut other = circle.clone();
        other["properties"]["radius"]["format"] = json!("int32");
        let mut theirs = with_alternatives(keyword, other);
        theirs["info"]["version"] = json!("v6");
        let d = only(&run(&ours, &theirs)).clone();
        assert_eq!((d.kind.as_str(), d.subject.as_str()), ("format", "property `radius`"), "{keyword}");
        assert!(d.ours.ends_with(&format!("/properties/shape/{keyword}/1/properties/radius")), "{d:?}");

        // A different number of alternatives, or alternatives on one side only.
        let mut theirs = with_alternatives(keyword, circle.clone());
        theirs["components"]["schemas"]["Thing"]["properties"]["shape"][keyword].as_array_mut().unwrap().pop();
        let kind = if keyword == "oneOf" { "one-of" } else { "any-of" };
        assert_eq!(only(&run(&ours, &theirs)).entry(), format!("{kind}: ours 2, theirs 1 alternatives"));
        let mut theirs = self::theirs();
        theirs["components"]["schemas"]["Thing"]["properties"]["shape"] = json!({"type": "string"});
        let found: Vec<String> = run(&ours, &theirs).differences().map(Difference::entry).collect();
        assert!(found.contains(&format!("{kind}: ours 2, theirs none alternatives")), "{found:?}");
    }
}

#[test]
fn all_of_parts_are_merged_and_walked() {
    let mut ours = ours();
    ours["components"]["schemas"]["Thing"]["properties"]["owner"] =
        json!({"allOf": [{"$ref": "#/components/schemas/Owner"}], "nullable": true});
    ours["components"]["schemas"]["Owner"] = json!({"type": "object", "properties": {"login": {"type": "string"}}});
    let mut theirs = ours.clone();
    theirs["info"]["version"] = json!("v6");
    assert!(run(&ours, &theirs).ok());
    theirs["components"]["schemas"]["Owner"]["properties"]["login"]["format"] = json!("email");
    let d = only(&run(&ours, &theirs)).clone();
    assert_eq!((d.subject.as_str(), d.entry().as_str()), ("property `login`", "format: ours none, theirs email"));
    assert_eq!(d.ours, "/components/schemas/Owner/properties/login");
}

#[test]
fn additional_properties_are_walked_and_one_side_only_is_a_difference() {
    let mut ours = ours();
    ours["components"]["schemas"]["Thing"]["properties"]["tags"] =
        json!({"type": "object", "additionalProperties": {"type": "string"}});
    let mut theirs = ours.clone();
    theirs["info"]["version"] = json!("v6");
    assert!(run(&ours, &theirs).ok());

    theirs["components"]["schemas"]["Thing"]["properties"]["tags"]["additionalProperties"] = json!({"type": "integer"});
    let d = only(&run(&ours, &theirs)).clone();
    assert_eq!(
        (d.subject.as_str(), d.entry().as_str()),
        ("property `tags` entries", "type: ours string, theirs integer")
    );

    theirs["components"]["schemas"]["Thing"]["properties"]["tags"] = json!({"type": "object"});
    let d = only(&run(&ours, &theirs)).clone();
    assert_eq!(d.entry(), "ours-only: additionalProperties");
    assert_eq!(d.ours, "/components/schemas/Thing/properties/tags/additionalProperties");

    let (mut ours, mut theirs) = (self::ours(), self::theirs());
    ours["components"]["schemas"]["Thing"]["properties"]["tags"] = json!({"type": "object"});
    theirs["components"]["schemas"]["Thing"]["properties"]["tags"] =
        json!({"type": "object", "additionalProperties": true});
    let report = run(&ours, &theirs);
    assert_eq!(only(&report).entry(), "server-only: additionalProperties");
    ours["components"]["schemas"]["Thing"]["properties"]["tags"]["x-departure"] =
        json!({"note": "tags are not read", "drift": ["server-only: additionalProperties"]});
    assert!(run(&ours, &theirs).ok());
}

#[test]
fn the_newest_of_our_versions_not_newer_than_the_server_is_compared() {
    let mut ours = ours();
    let v6 = ours["paths"]["/v6/Things/{thingId}"].clone();
    let mut v8 = v6.clone();
    v8["get"]["operationId"] = json!("get_thing_v8");
    ours["paths"]["/v8/Things/{thingId}"] = v8;
    // Against a v7 server, ours v6 is compared with its v7 operation.
    let mut v7 = theirs();
    v7["info"]["version"] = json!("v7");
    let op = v7["paths"]["/v6/Things/{thingId}"].take();
    v7["paths"] = json!({"/v7/things/{id}": op});
    let report = run(&ours, &v7);
    assert_eq!(report.operations.len(), 1);
    assert_eq!(report.operations[0].operation, "get_thing");
    assert!(report.operations[0].across_versions);
    assert_eq!(
        report.skipped,
        [(String::from("get_thing_v8"), String::from("API v8 is newer than the server's document"))]
    );
    // Against a v8 server, ours v8 is compared and ours v6 is not.
    let mut v8 = v7.clone();
    v8["info"]["version"] = json!("v8");
    let report = run(&ours, &v8);
    assert_eq!(report.operations[0].operation, "get_thing_v8");
    assert!(!report.operations[0].across_versions);
    assert_eq!(report.skipped[0].1, "a newer version of it is compared instead");
}

#[test]
fn recursive_schemas_terminate_and_the_json_report_has_the_same_counts() {
    let mut theirs = theirs();
    theirs["components"]["schemas"]["Thing"]["properties"]["size"]["format"] = json!("int32");
    let report = run(&ours(), &theirs);
    let json = report.to_json();
    assert_eq!(json["differences"], 1);
    assert_eq!(json["unknown"], 1);
    assert_eq!(json["ok"], false);
    assert_eq!(json["operations"][0]["differences"][0]["kind"], "format");
    assert_eq!(json["operations"][0]["differences"][0]["entry"], "format: ours int64, theirs int32");
    assert_eq!(json["operations"][0]["differences"][0]["recorded_at"], Value::Null);
    assert_eq!(json["operations"][0]["theirs"]["operationId"], "Thing_Get");
}

#[test]
fn a_document_without_a_version_or_operations_is_an_error() {
    let mut theirs = theirs();
    theirs["info"]["version"] = json!("latest");
    theirs["paths"] = json!({"/things": {"get": {"responses": {}}}});
    assert!(compare("o", &ours(), "t", &theirs).unwrap_err().0.contains("which API version"));
    theirs["paths"] = json!({});
    theirs["info"]["version"] = json!("v6");
    assert!(compare("o", &ours(), "t", &theirs).unwrap_err().0.contains("no operations"));
}
