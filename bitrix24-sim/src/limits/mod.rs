//! The two limits a cloud portal enforces.

pub mod operating;
pub mod rate;
