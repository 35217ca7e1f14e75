//! 10,000 concurrent calls through one client against the simulated portal, with limits on: all
//! complete, the portal never refuses for rate, and memory stays bounded (a second round of 10,000
//! grows the process by little, so nothing accumulates per call).

use std::time::Duration;

use bitrix24_api::{Client, Method, RateLimit, UndocumentedError};
use bitrix24_sim::Simulator;
use serde::Serialize;

const CALLS: usize = 10_000;

/// `imopenlines.revision.get`: a cheap read, so the portal's own work does not dominate.
#[derive(Debug, Clone, Serialize)]
struct RevisionGet {}

impl Method for RevisionGet {
    const NAME: &'static str = "imopenlines.revision.get";
    const SCOPE: &'static str = "imopenlines";
    const SAFE_TO_REPEAT: bool = true;
    type Response = serde_json::Value;
    type Error = UndocumentedError;
}

/// Resident memory in KiB, where the platform tells (Linux).
fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Sends `calls` concurrent calls and checks that all succeeded without a rate refusal.
async fn round(client: &Client, sim: &Simulator, calls: usize) {
    let tasks: Vec<_> = (0..calls)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.call(RevisionGet {}).await.is_ok() })
        })
        .collect();
    let mut succeeded = 0;
    for task in tasks {
        succeeded += usize::from(task.await.unwrap());
    }
    assert_eq!(succeeded, calls);
    assert_eq!(
        sim.counters().limit_refusals,
        0,
        "the client kept to the portal's limit"
    );
}

/// The calls coalesce into `batch` requests of 50, paced by the client's bucket: 200 requests per round
/// against a portal that takes 100 at once and 50 per second after that.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_concurrent_calls_complete_within_the_limit_and_bounded_memory() {
    let sim = Simulator::builder()
        .rate_limit(bitrix24_sim::RateLimit {
            burst: 100.0,
            drain_per_second: 50.0,
        })
        .start()
        .await
        .unwrap();
    // Below the portal's burst: queueing on a busy machine can bunch requests that left paced.
    let client = Client::builder()
        .webhook(sim.webhook_url())
        .allow_http(true)
        .rate_limit(Some(RateLimit::new(80, 50.0)))
        .auto_batch(Duration::from_millis(5))
        .build()
        .unwrap();
    round(&client, &sim, CALLS).await;
    let warm = resident_kib();
    round(&client, &sim, CALLS).await;
    let counters = sim.counters();
    assert_eq!(
        counters.methods["imopenlines.revision.get"].calls,
        2 * CALLS as u64
    );
    assert!(
        counters.requests > 100,
        "the bucket had to pace: {} requests",
        counters.requests
    );
    if let (Some(warm), Some(after)) = (warm, resident_kib()) {
        let grown = after.saturating_sub(warm);
        assert!(
            grown < 64 * 1024,
            "a second round grew the process from {warm} KiB to {after} KiB"
        );
    }
}

/// Plain calls (no batching) leave at the client's pace; the portal never has to refuse one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paced_plain_calls_never_overflow_the_portals_bucket() {
    let sim = Simulator::builder()
        .rate_limit(bitrix24_sim::RateLimit {
            burst: 50.0,
            drain_per_second: 200.0,
        })
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .webhook(sim.webhook_url())
        .allow_http(true)
        .rate_limit(Some(RateLimit::new(25, 180.0)))
        .build()
        .unwrap();
    round(&client, &sim, 1_000).await;
    assert_eq!(sim.counters().requests, 1_000);
}
