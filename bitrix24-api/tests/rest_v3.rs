//! REST 3.0 over real HTTP against the simulator: the `/rest/api/` address for both kinds of
//! credentials, the error object with its `validation` list, `Idempotency-Key` on calls that are not
//! safe to repeat (a lost answer is retried and replayed, not run twice), and no batching.

use std::time::Duration;

use bitrix24_api::tasks::{TaskAddFields, TaskGetItem};
use bitrix24_api::{Client, Error, Method, OAuth, RetryPolicy, UndocumentedError, Validation};
use bitrix24_sim::demo::users::OPERATOR;
use bitrix24_sim::{Fault, Simulator};
use serde::Serialize;

#[path = "support/sim_methods.rs"]
mod sim_methods;
use sim_methods::RevisionGet;

const HOOK: &str = "operator-hook-secret";
const ADD: &str = "tasks.task.add";

async fn sim() -> Simulator {
    Simulator::builder()
        .webhook(OPERATOR, HOOK)
        .no_rate_limit()
        .start()
        .await
        .unwrap()
}

fn client(sim: &Simulator) -> Client {
    let policy = RetryPolicy::default()
        .with_max_attempts(3)
        .with_base_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(5));
    Client::builder()
        .webhook(format!("{}/rest/{OPERATOR}/{HOOK}/", sim.base_url()))
        .allow_http(true)
        .retry(policy)
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap()
}

fn fields(title: &str) -> TaskAddFields {
    TaskAddFields::new(title, OPERATOR, OPERATOR)
}

/// The paths the simulator saw, webhook codes masked.
fn paths(sim: &Simulator) -> Vec<String> {
    sim.request_log().into_iter().map(|r| r.path).collect()
}

/// The page's example: `tasks-task-get-rest-v3.md` answers with task 3835.
fn is_the_documented_task(item: &Option<TaskGetItem>) -> bool {
    item.as_ref()
        .is_some_and(|item| item.id == Some(3835) && item.title.is_some())
}

#[tokio::test]
async fn rest_v3_methods_go_to_rest_api_and_classic_ones_stay_at_rest() {
    let sim = sim().await;
    let client = client(&sim);
    let task = client.tasks().task_get(3835).await.unwrap();
    assert!(is_the_documented_task(&task.result.item), "{task:?}");
    client.call(RevisionGet {}).await.unwrap();
    assert_eq!(
        paths(&sim),
        [
            format!("/rest/api/{OPERATOR}/***/tasks.task.get"),
            format!("/rest/{OPERATOR}/***/imopenlines.revision.get"),
        ]
    );
}

#[tokio::test]
async fn an_application_calls_rest_v3_at_rest_api_with_its_token_in_the_body() {
    let sim = sim().await;
    let tokens = sim.issue_tokens(OPERATOR);
    let client = Client::builder()
        .oauth(
            OAuth::new(
                sim.base_url(),
                tokens.client_id.clone(),
                tokens.client_secret.expose(),
                tokens.access_token.clone(),
                tokens.refresh_token.clone(),
            )
            .token_endpoint(sim.token_url()),
        )
        .allow_http(true)
        .build()
        .unwrap();
    let task = client.tasks().task_get(3835).await.unwrap();
    assert!(is_the_documented_task(&task.result.item), "{task:?}");
    let log = sim.request_log();
    assert_eq!(
        (log[0].path.as_str(), log[0].auth),
        ("/rest/api/tasks.task.get", "oauth")
    );
}

/// `tasks.task.get` without its required `id`, as a hand-written REST 3.0 method.
#[derive(Debug, Serialize)]
struct TaskGetWithoutId {}

impl Method for TaskGetWithoutId {
    const NAME: &'static str = "tasks.task.get";
    const SCOPE: &'static str = "tasks";
    const SAFE_TO_REPEAT: bool = true;
    const REST_V3: bool = true;
    type Response = serde_json::Value;
    type Wire = bitrix24_api::wire::Same;
    type Error = UndocumentedError;
}

#[tokio::test]
async fn a_refused_field_comes_back_in_the_errors_validation_list() {
    let sim = sim().await;
    let error = client(&sim)
        .call(TaskGetWithoutId {})
        .await
        .expect_err("`id` is required");
    let Error::Method(error) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        (error.code.as_str(), error.http_status),
        (
            "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
            400
        )
    );
    assert_eq!(error.description, "Error validating request object");
    assert_eq!(error.validation.len(), 1);
    let Validation { field, message, .. } = &error.validation[0];
    assert_eq!(
        (field.as_str(), message.as_str()),
        ("id", "Required field `id` is not specified")
    );
}

