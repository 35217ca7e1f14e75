//! Reading single table cells: field names with their required marker, type expressions,
//! header cells, error-code cells and the links inside descriptions.

use std::ops::Range;

use crate::ir::{FieldName, NameKind, Required, TypeExpr};

/// A Markdown link: its text and target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MdLink<'a> {
    pub text: &'a str,
    pub target: &'a str,
}

pub fn links(text: &str) -> Vec<MdLink<'_>> {
    if !text.contains("](") {
        return Vec::new();
    }
    link_spans(text)
        .map(|l| MdLink {
            text: &text[l.text],
            target: &text[l.target],
        })
        .collect()
}

/// Where a link sits in its text: the whole `[text](target)`, the text and the target.
struct LinkSpan {
    whole: Range<usize>,
    text: Range<usize>,
    target: Range<usize>,
}

/// The links of `text` in order, as the regex `\[((?:[^\[\]\\]|\\.|\[[^\]]*\])*)\]\(([^()\s]*)\)`
/// finds them: link text with escapes and one level of brackets, a target without parentheses
/// or spaces. Every part of that pattern has one way to match, so a forward scan from each `[`
/// finds what the regex finds, without the cost of its captures on every table cell.
fn link_spans(text: &str) -> impl Iterator<Item = LinkSpan> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(open) = memchr::memchr(b'[', &text.as_bytes()[from..]).map(|p| p + from) {
            if let Some(link) = link_at(text, open) {
                from = link.whole.end;
                return Some(link);
            }
            from = open + 1;
        }
        from = text.len();
        None
    })
}

/// The link that starts at the `[` at `open`, if one does.
fn link_at(text: &str, open: usize) -> Option<LinkSpan> {
    let b = text.as_bytes();
    let mut i = open + 1;
    // The link text: plain characters, `\` and any character but a newline, or `[…]`.
    loop {
        match *b.get(i)? {
            b']' => break,
            b'\\' => {
                let escaped = text[i + 1..].chars().next().filter(|&c| c != '\n')?;
                i += 1 + escaped.len_utf8();
            }
            b'[' => i += 1 + memchr::memchr(b']', &b[i + 1..])? + 1,
            _ => i += 1,
        }
    }
    let close = i;
    if b.get(close + 1) != Some(&b'(') {
        return None;
    }
    // The target: no parentheses and no whitespace, up to `)`.
    let start = close + 2;
    for (j, c) in text[start..].char_indices() {
        match c {
            ')' => {
                return Some(LinkSpan {
                    whole: open..start + j + 1,
                    text: open + 1..close,
                    target: start..start + j,
                });
            }
            '(' => return None,
            c if c.is_whitespace() => return None,
            _ => {}
        }
    }
    None
}

/// Removes Markdown backslash escapes (`\_`, `\<`, `\|`).
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    out
}

/// What the first cell of a field row holds.
#[derive(Debug, Clone, PartialEq)]
pub struct NameCell {
    pub name: Option<FieldName>,
    pub required: Required,
    /// The cell text after the name: the type, as written.
    pub type_text: String,
}

pub fn name_cell(cell: &str) -> NameCell {
    let cell = cell.trim();
    let Some(after_open) = cell.strip_prefix("**") else {
        return NameCell {
            name: None,
            required: Required::No,
            type_text: cell.to_string(),
        };
    };
    let Some(close) = closing_stars(after_open) else {
        return NameCell {
            name: None,
            required: Required::No,
            type_text: cell.to_string(),
        };
    };
    let mut inner = after_open[..close].trim().to_string();
    let mut rest = &after_open[close + 2..];
    let mut aliases = Vec::new();
    // `**A**\|**B**`: alternative names.
    while let Some(next) = rest
        .strip_prefix("\\|**")
        .or_else(|| rest.strip_prefix("|**"))
    {
        let Some(end) = next.find("**") else { break };
        aliases.push(unescape(next[..end].trim()));
        rest = &next[end + 2..];
    }
    let mut required = Required::No;
    if let Some(stripped) = inner.strip_suffix("^*^") {
        inner = stripped.trim_end().to_string();
        required = Required::Superscript;
    }
    let marker_len = rest.len() - rest.trim_start_matches(['*', ',', '^']).len();
    let marker = &rest[..marker_len];
    match marker {
        "" => {}
        "*" => required = Required::Star,
        "^*^" => required = Required::Superscript,
        m if m.starts_with("*,") => required = Required::Star,
        m => required = Required::Footnote(m.to_string()),
    }
    rest = &rest[marker_len..];
    let wire = unescape(&inner);
    let name = if wire.is_empty() {
        None
    } else if !aliases.is_empty() {
        aliases.insert(0, wire.clone());
        Some(FieldName {
            wire,
            kind: NameKind::Aliases(aliases),
        })
    } else {
        Some(FieldName {
            kind: name_kind(&wire),
            wire,
        })
    };
    NameCell {
        name,
        required,
        type_text: rest.trim().to_string(),
    }
}

