//! One call from parameters to envelope: pacing, authentication, sending, retrying, tracing.

use std::time::Instant;

use serde::Serialize;
use tracing::{Instrument, field};

use crate::auth::{Auth, Credentials};
use crate::client::Client;
use crate::envelope::{self, RawFailure, RawSuccess};
use crate::error::DecodeError;
use crate::limits::{Attempt, Next, decide};
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

impl Client {
    /// Calls `method` until it succeeds or fails for good, inside a span that records the method, the
    /// attempt, the outcome and the duration.
    pub(crate) async fn send_raw(
        &self,
        method: &'static str,
        params: &Params,
        safe: bool,
    ) -> Result<RawSuccess, RawFailure> {
        let span = tracing::info_span!(
            "bitrix24.call",
            method,
            attempt = field::Empty,
            outcome = field::Empty,
            duration_ms = field::Empty
        );
        let started = Instant::now();
        async {
            let result = self.attempts(method, params, safe).await;
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
        method: &'static str,
        params: &Params,
        safe: bool,
    ) -> Result<RawSuccess, RawFailure> {
        let inner = &self.inner;
        let mut refreshed = false;
        let mut number = 0;
        loop {
            number += 1;
            tracing::Span::current().record("attempt", number);
            if let Some(wait) = inner.operating.as_ref().and_then(|b| b.wait(method))
                && wait <= inner.retry.max_operating_wait
            {
                tracing::info!(
                    wait_ms = wait.as_millis() as u64,
                    "pausing for the method's operating-time budget"
                );
                tokio::time::sleep(wait).await;
            }
            if let Some(bucket) = &inner.bucket {
                bucket.acquire().await;
            }
            let credentials = inner.auth.credentials();
            let failure = match self.attempt(method, params, &credentials).await {
                Ok(success) => {
                    if let (Some(budget), Some(time)) = (&inner.operating, &success.time) {
                        budget.record(method, time);
                    }
                    return Ok(success);
                }
                Err(failure) => failure,
            };
            let mut operating_wait = None;
            if let RawFailure::Envelope { code, .. } = &failure {
                match code.as_str() {
                    "QUERY_LIMIT_EXCEEDED" => inner.bucket.iter().for_each(|b| b.fill()),
                    "OPERATION_TIME_LIMIT" => {
                        if let Some(budget) = &inner.operating {
                            budget.refused(method);
                            operating_wait = budget.wait(method);
                        }
                    }
                    _ => {}
                }
            }
            let can_refresh = matches!(inner.auth, Auth::OAuth(_)) && !refreshed;
            let attempt = Attempt {
                number,
                safe_to_repeat: safe,
                can_refresh,
                operating_wait,
            };
            match decide(&inner.retry, failure.classify(), attempt) {
                Next::Fail => return Err(failure),
                Next::Retry(delay) => {
                    let delay_ms = delay.as_millis() as u64;
                    tracing::info!(
                        attempt = number,
                        reason = failure.label(),
                        delay_ms,
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                }
                Next::Refresh => {
                    refreshed = true;
                    if let Auth::OAuth(session) = &inner.auth {
                        session
                            .refresh(&inner.http, inner.timeout, credentials.generation)
                            .await
                            .map_err(RawFailure::Auth)?;
                    }
                }
            }
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
        method: &str,
        params: &Params,
        credentials: &Credentials,
    ) -> Result<RawSuccess, RawFailure> {
        let inner = &self.inner;
        let url = credentials.base.join(method).map_err(|e| {
            RawFailure::Encode(format!("method name `{method}` does not form a URL: {e}"))
        })?;
        let body = Body {
            params,
            auth: credentials.token.as_ref().map(|t| t.expose()),
        };
        let body = serde_json::to_vec(&body).map_err(|e| RawFailure::Encode(e.to_string()))?;
        let request = inner
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body);
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
        envelope::read(answer.status, location, &body)
    }
}
