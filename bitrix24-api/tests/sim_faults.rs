//! The fault matrix against the simulated portal over real HTTP: each fault against a method that is
//! safe to repeat (`imopenlines.dialog.get`) and one that is not (`imopenlines.session.start`, which
//! closes the chat's session and opens a new one). Every case ends in its typed outcome, and the
//! simulator's counters show no duplicated side effect.

use std::time::Duration;

use bitrix24_api::{
    Client, Error, Method, OAuth, RetryBudget, RetryPolicy, TransportKind, UndocumentedError, wire,
};
use bitrix24_sim::demo::users::OPERATOR;
use bitrix24_sim::{Fault, Simulator};
use serde::{Deserialize, Serialize};
use serde_with::serde_as;

#[path = "support/sim_methods.rs"]
mod sim_methods;
use sim_methods::SessionStart;

const HOOK: &str = "operator-hook-secret";
const START: &str = "imopenlines.session.start";
const DIALOG: &str = "imopenlines.dialog.get";
/// Demo chat 1: answered by the operator, so the operator may restart its session.
const CHAT: i64 = 1;

#[derive(Debug, Clone, Serialize)]
struct DialogGet {
    #[serde(rename = "CHAT_ID")]
    chat_id: i64,
}

#[serde_as]
#[derive(Debug, Clone, Deserialize)]
struct Dialog {
    #[serde_as(as = "wire::Int")]
    owner: i64,
    entity_id: String,
}

impl Method for DialogGet {
    const NAME: &'static str = DIALOG;
    const SCOPE: &'static str = "imopenlines";
    const SAFE_TO_REPEAT: bool = true;
    type Response = Dialog;
    type Wire = bitrix24_api::wire::Same;
    type Error = UndocumentedError;
}

struct Portal {
    sim: Simulator,
    client: Client,
}

fn retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(3)
        .with_base_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(5))
        .with_unknown_reset_wait(Duration::from_millis(1))
}

/// The demo dialog of chat 1, as the simulator has it.
const ENTITY: &str = "livechat|1|1|1001";

async fn portal() -> Portal {
    let sim = Simulator::builder()
        .webhook(OPERATOR, HOOK)
        .start()
        .await
        .unwrap();
    let hook = format!("{}/rest/{OPERATOR}/{HOOK}/", sim.base_url());
    let client = Client::builder()
        .webhook(hook)
        .allow_http(true)
        .retry(retries())
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    Portal { sim, client }
}

impl Portal {
    fn inject(&self, fault: Fault, method: &str) {
        self.sim.inject(fault.for_method(method).times(1));
    }

    fn side_effects(&self) -> u64 {
        self.sim.counters().side_effects(START)
    }

    /// HTTP requests the portal saw for `method`, and how many were refused for a limit.
    fn requests(&self, method: &str) -> (usize, usize) {
        let log = self.sim.request_log();
        let of = log.iter().filter(|r| r.method.as_deref() == Some(method));
        let refused = of
            .clone()
            .filter(|r| {
                matches!(
                    r.error.as_deref(),
                    Some("QUERY_LIMIT_EXCEEDED" | "OPERATION_TIME_LIMIT")
                )
            })
            .count();
        (of.count(), refused)
    }

    fn faults_fired(&self) -> u64 {
        self.sim.counters().faults_injected
    }

    /// The read returned the demo dialog itself, not just something.
    async fn dialog_is_the_demo_one(&self) {
        let dialog = self.dialog().await.unwrap();
        assert_eq!(
            (dialog.owner, dialog.entity_id.as_str()),
            (OPERATOR, ENTITY)
        );
    }

    async fn dialog(&self) -> Result<Dialog, Error<UndocumentedError>> {
        self.client
            .call(DialogGet { chat_id: CHAT })
            .await
            .map(|r| r.result)
    }

    async fn start(&self) -> Result<bool, Error<UndocumentedError>> {
        self.client
            .call(SessionStart { chat_id: CHAT })
            .await
            .map(|r| r.result)
    }
}

#[tokio::test]
async fn without_faults_both_methods_work_once() {
    let p = portal().await;
    assert_eq!(p.dialog().await.unwrap().owner, OPERATOR);
    assert!(p.start().await.unwrap());
    assert_eq!(p.side_effects(), 1);
}

