//! Explicit batches against the simulated portal: references across the 50-command split, damaged
//! answers, and commands the answer leaves out. The simulator's counters show what actually ran.

#[path = "support/captured.rs"]
mod captured;

use std::time::Duration;

use bitrix24_api::batch::{MAX_COMMANDS, ReferenceError};
use bitrix24_api::{Client, Error, Method, SystemErrorCode, UndocumentedError};
use bitrix24_sim::{BatchDamage, Fault, OperatingLimit, Simulator};
use captured::Captured;
use serde::Serialize;
use serde_json::{Value, json};

const DIALOG: &str = "imopenlines.dialog.get";
const REVISION: &str = "imopenlines.revision.get";
/// A demo chat the webhook's user (the administrator) may read.
const CHAT: i64 = 1;
/// No such chat: `dialog.get` fails with `ACCESS_ERROR`.
const NO_CHAT: i64 = 424_242;

#[derive(Debug, Clone, Serialize)]
struct DialogGet {
    #[serde(rename = "CHAT_ID")]
    chat_id: i64,
}

impl Method for DialogGet {
    const NAME: &'static str = DIALOG;
    const SCOPE: &'static str = "imopenlines";
    const SAFE_TO_REPEAT: bool = true;
    type Response = Value;
    type Wire = bitrix24_api::wire::Same;
    type Error = UndocumentedError;
}

#[derive(Debug, Clone, Serialize)]
struct Revision;

impl Method for Revision {
    const NAME: &'static str = REVISION;
    const SCOPE: &'static str = "imopenlines";
    const SAFE_TO_REPEAT: bool = true;
    type Response = Value;
    type Wire = bitrix24_api::wire::Same;
    type Error = UndocumentedError;
}

async fn portal() -> (Simulator, Client) {
    let sim = Simulator::builder().no_rate_limit().start().await.unwrap();
    let client = Client::builder()
        .webhook(sim.webhook_url())
        .allow_http(true)
        .build()
        .unwrap();
    (sim, client)
}

fn calls(sim: &Simulator, method: &str) -> u64 {
    sim.counters().methods.get(method).map_or(0, |m| m.calls)
}

#[tokio::test]
async fn a_reference_across_the_split_to_a_failed_command_is_not_sent() {
    let (sim, client) = portal().await;
    let mut batch = client.batch();
    let failed = batch.push(DialogGet { chat_id: NO_CHAT });
    let found = batch.push(DialogGet { chat_id: CHAT });
    for _ in 2..=MAX_COMMANDS {
        batch.push(Revision);
    }
    // Commands 51.. go in the second request.
    let on_failed = batch
        .push_with(
            DialogGet { chat_id: 0 },
            [("CHAT_ID", failed.result().at("id"))],
        )
        .unwrap();
    let on_unsent = batch
        .push_with(
            DialogGet { chat_id: 0 },
            [("CHAT_ID", on_failed.result().at("id"))],
        )
        .unwrap();
    let on_absent_field = batch
        .push_with(
            DialogGet { chat_id: 0 },
            [("CHAT_ID", found.result().at("no_such_field"))],
        )
        .unwrap();
    let on_found = batch
        .push_with(
            DialogGet { chat_id: 0 },
            [("CHAT_ID", found.result().at("id"))],
        )
        .unwrap();
    let reply = batch.run().await;

    assert!(matches!(reply.get(&failed), Err(Error::Method(e)) if e.code == "ACCESS_ERROR"));
    assert_eq!(reply.get(&on_found).unwrap().result["id"], CHAT);
    let not_sent = |outcome| match outcome {
        Err(Error::NotSent(reason)) => reason,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        not_sent(reply.get(&on_failed)),
        ReferenceError::TargetFailed {
            command: 51,
            target: 0
        }
    );
    assert_eq!(
        not_sent(reply.get(&on_unsent)),
        ReferenceError::TargetFailed {
            command: 52,
            target: 51
        }
    );
    assert_eq!(
        not_sent(reply.get(&on_absent_field)),
        ReferenceError::NoValue {
            command: 53,
            target: 1,
            path: "[no_such_field]".into()
        }
    );
    assert_eq!(reply.failures(), 4);
    // What the portal ran: the failing and the found dialog, the filler, and the one command whose
    // reference could be filled in; none of the three unsent ones.
    assert_eq!(calls(&sim, "batch"), 2);
    assert_eq!(calls(&sim, DIALOG), 3);
    assert_eq!(calls(&sim, REVISION), 49);
}

#[tokio::test]
async fn references_to_the_command_itself_or_a_later_one_are_refused_at_push_time() {
    let (sim, client) = portal().await;
    let mut other = client.batch();
    let _ = other.push(Revision);
    let second = other.push(Revision);
    let third = other.push(Revision);

    let mut batch = client.batch();
    let first = batch.push(Revision);
    assert_eq!(
        batch
            .push_with(DialogGet { chat_id: 0 }, [("CHAT_ID", second.result())])
            .err(),
        Some(ReferenceError::NotEarlier {
            command: 1,
            target: 1
        })
    );
    assert_eq!(
        batch
            .push_with(DialogGet { chat_id: 0 }, [("CHAT_ID", third.result())])
            .err(),
        Some(ReferenceError::NotEarlier {
            command: 1,
            target: 2
        })
    );
    assert_eq!(
        batch
            .push_with(DialogGet { chat_id: 0 }, [("CHAT_ID[", first.result())])
            .err(),
        Some(ReferenceError::NotAName {
            name: "CHAT_ID[".into()
        })
    );
    assert_eq!(batch.len(), 1, "a refused command is not added");
    let reply = batch.run().await;
    assert!(reply.get(&first).is_ok());
    assert_eq!((calls(&sim, "batch"), calls(&sim, DIALOG)), (1, 0));
}

