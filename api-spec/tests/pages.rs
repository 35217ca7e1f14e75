//! Our own pages in `api-spec/pages` parse cleanly. Their IR is pinned by the committed `ir/spec/*.json`
//! (`cargo xtask generate --check`), so they need no snapshots of their own.

use std::path::Path;

use bitrix24_spec::ir::{Level, PageKind};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/pages"))
}

/// Whether the page arrived from `cargo xtask sync` with the docs' facts only, none of our words yet.
fn facts_only(path: &str) -> bool {
    let text = std::fs::read_to_string(root().join(path)).expect("the page is readable");
    text.lines()
        .take_while(|l| !l.starts_with('#'))
        .any(|l| l.trim() == "facts_only: true")
}

#[test]
fn pages_parse_without_errors_and_ours_are_described() {
    let spec = bitrix24_spec::parse_spec(root()).expect("pages are readable");
    let (written, synced): (Vec<_>, Vec<_>) = spec.pages.iter().partition(|p| !facts_only(&p.path));
    let count = |pages: &[&bitrix24_spec::ir::Page], k: PageKind| {
        pages.iter().filter(|p| p.kind == k).count()
    };
    // The open-line scopes are in our words; the rest of the API arrived facts-only.
    assert_eq!(
        (
            count(&written, PageKind::Method),
            count(&written, PageKind::Event)
        ),
        (50, 12)
    );
    assert!(
        count(&synced, PageKind::Method) > 1000,
        "the whole API is synced"
    );
    for page in &spec.pages {
        let errors: Vec<_> = page
            .diagnostics
            .iter()
            .filter(|d| d.level == Level::Error)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", page.path);
        assert!(
            page.upstream.is_some(),
            "{} has no upstream front matter",
            page.path
        );
    }
    for page in written {
        if matches!(page.kind, PageKind::Method | PageKind::Event) {
            assert_eq!(page.names.len(), 1, "{}: {:?}", page.path, page.names);
            assert!(!page.scopes.is_empty(), "{} has no scope", page.path);
            assert!(
                !page.description.trim().is_empty(),
                "{} has no description",
                page.path
            );
        }
        for field in page.params.iter() {
            assert!(
                !field.description.trim().is_empty(),
                "{}: `{}` has no description",
                page.path,
                field.name.wire
            );
        }
    }
}
