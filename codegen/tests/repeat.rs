//! `SAFE_TO_REPEAT` corrections: they change the generated constant, and a stale one is an error.

mod support;

use std::collections::BTreeMap;

use bitrix24_codegen::Options;
use support::*;

fn options(method: &str, safe: bool) -> Options {
    Options {
        safe_to_repeat: BTreeMap::from([(method.to_owned(), safe)]),
    }
}

fn safe_to_repeat_line(options: &Options) -> String {
    let spec = spec(vec![system_errors(), session_open()]);
    let files = bitrix24_codegen::generate_with(&spec, options)
        .unwrap()
        .files;
    let file = files
        .iter()
        .find(|f| f.path.ends_with("/session_open.rs"))
        .unwrap();
    let line = file
        .contents
        .lines()
        .find(|l| l.contains(" safe: "))
        .unwrap();
    line.split(", ")
        .find(|part| part.starts_with("safe: "))
        .unwrap()
        .to_owned()
}

#[test]
fn an_override_changes_the_verb_rule() {
    assert_eq!(safe_to_repeat_line(&Options::default()), "safe: false");
    assert_eq!(
        safe_to_repeat_line(&options("imopenlines.session.open", true)),
        "safe: true"
    );
}

#[test]
fn a_stale_override_fails() {
    let spec = spec(vec![system_errors(), session_open()]);
    assert!(
        bitrix24_codegen::check_overrides(&spec, &options("imopenlines.session.open", true))
            .is_ok()
    );
    let agrees =
        bitrix24_codegen::check_overrides(&spec, &options("imopenlines.session.open", false))
            .unwrap_err();
    assert!(
        agrees.to_string().contains("agrees with the rule"),
        "{agrees}"
    );
    let gone =
        bitrix24_codegen::check_overrides(&spec, &options("imopenlines.gone", true)).unwrap_err();
    assert!(gone.to_string().contains("names no method"), "{gone}");
}
