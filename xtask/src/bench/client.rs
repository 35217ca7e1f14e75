//! `client_overhead_ratio`: sequential calls through the typed client against the same calls through
//! bare reqwest + `serde_json::Value`, on one in-process simulator with its limits off.

use anyhow::{Context, Result, bail};
use bitrix24_api::Client;
use bitrix24_sim::Simulator;
use serde_json::{Value, json};
use tokio::time::Instant;

use super::report::{Goal, Report, Row};
use super::stats::{Spread, ratios};

/// A demo chat's user code: `session.open` answers a small object for it.
const USER_CODE: &str = "livechat|1|2|1002";

/// What each contender sends per round: half `session.open` (small), half `config.get` (a large answer).
pub async fn measure(calls: usize, rounds: usize, report: &mut Report) -> Result<()> {
    let sim = Simulator::builder()
        .no_rate_limit()
        .no_operating_limit()
        .start()
        .await?;
    let client = Client::builder()
        .webhook(sim.webhook_url())
        .allow_http(true)
        .rate_limit(None)
        .operating_limit(None)
        .build()?;
    let raw = reqwest::Client::new();
    let hook = sim.webhook_url();
    // Warm both connection pools and check that both sides get real answers.
    typed_round(&client, 2).await?;
    raw_round(&raw, &hook, 2).await?;
    let (mut typed, mut bare) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        if round % 2 == 0 {
            typed.push(typed_round(&client, calls).await?);
            bare.push(raw_round(&raw, &hook, calls).await?);
        } else {
            bare.push(raw_round(&raw, &hook, calls).await?);
            typed.push(typed_round(&client, calls).await?);
        }
    }
    let ratio = Spread::of(&ratios(&typed, &bare));
    let per_call_us =
        |s: &[f64]| Spread::of(&s.iter().map(|s| s * 1e6 / calls as f64).collect::<Vec<_>>());
    report.key("client_overhead_ratio", ratio.median);
    report.key(
        "client_overhead",
        json!({
            "calls_per_round": calls, "ratio": ratio,
            "typed_us_per_call": per_call_us(&typed), "raw_us_per_call": per_call_us(&bare),
            "requests_seen": sim.counters().requests,
        }),
    );
    report.row(
        Row {
            figure: "`client_overhead_ratio`".into(),
            value: ratio.show(3),
            goal: Some(Goal::AtMost(1.05)),
            note: format!(
                "{calls} sequential calls (session.open + config.get), µs per call: typed {} vs reqwest + Value {}",
                per_call_us(&typed).show(0),
                per_call_us(&bare).show(0)
            ),
        },
        Some(ratio.median),
    );
    Ok(())
}

async fn typed_round(client: &Client, calls: usize) -> Result<f64> {
    let start = Instant::now();
    for i in 0..calls {
        if i % 2 == 0 {
            let opened = client.imopenlines().session_open(USER_CODE).await?;
            std::hint::black_box(opened.result);
        } else {
            let line = client.imopenlines().config_get(1).await?;
            std::hint::black_box(line.result);
        }
    }
    Ok(start.elapsed().as_secs_f64())
}

async fn raw_round(http: &reqwest::Client, hook: &str, calls: usize) -> Result<f64> {
    let start = Instant::now();
    for i in 0..calls {
        let (method, body) = if i % 2 == 0 {
            ("imopenlines.session.open", json!({"USER_CODE": USER_CODE}))
        } else {
            ("imopenlines.config.get", json!({"CONFIG_ID": 1}))
        };
        let answer: Value = http
            .post(format!("{hook}{method}"))
            .json(&body)
            .send()
            .await?
            .json()
            .await
            .with_context(|| format!("decoding {method}"))?;
        if answer.get("result").is_none() {
            bail!("{method} answered {answer}");
        }
        std::hint::black_box(answer);
    }
    Ok(start.elapsed().as_secs_f64())
}
