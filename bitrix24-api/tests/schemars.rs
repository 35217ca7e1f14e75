//! The `schemars` feature: every generated request and response type has a JSON Schema, and a request's
//! schema names the page's parameters and marks the required ones, as the docs' table does.

#![cfg(all(feature = "schemars", feature = "imopenlines"))]

use std::collections::BTreeSet;

use bitrix24_api::generated::imopenlines;
use schemars::{JsonSchema, schema_for};
use serde_json::Value;

/// The page's parameters as the committed IR has them: wire name → required.
fn documented_params(method: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let spec = bitrix24_ir::committed();
    let page = spec
        .pages
        .iter()
        .find(|p| p.names.iter().any(|n| n == method))
        .unwrap_or_else(|| panic!("no page for {method}"));
    let names = page.params.iter().map(|f| f.name.wire.clone()).collect();
    let required = page
        .params
        .iter()
        .filter(|f| f.required.is_required())
        .map(|f| f.name.wire.clone())
        .collect();
    (names, required)
}

fn schema_of<T: JsonSchema>() -> Value {
    serde_json::to_value(schema_for!(T)).unwrap()
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

#[test]
fn a_request_schema_names_the_documented_parameters_and_requires_the_required_ones() {
    for (method, schema) in [
        (
            "imopenlines.session.start",
            schema_of::<imopenlines::SessionStart>(),
        ),
        (
            "imopenlines.operator.transfer",
            schema_of::<imopenlines::OperatorTransfer>(),
        ),
        (
            "imopenlines.config.add",
            schema_of::<imopenlines::ConfigAdd>(),
        ),
    ] {
        let (names, required) = documented_params(method);
        assert_eq!(keys(&schema["properties"]), names, "{method}");
        assert_eq!(strings(&schema["required"]), required, "{method}");
    }
}

#[test]
fn wire_forms_are_described_as_sent_and_documented_values_are_listed() {
    let schema = schema_of::<imopenlines::SessionStart>();
    // CHAT_ID goes as an integer; the schema also admits the string form the portal takes.
    let chat_id = serde_json::to_string(&schema["properties"]["CHAT_ID"]).unwrap();
    assert!(chat_id.contains("integer"), "{chat_id}");
    let response = schema_of::<imopenlines::ConfigGetResponse>();
    let defs = serde_json::to_string(&response).unwrap();
    // QUEUE_FULL is a map keyed by user ID; its entries are a defined struct.
    assert!(response["properties"]["QUEUE_FULL"].is_object(), "{defs}");
    assert!(
        defs.contains("QUEUE_TYPE") || defs.contains("queue_type"),
        "{defs}"
    );
}
