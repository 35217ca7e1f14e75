//! event.bind / unbind / get, and delivery of form-encoded events to a handler on 127.0.0.1.

mod common;

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use bitrix24_sim::Simulator;
use common::{call, code};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// A handler on 127.0.0.1 that passes every body it receives to the test.
async fn handler() -> (String, mpsc::UnboundedReceiver<String>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let app = Router::new().route(
        "/events",
        post(move |body: Bytes| {
            let sender = sender.clone();
            async move {
                let _ = sender.send(String::from_utf8_lossy(&body).into_owned());
                "ok"
            }
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/events", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, receiver)
}

/// Decoded form pairs of the next delivery; a generous timeout only keeps a broken test from hanging.
async fn next_event(receiver: &mut mpsc::UnboundedReceiver<String>) -> Vec<(String, String)> {
    let body = tokio::time::timeout(Duration::from_secs(20), receiver.recv())
        .await
        .expect("an event arrives")
        .expect("open");
    form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn binding_needs_an_application_and_is_listed() {
    let sim = Simulator::builder().no_rate_limit().start().await.unwrap();
    let (status, body) = call(
        &sim.webhook_url(),
        "event.bind",
        json!({"event": "OnSessionStart", "handler": "http://127.0.0.1:9/x"}),
    )
    .await;
    assert_eq!((status, code(&body)), (403, "WRONG_AUTH_TYPE"));

    let auth = sim.issue_tokens(1).access_token;
    let rest = sim.rest_url();
    let bind = json!({"auth": auth, "event": "OnSessionStart", "handler": "http://127.0.0.1:9/x"});
    assert_eq!(
        call(&rest, "event.bind", bind.clone()).await.1["result"],
        json!(true)
    );
    assert_eq!(
        code(&call(&rest, "event.bind", bind.clone()).await.1),
        "ERROR_HANDLER_ALREADY_EXIST"
    );
    let (_, body) = call(
        &rest,
        "event.bind",
        json!({"auth": auth, "event": "OnNothing", "handler": "http://127.0.0.1:9/x"}),
    )
    .await;
    assert_eq!(code(&body), "ERROR_EVENT_NOT_FOUND");
    let (_, body) = call(
        &rest,
        "event.bind",
        json!({"auth": auth, "event": "OnSessionStart"}),
    )
    .await;
    assert_eq!(
        (code(&body), body["argument"].as_str()),
        ("ERROR_ARGUMENT", Some("handler"))
    );

    let listed = call(&rest, "event.get", json!({"auth": auth})).await.1;
    assert_eq!(
        listed["result"],
        json!([{"event": "ONSESSIONSTART", "handler": "http://127.0.0.1:9/x", "auth_type": "0", "offline": 0}])
    );
    assert_eq!(
        call(&rest, "event.unbind", bind.clone()).await.1["result"],
        json!({"count": 1})
    );
    assert_eq!(
        call(&rest, "event.unbind", bind).await.1["result"],
        json!({"count": 0})
    );
}

#[tokio::test]
async fn session_start_and_messages_are_delivered_form_encoded() {
    let sim = Simulator::builder().no_rate_limit().start().await.unwrap();
    let (url, mut received) = handler().await;
    let auth = sim.issue_tokens(1).access_token;
    for event in ["ONSESSIONSTART", "ONOPENLINEMESSAGEADD"] {
        let (status, _) = call(
            &sim.rest_url(),
            "event.bind",
            json!({"auth": auth, "event": event, "handler": url}),
        )
        .await;
        assert_eq!(status, 200);
    }
    let delivered = sim
        .client_message(&common::client_message("ev-1", "ev-user", "Hi there"))
        .unwrap();

    let mut events: Vec<Vec<(String, String)>> = vec![
        next_event(&mut received).await,
        next_event(&mut received).await,
    ];
    events.sort_by_key(|pairs| field(pairs, "event").map(str::to_owned));
    let (message, session) = (&events[0], &events[1]);
    assert_eq!(field(session, "event"), Some("ONSESSIONSTART"));
    assert_eq!(
        field(session, "data[DATA][0][connector][line_id]"),
        Some("1")
    );
    assert_eq!(
        field(session, "data[DATA][0][connector][connector_id]"),
        Some("livechat")
    );
    assert_eq!(
        field(session, "data[DATA][0][session][id]"),
        Some(delivered.session_id.to_string().as_str())
    );
    assert_eq!(field(session, "data[DATA][0][session][closed]"), Some("N"));
    assert_eq!(
        field(session, "auth[application_token]"),
        Some(sim.application_token().as_str())
    );
    assert!(field(session, "event_handler_id").is_some());
    assert!(field(session, "ts").is_some());
    assert_eq!(field(message, "event"), Some("ONOPENLINEMESSAGEADD"));
    assert_eq!(
        field(message, "data[DATA][0][message][text]"),
        Some("Hi there")
    );
    assert_eq!(
        field(message, "auth[access_token]"),
        None,
        "a client's message carries no user token"
    );
}

#[tokio::test]
async fn an_operator_action_delivers_a_usable_token() {
    let sim = Simulator::builder().no_rate_limit().start().await.unwrap();
    let (url, mut received) = handler().await;
    let auth = sim.issue_tokens(1).access_token;
    call(
        &sim.rest_url(),
        "event.bind",
        json!({"auth": auth, "event": "ONSESSIONFINISH", "handler": url}),
    )
    .await;
    let (status, _) = call(
        &sim.webhook_url(),
        "imopenlines.operator.another.finish",
        json!({"CHAT_ID": 1}),
    )
    .await;
    assert_eq!(status, 200);
    let event = next_event(&mut received).await;
    assert_eq!(field(&event, "data[DATA][0][session][closed]"), Some("Y"));
    let token = field(&event, "auth[access_token]").expect("the operator's token");
    let (status, me): (u16, Value) =
        call(&sim.rest_url(), "user.current", json!({"auth": token})).await;
    assert_eq!((status, me["result"]["ID"].as_str()), (200, Some("2")));
    assert!(field(&event, "auth[client_endpoint]").is_some_and(|e| e.ends_with("/rest/")));
}
