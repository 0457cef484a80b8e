//! `Client::send_json`: any request, with the client's token, renewal and
//! error mapping, for what has no method yet.
#![cfg(feature = "simulator")]

use serde_json::json;
use vb365::simulator::Simulator;
use vb365::{Client, Error, Method};

async fn logged_in() -> (Simulator, Client) {
    let simulator = Simulator::start().await.unwrap();
    let client = Client::builder(simulator.url()).build().unwrap();
    client.login(simulator.credentials()).await.unwrap();
    (simulator, client)
}

#[tokio::test]
async fn a_get_returns_the_body_as_json() {
    let (_simulator, client) = logged_in().await;
    let page = client.send_json(Method::GET, "/v8/Organizations?limit=1", None).await.unwrap();
    assert_eq!(page["limit"], 1);
    assert_eq!(page["results"].as_array().unwrap().len(), 1);
    assert!(page["_links"]["next"]["href"].as_str().unwrap().contains("offset=1"));
}

#[tokio::test]
async fn a_post_sends_the_body_and_an_empty_answer_is_null() {
    let (simulator, client) = logged_in().await;
    let body = json!({"dateTime": "2022-01-22T14:56:55Z", "type": "Vet"});
    let session = client.send_json(Method::POST, "/v8/Organization/Explore", Some(&body)).await.unwrap();
    assert_eq!(session["type"], "Vet");
    let stop = format!("/v8/RestoreSessions/{}/Stop", session["id"].as_str().unwrap());
    assert_eq!(client.send_json(Method::POST, &stop, None).await.unwrap(), serde_json::Value::Null);
    assert_eq!(simulator.count("stop_restore_session"), 1);
}

#[tokio::test]
async fn refusals_are_typed_errors_naming_raw_request() {
    let (simulator, client) = logged_in().await;
    let err = client.send_json(Method::GET, "/v8/Nothing", None).await.unwrap_err();
    assert!(matches!(&err, Error::Api { operation: "raw_request", status, .. } if status.as_u16() == 404), "{err:?}");
    assert!(err.to_string().contains("No HTTP resource was found"), "{err}");
    let err = client.send_json(Method::GET, "v8/Organizations", None).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    // A revoked token is renewed and the request repeated once.
    simulator.revoke_access_tokens();
    client.send_json(Method::GET, "/v8/ServiceInstance", None).await.unwrap();
    let logged_out = Client::builder(simulator.url()).build().unwrap();
    let err = logged_out.send_json(Method::GET, "/v8/ServiceInstance", None).await.unwrap_err();
    assert_eq!(err.to_string(), "raw_request: authentication failed: not logged in; call Client::login first");
}
