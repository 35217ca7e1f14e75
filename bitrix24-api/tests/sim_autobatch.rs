//! Automatic batching against the simulated portal: a call must behave as it would alone. Calls that a
//! `batch` would change (unsafe to repeat, not representable in its query string, over their
//! operating budget) go alone; a refusal for time inside the batch is retried; a call whose caller
//! stopped waiting is not sent. The request log shows how each call travelled.

use std::future::IntoFuture;
use std::time::Duration;

use bitrix24_api::{Client, Error, Method, RetryPolicy, SystemErrorCode, UndocumentedError};
use bitrix24_sim::{Fault, OperatingLimit, Simulator};
use serde::Serialize;
use serde_json::{Value, json};

const DIALOG: &str = "imopenlines.dialog.get";
const REVISION: &str = "imopenlines.revision.get";
/// A demo chat the webhook's user (the administrator) may read.
const CHAT: i64 = 1;

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

/// `dialog.get` with any parameters, to send values a query string cannot carry.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
struct DialogWith(Value);

impl Method for DialogWith {
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

/// The same method, declared as a call the client may not repeat (as a creating call would be).
#[derive(Debug, Clone, Serialize)]
struct UnsafeRevision;

impl Method for UnsafeRevision {
    const NAME: &'static str = REVISION;
    const SCOPE: &'static str = "imopenlines";
    const SAFE_TO_REPEAT: bool = false;
    type Response = Value;
    type Wire = bitrix24_api::wire::Same;
    type Error = UndocumentedError;
}

fn client(sim: &Simulator) -> bitrix24_api::ClientBuilder {
    Client::builder()
        .webhook(sim.webhook_url())
        .allow_http(true)
        .auto_batch(Duration::from_millis(100))
        .retry(
            RetryPolicy::default()
                .with_max_attempts(3)
                .with_base_delay(Duration::from_millis(1))
                .with_max_delay(Duration::from_millis(5))
                // Longer than the simulator's 2 s operating window, shorter than the 60 s default.
                .with_unknown_reset_wait(Duration::from_secs(3)),
        )
}

async fn sim() -> Simulator {
    Simulator::builder().no_rate_limit().start().await.unwrap()
}

/// HTTP requests for `method` (a command inside a batch is not one).
fn requests(sim: &Simulator, method: &str) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.method.as_deref() == Some(method))
        .count()
}

/// Times the portal ran `method`, alone or inside a batch.
fn calls(sim: &Simulator, method: &str) -> u64 {
    sim.counters().methods.get(method).map_or(0, |m| m.calls)
}

#[tokio::test]
async fn a_method_over_its_operating_budget_goes_alone_and_holds_up_nobody() {
    let sim = Simulator::builder()
        .no_rate_limit()
        .operating_limit(OperatingLimit {
            budget: 1.0,
            window: Duration::from_secs(2),
            costs: [(DIALOG.to_owned(), 2.0)].into(),
            ..OperatingLimit::default()
        })
        .start()
        .await
        .unwrap();
    let client = client(&sim)
        .operating_limit(Some(bitrix24_api::OperatingLimit::new(
            Duration::from_secs(1),
        )))
        .build()
        .unwrap();
    // Alone in its window: it runs, and its figures put the method over the budget until the reset.
    client.call(DialogGet { chat_id: CHAT }).await.unwrap();

    let (dialog, a, b, c) = tokio::join!(
        client.call(DialogGet { chat_id: CHAT }),
        client.call(Revision),
        client.call(Revision),
        client.call(Revision)
    );
    assert_eq!(dialog.unwrap().result["id"], CHAT);
    assert!(a.is_ok() && b.is_ok() && c.is_ok());
    // The other three shared one batch without it; it went on its own, every time.
    assert_eq!(requests(&sim, "batch"), 1);
    assert_eq!(calls(&sim, REVISION), 3);
    assert_eq!(requests(&sim, DIALOG) as u64, calls(&sim, DIALOG));
    // It waited for the reset instead of being refused.
    assert_eq!(requests(&sim, DIALOG), 2);
    assert_eq!(sim.counters().limit_refusals, 0);
}

