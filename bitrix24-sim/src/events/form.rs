//! PHP-style form encoding of nested values (`data[DATA][0][chat][id]=5`), as event handlers receive them.
//!
//! Independent of the client's decoder (`bitrix24-api/src/form.rs`) on purpose: the simulator is the
//! oracle the client's event decoding is tested against, so the two must not share code.

use serde_json::Value;

/// Flatten `value` under `prefix` into form pairs. Empty arrays and nulls vanish, booleans become 1/0,
/// as PHP's `http_build_query` does.
pub fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Bool(flag) => {
            out.push((prefix.to_owned(), if *flag { "1" } else { "0" }.to_owned()))
        }
        Value::Number(number) => out.push((prefix.to_owned(), number.to_string())),
        Value::String(text) => out.push((prefix.to_owned(), text.clone())),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{index}]"), item, out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                flatten(&format!("{prefix}[{key}]"), item, out);
            }
        }
    }
}

/// Encode top-level fields, each flattened under its own name.
pub fn encode(fields: &[(&str, Value)]) -> String {
    let mut pairs = Vec::new();
    for (name, value) in fields {
        flatten(name, value, &mut pairs);
    }
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::params::parse_form;
    use serde_json::json;

    #[test]
    fn round_trips_through_the_bracket_parser() {
        let data = json!({"DATA": [{"connector": {"line_id": 1, "connector_id": "livechat"}, "files": []}]});
        let body = encode(&[("event", json!("ONSESSIONSTART")), ("data", data)]);
        assert!(body.contains("data%5BDATA%5D%5B0%5D%5Bconnector%5D%5Bline_id%5D=1"));
        let back = parse_form(body.as_bytes());
        assert_eq!(
            back["data"]["DATA"][0]["connector"]["connector_id"],
            "livechat"
        );
        assert_eq!(back["data"]["DATA"][0]["connector"]["line_id"], "1");
    }
}
