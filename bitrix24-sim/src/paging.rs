//! `start`/`next`/`total` paging of list methods, 50 rows a page.

use std::ops::Range;

use serde_json::Value;

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
}
