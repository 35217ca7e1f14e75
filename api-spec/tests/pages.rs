//! IR snapshots of our own pages in `api-spec/pages`, one per page.

use std::path::Path;

use bitrix24_spec::corpus::{markdown_files, read_page};
use bitrix24_spec::ir::{Level, PageKind};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/pages"))
}

#[test]
fn every_page_matches_its_snapshot() {
    let files = markdown_files(root(), root());
    assert!(!files.is_empty());
    for rel in files {
        let page = read_page(root(), &rel).expect("page is readable");
        let name = rel.trim_end_matches(".md").replace('/', "__");
        insta::with_settings!({ snapshot_path => "snapshots/pages", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_json_snapshot!(name, page);
        });
    }
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
