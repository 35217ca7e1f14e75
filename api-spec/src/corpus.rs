//! Reading a whole folder of pages.

use std::path::{Path, PathBuf};

use crate::include::DirLoader;
use crate::ir::{Page, Spec};
use crate::page::parse_page;

/// Every `.md` file under `dir`, as paths relative to `root`, sorted.
pub fn markdown_files(root: &Path, dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md")
                && let Ok(rel) = p.strip_prefix(root)
            {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// The docs root of a path: the nearest ancestor holding `_includes` (a docs checkout, or
/// api-spec/pages), else the path itself.
pub fn docs_root(path: &Path) -> PathBuf {
    let start = if path.is_dir() {
        path
    } else {
        path.parent().unwrap_or(path)
    };
    start
        .ancestors()
        .find(|a| a.join("_includes").is_dir())
        .unwrap_or(start)
        .to_path_buf()
}

/// Reads one file of a docs tree rooted at `root`.
pub fn read_page(root: &Path, rel: &str) -> std::io::Result<Page> {
    let text = std::fs::read_to_string(root.join(rel))?;
    Ok(parse_page(rel, &text, &DirLoader(root.to_path_buf())))
}

/// Parses every page under `root` (api-spec/pages, or a docs checkout) into a [`Spec`].
pub fn parse_spec(root: &Path) -> std::io::Result<Spec> {
    let pages = markdown_files(root, root)
        .iter()
        .map(|rel| read_page(root, rel))
        .collect::<Result<_, _>>()?;
    Ok(Spec { pages })
}

/// The upstream docs checkout that tests compare against: `$B24_DOCS`, else `../shared/b24restdocs`
/// beside the workspace (`crate_dir` is a workspace member's manifest folder). `None` when absent,
/// as on a user's fresh clone.
pub fn upstream_docs(crate_dir: &Path) -> Option<PathBuf> {
    let dir = std::env::var_os("B24_DOCS")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_dir.join("../../shared/b24restdocs"));
    dir.is_dir().then_some(dir)
}
