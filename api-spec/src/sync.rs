//! Bringing an api-spec page up to date with its upstream page: the facts come from upstream,
//! the words stay ours.
//!
//! The merge rule, for a page that exists on both sides:
//! - Top-level tables are matched by their header and the keys of their rows (a field table's row
//!   is keyed by the field name, any other row by its fact cells: status, code, message). Rows come
//!   in upstream's order: the header row and every fact cell (first cells with names, markers and
//!   types; codes, statuses, messages, defaults, examples) are upstream's. A description cell stays
//!   ours, except that when upstream's documented values differ from the values our cell lists,
//!   the value items are added or removed in our text. Only when the page so patched still differs
//!   from upstream in its parsed facts ([`crate::drift`]) does a stricter rule apply: a cell stays
//!   ours only while its facts (links to nested tables, the pointer to a structure below, restated
//!   rules, documented values) equal upstream's, else it holds upstream's facts only; the stricter
//!   page is kept only if it differs less. A row new upstream arrives facts-only; a row gone
//!   upstream is removed.
//! - Top-level JSON code blocks (the examples) are replaced by upstream's, pairwise in page order.
//! - The `> Scope:` line takes upstream's scopes when they differ from ours, and `commit:` in the
//!   front matter names the docs commit, but only when some fact changed: a page whose facts are
//!   unchanged stays byte for byte.
//! - When the page's shape changed (a table or an example came or went, the scope line appeared
//!   or vanished), the page is rebuilt: the facts-only page of upstream, with our title, our "Who
//!   can" line and our description cells carried over by the same row rules, and our paragraphs,
//!   lists, notes and cuts put back under the heading of the same text (dropped when that makes
//!   the facts differ more). [`Merge::rebuilt`] says so, for the maintainer to review the page.
//! - A page whose shape is unchanged is never rebuilt, even when facts still differ: those are
//!   reported ([`Merge::differences`]) for the maintainer, rather than our words dropped.
//! - A page still marked facts-only (`facts_only: true` in its front matter) has no words of ours
//!   to keep: it is written anew as upstream's facts-only page whenever that differs from it, so a
//!   sync into an empty folder and a sync over our pages give the same facts-only pages.

use std::cell::RefCell;
use std::collections::BTreeSet;

use crate::blocks::{Block, BlockKind, Table};
use crate::cells::header_cell;
use crate::diag::Diagnostics;
use crate::drift::{Difference, compare};
use crate::include::Loader;
use crate::ir::{Page, PageKind};
use crate::scaffold::{FACTS_ONLY_MARK, cell_facts, facts_only, is_fact_column, scope_line};

/// The result of merging upstream's facts into one of our pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    /// The page's new text (equal to ours when nothing changed).
    pub text: String,
    /// Whether `text` differs from our page.
    pub changed: bool,
    /// Our description cells that now hold upstream's facts only, their facts having changed.
    pub reset_cells: usize,
    /// Table rows that arrived from upstream (facts-only) and rows removed because upstream dropped them.
    pub rows_added: usize,
    pub rows_removed: usize,
    /// The page was rebuilt from the facts-only page; our prose was carried over by heading.
    pub rebuilt: bool,
    /// Facts of the new page that still differ from upstream (empty when the sync is exact).
    pub differences: Vec<Difference>,
}

