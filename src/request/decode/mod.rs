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
//! - not more than [`MAX_REPAIRS`] distinct members per response: the same
//!   member of every item of a list counts once (`/results/*/endTime`), so
//!   whether a call fails does not depend on the page size.
//!
//! When the member of one item of a list is set aside, the same member of
//! the other items is set aside too where it must fail the same way (the
//! same value, or a value of the same JSON kind where serde refused the
//! kind itself), so a page of a thousand such items costs a few passes, not
//! a thousand.
//!
//! In strict mode ([`crate::ClientBuilder::strict`]) nothing is set aside
//! and the first value that does not fit fails the call.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Error;
use crate::api::SECRET_PROPERTIES;
use crate::request::redact;
use crate::request::repair::Repair;

mod position;

#[cfg(test)]
mod fuzz;

/// At most this many distinct members (list indices aside) are set aside
/// in one response.
pub(crate) const MAX_REPAIRS: usize = 16;

/// Decodes a success body that the generated type refused, setting aside
/// optional members that do not fit unless `strict` (see the module docs).
///
/// Each pass decodes with `serde_json::from_slice::<T>`, the function the
/// generated client decoded with, so a response type's `Deserialize` is
/// compiled once; where it stopped is found from the error's position
/// (`position`). Everything else here does not depend on `T`.
pub(crate) fn leniently<T: DeserializeOwned>(
    operation: &'static str,
    bytes: &[u8],
    strict: bool,
) -> Result<(T, Vec<Repair>), Error> {
    let mut pass = Passes::new(operation, bytes, strict)?;
    loop {
        let text = pass.text()?;
        match serde_json::from_slice::<T>(&text) {
            Ok(decoded) => return Ok((decoded, pass.repairs)),
            Err(error) => {
                let (pointer, message) = position::locate(&text, &error, &pass.value);
                pass.set_aside(pointer, &message)?;
            }
        }
    }
}

/// The body as it is being repaired, and what was set aside so far.
struct Passes<'a> {
    operation: &'static str,
    bytes: &'a [u8],
    strict: bool,
    value: Value,
    repairs: Vec<Repair>,
    /// The distinct problems (pointers with `*` for list indices).
    problems: Vec<String>,
}

impl<'a> Passes<'a> {
    fn new(operation: &'static str, bytes: &'a [u8], strict: bool) -> Result<Self, Error> {
        let mut pass =
            Passes { operation, bytes, strict, value: Value::Null, repairs: Vec::new(), problems: Vec::new() };
        pass.value = serde_json::from_slice(bytes).map_err(|e| pass.fail(String::new(), e.to_string()))?;
        Ok(pass)
    }

    fn fail(&self, path: String, message: String) -> Error {
        Error::Decode { operation: self.operation, path, message, snippet: redact::snippet(self.operation, self.bytes) }
    }

    /// The body with what was set aside so far, as `serde_json` writes it
    /// (on one line, members in key order).
    fn text(&self) -> Result<Vec<u8>, Error> {
        serde_json::to_vec(&self.value).map_err(|e| self.fail(String::new(), e.to_string()))
    }

