//! Times the docs parser against a bare pulldown-cmark pass over a whole docs tree held in memory,
//! as `cargo xtask bench` does for `parse_ratio`, without building the rest of the workspace.
//!
//! ```sh
//! cargo run --release -p bitrix24-spec --example parse_corpus -- ../shared/b24restdocs           # 9 rounds
//! cargo run --release -p bitrix24-spec --example parse_corpus -- DOCS --rounds 21
//! cargo run --release -p bitrix24-spec --example parse_corpus -- DOCS --only parser --rounds 2  # to profile
//! cargo run --release -p bitrix24-spec --example parse_corpus -- DOCS --dump ir.jsonl           # every page's IR
//! cargo run --release -p bitrix24-spec --example parse_corpus -- DOCS --dump-blocks blocks.txt  # every L0 tree
//! ```
//!
//! `--dump` writes the IR of every page (diagnostics included), one JSON object per line in path
//! order, and `--dump-blocks` the block tree and diagnostics of every file, so that a speed change
//! can be checked to leave the output byte for byte the same.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use bitrix24_spec::corpus::markdown_files;
use bitrix24_spec::include::Loader;

/// The whole docs tree in memory, so includes resolve without touching the disk.
struct InMemory(BTreeMap<String, String>);

impl Loader for InMemory {
    fn load(&self, path: &str) -> Option<String> {
        self.0.get(path).cloned()
    }
}

struct Args {
    docs: PathBuf,
    rounds: usize,
    /// Run one contender only (`parser` or `pulldown`), for a profiler.
    only: Option<String>,
    dump: Option<PathBuf>,
    dump_blocks: Option<PathBuf>,
}

fn args() -> Args {
    let mut args = Args {
        docs: PathBuf::from("../shared/b24restdocs"),
        rounds: 9,
        only: None,
        dump: None,
        dump_blocks: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--rounds" => args.rounds = it.next().and_then(|n| n.parse().ok()).expect("--rounds N"),
            "--only" => args.only = Some(it.next().expect("--only parser|pulldown")),
            "--dump" => args.dump = Some(it.next().expect("--dump FILE").into()),
            "--dump-blocks" => {
                args.dump_blocks = Some(it.next().expect("--dump-blocks FILE").into())
            }
            _ => args.docs = a.into(),
        }
    }
    args
}

fn main() {
    let args = args();
    let files: BTreeMap<String, String> = markdown_files(&args.docs, &args.docs)
        .into_iter()
        .filter_map(|rel| {
            let text = std::fs::read_to_string(args.docs.join(&rel)).ok()?;
            Some((rel, text))
        })
        .collect();
    let bytes: usize = files.values().map(String::len).sum();
    let loader = InMemory(files);

    if let Some(path) = &args.dump {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("dump file"));
        for (rel, text) in &loader.0 {
            let page = bitrix24_spec::parse_page(rel, text, &loader);
            serde_json::to_writer(&mut out, &page).expect("serialisable page");
            writeln!(out).expect("write");
        }
        out.flush().expect("write");
        eprintln!("wrote {} pages to {}", loader.0.len(), path.display());
        return;
    }
    if let Some(path) = &args.dump_blocks {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("dump file"));
        for (rel, text) in &loader.0 {
            let mut diags = bitrix24_spec::diag::Diagnostics::new(rel.as_str());
            let blocks = bitrix24_spec::blocks::parse(text, &mut diags);
            writeln!(out, "{rel}\n{blocks:#?}\n{:#?}", diags.items()).expect("write");
        }
        out.flush().expect("write");
        eprintln!("wrote {} block trees to {}", loader.0.len(), path.display());
        return;
    }

    let parser = || {
        let start = Instant::now();
        for (rel, text) in &loader.0 {
            std::hint::black_box(bitrix24_spec::parse_page(rel, text, &loader));
        }
        start.elapsed().as_secs_f64() * 1e3
    };
    let markdown = || {
        let start = Instant::now();
        for text in loader.0.values() {
            let events =
                pulldown_cmark::Parser::new_ext(text, pulldown_cmark::Options::all()).count();
            std::hint::black_box(events);
        }
        start.elapsed().as_secs_f64() * 1e3
    };
    if let Some(only) = &args.only {
        for _ in 0..args.rounds {
            match only.as_str() {
                "parser" => parser(),
                "pulldown" => markdown(),
                _ => panic!("--only parser|pulldown"),
            };
        }
        return;
    }

    // Alternate the order each round, and take each ratio within its round.
    let (mut ours, mut bare, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..args.rounds {
        let (p, m) = if round % 2 == 0 {
            let p = parser();
            (p, markdown())
        } else {
            let m = markdown();
            (parser(), m)
        };
        ours.push(p);
        bare.push(m);
        ratios.push(p / m);
    }
    println!(
        "{} files, {:.1} MiB, {} rounds",
        loader.0.len(),
        bytes as f64 / 1048576.0,
        args.rounds
    );
    println!("parse_ratio {}", spread(&mut ratios, 2));
    println!("parser ms   {}", spread(&mut ours, 0));
    println!("pulldown ms {}", spread(&mut bare, 0));
}

/// `median (min–max)`.
fn spread(values: &mut [f64], digits: usize) -> String {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    };
    format!(
        "{median:.digits$} ({:.digits$}–{:.digits$})",
        values[0],
        values[n - 1]
    )
}
