//! Request examples against their tables: the request type follows what the examples send where the
//! tables contradict them, and the generated example test names each difference the docs explain.

mod support;

use bitrix24_ir::PageKind;
use serde_json::json;
use support::*;

/// `imopenlines.thing.list`: `code` required, `order` an undescribed `array`, `fields` a list of records,
/// `active` a boolean; its example sends `CODE` in upper case, `order` as an object, one record for
/// `fields`, a boolean as `0`, and `limit`, which no row names.
fn thing_list() -> bitrix24_ir::Page {
    let mut p = page(
        "api-reference/imopenlines/thing-list.md",
        PageKind::Method,
        "imopenlines.thing.list",
        "imopenlines",
    );
    p.params = vec![
        f("code*", ty("string"), "", vec![]),
        leaf("order", "array"),
        f(
            "fields",
            ty("array"),
            "",
            vec![leaf("NAME", "string"), leaf("SORT", "integer")],
        ),
        leaf("active", "boolean"),
    ];
    p.request_examples = vec![
        example(json!({
            "CODE": "a",
            "order": {"NAME": "asc"},
            "fields": {"NAME": "x", "SORT": 10},
            "active": 0,
            "limit": 10
        })),
        example(json!({"order": {"ID": "desc"}})),
    ];
    p
}

fn generated() -> bitrix24_codegen::Generated {
    bitrix24_codegen::generate(&spec(vec![system_errors(), thing_list()])).unwrap()
}

fn contents<'g>(generated: &'g bitrix24_codegen::Generated, path: &str) -> &'g str {
    let file = generated.files.iter().find(|f| f.path.ends_with(path));
    &file.unwrap_or_else(|| panic!("no {path}")).contents
}

#[test]
fn contradicted_request_fields_follow_the_example_and_are_reported() {
    let generated = generated();
    let followed: Vec<String> = generated
        .report
        .followed
        .iter()
        .map(|e| e.to_string())
        .collect();
    let rule = |rule: &str, field: &str| {
        followed
            .iter()
            .any(|e| e.contains(&format!("`ThingList.{field}` ({rule})")))
    };
    assert!(rule("php_array_keyed", "order"), "{followed:#?}");
    assert!(rule("php_array_record", "fields"), "{followed:#?}");
    // A scalar of another kind is no shape contradiction: `active` stays a boolean.
    assert_eq!(followed.len(), 2, "{followed:#?}");
    let code = contents(&generated, "imopenlines/thing_list.rs");
    assert!(code.contains("pub order: Option<BTreeMap<String, serde_json::Value>>"));
    assert!(code.contains("pub fields: Option<ThingListField>"));
    assert!(code.contains("pub active: Option<bool>"));
}

#[test]
fn a_key_only_the_example_sends_is_an_optional_field_but_not_one_in_other_case() {
    let generated = generated();
    let added: Vec<String> = generated
        .report
        .example_only
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(added.len(), 1, "{added:#?}");
    assert!(added[0].contains("`ThingList.limit` (example_only_key)"));
    let code = contents(&generated, "imopenlines/thing_list.rs");
    assert!(code.contains("/// `limit`, as the page's example sends it"));
    assert!(code.contains("pub limit: Option<i64>"));
    assert!(
        !code.contains("pub code_2"),
        "`CODE` is `code`, not a new field"
    );
}

#[test]
fn the_example_test_names_each_difference_the_docs_explain() {
    let generated = generated();
    let test = contents(&generated, "generated_examples/examples.rs");
    let test: String = test.split_whitespace().collect();
    for (category, path, table) in [
        ("case only", "\"CODE\"", "Some(\"code\")"),
        ("boolean spelled otherwise", "\"active\"", "None"),
        ("required left out", "\"code\"", "None"),
    ] {
        let wanted = format!("category: \"{category}\", path: &[{path}], table: {table},");
        let wanted: String = wanted.split_whitespace().collect();
        assert!(test.contains(&wanted), "{wanted}\nnot in\n{test}");
    }
    // The builder is given the table's name, and a placeholder where the example gives it nothing.
    assert!(test.contains("ThingList::new(\"a\")"), "{test}");
    assert!(test.contains("ThingList::new(\"\")"), "{test}");
}

/// `crm.thing.list`: `order` an `object` whose rows name the fields to sort by and whose values are the
/// two directions; the example sends `{"ID": "desc"}`.
#[test]
fn an_order_object_listing_asc_and_desc_is_a_map_of_field_to_direction() {
    let mut p = page(
        "api-reference/crm/thing-list.md",
        PageKind::Method,
        "crm.thing.list",
        "crm",
    );
    let mut order = f(
        "order",
        ty("object"),
        "",
        vec![leaf("ID", "integer"), leaf("TITLE", "string")],
    );
    order.values = vec!["asc".into(), "desc".into()];
    p.params = vec![order];
    p.request_examples = vec![example(json!({"order": {"ID": "desc"}}))];
    let generated = bitrix24_codegen::generate(&spec(vec![system_errors(), p])).unwrap();
    let code = contents(&generated, "crm/thing_list.rs");
    assert!(
        code.contains("pub order: Option<BTreeMap<String, ThingListOrderDirection>>"),
        "{code}"
    );
    assert!(code.contains("Keyed by the field to sort by (the page lists 2)"));
    assert!(
        code.contains("Asc = \"asc\"") || code.contains("Asc => \"asc\""),
        "{code}"
    );
    assert!(
        generated.report.followed.is_empty(),
        "no contradiction left"
    );
}
