//! CRM deals: `crm.deal.list` (select, filter, order, `start` paging), `crm.deal.get` and `crm.deal.add`.
//!
//! The deal methods answer errors as their pages document them: HTTP 400 with an empty `error` code
//! and the reason in `error_description`.

use serde_json::{Map, Value, json};

use super::{Call, Table, add};
use crate::paging::{self, PAGE_SIZE};
use crate::portal::deals;
use crate::wire::envelope::{ApiError, Reply};

pub fn register(table: &mut Table) {
    add(table, "crm.deal.list", deal_list);
    add(table, "crm.deal.get", deal_get);
    add(table, "crm.deal.add", deal_add);
}

/// The platform's deal errors have no code, only a description.
fn refused(description: &str) -> ApiError {
    ApiError::bad_request("", description)
}

/// An object parameter (`filter`, `order`, `fields`): absent or empty is `None`, a non-object is the
/// documented "must be array" error.
fn object_param<'a>(
    call: &Call<'a>,
    name: &str,
) -> Result<Option<&'a Map<String, Value>>, ApiError> {
    match call.args.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        // PHP's empty array arrives as `[]` or `""`.
        Some(Value::Array(items)) if items.is_empty() => Ok(None),
        Some(Value::String(text)) if text.is_empty() => Ok(None),
        Some(_) => Err(refused(&format!("Parameter '{name}' must be array."))),
    }
}

/// The fields to print: `*` is every standard field, `UF_*` every custom one, other names as given
/// (upper-cased); no `select` at all means both masks.
struct Select {
    standard: bool,
    custom: bool,
    named: Vec<String>,
}

impl Select {
    fn of(value: Option<&Value>) -> Select {
        let named: Vec<String> = value
            .map(super::args::items)
            .unwrap_or_default()
            .into_iter()
            .filter_map(super::args::as_text)
            .map(|name| name.trim().to_ascii_uppercase())
            .filter(|name| !name.is_empty())
            .collect();
        if named.is_empty() {
            return Select {
                standard: true,
                custom: true,
                named,
            };
        }
        Select {
            standard: named.iter().any(|n| n == "*"),
            custom: named.iter().any(|n| n == "UF_*"),
            named,
        }
    }

    fn render(&self, deal: &Map<String, Value>) -> Value {
        let row: Map<String, Value> = deal
            .iter()
            .filter(|(field, _)| {
                let custom = deals::is_custom(field);
                (self.standard && !custom)
                    || (self.custom && custom)
                    || self.named.iter().any(|n| n == *field)
            })
            .map(|(field, value)| (field.clone(), value.clone()))
            .collect();
        Value::Object(row)
    }
}

/// `order` as (field, descending) pairs; anything but `DESC` sorts ascending.
fn order_of(order: Option<&Map<String, Value>>) -> Vec<(String, bool)> {
    order
        .into_iter()
        .flatten()
        .map(|(field, direction)| {
            let descending = super::args::as_text(direction)
                .is_some_and(|d| d.trim().eq_ignore_ascii_case("DESC"));
            (field.to_ascii_uppercase(), descending)
        })
        .collect()
}

/// The lowest id a `>ID` or `>=ID` condition allows, so that a walk by id skips the rows before it.
fn lowest_id(filter: Option<&Map<String, Value>>) -> i64 {
    let bound = |key: &str| {
        filter
            .and_then(|f| f.get(key))
            .and_then(super::args::as_int)
    };
    let after = bound(">ID").map_or(i64::MIN, |id| id.saturating_add(1));
    let from = bound(">=ID").unwrap_or(i64::MIN);
    after.max(from)
}

/// Deals narrowed by `filter`, sorted by `order` (by id when there is none), `PAGE_SIZE` a page from
/// `start`; each row holds the `select`ed fields. With `start=-1` nothing is counted, and a walk by id
/// in id order stops at the first page it fills.
fn deal_list(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let filter = object_param(call, "filter")?;
    let order = order_of(object_param(call, "order")?);
    let select = Select::of(call.args.get("select"));
    let start = call.args.int("start");
    let by_id_only = order.iter().all(|(field, desc)| field == "ID" && !desc);
    // Field names are upper-case; the operator prefixes are not letters, so the whole key can be.
    let conditions: Map<String, Value> = filter
        .into_iter()
        .flatten()
        .map(|(key, value)| (key.to_ascii_uppercase(), value.clone()))
        .collect();
    let candidates = call
        .portal()
        .deals
        .range(lowest_id(Some(&conditions))..)
        .map(|(_, deal)| deal)
        .filter(|deal| paging::matches(deal, &conditions));
    let mut rows: Vec<&Map<String, Value>> = if by_id_only && start.is_some_and(|s| s < 0) {
        candidates.take(PAGE_SIZE).collect()
    } else {
        candidates.collect()
    };
    if !by_id_only {
        paging::sort_by_order(&mut rows, &order);
    }
    Ok(paging::page_of(rows.len(), start, |range| {
        rows[range].iter().map(|deal| select.render(deal)).collect()
    }))
}

fn deal_get(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let id = call
        .args
        .int("id")
        .filter(|id| *id > 0)
        .ok_or_else(|| refused("ID is not defined or invalid."))?;
    let deal = call
        .portal()
        .deals
        .get(&id)
        .ok_or_else(|| refused("Not found"))?;
    Ok(Value::Object(deal.clone()).into())
}

fn deal_add(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let empty = Map::new();
    let fields = object_param(call, "fields")?.unwrap_or(&empty).clone();
    if let Some(currency) = fields
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("CURRENCY_ID"))
        .and_then(|(_, v)| super::args::as_text(v))
        && !(currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return Err(refused("Invalid value for the \"Currency\" field"));
    }
    let (user, now) = (call.user(), call.now);
    let id = deals::add(call.portal_mut(), &fields, user, now);
    Ok(json!(id).into())
}
