//! Every call runs in a `vb365.call` span that carries the operation, method,
//! path, status and duration, and nothing secret reaches any span or event.
#![cfg(feature = "simulator")]

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use tracing_core::span::Current;
use vb365::Client;
use vb365::simulator::{Fault, Simulator};

mod common;

/// A span as recorded: name and fields.
#[derive(Debug, Clone)]
struct Span {
    name: &'static str,
    metadata: &'static Metadata<'static>,
    fields: BTreeMap<String, String>,
}

/// A subscriber that keeps every span and event, enough to read fields
/// back; `Span::current()` works through its stack of entered spans.
#[derive(Default, Clone)]
struct Capture {
    next: Arc<AtomicU64>,
    spans: Arc<Mutex<BTreeMap<u64, Span>>>,
    events: Arc<Mutex<Vec<String>>>,
    stack: Arc<Mutex<Vec<u64>>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let mut fields = BTreeMap::new();
        attributes.record(&mut Fields(&mut fields));
        let metadata = attributes.metadata();
        self.spans.lock().unwrap().insert(id, Span { name: metadata.name(), metadata, fields });
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        if let Some(span) = self.spans.lock().unwrap().get_mut(&span.into_u64()) {
            values.record(&mut Fields(&mut span.fields));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.events.lock().unwrap().push(format!("{} {fields:?}", event.metadata().level()));
    }

    fn enter(&self, span: &Id) {
        self.stack.lock().unwrap().push(span.into_u64());
    }

    fn exit(&self, span: &Id) {
        let mut stack = self.stack.lock().unwrap();
        if let Some(at) = stack.iter().rposition(|s| *s == span.into_u64()) {
            stack.remove(at);
        }
    }

    fn current_span(&self) -> Current {
        let top = self.stack.lock().unwrap().last().copied();
        match top.and_then(|id| self.spans.lock().unwrap().get(&id).map(|s| (id, s.metadata))) {
            Some((id, metadata)) => Current::new(Id::from_u64(id), metadata),
            None => Current::none(),
        }
    }
}

impl Capture {
    fn calls(&self) -> Vec<BTreeMap<String, String>> {
        let spans = self.spans.lock().unwrap();
        spans.values().filter(|s| s.name == "vb365.call").map(|s| s.fields.clone()).collect()
    }

    fn warnings(&self) -> Vec<String> {
        self.events.lock().unwrap().iter().filter(|e| e.starts_with("WARN ")).cloned().collect()
    }

    fn everything(&self) -> String {
        format!("{:?}{:?}", self.spans.lock().unwrap().values().collect::<Vec<_>>(), self.events.lock().unwrap())
    }
}

#[tokio::test]
async fn every_call_has_a_span_with_operation_method_path_status_and_duration() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let simulator = Simulator::start().await.unwrap();
    let client = Client::builder(simulator.url()).build().unwrap();
    client.login(simulator.credentials()).await.unwrap();
    client.list_backup_accounts(simulator.organization_id()).await.unwrap();
    simulator.inject(Fault::status(404));
    client.get_organization(simulator.organization_id()).await.unwrap_err();

    let calls = capture.calls();
    assert_eq!(calls.len(), 3, "{calls:#?}");
    let expect = [
        ("create_token_v8", "POST", "/v8/token", "200"),
        (
            "list_backup_accounts_v8",
            "GET",
            "/v8/Organizations/6f9b3da3-204d-4a4b-b466-55586e0233fc/BackupAccounts",
            "200",
        ),
        ("get_organization_v8", "GET", "/v8/Organizations/6f9b3da3-204d-4a4b-b466-55586e0233fc", "404"),
    ];
    for (fields, (operation, method, path, status)) in calls.iter().zip(expect) {
        assert_eq!(fields["operation"], operation);
        assert_eq!(fields["method"], method);
        assert_eq!(fields["path"], path);
        assert_eq!(fields["status"], status);
        assert_eq!(fields["attempts"], "1");
        assert!(fields["duration_ms"].parse::<u64>().is_ok(), "{fields:?}");
    }
}

#[tokio::test]
async fn nothing_secret_reaches_a_span_or_an_event() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let simulator = Simulator::start().await.unwrap();
    let client = Client::builder(simulator.url()).build().unwrap();
    client.login(simulator.credentials()).await.unwrap();
    simulator.revoke_all_tokens(); // a failed refresh, then a new login
    client.list_organizations().await.unwrap();
    let tokens: Vec<String> =
        simulator.requests().iter().filter_map(|r| r.authorization.as_ref()).map(|a| a.expose().to_owned()).collect();
    assert!(!tokens.is_empty());
    let everything = capture.everything();
    assert!(everything.contains("refresh grant failed"), "the fallback is logged: {everything}");
    for secret in tokens.iter().map(String::as_str).chain(["simulated-password", "sim-refresh-"]) {
        assert!(!everything.contains(secret), "`{secret}` reached tracing: {everything}");
    }
}

#[tokio::test]
async fn a_repair_is_a_warning_that_names_the_member_but_never_a_secret() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let body = r#"[{"groupMember": {"login": "a@b.c", "type": "User"}, "password": 12345}]"#;
    let server = common::TestServer::answering(common::Reply::json(200, body)).await;
    let client = server.client().await;
    client.list_backup_accounts(uuid::Uuid::nil()).await.unwrap();
    let warnings = capture.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("\"pointer\": \"/0/password\""), "{warnings:?}");
    assert!(warnings[0].contains("list_backup_accounts") && warnings[0].contains("Client::repairs"), "{warnings:?}");
    assert!(!warnings[0].contains("12345"), "a secret stays out of logs: {warnings:?}");
}

/// A restore session dropped without `stop()` says so: a warning that
/// names the session, before it is stopped in the background.
#[tokio::test]
async fn a_restore_session_dropped_without_stop_warns() {
    use vb365::restore::ExploreFrom;
    use vb365::types::RestoreSessionType;
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let simulator = Simulator::start().await.unwrap();
    let client = Client::builder(simulator.url()).build().unwrap();
    client.login(simulator.credentials()).await.unwrap();
    let stopped = client.explore(ExploreFrom::tenant(RestoreSessionType::Veod)).await.unwrap();
    stopped.stop().await.unwrap();
    assert_eq!(capture.warnings(), Vec::<String>::new(), "a stopped session is quiet");
    let dropped = client.explore(ExploreFrom::tenant(RestoreSessionType::Veod)).await.unwrap();
    let id = dropped.id().to_string();
    drop(dropped);
    let warnings = capture.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("without stop()") && warnings[0].contains(&id), "{warnings:?}");
}
