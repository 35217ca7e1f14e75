//! The HTTP surface shared by every method: paths, parameters, envelopes and JSON encoding.

pub mod envelope;
pub mod json;
pub mod params;
pub mod route;
pub mod time;
