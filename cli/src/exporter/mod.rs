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

use config::{Target, load};

use crate::args::{Connection, ExporterOptions};
use crate::failure::Failure;
use crate::metrics::{self, Format, Reading};

/// The longest pause between login attempts of a server that refuses them.
const MAX_LOGIN_PAUSE: Duration = Duration::from_secs(300);
/// What a scrape keeps of Prometheus's timeout, to answer in time.
const TIMEOUT_MARGIN: Duration = Duration::from_millis(500);

/// How to reach one server, and what is kept between scrapes.
struct Server {
    name: String,
    url: String,
    builder: vb365::ClientBuilder,
    credentials: Credentials,
    session: Mutex<Session>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("name", &self.name).field("url", &self.url).finish_non_exhaustive()
    }
}

/// A server's login across scrapes.
#[derive(Default)]
struct Session {
    client: Option<Client>,
    failures: u32,
    /// No login attempt before this (after a refused one).
    next_attempt: Option<Instant>,
    last_error: Option<String>,
}

/// What the handlers share.
struct Exporter {
    default: Option<Arc<Server>>,
    targets: BTreeMap<String, Arc<Server>>,
    concurrency: u32,
    scrape_timeout: Duration,
    scrapes: Family<Vec<(String, String)>, Counter>,
    logins: Family<Vec<(String, String)>, Counter>,
}

/// Starts serving on `options.listen` until Ctrl-C or SIGTERM.
pub async fn run(connection: &Connection, options: ExporterOptions) -> Result<(), Failure> {
    let targets = match &options.config {
        Some(path) => load(path, |name| std::env::var(name).ok()).map_err(|e| Failure::usage(e.0))?,
        None => Vec::new(),
    };
    let default = match &connection.url {
        Some(_) => Some(Arc::new(default_server(connection)?)),
        None => None,
    };
    if default.is_none() && targets.is_empty() {
        return Err(Failure::usage("nothing to export: give --url (or VB365_URL) or --config with targets"));
    }
    let mut servers = BTreeMap::new();
    for target in targets {
        servers.insert(target.name.clone(), Arc::new(server_of(target, connection.timeout)?));
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
fn default_server(connection: &Connection) -> Result<Server, Failure> {
    let url = connection.url.clone().unwrap_or_default();
    let user = connection.user.as_deref().ok_or_else(|| Failure::usage("no account: give --user or set VB365_USER"))?;
    let builder = crate::connect::builder(connection, None)?;
    let probe = builder.clone().build()?;
    let password = crate::connect::password(connection, user, probe.base_url())?;
    Ok(Server {
        name: String::from("default"),
        url,
        builder,
        credentials: Credentials::password(user, password),
        session: Mutex::default(),
    })
}

fn server_of(target: Target, timeout: Option<Duration>) -> Result<Server, Failure> {
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
    builder.clone().build().map_err(|e| Failure::usage(format!("target {}: {e}", target.name)))?;
    Ok(Server {
        name: target.name,
        url: target.url,
        builder,
        credentials: Credentials::password(target.user, target.password),
        session: Mutex::default(),
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
    if let Some(server) = exporter.default.clone() {
        let reading = scrape(&exporter, &server, deadline(&headers, exporter.scrape_timeout)).await;
        metrics::register(&mut registry, &reading.series());
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
    let Some(server) = exporter.targets.get(&name).cloned() else {
        let known: Vec<&str> = exporter.targets.keys().map(String::as_str).collect();
        let message = format!("no target `{name}` in the configuration (it has: {})\n", known.join(", "));
        return (StatusCode::NOT_FOUND, message).into_response();
    };
    let format = negotiate(&headers);
    let reading = scrape(&exporter, &server, deadline(&headers, exporter.scrape_timeout)).await;
    let mut registry = Registry::with_prefix("vb365");
    metrics::register(&mut registry, &reading.series());
    answer(&registry, format)
}

/// Reads `server` within `timeout`, logging in first when it has no
/// client; a server that cannot be read gives `vb365_up 0`.
async fn scrape(exporter: &Exporter, server: &Server, timeout: Duration) -> Reading {
    let started = Instant::now();
    let labels = vec![(String::from("target"), server.name.clone())];
    exporter.scrapes.get_or_create(&labels).inc();
    let work = async {
        // One scrape of a server at a time: a second waits for the first's login.
        let mut session = server.session.lock().await;
        if session.client.is_none() {
            if session.next_attempt.is_some_and(|at| Instant::now() < at) {
                return Err(session.last_error.clone().unwrap_or_default());
            }
            exporter.logins.get_or_create(&labels).inc();
            let client = server.builder.clone().build().map_err(|e| e.to_string())?;
            match client.login(server.credentials.clone()).await {
                Ok(()) => (session.client, session.failures, session.next_attempt) = (Some(client), 0, None),
                Err(e) => {
                    session.failures += 1;
                    let pause =
                        Duration::from_secs(5).saturating_mul(1 << session.failures.min(6)).min(MAX_LOGIN_PAUSE);
                    session.next_attempt = Some(Instant::now() + pause);
                    session.last_error = Some(e.to_string());
                    return Err(e.to_string());
                }
            }
        }
        let client = session.client.clone().expect("logged in above");
        drop(session);
        Ok(metrics::read(&client, exporter.concurrency).await)
    };
    let failed = |why: String| {
        eprintln!("vb365 exporter: target {}: {why}", server.name);
        Reading { snapshot: None, duration: started.elapsed(), requests: 0, at: vb365::DateTime::now() }
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(Ok(reading)) => {
            for error in reading.errors() {
                eprintln!("vb365 exporter: target {}: {error}", server.name);
            }
            reading
        }
        Ok(Err(why)) => failed(why),
        Err(_) => failed(format!("no answer within the scrape timeout of {:.1} s", timeout.as_secs_f64())),
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

/// The exporter's own metrics: how many targets, scrapes and logins.
fn register_own(exporter: &Exporter, registry: &mut Registry) {
    let targets: Gauge = Gauge::default();
    targets.set(i64::try_from(exporter.targets.len()).unwrap_or(i64::MAX));
    registry.register("exporter_targets", "Servers in the configuration file", targets);
    registry.register("exporter_scrapes", "Scrapes served, by target", exporter.scrapes.clone());
    registry.register(
        "exporter_logins",
        "Logins attempted, by target (one per server while its token lasts)",
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
