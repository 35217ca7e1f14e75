//! Helpers for talking to a simulator over plain HTTP, without any client library.

#![allow(dead_code)]

use bitrix24_sim::{ClientMessage, Simulator};
use serde_json::Value;

/// POST a JSON body to `{base}{method}`; returns the status and the decoded body.
pub async fn call(base: &str, method: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{base}{method}"))
        .json(&body)
        .send()
        .await
        .expect("request");
    decode(response).await
}

/// POST a form body (PHP bracket names allowed) to `{base}{method}`.
pub async fn form(base: &str, method: &str, pairs: &[(&str, &str)]) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{base}{method}"))
        .form(pairs)
        .send()
        .await
        .expect("request");
    decode(response).await
}

pub async fn decode(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")),
    )
}

/// A simulator with no request-rate limit, so tests can make as many calls as they like.
pub async fn sim() -> Simulator {
    Simulator::builder()
        .no_rate_limit()
        .start()
        .await
        .expect("simulator starts")
}

pub fn client_message(chat: &str, user: &str, text: &str) -> ClientMessage {
    serde_json::from_value(serde_json::json!({
        "connector": "livechat", "line_id": 1, "chat_id": chat, "user_id": user, "user_name": "Tess", "text": text,
    }))
    .expect("valid message")
}

/// The `error` code of an error body.
pub fn code(body: &Value) -> &str {
    body["error"].as_str().unwrap_or("")
}
