//! Automatic batching: concurrent calls coalesce into `batch` requests, each keeping its own outcome.

mod support;

use std::time::Duration;

use bitrix24_api::Error;
use serde_json::json;
use support::*;

#[tokio::test]
async fn concurrent_calls_share_batch_requests_and_keep_their_own_results() {
    let portal = Portal::start(run_batch).await;
    let client = portal
        .builder()
        .auto_batch(Duration::from_millis(50))
        .build()
        .unwrap();
    let calls: Vec<_> = (0..40)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { (i, client.call(DialogGet { chat_id: i }).await) })
        })
        .collect();
    for call in calls {
        let (i, outcome) = call.await.unwrap();
        assert_eq!(
            outcome.unwrap().result,
            json!({"echo": i.to_string()}),
            "call {i}"
        );
    }
    let requests = portal.seen();
    assert!(
        requests.iter().all(|r| r.path.ends_with("/batch")),
        "every call went out in a batch"
    );
    assert!(
        requests.len() < 40,
        "{} requests for 40 calls",
        requests.len()
    );
}

#[tokio::test]
async fn calls_that_are_not_safe_to_repeat_go_alone_and_keep_their_own_outcomes() {
    let portal = Portal::start(|seen| match seen.body["USER_CODE"].as_str() {
        Some(code) if code.starts_with("bad") => error(400, "CHAT_ID_EMPTY", "no chat"),
        _ => ok(json!({"CHAT_ID": 5})),
    })
    .await;
    let client = portal
        .builder()
        .auto_batch(Duration::from_millis(50))
        .build()
        .unwrap();
    let (good, bad) = tokio::join!(client.call(open("good")), client.call(open("bad")));
    assert_eq!(good.unwrap().result.chat_id, 5);
    assert!(matches!(bad, Err(Error::Method(OpenError::ChatIdEmpty(_)))));
    assert_eq!(portal.count("/batch"), 0);
    assert_eq!(portal.count("/imopenlines.session.open"), 2);
}

#[tokio::test]
async fn a_lone_call_goes_out_as_itself() {
    let portal = Portal::start(|_| ok(json!({"CHAT_ID": 5}))).await;
    let client = portal
        .builder()
        .auto_batch(Duration::from_millis(1))
        .build()
        .unwrap();
    assert_eq!(client.call(open("x")).await.unwrap().result.chat_id, 5);
    assert_eq!(
        portal.seen()[0].path,
        format!("/rest/1/{CODE}/imopenlines.session.open")
    );
}
