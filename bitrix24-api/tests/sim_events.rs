//! Events the simulator delivers (form-encoded by its own, independent encoder) pass the client's
//! bounded decoder: read, verified with the application token, typed; a wrong token is refused.
#![cfg(feature = "imopenlines")]

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use bitrix24_api::Secret;
use bitrix24_api::events::{EventError, Received};
use bitrix24_api::imopenlines::OnSessionStart;
use bitrix24_sim::{ClientMessage, Simulator};
use serde_json::{Value, json};
use tokio::sync::mpsc;

type Outcome = (Result<String, EventError>, Result<String, EventError>);

/// A handler that reads each post twice: verified with the right token and with a wrong one.
async fn handler(token: Secret) -> (String, mpsc::UnboundedReceiver<Outcome>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let token = Arc::new(token);
    let app = Router::new().route(
        "/events",
        post(move |body: Bytes| {
            let (sender, token) = (sender.clone(), token.clone());
            async move {
                let right = Received::from_form(&body)
                    .and_then(|e| e.verify(&token))
                    .and_then(|e| e.decode::<OnSessionStart>().map(|_| e))
                    .map(|e| {
                        e.payload()
                            .pointer("/data/DATA/0/session/id")
                            .map(Value::to_string)
                            .unwrap_or_default()
                    });
                let wrong = Received::from_form(&body)
                    .and_then(|e| e.verify(&Secret::new("not-the-application-token")))
                    .map(|e| e.name().to_owned());
                let _ = sender.send((right, wrong));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/events", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, receiver)
}

#[tokio::test]
async fn a_delivered_session_start_verifies_and_types() {
    let sim = Simulator::builder().no_rate_limit().start().await.unwrap();
    let (url, mut received) = handler(Secret::new(sim.application_token())).await;
    let auth = sim.issue_tokens(1).access_token;
    let bound = reqwest::Client::new()
        .post(format!("{}event.bind", sim.rest_url()))
        .json(&json!({"auth": auth, "event": "ONSESSIONSTART", "handler": url}))
        .send()
        .await
        .unwrap();
    assert_eq!(bound.status(), 200);
    // Numeric chat and user ids: the generated event type reads `connector.chat_id` and `user_id` as
    // integers, while a connector's own ids may be any text (a finding for the spec, not for this test).
    let message: ClientMessage = serde_json::from_value(json!({
        "connector": "livechat", "line_id": 1, "chat_id": "1001", "user_id": "2002",
        "user_name": "Tess", "text": "Hi there",
    }))
    .unwrap();
    let delivered = sim.client_message(&message).unwrap();
    let (right, wrong) = tokio::time::timeout(Duration::from_secs(20), received.recv())
        .await
        .expect("an event arrives")
        .expect("open");
    assert_eq!(right.unwrap(), format!("\"{}\"", delivered.session_id));
    assert_eq!(wrong.unwrap_err(), EventError::WrongToken);
}
