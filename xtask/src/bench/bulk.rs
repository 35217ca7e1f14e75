//! Bulk work under the portal's leaky bucket (50 at once, 20 per second: the platform's bucket with
//! time scaled tenfold), at loopback speed and at a WAN-like 50 ms round trip: this crate's client
//! against its theoretical minimum and against fast_bitrix24 on the same simulator and limits.

use std::time::Duration;

use anyhow::Result;
use bitrix24_sim::{Latency, RateLimit, Simulator};
use serde_json::{Value, json};

use super::fast_bitrix24::{Python, Run};
use super::report::{Goal, Report, Row};
use super::stats::{Spread, ratios};
use super::workload::{Bucket, Workload, run_ours};

pub const BUCKET: Bucket = Bucket {
    burst: 50,
    per_second: 20.0,
};

/// How much of it to run.
pub struct Plan {
    pub rounds: usize,
    pub latencies: Vec<Latency>,
    pub reads: usize,
    pub seeded_users: usize,
    /// Throttle settings (pool sizes × rates per second) tried when fast_bitrix24 fails at matching
    /// limits, in the order of the time each implies for the workload, fastest first.
    pub fallback_pools: Vec<usize>,
    pub fallback_rates: Vec<f64>,
    pub timeout: Duration,
}

/// One workload at one latency.
struct Cell {
    workload: Workload,
    latency: Latency,
    items: usize,
    minimum_s: f64,
    ours_s: Vec<f64>,
    ours_requests: Vec<u64>,
    ours_refusals: Vec<u64>,
    fast: Option<FastFigures>,
}

struct FastFigures {
    version: String,
    matching: Run,
    matching_refusals: u64,
    /// `(setting, outcome, refusals)` of each fallback setting tried.
    search: Vec<(Bucket, Run, u64)>,
    /// The throttle of the alternated runs: the matching one, or the fastest that finished.
    setting: Option<Bucket>,
    runs: Vec<Run>,
}

pub async fn measure(
    plan: &Plan,
    python: Result<&Python, &str>,
    report: &mut Report,
) -> Result<()> {
    let mut cells = Vec::new();
    for latency in &plan.latencies {
        let mut builder = Simulator::builder()
            .rate_limit(RateLimit {
                burst: BUCKET.burst as f64,
                drain_per_second: BUCKET.per_second,
            })
            .seed_users(plan.seeded_users);
        if !latency.mean.is_zero() {
            builder = builder.latency(*latency);
        }
        let sim = builder.start().await?;
        let users = sim_users(&sim).await?;
        for (workload, items) in [(Workload::Reads, plan.reads), (Workload::Traversal, users)] {
            let cell = run_cell(&sim, plan, python, workload, items, *latency).await?;
            eprintln!(
                "bench: {} at {} ms done",
                workload.name(),
                latency.mean.as_millis()
            );
            cells.push(cell);
        }
    }
    summarise(&cells, python.err(), report);
    Ok(())
}

/// The simulator's user count (demo users plus seeded ones), read without limits in the way.
async fn sim_users(sim: &Simulator) -> Result<usize> {
    let answer: Value = reqwest::Client::new()
        .post(format!("{}user.get", sim.webhook_url()))
        .send()
        .await?
        .json()
        .await?;
    sim.reset();
    Ok(answer["total"].as_u64().unwrap_or(0) as usize)
}

/// One workload on one simulator: each run starts from a reset portal (an empty bucket, zeroed counters).
struct Arena<'a> {
    sim: &'a Simulator,
    webhook: String,
    workload: Workload,
    items: usize,
    timeout: Duration,
}

impl Arena<'_> {
    /// fast_bitrix24 once with its throttle at `throttle`; also the refusals.
    async fn fast(&self, py: &Python, throttle: Bucket) -> Result<(Run, u64)> {
        self.sim.reset();
        let run = py
            .run(
                &self.webhook,
                self.workload,
                self.items,
                throttle,
                self.timeout,
            )
            .await?;
        Ok((run, self.sim.counters().limit_refusals))
    }

    /// Our client once; also the requests and refusals the portal saw.
    async fn ours(&self) -> Result<(f64, u64, u64)> {
        self.sim.reset();
        let seconds = run_ours(self.workload, self.items, &self.webhook, BUCKET).await?;
        let counters = self.sim.counters();
        Ok((seconds, counters.requests, counters.limit_refusals))
    }

    /// fast_bitrix24 at matching limits, then, if it failed, at slower settings until one finishes.
    async fn fast_setting(&self, py: &Python, fallback: &[Bucket]) -> Result<FastFigures> {
        let (matching, matching_refusals) = self.fast(py, BUCKET).await?;
        let mut search = Vec::new();
        let mut setting = matching.finished().then_some(BUCKET);
        if setting.is_none() {
            for candidate in fallback {
                let (run, refusals) = self.fast(py, *candidate).await?;
                let finished = run.finished();
                search.push((*candidate, run, refusals));
                if finished {
                    setting = Some(*candidate);
                    break;
                }
            }
        }
        Ok(FastFigures {
            version: py.version.clone(),
            matching,
            matching_refusals,
            search,
            setting,
            runs: Vec::new(),
        })
    }

    /// One fast_bitrix24 run at its chosen setting, if it has one.
    async fn fast_round(
        &self,
        fast: &mut Option<FastFigures>,
        python: Result<&Python, &str>,
    ) -> Result<()> {
        if let (Some(figures), Ok(py)) = (fast.as_mut(), python)
            && let Some(setting) = figures.setting
        {
            figures.runs.push(self.fast(py, setting).await?.0);
        }
        Ok(())
    }
}

