//! CRM deals over HTTP: `crm.deal.list` paging, filters, `select` and `order`; `crm.deal.get`; `crm.deal.add`.

mod common;

use bitrix24_sim::Simulator;
use common::{call, form};
use serde_json::{Value, json};

const DEALS: usize = 120;

async fn portal() -> Simulator {
    Simulator::builder()
        .no_rate_limit()
        .deals(DEALS)
        .start()
        .await
        .expect("simulator starts")
}

async fn ok(sim: &Simulator, method: &str, params: Value) -> Value {
    let (status, body) = call(&sim.webhook_url(), method, params).await;
    assert_eq!(status, 200, "{method}: {body}");
    body
}

fn ids(body: &Value) -> Vec<i64> {
    body["result"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|row| row["ID"].as_str().expect("ID as a string").parse().unwrap())
        .collect()
}

#[tokio::test]
async fn the_list_pages_by_start_with_next_and_total() {
    let sim = portal().await;
    let mut seen = Vec::new();
    let mut start = Some(0);
    while let Some(at) = start {
        let body = ok(&sim, "crm.deal.list", json!({"start": at})).await;
        assert_eq!(body["total"], json!(DEALS));
        seen.extend(ids(&body));
        start = body["next"].as_i64();
    }
    assert_eq!(seen, (1..=DEALS as i64).collect::<Vec<_>>());
    assert_eq!(sim.counters().requests, 3, "pages of 50: 50, 50, 20");

    let last = ok(&sim, "crm.deal.list", json!({"start": 100})).await;
    assert_eq!(ids(&last).len(), 20);
    assert!(last.get("next").is_none(), "no next after the last page");
    let past = ok(&sim, "crm.deal.list", json!({"start": 500})).await;
    assert_eq!(
        (past["result"].clone(), past["total"].clone()),
        (json!([]), json!(DEALS))
    );
}

#[tokio::test]
async fn a_walk_by_id_uses_the_greater_than_filter_and_skips_counting() {
    let sim = portal().await;
    let page = |after: i64| json!({"order": {"ID": "ASC"}, "filter": {">ID": after}, "start": -1});
    let body = ok(&sim, "crm.deal.list", page(50)).await;
    assert_eq!(ids(&body), (51..=100).collect::<Vec<_>>());
    assert_eq!(body["total"], json!(0), "start=-1 counts nothing");
    assert!(body.get("next").is_none());
    let body = ok(&sim, "crm.deal.list", page(100)).await;
    assert_eq!(ids(&body), (101..=120).collect::<Vec<_>>());
    let body = ok(&sim, "crm.deal.list", page(120)).await;
    assert_eq!(body["result"], json!([]));

    // The same filter as a PHP-style form body, as many clients send it.
    let (status, body) = form(
        &sim.webhook_url(),
        "crm.deal.list",
        &[("filter[>ID]", "115"), ("select[]", "ID"), ("start", "-1")],
    )
    .await;
    assert_eq!((status, ids(&body)), (200, (116..=120).collect::<Vec<_>>()));
}

#[tokio::test]
async fn select_keeps_the_named_fields_and_star_means_the_standard_ones() {
    let sim = portal().await;
    let body = ok(
        &sim,
        "crm.deal.list",
        json!({"select": ["ID", "TITLE", "stage_id"], "filter": {"ID": 7}}),
    )
    .await;
    assert_eq!(
        body["result"],
        json!([{"ID": "7", "TITLE": "Seeded deal 7", "STAGE_ID": "LOSE"}])
    );
    let body = ok(
        &sim,
        "crm.deal.list",
        json!({"select": ["*"], "filter": {"ID": 7}}),
    )
    .await;
    let row = body["result"][0].as_object().unwrap();
    assert_eq!(row.len(), 44);
    assert_eq!(row["OPPORTUNITY"], json!("5250.00"));
    assert_eq!(row["CURRENCY_ID"], json!("USD"));
    assert_eq!(row["LEAD_ID"], Value::Null);
}

