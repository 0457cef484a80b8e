//! `cargo xtask validate`'s checks, run inside `cargo test`: on the real
//! document they pass, and on broken copies each check fails, naming the
//! file and the JSON pointer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use vb365_contract::examples::load;
use xtask::validate::{Check, Report, RoundTripper, Trip, validate};
use xtask::{DOCUMENT, EXAMPLES, workspace_root};

/// Round-trips in this process through the real generated client.
struct InProcess;

impl RoundTripper for InProcess {
    fn round_trip(&self, files: &[PathBuf]) -> Result<BTreeMap<PathBuf, Trip>, String> {
        Ok(files
            .iter()
            .map(|file| {
                let trip = match load(file).map_err(|e| (String::new(), e)).and_then(|example| {
                    vb365_roundtrip::round_trip(&example).map_err(|e| match e {
                        vb365_roundtrip::TripError::Decode { pointer, message } => (pointer, message),
                        other => (String::new(), other.to_string()),
                    })
                }) {
                    Ok(vb365_roundtrip::Trip::Json(v)) => Trip::Json(v),
                    Ok(vb365_roundtrip::Trip::Form(f)) => Trip::Form(f),
                    Ok(vb365_roundtrip::Trip::Empty) => Trip::Empty,
                    Err((pointer, message)) => Trip::Failed { pointer, message },
                };
                (file.clone(), trip)
            })
            .collect())
    }
}

/// A scratch copy of the document and examples that a test may break.
struct Copy {
    dir: PathBuf,
}

