//! A starting point for a new api-spec page: the upstream page's structure and facts, with every
//! sentence replaced by a `TODO` for the maintainer to write in our own words ([`scaffold`]), or
//! left out altogether ([`facts_only`], what `cargo xtask sync` writes for a page new to api-spec).
//!
//! Rendered from the L0 tree, so tables come out in canonical form: first cells (names, markers,
//! types), literal error messages, documented values, defaults and links to nested tables are
//! kept; descriptions are not. Code examples are dropped; a cURL call is written from the page's
//! request example.
//!
//! A facts-only page differs from a scaffold only where the scaffold writes a `TODO`:
//! - the H1 is the method or event name alone (`Event` or `Method` when the H1 names none);
//! - a paragraph, list, note, cut or `{% if %}` block that holds sentences is left out (a sentence the
//!   parser turns into a fact, such as a parameter group, is restated in our words on its own);
//! - a description cell keeps only its facts: links to nested tables, "The structure is below." where
//!   the parser needs it, restated rules and the documented values as bare `` - `VALUE` `` items;
//!   columns that only explain are left empty;
//! - the "Who can …" line keeps its label and leaves the audience empty (`> Who can execute the
//!   method:`): who may call a method is said in a sentence, and a sentence is ours to write;
//! - the front matter says `facts_only: true`, which a maintainer removes once the page has our words.

use crate::blocks::{Block, BlockKind, Table};
use crate::cells::{self, header_cell};
use crate::ir::{Page, PageKind};

const TODO: &str = "TODO: describe in our own words.";

/// The front matter line that marks a facts-only page.
pub const FACTS_ONLY_MARK: &str = "facts_only: true";

/// What stands where the upstream page has a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A `TODO` for the maintainer.
    Todo,
    /// Nothing.
    FactsOnly,
}

/// The scaffold of `upstream` (the page's text), for the page `page` parsed from it.
pub fn scaffold(upstream: &str, page: &Page, commit: &str) -> String {
    render(upstream, page, commit, Mode::Todo)
}

/// The facts-only page of `upstream`: the scaffold without any `TODO` (see the module docs).
pub fn facts_only(upstream: &str, page: &Page, commit: &str) -> String {
    render(upstream, page, commit, Mode::FactsOnly)
}

