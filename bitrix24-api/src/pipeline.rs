//! One call from parameters to envelope: pacing, authentication, sending, retrying, tracing.

use std::time::Duration;

use tokio::time::Instant;

use serde::Serialize;
use tracing::{Instrument, field};

use crate::auth::{Auth, Credentials};
use crate::client::Client;
use crate::envelope::{self, RawFailure, RawSuccess};
use crate::error::{DeadlineError, DecodeError};
use crate::limits::{Attempt, GiveUp, Next, decide};
use crate::method::Method;
use crate::params::Params;
use crate::secret::{redact, redact_location};
use crate::transport;

#[derive(Serialize)]
struct Body<'a> {
    #[serde(flatten)]
    params: &'a Params,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth: Option<&'a str>,
}

/// One call as the pipeline sends it.
#[derive(Clone, Copy)]
pub(crate) struct Outgoing<'a> {
    pub method: &'static str,
    pub params: &'a Params,
    /// Whether a failure after which the call may have run can be retried.
    pub safe: bool,
    /// Sent to `/rest/api/` rather than `/rest/`.
    pub rest_v3: bool,
    /// The `Idempotency-Key` header, the same on every attempt (REST 3.0 only).
    pub idempotency_key: Option<&'a str>,
}

impl<'a> Outgoing<'a> {
    /// A call of the classic API.
    pub fn classic(method: &'static str, params: &'a Params, safe: bool) -> Self {
        Outgoing {
            method,
            params,
            safe,
            rest_v3: false,
            idempotency_key: None,
        }
    }

    /// A call of `M`. REST 3.0 answers a repeat that carries the key of a call that succeeded with the
    /// stored response instead of running it again, so the key makes any REST 3.0 call safe to repeat;
    /// the classic API ignores the header, so it is not sent there.
    pub fn of<M: Method>(params: &'a Params, idempotency_key: Option<&'a str>) -> Self {
        let idempotency_key = idempotency_key.filter(|_| M::REST_V3);
        Outgoing {
            method: M::NAME,
            params,
            safe: M::SAFE_TO_REPEAT || idempotency_key.is_some(),
            rest_v3: M::REST_V3,
            idempotency_key,
        }
    }
}

impl Client {
    /// Sends a call until it succeeds or fails for good, within the client's deadline.
    pub(crate) async fn send_raw(&self, call: Outgoing<'_>) -> Result<RawSuccess, RawFailure> {
        self.send_raw_within(call, self.inner.deadline).await
    }

    /// Sends a call until it succeeds, fails for good or runs out of `deadline`, inside a span that
    /// records the method, the attempt, the outcome and the duration.
    pub(crate) async fn send_raw_within(
        &self,
        call: Outgoing<'_>,
        deadline: Option<Duration>,
    ) -> Result<RawSuccess, RawFailure> {
        let span = tracing::info_span!(
            "bitrix24.call",
            method = call.method,
            attempt = field::Empty,
            outcome = field::Empty,
            duration_ms = field::Empty
        );
        let started = Instant::now();
        async {
            let ends_at = deadline.map(|d| started + d);
            let attempts = self.attempts(call, ends_at);
            let result = match (deadline, ends_at) {
                (Some(deadline), Some(ends_at)) => tokio::time::timeout_at(ends_at, attempts)
                    .await
                    .unwrap_or(Err(RawFailure::Deadline(DeadlineError { deadline }))),
                _ => attempts.await,
            };
            let outcome = match &result {
                Ok(_) => "ok".to_owned(),
                Err(failure) => failure.label(),
            };
            let duration_ms = started.elapsed().as_millis() as u64;
            let span = tracing::Span::current();
            span.record("outcome", outcome.as_str());
            span.record("duration_ms", duration_ms);
            tracing::debug!(outcome, duration_ms, "call finished");
            result
        }
        .instrument(span)
        .await
    }

