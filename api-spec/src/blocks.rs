//! L0: a lossless block tree of one page.
//!
//! Markdown blocks plus the YFM extensions the docs use: `#|` tables, `{% note %}`, `{% cut %}`,
//! `{% list tabs %}`, `{% if %}` and `{% include %}`. Every block keeps its 1-based source line.
//! The parser never fails: what it cannot read becomes a [`Diagnostic`](crate::ir::Diagnostic) and the rest goes on.

use std::sync::Arc;

use crate::diag::Diagnostics;
use crate::ir::DiagnosticKind;
use crate::table;

/// One block of a page, or of a table cell, or of an included file.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub line: u32,
    pub kind: BlockKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    /// The YAML front matter between `---` lines at the top of a page.
    FrontMatter(String),
    Heading {
        level: u8,
        text: String,
        /// An explicit `{#anchor}`.
        anchor: Option<String>,
    },
    /// Paragraph text as written, lines joined by `\n`, with any `{.attr}` suffix removed.
    Paragraph {
        text: String,
        attrs: Vec<String>,
    },
    Code {
        info: String,
        body: String,
    },
    Quote(Vec<Block>),
    List {
        ordered: bool,
        items: Vec<ListItem>,
    },
    Table(Table),
    Note {
        kind: String,
        title: String,
        body: Vec<Block>,
    },
    Cut {
        title: String,
        body: Vec<Block>,
    },
    Tabs(Vec<Tab>),
    /// `{% if build == 'dev' %}`: content that never reaches the published docs.
    DevOnly(Vec<Block>),
    /// Any other `{% if %}` condition, kept with its body.
    Conditional {
        condition: String,
        body: Vec<Block>,
    },
    Include(Include),
    /// A line of raw HTML that stands on its own.
    Html(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    pub line: u32,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tab {
    pub line: u32,
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Include {
    pub target: String,
    pub notitle: bool,
    /// Filled by [`crate::include`] when the target exists: its path and blocks.
    pub resolved: Option<(Arc<str>, Arc<Vec<Block>>)>,
}

/// A YFM table, split as Diplodoc splits it.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub rows: Vec<Row>,
    /// Leading spaces of the `#|` line.
    pub indent: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: u32,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The line of the cell's first non-blank character.
    pub line: u32,
    /// The cell's Markdown, dedented and trimmed.
    pub text: String,
    /// The cell read again as blocks: lists, code, notes and nested tables.
    pub blocks: Vec<Block>,
}

/// A source line: its 1-based number and its text (possibly dedented by a container), borrowed
/// from the page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'a> {
    pub no: u32,
    pub text: &'a str,
}

/// Reads a whole page.
pub fn parse(src: &str, diags: &mut Diagnostics) -> Vec<Block> {
    let mut lines = source_lines(src);
    let mut blocks = Vec::new();
    if let Some(end) = front_matter_end(&lines) {
        let body = lines[1..end]
            .iter()
            .map(|l| l.text)
            .collect::<Vec<_>>()
            .join("\n");
        blocks.push(Block {
            line: 1,
            kind: BlockKind::FrontMatter(body),
        });
        lines.drain(..=end);
    }
    blocks.extend(parse_lines(&lines, diags, 0));
    blocks
}

/// The lines of a page as [`str::lines`] splits them, found with `memchr`: the standard library's
/// search for `\n` is slower on the short lines of Markdown.
fn source_lines<'a>(src: &'a str) -> Vec<Line<'a>> {
    let bytes = src.as_bytes();
    let mut lines = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count() + 1);
    let mut push = |text: &'a str| {
        let no = lines.len() as u32 + 1;
        lines.push(Line { no, text })
    };
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', bytes) {
        let line = &src[start..end];
        push(line.strip_suffix('\r').unwrap_or(line));
        start = end + 1;
    }
    if start < src.len() {
        push(&src[start..]);
    }
    lines
}