#[tokio::test]
async fn a_lost_answer_of_a_creating_call_is_retried_with_its_key_and_replayed_not_run_again() {
    let sim = sim().await;
    sim.inject(
        Fault::connection_reset_after_execution()
            .for_method(ADD)
            .times(1),
    );
    let reply = client(&sim)
        .tasks()
        .task_add(fields("Prepare a report"))
        .await
        .expect("the retry is answered with the first call's response");
    assert!(reply.replayed, "the second answer is the kept one");
    let counters = sim.counters();
    assert_eq!(counters.faults_injected, 1);
    assert_eq!(counters.requests, 2, "sent twice");
    assert_eq!(counters.methods[ADD].calls, 1, "run once");
    let keys: Vec<Option<String>> = sim
        .request_log()
        .into_iter()
        .map(|r| r.idempotency_key)
        .collect();
    let first = keys[0].clone().expect("a creating call carries a key");
    assert_eq!(first.len(), 32, "{first}");
    assert_eq!(
        keys,
        [Some(first.clone()), Some(first)],
        "the same key twice"
    );
}

#[tokio::test]
async fn a_call_that_is_safe_to_repeat_sends_no_key_and_each_creating_call_its_own() {
    let sim = sim().await;
    let client = client(&sim);
    client.tasks().task_get(3835).await.unwrap();
    let first = client.tasks().task_add(fields("one")).await.unwrap();
    let second = client.tasks().task_add(fields("one")).await.unwrap();
    assert!(!first.replayed && !second.replayed);
    let log = sim.request_log();
    assert_eq!(log[0].idempotency_key, None);
    assert_ne!(log[1].idempotency_key, log[2].idempotency_key);
    assert_eq!(sim.counters().methods[ADD].calls, 2, "two calls, two tasks");
}

#[tokio::test]
async fn a_chosen_key_replays_the_same_call_and_refuses_another_body() {
    let sim = sim().await;
    let client = client(&sim);
    let add = |title: &str| {
        client
            .tasks()
            .task_add(fields(title))
            .idempotency_key("order-42")
    };
    assert!(!add("one").await.unwrap().replayed);
    assert!(add("one").await.unwrap().replayed, "same key, same body");
    let error = add("two").await.expect_err("same key, another body");
    assert_eq!(
        error.code(),
        Some("BITRIX_REST_V3_EXCEPTION_IDEMPOTENCYKEYREUSEDEXCEPTION")
    );
    let Error::Method(error) = error else {
        unreachable!()
    };
    assert_eq!(error.http_status, 422);
    assert_eq!(sim.counters().methods[ADD].calls, 1);
}

#[tokio::test]
async fn a_key_outside_printable_ascii_is_refused_before_anything_is_sent() {
    let sim = sim().await;
    let client = client(&sim);
    for key in [String::new(), "ключ".to_owned(), "k".repeat(256)] {
        let call = client.tasks().task_add(fields("one")).idempotency_key(key);
        assert!(matches!(call.await, Err(Error::Encode(_))));
    }
    assert_eq!(sim.counters().requests, 0);
}

#[tokio::test]
async fn rest_v3_calls_are_never_batched() {
    let sim = sim().await;
    let client = Client::builder()
        .webhook(format!("{}/rest/{OPERATOR}/{HOOK}/", sim.base_url()))
        .allow_http(true)
        .auto_batch(Duration::from_millis(20))
        .build()
        .unwrap();
    let tasks = client.tasks();
    let (a, b, c) = tokio::join!(tasks.task_get(1), tasks.task_get(2), tasks.task_get(3));
    for reply in [a, b, c] {
        assert!(is_the_documented_task(&reply.unwrap().result.item));
    }
    let mut batch = client.batch();
    let revision = batch.push(RevisionGet {});
    let task = batch.push(bitrix24_api::tasks::TaskGet::new(1));
    let reply = batch.run().await;
    assert!(reply.get(&revision).is_ok());
    match reply.get(&task) {
        Err(Error::Encode(message)) => assert!(message.contains("REST 3.0"), "{message}"),
        other => panic!("{other:?}"),
    }
    let v3 = format!("/rest/api/{OPERATOR}/***/tasks.task.get");
    let batch = format!("/rest/{OPERATOR}/***/batch");
    assert_eq!(
        paths(&sim),
        [v3.clone(), v3.clone(), v3, batch],
        "three alone, then one batch"
    );
    assert_eq!(sim.counters().methods["tasks.task.get"].calls, 3);
}
