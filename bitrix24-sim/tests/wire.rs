//! The wire protocol: paths, parameters, envelopes and statuses.

mod common;

use bitrix24_sim::Simulator;
use common::{call, code, form, sim};
use serde_json::json;

#[tokio::test]
async fn success_envelope_has_a_full_time_block() {
    let sim = sim().await;
    let (status, body) = call(&sim.webhook_url(), "imopenlines.revision.get", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(body["result"], json!({"rest": 2, "web": 1, "mobile": 1}));
    let time = &body["time"];
    for key in ["start", "finish", "duration", "processing", "operating"] {
        assert!(time[key].is_number(), "{key} in {time}");
    }
    for key in ["date_start", "date_finish"] {
        assert!(
            time[key].as_str().is_some_and(|d| d.ends_with("+00:00")),
            "{key} in {time}"
        );
    }
    assert!(time["finish"].as_f64() >= time["start"].as_f64());
}

#[tokio::test]
async fn unknown_method_is_404_even_with_bad_credentials() {
    let sim = sim().await;
    let bad_hook = format!("{}/rest/1/wrong-secret/", sim.base_url());
    let (status, body) = call(&bad_hook, "no.such.method", json!({})).await;
    assert_eq!((status, code(&body)), (404, "ERROR_METHOD_NOT_FOUND"));
    assert_eq!(body["error_description"], "Method not found!");
    let (status, body) = call(&bad_hook, "imopenlines.revision.get", json!({})).await;
    assert_eq!((status, code(&body)), (401, "INVALID_CREDENTIALS"));
    let (status, body) = call(&sim.rest_url(), "imopenlines.revision.get", json!({})).await;
    assert_eq!((status, code(&body)), (401, "NO_AUTH_FOUND"));
}

#[tokio::test]
async fn method_names_are_case_insensitive_with_optional_suffix_and_slash() {
    let sim = sim().await;
    for name in [
        "IMOPENLINES.Revision.GET",
        "imopenlines.revision.get.json",
        "imopenlines.revision.get/",
    ] {
        let (status, _) = call(&sim.webhook_url(), name, json!({})).await;
        assert_eq!(status, 200, "{name}");
    }
}

#[tokio::test]
async fn form_bodies_use_brackets_and_override_the_query() {
    let sim = sim().await;
    let url = format!(
        "{}imopenlines.config.add?PARAMS[LINE_NAME]=FromQuery",
        sim.webhook_url()
    );
    let response = reqwest::Client::new()
        .post(url)
        .form(&[
            ("PARAMS[LINE_NAME]", "From body & form"),
            ("PARAMS[QUEUE][0][ENTITY_ID]", "2"),
            ("PARAMS[QUEUE][0][ENTITY_TYPE]", "user"),
        ])
        .send()
        .await
        .unwrap();
    let (_, body) = common::decode(response).await;
    let id = body["result"].as_i64().expect("new line id");
    let (_, line) = form(
        &sim.webhook_url(),
        "imopenlines.config.get",
        &[("CONFIG_ID", &id.to_string())],
    )
    .await;
    // Body keys replace query keys wholesale, so the whole PARAMS came from the body.
    assert_eq!(line["result"]["LINE_NAME"], "From body & form");
    assert_eq!(line["result"]["QUEUE"], json!(["2"]));
}

#[tokio::test]
async fn get_requests_with_query_parameters_work() {
    let sim = sim().await;
    let response = reqwest::get(format!(
        "{}imopenlines.config.get?CONFIG_ID=1&WITH_QUEUE=N",
        sim.webhook_url()
    ))
    .await
    .unwrap();
    let (status, body) = common::decode(response).await;
    assert_eq!(status, 200);
    assert_eq!(body["result"]["ID"], "1");
    assert!(body["result"].get("QUEUE").is_none());
}

#[tokio::test]
async fn json_is_escaped_the_way_php_escapes_it() {
    let sim = sim().await;
    let raw = reqwest::get(format!("{}imopenlines.config.path.get", sim.webhook_url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        raw.contains(r#""PUBLIC_PATH":"\/contact_center\/""#),
        "{raw}"
    );
}

#[tokio::test]
async fn https_required_refuses_plain_webhook_calls() {
    let sim = Simulator::builder()
        .https_required(true)
        .start()
        .await
        .unwrap();
    let (status, body) = call(&sim.webhook_url(), "imopenlines.revision.get", json!({})).await;
    assert_eq!((status, code(&body)), (401, "INVALID_REQUEST"));
    assert_eq!(body["error_description"], "Https required.");
    let behind_proxy = reqwest::Client::new()
        .post(format!("{}imopenlines.revision.get", sim.webhook_url()))
        .header("X-Forwarded-Proto", "https")
        .send()
        .await
        .unwrap();
    assert_eq!(behind_proxy.status(), 200);
}

#[tokio::test]
async fn malformed_input_gets_an_error_envelope_not_a_crash() {
    let sim = sim().await;
    let client = reqwest::Client::new();
    let bad_json = client
        .post(format!("{}imopenlines.config.get", sim.webhook_url()))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, body) = common::decode(bad_json).await;
    assert_eq!((status, code(&body)), (400, "CONFIG_ID_EMPTY"));
    let (status, body) = form(
        &sim.webhook_url(),
        "imopenlines.config.get",
        &[("CONFIG_ID[x][", "1"), ("%%", "")],
    )
    .await;
    assert_eq!((status, code(&body)), (400, "CONFIG_ID_EMPTY"));
    let (status, _) = call(
        &sim.webhook_url(),
        "imopenlines.session.history.get",
        json!({"SESSION_ID": {"a": [1]}}),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn each_simulator_gets_its_own_free_port() {
    let first = sim().await;
    let second = sim().await;
    assert_ne!(first.address().port(), second.address().port());
    assert!(first.webhook_url().starts_with("http://127.0.0.1:"));
    assert!(first.webhook_url().ends_with("/rest/1/sim0webhook0key1/"));
}

#[tokio::test]
async fn connections_are_counted_once_however_many_requests_they_carry() {
    let sim = sim().await;
    let url = format!("{}imopenlines.revision.get", sim.webhook_url());
    let kept_alive = reqwest::Client::new();
    for _ in 0..3 {
        let status = kept_alive.post(&url).send().await.unwrap().status();
        assert_eq!(status, 200);
    }
    assert_eq!(
        sim.counters().connections,
        1,
        "three requests, one connection"
    );
    let closing = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    for _ in 0..2 {
        let status = closing.post(&url).send().await.unwrap().status();
        assert_eq!(status, 200);
    }
    let counters = sim.counters();
    assert_eq!((counters.connections, counters.requests), (3, 5));
}
