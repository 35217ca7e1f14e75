//! Request parameters: PHP bracket notation, JSON bodies, and the query/body merge.
//!
//! The platform reads `a[b][c]=1&a[]=2` the way PHP's `parse_str` does, so the simulator builds the same
//! nested structure. A PHP array whose keys run `0..n` becomes a JSON array, anything else an object, which
//! is also how such an array would be encoded back to JSON.
//!
//! This codec is written independently of the client's (`bitrix24-api/src/form.rs`) on purpose: it is
//! the test oracle for the client's encoding, so sharing code would let one mistake pass on both sides.
//! Keep it separate, and fix a divergence where PHP says it should be.

use serde_json::{Map, Value};

/// Parse a URL-encoded query or form body (`a[b]=1&c[]=x`) into nested parameters.
pub fn parse_form(text: &[u8]) -> Map<String, Value> {
    let mut root = PhpArray::default();
    for (key, value) in form_urlencoded::parse(text) {
        if let Some(path) = split_key(&key) {
            root.insert(&path, value.into_owned());
        }
    }
    match root.into_value() {
        Value::Object(map) => map,
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Map::new(),
    }
}

/// Parse a request body by its content type. Malformed JSON counts as no parameters, as on the platform.
pub fn parse_body(content_type: Option<&str>, body: &[u8]) -> Map<String, Value> {
    let media_type = content_type.map(|ct| {
        ct.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    if media_type.as_deref() == Some("application/json") {
        match serde_json::from_slice(body) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        }
    } else {
        parse_form(body)
    }
}

/// Query parameters overlaid with body parameters: body keys win, key by key at the top level.
pub fn merge(query: Map<String, Value>, body: Map<String, Value>) -> Map<String, Value> {
    let mut merged = query;
    merged.extend(body);
    merged
}

/// Turn ordered key/value pairs into what PHP would encode: a list when the keys are `0..n`, else an object.
pub fn php_array(entries: Vec<(String, Value)>) -> Value {
    let is_list = entries
        .iter()
        .enumerate()
        .all(|(i, (key, _))| *key == i.to_string());
    if is_list {
        Value::Array(entries.into_iter().map(|(_, v)| v).collect())
    } else {
        Value::Object(entries.into_iter().collect())
    }
}

/// `a[b][]` → `["a", "b", ""]`. A key with unbalanced brackets is taken literally; an empty base is dropped.
fn split_key(key: &str) -> Option<Vec<String>> {
    let Some(open) = key.find('[') else {
        return (!key.is_empty()).then(|| vec![key.to_owned()]);
    };
    let base = &key[..open];
    if base.is_empty() {
        return None;
    }
    let mut path = vec![base.to_owned()];
    let mut rest = &key[open..];
    while let Some(inner) = rest.strip_prefix('[') {
        let Some(close) = inner.find(']') else {
            return Some(vec![key.to_owned()]);
        };
        path.push(inner[..close].to_owned());
        rest = &inner[close + 1..];
    }
    Some(path)
}

/// An ordered PHP array under construction.
#[derive(Default)]
struct PhpArray {
    entries: Vec<(String, Node)>,
    next_index: u64,
}

enum Node {
    Leaf(String),
    Array(PhpArray),
}

impl PhpArray {
    fn insert(&mut self, path: &[String], value: String) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        let key = if first.is_empty() {
            let key = self.next_index.to_string();
            self.next_index += 1;
            key
        } else {
            if let Ok(index) = first.parse::<u64>() {
                self.next_index = self.next_index.max(index + 1);
            }
            first.clone()
        };
        let position = self.entries.iter().position(|(k, _)| *k == key);
        if rest.is_empty() {
            match position {
                Some(at) => self.entries[at].1 = Node::Leaf(value),
                None => self.entries.push((key, Node::Leaf(value))),
            }
            return;
        }
        let at = match position {
            Some(at) => {
                if matches!(self.entries[at].1, Node::Leaf(_)) {
                    self.entries[at].1 = Node::Array(PhpArray::default());
                }
                at
            }
            None => {
                self.entries.push((key, Node::Array(PhpArray::default())));
                self.entries.len() - 1
            }
        };
        if let Node::Array(child) = &mut self.entries[at].1 {
            child.insert(rest, value);
        }
    }

    fn into_value(self) -> Value {
        php_array(
            self.entries
                .into_iter()
                .map(|(k, node)| {
                    let value = match node {
                        Node::Leaf(text) => Value::String(text),
                        Node::Array(array) => array.into_value(),
                    };
                    (k, value)
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_brackets_and_lists() {
        let parsed = parse_form(
            b"fields[TITLE]=A%26B&fields[PHONE][0][VALUE]=1&select[]=ID&select[]=NAME&x=1",
        );
        assert_eq!(
            Value::Object(parsed),
            json!({"fields": {"TITLE": "A&B", "PHONE": [{"VALUE": "1"}]}, "select": ["ID", "NAME"], "x": "1"})
        );
    }

    #[test]
    fn odd_keys_do_not_panic() {
        let parsed = parse_form(b"a[b=1&[c]=2&=3&d[]]=4&e[x][=5");
        assert_eq!(parsed.get("a[b"), Some(&json!("1")));
        assert!(!parsed.contains_key(""));
        assert_eq!(parsed.get("e[x]["), Some(&json!("5")));
    }

    #[test]
    fn body_wins_over_query() {
        let merged = merge(
            parse_form(b"a=1&b=2"),
            parse_body(Some("application/json; charset=utf-8"), br#"{"b":3}"#),
        );
        assert_eq!(Value::Object(merged), json!({"a": "1", "b": 3}));
        assert!(parse_body(Some("application/json"), b"{broken").is_empty());
    }
}
