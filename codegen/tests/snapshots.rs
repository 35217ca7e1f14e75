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
    let files = bitrix24_codegen::generate(&spec).unwrap().files;
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
        bitrix24_codegen::generate(&spec).unwrap().files,
        bitrix24_codegen::generate(&spec).unwrap().files
    );
}

#[test]
fn a_missing_system_errors_page_is_an_error() {
    let err = bitrix24_codegen::generate(&spec(vec![session_open()])).unwrap_err();
    assert!(err.to_string().contains("system-errors"), "{err}");
}

#[test]
fn a_field_listed_twice_costs_that_row_not_the_page() {
    let mut page = session_open();
    page.params.push(page.params[0].clone());
    let generated = bitrix24_codegen::generate(&spec(vec![system_errors(), page])).unwrap();
    let degraded: Vec<String> = generated
        .report
        .degraded
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(degraded.len(), 1, "{degraded:?}");
    assert!(
        degraded[0].contains("`USER_CODE` is listed twice; left out"),
        "{degraded:?}"
    );
    let request = generated
        .files
        .iter()
        .find(|f| f.path.ends_with("/session_open.rs"))
        .expect("the method is still generated");
    assert_eq!(request.contents.matches("pub user_code: String").count(), 1);
}

#[test]
fn a_page_without_a_scope_takes_its_neighbours_or_basic() {
    let mut lonely = session_open();
    lonely.scopes.clear();
    lonely.path = "api-reference/events/session-open.md".to_owned();
    let generated = bitrix24_codegen::generate(&spec(vec![system_errors(), lonely])).unwrap();
    assert_eq!(generated.modules, ["basic"]);
    assert!(generated.report.skipped.is_empty());

    let mut neighbour = session_open();
    neighbour.scopes.clear();
    neighbour.path = "api-reference/imopenlines/openlines/sessions/other.md".to_owned();
    neighbour.names = vec!["imopenlines.session.other".to_owned()];
    let pages = vec![system_errors(), session_open(), neighbour];
    let generated = bitrix24_codegen::generate(&spec(pages)).unwrap();
    assert_eq!(generated.modules, ["imopenlines"]);
    assert!(
        generated
            .files
            .iter()
            .any(|f| f.path.ends_with("imopenlines/session_other.rs"))
    );
}
