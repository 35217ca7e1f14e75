//! When a failed call may be sent again, and after how long.

use std::time::Duration;

use rand::Rng;

use super::budget::RetryBudget;
use crate::error::TransportKind;

/// How failed calls are retried.
///
/// A call is repeated only when repeating it cannot duplicate an effect: the portal refused it before
/// executing (`QUERY_LIMIT_EXCEEDED`, `OPERATION_TIME_LIMIT`), the request never left (connect failure),
/// or the method is safe to repeat ([`crate::Method::SAFE_TO_REPEAT`]). A call that creates something is
/// never repeated after a timeout, a dropped connection or a 5xx, because it may have run.
///
/// Build one from [`RetryPolicy::default`] and the `with_*` setters, so that a field added later does
/// not break your code.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in total, the first included. 1 turns retries off.
    pub max_attempts: u32,
    /// The first backoff; each further one doubles, up to `max_delay`. A random part of up to half of
    /// it is taken off, so that clients refused together do not return together.
    pub base_delay: Duration,
    /// The longest backoff.
    pub max_delay: Duration,
    /// The longest pause for a method's operating-time budget to reset. A call that would have to wait
    /// longer fails with the portal's `OPERATION_TIME_LIMIT` instead.
    pub max_operating_wait: Duration,
    /// The pause after an `OPERATION_TIME_LIMIT` whose reset time is unknown (no earlier answer of the
    /// method said). Taken once per call: a second such refusal fails the call, because repeating at
    /// backoff pace would only collect more refusals. Zero fails at the first one.
    pub unknown_reset_wait: Duration,
    /// The retry budget shared by all calls of the client, or `None` for unlimited retries.
    pub budget: Option<RetryBudget>,
}

impl Default for RetryPolicy {
    /// 5 attempts, backoff from 0.5 s to 30 s, operating waits up to 240 s (inside the default
    /// deadline of 300 s), one 60 s wait when the reset time is unknown (the platform frees operating
    /// time in one-minute slots), and smithy-rs's retry budget.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_operating_wait: Duration::from_secs(240),
            unknown_reset_wait: Duration::from_secs(60),
            budget: Some(RetryBudget::default()),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Sets the number of attempts in total, the first included.
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// Sets the first backoff.
    pub fn with_base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Sets the longest backoff.
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Sets the longest pause for a method's operating-time budget.
    pub fn with_max_operating_wait(mut self, wait: Duration) -> Self {
        self.max_operating_wait = wait;
        self
    }

    /// Sets the one wait for an operating-time refusal whose reset time the portal did not give.
    pub fn with_unknown_reset_wait(mut self, wait: Duration) -> Self {
        self.unknown_reset_wait = wait;
        self
    }

    /// Sets the retry budget shared by a client's calls, or turns it off with `None`.
    pub fn with_budget(mut self, budget: Option<RetryBudget>) -> Self {
        self.budget = budget;
        self
    }

    /// The backoff before attempt `failed + 1`, jittered.
    pub(crate) fn backoff(&self, failed: u32) -> Duration {
        let doubling = 2u32.saturating_pow(failed.saturating_sub(1));
        let full = self.base_delay.saturating_mul(doubling).min(self.max_delay);
        full.mul_f64(rand::rng().random_range(0.5..=1.0))
    }
}

/// A failure, reduced to what the retry decision needs.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Failure<'a> {
    /// An error envelope.
    Envelope { code: &'a str, status: u16 },
    /// No complete response.
    Transport(TransportKind),
    /// An HTTP status without an envelope.
    Http(u16),
    /// Nothing a repeat could change (decode, encode, refresh failures).
    Final,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Next {
    /// Send again after this pause, spending `cost` tokens of the retry budget.
    Retry { after: Duration, cost: u32 },
    /// Refresh the OAuth tokens, then send again.
    Refresh,
    /// Give up and report the failure.
    Fail(GiveUp),
}

/// Why a failure is reported rather than retried (for logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GiveUp {
    /// A repeat cannot change the answer, or could duplicate an effect.
    NotRetryable,
    /// The policy's attempts are used up.
    Attempts,
    /// The operating-time budget resets later than the policy waits, or at an unknown time again.
    OperatingWait,
    /// The pause would end after the call's deadline.
    Deadline,
    /// The client's retry budget is spent.
    Budget,
}

/// The attempt that just failed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attempt {
    /// 1 for the first attempt.
    pub number: u32,
    pub safe_to_repeat: bool,
    /// OAuth credentials that have not been refreshed yet for this call.
    pub can_refresh: bool,
    /// How long until the method's operating budget resets, when known.
    pub operating_wait: Option<Duration>,
    /// Whether this call already paused once for a reset whose time was unknown.
    pub waited_for_unknown_reset: bool,
    /// Time left before the call's deadline, if it has one.
    pub time_left: Option<Duration>,
    /// Tokens left in the client's retry budget.
    pub budget_left: u32,
}