/// Merges the facts of `upstream` (its text and its page, parsed in the docs checkout) into our
/// page `ours` (its text; `path` relative to our pages root, whose includes `loader` reads), naming
/// `commit` as the docs commit.
pub fn merge(
    path: &str,
    ours: &str,
    upstream: &str,
    upstream_page: &Page,
    commit: &str,
    loader: &dyn Loader,
) -> Merge {
    let differences = |text: &str| compare(&crate::parse_page(path, text, loader), upstream_page);
    if is_facts_only(ours) {
        // Nothing on the page is ours: it is upstream's facts-only page, and stays byte for byte
        // (its commit too) while that is unchanged.
        let same = front_matter_value(ours, "commit")
            .map(|c| facts_only(upstream, upstream_page, &c))
            .is_some_and(|t| t == ours);
        let text = match same {
            true => ours.to_string(),
            false => facts_only(upstream, upstream_page, commit),
        };
        return Draft::new(text.clone(), false).into_merge(ours, differences(&text), false);
    }
    let lenient = patch(ours, upstream, commit, Rule::Lenient);
    if !lenient.structural {
        let lenient_diffs = differences(&lenient.text);
        if lenient_diffs.is_empty() {
            return lenient.into_merge(ours, lenient_diffs, false);
        }
        let strict = patch(ours, upstream, commit, Rule::Strict);
        let strict_diffs = differences(&strict.text);
        // Our words give way only where that brings the page's facts closer to upstream's.
        return if strict_diffs.len() < lenient_diffs.len() {
            strict.into_merge(ours, strict_diffs, false)
        } else {
            lenient.into_merge(ours, lenient_diffs, false)
        };
    }
    // Our paragraphs first, then without them (a sentence of ours may state a fact that
    // upstream no longer states); the lenient rule before the strict one; the first exact draft
    // wins, else the one that differs least.
    let first = rebuild(ours, upstream, upstream_page, commit, Rule::Lenient, true);
    let first_diffs = differences(&first.text);
    let mut best = (first, first_diffs);
    for (prose, rule) in [
        (true, Rule::Strict),
        (false, Rule::Lenient),
        (false, Rule::Strict),
    ] {
        if best.1.is_empty() {
            break;
        }
        let draft = rebuild(ours, upstream, upstream_page, commit, rule, prose);
        let diffs = differences(&draft.text);
        if diffs.len() < best.1.len() {
            best = (draft, diffs);
        }
    }
    best.0.into_merge(ours, best.1, true)
}

/// A [`Loader`] that remembers the files it read (root-relative), for [`parse_recording`].
struct Recording<'l> {
    inner: &'l dyn Loader,
    read: RefCell<BTreeSet<String>>,
}

impl Loader for Recording<'_> {
    fn load(&self, path: &str) -> Option<String> {
        let text = self.inner.load(path)?;
        self.read.borrow_mut().insert(path.to_string());
        Some(text)
    }
}

/// Parses a page as [`crate::parse_page`] does, and names every other file the parser read for its
/// facts: include fragments, and pages whose tables a row links to (`./other.md#anchor`), at any
/// depth.
pub fn parse_recording(path: &str, text: &str, loader: &dyn Loader) -> (Page, BTreeSet<String>) {
    let recording = Recording {
        inner: loader,
        read: RefCell::new(BTreeSet::new()),
    };
    let page = crate::parse_page(path, text, &recording);
    let mut read = recording.read.into_inner();
    read.remove(path);
    (page, read)
}

/// A page or include fragment that synced pages take facts from without being a method or event
/// page to sync itself.
#[derive(Debug, Clone)]
pub struct Referenced {
    /// Root-relative, as upstream has it.
    pub path: String,
    pub text: String,
    pub page: Page,
}

