//! YFM tables, split exactly as Diplodoc's `yfm_table` plugin splits them.
//!
//! The scan runs over characters, not lines: `||` opens and closes a row, `|` separates cells,
//! `#|`/`|#` nest, and a triple backtick anywhere toggles a code state in which nothing splits.
//! A single backtick does not protect a pipe (the renderer's default), `\|` is an escaped pipe,
//! and `{{ … }}` is protected. Whatever the renderer silently drops (text between rows, rows lost
//! to a missing `||`) is reported as a diagnostic.

use crate::blocks::{self, Block, BlockKind, Cell, Line, Row, Table, dedent};
use crate::diag::Diagnostics;
use crate::ir::DiagnosticKind;

/// Scans the table whose `#|` starts `lines[start]`. Returns the block and the index of the line
/// after `|#`, or `None` when the table is never closed (the renderer then shows it as text).
pub(crate) fn scan(
    lines: &[Line<'_>],
    start: usize,
    diags: &mut Diagnostics,
    depth: usize,
) -> (Option<Block>, usize) {
    // Scanning to the end of the page for every table would be quadratic: try the lines up to
    // where the `#|`/`|#` counts balance first, and the rest of the page only if that fails.
    if let Some(end) = likely_end(&lines[start..])
        && let Some(found) = scan_upto(&lines[..=start + end], start, diags, depth)
    {
        return found;
    }
    match scan_upto(lines, start, diags, depth) {
        Some(found) => found,
        None => {
            diags.warn(
                lines[start].no,
                DiagnosticKind::UnclosedTable,
                "`#|` table is never closed with `|#`; read as text",
            );
            (None, start + 1)
        }
    }
}

/// The offset of the line where as many `|#` as `#|` have been seen.
fn likely_end(lines: &[Line<'_>]) -> Option<usize> {
    let mut open = 0isize;
    for (i, l) in lines.iter().enumerate() {
        open += nesting(l.text);
        if open <= 0 {
            return Some(i);
        }
    }
    None
}

/// How many `#|` a line holds minus how many `|#`; a `|` may be part of both, as in `#|#`.
fn nesting(text: &str) -> isize {
    let b = text.as_bytes();
    memchr::memchr_iter(b'|', b)
        .map(|p| (p > 0 && b[p - 1] == b'#') as isize - (b.get(p + 1) == Some(&b'#')) as isize)
        .sum()
}

/// The bytes the scan acts on; between them, inside a row or a nested table, it has nothing to do.
fn is_special(b: u8) -> bool {
    SPECIAL[b as usize]
}

/// [`is_special`] as a table: one load a byte instead of five comparisons.
static SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 5 {
        table[b"`{\\#|"[i] as usize] = true;
        i += 1;
    }
    table
};

fn scan_upto(
    lines: &[Line<'_>],
    start: usize,
    diags: &mut Diagnostics,
    depth: usize,
) -> Option<(Option<Block>, usize)> {
    let indent = lines[start].text.len() - blocks::trim_start(lines[start].text).len();
    let mut text = String::with_capacity(lines[start..].iter().map(|l| l.text.len() + 1).sum());
    let mut starts = Vec::with_capacity(lines.len() - start);
    for l in &lines[start..] {
        starts.push(text.len());
        text.push_str(l.text);
        text.push('\n');
    }
    let line_at = |pos: usize| -> usize { starts.partition_point(|&s| s <= pos) - 1 };
    let no_at = |pos: usize| lines[start + line_at(pos)].no;

    let bytes = text.as_bytes();
    let mut pos = indent + 2;
    let mut in_code = false;
    let mut level = 0usize;
    let mut row: Option<(usize, Vec<(usize, usize)>)> = None;
    let mut cell_start = 0;
    let mut spans: Vec<(usize, Vec<(usize, usize)>)> = Vec::new();
    let mut orphan: Option<usize> = None;
    let mut end = None;
    while pos < bytes.len() {
        if in_code {
            // Nothing splits inside triple backticks: go straight to the next backtick.
            let Some(tick) = memchr::memchr(b'`', &bytes[pos..]) else {
                break;
            };
            pos += tick;
            if bytes[pos..].starts_with(b"```") {
                in_code = false;
                pos += 3;
            } else {
                pos += 1;
            }
            continue;
        }
        if level > 0 || row.is_some() || orphan.is_some() {
            // Only text outside any row can be an orphan; elsewhere skip to the next special byte.
            match bytes[pos..].iter().position(|&b| is_special(b)) {
                Some(skip) => pos += skip,
                None => break,
            }
        }
        let rest = &bytes[pos..];
        if rest.starts_with(b"```") {
            in_code = true;
            pos += 3;
            continue;
        }
        if rest.starts_with(b"{{")
            && let Some(close) = text[pos + 2..].find("}}")
        {
            pos += close + 4;
            continue;
        }
        match rest[0] {
            b'\\' => {
                // Skip the escaped character whole, which may be more than one byte.
                pos += 1 + text[pos + 1..].chars().next().map_or(0, char::len_utf8);
                continue;
            }
            b'#' if rest.starts_with(b"#|") => {
                level += 1;
                pos += 2;
                continue;
            }
            b'|' if rest.starts_with(b"||") && level == 0 => {
                match row.take() {
                    None => {
                        report_orphan(&text, &mut orphan, pos, no_at, diags);
                        row = Some((pos, Vec::new()));
                    }
                    Some((row_start, mut cells)) => {
                        cells.push((cell_start, pos));
                        spans.push((row_start, cells));
                    }
                }
                pos += 2;
                cell_start = pos;
                continue;
            }
            b'|' if rest.starts_with(b"|#") => {
                if level == 0 {
                    end = Some(pos);
                    break;
                }
                level -= 1;
                pos += 2;
                continue;
            }
            b'|' if level == 0 => {
                if let Some((_, cells)) = row.as_mut() {
                    cells.push((cell_start, pos));
                    cell_start = pos + 1;
                }
            }
            c if level == 0 && row.is_none() && !c.is_ascii_whitespace() && orphan.is_none() => {
                orphan = Some(pos);
            }
            _ => {}
        }
        pos += 1;
    }
    let end = end?;
    report_orphan(&text, &mut orphan, end, no_at, diags);
    if let Some((row_start, mut cells)) = row {
        if text[row_start + 2..end].trim().is_empty() {
            diags.warn(
                no_at(row_start),
                DiagnosticKind::EmptyRow,
                "`|| ||` at a row end opens an empty row",
            );
        } else {
            // The author's last row, missing its `||`: keep it, but say the renderer drops it.
            diags.warn(
                no_at(row_start),
                DiagnosticKind::OrphanText,
                "last row is never closed with `||`; the renderer drops it, the parser keeps it",
            );
            cells.push((cell_start, end));
            spans.push((row_start, cells));
        }
    }

    let mut cell_lines = Vec::new();
    let rows: Vec<Row> = spans
        .into_iter()
        .map(|(row_start, cells)| Row {
            line: no_at(row_start),
            cells: cells
                .into_iter()
                .map(|(a, b)| cell(&text, a, b, indent, &no_at, &mut cell_lines, diags, depth))
                .collect(),
        })
        .collect();
    check_shape(&rows, diags);
    let next = start + line_at(end) + 1;
    let table = Block {
        line: lines[start].no,
        kind: BlockKind::Table(Table { rows, indent }),
    };
    Some((Some(table), next))
}

/// Text between rows never reaches the rendered page.
fn report_orphan(
    text: &str,
    orphan: &mut Option<usize>,
    upto: usize,
    no_at: impl Fn(usize) -> u32,
    diags: &mut Diagnostics,
) {
    if let Some(from) = orphan.take() {
        let fragment: String = text[from..upto].trim().chars().take(60).collect();
        diags.warn(
            no_at(from),
            DiagnosticKind::OrphanText,
            format!(
                "text outside any row is dropped by the renderer: `{}`",
                fragment.replace('\n', " ")
            ),
        );
    }
}

/// Reads the cell `text[from..to]`: trimmed, its lines after the first dedented by the table's
/// indent, and parsed as blocks. `lines` is a buffer reused from cell to cell.
#[allow(clippy::too_many_arguments)]
fn cell<'t>(
    text: &'t str,
    from: usize,
    to: usize,
    indent: usize,
    no_at: &impl Fn(usize) -> u32,
    lines: &mut Vec<Line<'t>>,
    diags: &mut Diagnostics,
    depth: usize,
) -> Cell {
    let raw = &text[from..to];
    let trimmed = blocks::trim_start(raw);
    let lead = raw.len() - trimmed.len();
    let line = no_at((from + lead).min(to.saturating_sub(1)).max(from));
    let trimmed = blocks::trim_end(trimmed);
    if trimmed.is_empty() {
        return Cell {
            line,
            text: String::new(),
            blocks: Vec::new(),
        };
    }
    // Trimmed, the cell starts and ends with text, so dedenting cannot leave it untrimmed.
    let mut out = String::with_capacity(trimmed.len());
    lines.clear();
    for (i, l) in blocks::split_newlines(trimmed).enumerate() {
        let l = if i > 0 { dedent(l, indent) } else { l };
        if i > 0 {
            out.push('\n');
        }
        out.push_str(l);
        lines.push(Line {
            no: line + i as u32,
            text: l,
        });
    }
    let blocks = blocks::parse_lines(lines, diags, depth + 1);
    Cell {
        line,
        text: out,
        blocks,
    }
}

/// Empty rows and rows whose cell count differs from the first row's.
fn check_shape(rows: &[Row], diags: &mut Diagnostics) {
    let Some(width) = rows.first().map(|r| r.cells.len()) else {
        return;
    };
    let mut ragged = false;
    for row in rows {
        if row.cells.iter().all(|c| c.text.is_empty()) {
            diags.warn(
                row.line,
                DiagnosticKind::EmptyRow,
                "empty row (`|| ||`); a following row may be lost",
            );
        } else if row.cells.len() != width && !ragged {
            ragged = true;
            diags.warn(
                row.line,
                DiagnosticKind::RaggedRow,
                format!(
                    "row has {} cells where the table has {width}; a `|` is probably missing",
                    row.cells.len()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::blocks::{BlockKind, parse};
    use crate::diag::Diagnostics;
    use crate::ir::DiagnosticKind;

    fn table(src: &str) -> (crate::blocks::Table, Diagnostics) {
        let mut d = Diagnostics::new("t.md");
        let blocks = parse(src, &mut d);
        let t = blocks
            .into_iter()
            .find_map(|b| match b.kind {
                BlockKind::Table(t) => Some(t),
                _ => None,
            })
            .expect("a table");
        (t, d)
    }

    fn texts(t: &crate::blocks::Table) -> Vec<Vec<String>> {
        t.rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.text.clone()).collect())
            .collect()
    }

    #[test]
    fn rows_and_cells_with_lines() {
        let (t, d) = table(
            "#|\n|| **Name**\n`type` | **Description** ||\n|| **A***\n[`string`](x.md) | text\n\nmore ||\n|#\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            texts(&t)[1],
            vec![
                "**A***\n[`string`](x.md)".to_string(),
                "text\n\nmore".into()
            ]
        );
        assert_eq!(t.rows[1].line, 4);
        assert_eq!(t.rows[1].cells[1].line, 5);
    }

    #[test]
    fn triple_backticks_protect_pipes_single_do_not() {
        let (t, _) = table("#|\n|| a | ```x|y``` ||\n|| b | `x|y` ||\n|#\n");
        assert_eq!(texts(&t)[0], vec!["a", "```x|y```"]);
        assert_eq!(texts(&t)[1], vec!["b", "`x", "y`"]);
    }

    #[test]
    fn escaped_pipe_does_not_split_but_double_backslash_does() {
        let (t, _) = table("#|\n|| a | [`x`](l)\\|[`y`](l) | \\\\| z ||\n|#\n");
        assert_eq!(texts(&t)[0], vec!["a", "[`x`](l)\\|[`y`](l)", "\\\\", "z"]);
    }

    #[test]
    fn nested_tables_stay_in_their_cell() {
        let (t, _) = table("#|\n|| a | inner:\n#|\n|| x | y ||\n|#\n ||\n|#\n");
        assert_eq!(t.rows.len(), 1);
        let cell = &t.rows[0].cells[1];
        assert!(
            cell.blocks
                .iter()
                .any(|b| matches!(b.kind, BlockKind::Table(_))),
            "{cell:?}"
        );
    }

    #[test]
    fn indented_table_and_fence_in_cell() {
        let src =
            "  #|\n  || **Q**\n  [`array`](x) | list:\n```js\nvar a = 1 | 2;\n```\n  ||\n  |#\n";
        let (t, d) = table(src);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(t.indent, 2);
        let BlockKind::Code { info, body } = &t.rows[0].cells[1].blocks[1].kind else {
            panic!("{t:?}")
        };
        assert_eq!((info.as_str(), body.as_str()), ("js", "var a = 1 | 2;"));
    }

    #[test]
    fn missing_row_end_drops_text_with_a_diagnostic() {
        let (t, d) = table("#|\n|| h | d ||\n|| a | 1\n|| b | 2 ||\n|| c | 3 ||\n|#\n");
        // `|| a | 1` is closed by the `||` that should open row b, so b's text falls between rows.
        assert_eq!(texts(&t)[1], vec!["a", "1"]);
        assert!(
            d.items()
                .iter()
                .any(|x| x.kind == DiagnosticKind::OrphanText && x.source.line == 4),
            "{d:?}"
        );
    }

    #[test]
    fn empty_row_and_ragged_row() {
        // `|| ||` closes the row, opens an empty one, and the next row's text is lost between rows.
        let (t, d) = table("#|\n|| h | d ||\n|| a | 1 || ||\n|| x | 2 ||\n|#\n");
        let kinds: Vec<_> = d.items().iter().map(|x| x.kind).collect();
        assert_eq!(t.rows.len(), 3);
        assert!(kinds.contains(&DiagnosticKind::EmptyRow), "{kinds:?}");
        assert!(kinds.contains(&DiagnosticKind::OrphanText), "{kinds:?}");
        let (_, d) = table("#|\n|| h | d ||\n|| x ||\n|#\n");
        assert_eq!(d.items()[0].kind, DiagnosticKind::RaggedRow);
    }

    #[test]
    fn an_escaped_multibyte_character_is_skipped_whole() {
        let (t, _) = table("#|\n|| a\\é | b ||\n|#\n");
        assert_eq!(texts(&t)[0], vec!["a\\é", "b"]);
        // Found by the fuzzer: a backslash before a multibyte character outside any row.
        let mut d = Diagnostics::new("t.md");
        parse("#|\n\\é x\n|| a ||\n|#\n", &mut d);
    }

    #[test]
    fn unclosed_table_is_text() {
        let mut d = Diagnostics::new("t.md");
        let b = parse("#|\n|| a ||\n", &mut d);
        assert!(matches!(b[0].kind, BlockKind::Paragraph { .. }));
        assert_eq!(d.items()[0].kind, DiagnosticKind::UnclosedTable);
    }
}
