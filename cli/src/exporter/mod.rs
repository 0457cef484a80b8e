//! `vb365 exporter`: the monitoring figures over HTTP for Prometheus.
//!
//! `/metrics` reads the default server (the connection options, as for
//! every command) and adds the exporter's own metrics; `/probe?target=NAME`
//! reads a server of the configuration file, in the multi-target pattern of
//! the blackbox and SNMP exporters, so that Prometheus's service discovery,
//! relabelling and federation spread the work over as many exporters as it
//! takes. Each server keeps one logged-in client across scrapes (servers
//! throttle `/token`); a failed login is retried with growing pauses.

mod config;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use tokio::sync::Mutex;
use vb365::{Client, Credentials};

use config::load;
use futures::FutureExt;
use futures::future::{BoxFuture, Shared};

use crate::args::{Connection, ExporterOptions};
use crate::explain::{Context, Reason, explain};
use crate::failure::Failure;
use crate::metrics::{self, Format, Reading};

/// The longest pause between login attempts of a server that refuses them.
const MAX_LOGIN_PAUSE: Duration = Duration::from_secs(300);
/// What a scrape keeps of Prometheus's timeout, to answer in time.
const TIMEOUT_MARGIN: Duration = Duration::from_millis(500);

/// One server to read: how to reach it, what is kept between scrapes, and
/// the reading under way, which concurrent scrapes share (so that a server
/// never sees more than `--concurrency` requests at once from here).
struct Target {
    /// The configured name, or the default server's host and port: the
    /// `server` label of its series.
    name: String,
    url: String,
    user: String,
    builder: vb365::ClientBuilder,
    credentials: Credentials,
    session: Mutex<Session>,
    reading: std::sync::Mutex<Option<Shared<BoxFuture<'static, Arc<Reading>>>>>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target").field("name", &self.name).field("url", &self.url).finish_non_exhaustive()
    }
}

/// A server's login across scrapes.
#[derive(Default)]
struct Session {
    client: Option<Client>,
    failures: u32,
    /// No login attempt before this (after a refused or timed-out one).
    next_attempt: Option<Instant>,
    last_failure: Option<(Reason, String)>,
}

/// What the handlers share.
struct Exporter {
    default: Option<Arc<Target>>,
    targets: BTreeMap<String, Arc<Target>>,
    concurrency: u32,
    scrape_timeout: Duration,
    scrapes: Family<Vec<(String, String)>, Counter>,
    logins: Family<Vec<(String, String)>, Counter>,
}

/// Starts serving on `options.listen` until Ctrl-C or SIGTERM.
pub async fn run(options: ExporterOptions) -> Result<(), Failure> {
    let connection = &options.connection;
    let targets = match &options.config {
        Some(path) => load(path, |name| std::env::var(name).ok()).map_err(|e| Failure::usage(e.0))?,
        None => Vec::new(),
    };
    let default = match &connection.server.url {
        Some(_) => Some(Arc::new(default_target(connection)?)),
        None => None,
    };
    if default.is_none() && targets.is_empty() {
        return Err(Failure::usage("nothing to export: give --url (or VB365_URL) or --config with targets"));
    }
    let mut servers = BTreeMap::new();
    for target in targets {
        servers.insert(target.name.clone(), Arc::new(target_of(target, connection.timeout)?));
    }
    let exporter = Arc::new(Exporter {
        default,
        targets: servers,
        concurrency: options.concurrency,
        scrape_timeout: options.scrape_timeout,
        scrapes: Family::default(),
        logins: Family::default(),
    });
    let router = Router::new()
        .route("/", get(index))
        .route("/metrics", get(metrics_of_default))
        .route("/probe", get(probe))
        .with_state(Arc::clone(&exporter));
    let stop = crate::signals::Stop::listen()?;
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|e| Failure::usage(format!("--listen {}: {e}", options.listen)))?;
    let address: SocketAddr = listener.local_addr().map_err(|e| Failure::local("--listen", e))?;
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        writeln!(out, "vb365 exporter listening on http://{address} ({} targets)", exporter.targets.len())
            .and_then(|()| out.flush())
            .map_err(Failure::output)?;
    }
    axum::serve(listener, router)
        .with_graceful_shutdown(stop.wait())
        .await
        .map_err(|e| Failure::local("the exporter stopped", e))
}

