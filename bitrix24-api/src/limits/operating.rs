//! The per-method operating-time budget, driven by the figures the portal reports.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

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
    /// When the budget resets, on our clock: `operating_reset_at` is read against the answer's own
    /// `finish`, so a portal clock that differs from ours does not shift it.
    resets_at: Option<Instant>,
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
        let resets_at = time.operating_reset_at.map(|reset_at| {
            // An answer without `finish` (0) leaves only our own clock to compare with.
            let portal_now = if time.finish > 0.0 {
                time.finish
            } else {
                unix_now()
            };
            let ahead = (reset_at as f64 - portal_now).max(0.0);
            Instant::now() + Duration::try_from_secs_f64(ahead).unwrap_or(Duration::ZERO)
        });
        let mut methods = self.methods.lock().unwrap_or_else(|e| e.into_inner());
        methods.insert(
            method.to_owned(),
            Usage {
                operating,
                resets_at,
            },
        );
    }

    /// The portal refused the method for time: block it until the last known reset.
    pub fn refused(&self, method: &str) {
        let mut methods = self.methods.lock().unwrap_or_else(|e| e.into_inner());
        let usage = methods.entry(method.to_owned()).or_insert(Usage {
            operating: 0.0,
            resets_at: None,
        });
        usage.operating = f64::INFINITY;
    }

    /// How long `method` must pause before the portal will take it again, if it must and the reset
    /// time is known.
    pub fn wait(&self, method: &str) -> Option<Duration> {
        let methods = self.methods.lock().unwrap_or_else(|e| e.into_inner());
        let usage = methods.get(method)?;
        let now = Instant::now();
        let resets_at = usage.resets_at?;
        (usage.operating >= self.budget && resets_at > now).then(|| resets_at - now)
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

    /// An answer at portal time 900 whose method has used `operating` seconds, resetting at 1000.
    fn time(operating: f64) -> Time {
        Time {
            operating: Some(operating),
            operating_reset_at: Some(1_000),
            finish: 900.0,
            ..Time::default()
        }
    }

    #[tokio::test(start_paused = true)]
    async fn under_budget_never_waits() {
        let b = OperatingBudget::new(OperatingLimit::default());
        b.record("m", &time(479.0));
        assert_eq!(b.wait("m"), None);
        assert_eq!(b.wait("other"), None);
    }

    // The portal's clock (900) is far from ours (today): the wait is the answer's own distance to the
    // reset, not the reset against our wall clock.
    #[tokio::test(start_paused = true)]
    async fn over_budget_waits_until_the_reset_read_against_the_answers_finish() {
        let b = OperatingBudget::new(OperatingLimit::default());
        b.record("m", &time(500.0));
        assert_eq!(b.wait("m"), Some(Duration::from_secs(100)));
        tokio::time::advance(Duration::from_secs(40)).await;
        assert_eq!(b.wait("m"), Some(Duration::from_secs(60)));
        tokio::time::advance(Duration::from_secs(60)).await;
        assert_eq!(b.wait("m"), None);
        assert_eq!(b.wait("other"), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_refusal_blocks_until_the_known_reset() {
        let b = OperatingBudget::new(OperatingLimit::default());
        b.record("m", &time(10.0));
        assert_eq!(b.wait("m"), None);
        b.refused("m");
        assert_eq!(b.wait("m"), Some(Duration::from_secs(100)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_refusal_without_a_known_reset_has_no_wait() {
        let b = OperatingBudget::new(OperatingLimit::default());
        b.refused("m");
        assert_eq!(b.wait("m"), None);
    }

    #[tokio::test(start_paused = true)]
    async fn answers_without_figures_keep_the_last_ones() {
        let b = OperatingBudget::new(OperatingLimit {
            budget: Duration::from_secs(5),
        });
        b.record("m", &time(6.0));
        b.record("m", &Time::default());
        assert!(b.wait("m").is_some());
    }
}
