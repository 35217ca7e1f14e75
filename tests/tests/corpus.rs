//! The parser over the whole upstream corpus: no page fails, the classification matches the
//! format survey, and every parameter table yields typed fields. Skips without the corpus.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use bitrix24_spec::corpus::{markdown_files, read_page};
use bitrix24_spec::ir::{Page, PageKind, TypeExpr};

fn corpus() -> Option<PathBuf> {
    bitrix24_spec::corpus::upstream_docs(Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// Method, event and index pages per top-level folder, from the format survey's table (§1.3).
const SURVEY: &[(&str, usize, usize, usize)] = &[
    ("ai", 3, 0, 1),
    ("biconnector", 19, 0, 4),
    ("bizproc", 21, 0, 5),
    ("booking", 38, 12, 14),
    ("calendar", 21, 6, 5),
    ("catalog", 149, 15, 34),
    ("chat-bots", 64, 8, 22),
    ("chats", 67, 0, 12),
    ("common", 15, 6, 5),
    ("crm", 436, 98, 112),
    ("departments", 29, 0, 5),
    ("disk", 38, 0, 7),
    ("document-generator", 29, 0, 6),
    ("entity", 17, 0, 5),
    ("event-log", 5, 0, 1),
    ("events", 8, 1, 1),
    ("files", 0, 0, 1),
    ("imopenlines", 50, 12, 10),
    ("landing", 99, 0, 18),
    ("lists", 19, 0, 5),
    ("log", 9, 3, 3),
    ("mail", 24, 0, 4),
    ("mailservice", 6, 0, 1),
    ("messageservice", 5, 0, 1),
    ("note", 25, 0, 4),
    ("outdated", 30, 0, 9),
    ("pay-system", 14, 0, 2),
    ("sale", 140, 10, 30),
    ("scopes", 0, 0, 1),
    ("sign", 16, 3, 3),
    ("sonet-group", 44, 6, 10),
    ("tasks", 140, 6, 18),
    ("telephony", 34, 5, 8),
    ("timeman", 18, 0, 6),
    ("user", 11, 0, 2),
    ("user-consent", 3, 0, 1),
    ("vibe", 4, 0, 1),
    ("vote", 10, 0, 1),
    ("widgets", 8, 0, 15),
];

struct Parsed {
    rel: String,
    text: String,
    page: Page,
}

fn parse_all(root: &Path) -> (Vec<Parsed>, Vec<String>) {
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for rel in markdown_files(root, &root.join("api-reference")) {
        match catch_unwind(AssertUnwindSafe(|| read_page(root, &rel))) {
            Ok(Ok(page)) => {
                let text = std::fs::read_to_string(root.join(&rel)).unwrap_or_default();
                ok.push(Parsed { rel, text, page });
            }
            _ => failed.push(rel),
        }
    }
    (ok, failed)
}

#[test]
fn the_corpus_parses_and_matches_the_survey() {
    let Some(root) = corpus() else {
        println!(
            "skipped: no upstream docs corpus (set B24_DOCS or put it at ../shared/b24restdocs)"
        );
        return;
    };
    let (pages, failed) = parse_all(&root);
    assert!(
        failed.is_empty(),
        "pages the parser could not process: {failed:?}"
    );

    let mut ours: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for p in &pages {
        let folder = p
            .rel
            .split('/')
            .nth(1)
            .filter(|_| p.rel.matches('/').count() > 1)
            .unwrap_or("");
        let e = ours.entry(folder).or_default();
        match p.page.kind {
            PageKind::Method => e.0 += 1,
            PageKind::Event => e.1 += 1,
            PageKind::Index => e.2 += 1,
            _ => {}
        }
    }
    let (mut mine, mut theirs) = ((0, 0, 0), (0, 0, 0));
    for &(folder, m, e, i) in SURVEY {
        if let Some(&(om, oe, oi)) = ours.get(folder) {
            mine = (mine.0 + om, mine.1 + oe, mine.2 + oi);
            theirs = (theirs.0 + m, theirs.1 + e, theirs.2 + i);
        }
    }
    let within = |a: usize, b: usize| a.abs_diff(b) as f64 <= (b as f64 * 0.01).max(1.0);
    assert!(
        within(mine.0, theirs.0),
        "methods: {} parsed, survey {}",
        mine.0,
        theirs.0
    );
    assert!(
        within(mine.1, theirs.1),
        "events: {} parsed, survey {}",
        mine.1,
        theirs.1
    );
    assert!(
        within(mine.2, theirs.2),
        "index pages: {} parsed, survey {}",
        mine.2,
        theirs.2
    );
    println!("methods {mine:?} vs survey {theirs:?} (method, event, index)");
}

/// The text of the `## Method Parameters` section, when the page has one.
fn params_section(text: &str) -> Option<&str> {
    let start = text
        .find("\n## Method Parameters")
        .or_else(|| text.find("\n## Method parameters"))?;
    let body = &text[start + 3..];
    let end = body.find("\n## ").unwrap_or(body.len());
    Some(&body[..end])
}

#[test]
fn every_parameter_table_yields_typed_fields() {
    let Some(root) = corpus() else {
        println!("skipped: no upstream docs corpus");
        return;
    };
    let (pages, _) = parse_all(&root);
    let mut empty = Vec::new();
    let mut untyped = Vec::new();
    let mut checked = 0;
    for p in pages.iter().filter(|p| p.page.kind == PageKind::Method) {
        let Some(section) = params_section(&p.text) else {
            continue;
        };
        if !section.contains("#|") || !section.contains("`type`") {
            continue;
        }
        checked += 1;
        if p.page.params.is_empty() {
            empty.push(p.rel.clone());
        }
        for f in &p.page.params {
            if matches!(f.ty, TypeExpr::Missing) {
                untyped.push(format!("{}: {}", p.rel, f.name.wire));
            }
        }
    }
    println!("{checked} method pages with a typed parameter table");
    assert!(checked > 800, "only {checked} pages checked");
    assert!(
        empty.is_empty(),
        "parameter tables that yielded no fields: {empty:?}"
    );
    // A few rows really have no type (`UF_...` wildcards); each is a diagnostic, never silent.
    for row in &untyped {
        let (rel, name) = row.split_once(": ").unwrap();
        let page = &pages.iter().find(|p| p.rel == rel).unwrap().page;
        assert!(
            page.diagnostics.iter().any(|d| d.message.contains(name)),
            "{row} has no type and no diagnostic"
        );
    }
}