/// The files that the parser reads for the facts of the synced pages (`read`, the union of what
/// [`parse_recording`] returned for each): include fragments and pages whose tables a row links
/// to, other than the pages in `synced`, and, recursively, what those read when parsed on their
/// own. Our copy of a synced page resolves its includes and links in our pages folder, so each of
/// these has to be there too. Sorted by path.
pub fn referenced_pages<'r>(
    read: impl IntoIterator<Item = &'r String>,
    synced: &BTreeSet<String>,
    loader: &dyn Loader,
) -> Vec<Referenced> {
    let mut queue: Vec<String> = read.into_iter().cloned().collect();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    while let Some(path) = queue.pop() {
        if synced.contains(&path) || !seen.insert(path.clone()) {
            continue;
        }
        let Some(text) = loader.load(&path) else {
            continue;
        };
        let (page, further) = parse_recording(&path, &text, loader);
        // A method or event page outside the synced set (the batch page) stays out.
        if matches!(page.kind, PageKind::Method | PageKind::Event) {
            continue;
        }
        queue.extend(further);
        out.push(Referenced { path, text, page });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Whether a page's front matter marks it facts-only ([`FACTS_ONLY_MARK`]): it carries no words of
/// ours, only what [`facts_only`] wrote.
fn is_facts_only(text: &str) -> bool {
    let mut lines = text.lines();
    lines.next().is_some_and(|l| l.trim_end() == "---")
        && lines
            .take_while(|l| l.trim_end() != "---")
            .any(|l| l.trim() == FACTS_ONLY_MARK)
}

/// The value of `key:` in a page's front matter.
fn front_matter_value(text: &str, key: &str) -> Option<String> {
    let mut lines = text.lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    lines
        .take_while(|l| l.trim_end() != "---")
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .map(|v| v.trim().to_string())
}

/// Our top-level prose (paragraphs, lists, notes, cuts) by the heading it stands under (`""` for
/// the part above the first `##`), as the lines it spans in our page.
fn prose_by_heading(ours: &str) -> Vec<(String, Vec<String>)> {
    let blocks = parse_blocks(ours);
    let lines: Vec<&str> = ours.lines().collect();
    let mut out: Vec<(String, Vec<String>)> = vec![(String::new(), Vec::new())];
    for (i, block) in blocks.iter().enumerate() {
        let prose = match &block.kind {
            BlockKind::Heading { level, text, .. } if *level > 1 => {
                out.push((
                    format!("{} {text}", "#".repeat(*level as usize)),
                    Vec::new(),
                ));
                continue;
            }
            BlockKind::Paragraph { text, .. } => {
                !(text.starts_with("HTTP") || text.starts_with("No parameters"))
            }
            BlockKind::List { .. } => !lines
                .get(block.line as usize - 1)
                .is_some_and(|l| l.contains("{#T}")),
            BlockKind::Note { .. } | BlockKind::Cut { .. } => true,
            _ => false,
        };
        if !prose || block.line == 0 {
            continue;
        }
        let first = block.line as usize;
        let limit = blocks
            .get(i + 1)
            .map(|b| b.line as usize - 1)
            .unwrap_or(lines.len());
        let mut span: Vec<String> = lines
            .get(first - 1..limit.max(first).min(lines.len()))
            .unwrap_or(&[])
            .iter()
            .map(|l| l.to_string())
            .collect();
        while span.last().is_some_and(|l| l.trim().is_empty()) {
            span.pop();
        }
        if let Some((_, body)) = out.last_mut() {
            if !body.is_empty() {
                body.push(String::new());
            }
            body.extend(span);
        }
    }
    out.retain(|(_, body)| !body.is_empty());
    out
}

/// Puts our prose back under the headings of `lines` that carry the same text: after the heading
/// line, and for the part above the first `##`, after the H1 and the quote below it.
fn carry_prose(lines: &mut Vec<String>, ours: &str) {
    for (heading, body) in prose_by_heading(ours).into_iter().rev() {
        let at = if heading.is_empty() {
            let Some(h1) = lines.iter().position(|l| l.starts_with("# ")) else {
                continue;
            };
            let mut at = h1 + 1;
            while lines
                .get(at)
                .is_some_and(|l| l.trim().is_empty() || l.starts_with('>'))
            {
                at += 1;
            }
            // Back over the blank line that separates the quote from what follows.
            while at > h1 + 1 && lines[at - 1].trim().is_empty() {
                at -= 1;
            }
            at
        } else {
            match lines.iter().position(|l| l.trim_end() == heading) {
                Some(h) => h + 1,
                None => continue,
            }
        };
        let mut insert = vec![String::new()];
        insert.extend(body);
        lines.splice(at..at, insert);
    }
}

/// When one of our description cells stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Unless upstream's documented values differ from the values our cell lists (then the value
    /// items are patched): what the cell says in prose is ours to word, and the page-level check
    /// ([`compare`]) tells whether that kept every fact.
    Lenient,
    /// Only while its facts-only form equals upstream's (see [`cell_facts`]).
    Strict,
}

/// A page written by [`patch`] or [`rebuild`], before it is checked against upstream.
struct Draft {
    text: String,
    /// The page's shape differs from upstream's, so patching cannot carry every fact over.
    structural: bool,
    reset_cells: usize,
    rows_added: usize,
    rows_removed: usize,
}

impl Draft {
    /// A draft of `text` with no edits counted yet.
    fn new(text: String, structural: bool) -> Self {
        Draft {
            text,
            structural,
            reset_cells: 0,
            rows_added: 0,
            rows_removed: 0,
        }
    }

    fn into_merge(self, ours: &str, differences: Vec<Difference>, rebuilt: bool) -> Merge {
        Merge {
            changed: self.text != ours,
            text: self.text,
            reset_cells: self.reset_cells,
            rows_added: self.rows_added,
            rows_removed: self.rows_removed,
            rebuilt,
            differences,
        }
    }
}

/// A top-level block of a page with the lines it spans (1-based, inclusive).
struct Placed<'b> {
    block: &'b Block,
    first: usize,
    last: usize,
}

