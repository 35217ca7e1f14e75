//! Typed batches against a scripted portal: per-command outcomes, halt, references, splitting.

mod support;

use bitrix24_api::{Error, batch::MAX_COMMANDS};
use serde_json::json;
use support::*;

#[tokio::test]
async fn each_command_gets_its_typed_outcome() {
    let portal = Portal::start(run_batch).await;
    let client = portal.client();
    let mut batch = client.batch();
    let first = batch.push(open("a"));
    let failing = batch.push(open("bad"));
    let third = batch.push(open("c"));
    let reply = batch.run().await;
    assert_eq!(reply.get(&first).unwrap().result.chat_id, 100);
    match reply.get(&failing) {
        Err(Error::Method(OpenError::ChatIdEmpty(d))) => assert_eq!(d, "no chat"),
        other => panic!("{other:?}"),
    }
    assert_eq!(reply.get(&third).unwrap().result.chat_id, 102);
    assert_eq!(reply.failures(), 1);
    assert_eq!(portal.count("/batch"), 1);
    assert_eq!(
        portal.seen()[0].body["cmd"]["c0"],
        "imopenlines.session.open?USER_CODE=a"
    );
}

#[tokio::test]
async fn halt_leaves_later_commands_not_executed() {
    let portal = Portal::start(run_batch).await;
    let client = portal.client();
    let mut batch = client.batch();
    let first = batch.push(open("a"));
    let failing = batch.push(open("bad"));
    let never = batch.push(open("c"));
    let reply = batch.halt_on_error(true).run().await;
    assert!(reply.get(&first).is_ok());
    assert!(matches!(reply.get(&failing), Err(Error::Method(_))));
    assert!(matches!(reply.get(&never), Err(Error::NotExecuted)));
    assert_eq!(portal.seen()[0].body["halt"], 1);
}

#[tokio::test]
async fn more_than_fifty_commands_are_split_and_keep_their_order() {
    let portal = Portal::start(run_batch).await;
    let client = portal.client();
    let mut batch = client.batch();
    let cmds: Vec<_> = (0..MAX_COMMANDS + 10)
        .map(|i| batch.push(open(&format!("u{i}"))))
        .collect();
    let reply = batch.run().await;
    assert_eq!(portal.count("/batch"), 2);
    assert_eq!(portal.seen()[1].body["cmd"].as_object().unwrap().len(), 10);
    for (i, cmd) in cmds.iter().enumerate() {
        assert_eq!(
            reply.get(cmd).unwrap().result.chat_id,
            100 + (i % MAX_COMMANDS) as i64,
            "command {i}"
        );
    }
}

#[tokio::test]
async fn halt_also_stops_the_requests_after_a_split() {
    let portal = Portal::start(run_batch).await;
    let client = portal.client();
    let mut batch = client.batch();
    let mut cmds: Vec<_> = (0..MAX_COMMANDS - 1)
        .map(|i| batch.push(open(&format!("u{i}"))))
        .collect();
    cmds.push(batch.push(open("bad")));
    let late = batch.push(open("late"));
    let reply = batch.halt_on_error(true).run().await;
    assert_eq!(portal.count("/batch"), 1);
    assert!(matches!(reply.get(&late), Err(Error::NotExecuted)));
}

#[tokio::test]
async fn references_are_left_to_the_portal_within_a_request_and_filled_in_across_requests() {
    let portal = Portal::start(run_batch).await;
    let client = portal.client();
    let mut batch = client.batch();
    let opened = batch.push(open("a"));
    let same = batch
        .push_with(
            DialogGet { chat_id: 0 },
            [("CHAT_ID", opened.result().at("CHAT_ID"))],
        )
        .unwrap();
    for i in 0..MAX_COMMANDS {
        batch.push(open(&format!("filler{i}")));
    }
    let later = batch
        .push_with(
            DialogGet { chat_id: 0 },
            [("CHAT_ID", opened.result().at("CHAT_ID"))],
        )
        .unwrap();
    let reply = batch.run().await;
    let seen = portal.seen();
    assert_eq!(
        seen[0].body["cmd"]["c1"],
        format!(
            "imopenlines.dialog.get?CHAT_ID={}",
            "%24result%5Bc0%5D%5BCHAT_ID%5D"
        )
    );
    assert_eq!(
        seen[1].body["cmd"][format!("c{}", MAX_COMMANDS + 2)],
        "imopenlines.dialog.get?CHAT_ID=100"
    );
    assert_eq!(reply.get(&later).unwrap().result, json!({"echo": "100"}));
    assert!(reply.get(&same).is_ok());
}

#[tokio::test]
async fn a_failed_batch_request_fails_every_command_in_it() {
    let portal =
        Portal::start(|_| Answer::Raw(502, "text/html", "<h1>Bad Gateway</h1>".into())).await;
    let client = portal.client();
    let mut batch = client.batch();
    let a = batch.push(open("a"));
    let b = batch.push(DialogGet { chat_id: 1 });
    let reply = batch.run().await;
    assert!(matches!(reply.get(&a), Err(Error::Http(e)) if e.status == 502));
    assert!(matches!(reply.get(&b), Err(Error::Http(_))));
    assert_eq!(
        portal.count("/batch"),
        1,
        "a batch holding a creating call is not repeated"
    );
}

#[tokio::test]
async fn a_command_result_of_the_wrong_shape_is_a_decode_error_naming_the_command() {
    let portal = Portal::start(|_| {
        Answer::Json(
            200,
            json!({"result": {"result": {"c0": {"CHAT_ID": "x"}}, "result_error": []}}),
        )
    })
    .await;
    let client = portal.client();
    let mut batch = client.batch();
    let a = batch.push(open("a"));
    match batch.run().await.get(&a) {
        Err(Error::Decode(e)) => assert_eq!(e.path, "result.result.c0.CHAT_ID"),
        other => panic!("{other:?}"),
    }
}