/// Where the `**` that closes a bold name starts: the first pair whose first star is not escaped
/// (`**UF_\***` is the name `UF_*`, not `UF_\` and a required marker).
fn closing_stars(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(found) = text[at..].find("**") {
        let pos = at + found;
        let escapes = bytes[..pos]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if escapes % 2 == 0 {
            return Some(pos);
        }
        at = pos + 1;
    }
    None
}

/// How a field name reads: plain, a placeholder (`<userId>`), a family (`UF_...`), aliases or a path.
pub fn name_kind(wire: &str) -> NameKind {
    if wire.contains('<') || (wire.contains('{') && wire.contains('}')) {
        NameKind::Placeholder
    } else if has(wire, "...") || has(wire, "…") || (wire.ends_with('*') && wire.len() > 1) {
        NameKind::Wildcard
    } else if let Some((name, alias)) = wire.split_once(" (").filter(|(_, a)| a.ends_with(')')) {
        NameKind::Aliases(vec![
            name.to_string(),
            alias.trim_end_matches(')').to_string(),
        ])
    } else if wire.contains('.') || has(wire, "[]") {
        NameKind::Path(wire.split('.').map(str::to_string).collect())
    } else {
        NameKind::Plain
    }
}

/// `hay.contains(needle)` for the few bytes of a field name, where the standard library's
/// substring search spends more on setting up than on searching.
fn has(hay: &str, needle: &str) -> bool {
    hay.as_bytes()
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// Parses the type part of a cell: links around code spans, bare code spans, and the union
/// separators between them (`\|`, `|` inside triple backticks, newlines, "or").
pub fn type_expr(text: &str) -> TypeExpr {
    let text = text.trim();
    if text.is_empty() {
        return TypeExpr::Missing;
    }
    let mut members = Vec::new();
    let mut outside = String::new();
    let mut last = 0;
    for span in link_spans(text) {
        outside.push_str(&text[last..span.whole.start]);
        last = span.whole.end;
        let link = Some(text[span.target].to_string()).filter(|s| !s.is_empty());
        let inner = &text[span.text];
        let before = members.len();
        code_members(inner, &link, &mut members);
        if members.len() == before {
            members.push(member(inner, link));
        }
    }
    outside.push_str(&text[last..]);
    let mut leftover = String::new();
    let mut from = 0;
    for (start, end, body) in code_spans(&outside) {
        span_members(body, &None, &mut members);
        leftover.push_str(&outside[from..start]);
        from = end;
    }
    leftover.push_str(&outside[from..]);
    let leftover_words = leftover
        .split(|c: char| c.is_whitespace() || c == '|' || c == '\\' || c == ',')
        .filter(|w| !w.is_empty() && *w != "or")
        .count();
    match members.len() {
        0 => TypeExpr::Unknown {
            raw: text.to_string(),
        },
        _ if leftover_words > 0
            && members
                .iter()
                .all(|m| matches!(m, TypeExpr::Unknown { .. })) =>
        {
            TypeExpr::Unknown {
                raw: text.to_string(),
            }
        }
        1 => members.pop().expect("one member"),
        _ => TypeExpr::Union { members },
    }
}

/// Code spans as `(start, end, body)`: a run of backticks, the shortest text, and the next run.
fn code_spans(text: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(open) = text[i..].find('`').map(|p| p + i) {
        let body_start = open + bytes[open..].iter().take_while(|&&b| b == b'`').count();
        // The body holds at least one character, as with a lazy `.+?`.
        let Some(first) = text[body_start..].chars().next() else {
            break;
        };
        let search_from = body_start + first.len_utf8();
        let Some(close) = text[search_from..].find('`').map(|p| p + search_from) else {
            break;
        };
        if text[body_start..close].contains('\n') {
            i = body_start;
            continue;
        }
        let end = close + bytes[close..].iter().take_while(|&&b| b == b'`').count();
        out.push((open, end, &text[body_start..close]));
        i = end;
    }
    out
}

fn code_members(text: &str, link: &Option<String>, out: &mut Vec<TypeExpr>) {
    for (_, _, body) in code_spans(text) {
        span_members(body, link, out);
    }
}

/// The members of one code span's body: one, or several split by `|`.
fn span_members(body: &str, link: &Option<String>, out: &mut Vec<TypeExpr>) {
    for part in body.split('|') {
        let part = part.trim().trim_end_matches('\\').trim();
        if !part.is_empty() {
            out.push(member(part, link.clone()));
        }
    }
}

fn member(raw: &str, link: Option<String>) -> TypeExpr {
    let unescaped = unescape(raw.trim().trim_matches('`'));
    let name = match unescaped.trim() {
        trimmed if trimmed.len() == unescaped.len() => unescaped,
        trimmed => trimmed.to_string(),
    };
    if let Some(item) = name.strip_suffix("[]") {
        return TypeExpr::Array {
            item: Box::new(member(item, link)),
        };
    }
    if name.eq_ignore_ascii_case("unknown") || !is_type_name(&name) {
        return TypeExpr::Unknown {
            raw: raw.trim().to_string(),
        };
    }
    TypeExpr::Named { name, link }
}

/// Whether `name` reads as a type: `[A-Za-z_][A-Za-z0-9_./-]*`.
fn is_type_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        && bytes.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'/' | b'-'))
}

