//! `build_s`: what a user's `cargo build -p bitrix24-api` with one scope feature costs, clean and after
//! touching one file, per TLS provider, in target dirs of its own under `target/bench` so the
//! development target is left alone. `cargo build --timings` tells which crates dominate.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde::Serialize;
use serde_json::{Value, json};

use super::report::{Report, Row};

/// A feature set to build `bitrix24-api` with.
struct Variant {
    name: &'static str,
    features: &'static str,
}

const VARIANTS: [Variant; 3] = [
    Variant {
        name: "aws-lc-rs (default)",
        features: "imopenlines,tls-aws-lc-rs",
    },
    Variant {
        name: "ring",
        features: "imopenlines,tls-ring",
    },
    Variant {
        name: "full, ring",
        features: "full,tls-ring",
    },
];

/// The slowest units of a `--timings` report.
#[derive(Debug, Serialize)]
struct Unit {
    name: String,
    target: String,
    seconds: f64,
}

#[derive(Debug, Serialize)]
struct Figures {
    variant: &'static str,
    features: &'static str,
    clean_s: f64,
    incremental_s: f64,
    units: usize,
    slowest: Vec<Unit>,
}

fn cargo_build(root: &Path, target: &Path, features: &str, timings: bool) -> Result<f64> {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .args([
            "build",
            "--quiet",
            "-p",
            "bitrix24-api",
            "--no-default-features",
        ])
        .args(["--features", features]);
    if timings {
        command.arg("--timings");
    }
    let start = Instant::now();
    let status = command.status().context("running cargo build")?;
    if !status.success() {
        bail!("cargo build -p bitrix24-api --features {features} failed");
    }
    Ok(start.elapsed().as_secs_f64())
}

/// The units of `cargo-timing.html`, slowest first.
fn slowest_units(target: &Path) -> Result<(usize, Vec<Unit>)> {
    let html = std::fs::read_to_string(target.join("cargo-timings/cargo-timing.html"))?;
    let data = html
        .split_once("const UNIT_DATA = ")
        .and_then(|(_, rest)| rest.split_once(";\n"))
        .map(|(data, _)| data)
        .context("no UNIT_DATA in the timings report")?;
    let units: Vec<Value> = serde_json::from_str(data)?;
    let mut slowest: Vec<Unit> = units
        .iter()
        .map(|unit| Unit {
            name: unit["name"].as_str().unwrap_or("").to_owned(),
            target: unit["target"].as_str().unwrap_or("").trim().to_owned(),
            seconds: unit["duration"].as_f64().unwrap_or(0.0),
        })
        .collect();
    slowest.sort_by(|a, b| b.seconds.total_cmp(&a.seconds));
    slowest.truncate(5);
    Ok((units.len(), slowest))
}

pub fn measure(root: &Path, report: &mut Report) -> Result<()> {
    let mut all = Vec::new();
    for variant in VARIANTS {
        let target = root
            .join("target/bench/build")
            .join(variant.name.split(' ').next().unwrap_or("x"));
        if target.exists() {
            std::fs::remove_dir_all(&target)?;
        }
        eprintln!("bench: clean build with {}", variant.name);
        let clean_s = cargo_build(root, &target, variant.features, true)?;
        let (units, slowest) = slowest_units(&target)?;
        // Touch the crate root, as an edit would, and build again.
        let lib = root.join("bitrix24-api/src/lib.rs");
        std::fs::File::options()
            .append(true)
            .open(&lib)?
            .set_modified(std::time::SystemTime::now())?;
        let incremental_s = cargo_build(root, &target, variant.features, false)?;
        all.push(Figures {
            variant: variant.name,
            features: variant.features,
            clean_s,
            incremental_s,
            units,
            slowest,
        });
    }
    if let Some(default) = all.first() {
        report.key(
            "build_s",
            json!({"clean": default.clean_s, "incremental": default.incremental_s}),
        );
    }
    for figures in &all {
        let slowest: Vec<String> = figures
            .slowest
            .iter()
            .map(|u| format!("{} {} {:.0} s", u.name, u.target, u.seconds))
            .collect();
        report.row(
            Row {
                figure: format!("`build_s` ({})", figures.variant),
                value: format!(
                    "clean {:.0} s, incremental {:.1} s",
                    figures.clean_s, figures.incremental_s
                ),
                goal: None,
                note: format!(
                    "`--no-default-features --features {}`, {} units; slowest: {}",
                    figures.features,
                    figures.units,
                    slowest.join(", ")
                ),
            },
            None,
        );
    }
    report.key("builds", &all);
    Ok(())
}
