//! The retry budget: a token bucket shared by every call of a client, after smithy-rs's standard retry
//! strategy. Each retry spends tokens and each success earns some back, so while the portal is healthy
//! retries are free to happen, and during an outage the bucket runs dry and calls fail at their first
//! failure instead of multiplying the load on a portal that is already refusing.

use std::sync::Mutex;

/// The size of the retry budget and what retries cost.
///
/// Build one from [`RetryBudget::default`] and the `with_*` setters, so that a field added later does
/// not break your code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryBudget {
    /// Tokens when full (and at start).
    pub capacity: u32,
    /// What a retry costs.
    pub retry_cost: u32,
    /// What a retry after a timeout costs: a timed-out request may still be running on the portal.
    pub timeout_cost: u32,
    /// Earned by every successful call, on top of getting back what its own retries cost.
    pub success_reward: u32,
}

impl Default for RetryBudget {
    /// smithy-rs's figures: 500 tokens, 5 per retry, 10 per retry after a timeout, 1 per success.
    fn default() -> Self {
        RetryBudget {
            capacity: 500,
            retry_cost: 5,
            timeout_cost: 10,
            success_reward: 1,
        }
    }
}

impl RetryBudget {
    /// Sets the tokens when full (and at start).
    pub fn with_capacity(mut self, capacity: u32) -> Self {
        self.capacity = capacity;
        self
    }

    /// Sets what a retry costs.
    pub fn with_retry_cost(mut self, cost: u32) -> Self {
        self.retry_cost = cost;
        self
    }

    /// Sets what a retry after a timeout costs.
    pub fn with_timeout_cost(mut self, cost: u32) -> Self {
        self.timeout_cost = cost;
        self
    }

    /// Sets what every successful call earns.
    pub fn with_success_reward(mut self, reward: u32) -> Self {
        self.success_reward = reward;
        self
    }
}

/// The tokens left, shared by the clones of a client.
#[derive(Debug)]
pub(crate) struct RetryTokens {
    capacity: u32,
    available: Mutex<u32>,
}

impl RetryTokens {
    pub fn new(budget: RetryBudget) -> Self {
        Self {
            capacity: budget.capacity,
            available: Mutex::new(budget.capacity),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, u32> {
        self.available.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn available(&self) -> u32 {
        *self.lock()
    }

    /// Takes `cost` tokens if there are that many.
    pub fn spend(&self, cost: u32) -> bool {
        let mut available = self.lock();
        match available.checked_sub(cost) {
            Some(left) => {
                *available = left;
                true
            }
            None => false,
        }
    }

    /// Gives tokens back, up to the capacity.
    pub fn earn(&self, tokens: u32) {
        let mut available = self.lock();
        *available = available.saturating_add(tokens).min(self.capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spending_stops_at_empty_and_earning_at_capacity() {
        let tokens = RetryTokens::new(RetryBudget {
            capacity: 12,
            ..RetryBudget::default()
        });
        assert!(tokens.spend(5) && tokens.spend(5));
        assert!(!tokens.spend(5), "2 left");
        assert_eq!(tokens.available(), 2);
        tokens.earn(100);
        assert_eq!(tokens.available(), 12);
    }
}