/// The server of the connection options: `/metrics` reads it.
fn default_target(connection: &Connection) -> Result<Target, Failure> {
    let server = &connection.server;
    let user = server.user.as_deref().ok_or_else(|| Failure::usage("no account: give --user or set VB365_USER"))?;
    let builder = crate::connect::builder(connection, None)?;
    let probe = builder.clone().build()?;
    let password = crate::connect::password(server, user, probe.base_url())?;
    Ok(Target {
        name: crate::commands::server_tag(probe.base_url()),
        url: probe.base_url().to_owned(),
        user: user.to_owned(),
        builder,
        credentials: Credentials::password(user, password),
        session: Mutex::default(),
        reading: std::sync::Mutex::default(),
    })
}

fn target_of(target: config::Target, timeout: Option<Duration>) -> Result<Target, Failure> {
    let mut builder = Client::builder(&target.url).danger_accept_invalid_certs(target.insecure);
    if let Some(pem) = &target.ca_cert {
        builder = builder.add_root_certificate(pem);
    }
    if let Some(versions) = &target.api_versions {
        builder = builder.api_versions(versions.iter().copied());
    }
    if let Some(timeout) = timeout {
        builder = builder.request_timeout(timeout);
    }
    let probe = builder.clone().build().map_err(|e| Failure::usage(format!("target {}: {e}", target.name)))?;
    Ok(Target {
        name: target.name,
        url: probe.base_url().to_owned(),
        user: target.user.clone(),
        builder,
        credentials: Credentials::password(target.user, target.password),
        session: Mutex::default(),
        reading: std::sync::Mutex::default(),
    })
}

async fn index(State(exporter): State<Arc<Exporter>>) -> Html<String> {
    let mut page = String::from(
        "<!DOCTYPE html>\n<html><head><title>vb365 exporter</title></head><body>\n<h1>vb365 exporter</h1>\n\
         <p>Veeam Backup for Microsoft 365 metrics for Prometheus.</p>\n<ul>\n",
    );
    if let Some(server) = &exporter.default {
        page.push_str(&format!("<li><a href=\"/metrics\">/metrics</a>: {}</li>\n", escape_html(&server.url)));
    } else {
        page.push_str("<li><a href=\"/metrics\">/metrics</a>: the exporter's own metrics</li>\n");
    }
    for (name, server) in &exporter.targets {
        let link = format!("/probe?target={}", urlencode(name));
        page.push_str(&format!(
            "<li><a href=\"{link}\">{}</a>: {}</li>\n",
            escape_html(&link),
            escape_html(&server.url)
        ));
    }
    page.push_str("</ul>\n</body></html>\n");
    Html(page)
}

async fn metrics_of_default(State(exporter): State<Arc<Exporter>>, headers: HeaderMap) -> Response {
    let format = negotiate(&headers);
    let mut registry = Registry::with_prefix("vb365");
    if let Some(target) = exporter.default.clone() {
        let reading = scrape(&exporter, target.clone(), deadline(&headers, exporter.scrape_timeout)).await;
        metrics::register(&mut registry, &reading.series(&target.name));
    }
    register_own(&exporter, &mut registry);
    answer(&registry, format)
}

#[derive(serde::Deserialize)]
struct ProbeQuery {
    target: Option<String>,
}

async fn probe(State(exporter): State<Arc<Exporter>>, headers: HeaderMap, Query(query): Query<ProbeQuery>) -> Response {
    let Some(name) = query.target.filter(|t| !t.is_empty()) else {
        return (StatusCode::BAD_REQUEST, "give the server to read: /probe?target=NAME\n").into_response();
    };
    let Some(target) = exporter.targets.get(&name).cloned() else {
        let known: Vec<&str> = exporter.targets.keys().map(String::as_str).collect();
        let message = format!("no target `{name}` in the configuration (it has: {})\n", known.join(", "));
        return (StatusCode::NOT_FOUND, message).into_response();
    };
    let format = negotiate(&headers);
    let reading = scrape(&exporter, target.clone(), deadline(&headers, exporter.scrape_timeout)).await;
    let mut registry = Registry::with_prefix("vb365");
    metrics::register(&mut registry, &reading.series(&target.name));
    answer(&registry, format)
}

