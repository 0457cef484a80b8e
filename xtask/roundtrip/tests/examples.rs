//! The round trip over the real recorded examples, and proof that it catches
//! a dropped field, a changed value and a wrong type.

use std::path::PathBuf;

use serde_json::{Value, json};
use vb365_contract::examples::{Example, ExampleBody, load_dir};
use vb365_contract::{Contract, Difference, Direction};
use vb365_roundtrip::{Trip, TripError, round_trip};

fn examples() -> Vec<Example> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi/examples");
    load_dir(&dir).unwrap().into_iter().map(|e| e.unwrap()).collect()
}

fn contract() -> Contract {
    Contract::from_json(vb365::OPENAPI_DOCUMENT).unwrap()
}

fn differences(contract: &Contract, example: &Example) -> Vec<Difference> {
    let (original, trip) = match (&example.body, round_trip(example).unwrap()) {
        (ExampleBody::Json(v), Trip::Json(t)) => (v.clone(), t),
        (ExampleBody::Form(f), Trip::Form(t)) => (
            contract.form_to_json(&example.name.operation, f).unwrap(),
            contract.form_to_json(&example.name.operation, &t).unwrap(),
        ),
        (ExampleBody::Empty | ExampleBody::Bytes(_), Trip::Empty) => return vec![],
        other => panic!("{}: mismatched trip {other:?}", example.path.display()),
    };
    contract.compare(&example.name.operation, example.name.direction, &original, &trip).unwrap()
}

#[test]
fn every_recorded_example_survives_the_round_trip() {
    let contract = contract();
    let examples = examples();
    assert!(examples.len() >= 10, "only {} examples", examples.len());
    for example in &examples {
        let failures: Vec<_> = differences(&contract, example).into_iter().filter(Difference::is_failure).collect();
        assert!(failures.is_empty(), "{}: {failures:#?}", example.path.display());
    }
}

#[test]
fn the_v1_string_boolean_is_a_named_deviation() {
    let contract = contract();
    let v1 = examples().into_iter().find(|e| e.name.operation == "list_job_selected_mailboxes").unwrap();
    let found = differences(&contract, &v1);
    assert_eq!(found.len(), 2, "{found:#?}");
    for difference in found {
        assert!(difference.pointer.ends_with("/isBackedUp"), "{difference}");
        assert!(difference.deviation.as_deref().unwrap().contains("isBackedUp"));
    }
}

fn trip_of(operation: &str, direction: Direction, body: Value) -> Result<Trip, TripError> {
    let mut example = examples().into_iter().next().unwrap();
    example.name.operation = operation.to_owned();
    example.name.direction = direction;
    example.body = ExampleBody::Json(body);
    round_trip(&example)
}

#[test]
fn a_field_the_type_does_not_know_is_reported_dropped() {
    let body = json!([{"groupMember": {"login": "a", "type": "User", "nickname": "x"}}]);
    let Trip::Json(back) = trip_of("list_backup_accounts", Direction::Response(200), body.clone()).unwrap() else {
        panic!("json expected")
    };
    let found = contract().compare("list_backup_accounts", Direction::Response(200), &body, &back).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].pointer, "/0/groupMember/nickname");
    assert!(found[0].is_failure());
}

#[test]
fn a_wrong_type_fails_to_decode_at_its_pointer() {
    let body = json!([{"groupMember": {"login": "a", "type": "User", "isCloud": "yes"}}]);
    let err = trip_of("list_backup_accounts", Direction::Response(200), body).unwrap_err();
    match err {
        TripError::Decode { pointer, .. } => assert_eq!(pointer, "/0/groupMember/isCloud"),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn unknown_enum_values_survive() {
    let body = json!({"id": "fa3a2d17-d86d-4540-bf71-512750281e43", "type": "Vfuture", "state": "Paused"});
    let Trip::Json(back) = trip_of("explore_tenant_organization", Direction::Response(200), body.clone()).unwrap()
    else {
        panic!("json expected")
    };
    assert_eq!(back, body);
}

#[test]
fn an_operation_the_document_lacks_says_so() {
    let err = trip_of("no_such_operation", Direction::Request, json!({})).unwrap_err();
    assert!(err.to_string().contains("is it in openapi/vb365.yaml?"), "{err}");
}

/// The codec table is generated from the document: every operation has one
/// for its success response, and every request body its own.
#[test]
fn every_operation_of_the_document_has_a_codec() {
    let contract = vb365_contract::Contract::from_json(vb365::OPENAPI_DOCUMENT).unwrap();
    for operation in contract.operations() {
        assert!(vb365_roundtrip::codec_for(&operation.id, Direction::Response(200)).is_some(), "{}", operation.id);
        if operation.request.is_some() {
            assert!(vb365_roundtrip::codec_for(&operation.id, Direction::Request).is_some(), "{}", operation.id);
        }
    }
}

/// Every property of every recorded response is set to `null` in turn: the
/// generated types must read it (as absent, or as an empty list) unless the
/// document requires the property.
#[test]
fn null_in_any_optional_member_of_any_response_decodes() {
    fn members(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let pointer = format!("{at}/{}", vb365_contract::pointer_segment(key));
                    out.push(pointer.clone());
                    members(child, pointer, out);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    members(child, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let contract = contract();
    let mut checked = 0;
    for example in examples().into_iter().filter(|e| matches!(e.name.direction, Direction::Response(200..=299))) {
        let ExampleBody::Json(original) = &example.body else { continue };
        let mut pointers = Vec::new();
        members(original, String::new(), &mut pointers);
        for pointer in pointers {
            let Some(required) = contract.declared_member(&example.name.operation, example.name.direction, &pointer)
            else {
                continue; // a map entry or an unknown member, not a property
            };
            let mut nulled = example.clone();
            let mut body = original.clone();
            *body.pointer_mut(&pointer).unwrap() = Value::Null;
            nulled.body = ExampleBody::Json(body);
            let decoded = round_trip(&nulled);
            assert!(
                required || decoded.is_ok(),
                "{}: null at optional {pointer} does not decode: {decoded:?}",
                example.path.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} members checked");
}
