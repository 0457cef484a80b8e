//! Keeping the JSON a server sent, for callers that want more than the
//! document describes: the CLI prints every field, like `curl | jq`.
//!
//! The typed values keep only what the document names (serde ignores the
//! rest, so unknown fields cost nothing). Inside [`capture_json`], or on a
//! stream made with [`crate::Pages::with_json`], the hooks also read each
//! successful response body as JSON and keep it here. Token responses are
//! never kept: they carry secrets.

use std::cell::RefCell;
use std::future::Future;

use serde_json::Value;

tokio::task_local! {
    static KEPT: RefCell<Vec<CapturedJson>>;
}

/// One successful response's body, kept by [`capture_json`].
#[derive(Debug, Clone, PartialEq)]
pub struct CapturedJson {
    /// The operation that received it (`get_job_v8`):
    /// [`crate::OperationFamily::of`] tells its family.
    pub operation: &'static str,
    /// The body, every field the server sent.
    pub value: Value,
}

/// Whether a capture is running on this task.
pub(crate) fn wanted() -> bool {
    KEPT.try_with(|_| ()).is_ok()
}

/// Keeps a successful response's body, when it is JSON; an empty body
/// (`204`) or one that is not JSON is not kept.
pub(crate) fn keep(operation: &'static str, body: &[u8]) {
    if body.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        let _ = KEPT.try_with(|kept| kept.borrow_mut().push(CapturedJson { operation, value }));
    }
}

/// Runs `future` (a call of the client, or several) and returns, with its
/// output, the JSON body of each successful response it received, in the
/// order they came, each with the operation that received it: a method
/// that makes its answer from another operation's (v6 `health` from the
/// service instance) is told apart by that. Requests made on other tasks are not seen; a
/// [`crate::Pages`] stream keeps its pages' JSON with
/// [`crate::Pages::with_json`] instead.
///
/// ```no_run
/// # async fn f(client: vb365::Client, id: uuid::Uuid) -> Result<(), vb365::Error> {
/// let (job, bodies) = vb365::capture_json(client.get_job(id)).await;
/// let job = job?;
/// // `bodies[0].value` holds every field the server sent, documented or not.
/// # let _ = (job, bodies); Ok(()) }
/// ```
pub async fn capture_json<F: Future>(future: F) -> (F::Output, Vec<CapturedJson>) {
    KEPT.scope(RefCell::new(Vec::new()), async move {
        let output = future.await;
        (output, KEPT.with(|kept| std::mem::take(&mut *kept.borrow_mut())))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_json_bodies_are_kept_and_only_inside_a_capture() {
        keep("op", br#"{"outside": true}"#);
        assert!(!wanted());
        let ((), kept) = capture_json(async {
            assert!(wanted());
            keep("a", br#"{"a": 1}"#);
            keep("b", b"  ");
            keep("c", b"<html>");
            keep("d", b"[2]");
        })
        .await;
        let kept: Vec<_> = kept.into_iter().map(|k| (k.operation, k.value)).collect();
        assert_eq!(kept, [("a", serde_json::json!({"a": 1})), ("d", serde_json::json!([2]))]);
    }
}
