//! Which module, and so which Cargo feature, a page belongs to: its documented permission scope.
//!
//! The rule, decided once:
//! - a page that names scopes belongs to the first one it names;
//! - a page that names none belongs to the scope named most often by the pages nearest to it (the deepest
//!   folder above it, below `api-reference/<section>/`, that holds pages naming one);
//! - failing that, to `basic`, the scope every application has (`event.bind` and its kin).

use std::collections::BTreeMap;

use bitrix24_ir::{Page, PageKind, Spec};

/// The scope of pages that name none and have no neighbour that does.
pub const FALLBACK: &str = "basic";

/// The documented scope of every method and event page that names one, by page path.
pub struct Scopes<'a> {
    named: BTreeMap<&'a str, &'a str>,
}

impl<'a> Scopes<'a> {
    pub fn new(spec: &'a Spec) -> Self {
        let named = spec
            .pages
            .iter()
            .filter(|p| matches!(p.kind, PageKind::Method | PageKind::Event))
            .filter_map(|p| Some((p.path.as_str(), p.scopes.first()?.as_str())))
            .collect();
        Scopes { named }
    }

    /// The scope `page` belongs to, by the rule above.
    pub fn of(&self, page: &'a Page) -> &'a str {
        if let Some(scope) = page.scopes.first() {
            return scope;
        }
        let mut dir = page.path.as_str();
        while let Some((parent, _)) = dir.rsplit_once('/') {
            dir = parent;
            if dir.matches('/').count() < 1 {
                break;
            }
            let prefix = format!("{dir}/");
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for (_, scope) in self
                .named
                .range(prefix.as_str()..)
                .take_while(|(p, _)| p.starts_with(&prefix))
            {
                *counts.entry(scope).or_default() += 1;
            }
            // The most named scope; on a tie, the first by name, so the answer never depends on order.
            if let Some((scope, _)) = counts
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
            {
                return scope;
            }
        }
        FALLBACK
    }
}
