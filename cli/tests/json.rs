//! JSON output is not poorer than `curl`: every field a server sends comes
//! out, documented or not, and secrets only with `--show-secrets`. The
//! server here is a scripted VB365 8 on 127.0.0.1 whose organizations carry
//! fields the document does not describe.

use axum::Router;
use axum::extract::{Path, Query};
use axum::routing::{get, post};
use serde_json::{Value, json};

mod common;

use common::{Run, vb365};

const ORGANIZATION: &str = "7f9a9b85-50e7-4f61-8f76-6a9517b8677d";

fn organization() -> Value {
    json!({
        "id": ORGANIZATION, "name": "contoso", "type": "Office365", "region": "Worldwide",
        "msid": "5b0f6f5d-7c1a-4e8e-9b2a-0c6d3e1f2a4b", "backedUpOrganizationId": "x-17",
        "futureSetting": {"enabled": true, "level": 3},
        "exchangeOnlineSettings": {
            "useApplicationOnlyAuth": true, "applicationSecret": "app-secret-XYZ",
            "applicationCertificatePassword": "cert-password-XYZ", "futureOption": "kept"
        }
    })
}

fn answer(body: Value) -> impl axum::response::IntoResponse {
    ([(axum::http::header::CONTENT_TYPE, "application/json; charset=utf-8")], body.to_string())
}

/// Starts the scripted server; answers its base URL.
async fn server() -> String {
    let router = Router::new()
        .route(
            "/v8/token",
            post(|| async {
                answer(json!({
                    "access_token": "AT-XYZ", "refresh_token": "RT-XYZ", "token_type": "bearer", "expires_in": 3600
                }))
            }),
        )
        .route(
            "/v8/Organizations",
            get(|Query(query): Query<std::collections::HashMap<String, String>>| async move {
                let offset: u64 = query.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
                let results = if offset == 0 { vec![organization()] } else { Vec::new() };
                answer(json!({"offset": offset, "limit": 100, "results": results}))
            }),
        )
        .route("/v8/Organizations/{id}", get(|Path(_): Path<String>| async { answer(organization()) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    url
}

async fn run(url: &str, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--api-version", "8"]);
    let run = vb365(url, &all, None).await;
    assert_eq!((run.status, run.stderr.as_str()), (0, ""), "{args:?}: {run:?}");
    run
}

/// Every field of the organization came out, secrets redacted.
fn assert_complete(what: &str, printed: &Value) {
    assert_eq!(printed["futureSetting"], json!({"enabled": true, "level": 3}), "{what}: {printed}");
    assert_eq!(printed["backedUpOrganizationId"], "x-17", "{what}");
    assert_eq!(printed["msid"], "5b0f6f5d-7c1a-4e8e-9b2a-0c6d3e1f2a4b", "{what}");
    let settings = &printed["exchangeOnlineSettings"];
    assert_eq!(settings["futureOption"], "kept", "{what}: an unknown member of a known object");
    assert_eq!(settings["useApplicationOnlyAuth"], true, "{what}");
    assert_eq!(settings["applicationSecret"], "[redacted]", "{what}");
    assert_eq!(settings["applicationCertificatePassword"], "[redacted]", "{what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_and_ndjson_carry_every_field_the_server_sent() {
    let url = server().await;
    let list = run(&url, &["organizations", "list", "-o", "json"]).await;
    let list: Value = serde_json::from_str(&list.stdout).unwrap();
    assert_complete("list -o json", &list[0]);

    let lines = run(&url, &["organizations", "list", "-o", "ndjson"]).await;
    let line: Value = serde_json::from_str(lines.stdout.lines().next().unwrap()).unwrap();
    assert_complete("list -o ndjson", &line);

    let one = run(&url, &["organizations", "get", ORGANIZATION, "-o", "json"]).await;
    let one: Value = serde_json::from_str(&one.stdout).unwrap();
    assert_complete("get -o json", &one);
    assert!(!one.to_string().contains("XYZ"), "{one}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_print_only_when_asked_for() {
    let url = server().await;
    let shown = run(&url, &["organizations", "get", ORGANIZATION, "-o", "json", "--show-secrets"]).await;
    let shown: Value = serde_json::from_str(&shown.stdout).unwrap();
    assert_eq!(shown["exchangeOnlineSettings"]["applicationSecret"], "app-secret-XYZ");

    // `vb365 api`: a response's tokens and passwords, redacted unless asked for.
    let token = run(&url, &["api", "POST", "/v8/token"]).await;
    let token: Value = serde_json::from_str(&token.stdout).unwrap();
    assert_eq!(
        (token["access_token"].as_str(), token["refresh_token"].as_str()),
        (Some("[redacted]"), Some("[redacted]"))
    );
    assert_eq!(token["token_type"], "bearer");
    let organization = run(&url, &["api", "GET", &format!("/v8/Organizations/{ORGANIZATION}")]).await;
    assert!(!organization.stdout.contains("XYZ"), "{}", organization.stdout);
    assert!(organization.stdout.contains("futureSetting"), "{}", organization.stdout);
    let shown = run(&url, &["api", "GET", &format!("/v8/Organizations/{ORGANIZATION}"), "--show-secrets"]).await;
    assert!(shown.stdout.contains("cert-password-XYZ"), "{}", shown.stdout);
}
