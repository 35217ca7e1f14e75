//! IR → Rust source for `bitrix24-api`.