/// The top-level tables and JSON examples of a page, with their line spans.
fn placed<'b>(blocks: &'b [Block], line_count: usize, lines: &[&str]) -> Vec<Placed<'b>> {
    let mut out = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let first = block.line as usize;
        let limit = blocks
            .get(i + 1)
            .map(|b| (b.line as usize).saturating_sub(1))
            .unwrap_or(line_count)
            .max(first);
        let closing = |test: &dyn Fn(&str) -> bool| {
            (first..=limit)
                .rev()
                .find(|&n| n > first && lines.get(n - 1).is_some_and(|l| test(l.trim())))
        };
        let last = match &block.kind {
            BlockKind::Table(_) => closing(&|l| l.ends_with("|#")),
            BlockKind::Code { info, .. } if crate::cells::is_json_info(info) => {
                closing(&|l| l.starts_with("```") || l.starts_with("~~~"))
            }
            _ => None,
        };
        if let Some(last) = last {
            out.push(Placed { block, first, last });
        }
    }
    out
}

fn table_of<'b>(p: &Placed<'b>) -> Option<&'b Table> {
    match &p.block.kind {
        BlockKind::Table(t) => Some(t),
        _ => None,
    }
}

fn json_of<'b>(p: &Placed<'b>) -> Option<(&'b str, &'b str)> {
    match &p.block.kind {
        BlockKind::Code { info, body } => Some((info, body)),
        _ => None,
    }
}

/// The header words of a table, as [`header_cell`] reads them; `None` when not recognised.
fn heads(table: &Table) -> Option<Vec<String>> {
    table
        .rows
        .first()?
        .cells
        .iter()
        .map(|c| header_cell(&c.text).map(|(h, _)| h))
        .collect()
}

/// The key of each body row: the field name in a field table, else the row's fact cells. A
/// repeated key gets its occurrence number.
fn row_keys(table: &Table) -> Vec<String> {
    let heads = heads(table).unwrap_or_default();
    let field_table = heads.first().is_some_and(|h| {
        ["name", "parameter", "field", "key"]
            .iter()
            .any(|w| h.contains(w))
    });
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for row in table.rows.iter().skip(1) {
        let base = if field_table {
            let first = row.cells.first().map(|c| c.text.as_str()).unwrap_or("");
            first
                .lines()
                .next()
                .unwrap_or("")
                .replace(['*', '`', '\\'], "")
                .trim()
                .to_string()
        } else {
            row.cells
                .iter()
                .enumerate()
                .filter(|(col, _)| {
                    *col == 0 || heads.get(*col).is_some_and(|h| is_fact_column(h, &heads))
                })
                .map(|(_, c)| c.text.as_str())
                .collect::<Vec<_>>()
                .join("\u{1f}")
        };
        let n = seen.iter().filter(|k| **k == base).count();
        seen.push(base.clone());
        out.push(if n == 0 { base } else { format!("{base}#{n}") });
    }
    out
}

