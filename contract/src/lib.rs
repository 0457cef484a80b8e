//! The contract the OpenAPI document states: which operations exist and what
//! their bodies must look like.
//!
//! `cargo xtask validate` checks the recorded examples with it; the
//! simulator checks every request body with it. Both therefore apply the same
//! schemas, converted once from OpenAPI 3.0 to JSON Schema (draft 4, whose
//! `$ref` and `nullable` rules match OpenAPI 3.0).
#![forbid(unsafe_code)]

mod compare;
pub mod examples;
mod operation;
mod schema;
mod versions;
mod violation;

pub use compare::{Difference, DifferenceKind};
pub use operation::{Body, Direction, Operation};
pub use violation::Violation;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde_json::Value;

/// The operations of a document with a compiled validator for every body.
pub struct Contract {
    document: Value,
    operations: Vec<Operation>,
    validators: HashMap<(usize, String), jsonschema::Validator>,
}

impl fmt::Debug for Contract {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Contract")
            .field("operations", &self.operations.iter().map(|o| &o.id).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// Why a payload could not be checked at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContractError {
    /// The document names no such operation.
    UnknownOperation(String),
    /// The operation declares no body in that direction (or no such status).
    NoSuchBody { operation: String, direction: Direction },
    /// The document could not be turned into validators.
    Document(String),
}

impl fmt::Display for ContractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownOperation(id) => write!(f, "the document has no operation `{id}`"),
            Self::NoSuchBody { operation, direction } => {
                write!(f, "operation `{operation}` declares no {direction}")
            }
            Self::Document(m) => write!(f, "the document cannot be used: {m}"),
        }
    }
}

impl std::error::Error for ContractError {}

impl Contract {
    /// Builds validators for every request and response body of `document`
    /// (an OpenAPI 3.0 document as JSON).
    pub fn new(document: Value) -> Result<Self, ContractError> {
        let operations = operation::read_operations(&document).map_err(ContractError::Document)?;
        let components = schema::converted_components(&document);
        let mut validators = HashMap::new();
        for (index, op) in operations.iter().enumerate() {
            let bodies = op.request.iter().map(|b| (String::from("request"), b));
            let bodies = bodies.chain(op.responses.iter().filter_map(|(k, b)| Some((k.clone(), b.as_ref()?))));
            for (key, body) in bodies {
                let root = schema::root_schema(&components, &body.schema);
                let validator =
                    schema::compile(&root).map_err(|e| ContractError::Document(format!("{} {key}: {e}", op.id)))?;
                validators.insert((index, key), validator);
            }
        }
        Ok(Self { document, operations, validators })
    }

    /// Parses a JSON document and builds the contract.
    pub fn from_json(text: &str) -> Result<Self, ContractError> {
        let document = serde_json::from_str(text).map_err(|e| ContractError::Document(e.to_string()))?;
        Self::new(document)
    }

