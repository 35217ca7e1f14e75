//! Fault injection and introspection, through the Rust API and the admin API.

mod common;

use std::time::Duration;

use bitrix24_sim::{Fault, Simulator};
use common::{call, code, sim};
use serde_json::json;

const METHOD: &str = "imopenlines.revision.get";

#[tokio::test]
async fn status_html_and_limit_faults_replace_the_answer() {
    let sim = sim().await;
    sim.inject(
        Fault::status(
            500,
            r#"{"error":"INTERNAL_SERVER_ERROR","error_description":"Internal server error"}"#,
        )
        .for_method(METHOD)
        .times(1),
    );
    let (status, body) = call(&sim.webhook_url(), METHOD, json!({})).await;
    assert_eq!((status, code(&body)), (500, "INTERNAL_SERVER_ERROR"));
    assert_eq!(
        call(&sim.webhook_url(), METHOD, json!({})).await.0,
        200,
        "used up after one request"
    );

    sim.inject(Fault::html(502).times(1));
    let response = reqwest::get(format!("{}{METHOD}", sim.webhook_url()))
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(response.text().await.unwrap().contains("<html>"));

    sim.inject(Fault::query_limit().for_method(METHOD).times(1));
    let (status, body) = call(&sim.webhook_url(), METHOD, json!({})).await;
    assert_eq!((status, code(&body)), (503, "QUERY_LIMIT_EXCEEDED"));
    sim.inject(Fault::operation_time_limit().for_method(METHOD).times(1));
    let (status, body) = call(&sim.webhook_url(), METHOD, json!({})).await;
    assert_eq!((status, code(&body)), (429, "OPERATION_TIME_LIMIT"));
    let counters = sim.counters();
    assert_eq!((counters.limit_refusals, counters.faults_injected), (2, 4));
}

