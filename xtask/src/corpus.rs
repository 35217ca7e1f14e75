//! `cargo xtask parse` and `cargo xtask corpus`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use bitrix24_spec::corpus::{docs_root, markdown_files, read_page};
use bitrix24_spec::ir::{DiagnosticKind, NameKind, Page, PageKind, Required, Validity};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};

/// The pages a path names: the file itself, or every page below a folder.
fn pages_of(path: &Path) -> Result<(PathBuf, Vec<String>)> {
    let path = path
        .canonicalize()
        .with_context(|| format!("cannot read {}", path.display()))?;
    let root = docs_root(&path);
    let files = if path.is_dir() {
        markdown_files(&root, &path)
    } else {
        vec![
            path.strip_prefix(&root)
                .context("page outside its docs root")?
                .to_string_lossy()
                .replace('\\', "/"),
        ]
    };
    Ok((root, files))
}

pub fn parse(paths: &[PathBuf], as_json: bool) -> Result<ExitCode> {
    let mut pages = Vec::new();
    for path in paths {
        let (root, files) = pages_of(path)?;
        for rel in files {
            let page = read_page(&root, &rel).with_context(|| format!("cannot read {rel}"))?;
            for d in &page.diagnostics {
                eprintln!("{}", located(&root, d));
            }
            pages.push(page);
        }
    }
    if as_json {
        let value = if pages.len() == 1 {
            serde_json::to_value(&pages[0])?
        } else {
            serde_json::to_value(&pages)?
        };
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        for page in &pages {
            print_page(page);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `file:line: kind: message`, with the file as the user can open it.
fn located(root: &Path, d: &bitrix24_spec::ir::Diagnostic) -> String {
    format!(
        "{}:{}: {}: {}",
        root.join(&d.source.path).display(),
        d.source.line,
        d.kind.as_str(),
        d.message
    )
}

fn print_page(page: &Page) {
    println!(
        "{} [{}] {}",
        page.path,
        page.kind.as_str(),
        page.names.join(", ")
    );
    if !page.scopes.is_empty() {
        println!("  scopes: {}", page.scopes.join(", "));
    }
    let print_fields = |label: &str, fields: &[bitrix24_spec::ir::Field]| {
        if fields.is_empty() {
            return;
        }
        println!("  {label}:");
        for f in fields {
            print_field(f, 2);
        }
    };
    print_fields("params", &page.params);
    if let Some(r) = &page.response {
        print_fields("result", &r.fields);
    }
    if let Some(e) = &page.event {
        print_fields("payload", &e.fields);
    }
    if !page.errors.is_empty() {
        println!("  errors:");
        for e in &page.errors {
            let status = e
                .http_status
                .map(|s| s.to_string())
                .unwrap_or_else(|| "-".into());
            println!("    {status} {:?}", e.code);
        }
    }
}

fn print_field(f: &bitrix24_spec::ir::Field, depth: usize) {
    let req = if f.required.is_required() { "*" } else { "" };
    println!(
        "{}{}{req}: {}",
        "  ".repeat(depth),
        f.name.wire,
        f.ty.render()
    );
    for c in &f.children {
        print_field(c, depth + 1);
    }
}

pub fn corpus(docs: &Path, as_json: bool, with_pages: bool, list_facts: bool) -> Result<ExitCode> {
    if !docs.is_dir() {
        bail!("{} is not a folder", docs.display());
    }
    let (root, files) = pages_of(docs)?;
    let dir = docs.canonicalize()?;
    let progress = if std::io::stderr().is_terminal() && !as_json {
        let bar = ProgressBar::new(files.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}")
                .expect("valid template"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let started = Instant::now();
    let mut kinds: BTreeMap<&str, usize> = ["method", "event", "index", "other"]
        .into_iter()
        .map(|k| (k, 0))
        .collect();
    let mut methods = BTreeSet::new();
    let mut fields = 0usize;
    let mut error_codes = 0usize;
    let mut examples: BTreeMap<&str, usize> = [("valid", 0), ("repaired", 0), ("invalid", 0)]
        .into_iter()
        .collect();
    let mut diagnostics: BTreeMap<&str, usize> = BTreeMap::new();
    // Facts read from prose by the parser's rules (`bitrix24_spec::rules`), and the maps the tables declare.
    let mut prose_facts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failed = Vec::new();
    let mut detail = Vec::new();
    // A panic is caught per page and counted; the default hook would print it mid-progress-bar.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for rel in &files {
        progress.set_message(rel.clone());
        let result = catch_unwind(AssertUnwindSafe(|| read_page(&root, rel)));
        progress.inc(1);
        let page = match result {
            Ok(Ok(page)) => page,
            Ok(Err(e)) => {
                failed.push(json!({"path": rel, "error": e.to_string()}));
                continue;
            }
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
                failed.push(json!({"path": rel, "error": msg.unwrap_or_else(|| "panic".into())}));
                continue;
            }
        };
        let kind = match page.kind {
            PageKind::Fragment => "fragment",
            k => k.as_str(),
        };
        *kinds.entry(kind).or_default() += 1;
        if page.kind == PageKind::Method {
            methods.extend(page.names.iter().cloned());
        }
        for f in page.all_fields() {
            let mut count = |fact: &'static str| *prose_facts.entry(fact).or_default() += 1;
            if f.keyed_by.is_some() {
                count("keyed_by");
            }
            if matches!(f.name.kind, NameKind::Placeholder | NameKind::Wildcard) {
                count("placeholder_keys");
            }
            if matches!(f.required, Required::Prose(_)) {
                count("required_in_prose");
            }
            if !f.values.is_empty() {
                count("value_lists");
            }
        }
        for _ in &page.param_groups {
            *prose_facts.entry("param_groups").or_default() += 1;
        }
        if list_facts {
            for g in &page.param_groups {
                eprintln!(
                    "{}:{}: group {:?} {:?}",
                    g.source.path, g.source.line, g.kind, g.params
                );
            }
            for f in page.all_fields() {
                if let Some(k) = &f.keyed_by {
                    eprintln!(
                        "{}:{}: {} keyed by {:?}",
                        f.source.path, f.source.line, f.name.wire, k.key
                    );
                }
                if matches!(f.required, Required::Prose(_)) {
                    eprintln!(
                        "{}:{}: {} required in prose",
                        f.source.path, f.source.line, f.name.wire
                    );
                }
            }
        }
        let page_fields = page.all_fields().count();
        fields += page_fields;
        error_codes += page.errors.len();
        let all_examples = page
            .response
            .iter()
            .flat_map(|r| &r.examples)
            .chain(page.event.iter().flat_map(|e| &e.examples))
            .chain(&page.error_examples)
            .chain(&page.request_examples);
        for ex in all_examples {
            let key = match ex.validity {
                Validity::Valid => "valid",
                Validity::Repaired => "repaired",
                Validity::Invalid => "invalid",
            };
            *examples.entry(key).or_default() += 1;
        }
        for d in &page.diagnostics {
            *diagnostics.entry(d.kind.as_str()).or_default() += 1;
        }
        if with_pages {
            let rel_to_dir = root.join(rel);
            let shown = rel_to_dir
                .strip_prefix(&dir)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or(rel.clone());
            detail.push(json!({
                "path": shown,
                "kind": kind,
                "names": page.names,
                "params": page.params.len(),
                "fields": page_fields,
                "errors": page.errors.len(),
                "diagnostics": page.diagnostics.len(),
            }));
        }
    }
    std::panic::set_hook(hook);
    progress.finish_and_clear();
    let elapsed_ms = started.elapsed().as_millis() as u64;
    let mut summary = json!({
        "files": files.len(),
        "pages": kinds,
        "methods": methods.len(),
        "fields": fields,
        "error_codes": error_codes,
        "examples": examples,
        "diagnostics": diagnostics,
        "prose_facts": prose_facts,
        "failed": failed.len(),
        "elapsed_ms": elapsed_ms,
    });
    if !failed.is_empty() {
        summary["failed_pages"] = Value::Array(failed.clone());
    }
    if with_pages {
        summary["pages_detail"] = Value::Array(detail);
    }
    if as_json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        println!("{} files in {} ms", files.len(), elapsed_ms);
        println!(
            "pages: {}",
            kinds
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        println!(
            "distinct methods: {}, field rows: {fields}, error rows: {error_codes}",
            methods.len()
        );
        println!(
            "examples: {}",
            examples
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        println!(
            "facts: {}",
            prose_facts
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        println!("diagnostics:");
        for kind in DiagnosticKind::ALL {
            if let Some(n) = diagnostics.get(kind.as_str()) {
                println!("  {:<22} {n}", kind.as_str());
            }
        }
        println!("failed pages: {}", failed.len());
        for f in &failed {
            println!("  {}: {}", f["path"], f["error"]);
        }
    }
    Ok(if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
