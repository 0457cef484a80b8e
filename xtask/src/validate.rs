//! `cargo xtask validate`: the document against itself, the recorded
//! examples against the document, and the examples against the Rust types.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use vb365_codegen::{Document, check, generate};
use vb365_contract::examples::{Example, ExampleBody, load_dir};
use vb365_contract::{Contract, Direction};

/// Which check found something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// The document's own structure (or generation).
    Structure,
    /// Reading the example file.
    Read,
    /// The example against the operation's JSON Schema.
    Schema,
    /// The example through the generated Rust type and back.
    RoundTrip,
}

impl Check {
    fn name(self) -> &'static str {
        match self {
            Self::Structure => "structure",
            Self::Read => "read",
            Self::Schema => "schema",
            Self::RoundTrip => "round trip",
        }
    }
}

/// One thing a check found in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Which check.
    pub check: Check,
    /// JSON pointer into the file (`""` for the whole file).
    pub pointer: String,
    /// What is wrong, or what deviates.
    pub message: String,
    /// Set when the document records this as a known deviation; the reason.
    pub deviation: Option<String>,
}

impl Finding {
    fn failure(check: Check, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self { check, pointer: pointer.into(), message: message.into(), deviation: None }
    }
}

/// What became of one example.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleReport {
    /// The example file.
    pub file: PathBuf,
    /// Operation and direction, when the name could be read.
    pub subject: Option<String>,
    /// Whether it was built from the facts file.
    pub constructed: bool,
    /// Findings, failures and deviations alike.
    pub findings: Vec<Finding>,
    /// What reading the file involved (archive artifacts).
    pub notes: Vec<String>,
}

impl ExampleReport {
    /// Whether any finding is a failure.
    pub fn failed(&self) -> bool {
        self.findings.iter().any(|f| f.deviation.is_none())
    }

    fn status(&self) -> &'static str {
        if self.failed() {
            "FAIL"
        } else if self.findings.is_empty() {
            "PASS"
        } else {
            "DEVIATION"
        }
    }
}

/// The whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The document checked.
    pub document: PathBuf,
    /// Problems with the document itself.
    pub structure: Vec<Finding>,
    /// One entry per example file.
    pub examples: Vec<ExampleReport>,
}

impl Report {
    /// Examples without failures.
    pub fn passed(&self) -> usize {
        self.examples.iter().filter(|e| !e.failed()).count()
    }

    /// Examples with failures.
    pub fn failed(&self) -> usize {
        self.examples.iter().filter(|e| e.failed()).count()
    }

    /// Whether everything passed.
    pub fn ok(&self) -> bool {
        self.structure.is_empty() && self.failed() == 0 && !self.examples.is_empty()
    }

