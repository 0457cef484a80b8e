//! `vb365-roundtrip FILE...`: round-trips each example and prints one JSON
//! object per line: `{"file", "json"}`, `{"file", "form"}`, `{"file",
//! "empty": true}` or `{"file", "error", "pointer"}`. `cargo xtask validate`
//! reads this; people read validate's report instead.

use std::path::Path;

use serde_json::json;
use vb365_roundtrip::{Trip, TripError, round_trip};

fn main() {
    for file in std::env::args().skip(1) {
        let line = match vb365_contract::examples::load(Path::new(&file)) {
            Err(e) => json!({"file": file, "error": e, "pointer": ""}),
            Ok(example) => match round_trip(&example) {
                Ok(Trip::Json(value)) => json!({"file": file, "json": value}),
                Ok(Trip::Form(fields)) => json!({"file": file, "form": fields}),
                Ok(Trip::Empty) => json!({"file": file, "empty": true}),
                Err(TripError::Decode { pointer, message }) => {
                    json!({"file": file, "error": format!("does not decode: {message}"), "pointer": pointer})
                }
                Err(e) => json!({"file": file, "error": e.to_string(), "pointer": ""}),
            },
        };
        println!("{line}");
    }
}
