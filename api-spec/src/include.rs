//! `{% include %}` resolution: the target is read relative to the including file, parsed, and
//! attached to the include block, so the tree stays lossless and knows where each part came from.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use crate::blocks::{self, Block, BlockKind};
use crate::diag::Diagnostics;
use crate::ir::{Diagnostic, DiagnosticKind};

/// Reads files of a docs tree by their path relative to its root.
pub trait Loader {
    fn load(&self, path: &str) -> Option<String>;
}

/// A loader over a folder on disk.
pub struct DirLoader(pub std::path::PathBuf);

impl Loader for DirLoader {
    fn load(&self, path: &str) -> Option<String> {
        std::fs::read_to_string(self.0.join(path)).ok()
    }
}

/// Joins a link target to the file it appears in, giving a root-relative path.
/// `None` when the target leaves the root or is a URL.
pub fn resolve_path(from: &str, target: &str) -> Option<String> {
    let target = target.split('#').next()?;
    if target.is_empty() || target.contains("://") {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    if !target.starts_with('/') {
        parts.extend(from.split('/'));
        parts.pop();
    }
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

type Parsed = (Arc<Vec<Block>>, Arc<Vec<Diagnostic>>);

/// What was read from files, by path (and whatever else shapes the reading). An entry holds for
/// the text it was read from only: comparing the text on a hit costs far less than hashing it.
struct TextCache<K, V>(HashMap<K, (String, V)>);

impl<K: std::hash::Hash + Eq, V: Clone> TextCache<K, V> {
    fn new() -> Self {
        TextCache(HashMap::new())
    }

    fn get(&self, key: &K, text: &str) -> Option<V> {
        self.0
            .get(key)
            .filter(|(read, _)| read == text)
            .map(|(_, value)| value.clone())
    }

    fn insert(&mut self, key: K, text: String, value: V) {
        self.0.insert(key, (text, value));
    }
}

thread_local! {
    /// The same fragments (system errors, the `auth` table) are included by most pages: each is
    /// read once per thread, keyed by its path and `notitle`.
    static CACHE: RefCell<TextCache<(String, bool), Parsed>> = RefCell::new(TextCache::new());
}

fn parse_included(
    target: &str,
    text: &str,
    notitle: bool,
    loader: &dyn Loader,
    depth: usize,
) -> Parsed {
    let mut diags = Diagnostics::new(target);
    let mut inner = blocks::parse(text, &mut diags);
    inner.retain(|b| !matches!(b.kind, BlockKind::FrontMatter(_)));
    if notitle
        && let Some(i) = inner
            .iter()
            .position(|b| matches!(b.kind, BlockKind::Heading { .. }))
    {
        inner.remove(i);
    }
    resolve_at(&mut inner, target, loader, &mut diags, depth + 1);
    (Arc::new(inner), Arc::new(diags.into_sorted()))
}

thread_local! {
    /// Pages read for a table they hold (`other.md#anchor`): the field lists of an entity are
    /// linked from many pages, so each is read once per thread, keyed by its path.
    static LINKED: RefCell<TextCache<String, Arc<Vec<Block>>>> = RefCell::new(TextCache::new());
}

/// The blocks of a linked page, includes resolved. Its diagnostics belong to that page's own
/// reading, so they are not kept here.
pub(crate) fn linked_page(path: &str, text: String, loader: &dyn Loader) -> Arc<Vec<Block>> {
    let key = path.to_string();
    if let Some(hit) = LINKED.with(|c| c.borrow().get(&key, &text)) {
        return hit;
    }
    let mut diags = Diagnostics::new(path);
    let mut blocks = blocks::parse(&text, &mut diags);
    resolve(&mut blocks, path, loader, &mut diags);
    let blocks = Arc::new(blocks);
    LINKED.with(|c| c.borrow_mut().insert(key, text, blocks.clone()));
    blocks
}

/// Guards against include cycles and runaway nesting.
const MAX_INCLUDE_DEPTH: usize = 4;

/// Resolves every include in `blocks` (of the file at `path`), recursively.
pub fn resolve(blocks: &mut [Block], path: &str, loader: &dyn Loader, diags: &mut Diagnostics) {
    resolve_at(blocks, path, loader, diags, 0)
}

fn resolve_at(
    blocks: &mut [Block],
    path: &str,
    loader: &dyn Loader,
    diags: &mut Diagnostics,
    depth: usize,
) {
    for block in blocks {
        let line = block.line;
        match &mut block.kind {
            BlockKind::Include(inc) => {
                let target = resolve_path(path, &inc.target);
                let text = target
                    .as_deref()
                    .filter(|_| depth < MAX_INCLUDE_DEPTH)
                    .and_then(|t| loader.load(t));
                let (Some(target), Some(text)) = (target, text) else {
                    diags.warn(
                        line,
                        DiagnosticKind::MissingInclude,
                        format!("cannot read included `{}`", inc.target),
                    );
                    continue;
                };
                let key = (target, inc.notitle);
                let cached = CACHE.with(|c| c.borrow().get(&key, &text));
                let (blocks, found) = match cached {
                    Some(hit) => hit,
                    None => {
                        let parsed = parse_included(&key.0, &text, key.1, loader, depth);
                        CACHE.with(|c| c.borrow_mut().insert(key.clone(), text, parsed.clone()));
                        parsed
                    }
                };
                for d in found.iter() {
                    diags.push_at(d.source.clone(), d.level, d.kind, d.message.clone());
                }
                inc.resolved = Some((Arc::from(key.0.as_str()), blocks));
            }
            BlockKind::Note { body, .. }
            | BlockKind::Cut { body, .. }
            | BlockKind::DevOnly(body)
            | BlockKind::Conditional { body, .. }
            | BlockKind::Quote(body) => resolve_at(body, path, loader, diags, depth),
            BlockKind::Tabs(tabs) => {
                for tab in tabs {
                    resolve_at(&mut tab.blocks, path, loader, diags, depth);
                }
            }
            BlockKind::List { items, .. } => {
                for item in items {
                    resolve_at(&mut item.blocks, path, loader, diags, depth);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_relative_and_absolute() {
        assert_eq!(
            resolve_path("a/b/c.md", "../../_includes/x.md").as_deref(),
            Some("_includes/x.md")
        );
        assert_eq!(
            resolve_path("a/b/c.md", "./d.md#anchor").as_deref(),
            Some("a/b/d.md")
        );
        assert_eq!(
            resolve_path("a/c.md", "/api/x.html").as_deref(),
            Some("api/x.html")
        );
        assert_eq!(resolve_path("c.md", "../../x.md"), None);
        assert_eq!(resolve_path("c.md", "https://x.y/z.md"), None);
    }

    struct Map;
    impl Loader for Map {
        fn load(&self, path: &str) -> Option<String> {
            (path == "_includes/e.md")
                .then(|| "---\nupstream: x\n---\n### Title\n\nbody\n".to_string())
        }
    }

    #[test]
    fn notitle_drops_the_first_heading_and_front_matter() {
        let mut d = Diagnostics::new("p/page.md");
        let mut b = blocks::parse(
            "{% include notitle [e](../_includes/e.md) %}\n{% include [m](missing.md) %}\n",
            &mut d,
        );
        resolve(&mut b, "p/page.md", &Map, &mut d);
        let BlockKind::Include(inc) = &b[0].kind else {
            panic!()
        };
        let (path, inner) = inc.resolved.as_ref().unwrap();
        assert_eq!(path.as_ref(), "_includes/e.md");
        assert_eq!(inner.len(), 1);
        assert_eq!(d.items()[0].kind, DiagnosticKind::MissingInclude);
        assert_eq!(d.items()[0].source.line, 2);
    }
}