/// The one retry decision: pure, from the policy, the failure and where the call stands.
pub(crate) fn decide(policy: &RetryPolicy, failure: Failure<'_>, attempt: Attempt) -> Next {
    if let Failure::Envelope {
        code: "expired_token",
        ..
    } = failure
    {
        return if attempt.can_refresh {
            Next::Refresh
        } else {
            Next::Fail(GiveUp::NotRetryable)
        };
    }
    if attempt.number >= policy.max_attempts {
        return Next::Fail(GiveUp::Attempts);
    }
    let backoff = Ok(policy.backoff(attempt.number));
    let if_safe = if attempt.safe_to_repeat {
        backoff
    } else {
        Err(GiveUp::NotRetryable)
    };
    let after = match failure {
        Failure::Envelope {
            code: "QUERY_LIMIT_EXCEEDED",
            ..
        } => backoff,
        Failure::Envelope {
            code: "OPERATION_TIME_LIMIT",
            ..
        } => match attempt.operating_wait {
            Some(wait) if wait > policy.max_operating_wait => Err(GiveUp::OperatingWait),
            Some(wait) => Ok(wait),
            None if attempt.waited_for_unknown_reset || policy.unknown_reset_wait.is_zero() => {
                Err(GiveUp::OperatingWait)
            }
            None => Ok(policy.unknown_reset_wait.min(policy.max_operating_wait)),
        },
        // The portal failed inside the method: it may have run.
        Failure::Envelope { status, .. } if status >= 500 => if_safe,
        Failure::Envelope { .. } => Err(GiveUp::NotRetryable),
        Failure::Transport(TransportKind::Connect) => backoff,
        Failure::Transport(TransportKind::Tls) => Err(GiveUp::NotRetryable),
        Failure::Transport(_) => if_safe,
        Failure::Http(status) if status >= 500 || status == 429 => if_safe,
        Failure::Http(_) | Failure::Final => Err(GiveUp::NotRetryable),
    };
    let after = match after {
        Ok(after) => after,
        Err(why) => return Next::Fail(why),
    };
    if attempt.time_left.is_some_and(|left| after >= left) {
        return Next::Fail(GiveUp::Deadline);
    }
    let cost = policy.budget.map_or(0, |budget| match failure {
        Failure::Transport(TransportKind::Timeout) => budget.timeout_cost,
        _ => budget.retry_cost,
    });
    if cost > attempt.budget_left {
        return Next::Fail(GiveUp::Budget);
    }
    Next::Retry { after, cost }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(number: u32, safe_to_repeat: bool) -> Attempt {
        Attempt {
            number,
            safe_to_repeat,
            can_refresh: false,
            operating_wait: None,
            waited_for_unknown_reset: false,
            time_left: None,
            budget_left: 500,
        }
    }

    fn retries(next: Next) -> bool {
        matches!(next, Next::Retry { .. })
    }

    const FAIL: Next = Next::Fail(GiveUp::NotRetryable);

    const LIMIT: Failure = Failure::Envelope {
        code: "QUERY_LIMIT_EXCEEDED",
        status: 503,
    };

    #[test]
    fn refused_before_execution_is_retried_for_every_method() {
        let p = RetryPolicy::default();
        assert!(retries(decide(&p, LIMIT, attempt(1, false))));
        let operating = Failure::Envelope {
            code: "OPERATION_TIME_LIMIT",
            status: 429,
        };
        assert!(retries(decide(&p, operating, attempt(1, false))));
        assert!(retries(decide(
            &p,
            Failure::Transport(TransportKind::Connect),
            attempt(1, false)
        )));
    }

    #[test]
    fn ambiguous_failures_are_retried_only_when_safe_to_repeat() {
        let p = RetryPolicy::default();
        for failure in [
            Failure::Transport(TransportKind::Timeout),
            Failure::Transport(TransportKind::Interrupted),
            Failure::Http(502),
            Failure::Envelope {
                code: "INTERNAL_SERVER_ERROR",
                status: 500,
            },
        ] {
            assert!(
                retries(decide(&p, failure, attempt(1, true))),
                "{failure:?}"
            );
            assert_eq!(decide(&p, failure, attempt(1, false)), FAIL, "{failure:?}");
        }
    }

    #[test]
    fn answers_that_a_repeat_cannot_change_are_final() {
        let p = RetryPolicy::default();
        for failure in [
            Failure::Envelope {
                code: "CHAT_ID_EMPTY",
                status: 400,
            },
            Failure::Envelope {
                code: "invalid_token",
                status: 401,
            },
            Failure::Http(404),
            Failure::Transport(TransportKind::Tls),
            Failure::Final,
        ] {
            assert_eq!(decide(&p, failure, attempt(1, true)), FAIL, "{failure:?}");
        }
    }

    #[test]
    fn attempts_are_bounded() {
        let p = RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::default()
        };
        assert!(retries(decide(&p, LIMIT, attempt(2, true))));
        let used_up = Next::Fail(GiveUp::Attempts);
        assert_eq!(decide(&p, LIMIT, attempt(3, true)), used_up);
        assert_eq!(
            decide(&RetryPolicy::never(), LIMIT, attempt(1, true)),
            used_up
        );
    }

    #[test]
    fn expired_token_refreshes_once() {
        let p = RetryPolicy::default();
        let expired = Failure::Envelope {
            code: "expired_token",
            status: 401,
        };
        let first = Attempt {
            can_refresh: true,
            ..attempt(1, false)
        };
        assert_eq!(decide(&p, expired, first), Next::Refresh);
        assert_eq!(decide(&p, expired, attempt(2, false)), FAIL);
    }

    #[test]
    fn operating_limit_waits_for_the_reset_within_bounds() {
        let p = RetryPolicy {
            max_operating_wait: Duration::from_secs(60),
            ..RetryPolicy::default()
        };
        let refused = Failure::Envelope {
            code: "OPERATION_TIME_LIMIT",
            status: 429,
        };
        let soon = Attempt {
            operating_wait: Some(Duration::from_secs(42)),
            ..attempt(1, false)
        };
        assert_eq!(
            decide(&p, refused, soon),
            Next::Retry {
                after: Duration::from_secs(42),
                cost: 5
            }
        );
        let late = Attempt {
            operating_wait: Some(Duration::from_secs(61)),
            ..attempt(1, false)
        };
        assert_eq!(decide(&p, refused, late), Next::Fail(GiveUp::OperatingWait));
    }

    #[test]
    fn an_unknown_reset_is_waited_for_once_then_fails() {
        let p = RetryPolicy {
            unknown_reset_wait: Duration::from_secs(60),
            ..RetryPolicy::default()
        };
        let refused = Failure::Envelope {
            code: "OPERATION_TIME_LIMIT",
            status: 429,
        };
        assert_eq!(
            decide(&p, refused, attempt(1, true)),
            Next::Retry {
                after: Duration::from_secs(60),
                cost: 5
            }
        );
        let again = Attempt {
            waited_for_unknown_reset: true,
            ..attempt(2, true)
        };
        assert_eq!(
            decide(&p, refused, again),
            Next::Fail(GiveUp::OperatingWait)
        );
        let fail_fast = RetryPolicy {
            unknown_reset_wait: Duration::ZERO,
            ..p
        };
        assert_eq!(
            decide(&fail_fast, refused, attempt(1, true)),
            Next::Fail(GiveUp::OperatingWait)
        );
    }

    #[test]
    fn a_pause_past_the_deadline_is_not_taken() {
        let p = RetryPolicy::default();
        let short = Attempt {
            time_left: Some(Duration::from_millis(100)),
            ..attempt(1, true)
        };
        let refused = Failure::Envelope {
            code: "OPERATION_TIME_LIMIT",
            status: 429,
        };
        let soon = Attempt {
            operating_wait: Some(Duration::from_secs(1)),
            ..short
        };
        assert_eq!(decide(&p, refused, soon), Next::Fail(GiveUp::Deadline));
        let plenty = Attempt {
            time_left: Some(Duration::from_secs(60)),
            ..soon
        };
        assert!(retries(decide(&p, refused, plenty)));
    }

    #[test]
    fn retries_spend_the_budget_and_stop_when_it_is_empty() {
        let p = RetryPolicy::default();
        let timeout = Failure::Transport(TransportKind::Timeout);
        assert!(matches!(
            decide(&p, timeout, attempt(1, true)),
            Next::Retry { cost: 10, .. }
        ));
        assert!(matches!(
            decide(&p, LIMIT, attempt(1, true)),
            Next::Retry { cost: 5, .. }
        ));
        let poor = Attempt {
            budget_left: 9,
            ..attempt(1, true)
        };
        assert_eq!(decide(&p, timeout, poor), Next::Fail(GiveUp::Budget));
        assert!(retries(decide(&p, LIMIT, poor)));
        let unlimited = RetryPolicy { budget: None, ..p };
        let broke = Attempt {
            budget_left: 0,
            ..attempt(1, true)
        };
        assert!(matches!(
            decide(&unlimited, LIMIT, broke),
            Next::Retry { cost: 0, .. }
        ));
    }

    #[test]
    fn backoff_doubles_is_jittered_and_capped() {
        let p = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        for _ in 0..50 {
            let first = p.backoff(1);
            assert!(
                first >= Duration::from_millis(50) && first <= Duration::from_millis(100),
                "{first:?}"
            );
            let third = p.backoff(3);
            assert!(
                third >= Duration::from_millis(175) && third <= Duration::from_millis(350),
                "{third:?}"
            );
            assert!(p.backoff(40) <= Duration::from_millis(350));
        }
    }
}
