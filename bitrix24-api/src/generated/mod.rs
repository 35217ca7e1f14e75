//! Code generated from api-spec (placeholder until `cargo xtask generate` writes it).

pub mod system;