#[tokio::test]
async fn filters_use_the_documented_prefixes() {
    let sim = portal().await;
    let list = |filter: Value| {
        let sim = &sim;
        async move {
            let body = ok(
                sim,
                "crm.deal.list",
                json!({"filter": filter, "select": ["*"]}),
            )
            .await;
            body["result"].as_array().unwrap().clone()
        }
    };
    let won = list(json!({"STAGE_ID": "WON"})).await;
    assert_eq!(won.len(), 17, "every 7th deal from deal 6");
    assert!(
        won.iter()
            .all(|d| d["STAGE_ID"] == "WON" && d["STAGE_SEMANTIC_ID"] == "S" && d["CLOSED"] == "Y")
    );

    let rich =
        list(json!({">=OPPORTUNITY": 10000, "<=OPPORTUNITY": 10250, "=CURRENCY_ID": "EUR"})).await;
    assert!(!rich.is_empty());
    assert!(rich.iter().all(|d| {
        let amount: f64 = d["OPPORTUNITY"].as_str().unwrap().parse().unwrap();
        (10_000.0..=10_250.0).contains(&amount) && d["CURRENCY_ID"] == "EUR"
    }));

    let picked = list(json!({"@ID": [3, "4", 500], "!STAGE_ID": "PREPAYMENT_INVOICE"})).await;
    assert_eq!(
        picked.iter().map(|d| d["ID"].clone()).collect::<Vec<_>>(),
        [json!("4")]
    );
    let titled = list(json!({"%TITLE": "deal 11", "!@STAGE_ID": ["LOSE"]})).await;
    assert_eq!(
        titled.len(),
        9,
        "11 and 110–119, less 112 and 119, which are lost"
    );
    let like = list(json!({"=%TITLE": "%deal 9"})).await;
    assert_eq!(like.len(), 1);

    let (status, body) = call(
        &sim.webhook_url(),
        "crm.deal.list",
        json!({"filter": "ID=1"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], json!(""));
    assert_eq!(
        body["error_description"],
        "Parameter 'filter' must be array."
    );
}

#[tokio::test]
async fn order_sorts_before_paging() {
    let sim = portal().await;
    let body = ok(
        &sim,
        "crm.deal.list",
        json!({"order": {"OPPORTUNITY": "DESC", "ID": "ASC"}, "select": ["ID", "OPPORTUNITY"]}),
    )
    .await;
    let amounts: Vec<f64> = body["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["OPPORTUNITY"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(amounts.len(), 50);
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
    assert_eq!(
        (body["next"].clone(), body["total"].clone()),
        (json!(50), json!(DEALS))
    );
}

#[tokio::test]
async fn get_answers_a_deal_or_the_documented_errors() {
    let sim = portal().await;
    let deal = ok(&sim, "crm.deal.get", json!({"id": 13})).await["result"].clone();
    assert_eq!(deal["ID"], "13");
    assert_eq!(deal["TITLE"], "Seeded deal 13");
    assert_eq!(deal["STAGE_ID"], "WON");
    assert_eq!(deal["CATEGORY_ID"], "0");
    assert!(deal["DATE_CREATE"].as_str().unwrap().ends_with("+00:00"));

    let (status, body) = call(&sim.webhook_url(), "crm.deal.get", json!({"id": 9999})).await;
    assert_eq!((status, body["error"].clone()), (400, json!("")));
    assert_eq!(body["error_description"], "Not found");
    let (status, body) = call(&sim.webhook_url(), "crm.deal.get", json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(body["error_description"], "ID is not defined or invalid.");
}

#[tokio::test]
async fn added_deals_are_listed_and_batch_can_read_one_back() {
    let sim = portal().await;
    let body = ok(
        &sim,
        "crm.deal.add",
        json!({"fields": {"TITLE": "Big one", "OPPORTUNITY": 1234.5, "CURRENCY_ID": "EUR", "STAGE_ID": "WON", "UF_CRM_1": "x"}}),
    )
    .await;
    assert_eq!(body["result"], json!(DEALS + 1));
    assert_eq!(sim.counters().side_effects("crm.deal.add"), 1);
    let deal = ok(&sim, "crm.deal.get", json!({"id": DEALS + 1})).await["result"].clone();
    assert_eq!(
        (
            deal["TITLE"].clone(),
            deal["OPPORTUNITY"].clone(),
            deal["UF_CRM_1"].clone()
        ),
        (json!("Big one"), json!("1234.50"), json!("x"))
    );
    let body = ok(&sim, "crm.deal.list", json!({"select": ["ID"]})).await;
    assert_eq!(body["total"], json!(DEALS + 1));
    let (status, body) = call(
        &sim.webhook_url(),
        "crm.deal.add",
        json!({"fields": {"CURRENCY_ID": "euro"}}),
    )
    .await;
    assert_eq!((status, body["error"].clone()), (400, json!("")));

    let body = ok(
        &sim,
        "batch",
        json!({"halt": 0, "cmd": {
            "a": "crm.deal.add?fields[TITLE]=From%20batch",
            "g": "crm.deal.get?id=$result[a]",
        }}),
    )
    .await;
    assert_eq!(body["result"]["result"]["a"], json!(DEALS + 2));
    assert_eq!(body["result"]["result"]["g"]["TITLE"], "From batch");
}
