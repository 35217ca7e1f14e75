//! The API changelog: what changed between two versions of the docs, told for users of the
//! generated crate.
//!
//! Pages are matched by the method or event they document, not by path, so a page that moved is no
//! change. Fields are matched by their path ([`crate::drift::field_paths`], as drift matches them),
//! errors by code, documented values by value. Only facts are compared: descriptions, headings, link
//! targets and examples never make an entry.
//!
//! Each entry is classified by what it does to code that compiles against the generated crate today:
//! - request structs are `#[non_exhaustive]`, with the required parameters as arguments of `new` and
//!   the optional ones as setters: a new optional parameter is compatible; a new required one, a
//!   removed one, a retyped one and one that became required or optional are breaking;
//! - decoded structs (results, event payloads) are `#[non_exhaustive]` with every field an `Option`:
//!   a new field, and one that became required or optional, are compatible; a removed or retyped
//!   field is breaking;
//! - enums of documented values are `#[non_exhaustive]` with `Unknown(String)`: a new value is
//!   compatible, a removed one breaking; values that turn a plain string into an enum, or a `Y`/`N`
//!   boolean into an enum (or back), change the field's type and are breaking;
//! - error enums are `#[non_exhaustive]`: a new code is compatible, a removed one breaking;
//! - a new method or event is compatible, a removed one breaking; a deprecation is compatible (it
//!   warns); a method that moves to another scope is breaking (its module and feature change).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::drift::field_paths;
use crate::ir::{ErrorCode, Field, Page, PageKind, Source, Spec, TypeExpr};
use Compat::{Breaking, Compatible};

/// The include every method page names for the platform's own errors: its codes are the runtime's
/// `SystemError`, not a method's error enum.
pub const SYSTEM_ERRORS_PAGE: &str = "_includes/system-errors.md";

/// The pseudo-scope of `SystemError`.
const SYSTEM_SCOPE: &str = "system";

/// What an entry does to code that compiles against the generated crate today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Compat {
    Breaking,
    Compatible,
}

/// Which part of a method or event changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Method,
    Event,
    Parameter,
    ResultField,
    EventField,
    ErrorCode,
    Value,
}

impl Part {
    pub fn label(self) -> &'static str {
        match self {
            Part::Method => "method",
            Part::Event => "event",
            Part::Parameter => "parameter",
            Part::ResultField => "result field",
            Part::EventField => "event field",
            Part::ErrorCode => "error code",
            Part::Value => "documented value",
        }
    }
}

/// How it changed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Change {
    Added,
    Removed,
    Deprecated,
    Undeprecated,
    MovedScope { from: String, to: String },
    Retyped { from: String, to: String },
    NowRequired,
    NowOptional,
}

impl Change {
    /// The change without its details, for counting.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Deprecated => "deprecated",
            Change::Undeprecated => "no longer deprecated",
            Change::MovedScope { .. } => "moved to another scope",
            Change::Retyped { .. } => "retyped",
            Change::NowRequired => "now required",
            Change::NowOptional => "now optional",
        }
    }

    fn describe(&self) -> String {
        match self {
            Change::MovedScope { from, to } => format!("moved from scope `{from}` to `{to}`"),
            Change::Retyped { from, to } => format!("retyped `{from}` → `{to}`"),
            other => other.kind().to_owned(),
        }
    }
}

/// One change of the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The scope the method or event belongs to ([`scope_of`]).
    pub scope: String,
    /// The method or event name (`SystemError` for the platform's own errors).
    pub item: String,
    pub part: Part,
    /// What changed within the item: a field path, an error code, `FIELD = value`; empty when the
    /// item itself changed.
    pub subject: String,
    pub change: Change,
    pub compat: Compat,
    /// Why it is breaking or compatible, in terms of the generated code.
    pub why: &'static str,
    /// Where the fact stands: in the new docs, or in the old docs for what was removed.
    pub source: Source,
}

/// The changes between two versions of the docs, ordered by scope, item, part and subject.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Changelog {
    pub entries: Vec<Entry>,
}

/// The release a changelog needs, in semver's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Release {
    None,
    Patch,
    Minor,
    Major,
}

