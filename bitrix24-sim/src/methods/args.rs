//! Reading method parameters leniently, as the platform does: names case-insensitive, numbers from strings,
//! `Y`/`N` flags.

use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy)]
pub struct Args<'a>(pub &'a Map<String, Value>);

impl<'a> Args<'a> {
    /// The parameter, matched exactly or else ignoring case.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.0.get(name).or_else(|| {
            self.0
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })
    }

    /// A present, non-empty value.
    pub fn given(&self, name: &str) -> Option<&'a Value> {
        self.get(name).filter(|v| !is_empty(v))
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(as_int)
    }

    /// A non-empty string (numbers are accepted and printed).
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name).and_then(as_text).filter(|t| !t.is_empty())
    }

    /// `Y`/`N`, `true`/`false`, `1`/`0`; `default` when absent or unrecognised.
    pub fn flag(&self, name: &str, default: bool) -> bool {
        self.get(name).and_then(as_flag).unwrap_or(default)
    }

    /// A nested object of parameters (`PARAMS`, `OPTIONS`); empty when absent or not an object.
    pub fn object(&self, name: &str) -> Args<'a> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        match self.get(name) {
            Some(Value::Object(map)) => Args(map),
            _ => Args(EMPTY.get_or_init(Map::new)),
        }
    }
}

/// Missing in the PHP sense: null, `""`, an empty list or object.
pub fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

pub fn as_int(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub fn as_flag(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|i| i != 0),
        Value::String(s) => match s.to_ascii_uppercase().as_str() {
            "Y" | "TRUE" | "1" => Some(true),
            "N" | "FALSE" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The elements of a list parameter, whether it arrived as a JSON array or a PHP-style object.
pub fn items(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => map.values().collect(),
        _ => Vec::new(),
    }
}
