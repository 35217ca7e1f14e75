//! `cargo xtask sync --docs DIR [--pages api-spec/pages] [--dry-run]`: every method and event page
//! of a docs checkout into api-spec/pages, at the path it has upstream.
//!
//! A page new to api-spec arrives facts-only ([`bitrix24_spec::scaffold::facts_only`]); a page we
//! have gets upstream's facts and keeps our words ([`bitrix24_spec::sync::merge`] states the rule);
//! a page of ours whose upstream page is gone is listed, never deleted. Running it twice changes
//! nothing the second time. It ends with the API changelog between what the pages held and what
//! they hold now ([`bitrix24_spec::changelog`]), which `--changelog FILE` also writes as Markdown.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use bitrix24_spec::changelog::{Changelog, ScopeFilter, compare as changelog};
use bitrix24_spec::corpus::markdown_files;
use bitrix24_spec::drift::{Difference, compare};
use bitrix24_spec::include::DirLoader;
use bitrix24_spec::ir::{Page, PageKind, Spec};
use bitrix24_spec::parse_page;
use bitrix24_spec::scaffold::facts_only;
use bitrix24_spec::sync::{merge, parse_recording, referenced_pages};

pub struct Options {
    pub docs: PathBuf,
    pub pages: PathBuf,
    pub dry_run: bool,
    /// Also write the API changelog here, as Markdown for a pull request's description.
    pub changelog: Option<PathBuf>,
    /// Show a progress bar on stderr.
    pub progress: bool,
}

/// The pages synced because synced pages take facts from them.
#[derive(Debug, Default)]
pub struct Referenced {
    pub added: Vec<String>,
    pub updated: Vec<String>,
    pub unchanged: usize,
}

/// What a sync did (or, with `--dry-run`, would do). Paths are relative to the pages folder.
#[derive(Debug, Default)]
pub struct Summary {
    pub added: Vec<String>,
    /// Updated pages with a note on what the merge could not keep.
    pub updated: Vec<(String, String)>,
    pub unchanged: usize,
    /// Include fragments, and pages that are not method or event pages but whose tables synced
    /// pages nest (`other.md#anchor`): added, updated and unchanged.
    pub referenced: Referenced,
    /// Our pages whose upstream page is no longer a method or event page of the checkout.
    pub gone: Vec<String>,
    /// Upstream pages left out, with the reason.
    pub skipped: Vec<(String, String)>,
    /// Synced pages whose facts still differ from upstream's, with the differences.
    pub drift: Vec<(String, Vec<Difference>)>,
    /// Include files the synced pages name that the pages folder lacks, with how many pages name each.
    pub missing_includes: BTreeMap<String, usize>,
    /// The docs commit written into the pages.
    pub commit: String,
    /// The API changes between the pages before and after the sync.
    pub changelog: Changelog,
    /// bitrix24-api's version, which the changelog's release advice starts from.
    pub version: String,
}

impl Summary {
    /// Prints the summary on stdout; a closed stdout (`| head`) is not an error.
    pub fn print(&self, dry_run: bool) {
        use std::fmt::Write as _;
        let mut out = String::new();
        let would = if dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "added {}, updated {}, unchanged {}, gone {}{would}",
            self.added.len(),
            self.updated.len(),
            self.unchanged,
            self.gone.len()
        );
        let r = &self.referenced;
        if r.added.len() + r.updated.len() + r.unchanged > 0 {
            let _ = writeln!(
                out,
                "referenced pages: added {}, updated {}, unchanged {} (fragments and pages the synced pages read facts from)",
                r.added.len(),
                r.updated.len(),
                r.unchanged
            );
        }
        let _ = writeln!(out, "docs commit {}", self.commit);
        for (page, note) in &self.updated {
            let _ = writeln!(out, "updated {page}{note}");
        }
        for page in &self.referenced.updated {
            let _ = writeln!(out, "updated {page} (referenced page)");
        }
        for page in &self.gone {
            let _ = writeln!(
                out,
                "gone    {page} (kept; its upstream page is no longer a method or event page)"
            );
        }
        for (page, why) in &self.skipped {
            let _ = writeln!(out, "skipped {page}: {why}");
        }
        for (include, n) in &self.missing_includes {
            let _ = writeln!(
                out,
                "missing include {include} (named by {n} synced pages; their facts from it are absent)"
            );
        }
        for (page, diffs) in &self.drift {
            let facts: Vec<&str> = diffs.iter().map(|d| d.fact.as_str()).take(5).collect();
            let _ = writeln!(
                out,
                "drift   {page}: {} facts differ from upstream ({}{})",
                diffs.len(),
                facts.join(", "),
                if diffs.len() > 5 { ", …" } else { "" }
            );
        }
        let _ = writeln!(out, "\n{}", self.changelog.to_markdown(&self.version, 1));
        let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes());
    }
}