impl Copy {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "vb365-validate-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let root = workspace_root();
        std::fs::create_dir_all(dir.join(EXAMPLES)).unwrap();
        std::fs::copy(root.join(DOCUMENT), dir.join(DOCUMENT)).unwrap();
        for entry in std::fs::read_dir(root.join(EXAMPLES)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dir.join(EXAMPLES).join(path.file_name().unwrap())).unwrap();
        }
        Self { dir }
    }

    fn edit(&self, relative: &str, from: &str, to: &str) -> &Self {
        let path = self.dir.join(relative);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{relative} does not contain {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        self
    }

    fn example(&self, name: &str) -> String {
        format!("{EXAMPLES}/{name}")
    }

    fn validate(&self) -> Report {
        let mut report = validate(&self.dir.join(DOCUMENT), &self.dir.join(EXAMPLES), &InProcess);
        // Report paths relative to the copy, as they would be in the workspace.
        for example in &mut report.examples {
            example.file = example.file.strip_prefix(&self.dir).unwrap_or(&example.file).to_owned();
        }
        report
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The failing findings of one example file.
fn failures(report: &Report, file: &str) -> Vec<(Check, String, String)> {
    let example = report
        .examples
        .iter()
        .find(|e| e.file == Path::new(file))
        .unwrap_or_else(|| panic!("no report for {file}:\n{}", report.to_text()));
    example
        .findings
        .iter()
        .filter(|f| f.deviation.is_none())
        .map(|f| (f.check, f.pointer.clone(), f.message.clone()))
        .collect()
}

#[test]
fn the_real_document_and_examples_pass() {
    let root = workspace_root();
    let report = validate(&root.join(DOCUMENT), &root.join(EXAMPLES), &InProcess);
    assert!(report.ok(), "{}", report.to_text());
    assert!(report.examples.len() >= 10);
    let text = report.to_text();
    assert!(text.contains(&format!("{} passed, 0 failed", report.examples.len())), "{text}");
    let v1 =
        report.examples.iter().find(|e| e.file.ends_with("list_job_selected_mailboxes.response.200.json")).unwrap();
    assert!(!v1.findings.is_empty() && v1.findings.iter().all(|f| f.deviation.is_some()), "{v1:?}");
    assert!(text.contains("DEVIATION  "), "the v1 deviation must be listed:\n{text}");
    assert!(report.examples.iter().any(|e| e.notes.iter().any(|n| n.contains("U+00A0"))));
}

#[test]
fn a_wrong_type_fails_at_its_pointer() {
    let copy = Copy::new();
    let file = copy.example("list_backup_accounts.response.200.json");
    copy.edit(&file, "\"isCloud\": true", "\"isCloud\": \"yes\"");
    let report = copy.validate();
    assert!(!report.ok());
    let found = failures(&report, &file);
    assert!(
        found.contains(&(
            Check::Schema,
            "/0/groupMember/isCloud".into(),
            "expected type boolean, found string \"yes\"".into()
        )),
        "{found:?}"
    );
    assert!(found.iter().any(|(c, p, _)| *c == Check::RoundTrip && p == "/0/groupMember/isCloud"), "{found:?}");
    let text = report.to_text();
    assert!(text.contains(&format!("{file}#/0/groupMember/isCloud: schema: expected type boolean")), "{text}");
    assert!(text.ends_with("1 failed\n") || text.contains(", 1 failed"), "{text}");
}

#[test]
fn a_missing_required_field_fails() {
    let copy = Copy::new();
    let file = copy.example("explore_tenant_organization.response.200.json");
    copy.edit(&file, "\"id\": \"fa3a2d17-d86d-4540-bf71-512750281e43\", ", "");
    let found = failures(&copy.validate(), &file);
    assert!(
        found.iter().any(|(c, p, m)| *c == Check::Schema && p == "/id" && m.contains("required property `id`")),
        "{found:?}"
    );
    assert!(found.iter().any(|(c, _, m)| *c == Check::RoundTrip && m.contains("missing field `id`")), "{found:?}");
}

#[test]
fn an_unknown_enum_value_fails_the_schema() {
    let copy = Copy::new();
    let file = copy.example("explore_tenant_organization.request.json");
    copy.edit(&file, "\"type\": \"Vex\"", "\"type\": \"Vxx\"");
    let found = failures(&copy.validate(), &file);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Check::Schema);
    assert_eq!(found[0].1, "/type");
    assert!(found[0].2.contains("one of [\"Vex\",\"Veod\",\"Vesp\",\"Vet\"]"), "{found:?}");
}

#[test]
fn an_extra_property_where_the_schema_forbids_one_fails() {
    let copy = Copy::new();
    let file = copy.example("add_organization.request.json");
    copy.edit(&file, "\"type\": \"Office365\"", "\"type\": \"Office365\", \"colour\": \"blue\"");
    let found = failures(&copy.validate(), &file);
    assert!(found.iter().any(|(c, p, _)| *c == Check::Schema && p == "/colour"), "{found:?}");
}

#[test]
fn a_field_dropped_by_the_rust_type_fails_the_round_trip() {
    let copy = Copy::new();
    let file = copy.example("explore_tenant_organization.response.200.json");
    copy.edit(&file, "\"scopeName\": \"\",", "\"scopeName\": \"\", \"sessionColour\": \"blue\",");
    let found = failures(&copy.validate(), &file);
    assert_eq!(found, vec![(Check::RoundTrip, "/sessionColour".into(), "dropped (was string \"blue\")".into())]);
}

#[test]
fn an_unresolved_ref_is_a_structure_problem() {
    let copy = Copy::new();
    copy.edit(
        DOCUMENT,
        "$ref: \"#/components/schemas/ExploreOptions\"",
        "$ref: \"#/components/schemas/ExploreOption\"",
    );
    let report = copy.validate();
    assert!(!report.ok());
    assert!(
        report.structure.iter().any(|f| f.pointer.ends_with("/schema/$ref") && f.message.contains("does not resolve")),
        "{}",
        report.to_text()
    );
}

#[test]
fn a_default_response_is_a_structure_problem() {
    let copy = Copy::new();
    copy.edit(DOCUMENT, "        4XX:\n", "        default:\n          description: anything\n        4XX:\n");
    let report = copy.validate();
    assert!(
        report.structure.iter().any(|f| f.pointer == "/paths/~1v6~1token/post/responses/default"),
        "{}",
        report.to_text()
    );
    assert!(report.to_text().contains("STRUCTURE  "));
}

#[test]
fn an_operation_without_a_recorded_response_is_a_structure_problem() {
    let copy = Copy::new();
    std::fs::remove_file(copy.dir.join(copy.example("set_backup_accounts.response.200.json"))).unwrap();
    let report = copy.validate();
    assert!(
        report.structure.iter().any(|f| f.message.contains("`set_backup_accounts` has no recorded success response"))
    );
}

#[test]
fn a_misnamed_example_fails_to_read() {
    let copy = Copy::new();
    std::fs::write(copy.dir.join(copy.example("list_backup_accounts.reply.json")), "[]").unwrap();
    let found = failures(&copy.validate(), &copy.example("list_backup_accounts.reply.json"));
    assert!(found[0].2.contains("`request` or `response`"), "{found:?}");
}

#[test]
fn the_json_report_has_the_same_counts() {
    let copy = Copy::new();
    let file = copy.example("set_backup_accounts.request.json");
    copy.edit(&file, "\"type\":\"User\"", "\"type\":42");
    let report = copy.validate();
    let json = report.to_json();
    assert_eq!(json["failed"], 1);
    assert_eq!(json["passed"], report.examples.len() - 1);
    assert_eq!(json["ok"], false);
    let bad = json["examples"].as_array().unwrap().iter().find(|e| e["status"] == "fail").unwrap();
    assert_eq!(bad["findings"][0]["pointer"], "/0/groupMember/type");
}