    /// The report for people: one line per example, details indented under
    /// it as `file#pointer: ...`, then the counts.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let doc = self.document.display();
        for f in &self.structure {
            out.push_str(&format!("STRUCTURE  {doc}#{}: {}\n", f.pointer, f.message));
        }
        for example in &self.examples {
            let file = example.file.display();
            let mut line = format!("{:<10} {file}", example.status());
            if let Some(subject) = &example.subject {
                line.push_str(&format!("  ({subject}{})", if example.constructed { ", constructed" } else { "" }));
            }
            out.push_str(&line);
            out.push('\n');
            for note in &example.notes {
                out.push_str(&format!("    note: {note}\n"));
            }
            let mut reasons: Vec<&str> = Vec::new();
            for f in &example.findings {
                let tag = if f.deviation.is_some() { " (known deviation)" } else { "" };
                out.push_str(&format!("    {file}#{}: {}: {}{tag}\n", f.pointer, f.check.name(), f.message));
                if let Some(reason) = f.deviation.as_deref().filter(|r| !reasons.contains(r)) {
                    reasons.push(reason);
                }
            }
            for reason in reasons {
                out.push_str(&format!("    known deviation: {reason}\n"));
            }
        }
        let deviating = self.examples.iter().filter(|e| !e.failed() && !e.findings.is_empty()).count();
        out.push_str(&format!("{} passed, {} failed", self.passed(), self.failed()));
        if deviating > 0 {
            out.push_str(&format!(" ({deviating} passed with known deviations)"));
        }
        if !self.structure.is_empty() {
            out.push_str(&format!("; {} structure problems", self.structure.len()));
        }
        if self.examples.is_empty() {
            out.push_str("; no examples found");
        }
        out.push('\n');
        out
    }

    /// The same report for machines.
    pub fn to_json(&self) -> Value {
        let finding = |f: &Finding| {
            json!({
                "check": f.check.name(),
                "pointer": f.pointer,
                "message": f.message,
                "deviation": f.deviation,
            })
        };
        json!({
            "document": self.document,
            "structure": self.structure.iter().map(finding).collect::<Vec<_>>(),
            "examples": self.examples.iter().map(|e| json!({
                "file": e.file,
                "subject": e.subject,
                "constructed": e.constructed,
                "status": e.status().to_ascii_lowercase(),
                "notes": e.notes,
                "findings": e.findings.iter().map(finding).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "passed": self.passed(),
            "failed": self.failed(),
            "ok": self.ok(),
        })
    }
}

/// How the round trip is run: it needs the generated client, which lives in
/// another process because a broken document stops it from compiling.
pub trait RoundTripper {
    /// Round-trips the given example files, returning per file either the
    /// body as it came back or a failure.
    fn round_trip(&self, files: &[PathBuf]) -> Result<BTreeMap<PathBuf, Trip>, String>;
}

/// What one example became.
#[derive(Debug, Clone, PartialEq)]
pub enum Trip {
    /// A JSON body.
    Json(Value),
    /// Form fields.
    Form(Vec<(String, String)>),
    /// No body.
    Empty,
    /// It failed at `pointer`.
    Failed { pointer: String, message: String },
}

/// Validates the document at `document` and the examples in `examples_dir`.
pub fn validate(document: &Path, examples_dir: &Path, tripper: &dyn RoundTripper) -> Report {
    let mut report = Report { document: document.to_owned(), structure: Vec::new(), examples: Vec::new() };
    let doc = match Document::load(document) {
        Ok(doc) => doc,
        Err(e) => {
            report.structure.push(Finding::failure(Check::Structure, "", e.to_string()));
            return report;
        }
    };
    let problems = check(&doc);
    report.structure.extend(problems.iter().map(|p| Finding::failure(Check::Structure, &p.pointer, &p.message)));
    if let Some(Err(e)) = problems.is_empty().then(|| generate(&doc)) {
        report.structure.push(Finding::failure(Check::Structure, "", e.to_string()));
    }
    let contract = match Contract::new(doc.json.clone()) {
        Ok(c) => c,
        Err(e) => {
            report.structure.push(Finding::failure(Check::Structure, "", e.to_string()));
            return report;
        }
    };
    let loaded = match load_dir(examples_dir) {
        Ok(loaded) => loaded,
        Err(e) => {
            report.structure.push(Finding::failure(
                Check::Structure,
                "",
                format!("cannot list {}: {e}", examples_dir.display()),
            ));
            return report;
        }
    };
    let examples: Vec<Example> = loaded
        .into_iter()
        .filter_map(|result| match result {
            Ok(example) => Some(example),
            Err((file, message)) => {
                report.examples.push(ExampleReport {
                    file,
                    subject: None,
                    constructed: false,
                    findings: vec![Finding::failure(Check::Read, "", message)],
                    notes: vec![],
                });
                None
            }
        })
        .collect();
    report.structure.extend(coverage(&contract, &examples));

    let trips = if report.structure.is_empty() {
        let files: Vec<PathBuf> = examples.iter().map(|e| e.path.clone()).collect();
        tripper.round_trip(&files)
    } else {
        Err(String::from("skipped: fix the structure problems first"))
    };
    for example in &examples {
        let mut findings = schema_findings(&contract, example);
        if findings.iter().all(|f| f.check != Check::Read) {
            findings.extend(round_trip_findings(&contract, example, &trips));
        }
        report.examples.push(ExampleReport {
            file: example.path.clone(),
            subject: Some(example.name.to_string()),
            constructed: example.name.constructed,
            findings,
            notes: example.notes.clone(),
        });
    }
    report.examples.sort_by(|a, b| a.file.cmp(&b.file));
    report
}

/// Every operation needs a recorded success response, and every request
/// body a recorded request.
fn coverage(contract: &Contract, examples: &[Example]) -> Vec<Finding> {
    let mut out = Vec::new();
    for op in contract.operations() {
        let pointer =
            format!("/paths/{}/{}", vb365_contract::pointer_segment(&op.path), op.method.to_ascii_lowercase());
        let mine = || examples.iter().filter(|e| e.name.operation == op.id);
        if !mine().any(|e| matches!(e.name.direction, Direction::Response(200..=299))) {
            out.push(Finding::failure(
                Check::Structure,
                &pointer,
                format!("`{}` has no recorded success response in openapi/examples/", op.id),
            ));
        }
        if op.request.is_some() && !mine().any(|e| e.name.direction == Direction::Request) {
            out.push(Finding::failure(
                Check::Structure,
                &pointer,
                format!("`{}` has a request body but no recorded request in openapi/examples/", op.id),
            ));
        }
    }
    out
}

fn schema_findings(contract: &Contract, example: &Example) -> Vec<Finding> {
    let name = &example.name;
    if contract.operation(&name.operation).is_none() {
        return vec![Finding::failure(Check::Read, "", format!("the document has no operation `{}`", name.operation))];
    }
    let value = match &example.body {
        ExampleBody::Empty => {
            return match name.direction {
                Direction::Response(status) if contract.declares_empty_response(&name.operation, status) => vec![],
                _ => vec![Finding::failure(
                    Check::Read,
                    "",
                    format!("the document declares a body for the {}, but the example is empty", name.direction),
                )],
            };
        }
        ExampleBody::Bytes(_) => {
            return match contract.body(&name.operation, name.direction) {
                Ok(body) if media_matches(&body.media_type, &example.body) => vec![],
                Ok(body) => vec![Finding::failure(
                    Check::Read,
                    "",
                    format!("the document declares `{}` for the {}, not bytes", body.media_type, name.direction),
                )],
                Err(e) => vec![Finding::failure(Check::Read, "", e.to_string())],
            };
        }
        ExampleBody::Json(value) => value.clone(),
        ExampleBody::Form(fields) => match contract.form_to_json(&name.operation, fields) {
            Ok(value) => value,
            Err(e) => return vec![Finding::failure(Check::Read, "", e.to_string())],
        },
    };
    match contract.body(&name.operation, name.direction) {
        Ok(body) if !media_matches(&body.media_type, &example.body) => {
            return vec![Finding::failure(
                Check::Read,
                "",
                format!("the document declares `{}` for the {}", body.media_type, name.direction),
            )];
        }
        Ok(_) => {}
        Err(e) => return vec![Finding::failure(Check::Read, "", e.to_string())],
    }
    match contract.validate(&name.operation, name.direction, &value) {
        Ok(violations) => violations
            .into_iter()
            .map(|v| Finding {
                check: Check::Schema,
                pointer: v.pointer.clone(),
                message: format!("expected {}, found {}", v.expected, v.found),
                deviation: v.deviation,
            })
            .collect(),
        Err(e) => vec![Finding::failure(Check::Read, "", e.to_string())],
    }
}

fn media_matches(media_type: &str, body: &ExampleBody) -> bool {
    match body {
        ExampleBody::Json(_) => media_type == "application/json",
        ExampleBody::Form(_) => media_type == "application/x-www-form-urlencoded",
        ExampleBody::Empty => true,
        ExampleBody::Bytes(_) => media_type == "application/octet-stream",
    }
}

fn round_trip_findings(
    contract: &Contract,
    example: &Example,
    trips: &Result<BTreeMap<PathBuf, Trip>, String>,
) -> Vec<Finding> {
    let trips = match trips {
        Ok(trips) => trips,
        Err(e) => return vec![Finding::failure(Check::RoundTrip, "", e.clone())],
    };
    let name = &example.name;
    let (original, back) = match (&example.body, trips.get(&example.path)) {
        (_, None) => {
            return vec![Finding::failure(Check::RoundTrip, "", "the round trip reported nothing for this file")];
        }
        (_, Some(Trip::Failed { pointer, message })) => {
            return vec![Finding::failure(Check::RoundTrip, pointer, message)];
        }
        (ExampleBody::Empty | ExampleBody::Bytes(_), Some(Trip::Empty)) => return vec![],
        (ExampleBody::Json(value), Some(Trip::Json(back))) => (value.clone(), back.clone()),
        (ExampleBody::Form(fields), Some(Trip::Form(back))) => {
            match (contract.form_to_json(&name.operation, fields), contract.form_to_json(&name.operation, back)) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(e), _) | (_, Err(e)) => return vec![Finding::failure(Check::RoundTrip, "", e.to_string())],
            }
        }
        (_, Some(other)) => {
            return vec![Finding::failure(
                Check::RoundTrip,
                "",
                format!("came back as a different kind of body: {other:?}"),
            )];
        }
    };
    match contract.compare(&name.operation, name.direction, &original, &back) {
        Ok(differences) => differences
            .into_iter()
            .map(|d| Finding {
                check: Check::RoundTrip,
                pointer: d.pointer.clone(),
                message: d.to_string().split_once(": ").map(|(_, m)| m.to_owned()).unwrap_or_default(),
                deviation: d.deviation,
            })
            .collect(),
        Err(e) => vec![Finding::failure(Check::RoundTrip, "", e.to_string())],
    }
}