/// The docs root of a checkout: the folder holding `api-reference/`, found at `dir` or below it.
pub fn find_reference(dir: &Path) -> Result<PathBuf> {
    if !dir.is_dir() {
        bail!("{} is not a folder", dir.display());
    }
    let mut queue = vec![(dir.to_path_buf(), 0)];
    while !queue.is_empty() {
        let mut next = Vec::new();
        for (d, depth) in queue {
            if d.join("api-reference").is_dir() {
                return Ok(d);
            }
            if depth < 3
                && let Ok(entries) = std::fs::read_dir(&d)
            {
                let mut subs: Vec<PathBuf> = entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| {
                        p.is_dir()
                            && !p
                                .file_name()
                                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                    })
                    .collect();
                subs.sort();
                next.extend(subs.into_iter().map(|p| (p, depth + 1)));
            }
        }
        queue = next;
    }
    bail!(
        "{} is not a docs checkout (no api-reference folder in it or below it)",
        dir.display()
    )
}

/// One upstream method or event page.
struct Upstream {
    rel: String,
    text: String,
    page: Page,
    /// Not a method or event page: one whose tables a synced page nests.
    referenced: bool,
}

pub fn run(opts: &Options) -> Result<Summary> {
    let root = find_reference(&opts.docs)?;
    let commit = crate::import::provenance_commit(&root).unwrap_or_else(|| "unknown".into());
    let mut summary = Summary {
        commit: commit.clone(),
        version: crate::diff::crate_version()?,
        ..Summary::default()
    };
    let upstream_loader = DirLoader(root.clone());
    let rels = markdown_files(&root, &root.join("api-reference"));
    let bar = progress_bar(opts.progress, rels.len() as u64 * 2, "reading");
    let mut upstream = Vec::new();
    let mut read = BTreeSet::new();
    for rel in rels {
        bar.inc(1);
        let path = root.join(&rel);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let (page, reads) = parse_recording(&rel, &text, &upstream_loader);
        if !matches!(page.kind, PageKind::Method | PageKind::Event) {
            continue;
        }
        if page.names.iter().any(|n| n == "batch") {
            summary.skipped.push((
                rel,
                "the batch call is the runtime's own (bitrix24-api's batch), not a method page"
                    .into(),
            ));
            continue;
        }
        read.extend(reads);
        upstream.push(Upstream {
            rel,
            text,
            page,
            referenced: false,
        });
    }
    // Pages that others read come first (referenced pages, then method pages whose tables another
    // nests): a page is checked against upstream once what it reads is written.
    let methods: BTreeSet<String> = upstream.iter().map(|u| u.rel.clone()).collect();
    let referenced = referenced_pages(&read, &methods, &upstream_loader);
    upstream.splice(
        0..0,
        referenced.into_iter().map(|r| Upstream {
            rel: r.path,
            text: r.text,
            page: r.page,
            referenced: true,
        }),
    );
    upstream.sort_by_key(|u| !(u.referenced || read.contains(&u.rel)));

    // Our pages by the upstream page they mirror (front matter `upstream:`, else their own path).
    // Includes resolve against the pages folder, as api-spec's own `_includes` do.
    let pages_root = opts.pages.clone();
    let ours_loader = DirLoader(pages_root.clone());
    let mut ours: BTreeMap<String, String> = BTreeMap::new();
    if opts.pages.join("api-reference").is_dir() {
        for rel in markdown_files(&opts.pages, &opts.pages.join("api-reference")) {
            let path = opts.pages.join(&rel);
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let mirrors = upstream_of(&text).unwrap_or_else(|| rel.clone());
            ours.insert(mirrors, rel);
        }
    }
    let before = pages_spec(&opts.pages)?;
    let mut written: Vec<Page> = Vec::new();
    let synced: BTreeSet<&str> = upstream.iter().map(|u| u.rel.as_str()).collect();
    summary.gone = ours
        .iter()
        .filter(|(mirrors, _)| !synced.contains(mirrors.as_str()))
        .map(|(_, rel)| rel.clone())
        .collect();

    bar.set_message("syncing");
    bar.set_length(bar.position() + upstream.len() as u64);
    for up in &upstream {
        bar.inc(1);
        let rel = ours.get(&up.rel).cloned().unwrap_or_else(|| up.rel.clone());
        let target = opts.pages.join(&rel);
        let (text, differences) = if target.exists() {
            let mine = std::fs::read_to_string(&target)
                .with_context(|| format!("reading {}", target.display()))?;
            let merged = merge(&rel, &mine, &up.text, &up.page, &commit, &ours_loader);
            if !merged.changed {
                match up.referenced {
                    true => summary.referenced.unchanged += 1,
                    false => summary.unchanged += 1,
                }
                record_drift(&mut summary, &rel, merged.differences);
                continue;
            }
            let mut note = Vec::new();
            if merged.rebuilt {
                note.push(
                    "rebuilt from the facts-only page, our prose put back by heading: review it"
                        .to_string(),
                );
            }
            if merged.reset_cells > 0 {
                note.push(format!(
                    "{} descriptions reset to facts",
                    merged.reset_cells
                ));
            }
            if merged.rows_added + merged.rows_removed > 0 {
                note.push(format!(
                    "rows +{} -{}",
                    merged.rows_added, merged.rows_removed
                ));
            }
            let note = if note.is_empty() {
                String::new()
            } else {
                format!(" ({})", note.join("; "))
            };
            match up.referenced {
                true => summary.referenced.updated.push(rel.clone()),
                false => summary.updated.push((rel.clone(), note)),
            }
            (merged.text, merged.differences)
        } else {
            let text = facts_only(&up.text, &up.page, &commit);
            let differences = compare(&parse_page(&rel, &text, &ours_loader), &up.page);
            match up.referenced {
                true => summary.referenced.added.push(rel.clone()),
                false => summary.added.push(rel.clone()),
            }
            (text, differences)
        };
        for include in includes(&up.page, &up.text) {
            if !pages_root.join(&include).is_file() {
                *summary.missing_includes.entry(include).or_default() += 1;
            }
        }
        record_drift(&mut summary, &rel, differences);
        written.push(parse_page(&rel, &text, &ours_loader));
        if !opts.dry_run {
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            std::fs::write(&target, text)
                .with_context(|| format!("writing {}", target.display()))?;
        }
    }
    bar.finish_and_clear();
    summary.changelog = changelog(
        &before,
        &with_pages(&before, written),
        &ScopeFilter::default(),
    );
    if let Some(path) = &opts.changelog {
        std::fs::write(path, summary.changelog.to_markdown(&summary.version, 2))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(summary)
}

/// The pages folder's method and event pages as sync reads them (empty when there are none yet).
fn pages_spec(pages: &Path) -> Result<Spec> {
    if !pages.join("api-reference").is_dir() {
        return Ok(Spec { pages: Vec::new() });
    }
    crate::diff::read_pages(pages, &pages.join("api-reference"))
}

/// `spec` with `pages` in place of the pages at their paths: what the folder holds after the
/// sync, whether or not it was written (`--dry-run`).
fn with_pages(spec: &Spec, pages: Vec<Page>) -> Spec {
    let mut by_path: BTreeMap<String, Page> = spec
        .pages
        .iter()
        .map(|p| (p.path.clone(), p.clone()))
        .collect();
    by_path.extend(pages.into_iter().map(|p| (p.path.clone(), p)));
    Spec {
        pages: by_path.into_values().collect(),
    }
}

fn record_drift(summary: &mut Summary, rel: &str, differences: Vec<Difference>) {
    if !differences.is_empty() {
        summary.drift.push((rel.to_string(), differences));
    }
}

/// The `upstream:` path in a page's front matter.
fn upstream_of(text: &str) -> Option<String> {
    let mut lines = text.lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    lines
        .take_while(|l| l.trim_end() != "---")
        .find_map(|l| l.strip_prefix("upstream:"))
        .map(|p| p.trim().to_string())
}

/// The include files (root-relative) a page names.
fn includes(page: &Page, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        if !(l.starts_with("{%") && l.contains("include")) {
            continue;
        }
        let Some(target) = l
            .split_once("](")
            .and_then(|(_, r)| r.split_once(')'))
            .map(|(t, _)| t)
        else {
            continue;
        };
        let Some(joined) = bitrix24_spec::include::resolve_path(&page.path, target) else {
            continue;
        };
        if !out.contains(&joined) {
            out.push(joined);
        }
    }
    out
}

fn progress_bar(show: bool, len: u64, message: &'static str) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(message);
    bar
}
