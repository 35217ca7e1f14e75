//! `cargo xtask import --docs DIR --method NAME`: scaffold an api-spec page from an upstream page.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use bitrix24_spec::corpus::{markdown_files, read_page};
use bitrix24_spec::ir::PageKind;
use bitrix24_spec::scaffold::scaffold;

/// Writes the scaffold under `out` (api-spec/pages) and returns its path.
pub fn run(docs: &Path, name: &str, out: &Path, force: bool) -> Result<PathBuf> {
    let reference = docs.join("api-reference");
    if !reference.is_dir() {
        bail!(
            "{} is not a docs checkout (no api-reference folder)",
            docs.display()
        );
    }
    let page = markdown_files(docs, &reference)
        .into_iter()
        .filter(|rel| std::fs::read_to_string(docs.join(rel)).is_ok_and(|t| t.contains(name)))
        .filter_map(|rel| read_page(docs, &rel).ok())
        .find(|p| {
            matches!(p.kind, PageKind::Method | PageKind::Event)
                && p.names.iter().any(|n| n.eq_ignore_ascii_case(name))
        })
        .with_context(|| {
            format!(
                "no method or event page for `{name}` under {}",
                reference.display()
            )
        })?;
    let target = out.join(&page.path);
    if target.exists() && !force {
        bail!(
            "{} exists already; pass --force to overwrite it",
            target.display()
        );
    }
    let text = std::fs::read_to_string(docs.join(&page.path))?;
    let commit = provenance_commit(docs).unwrap_or_else(|| "unknown".into());
    std::fs::create_dir_all(target.parent().context("page path has a folder")?)?;
    std::fs::write(&target, scaffold(&text, &page, &commit))?;
    Ok(target)
}

/// The docs commit named in the checkout's PROVENANCE.md, when it has one.
pub(crate) fn provenance_commit(docs: &Path) -> Option<String> {
    let text = std::fs::read_to_string(docs.join("PROVENANCE.md")).ok()?;
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_ascii_hexdigit()))
        .find(|w| w.len() == 40 && w.chars().all(|c| c.is_ascii_hexdigit()))
        .map(str::to_string)
}