/// The values a description lists after a line that announces them ("Possible values:"), as
/// `` - `VALUE` — meaning `` items. Lists of keys or examples are not values and are left alone.
pub fn documented_values(description: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut announced = false;
    for line in description.lines() {
        let l = line.trim();
        if let Some(item) = l.strip_prefix("- ").or_else(|| l.strip_prefix("* ")) {
            if !announced {
                continue;
            }
            let Some(rest) = item.strip_prefix('`') else {
                return Vec::new();
            };
            let Some((value, after)) = rest.split_once('`') else {
                return Vec::new();
            };
            let after = after.trim_start();
            let explained = after.is_empty() || after.starts_with(['—', '–', '-', ':', '(']);
            if value.is_empty() || value.contains('|') || !explained {
                return Vec::new();
            }
            values.push(value.to_string());
        } else if !l.is_empty() {
            if !values.is_empty() {
                break;
            }
            announced = l.ends_with(':') && l.to_lowercase().contains("value");
        }
    }
    // "`string` — when set, `null` — otherwise" describes types, not values.
    const TYPES: [&str; 8] = [
        "string", "null", "array", "object", "false", "true", "integer", "boolean",
    ];
    if values.len() < 2 || values.iter().any(|v| TYPES.contains(&v.as_str())) {
        return Vec::new();
    }
    values.dedup();
    values
}

/// Whether a description points at a structure described further down the page ("below").
/// Only then may a heading describe the items of a bare `array`.
pub fn points_below(description: &str) -> bool {
    // ASCII lower-casing finds the same words: no other character lower-cases into one of them.
    let lower = description.to_ascii_lowercase();
    ["below", "described", "structure"]
        .iter()
        .any(|w| lower.contains(w))
}

/// Whether an error-table column explains the error (so the `Description` beside it is the
/// literal message the platform sends).
pub fn is_explanation_column(header: &str) -> bool {
    matches!(
        header,
        "value" | "when it occurs" | "additional information"
    )
}

/// Whether a code fence's info string marks JSON (as the docs label their examples).
pub fn is_json_info(info: &str) -> bool {
    matches!(
        info.split_whitespace().next().unwrap_or(""),
        "json" | "jsonc" | "js" | "javascript" | "json5"
    )
}