impl Release {
    pub fn as_str(self) -> &'static str {
        match self {
            Release::None => "none",
            Release::Patch => "patch",
            Release::Minor => "minor",
            Release::Major => "major",
        }
    }
}

/// Which scopes to keep; empty keeps all.
#[derive(Debug, Clone, Default)]
pub struct ScopeFilter(BTreeSet<String>);

impl ScopeFilter {
    pub fn new<S: AsRef<str>>(scopes: impl IntoIterator<Item = S>) -> ScopeFilter {
        ScopeFilter(
            scopes
                .into_iter()
                .map(|s| s.as_ref().trim().to_ascii_lowercase())
                .filter(|s| !s.is_empty())
                .collect(),
        )
    }

    /// An item is kept when its scope, any scope its page names, or its name's first segment is
    /// listed: `--scopes imconnector` finds `imconnector.*` whatever scope their pages document.
    fn keeps(&self, item: &Item<'_>) -> bool {
        self.0.is_empty() || item.matches.iter().any(|s| self.0.contains(s))
    }
}

/// The scope a method or event is told under: the page's first documented scope; for a page that
/// names none, the first scope of the nearest method page above it in the folder tree (events sit
/// beside the methods they belong to), else the method name's first segment.
pub fn scope_of(page: &Page, spec: &Spec) -> String {
    if let Some(first) = page.scopes.first() {
        return first.to_ascii_lowercase();
    }
    nearest_method_scope(page, spec)
        .or_else(|| name_prefix(page))
        .unwrap_or_else(|| "unscoped".to_owned())
}

fn nearest_method_scope(page: &Page, spec: &Spec) -> Option<String> {
    let mut dir = page.path.as_str();
    while let Some((parent, _)) = dir.rsplit_once('/') {
        dir = parent;
        let prefix = format!("{dir}/");
        let near = spec.pages.iter().find(|p| {
            p.kind == PageKind::Method && p.path.starts_with(&prefix) && !p.scopes.is_empty()
        });
        if let Some(method) = near {
            return method.scopes.first().map(|s| s.to_ascii_lowercase());
        }
    }
    None
}

fn name_prefix(page: &Page) -> Option<String> {
    let name = page.names.first()?;
    let (first, _) = name.split_once('.')?;
    Some(first.to_ascii_lowercase())
}

/// A method, an event or `SystemError` on one side of the comparison.
struct Item<'p> {
    name: String,
    part: Part,
    scope: String,
    /// Lowercase names a scope filter may match.
    matches: Vec<String>,
    page: &'p Page,
}

/// The items of a spec by part and lowercase name. A name documented twice keeps its first page
/// in path order, the one the generator would meet first.
fn items<'p>(spec: &'p Spec) -> BTreeMap<(Part, String), Item<'p>> {
    let mut out = BTreeMap::new();
    for page in &spec.pages {
        let part = match page.kind {
            PageKind::Method => Part::Method,
            PageKind::Event => Part::Event,
            _ if page.path == SYSTEM_ERRORS_PAGE => {
                out.insert((Part::Method, String::new()), system_item(page));
                continue;
            }
            _ => continue,
        };
        let scope = scope_of(page, spec);
        for name in &page.names {
            let mut matches: Vec<String> =
                page.scopes.iter().map(|s| s.to_ascii_lowercase()).collect();
            matches.push(scope.clone());
            matches.extend(name.split_once('.').map(|(p, _)| p.to_ascii_lowercase()));
            out.entry((part, name.to_ascii_lowercase()))
                .or_insert_with(|| Item {
                    name: name.clone(),
                    part,
                    scope: scope.clone(),
                    matches,
                    page,
                });
        }
    }
    out
}

fn system_item(page: &Page) -> Item<'_> {
    Item {
        name: "SystemError".to_owned(),
        part: Part::Method,
        scope: SYSTEM_SCOPE.to_owned(),
        matches: vec![SYSTEM_SCOPE.to_owned()],
        page,
    }
}

