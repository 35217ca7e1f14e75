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
use crate::ir::Page;

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
    };
    writer.blocks(&blocks);
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

struct Writer<'a> {
    page: &'a Page,
    mode: Mode,
    out: &'a mut String,
}

impl Writer<'_> {
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
            BlockKind::Heading { level: 1, .. } => {
                let name = self.page.names.first().cloned().unwrap_or_default();
                match self.mode {
                    Mode::Todo => self.push(&format!("# TODO: title {name}")),
                    // A page that names nothing in its H1 says what it is.
                    Mode::FactsOnly if name.is_empty() => match self.page.kind {
                        crate::ir::PageKind::Event => self.push("# Event"),
                        _ => self.push("# Method"),
                    },
                    Mode::FactsOnly => self.push(&format!("# {name}")),
                }
            }
            BlockKind::Heading {
                level,
                text,
                anchor,
            } => {
                let anchor = anchor
                    .as_ref()
                    .map(|a| format!(" {{#{a}}}"))
                    .unwrap_or_default();
                self.push(&format!("{} {text}{anchor}", "#".repeat(*level as usize)));
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
            BlockKind::Table(table) => self.table(table),
            BlockKind::Note { kind, title, .. } if kind == "tip" && title.is_empty() => {}
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
        let data = match self
            .page
            .request_examples
            .first()
            .and_then(|e| e.value.as_ref())
        {
            Some(v) => format!("      --data '{v}' \\\n"),
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
            let mut out = todo.to_string();
            for link in cells::links(text) {
                if link.target.starts_with('#') || link.target.contains(".md#") {
                    out.push_str(&format!(" [details]({})", link.target));
                }
            }
            // Keep the pointer the parser needs to nest a bare array's items.
            if cells::points_below(text) {
                out.push_str(" The structure is below.");
            }
            for fact in crate::rules::restate(text) {
                out.push(' ');
                match mode {
                    Mode::Todo => out.push_str(&fact),
                    // The restated key lists leave each key's meaning to the maintainer.
                    Mode::FactsOnly => out.push_str(&fact.replace(" — TODO", "")),
                }
            }
            let values = cells::documented_values(text);
            if !values.is_empty() {
                out.push_str(" Possible values:\n");
                out.push_str(
                    &values
                        .iter()
                        .map(|v| match mode {
                            Mode::Todo => format!("- `{v}` — TODO"),
                            Mode::FactsOnly => format!("- `{v}`"),
                        })
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
            }
            out.trim_start().to_string()
        }
        _ => match mode {
            Mode::Todo => "TODO".to_string(),
            Mode::FactsOnly => String::new(),
        },
    }
}