    async fn attempts(
        &self,
        call: Outgoing<'_>,
        ends_at: Option<Instant>,
    ) -> Result<RawSuccess, RawFailure> {
        let inner = &self.inner;
        let method = call.method;
        let mut refreshed = false;
        let mut waited_for_unknown_reset = false;
        let mut spent = 0;
        let mut number = 0;
        loop {
            number += 1;
            tracing::Span::current().record("attempt", number);
            self.pause_for_budget(method).await;
            if let Some(bucket) = &inner.bucket {
                bucket.acquire().await;
            }
            let credentials = inner.auth.credentials();
            // Boxed, like the refresh below: a call waiting for the bucket then holds a small future,
            // not the HTTP exchange's state, which matters with thousands of calls queued.
            let result = Box::pin(self.attempt(call, &credentials)).await;
            self.keep_limits(method, &result);
            let failure = match result {
                Ok(success) => {
                    if let (Some(tokens), Some(budget)) = (&inner.retry_tokens, inner.retry.budget)
                    {
                        tokens.earn(spent + budget.success_reward);
                    }
                    return Ok(success);
                }
                Err(failure) => failure,
            };
            let operating_wait = inner.operating.as_ref().and_then(|b| b.wait(method));
            let attempt = Attempt {
                number,
                safe_to_repeat: call.safe,
                can_refresh: matches!(inner.auth, Auth::OAuth(_)) && !refreshed,
                operating_wait,
                waited_for_unknown_reset,
                time_left: ends_at.map(|at| at.saturating_duration_since(Instant::now())),
                budget_left: inner
                    .retry_tokens
                    .as_ref()
                    .map_or(u32::MAX, |t| t.available()),
            };
            let reason = failure.label();
            match decide(&inner.retry, failure.classify(), attempt) {
                Next::Fail(why) => {
                    tracing::debug!(attempt = number, reason, ?why, "not retrying");
                    return Err(failure);
                }
                Next::Retry { after, cost } => {
                    // Another call may have spent the last tokens since `budget_left` was read.
                    if inner.retry_tokens.as_ref().is_some_and(|t| !t.spend(cost)) {
                        tracing::debug!(attempt = number, reason, why = ?GiveUp::Budget, "not retrying");
                        return Err(failure);
                    }
                    spent += cost;
                    waited_for_unknown_reset |=
                        reason == "OPERATION_TIME_LIMIT" && operating_wait.is_none();
                    let delay_ms = after.as_millis() as u64;
                    tracing::info!(attempt = number, reason, delay_ms, "retrying");
                    tokio::time::sleep(after).await;
                }
                Next::Refresh => {
                    refreshed = true;
                    if let Auth::OAuth(session) = &inner.auth {
                        Box::pin(session.refresh(
                            &inner.http,
                            inner.timeout,
                            credentials.generation,
                        ))
                        .await
                        .map_err(RawFailure::Auth)?;
                    }
                }
            }
        }
    }

    /// What an answer says about the portal's limits, recorded in one place: the operating figures of a
    /// success, a rate refusal (the portal counts more than we do: fill the bucket), an operating-time
    /// refusal (block the method until its reset).
    fn keep_limits(&self, method: &str, result: &Result<RawSuccess, RawFailure>) {
        let inner = &self.inner;
        match result {
            Ok(success) => {
                if let (Some(budget), Some(time)) = (&inner.operating, &success.time) {
                    budget.record(method, time);
                }
            }
            Err(RawFailure::Envelope { code, .. }) if code == "QUERY_LIMIT_EXCEEDED" => {
                inner.bucket.iter().for_each(|b| b.fill());
            }
            Err(RawFailure::Envelope { code, .. }) if code == "OPERATION_TIME_LIMIT" => {
                inner.operating.iter().for_each(|b| b.refused(method));
            }
            Err(_) => {}
        }
    }

    /// Pauses while `method` is over its operating-time budget, unless the pause would be longer than
    /// the retry policy allows (then the portal's refusal is the better answer).
    pub(crate) async fn pause_for_budget(&self, method: &str) {
        let inner = &self.inner;
        if let Some(wait) = inner.operating.as_ref().and_then(|b| b.wait(method))
            && wait <= inner.retry.max_operating_wait
        {
            tracing::info!(
                method,
                wait_ms = wait.as_millis() as u64,
                "pausing for the method's operating-time budget"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// One HTTP exchange.
    async fn attempt(
        &self,
        call: Outgoing<'_>,
        credentials: &Credentials,
    ) -> Result<RawSuccess, RawFailure> {
        let inner = &self.inner;
        let method = call.method;
        let url = credentials.url(method, call.rest_v3).map_err(|e| {
            RawFailure::Encode(format!("method name `{method}` does not form a URL: {e}"))
        })?;
        let body = Body {
            params: call.params,
            auth: credentials.token.as_ref().map(|t| t.expose()),
        };
        let body = serde_json::to_vec(&body).map_err(|e| RawFailure::Encode(e.to_string()))?;
        let mut request = inner
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(key) = call.idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        let request = request.body(body);
        let answer = transport::send_within(request, inner.max_body)
            .await
            .map_err(RawFailure::Transport)?;
        let secrets = inner.auth.secrets();
        let text = String::from_utf8_lossy(&answer.body);
        let body = redact(&text, &secrets);
        if let Some(len) = answer.oversized {
            return Err(RawFailure::Decode(DecodeError::too_large(
                answer.status,
                len,
                inner.max_body,
                &body,
            )));
        }
        // A redirect that keeps the path carries the webhook code; one to a login page may carry tokens.
        let location = answer.location.map(|l| redact_location(&l, &secrets));
        envelope::read(answer.status, location, &body).map(|success| RawSuccess {
            replayed: answer.replayed,
            ..success
        })
    }
}
