//! The per-method operating-time budget, driven by the figures the portal reports.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::reply::Time;

/// The operating-time budget of one method: how many seconds it may run per 10 minutes for one
/// application or webhook before the portal refuses it with `OPERATION_TIME_LIMIT`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct OperatingLimit {
    /// The budget per 10 minutes.
    pub budget: Duration,
}

impl Default for OperatingLimit {
    /// 480 s, the cloud figure the documentation works with.
    fn default() -> Self {
        OperatingLimit {
            budget: Duration::from_secs(480),
        }
    }
}

impl OperatingLimit {
    /// A budget of `budget` per 10 minutes, for a portal whose figure differs from the cloud's.
    pub const fn new(budget: Duration) -> Self {
        OperatingLimit { budget }
    }
}

/// What the portal last said about each method.
#[derive(Debug)]
pub(crate) struct OperatingBudget {
    budget: f64,
    methods: Mutex<HashMap<String, Usage>>,
}

#[derive(Debug, Clone, Copy)]
struct Usage {
    /// `time.operating`, or infinity once the portal refused the method.
    operating: f64,
    /// `time.operating_reset_at` (Unix seconds).
    reset_at: Option<i64>,
}

impl OperatingBudget {
    pub fn new(limit: OperatingLimit) -> Self {
        Self {
            budget: limit.budget.as_secs_f64(),
            methods: Mutex::new(HashMap::new()),
        }
    }

    /// Takes the figures of a successful answer.
    pub fn record(&self, method: &str, time: &Time) {
        let Some(operating) = time.operating else {
            return;
        };
        let mut methods = self.methods.lock().unwrap_or_else(|e| e.into_inner());
        methods.insert(
            method.to_owned(),
            Usage {
                operating,
                reset_at: time.operating_reset_at,
            },
        );
    }

    /// The portal refused the method for time: block it until the last known reset.
    pub fn refused(&self, method: &str) {
        let mut methods = self.methods.lock().unwrap_or_else(|e| e.into_inner());
        let usage = methods.entry(method.to_owned()).or_insert(Usage {
            operating: 0.0,
            reset_at: None,
        });
        usage.operating = f64::INFINITY;
    }

    /// How long `method` must pause before the portal will take it again, if it must.
    pub fn wait(&self, method: &str) -> Option<Duration> {
        self.wait_at(method, unix_now())
    }

    fn wait_at(&self, method: &str, now: f64) -> Option<Duration> {
        let methods = self.methods.lock().unwrap_or_else(|e| e.into_inner());
        let usage = methods.get(method)?;
        let reset_at = usage.reset_at? as f64;
        (usage.operating >= self.budget && reset_at > now)
            .then(|| Duration::from_secs_f64(reset_at - now))
    }
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(operating: f64, reset_at: i64) -> Time {
        Time {
            operating: Some(operating),
            operating_reset_at: Some(reset_at),
            ..Time::default()
        }
    }

    #[test]
    fn under_budget_never_waits() {
        let b = OperatingBudget::new(OperatingLimit::default());
        b.record("m", &time(479.0, 1_000));
        assert_eq!(b.wait_at("m", 900.0), None);
        assert_eq!(b.wait_at("other", 900.0), None);
    }

    #[test]
    fn over_budget_waits_until_the_reset_and_not_after() {
        let b = OperatingBudget::new(OperatingLimit::default());
        b.record("m", &time(500.0, 1_000));
        assert_eq!(b.wait_at("m", 900.0), Some(Duration::from_secs(100)));
        assert_eq!(b.wait_at("m", 1_000.0), None);
        assert_eq!(b.wait_at("other", 900.0), None);
    }

    #[test]
    fn a_refusal_blocks_until_the_known_reset() {
        let b = OperatingBudget::new(OperatingLimit::default());
        b.record("m", &time(10.0, 1_000));
        b.refused("m");
        assert_eq!(b.wait_at("m", 990.0), Some(Duration::from_secs(10)));
    }

    #[test]
    fn answers_without_figures_keep_the_last_ones() {
        let b = OperatingBudget::new(OperatingLimit {
            budget: Duration::from_secs(5),
        });
        b.record("m", &time(6.0, 1_000));
        b.record("m", &Time::default());
        assert!(b.wait_at("m", 999.0).is_some());
    }
}
