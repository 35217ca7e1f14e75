//! L2: the facts of a page, read from its sections into the [`ir`](crate::ir) types.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::blocks::{Block, BlockKind, Table};
use crate::cells::{self, NameCell};
use crate::diag::Diagnostics;
use crate::include::{self, Loader};
use crate::ir::{
    ChildLink, DiagnosticKind, ErrorCase, ErrorCode, ErrorEnvelope, EventPayload, Example, Field,
    FieldName, GroupKind, Level, Link, NameKind, Page, PageKind, ParamGroup, ProseNote, ProseType,
    Response, Source, TypeExpr, Upstream, Validity,
};
use crate::json;
use crate::rules;
use crate::sections::{Item, Role, Sections, normalise};

static METHOD_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s(:`'\x22])([a-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)+)")
        .expect("regex")
});
static EVENT_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b([Oo]n[A-Z][A-Za-z0-9]+|ON[A-Z][A-Z0-9_]{3,}|[A-Z]+(?:\.[A-Z_]+)*\.ON\.[A-Z_.]+)\b",
    )
    .expect("regex")
});
static CODE_METHOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:callMethod|call|Call|callBatch|method)\s*[(:]\s*(?:ctx,\s*)?['"]([A-Za-z][\w.]*)['"]|/rest/(?:\d+/[^/\s'"]+/)?([A-Za-z][\w.]*?)(?:\.json|\.xml)?/?(?:['"\s?]|$)"#,
    )
    .expect("regex")
});
static CODE_SPAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`([^`]+)`").expect("regex"));
static HTTP_STATUS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)HTTP\s+status:?\s*\**\s*(\d{3})").expect("regex"));
static CURL_DATA: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|\s)(?:-d|--data(?:-raw|-binary)?)\s+").expect("regex"));

/// Reads one page. `path` is relative to the docs root that `loader` reads from; includes and
/// cross-page links resolve through it. Never fails: problems become diagnostics.
pub fn parse_page(path: &str, src: &str, loader: &dyn Loader) -> Page {
    let mut diags = Diagnostics::new(path);
    let mut blocks = crate::blocks::parse(src, &mut diags);
    include::resolve(&mut blocks, path, loader, &mut diags);
    let sections = Sections::build(path, &blocks);
    let mut reader = Reader {
        path,
        sections: &sections,
        loader,
        diags,
        depth: 0,
    };
    reader.page(&blocks)
}

struct Reader<'a, 's> {
    path: &'a str,
    sections: &'s Sections<'a>,
    loader: &'a dyn Loader,
    diags: Diagnostics,
    /// Cross-page nesting depth, to stop link cycles between pages.
    depth: usize,
}

/// A field table found in a section, with its column layout.
#[derive(Clone, Copy)]
struct FieldTable<'a> {
    section: usize,
    path: &'a str,
    table: &'a Table,
    layout: Layout,
}

#[derive(Clone, Copy, Debug)]
struct Layout {
    /// Whether the first row is a header.
    header: bool,
    /// A separate type column, when the type is not under the name.
    type_col: Option<usize>,
    desc_col: Option<usize>,
    /// Whether the header promises a type for every row.
    typed: bool,
}

