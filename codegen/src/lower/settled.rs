//! Type names the docs use without defining them, settled by what the request examples send.
//!
//! Some rows name a type whose page is not in the docs (`sale_order_payment.id`, `catalog_measure.code`
//! from the sale and catalog scopes). Such a name says the value is no free-form JSON, and the examples
//! of every page that uses the name say which scalar it is. A name is settled when the request examples
//! of the whole spec send it, wherever they send it, as one kind of scalar (`1036`: an integer); one
//! object, list or other kind of scalar anywhere leaves it any JSON. Settling it across the spec, not
//! page by page, keeps one name one type, so the pages that share a shape still share its type.

use std::collections::BTreeMap;

use bitrix24_ir::{Field, NameKind, PageKind, Spec, TypeExpr};
use serde_json::Value;

use super::shapes::scalar_kind;
use crate::model::Ty;

/// The undefined type names the examples settle, by lower-case name.
#[derive(Debug, Default)]
pub struct Settled(BTreeMap<String, Ty>);

/// What the examples of one name showed: one scalar kind, or several kinds or a non-scalar (`None`).
type Seen = BTreeMap<String, Option<Ty>>;

/// No name settled: lowering without a spec (tests), or asking what the generator knows by itself.
pub static NONE: Settled = Settled(BTreeMap::new());

impl Settled {
    /// Reads every method page's request examples; `known` tells whether a type name is one the
    /// generator knows, which needs no settling.
    pub fn new(spec: &Spec, known: impl Fn(&str) -> bool) -> Self {
        let mut seen = Seen::new();
        for page in spec.pages.iter().filter(|p| p.kind == PageKind::Method) {
            let sent: Vec<&Value> = page
                .request_examples
                .iter()
                .filter_map(|e| e.value.as_ref())
                .collect();
            observe(&page.params, &sent, &known, &mut seen);
        }
        Settled(
            seen.into_iter()
                .filter_map(|(name, ty)| Some((name, ty?)))
                .collect(),
        )
    }

    /// The scalar the examples send for the type name `name`, if they settle it.
    pub fn get(&self, name: &str) -> Option<&Ty> {
        self.0.get(&name.to_ascii_lowercase())
    }
}

/// Records what `samples` (the objects that hold `fields`) send under each field of an undefined
/// type name, and goes on into nested fields.
fn observe(fields: &[Field], samples: &[&Value], known: &impl Fn(&str) -> bool, seen: &mut Seen) {
    for field in fields {
        let NameKind::Plain = field.name.kind else {
            continue;
        };
        let found: Vec<&Value> = samples
            .iter()
            .filter_map(|v| v.get(&field.name.wire))
            .filter(|v| !v.is_null())
            .collect();
        if let TypeExpr::Named { name, .. } = &field.ty
            && field.children.is_empty()
            && !known(name)
        {
            for value in &found {
                let kind = scalar_kind(value);
                seen.entry(name.to_ascii_lowercase())
                    .and_modify(|was| {
                        if *was != kind {
                            *was = None;
                        }
                    })
                    .or_insert(kind);
            }
        }
        let inner: Vec<&Value> = found
            .iter()
            .flat_map(|v| match v {
                Value::Array(items) => items.iter().collect(),
                other => vec![*other],
            })
            .collect();
        observe(&field.children, &inner, known, seen);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec(pages: Value) -> Spec {
        serde_json::from_value(json!({ "pages": pages })).unwrap()
    }

    /// A method page whose one parameter `id` has the type `name`, with the request examples `sent`.
    fn page(path: &str, name: &str, sent: &[Value]) -> Value {
        let source = json!({"path": path, "line": 1});
        let examples: Vec<Value> = sent
            .iter()
            .map(|v| json!({"source": source, "validity": "valid", "value": v}))
            .collect();
        json!({
            "path": path, "kind": "method", "title": "m", "names": ["m"], "scopes": [],
            "description": "", "deprecated": false, "dev_only": false, "errors": [],
            "error_envelope": "classic", "see_also": [], "diagnostics": [],
            "params": [{
                "name": {"wire": "id", "kind": {"kind": "plain"}}, "required": {"marker": "star"},
                "type": {"form": "named", "name": name}, "description": "", "source": source
            }],
            "request_examples": examples,
        })
    }

    fn known(name: &str) -> bool {
        name == "integer"
    }

    #[test]
    fn a_name_every_example_sends_as_one_scalar_is_that_scalar() {
        let spec = spec(json!([
            page("a.md", "sale_order.id", &[json!({"id": 1036})]),
            page(
                "b.md",
                "Sale_Order.ID",
                &[json!({"id": 7}), json!({"other": "x"})]
            ),
        ]));
        let settled = Settled::new(&spec, known);
        assert_eq!(settled.get("sale_order.id"), Some(&Ty::Int));
    }

    #[test]
    fn a_name_sent_as_two_kinds_or_as_an_object_stays_unsettled() {
        let spec = spec(json!([
            page("a.md", "file", &[json!({"id": 1})]),
            page("b.md", "file", &[json!({"id": "a.png"})]),
            page("c.md", "money", &[json!({"id": {"sum": 1}})]),
            page("d.md", "integer", &[json!({"id": 1})]),
        ]));
        let settled = Settled::new(&spec, known);
        assert_eq!(settled.get("file"), None);
        assert_eq!(settled.get("money"), None);
        assert_eq!(
            settled.get("integer"),
            None,
            "a known name needs no settling"
        );
    }
}