/// The ASCII characters that [`char::is_whitespace`] accepts.
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// [`str::trim_start`], with a fast path for the ASCII spaces that lead most lines.
pub(crate) fn trim_start(text: &str) -> &str {
    let ascii = text
        .bytes()
        .position(|b| !is_ascii_space(b))
        .unwrap_or(text.len());
    let rest = &text[ascii..];
    if rest.as_bytes().first().is_some_and(|b| !b.is_ascii()) {
        rest.trim_start()
    } else {
        rest
    }
}

/// [`str::trim_end`], with the same fast path.
pub(crate) fn trim_end(text: &str) -> &str {
    let ascii = text
        .bytes()
        .rposition(|b| !is_ascii_space(b))
        .map_or(0, |p| p + 1);
    let rest = &text[..ascii];
    if rest.as_bytes().last().is_some_and(|b| !b.is_ascii()) {
        rest.trim_end()
    } else {
        rest
    }
}

/// `text.split('\n')`, with memchr.
pub(crate) fn split_newlines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        match memchr::memchr(b'\n', r.as_bytes()) {
            Some(p) => {
                rest = Some(&r[p + 1..]);
                Some(&r[..p])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

fn front_matter_end(lines: &[Line<'_>]) -> Option<usize> {
    if lines.first()?.text.trim_end() != "---" {
        return None;
    }
    lines
        .iter()
        .skip(1)
        .position(|l| l.text.trim_end() == "---")
        .map(|p| p + 1)
}

/// Nesting guard: cells hold tables that hold cells; hostile input must not overflow the stack.
const MAX_DEPTH: usize = 24;

pub(crate) fn parse_lines(lines: &[Line<'_>], diags: &mut Diagnostics, depth: usize) -> Vec<Block> {
    let mut out = Vec::new();
    if depth > MAX_DEPTH {
        if let Some(first) = lines.first() {
            diags.warn(
                first.no,
                DiagnosticKind::UnrecognisedTable,
                "nesting too deep; content kept as text",
            );
            out.push(Block {
                line: first.no,
                kind: BlockKind::Paragraph {
                    text: join(lines),
                    attrs: vec![],
                },
            });
        }
        return out;
    }
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        let text = line.text;
        let trimmed = trim_start(text);
        let indent = text.len() - trimmed.len();
        if trimmed.is_empty() {
            i += 1;
            continue;
        }
        if trimmed.starts_with("#|") {
            let (block, next) = table::scan(lines, i, diags, depth);
            if let Some(block) = block {
                out.push(block);
                i = next;
                continue;
            }
        }
        if indent < 4 || trimmed.starts_with("```") || trimmed.starts_with("{%") {
            if let Some((fence, ticks)) = fence_open(trimmed) {
                let (block, next) = code_block(lines, i, indent, fence, ticks, trimmed, diags);
                out.push(block);
                i = next;
                continue;
            }
            if let Some(block) = heading(line.no, trimmed) {
                out.push(block);
                i += 1;
                continue;
            }
            if let Some(tag) = directive(trimmed) {
                let (block, next) = directive_block(lines, i, tag, diags, depth);
                out.extend(block);
                i = next;
                continue;
            }
            if trimmed.starts_with('>') {
                let mut body = Vec::new();
                while i < lines.len() && trim_start(lines[i].text).starts_with('>') {
                    let t = &trim_start(lines[i].text)[1..];
                    body.push(Line {
                        no: lines[i].no,
                        text: t.strip_prefix(' ').unwrap_or(t),
                    });
                    i += 1;
                }
                out.push(Block {
                    line: line.no,
                    kind: BlockKind::Quote(parse_lines(&body, diags, depth + 1)),
                });
                continue;
            }
            if let Some(marker) = list_marker(trimmed) {
                let (block, next) = list(lines, i, diags, depth, marker.ordered);
                out.push(block);
                i = next;
                continue;
            }
            if trimmed.starts_with('<') && trimmed.ends_with('>') && !trimmed.starts_with("<http") {
                out.push(Block {
                    line: line.no,
                    kind: BlockKind::Html(trimmed.to_string()),
                });
                i += 1;
                continue;
            }
        }
        let (block, next) = paragraph(lines, i);
        out.push(block);
        i = next;
    }
    out
}

fn join(lines: &[Line<'_>]) -> String {
    lines.iter().map(|l| l.text).collect::<Vec<_>>().join("\n")
}

/// The lines, each shaped by `f`, joined by `\n` into a string allocated once.
fn join_with_capacity<'a>(lines: &[Line<'a>], f: impl Fn(&'a str) -> &'a str) -> String {
    let mut out = String::with_capacity(lines.iter().map(|l| l.text.len() + 1).sum());
    for (k, l) in lines.iter().enumerate() {
        if k > 0 {
            out.push('\n');
        }
        out.push_str(f(l.text));
    }
    out
}

/// `(fence char, fence length)` when the line opens a fenced code block.
fn fence_open(trimmed: &str) -> Option<(char, usize)> {
    let c = trimmed.chars().next()?;
    if c != '`' && c != '~' {
        return None;
    }
    let n = trimmed.chars().take_while(|&x| x == c).count();
    if n < 3 || (c == '`' && trimmed[n..].contains('`')) {
        return None;
    }
    Some((c, n))
}

fn code_block(
    lines: &[Line<'_>],
    start: usize,
    indent: usize,
    fence: char,
    ticks: usize,
    opener: &str,
    diags: &mut Diagnostics,
) -> (Block, usize) {
    let info = opener[ticks..].trim().to_string();
    let mut i = start + 1;
    let mut closed = false;
    while i < lines.len() {
        let t = trim_start(lines[i].text);
        // At least as many fence characters as opened it, and nothing else but spaces.
        let run = t.bytes().take_while(|&b| b == fence as u8).count();
        if run >= ticks && t[run..].trim_end().is_empty() {
            closed = true;
            break;
        }
        i += 1;
    }
    let body = join_with_capacity(&lines[start + 1..i], |t| dedent(t, indent));
    if closed {
        i += 1;
    } else {
        diags.warn(
            lines[start].no,
            DiagnosticKind::UnclosedFence,
            "code fence is never closed; it runs to the end",
        );
    }
    (
        Block {
            line: lines[start].no,
            kind: BlockKind::Code { info, body },
        },
        i,
    )
}

/// Removes up to `n` leading spaces.
pub(crate) fn dedent(text: &str, n: usize) -> &str {
    let spaces = text.bytes().take(n).take_while(|&b| b == b' ').count();
    &text[spaces..]
}

fn heading(no: u32, trimmed: &str) -> Option<Block> {
    let level = trimmed.chars().take_while(|&c| c == '#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &trimmed[level..];
    if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t')) {
        return None;
    }
    let mut text = rest.trim().trim_end_matches('#').trim_end().to_string();
    let mut anchor = None;
    if let Some(open) = text.rfind("{#")
        && text.ends_with('}')
    {
        anchor = Some(text[open + 2..text.len() - 1].trim().to_string());
        text = text[..open].trim_end().to_string();
    }
    Some(Block {
        line: no,
        kind: BlockKind::Heading {
            level: level as u8,
            text,
            anchor,
        },
    })
}

/// The tag of a `{% tag ... %}` line, when the whole line is one.
fn directive(trimmed: &str) -> Option<&str> {
    let inner = trimmed
        .strip_prefix("{%")?
        .trim_end()
        .strip_suffix("%}")?
        .trim();
    Some(inner)
}

fn directive_word(tag: &str) -> &str {
    tag.split_whitespace().next().unwrap_or("")
}

fn directive_block(
    lines: &[Line<'_>],
    start: usize,
    tag: &str,
    diags: &mut Diagnostics,
    depth: usize,
) -> (Vec<Block>, usize) {
    let no = lines[start].no;
    let word = directive_word(tag);
    let end_word = match word {
        "note" => "endnote",
        "cut" => "endcut",
        "list" => "endlist",
        "if" => "endif",
        "include" => {
            return (include(no, tag, diags).into_iter().collect(), start + 1);
        }
        _ => {
            diags.warn(
                no,
                DiagnosticKind::StrayDirective,
                format!("unexpected directive `{{% {tag} %}}`"),
            );
            return (Vec::new(), start + 1);
        }
    };
    let indent = lines[start].text.len() - trim_start(lines[start].text).len();
    let mut level = 0;
    let mut end = None;
    for (j, l) in lines.iter().enumerate().skip(start + 1) {
        if let Some(t) = directive(trim_start(l.text)) {
            let w = directive_word(t);
            if w == word {
                level += 1;
            } else if w == end_word {
                if level == 0 {
                    end = Some(j);
                    break;
                }
                level -= 1;
            }
        }
    }
    let Some(end) = end else {
        diags.warn(
            no,
            DiagnosticKind::UnclosedDirective,
            format!("`{{% {tag} %}}` has no `{{% {end_word} %}}`"),
        );
        return (Vec::new(), start + 1);
    };
    let inner: Vec<Line<'_>> = lines[start + 1..end]
        .iter()
        .map(|l| Line {
            no: l.no,
            text: dedent(l.text, indent),
        })
        .collect();
    let body = parse_lines(&inner, diags, depth + 1);
    let args = tag[word.len()..].trim();
    let kind = match word {
        "note" => {
            let (kind, title) = match args.split_once(char::is_whitespace) {
                Some((k, t)) => (k.to_string(), unquote(t.trim())),
                None => (args.to_string(), String::new()),
            };
            BlockKind::Note { kind, title, body }
        }
        "cut" => BlockKind::Cut {
            title: unquote(args),
            body,
        },
        "list" => BlockKind::Tabs(tabs(body)),
        _ => {
            let condition = args.to_string();
            if condition.replace(' ', "").replace('"', "'") == "build=='dev'" {
                BlockKind::DevOnly(body)
            } else {
                BlockKind::Conditional { condition, body }
            }
        }
    };
    (vec![Block { line: no, kind }], end + 1)
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches('"').to_string()
}

/// `{% list tabs %}` holds a list whose items are `title` + content.
fn tabs(body: Vec<Block>) -> Vec<Tab> {
    let mut out = Vec::new();
    for block in body {
        if let BlockKind::List { items, .. } = block.kind {
            for item in items {
                let mut blocks = item.blocks;
                let title = match blocks.first() {
                    Some(Block {
                        kind: BlockKind::Paragraph { text, .. },
                        ..
                    }) => {
                        let t = text.lines().next().unwrap_or("").trim().to_string();
                        blocks.remove(0);
                        t
                    }
                    _ => String::new(),
                };
                out.push(Tab {
                    line: item.line,
                    title,
                    blocks,
                });
            }
        }
    }
    out
}

fn include(no: u32, tag: &str, diags: &mut Diagnostics) -> Option<Block> {
    let rest = tag["include".len()..].trim();
    let (notitle, rest) = match rest.strip_prefix("notitle") {
        Some(r) => (true, r.trim()),
        None => (false, rest),
    };
    let target = rest
        .rfind("](")
        .and_then(|p| rest[p + 2..].strip_suffix(')'))
        .map(str::to_string);
    match target {
        Some(target) => Some(Block {
            line: no,
            kind: BlockKind::Include(Include {
                target,
                notitle,
                resolved: None,
            }),
        }),
        None => {
            diags.warn(
                no,
                DiagnosticKind::StrayDirective,
                format!("include without a link target: `{tag}`"),
            );
            None
        }
    }
}

struct ListMarker {
    ordered: bool,
    /// Width of the marker plus the space after it: where the item's content starts.
    width: usize,
}

fn list_marker(trimmed: &str) -> Option<ListMarker> {
    let b = trimmed.as_bytes();
    if matches!(b.first(), Some(b'-' | b'*' | b'+')) && (b.len() == 1 || b[1] == b' ') {
        // `**bold**` and `---` are not list items.
        return Some(ListMarker {
            ordered: false,
            width: if b.len() == 1 { 1 } else { 2 },
        });
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if (1..=9).contains(&digits)
        && matches!(b.get(digits), Some(b'.' | b')'))
        && (b.len() == digits + 1 || b[digits + 1] == b' ')
    {
        return Some(ListMarker {
            ordered: true,
            width: digits + 2,
        });
    }
    None
}

fn list(
    lines: &[Line<'_>],
    start: usize,
    diags: &mut Diagnostics,
    depth: usize,
    ordered: bool,
) -> (Block, usize) {
    let base = lines[start].text.len() - trim_start(lines[start].text).len();
    let mut items = Vec::new();
    // One buffer for the lines of every item in turn.
    let mut item_lines = Vec::new();
    let mut i = start;
    while i < lines.len() {
        let text = lines[i].text;
        let trimmed = trim_start(text);
        let indent = text.len() - trimmed.len();
        let Some(marker) = list_marker(trimmed).filter(|m| indent == base && m.ordered == ordered)
        else {
            break;
        };
        let content_indent = base + marker.width;
        item_lines.clear();
        item_lines.push(Line {
            no: lines[i].no,
            text: trimmed.get(marker.width..).unwrap_or(""),
        });
        let mut in_fence = false;
        // Tables and directives opened inside the item keep it going whatever the indentation.
        let mut open_blocks = 0usize;
        let mut last_blank = false;
        i += 1;
        while i < lines.len() {
            let t = lines[i].text;
            let tt = trim_start(t);
            let ind = t.len() - tt.len();
            if tt.is_empty() {
                item_lines.push(Line {
                    no: lines[i].no,
                    text: "",
                });
                last_blank = true;
                i += 1;
                continue;
            }
            let belongs = in_fence
                || open_blocks > 0
                || ind >= content_indent
                || (ind > base && list_marker(tt).is_none())
                || (!last_blank && ind == base && list_marker(tt).is_none() && !starts_block(tt));
            if !belongs {
                break;
            }
            if fence_open(tt).is_some() || (in_fence && tt.starts_with("```")) {
                in_fence = !in_fence;
            }
            if !in_fence {
                open_blocks = open_blocks.saturating_add_signed(opens_or_closes(tt));
            }
            item_lines.push(Line {
                no: lines[i].no,
                text: dedent(t, content_indent),
            });
            last_blank = false;
            i += 1;
        }
        let line = item_lines[0].no;
        while item_lines.last().is_some_and(|l| l.text.trim().is_empty()) {
            item_lines.pop();
        }
        items.push(ListItem {
            line,
            blocks: parse_lines(&item_lines, diags, depth + 1),
        });
    }
    (
        Block {
            line: lines[start].no,
            kind: BlockKind::List { ordered, items },
        },
        i,
    )
}

/// +1 for a line that opens a table or a paired directive, -1 for one that closes it.
fn opens_or_closes(trimmed: &str) -> isize {
    if trimmed.starts_with("#|") {
        return 1;
    }
    if trimmed.trim_end().ends_with("|#") {
        return -1;
    }
    match directive(trimmed).map(directive_word) {
        Some("note" | "cut" | "list" | "if") => 1,
        Some("endnote" | "endcut" | "endlist" | "endif") => -1,
        _ => 0,
    }
}

/// Whether a line at paragraph indentation starts a new block rather than continuing text.
fn starts_block(trimmed: &str) -> bool {
    trimmed.starts_with('#')
        || trimmed.starts_with('>')
        || trimmed.starts_with("{%")
        || fence_open(trimmed).is_some()
        || list_marker(trimmed).is_some()
}

fn paragraph(lines: &[Line<'_>], start: usize) -> (Block, usize) {
    let mut i = start;
    while i < lines.len() {
        let t = trim_start(lines[i].text);
        if t.is_empty() || (i > start && (starts_block(t) || t.starts_with("#|"))) {
            break;
        }
        i += 1;
    }
    let mut joined = join_with_capacity(&lines[start..i], trim_end);
    let mut attrs = Vec::new();
    // `Text {.b24-info}`: an attribute list at the end of the paragraph.
    while joined.ends_with('}') {
        let Some(open) = joined.rfind("{.") else {
            break;
        };
        let inner = joined[open + 1..joined.trim_end().len() - 1].to_string();
        attrs.insert(0, inner);
        joined.truncate(open);
        joined.truncate(joined.trim_end().len());
    }
    (
        Block {
            line: lines[start].no,
            kind: BlockKind::Paragraph {
                text: joined,
                attrs,
            },
        },
        i,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(src: &str) -> (Vec<Block>, Diagnostics) {
        let mut d = Diagnostics::new("t.md");
        let b = parse(src, &mut d);
        (b, d)
    }

    #[test]
    fn headings_keep_anchor_and_line() {
        let (b, _) = parse_str("# Title a.b\n\n### Result Object {#result}\n");
        assert_eq!(b[1].line, 3);
        assert_eq!(
            b[1].kind,
            BlockKind::Heading {
                level: 3,
                text: "Result Object".into(),
                anchor: Some("result".into())
            }
        );
    }

    #[test]
    fn tabs_hold_titles_and_indented_fences() {
        let src = "{% list tabs %}\n\n- cURL (Webhook)\n\n    ```bash\n    curl -d '{}' x\n    ```\n\n- Go\n\n    ```go\n    x\n    ```\n\n{% endlist %}\n";
        let (b, d) = parse_str(src);
        assert!(d.is_empty(), "{d:?}");
        let BlockKind::Tabs(tabs) = &b[0].kind else {
            panic!("{b:?}")
        };
        assert_eq!(tabs.len(), 2);
        assert_eq!(tabs[0].title, "cURL (Webhook)");
        assert_eq!(
            tabs[0].blocks[0].kind,
            BlockKind::Code {
                info: "bash".into(),
                body: "curl -d '{}' x".into()
            }
        );
        assert_eq!(tabs[0].blocks[0].line, 5);
    }

    #[test]
    fn dev_only_blocks_are_recognised() {
        let (b, _) = parse_str("{% if build == 'dev' %}\n\nhidden\n\n{% endif %}\n");
        assert!(matches!(b[0].kind, BlockKind::DevOnly(_)));
    }

    #[test]
    fn notes_nest_and_keep_titles() {
        let (b, _) = parse_str(
            "{% note warning \"DEPRECATED\" %}\n\n{% note info %}\n\ninner\n\n{% endnote %}\n\n{% endnote %}\n",
        );
        let BlockKind::Note { kind, title, body } = &b[0].kind else {
            panic!()
        };
        assert_eq!((kind.as_str(), title.as_str()), ("warning", "DEPRECATED"));
        assert!(matches!(body[0].kind, BlockKind::Note { .. }));
    }

    #[test]
    fn unclosed_directive_is_a_diagnostic_not_a_loss() {
        let (b, d) = parse_str("{% note info %}\n\ntext after\n");
        assert_eq!(d.items()[0].kind, DiagnosticKind::UnclosedDirective);
        assert!(matches!(&b[0].kind, BlockKind::Paragraph { text, .. } if text == "text after"));
    }

    #[test]
    fn includes_keep_notitle_and_target() {
        let (b, _) = parse_str("{% include notitle [x](../_includes/error-info.md) %}\n");
        assert_eq!(
            b[0].kind,
            BlockKind::Include(Include {
                target: "../_includes/error-info.md".into(),
                notitle: true,
                resolved: None
            })
        );
    }

    #[test]
    fn paragraph_attributes_are_split_off() {
        let (b, _) = parse_str("Data is sent as POST {.b24-info}\n");
        assert_eq!(
            b[0].kind,
            BlockKind::Paragraph {
                text: "Data is sent as POST".into(),
                attrs: vec![".b24-info".into()]
            }
        );
    }

    #[test]
    fn front_matter_is_read() {
        let (b, _) = parse_str("---\nupstream: a.md\n---\n# T\n");
        assert_eq!(b[0].kind, BlockKind::FrontMatter("upstream: a.md".into()));
        assert_eq!(b[1].line, 4);
    }

    #[test]
    fn quotes_and_lists() {
        let (b, _) = parse_str("> Scope: x\n>\n> Who: y\n\n- a\n  more\n- b\n");
        let BlockKind::Quote(q) = &b[0].kind else {
            panic!()
        };
        assert_eq!(q.len(), 2);
        let BlockKind::List { items, .. } = &b[1].kind else {
            panic!()
        };
        assert_eq!(items.len(), 2);
    }
}
