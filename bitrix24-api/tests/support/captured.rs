//! Captures what a `tracing_subscriber::fmt` writer prints, for tests that read the log.

use std::io::Write;
use std::sync::{Arc, Mutex};

/// A writer whose clones append to one shared buffer (`.0`).
#[derive(Clone, Default)]
pub struct Captured(pub Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
