//! `vb365 exporter`: the monitoring figures over HTTP for Prometheus.
//!
//! `/metrics` reads the default server (the connection options, as for
//! every command) and adds the exporter's own metrics; `/probe?target=NAME`
//! reads a server of the configuration file, in the multi-target pattern of
//! the blackbox and SNMP exporters, so that Prometheus's service discovery,
//! relabelling and federation spread the work over as many exporters as it
//! takes. Each server keeps one logged-in client across scrapes (servers
//! throttle `/token`; see `target`). TLS and basic authentication come
//! from a web configuration in exporter-toolkit's format (`web`); SIGHUP
//! reads both files again.

mod config;
mod log;
mod server;
mod target;
mod web;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

pub use log::{LogFormat, LogLevel};
use target::{Reader, Target};
use web::WebConfig;

use crate::args::ExporterOptions;
use crate::failure::Failure;
use crate::metrics::{self, Format};

/// What a scrape keeps of Prometheus's timeout, to answer in time.
const TIMEOUT_MARGIN: Duration = Duration::from_millis(500);

/// What the handlers share.
struct Exporter {
    default: Option<Arc<Target>>,
    /// The servers of the configuration file, swapped whole on a reload.
    targets: RwLock<Arc<BTreeMap<String, Arc<Target>>>>,
    scrape_timeout: Duration,
    reader: Arc<Reader>,
}

impl Exporter {
    fn targets(&self) -> Arc<BTreeMap<String, Arc<Target>>> {
        Arc::clone(&self.targets.read().unwrap_or_else(|p| p.into_inner()))
    }
}

/// The files SIGHUP reads again, and what per-request timeout targets get.
struct Files {
    config: Option<PathBuf>,
    web: Option<PathBuf>,
    timeout: Option<Duration>,
}

/// Starts serving on `options.listen` until Ctrl-C or SIGTERM.
pub async fn run(options: ExporterOptions) -> Result<(), Failure> {
    let log = log::Log { format: options.log_format, level: options.log_level };
    let connection = &options.connection;
    let files = Files { config: options.config.clone(), web: options.web_config.clone(), timeout: connection.timeout };
    let targets = targets_of(&files, &BTreeMap::new()).map_err(Failure::usage)?;
    let web = match &files.web {
        Some(path) => web::load(path).map_err(Failure::usage)?,
        None => WebConfig::open(),
    };
    let default = match &connection.server.url {
        Some(_) => Some(Arc::new(Target::default_server(connection)?)),
        None => None,
    };
    if default.is_none() && targets.is_empty() {
        return Err(Failure::usage("nothing to export: give --url (or VB365_URL) or --config with targets"));
    }
    let reader =
        Reader { concurrency: options.concurrency, scrapes: Family::default(), logins: Family::default(), log };
    let exporter = Arc::new(Exporter {
        default,
        targets: RwLock::new(Arc::new(targets)),
        scrape_timeout: options.scrape_timeout,
        reader: Arc::new(reader),
    });
    let web = Arc::new(RwLock::new(web));
    let router = Router::new()
        .route("/", get(index))
        .route("/metrics", get(metrics_of_default))
        .route("/probe", get(probe))
        .route("/-/healthy", get(|| async { "Healthy.\n" }))
        .route("/-/ready", get(|| async { "Ready.\n" }))
        .with_state(Arc::clone(&exporter));
    let stop = crate::signals::Stop::listen()?;
    let reload = crate::signals::Reload::listen()?;
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|e| Failure::usage(format!("--listen {}: {e}", options.listen)))?;
    let address: SocketAddr = listener.local_addr().map_err(|e| Failure::local("--listen", e))?;
    let scheme = if web.read().unwrap_or_else(|p| p.into_inner()).tls.is_some() { "https" } else { "http" };
    let count = exporter.targets().len();
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        writeln!(out, "vb365 exporter listening on {scheme}://{address} ({count} targets)")
            .and_then(|()| out.flush())
            .map_err(Failure::output)?;
    }
    let (address, count) = (address.to_string(), count.to_string());
    log.info("listening", &[("address", &address), ("scheme", scheme), ("targets", &count)]);
    tokio::spawn(reloads(reload, files, Arc::clone(&exporter), Arc::clone(&web)));
    server::serve(listener, router, web, stop.wait()).await.map_err(|e| Failure::local("the exporter stopped", e))?;
    log.info("stopped", &[]);
    Ok(())
}

/// The targets of the configuration file, keeping those of `kept` whose
/// configuration did not change (with their login).
fn targets_of(files: &Files, kept: &BTreeMap<String, Arc<Target>>) -> Result<BTreeMap<String, Arc<Target>>, String> {
    let Some(path) = &files.config else { return Ok(BTreeMap::new()) };
    let configured = config::load(path, |name| std::env::var(name).ok()).map_err(|e| e.0)?;
    let mut targets = BTreeMap::new();
    for target in configured {
        let same = kept.get(&target.name).filter(|old| old.is_from(&target)).cloned();
        let target = match same {
            Some(old) => old,
            None => Arc::new(Target::configured(target, files.timeout).map_err(|e| e.message)?),
        };
        targets.insert(target.name.clone(), target);
    }
    Ok(targets)
}

/// On each SIGHUP, reads the configuration and the web configuration again;
/// a file with an error keeps what was in force, and the log says why.
async fn reloads(
    mut reload: crate::signals::Reload,
    files: Files,
    exporter: Arc<Exporter>,
    web: Arc<RwLock<WebConfig>>,
) {
    let log = exporter.reader.log;
    loop {
        reload.next().await;
        let targets = targets_of(&files, &exporter.targets());
        let new_web = files.web.as_deref().map(web::load).transpose();
        match (targets, new_web) {
            (Ok(targets), Ok(new_web)) => {
                let count = targets.len().to_string();
                *exporter.targets.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(targets);
                if let Some(new_web) = new_web {
                    *web.write().unwrap_or_else(|p| p.into_inner()) = new_web;
                }
                log.info("configuration reloaded", &[("targets", &count)]);
            }
            (Err(why), _) | (_, Err(why)) => {
                log.error("configuration not reloaded; the one in force stays", &[("detail", &why)]);
            }
        }
    }
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
    for (name, server) in exporter.targets().iter() {
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
        let reading = target.scrape(&exporter.reader, deadline(&headers, exporter.scrape_timeout)).await;
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
    let targets = exporter.targets();
    let Some(target) = targets.get(&name).cloned() else {
        let known: Vec<&str> = targets.keys().map(String::as_str).collect();
        let message = format!("no target `{name}` in the configuration (it has: {})\n", known.join(", "));
        return (StatusCode::NOT_FOUND, message).into_response();
    };
    let format = negotiate(&headers);
    let reading = target.scrape(&exporter.reader, deadline(&headers, exporter.scrape_timeout)).await;
    let mut registry = Registry::with_prefix("vb365");
    metrics::register(&mut registry, &reading.series(&target.name));
    answer(&registry, format)
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
    targets.set(i64::try_from(exporter.targets().len()).unwrap_or(i64::MAX));
    registry.register("exporter_targets", "Servers in the configuration file", targets);
    registry.register("exporter_scrapes", "Scrapes served, by target", exporter.reader.scrapes.clone());
    registry.register(
        "exporter_logins",
        "Logins attempted, by target: the first, after a dropped client, and the library's own when a token cannot be renewed",
        exporter.reader.logins.clone(),
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
