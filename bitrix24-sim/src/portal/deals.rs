//! CRM deals as `crm.deal.get` shows them: one flat record per deal, every value a string or `null`,
//! amounts with two decimals, flags as `Y`/`N`, dates in ISO 8601.

use serde_json::{Map, Value, json};

use super::render::legacy;
use super::{Ids, Portal};
use crate::wire::time::iso8601;

/// The stages of the default funnel (category 0) and their semantics: `P` in progress, `S` won,
/// `F` lost. New deals start in the first.
pub const STAGES: [(&str, &str); 7] = [
    ("NEW", "P"),
    ("PREPARATION", "P"),
    ("PREPAYMENT_INVOICE", "P"),
    ("EXECUTING", "P"),
    ("FINAL_INVOICE", "P"),
    ("WON", "S"),
    ("LOSE", "F"),
];

/// The standard fields of a deal, in the order `crm.deal.get` prints them; `select: ["*"]` means these.
pub const FIELDS: [&str; 44] = [
    "ID",
    "TITLE",
    "TYPE_ID",
    "STAGE_ID",
    "PROBABILITY",
    "CURRENCY_ID",
    "OPPORTUNITY",
    "IS_MANUAL_OPPORTUNITY",
    "TAX_VALUE",
    "LEAD_ID",
    "COMPANY_ID",
    "CONTACT_ID",
    "QUOTE_ID",
    "BEGINDATE",
    "CLOSEDATE",
    "ASSIGNED_BY_ID",
    "CREATED_BY_ID",
    "MODIFY_BY_ID",
    "DATE_CREATE",
    "DATE_MODIFY",
    "OPENED",
    "CLOSED",
    "COMMENTS",
    "ADDITIONAL_INFO",
    "LOCATION_ID",
    "CATEGORY_ID",
    "STAGE_SEMANTIC_ID",
    "IS_NEW",
    "IS_RECURRING",
    "IS_RETURN_CUSTOMER",
    "IS_REPEATED_APPROACH",
    "SOURCE_ID",
    "SOURCE_DESCRIPTION",
    "ORIGINATOR_ID",
    "ORIGIN_ID",
    "MOVED_BY_ID",
    "MOVED_TIME",
    "LAST_ACTIVITY_TIME",
    "UTM_SOURCE",
    "UTM_MEDIUM",
    "UTM_CAMPAIGN",
    "UTM_CONTENT",
    "UTM_TERM",
    "LAST_ACTIVITY_BY",
];

/// Fields the portal sets itself; `crm.deal.add` ignores them.
const READ_ONLY: [&str; 12] = [
    "ID",
    "CREATED_BY_ID",
    "MODIFY_BY_ID",
    "DATE_CREATE",
    "DATE_MODIFY",
    "STAGE_SEMANTIC_ID",
    "IS_NEW",
    "MOVED_BY_ID",
    "MOVED_TIME",
    "LAST_ACTIVITY_TIME",
    "LAST_ACTIVITY_BY",
    "CLOSED",
];

/// A custom (`UF_CRM_…`) or relationship (`PARENT_ID_…`) field, which deals keep as given.
pub fn is_custom(field: &str) -> bool {
    field.starts_with("UF_") || field.starts_with("PARENT_ID_")
}

/// Adds a deal from `crm.deal.add`-style fields, filling in what the portal defaults, and returns its id.
/// Unknown standard field names are dropped, as the platform drops them.
pub fn add(portal: &mut Portal, given: &Map<String, Value>, user: i64, now: f64) -> i64 {
    let id = Ids::take(&mut portal.ids.deal);
    let date = json!(iso8601(now));
    let user = json!(user.to_string());
    let mut deal = Map::new();
    for field in FIELDS {
        deal.insert(field.into(), Value::Null);
    }
    let defaults = [
        ("ID", json!(id.to_string())),
        ("TITLE", json!(format!("Deal #{id}"))),
        ("TYPE_ID", json!("SALE")),
        ("STAGE_ID", json!(STAGES[0].0)),
        ("CURRENCY_ID", json!("USD")),
        ("OPPORTUNITY", json!("0.00")),
        ("IS_MANUAL_OPPORTUNITY", json!("N")),
        ("TAX_VALUE", json!("0.00")),
        ("ASSIGNED_BY_ID", user.clone()),
        ("CREATED_BY_ID", user.clone()),
        ("MODIFY_BY_ID", user.clone()),
        ("MOVED_BY_ID", user.clone()),
        ("LAST_ACTIVITY_BY", user),
        ("BEGINDATE", date.clone()),
        ("DATE_CREATE", date.clone()),
        ("DATE_MODIFY", date.clone()),
        ("MOVED_TIME", date.clone()),
        ("LAST_ACTIVITY_TIME", date),
        ("OPENED", json!("Y")),
        ("CATEGORY_ID", json!("0")),
        ("IS_NEW", json!("Y")),
        ("IS_RECURRING", json!("N")),
        ("IS_RETURN_CUSTOMER", json!("N")),
        ("IS_REPEATED_APPROACH", json!("N")),
    ];
    for (field, value) in defaults {
        deal.insert(field.into(), value);
    }
    for (field, value) in given {
        let field = field.to_ascii_uppercase();
        let known = FIELDS.contains(&field.as_str()) || is_custom(&field);
        if !known || READ_ONLY.contains(&field.as_str()) {
            continue;
        }
        let value = match field.as_str() {
            "OPPORTUNITY" | "TAX_VALUE" => json!(format!("{:.2}", amount(value))),
            _ if is_custom(&field) => value.clone(),
            _ => legacy(value),
        };
        deal.insert(field, value);
    }
    let stage = deal["STAGE_ID"].as_str().unwrap_or_default().to_owned();
    let semantic = STAGES
        .iter()
        .find(|(id, _)| *id == stage)
        .map_or("P", |(_, semantic)| *semantic);
    deal.insert("STAGE_SEMANTIC_ID".into(), json!(semantic));
    deal.insert(
        "CLOSED".into(),
        json!(if semantic == "P" { "N" } else { "Y" }),
    );
    portal.deals.insert(id, deal);
    id
}

fn amount(value: &Value) -> f64 {
    match value {
        Value::Number(n) => n.as_f64().unwrap_or_default(),
        Value::String(s) => s.trim().parse().unwrap_or_default(),
        _ => 0.0,
    }
}

/// Adds `count` deals owned by user 1, spread over the stages of the default funnel, the amounts and
/// two currencies, created an hour apart and ending at `now`, so that lists, filters and orders have
/// something to work on.
pub fn seed(portal: &mut Portal, count: usize, now: f64) {
    for n in 1..=count {
        let (stage, _) = STAGES[(n - 1) % STAGES.len()];
        let fields = json!({
            "TITLE": format!("Seeded deal {n}"),
            "TYPE_ID": if n % 3 == 0 { "COMPLEX" } else { "SALE" },
            "STAGE_ID": stage,
            "CURRENCY_ID": if n % 2 == 0 { "EUR" } else { "USD" },
            "OPPORTUNITY": 500 + (n * 37 % 40) * 250,
            "PROBABILITY": (n * 10) % 100,
        });
        let created = now - 3600.0 * (count - n) as f64;
        if let Value::Object(fields) = fields {
            add(portal, &fields, 1, created);
        }
    }
}
