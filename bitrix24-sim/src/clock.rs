//! Simulated time: the wall clock plus an offset that tests advance instead of sleeping.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Debug, Default, Clone, Copy)]
pub struct Clock {
    offset: Duration,
}

impl Clock {
    /// Seconds since the Unix epoch, as the simulated portal sees them.
    pub fn now(&self) -> f64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        (real + self.offset).as_secs_f64()
    }

    pub fn advance(&mut self, by: Duration) {
        self.offset += by;
    }
}
