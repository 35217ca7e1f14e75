//! The request-rate limit, the operating-time budget, batch and paging.

mod common;

use std::time::Duration;

use bitrix24_sim::{BatchBilling, OperatingLimit, RateLimit, Simulator};
use common::{call, code, sim};
use serde_json::{Value, json};

const HOOK_METHOD: &str = "imopenlines.revision.get";

#[tokio::test]
async fn leaky_bucket_refuses_past_the_burst_and_drains_with_time() {
    let sim = Simulator::builder()
        .rate_limit(RateLimit {
            burst: 3.0,
            drain_per_second: 2.0,
        })
        .start()
        .await
        .unwrap();
    sim.advance_clock(Duration::ZERO);
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(call(&sim.webhook_url(), HOOK_METHOD, json!({})).await.0);
    }
    // Real time passes between calls, but far less than the half second one request needs to drain.
    assert_eq!(statuses, [200, 200, 200, 503]);
    let (_, body) = call(&sim.webhook_url(), HOOK_METHOD, json!({})).await;
    assert_eq!(code(&body), "QUERY_LIMIT_EXCEEDED");
    assert_eq!(body["error_description"], "Too many requests");
    sim.advance_clock(Duration::from_secs(1));
    assert_eq!(
        call(&sim.webhook_url(), HOOK_METHOD, json!({})).await.0,
        200
    );
    let counters = sim.counters();
    assert_eq!(counters.limit_refusals, 2);
    assert_eq!(counters.methods[HOOK_METHOD].limit_refusals, 2);
}

fn costly(method: &str, cost: f64, budget: f64, billing: BatchBilling) -> OperatingLimit {
    OperatingLimit {
        budget,
        window: Duration::from_secs(600),
        batch_billing: billing,
        costs: [(method.to_owned(), cost)].into(),
        default_cost: 0.0,
    }
}

#[tokio::test]
async fn operating_time_blocks_the_call_after_the_one_that_crossed_the_budget() {
    let sim = Simulator::builder()
        .no_rate_limit()
        .operating_limit(costly(
            "imopenlines.config.get",
            0.6,
            1.0,
            BatchBilling::InnerCalls,
        ))
        .start()
        .await
        .unwrap();
    let hook = sim.webhook_url();
    let (_, first) = call(&hook, "imopenlines.config.get", json!({"CONFIG_ID": 1})).await;
    assert!(first["time"]["operating"].as_f64().unwrap() >= 0.6);
    assert!(first["time"]["operating_reset_at"].as_i64().is_some());
    assert!(first["time"]["processing"].as_f64().unwrap() >= 0.6);
    assert_eq!(
        call(&hook, "imopenlines.config.get", json!({"CONFIG_ID": 1}))
            .await
            .0,
        200
    );
    let (status, body) = call(&hook, "imopenlines.config.get", json!({"CONFIG_ID": 1})).await;
    assert_eq!((status, code(&body)), (429, "OPERATION_TIME_LIMIT"));
    assert_eq!(
        body["error_description"],
        "Method is blocked due to operation time limit."
    );
    // Other methods of the same webhook keep working.
    assert_eq!(call(&hook, HOOK_METHOD, json!({})).await.0, 200);
    sim.advance_clock(Duration::from_secs(601));
    assert_eq!(
        call(&hook, "imopenlines.config.get", json!({"CONFIG_ID": 1}))
            .await
            .0,
        200
    );
}

async fn batch_of_three_config_gets(sim: &Simulator) -> Value {
    let cmd = json!({"a": "imopenlines.config.get?CONFIG_ID=1", "b": "imopenlines.config.get?CONFIG_ID=1", "c": "imopenlines.config.get?CONFIG_ID=1"});
    call(&sim.webhook_url(), "batch", json!({"cmd": cmd}))
        .await
        .1
}

