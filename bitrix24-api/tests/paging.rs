//! List methods as streams against a scripted portal holding 120 rows with ids 1..=120.

mod support;

use bitrix24_api::paging::{IdCursor, PagingError};
use bitrix24_api::{Error, Method};
use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use support::*;

#[derive(Debug, Clone, Serialize)]
struct ListSessions {
    filter: Value,
}

#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Row {
    #[serde(rename = "ID")]
    #[serde_as(as = "bitrix24_api::wire::Int")]
    id: i64,
}

impl Method for ListSessions {
    const NAME: &'static str = "example.session.list";
    const SCOPE: &'static str = "example";
    const SAFE_TO_REPEAT: bool = true;
    type Response = Vec<Row>;
    type Wire = bitrix24_api::wire::Same;
    type Error = OpenError;
}

const ROWS: i64 = 120;

/// Offset paging as the portal does it, plus `start=-1` (no count, no `next`) with a `>ID` filter.
fn list(seen: &Seen) -> Answer {
    let start = seen.body["start"].as_i64().unwrap_or(0);
    let after = seen.body["filter"][">ID"].as_i64().unwrap_or(0);
    let min_status = seen.body["filter"]["STATUS"].as_i64().unwrap_or(0);
    let all: Vec<i64> = (1..=ROWS)
        .filter(|id| *id > after && *id > min_status)
        .collect();
    let (skip, with_counts) = if start < 0 {
        (0, false)
    } else {
        (start as usize, true)
    };
    let page: Vec<Value> = all
        .iter()
        .skip(skip)
        .take(50)
        .map(|id| json!({"ID": id.to_string()}))
        .collect();
    let mut body = json!({"result": page});
    if with_counts {
        body["total"] = json!(all.len());
        if skip + 50 < all.len() {
            body["next"] = json!(skip + 50);
        }
    } else {
        body["total"] = json!(0);
    }
    Answer::Json(200, body)
}

#[tokio::test]
async fn items_follow_next_until_the_last_page() {
    let portal = Portal::start(list).await;
    let client = portal.client();
    let rows: Vec<Row> = client
        .items(ListSessions { filter: json!({}) })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        (1..=ROWS).collect::<Vec<_>>()
    );
    let starts: Vec<Value> = portal
        .seen()
        .iter()
        .map(|s| s.body["start"].clone())
        .collect();
    assert_eq!(starts, vec![Value::Null, json!(50), json!(100)]);
}

#[tokio::test]
async fn pages_expose_next_and_total() {
    let portal = Portal::start(list).await;
    let client = portal.client();
    let pages: Vec<_> = client
        .pages(ListSessions { filter: json!({}) })
        .try_collect()
        .await
        .unwrap();
    let figures: Vec<_> = pages
        .iter()
        .map(|p| (p.result.len(), p.next, p.total))
        .collect();
    assert_eq!(
        figures,
        vec![
            (50, Some(50), Some(120)),
            (50, Some(100), Some(120)),
            (20, None, Some(120))
        ]
    );
}

#[tokio::test]
async fn the_id_cursor_walks_with_start_minus_one_and_keeps_the_callers_filter() {
    let portal = Portal::start(list).await;
    let client = portal.client();
    let cursor = IdCursor::new("ID", |row: &Row| Some(row.id));
    let rows: Vec<Row> = client
        .items_by_id(
            ListSessions {
                filter: json!({"STATUS": 10}),
            },
            cursor,
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.first().map(|r| r.id), Some(11));
    assert_eq!(rows.len(), 110);
    let seen = portal.seen();
    assert_eq!(seen.len(), 3);
    for request in &seen {
        assert_eq!(
            (request.body["start"].clone(), request.body["order"].clone()),
            (json!(-1), json!({"ID": "ASC"}))
        );
        assert_eq!(request.body["filter"]["STATUS"], 10);
    }
    assert_eq!(seen[1].body["filter"][">ID"], 60);
    assert_eq!(seen[2].body["filter"][">ID"], 110);
}

