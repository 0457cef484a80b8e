//! What the client set aside to read a response, and where the caller sees it.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Mutex;

use serde_json::Value;

use crate::api::SECRET_PROPERTIES;

/// How many repairs [`crate::Client::repairs`] keeps (the oldest go first).
pub const KEPT_REPAIRS: usize = 64;

/// An optional response member the client could not read into its type and
/// set aside so that the rest of the response could be used.
///
/// The member reads as absent (`None`, or an empty list) in the decoded
/// value; the value the server sent is kept here, so nothing is lost. See
/// [`crate::Client::repairs`], and [`crate::ClientBuilder::strict`] to fail
/// such calls instead.
#[derive(Clone, PartialEq)]
pub struct Repair {
    /// The operation whose response it was.
    pub operation: &'static str,
    /// JSON pointer to the member in the response body.
    pub pointer: String,
    /// Why it did not fit.
    pub problem: String,
    value: Value,
}

impl Repair {
    pub(crate) fn new(operation: &'static str, pointer: String, problem: String, value: Value) -> Self {
        Self { operation, pointer, problem, value }
    }

    /// The value the server sent, unchanged. When the member is a secret
    /// (a `format: password` property), this is the secret itself: it never
    /// prints through `Debug` or `Display`.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The value as `Debug` and `Display` show it: short, secrets redacted.
    fn shown(&self) -> String {
        let name = self.pointer.rsplit('/').next().unwrap_or_default();
        if is_secret(name) {
            return String::from("[redacted]");
        }
        let mut value = self.value.clone();
        redact_secrets(&mut value);
        let text = value.to_string();
        if text.chars().count() > 80 { text.chars().take(77).chain("...".chars()).collect() } else { text }
    }
}

fn is_secret(name: &str) -> bool {
    SECRET_PROPERTIES.iter().any(|s| s.eq_ignore_ascii_case(name))
}

fn redact_secrets(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if is_secret(key) {
                    *child = Value::String(String::from("[redacted]"));
                } else {
                    redact_secrets(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_secrets),
        _ => {}
    }
}

impl fmt::Display for Repair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: set aside {} = {}: {}", self.operation, self.pointer, self.shown(), self.problem)
    }
}

impl fmt::Debug for Repair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Repair")
            .field("operation", &self.operation)
            .field("pointer", &self.pointer)
            .field("problem", &self.problem)
            .field("value", &format_args!("{}", self.shown()))
            .finish()
    }
}

/// The repairs of a client and its clones: a count and the latest few.
#[derive(Debug, Default)]
pub(crate) struct RepairLog {
    inner: Mutex<(u64, VecDeque<Repair>)>,
}

impl RepairLog {
    pub(crate) fn record(&self, repairs: Vec<Repair>) {
        if repairs.is_empty() {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.0 += repairs.len() as u64;
        for repair in repairs {
            if inner.1.len() == KEPT_REPAIRS {
                inner.1.pop_front();
            }
            inner.1.push_back(repair);
        }
    }

    pub(crate) fn count(&self) -> u64 {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).0
    }

    pub(crate) fn recent(&self) -> Vec<Repair> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).1.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn secrets_never_print_but_are_kept() {
        let repair = Repair::new("get_organization", "/exchangeOnlineSettings/password".into(), "x".into(), json!(7));
        assert!(!format!("{repair} {repair:?}").contains('7'));
        assert_eq!(repair.value(), &json!(7));
        let nested = Repair::new("o", "/settings".into(), "x".into(), json!({"password": "hunter2", "a": 1}));
        let shown = format!("{nested} {nested:?}");
        assert!(!shown.contains("hunter2") && shown.contains("\"a\":1"), "{shown}");
    }

    #[test]
    fn the_log_counts_everything_and_keeps_the_latest() {
        let log = RepairLog::default();
        for i in 0..KEPT_REPAIRS + 5 {
            log.record(vec![Repair::new("o", format!("/{i}"), String::new(), Value::Null)]);
        }
        assert_eq!(log.count(), (KEPT_REPAIRS + 5) as u64);
        let recent = log.recent();
        assert_eq!(recent.len(), KEPT_REPAIRS);
        assert_eq!(recent.last().unwrap().pointer, format!("/{}", KEPT_REPAIRS + 4));
    }
}
