//! The Bitrix24 docs parser and the API schema (IR).
//!
//! A page goes through three layers: [`blocks`] (L0) reads Markdown plus the YFM extensions into a
//! lossless block tree, [`sections`] (L1) groups it by heading and classifies each section, and
//! [`page`] (L2) extracts the facts into the [`ir`] types.

pub mod blocks;
pub mod cells;
pub mod changelog;
pub mod corpus;
pub mod diag;
pub mod drift;
pub mod include;
mod json;
pub mod overrides;
pub mod page;
pub mod rules;
pub mod scaffold;
pub mod sections;
pub mod sync;
mod table;

pub use bitrix24_ir as ir;
pub use corpus::parse_spec;
pub use page::parse_page;