#[tokio::test]
async fn a_time_entry_of_the_wrong_shape_spoils_only_its_own_figure() {
    let (sim, client) = portal().await;
    sim.inject(
        Fault::malformed_batch_entry(BatchDamage::TimeNotAnObject)
            .for_method("batch")
            .times(1),
    );
    let mut batch = client.batch();
    let cmds: Vec<_> = (0..3)
        .map(|_| batch.push(DialogGet { chat_id: CHAT }))
        .collect();
    let reply = batch.run().await;
    let replies: Vec<_> = cmds.iter().map(|c| reply.get(c).unwrap()).collect();
    assert!(replies.iter().all(|r| r.result["id"] == CHAT));
    let timed: Vec<bool> = replies.iter().map(|r| r.time.is_some()).collect();
    assert_eq!(timed, [false, true, true]);
    assert_eq!(sim.counters().faults_injected, 1);
}

#[tokio::test]
async fn a_null_description_keeps_the_error_and_the_other_results() {
    let (sim, client) = portal().await;
    sim.inject(
        Fault::malformed_batch_entry(BatchDamage::NullDescription)
            .for_method("batch")
            .times(1),
    );
    let mut batch = client.batch();
    let found = batch.push(DialogGet { chat_id: CHAT });
    let failed = batch.push(DialogGet { chat_id: NO_CHAT });
    let revision = batch.push(Revision);
    let reply = batch.run().await;
    assert_eq!(reply.get(&found).unwrap().result["id"], CHAT);
    match reply.get(&failed) {
        Err(Error::Method(e)) => assert_eq!(
            (e.code.as_str(), e.description.as_str()),
            ("ACCESS_ERROR", "")
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(reply.get(&revision).unwrap().result["rest"], json!(2));
    assert_eq!(sim.counters().faults_injected, 1);
}

#[tokio::test]
async fn a_command_missing_from_the_answer_has_an_unknown_outcome_not_a_halt() {
    let (sim, client) = portal().await;
    sim.inject(
        Fault::malformed_batch_entry(BatchDamage::ResultMissing)
            .for_method("batch")
            .times(1),
    );
    let mut batch = client.batch();
    let left_out = batch.push(DialogGet { chat_id: CHAT });
    let revision = batch.push(Revision);
    let reply = batch.run().await;
    assert!(matches!(
        reply.get(&left_out),
        Err(Error::MissingFromAnswer)
    ));
    assert!(reply.get(&revision).is_ok());
    assert_eq!(calls(&sim, DIALOG), 1, "the command did run");
}

#[tokio::test]
async fn after_a_halt_the_commands_left_out_did_not_run() {
    let (sim, client) = portal().await;
    let mut batch = client.batch();
    let failed = batch.push(DialogGet { chat_id: NO_CHAT });
    let never = batch.push(DialogGet { chat_id: CHAT });
    let reply = batch.halt_on_error(true).run().await;
    assert!(matches!(reply.get(&failed), Err(Error::Method(_))));
    assert!(matches!(reply.get(&never), Err(Error::NotExecuted)));
    assert_eq!(calls(&sim, DIALOG), 1);
}

#[tokio::test]
async fn a_refusal_for_time_inside_a_batch_is_recorded_in_the_operating_budget() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let sim = Simulator::builder()
        .no_rate_limit()
        .operating_limit(OperatingLimit {
            budget: 1.0,
            window: Duration::from_secs(2),
            costs: [(DIALOG.to_owned(), 0.5)].into(),
            ..OperatingLimit::default()
        })
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .webhook(sim.webhook_url())
        .allow_http(true)
        .operating_limit(Some(bitrix24_api::OperatingLimit::new(
            Duration::from_secs(1),
        )))
        .build()
        .unwrap();
    // Under budget, and the portal names the reset.
    client.call(DialogGet { chat_id: CHAT }).await.unwrap();
    sim.inject(Fault::operation_time_limit().for_method(DIALOG).times(1));
    let mut batch = client.batch();
    let refused = batch.push(DialogGet { chat_id: CHAT });
    assert!(matches!(
        batch.run().await.get(&refused),
        Err(Error::System(e)) if e.code == SystemErrorCode::OperationTimeLimit
    ));
    // The refusal blocks the method until the reset, so the next call waits for it instead of being
    // refused again.
    client.call(DialogGet { chat_id: CHAT }).await.unwrap();
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert_eq!(
        log.matches("pausing for the method's operating-time budget")
            .count(),
        1,
        "{log}"
    );
    assert_eq!(sim.counters().limit_refusals, 1);
}