#[tokio::test]
async fn batch_commands_are_billed_to_their_own_method() {
    let sim = Simulator::builder()
        .no_rate_limit()
        .operating_limit(costly(
            "imopenlines.config.get",
            0.6,
            1.0,
            BatchBilling::InnerCalls,
        ))
        .start()
        .await
        .unwrap();
    let body = batch_of_three_config_gets(&sim).await;
    assert_eq!(
        body["result"]["result_error"]["c"]["error"],
        "OPERATION_TIME_LIMIT"
    );
    assert!(body["result"]["result"]["a"].is_object());
    assert!(
        body["result"]["result_time"]["b"]["operating"]
            .as_f64()
            .unwrap()
            >= 1.2
    );
    // The batch itself was not billed, so more batches are accepted (their commands are refused).
    let (status, _) = call(
        &sim.webhook_url(),
        "batch",
        json!({"cmd": ["imopenlines.revision.get"]}),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn batch_itself_can_be_billed_instead() {
    let sim = Simulator::builder()
        .no_rate_limit()
        .operating_limit(costly(
            "imopenlines.config.get",
            0.6,
            1.0,
            BatchBilling::Batch,
        ))
        .start()
        .await
        .unwrap();
    let body = batch_of_three_config_gets(&sim).await;
    assert_eq!(
        body["result"]["result_error"],
        json!([]),
        "commands are not checked"
    );
    assert!(body["time"]["operating"].as_f64().unwrap() > 1.79);
    let (status, body) = call(
        &sim.webhook_url(),
        "batch",
        json!({"cmd": ["imopenlines.revision.get"]}),
    )
    .await;
    assert_eq!((status, code(&body)), (429, "OPERATION_TIME_LIMIT"));
}

#[tokio::test]
async fn batch_caps_at_50_commands_and_reports_the_excess() {
    let sim = sim().await;
    let cmd: Vec<Value> = (0..53).map(|_| json!("imopenlines.revision.get")).collect();
    let (status, body) = call(&sim.webhook_url(), "batch", json!({"cmd": cmd})).await;
    assert_eq!(status, 200);
    let result = &body["result"];
    assert_eq!(
        result["result"].as_array().unwrap().len(),
        50,
        "keys 0..49 encode as a list"
    );
    for key in ["50", "51", "52"] {
        assert_eq!(
            result["result_error"][key]["error"],
            "ERROR_BATCH_LENGTH_EXCEEDED"
        );
    }
    assert_eq!(result["result_time"].as_array().unwrap().len(), 50);
    assert_eq!(sim.counters().methods["imopenlines.revision.get"].calls, 50);
}

#[tokio::test]
async fn batch_halt_stops_after_the_first_error() {
    let sim = sim().await;
    let cmd = json!({"ok": "imopenlines.revision.get", "bad": "imopenlines.config.get", "later": "imopenlines.revision.get"});
    let (_, halted) = call(&sim.webhook_url(), "batch", json!({"halt": 1, "cmd": cmd})).await;
    let result = &halted["result"];
    assert_eq!(result["result_error"]["bad"]["error"], "CONFIG_ID_EMPTY");
    assert!(result["result"].get("later").is_none());
    assert!(result["result"].get("ok").is_some());
    let (_, full) = call(&sim.webhook_url(), "batch", json!({"halt": 0, "cmd": cmd})).await;
    assert!(full["result"]["result"].get("later").is_some());
    assert_eq!(full["result"]["result_total"], json!([]));
}

#[tokio::test]
async fn batch_references_earlier_results_and_refuses_nesting() {
    let sim = sim().await;
    let cmd = json!({
        "add": "imopenlines.config.add?PARAMS[LINE_NAME]=Referenced",
        "get": "imopenlines.config.get?CONFIG_ID=$result[add]",
        "users": "user.get",
        "named": "imopenlines.config.add?PARAMS[LINE_NAME]=Copy%20of%20$result[get][LINE_NAME]",
        "inner": "batch?cmd[0]=user.get",
        "missing": "no.such.method",
    });
    let (status, body) = call(&sim.webhook_url(), "batch", json!({"cmd": cmd})).await;
    assert_eq!(status, 200);
    let result = &body["result"];
    assert_eq!(result["result"]["get"]["LINE_NAME"], "Referenced");
    assert_eq!(
        result["result_total"]["users"],
        json!(sim_user_count(&sim).await)
    );
    assert_eq!(
        result["result_error"]["inner"]["error"],
        "ERROR_BATCH_METHOD_NOT_ALLOWED"
    );
    assert_eq!(
        result["result_error"]["missing"]["error"],
        "ERROR_METHOD_NOT_FOUND"
    );
    let copy = result["result"]["named"].as_i64().unwrap();
    let (_, line) = call(
        &sim.webhook_url(),
        "imopenlines.config.get",
        json!({"CONFIG_ID": copy}),
    )
    .await;
    assert_eq!(line["result"]["LINE_NAME"], "Copy of Referenced");
}

async fn sim_user_count(sim: &Simulator) -> u64 {
    call(&sim.webhook_url(), "user.get", json!({})).await.1["total"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn list_paging_with_start_next_total_and_minus_one() {
    let sim = sim().await;
    for i in 0..60 {
        sim.client_message(&common::client_message(
            &format!("pg{i}"),
            &format!("pg-user-{i}"),
            "hi",
        ))
        .unwrap();
    }
    let total = sim_user_count(&sim).await;
    assert!(total > 60);
    let (_, first) = call(&sim.webhook_url(), "user.get", json!({})).await;
    assert_eq!(first["result"].as_array().unwrap().len(), 50);
    assert_eq!(first["next"], 50);
    let (_, second) = call(&sim.webhook_url(), "user.get", json!({"start": 50})).await;
    assert_eq!(
        second["result"].as_array().unwrap().len() as u64,
        total - 50
    );
    assert!(second.get("next").is_none());
    assert_eq!(
        second["result"][0]["ID"],
        first["result"][49]["ID"]
            .as_str()
            .map(|id| (id.parse::<u64>().unwrap() + 1).to_string())
            .unwrap()
    );
    let (_, uncounted) = call(&sim.webhook_url(), "user.get", json!({"start": -1})).await;
    assert_eq!(uncounted["total"], 0);
    assert!(uncounted.get("next").is_none());
    assert_eq!(uncounted["result"].as_array().unwrap().len(), 50);
}

/// `seed_users` gives `user.get` a long list; the last page holds the remainder and the last seeded user.
#[tokio::test]
async fn seeded_users_page_to_the_last_one() {
    let sim = Simulator::builder()
        .no_rate_limit()
        .seed_users(20_000)
        .start()
        .await
        .unwrap();
    let demo = sim_user_count(&common::sim().await).await;
    assert_eq!(sim_user_count(&sim).await, demo + 20_000);
    let (_, last) = call(&sim.webhook_url(), "user.get", json!({"start": 20_000})).await;
    let rows = last["result"].as_array().unwrap();
    assert_eq!(rows.len() as u64, demo);
    let last_row = &rows[rows.len() - 1];
    assert_eq!(last_row["ID"], (demo + 20_000).to_string());
    assert_eq!(last_row["LAST_NAME"], "20000");
    assert!(last.get("next").is_none());
}

/// The configured latency is a lower bound on every call's round trip (the admin API is not delayed).
#[tokio::test]
async fn latency_delays_every_rest_call() {
    let sim = Simulator::builder()
        .no_rate_limit()
        .latency("80,20".parse().unwrap())
        .start()
        .await
        .unwrap();
    let started = std::time::Instant::now();
    for _ in 0..3 {
        let (status, _) = call(&sim.webhook_url(), "server.time", json!({})).await;
        assert_eq!(status, 200);
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(3 * 60),
        "three calls at 80±20 ms took {elapsed:?}"
    );
    assert_eq!(sim.counters().requests, 3);
}
