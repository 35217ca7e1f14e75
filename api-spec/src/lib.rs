//! The Bitrix24 docs parser and the API schema (IR).
//!
//! A page goes through three layers: [`blocks`] (L0) reads Markdown plus the YFM extensions into a
//! lossless block tree, [`sections`] (L1) groups it by heading and classifies each section, and
//! [`page`] (L2) extracts the facts into the [`ir`] types.

pub mod blocks;
pub mod cells;
pub mod corpus;
pub mod diag;
pub mod drift;
pub mod include;
pub mod ir;
mod json;
pub mod overrides;
pub mod page;
pub mod scaffold;
pub mod sections;
mod table;

pub use corpus::parse_spec;
pub use page::parse_page;

/// The committed IR of `api-spec/pages` (`api-spec/ir.json`), as written by `cargo xtask generate`.
///
/// Consumers that must not depend on the parser at run time (the simulator, tests) read this.
pub fn committed() -> ir::Spec {
    serde_json::from_str(include_str!("../ir.json"))
        .expect("api-spec/ir.json is written by `cargo xtask generate` and always valid")
}
