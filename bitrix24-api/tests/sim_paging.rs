//! Walking a list by ID against the simulated portal (`user.get` over 121 users), including a portal
//! that ignores the filter: the walk must end with an error after a bounded number of requests.

use bitrix24_api::paging::{IdCursor, PagingError};
use bitrix24_api::{Client, Error, Method, UndocumentedError};
use bitrix24_sim::{Fault, Simulator};
use futures::{StreamExt, TryStreamExt};
use serde::Serialize;
use serde_json::Value;

const USERS: &str = "user.get";
/// User 1 plus the extra employees.
const ROWS: i64 = 121;
/// More items than an honest walk yields, so that a walk that never ends still stops the test.
const CAP: usize = 1_000;

#[derive(Debug, Clone, Serialize)]
struct UserGet {}

impl Method for UserGet {
    const NAME: &'static str = USERS;
    const SCOPE: &'static str = "user";
    const SAFE_TO_REPEAT: bool = true;
    type Response = Vec<Value>;
    type Wire = bitrix24_api::wire::Same;
    type Error = UndocumentedError;
}

fn id(row: &Value) -> Option<i64> {
    row.get("ID")?.as_str()?.parse().ok()
}

async fn portal() -> (Simulator, Client) {
    let sim = Simulator::builder()
        .no_rate_limit()
        .empty_portal()
        .seed_users(ROWS as usize - 1)
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .webhook(sim.webhook_url())
        .allow_http(true)
        .build()
        .unwrap();
    (sim, client)
}

fn requests(sim: &Simulator) -> u64 {
    sim.counters().methods.get(USERS).map_or(0, |m| m.calls)
}

#[tokio::test]
async fn the_walk_by_id_reads_every_row_once() {
    let (sim, client) = portal().await;
    let rows: Vec<Value> = client
        .items_by_id(UserGet {}, IdCursor::new("ID", id))
        .take(CAP)
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<i64> = rows.iter().filter_map(id).collect();
    assert_eq!(ids, (1..=ROWS).collect::<Vec<_>>());
    assert_eq!(requests(&sim), 3);
}

#[tokio::test]
async fn a_portal_that_ignores_the_filter_ends_the_walk_with_an_error() {
    let (sim, client) = portal().await;
    sim.inject(Fault::ignore_filter().for_method(USERS));
    let items: Vec<Result<Value, Error<UndocumentedError>>> = client
        .items_by_id(UserGet {}, IdCursor::new("ID", id))
        .take(CAP)
        .collect()
        .await;
    let (rows, errors): (Vec<_>, Vec<_>) = items.into_iter().partition(Result::is_ok);
    assert_eq!(rows.len(), 50, "the first page, and no repeat of it");
    match errors.as_slice() {
        [Err(Error::Paging(e))] => assert_eq!(
            *e,
            PagingError::NoProgress {
                field: "ID".into(),
                after: 50,
                last: 50
            }
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(requests(&sim), 2);
    assert_eq!(sim.counters().faults_injected, 2);
}

#[tokio::test]
async fn a_full_page_without_an_id_to_continue_from_is_an_error() {
    let (sim, client) = portal().await;
    let cursor = IdCursor::new("XML_ID", |row: &Value| row.get("XML_ID")?.as_i64());
    let items: Vec<_> = client
        .items_by_id(UserGet {}, cursor)
        .take(CAP)
        .collect()
        .await;
    assert_eq!(items.len(), 51);
    assert!(items[..50].iter().all(Result::is_ok));
    assert!(matches!(
        &items[50],
        Err(Error::Paging(PagingError::MissingId { field, row: 49 })) if field == "XML_ID"
    ));
    assert_eq!(requests(&sim), 1);
}