impl<'a> Reader<'a, '_> {
    fn page(&mut self, blocks: &[Block]) -> Page {
        let pre = self.sections.preamble();
        let title = pre.title.clone();
        let upstream = self.front_matter(blocks);
        let (scopes, who_can) = scope_and_audience(&pre.blocks);
        let names_in_title = title_names(&title);
        let kind = self.kind(&title, &names_in_title);
        let mut names = match kind {
            PageKind::Method | PageKind::Event => names_in_title.clone(),
            _ => Vec::new(),
        };
        if kind == PageKind::Method {
            let code_names = self.code_names(&names);
            if names.is_empty() {
                names = code_names.iter().take(1).cloned().collect();
                if names.is_empty() {
                    self.diags.warn(
                        pre.line,
                        DiagnosticKind::NoMethodName,
                        "method page without a method name",
                    );
                }
            } else if !code_names.is_empty()
                && !code_names
                    .iter()
                    .any(|c| names.iter().any(|n| n.eq_ignore_ascii_case(c)))
            {
                self.diags.warn(
                    pre.line,
                    DiagnosticKind::NameMismatch,
                    format!(
                        "the title names `{}` but the examples call `{}`",
                        names.join("`, `"),
                        code_names[0]
                    ),
                );
            }
        }
        let is_api = matches!(
            kind,
            PageKind::Method | PageKind::Event | PageKind::Fragment
        );
        let params = if kind == PageKind::Method {
            self.params()
        } else {
            Vec::new()
        };
        let param_groups = self.param_groups(&params);
        let param_notes = self.param_notes(&param_groups);
        let response = if kind == PageKind::Method {
            self.response()
        } else {
            None
        };
        let event = if kind == PageKind::Event {
            self.event()
        } else {
            None
        };
        let errors = if is_api { self.errors() } else { Vec::new() };
        let error_examples = if is_api {
            self.examples_in(Role::Errors)
        } else {
            Vec::new()
        };
        let error_envelope = if self.includes("error-info-v3.md") {
            ErrorEnvelope::V3
        } else {
            ErrorEnvelope::Classic
        };
        let request_examples = if kind == PageKind::Method {
            self.request_examples()
        } else {
            Vec::new()
        };
        Page {
            path: self.path.to_string(),
            kind,
            title: title_without_name(&title, &names),
            names,
            upstream,
            scopes,
            who_can,
            description: description(&pre.blocks),
            deprecated: self.deprecated(blocks),
            rest_v3: blocks.iter().any(|b| rest_v3_link(b).is_some()),
            replaced_by: replacements(blocks)
                .into_iter()
                .map(|l| Link {
                    text: l.text.to_owned(),
                    target: l.target.to_owned(),
                })
                .collect(),
            dev_only: any_block(blocks, &|b| matches!(b.kind, BlockKind::DevOnly(_))),
            params,
            param_groups,
            param_notes,
            request_examples,
            response,
            errors,
            error_examples,
            error_envelope,
            event,
            see_also: self.see_also(),
            diagnostics: std::mem::replace(&mut self.diags, Diagnostics::new(self.path))
                .into_sorted(),
        }
    }

    fn front_matter(&mut self, blocks: &[Block]) -> Option<Upstream> {
        let Some(Block {
            kind: BlockKind::FrontMatter(text),
            line,
        }) = blocks.first()
        else {
            return None;
        };
        let value = |key: &str| {
            text.lines().find_map(|l| {
                l.strip_prefix(key)?
                    .strip_prefix(':')
                    .map(|v| v.trim().to_string())
            })
        };
        match (value("upstream"), value("commit")) {
            (Some(path), Some(commit)) => Some(Upstream { path, commit }),
            (None, None) => None,
            _ => {
                self.diags.error(
                    *line,
                    DiagnosticKind::BadFrontMatter,
                    "front matter needs both `upstream` and `commit`",
                );
                None
            }
        }
    }

    fn kind(&self, title: &str, names: &[String]) -> PageKind {
        let path = self.path;
        let file = path.rsplit('/').next().unwrap_or(path);
        let in_dir = |d: &str| path.split('/').any(|seg| seg == d);
        let has = |role: Role| self.sections.top(role).next().is_some();
        if in_dir("_includes") || in_dir("_include") {
            return PageKind::Fragment;
        }
        if file == "index.md" || (title.contains("Overview") && names.is_empty()) {
            return PageKind::Index;
        }
        // Widgets (placements, JS SDK calls, call-card events) are not REST, unless a page
        // documents a REST method with parameters.
        if in_dir("widgets") && !(has(Role::Params) && names.iter().any(|n| n.contains('.'))) {
            return PageKind::Other;
        }
        if EVENT_NAME.is_match(title)
            || (in_dir("events")
                && (has(Role::EventPayload)
                    || title.starts_with("Event")
                    || title.starts_with("When")))
        {
            return PageKind::Event;
        }
        if !names.is_empty() || (has(Role::Examples) && (has(Role::Params) || has(Role::Response)))
        {
            return PageKind::Method;
        }
        PageKind::Other
    }

    /// Method names the code examples call.
    /// Method names the code examples call, stopping at the first that confirms one of `known`
    /// (or at the first name at all when `known` is empty): examples are a large part of a page.
    fn code_names(&self, known: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let confirmed = |out: &[String]| match known {
            [] => !out.is_empty(),
            _ => out
                .iter()
                .any(|c| known.iter().any(|n| n.eq_ignore_ascii_case(c))),
        };
        for (i, _) in self.sections.top(Role::Examples) {
            for idx in self.sections.subtree(i) {
                for item in &self.sections.all[idx].blocks {
                    walk_code(item.block, &mut |_, body| {
                        if confirmed(&out) {
                            return;
                        }
                        for cap in CODE_METHOD.captures_iter(body) {
                            let name = cap.get(1).or(cap.get(2)).map(|m| m.as_str().to_string());
                            if let Some(n) = name.filter(|n| !n.is_empty() && n != "json")
                                && !out.contains(&n)
                            {
                                out.push(n);
                            }
                        }
                    });
                }
            }
        }
        out
    }

    fn includes(&self, file: &str) -> bool {
        self.sections
            .all
            .iter()
            .flat_map(|s| &s.blocks)
            .any(|i| i.path.ends_with(file))
    }

    fn deprecated(&self, blocks: &[Block]) -> bool {
        let in_dir = self
            .path
            .split('/')
            .any(|s| s == "outdated" || s == "deprecated");
        in_dir
            || any_block(
                blocks,
                &|b| matches!(&b.kind, BlockKind::Note { title, .. } if is_deprecation_title(title)),
            )
    }

    // ----- field tables -----

    /// The field tables directly in a section (not in its subsections).
    fn field_tables(&self, section: usize) -> Vec<FieldTable<'a>> {
        let s = &self.sections.all[section];
        s.blocks
            .iter()
            .filter_map(|item| match &item.block.kind {
                BlockKind::Table(t) => layout(t).map(|layout| FieldTable {
                    section,
                    path: item.path,
                    table: t,
                    layout,
                }),
                _ => None,
            })
            .collect()
    }

    fn first_table_in(&self, role: Role) -> Option<FieldTable<'a>> {
        let (i, _) = self.sections.top(role).next()?;
        self.sections
            .subtree(i)
            .into_iter()
            .find_map(|s| self.field_tables(s).into_iter().next())
    }

    fn params(&mut self) -> Vec<Field> {
        let Some(root) = self.first_table_in(Role::Params) else {
            return Vec::new();
        };
        let mut chain = vec![root.table as *const Table];
        let fields = self.read_fields(root, &mut chain);
        self.report_unreached(Role::Params, &fields);
        fields
    }

    /// The prose of the parameters sections, one note per section that has any: paragraphs, lists and
    /// notes, but not the sentences a parameter group was read from (the group restates them).
    fn param_notes(&self, groups: &[ParamGroup]) -> Vec<ProseNote> {
        let mut notes = Vec::new();
        for (i, _) in self.sections.top(Role::Params) {
            for s in self.sections.subtree(i) {
                let section = &self.sections.all[s];
                let mut parts = Vec::new();
                // Included fragments say the same on every page (what the asterisk means).
                for item in section.blocks.iter().filter(|item| item.path == self.path) {
                    markdown_prose(item.block, &mut parts);
                }
                parts.retain(|(line, text)| {
                    !text.starts_with("No parameters")
                        && !groups.iter().any(|g| g.source.line == *line)
                });
                let Some((line, _)) = parts.first() else {
                    continue;
                };
                notes.push(ProseNote {
                    anchor: (s != i).then(|| section.anchor.clone()).flatten(),
                    source: Source {
                        path: section.path.to_string(),
                        line: *line,
                    },
                    text: parts
                        .iter()
                        .map(|(_, t)| t.as_str())
                        .collect::<Vec<_>>()
                        .join("\n\n"),
                });
            }
        }
        notes
    }

    /// The groups the sentences of the preamble and the parameters sections state ([`rules::param_group`]).
    fn param_groups(&self, params: &[Field]) -> Vec<ParamGroup> {
        if params.len() < 2 {
            return Vec::new();
        }
        let mut sections = vec![0];
        for (i, _) in self.sections.top(Role::Params) {
            sections.extend(self.sections.subtree(i));
        }
        let mut groups: Vec<ParamGroup> = Vec::new();
        for i in sections {
            let section = &self.sections.all[i];
            let mut texts = Vec::new();
            for item in &section.blocks {
                prose_of(item.block, &mut texts);
            }
            for (line, text) in texts {
                for sentence in sentences(text) {
                    let source = Source {
                        path: section.path.to_string(),
                        line,
                    };
                    let Some(g) = rules::param_group(sentence, params, &source) else {
                        continue;
                    };
                    // Two sentences about the same parameters: "exactly one" says both of the others.
                    let same = |h: &ParamGroup| {
                        let mut a = h.params.clone();
                        let mut b = g.params.clone();
                        a.sort();
                        b.sort();
                        a == b
                    };
                    match groups.iter_mut().find(|h| same(h)) {
                        Some(h) if g.kind == GroupKind::OneOf => *h = g,
                        Some(_) => {}
                        None => groups.push(g),
                    }
                }
            }
        }
        groups
    }

    fn response(&mut self) -> Option<Response> {
        let examples = self.examples_in(Role::Response);
        let http_status = examples.iter().find_map(|e| e.http_status);
        let root = self
            .first_table_in(Role::ReturnedData)
            .or_else(|| self.first_table_in(Role::Response));
        let fields = match root {
            Some(root) => {
                let mut chain = vec![root.table as *const Table];
                let mut fields = self.read_fields(root, &mut chain);
                nest_flattened(&mut fields);
                let samples: Vec<&serde_json::Value> =
                    examples.iter().filter_map(|e| e.value.as_ref()).collect();
                nest_item_rows(&mut fields, None, &samples);
                self.report_unreached(Role::ReturnedData, &fields);
                fields
            }
            None => Vec::new(),
        };
        if examples.is_empty() && fields.is_empty() && http_status.is_none() {
            return None;
        }
        Some(Response {
            http_status,
            examples,
            fields,
            result_also_wrapped: false,
        })
    }

    fn event(&mut self) -> Option<EventPayload> {
        let examples = self.examples_in(Role::EventPayload);
        let root = self
            .first_table_in(Role::EventPayload)
            .or_else(|| self.first_table_in(Role::Params));
        let fields = match root {
            Some(root) => {
                let mut chain = vec![root.table as *const Table];
                self.read_fields(root, &mut chain)
            }
            None => Vec::new(),
        };
        if examples.is_empty() && fields.is_empty() {
            return None;
        }
        Some(EventPayload { examples, fields })
    }

    /// Reads the rows of a field table and resolves each row's nested fields.
    fn read_fields(&mut self, table: FieldTable<'a>, chain: &mut Vec<*const Table>) -> Vec<Field> {
        let rows = if table.layout.header {
            &table.table.rows[1..]
        } else {
            &table.table.rows[..]
        };
        let header: Vec<String> = if table.layout.header {
            table.table.rows[0]
                .cells
                .iter()
                .map(|c| cells::header_cell(&c.text).map(|h| h.0).unwrap_or_default())
                .collect()
        } else {
            Vec::new()
        };
        let mut fields: Vec<Field> = Vec::new();
        for row in rows {
            let Some(first) = row.cells.first() else {
                continue;
            };
            if row.cells.iter().all(|c| c.text.is_empty()) {
                continue;
            }
            let source = Source {
                path: table.path.to_string(),
                line: row.line,
            };
            let NameCell {
                name,
                required,
                type_text,
            } = cells::name_cell(&first.text);
            let type_text = match table.layout.type_col {
                Some(col) => row
                    .cells
                    .get(col)
                    .map(|c| c.text.clone())
                    .unwrap_or_default(),
                None => type_text,
            };
            let ty = cells::type_expr(&type_text);
            let Some(name) = name else {
                self.diag_at(
                    &source,
                    DiagnosticKind::MissingName,
                    format!(
                        "row without a bold field name: `{}`",
                        first_line(&first.text)
                    ),
                );
                continue;
            };
            match &ty {
                TypeExpr::Unknown { raw } => self.diag_at(
                    &source,
                    DiagnosticKind::UnknownType,
                    format!(
                        "`{}` has an unreadable type `{}`",
                        name.wire,
                        first_line(raw)
                    ),
                ),
                TypeExpr::Missing if table.layout.typed => self.diag_at(
                    &source,
                    DiagnosticKind::MissingType,
                    format!("`{}` has no type", name.wire),
                ),
                _ => {}
            }
            let description = table
                .layout
                .desc_col
                .and_then(|c| row.cells.get(c))
                .map(|c| c.text.clone())
                .unwrap_or_default();
            let mut extra = std::collections::BTreeMap::new();
            for (i, cell) in row.cells.iter().enumerate().skip(1) {
                if Some(i) != table.layout.desc_col && Some(i) != table.layout.type_col {
                    let key = header
                        .get(i)
                        .filter(|h| !h.is_empty())
                        .cloned()
                        .unwrap_or_else(|| format!("column {}", i + 1));
                    extra.insert(key, cell.text.clone());
                }
            }
            let mut field = Field {
                name,
                required,
                ty,
                values: cells::documented_values(&description),
                description,
                extra,
                prose_type: None,
                keyed_by: None,
                children_via: None,
                children: Vec::new(),
                source,
            };
            self.resolve_children(&mut field, table, chain);
            rules::apply(&mut field);
            fields.push(field);
        }
        nest_dotted(&mut fields);
        fields
    }

    fn diag_at(&mut self, source: &Source, kind: DiagnosticKind, message: String) {
        self.diags
            .push_at(source.clone(), Level::Warning, kind, message);
    }

    /// Finds a row's nested fields, by the routes the docs use, in order of reliability.
    fn resolve_children(
        &mut self,
        field: &mut Field,
        from: FieldTable<'a>,
        chain: &mut Vec<*const Table>,
    ) {
        let structured = cells::is_structured(&field.ty);
        let mut anchors: Vec<(String, bool)> = Vec::new();
        for link in cells::links(&field.description) {
            if let Some(a) = link.target.strip_prefix('#') {
                anchors.push((a.to_string(), false));
            }
        }
        let mut type_links = Vec::new();
        collect_links(&field.ty, &mut type_links);
        for l in type_links {
            if let Some(a) = l.strip_prefix('#') {
                anchors.push((a.to_string(), true));
            }
        }
        let family = |role: Role| match role {
            Role::Params => 0,
            Role::Response | Role::ReturnedData => 1,
            Role::EventPayload => 2,
            _ => 3,
        };
        let from_family = family(self.sections.all[from.section].role);
        for (anchor, via_type) in &anchors {
            match self.section_by_anchor(anchor) {
                // A parameter that links to the result table names fields to pick; it does not nest them.
                Some(section) if family(self.sections.all[section].role) != from_family => {}
                Some(section) => {
                    if let Some(t) = self.table_for(section, from.section) {
                        let via = if *via_type {
                            ChildLink::TypeLink(anchor.clone())
                        } else {
                            ChildLink::Anchor(anchor.clone())
                        };
                        if self.adopt(field, t, via, chain) {
                            return;
                        }
                    }
                }
                None if structured || *via_type => {
                    if self.by_heading(field, from, chain) {
                        return;
                    }
                    let src = field.source.clone();
                    self.diag_at(
                        &src,
                        DiagnosticKind::UnresolvedReference,
                        format!(
                            "`{}` links to `#{anchor}`, which is not on the page",
                            field.name.wire
                        ),
                    );
                    return;
                }
                None => {}
            }
        }
        // A bare `array` says nothing of its items: only a heading it points at ("below") may describe them.
        let points_below = cells::points_below(&field.description);
        let bare_array =
            matches!(&field.ty, TypeExpr::Named { name, .. } if name.eq_ignore_ascii_case("array"));
        if structured && (!bare_array || points_below) && self.by_heading(field, from, chain) {
            return;
        }
        if structured {
            self.cross_page(field, from_family == family(Role::Params));
        } else {
            self.data_type(field);
        }
    }

    /// A heading that names the field ("Parameter X", "X Object", "Array Element X", ...).
    fn by_heading(
        &mut self,
        field: &mut Field,
        from: FieldTable<'a>,
        chain: &mut Vec<*const Table>,
    ) -> bool {
        let name = normalise(field.name.wire.trim_end_matches("[]"));
        if name.is_empty() {
            return false;
        }
        let role = self.sections.all[from.section].role;
        let candidates: Vec<usize> = (0..self.sections.all.len())
            .filter(|&i| i != from.section && self.sections.all[i].role == role)
            .filter(|&i| heading_names(&self.sections.all[i].title, &name))
            .collect();
        for section in candidates {
            if let Some(t) = self.table_for(section, from.section) {
                let title = self.sections.all[section].title.clone();
                if self.adopt(field, t, ChildLink::Heading(title), chain) {
                    return true;
                }
            }
        }
        false
    }

    /// A link to a table on another page (`./other.md#anchor`).
    fn cross_page(&mut self, field: &mut Field, in_params: bool) {
        if self.depth >= 3 {
            return;
        }
        // The description's links, then the type's (`[`deal[]`](crm-deal-get.md#deal)`).
        let mut type_links = Vec::new();
        collect_links(&field.ty, &mut type_links);
        let targets: Vec<String> = cells::links(&field.description)
            .into_iter()
            .map(|l| l.target.to_string())
            .chain(type_links)
            .filter(|target| target.contains(".md"))
            .collect();
        for target in targets.iter().filter(|t| t.contains(".md#")) {
            if self.adopt_from_page(field, target) {
                return;
            }
        }
        for target in targets
            .iter()
            .filter(|t| !in_params && t.ends_with("fields.md"))
        {
            if self.fields_page(field, target) {
                return;
            }
        }
        self.data_type(field);
    }

    /// A type defined on a data-types page: the fields of its section (rule `data_type_section`), the
    /// type of one of them (`crm_currency.CURRENCY`, rule `data_type_member`) or, where the page's type
    /// table says what the type's values are, that base type (rule `data_type_alias`).
    fn data_type(&mut self, field: &mut Field) {
        if !field.children.is_empty() || self.depth >= 3 {
            return;
        }
        let Some((link, name)) = data_type_ref(&field.ty) else {
            return;
        };
        let (link, name) = (link.to_owned(), name.to_owned());
        let (of, member) = match name.split_once('.') {
            Some((of, member)) => (of, Some(member)),
            None => (name.as_str(), None),
        };
        let (file, anchor) = match link.split_once('#') {
            Some((file, anchor)) => (file, anchor.to_owned()),
            None => (link.as_str(), slug(of)),
        };
        let Some(path) = include::resolve_path(&field.source.path, file) else {
            return;
        };
        let Some(text) = self.loader.load(&path) else {
            return;
        };
        let blocks = include::linked_page(&path, text, self.loader);
        let sections = Sections::build(&path, &blocks);
        let fields = self
            .section_fields(&path, &sections, &anchor)
            .filter(|fields| !fields.is_empty());
        if let Some(member) = member {
            let found = fields
                .iter()
                .flatten()
                .find(|f| f.name.wire.eq_ignore_ascii_case(member))
                .filter(|f| f.children.is_empty());
            if let Some(found) = found.filter(|_| field.prose_type.is_none()) {
                field.prose_type = Some(ProseType {
                    ty: found.ty.clone(),
                    rule: "data_type_member".to_owned(),
                });
                return;
            }
        }
        if let Some(children) = fields.filter(|_| !names_an_id(&field.name.wire)) {
            field.children = children;
            field.children_via = Some(ChildLink::CrossPage(format!("{file}#{anchor}")));
            return;
        }
        if field.prose_type.is_some() {
            return;
        }
        let base = blocks
            .iter()
            .filter_map(|b| match &b.kind {
                BlockKind::Table(t) => Some(t),
                _ => None,
            })
            .flat_map(cells::type_aliases)
            .find_map(|(n, base)| (n == name).then_some(base));
        if let Some(base) = base {
            let base = TypeExpr::Named {
                name: base.to_owned(),
                link: None,
            };
            let ty = match &field.ty {
                TypeExpr::Array { .. } => TypeExpr::Array {
                    item: Box::new(base),
                },
                _ => base,
            };
            field.prose_type = Some(ProseType {
                ty,
                rule: "data_type_alias".to_owned(),
            });
        }
    }

    /// Rule `fields_page`: an `object` of a response or event whose description links a whole fields page
    /// (`[task description](./fields.md)`, a page named `…fields.md`) that documents no method or event and
    /// opens with a field table has that table's fields. Such a page describes the object as it is
    /// returned; parameters name its fields otherwise (`TITLE` for `title`), so theirs are left alone. A page that cannot be read, or reads otherwise, leaves
    /// the field as it was. Links to other pages (guides) are not followed, so sync brings in no guide.
    fn fields_page(&mut self, field: &mut Field, target: &str) -> bool {
        if !rules::is_object(&field.ty) || !field.children.is_empty() {
            return false;
        }
        let Some(path) = include::resolve_path(&field.source.path, target) else {
            return false;
        };
        let Some(text) = self.loader.load(&path) else {
            return false;
        };
        let blocks = include::linked_page(&path, text, self.loader);
        let sections = Sections::build(&path, &blocks);
        let Some(top) = sections.all.first().filter(|s| s.level == 1) else {
            return false;
        };
        if !title_names(&top.title).is_empty() {
            return false;
        }
        let anchor = top.anchor.clone().unwrap_or_else(|| slug(&top.title));
        let Some(children) = self
            .section_fields(&path, &sections, &anchor)
            .filter(|c| !c.is_empty())
        else {
            return false;
        };
        field.children = children;
        field.children_via = Some(ChildLink::CrossPage(target.to_owned()));
        true
    }

    /// Takes the first field table under `target` (`page.md#anchor`) as the field's children; a page or
    /// anchor that is not there is a diagnostic.
    fn adopt_from_page(&mut self, field: &mut Field, target: &str) -> bool {
        let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
        let Some(path) = include::resolve_path(&field.source.path, file) else {
            return false;
        };
        let src = field.source.clone();
        let Some(text) = self.loader.load(&path) else {
            self.diag_at(
                &src,
                DiagnosticKind::UnresolvedReference,
                format!(
                    "`{}` refers to `{target}`, which cannot be read",
                    field.name.wire
                ),
            );
            return false;
        };
        let blocks = include::linked_page(&path, text, self.loader);
        let sections = Sections::build(&path, &blocks);
        let Some(children) = self.section_fields(&path, &sections, anchor) else {
            self.diag_at(
                &src,
                DiagnosticKind::UnresolvedReference,
                format!(
                    "`{}` refers to `{target}`, which has no such anchor",
                    field.name.wire
                ),
            );
            return false;
        };
        if children.is_empty() {
            return false;
        }
        field.children = children;
        field.children_via = Some(ChildLink::CrossPage(target.to_owned()));
        true
    }

    /// The fields of the first field table in the section `anchor` of the linked page `path`, whose
    /// `sections` are given (none when the section has no table); `None` when the page has no such
    /// section.
    fn section_fields(&self, path: &str, sections: &Sections, anchor: &str) -> Option<Vec<Field>> {
        let mut reader = Reader {
            path,
            sections,
            loader: self.loader,
            diags: Diagnostics::new(path),
            depth: self.depth + 1,
        };
        let section = reader.section_by_anchor(anchor)?;
        let Some(table) = reader.field_tables(section).into_iter().next() else {
            return Some(Vec::new());
        };
        let mut inner_chain = vec![table.table as *const Table];
        Some(reader.read_fields(table, &mut inner_chain))
    }

    /// Takes the table's rows as the field's children unless that would loop.
    fn adopt(
        &mut self,
        field: &mut Field,
        table: FieldTable<'a>,
        via: ChildLink,
        chain: &mut Vec<*const Table>,
    ) -> bool {
        let ptr = table.table as *const Table;
        if chain.contains(&ptr) {
            return false;
        }
        chain.push(ptr);
        let children = self.read_fields(table, chain);
        chain.pop();
        if children.is_empty() {
            return false;
        }
        field.children = children;
        field.children_via = Some(via);
        true
    }

    fn section_by_anchor(&self, anchor: &str) -> Option<usize> {
        let all = &self.sections.all;
        all.iter()
            .position(|s| s.anchor.as_deref() == Some(anchor))
            .or_else(|| {
                all.iter()
                    .position(|s| s.anchor.is_none() && slug(&s.title) == anchor)
            })
    }

    /// The first field table in a section or, when it has none, in its subsections.
    fn table_for(&self, section: usize, not: usize) -> Option<FieldTable<'a>> {
        if section == not {
            return None;
        }
        self.sections
            .subtree(section)
            .into_iter()
            .filter(|&s| s != not)
            .find_map(|s| self.field_tables(s).into_iter().next())
    }

    /// Nested tables that no row leads to: their fields would be lost silently.
    fn report_unreached(&mut self, role: Role, roots: &[Field]) {
        let mut reached: HashSet<(String, u32)> = HashSet::new();
        for f in roots.iter().flat_map(Field::walk) {
            reached.insert((f.source.path.clone(), f.source.line));
        }
        let mut missing = Vec::new();
        for (top, _) in self.sections.top(role) {
            for s in self.sections.subtree(top) {
                for t in self.field_tables(s) {
                    let rows = if t.layout.header {
                        &t.table.rows[1..]
                    } else {
                        &t.table.rows[..]
                    };
                    if let Some(row) = rows.first()
                        && !reached.contains(&(t.path.to_string(), row.line))
                    {
                        missing.push((
                            t.path.to_string(),
                            t.table_line(),
                            self.sections.all[s].title.clone(),
                        ));
                    }
                }
            }
        }
        for (path, line, title) in missing {
            self.diags.push_at(
                Source { path, line },
                Level::Warning,
                DiagnosticKind::UnresolvedReference,
                format!("the table under \"{title}\" is not reached from any row"),
            );
        }
    }

    // ----- examples, errors, links -----

    /// JSON code blocks of the sections with `role`, each with the HTTP status stated before it.
    fn examples_in(&mut self, role: Role) -> Vec<Example> {
        let mut out = Vec::new();
        let tops: Vec<usize> = self.sections.top(role).map(|(i, _)| i).collect();
        for top in tops {
            let mut status = None;
            for s in self.sections.subtree(top) {
                let items = self.sections.all[s].blocks.clone();
                for item in items {
                    match &item.block.kind {
                        BlockKind::Paragraph { text, .. } => {
                            if let Some(c) = HTTP_STATUS.captures(text) {
                                status = c[1].parse().ok();
                            }
                        }
                        BlockKind::Code { info, body }
                            if cells::is_json_info(info) && item.path == self.path =>
                        {
                            out.push(self.example(item, body, status));
                        }
                        _ => {}
                    }
                }
            }
        }
        out
    }

    fn example(&mut self, item: Item<'_>, body: &str, http_status: Option<u16>) -> Example {
        let parsed = json::parse(body);
        let source = Source {
            path: item.path.to_string(),
            line: item.block.line,
        };
        match parsed.validity {
            Validity::Valid => {}
            Validity::Repaired => self.diag_at(
                &source,
                DiagnosticKind::RepairedJson,
                format!("example JSON parsed after repairs: {:?}", parsed.repairs),
            ),
            Validity::Invalid => self.diag_at(
                &source,
                DiagnosticKind::InvalidJson,
                "example JSON cannot be read even after repairs".into(),
            ),
        }
        let raw = (parsed.validity != Validity::Valid).then(|| body.to_string());
        Example {
            source,
            http_status,
            validity: parsed.validity,
            repairs: parsed.repairs,
            value: parsed.value,
            raw,
        }
    }

    /// Request bodies from the cURL examples, preferring the webhook form.
    fn request_examples(&mut self) -> Vec<Example> {
        let mut tabs: Vec<(String, Item<'a>, String)> = Vec::new();
        for (i, _) in self.sections.top(Role::Examples) {
            for s in self.sections.subtree(i) {
                for item in &self.sections.all[s].blocks {
                    if let BlockKind::Tabs(list) = &item.block.kind {
                        for tab in list {
                            for b in &tab.blocks {
                                if let BlockKind::Code { body, .. } = &b.kind
                                    && tab.title.to_lowercase().contains("curl")
                                {
                                    tabs.push((
                                        tab.title.clone(),
                                        Item {
                                            path: item.path,
                                            block: b,
                                        },
                                        body.clone(),
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
        tabs.sort_by_key(|(title, _, _)| !title.to_lowercase().contains("webhook"));
        let Some((_, item, body)) = tabs.into_iter().next() else {
            return Vec::new();
        };
        let Some(json_text) = CURL_DATA
            .find(&body)
            .and_then(|m| shell_word(&body[m.end()..]))
        else {
            return Vec::new();
        };
        let mut example = self.example(item, &json_text, None);
        if let Some(serde_json::Value::Object(map)) = example.value.as_mut() {
            map.shift_remove("auth");
        }
        vec![example]
    }

    fn errors(&mut self) -> Vec<ErrorCase> {
        let mut out = Vec::new();
        let mut sections: Vec<usize> = Vec::new();
        for role in [Role::Errors, Role::ErrorCodes] {
            for (i, _) in self.sections.top(role) {
                for s in self.sections.subtree(i) {
                    if !sections.contains(&s) {
                        sections.push(s);
                    }
                }
            }
        }
        let fragment = matches!(self.path.split('/').next(), Some("_includes"));
        for s in sections {
            for item in self.sections.all[s].blocks.clone() {
                if item.path != self.path && !fragment {
                    continue;
                }
                if let BlockKind::Table(t) = &item.block.kind {
                    out.extend(error_rows(item.path, t));
                }
            }
        }
        // The system-errors fragment has no Error Handling heading: read its tables directly.
        if out.is_empty() && fragment {
            for item in self.sections.all.iter().flat_map(|s| s.blocks.iter()) {
                if let BlockKind::Table(t) = &item.block.kind {
                    out.extend(error_rows(item.path, t));
                }
            }
        }
        out
    }

    fn see_also(&self) -> Vec<Link> {
        let mut out = Vec::new();
        for (i, _) in self.sections.top(Role::SeeAlso) {
            for item in &self.sections.all[i].blocks {
                if let BlockKind::List { items, .. } = &item.block.kind {
                    for li in items {
                        for b in &li.blocks {
                            if let BlockKind::Paragraph { text, .. } = &b.kind {
                                out.extend(cells::links(text).into_iter().map(|l| Link {
                                    text: l.text.to_string(),
                                    target: l.target.to_string(),
                                }));
                            }
                        }
                    }
                }
            }
        }
        out
    }
}

impl FieldTable<'_> {
    fn table_line(&self) -> u32 {
        self.table.rows.first().map_or(0, |r| r.line)
    }
}

/// Decides whether a table holds fields, and where its columns are.
/// Whether the parser reads `t` as a field table (one whose rows are fields).
pub(crate) fn is_field_table(t: &Table) -> bool {
    layout(t).is_some()
}

fn layout(t: &Table) -> Option<Layout> {
    let first = t.rows.first()?;
    let headers: Option<Vec<(String, bool)>> = first
        .cells
        .iter()
        .map(|c| cells::header_cell(&c.text))
        .collect();
    match headers {
        Some(h) if !h.is_empty() => {
            let name = h[0].0.split_whitespace().next().unwrap_or("");
            let field_like = matches!(
                name,
                "name" | "parameter" | "field" | "key" | "title" | "value" | ""
            ) && !h.iter().any(|(w, _)| w == "code" || w.starts_with("code "));
            if !field_like || (name == "value" && !h[0].1) {
                return None;
            }
            let type_col = h.iter().position(|(w, _)| w == "type").filter(|&i| i > 0);
            let desc_col = h
                .iter()
                .position(|(w, _)| w.contains("description"))
                .or(if h.len() > 1 { Some(h.len() - 1) } else { None });
            Some(Layout {
                header: true,
                type_col,
                desc_col,
                typed: h[0].1 || type_col.is_some(),
            })
        }
        _ => {
            // A headerless table: the first row is already a field.
            let c = first.cells.first()?;
            let looks_like_field =
                cells::name_cell(&c.text).name.is_some() && first.cells.len() >= 2;
            looks_like_field.then_some(Layout {
                header: false,
                type_col: None,
                desc_col: Some(first.cells.len() - 1),
                typed: true,
            })
        }
    }
}

/// Reads an error table. Column meaning depends on the header (see the format survey §5).
fn error_rows(path: &str, t: &Table) -> Vec<ErrorCase> {
    let Some(first) = t.rows.first() else {
        return Vec::new();
    };
    let Some(headers) = first
        .cells
        .iter()
        .map(|c| cells::header_cell(&c.text).map(|h| h.0))
        .collect::<Option<Vec<_>>>()
    else {
        return Vec::new();
    };
    let col = |pred: &dyn Fn(&str) -> bool| headers.iter().position(|h| pred(h));
    let code = col(&|h| {
        h == "code"
            || h.starts_with("code ")
            || h == "error text"
            || h == "error message"
            || h == "error"
    });
    let Some(code) = code else { return Vec::new() };
    let status = col(&|h| h == "status");
    let message_in_code = headers[code].contains("message") && headers[code].starts_with("code");
    let message_col =
        col(&|h| matches!(h, "error message" | "error text" | "message")).filter(|&c| c != code);
    let value = col(&|h| cells::is_explanation_column(h));
    let has_value = value.is_some();
    let desc = col(&|h| h == "description");
    let mut out = Vec::new();
    for row in &t.rows[1..] {
        let cell = |i: Option<usize>| {
            i.and_then(|i| row.cells.get(i))
                .map(|c| c.text.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let code_cell = cell(Some(code)).unwrap_or_default();
        let (message, description) = if message_in_code {
            (
                code_cell.lines().nth(1).map(|l| l.trim().to_string()),
                cell(desc),
            )
        } else if message_col.is_some() {
            (cell(message_col), cell(desc))
        } else if has_value && desc.is_some() {
            // "Code | Description | Value": the description is what the platform sends.
            (cell(desc), cell(value))
        } else {
            (None, cell(desc).or(cell(value)))
        };
        let codes = if headers[code].starts_with("error") {
            vec![ErrorCode::Empty]
        } else {
            cells::error_codes(&code_cell)
        };
        let message = if headers[code].starts_with("error") {
            Some(code_cell.clone())
        } else {
            message
        };
        for c in codes {
            out.push(ErrorCase {
                http_status: cell(status).and_then(|s| cells::status(&s)),
                code: c,
                message: message.clone(),
                description: description.clone(),
                source: Source {
                    path: path.to_string(),
                    line: row.line,
                },
            });
        }
    }
    out
}

/// Rows listed between `result` and `time` in a root "Returned Data" table belong to `result`.
fn nest_flattened(fields: &mut Vec<Field>) {
    let Some(r) = fields.iter().position(|f| f.name.wire == "result") else {
        return;
    };
    let Some(t) = fields.iter().position(|f| f.name.wire == "time") else {
        return;
    };
    if t <= r + 1 || !fields[r].children.is_empty() || !cells::is_structured(&fields[r].ty) {
        return;
    }
    // Under a list, `total` and `next` are the envelope's paging keys, not keys of each item.
    let list = matches!(fields[r].ty, TypeExpr::Array { .. });
    let envelope = |f: &Field| list && matches!(f.name.wire.as_str(), "total" | "next");
    let (kept, moved): (Vec<Field>, Vec<Field>) = fields.drain(r + 1..t).partition(envelope);
    fields.splice(r + 1..r + 1, kept);
    if moved.is_empty() {
        return;
    }
    fields[r].children = moved;
    fields[r].children_via = Some(ChildLink::Flattened);
}

/// A row named `X[]` describes the items of the list `X`, and the rows after it are an item's fields
/// (the docs' flat layout: `items`, `items[]`, `id`, `name`), up to a row the examples show beside `X`
/// rather than in its items (`nextCursor` after the item's fields). With no row `X` before it, the row
/// stands for the list `X` itself; under `X` itself (`result[]` in `result`'s rows) it only announces
/// them. `samples` are the examples' objects at the level of `fields`.
fn nest_item_rows(fields: &mut Vec<Field>, parent: Option<&str>, samples: &[&serde_json::Value]) {
    let mut i = 0;
    while i < fields.len() {
        let Some(list) = item_row_of(&fields[i]).map(str::to_owned) else {
            i += 1;
            continue;
        };
        if parent == Some(list.as_str()) {
            fields.remove(i);
            continue;
        }
        let before = fields[..i]
            .iter()
            .rposition(|f| f.name.wire == list && f.children.is_empty());
        match before {
            Some(p) => {
                let mut row = fields.remove(i);
                let (items, via) = if row.children.is_empty() {
                    let items = item_samples(samples, &list);
                    let beside = |f: &Field| {
                        let key = f.name.wire.as_str();
                        samples.iter().any(|s| s.get(key).is_some())
                            && !items.iter().any(|s| s.get(key).is_some())
                    };
                    let end = fields[i..]
                        .iter()
                        .position(beside)
                        .map_or(fields.len(), |n| i + n);
                    (fields.drain(i..end).collect(), Some(ChildLink::Flattened))
                } else {
                    (std::mem::take(&mut row.children), row.children_via.take())
                };
                if !items.is_empty() {
                    fields[p].children = items;
                    fields[p].children_via = via;
                }
            }
            None => {
                let row = &mut fields[i];
                row.name = FieldName {
                    kind: NameKind::Plain,
                    wire: list,
                };
                if !matches!(&row.ty, TypeExpr::Named { name, .. } if name.eq_ignore_ascii_case("array"))
                {
                    row.ty = TypeExpr::Array {
                        item: Box::new(std::mem::replace(&mut row.ty, TypeExpr::Missing)),
                    };
                }
                i += 1;
            }
        }
    }
    for f in fields.iter_mut() {
        let wire = f.name.wire.clone();
        let below: Vec<&serde_json::Value> = samples
            .iter()
            .filter_map(|s| s.get(&wire))
            .flat_map(|v| match v {
                serde_json::Value::Array(items) => items.iter().collect(),
                v => vec![v],
            })
            .collect();
        nest_item_rows(&mut f.children, Some(&wire), &below);
    }
}

/// The items of the list `list` in the samples.
fn item_samples<'v>(samples: &[&'v serde_json::Value], list: &str) -> Vec<&'v serde_json::Value> {
    samples
        .iter()
        .filter_map(|s| s.get(list)?.as_array())
        .flatten()
        .collect()
}

/// `X` for a row named `X[]` alone (not `X[].child`).
fn item_row_of(field: &Field) -> Option<&str> {
    let list = field.name.wire.strip_suffix("[]")?;
    (!list.is_empty() && !list.contains(['.', '['])).then_some(list)
}

/// Rows named `parent.child` (or `parent[].child`) go under the row named `parent`. Under a scalar
/// parent (`edit`, a boolean, beside `edit.originator`), or where no row is the parent and no `[]` says
/// the path steps into a list (`checklist.reorder`, `lead.customer.type`), the dot is part of the key
/// (rule `dotted_key`): a boolean holds no fields, and the examples send `"edit.originator": false`.
fn nest_dotted(fields: &mut Vec<Field>) {
    let mut i = 0;
    while i < fields.len() {
        let NameKind::Path(parts) = fields[i].name.kind.clone() else {
            i += 1;
            continue;
        };
        let parent_name = parts[..parts.len() - 1].join(".");
        let parent_key = parent_name.trim_end_matches("[]").to_string();
        let parent = fields[..i]
            .iter()
            .rposition(|f| f.name.wire == parent_key || f.name.wire == parent_name);
        let one_key = match parent {
            Some(p) => fields[p].children.is_empty() && !cells::is_structured(&fields[p].ty),
            None => !fields[i].name.wire.contains("[]"),
        };
        match parent {
            _ if one_key => {
                let wire = fields[i].name.wire.clone();
                fields[i].name = FieldName {
                    kind: NameKind::Plain,
                    wire,
                };
                i += 1;
            }
            Some(p) => {
                let mut child = fields.remove(i);
                let leaf = parts.last().cloned().unwrap_or_default();
                child.name = FieldName {
                    kind: NameKind::Plain,
                    wire: leaf,
                };
                let parent = &mut fields[p];
                if parent.children_via.is_none() {
                    parent.children_via = Some(ChildLink::Dotted);
                }
                parent.children.push(child);
            }
            None => i += 1,
        }
    }
    // A deeper path whose parent was itself dotted: nest again inside the children.
    for f in fields.iter_mut() {
        if !f.children.is_empty() {
            nest_dotted(&mut f.children);
        }
    }
}

fn collect_links(ty: &TypeExpr, out: &mut Vec<String>) {
    match ty {
        TypeExpr::Named { link: Some(l), .. } => out.push(l.clone()),
        TypeExpr::Array { item } => collect_links(item, out),
        TypeExpr::Union { members } => members.iter().for_each(|m| collect_links(m, out)),
        _ => {}
    }
}

/// Rule `data_type_section`: a type the docs define on a data-types page links to the page, not to
/// its section (`[`crm_multifield`](../data-types.md)`); the section is the one the type names.
/// Types of the base vocabulary (`integer`, `string` …) link there too and have no section. A link
/// with an anchor (`data-types.md#type`) names the section itself.
fn data_type_ref(ty: &TypeExpr) -> Option<(&str, &str)> {
    match ty {
        TypeExpr::Named {
            name,
            link: Some(link),
        } if link.split('#').next()?.ends_with("data-types.md") && !cells::is_base_type(name) => {
            Some((link, name))
        }
        TypeExpr::Array { item } => data_type_ref(item),
        _ => None,
    }
}

/// A field named as an ID (`CURRENCY_ID`: `crm_currency`) holds the object's ID, not the object.
fn names_an_id(name: &str) -> bool {
    name.eq_ignore_ascii_case("id")
        || name.ends_with("_ID")
        || name.ends_with("Id")
        || name.ends_with("ID")
}

/// Whether a heading names the field: "Parameter X", "X Object", "Array Element X", "RESULT[] Object", ...
fn heading_names(title: &str, name: &str) -> bool {
    let t = normalise(&title.replace("[]", ""));
    let words: Vec<&str> = t.split_whitespace().collect();
    let name_words: Vec<&str> = name.split_whitespace().collect();
    if name_words.is_empty() {
        return false;
    }
    let pos = words
        .windows(name_words.len())
        .position(|w| w == name_words.as_slice());
    let Some(pos) = pos else { return false };
    let rest: Vec<&str> = words[..pos]
        .iter()
        .chain(&words[pos + name_words.len()..])
        .copied()
        .collect();
    let filler = [
        "parameter",
        "object",
        "array",
        "element",
        "field",
        "fields",
        "of",
        "the",
        "item",
        "structure",
        "description",
        "key",
        "value",
        "values",
        "list",
        "type",
    ];
    rest.iter().all(|w| filler.contains(w))
}

/// Diplodoc's automatic heading anchor: lower case, words joined by `-`.
pub fn slug(title: &str) -> String {
    let kept: String = title
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace() || matches!(c, '_' | '-'))
        .collect();
    kept.split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
        .to_lowercase()
}

/// The value of one shell word: `'…'` and `"…"` segments joined, as the shell would pass them
/// (`'{"d":"'"$(date)"'"}'` gives `{"d":"$(date)"}`; substitutions stay as written).
fn shell_word(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            '\'' | '"' => {
                chars.next();
                let mut closed = false;
                for q in chars.by_ref() {
                    if q == c {
                        closed = true;
                        break;
                    }
                    out.push(q);
                }
                if !closed {
                    return None;
                }
            }
            c if c.is_whitespace() => break,
            c => {
                out.push(c);
                chars.next();
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("").chars().take(80).collect()
}

fn title_names(title: &str) -> Vec<String> {
    let plain = title.replace('`', " ");
    let mut out: Vec<String> = Vec::new();
    for cap in METHOD_NAME.captures_iter(&plain) {
        let name = cap[1].trim_end_matches('.').to_string();
        // `imbot.v2` names an API version, not a method.
        let version = name.rsplit('.').next().is_some_and(|l| {
            l.len() > 1 && l.starts_with('v') && l[1..].chars().all(|c| c.is_ascii_digit())
        });
        if !out.contains(&name) && !name.starts_with("BX24") && !version {
            out.push(name);
        }
    }
    for cap in EVENT_NAME.find_iter(&plain) {
        let name = cap.as_str().to_string();
        if !out.iter().any(|o| o == &name) {
            out.push(name);
        }
    }
    // An event token inside a method-looking name (CATALOG.X.ON.ADD) is one name, not two.
    let all = out.clone();
    out.retain(|n| !all.iter().any(|o| o != n && o.contains(n.as_str())));
    out
}

/// The H1 without the method or event name that ends it ("Get Chat by User Code imopenlines.session.open"
/// gives "Get Chat by User Code"); a name in mid-sentence stays, since the sentence needs it.
fn title_without_name(title: &str, names: &[String]) -> String {
    let plain = title.trim();
    for name in names {
        for form in [format!("`{name}`"), name.clone()] {
            if let Some(rest) = plain.strip_suffix(form.as_str()) {
                let rest = rest.trim_end().trim_end_matches(':').trim_end();
                if !rest.is_empty() {
                    return rest.to_string();
                }
            }
        }
    }
    plain.to_string()
}

/// The scopes and the "who can call" line from the blockquote at the top.
fn scope_and_audience(blocks: &[Item<'_>]) -> (Vec<String>, Option<String>) {
    let mut scopes = Vec::new();
    let mut who = None;
    for item in blocks {
        let BlockKind::Quote(inner) = &item.block.kind else {
            continue;
        };
        for b in inner {
            let BlockKind::Paragraph { text, .. } = &b.kind else {
                continue;
            };
            for line in text.lines() {
                let l = line.trim();
                if let Some(rest) = l.strip_prefix("Scope:") {
                    for c in CODE_SPAN.captures_iter(rest) {
                        for s in c[1].split(',') {
                            let s = s.trim().to_string();
                            if !s.is_empty() && !scopes.contains(&s) {
                                scopes.push(s);
                            }
                        }
                    }
                } else if l.starts_with("Who can") {
                    who = l.split_once(':').map(|(_, w)| w.trim().to_string());
                }
            }
        }
    }
    (scopes, who)
}

/// The prose of a block and the blocks inside it (notes, list items), with the line each starts on.
/// The paragraphs, lists and notes of `block` as Markdown, each with its line.
fn markdown_prose(block: &Block, out: &mut Vec<(u32, String)>) {
    match &block.kind {
        BlockKind::Paragraph { text, .. } => out.push((block.line, text.trim().to_owned())),
        BlockKind::Note { body, .. } => body.iter().for_each(|b| markdown_prose(b, out)),
        BlockKind::List { items, ordered, .. } => {
            let lines: Vec<String> = items
                .iter()
                .enumerate()
                .filter_map(|(n, item)| {
                    let mut inner = Vec::new();
                    item.blocks
                        .iter()
                        .for_each(|b| markdown_prose(b, &mut inner));
                    let text: Vec<String> = inner.into_iter().map(|(_, t)| t).collect();
                    let marker = if *ordered {
                        format!("{}.", n + 1)
                    } else {
                        "-".to_owned()
                    };
                    (!text.is_empty()).then(|| format!("{marker} {}", text.join(" ")))
                })
                .collect();
            if !lines.is_empty() {
                out.push((block.line, lines.join("\n")));
            }
        }
        _ => {}
    }
}

fn prose_of<'b>(block: &'b Block, out: &mut Vec<(u32, &'b str)>) {
    match &block.kind {
        BlockKind::Paragraph { text, .. } => out.push((block.line, text)),
        BlockKind::Note { body, .. } | BlockKind::Quote(body) => {
            body.iter().for_each(|b| prose_of(b, out))
        }
        BlockKind::List { items, .. } => items
            .iter()
            .flat_map(|i| &i.blocks)
            .for_each(|b| prose_of(b, out)),
        _ => {}
    }
}

/// A paragraph cut into sentences: after `.` or `;` followed by white space, outside code spans.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut in_code) = (0, false);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '`' {
            in_code = !in_code;
        } else if !in_code
            && matches!(c, '.' | ';')
            && chars.peek().is_none_or(|(_, n)| n.is_whitespace())
        {
            out.push(&text[start..=i]);
            start = i + 1;
        }
    }
    out.push(&text[start..]);
    out.retain(|s| !s.trim().is_empty());
    out
}

/// The paragraphs of the introduction, and its lists: a paragraph that ends in a colon announces the
/// list after it, and without the list it would say nothing.
fn description(blocks: &[Item<'_>]) -> String {
    blocks
        .iter()
        .filter_map(|i| match &i.block.kind {
            BlockKind::Paragraph { text, .. } => Some(text.clone()),
            BlockKind::List { ordered, items } => {
                let lines: Vec<String> = items
                    .iter()
                    .enumerate()
                    .filter_map(|(n, item)| {
                        let text = item.blocks.iter().find_map(|b| match &b.kind {
                            BlockKind::Paragraph { text, .. } => Some(text.replace('\n', " ")),
                            _ => None,
                        })?;
                        Some(if *ordered {
                            format!("{}. {text}", n + 1)
                        } else {
                            format!("- {text}")
                        })
                    })
                    .collect();
                (!lines.is_empty()).then(|| lines.join("\n"))
            }
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The link to the REST 3.0 overview in a note, which is how a page says its method belongs to REST 3.0.
pub fn rest_v3_link(block: &Block) -> Option<&str> {
    let BlockKind::Note { body, .. } = &block.kind else {
        return None;
    };
    body.iter().find_map(|b| match &b.kind {
        BlockKind::Paragraph { text, .. } => {
            cells::links(text).into_iter().map(|l| l.target).find(|t| {
                t.split('#')
                    .next()
                    .is_some_and(|t| t.ends_with("rest-v3.md"))
            })
        }
        _ => None,
    })
}

/// Whether a note's title marks the page deprecated (`DEPRECATED`, `Deprecated method`).
pub fn is_deprecation_title(title: &str) -> bool {
    title.to_lowercase().contains("deprecated")
}

/// The links of the page's deprecation notes that name a method or a family of them (`crm.item.add`,
/// `crm.category.*`): what the docs name in the method's place.
pub fn replacements(blocks: &[Block]) -> Vec<cells::MdLink<'_>> {
    let mut out = Vec::new();
    for block in blocks {
        match &block.kind {
            BlockKind::Note { title, body, .. } if is_deprecation_title(title) => {
                for b in body {
                    if let BlockKind::Paragraph { text, .. } = &b.kind {
                        out.extend(
                            cells::links(text)
                                .into_iter()
                                .filter(|l| names_method(l.text)),
                        );
                    }
                }
            }
            BlockKind::Quote(body) | BlockKind::Conditional { body, .. } => {
                out.extend(replacements(body))
            }
            _ => {}
        }
    }
    out
}

/// `crm.item.add`, `crm.category.*`, `imbot.v2.Chat.get`: dotted words, the last one possibly `*`.
fn names_method(text: &str) -> bool {
    let text = text.trim_matches('`');
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() >= 2
        && parts.iter().enumerate().all(|(i, p)| {
            (*p == "*" && i == parts.len() - 1)
                || (!p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        })
}

fn any_block(blocks: &[Block], pred: &dyn Fn(&Block) -> bool) -> bool {
    blocks.iter().any(|b| {
        pred(b)
            || match &b.kind {
                BlockKind::Note { body, .. }
                | BlockKind::Cut { body, .. }
                | BlockKind::DevOnly(body)
                | BlockKind::Conditional { body, .. }
                | BlockKind::Quote(body) => any_block(body, pred),
                BlockKind::List { items, .. } => items.iter().any(|i| any_block(&i.blocks, pred)),
                BlockKind::Tabs(tabs) => tabs.iter().any(|t| any_block(&t.blocks, pred)),
                _ => false,
            }
    })
}

fn walk_code(block: &Block, f: &mut dyn FnMut(&str, &str)) {
    match &block.kind {
        BlockKind::Code { info, body } => f(info, body),
        BlockKind::Tabs(tabs) => tabs
            .iter()
            .flat_map(|t| &t.blocks)
            .for_each(|b| walk_code(b, f)),
        BlockKind::List { items, .. } => items
            .iter()
            .flat_map(|i| &i.blocks)
            .for_each(|b| walk_code(b, f)),
        BlockKind::Note { body, .. } | BlockKind::Cut { body, .. } => {
            body.iter().for_each(|b| walk_code(b, f))
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::include::Loader;

    struct NoIncludes;

    impl Loader for NoIncludes {
        fn load(&self, _: &str) -> Option<String> {
            None
        }
    }

    /// The names of the response's rows as nested, `name(child, …)`.
    fn tree(markdown: &str) -> String {
        let page = format!(
            "# Fixture `fixture.list`\n\n> Scope: [`fixture`](x.md)\n\n## Response Handling\n\n{markdown}"
        );
        let page = crate::parse_page("fixture.md", &page, &NoIncludes);
        fn render(fields: &[crate::ir::Field]) -> String {
            let names: Vec<String> = fields
                .iter()
                .map(|f| match f.children.as_slice() {
                    [] => f.name.wire.clone(),
                    children => format!("{}({})", f.name.wire, render(children)),
                })
                .collect();
            names.join(", ")
        }
        render(&page.response.map(|r| r.fields).unwrap_or_default())
    }

    const ROWS: &str = "### Returned Data\n\n#|\n|| **Name**\n`type` | **Description** ||\n";

    /// A data-types page: a type table, and two types described in sections of their own.
    struct DataTypes;

    impl Loader for DataTypes {
        fn load(&self, path: &str) -> Option<String> {
            (path == "data-types.md").then(|| {
                format!(
                    "# Types\n\n#|\n|| **Type** | **Description** ||\n\
                     || `crm_status` | String identifier of a directory element ||\n\
                     || `crm_lead` | `integer` ||\n|| `crm_currency` | Object describing currency ||\n\
                     || `crm_enum_priority` | Importance: `1` — low, `2` — high ||\n|#\n\n\
                     ### crm_multifield {{#crm_multifield}}\n\n{TABLE}|| **ID**\n`integer` | ||\n\
                     || **VALUE**\n`string` | ||\n|#\n\n### crm_currency\n\n{TABLE}|| **CURRENCY**\n`string` | ||\n|#\n"
                )
            })
        }
    }

    const TABLE: &str = "#|\n|| **Name**\n`type` | **Description** ||\n";

    #[test]
    fn a_dotted_row_nests_under_an_object_and_is_one_key_beside_a_scalar_or_alone() {
        let page = format!(
            "# Fixture `fixture.get`\n\n> Scope: [`fixture`](x.md)\n\n## Response Handling\n\n{ROWS}\
             || **edit**\n[`boolean`](x.md) | ||\n\
             || **edit.plan**\n[`boolean`](x.md) | ||\n\
             || **bot**\n[`object`](x.md) | ||\n\
             || **bot.id**\n[`integer`](x.md) | ||\n\
             || **checklist.add**\n[`boolean`](x.md) | ||\n\
             || **items[].id**\n[`integer`](x.md) | ||\n|#\n"
        );
        let page = crate::parse_page("fixture.md", &page, &FieldsPages);
        let fields = page.response.expect("response").fields;
        let shape: Vec<(&str, usize)> = fields
            .iter()
            .map(|f| (f.name.wire.as_str(), f.children.len()))
            .collect();
        assert_eq!(
            shape,
            [
                ("edit", 0),
                ("edit.plan", 0),
                ("bot", 1),
                ("checklist.add", 0),
                ("items[].id", 0)
            ]
        );
        let plain = |i: usize| fields[i].name.kind == bitrix24_ir::NameKind::Plain;
        assert!(plain(1) && plain(3), "one key each");
        assert!(
            !plain(4),
            "a path into a list with no row for the list stays a path"
        );
    }

    /// A fields page, a method page and a guide, for rule `fields_page`.
    struct FieldsPages;

    impl Loader for FieldsPages {
        fn load(&self, path: &str) -> Option<String> {
            match path {
                "fields.md" => Some(format!(
                    "# Task Fields\n\n{TABLE}|| **id**\n`integer` | ||\n|| **title**\n`string` | ||\n|#\n"
                )),
                "task-fields.md" => Some(format!(
                    "# Fields `task.fields`\n\n{TABLE}|| **id**\n`integer` | ||\n|#\n"
                )),
                "guide-fields.md" => Some("# How to pick fields\n\nRead on.\n".to_owned()),
                _ => None,
            }
        }
    }

    #[test]
    fn an_object_linking_a_whole_fields_page_takes_its_first_table() {
        let page = format!(
            "# Fixture `fixture.get`\n\n> Scope: [`fixture`](x.md)\n\n## Response Handling\n\n{ROWS}\
             || **task**\n[`object`](x.md) | Its [fields](./fields.md) ||\n\
             || **tasks**\n[`array`](x.md) | Its [fields](./fields.md) ||\n\
             || **method**\n[`object`](x.md) | See [task.fields](./task-fields.md) ||\n\
             || **guide**\n[`object`](x.md) | See [the guide](./guide-fields.md) ||\n|#\n"
        );
        let page = crate::parse_page("fixture.md", &page, &FieldsPages);
        let fields = page.response.expect("response").fields;
        let children = |name: &str| -> Vec<String> {
            let field = fields.iter().find(|f| f.name.wire == name).expect(name);
            field.children.iter().map(|c| c.name.wire.clone()).collect()
        };
        assert_eq!(children("task"), ["id", "title"]);
        assert!(children("tasks").is_empty(), "only an object");
        assert!(
            children("method").is_empty(),
            "a method page's table is its parameters"
        );
        assert!(children("guide").is_empty(), "a page without a field table");
    }

    #[test]
    fn a_type_linking_a_data_types_page_takes_its_section_or_what_its_type_table_says() {
        let page = format!(
            "# Fixture `fixture.get`\n\n> Scope: [`fixture`](x.md)\n\n## Response Handling\n\n{ROWS}\
             || **PHONE**\n[`crm_multifield[]`](data-types.md) | ||\n\
             || **CURRENCY**\n[`crm_currency`](data-types.md) | ||\n\
             || **CURRENCY_ID**\n[`crm_currency`](data-types.md) | ||\n\
             || **STATUS_ID**\n[`crm_status`](data-types.md) | ||\n\
             || **LEADS**\n[`crm_lead[]`](data-types.md) | ||\n\
             || **NOTE**\n[`crm_note`](data-types.md) | ||\n\
             || **MONEY**\n[`money`](data-types.md#crm_currency) | ||\n\
             || **CODE**\n[`crm_currency.CURRENCY`](data-types.md#crm_currency) | ||\n\
             || **PRIORITY**\n[`crm_enum_priority`](data-types.md#enums) | ||\n\
             || **COUNT**\n[`integer`](data-types.md) | ||\n|#\n"
        );
        let page = crate::parse_page("fixture.md", &page, &DataTypes);
        let fields = page.response.expect("response").fields;
        let field = |name: &str| fields.iter().find(|f| f.name.wire == name).expect(name);
        let children = |name: &str| -> Vec<String> {
            let children = &field(name).children;
            children.iter().map(|c| c.name.wire.clone()).collect()
        };
        let stated = |name: &str| {
            let prose = field(name).prose_type.as_ref();
            prose.map(|p| (p.ty.render(), p.rule.clone()))
        };
        let alias = |ty: &str| Some((ty.to_owned(), "data_type_alias".to_owned()));
        assert_eq!(children("PHONE"), ["ID", "VALUE"], "a list of the type");
        assert_eq!(
            children("CURRENCY"),
            ["CURRENCY"],
            "a heading without an anchor"
        );
        assert_eq!(children("MONEY"), ["CURRENCY"], "a link to the section");
        assert!(
            children("CURRENCY_ID").is_empty(),
            "named as an ID, it holds the ID"
        );
        assert_eq!(
            stated("CURRENCY_ID"),
            None,
            "the table calls crm_currency an object"
        );
        assert_eq!(stated("STATUS_ID"), alias("string"), "in the docs' words");
        assert_eq!(
            stated("LEADS"),
            alias("integer[]"),
            "as a facts-only page keeps it"
        );
        assert_eq!(stated("NOTE"), None, "a type the page does not name");
        assert_eq!(
            stated("PRIORITY"),
            alias("integer"),
            "values listed as numbers"
        );
        let member = Some(("string".to_owned(), "data_type_member".to_owned()));
        assert_eq!(
            (children("CODE").len(), stated("CODE")),
            (0, member),
            "a member's type"
        );
        assert_eq!(
            (children("COUNT").len(), stated("COUNT")),
            (0, None),
            "a base type"
        );
        assert!(page.diagnostics.is_empty(), "{:?}", page.diagnostics);
    }

    #[test]
    fn a_note_linking_the_rest_3_overview_marks_the_method_rest_v3() {
        let parse = |note: &str| {
            let page = format!("# Fixture `fixture.get`\n\n> Scope: [`fixture`](x.md)\n\n{note}\n");
            crate::parse_page("fixture.md", &page, &NoIncludes).rest_v3
        };
        assert!(parse(
            "{% note info \"\" %}\n\n[REST 3.0](../rest-v3.md)\n\n{% endnote %}"
        ));
        assert!(parse(
            "{% note info \"\" %}\n\nSee [the overview](../../rest-v3.md#call).\n\n{% endnote %}"
        ));
        assert!(!parse(
            "{% note warning \"DEPRECATED\" %}\n\n[crm.item.add](crm-item-add.md)\n\n{% endnote %}"
        ));
        assert!(!parse("Read [REST 3.0](../rest-v3.md) first."));
    }

    #[test]
    fn an_item_row_makes_the_rows_after_it_the_items_fields() {
        let table = format!(
            "{ROWS}|| **result**\n`object` | ||\n|| **items**\n`array` | ||\n|| **items[]**\n`object` | ||\n\
             || **id**\n`integer` | ||\n|| **name**\n`string` | ||\n|| **time**\n`time` | ||\n|#\n"
        );
        assert_eq!(tree(&table), "result(items(id, name)), time");
    }

    #[test]
    fn a_row_the_example_shows_beside_the_list_ends_the_items_fields() {
        let table = format!(
            "```json\n{{\"result\": {{\"items\": [{{\"id\": 1}}], \"nextCursor\": \"a\"}}, \"time\": {{}}}}\n```\n\n\
             {ROWS}|| **result**\n`object` | ||\n|| **items**\n`array` | ||\n|| **items[]**\n`object` | ||\n\
             || **id**\n`integer` | ||\n|| **nextCursor**\n`string` | ||\n|| **time**\n`time` | ||\n|#\n"
        );
        assert_eq!(tree(&table), "result(items(id), nextCursor), time");
    }

    #[test]
    fn an_item_row_alone_is_the_list_and_under_itself_only_announces_it() {
        let table = format!(
            "{ROWS}|| **result**\n`object` | ||\n|| **chats[]**\n`array` | ||\n|| **chatsNoAccess**\n`integer` | ||\n\
             || **time**\n`time` | ||\n|#\n"
        );
        assert_eq!(tree(&table), "result(chats, chatsNoAccess), time");
        let table = format!(
            "{ROWS}|| **result**\n`array` | ||\n|| **result[]**\n`object` | ||\n|| **id**\n`integer` | ||\n\
             || **time**\n`time` | ||\n|#\n"
        );
        assert_eq!(tree(&table), "result(id), time");
    }
}