/// The changelog from `old` to `new`, for the scopes `filter` keeps.
pub fn compare(old: &Spec, new: &Spec, filter: &ScopeFilter) -> Changelog {
    let before = items(old);
    let after = items(new);
    let mut entries = Vec::new();
    for (key, item) in &after {
        if !filter.keeps(item) {
            continue;
        }
        match before.get(key) {
            Some(was) => compare_item(was, item, &mut entries),
            None => entries.push(item_entry(item, Change::Added)),
        }
    }
    for (key, was) in &before {
        if filter.keeps(was) && !after.contains_key(key) {
            entries.push(item_entry(was, Change::Removed));
        }
    }
    entries.sort_by(|a, b| {
        (&a.scope, &a.item, a.part, &a.subject, &a.change)
            .cmp(&(&b.scope, &b.item, b.part, &b.subject, &b.change))
    });
    Changelog { entries }
}

fn page_source(page: &Page) -> Source {
    Source {
        path: page.path.clone(),
        line: 1,
    }
}

fn item_entry(item: &Item<'_>, change: Change) -> Entry {
    let (compat, why) = match change {
        Change::Added => (
            Compatible,
            "new items only; the scope's event enum is non_exhaustive",
        ),
        Change::Deprecated => (Compatible, "`#[deprecated]` warns; the code still compiles"),
        Change::Undeprecated => (Compatible, "the `#[deprecated]` warning goes"),
        Change::MovedScope { .. } => (
            Breaking,
            "its module and its Cargo feature are the scope's: paths change",
        ),
        _ => (Breaking, "its request, response and error types disappear"),
    };
    Entry {
        scope: item.scope.clone(),
        item: item.name.clone(),
        part: item.part,
        subject: String::new(),
        change,
        compat,
        why,
        source: page_source(item.page),
    }
}

/// The entries of one item present on both sides.
fn compare_item(was: &Item<'_>, now: &Item<'_>, out: &mut Vec<Entry>) {
    if was.page.deprecated != now.page.deprecated {
        let change = if now.page.deprecated {
            Change::Deprecated
        } else {
            Change::Undeprecated
        };
        out.push(item_entry(now, change));
    }
    if was.scope != now.scope {
        let change = Change::MovedScope {
            from: was.scope.clone(),
            to: now.scope.clone(),
        };
        out.push(item_entry(now, change));
    }
    compare_fields(was, now, Part::Parameter, params, out);
    compare_fields(was, now, Part::ResultField, result_fields, out);
    compare_fields(was, now, Part::EventField, event_fields, out);
    compare_errors(was, now, out);
}

fn params(page: &Page) -> Vec<&Field> {
    page.params.iter().collect()
}

fn result_fields(page: &Page) -> Vec<&Field> {
    page.response.iter().flat_map(|r| &r.fields).collect()
}

fn event_fields(page: &Page) -> Vec<&Field> {
    page.event.iter().flat_map(|e| &e.fields).collect()
}

