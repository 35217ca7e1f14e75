//! What the xtask tests share: the upstream corpus, and a pages folder with our includes.

use std::path::{Path, PathBuf};

/// The upstream docs corpus, or `None` after saying the test skipped.
pub fn corpus() -> Option<PathBuf> {
    let docs = bitrix24_spec::corpus::upstream_docs(Path::new(env!("CARGO_MANIFEST_DIR")));
    if docs.is_none() {
        println!(
            "skipped: no upstream docs corpus (set B24_DOCS or put it at ../shared/b24restdocs)"
        );
    }
    docs
}

/// An empty pages folder with api-spec's `_includes` beside it, which written pages point at.
pub fn pages_with_our_includes() -> tempfile::TempDir {
    let pages = tempfile::tempdir().unwrap();
    let includes = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec/pages/_includes");
    std::fs::create_dir_all(pages.path().join("_includes")).unwrap();
    for entry in std::fs::read_dir(&includes).unwrap().flatten() {
        std::fs::copy(
            entry.path(),
            pages.path().join("_includes").join(entry.file_name()),
        )
        .unwrap();
    }
    pages
}