    /// Sets aside the member at `pointer`, which does not fit because of
    /// `message`, with the same member of the other items where it must
    /// fail alike; or fails with why it may not.
    fn set_aside(&mut self, pointer: Option<String>, message: &str) -> Result<(), Error> {
        // Nowhere to point at, so no telling whether the value is a secret:
        // the message goes without the value it quotes.
        let Some(pointer) = pointer else { return Err(self.fail(String::new(), without_value(message))) };
        let message = describe(&pointer, message);
        // Set aside already and still failing there: the member is required.
        if let Some(earlier) = self.repairs.iter().find(|r| r.pointer == pointer) {
            return Err(self.fail(pointer, earlier.problem.clone()));
        }
        let pattern = pattern_of(&pointer);
        let new_problem = !self.problems.contains(&pattern);
        if self.strict
            || (new_problem && self.problems.len() >= MAX_REPAIRS)
            || !may_set_aside(&self.value, &pointer, &message)
        {
            return Err(self.fail(pointer, message));
        }
        if new_problem {
            self.problems.push(pattern.clone());
        }
        let Some(member) = self.value.pointer_mut(&pointer) else { return Err(self.fail(pointer, message)) };
        let original = std::mem::replace(member, Value::Null);
        // The same member of the other items, where it must fail alike.
        let kind_refused = message.starts_with("invalid type:") && !original.is_string();
        let alike = without_value(&message);
        for other in matching(&self.value, &pattern) {
            if other == pointer || !may_set_aside(&self.value, &other, &message) {
                continue;
            }
            let Some(candidate) = self.value.pointer(&other) else { continue };
            let same = *candidate == original || (kind_refused && kind(candidate) == kind(&original));
            if same && let Some(member) = self.value.pointer_mut(&other) {
                let sent = std::mem::replace(member, Value::Null);
                let problem = if sent == original { message.clone() } else { alike.clone() };
                self.repairs.push(Repair::new(self.operation, other, problem, sent));
            }
        }
        self.repairs.push(Repair::new(self.operation, pointer, message, original));
        Ok(())
    }
}

