//! `cargo xtask diff OLD NEW [--json] [--scopes a,b]`: the API changelog between two versions of
//! the docs ([`bitrix24_spec::changelog`] says what counts and how each change is classified).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use bitrix24_spec::changelog::{Changelog, ScopeFilter, compare};
use bitrix24_spec::corpus::{docs_root, markdown_files, read_page};
use bitrix24_spec::ir::Spec;
use serde_json::json;

pub struct Options {
    pub old: PathBuf,
    pub new: PathBuf,
    pub json: bool,
    pub scopes: Vec<String>,
}

pub fn run(opts: &Options) -> Result<()> {
    let changelog = changelog_between(&opts.old, &opts.new, &ScopeFilter::new(&opts.scopes))?;
    let version = crate_version()?;
    let out = if opts.json {
        format!("{}\n", to_json(&changelog, &version))
    } else {
        changelog.to_markdown(&version, 1)
    };
    // A closed stdout (`| head`) is not an error.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes());
    Ok(())
}

/// The changelog between two docs trees, each read on its own thread.
pub fn changelog_between(old: &Path, new: &Path, filter: &ScopeFilter) -> Result<Changelog> {
    let (old_spec, new_spec) = std::thread::scope(|s| {
        let reading_old = s.spawn(|| read_tree(old));
        let new_spec = read_tree(new);
        let old_spec = reading_old
            .join()
            .unwrap_or_else(|_| Err(anyhow!("reading {} panicked", old.display())));
        (old_spec, new_spec)
    });
    Ok(compare(&old_spec?, &new_spec?, filter))
}

/// The pages of a docs tree: a checkout or a pages folder (its `api-reference/` when it has one), or
/// any folder inside one (such as `api-reference/imopenlines`), whose includes resolve against the
/// nearest folder above holding `_includes`.
pub fn read_tree(path: &Path) -> Result<Spec> {
    if !path.is_dir() {
        bail!("{} is not a folder of docs pages", path.display());
    }
    let reference = path.join("api-reference");
    let dir = if reference.is_dir() {
        reference
    } else {
        path.to_path_buf()
    };
    read_pages(&docs_root(&dir), &dir)
}

/// The pages under `dir`, with paths relative to `root` (where their includes resolve), plus
/// the system-errors include, which `SystemError` is made of.
pub fn read_pages(root: &Path, dir: &Path) -> Result<Spec> {
    let mut pages = markdown_files(root, dir)
        .iter()
        .map(|rel| read_page(root, rel).with_context(|| format!("reading {rel}")))
        .collect::<Result<Vec<_>>>()?;
    let system = bitrix24_spec::changelog::SYSTEM_ERRORS_PAGE;
    if root.join(system).is_file() && !pages.iter().any(|p| p.path == system) {
        pages.push(read_page(root, system).with_context(|| format!("reading {system}"))?);
    }
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Spec { pages })
}

/// bitrix24-api's version, which the release advice starts from.
pub fn crate_version() -> Result<String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../bitrix24-api/Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .with_context(|| format!("reading {}", manifest.display()))?;
    text.lines()
        .find_map(|l| l.strip_prefix("version = "))
        .map(|v| v.trim().trim_matches('"').to_owned())
        .ok_or_else(|| anyhow!("{} names no version", manifest.display()))
}

/// The changelog as one JSON object: the release it needs, counts, and the entries.
pub fn to_json(changelog: &Changelog, version: &str) -> serde_json::Value {
    let (release, next) = changelog.release(version);
    let counts: Vec<_> = changelog
        .counts()
        .into_iter()
        .map(|((part, change, compat), n)| {
            json!({"part": part, "change": change, "compat": compat, "count": n})
        })
        .collect();
    json!({
        "version": version,
        "release": release,
        "next_version": next,
        "breaking": changelog.breaking(),
        "compatible": changelog.entries.len() - changelog.breaking(),
        "counts": counts,
        "entries": changelog.entries,
    })
}