#[tokio::test]
async fn an_error_ends_the_stream_after_reporting_it() {
    let portal = Portal::start(|seen| match seen.number {
        1 => list(seen),
        _ => error(400, "CHAT_ID_EMPTY", "broken"),
    })
    .await;
    let client = portal.client();
    let results: Vec<_> =
        futures::StreamExt::collect::<Vec<_>>(client.pages(ListSessions { filter: json!({}) }))
            .await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert!(matches!(
        results[1],
        Err(Error::Method(OpenError::ChatIdEmpty(_)))
    ));
}

/// A REST 3.0 list: `pagination {page, limit, offset}` in, `{"items": [...]}` out.
#[derive(Debug, Clone, Serialize)]
struct ListTasks {
    #[serde(skip_serializing_if = "Option::is_none")]
    pagination: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
struct Tasks {
    items: Vec<Value>,
}

impl Method for ListTasks {
    const NAME: &'static str = "example.task.list";
    const SCOPE: &'static str = "example";
    const SAFE_TO_REPEAT: bool = true;
    const REST_V3: bool = true;
    type Response = Tasks;
    type Wire = bitrix24_api::wire::Same;
    type Error = OpenError;
}

/// REST 3.0's paging over 120 rows: `limit` rows (50 unless asked) of page `page`, after `offset` rows
/// when no page is given. `ignore` answers the first page whatever was asked.
fn v3_list(seen: &Seen, ignore: bool) -> Answer {
    assert!(seen.path.starts_with("/rest/api/"), "{}", seen.path);
    let pagination = &seen.body["pagination"];
    let limit = pagination["limit"].as_u64().unwrap_or(50);
    let skip = match pagination["page"].as_u64() {
        Some(page) if !ignore => (page - 1) * limit,
        _ => pagination["offset"].as_u64().unwrap_or(0),
    };
    let items: Vec<Value> = (1..=ROWS as u64)
        .skip(skip as usize)
        .take(limit as usize)
        .map(|id| json!({"id": id}))
        .collect();
    Answer::Json(200, json!({"result": {"items": items}}))
}

fn paginations(portal: &Portal) -> Vec<Value> {
    portal
        .seen()
        .iter()
        .map(|s| s.body["pagination"].clone())
        .collect()
}

#[tokio::test]
async fn a_rest_v3_list_pages_with_pagination_until_a_short_page() {
    let portal = Portal::start(|seen| v3_list(seen, false)).await;
    let client = portal.client();
    let request = ListTasks {
        pagination: Some(json!({"limit": 45, "offset": 0})),
    };
    let pages: Vec<usize> = client
        .pages(request)
        .map_ok(|page| page.result.items.len())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pages,
        [45, 45, 30],
        "a page shorter than the limit is the last"
    );
    assert_eq!(
        paginations(&portal),
        [
            json!({"limit": 45, "offset": 0}),
            json!({"page": 2, "limit": 45}),
            json!({"page": 3, "limit": 45}),
        ]
    );

    // Without a limit, a page shorter than the ones before it is the last.
    let portal = Portal::start(|seen| v3_list(seen, false)).await;
    let request = ListTasks { pagination: None };
    let pages: Vec<usize> = portal
        .client()
        .pages(request)
        .map_ok(|page| page.result.items.len())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages, [50, 50, 20]);
    assert_eq!(
        paginations(&portal),
        [Value::Null, json!({"page": 2}), json!({"page": 3})]
    );
}

#[tokio::test]
async fn a_rest_v3_method_that_ignores_pagination_ends_the_walk_with_an_error() {
    let portal = Portal::start(|seen| v3_list(seen, true)).await;
    let results: Vec<_> = portal
        .client()
        .pages(ListTasks { pagination: None })
        .collect()
        .await;
    assert_eq!(results.len(), 2, "the first page, then the error");
    assert_eq!(results[0].as_ref().unwrap().result.items.len(), 50);
    match &results[1] {
        Err(Error::Paging(PagingError::Repeated { page: 2 })) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(portal.seen().len(), 2);
}
