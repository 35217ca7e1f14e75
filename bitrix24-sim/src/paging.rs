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

/// The rows that match every condition of a `filter` object: `FIELD` (equal), or a prefixed
/// `>FIELD`, `>=FIELD`, `<FIELD`, `<=FIELD`, `!FIELD`. Values compare as numbers when both are numeric
/// (ids arrive as strings), as text otherwise. Anything that is not an object filters nothing.
pub fn filtered(rows: Vec<Value>, filter: Option<&Value>) -> Vec<Value> {
    let Some(Value::Object(conditions)) = filter else {
        return rows;
    };
    rows.into_iter()
        .filter(|row| matches(row, conditions))
        .collect()
}

fn matches(row: &Value, conditions: &Map<String, Value>) -> bool {
    conditions.iter().all(|(key, wanted)| {
        let field = key.trim_start_matches(['>', '<', '=', '!']);
        let operator = &key[..key.len() - field.len()];
        let Some(ordering) = row.get(field).and_then(|have| compare(have, wanted)) else {
            return false;
        };
        match operator {
            ">" => ordering == Ordering::Greater,
            ">=" => ordering != Ordering::Less,
            "<" => ordering == Ordering::Less,
            "<=" => ordering != Ordering::Greater,
            "!" => ordering != Ordering::Equal,
            _ => ordering == Ordering::Equal,
        }
    })
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
    }
}
