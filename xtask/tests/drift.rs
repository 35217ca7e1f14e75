//! `cargo xtask drift` reports a fact changed upstream, naming the field, and fails.

use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> Option<PathBuf> {
    bitrix24_spec::corpus::upstream_docs(Path::new(env!("CARGO_MANIFEST_DIR")))
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn drift(docs: &Path) -> (bool, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["drift", "--json", "--docs"])
        .arg(docs)
        .output()
        .unwrap();
    (
        out.status.success(),
        serde_json::from_slice(&out.stdout).expect("one JSON object"),
    )
}

#[test]
fn an_altered_upstream_page_is_reported_by_field() {
    let Some(upstream) = corpus() else {
        println!(
            "skipped: no upstream docs corpus (set B24_DOCS or put it at ../shared/b24restdocs)"
        );
        return;
    };
    // The whole checkout: api-spec mirrors every method and event page of it.
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&upstream, tmp.path());

    let (ok, report) = drift(tmp.path());
    assert!(ok, "an unaltered copy has no drift: {report}");
    assert_eq!(report["unexplained"], 0);

    let page = tmp
        .path()
        .join("api-reference/imopenlines/openlines/sessions/imopenlines-session-open.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let altered = text.replacen(
        "|| **USER_CODE***\n[`string`]",
        "|| **USER_CODE***\n[`integer`]",
        1,
    );
    assert_ne!(text, altered, "the page still has the row this test alters");
    std::fs::write(&page, altered).unwrap();

    let (ok, report) = drift(tmp.path());
    assert!(!ok, "drift must fail the command");
    let diffs = report["differences"].as_array().unwrap();
    assert_eq!(diffs.len(), 1, "{report}");
    assert_eq!(diffs[0]["fact"], "params.USER_CODE.type");
    assert_eq!(diffs[0]["ours"], "string");
    assert_eq!(diffs[0]["upstream"], "integer");
}