fn render(upstream: &str, page: &Page, commit: &str, mode: Mode) -> String {
    let mut diags = crate::diag::Diagnostics::new(&page.path);
    let blocks = crate::blocks::parse(upstream, &mut diags);
    let mark = match mode {
        Mode::Todo => String::new(),
        Mode::FactsOnly => format!("{FACTS_ONLY_MARK}\n"),
    };
    let mut out = format!(
        "---\nupstream: {}\ncommit: {commit}\n{mark}---\n\n",
        page.path
    );
    let mut writer = Writer {
        page,
        mode,
        out: &mut out,
        titled: false,
    };
    writer.blocks(&blocks);
    if mode == Mode::FactsOnly && !matches!(page.kind, PageKind::Method | PageKind::Event) {
        out = without_empty_sections(&out);
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The page without the headings (below the title) of sections left with nothing in them: on a
/// page synced for its field tables, those would be titles alone.
fn without_empty_sections(text: &str) -> String {
    let level = |l: &str| {
        let n = l.chars().take_while(|&c| c == '#').count();
        (n > 0 && l[n..].starts_with(' ')).then_some(n)
    };
    let mut lines: Vec<&str> = text.lines().collect();
    loop {
        let mut fence = false;
        let mut drop = None;
        for (i, line) in lines.iter().enumerate() {
            if line.trim_start().starts_with("```") {
                fence = !fence;
            }
            let Some(n) = level(line).filter(|&n| !fence && n > 1) else {
                continue;
            };
            let next = lines[i + 1..].iter().find(|l| !l.trim().is_empty());
            if next.is_none_or(|l| level(l).is_some_and(|m| m <= n)) {
                drop = Some(i);
                break;
            }
        }
        let Some(i) = drop else { break };
        lines.remove(i);
        while i < lines.len()
            && i > 0
            && lines[i].trim().is_empty()
            && lines[i - 1].trim().is_empty()
        {
            lines.remove(i);
        }
    }
    let mut out = lines.join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    out
}

struct Writer<'a> {
    page: &'a Page,
    mode: Mode,
    out: &'a mut String,
    /// Whether the page's title (its first H1) is written.
    titled: bool,
}

impl Writer<'_> {
    /// Whether the page is a method or an event page.
    fn is_api(&self) -> bool {
        matches!(self.page.kind, PageKind::Method | PageKind::Event)
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            self.block(block);
        }
    }

    fn push(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push_str("\n\n");
    }

    /// A container of sentences (note, cut, `{% if %}`): its frame around a `TODO`, or nothing.
    fn container(&mut self, open: &str, close: &str) {
        if self.mode == Mode::Todo {
            self.push(&format!("{open}\n\n{TODO}\n\n{close}"));
        }
    }

    fn block(&mut self, block: &Block) {
        match &block.kind {
            BlockKind::FrontMatter(_) | BlockKind::Html(_) => {}
            // Example JSON is a fact and stays as written, even where it is not valid JSON.
            BlockKind::Code { info, body } if cells::is_json_info(info) => {
                self.push(&format!("```{info}\n{body}\n```"));
            }
            BlockKind::Code { .. } => {}
            // The title; a later H1 (a section heading written one level too high) is a heading
            // like the others below.
            BlockKind::Heading {
                level: 1, anchor, ..
            } if !self.titled => {
                self.titled = true;
                let name = self.page.names.first().cloned().unwrap_or_default();
                match self.mode {
                    Mode::Todo => self.push(&format!("# TODO: title {name}")),
                    // A page that names nothing in its H1 says what it is: a method, an event, or
                    // (a page whose tables a method page nests) an overview or a reference page,
                    // the words the parser reads the same kind from.
                    Mode::FactsOnly if name.is_empty() => {
                        let title = match self.page.kind {
                            PageKind::Event => "Event",
                            PageKind::Method => "Method",
                            PageKind::Index => "Overview",
                            _ => "Reference",
                        };
                        let anchor = anchor
                            .as_ref()
                            .filter(|_| !self.is_api())
                            .map(|a| format!(" {{#{a}}}"))
                            .unwrap_or_default();
                        self.push(&format!("# {title}{anchor}"))
                    }
                    Mode::FactsOnly => self.push(&format!("# {name}")),
                }
            }
            BlockKind::Heading {
                level,
                text,
                anchor,
            } => {
                let hashes = "#".repeat(*level as usize);
                match anchor {
                    // A page synced for its field tables is reached by anchor; its heading texts
                    // only title sections, so the anchor stands for the words.
                    Some(a) if self.mode == Mode::FactsOnly && !self.is_api() => {
                        self.push(&format!("{hashes} {a} {{#{a}}}"))
                    }
                    Some(a) => self.push(&format!("{hashes} {text} {{#{a}}}")),
                    None => self.push(&format!("{hashes} {text}")),
                }
            }
            BlockKind::Paragraph { text, attrs } => {
                let kept = text.starts_with("HTTP") || text.starts_with("No parameters");
                let mut parts: Vec<String> = Vec::new();
                if kept && self.mode == Mode::Todo {
                    parts.push(text.clone());
                } else if kept {
                    // The status line, or the bare statement; what follows them is a sentence.
                    parts.push(match text.starts_with("HTTP") {
                        true => text.lines().next().unwrap_or("").trim().to_string(),
                        false => "No parameters.".to_string(),
                    });
                } else if self.mode == Mode::Todo {
                    parts.push(TODO.to_string());
                }
                for group in &self.page.param_groups {
                    if group.source.line == block.line {
                        parts.push(crate::rules::restate_group(group));
                    }
                }
                if parts.is_empty() {
                    return;
                }
                let attrs: String = attrs.iter().map(|a| format!(" {{{a}}}")).collect();
                self.push(&format!("{}{attrs}", parts.join(" ")));
            }
            BlockKind::Quote(inner) => self.quote(inner),
            BlockKind::List { items, .. } => {
                let links: Vec<String> = items
                    .iter()
                    .filter_map(|i| match i.blocks.as_slice() {
                        [
                            Block {
                                kind: BlockKind::Paragraph { text, .. },
                                ..
                            },
                        ] if text.contains("{#T}") => Some(format!("- {text}")),
                        _ => None,
                    })
                    .collect();
                if links.len() == items.len() {
                    self.push(&links.join("\n"));
                } else if self.mode == Mode::Todo {
                    self.push(TODO);
                }
            }
            // A page that is neither a method nor an event is synced for its field tables; its
            // other tables (what to read where, in sentences) are left out.
            BlockKind::Table(table)
                if self.mode == Mode::FactsOnly
                    && !self.is_api()
                    && !crate::page::is_field_table(table) =>
            {
                // What a type's values are (an integer ID, a string code) is a fact; the rest is not.
                let aliases = cells::type_aliases(table);
                if !aliases.is_empty() {
                    let rows: Vec<String> = aliases
                        .iter()
                        .map(|(name, base)| format!("|| `{name}` | `{base}` ||"))
                        .collect();
                    self.push(&format!(
                        "#|\n|| **Type** | **Values** ||\n{}\n|#",
                        rows.join("\n")
                    ));
                }
            }
            BlockKind::Table(table) => self.table(table),
            BlockKind::Note { kind, title, .. } if kind == "tip" && title.is_empty() => {}
            // That the method belongs to REST 3.0 is a fact: the note keeps its link to the overview.
            BlockKind::Note { .. }
                if self.mode == Mode::FactsOnly && crate::page::rest_v3_link(block).is_some() =>
            {
                let target = crate::page::rest_v3_link(block).unwrap_or_default();
                self.push(&format!(
                    "{{% note info \"\" %}}\n\n[REST 3.0]({target})\n\n{{% endnote %}}"
                ));
            }
            // That a method is deprecated, and what the docs name in its place, are facts: the note
            // keeps its label and those links, and loses its sentences.
            BlockKind::Note { kind, title, .. }
                if self.mode == Mode::FactsOnly && crate::page::is_deprecation_title(title) =>
            {
                let links: Vec<String> = crate::page::replacements(std::slice::from_ref(block))
                    .iter()
                    .map(|l| format!("[{}]({})", l.text, l.target))
                    .collect();
                let links = match links.is_empty() {
                    true => String::new(),
                    false => format!("{}\n\n", links.join(", ")),
                };
                self.push(&format!(
                    "{{% note {kind} \"DEPRECATED\" %}}\n\n{links}{{% endnote %}}"
                ));
            }
            BlockKind::Note { kind, title, .. } => {
                self.container(&format!("{{% note {kind} \"{title}\" %}}"), "{% endnote %}")
            }
            BlockKind::Cut { title, .. } => {
                self.container(&format!("{{% cut \"{title}\" %}}"), "{% endcut %}")
            }
            BlockKind::DevOnly(_) => self.container("{% if build == 'dev' %}", "{% endif %}"),
            BlockKind::Conditional { condition, .. } => {
                self.container(&format!("{{% if {condition} %}}"), "{% endif %}")
            }
            BlockKind::Tabs(_) => self.curl(),
            BlockKind::Include(inc) => {
                let notitle = if inc.notitle { "notitle " } else { "" };
                self.push(&format!(
                    "{{% include {notitle}[fragment]({}) %}}",
                    inc.target
                ));
            }
        }
    }

    /// The scope line stays (in a facts-only page, only its scopes: see [`scope_line`]); who may
    /// call the method is for the maintainer to word (a `TODO`, or nothing after the label).
    fn quote(&mut self, inner: &[Block]) {
        let mut lines = Vec::new();
        for b in inner {
            if let BlockKind::Paragraph { text, .. } = &b.kind {
                for line in text.lines() {
                    if line.starts_with("Scope:") {
                        lines.push(match self.mode {
                            Mode::Todo => format!("> {line}"),
                            Mode::FactsOnly => scope_line(line),
                        });
                    } else if let Some((label, _)) = line
                        .split_once(':')
                        .filter(|(l, _)| l.starts_with("Who can"))
                    {
                        lines.push(match self.mode {
                            Mode::Todo => format!("> {label}: TODO"),
                            Mode::FactsOnly => format!("> {label}:"),
                        });
                    }
                }
            }
        }
        if !lines.is_empty() {
            self.push(&lines.join("\n>\n"));
        }
    }

    /// One cURL call, written from the page's request example.
    fn curl(&mut self) {
        let name = self.page.names.first().cloned().unwrap_or_default();
        // A body that is not JSON as written (shell variables, a cut-off string) is a fact too, and
        // stays as the parser read it.
        let body = self.page.request_examples.first().and_then(|e| {
            e.value
                .as_ref()
                .map(|v| v.to_string())
                .or_else(|| e.raw.clone())
        });
        let data = match body {
            // Quoted for the shell, its lines indented as the tab's code block is.
            Some(b) => format!(
                "      --data '{}' \\\n",
                b.replace('\'', "'\"'\"'").replace('\n', "\n    ")
            ),
            None => String::new(),
        };
        self.push(&format!(
            "{{% list tabs %}}\n\n- cURL (Webhook)\n\n    ```bash\n    curl -s -X POST \\\n      -H 'Content-Type: application/json' \\\n{data}      'https://example.bitrix24.com/rest/1/WEBHOOK_SECRET/{name}.json'\n    ```\n\n{{% endlist %}}"
        ));
    }

    fn table(&mut self, table: &Table) {
        let Some(header) = table.rows.first() else {
            return;
        };
        let heads: Option<Vec<String>> = header
            .cells
            .iter()
            .map(|c| header_cell(&c.text).map(|(h, _)| h))
            .collect();
        let mut rows = Vec::new();
        for (i, row) in table.rows.iter().enumerate() {
            let cells: Vec<String> = row
                .cells
                .iter()
                .enumerate()
                .map(|(col, cell)| match &heads {
                    _ if i == 0 || col == 0 => cell.text.clone(),
                    Some(h) => keep_cell(
                        h.get(col).map(String::as_str).unwrap_or(""),
                        h,
                        &cell.text,
                        self.mode,
                    ),
                    None => keep_cell("description", &[], &cell.text, self.mode),
                })
                .collect();
            rows.push(format!("|| {} ||", cells.join(" | ")));
        }
        self.push(&format!("#|\n{}\n|#", rows.join("\n")));
    }
}