/// Reads `target` within `timeout`: joins the reading under way if there
/// is one, else begins one. A scrape whose own time runs out first answers
/// that the server did not answer in time.
async fn scrape(exporter: &Arc<Exporter>, target: Arc<Target>, timeout: Duration) -> Arc<Reading> {
    let started = Instant::now();
    let deadline = started + timeout;
    exporter.scrapes.get_or_create(&vec![(String::from("target"), target.name.clone())]).inc();
    let shared = {
        let mut slot = target.reading.lock().unwrap_or_else(|p| p.into_inner());
        match slot.as_ref() {
            Some(under_way) => under_way.clone(),
            None => {
                let (exporter, target) = (Arc::clone(exporter), Arc::clone(&target));
                let reading = async move {
                    let reading = Arc::new(read_target(&exporter, &target, deadline).await);
                    *target.reading.lock().unwrap_or_else(|p| p.into_inner()) = None;
                    reading
                };
                let reading = reading.boxed().shared();
                *slot = Some(reading.clone());
                reading
            }
        }
    };
    match tokio::time::timeout_at(deadline.into(), shared).await {
        Ok(reading) => reading,
        Err(_) => {
            let why = format!("no answer within the scrape timeout of {:.1} s", timeout.as_secs_f64());
            Arc::new(Reading::down(Reason::Timeout, why, started, 0))
        }
    }
}

/// One reading of `target` by `deadline`: log in if there is no client (or
/// say why not yet), read, and judge whether the server is up. A client
/// whose server cannot be reached or refuses its login is dropped: the next
/// scrape logs in afresh.
async fn read_target(exporter: &Exporter, target: &Target, deadline: Instant) -> Reading {
    let started = Instant::now();
    let context = Context {
        url: &target.url,
        user: &target.user,
        trust: "set ca_cert for the target to trust its certificate",
        versions: "api_versions in the target's configuration",
    };
    let labels = vec![(String::from("target"), target.name.clone())];
    let mut session = target.session.lock().await;
    // What the client had done before this reading: a new one nothing.
    let (client, logins_before, requests_before) = match session.client.clone() {
        Some(client) => {
            let (logins, requests) = (client.logins(), client.requests_sent());
            (client, logins, requests)
        }
        None => {
            if let (Some(at), Some((reason, why))) = (session.next_attempt, &session.last_failure)
                && Instant::now() < at
            {
                let wait = at.saturating_duration_since(Instant::now()).as_secs();
                let why = format!("{why} (the next login is tried in {wait} s)");
                let reading = Reading::down(*reason, why, started, 0);
                log(target, &reading.problems);
                return reading;
            }
            let client = match target.builder.clone().build() {
                Ok(client) => client,
                Err(e) => return Reading::down(Reason::ServerError, e.to_string(), started, 0),
            };
            let login = tokio::time::timeout_at(deadline.into(), client.login(target.credentials.clone())).await;
            exporter.logins.get_or_create(&labels).inc_by(client.logins());
            let failure = match login {
                Ok(Ok(())) => None,
                Ok(Err(error)) => Some((Reason::of(&error), explain(&error, &context))),
                Err(_) => Some((Reason::Timeout, format!("no answer from {} in time (logging in)", target.url))),
            };
            if let Some((reason, why)) = failure {
                // A refused or unanswered login waits before the next: servers throttle /token.
                if matches!(reason, Reason::Login | Reason::Timeout) {
                    session.failures += 1;
                    let pause =
                        Duration::from_secs(5).saturating_mul(1 << session.failures.min(6)).min(MAX_LOGIN_PAUSE);
                    session.next_attempt = Some(Instant::now() + pause);
                }
                session.last_failure = Some((reason, why.clone()));
                let reading = Reading::down(reason, why, started, client.requests_sent());
                log(target, &reading.problems);
                return reading;
            }
            (session.failures, session.next_attempt, session.last_failure) = (0, None, None);
            session.client = Some(client.clone());
            let logins = client.logins();
            (client, logins, 0)
        }
    };
    let reading =
        metrics::read(&client, exporter.concurrency, Some(deadline), &context, started, requests_before).await;
    // The library logs in again by itself when a token cannot be renewed.
    exporter.logins.get_or_create(&labels).inc_by(client.logins().saturating_sub(logins_before));
    if let Some((Reason::Connect | Reason::Tls | Reason::Login, _)) = &reading.down {
        session.client = None;
    }
    log(target, &reading.problems);
    reading
}

