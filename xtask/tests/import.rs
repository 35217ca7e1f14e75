//! `cargo xtask import` scaffolds pages whose facts match the upstream page exactly.

mod support;

use std::process::Command;

use bitrix24_spec::corpus::read_page;
use bitrix24_spec::drift::compare;
use support::{corpus, pages_with_our_includes};

#[test]
fn scaffolds_keep_every_fact_and_no_sentence() {
    let Some(docs) = corpus() else {
        return;
    };
    let out = pages_with_our_includes();
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
