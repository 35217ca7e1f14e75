//! Public config and error structs are `#[non_exhaustive]`: code outside the crate cannot build them
//! with a struct literal, so adding a field later breaks nobody. Each check below must fail to compile,
//! and only for that reason: each literal names every field, so that without `#[non_exhaustive]` it
//! would compile (stable rustdoc does not check a `compile_fail` test's error code).

/// ```compile_fail
/// let _ = bitrix24_api::RetryPolicy { max_attempts: 1, base_delay: std::time::Duration::ZERO,
///     max_delay: std::time::Duration::ZERO, max_operating_wait: std::time::Duration::ZERO,
///     unknown_reset_wait: std::time::Duration::ZERO, budget: None };
/// ```
pub struct RetryPolicyLiteral;

/// ```compile_fail
/// let _ = bitrix24_api::RetryBudget { capacity: 1, retry_cost: 1, timeout_cost: 1, success_reward: 1 };
/// ```
pub struct RetryBudgetLiteral;

/// ```compile_fail
/// let _ = bitrix24_api::RateLimit { burst: 1, per_second: 1.0 };
/// ```
pub struct RateLimitLiteral;

/// ```compile_fail
/// let _ = bitrix24_api::OperatingLimit { budget: std::time::Duration::ZERO };
/// ```
pub struct OperatingLimitLiteral;

/// ```compile_fail
/// let _ = bitrix24_api::TransportError { kind: bitrix24_api::TransportKind::Other, message: String::new() };
/// ```
pub struct TransportErrorLiteral;

/// ```compile_fail
/// let _ = bitrix24_api::HttpError { status: 500, excerpt: String::new(), location: None };
/// ```
pub struct HttpErrorLiteral;

/// ```compile_fail
/// let _ = bitrix24_api::DecodeError { path: String::new(), message: String::new(), status: 200,
///     excerpt: String::new(), body_len: 0, body_limit: None };
/// ```
pub struct DecodeErrorLiteral;

/// ```compile_fail
/// let _ = bitrix24_api::events::FormLimits { max_body: 1, max_keys: 1, max_depth: 1 };
/// ```
pub struct FormLimitsLiteral;

/// What users write instead compiles.
///
/// ```
/// use std::time::Duration;
/// let _ = bitrix24_api::RetryPolicy::default().with_max_attempts(2).with_base_delay(Duration::ZERO);
/// let _ = bitrix24_api::RateLimit::new(10, 1.0);
/// let _ = bitrix24_api::OperatingLimit::new(Duration::from_secs(60));
/// let _ = bitrix24_api::RetryBudget::default().with_capacity(10).with_success_reward(5);
/// let _ = bitrix24_api::events::FormLimits::default().with_max_keys(10);
/// ```
pub struct Builders;