async fn run_cell(
    sim: &Simulator,
    plan: &Plan,
    python: Result<&Python, &str>,
    workload: Workload,
    items: usize,
    latency: Latency,
) -> Result<Cell> {
    let (requests, round_trips) = workload.least_requests(items);
    let arena = Arena {
        sim,
        webhook: sim.webhook_url(),
        workload,
        items,
        timeout: plan.timeout,
    };
    let mut fallback: Vec<Bucket> = plan
        .fallback_pools
        .iter()
        .flat_map(|&burst| {
            plan.fallback_rates
                .iter()
                .map(move |&per_second| Bucket { burst, per_second })
        })
        .filter(|setting| setting.burst != BUCKET.burst || setting.per_second != BUCKET.per_second)
        .collect();
    let implied = |b: &Bucket| b.minimum(requests, 0, Duration::ZERO);
    fallback.sort_by(|a, b| {
        implied(a)
            .total_cmp(&implied(b))
            .then(b.burst.cmp(&a.burst))
    });
    let mut fast = match python {
        Ok(py) => Some(arena.fast_setting(py, &fallback).await?),
        Err(_) => None,
    };
    let mut cell = Cell {
        workload,
        latency,
        items,
        minimum_s: BUCKET.minimum(requests, round_trips, latency.mean),
        ours_s: Vec::new(),
        ours_requests: Vec::new(),
        ours_refusals: Vec::new(),
        fast: None,
    };
    for round in 0..plan.rounds {
        let theirs_first = round % 2 == 1;
        if theirs_first {
            arena.fast_round(&mut fast, python).await?;
        }
        let (seconds, requests, refusals) = arena.ours().await?;
        cell.ours_s.push(seconds);
        cell.ours_requests.push(requests);
        cell.ours_refusals.push(refusals);
        if !theirs_first {
            arena.fast_round(&mut fast, python).await?;
        }
    }
    cell.fast = fast;
    Ok(cell)
}

fn latency_text(latency: &Latency) -> String {
    if latency.mean.is_zero() {
        "0 ms".into()
    } else {
        format!(
            "{}±{} ms",
            latency.mean.as_millis(),
            latency.jitter.as_millis()
        )
    }
}

