//! `cargo xtask import` scaffolds pages whose facts match the upstream page exactly.

use std::path::{Path, PathBuf};
use std::process::Command;

use bitrix24_spec::corpus::read_page;
use bitrix24_spec::drift::compare;

fn corpus() -> Option<PathBuf> {
    bitrix24_spec::corpus::upstream_docs(Path::new(env!("CARGO_MANIFEST_DIR")))
}

#[test]
fn scaffolds_keep_every_fact_and_no_sentence() {
    let Some(docs) = corpus() else {
        println!(
            "skipped: no upstream docs corpus (set B24_DOCS or put it at ../shared/b24restdocs)"
        );
        return;
    };
    let out = tempfile::tempdir().unwrap();
    // The scaffold's includes point at _includes beside the pages, as in api-spec.
    let includes = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec/pages/_includes");
    std::fs::create_dir_all(out.path().join("_includes")).unwrap();
    for entry in std::fs::read_dir(&includes).unwrap().flatten() {
        std::fs::copy(
            entry.path(),
            out.path().join("_includes").join(entry.file_name()),
        )
        .unwrap();
    }
    let names = [
        "imopenlines.session.open",
        "imopenlines.session.history.get",
        "imconnector.send.messages",
        "imopenlines.config.list.get",
        "imopenlines.operator.transfer",
        "OnSessionStart",
    ];
    for name in names {
        let status = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["import", "--method", name, "--docs"])
            .arg(&docs)
            .arg("--out")
            .arg(out.path())
            .status()
            .unwrap();
        assert!(status.success(), "import {name}");
    }
    for rel in bitrix24_spec::corpus::markdown_files(out.path(), &out.path().join("api-reference"))
    {
        let ours = read_page(out.path(), &rel).unwrap();
        let theirs = read_page(&docs, &rel).unwrap();
        let diffs = compare(&ours, &theirs);
        assert!(diffs.is_empty(), "{rel}: {diffs:#?}");
        assert!(ours.upstream.is_some(), "{rel} names its upstream page");
        let text = std::fs::read_to_string(out.path().join(&rel)).unwrap();
        assert!(
            text.contains("TODO"),
            "{rel} leaves the descriptions to write"
        );
    }
}
