//! The cursed-names page: generated, snapshotted, and written to `bitrix24-api/tests/generated_cursed/` where
//! `bitrix24-api/tests/generated_cursed_names.rs` compiles and exercises it.

mod support;

use std::path::Path;

#[test]
fn cursed_names_generate_and_are_fresh() {
    let spec = support::spec(vec![support::cursed_names()]);
    let modules = bitrix24_codegen::generate_inline(&spec).unwrap();
    assert_eq!(modules.len(), 1);
    let (name, text) = &modules[0];
    assert_eq!(name, "crm");
    insta::assert_snapshot!("cursed_names", text);

    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../bitrix24-api/tests/generated_cursed/crm.rs");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed.replace("\r\n", "\n") != *text {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        panic!(
            "{} was stale and has been rewritten; run the tests again and commit it",
            path.display()
        );
    }
}
