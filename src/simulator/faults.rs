//! Misbehaviour on request, for tests of retries, timeouts and decoding.

use std::collections::VecDeque;
use std::time::Duration;

/// What the simulator does wrong, how often, and to which operation.
///
/// ```
/// use vb365::simulator::Fault;
///
/// let fault = Fault::status(503).times(2);                 // the next two requests get 503
/// let fault = Fault::status(429).retry_after(1);            // one 429 with `Retry-After: 1`
/// let fault = Fault::drop_connection().on("add_organization");
/// let fault = Fault::delay(std::time::Duration::from_millis(500)).on("create_token");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub(crate) kind: FaultKind,
    pub(crate) times: usize,
    pub(crate) after: usize,
    pub(crate) operation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FaultKind {
    Status { status: u16, retry_after: Option<u64>, message: Option<String> },
    MalformedBody,
    DropConnection,
    Stall,
    Delay(Duration),
}

impl Fault {
    /// Answers with this status and a `{"message"}` body.
    pub fn status(status: u16) -> Self {
        Self::new(FaultKind::Status { status, retry_after: None, message: None })
    }

    /// Answers `200` with a JSON body cut off in the middle.
    pub fn malformed_body() -> Self {
        Self::new(FaultKind::MalformedBody)
    }

    /// Closes the connection without answering.
    pub fn drop_connection() -> Self {
        Self::new(FaultKind::DropConnection)
    }

    /// Never answers (until the client gives up).
    pub fn stall() -> Self {
        Self::new(FaultKind::Stall)
    }

    /// Answers as usual, but only after `delay` (on top of any latency).
    pub fn delay(delay: Duration) -> Self {
        Self::new(FaultKind::Delay(delay))
    }

    /// Adds `Retry-After: <seconds>` to a status fault.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        if let FaultKind::Status { retry_after, .. } = &mut self.kind {
            *retry_after = Some(seconds);
        }
        self
    }

    /// Puts `text` in a status fault's `{"message"}` body instead of the
    /// usual one (a server whose message reads like something else).
    pub fn message(mut self, text: &str) -> Self {
        if let FaultKind::Status { message, .. } = &mut self.kind {
            *message = Some(text.to_owned());
        }
        self
    }

    /// Applies to the next `n` matching requests (default 1).
    pub fn times(mut self, n: usize) -> Self {
        self.times = n;
        self
    }

    /// Lets the first `n` requests it would apply to pass untouched (a
    /// second page that is slow, a third request that fails).
    pub fn after(mut self, n: usize) -> Self {
        self.after = n;
        self
    }

    /// Applies only to requests for this operation: an operationId, which
    /// names the operation in every API version (`list_organizations` also
    /// matches `list_organizations_v8`; `list_organizations_v8` only v8).
    pub fn on(mut self, operation: &str) -> Self {
        self.operation = Some(operation.to_owned());
        self
    }

    fn new(kind: FaultKind) -> Self {
        Self { kind, times: 1, after: 0, operation: None }
    }
}

/// Whether `asked` (as a test names it) is `operation` (as routed): the same
/// operationId, or the same one in another API version.
pub(crate) fn same_operation(asked: &str, operation: &str) -> bool {
    asked == operation || crate::OperationFamily::of(operation).is_some_and(|family| family.name == asked)
}

#[derive(Debug, Default)]
pub(crate) struct Faults {
    pub(crate) latency: Duration,
    pub(crate) queue: VecDeque<Fault>,
}

impl Faults {
    /// The fault for a request to `operation`, used up once.
    pub(crate) fn take(&mut self, operation: Option<&str>) -> Option<FaultKind> {
        let applies = |f: &Fault| {
            f.times > 0 && f.operation.as_deref().is_none_or(|o| operation.is_some_and(|op| same_operation(o, op)))
        };
        let mut index = None;
        for (i, fault) in self.queue.iter_mut().enumerate().filter(|(_, f)| applies(f)) {
            if fault.after == 0 {
                index = Some(i);
                break;
            }
            fault.after -= 1;
        }
        let index = index?;
        let fault = &mut self.queue[index];
        fault.times -= 1;
        let kind = fault.kind.clone();
        if fault.times == 0 {
            self.queue.remove(index);
        }
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_used_up_in_order_and_by_operation() {
        let mut faults = Faults::default();
        faults.queue.push_back(Fault::status(503).times(2).on("add_organization"));
        faults.queue.push_back(Fault::malformed_body());
        assert_eq!(faults.take(Some("list_organizations")), Some(FaultKind::MalformedBody));
        assert_eq!(faults.take(Some("list_organizations")), None);
        let status = FaultKind::Status { status: 503, retry_after: None, message: None };
        assert_eq!(faults.take(Some("add_organization")), Some(status.clone()));
        assert_eq!(faults.take(Some("add_organization")), Some(status));
        assert_eq!(faults.take(Some("add_organization")), None);
    }

    #[test]
    fn a_fault_after_n_lets_n_requests_pass_first() {
        let mut faults = Faults::default();
        faults.queue.push_back(Fault::stall().after(2).on("list_organizations"));
        assert_eq!(faults.take(Some("get_organization")), None, "another operation is not counted");
        assert_eq!(faults.take(Some("list_organizations")), None);
        assert_eq!(faults.take(Some("list_organizations_v8")), None);
        assert_eq!(faults.take(Some("list_organizations")), Some(FaultKind::Stall));
        assert_eq!(faults.take(Some("list_organizations")), None, "used up");
    }

    #[test]
    fn an_operation_named_without_a_version_matches_every_version() {
        let mut faults = Faults::default();
        faults.queue.push_back(Fault::malformed_body().times(2).on("list_organizations"));
        faults.queue.push_back(Fault::stall().on("get_organization_v8"));
        assert_eq!(faults.take(Some("list_organizations_v8")), Some(FaultKind::MalformedBody));
        assert_eq!(faults.take(Some("list_organizations")), Some(FaultKind::MalformedBody));
        assert_eq!(faults.take(Some("get_organization")), None, "a v8 name matches only v8");
        assert_eq!(faults.take(Some("get_organization_v8")), Some(FaultKind::Stall));
    }
}
