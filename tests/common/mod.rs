//! Helpers shared by the integration tests: a scripted loopback server that
//! records every request, and the recorded examples.
#![allow(dead_code)]

pub mod contract;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use serde_json::Value;

/// A request as the scripted server received it.
#[derive(Debug, Clone)]
pub struct Captured {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    /// The names of every header sent, lower case.
    pub header_names: Vec<String>,
    pub body: Vec<u8>,
}

impl Captured {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON request body")
    }

    pub fn is_token_request(&self) -> bool {
        self.path.eq_ignore_ascii_case("/v6/token") || self.path.eq_ignore_ascii_case("/v8/token")
    }
}

/// What the scripted server answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Answer only after this long (a stalled server).
    pub delay: Option<std::time::Duration>,
}

impl Reply {
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self { status, content_type: "application/json; charset=utf-8", body: body.into(), delay: None }
    }

    pub fn html(status: u16, body: &str) -> Self {
        Self { status, content_type: "text/html", body: body.as_bytes().to_vec(), delay: None }
    }

    /// A file, as a save answers.
    pub fn bytes(status: u16, body: Vec<u8>) -> Self {
        Self { status, content_type: "application/octet-stream", body, delay: None }
    }

    pub fn empty(status: u16) -> Self {
        Self { status, content_type: "text/plain", body: Vec::new(), delay: None }
    }

    /// No answer for an hour.
    pub fn stall() -> Self {
        Self { delay: Some(std::time::Duration::from_secs(3600)), ..Self::empty(504) }
    }

    /// The constructed token response example.
    pub fn token() -> Self {
        Self::json(200, example_text("create_token.response.200.constructed.json"))
    }
}

type Respond = dyn Fn(&Captured) -> Reply + Send + Sync;

/// A loopback server that answers every request with `respond` and keeps
/// what it received.
pub struct TestServer {
    pub url: String,
    captured: Arc<Mutex<Vec<Captured>>>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    pub async fn start(respond: impl Fn(&Captured) -> Reply + Send + Sync + 'static) -> Self {
        let captured = Arc::new(Mutex::new(Vec::new()));
        let respond: Arc<Respond> = Arc::new(respond);
        let log = Arc::clone(&captured);
        let router = Router::new().fallback(move |request: Request| {
            let (log, respond) = (Arc::clone(&log), Arc::clone(&respond));
            async move {
                let (parts, body) = request.into_parts();
                let body = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default().to_vec();
                let header =
                    |name: http::HeaderName| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
                let request = Captured {
                    method: parts.method.to_string(),
                    path: parts.uri.path().to_owned(),
                    query: parts.uri.query().map(str::to_owned),
                    authorization: header(http::header::AUTHORIZATION),
                    content_type: header(http::header::CONTENT_TYPE),
                    header_names: parts.headers.keys().map(|k| k.as_str().to_owned()).collect(),
                    body,
                };
                let reply = respond(&request);
                log.lock().unwrap().push(request);
                if let Some(delay) = reply.delay {
                    tokio::time::sleep(delay).await;
                }
                let mut response = Response::new(Body::from(reply.body));
                *response.status_mut() = http::StatusCode::from_u16(reply.status).unwrap();
                response
                    .headers_mut()
                    .insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(reply.content_type));
                response
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Self { url, captured, task }
    }

    /// Answers token requests with the constructed token example and every
    /// other request with `reply`.
    pub async fn answering(reply: Reply) -> Self {
        Self::start(move |r| if r.is_token_request() { Reply::token() } else { reply.clone() }).await
    }

    pub fn captured(&self) -> Vec<Captured> {
        self.captured.lock().unwrap().clone()
    }

    /// Forgets the requests captured so far.
    pub fn clear(&self) {
        self.captured.lock().unwrap().clear();
    }

    /// The captured requests other than token requests.
    pub fn calls(&self) -> Vec<Captured> {
        self.captured().into_iter().filter(|r| !r.is_token_request()).collect()
    }

    /// A builder for a client of this server. A scripted server does not
    /// answer the version probe, so the versions are pinned: the archived
    /// v1 and v6.
    pub fn builder(&self) -> vb365::ClientBuilder {
        vb365::Client::builder(&self.url).api_versions([vb365::ApiVersion::V1, vb365::ApiVersion::V6])
    }

    /// A client for this server, logged in with the example credentials.
    pub async fn client(&self) -> vb365::Client {
        let client = self.builder().build().unwrap();
        client.login(vb365::Credentials::password("administrator@abc.onmicrosoft.com", "XXXXXXXX")).await.unwrap();
        client
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi/examples")
}

/// A recorded example's text, as archived.
pub fn example_text(name: &str) -> String {
    std::fs::read_to_string(examples_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A recorded JSON example as a value (archived no-break spaces read as spaces).
pub fn example_json(name: &str) -> Value {
    vb365_contract::examples::parse_json(&example_text(name)).unwrap().0
}

/// A recorded JSON example as compact bytes, the way a server sends it.
/// A recorded file (`.bin`), byte for byte.
pub fn example_file(name: &str) -> Vec<u8> {
    std::fs::read(examples_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn example_bytes(name: &str) -> Vec<u8> {
    serde_json::to_vec(&example_json(name)).unwrap()
}
