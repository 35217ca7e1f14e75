//! JSON examples: parsed strictly, else repaired in recorded steps, else kept raw.

use serde_json::Value;

use crate::ir::{Repair, Validity};

pub struct Parsed {
    pub validity: Validity,
    pub repairs: Vec<Repair>,
    pub value: Option<Value>,
}

pub fn parse(raw: &str) -> Parsed {
    if let Ok(v) = serde_json::from_str::<Value>(raw) {
        return Parsed {
            validity: Validity::Valid,
            repairs: Vec::new(),
            value: Some(v),
        };
    }
    let mut text = raw.to_string();
    let mut repairs = Vec::new();
    type Step = fn(&str) -> String;
    let steps: [(Repair, Step); 6] = [
        (Repair::StripComments, strip_comments),
        (Repair::DropEllipsis, drop_ellipsis),
        (Repair::DropProseLines, drop_prose_lines),
        (Repair::DropTrailingCommas, drop_dangling_commas),
        (Repair::InsertMissingCommas, insert_missing_commas),
        (Repair::EscapeInStrings, escape_in_strings),
    ];
    for (repair, step) in steps {
        let next = step(&text);
        if next != text {
            repairs.push(repair);
            text = next;
        }
    }
    match serde_json::from_str::<Value>(&text) {
        Ok(v) if !repairs.is_empty() => Parsed {
            validity: Validity::Repaired,
            repairs,
            value: Some(v),
        },
        _ => Parsed {
            validity: Validity::Invalid,
            repairs: Vec::new(),
            value: None,
        },
    }
}

/// Calls `keep` for every character outside string literals, copying string literals as they are.
fn outside_strings(text: &str, mut keep: impl FnMut(&mut String, &str, usize) -> usize) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(bytes.len());
            out.push_str(&text[start..i]);
        } else {
            i += keep(&mut out, text, i).max(1);
        }
    }
    out
}

/// Copies the character at `i` and returns its length in bytes.
fn copy_char(out: &mut String, text: &str, i: usize) -> usize {
    let c = text[i..].chars().next().unwrap_or(' ');
    out.push(c);
    c.len_utf8()
}

fn strip_comments(text: &str) -> String {
    outside_strings(text, |out, text, i| {
        let rest = &text[i..];
        if rest.starts_with("//") || rest.starts_with('#') {
            rest.find('\n').unwrap_or(rest.len())
        } else if rest.starts_with("/*") {
            rest.find("*/").map(|e| e + 2).unwrap_or(rest.len())
        } else {
            copy_char(out, text, i)
        }
    })
}

fn drop_ellipsis(text: &str) -> String {
    outside_strings(text, |out, text, i| {
        let rest = &text[i..];
        if rest.starts_with("...") {
            3
        } else if rest.starts_with('…') {
            '…'.len_utf8()
        } else {
            copy_char(out, text, i)
        }
    })
}

/// Drops lines that hold words and no JSON structure, as a note written among the values. Only lines
/// outside string literals are looked at: a line is prose when it has no quote, bracket, brace or colon
/// and a word other than `true`, `false` or `null`.
fn drop_prose_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    for line in text.split_inclusive('\n') {
        let structural = line.contains(['"', '{', '}', '[', ']', ':']);
        let worded = line.split_whitespace().any(|w| {
            w.starts_with(|c: char| c.is_alphabetic())
                && !matches!(w.trim_end_matches(','), "true" | "false" | "null")
        });
        let prose = !in_string && !structural && worded;
        if !prose {
            out.push_str(line);
        }
        in_string ^= quotes_open(line);
    }
    out
}

/// Whether `line` leaves a string literal open (an odd number of unescaped quotes).
fn quotes_open(line: &str) -> bool {
    let mut open = false;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if open => escaped = !escaped,
            '"' if !escaped => open = !open,
            _ => escaped = false,
        }
    }
    open
}

