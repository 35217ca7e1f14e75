//! OAuth: token placement, expiry, and the refresh grant.

mod common;

use std::time::Duration;

use bitrix24_sim::Simulator;
use common::{call, code};
use serde_json::json;

#[tokio::test]
async fn the_token_works_in_auth_access_token_and_bearer() {
    let sim = Simulator::builder().no_rate_limit().start().await.unwrap();
    let tokens = sim.issue_tokens(2);
    let rest = sim.rest_url();
    let (status, body) = call(&rest, "user.current", json!({"auth": tokens.access_token})).await;
    assert_eq!((status, body["result"]["ID"].as_str()), (200, Some("2")));
    let url = format!("{rest}user.current?access_token={}", tokens.access_token);
    assert_eq!(reqwest::get(url).await.unwrap().status(), 200);
    let bearer = reqwest::Client::new()
        .get(format!("{rest}user.current"))
        .bearer_auth(&tokens.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), 200);
    let (status, body) = call(&rest, "user.current", json!({"auth": "not-a-token"})).await;
    assert_eq!((status, code(&body)), (401, "invalid_token"));
}

#[tokio::test]
async fn expired_tokens_are_refused_until_refreshed() {
    let sim = Simulator::builder()
        .no_rate_limit()
        .access_token_lifetime(Duration::from_secs(60))
        .start()
        .await
        .unwrap();
    let tokens = sim.issue_tokens(1);
    sim.advance_clock(Duration::from_secs(61));
    let (status, body) = call(
        &sim.rest_url(),
        "user.current",
        json!({"auth": tokens.access_token}),
    )
    .await;
    assert_eq!((status, code(&body)), (401, "expired_token"));

    let refresh = [
        ("grant_type", "refresh_token"),
        ("client_id", tokens.client_id.as_str()),
        ("client_secret", tokens.client_secret.expose()),
        ("refresh_token", tokens.refresh_token.as_str()),
    ];
    let response = reqwest::Client::new()
        .get(sim.token_url())
        .query(&refresh)
        .send()
        .await
        .unwrap();
    let (status, renewed) = common::decode(response).await;
    assert_eq!(status, 200);
    assert_eq!(renewed["expires_in"], 60);
    assert_eq!(
        renewed["client_endpoint"],
        format!("{}/rest/", sim.base_url())
    );
    assert_ne!(
        renewed["refresh_token"],
        tokens.refresh_token.as_str(),
        "refresh tokens rotate"
    );
    let (status, _) = call(
        &sim.rest_url(),
        "user.current",
        json!({"auth": renewed["access_token"]}),
    )
    .await;
    assert_eq!(status, 200);

    // The old refresh token was used up.
    let again = reqwest::Client::new()
        .post(sim.token_url())
        .form(&refresh)
        .send()
        .await
        .unwrap();
    let (status, body) = common::decode(again).await;
    assert_eq!((status, code(&body)), (400, "invalid_grant"));
}

#[tokio::test]
async fn the_token_endpoint_checks_the_client() {
    let sim = Simulator::start().await.unwrap();
    let tokens = sim.issue_tokens(1);
    let wrong_secret = [
        ("grant_type", "refresh_token"),
        ("client_id", tokens.client_id.as_str()),
        ("client_secret", "guess"),
        ("refresh_token", tokens.refresh_token.as_str()),
    ];
    let response = reqwest::Client::new()
        .get(sim.token_url())
        .query(&wrong_secret)
        .send()
        .await
        .unwrap();
    let (status, body) = common::decode(response).await;
    assert_eq!((status, code(&body)), (401, "invalid_client"));
    let response = reqwest::Client::new()
        .get(sim.token_url())
        .query(&[("grant_type", "password")])
        .send()
        .await
        .unwrap();
    assert_eq!(common::decode(response).await.0, 400);
}

#[tokio::test]
async fn secrets_do_not_leak_into_debug_output() {
    let sim = Simulator::start().await.unwrap();
    let tokens = sim.issue_tokens(1);
    assert!(!format!("{tokens:?}").contains("sim-client-secret"));
    let _ = call(&sim.webhook_url(), "user.current", json!({})).await;
    let log = format!("{:?}", sim.request_log());
    assert!(!log.contains("sim0webhook0key1"), "{log}");
    assert!(log.contains("/rest/1/***/user.current"));
}
