//! The request-rate limit: a leaky bucket shared by every clone of a client.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// The portal's request-rate limit: `burst` requests at once, then `per_second` as the bucket drains.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct RateLimit {
    /// How many requests may be sent back to back from idle.
    pub burst: u32,
    /// How many requests per second the bucket drains.
    pub per_second: f64,
}

impl RateLimit {
    /// `burst` requests at once, then `per_second`: for a portal whose limits differ from the plans'.
    pub const fn new(burst: u32, per_second: f64) -> Self {
        RateLimit { burst, per_second }
    }

    /// The margin [`RateLimit::default`] keeps below the portal's limit.
    pub const DEFAULT_MARGIN: f64 = 0.1;

    /// Every plan but Enterprise: 50 at once, then 2 per second. This is the portal's own limit;
    /// pace with [`RateLimit::with_margin`] to stay clear of it.
    pub const STANDARD: RateLimit = RateLimit {
        burst: 50,
        per_second: 2.0,
    };
    /// Enterprise: 250 at once, then 5 per second (the portal's own limit, like [`Self::STANDARD`]).
    pub const ENTERPRISE: RateLimit = RateLimit {
        burst: 250,
        per_second: 5.0,
    };

    /// The limit less `margin` (0.1 is 10%): a smaller burst and a slower drain, so that jitter between
    /// our schedule and the portal's count does not end in a refusal.
    pub fn with_margin(self, margin: f64) -> RateLimit {
        let keep = (1.0 - margin).clamp(0.0, 1.0);
        RateLimit {
            burst: ((f64::from(self.burst) * keep).floor() as u32).max(1),
            per_second: self.per_second * keep,
        }
    }
}

impl Default for RateLimit {
    /// [`RateLimit::STANDARD`] with [`RateLimit::DEFAULT_MARGIN`]: 45 at once, then 1.8 per second.
    fn default() -> Self {
        RateLimit::STANDARD.with_margin(RateLimit::DEFAULT_MARGIN)
    }
}

/// The bucket as a virtual schedule (GCRA): each request reserves the next slot, so concurrent callers
/// leave in order without polling, and the portal's bucket, which drains the same way, never overflows.
pub(crate) struct LeakyBucket {
    limit: RateLimit,
    /// Time one request occupies: `1 / per_second`.
    interval: Duration,
    /// `burst * interval`: how far ahead of now the schedule may run.
    depth: Duration,
    schedule: Mutex<Schedule>,
}

struct Schedule {
    /// When the bucket will be empty again given every reservation so far.
    empty_at: Instant,
    /// Departure times reserved by callers that were cancelled before leaving. The next caller takes
    /// the earliest one still ahead instead of queueing behind the schedule, so a cancellation does
    /// not cost a slot; taking it sends exactly what the schedule had planned for that moment.
    vacated: BinaryHeap<Reverse<Instant>>,
}

impl LeakyBucket {
    /// `None` when the limit cannot pace anything (no burst or no drain).
    pub fn new(limit: RateLimit) -> Option<Self> {
        if limit.burst == 0 || !(limit.per_second.is_finite() && limit.per_second > 0.0) {
            return None;
        }
        let interval = Duration::from_secs_f64(1.0 / limit.per_second);
        Some(Self {
            limit,
            interval,
            depth: interval * limit.burst,
            schedule: Mutex::new(Schedule {
                empty_at: Instant::now(),
                vacated: BinaryHeap::new(),
            }),
        })
    }

    fn schedule(&self) -> std::sync::MutexGuard<'_, Schedule> {
        self.schedule.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until one more request fits, and counts it. Cancelled while waiting, it hands its slot on.
    pub async fn acquire(&self) {
        let now = Instant::now();
        let go_at = self.reserve(now);
        if go_at > now {
            let mut slot = Reservation {
                bucket: self,
                go_at,
                left: false,
            };
            tokio::time::sleep_until(go_at).await;
            slot.left = true;
        }
    }

    /// The departure time of one more request: a vacated slot still ahead, or the end of the schedule.
    fn reserve(&self, now: Instant) -> Instant {
        let mut schedule = self.schedule();
        while schedule.vacated.peek().is_some_and(|at| at.0 < now) {
            schedule.vacated.pop();
        }
        let next = (schedule.empty_at.max(now) + self.interval)
            .checked_sub(self.depth)
            .unwrap_or(now)
            .max(now);
        if let Some(Reverse(vacated)) = schedule.vacated.peek().copied()
            && vacated <= next
        {
            schedule.vacated.pop();
            return vacated;
        }
        schedule.empty_at = schedule.empty_at.max(now) + self.interval;
        next
    }

