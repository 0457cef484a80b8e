//! The HTTP side: an axum router behind an accept loop that can also drop
//! a connection without answering (which a handler cannot do).

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tower::ServiceExt;

use super::Shared;
use super::faults::FaultKind;
use super::state::RecordedRequest;

/// The fault chosen for a request, handed from the accept loop to the handler.
#[derive(Clone, Debug)]
pub(crate) struct Chosen(pub(crate) Option<FaultKind>);

/// Binds 127.0.0.1 (on the configured port, or a free one) and serves until
/// the task is aborted.
pub(crate) async fn serve(shared: Arc<Shared>) -> std::io::Result<(String, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(("127.0.0.1", shared.config.port)).await?;
    let url = format!("http://{}", listener.local_addr()?);
    let router = Router::new().fallback(super::handlers::dispatch).with_state(Arc::clone(&shared));
    let task = tokio::spawn(async move {
        // Owned here so that aborting this task closes every connection.
        let mut connections = JoinSet::new();
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let (router, shared) = (router.clone(), Arc::clone(&shared));
            let service = service_fn(move |request| answer(request, router.clone(), Arc::clone(&shared)));
            connections.spawn(async move {
                let _ =
                    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
            while connections.try_join_next().is_some() {}
        }
    });
    Ok((url, task))
}

#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for Dropped {}

/// Picks the request's fault; a dropped connection ends here (hyper closes
/// a connection whose service fails), anything else goes to the router.
async fn answer(
    mut request: http::Request<Incoming>,
    router: Router,
    shared: Arc<Shared>,
) -> Result<http::Response<Body>, Dropped> {
    let path = request.uri().path().to_owned();
    let operation =
        shared.contract.find_operation(request.method().as_str(), &path).map(|(operation, _)| operation.id.clone());
    let fault = shared.faults().take(operation.as_deref());
    if fault == Some(FaultKind::DropConnection) {
        shared.world().requests.push(RecordedRequest {
            method: request.method().to_string(),
            path,
            query: request.uri().query().map(str::to_owned),
            operation,
            authorization: None,
            body: None,
            dropped: true,
            received: std::time::Instant::now(),
        });
        return Err(Dropped);
    }
    request.extensions_mut().insert(Chosen(fault));
    let response: Result<_, Infallible> = router.oneshot(request).await;
    Ok(response.unwrap_or_else(|never| match never {}))
}