/// An entry about something inside `now`.
fn inner_entry(
    now: &Item<'_>,
    part: Part,
    subject: String,
    change: Change,
    (compat, why): (Compat, &'static str),
    source: &Source,
) -> Entry {
    Entry {
        scope: now.scope.clone(),
        item: now.name.clone(),
        part,
        subject,
        change,
        compat,
        why,
        source: source.clone(),
    }
}

/// Every field under `roots` by its path; a path documented twice keeps its first row.
fn field_map(roots: Vec<&Field>) -> BTreeMap<String, &Field> {
    let mut out = BTreeMap::new();
    for root in roots {
        for (path, field) in field_paths("", root) {
            out.entry(path).or_insert(field);
        }
    }
    out
}

/// Whether another path of `paths` is the parent (or an ancestor) of `path`: the fields of an added
/// or removed object come and go with it and need no entry of their own.
fn under_any(path: &str, paths: &BTreeSet<&str>) -> bool {
    paths
        .iter()
        .any(|p| path.len() > p.len() && path.starts_with(p) && path[p.len()..].starts_with('.'))
}

fn compare_fields(
    was: &Item<'_>,
    now: &Item<'_>,
    part: Part,
    roots: fn(&Page) -> Vec<&Field>,
    out: &mut Vec<Entry>,
) {
    let before = field_map(roots(was.page));
    let after = field_map(roots(now.page));
    let added: BTreeSet<&str> = after
        .keys()
        .filter(|k| !before.contains_key(*k))
        .map(String::as_str)
        .collect();
    let removed: BTreeSet<&str> = before
        .keys()
        .filter(|k| !after.contains_key(*k))
        .map(String::as_str)
        .collect();
    for path in added.iter().filter(|p| !under_any(p, &added)) {
        let field = after[*path];
        let verdict = field_added(part, field.required.is_required());
        out.push(inner_entry(
            now,
            part,
            path.to_string(),
            Change::Added,
            verdict,
            &field.source,
        ));
    }
    for path in removed.iter().filter(|p| !under_any(p, &removed)) {
        let verdict = (
            Breaking,
            "its field (or setter, or argument of `new`) disappears",
        );
        out.push(inner_entry(
            now,
            part,
            path.to_string(),
            Change::Removed,
            verdict,
            &before[*path].source,
        ));
    }
    for (path, new) in &after {
        if let Some(old) = before.get(path) {
            compare_field(now, part, path, old, new, out);
        }
    }
}

fn field_added(part: Part, required: bool) -> (Compat, &'static str) {
    match (part, required) {
        (Part::Parameter, true) => (Breaking, "a new argument of the request's `new`"),
        (Part::Parameter, false) => (Compatible, "a new setter on a non_exhaustive request"),
        _ => (
            Compatible,
            "a new `Option` field of a non_exhaustive decoded struct",
        ),
    }
}

/// The entries of one field present on both sides: its type, its required marker, its values.
fn compare_field(
    now: &Item<'_>,
    part: Part,
    path: &str,
    old: &Field,
    new: &Field,
    out: &mut Vec<Entry>,
) {
    let (from, to) = (type_fact(&old.ty), type_fact(&new.ty));
    if from != to {
        let verdict = (Breaking, "the field's Rust type changes");
        let change = Change::Retyped { from, to };
        out.push(inner_entry(
            now,
            part,
            path.to_owned(),
            change,
            verdict,
            &new.source,
        ));
    }
    let (was_required, is_required) = (old.required.is_required(), new.required.is_required());
    if was_required != is_required {
        let change = if is_required {
            Change::NowRequired
        } else {
            Change::NowOptional
        };
        let verdict = if part == Part::Parameter {
            (
                Breaking,
                "it moves between the arguments of `new` and the setters",
            )
        } else {
            (
                Compatible,
                "decoded fields are all `Option`: the type stays",
            )
        };
        out.push(inner_entry(
            now,
            part,
            path.to_owned(),
            change,
            verdict,
            &new.source,
        ));
    }
    compare_values(now, path, old, new, out);
}

/// The type column as the changelog compares it: rendered (no link targets), case folded.
fn type_fact(ty: &TypeExpr) -> String {
    ty.render().to_ascii_lowercase()
}

/// What a field's documented values make of it in the generated code (as the generator's
/// `documented_values` decides: a string-like field with values, and no nested rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueShape {
    /// The values are documentation only; the type is the type column's.
    Plain,
    /// Exactly `Y` and `N`: a `bool`.
    Bool,
    /// A non_exhaustive enum with `Unknown(String)`.
    Enum,
}

fn value_shape(field: &Field) -> ValueShape {
    if field.values.is_empty() || !field.children.is_empty() || !string_like(&field.ty) {
        return ValueShape::Plain;
    }
    let mut sorted: Vec<&str> = field.values.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    if sorted == ["N", "Y"] {
        ValueShape::Bool
    } else {
        ValueShape::Enum
    }
}

fn string_like(ty: &TypeExpr) -> bool {
    let base = match ty {
        TypeExpr::Named { name, .. } if name.eq_ignore_ascii_case("array") => return true,
        TypeExpr::Named { name, .. } => name,
        TypeExpr::Array { item } => match item.as_ref() {
            TypeExpr::Named { name, .. } => name,
            _ => return false,
        },
        _ => return false,
    };
    matches!(
        base.to_ascii_lowercase().as_str(),
        "string" | "char" | "text"
    )
}

