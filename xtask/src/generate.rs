//! `cargo xtask generate [--check] [--stats]`: `api-spec/pages` → IR (`ir/spec/*.json`, `ir/schema.json`) →
//! `bitrix24-api/src/generated/` and the generated example tests.
//!
//! Files are written only when their content changed. With `check`, nothing is written: every stale file is
//! shown as a unified diff and the command fails (rust-analyzer's `ensure_file_contents`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use similar::TextDiff;

/// The workspace root, wherever the command is run from.
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Every file `generate` owns, with its wanted content, and what the pages did not let it generate.
pub(crate) fn outputs(root: &Path) -> Result<(Vec<(String, String)>, bitrix24_codegen::Report)> {
    let pages = root.join("api-spec/pages");
    let mut spec = bitrix24_spec::parse_spec(&pages)
        .with_context(|| format!("reading {}", pages.display()))?;
    let overrides = bitrix24_spec::overrides::Overrides::committed().map_err(anyhow::Error::msg)?;
    overrides
        .apply(&mut spec)
        .map_err(|errors| anyhow::Error::msg(errors.join("\n")))?;
    let options = bitrix24_codegen::Options {
        safe_to_repeat: overrides
            .safe_to_repeat
            .iter()
            .map(|o| (o.method.clone(), o.safe))
            .collect(),
    };
    if options.safe_to_repeat.len() != overrides.safe_to_repeat.len() {
        bail!("api-spec/overrides.toml lists a method twice under [[safe_to_repeat]]");
    }
    bitrix24_codegen::check_overrides(&spec, &options)?;
    let mut files = vec![(
        "ir/schema.json".to_owned(),
        json(&schemars::schema_for!(bitrix24_ir::Spec))?,
    )];
    let parts = spec.partitions();
    for (name, part) in &parts {
        files.push((format!("{IR_DIR}/{name}.json"), json(part)?));
    }
    files.push((
        "ir/src/committed.rs".to_owned(),
        committed_index(parts.keys()),
    ));
    let generated = bitrix24_codegen::generate_with(&spec, &options)?;
    let manifest = root.join(MANIFEST);
    let manifest = std::fs::read_to_string(&manifest)
        .with_context(|| format!("reading {}", manifest.display()))?;
    let scopes = generated.modules.iter().map(String::as_str);
    files.push((MANIFEST.to_owned(), with_scope_features(&manifest, scopes)?));
    files.extend(generated.files.into_iter().map(|f| (f.path, f.contents)));
    Ok((files, generated.report))
}

/// The manifest whose `[features]` lists one feature per scope module.
const MANIFEST: &str = "bitrix24-api/Cargo.toml";

/// The lines between these two in the manifest are the scope features, written by `generate`.
const FEATURES_BEGIN: &str =
    "# Scope features, written by `cargo xtask generate`: one per scope module, and `full`.";
const FEATURES_END: &str = "# End of the scope features.";

/// `manifest` with its scope features replaced by one per scope and `full` with all of them.
fn with_scope_features<'a>(
    manifest: &str,
    scopes: impl Iterator<Item = &'a str>,
) -> Result<String> {
    let (Some(begin), Some(end)) = (manifest.find(FEATURES_BEGIN), manifest.find(FEATURES_END))
    else {
        bail!("{MANIFEST} lacks the lines `{FEATURES_BEGIN}` and `{FEATURES_END}`");
    };
    let scopes: Vec<&str> = scopes.collect();
    let mut block = format!("{FEATURES_BEGIN}\n");
    let all: Vec<String> = scopes.iter().map(|s| format!("\"{s}\"")).collect();
    block.push_str(&format!("full = [{}]\n", all.join(", ")));
    for scope in &scopes {
        block.push_str(&format!("{scope} = []\n"));
    }
    Ok(format!("{}{block}{}", &manifest[..begin], &manifest[end..]))
}

/// Where the committed IR lives, one file per [`bitrix24_ir::Page::partition`].
const IR_DIR: &str = "ir/spec";

