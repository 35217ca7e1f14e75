//! `cargo xtask bench`: timings that do not belong in tests.
//!
//! The parser is measured against a bare pulldown-cmark pass over the same files, all held in
//! memory so that disk reads do not blur the figures. Build with `--release` for real numbers.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use bitrix24_spec::corpus::markdown_files;
use bitrix24_spec::include::Loader;

/// The whole docs tree in memory, so includes resolve without touching the disk.
struct InMemory(HashMap<String, String>);

impl Loader for InMemory {
    fn load(&self, path: &str) -> Option<String> {
        self.0.get(path).cloned()
    }
}

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

pub fn run(docs: &Path, runs: usize) -> Result<()> {
    if !docs.is_dir() {
        bail!("{} is not a folder", docs.display());
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
    let markdown = best_of(runs, || {
        for text in loader.0.values() {
            let events =
                pulldown_cmark::Parser::new_ext(text, pulldown_cmark::Options::all()).count();
            std::hint::black_box(events);
        }
    });
    let parser = best_of(runs, || {
        for (rel, text) in &loader.0 {
            std::hint::black_box(bitrix24_spec::parse_page(rel, text, &loader));
        }
    });
    let profile = if cfg!(debug_assertions) {
        "debug (use --release for real figures)"
    } else {
        "release"
    };
    println!(
        "{} files, {:.1} MiB, best of {runs}, {profile}",
        loader.0.len(),
        bytes as f64 / 1048576.0
    );
    println!(
        "pulldown-cmark pass   {:>8.1} ms",
        markdown.as_secs_f64() * 1e3
    );
    println!(
        "bitrix24-spec parse   {:>8.1} ms",
        parser.as_secs_f64() * 1e3
    );
    println!(
        "ratio                 {:>8.2}x (goal: at most 3x)",
        parser.as_secs_f64() / markdown.as_secs_f64()
    );
    Ok(())
}
