//! `parse_ratio`: the docs parser against a bare pulldown-cmark pass over the same files, all held in
//! memory so that disk reads do not blur the figures.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Result, bail};
use bitrix24_spec::corpus::markdown_files;
use bitrix24_spec::include::Loader;

use super::report::{Goal, Report, Row};
use super::stats::{Spread, alternate, ms, ratios, time};

/// The whole docs tree in memory, so includes resolve without touching the disk.
struct InMemory(HashMap<String, String>);

impl Loader for InMemory {
    fn load(&self, path: &str) -> Option<String> {
        self.0.get(path).cloned()
    }
}

pub fn measure(docs: &Path, rounds: usize, report: &mut Report) -> Result<()> {
    if !docs.is_dir() {
        bail!("{} is not a folder (give --docs)", docs.display());
    }
    let files: HashMap<String, String> = markdown_files(docs, docs)
        .into_iter()
        .filter_map(|rel| {
            std::fs::read_to_string(docs.join(&rel))
                .ok()
                .map(|t| (rel, t))
        })
        .collect();
    let bytes: usize = files.values().map(String::len).sum();
    let loader = InMemory(files);
    let markdown = || {
        time(|| {
            for text in loader.0.values() {
                let events =
                    pulldown_cmark::Parser::new_ext(text, pulldown_cmark::Options::all()).count();
                std::hint::black_box(events);
            }
        })
    };
    let parser = || {
        time(|| {
            for (rel, text) in &loader.0 {
                std::hint::black_box(bitrix24_spec::parse_page(rel, text, &loader));
            }
        })
    };
    let (ours, bare) = alternate(rounds, parser, markdown);
    let ratio = Spread::of(&ratios(&ours, &bare));
    let ours = Spread::of(&ours.iter().copied().map(ms).collect::<Vec<_>>());
    let bare = Spread::of(&bare.iter().copied().map(ms).collect::<Vec<_>>());
    report.key("parse_ratio", ratio.median);
    report.key(
        "parse",
        serde_json::json!({
            "files": loader.0.len(), "bytes": bytes, "ratio": ratio, "parser_ms": ours, "pulldown_cmark_ms": bare,
        }),
    );
    report.row(
        Row {
            figure: "`parse_ratio`".into(),
            value: ratio.show(2),
            goal: Some(Goal::AtMost(3.0)),
            note: format!(
                "{} files, {:.1} MiB: parser {} ms vs pulldown-cmark {} ms",
                loader.0.len(),
                bytes as f64 / 1048576.0,
                ours.show(0),
                bare.show(0)
            ),
        },
        Some(ratio.median),
    );
    Ok(())
}
