//! Matching raised events to bindings and POSTing them, form-encoded, to loopback handlers.
//!
//! Delivery is fire-and-forget like the platform's queue: no retries, and the handler's answer is only
//! recorded. Handlers outside 127.0.0.1/localhost are never contacted; such deliveries are recorded as
//! skipped.

use std::net::IpAddr;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};

use super::{Raised, form};
use crate::auth::Tokens;
use crate::config::OAuthApp;
use crate::portal::Portal;

/// The portal identifier sent as `auth[member_id]`.
pub const MEMBER_ID: &str = "b24sim0000000000000000000000000";
const SCOPE: &str = "imopenlines,imconnector,im,crm,user";

/// One POST to make.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub event: String,
    pub handler: String,
    body: String,
}

/// What happened to a delivery; `status` is the handler's HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryRecord {
    pub event: String,
    pub handler: String,
    pub status: Option<u16>,
    pub error: Option<String>,
}

/// Everything an event's `auth` block is built from.
pub struct Sender<'a> {
    pub app: &'a OAuthApp,
    pub tokens: &'a mut Tokens,
    pub base_url: &'a str,
    pub now: f64,
}

/// Build the deliveries for the raised events: one per matching binding.
pub fn plan(raised: Vec<Raised>, portal: &Portal, sender: &mut Sender<'_>) -> Vec<Delivery> {
    let mut deliveries = Vec::new();
    for event in raised {
        for binding in portal
            .bindings
            .iter()
            .filter(|b| b.event == event.event && b.app == sender.app.client_id)
        {
            let body = form::encode(&[
                ("event", json!(event.event)),
                ("event_handler_id", json!(binding.id)),
                ("data", event.data.clone()),
                ("ts", json!(sender.now as i64)),
                ("auth", auth_block(sender, event.user_id)),
            ]);
            deliveries.push(Delivery {
                event: event.event.to_owned(),
                handler: binding.handler.clone(),
                body,
            });
        }
    }
    deliveries
}

fn auth_block(sender: &mut Sender<'_>, user_id: i64) -> Value {
    let domain = sender
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or(sender.base_url);
    let endpoint = format!("{}/rest/", sender.base_url);
    let mut auth = json!({
        "domain": domain,
        "client_endpoint": endpoint,
        "server_endpoint": endpoint,
        "member_id": MEMBER_ID,
        "application_token": sender.app.application_token.expose(),
    });
    if user_id > 0 {
        let issued = sender.tokens.issue(sender.app, user_id, sender.now);
        auth["access_token"] = json!(issued.access_token);
        auth["expires_in"] = json!(issued.expires_in);
        auth["scope"] = json!(SCOPE);
        auth["status"] = json!("L");
    }
    auth
}

/// POST one delivery, if its handler is on this machine.
pub async fn send(client: &reqwest::Client, delivery: Delivery) -> DeliveryRecord {
    let mut record = DeliveryRecord {
        event: delivery.event,
        handler: delivery.handler,
        status: None,
        error: None,
    };
    if !is_loopback(&record.handler) {
        record.error = Some("skipped: handler is not on 127.0.0.1".into());
        return record;
    }
    let sent = client
        .post(&record.handler)
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(delivery.body)
        .timeout(Duration::from_secs(10))
        .send()
        .await;
    match sent {
        Ok(response) => record.status = Some(response.status().as_u16()),
        Err(error) => record.error = Some(error.to_string()),
    }
    record
}

fn is_loopback(handler: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(handler) else {
        return false;
    };
    match url.host_str() {
        Some("localhost") => true,
        Some(host) => host
            .trim_matches(['[', ']'])
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}