/// A pointer with its list indices as `*`: `/results/3/endTime` is
/// `/results/*/endTime`, one problem however many items have it.
pub(crate) fn pattern_of(pointer: &str) -> String {
    pointer
        .split('/')
        .map(|segment| if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) { "*" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

/// Every pointer in `root` that `pattern` matches (`*` being any index of a list).
fn matching(root: &Value, pattern: &str) -> Vec<String> {
    let mut found = vec![(String::new(), root)];
    for segment in pattern.split('/').skip(1) {
        let mut next = Vec::new();
        for (at, value) in found {
            match (segment, value) {
                ("*", Value::Array(items)) => {
                    next.extend(items.iter().enumerate().map(|(i, item)| (format!("{at}/{i}"), item)));
                }
                (key, Value::Object(map)) => {
                    let name = key.replace("~1", "/").replace("~0", "~");
                    if let Some(child) = map.get(&name) {
                        next.push((format!("{at}/{key}"), child));
                    }
                }
                _ => {}
            }
        }
        found = next;
    }
    found.into_iter().map(|(at, _)| at).collect()
}

/// The JSON kind of a value, as serde's `invalid type` names it.
fn kind(value: &Value) -> u8 {
    match value {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(n) if n.is_f64() => 2,
        Value::Number(_) => 3,
        Value::String(_) => 4,
        Value::Array(_) => 5,
        Value::Object(_) => 6,
    }
}

/// serde's message without the value it quotes (``integer `7` `` →
/// `integer`), for another item that failed the same way with another value.
fn without_value(message: &str) -> String {
    match message.split_once(" `").and_then(|(head, rest)| Some((head, rest.split_once('`')?.1))) {
        Some((head, tail)) => format!("{head}{tail}"),
        None => message.to_owned(),
    }
}

/// serde's message, unless the value is a secret: serde quotes the value it
/// refused (`invalid type: integer `12345``), which must not reach a log.
fn describe(pointer: &str, message: &str) -> String {
    let secret = pointer.split('/').any(|segment| SECRET_PROPERTIES.iter().any(|s| s.eq_ignore_ascii_case(segment)));
    if secret {
        String::from("the value does not have the documented shape (not shown: it is a secret)")
    } else {
        message.to_owned()
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
    fn a_problem_without_a_place_does_not_quote_the_value() {
        let body = br#"[{"groupMember": {"login": "a", "type": "User"}, "password": 12345}]"#;
        let mut pass = Passes::new("op", body, false).unwrap();
        let err = pass.set_aside(None, "invalid type: integer `12345`, expected a string").unwrap_err();
        assert!(
            matches!(&err, Error::Decode { path, message, .. } if path.is_empty() && !message.contains("12345")),
            "{err:?}"
        );
    }

    #[test]
    fn strict_mode_sets_nothing_aside() {
        let body = json!({"id": SESSION, "creationTime": "yesterday"}).to_string();
        let err = leniently::<RestoreSession>("get_restore_session", body.as_bytes(), true).unwrap_err();
        assert!(matches!(&err, Error::Decode { path, .. } if path == "/creationTime"), "{err:?}");
    }

    #[test]
    fn distinct_repairs_are_bounded() {
        // Seventeen different members that do not fit: the seventeenth fails.
        let members = [
            "name",
            "officeName",
            "type",
            "region",
            "isExchangeOnline",
            "isSharePointOnline",
            "isTeamsOnline",
            "isTeamsChatsOnline",
            "exchangeOnlineSettings",
            "sharePointOnlineSettings",
            "isBackedup",
            "firstBackuptime",
            "lastBackuptime",
            "description",
            "msid",
            "backedUpOrganizationId",
            "_links",
        ];
        assert!(members.len() > MAX_REPAIRS);
        let mut organization = json!({"id": SESSION});
        for member in members {
            organization[member] = json!(7);
        }
        let body = organization.to_string();
        let (path, _) = failure::<crate::types::Organization>(body.as_bytes());
        // Members are read in the order of the JSON object's keys.
        let mut order = members.to_vec();
        order.sort_unstable();
        assert_eq!(path, format!("/{}", order[MAX_REPAIRS]));
    }

    /// One member that does not fit on every item of a page is one problem,
    /// whatever the page size: 10 or 1,000 items read alike, each value kept.
    #[test]
    fn the_same_member_of_every_item_is_one_problem_whatever_the_page_size() {
        for size in [10, 1_000] {
            let items: Vec<Value> = (0..size)
                .map(|i| json!({"id": uuid::Uuid::from_u128(i as u128 + 1), "name": format!("m{i}"), "isBackedUp": {"odd": i}}))
                .collect();
            let body = json!({"offset": 0, "limit": size, "results": items}).to_string();
            let (page, repairs): (SelectedMailboxPage, _) = leniently("op", body.as_bytes(), false).unwrap();
            assert_eq!(page.results.len(), size, "every item kept");
            assert!(page.results.iter().all(|m| m.is_backed_up.is_none() && m.name.is_some()));
            assert_eq!(repairs.len(), size, "each item's value kept");
            assert!(repairs.iter().all(|r| pattern_of(&r.pointer) == "/results/*/isBackedUp"));
            assert_eq!(
                repairs.iter().map(|r| r.value()["odd"].as_u64().unwrap()).sum::<u64>(),
                (0..size as u64).sum::<u64>()
            );
        }
    }

    /// Only what must fail alike is set aside with the first: a valid value
    /// of the same member in another item stays.
    #[test]
    fn other_items_keep_the_values_that_fit() {
        let body = json!({"offset": 0, "limit": 3, "results": [
            {"id": uuid::Uuid::from_u128(1), "isBackedUp": [1]},
            {"id": uuid::Uuid::from_u128(2), "isBackedUp": true},
            {"id": uuid::Uuid::from_u128(3), "isBackedUp": "maybe"},
        ]})
        .to_string();
        let (page, repairs): (SelectedMailboxPage, _) = leniently("op", body.as_bytes(), false).unwrap();
        assert_eq!(page.results[1].is_backed_up.map(bool::from), Some(true), "a value that fits is not set aside");
        let pointers: Vec<&str> = repairs.iter().map(|r| r.pointer.as_str()).collect();
        assert_eq!(pointers, ["/results/0/isBackedUp", "/results/2/isBackedUp"]);
    }

    #[test]
    fn patterns_and_quoted_values() {
        assert_eq!(pattern_of("/results/12/user/endTime"), "/results/*/user/endTime");
        assert_eq!(pattern_of("/name"), "/name");
        assert_eq!(
            without_value("invalid type: integer `7`, expected a string"),
            "invalid type: integer, expected a string"
        );
        let root = json!({"results": [{"a": 1}, {"b": 2}, {"a": 3}]});
        assert_eq!(matching(&root, "/results/*/a"), ["/results/0/a", "/results/2/a"]);
    }

    #[test]
    fn a_body_that_is_not_json_fails_at_the_top() {
        assert_eq!(failure::<RestoreSession>(b"{\"id\": \"fa3a").0, "");
    }
}