#[tokio::test]
async fn query_limit_503_is_retried_for_both() {
    let p = portal().await;
    p.inject(Fault::query_limit(), DIALOG);
    p.inject(Fault::query_limit(), START);
    p.dialog_is_the_demo_one().await;
    assert!(p.start().await.unwrap());
    assert_eq!(p.faults_fired(), 2);
    assert_eq!(p.requests(DIALOG), (2, 1), "refused once, then retried");
    assert_eq!(p.requests(START), (2, 1));
    assert_eq!(p.side_effects(), 1);
}

#[tokio::test]
async fn operation_time_limit_429_is_retried_for_both() {
    let p = portal().await;
    p.inject(Fault::operation_time_limit(), DIALOG);
    p.inject(Fault::operation_time_limit(), START);
    p.dialog_is_the_demo_one().await;
    assert!(p.start().await.unwrap());
    assert_eq!(p.faults_fired(), 2);
    assert_eq!(p.requests(DIALOG), (2, 1), "refused once, then retried");
    assert_eq!(p.requests(START), (2, 1));
    assert_eq!(p.side_effects(), 1);
}

/// The reset time is unknown (no answer of the method said): one bounded wait, then the refusal is
/// the answer. Retrying at backoff pace would only have collected more refusals.
#[tokio::test]
async fn a_lasting_operation_time_limit_with_an_unknown_reset_is_waited_for_once() {
    let p = portal().await;
    p.sim
        .inject(Fault::operation_time_limit().for_method(DIALOG));
    let err = p.dialog().await.unwrap_err();
    assert_eq!(err.code(), Some("OPERATION_TIME_LIMIT"), "{err:?}");
    assert_eq!(p.requests(DIALOG), (2, 2), "not max_attempts (3) requests");
}

