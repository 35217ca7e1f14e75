//! `cargo xtask drift`: the facts of our pages against the upstream pages they mirror.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use bitrix24_spec::corpus::read_page;
use bitrix24_spec::drift::compare;
use bitrix24_spec::overrides::Overrides;
use serde_json::json;

pub fn run(docs: &Path, as_json: bool) -> Result<ExitCode> {
    if !docs.is_dir() {
        bail!("{} is not a docs checkout", docs.display());
    }
    let pages = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec/pages");
    let overrides = Overrides::committed().map_err(|e| anyhow!(e))?;
    let ours = bitrix24_spec::parse_spec(&pages).context("reading api-spec/pages")?;
    let mut rows = Vec::new();
    let mut unexplained = 0;
    let mut compared = 0;
    for page in &ours.pages {
        let Some(upstream) = &page.upstream else {
            continue;
        };
        let theirs = match read_page(docs, &upstream.path) {
            Ok(p) => p,
            Err(_) => {
                unexplained += 1;
                rows.push(json!({"page": page.path, "fact": "page", "ours": "present", "upstream": null, "explained_by": null}));
                continue;
            }
        };
        compared += 1;
        for d in compare(page, &theirs) {
            let why = overrides
                .explains(&d.name, &d.fact, d.upstream.as_deref())
                .map(|c| c.reason.clone());
            if why.is_none() {
                unexplained += 1;
            }
            rows.push(json!({"page": d.page, "name": d.name, "fact": d.fact, "ours": d.ours, "upstream": d.upstream, "explained_by": why}));
        }
    }
    if as_json {
        println!(
            "{}",
            json!({"compared": compared, "differences": rows, "unexplained": unexplained})
        );
    } else {
        for r in &rows {
            let mark = if r["explained_by"].is_null() {
                "DRIFT"
            } else {
                "known"
            };
            println!(
                "{mark} {} {}: ours {} / upstream {}",
                r["page"].as_str().unwrap_or(""),
                r["fact"].as_str().unwrap_or(""),
                r["ours"],
                r["upstream"]
            );
        }
        println!(
            "{compared} pages compared, {} differences, {unexplained} unexplained",
            rows.len()
        );
    }
    Ok(if unexplained == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