/// The docs' base vocabulary (the basic types of `data-types.md`, and the `time` block every reply carries):
/// types a page names without defining a structure of their own.
pub fn is_base_type(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "integer"
            | "int"
            | "boolean"
            | "bool"
            | "char"
            | "double"
            | "float"
            | "number"
            | "date"
            | "datetime"
            | "timestamp"
            | "string"
            | "text"
            | "file"
            | "enum"
            | "array"
            | "object"
            | "function"
            | "callable"
            | "any"
            | "null"
            | "time"
            | "result"
    )
}

/// Whether the type says the value holds nested fields.
pub fn is_structured(ty: &TypeExpr) -> bool {
    match ty {
        TypeExpr::Named { name, link } => {
            matches!(
                name.to_ascii_lowercase().as_str(),
                "object" | "array" | "result"
            ) || link.as_deref().is_some_and(|l| l.starts_with('#'))
        }
        TypeExpr::Array { .. } => true,
        TypeExpr::Union { members } => members.iter().any(is_structured),
        TypeExpr::Unknown { .. } | TypeExpr::Missing => false,
    }
}

/// Rule `data_type_alias`: a row of a data-types page's type table (`Type | Description`) whose
/// description says what the type's values are: "Integer identifier of a CRM lead" is an `integer`, "String
/// identifier of a directory element" or "String code of …" a `string`, and a row that lists its values as
/// numbers (`` `1` — meeting, `2` — call ``) an `integer`. A facts-only page keeps only the type, as the
/// description's first code span (`` `integer` ``), which this reads back the same.
pub fn stated_base_type(description: &str) -> Option<&'static str> {
    let text = description.trim_start();
    let spans: Vec<&str> = code_spans(text).into_iter().map(|(_, _, s)| s).collect();
    if text.starts_with('`') {
        return match spans.first() {
            Some(&"integer") => Some("integer"),
            Some(&"string") => Some("string"),
            _ => None,
        };
    }
    let lower = text.to_ascii_lowercase();
    let lower = lower.strip_prefix("an ").unwrap_or(&lower);
    if lower.starts_with("integer identifier") {
        Some("integer")
    } else if lower.starts_with("string identifier") || lower.starts_with("string code") {
        Some("string")
    } else {
        let numbers = spans.len() >= 2 && spans.iter().all(|s| s.parse::<i64>().is_ok());
        numbers.then_some("integer")
    }
}

/// The rows of a type table (a header whose first column is `Type`, rows naming a type in a code span)
/// that state a base type: `(type name, base type)`.
pub fn type_aliases(table: &crate::blocks::Table) -> Vec<(String, &'static str)> {
    let Some((header, rows)) = table.rows.split_first() else {
        return Vec::new();
    };
    let first = header.cells.first().and_then(|c| header_cell(&c.text));
    if first.is_none_or(|(h, _)| h != "type") || header.cells.len() != 2 {
        return Vec::new();
    }
    rows.iter()
        .filter_map(|row| {
            let [name, description] = row.cells.as_slice() else {
                return None;
            };
            let name = name.text.trim();
            let name = name.strip_prefix('`')?.strip_suffix('`')?;
            Some((name.to_owned(), stated_base_type(&description.text)?))
        })
        .collect()
}

/// A header cell's words: `**Name**\n`type`` gives `("name", true)` (the type sits in this column).
pub fn header_cell(cell: &str) -> Option<(String, bool)> {
    let mut words = Vec::new();
    let mut holds_type = false;
    for part in cell.split(['\n']) {
        let p = part.trim();
        if p.is_empty() {
            continue;
        }
        if p.starts_with("**") && p.ends_with("**") && p.len() > 4 {
            words.push(p.trim_matches('*').trim().to_string());
        } else if p.starts_with('`')
            && p.ends_with('`')
            && p.trim_matches('`').eq_ignore_ascii_case("type")
        {
            holds_type = true;
        } else if let Some((bold, ty)) = p.split_once("** ") {
            // `**Name** `type`` on one line.
            if !bold.starts_with("**") || !ty.trim_matches('`').eq_ignore_ascii_case("type") {
                return None;
            }
            words.push(bold.trim_matches('*').trim().to_string());
            holds_type = true;
        } else if p.eq_ignore_ascii_case("/ `type`") || p.eq_ignore_ascii_case("/ **type**") {
            holds_type = true;
        } else {
            return None;
        }
    }
    let text = words.join(" ").to_lowercase();
    if text.is_empty() && !holds_type {
        return None;
    }
    Some((text, holds_type))
}

