//! A starting point for a new api-spec page: the upstream page's structure and facts, with every
//! sentence replaced by a `TODO` for the maintainer to write in our own words.
//!
//! Rendered from the L0 tree, so tables come out in canonical form: first cells (names, markers,
//! types), literal error messages, documented values, defaults and links to nested tables are
//! kept; descriptions are not. Code examples are dropped; a cURL call is written from the page's
//! request example.

use crate::blocks::{Block, BlockKind, Table};
use crate::cells::{self, header_cell};
use crate::ir::Page;

const TODO: &str = "TODO: describe in our own words.";

/// The scaffold of `upstream` (the page's text), for the page `page` parsed from it.
pub fn scaffold(upstream: &str, page: &Page, commit: &str) -> String {
    let mut diags = crate::diag::Diagnostics::new(&page.path);
    let blocks = crate::blocks::parse(upstream, &mut diags);
    let mut out = format!("---\nupstream: {}\ncommit: {commit}\n---\n\n", page.path);
    let mut writer = Writer {
        page,
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
                self.push(&format!("# TODO: title {name}"));
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
                let mut body = if kept { text.clone() } else { TODO.to_string() };
                for group in &self.page.param_groups {
                    if group.source.line == block.line {
                        body.push(' ');
                        body.push_str(&crate::rules::restate_group(group));
                    }
                }
                let attrs: String = attrs.iter().map(|a| format!(" {{{a}}}")).collect();
                self.push(&format!("{body}{attrs}"));
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
                } else {
                    self.push(TODO);
                }
            }
            BlockKind::Table(table) => self.table(table),
            BlockKind::Note { kind, title, .. } if kind == "tip" && title.is_empty() => {}
            BlockKind::Note { kind, title, .. } => {
                self.push(&format!(
                    "{{% note {kind} \"{title}\" %}}\n\n{TODO}\n\n{{% endnote %}}"
                ));
            }
            BlockKind::Cut { title, .. } => self.push(&format!(
                "{{% cut \"{title}\" %}}\n\n{TODO}\n\n{{% endcut %}}"
            )),
            BlockKind::DevOnly(_) => self.push(&format!(
                "{{% if build == 'dev' %}}\n\n{TODO}\n\n{{% endif %}}"
            )),
            BlockKind::Conditional { condition, .. } => self.push(&format!(
                "{{% if {condition} %}}\n\n{TODO}\n\n{{% endif %}}"
            )),
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

    /// The scope line stays; who may call the method is for the maintainer to word.
    fn quote(&mut self, inner: &[Block]) {
        let mut lines = Vec::new();
        for b in inner {
            if let BlockKind::Paragraph { text, .. } = &b.kind {
                for line in text.lines() {
                    if line.starts_with("Scope:") {
                        lines.push(format!("> {line}"));
                    } else if let Some((label, _)) = line
                        .split_once(':')
                        .filter(|(l, _)| l.starts_with("Who can"))
                    {
                        lines.push(format!("> {label}: TODO"));
                    }
                }
            }
        }
        self.push(&lines.join("\n>\n"));
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
                    Some(h) => {
                        keep_cell(h.get(col).map(String::as_str).unwrap_or(""), h, &cell.text)
                    }
                    None => keep_cell("description", &[], &cell.text),
                })
                .collect();
            rows.push(format!("|| {} ||", cells.join(" | ")));
        }
        self.push(&format!("#|\n{}\n|#", rows.join("\n")));
    }
}

/// What a cell keeps: codes, statuses, literal messages, defaults and examples stay; a description
/// becomes a TODO that keeps its links to nested tables and the values it lists.
fn keep_cell(head: &str, heads: &[String], text: &str) -> String {
    let has_value = heads.iter().any(|h| cells::is_explanation_column(h));
    let errors = heads.iter().any(|h| h == "code" || h.starts_with("code "));
    match head {
        "status" | "code" | "error message" | "error text" | "message" | "default"
        | "default value" | "example" => text.to_string(),
        "description" if errors && has_value => text.to_string(),
        "description" => {
            let mut out = TODO.to_string();
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
                out.push_str(&fact);
            }
            let values = cells::documented_values(text);
            if !values.is_empty() {
                out.push_str(" Possible values:\n");
                out.push_str(
                    &values
                        .iter()
                        .map(|v| format!("- `{v}` — TODO"))
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
            }
            out
        }
        _ => "TODO".to_string(),
    }
}