/// The facts of a `Scope:` line: each code span in it (the parser reads each as a scope), linked as
/// upstream links it, as `> Scope: [`a`](…), `b``. The words between them are left out.
pub fn scope_line(line: &str) -> String {
    let rest = line
        .trim()
        .trim_start_matches('>')
        .trim_start()
        .strip_prefix("Scope:")
        .unwrap_or(line);
    let links = cells::links(rest);
    let mut scopes: Vec<String> = Vec::new();
    let mut at = 0;
    while let Some(open) = rest[at..].find('`').map(|i| at + i) {
        let Some(close) = rest[open + 1..].find('`').map(|i| open + 1 + i) else {
            break;
        };
        let span = &rest[open..=close];
        let linked = links
            .iter()
            .find(|l| l.text == span)
            .map(|l| format!("[{span}]({})", l.target));
        let item = linked.unwrap_or_else(|| span.to_string());
        if !scopes.contains(&item) {
            scopes.push(item);
        }
        at = close + 1;
    }
    format!("> Scope: {}", scopes.join(", "))
}

/// The facts-only form of a body cell in the column headed `head` (of `heads`, the table's header
/// words as [`header_cell`] reads them; empty when the header is not recognised): what
/// [`facts_only`] writes for it. Two cells whose facts-only forms are equal carry the same facts.
pub fn cell_facts(head: &str, heads: &[String], text: &str) -> String {
    keep_cell(head, heads, text, Mode::FactsOnly)
}