/// An error-code cell: `` `CODE` ``, a plain `CODE`, nothing, or prose. Several codes may sit
/// in one cell as a list.
pub fn error_codes(cell: &str) -> Vec<crate::ir::ErrorCode> {
    use crate::ir::ErrorCode;
    let first = cell.lines().next().unwrap_or("").trim();
    let items: Vec<&str> = cell
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .collect();
    let candidates = if items.len() > 1 { items } else { vec![first] };
    candidates
        .into_iter()
        .map(|c| {
            let c = c.trim();
            let bare = c.trim_matches('`').trim_matches('*').trim();
            if c.is_empty() || matches!(c, "-" | "—" | "–") {
                ErrorCode::Empty
            } else if !bare.is_empty()
                && bare
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '.' | '-'))
            {
                ErrorCode::Code(bare.to_string())
            } else {
                ErrorCode::Prose(c.to_string())
            }
        })
        .collect()
}

/// An HTTP status in a cell such as `` `400` `` or `400`.
pub fn status(cell: &str) -> Option<u16> {
    cell.trim()
        .trim_matches('`')
        .trim()
        .parse()
        .ok()
        .filter(|s| (100..600).contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str, link: &str) -> TypeExpr {
        TypeExpr::Named {
            name: name.into(),
            link: Some(link.into()),
        }
    }

    #[test]
    fn name_cells_in_every_marker_style() {
        let c = name_cell("**USER_CODE***\n[`string`](../data-types.md)");
        assert_eq!(c.name.unwrap().wire, "USER_CODE");
        assert_eq!(c.required, Required::Star);
        assert_eq!(type_expr(&c.type_text), named("string", "../data-types.md"));
        assert_eq!(name_cell("**N**^*^\n`x`").required, Required::Superscript);
        let c = name_cell("**CHAT_ID^*^**\n`x`");
        assert_eq!(
            (c.name.unwrap().wire.as_str(), c.required),
            ("CHAT_ID", Required::Superscript)
        );
        assert_eq!(
            name_cell("**price****\n`x`").required,
            Required::Footnote("**".into())
        );
        assert_eq!(name_cell("**name***,**\n`x`").required, Required::Star);
        // An escaped star belongs to the name: a family of fields, not a required marker.
        let c = name_cell("**UF_\\***\n`any`");
        assert_eq!(
            (c.name.unwrap().kind, c.required),
            (NameKind::Wildcard, Required::No)
        );
        assert_eq!(name_cell("**UF_\\****\n`x`").required, Required::Star);
    }

    #[test]
    fn name_kinds() {
        let kind = |s: &str| name_cell(s).name.unwrap().kind;
        assert_eq!(kind("**<messageId>**"), NameKind::Placeholder);
        assert_eq!(name_cell("**\\<chatId\\>**").name.unwrap().wire, "<chatId>");
        assert_eq!(kind("**UF_...**"), NameKind::Wildcard);
        assert_eq!(
            kind("**result.bot**"),
            NameKind::Path(vec!["result".into(), "bot".into()])
        );
        assert_eq!(
            kind("**A**\\|**B**"),
            NameKind::Aliases(vec!["A".into(), "B".into()])
        );
        assert_eq!(
            kind("**LANGUAGE_ID (LANG)**"),
            NameKind::Aliases(vec!["LANGUAGE_ID".into(), "LANG".into()])
        );
        assert_eq!(name_cell("[`entity[]`](#entity)").name, None);
    }

    #[test]
    fn unions_in_all_five_syntaxes() {
        let two = |a: &str, b: &str, l: &str| TypeExpr::Union {
            members: vec![named(a, l), named(b, l)],
        };
        assert_eq!(
            type_expr("[`string`](l) \\| [`integer`](l)"),
            two("string", "integer", "l")
        );
        assert_eq!(
            type_expr("[`string` \\| `integer`](l)"),
            two("string", "integer", "l")
        );
        assert_eq!(
            type_expr("[`string`](l)\n[`integer`](l)"),
            two("string", "integer", "l")
        );
        assert_eq!(
            type_expr("[```string|integer```](l)"),
            two("string", "integer", "l")
        );
        assert_eq!(
            type_expr("[`section[]`](#section)\\|`null`"),
            TypeExpr::Union {
                members: vec![
                    TypeExpr::Array {
                        item: Box::new(named("section", "#section"))
                    },
                    TypeExpr::Named {
                        name: "null".into(),
                        link: None
                    },
                ]
            }
        );
        assert_eq!(type_expr("`a` or `b`").names(), vec!["a", "b"]);
    }

    #[test]
    fn odd_types_are_kept_raw() {
        assert_eq!(type_expr(""), TypeExpr::Missing);
        assert_eq!(
            type_expr("[`unknown`](l)"),
            TypeExpr::Unknown {
                raw: "unknown".into()
            }
        );
        assert_eq!(
            type_expr("some words"),
            TypeExpr::Unknown {
                raw: "some words".into()
            }
        );
        assert_eq!(
            type_expr("`sale_paysystem.ID`").names(),
            vec!["sale_paysystem.ID"]
        );
    }

    /// The pattern `link_spans` follows, as the oracle for it.
    fn regex_links(text: &str) -> Vec<(&str, &str, &str)> {
        let re = regex::Regex::new(r"\[((?:[^\[\]\\]|\\.|\[[^\]]*\])*)\]\(([^()\s]*)\)").unwrap();
        re.captures_iter(text)
            .map(|c| {
                (
                    c.get(0).unwrap().as_str(),
                    c.get(1).unwrap().as_str(),
                    c.get(2).unwrap().as_str(),
                )
            })
            .collect()
    }

    fn scanned_links(text: &str) -> Vec<(&str, &str, &str)> {
        link_spans(text)
            .map(|l| (&text[l.whole], &text[l.text], &text[l.target]))
            .collect()
    }

    #[test]
    fn links_are_found_as_the_pattern_finds_them() {
        for text in [
            "[`string`](../data-types.md) \\| [a [b] c](x#y) [\\]](z)",
            "[a](b c)[d](e)",
            "[a]((b)) [\\\n](x) [[x](y)",
            "[é\\é](ü) [](#)",
        ] {
            assert_eq!(scanned_links(text), regex_links(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn links_match_the_pattern_on_any_text(text in "[\\[\\]()\\\\ a\n\u{a0}é]{0,40}") {
            proptest::prop_assert_eq!(scanned_links(&text), regex_links(&text));
        }
    }

    #[test]
    fn documented_values_follow_an_announcement() {
        let d = "How conversations are handed out. Possible values:\n- `evenly` — spread\n- `strictly` — in order\n- `all` — everyone";
        assert_eq!(documented_values(d), vec!["evenly", "strictly", "all"]);
        assert!(
            documented_values("Meaning of the keys:\n- `ENTITY_TYPE` — kind\n- `ENTITY_ID` — id")
                .is_empty()
        );
        assert!(
            documented_values("Possible values:\n- `Y` — yes").is_empty(),
            "one value is no list"
        );
        assert!(documented_values("Possible values:\n- `A` — a\n- plain words").is_empty());
    }

    #[test]
    fn header_cells() {
        assert_eq!(header_cell("**Name**\n`type`"), Some(("name".into(), true)));
        assert_eq!(
            header_cell("**Description**"),
            Some(("description".into(), false))
        );
        assert_eq!(
            header_cell("**Code**\n**Error Message**"),
            Some(("code error message".into(), false))
        );
        assert_eq!(header_cell("**result**\n[`array`](x)"), None);
    }

    #[test]
    fn error_code_cells() {
        use crate::ir::ErrorCode;
        assert_eq!(
            error_codes("`ACCESS_DENIED`"),
            vec![ErrorCode::Code("ACCESS_DENIED".into())]
        );
        assert_eq!(
            error_codes("`QUERY_LIMIT_EXCEEDED`\nToo many"),
            vec![ErrorCode::Code("QUERY_LIMIT_EXCEEDED".into())]
        );
        assert_eq!(error_codes("—"), vec![ErrorCode::Empty]);
        assert_eq!(
            error_codes("Empty value"),
            vec![ErrorCode::Prose("Empty value".into())]
        );
        assert_eq!(error_codes("- `A`\n- `B`").len(), 2);
        assert_eq!(status("`400`"), Some(400));
    }
}
