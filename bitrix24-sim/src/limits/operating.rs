//! The operating-time budget: seconds spent per (caller, method), kept in ten slots that each expire one
//! window after their first call. The check happens before a call, so the call that crosses the budget
//! still completes and the next one gets 429.

use std::collections::HashMap;

#[derive(Debug, Clone, Copy)]
struct Slot {
    index: i64,
    seconds: f64,
    expires_at: f64,
}

/// What a (caller, method) pair has used.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Usage {
    pub seconds: f64,
    /// When the oldest slot expires, if any time is recorded.
    pub reset_at: Option<f64>,
}

#[derive(Debug, Default, Clone)]
pub struct OperatingLedger {
    slots: HashMap<(String, String), Vec<Slot>>,
}

/// The window is split into this many slots, as the platform keeps ten one-minute buckets.
const SLOTS: f64 = 10.0;

impl OperatingLedger {
    pub fn usage(&mut self, caller: &str, method: &str, now: f64) -> Usage {
        let Some(slots) = self.slots.get_mut(&(caller.to_owned(), method.to_owned())) else {
            return Usage::default();
        };
        slots.retain(|slot| slot.expires_at > now);
        Usage {
            seconds: slots.iter().map(|slot| slot.seconds).sum(),
            reset_at: slots.iter().map(|slot| slot.expires_at).reduce(f64::min),
        }
    }

    pub fn record(&mut self, caller: &str, method: &str, seconds: f64, now: f64, window: f64) {
        if seconds <= 0.0 {
            return;
        }
        let index = (now / (window / SLOTS)).floor() as i64;
        let slots = self
            .slots
            .entry((caller.to_owned(), method.to_owned()))
            .or_default();
        match slots.iter_mut().find(|slot| slot.index == index) {
            Some(slot) => slot.seconds += seconds,
            None => slots.push(Slot {
                index,
                seconds,
                expires_at: now + window,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_expire_one_window_after_their_first_call() {
        let mut ledger = OperatingLedger::default();
        ledger.record("hook:1", "m", 20.0, 0.0, 600.0);
        ledger.record("hook:1", "m", 20.0, 30.0, 600.0);
        ledger.record("hook:1", "m", 5.0, 70.0, 600.0);
        assert_eq!(
            ledger.usage("hook:1", "m", 100.0),
            Usage {
                seconds: 45.0,
                reset_at: Some(600.0)
            }
        );
        assert_eq!(ledger.usage("hook:1", "m", 600.0).seconds, 5.0);
        assert_eq!(ledger.usage("hook:1", "other", 0.0), Usage::default());
    }
}