/// Whether a body cell in the column headed `head` is kept as written, being a fact (code,
/// status, literal message, default, example).
pub fn is_fact_column(head: &str, heads: &[String]) -> bool {
    let has_value = heads.iter().any(|h| cells::is_explanation_column(h));
    let errors = heads.iter().any(|h| h == "code" || h.starts_with("code "));
    matches!(
        head,
        "status"
            | "code"
            | "error message"
            | "error text"
            | "message"
            | "default"
            | "default value"
            | "example"
    ) || (head == "description" && errors && has_value)
}

/// Whether a link may lead the parser to fields: a table of this page or another (`#deal`,
/// `crm-deal-get.md#deal`) or a whole fields page (`./fields.md`, rule `fields_page`).
fn leads_to_fields(target: &str) -> bool {
    !target.contains("://")
        && (target.starts_with('#') || target.contains(".md#") || target.ends_with("fields.md"))
}

/// What a cell keeps: codes, statuses, literal messages, defaults and examples stay; a description
/// becomes a TODO (or nothing) that keeps its links to nested tables and the values it lists.
fn keep_cell(head: &str, heads: &[String], text: &str, mode: Mode) -> String {
    let todo = match mode {
        Mode::Todo => TODO,
        Mode::FactsOnly => "",
    };
    match head {
        _ if is_fact_column(head, heads) => text.to_string(),
        "description" => {
            let mut pieces: Vec<String> = vec![todo.to_string()];
            for link in cells::links(text) {
                if leads_to_fields(link.target) {
                    pieces.push(format!("[details]({})", link.target));
                }
            }
            // Keep the pointer the parser needs to nest a bare array's items.
            if cells::points_below(text) {
                pieces.push("The structure is below.".to_string());
            }
            for fact in crate::rules::restate(text) {
                pieces.push(match mode {
                    Mode::Todo => fact,
                    // The restated key lists leave each key's meaning to the maintainer.
                    Mode::FactsOnly => fact.replace(" — TODO", ""),
                });
            }
            let values = cells::documented_values(text);
            if !values.is_empty() {
                let items: Vec<String> = values
                    .iter()
                    .map(|v| match mode {
                        Mode::Todo => format!("- `{v}` — TODO"),
                        Mode::FactsOnly => format!("- `{v}`"),
                    })
                    .collect();
                pieces.push(format!("Possible values:\n{}", items.join("\n")));
            }
            // Pieces run on in one line, except that a fenced block stands on lines of its own and
            // nothing runs on after a list or a block (the parser reads them line by line).
            let mut out = String::new();
            for piece in pieces.iter().filter(|p| !p.is_empty()) {
                if !out.is_empty() {
                    let apart = out.contains('\n') || piece.starts_with("```");
                    out.push_str(if apart { "\n\n" } else { " " });
                }
                out.push_str(piece);
            }
            out
        }
        _ => match mode {
            Mode::Todo => "TODO".to_string(),
            Mode::FactsOnly => String::new(),
        },
    }
}
