//! When a failed call may be sent again, and after how long.

use std::time::Duration;

use rand::Rng;

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
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_operating_wait: Duration::from_secs(600),
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
    /// Send again after this pause.
    Retry(Duration),
    /// Refresh the OAuth tokens, then send again.
    Refresh,
    /// Give up and report the failure.
    Fail,
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
}

pub(crate) fn decide(policy: &RetryPolicy, failure: Failure<'_>, attempt: Attempt) -> Next {
    if let Failure::Envelope {
        code: "expired_token",
        ..
    } = failure
    {
        return if attempt.can_refresh {
            Next::Refresh
        } else {
            Next::Fail
        };
    }
    if attempt.number >= policy.max_attempts {
        return Next::Fail;
    }
    let backoff = Next::Retry(policy.backoff(attempt.number));
    let if_safe = if attempt.safe_to_repeat {
        backoff
    } else {
        Next::Fail
    };
    match failure {
        Failure::Envelope {
            code: "QUERY_LIMIT_EXCEEDED",
            ..
        } => backoff,
        Failure::Envelope {
            code: "OPERATION_TIME_LIMIT",
            ..
        } => match attempt.operating_wait {
            Some(wait) if wait > policy.max_operating_wait => Next::Fail,
            Some(wait) => Next::Retry(wait),
            None => backoff,
        },
        // The portal failed inside the method: it may have run.
        Failure::Envelope { status, .. } if status >= 500 => if_safe,
        Failure::Envelope { .. } => Next::Fail,
        Failure::Transport(TransportKind::Connect) => backoff,
        Failure::Transport(TransportKind::Tls) => Next::Fail,
        Failure::Transport(_) => if_safe,
        Failure::Http(status) if status >= 500 || status == 429 => if_safe,
        Failure::Http(_) | Failure::Final => Next::Fail,
    }
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
        }
    }

    fn retries(next: Next) -> bool {
        matches!(next, Next::Retry(_))
    }

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
            assert_eq!(
                decide(&p, failure, attempt(1, false)),
                Next::Fail,
                "{failure:?}"
            );
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
            assert_eq!(
                decide(&p, failure, attempt(1, true)),
                Next::Fail,
                "{failure:?}"
            );
        }
    }

    #[test]
    fn attempts_are_bounded() {
        let p = RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::default()
        };
        assert!(retries(decide(&p, LIMIT, attempt(2, true))));
        assert_eq!(decide(&p, LIMIT, attempt(3, true)), Next::Fail);
        assert_eq!(
            decide(&RetryPolicy::never(), LIMIT, attempt(1, true)),
            Next::Fail
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
        assert_eq!(decide(&p, expired, attempt(2, false)), Next::Fail);
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
            Next::Retry(Duration::from_secs(42))
        );
        let late = Attempt {
            operating_wait: Some(Duration::from_secs(61)),
            ..attempt(1, false)
        };
        assert_eq!(decide(&p, refused, late), Next::Fail);
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