fn compare_values(now: &Item<'_>, path: &str, old: &Field, new: &Field, out: &mut Vec<Entry>) {
    let before: BTreeSet<&str> = old.values.iter().map(String::as_str).collect();
    let after: BTreeSet<&str> = new.values.iter().map(String::as_str).collect();
    if before == after {
        return;
    }
    let verdict = |change: &Change| match (value_shape(old), value_shape(new), change) {
        (ValueShape::Enum, ValueShape::Enum, Change::Added) => {
            (Compatible, "a new variant of a non_exhaustive enum")
        }
        (ValueShape::Enum, ValueShape::Enum, _) => (Breaking, "a variant of the enum disappears"),
        (ValueShape::Plain, ValueShape::Plain, _) => (
            Compatible,
            "documentation only: the field's type is not an enum of values",
        ),
        _ => (
            Breaking,
            "the field's Rust type changes (a string, a `bool` or an enum of values)",
        ),
    };
    let changes = after
        .difference(&before)
        .map(|v| (v, Change::Added))
        .chain(before.difference(&after).map(|v| (v, Change::Removed)));
    for (value, change) in changes {
        let subject = format!("{path} = {value}");
        let source = if change == Change::Added {
            &new.source
        } else {
            &old.source
        };
        let v = verdict(&change);
        out.push(inner_entry(now, Part::Value, subject, change, v, source));
    }
}

/// A method's own error codes with the row of their first case; the system errors included into
/// the page belong to `SystemError`, whose page is the system-errors include itself.
fn error_codes<'p>(item: &Item<'p>) -> BTreeMap<&'p str, &'p Source> {
    let own_page = item.page.path == SYSTEM_ERRORS_PAGE;
    let mut out = BTreeMap::new();
    for case in &item.page.errors {
        if !own_page && case.source.path == SYSTEM_ERRORS_PAGE {
            continue;
        }
        if let ErrorCode::Code(code) = &case.code {
            out.entry(code.as_str()).or_insert(&case.source);
        }
    }
    out
}

fn compare_errors(was: &Item<'_>, now: &Item<'_>, out: &mut Vec<Entry>) {
    let before = error_codes(was);
    let after = error_codes(now);
    for (code, source) in &after {
        if !before.contains_key(code) {
            let verdict = (Compatible, "a new variant of a non_exhaustive error enum");
            out.push(inner_entry(
                now,
                Part::ErrorCode,
                code.to_string(),
                Change::Added,
                verdict,
                source,
            ));
        }
    }
    for (code, source) in &before {
        if !after.contains_key(code) {
            let verdict = (Breaking, "a variant of the error enum disappears");
            out.push(inner_entry(
                now,
                Part::ErrorCode,
                code.to_string(),
                Change::Removed,
                verdict,
                source,
            ));
        }
    }
}

impl Changelog {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn breaking(&self) -> usize {
        self.entries.iter().filter(|e| e.compat == Breaking).count()
    }

    /// Entries by part, change and classification, for a summary.
    pub fn counts(&self) -> BTreeMap<(Part, &'static str, Compat), usize> {
        let mut out = BTreeMap::new();
        for e in &self.entries {
            *out.entry((e.part, e.change.kind(), e.compat)).or_default() += 1;
        }
        out
    }

    /// The release these changes need for a crate now at `version`, and the version it makes.
    ///
    /// Cargo's reading of semver: from 1.0 on, a breaking change bumps the major version and a
    /// compatible API change the minor; before 1.0 (`0.y.z`), the minor is the major (a breaking
    /// change makes 0.1.0 into 0.2.0) and a compatible change bumps the patch (0.1.1), which cargo
    /// treats as an update users get with `cargo update`. No entries, no release.
    pub fn release(&self, version: &str) -> (Release, String) {
        let (major, minor, patch) = parse_version(version);
        let release = match (self.is_empty(), self.breaking() > 0, major == 0) {
            (true, _, _) => Release::None,
            (false, true, true) => Release::Minor,
            (false, true, false) => Release::Major,
            (false, false, true) => Release::Patch,
            (false, false, false) => Release::Minor,
        };
        let next = match release {
            Release::None => format!("{major}.{minor}.{patch}"),
            Release::Patch => format!("{major}.{minor}.{}", patch + 1),
            Release::Minor => format!("{major}.{}.0", minor + 1),
            Release::Major => format!("{}.0.0", major + 1),
        };
        (release, next)
    }

