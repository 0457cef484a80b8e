//! The exporter's HTTP side: an accept loop that speaks TLS when the web
//! configuration says so (each connection with the configuration in force
//! when it arrives, so a reload takes effect at once), and asks for basic
//! authentication when it names users.

use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tower::ServiceExt;

use super::web::WebConfig;

/// How long a client may take over its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` until `stop` completes.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    web: Arc<RwLock<WebConfig>>,
    stop: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut connections = JoinSet::new();
    tokio::pin!(stop);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // A connection that failed before it was accepted (a reset): the next one.
                Err(_) => continue,
            },
            () = &mut stop => break,
        };
        let config = web.read().unwrap_or_else(|p| p.into_inner()).clone();
        let router = router.clone();
        connections.spawn(async move {
            let acceptor = config.tls.clone().map(tokio_rustls::TlsAcceptor::from);
            let service = service_fn(move |request: Request<Incoming>| {
                let (router, config) = (router.clone(), config.clone());
                async move { Ok::<_, Infallible>(answer(request, router, &config).await) }
            });
            let http = hyper::server::conn::http1::Builder::new();
            match acceptor {
                None => {
                    let _ = http.serve_connection(TokioIo::new(stream), service).await;
                }
                Some(acceptor) => {
                    // Plain HTTP to a TLS port fails here and the connection closes.
                    let Ok(Ok(tls)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await else {
                        return;
                    };
                    let _ = http.serve_connection(TokioIo::new(tls), service).await;
                }
            }
        });
        while connections.try_join_next().is_some() {}
    }
    Ok(())
}

/// The router's answer, once the request has shown a user the web
/// configuration names (when it names any).
async fn answer(request: Request<Incoming>, router: Router, config: &WebConfig) -> Response<Body> {
    let authorization = request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    if !config.allows(authorization) {
        let mut response = Response::new(Body::from("Unauthorized\n"));
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"vb365\""));
        return response;
    }
    match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}
