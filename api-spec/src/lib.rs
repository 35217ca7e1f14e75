//! The Bitrix24 docs parser and the API schema (IR).
//!
//! A page goes through three layers: [`blocks`] (L0) reads Markdown plus the YFM extensions into a
//! lossless block tree, [`sections`] (L1) groups it by heading and classifies each section, and
//! [`page`] (L2) extracts the facts into the [`ir`] types.

pub mod ir;
