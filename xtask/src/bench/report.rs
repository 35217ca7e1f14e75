//! The bench's output: the contract keys as JSON (`report.json`) and a readable table (`report.md`).

use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// One line of the table: a figure, how it compares with its goal, and what it means.
pub struct Row {
    pub figure: String,
    pub value: String,
    /// `None` for figures reported without a goal.
    pub goal: Option<Goal>,
    pub note: String,
}

/// A goal: the figure's median must be at most (or below) a bound.
#[derive(Clone, Copy)]
pub enum Goal {
    AtMost(f64),
    Below(f64),
}

impl Goal {
    fn met(self, value: f64) -> bool {
        match self {
            Goal::AtMost(bound) => value <= bound,
            Goal::Below(bound) => value < bound,
        }
    }

    fn text(self) -> String {
        match self {
            Goal::AtMost(bound) => format!("≤ {bound}"),
            Goal::Below(bound) => format!("< {bound}"),
        }
    }
}

#[derive(Default)]
pub struct Report {
    keys: Map<String, Value>,
    rows: Vec<(Row, Option<f64>)>,
    notes: Vec<String>,
}

impl Report {
    /// A JSON key of the report (a contract key or a detail).
    pub fn key(&mut self, name: &str, value: impl Serialize) {
        self.keys.insert(
            name.to_owned(),
            serde_json::to_value(value).unwrap_or(Value::Null),
        );
    }

    /// A table row; `median` is what the goal is checked against.
    pub fn row(&mut self, row: Row, median: Option<f64>) {
        self.rows.push((row, median));
    }

    /// A paragraph under the table: a formula, a caveat, a finding.
    pub fn note(&mut self, text: impl Into<String>) {
        self.notes.push(text.into());
    }

    pub fn json(&self) -> Value {
        let mut keys = self.keys.clone();
        keys.insert("notes".into(), json!(self.notes));
        Value::Object(keys)
    }

    pub fn markdown(&self) -> String {
        let mut out = String::from(
            "| figure | median (min–max) | goal | met | note |\n|---|---|---|---|---|\n",
        );
        for (row, median) in &self.rows {
            let (goal, met) = match (row.goal, median) {
                (Some(goal), Some(median)) => (
                    goal.text(),
                    if goal.met(*median) { "yes" } else { "**no**" },
                ),
                (Some(goal), None) => (goal.text(), "n/a"),
                (None, _) => (String::new(), ""),
            };
            out.push_str(&format!(
                "| {} | {} | {goal} | {met} | {} |\n",
                row.figure, row.value, row.note
            ));
        }
        for note in &self.notes {
            out.push('\n');
            out.push_str(note);
            out.push('\n');
        }
        out
    }

    /// Writes `report.md` and `report.json` into `dir`.
    pub fn write(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        std::fs::write(dir.join("report.md"), self.markdown())?;
        std::fs::write(
            dir.join("report.json"),
            serde_json::to_string_pretty(&self.json())? + "\n",
        )?;
        Ok(())
    }
}
