//! The request-rate leaky bucket: each request adds one, the level drains continuously, and a request that
//! would overflow the burst is refused with 503 `QUERY_LIMIT_EXCEEDED`.
//!
//! The client paces itself with its own bucket (`bitrix24-api/src/limits/bucket.rs`, a GCRA schedule).
//! This one is written independently and kept so on purpose: it models the portal, and the load tests
//! use it as the oracle that the client's pacing stays within the portal's limit.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::config::RateLimit;

#[derive(Debug, Default, Clone)]
pub struct LeakyBuckets {
    /// Level and the time it was last drained, per client address.
    levels: HashMap<IpAddr, (f64, f64)>,
}

impl LeakyBuckets {
    /// Drain, then admit the request if it fits.
    pub fn admit(&mut self, limit: &RateLimit, client: IpAddr, now: f64) -> bool {
        let (level, drained_at) = self.levels.entry(client).or_insert((0.0, now));
        *level = (*level - limit.drain_per_second * (now - *drained_at).max(0.0)).max(0.0);
        *drained_at = now;
        if *level + 1.0 > limit.burst {
            return false;
        }
        *level += 1.0;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_drain() {
        let limit = RateLimit {
            burst: 3.0,
            drain_per_second: 2.0,
        };
        let client = IpAddr::from([127, 0, 0, 1]);
        let mut buckets = LeakyBuckets::default();
        assert!((0..3).all(|_| buckets.admit(&limit, client, 100.0)));
        assert!(!buckets.admit(&limit, client, 100.0));
        assert!(
            buckets.admit(&limit, client, 100.5),
            "half a second drains one request"
        );
        assert!(!buckets.admit(&limit, client, 100.5));
    }
}