/// `ir/src/committed.rs`: the IR files, compiled into the IR crate so that readers need no file system.
fn committed_index<'a>(parts: impl Iterator<Item = &'a String>) -> String {
    let mut out = format!("{}\n\n", bitrix24_codegen::HEADER);
    out.push_str("/// Each committed IR file: its partition and its JSON.\n");
    out.push_str("#[rustfmt::skip]\npub(crate) const PARTS: &[(&str, &str)] = &[\n");
    for name in parts {
        out.push_str(&format!(
            "    (\"{name}\", include_str!(\"../spec/{name}.json\")),\n"
        ));
    }
    out.push_str("];\n");
    out
}

/// Lists every page left out and every row read leniently on stderr, then their counts.
fn print_report(report: &bitrix24_codegen::Report) {
    for e in &report.skipped {
        eprintln!("skipped {e}");
    }
    for e in &report.degraded {
        eprintln!("degraded {e}");
    }
    for e in &report.followed {
        eprintln!("example over table {e}");
    }
    for e in &report.example_only {
        eprintln!("example only {e}");
    }
    eprintln!(
        "{} page(s) left out, {} row(s) left out or kept for the docs only, {} field(s) typed as their example shows against their table, {} request field(s) only an example sends",
        report.skipped.len(),
        report.degraded.len(),
        report.followed.len(),
        report.example_only.len()
    );
}

/// Pretty JSON with a final newline; key order is the types' field order, so the text is deterministic.
fn json(value: &impl serde::Serialize) -> Result<String> {
    Ok(serde_json::to_string_pretty(value)? + "\n")
}

/// Files under the generated directory that no longer correspond to anything (a method that was removed).
fn orphans(root: &Path, wanted: &BTreeSet<&str>) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let dirs = [bitrix24_codegen::GENERATED_DIR, IR_DIR].map(|d| root.join(d));
    for entry in dirs
        .iter()
        .flat_map(|d| walkdir::WalkDir::new(d).sort_by_file_name())
    {
        let entry = entry?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(root)?
            .to_string_lossy()
            .replace('\\', "/");
        if !wanted.contains(rel.as_str()) {
            out.push(rel);
        }
    }
    Ok(out)
}

/// Regenerates everything; with `check`, fails with a diff instead of writing. With `stats`, prints the
/// size of the generated code per module (see [`crate::stats`]).
pub fn run(check: bool, stats: bool) -> Result<()> {
    let root = workspace_root();
    let (files, report) = outputs(&root)?;
    print_report(&report);
    if stats {
        let sizes = crate::stats::by_module(
            bitrix24_codegen::GENERATED_DIR,
            files.iter().map(|(p, c)| (p.as_str(), c.as_str())),
        );
        print!("{}", crate::stats::table(&sizes));
    }
    let mut stale = Vec::new();
    for (rel, wanted) in &files {
        let path = root.join(rel);
        let current = std::fs::read_to_string(&path)
            .unwrap_or_default()
            .replace("\r\n", "\n");
        if current == *wanted {
            continue;
        }
        if check {
            let diff = TextDiff::from_lines(&current, wanted);
            print!("{}", diff.unified_diff().context_radius(3).header(rel, rel));
        } else {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&path, wanted).with_context(|| format!("writing {rel}"))?;
            eprintln!("updated {rel}");
        }
        stale.push(rel.clone());
    }
    let wanted: BTreeSet<&str> = files.iter().map(|(rel, _)| rel.as_str()).collect();
    for rel in orphans(&root, &wanted)? {
        if check {
            println!("--- {rel}\n(no longer generated)");
        } else {
            std::fs::remove_file(root.join(&rel)).with_context(|| format!("removing {rel}"))?;
            eprintln!("removed {rel}");
        }
        stale.push(rel);
    }
    if check && !stale.is_empty() {
        bail!(
            "{} generated file(s) are stale; run `cargo xtask generate` and commit the result",
            stale.len()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// A plain `cargo test` catches generated code that is out of date with api-spec.
    #[test]
    fn generated_files_are_fresh() {
        if let Err(e) = super::run(true, false) {
            panic!("{e:#}");
        }
    }
}