    /// The document as given.
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// Every operation, in document order.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The operation with this operationId.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.id == id)
    }

    /// The operation a request is for, and its path parameters. Paths are
    /// matched without regard to case, as the server does.
    pub fn find_operation(&self, method: &str, path: &str) -> Option<(&Operation, BTreeMap<String, String>)> {
        // A literal segment beats a parameter (`/Organizations/SyncState`
        // is not the organization `SyncState`): the match with the fewest
        // parameters wins.
        self.operations
            .iter()
            .filter(|o| o.method.eq_ignore_ascii_case(method))
            .filter_map(|o| o.match_path(path).map(|params| (o, params)))
            .min_by_key(|(_, params)| params.len())
    }

    /// The declared body of an operation in one direction.
    pub fn body(&self, operation: &str, direction: Direction) -> Result<&Body, ContractError> {
        let (_, op, key) = self.locate(operation, direction)?;
        let body = match direction {
            Direction::Request => op.request.as_ref(),
            Direction::Response(_) => op.responses.iter().find(|(k, _)| *k == key).and_then(|(_, b)| b.as_ref()),
        };
        body.ok_or_else(|| no_body(operation, direction))
    }

    /// Whether the operation declares a response with this status but without a body.
    pub fn declares_empty_response(&self, operation: &str, status: u16) -> bool {
        match self.locate(operation, Direction::Response(status)) {
            Ok((_, op, key)) => op.responses.iter().any(|(k, b)| *k == key && b.is_none()),
            Err(_) => false,
        }
    }

    /// Checks a body against its schema. An empty list means it conforms;
    /// violations that match an `x-deviation` of the document say so.
    pub fn validate(
        &self,
        operation: &str,
        direction: Direction,
        value: &Value,
    ) -> Result<Vec<Violation>, ContractError> {
        let (index, op, key) = self.locate(operation, direction)?;
        let validator = self.validators.get(&(index, key)).ok_or_else(|| no_body(operation, direction))?;
        let body = self.body(&op.id, direction)?;
        Ok(validator
            .iter_errors(value)
            .flat_map(|error| violation::from_error(&error))
            .map(|v| v.classify(&self.document, &body.schema, value))
            .collect())
    }

    /// Compares a body with what it became after a trip through the Rust
    /// types, allowing the differences that do not change meaning.
    pub fn compare(
        &self,
        operation: &str,
        direction: Direction,
        original: &Value,
        round_tripped: &Value,
    ) -> Result<Vec<Difference>, ContractError> {
        let body = self.body(operation, direction)?;
        Ok(compare::compare(&self.document, &body.schema, original, round_tripped))
    }

    /// Removes from a body of `operation` every member the document records
    /// as absent in API `version` (an `x-departure` listing `ours-only:
    /// <name>` for that version), so that one value holding every version's
    /// members can be answered in each version's shape.
    pub fn shape_for_version(
        &self,
        operation: &str,
        direction: Direction,
        version: u64,
        value: &mut Value,
    ) -> Result<(), ContractError> {
        let body = self.body(operation, direction)?;
        versions::shape(&self.document, &body.schema, version, value);
        Ok(())
    }

    /// For the object member at `pointer` (inside a body of `operation`):
    /// `Some(required)` when a schema of the object around it declares it as
    /// a property, `None` when none does (a map entry, an unknown member).
    pub fn declared_member(&self, operation: &str, direction: Direction, pointer: &str) -> Option<bool> {
        let body = self.body(operation, direction).ok()?;
        let (parent, name) = pointer.rsplit_once('/')?;
        let name = name.replace("~1", "/").replace("~0", "~");
        let schemas = schema::schemas_at(&self.document, &body.schema, parent);
        let declared = schemas.iter().any(|s| s.get("properties").and_then(|p| p.get(&name)).is_some());
        let required = schemas.iter().any(|s| {
            s.get("required").and_then(serde_json::Value::as_array).is_some_and(|r| r.iter().any(|n| *n == *name))
        });
        declared.then_some(required)
    }

    /// Turns the fields of a form body into the JSON object its schema
    /// describes: `true`/`false` become booleans and digits become numbers
    /// where the schema says so; everything else stays a string.
    pub fn form_to_json(&self, operation: &str, fields: &[(String, String)]) -> Result<Value, ContractError> {
        let body = self.body(operation, Direction::Request)?;
        Ok(schema::form_to_json(&self.document, &body.schema, fields))
    }

    fn locate(&self, operation: &str, direction: Direction) -> Result<(usize, &Operation, String), ContractError> {
        let (index, op) = self
            .operations
            .iter()
            .enumerate()
            .find(|(_, o)| o.id == operation)
            .ok_or_else(|| ContractError::UnknownOperation(operation.to_owned()))?;
        let key = match direction {
            Direction::Request => String::from("request"),
            Direction::Response(status) => op.response_key(status).ok_or_else(|| no_body(operation, direction))?,
        };
        Ok((index, op, key))
    }
}

/// Escapes one JSON pointer segment (RFC 6901): `~` as `~0`, `/` as `~1`.
pub fn pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn no_body(operation: &str, direction: Direction) -> ContractError {
    ContractError::NoSuchBody { operation: operation.to_owned(), direction }
}
