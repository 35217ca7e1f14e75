//! Our own pages in `api-spec/pages` parse cleanly. Their IR is pinned by the committed `ir/spec/*.json`
//! (`cargo xtask generate --check`), so they need no snapshots of their own.

use std::path::Path;

use bitrix24_spec::ir::{Level, PageKind};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/pages"))
}

#[test]
fn pages_cover_the_scope_without_errors() {
    let spec = bitrix24_spec::parse_spec(root()).expect("pages are readable");
    let count = |k: PageKind| spec.pages.iter().filter(|p| p.kind == k).count();
    assert_eq!((count(PageKind::Method), count(PageKind::Event)), (50, 12));
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
