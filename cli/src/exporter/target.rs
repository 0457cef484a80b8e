//! One server the exporter reads: how to reach it, its login across
//! scrapes, and the reading under way, which concurrent scrapes share.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use tokio::sync::Mutex;
use vb365::{Client, Credentials};

use super::config;
use super::log::Log;
use crate::args::Connection;
use crate::explain::{Context, Reason, explain};
use crate::failure::Failure;
use crate::metrics::{self, Reading};

/// The longest pause between login attempts of a server that refuses them.
const MAX_LOGIN_PAUSE: Duration = Duration::from_secs(300);

/// A server, with what is kept between scrapes. Concurrent scrapes share
/// one reading, so that a server never sees more than `--concurrency`
/// requests at once from here, however many scrapes ask.
pub struct Target {
    /// The configured name, or the default server's host and port: the
    /// `server` label of its series.
    pub name: String,
    pub url: String,
    user: String,
    /// What the configuration said, to tell on a reload whether it changed.
    source: Option<config::Target>,
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

/// What every reading shares: the limit per server, the exporter's
/// counters, its log.
pub struct Reader {
    pub concurrency: u32,
    pub scrapes: Family<Vec<(String, String)>, Counter>,
    pub logins: Family<Vec<(String, String)>, Counter>,
    pub log: Log,
}

impl Target {
    /// The server of the connection options: `/metrics` reads it.
    pub fn default_server(connection: &Connection) -> Result<Self, Failure> {
        let server = &connection.server;
        let user = server.user.as_deref().ok_or_else(|| Failure::usage("no account: give --user or set VB365_USER"))?;
        let builder = crate::connect::builder(connection, None)?;
        let probe = builder.clone().build()?;
        let password = crate::connect::password(server, user, probe.base_url())?;
        Ok(Self::new(
            crate::commands::server_tag(probe.base_url()),
            probe.base_url().to_owned(),
            None,
            builder,
            Credentials::password(user, password),
            user,
        ))
    }

    /// A server of the configuration file.
    pub fn configured(target: config::Target, timeout: Option<Duration>) -> Result<Self, Failure> {
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
        let credentials = Credentials::password(target.user.clone(), target.password.clone());
        let user = target.user.clone();
        Ok(Self::new(target.name.clone(), probe.base_url().to_owned(), Some(target), builder, credentials, &user))
    }

    fn new(
        name: String,
        url: String,
        source: Option<config::Target>,
        builder: vb365::ClientBuilder,
        credentials: Credentials,
        user: &str,
    ) -> Self {
        Self {
            name,
            url,
            user: user.to_owned(),
            source,
            builder,
            credentials,
            session: Mutex::default(),
            reading: std::sync::Mutex::default(),
        }
    }

    /// Whether this target was made from exactly `other`'s configuration
    /// (then a reload keeps it, login and all).
    pub fn is_from(&self, other: &config::Target) -> bool {
        self.source.as_ref().is_some_and(|source| source.same_as(other))
    }

    /// Reads the server within `timeout`: joins the reading under way if
    /// there is one, else begins one. A scrape whose own time runs out
    /// first answers that the server did not answer in time.
    pub async fn scrape(self: &Arc<Self>, exporter: &Arc<Reader>, timeout: Duration) -> Arc<Reading> {
        let started = Instant::now();
        let deadline = started + timeout;
        exporter.scrapes.get_or_create(&vec![(String::from("target"), self.name.clone())]).inc();
        let shared = {
            let mut slot = self.reading.lock().unwrap_or_else(|p| p.into_inner());
            match slot.as_ref() {
                Some(under_way) => under_way.clone(),
                None => {
                    let (exporter, target) = (Arc::clone(exporter), Arc::clone(self));
                    let reading = async move {
                        let reading = Arc::new(target.read(&exporter, deadline).await);
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

    /// One reading by `deadline`: log in if there is no client (or say why
    /// not yet), read, and judge whether the server is up. A client whose
    /// server cannot be reached or refuses its login is dropped: the next
    /// scrape logs in afresh.
    async fn read(&self, exporter: &Reader, deadline: Instant) -> Reading {
        let started = Instant::now();
        let context = Context {
            url: &self.url,
            user: &self.user,
            trust: "set ca_cert for the target to trust its certificate",
            versions: "api_versions in the target's configuration",
        };
        let labels = vec![(String::from("target"), self.name.clone())];
        let mut session = self.session.lock().await;
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
                    let wait = at.saturating_duration_since(Instant::now()).as_secs().to_string();
                    let reading = Reading::down(*reason, why.clone(), started, 0);
                    self.log_down(exporter, &reading, &[("next_login_in_seconds", &wait)]);
                    return reading;
                }
                let client = match self.builder.clone().build() {
                    Ok(client) => client,
                    Err(e) => return Reading::down(Reason::ServerError, e.to_string(), started, 0),
                };
                let login = tokio::time::timeout_at(deadline.into(), client.login(self.credentials.clone())).await;
                exporter.logins.get_or_create(&labels).inc_by(client.logins());
                let failure = match login {
                    Ok(Ok(())) => None,
                    Ok(Err(error)) => Some((Reason::of(&error), explain(&error, &context))),
                    Err(_) => Some((Reason::Timeout, format!("no answer from {} in time (logging in)", self.url))),
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
                    self.log_down(exporter, &reading, &[]);
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
        let (duration, requests) = (format!("{:.3}", reading.duration.as_secs_f64()), reading.requests.to_string());
        let up = if reading.down.is_none() { "1" } else { "0" };
        let fields =
            [("target", self.name.as_str()), ("up", up), ("duration_seconds", &duration), ("requests", &requests)];
        exporter.log.debug("read", &fields);
        self.log_down(exporter, &reading, &[]);
        for (collection, why) in &reading.unread {
            let fields = [("target", self.name.as_str()), ("collection", collection.as_str()), ("detail", why)];
            exporter.log.warn("collection not read", &fields);
        }
        reading
    }

    /// A line for a reading that found the server down.
    fn log_down(&self, exporter: &Reader, reading: &Reading, more: &[(&str, &str)]) {
        if let Some((reason, why)) = &reading.down {
            let mut fields =
                vec![("target", self.name.as_str()), ("reason", reason.as_str()), ("detail", why.as_str())];
            fields.extend_from_slice(more);
            exporter.log.warn("server down", &fields);
        }
    }
}
