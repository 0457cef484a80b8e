//! Reading response bodies that the generated types refuse.
//!
//! The generated client decodes success bodies with `serde_json`; only when
//! that fails does the facade come here, so the common path costs nothing.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Error;
use crate::request::redact;

#[cfg(test)]
mod fuzz;

/// At most this many malformed optional fields are dropped from one response.
const MAX_DROPPED_FIELDS: usize = 16;

/// Decodes a success body that the generated type refused. A newer or
/// sloppier server may send a field in a shape the document does not allow;
/// when that field is optional it is dropped (with a warning naming it, not
/// its value) so the caller still gets everything else. A required field
/// that does not fit fails the call with its JSON pointer.
pub(crate) fn leniently<T: DeserializeOwned>(operation: &'static str, bytes: &[u8]) -> Result<T, Error> {
    let fail = |path: String, message: String| Error::Decode {
        operation,
        path,
        message,
        snippet: redact::snippet(operation, bytes),
    };
    let mut value: Value = serde_json::from_slice(bytes).map_err(|e| fail(String::new(), e.to_string()))?;
    let mut first_error = None;
    let mut dropped = Vec::new();
    loop {
        match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(decoded) => {
                for field in dropped {
                    tracing::warn!(operation, field = %field, "ignored a response field that does not have the documented shape");
                }
                return Ok(decoded);
            }
            Err(e) => {
                let pointer = pointer_of(e.path());
                let (path, message) =
                    first_error.get_or_insert_with(|| (pointer.clone(), e.inner().to_string())).clone();
                let removable = dropped.len() < MAX_DROPPED_FIELDS && !dropped.contains(&pointer);
                if !removable || !remove_at(&mut value, &pointer) {
                    return Err(fail(path, message));
                }
                dropped.push(pointer);
            }
        }
    }
}

/// Removes the object member at `pointer`; false if it is not one.
fn remove_at(value: &mut Value, pointer: &str) -> bool {
    let Some((parent, key)) = pointer.rsplit_once('/') else { return false };
    let key = key.replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(parent) {
        Some(Value::Object(map)) => map.remove(&key).is_some(),
        _ => false,
    }
}

/// Escapes one JSON pointer segment (RFC 6901).
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .map(|segment| match segment {
            Segment::Seq { index } => format!("/{index}"),
            Segment::Map { key } => format!("/{}", escape(key)),
            Segment::Enum { variant } => format!("/{variant}"),
            Segment::Unknown => String::from("/?"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{BackupAccount, RestoreSession};

    #[test]
    fn a_malformed_optional_field_is_dropped() {
        let body = br#"{"id": "fa3a2d17-d86d-4540-bf71-512750281e43", "creationTime": "yesterday", "name": "kept"}"#;
        let session: RestoreSession = leniently("get_restore_session", body).unwrap();
        assert_eq!(session.name.as_deref(), Some("kept"));
        assert!(session.creation_time.is_none());
    }

    #[test]
    fn a_malformed_required_field_fails_with_its_pointer() {
        let body = br#"[{"groupMember": {"login": "a", "type": 7}, "password": "hunter2"}]"#;
        let err = leniently::<Vec<BackupAccount>>("list_backup_accounts", body).unwrap_err();
        match &err {
            Error::Decode { path, .. } => assert_eq!(path, "/0/groupMember/type"),
            other => panic!("unexpected {other:?}"),
        }
        let text = err.to_string();
        assert!(text.starts_with("list_backup_accounts: cannot read the response at /0/groupMember/type"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }

    #[test]
    fn a_body_that_is_not_json_fails_at_the_top() {
        let err = leniently::<RestoreSession>("get_restore_session", b"{\"id\": \"fa3a").unwrap_err();
        assert!(matches!(err, Error::Decode { ref path, .. } if path.is_empty()), "{err:?}");
    }
}