#[tokio::test]
async fn an_html_500_page_is_retried_only_for_the_read() {
    let p = portal().await;
    p.inject(Fault::html(500), DIALOG);
    p.inject(Fault::html(500), START);
    p.dialog_is_the_demo_one().await;
    match p.start().await {
        Err(Error::Http(e)) => assert_eq!(e.status, 500),
        other => panic!("{other:?}"),
    }
    assert_eq!(p.faults_fired(), 2);
    assert_eq!(p.requests(DIALOG).0, 2);
    assert_eq!(p.requests(START).0, 1);
    assert_eq!(p.side_effects(), 0);
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_for_both_and_not_repeated() {
    let p = portal().await;
    p.inject(Fault::truncated(), DIALOG);
    p.inject(Fault::truncated(), START);
    assert!(matches!(p.dialog().await, Err(Error::Decode(e)) if e.body_len > 0));
    assert!(matches!(p.start().await, Err(Error::Decode(_))));
    assert_eq!(
        p.side_effects(),
        1,
        "the method ran once and was not repeated"
    );
}

#[tokio::test]
async fn wrong_field_types_name_the_path() {
    let p = portal().await;
    p.inject(
        Fault::status(200, r#"{"result": {"owner": "nobody", "entity_id": "x"}}"#),
        DIALOG,
    );
    p.inject(Fault::status(200, r#"{"result": "yes please"}"#), START);
    match p.dialog().await {
        Err(Error::Decode(e)) => assert_eq!(e.path, "result.owner"),
        other => panic!("{other:?}"),
    }
    match p.start().await {
        Err(Error::Decode(e)) => assert_eq!(e.path, "result"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_empty_body_is_a_decode_error() {
    let p = portal().await;
    p.inject(Fault::status(200, ""), DIALOG);
    p.inject(Fault::status(200, ""), START);
    assert!(matches!(p.dialog().await, Err(Error::Decode(e)) if e.body_len == 0));
    assert!(matches!(p.start().await, Err(Error::Decode(e)) if e.body_len == 0));
}

#[tokio::test]
async fn a_connection_reset_is_retried_only_for_the_read() {
    let p = portal().await;
    p.inject(Fault::connection_reset(), DIALOG);
    p.inject(Fault::connection_reset(), START);
    p.dialog_is_the_demo_one().await;
    match p.start().await {
        Err(Error::Transport(e)) => assert_eq!(e.kind, TransportKind::Interrupted, "{e}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(p.faults_fired(), 2);
    assert_eq!(
        p.sim.counters().requests,
        3,
        "the read twice, the start once"
    );
    assert_eq!(p.side_effects(), 0);
}

#[tokio::test]
async fn a_reset_after_execution_is_never_repeated_for_a_creating_call() {
    let p = portal().await;
    p.inject(Fault::connection_reset_after_execution(), START);
    assert!(matches!(p.start().await, Err(Error::Transport(_))));
    assert_eq!(
        p.side_effects(),
        1,
        "it ran once; a repeat would have run it twice"
    );
}

#[tokio::test]
async fn a_response_slower_than_the_timeout_is_retried_only_for_the_read() {
    let p = portal().await;
    p.inject(Fault::delay(Duration::from_secs(3)), DIALOG);
    p.inject(Fault::delay(Duration::from_secs(3)), START);
    p.dialog_is_the_demo_one().await;
    match p.start().await {
        Err(Error::Transport(e)) => assert_eq!(e.kind, TransportKind::Timeout),
        other => panic!("{other:?}"),
    }
    assert_eq!(p.faults_fired(), 2);
    assert_eq!(
        p.sim.counters().requests,
        3,
        "the read twice, the start once"
    );
    assert!(p.side_effects() <= 1, "at most the one timed-out call ran");
}

/// A portal that never answers in time: the call ends at its deadline, long before its attempts
/// (10 of 500 ms each) would have run out.
#[tokio::test]
async fn a_call_ends_at_its_deadline_not_after_all_its_attempts() {
    let p = portal().await;
    p.sim
        .inject(Fault::delay(Duration::from_secs(3)).for_method(DIALOG));
    let client = Client::builder()
        .webhook(format!("{}/rest/{OPERATOR}/{HOOK}/", p.sim.base_url()))
        .allow_http(true)
        .retry(retries().with_max_attempts(10))
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let call = client.call(DialogGet { chat_id: CHAT });
    match call.deadline(Duration::from_millis(1200)).await {
        Err(Error::Deadline(e)) => assert_eq!(e.deadline, Duration::from_millis(1200)),
        other => panic!("{other:?}"),
    }
    // Counted on arrival: the portal never finished answering, so its log has none of them.
    let sent = p.sim.counters().requests;
    assert!((1..10).contains(&sent), "{sent} requests");
}

/// The client's deadline applies to every call made through it, and a call's own deadline overrides it.
#[tokio::test]
async fn the_clients_deadline_ends_every_call_unless_the_call_sets_its_own() {
    let p = portal().await;
    p.sim
        .inject(Fault::delay(Duration::from_secs(3)).for_method(DIALOG));
    let client = Client::builder()
        .webhook(format!("{}/rest/{OPERATOR}/{HOOK}/", p.sim.base_url()))
        .allow_http(true)
        .retry(retries().with_max_attempts(10))
        .timeout(Duration::from_millis(500))
        .deadline(Some(Duration::from_millis(1200)))
        .build()
        .unwrap();
    // Without the deadline, the tenth attempt's timeout would be the answer, after 5 s.
    match client.call(DialogGet { chat_id: CHAT }).await {
        Err(Error::Deadline(e)) => assert_eq!(e.deadline, Duration::from_millis(1200)),
        other => panic!("{other:?}"),
    }
    let sent = p.sim.counters().requests;
    assert!((1..10).contains(&sent), "{sent} requests");
    let call = client.call(DialogGet { chat_id: CHAT });
    match call.deadline(Duration::from_millis(300)).await {
        Err(Error::Deadline(e)) => assert_eq!(e.deadline, Duration::from_millis(300)),
        other => panic!("{other:?}"),
    }
}

/// During an outage the retry budget runs dry: the first call retries until it is empty, the next one
/// fails at its first refusal; once the portal is back, successes refill it.
#[tokio::test]
async fn an_outage_empties_the_retry_budget_instead_of_multiplying_the_load() {
    let p = portal().await;
    let client = Client::builder()
        .webhook(format!("{}/rest/{OPERATOR}/{HOOK}/", p.sim.base_url()))
        .allow_http(true)
        .retry(
            retries().with_max_attempts(5).with_budget(Some(
                RetryBudget::default()
                    .with_capacity(10)
                    .with_retry_cost(5)
                    .with_timeout_cost(10)
                    .with_success_reward(5),
            )),
        )
        .build()
        .unwrap();
    let dialog = || client.call(DialogGet { chat_id: CHAT });
    p.sim.inject(Fault::html(503).for_method(DIALOG));
    assert!(matches!(dialog().await, Err(Error::Http(e)) if e.status == 503));
    assert_eq!(p.requests(DIALOG).0, 3, "two retries spent the 10 tokens");
    assert!(matches!(dialog().await, Err(Error::Http(e)) if e.status == 503));
    assert_eq!(p.requests(DIALOG).0, 4, "no tokens, no retry");

    p.sim.clear_faults();
    assert_eq!(dialog().await.unwrap().result.entity_id, ENTITY);
    p.sim.inject(Fault::html(503).for_method(DIALOG).times(1));
    assert_eq!(dialog().await.unwrap().result.entity_id, ENTITY);
    assert_eq!(p.requests(DIALOG).0, 7, "the success earned one retry back");
}

#[tokio::test]
async fn expired_token_is_refreshed_and_an_invalid_one_is_reported() {
    let p = portal().await;
    let tokens = p.sim.issue_tokens(OPERATOR);
    let refreshed = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = refreshed.clone();
    let oauth = OAuth::new(
        p.sim.base_url(),
        tokens.client_id.clone(),
        tokens.client_secret.expose(),
        tokens.access_token,
        tokens.refresh_token,
    )
    .token_endpoint(p.sim.token_url())
    .on_refresh(move |_| {
        count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        async { Ok(()) }
    });
    let client = Client::builder()
        .oauth(oauth)
        .allow_http(true)
        .retry(retries())
        .build()
        .unwrap();
    p.sim.advance_clock(Duration::from_secs(2 * 3600));
    assert_eq!(
        client
            .call(DialogGet { chat_id: CHAT })
            .await
            .unwrap()
            .result
            .owner,
        OPERATOR
    );
    assert!(
        client
            .call(SessionStart { chat_id: CHAT })
            .await
            .unwrap()
            .result
    );
    assert_eq!(refreshed.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(p.side_effects(), 1);

    let invalid = OAuth::new(
        p.sim.base_url(),
        tokens.client_id,
        tokens.client_secret.expose(),
        "not-a-token",
        "not-a-refresh-token",
    )
    .token_endpoint(p.sim.token_url());
    let client = Client::builder()
        .oauth(invalid)
        .allow_http(true)
        .retry(retries())
        .build()
        .unwrap();
    for outcome in [
        client.call(DialogGet { chat_id: CHAT }).await.map(|_| ()),
        client
            .call(SessionStart { chat_id: CHAT })
            .await
            .map(|_| ()),
    ] {
        let err = outcome.unwrap_err();
        assert_eq!(err.code(), Some("invalid_token"), "{err:?}");
    }
    assert_eq!(p.side_effects(), 1);
}

#[tokio::test]
async fn a_batch_with_partial_failures_types_each_command() {
    let p = portal().await;
    let mut batch = p.client.batch();
    let read = batch.push(DialogGet { chat_id: CHAT });
    let missing = batch.push(DialogGet { chat_id: 999_999 });
    let start = batch.push(SessionStart { chat_id: CHAT });
    let reply = batch.run().await;
    assert_eq!(reply.get(&read).unwrap().result.owner, OPERATOR);
    let err = reply.get(&missing).unwrap_err();
    assert!(
        matches!(err, Error::Method(_) | Error::System(_)),
        "{err:?}"
    );
    assert!(reply.get(&start).unwrap().result);
    assert_eq!(reply.failures(), 1);
    assert_eq!(p.side_effects(), 1);
}

#[tokio::test]
async fn a_batch_of_more_than_fifty_commands_is_split() {
    let p = portal().await;
    let mut batch = p.client.batch();
    let reads: Vec<_> = (0..60)
        .map(|_| batch.push(DialogGet { chat_id: CHAT }))
        .collect();
    let start = batch.push(SessionStart { chat_id: CHAT });
    let reply = batch.run().await;
    for read in &reads {
        assert_eq!(reply.get(read).unwrap().result.owner, OPERATOR);
    }
    assert!(reply.get(&start).unwrap().result);
    assert_eq!(p.sim.counters().requests, 2);
    assert_eq!(p.side_effects(), 1);
}