#[tokio::test]
async fn a_refusal_for_time_inside_the_batch_is_retried_like_a_direct_call() {
    let sim = sim().await;
    sim.inject(Fault::operation_time_limit().for_method(DIALOG).times(1));
    let client = client(&sim).build().unwrap();
    let (dialog, a, b) = tokio::join!(
        client.call(DialogGet { chat_id: CHAT }),
        client.call(Revision),
        client.call(Revision)
    );
    assert_eq!(dialog.unwrap().result["id"], CHAT);
    assert!(a.is_ok() && b.is_ok());
    assert_eq!(sim.counters().limit_refusals, 1);
    // Refused inside the batch, then sent again alone.
    assert_eq!(requests(&sim, "batch"), 1);
    assert_eq!(requests(&sim, DIALOG), 1);
    assert_eq!(calls(&sim, DIALOG), 2);
}

#[tokio::test]
async fn a_refusal_for_time_that_persists_ends_in_the_same_error_as_a_direct_call() {
    let sim = sim().await;
    sim.inject(Fault::operation_time_limit().for_method(DIALOG));
    let client = client(&sim).build().unwrap();
    let (dialog, revision) = tokio::join!(
        client.call(DialogGet { chat_id: CHAT }),
        client.call(Revision)
    );
    assert!(matches!(
        dialog,
        Err(Error::System(e)) if e.code == SystemErrorCode::OperationTimeLimit
    ));
    assert!(revision.is_ok());
    // Once inside the batch, then alone as a direct call goes: the first refusal with no reset time
    // is waited out once, the second ends the call.
    assert_eq!(requests(&sim, DIALOG), 2);
    assert_eq!(sim.counters().limit_refusals, 3);
}

#[tokio::test]
async fn parameters_a_query_string_cannot_carry_go_alone_as_json() {
    let sim = sim().await;
    let client = client(&sim).build().unwrap();
    let (cleared, off, emptied, a, b) = tokio::join!(
        client.call(DialogWith(json!({"CHAT_ID": CHAT, "NOTE": null}))),
        client.call(DialogWith(json!({"CHAT_ID": CHAT, "PINNED": false}))),
        client.call(DialogWith(json!({"CHAT_ID": CHAT, "TAGS": []}))),
        client.call(Revision),
        client.call(Revision)
    );
    for outcome in [cleared, off, emptied, a, b] {
        assert!(outcome.is_ok(), "{outcome:?}");
    }
    assert_eq!(requests(&sim, DIALOG), 3);
    assert_eq!(requests(&sim, "batch"), 1);
    assert_eq!(calls(&sim, REVISION), 2);
}

#[tokio::test]
async fn a_call_dropped_before_its_window_closes_is_not_sent() {
    let sim = sim().await;
    let client = client(&sim).build().unwrap();
    let mut dropped = Box::pin(client.call(DialogGet { chat_id: CHAT }).into_future());
    // One poll queues the call in the current window.
    assert!(futures::poll!(dropped.as_mut()).is_pending());
    drop(dropped);
    client.call(Revision).await.unwrap();
    assert_eq!(calls(&sim, DIALOG), 0);
    assert_eq!(requests(&sim, REVISION), 1, "the other call went alone");
    assert_eq!(sim.counters().requests, 1);
}

#[tokio::test]
async fn an_unsafe_call_goes_alone_so_the_batch_stays_retryable() {
    let sim = sim().await;
    sim.inject(Fault::html(502).for_method("batch").times(1));
    let client = client(&sim).build().unwrap();
    let (unsafe_call, a, b, c) = tokio::join!(
        client.call(UnsafeRevision),
        client.call(DialogGet { chat_id: CHAT }),
        client.call(DialogGet { chat_id: CHAT }),
        client.call(DialogGet { chat_id: CHAT })
    );
    assert!(unsafe_call.is_ok());
    for outcome in [a, b, c] {
        assert_eq!(outcome.unwrap().result["id"], CHAT);
    }
    // The batch of three safe calls met the 502 and was sent again; the unsafe call went once, alone.
    assert_eq!(requests(&sim, "batch"), 2);
    assert_eq!(calls(&sim, DIALOG), 3);
    assert_eq!(requests(&sim, REVISION), 1);
    assert_eq!(sim.counters().faults_injected, 1);
}
