//! Reading response bodies that the generated types refuse.
//!
//! The generated client decodes success bodies with `serde_json`; only when
//! that fails does the facade come here, so the common path costs nothing.
//!
//! What happens here, exactly: the body is read as JSON and decoded again,
//! locating the value that does not fit. If that value is an **optional
//! object member**, it is set aside (read as absent) and recorded as a
//! [`Repair`] that keeps the value, and decoding starts over. Nothing else
//! is ever set aside:
//!
//! - not a required member: setting it aside fails at the same place, and
//!   the call fails with the original problem;
//! - not a missing required member, and never the object around a value
//!   that does not fit (a repair never climbs to a parent);
//! - not an item of a list (that would shorten a collection);
//! - not anything under the `_links` of a page (a body with `results`):
//!   paging follows them;
//! - not more than [`MAX_REPAIRS`] members per response.
//!
//! In strict mode ([`crate::ClientBuilder::strict`]) nothing is set aside
//! and the first value that does not fit fails the call.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Error;
use crate::api::SECRET_PROPERTIES;
use crate::request::redact;
use crate::request::repair::Repair;

#[cfg(test)]
mod fuzz;

/// At most this many members are set aside in one response.
pub(crate) const MAX_REPAIRS: usize = 16;

/// Decodes a success body that the generated type refused, setting aside
/// optional members that do not fit unless `strict` (see the module docs).
pub(crate) fn leniently<T: DeserializeOwned>(
    operation: &'static str,
    bytes: &[u8],
    strict: bool,
) -> Result<(T, Vec<Repair>), Error> {
    let fail = |path: String, message: String| Error::Decode {
        operation,
        path,
        message,
        snippet: redact::snippet(operation, bytes),
    };
    let mut value: Value = serde_json::from_slice(bytes).map_err(|e| fail(String::new(), e.to_string()))?;
    let mut repairs: Vec<Repair> = Vec::new();
    loop {
        let error = match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(decoded) => return Ok((decoded, repairs)),
            Err(error) => error,
        };
        let pointer = pointer_of(error.path());
        let message = describe(&pointer, error.inner());
        // Set aside already and still failing there: the member is required.
        if let Some(earlier) = repairs.iter().find(|r| r.pointer == pointer) {
            return Err(fail(pointer, earlier.problem.clone()));
        }
        if strict || repairs.len() >= MAX_REPAIRS || !may_set_aside(&value, &pointer, &message) {
            return Err(fail(pointer, message));
        }
        let Some(member) = value.pointer_mut(&pointer) else { return Err(fail(pointer, message)) };
        let original = std::mem::replace(member, Value::Null);
        repairs.push(Repair::new(operation, pointer, message, original));
    }
}

/// serde's message, unless the value is a secret: serde quotes the value it
/// refused (`invalid type: integer `12345``), which must not reach a log.
fn describe(pointer: &str, error: &serde_json::Error) -> String {
    let secret = pointer.split('/').any(|segment| SECRET_PROPERTIES.iter().any(|s| s.eq_ignore_ascii_case(segment)));
    if secret {
        String::from("the value does not have the documented shape (not shown: it is a secret)")
    } else {
        error.to_string()
    }
}

/// Whether the value at `pointer` is an optional-looking object member that
/// a repair may set aside (whether it is really optional shows when it is
/// set aside: a required one fails again at the same place).
fn may_set_aside(root: &Value, pointer: &str, message: &str) -> bool {
    // These name a member that is absent or the object around it, not a value.
    const ABOUT_THE_PARENT: &[&str] = &["missing field", "duplicate field", "unknown field"];
    if ABOUT_THE_PARENT.iter().any(|m| message.starts_with(m)) || pointer.contains("/?") {
        return false;
    }
    let Some((parent, _)) = pointer.rsplit_once('/') else { return false };
    let member_of_an_object = matches!(root.pointer(parent), Some(Value::Object(_)));
    let present = root.pointer(pointer).is_some_and(|v| !v.is_null());
    member_of_an_object && present && !under_page_links(root, pointer)
}

