//! `generate_ms`: the work of `cargo xtask generate` (pages → IR → overrides → Rust source), in
//! process and without writing or compiling anything.

use anyhow::Result;

use super::report::{Report, Row};
use super::stats::{Spread, ms, time};

pub fn measure(rounds: usize, report: &mut Report) -> Result<()> {
    let root = crate::generate::workspace_root();
    let mut runs = Vec::new();
    let mut files = 0;
    for _ in 0..rounds {
        let mut outcome = Ok(Default::default());
        runs.push(ms(time(|| outcome = crate::generate::outputs(&root))));
        files = outcome?.0.len();
    }
    let spread = Spread::of(&runs);
    report.key("generate_ms", spread.median);
    report.key(
        "generate",
        serde_json::json!({"files": files, "ms": spread}),
    );
    report.row(
        Row {
            figure: "`generate_ms`".into(),
            value: spread.show(0),
            goal: None,
            note: format!("api-spec/pages → IR → {files} files, in memory"),
        },
        None,
    );
    Ok(())
}
