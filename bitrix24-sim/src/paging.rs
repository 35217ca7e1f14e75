//! `start`/`next`/`total` paging of list methods, 50 rows a page, and the `filter` they share.

use std::cmp::Ordering;
use std::ops::Range;

use serde_json::{Map, Value};

use crate::wire::envelope::Reply;

pub const PAGE_SIZE: usize = 50;

/// One page of a list of `total` rows for the `start` parameter, rendering only the rows on it, so that
/// paging through a seeded list of thousands of users costs one page per call, not the whole list. A
/// negative `start` returns the first page without counting: `total` is 0 and there is no `next`.
pub fn page_of(
    total: usize,
    start: Option<i64>,
    rows: impl FnOnce(Range<usize>) -> Vec<Value>,
) -> Reply {
    let start = start.unwrap_or(0);
    if start < 0 {
        return Reply {
            result: Value::Array(rows(0..PAGE_SIZE.min(total))),
            next: None,
            total: Some(0),
        };
    }
    let offset = usize::try_from(start).unwrap_or(usize::MAX).min(total);
    let end = (offset + PAGE_SIZE).min(total);
    let next = (end < total).then_some(end as u64);
    Reply {
        result: Value::Array(rows(offset..end)),
        next,
        total: Some(total as u64),
    }
}

/// The rows that match every condition of a `filter` object (see [`matches`]). Anything that is not an
/// object filters nothing.
pub fn filtered(rows: Vec<Value>, filter: Option<&Value>) -> Vec<Value> {
    let Some(Value::Object(conditions)) = filter else {
        return rows;
    };
    rows.into_iter()
        .filter(|row| row.as_object().is_some_and(|row| matches(row, conditions)))
        .collect()
}

/// Key prefixes of a filter condition, longest first so that `!=` is not read as `!`.
const OPERATORS: [&str; 12] = [
    "!@", "!=", ">=", "<=", "=%", "%=", "@", ">", "<", "=", "!", "%",
];

/// A filter key's operator and field: `>=OPPORTUNITY` is (`>=`, `OPPORTUNITY`); no prefix is `=`.
fn split_key(key: &str) -> (&str, &str) {
    OPERATORS
        .iter()
        .find_map(|op| key.strip_prefix(op).map(|field| (*op, field)))
        .unwrap_or(("=", key))
}

/// Whether a row meets every condition: `FIELD` or `=FIELD` (equal; a list value means any of
/// them), `!FIELD` and `!=FIELD` (not equal; not any of a list), `>`, `>=`, `<`, `<=`, `@FIELD` (in a
/// list), `!@FIELD` (not in it), `%FIELD` (contains, ignoring case) and `=%FIELD` / `%=FIELD` (a LIKE
/// pattern with `%`, ignoring case). Values compare as numbers when both are numeric (ids arrive as
/// strings), as text otherwise. A row without the field matches no condition on it.
pub fn matches(row: &Map<String, Value>, conditions: &Map<String, Value>) -> bool {
    conditions.iter().all(|(key, wanted)| {
        let (operator, field) = split_key(key);
        let Some(have) = row.get(field) else {
            return false;
        };
        let equal = |wanted: &Value| compare(have, wanted) == Some(Ordering::Equal);
        let any_equal = || match wanted {
            Value::Array(_) | Value::Object(_) => list(wanted).into_iter().any(equal),
            single => equal(single),
        };
        match operator {
            "=" | "@" => any_equal(),
            "!" | "!=" | "!@" => !any_equal(),
            "%" => contains(&text(have), &text(wanted)),
            "=%" | "%=" => like(&text(have), &text(wanted)),
            _ => {
                let Some(ordering) = compare(have, wanted) else {
                    return false;
                };
                match operator {
                    ">" => ordering == Ordering::Greater,
                    ">=" => ordering != Ordering::Less,
                    "<" => ordering == Ordering::Less,
                    _ => ordering != Ordering::Greater,
                }
            }
        }
    })
}

/// The values of a list given as a JSON array or a PHP-style object.
fn list(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => map.values().collect(),
        other => vec![other],
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn contains(have: &str, needle: &str) -> bool {
    have.to_lowercase().contains(&needle.to_lowercase())
}

/// SQL `LIKE` with `%` as the only wildcard, ignoring case.
fn like(have: &str, pattern: &str) -> bool {
    let have = have.to_lowercase();
    let pattern = pattern.to_lowercase();
    let parts: Vec<&str> = pattern.split('%').collect();
    let (first, rest) = parts.split_first().unwrap_or((&"", &[]));
    let Some(mut left) = have.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return left.is_empty();
    };
    for part in middle {
        match left.find(part) {
            Some(at) => left = &left[at + part.len()..],
            None => return false,
        }
    }
    left.len() >= last.len() && left.ends_with(last)
}

