//! The generated code for pages built in code, one snapshot per file: review these like code.

mod support;

use support::*;

#[test]
fn generated_files() {
    let spec = spec(vec![
        system_errors(),
        session_open(),
        session_history_get(),
        send_messages(),
        config_delete(),
        on_session_start(),
    ]);
    let files = bitrix24_codegen::generate(&spec).unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    insta::assert_debug_snapshot!("paths", paths);
    for file in &files {
        let name = file
            .path
            .trim_start_matches("bitrix24-api/src/generated/")
            .replace(['/', '.'], "_");
        insta::assert_snapshot!(name, file.contents);
    }
}

#[test]
fn output_is_deterministic() {
    let spec = spec(vec![
        system_errors(),
        session_history_get(),
        on_session_start(),
    ]);
    assert_eq!(
        bitrix24_codegen::generate(&spec).unwrap(),
        bitrix24_codegen::generate(&spec).unwrap()
    );
}

#[test]
fn a_missing_system_errors_page_is_an_error() {
    let err = bitrix24_codegen::generate(&spec(vec![session_open()])).unwrap_err();
    assert!(err.to_string().contains("system-errors"), "{err}");
}

#[test]
fn a_field_listed_twice_is_an_error() {
    let mut page = session_open();
    page.params.push(page.params[0].clone());
    let err = bitrix24_codegen::generate(&spec(vec![system_errors(), page])).unwrap_err();
    assert!(
        err.to_string().contains("`USER_CODE` is listed twice"),
        "{err}"
    );
}