#[tokio::test]
async fn a_method_fault_also_hits_that_command_inside_a_batch() {
    let sim = sim().await;
    sim.inject(
        Fault::operation_time_limit()
            .for_method("user.current")
            .times(1),
    );
    let (status, body) = call(
        &sim.webhook_url(),
        "batch",
        json!({"cmd": {"me": "user.current", "rev": METHOD}}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["result"]["result_error"]["me"]["error"],
        "OPERATION_TIME_LIMIT"
    );
    assert!(body["result"]["result"]["rev"].is_object());
}

#[tokio::test]
async fn truncated_bodies_do_not_parse() {
    let sim = sim().await;
    sim.inject(Fault::truncated().times(1));
    let response = reqwest::get(format!("{}{METHOD}", sim.webhook_url()))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(text.starts_with(r#"{"result""#));
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
}

#[tokio::test]
async fn an_extra_field_joins_the_result_and_nothing_else_changes() {
    let sim = sim().await;
    let (_, plain) = call(&sim.webhook_url(), METHOD, json!({})).await;
    let admin = format!("{}/_sim/faults", sim.base_url());
    let fault = json!({"kind": "extra_field", "method": METHOD, "name": "NEW_KEY", "value": {"a": [1]}, "times": 1});
    let added = reqwest::Client::new()
        .post(admin)
        .json(&fault)
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 200);
    let (status, body) = call(&sim.webhook_url(), METHOD, json!({})).await;
    assert_eq!(status, 200);
    let mut expected = plain["result"].clone();
    expected["NEW_KEY"] = json!({"a": [1]});
    assert_eq!(body["result"], expected);
    assert!(body["time"].is_object());
    let (_, after) = call(&sim.webhook_url(), METHOD, json!({})).await;
    assert_eq!(
        after["result"], plain["result"],
        "used up after one request"
    );

    // A result that is not an object has nowhere to put a key, and stays as it is.
    sim.inject(Fault::extra_field("NEW_KEY", json!(1)).times(1));
    let (status, body) = call(
        &sim.webhook_url(),
        "imopenlines.session.mode.pinAll",
        json!({}),
    )
    .await;
    assert_eq!((status, body["result"].is_object()), (200, false), "{body}");
    assert_eq!(sim.counters().faults_injected, 2);
}

#[tokio::test]
async fn connection_resets_fail_the_request_before_or_after_the_effect() {
    let sim = sim().await;
    let client = reqwest::Client::new();
    let add = || {
        client
            .post(format!("{}imopenlines.config.add", sim.webhook_url()))
            .json(&json!({"PARAMS": {"LINE_NAME": "R"}}))
            .send()
    };

    sim.inject(Fault::connection_reset().times(1));
    assert!(add().await.is_err());
    assert_eq!(sim.counters().side_effects("imopenlines.config.add"), 0);

    sim.inject(Fault::connection_reset_after_execution().times(1));
    assert!(add().await.is_err());
    assert_eq!(
        sim.counters().side_effects("imopenlines.config.add"),
        1,
        "the line was created anyway"
    );
    assert_eq!(add().await.unwrap().status(), 200);
}

#[tokio::test]
async fn delays_still_answer() {
    let sim = sim().await;
    sim.inject(Fault::delay(Duration::from_millis(10)).times(1));
    assert_eq!(call(&sim.webhook_url(), METHOD, json!({})).await.0, 200);
    assert_eq!(sim.counters().faults_injected, 1);
}

#[tokio::test]
async fn the_request_log_records_calls_without_secrets() {
    let sim = sim().await;
    call(&sim.webhook_url(), METHOD, json!({})).await;
    call(&sim.webhook_url(), "no.such", json!({})).await;
    let log = sim.request_log();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (log[0].method.as_deref(), log[0].status, log[0].auth),
        (Some(METHOD), 200, "webhook")
    );
    assert_eq!(
        (log[1].status, log[1].error.as_deref()),
        (404, Some("ERROR_METHOD_NOT_FOUND"))
    );
    assert!(log.iter().all(|r| !r.path.contains("sim0webhook0key1")));
}

#[tokio::test]
async fn reset_restores_the_demo_portal() {
    let sim = sim().await;
    call(
        &sim.webhook_url(),
        "imopenlines.config.delete",
        json!({"CONFIG_ID": 1}),
    )
    .await;
    assert_eq!(
        call(
            &sim.webhook_url(),
            "imopenlines.config.get",
            json!({"CONFIG_ID": 1})
        )
        .await
        .1["result"],
        json!(false)
    );
    sim.inject(Fault::html(502));
    sim.reset();
    let (status, body) = call(
        &sim.webhook_url(),
        "imopenlines.config.get",
        json!({"CONFIG_ID": 1}),
    )
    .await;
    assert_eq!(
        (status, body["result"]["LINE_NAME"].as_str()),
        (200, Some("Demo line"))
    );
    assert_eq!(sim.counters().requests, 1);
}

#[tokio::test]
async fn the_admin_api_does_the_same_over_http() {
    let sim = Simulator::builder().no_rate_limit().start().await.unwrap();
    let admin = format!("{}/_sim", sim.base_url());
    let client = reqwest::Client::new();
    let added = client.post(format!("{admin}/faults")).json(&json!({"kind": "status", "status": 418, "body": "teapot", "method": METHOD, "times": 1})).send().await.unwrap();
    assert_eq!(added.status(), 200);
    assert_eq!(
        reqwest::get(format!("{}{METHOD}", sim.webhook_url()))
            .await
            .unwrap()
            .status(),
        418
    );
    client
        .post(format!("{admin}/faults"))
        .json(&json!({"kind": "query_limit"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        reqwest::get(format!("{}{METHOD}", sim.webhook_url()))
            .await
            .unwrap()
            .status(),
        503
    );
    client
        .delete(format!("{admin}/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        reqwest::get(format!("{}{METHOD}", sim.webhook_url()))
            .await
            .unwrap()
            .status(),
        200
    );

    let counters: serde_json::Value = reqwest::get(format!("{admin}/counters"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(counters["requests"], 3);
    assert_eq!(counters["methods"][METHOD]["calls"], 1);
    let log: serde_json::Value = reqwest::get(format!("{admin}/log"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log.as_array().unwrap().len(), 3);

    let tokens: serde_json::Value = client
        .post(format!("{admin}/oauth/tokens"))
        .json(&json!({"user_id": 2}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (status, me) = call(
        &sim.rest_url(),
        "user.current",
        json!({"auth": tokens["access_token"]}),
    )
    .await;
    assert_eq!((status, me["result"]["ID"].as_str()), (200, Some("2")));

    let message = json!({"connector": "livechat", "line_id": 1, "chat_id": "adm", "user_id": "adm-1", "text": "via admin"});
    let delivered: serde_json::Value = client
        .post(format!("{admin}/client-message"))
        .json(&message)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(delivered["chat_id"].as_i64().unwrap() > 0);
    let bad = client
        .post(format!("{admin}/client-message"))
        .json(&json!({"line_id": 2}))
        .send()
        .await
        .unwrap();
    assert!(bad.status().is_client_error());

    let advanced = client
        .post(format!("{admin}/clock/advance"))
        .json(&json!({"seconds": 3601}))
        .send()
        .await
        .unwrap();
    assert_eq!(advanced.status(), 200);
    let (_, expired) = call(
        &sim.rest_url(),
        "user.current",
        json!({"auth": tokens["access_token"]}),
    )
    .await;
    assert_eq!(code(&expired), "expired_token");
    client.post(format!("{admin}/reset")).send().await.unwrap();
    let counters: serde_json::Value = reqwest::get(format!("{admin}/counters"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(counters["requests"], 0);
}
