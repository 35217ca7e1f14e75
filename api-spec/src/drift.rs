//! Drift: which facts of our pages differ from the upstream pages they mirror.
//!
//! A page is reduced to a flat map of facts keyed by stable paths (`params.USER_CODE.type`,
//! `errors.ACCESS_DENIED@400`), never by heading text, so rewording and heading renames upstream
//! produce no drift while a changed type, required flag, nesting, error or example does.

use std::collections::BTreeMap;

use crate::ir::{Field, Page};

/// One fact that differs. `ours` or `upstream` is `None` when the fact exists on one side only.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Difference {
    /// Our page, relative to api-spec/pages.
    pub page: String,
    /// The method or event name.
    pub name: String,
    pub fact: String,
    pub ours: Option<String>,
    pub upstream: Option<String>,
}

/// The comparable facts of a page.
pub fn facts(page: &Page) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    out.insert("kind".into(), page.kind.as_str().into());
    out.insert("names".into(), page.names.join(","));
    out.insert("scopes".into(), page.scopes.join(","));
    out.insert("deprecated".into(), page.deprecated.to_string());
    out.insert("rest_v3".into(), page.rest_v3.to_string());
    let replaced_by: Vec<&str> = page.replaced_by.iter().map(|l| l.text.as_str()).collect();
    out.insert("replaced_by".into(), replaced_by.join(","));
    for f in &page.params {
        field_facts("params", f, &mut out);
    }
    for f in page.response.iter().flat_map(|r| &r.fields) {
        field_facts("response", f, &mut out);
    }
    for f in page.event.iter().flat_map(|e| &e.fields) {
        field_facts("event", f, &mut out);
    }
    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    for e in &page.errors {
        let code = match &e.code {
            crate::ir::ErrorCode::Code(c) => c.clone(),
            crate::ir::ErrorCode::Prose(p) => format!("({p})"),
            crate::ir::ErrorCode::Empty => "(empty)".into(),
        };
        let status = e
            .http_status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "-".into());
        *errors.entry(format!("errors.{code}@{status}")).or_default() += 1;
    }
    out.extend(errors.into_iter().map(|(k, n)| (k, n.to_string())));
    let present = |b: bool| if b { "present" } else { "absent" }.to_string();
    out.insert(
        "examples.request".into(),
        present(!page.request_examples.is_empty()),
    );
    out.insert(
        "examples.response".into(),
        present(
            page.response
                .as_ref()
                .is_some_and(|r| !r.examples.is_empty()),
        ),
    );
    out.insert(
        "examples.error".into(),
        present(!page.error_examples.is_empty()),
    );
    out.insert(
        "examples.event".into(),
        present(page.event.as_ref().is_some_and(|e| !e.examples.is_empty())),
    );
    out
}

fn field_facts(prefix: &str, f: &Field, out: &mut BTreeMap<String, String>) {
    for (path, f) in field_paths(prefix, f) {
        out.insert(format!("{path}.type"), f.ty.render());
        out.insert(
            format!("{path}.required"),
            f.required.is_required().to_string(),
        );
    }
}

/// A field and its descendants, depth first, each under its stable path (`prefix.NAME.CHILD`): the
/// key by which drift and the changelog match a field across two versions of a page, whatever its
/// row's wording or the heading it stands under.
pub fn field_paths<'f>(prefix: &str, f: &'f Field) -> Vec<(String, &'f Field)> {
    let path = if prefix.is_empty() {
        f.name.wire.clone()
    } else {
        format!("{prefix}.{}", f.name.wire)
    };
    let mut out = Vec::new();
    for c in &f.children {
        out.extend(field_paths(&path, c));
    }
    out.insert(0, (path, f));
    out
}

/// The differences between our page and the upstream page it mirrors.
pub fn compare(ours: &Page, upstream: &Page) -> Vec<Difference> {
    let a = facts(ours);
    let b = facts(upstream);
    let name = ours
        .names
        .first()
        .cloned()
        .unwrap_or_else(|| ours.path.clone());
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| Difference {
            page: ours.path.clone(),
            name: name.clone(),
            fact: k.clone(),
            ours: a.get(k).cloned(),
            upstream: b.get(k).cloned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::include::Loader;

    struct None_;
    impl Loader for None_ {
        fn load(&self, _: &str) -> Option<String> {
            None
        }
    }

    const PAGE: &str = "# Open x.y.z\n\n> Scope: [`s`](a.md)\n\n## Method Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **A***\n[`string`](t.md) | one ||\n|#\n\n## Error Handling\n\n### Possible Error Codes\n\n#|\n|| **Status** | **Code** | **Description** | **Value** ||\n|| `400` | `E1` | m | v ||\n|#\n";

    #[test]
    fn wording_changes_are_not_drift_but_facts_are() {
        let ours = crate::parse_page("p.md", PAGE, &None_);
        let reworded = PAGE
            .replace("| one ||", "| something else entirely ||")
            .replace("# Open", "# Opens");
        assert!(compare(&ours, &crate::parse_page("p.md", &reworded, &None_)).is_empty());
        let changed = PAGE
            .replace("**A***\n[`string`]", "**A**\n[`integer`]")
            .replace("`E1`", "`E2`");
        let diffs = compare(&ours, &crate::parse_page("p.md", &changed, &None_));
        let facts: Vec<&str> = diffs.iter().map(|d| d.fact.as_str()).collect();
        assert_eq!(
            facts,
            vec![
                "errors.E1@400",
                "errors.E2@400",
                "params.A.required",
                "params.A.type"
            ]
        );
        assert_eq!(diffs[3].ours.as_deref(), Some("string"));
        assert_eq!(diffs[3].upstream.as_deref(), Some("integer"));
    }
}
