//! The two bulk workloads, as this crate's client runs them, and their theoretical minimum.
//!
//! - `reads`: independent `imopenlines.config.get` calls, all issued at once; the client's automatic
//!   batching packs them into `batch` requests of 50.
//! - `traversal`: every row of `user.get` over a seeded list. The first page tells the total; the
//!   other pages are then requested at once by `start`, and automatic batching packs 50 pages into one
//!   request, which is what fast_bitrix24's `get_all` does too.

use std::collections::BTreeSet;
use std::time::Duration;

use anyhow::{Result, bail};
use bitrix24_api::{Client, Method, RateLimit, UndocumentedError};
use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;
use tokio::time::Instant;

/// Rows and commands per request: a page of a list method, and the commands of one `batch`.
pub const PER_REQUEST: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Workload {
    Reads,
    Traversal,
}

impl Workload {
    pub fn name(self) -> &'static str {
        match self {
            Workload::Reads => "reads",
            Workload::Traversal => "traversal",
        }
    }

    /// Requests the work needs at the least with 50-command batches, for `items` reads or rows, and
    /// how many of them must wait for an earlier answer before they can leave (the round trips on the
    /// critical path).
    pub fn least_requests(self, items: usize) -> (usize, usize) {
        match self {
            Workload::Reads => (items.div_ceil(PER_REQUEST), 1),
            Workload::Traversal => {
                let pages = items.div_ceil(PER_REQUEST);
                (1 + (pages - 1).div_ceil(PER_REQUEST), 2)
            }
        }
    }
}

/// The portal's bucket, as both sides are told it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bucket {
    pub burst: usize,
    pub per_second: f64,
}

impl Bucket {
    /// The least time `requests` requests take when the bucket starts empty: the `k`-th request is
    /// admitted no earlier than `(k − burst) / per_second` after the first, and the answer to the last
    /// one still needs its round trip; each earlier dependent round trip adds one more.
    pub fn minimum(self, requests: usize, round_trips: usize, latency: Duration) -> f64 {
        let paced = requests.saturating_sub(self.burst) as f64 / self.per_second;
        paced + round_trips as f64 * latency.as_secs_f64()
    }
}

/// How long automatic batching waits for more calls. 5 ms left a tenth of the batches short on this
/// loaded two-core machine, where a task can be descheduled for longer than the window; 20 ms fills
/// them and costs one window of latency on the first batch.
pub const AUTO_BATCH_WINDOW: Duration = Duration::from_millis(20);

/// The client under test: the portal's own bucket, default retries, automatic batching.
fn client(webhook: &str, bucket: Bucket) -> Result<Client> {
    Ok(Client::builder()
        .webhook(webhook)
        .allow_http(true)
        .rate_limit(Some(RateLimit::new(bucket.burst as u32, bucket.per_second)))
        .auto_batch(AUTO_BATCH_WINDOW)
        .build()?)
}

/// `user.get` for one page, as a typed request (the generated scopes do not cover `user.*`).
#[derive(Debug, Clone, Serialize)]
struct UserGet {
    start: usize,
}

#[derive(Debug, Deserialize)]
struct UserRow {
    #[serde(rename = "ID")]
    id: String,
}

impl Method for UserGet {
    const NAME: &'static str = "user.get";
    const SCOPE: &'static str = "user";
    const SAFE_TO_REPEAT: bool = true;
    type Response = Vec<UserRow>;
    type Wire = bitrix24_api::wire::Same;
    type Error = UndocumentedError;
}

/// Runs the workload once; returns the seconds from the first call to the last answer.
pub async fn run_ours(
    workload: Workload,
    items: usize,
    webhook: &str,
    bucket: Bucket,
) -> Result<f64> {
    let client = client(webhook, bucket)?;
    let start = Instant::now();
    match workload {
        Workload::Reads => reads(&client, items).await?,
        Workload::Traversal => traverse(&client, items).await?,
    }
    Ok(start.elapsed().as_secs_f64())
}

async fn reads(client: &Client, count: usize) -> Result<()> {
    let mut calls = JoinSet::new();
    for _ in 0..count {
        let client = client.clone();
        calls.spawn(async move {
            client
                .imopenlines()
                .config_get(1)
                .await
                .map(|r| r.result.id)
        });
    }
    let mut done = 0;
    while let Some(answer) = calls.join_next().await {
        answer??;
        done += 1;
    }
    if done != count {
        bail!("{done} of {count} reads answered");
    }
    Ok(())
}

async fn traverse(client: &Client, expected: usize) -> Result<()> {
    let first = client.call(UserGet { start: 0 }).await?;
    let total = first.total.unwrap_or(0) as usize;
    let mut ids: BTreeSet<String> = first.result.into_iter().map(|row| row.id).collect();
    let mut pages = JoinSet::new();
    for start in (PER_REQUEST..total).step_by(PER_REQUEST) {
        let client = client.clone();
        pages.spawn(async move { client.call(UserGet { start }).await });
    }
    while let Some(page) = pages.join_next().await {
        ids.extend(page??.result.into_iter().map(|row| row.id));
    }
    if total != expected || ids.len() != total {
        bail!(
            "the traversal read {} distinct rows of {total} (expected {expected})",
            ids.len()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_requests_and_minimum() {
        assert_eq!(Workload::Reads.least_requests(5_000), (100, 1));
        // 20,005 rows: 401 pages, the first alone, then 400 in 8 batches.
        assert_eq!(Workload::Traversal.least_requests(20_005), (9, 2));
        let bucket = Bucket {
            burst: 50,
            per_second: 20.0,
        };
        assert_eq!(bucket.minimum(100, 1, Duration::ZERO), 2.5);
        assert!((bucket.minimum(100, 1, Duration::from_millis(50)) - 2.55).abs() < 1e-9);
        assert_eq!(bucket.minimum(9, 2, Duration::ZERO), 0.0);
    }
}
