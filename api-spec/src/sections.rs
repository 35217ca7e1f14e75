//! L1: the page as a tree of sections, each classified by its heading.
//!
//! Included files are spliced in where they are included, and every block remembers the file it
//! came from. Headings are matched case-insensitively against the variants the docs use.

use crate::blocks::{Block, BlockKind};

/// What a section is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Everything before the first H2: title, scope, introduction.
    Preamble,
    Params,
    Examples,
    /// "Response Handling" and its variants: status, example, returned data.
    Response,
    /// "Returned Data": the result schema (an H3 under Response, sometimes an H2).
    ReturnedData,
    Errors,
    /// "Possible Error Codes" under Errors.
    ErrorCodes,
    /// "What the Handler Receives".
    EventPayload,
    SeeAlso,
    Other,
}

/// A block together with the file it was read from (the page or an included fragment).
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub path: &'a str,
    pub block: &'a Block,
}

#[derive(Debug, Clone)]
pub struct Section<'a> {
    /// 1 for the H1 (the preamble), 2–6 for the rest.
    pub level: u8,
    pub title: String,
    pub anchor: Option<String>,
    pub line: u32,
    pub path: &'a str,
    pub role: Role,
    /// The section's own role, before inheriting the parent's.
    pub own_role: Option<Role>,
    pub parent: Option<usize>,
    pub blocks: Vec<Item<'a>>,
}

/// The sections of a page, in document order; the first is the preamble.
#[derive(Debug, Clone)]
pub struct Sections<'a> {
    pub all: Vec<Section<'a>>,
}

impl<'a> Sections<'a> {
    pub fn build(path: &'a str, blocks: &'a [Block]) -> Self {
        let mut items = Vec::new();
        splice(path, blocks, &mut items);
        let mut all = vec![Section {
            level: 1,
            title: String::new(),
            anchor: None,
            line: 1,
            path,
            role: Role::Preamble,
            own_role: Some(Role::Preamble),
            parent: None,
            blocks: Vec::new(),
        }];
        let mut seen_h1 = false;
        for item in items {
            if let BlockKind::Heading {
                level,
                text,
                anchor,
            } = &item.block.kind
            {
                let level = *level;
                if level == 1 && !seen_h1 {
                    seen_h1 = true;
                    all[0].title = text.clone();
                    all[0].line = item.block.line;
                    continue;
                }
                // A second H1 is used as a section heading on one page; treat it as an H2.
                let level = level.max(2);
                let mut parent = all.len() - 1;
                while all[parent].level >= level {
                    parent = all[parent].parent.unwrap_or(0);
                    if parent == 0 {
                        break;
                    }
                }
                let own_role = classify(level, text);
                let inherited = match all[parent].role {
                    Role::Preamble => Role::Other,
                    Role::Response => Role::ReturnedData,
                    r => r,
                };
                all.push(Section {
                    level,
                    title: text.clone(),
                    anchor: anchor.clone(),
                    line: item.block.line,
                    path: item.path,
                    role: own_role.unwrap_or(inherited),
                    own_role,
                    parent: Some(parent),
                    blocks: Vec::new(),
                });
                continue;
            }
            let last = all.len() - 1;
            all[last].blocks.push(item);
        }
        Sections { all }
    }

    pub fn preamble(&self) -> &Section<'a> {
        &self.all[0]
    }

    /// Sections with the given role that are not nested in another section of that role.
    pub fn top(&self, role: Role) -> impl Iterator<Item = (usize, &Section<'a>)> {
        self.all.iter().enumerate().filter(move |(_, s)| {
            s.role == role && s.parent.is_none_or(|p| self.all[p].role != role)
        })
    }

    /// The section and all sections nested below it, in document order.
    pub fn subtree(&self, index: usize) -> Vec<usize> {
        let mut out = vec![index];
        for (i, s) in self.all.iter().enumerate().skip(index + 1) {
            match s.parent {
                Some(p) if out.contains(&p) => out.push(i),
                _ => break,
            }
        }
        out
    }
}

/// Flattens includes into the item list, keeping each block's file.
fn splice<'a>(path: &'a str, blocks: &'a [Block], out: &mut Vec<Item<'a>>) {
    for block in blocks {
        match &block.kind {
            BlockKind::Include(inc) => match &inc.resolved {
                Some((inner_path, inner)) => splice(inner_path, inner, out),
                None => out.push(Item { path, block }),
            },
            _ => out.push(Item { path, block }),
        }
    }
}

/// Lower-cases and drops punctuation, so that "Returned data:" matches "Returned Data".
pub fn normalise(heading: &str) -> String {
    // One pass: keep letters and digits, and one space for each run of spaces between them.
    let mut out = String::with_capacity(heading.len());
    let mut space = false;
    for c in heading.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else if c.is_alphanumeric() {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if out.is_ascii() {
        out.make_ascii_lowercase();
        out
    } else {
        out.to_lowercase()
    }
}

fn classify(level: u8, heading: &str) -> Option<Role> {
    let h = normalise(heading);
    let any = |list: &[&str]| list.contains(&h.as_str());
    if any(&[
        "returned data",
        "returned values",
        "returned fields",
        "fields returned by the method",
        "result",
    ]) {
        return Some(Role::ReturnedData);
    }
    if any(&["possible error codes", "possible errors"]) {
        return Some(Role::ErrorCodes);
    }
    if level != 2 {
        return None;
    }
    let role = if any(&[
        "method parameters",
        "parameters",
        "request parameters",
        "parameter params",
        "parameter fields",
        "fields parameter",
        "fields parameters",
        "stage parameters",
    ]) || h.starts_with("method parameters")
    {
        Role::Params
    } else if any(&["code examples", "code example", "examples"]) {
        Role::Examples
    } else if any(&[
        "response handling",
        "successful response",
        "response on success",
        "response parameters",
    ]) {
        Role::Response
    } else if any(&["error handling"]) {
        Role::Errors
    } else if any(&["what the handler receives", "what comes to the handler"]) {
        Role::EventPayload
    } else if any(&[
        "continue learning",
        "continue your exploration",
        "continue exploring",
        "see also",
    ]) {
        Role::SeeAlso
    } else {
        return None;
    };
    Some(role)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocks::parse;
    use crate::diag::Diagnostics;

    #[test]
    fn roles_follow_headings_and_nesting() {
        let src = "# T a.b\n\nintro\n\n## Method parameters\n\n### Parameter fields\n\n## Response Handling\n\n### Returned Data\n\n### Result Object {#result}\n\n## Error handling\n\n### Possible Error Codes\n\n## Continue Learning\n";
        let mut d = Diagnostics::new("p.md");
        let blocks = parse(src, &mut d);
        let s = Sections::build("p.md", &blocks);
        let roles: Vec<_> = s.all.iter().map(|x| (x.title.as_str(), x.role)).collect();
        assert_eq!(
            roles,
            vec![
                ("T a.b", Role::Preamble),
                ("Method parameters", Role::Params),
                ("Parameter fields", Role::Params),
                ("Response Handling", Role::Response),
                ("Returned Data", Role::ReturnedData),
                ("Result Object", Role::ReturnedData),
                ("Error handling", Role::Errors),
                ("Possible Error Codes", Role::ErrorCodes),
                ("Continue Learning", Role::SeeAlso),
            ]
        );
        assert_eq!(s.all[5].anchor.as_deref(), Some("result"));
        assert_eq!(s.subtree(3), vec![3, 4, 5]);
        assert_eq!(
            s.top(Role::ReturnedData)
                .map(|(i, _)| i)
                .collect::<Vec<_>>(),
            vec![4, 5]
        );
    }
}
