//! `cargo xtask bench [--json] [--quick]`: speed measured side by side, in one run, on a shared machine.
//!
//! Every goal is a ratio of contenders that run alternately in the same process run, and each figure
//! is a median over rounds with its range. Writes `target/bench/report.md` and `report.json`; with
//! `--json` the object is printed on stdout too. Build with `--release` for real figures (the
//! `cargo xtask` alias builds in debug, so run `cargo run --release -p xtask -- bench`).

mod build;
mod bulk;
mod client;
mod decode;
mod fast_bitrix24;
mod generate;
mod parse;
mod report;
mod stats;
mod workload;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;
use bitrix24_sim::Latency;

use report::Report;

pub struct Options {
    pub docs: PathBuf,
    pub json: bool,
    pub quick: bool,
    /// Leave out the clean builds, which take minutes.
    pub no_build: bool,
}

/// Rounds and sizes of each part, for the quick and the full run.
struct Sizes {
    parse_rounds: usize,
    generate_rounds: usize,
    decode_rounds: usize,
    client_rounds: usize,
    client_calls: usize,
    bulk: bulk::Plan,
}

fn sizes(quick: bool) -> Sizes {
    let latencies = vec![
        Latency::default(),
        Latency {
            mean: Duration::from_millis(50),
            jitter: Duration::from_millis(10),
        },
    ];
    let bulk = |rounds, fallback_pools: &[usize], fallback_rates: &[f64]| bulk::Plan {
        rounds,
        latencies: latencies.clone(),
        reads: 5_000,
        seeded_users: 20_000,
        fallback_pools: fallback_pools.to_vec(),
        fallback_rates: fallback_rates.to_vec(),
        timeout: Duration::from_secs(120),
    };
    if quick {
        Sizes {
            parse_rounds: 3,
            generate_rounds: 3,
            decode_rounds: 3,
            client_rounds: 3,
            client_calls: 100,
            bulk: bulk(2, &[50, 25, 10, 5], &[20.0, 10.0, 5.0, 2.0]),
        }
    } else {
        Sizes {
            parse_rounds: 7,
            generate_rounds: 5,
            decode_rounds: 7,
            client_rounds: 7,
            client_calls: 300,
            bulk: bulk(
                5,
                &[50, 40, 30, 20, 10, 5, 2, 1],
                &[20.0, 15.0, 10.0, 5.0, 2.0],
            ),
        }
    }
}

/// What the figures were measured on.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, name)| name.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let rustc = std::process::Command::new("rustc")
        .arg("-V")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("{cpu}, {cores} cores, {}, {rustc}", std::env::consts::OS)
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

pub fn run(options: &Options) -> Result<()> {
    let started = Instant::now();
    let sizes = sizes(options.quick);
    let root = crate::generate::workspace_root();
    let mut report = Report::default();
    let load_before = load();
    let profile = if cfg!(debug_assertions) {
        "debug (use --release for real figures)"
    } else {
        "release"
    };
    report.key("machine", machine());
    report.key("profile", profile);
    report.key("quick", options.quick);

    eprintln!("bench: parser");
    parse::measure(&options.docs, sizes.parse_rounds, &mut report)?;
    eprintln!("bench: generate");
    generate::measure(sizes.generate_rounds, &mut report)?;
    eprintln!("bench: decode");
    decode::measure(sizes.decode_rounds, &mut report)?;

    let python = fast_bitrix24::prepare(&root.join("target/bench"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        eprintln!("bench: client overhead");
        client::measure(sizes.client_calls, sizes.client_rounds, &mut report).await?;
        eprintln!("bench: bulk");
        let python_error = python.as_ref().err().map(|e| format!("{e:#}"));
        bulk::measure(
            &sizes.bulk,
            python
                .as_ref()
                .map_err(|_| python_error.as_deref().unwrap_or("")),
            &mut report,
        )
        .await
    })?;
    drop(runtime);

    if options.quick || options.no_build {
        report.key("build_s", None::<f64>);
        report.note("`build_s` is not measured with `--quick` or `--no-build` (a clean build takes minutes).");
    } else {
        build::measure(&root, &mut report)?;
    }

    report.note(format!(
        "The minimum of a bulk workload is `max(0, R − B) / r + d · L`: R requests at the least with \
         50-command batches (reads: ⌈N / 50⌉; traversal: 1 + ⌈(⌈N / 50⌉ − 1) / 50⌉, the first page tells \
         the total), a bucket of B = {} at once draining r = {}/s that starts empty (the k-th request is \
         admitted no earlier than (k − B) / r), and d round trips of mean latency L on the critical path \
         (reads 1, traversal 2). Where the bucket does not bind and L = 0 the minimum is 0 and the ratio \
         is n/a.",
        bulk::BUCKET.burst,
        bulk::BUCKET.per_second
    ));
    report.note(format!(
        "Machine: {}; {profile} build; load average {load_before} before and {} after. The machine is \
         shared with other jobs, so absolute times are noisy; ratios are taken within a round of \
         alternated contenders. Took {:.0} s.",
        machine(),
        load(),
        started.elapsed().as_secs_f64()
    ));
    report.key("elapsed_s", started.elapsed().as_secs_f64());
    let dir = root.join("target/bench");
    report.write(&dir)?;
    if options.json {
        println!("{}", serde_json::to_string_pretty(&report.json())?);
    } else {
        print!("{}", report.markdown());
    }
    eprintln!("bench: wrote {}", dir.join("report.md").display());
    Ok(())
}
