//! PHP's bracket notation (`fields[PHONE][0][VALUE]=…`), both ways: batch commands are sent as query
//! strings, and events arrive as form posts.

use serde_json::{Map, Value};

/// Encodes parameters as PHP's `http_build_query` does: nested keys in brackets, `true`/`false` as
/// `1`/`0`, `null` and empty arrays left out.
pub(crate) fn encode(params: &Map<String, Value>) -> String {
    let mut pairs = Vec::new();
    for (key, value) in params {
        flatten(key.clone(), value, &mut pairs);
    }
    serde_urlencoded::to_string(&pairs).unwrap_or_default()
}

fn flatten(key: String, value: &Value, pairs: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Bool(b) => pairs.push((key, if *b { "1" } else { "0" }.to_owned())),
        Value::Number(n) => pairs.push((key, n.to_string())),
        Value::String(s) => pairs.push((key, s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(format!("{key}[{i}]"), item, pairs);
            }
        }
        Value::Object(fields) => {
            for (name, item) in fields {
                flatten(format!("{key}[{name}]"), item, pairs);
            }
        }
    }
}

/// Splits `a[b][]` into `["a", "b", ""]`; an empty segment means "append". `None` when the brackets do
/// not close.
pub(crate) fn key_path(key: &str) -> Option<Vec<String>> {
    let (head, mut rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    let mut path = vec![head.to_owned()];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let end = inner.find(']')?;
        path.push(inner[..end].to_owned());
        rest = &inner[end + 1..];
    }
    Some(path)
}

/// Decodes a form body into the JSON the portal would have encoded: every scalar a string, and an
/// object whose keys are exactly `0..n` a list (as PHP's `json_encode` does).
pub(crate) fn decode(body: &str) -> Result<Value, String> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(body).map_err(|e| e.to_string())?;
    let mut root = Map::new();
    for (key, value) in pairs {
        let path =
            key_path(&key).ok_or_else(|| format!("unbalanced brackets in form key `{key}`"))?;
        insert(&mut root, &path, Value::String(value));
    }
    Ok(listify(Value::Object(root)))
}

/// Sets `value` at `path`, creating objects on the way; a scalar in the way is replaced, as PHP does.
pub(crate) fn insert(root: &mut Map<String, Value>, path: &[String], value: Value) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let key = if first.is_empty() {
        root.len().to_string()
    } else {
        first.clone()
    };
    if rest.is_empty() {
        root.insert(key, value);
        return;
    }
    let slot = root.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(match slot.take() {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => Map::new(),
        });
    }
    if let Value::Object(map) = slot {
        insert(map, rest, value);
    }
}

fn listify(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let sequential =
                !map.is_empty() && map.keys().enumerate().all(|(i, k)| *k == i.to_string());
            let items = map.into_iter().map(|(k, v)| (k, listify(v)));
            if sequential {
                Value::Array(items.map(|(_, v)| v).collect())
            } else {
                Value::Object(items.collect())
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn encodes_nested_parameters_like_http_build_query() {
        let params = json!({"fields": {"TITLE": "A&B", "PHONE": [{"VALUE": "1", "VALUE_TYPE": "WORK"}]},
                            "select": ["ID", "NAME"], "active": true, "skip": null, "none": [], "n": 5});
        let query = encode(params.as_object().unwrap());
        let decoded: Vec<(String, String)> = serde_urlencoded::from_str(&query).unwrap();
        let pairs: Vec<(&str, &str)> = decoded
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("fields[TITLE]", "A&B"),
                ("fields[PHONE][0][VALUE]", "1"),
                ("fields[PHONE][0][VALUE_TYPE]", "WORK"),
                ("select[0]", "ID"),
                ("select[1]", "NAME"),
                ("active", "1"),
                ("n", "5"),
            ]
        );
        assert!(query.contains("A%26B"), "{query}");
    }

    #[test]
    fn decodes_an_event_post_into_nested_json() {
        let body = "event=ONSESSIONSTART&data[DATA][0][connector][line_id]=128&data[DATA][0][session][closed]=N\
                    &data[DATA][1][chat][id]=7&ref[]=a&ref[]=b&auth[application_token]=t%26k";
        assert_eq!(
            decode(body).unwrap(),
            json!({"event": "ONSESSIONSTART",
                   "data": {"DATA": [{"connector": {"line_id": "128"}, "session": {"closed": "N"}}, {"chat": {"id": "7"}}]},
                   "ref": ["a", "b"], "auth": {"application_token": "t&k"}})
        );
    }

    #[test]
    fn non_sequential_numeric_keys_stay_an_object() {
        assert_eq!(
            decode("m[5]=x&m[7]=y").unwrap(),
            json!({"m": {"5": "x", "7": "y"}})
        );
    }

    #[test]
    fn malformed_keys_are_errors_not_panics() {
        assert!(decode("data[DATA=1").is_err());
        assert_eq!(key_path("a[b]c"), None);
        assert_eq!(decode("a=1&a[b]=2").unwrap(), json!({"a": {"b": "2"}}));
        assert_eq!(decode("").unwrap(), json!({}));
    }
}
