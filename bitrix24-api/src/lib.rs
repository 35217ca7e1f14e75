//! A typed client for the Bitrix24 REST API.

pub mod method;
pub mod wire;
