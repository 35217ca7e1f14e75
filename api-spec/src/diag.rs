//! Collecting diagnostics while a page is read.

use crate::ir::{Diagnostic, DiagnosticKind, Level, Source};

/// The diagnostics of one page. Line numbers are relative to `path`.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    path: String,
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new(path: impl Into<String>) -> Self {
        Diagnostics {
            path: path.into(),
            items: Vec::new(),
        }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn warn(&mut self, line: u32, kind: DiagnosticKind, message: impl Into<String>) {
        self.push(Level::Warning, line, kind, message)
    }

    pub fn error(&mut self, line: u32, kind: DiagnosticKind, message: impl Into<String>) {
        self.push(Level::Error, line, kind, message)
    }

    /// A diagnostic about another file (an included fragment, a linked page).
    pub fn push_at(
        &mut self,
        source: Source,
        level: Level,
        kind: DiagnosticKind,
        message: impl Into<String>,
    ) {
        let d = Diagnostic {
            source,
            level,
            kind,
            message: message.into(),
        };
        if !self.items.contains(&d) {
            self.items.push(d);
        }
    }

    fn push(&mut self, level: Level, line: u32, kind: DiagnosticKind, message: impl Into<String>) {
        let source = Source {
            path: self.path.clone(),
            line,
        };
        self.push_at(source, level, kind, message)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort();
        self.items
    }
}
