//! Helpers of the contract tests: a server that replays the recorded
//! examples, and checks that compare what was sent and decoded with them.
#![allow(dead_code)]

use serde::Serialize;
use vb365_contract::examples::{ExampleName, parse_form};
use vb365_contract::{Contract, Difference};

use super::{Captured, Reply, TestServer, example_bytes, example_file, example_json, example_text, examples_dir};

pub const ORGANIZATION: &str = "6f9b3da3-204d-4a4b-b466-55586e0233fc";
pub const JOB: &str = "00b96531-1a68-4c90-a398-91141ffedb3b";
pub const SESSION: &str = "fa3a2d17-d86d-4540-bf71-512750281e43";
pub const BEARER: &str = "Bearer AT-XXXXXXXX";

/// Asserts that `decoded`, encoded again, carries every value of the
/// recorded response `name` (recorded deviations aside).
pub fn assert_decoded<T: Serialize>(name: &'static str, decoded: &T) {
    let example = ExampleName::parse(name).unwrap();
    let again = serde_json::to_value(decoded).unwrap();
    if name.ends_with(".empty") {
        assert!(example_text(name).is_empty() && again.is_null(), "{name}: an empty body decodes to nothing");
        return;
    }
    let contract = Contract::from_json(vb365::OPENAPI_DOCUMENT).unwrap();
    let differences = contract.compare(&example.operation, example.direction, &example_json(name), &again).unwrap();
    let failures: Vec<&Difference> = differences.iter().filter(|d| d.is_failure()).collect();
    assert!(failures.is_empty(), "{name} does not decode to the values it carries: {failures:#?}");
}

/// Asserts that the JSON body the client sent is the recorded request `name`.
pub fn assert_sent(name: &'static str, request: &Captured) {
    assert_eq!(request.content_type.as_deref(), Some("application/json"), "{name}");
    assert_eq!(request.json(), example_json(name), "{name}");
}

/// Asserts that the form the client sent has the fields of the recorded request `name`.
pub fn assert_sent_form(name: &'static str, request: &Captured) {
    assert_eq!(request.content_type.as_deref(), Some("application/x-www-form-urlencoded"), "{name}");
    let mut recorded = parse_form(example_text(name).trim());
    recorded.sort();
    assert_eq!(form_fields(request), recorded, "{name}");
}

pub fn form_fields(request: &Captured) -> Vec<(String, String)> {
    let mut fields = parse_form(std::str::from_utf8(&request.body).unwrap());
    fields.sort();
    fields
}

/// The recorded form `name` as the token request type.
pub fn recorded_token_request(name: &'static str) -> vb365::types::TokenRequest {
    let contract = Contract::from_json(vb365::OPENAPI_DOCUMENT).unwrap();
    let fields = parse_form(example_text(name).trim());
    serde_json::from_value(contract.form_to_json("create_token", &fields).unwrap()).unwrap()
}

/// A server that answers each operation with its recorded success response,
/// with the status its file names.
pub async fn replay() -> TestServer {
    let contract = Contract::from_json(vb365::OPENAPI_DOCUMENT).unwrap();
    TestServer::start(move |request| {
        let Some((operation, _)) = contract.find_operation(&request.method, &request.path) else {
            return Reply::json(404, r#"{"message": "no such operation"}"#);
        };
        let response = std::fs::read_dir(examples_dir())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|name| name.starts_with(&format!("{}.response.2", operation.id)))
            .unwrap();
        let status: u16 = response.split('.').nth(2).unwrap().parse().unwrap();
        if response.ends_with(".empty") {
            Reply::empty(status)
        } else if response.ends_with(".bin") {
            Reply::bytes(status, example_file(&response))
        } else {
            Reply::json(status, example_bytes(&response))
        }
    })
    .await
}

pub fn one_call(server: &TestServer) -> Captured {
    let calls = server.calls();
    assert_eq!(calls.len(), 1, "{calls:#?}");
    calls.into_iter().next().unwrap()
}

/// The one request since the last call of this (or of [`TestServer::clear`]).
pub fn next_call(server: &TestServer) -> Captured {
    let call = one_call(server);
    server.clear();
    call
}

pub fn assert_request(request: &Captured, method: &str, path: &str, query: Option<&str>) {
    assert_eq!(request.method, method);
    assert_eq!(request.path, path, "the client sends the documented casing");
    assert_eq!(request.query.as_deref(), query);
    assert_eq!(request.authorization.as_deref(), Some(BEARER));
    // VB365 versions by path; the document's revision is not a header.
    assert!(!request.header_names.iter().any(|h| h == "api-version"), "{:?}", request.header_names);
}

/// The raw answer of a generated call, in the version the test runs, as
/// JSON: `$v6` and `$v8` name the operation in each, `|op| ...` fills in
/// its parameters.
#[macro_export]
macro_rules! raw_answer {
    ($client:expr, $version:expr, $v6:ident / $v8:ident, |$op:ident| $fill:expr) => {
        match $version {
            vb365::ApiVersion::V8 => {
                let $op = $client.api().$v8();
                $fill.send().await.map(|r| serde_json::to_value(r.into_inner()).unwrap())
            }
            _ => {
                let $op = $client.api().$v6();
                $fill.send().await.map(|r| serde_json::to_value(r.into_inner()).unwrap())
            }
        }
    };
}

/// The recorded example `stem` of a version: `stem_v8` in v8.
pub fn versioned_example(stem: &str, v8: bool, rest: &str) -> &'static str {
    let name = if v8 { format!("{stem}_v8.{rest}") } else { format!("{stem}.{rest}") };
    Box::leak(name.into_boxed_str())
}
