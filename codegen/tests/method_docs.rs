//! What a method's rustdoc says, generated from a page.

mod support;

use support::*;

/// A facts-only page leaves who may call the method to us; with nothing said, the docs say nothing.
#[test]
fn an_empty_who_can_line_is_left_out() {
    let doc_of = |who: Option<&str>| {
        let mut page = session_open();
        page.who_can = who.map(str::to_owned);
        let files = bitrix24_codegen::generate(&spec(vec![system_errors(), page]))
            .unwrap()
            .files;
        let file = files
            .iter()
            .find(|f| f.path.ends_with("/session_open.rs"))
            .unwrap();
        file.contents.contains("Who may call it")
    };
    assert!(doc_of(Some("any user")));
    assert!(!doc_of(Some("")));
    assert!(!doc_of(None));
}