/// Pairs each of `upstream`'s tables with one of `ours` (by index): same header, and the most row
/// keys in common; a table with no common key pairs only with the table of the same header at the
/// same position among those headers.
fn pair_tables(upstream: &[&Table], ours: &[&Table]) -> Vec<Option<usize>> {
    let up_keys: Vec<Vec<String>> = upstream.iter().map(|t| row_keys(t)).collect();
    let our_keys: Vec<Vec<String>> = ours.iter().map(|t| row_keys(t)).collect();
    let up_heads: Vec<_> = upstream.iter().map(|t| heads(t)).collect();
    let our_heads: Vec<_> = ours.iter().map(|t| heads(t)).collect();
    let rank =
        |all: &[Option<Vec<String>>], i: usize| all[..i].iter().filter(|h| **h == all[i]).count();
    let mut taken = vec![false; ours.len()];
    let mut out = Vec::new();
    for (u, keys) in up_keys.iter().enumerate() {
        let mut best: Option<(usize, usize)> = None;
        for (o, theirs) in our_keys.iter().enumerate() {
            if taken[o] || our_heads[o] != up_heads[u] {
                continue;
            }
            let common = keys.iter().filter(|k| theirs.contains(k)).count();
            let fits = common > 0 || rank(&our_heads, o) == rank(&up_heads, u);
            if fits && best.is_none_or(|(_, c)| common > c) {
                best = Some((o, common));
            }
        }
        if let Some((o, _)) = best {
            taken[o] = true;
        }
        out.push(best.map(|(o, _)| o));
    }
    out
}