    /// The changelog as Markdown, for a pull request's description: the release it needs, counts,
    /// then one list per scope and item. `heading` is the top heading's level (`##` → 2).
    pub fn to_markdown(&self, version: &str, heading: usize) -> String {
        let h = |extra: usize| "#".repeat(heading + extra);
        let mut out = String::new();
        let _ = writeln!(out, "{} API changes\n", h(0));
        let (release, next) = self.release(version);
        if self.is_empty() {
            let _ = writeln!(out, "No API changes: no release of bitrix24-api needed.");
            return out;
        }
        let breaking = self.breaking();
        let _ = writeln!(
            out,
            "{} changes, {breaking} breaking and {} compatible. Release: **{}** ({version} → {next}; \
             bitrix24-api follows cargo's semver, where before 1.0 a breaking change bumps the minor \
             version and a compatible one the patch).\n",
            self.entries.len(),
            self.entries.len() - breaking,
            release.as_str()
        );
        let _ = writeln!(out, "| change | breaking | compatible |\n|---|---:|---:|");
        let mut rows: BTreeMap<(Part, &str), (usize, usize)> = BTreeMap::new();
        for ((part, kind, compat), n) in self.counts() {
            let row = rows.entry((part, kind)).or_default();
            match compat {
                Breaking => row.0 += n,
                Compatible => row.1 += n,
            }
        }
        for ((part, kind), (b, c)) in rows {
            let _ = writeln!(out, "| {} {kind} | {b} | {c} |", part.label());
        }
        let mut scope = None;
        let mut item = None;
        for e in &self.entries {
            if scope != Some(&e.scope) {
                let _ = writeln!(out, "\n{} Scope `{}`", h(1), e.scope);
                scope = Some(&e.scope);
                item = None;
            }
            if item != Some(&e.item) {
                let _ = writeln!(out, "\n- `{}`", e.item);
                item = Some(&e.item);
            }
            let _ = writeln!(out, "  - {}", entry_line(e));
        }
        out
    }
}

fn entry_line(e: &Entry) -> String {
    let mark = match e.compat {
        Breaking => "**breaking**",
        Compatible => "compatible",
    };
    let what = if e.subject.is_empty() {
        format!("{} {}", e.part.label(), e.change.describe())
    } else {
        format!("{} `{}` {}", e.part.label(), e.subject, e.change.describe())
    };
    format!(
        "{mark}: {what} — {}. `{}:{}`",
        e.why, e.source.path, e.source.line
    )
}

/// `major.minor.patch`, missing or unreadable parts as 0 (a pre-release suffix is ignored).
fn parse_version(version: &str) -> (u64, u64, u64) {
    let mut parts = version
        .split(['.', '-', '+'])
        .map(|p| p.trim().parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(compat: Compat) -> Entry {
        Entry {
            scope: "s".into(),
            item: "s.m".into(),
            part: Part::Method,
            subject: String::new(),
            change: Change::Added,
            compat,
            why: "",
            source: Source {
                path: "p.md".into(),
                line: 1,
            },
        }
    }

    #[test]
    fn before_one_point_oh_breaking_bumps_the_minor_and_compatible_the_patch() {
        let none = Changelog::default();
        let compatible = Changelog {
            entries: vec![entry(Compatible)],
        };
        let breaking = Changelog {
            entries: vec![entry(Compatible), entry(Breaking)],
        };
        assert_eq!(none.release("0.1.0"), (Release::None, "0.1.0".into()));
        assert_eq!(
            compatible.release("0.1.0"),
            (Release::Patch, "0.1.1".into())
        );
        assert_eq!(breaking.release("0.1.3"), (Release::Minor, "0.2.0".into()));
        assert_eq!(
            compatible.release("1.2.3"),
            (Release::Minor, "1.3.0".into())
        );
        assert_eq!(breaking.release("1.2.3"), (Release::Major, "2.0.0".into()));
    }
}