    /// The portal refused for rate: it counts more than we do (another client shares it), so behave
    /// as if the bucket were full.
    pub fn fill(&self) {
        let full = Instant::now() + self.depth;
        let mut schedule = self.schedule();
        schedule.empty_at = schedule.empty_at.max(full);
        schedule.vacated.clear();
    }
}

/// A reserved departure; dropped before it left (the caller was cancelled), it vacates the slot.
struct Reservation<'a> {
    bucket: &'a LeakyBucket,
    go_at: Instant,
    left: bool,
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if !self.left {
            self.bucket.schedule().vacated.push(Reverse(self.go_at));
        }
    }
}

impl std::fmt::Debug for LeakyBucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} at once, then {}/s",
            self.limit.burst, self.limit.per_second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_that_cannot_drain_is_no_bucket() {
        assert!(
            LeakyBucket::new(RateLimit {
                burst: 0,
                per_second: 2.0
            })
            .is_none()
        );
        assert!(
            LeakyBucket::new(RateLimit {
                burst: 5,
                per_second: 0.0
            })
            .is_none()
        );
        assert!(
            LeakyBucket::new(RateLimit {
                burst: 5,
                per_second: f64::NAN
            })
            .is_none()
        );
    }

    // Virtual time: the clock only moves when every task sleeps, so these are exact, not timed.
    #[test]
    fn the_default_keeps_a_tenth_below_the_portal() {
        assert_eq!(
            RateLimit::default(),
            RateLimit {
                burst: 45,
                per_second: 1.8
            }
        );
        assert_eq!(RateLimit::ENTERPRISE.with_margin(0.1).burst, 225);
        assert_eq!(RateLimit::STANDARD.with_margin(2.0).burst, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn burst_goes_at_once_then_the_drain_rate_paces() {
        let bucket = LeakyBucket::new(RateLimit {
            burst: 3,
            per_second: 2.0,
        })
        .unwrap();
        let start = Instant::now();
        let mut departures = Vec::new();
        for _ in 0..6 {
            bucket.acquire().await;
            departures.push((Instant::now() - start).as_millis());
        }
        assert_eq!(departures, vec![0, 0, 0, 500, 1000, 1500]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_bucket_drains_back_to_a_full_burst() {
        let bucket = LeakyBucket::new(RateLimit {
            burst: 2,
            per_second: 1.0,
        })
        .unwrap();
        bucket.acquire().await;
        bucket.acquire().await;
        tokio::time::sleep(Duration::from_secs(10)).await;
        let start = Instant::now();
        bucket.acquire().await;
        bucket.acquire().await;
        assert_eq!(Instant::now(), start);
    }

    #[tokio::test(start_paused = true)]
    async fn a_refusal_fills_the_bucket() {
        let bucket = LeakyBucket::new(RateLimit {
            burst: 4,
            per_second: 2.0,
        })
        .unwrap();
        bucket.fill();
        let start = Instant::now();
        bucket.acquire().await;
        assert_eq!((Instant::now() - start).as_millis(), 500);
    }

    #[tokio::test(start_paused = true)]
    async fn a_caller_cancelled_while_waiting_hands_its_slot_on() {
        let bucket = LeakyBucket::new(RateLimit {
            burst: 1,
            per_second: 1.0,
        })
        .unwrap();
        let start = Instant::now();
        bucket.acquire().await;
        // Reserves the slot at 1 s, then gives up at 0.5 s.
        let gave_up = tokio::time::timeout(Duration::from_millis(500), bucket.acquire()).await;
        assert!(gave_up.is_err());
        bucket.acquire().await;
        assert_eq!(
            (Instant::now() - start).as_millis(),
            1000,
            "the vacated slot"
        );
        bucket.acquire().await;
        assert_eq!((Instant::now() - start).as_millis(), 2000);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_the_schedule() {
        let bucket = std::sync::Arc::new(
            LeakyBucket::new(RateLimit {
                burst: 10,
                per_second: 10.0,
            })
            .unwrap(),
        );
        let start = Instant::now();
        let tasks: Vec<_> = (0..30)
            .map(|_| {
                let bucket = bucket.clone();
                tokio::spawn(async move {
                    bucket.acquire().await;
                    Instant::now()
                })
            })
            .collect();
        let mut last = start;
        for t in tasks {
            last = last.max(t.await.unwrap());
        }
        assert_eq!((last - start).as_millis(), 2000);
    }
}
