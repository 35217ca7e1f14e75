//! Page prose → rustdoc attributes that build without warnings.
//!
//! The prose is Markdown written for the docs site: links are relative to the page, and `<userId>` or
//! `data[FIELD]` outside code would read to rustdoc as HTML tags or intra-doc links. Links are made absolute
//! and such characters escaped; code spans pass through untouched.

use proc_macro2::TokenStream;
use quote::quote;

const SITE: &str = "https://apidocs.bitrix24.com";

/// `#[doc = "..."]` attributes, one per line.
pub fn attrs(text: &str) -> TokenStream {
    let lines = text.trim_end().lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {}", line.trim_end())
        }
    });
    quote! { #( #[doc = #lines] )* }
}

/// `#[deprecated]` for an item whose page the docs mark outdated or deprecated, naming what the docs
/// name in its place and pointing at the page.
pub fn deprecated(doc: &crate::model::PageDoc) -> Option<TokenStream> {
    let note = match doc.replaced_by.as_slice() {
        [] => format!("the docs mark it outdated; see {}", doc.url),
        names => format!(
            "the docs mark it outdated and name {} in its place; see {}",
            replacements(&doc.path, names, false),
            doc.url
        ),
    };
    doc.deprecated.then(|| quote!(#[deprecated(note = #note)]))
}

/// Each replacement as `` `crm.item.add` (https://…) ``, or as a Markdown link, joined with "or".
pub fn replacements(page: &str, names: &[bitrix24_ir::Link], markdown: bool) -> String {
    let named: Vec<String> = names
        .iter()
        .map(|l| {
            let (name, url) = (l.text.trim_matches('`'), resolve(page, &l.target));
            match markdown {
                true => format!("[`{name}`]({url})"),
                false => format!("`{name}` ({url})"),
            }
        })
        .collect();
    named.join(" or ")
}

/// Who may call a method or subscribe to an event, without the verb the label already says: "every user
/// of the account may call it" under "Who may call it" reads "every user of the account".
pub fn who(text: &str) -> &str {
    const RESTATED: [&str; 4] = [
        " may call it",
        " can call it",
        " can register a handler for it",
        " may subscribe to it",
    ];
    let text = text.trim().trim_end_matches('.');
    RESTATED
        .iter()
        .find_map(|verb| text.strip_suffix(verb))
        .unwrap_or(text)
}

/// Points the links to a place on the same page (`[(details)](#result-chat)`) at `name`, the Rust type
/// that place describes, so that rustdoc links the nested type instead of the web page.
pub fn link_anchors_to(text: &str, name: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("](#") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        match after.find(')') {
            Some(end) if !after[..end].contains(char::is_whitespace) => {
                out.push_str(&format!("]({name})"));
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("](#");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Rewrites page Markdown for rustdoc. `page` is the upstream path the links are relative to.
pub fn markdown(page: &str, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            let (span, after) = code_span(rest);
            out.push_str(span);
            rest = after;
        } else if c == '[' {
            if let Some((label, target, after)) = link(rest) {
                out.push('[');
                out.push_str(&markdown(page, label));
                out.push_str("](");
                out.push_str(&resolve(page, target));
                out.push(')');
                rest = after;
            } else {
                out.push_str("\\[");
                rest = &rest[1..];
            }
        } else if rest.starts_with("https://") || rest.starts_with("http://") {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == ')' || c == '>')
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
        } else {
            match c {
                '<' | '>' | ']' => {
                    out.push('\\');
                    out.push(c);
                }
                _ => out.push(c),
            }
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// A code span at the start of `text` (or a lone run of backticks), and what follows it.
fn code_span(text: &str) -> (&str, &str) {
    let ticks = text.len() - text.trim_start_matches('`').len();
    let fence = &text[..ticks];
    match text[ticks..].find(fence) {
        Some(end) => text.split_at(ticks + end + ticks),
        None => text.split_at(ticks),
    }
}

/// `[label](target)` at the start of `text`: label, target and the text after it.
fn link(text: &str) -> Option<(&str, &str, &str)> {
    let mut depth = 0usize;
    let mut close = None;
    for (i, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' if depth == 1 => {
                close = Some(i);
                break;
            }
            ']' => depth -= 1,
            '\n' => return None,
            _ => {}
        }
    }
    let close = close?;
    let after_label = text.get(close + 1..)?;
    let target_and_rest = after_label.strip_prefix('(')?;
    let end = target_and_rest.find(')')?;
    let target = &target_and_rest[..end];
    if target.contains(char::is_whitespace) {
        return None;
    }
    Some((&text[1..close], target, &target_and_rest[end + 1..]))
}

/// A link target as an absolute URL of the published docs.
fn resolve(page: &str, target: &str) -> String {
    // A Rust path (`OpenChat`, set by `link_anchors_to`) is an intra-doc link; page links have a `.md`,
    // a `/` or a `#`.
    let rust_path = target.starts_with(|c: char| c.is_ascii_uppercase())
        && target
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
    if rust_path || target.contains("://") || target.starts_with("mailto:") {
        return target.to_owned();
    }
    let (path, anchor) = match target.split_once('#') {
        Some((path, anchor)) => (path, format!("#{anchor}")),
        None => (target, String::new()),
    };
    let path = if path.is_empty() {
        page.to_owned()
    } else if let Some(absolute) = path.strip_prefix('/') {
        absolute.to_owned()
    } else {
        let mut parts: Vec<&str> = page.split('/').collect();
        parts.pop();
        for part in path.split('/') {
            match part {
                "." | "" => {}
                ".." => {
                    parts.pop();
                }
                part => parts.push(part),
            }
        }
        parts.join("/")
    };
    let path = path
        .strip_suffix(".md")
        .map_or(path.clone(), |p| format!("{p}.html"));
    format!("{SITE}/{path}{anchor}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_drops_the_verb_its_label_says() {
        assert_eq!(
            who("every user of the account may call it"),
            "every user of the account"
        );
        assert_eq!(who("any user can register a handler for it."), "any user");
        assert_eq!(who("an administrator"), "an administrator");
    }

    #[test]
    fn anchors_on_the_page_link_the_nested_type() {
        let text = "The chat [(detailed description)](#result-chat), see [the guide](../x.md#a)";
        assert_eq!(
            link_anchors_to(text, "OpenChat"),
            "The chat [(detailed description)](OpenChat), see [the guide](../x.md#a)"
        );
    }

    const PAGE: &str = "api-reference/imopenlines/openlines/sessions/imopenlines-session-open.md";

    #[test]
    fn relative_links_become_absolute() {
        assert_eq!(
            markdown(
                PAGE,
                "see [imopenlines.dialog.get](./imopenlines-dialog-get.md)"
            ),
            "see [imopenlines.dialog.get](https://apidocs.bitrix24.com/api-reference/imopenlines/openlines/sessions/imopenlines-dialog-get.html)"
        );
        assert_eq!(
            markdown(PAGE, "[types](../../../data-types.md#time)"),
            "[types](https://apidocs.bitrix24.com/api-reference/data-types.html#time)"
        );
        assert_eq!(
            markdown(PAGE, "[limits](/limits.html)"),
            "[limits](https://apidocs.bitrix24.com/limits.html)"
        );
    }

    #[test]
    fn html_and_brackets_are_escaped_outside_code() {
        assert_eq!(
            markdown(PAGE, "key <userId> and `<userId>`"),
            "key \\<userId\\> and `<userId>`"
        );
        assert_eq!(markdown(PAGE, "data[FIELD][0]"), "data\\[FIELD\\]\\[0\\]");
        assert_eq!(markdown(PAGE, "```a|b```"), "```a|b```");
        assert_eq!(
            markdown(PAGE, "at https://x.test/a."),
            "at <https://x.test/a>."
        );
    }
}
