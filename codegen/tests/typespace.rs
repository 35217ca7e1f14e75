//! The type space: shapes that several events or methods of a module define alike are emitted once, in
//! the module's `shared.rs`, and each owner keeps its name for them as an alias.

mod support;

use bitrix24_codegen::GeneratedFile;
use support::*;

/// `OnSessionStart` as a second event of the same module, its docs reworded and its path moved.
fn on_session_finish() -> bitrix24_ir::Page {
    let mut p = on_session_start();
    p.path = "api-reference/imopenlines/openlines/events/on-session-finish.md".to_owned();
    p.names = vec!["OnSessionFinish".to_owned()];
    let auth = p
        .event
        .as_mut()
        .unwrap()
        .fields
        .iter_mut()
        .find(|f| f.name.wire == "auth")
        .unwrap();
    auth.description = "Reworded auth docs".to_owned();
    p
}

fn generate(pages: Vec<bitrix24_ir::Page>) -> Vec<GeneratedFile> {
    let mut all = vec![system_errors(), session_open()];
    all.extend(pages);
    bitrix24_codegen::generate(&spec(all)).unwrap().files
}

fn file<'f>(files: &'f [GeneratedFile], suffix: &str) -> &'f str {
    let found = files.iter().find(|f| f.path.ends_with(suffix));
    &found.unwrap_or_else(|| panic!("no {suffix}")).contents
}

fn count(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

#[test]
fn identical_shapes_are_emitted_once_and_keep_their_names_as_aliases() {
    let files = generate(vec![on_session_start(), on_session_finish()]);
    let shared = file(&files, "imopenlines/shared.rs");
    for name in [
        "OnSessionAuth",
        "OnSessionData",
        "OnSessionConnector",
        "OnSessionSession",
    ] {
        assert_eq!(
            count(shared, &format!("pub struct {name} ")),
            1,
            "{name}\n{shared}"
        );
    }
    // The first owner's docs, and a note naming both owners.
    assert!(shared.contains("/// Auth\n"), "{shared}");
    assert!(!shared.contains("Reworded"), "{shared}");
    assert!(
        shared.contains("Shared by `OnSessionStart`, `OnSessionFinish`"),
        "{shared}"
    );
    let finish = file(&files, "imopenlines/on_session_finish.rs");
    assert!(
        finish.contains("pub type OnSessionFinishAuth = super::shared::OnSessionAuth;"),
        "{finish}"
    );
    assert!(
        !finish.contains("pub struct OnSessionFinishAuth"),
        "{finish}"
    );
    let module = file(&files, "imopenlines/mod.rs");
    assert!(module.contains("mod shared;"), "{module}");
    assert!(module.contains("OnSessionAuth"), "{module}");
    assert!(module.contains("OnSessionFinishAuth"), "{module}");
}

#[test]
fn one_differing_leaf_keeps_its_parents_apart_but_not_its_siblings() {
    let mut finish = on_session_finish();
    let data = finish.event.as_mut().unwrap().fields.iter_mut();
    let data = data.into_iter().find(|f| f.name.wire == "data").unwrap();
    let connector = &mut data.children[0].children[0];
    assert_eq!(connector.name.wire, "connector");
    connector.children[1].ty = ty("string");
    let files = generate(vec![on_session_start(), finish]);
    let shared = file(&files, "imopenlines/shared.rs");
    assert!(shared.contains("pub struct OnSessionAuth "), "{shared}");
    assert!(shared.contains("pub struct OnSessionSession "), "{shared}");
    assert!(!shared.contains("Connector"), "{shared}");
    assert!(!shared.contains("pub struct OnSessionData "), "{shared}");
    let finish = file(&files, "imopenlines/on_session_finish.rs");
    assert!(
        finish.contains("pub struct OnSessionFinishConnector "),
        "{finish}"
    );
}

#[test]
fn nothing_alike_means_no_shared_module() {
    let files = generate(vec![on_session_start()]);
    assert!(!files.iter().any(|f| f.path.ends_with("shared.rs")));
    assert!(!file(&files, "imopenlines/mod.rs").contains("shared"));
}

#[test]
fn a_shared_name_taken_by_another_item_falls_back_to_the_first_owners_name() {
    let mut method = session_open();
    method.names = vec!["imopenlines.onSession.auth".to_owned()];
    let files = generate(vec![method, on_session_start(), on_session_finish()]);
    let shared = file(&files, "imopenlines/shared.rs");
    assert!(
        shared.contains("pub struct OnSessionStartAuth "),
        "{shared}"
    );
    assert!(shared.contains("pub struct OnSessionData "), "{shared}");
    let finish = file(&files, "imopenlines/on_session_finish.rs");
    assert!(
        finish.contains("pub type OnSessionFinishAuth = super::shared::OnSessionStartAuth;"),
        "{finish}"
    );
    let start = file(&files, "imopenlines/on_session_start.rs");
    assert!(!start.contains("pub type OnSessionStartAuth"), "{start}");
}