/// Each problem of a reading on a line of its own on standard error,
/// naming the target: `vb365 exporter: target contoso: down (connect): ...`.
fn log(target: &Target, problems: &[String]) {
    for problem in problems {
        eprintln!("vb365 exporter: target {}: {problem}", target.name);
    }
}

/// How long a scrape may take: what Prometheus says it waits
/// (`X-Prometheus-Scrape-Timeout-Seconds`) less a margin, else the default.
fn deadline(headers: &HeaderMap, default: Duration) -> Duration {
    let asked = headers
        .get("x-prometheus-scrape-timeout-seconds")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(|s| Duration::from_secs_f64(s.min(86_400.0)));
    match asked {
        Some(asked) => asked.saturating_sub(TIMEOUT_MARGIN.min(asked / 10)).max(Duration::from_millis(100)),
        None => default,
    }
}

/// OpenMetrics when the scraper asks for it, else Prometheus text.
fn negotiate(headers: &HeaderMap) -> Format {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if accept.contains("application/openmetrics-text") { Format::Openmetrics } else { Format::Prometheus }
}

/// The exporter's own metrics: its build, how many targets, scrapes and logins.
fn register_own(exporter: &Exporter, registry: &mut Registry) {
    let build: Family<Vec<(String, String)>, Gauge> = Family::default();
    let labels = vec![
        (String::from("version"), String::from(env!("CARGO_PKG_VERSION"))),
        (String::from("revision"), String::from(env!("VB365_REVISION"))),
    ];
    build.get_or_create(&labels).set(1);
    registry.register(
        "exporter_build_info",
        "The exporter's version and the revision it was built from; always 1",
        build,
    );
    let targets: Gauge = Gauge::default();
    targets.set(i64::try_from(exporter.targets.len()).unwrap_or(i64::MAX));
    registry.register("exporter_targets", "Servers in the configuration file", targets);
    registry.register("exporter_scrapes", "Scrapes served, by target", exporter.scrapes.clone());
    registry.register(
        "exporter_logins",
        "Logins attempted, by target: the first, after a dropped client, and the library's own when a token cannot be renewed",
        exporter.logins.clone(),
    );
}

fn answer(registry: &Registry, format: Format) -> Response {
    match metrics::text(registry, format) {
        Ok(text) => ([(header::CONTENT_TYPE, format.content_type())], text).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("cannot write the metrics: {e}\n")).into_response(),
    }
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scrape_timeout_comes_from_prometheus() {
        let mut headers = HeaderMap::new();
        assert_eq!(deadline(&headers, Duration::from_secs(10)), Duration::from_secs(10));
        headers.insert("x-prometheus-scrape-timeout-seconds", "2".parse().unwrap());
        assert_eq!(deadline(&headers, Duration::from_secs(10)), Duration::from_millis(1800));
        headers.insert("x-prometheus-scrape-timeout-seconds", "30".parse().unwrap());
        assert_eq!(deadline(&headers, Duration::from_secs(10)), Duration::from_millis(29_500));
        headers.insert("x-prometheus-scrape-timeout-seconds", "soon".parse().unwrap());
        assert_eq!(deadline(&headers, Duration::from_secs(10)), Duration::from_secs(10));
    }

    #[test]
    fn openmetrics_only_when_asked_for() {
        let mut headers = HeaderMap::new();
        assert_eq!(negotiate(&headers), Format::Prometheus);
        let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        headers.insert(header::ACCEPT, prometheus.parse().unwrap());
        assert_eq!(negotiate(&headers), Format::Openmetrics);
    }
}
