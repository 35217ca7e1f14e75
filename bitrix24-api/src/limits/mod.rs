//! The platform's limits, kept on the client side so that calls are paced instead of refused.

mod bucket;
mod budget;
mod operating;
mod retry;

pub(crate) use bucket::LeakyBucket;
pub use bucket::RateLimit;
pub use budget::RetryBudget;
pub(crate) use budget::RetryTokens;
pub(crate) use operating::OperatingBudget;
pub use operating::OperatingLimit;
pub use retry::RetryPolicy;
pub(crate) use retry::{Attempt, Failure, GiveUp, Next, decide};