/// Rows of a table in the canonical form the scaffold writes.
fn render_rows(rows: &[Vec<String>], indent: usize) -> String {
    let pad = " ".repeat(indent);
    let body: Vec<String> = rows
        .iter()
        .map(|cells| format!("|| {} ||", cells.join(" | ")))
        .collect();
    format!("#|\n{}\n|#", body.join("\n"))
        .lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn cells_of(table: &Table) -> Vec<Vec<String>> {
    table
        .rows
        .iter()
        .map(|r| r.cells.iter().map(|c| c.text.clone()).collect())
        .collect()
}

/// A table merged from upstream's facts and, where they still hold, our descriptions.
struct MergedTable {
    rows: Vec<Vec<String>>,
    reset_cells: usize,
    rows_added: usize,
    rows_removed: usize,
}

fn merge_table(upstream: &Table, ours: Option<&Table>, rule: Rule) -> MergedTable {
    let heads = heads(upstream);
    let head_list = heads.clone().unwrap_or_default();
    let up_keys = row_keys(upstream);
    let our_keys = ours.map(row_keys).unwrap_or_default();
    let mut merged = MergedTable {
        rows: Vec::new(),
        reset_cells: 0,
        rows_added: 0,
        rows_removed: 0,
    };
    if let Some(header) = upstream.rows.first() {
        merged
            .rows
            .push(header.cells.iter().map(|c| c.text.clone()).collect());
    }
    for (row, key) in upstream.rows.iter().skip(1).zip(&up_keys) {
        let mine = ours.and_then(|t| {
            let i = our_keys.iter().position(|k| k == key)?;
            t.rows.get(i + 1)
        });
        let facts_only = |col: usize, text: &str| match &heads {
            _ if col == 0 => text.to_string(),
            Some(h) => cell_facts(h.get(col).map(String::as_str).unwrap_or(""), h, text),
            None => cell_facts("description", &[], text),
        };
        let Some(mine) = mine.filter(|m| m.cells.len() == row.cells.len()) else {
            if mine.is_none() {
                merged.rows_added += 1;
            }
            merged.rows.push(
                row.cells
                    .iter()
                    .enumerate()
                    .map(|(col, c)| facts_only(col, &c.text))
                    .collect(),
            );
            continue;
        };
        let mut cells = Vec::new();
        for (col, (up, our)) in row.cells.iter().zip(&mine.cells).enumerate() {
            let head = head_list
                .get(col)
                .map(String::as_str)
                .unwrap_or("description");
            if col == 0 || is_fact_column(head, &head_list) {
                cells.push(up.text.clone());
                continue;
            }
            let want = facts_only(col, &up.text);
            let our_values = crate::cells::documented_values(&our.text);
            let lenient_keeps = rule == Rule::Lenient
                && (our_values.is_empty()
                    || our_values == crate::cells::documented_values(&up.text));
            if lenient_keeps || facts_only(col, &our.text) == want {
                cells.push(our.text.clone());
            } else if let Some(fixed) = patch_values(&our.text, &up.text)
                .filter(|f| rule == Rule::Lenient || facts_only(col, f) == want)
            {
                cells.push(fixed);
            } else {
                merged.reset_cells += 1;
                cells.push(want);
            }
        }
        merged.rows.push(cells);
    }
    merged.rows_removed = our_keys.iter().filter(|k| !up_keys.contains(k)).count();
    merged
}

/// Our description with its documented value items made upstream's: items of values gone
/// upstream removed, new values added as bare items after the last one. `None` when our text
/// lists no values.
fn patch_values(ours: &str, upstream: &str) -> Option<String> {
    let have = crate::cells::documented_values(ours);
    let want = crate::cells::documented_values(upstream);
    if have.is_empty() || want.is_empty() {
        return None;
    }
    let value_of = |line: &str| {
        let l = line.trim();
        let item = l.strip_prefix("- ").or_else(|| l.strip_prefix("* "))?;
        let rest = item.strip_prefix('`')?;
        rest.split_once('`').map(|(v, _)| v.to_string())
    };
    let mut lines: Vec<String> = Vec::new();
    let mut last_item = None;
    for line in ours.lines() {
        match value_of(line) {
            Some(v) if have.contains(&v) => {
                if want.contains(&v) {
                    lines.push(line.to_string());
                    last_item = Some(lines.len());
                }
            }
            _ => lines.push(line.to_string()),
        }
    }
    let at = last_item.unwrap_or(lines.len());
    let new: Vec<String> = want
        .iter()
        .filter(|v| !have.contains(v))
        .map(|v| format!("- `{v}`"))
        .collect();
    lines.splice(at..at, new);
    Some(lines.join("\n"))
}

/// Replaces the lines `first..=last` (1-based) of `lines`, keeping later replacements' numbers
/// valid by applying them from the bottom up.
fn apply(mut lines: Vec<String>, mut edits: Vec<(usize, usize, String)>) -> Vec<String> {
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (first, last, text) in edits {
        if first == 0 || last < first || last > lines.len() {
            continue;
        }
        lines.splice(first - 1..last, text.lines().map(str::to_string));
    }
    lines
}

/// Sets `commit:` in the page's front matter, adding the line (or the front matter) when missing.
fn set_commit(lines: &mut Vec<String>, commit: &str) {
    let has_front = lines.first().is_some_and(|l| l.trim_end() == "---");
    let end = lines
        .iter()
        .skip(1)
        .position(|l| l.trim_end() == "---")
        .map(|p| p + 1);
    match (has_front, end) {
        (true, Some(end)) => {
            let line = format!("commit: {commit}");
            match lines[1..end].iter().position(|l| l.starts_with("commit:")) {
                Some(i) => lines[i + 1] = line,
                None => lines.insert(end, line),
            }
        }
        _ => {
            lines.splice(
                0..0,
                [
                    "---".to_string(),
                    format!("commit: {commit}"),
                    "---".to_string(),
                ],
            );
        }
    }
}

fn parse_blocks(text: &str) -> Vec<Block> {
    crate::blocks::parse(text, &mut Diagnostics::new(""))
}

/// Our page with upstream's facts written into its tables, examples, scope line and commit.
fn patch(ours: &str, upstream: &str, commit: &str, rule: Rule) -> Draft {
    let our_blocks = parse_blocks(ours);
    let up_blocks = parse_blocks(upstream);
    let our_lines: Vec<&str> = ours.lines().collect();
    let up_lines: Vec<&str> = upstream.lines().collect();
    let our_placed = placed(&our_blocks, our_lines.len(), &our_lines);
    let up_placed = placed(&up_blocks, up_lines.len(), &up_lines);
    let mut draft = Draft::new(ours.to_string(), false);
    let mut edits = Vec::new();

    let our_tables: Vec<&Placed> = our_placed
        .iter()
        .filter(|p| table_of(p).is_some_and(|t| !t.rows.is_empty()))
        .collect();
    let up_tables: Vec<&Table> = up_placed
        .iter()
        .filter_map(table_of)
        .filter(|t| !t.rows.is_empty())
        .collect();
    let our_table_refs: Vec<&Table> = our_tables.iter().filter_map(|p| table_of(p)).collect();
    let pairs = pair_tables(&up_tables, &our_table_refs);
    if pairs.iter().any(Option::is_none) || our_tables.len() != up_tables.len() {
        draft.structural = true;
    }
    for (up, pair) in up_tables.iter().zip(&pairs) {
        let Some(o) = *pair else { continue };
        let (place, mine) = (our_tables[o], our_table_refs[o]);
        let merged = merge_table(up, Some(mine), rule);
        draft.reset_cells += merged.reset_cells;
        draft.rows_added += merged.rows_added;
        draft.rows_removed += merged.rows_removed;
        if merged.rows != cells_of(mine) {
            edits.push((
                place.first,
                place.last,
                render_rows(&merged.rows, mine.indent),
            ));
        }
    }

    let our_json: Vec<&Placed> = our_placed.iter().filter(|p| json_of(p).is_some()).collect();
    let up_json: Vec<(&str, &str)> = up_placed.iter().filter_map(json_of).collect();
    if our_json.len() != up_json.len() {
        draft.structural = true;
    } else {
        for (place, (info, body)) in our_json.iter().zip(&up_json) {
            if json_of(place) != Some((info, body)) {
                edits.push((place.first, place.last, format!("```{info}\n{body}\n```")));
            }
        }
    }

    let scope_at = |lines: &[&str]| {
        lines
            .iter()
            .position(|l| l.trim_start().starts_with("> Scope:"))
    };
    match (scope_at(&our_lines), scope_at(&up_lines)) {
        (Some(o), Some(u)) if scope_line(our_lines[o]) != scope_line(up_lines[u]) => {
            edits.push((o + 1, o + 1, scope_line(up_lines[u])));
        }
        (Some(_), Some(_)) | (None, None) => {}
        _ => draft.structural = true,
    }

    if edits.is_empty() {
        return draft;
    }
    let mut lines = apply(our_lines.iter().map(|l| l.to_string()).collect(), edits);
    set_commit(&mut lines, commit);
    let mut text = lines.join("\n");
    if ours.ends_with('\n') {
        text.push('\n');
    }
    draft.text = text;
    draft
}

/// The facts-only page of upstream with our title, audience and description cells carried over.
fn rebuild(
    ours: &str,
    upstream: &str,
    upstream_page: &Page,
    commit: &str,
    rule: Rule,
    prose: bool,
) -> Draft {
    let base = facts_only(upstream, upstream_page, commit);
    let base_blocks = parse_blocks(&base);
    let base_lines: Vec<&str> = base.lines().collect();
    let base_placed = placed(&base_blocks, base_lines.len(), &base_lines);
    let up_blocks = parse_blocks(upstream);
    let up_lines: Vec<&str> = upstream.lines().collect();
    let up_placed = placed(&up_blocks, up_lines.len(), &up_lines);
    let our_blocks = parse_blocks(ours);
    let our_lines: Vec<&str> = ours.lines().collect();
    let our_placed = placed(&our_blocks, our_lines.len(), &our_lines);

    let mut draft = Draft::new(String::new(), true);
    let mut edits = Vec::new();
    // The facts-only page writes upstream's non-empty top-level tables in order.
    let base_tables: Vec<&Placed> = base_placed
        .iter()
        .filter(|p| table_of(p).is_some())
        .collect();
    let up_tables: Vec<&Table> = up_placed
        .iter()
        .filter_map(table_of)
        .filter(|t| !t.rows.is_empty())
        .collect();
    let our_tables: Vec<&Table> = our_placed.iter().filter_map(table_of).collect();
    let pairs = pair_tables(&up_tables, &our_tables);
    if base_tables.len() == up_tables.len() {
        for ((place, up), pair) in base_tables.iter().zip(&up_tables).zip(&pairs) {
            let merged = merge_table(up, pair.map(|o| our_tables[o]), rule);
            draft.reset_cells += merged.reset_cells;
            draft.rows_added += merged.rows_added;
            draft.rows_removed += merged.rows_removed;
            edits.push((place.first, place.last, render_rows(&merged.rows, 0)));
        }
    }
    let mut lines = apply(base_lines.iter().map(|l| l.to_string()).collect(), edits);

    let names = &upstream_page.names;
    let title = |l: &&&str| l.starts_with("# ") && names.iter().any(|n| l.contains(n.as_str()));
    if let (Some(mine), Some(at)) = (
        our_lines.iter().find(title),
        lines.iter().position(|l| l.starts_with("# ")),
    ) {
        lines[at] = mine.to_string();
    }
    let who = |l: &str| l.trim_start().starts_with("> Who can");
    if let (Some(mine), Some(at)) = (
        our_lines.iter().find(|l| who(l)),
        lines.iter().position(|l| who(l)),
    ) {
        lines[at] = mine.to_string();
    }
    if prose {
        carry_prose(&mut lines, ours);
    }
    // A page that was ours keeps being ours: it has words of ours in it.
    let was_facts_only = ours
        .lines()
        .take_while(|l| !l.starts_with('#'))
        .any(|l| l.trim() == FACTS_ONLY_MARK);
    if !was_facts_only {
        lines.retain(|l| l.trim() != FACTS_ONLY_MARK);
    }
    let mut text = lines.join("\n");
    if ours.ends_with('\n') && !text.ends_with('\n') {
        text.push('\n');
    }
    draft.text = text;
    draft
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_items_follow_upstream() {
        let ours = "Pick one. Possible values:\n- `A` — the first\n- `B` — the second";
        let up = "Values differ. Possible values:\n- `A` — x\n- `C` — y";
        let fixed = patch_values(ours, up).unwrap();
        assert_eq!(
            fixed,
            "Pick one. Possible values:\n- `A` — the first\n- `C`"
        );
        assert_eq!(patch_values("no list here", up), None);
    }

    #[test]
    fn rows_are_keyed_by_name_or_by_their_facts() {
        let text = "#|\n|| **Name**\n`type` | **Description** ||\n|| **A***\n[`string`](t.md) | one ||\n|| **B**\n[`int`](t.md) | two ||\n|#\n\n#|\n|| **Status** | **Code** | **Description** | **Value** ||\n|| `400` | `E1` | Msg | why ||\n|| `400` | `E1` | Msg | again ||\n|#\n";
        let blocks = parse_blocks(text);
        let tables: Vec<&Table> = blocks
            .iter()
            .filter_map(|b| match &b.kind {
                BlockKind::Table(t) => Some(t),
                _ => None,
            })
            .collect();
        assert_eq!(row_keys(tables[0]), vec!["A", "B"]);
        let errors = row_keys(tables[1]);
        assert_eq!(errors.len(), 2);
        assert_ne!(errors[0], errors[1]);
        assert!(errors[0].contains("E1") && errors[0].contains("Msg"));
    }
}