/// Sorts rows by an `order` object (`{"OPPORTUNITY": "DESC", "ID": "ASC"}`), each key in turn, with
/// `ID` ascending last so that equal rows keep a stable order. Values compare as in a filter.
pub fn sort_by_order(rows: &mut [&Map<String, Value>], order: &[(String, bool)]) {
    rows.sort_by(|a, b| {
        order
            .iter()
            .map(|(field, descending)| {
                let ordering = match (a.get(field), b.get(field)) {
                    (Some(x), Some(y)) => compare(x, y).unwrap_or(Ordering::Equal),
                    (x, y) => x.is_some().cmp(&y.is_some()),
                };
                if *descending {
                    ordering.reverse()
                } else {
                    ordering
                }
            })
            .find(|o| o.is_ne())
            .unwrap_or_else(|| {
                let id = |row: &Map<String, Value>| {
                    row.get("ID").and_then(|v| match v {
                        Value::Number(n) => n.as_i64(),
                        Value::String(s) => s.parse().ok(),
                        _ => None,
                    })
                };
                id(a).cmp(&id(b))
            })
    });
}

fn compare(have: &Value, wanted: &Value) -> Option<Ordering> {
    let number = |v: &Value| match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse::<f64>().ok(),
        _ => None,
    };
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match (number(have), number(wanted)) {
        (Some(a), Some(b)) => a.partial_cmp(&b),
        _ => Some(text(have).cmp(&text(wanted))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn page(rows: Vec<Value>, start: Option<i64>) -> Reply {
        page_of(rows.len(), start, |range| rows[range].to_vec())
    }

    #[test]
    fn pages_through_120_rows() {
        let rows: Vec<Value> = (0..120).map(|i| json!(i)).collect();
        let first = page(rows.clone(), None);
        assert_eq!((first.next, first.total), (Some(50), Some(120)));
        let last = page(rows.clone(), Some(100));
        assert_eq!(
            (last.result.as_array().unwrap().len(), last.next),
            (20, None)
        );
        let uncounted = page(rows, Some(-1));
        assert_eq!(
            (
                uncounted.result.as_array().unwrap().len(),
                uncounted.next,
                uncounted.total
            ),
            (50, None, Some(0))
        );
    }

    #[test]
    fn filters_compare_ids_as_numbers() {
        let rows: Vec<Value> = (1..=12)
            .map(|i| json!({"ID": i.to_string(), "NAME": if i % 2 == 0 { "even" } else { "odd" }}))
            .collect();
        let ids = |filter: Value| -> Vec<String> {
            filtered(rows.clone(), Some(&filter))
                .iter()
                .map(|r| r["ID"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(ids(json!({">ID": 9})), ["10", "11", "12"]);
        assert_eq!(ids(json!({"<=ID": "2"})), ["1", "2"]);
        assert_eq!(ids(json!({">ID": 8, "NAME": "odd"})), ["9", "11"]);
        assert_eq!(ids(json!({"!NAME": "odd", "<ID": 5})), ["2", "4"]);
        assert_eq!(ids(json!({"MISSING": 1})), Vec::<String>::new());
        assert_eq!(filtered(rows.clone(), Some(&json!("x"))).len(), 12);
        assert_eq!(ids(json!({"!=NAME": "odd", ">ID": 8})), ["10", "12"]);
        assert_eq!(ids(json!({"@ID": [3, "5", 40]})), ["3", "5"]);
        assert_eq!(ids(json!({"!@ID": [1, 2, 3], "<ID": 6})), ["4", "5"]);
        assert_eq!(ids(json!({"NAME": ["even"], "<ID": 5})), ["2", "4"]);
        assert_eq!(ids(json!({"%NAME": "VE", "<ID": 5})), ["2", "4"]);
        assert_eq!(ids(json!({"=%NAME": "o%", "<ID": 4})), ["1", "3"]);
        assert_eq!(ids(json!({"%=NAME": "%en", "<ID": 5})), ["2", "4"]);
    }

    #[test]
    fn like_patterns() {
        assert!(like("Alpha", "%a"));
        assert!(!like("[A] Deal", "%a"));
        assert!(like("Deal #7", "deal%"));
        assert!(like("Deal #7", "%al #%"));
        assert!(!like("Deal #7", "%x%"));
        assert!(like("abc", "abc"));
        assert!(!like("abcd", "abc"));
        assert!(like("aa", "a%a"));
        assert!(!like("a", "a%a"));
    }
}