fn summarise(cells: &[Cell], python_error: Option<&str>, report: &mut Report) {
    let mut details = Vec::new();
    for cell in cells {
        let ours = Spread::of(&cell.ours_s);
        let vs_min = (cell.minimum_s > 0.0).then(|| {
            Spread::of(
                &cell
                    .ours_s
                    .iter()
                    .map(|s| s / cell.minimum_s)
                    .collect::<Vec<_>>(),
            )
        });
        let theirs: Vec<f64> = cell
            .fast
            .iter()
            .flat_map(|f| &f.runs)
            .map(|run| {
                if run.finished() {
                    run.elapsed_s
                } else {
                    f64::NAN
                }
            })
            .collect();
        // When none of the alternated runs finished, the one search run that did is the only
        // figure there is: compare our median with it rather than leave the ratio out.
        let search_finish = cell
            .fast
            .iter()
            .flat_map(|f| &f.search)
            .find(|(_, run, _)| run.finished())
            .map(|(_, run, _)| run.elapsed_s);
        let vs_fast = match Spread::of(&ratios(&cell.ours_s, &theirs)) {
            spread if spread.n > 0 => Some(spread),
            _ => search_finish.map(|theirs| Spread::of(&[ours.median / theirs])),
        };
        let outcome = match (&cell.fast, python_error) {
            (Some(f), _) if f.matching.finished() => "finished".to_owned(),
            (Some(f), _) => format!(
                "failed: {} ({} limit refusals)",
                f.matching.error.as_deref().unwrap_or(&f.matching.outcome),
                f.matching_refusals
            ),
            (None, Some(error)) => format!("not run: {error}"),
            (None, None) => "not run".to_owned(),
        };
        let setting = cell.fast.as_ref().and_then(|f| f.setting);
        let setting_text = |b: &Bucket| format!("pool {} + {}/s", b.burst, b.per_second);
        let suffix = match (cell.workload, cell.latency.mean.is_zero()) {
            (Workload::Reads, true) => String::new(),
            (Workload::Reads, false) => format!("_{}ms", cell.latency.mean.as_millis()),
            (Workload::Traversal, true) => "_traversal".into(),
            (Workload::Traversal, false) => {
                format!("_traversal_{}ms", cell.latency.mean.as_millis())
            }
        };
        report.key(
            &format!("bulk_vs_min_ratio{suffix}"),
            vs_min.map(|s| s.median),
        );
        report.key(
            &format!("bulk_vs_fast_bitrix24_ratio{suffix}"),
            vs_fast.map(|s| s.median),
        );
        report.key(&format!("fast_bitrix24_outcome{suffix}"), &outcome);
        report.key(
            &format!("fast_bitrix24_rate{suffix}"),
            setting.as_ref().map(setting_text),
        );
        let what = format!(
            "{} {} at {}",
            cell.items,
            match cell.workload {
                Workload::Reads => "reads",
                Workload::Traversal => "rows traversed",
            },
            latency_text(&cell.latency)
        );
        let refusals = Spread::of(
            &cell
                .ours_refusals
                .iter()
                .map(|&r| r as f64)
                .collect::<Vec<_>>(),
        );
        let requests = Spread::of(
            &cell
                .ours_requests
                .iter()
                .map(|&r| r as f64)
                .collect::<Vec<_>>(),
        );
        report.row(
            Row {
                figure: format!("`bulk_vs_min_ratio{suffix}`"),
                value: vs_min.map_or("n/a".into(), |s| s.show(3)),
                goal: Some(Goal::AtMost(1.10)),
                note: format!(
                    "{what}: {} s vs minimum {:.3} s; {} requests, {} limit refusals (healed by retry)",
                    ours.show(2),
                    cell.minimum_s,
                    requests.show(0),
                    refusals.show(0)
                ),
            },
            vs_min.map(|s| s.median),
        );
        let fast_note = match &cell.fast {
            Some(f) => {
                let tried: Vec<String> = f
                    .search
                    .iter()
                    .map(|(setting, run, refusals)| {
                        format!(
                            "{}: {} ({refusals} refusals)",
                            setting_text(setting),
                            run.outcome
                        )
                    })
                    .collect();
                let finished = Spread::of(&theirs);
                format!(
                    "{what}; fast_bitrix24 {} at pool 50 + 20/s: {outcome}{}; alternated runs at {}: {} s ({} of {} finished){}",
                    f.version,
                    if tried.is_empty() {
                        String::new()
                    } else {
                        format!("; then tried {}", tried.join(", "))
                    },
                    setting.as_ref().map_or("no setting".into(), setting_text),
                    finished.show(2),
                    finished.n,
                    f.runs.len(),
                    if finished.n == 0 && vs_fast.is_some() {
                        "; the ratio uses the search run that finished"
                    } else {
                        ""
                    }
                )
            }
            None => format!("{what}; fast_bitrix24 {outcome}"),
        };
        report.row(
            Row {
                figure: format!("`bulk_vs_fast_bitrix24_ratio{suffix}`"),
                value: vs_fast.map_or("n/a".into(), |s| s.show(3)),
                goal: Some(Goal::Below(1.0)),
                note: fast_note,
            },
            vs_fast.map(|s| s.median),
        );
        details.push(json!({
            "workload": cell.workload, "latency_ms": cell.latency.mean.as_millis() as u64,
            "jitter_ms": cell.latency.jitter.as_millis() as u64, "items": cell.items,
            "minimum_s": cell.minimum_s, "ours_s": ours, "ours_requests": cell.ours_requests,
            "ours_limit_refusals": cell.ours_refusals, "vs_min": vs_min, "vs_fast_bitrix24": vs_fast,
            "fast_bitrix24": cell.fast.as_ref().map(|f| json!({
                "version": f.version, "matching": f.matching, "matching_limit_refusals": f.matching_refusals,
                "search": f.search.iter().map(|(setting, run, refusals)| json!({"setting": setting, "run": run, "limit_refusals": refusals})).collect::<Vec<_>>(),
                "setting": f.setting, "runs": f.runs,
            })),
        }));
    }
    report.note(format!(
        "Bulk runs: the simulator's bucket is {} at once and {}/s (the platform's 50 and 2/s with time \
         scaled tenfold); our client is told the same bucket, keeps its default retries and batches \
         automatically with a {} ms window. fast_bitrix24's throttle is set to the same numbers \
         (`request_pool_size`, `requests_per_second`); when it fails there, the slower settings are \
         tried in the order of the time each implies for the workload, and the first that finishes is \
         the one alternated with ours. Every run starts from a reset simulator (an empty bucket).",
        BUCKET.burst,
        BUCKET.per_second,
        super::workload::AUTO_BATCH_WINDOW.as_millis()
    ));
    report.key("bulk", details);
    report.key("bucket", BUCKET);
}