/// Adds the comma a line forgot: a value ends a line and the next line starts with a key.
fn insert_missing_commas(text: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in lines.iter().enumerate() {
        let body = line.trim_end();
        let ends_value = body.ends_with(['"', '}', ']'])
            || body.ends_with(|c: char| c.is_ascii_digit())
            || ["true", "false", "null"].iter().any(|l| body.ends_with(l));
        let next_is_key = lines
            .get(i + 1)
            .is_some_and(|next| next.trim_start().starts_with('"') && next.contains("\":"));
        let key_value = body.trim_start().starts_with('"') && body.contains("\":");
        out.push_str(body);
        if ends_value && key_value && next_is_key {
            out.push(',');
        }
        out.push_str(&line[body.len()..]);
    }
    out
}

/// Escapes what a string literal may not hold raw: control characters, and backslashes that start no
/// JSON escape (`\Main` in a PHP class name).
fn escape_in_strings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut open = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                open = !open;
                out.push(c);
            }
            '\\' if open => match chars.peek() {
                Some('"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't' | 'u') => {
                    out.push(c);
                    out.extend(chars.next());
                }
                _ => out.push_str("\\\\"),
            },
            '\n' if open => out.push_str("\\n"),
            '\r' if open => out.push_str("\\r"),
            '\t' if open => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out
}

/// Drops commas that precede `}`/`]`, follow `{`/`[`, or repeat, as elided elements leave them.
fn drop_dangling_commas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // The last significant character written: `"` stands for a whole string literal.
    let mut last = ' ';
    let mut pending_comma = false;
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c.is_whitespace() {
            out.push(c);
            continue;
        }
        if c == ',' {
            pending_comma |= !matches!(last, '{' | '[' | ',');
            last = ',';
            continue;
        }
        if pending_comma && !matches!(c, '}' | ']') {
            // Put the comma back before the whitespace that followed it.
            let ws = out.len() - out.trim_end().len();
            out.insert(out.len() - ws, ',');
        }
        pending_comma = false;
        last = c;
        out.push(c);
        if c == '"' {
            while let Some((_, s)) = chars.next() {
                out.push(s);
                if s == '\\' {
                    out.extend(chars.next().map(|(_, e)| e));
                } else if s == '"' {
                    break;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_json_is_untouched() {
        let p = parse(r#"{"a": [1, 2], "b": "x, ]"}"#);
        assert_eq!(p.validity, Validity::Valid);
    }

    #[test]
    fn ellipsis_comments_and_trailing_commas_are_repaired_in_order() {
        let raw = "{\n  \"a\": [\"1\", \"2\",],\n  ... // more entries\n  \"b\": {\"c\": 1, /* note */},\n}";
        let p = parse(raw);
        assert_eq!(p.validity, Validity::Repaired);
        assert_eq!(
            p.repairs,
            vec![
                Repair::StripComments,
                Repair::DropEllipsis,
                Repair::DropTrailingCommas
            ]
        );
        assert_eq!(
            p.value.unwrap(),
            serde_json::json!({"a": ["1", "2"], "b": {"c": 1}})
        );
    }

    #[test]
    fn strings_keep_their_slashes_dots_and_commas() {
        let p = parse("{\"u\": \"https://x/y...\", \"v\": \",]\", // c\n}");
        assert_eq!(
            p.value.unwrap(),
            serde_json::json!({"u": "https://x/y...", "v": ",]"})
        );
    }

    #[test]
    fn prose_lines_missing_commas_and_raw_text_in_strings_are_repaired() {
        let raw = "{\n  \"a\": \"x\"\n  \"b\": [\n    1,\n    12 more like these\n  ],\n  \"c\": \"line\none \\Main\\Types\",\n  \"d\": \"Y\"\n}";
        let p = parse(raw);
        assert_eq!(p.validity, Validity::Repaired, "{raw}");
        assert_eq!(
            p.repairs,
            vec![
                Repair::DropProseLines,
                Repair::DropTrailingCommas,
                Repair::InsertMissingCommas,
                Repair::EscapeInStrings
            ]
        );
        assert_eq!(
            p.value.unwrap(),
            serde_json::json!({"a": "x", "b": [1], "c": "line\none \\Main\\Types", "d": "Y"})
        );
    }

    #[test]
    fn hopeless_text_is_invalid() {
        let p = parse("Array ( [0] => 1 )");
        assert_eq!(p.validity, Validity::Invalid);
        assert!(p.value.is_none());
    }
}