/// Whether `pointer` is at or under the `_links` of an object with `results`.
fn under_page_links(root: &Value, pointer: &str) -> bool {
    let mut at = String::new();
    for segment in pointer.split('/').skip(1) {
        if segment == "_links" && root.pointer(&at).is_some_and(|v| v.get("results").is_some()) {
            return true;
        }
        at.push('/');
        at.push_str(segment);
    }
    false
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
    use serde_json::json;

    use super::*;
    use crate::types::{BackupAccount, RestoreSession, SelectedMailboxPage};

    const SESSION: &str = "fa3a2d17-d86d-4540-bf71-512750281e43";

    fn page(links: Value) -> Vec<u8> {
        let mailbox = |n: u128| json!({"id": uuid::Uuid::from_u128(n), "name": format!("m{n}")});
        json!({"offset": 0, "limit": 2, "results": [mailbox(1), mailbox(2)], "_links": links}).to_string().into_bytes()
    }

    fn failure<T: DeserializeOwned + std::fmt::Debug>(body: &[u8]) -> (String, String) {
        match leniently::<T>("op", body, false) {
            Err(Error::Decode { path, message, .. }) => (path, message),
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn an_optional_member_that_does_not_fit_is_set_aside_and_kept() {
        let body = json!({"id": SESSION, "creationTime": "yesterday", "name": "kept"}).to_string();
        let (session, repairs): (RestoreSession, _) = leniently("get_restore_session", body.as_bytes(), false).unwrap();
        assert_eq!(session.name.as_deref(), Some("kept"));
        assert!(session.creation_time.is_none());
        assert_eq!(repairs.len(), 1);
        assert_eq!(repairs[0].pointer, "/creationTime");
        assert_eq!(repairs[0].value(), &json!("yesterday"), "the value is kept");
        assert!(repairs[0].problem.contains("RFC 3339"), "{}", repairs[0].problem);
    }

    #[test]
    fn a_required_member_that_does_not_fit_fails_with_its_own_problem() {
        let body = br#"[{"groupMember": {"login": ["a"], "type": "User"}, "password": "hunter2"}]"#;
        let (path, message) = failure::<Vec<BackupAccount>>(body);
        assert_eq!(path, "/0/groupMember/login");
        assert!(message.starts_with("invalid type: sequence"), "the original problem, not null's: {message}");
        let err = leniently::<Vec<BackupAccount>>("list_backup_accounts", body, false).unwrap_err().to_string();
        assert!(err.starts_with("list_backup_accounts: cannot read the response at /0/groupMember/login"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn a_repair_never_climbs_to_the_parent_of_a_missing_member() {
        // `next` without its required `href`: the error names `next`, which must stay.
        let (path, message) = failure::<SelectedMailboxPage>(&page(json!({"next": {}})));
        assert_eq!((path.as_str(), message.as_str()), ("/_links/next", "missing field `href`"));
        let (path, _) = failure::<SelectedMailboxPage>(&page(json!({"next": {"href": null}})));
        assert_eq!(path, "/_links/next/href");
    }

    #[test]
    fn an_optional_object_missing_a_required_member_is_not_set_aside() {
        #[derive(Debug, serde::Deserialize)]
        struct Site {
            #[allow(dead_code)]
            url: String,
        }
        #[derive(Debug, serde::Deserialize)]
        struct Item {
            #[allow(dead_code)]
            site: Option<Site>,
        }
        let (path, message) = failure::<Item>(br#"{"site": {"title": "no url"}}"#);
        assert_eq!((path.as_str(), message.as_str()), ("/site", "missing field `url`"));
    }

    #[test]
    fn nothing_under_the_links_of_a_page_is_set_aside() {
        let (path, _) = failure::<SelectedMailboxPage>(&page(json!({"next": 5})));
        assert_eq!(path, "/_links/next");
        let (path, _) = failure::<SelectedMailboxPage>(&page(json!(["not", "a", "map"])));
        assert!(path.starts_with("/_links"), "{path}");
        // The links of a single resource are not what paging follows.
        let body = json!({"id": SESSION, "_links": ["not", "a", "map"]}).to_string();
        let (_, repairs): (RestoreSession, _) = leniently("op", body.as_bytes(), false).unwrap();
        assert_eq!(repairs[0].pointer, "/_links");
    }

    #[test]
    fn an_item_of_a_list_is_never_set_aside() {
        let body = br#"{"offset": 0, "limit": 2, "results": [{"id": "fa3a2d17-d86d-4540-bf71-512750281e43"}, 7]}"#;
        assert_eq!(failure::<SelectedMailboxPage>(body).0, "/results/1");
    }

    #[test]
    fn problems_with_a_secret_do_not_quote_it() {
        let body = br#"[{"groupMember": {"login": "a", "type": "User"}, "password": 12345}]"#;
        let (_, repairs): (Vec<BackupAccount>, _) = leniently("op", body, false).unwrap();
        assert!(!repairs[0].problem.contains("12345"), "{}", repairs[0].problem);
        assert!(!format!("{:?}", repairs[0]).contains("12345"));
        let (_, message) = failure::<Vec<BackupAccount>>(
            br#"[{"groupMember": {"login": "a", "type": "User"}, "password": 12345}, 7]"#,
        );
        assert!(!message.contains("12345"), "{message}");
    }

    #[test]
    fn strict_mode_sets_nothing_aside() {
        let body = json!({"id": SESSION, "creationTime": "yesterday"}).to_string();
        let err = leniently::<RestoreSession>("get_restore_session", body.as_bytes(), true).unwrap_err();
        assert!(matches!(&err, Error::Decode { path, .. } if path == "/creationTime"), "{err:?}");
    }

    #[test]
    fn repairs_are_bounded() {
        let mut accounts = Vec::new();
        for _ in 0..=MAX_REPAIRS {
            accounts.push(json!({"groupMember": {"login": "a", "type": "User", "isCloud": "yes"}}));
        }
        let body = Value::Array(accounts).to_string();
        let (path, _) = failure::<Vec<BackupAccount>>(body.as_bytes());
        assert_eq!(path, format!("/{MAX_REPAIRS}/groupMember/isCloud"));
    }

    #[test]
    fn a_body_that_is_not_json_fails_at_the_top() {
        assert_eq!(failure::<RestoreSession>(b"{\"id\": \"fa3a").0, "");
    }
}
