//! Drift over real history: the facts of an older docs snapshot against today's, for a page whose
//! schema changed in between (imconnector.status: `LINE` became an integer, outputs moved under
//! `result`). Skips when the history folders are absent.

use std::path::Path;

use bitrix24_spec::corpus::read_page;
use bitrix24_spec::drift::compare;

const PAGE: &str = "api-reference/imopenlines/imconnector/imconnector-status.md";

#[test]
fn a_schema_change_between_snapshots_is_drift() {
    let Some(now) = bitrix24_spec::corpus::upstream_docs(Path::new(env!("CARGO_MANIFEST_DIR")))
    else {
        println!("skipped: no upstream docs corpus");
        return;
    };
    let then = now.join("../b24restdocs-history/2026-03-19-d4c45554");
    if !then.join(PAGE).is_file() {
        println!("skipped: no docs history beside the corpus");
        return;
    }
    let old = read_page(&then, PAGE).unwrap();
    let new = read_page(&now, PAGE).unwrap();
    let diffs = compare(&old, &new);
    let line = diffs
        .iter()
        .find(|d| d.fact == "params.LINE.type")
        .expect("LINE's type changed");
    assert_eq!(
        (line.ours.as_deref(), line.upstream.as_deref()),
        (Some("string"), Some("integer"))
    );
    assert!(
        diffs
            .iter()
            .any(|d| d.fact.starts_with("response.result.") && d.ours.is_none()),
        "fields that moved under `result` show up as new: {diffs:#?}"
    );
    assert!(compare(&new, &new).is_empty());
}
