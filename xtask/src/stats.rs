//! `cargo xtask generate --stats`: how big the generated code is, per scope module.
//!
//! Compile time grows with the generated lines, and the whole API has many times today's methods, so the
//! figure that matters is lines per item (a method or an event). An item is counted by its `Method` or
//! `Event` impl, which every method and event file has exactly once, so the count does not depend on
//! how files are laid out.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The lines and items of one module directory (or of the files outside any module).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub files: usize,
    pub lines: usize,
    pub items: usize,
}

impl Size {
    fn add(&mut self, other: Size) {
        self.files += other.files;
        self.lines += other.lines;
        self.items += other.items;
    }

    fn per_item(self) -> String {
        if self.items == 0 {
            "-".to_owned()
        } else {
            format!("{:.0}", self.lines as f64 / self.items as f64)
        }
    }
}

/// One file's size: its lines, and how many methods (`crate::method!`) and events it defines.
fn size(contents: &str) -> Size {
    let items = contents
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            l.starts_with("crate::method!(") || l.starts_with("impl crate::method::Event for ")
        })
        .count();
    Size {
        files: 1,
        lines: contents.lines().count(),
        items,
    }
}

/// Sizes keyed by module (`imopenlines`), for the files under `generated_dir`; files directly in it (the
/// root `mod.rs`, `system.rs`) are keyed `(root)`. Files elsewhere are left out.
pub fn by_module<'f>(
    generated_dir: &str,
    files: impl IntoIterator<Item = (&'f str, &'f str)>,
) -> BTreeMap<String, Size> {
    let prefix = format!("{generated_dir}/");
    let mut out: BTreeMap<String, Size> = BTreeMap::new();
    for (path, contents) in files {
        let Some(rel) = path.strip_prefix(&prefix) else {
            continue;
        };
        let module = rel
            .split_once('/')
            .map_or("(root)", |(module, _)| module)
            .to_owned();
        out.entry(module).or_default().add(size(contents));
    }
    out
}

/// The table `generate --stats` prints: one row per module, then the modules' total, then everything.
pub fn table(sizes: &BTreeMap<String, Size>) -> String {
    let mut text = format!(
        "{:<14} {:>6} {:>7} {:>6} {:>10}\n",
        "module", "files", "lines", "items", "lines/item"
    );
    let row = |text: &mut String, name: &str, s: Size| {
        let _ = writeln!(
            text,
            "{name:<14} {:>6} {:>7} {:>6} {:>10}",
            s.files,
            s.lines,
            s.items,
            s.per_item()
        );
    };
    let mut modules = Size::default();
    for (name, s) in sizes.iter().filter(|(name, _)| *name != "(root)") {
        row(&mut text, name, *s);
        modules.add(*s);
    }
    row(&mut text, "modules", modules);
    let mut all = modules;
    if let Some(root) = sizes.get("(root)") {
        all.add(*root);
    }
    row(&mut text, "all", all);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_counted_by_their_impls_and_root_files_apart() {
        let method = "// header\ncrate::method!(\n    A = \"a\"\n);\n";
        let event = "impl crate::method::Event for B {}\n";
        let files = [
            ("gen/mod.rs", "pub mod a;\n"),
            ("gen/a/mod.rs", "mod x;\nmod y;\n"),
            ("gen/a/x.rs", method),
            ("gen/a/y.rs", event),
            ("elsewhere/z.rs", method),
        ];
        let sizes = by_module("gen", files);
        assert_eq!(
            sizes["a"],
            Size {
                files: 3,
                lines: 7,
                items: 2
            }
        );
        assert_eq!(
            sizes["(root)"],
            Size {
                files: 1,
                lines: 1,
                items: 0
            }
        );
        assert_eq!(sizes.len(), 2);
        let table = table(&sizes);
        assert!(
            table.contains("\na                   3       7      2          4\n"),
            "{table}"
        );
        assert!(
            table.contains("\nall                 4       8      2          4\n"),
            "{table}"
        );
    }
}
