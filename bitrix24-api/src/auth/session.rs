//! The live OAuth state of a client: the tokens in use, and the one refresh all callers share.
//!
//! A refresh runs in a task of its own and every caller awaits the same outcome, so a caller that is
//! cancelled (a timeout, a dropped future) cannot interrupt it half-way: the rotated refresh token is
//! always either stored and published, or kept for the next attempt. The order is: ask the authorization
//! server, store the pair through the application's callback, and only then publish it to calls. A
//! failed refresh is shared the same way: `invalid_grant` stays until new tokens are supplied, other
//! failures are not retried before a backoff has passed.

use std::fmt;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use reqwest::Url;
use tokio::time::Instant;

use super::oauth::{OAuth, TokenCallback, Tokens, read_answer, rest_base};
use super::{Credentials, endpoint};
use crate::client::BuildError;
use crate::error::AuthError;
use crate::secret::{Secret, redact};
use crate::transport;

/// The first pause after a failed refresh; each further failure doubles it.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// The longest pause between refresh attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// The live OAuth state of a client, shared by its clones.
pub(crate) struct OAuthSession {
    client_id: String,
    client_secret: Secret,
    token_endpoint: Url,
    allow_http: bool,
    on_refresh: Option<TokenCallback>,
    current: RwLock<Current>,
    /// Locked before `current` whenever both are needed.
    refresh: Mutex<Refresh>,
}

#[derive(Clone)]
struct Current {
    base: Url,
    access: Secret,
    refresh: Secret,
    generation: u64,
}

type Outcome = Shared<BoxFuture<'static, Result<(), AuthError>>>;

/// Where the shared refresh stands.
enum Refresh {
    Idle,
    /// Running in its own task; callers await this.
    Running(Outcome),
    /// The last refresh failed. Callers get `error` until `retry_at`; never again for a refused grant.
    Failed {
        error: AuthError,
        retry_at: Option<Instant>,
        failures: u32,
        /// A pair the server issued that the store callback did not accept yet: the server has already
        /// retired the previous refresh token, so this pair is the only way back.
        unstored: Option<Tokens>,
    },
}

/// A refresh that did not publish new tokens.
struct Failure {
    error: AuthError,
    unstored: Option<Tokens>,
}

impl OAuthSession {
    pub fn new(config: OAuth, allow_http: bool) -> Result<Self, BuildError> {
        let base = rest_base(endpoint("portal", &config.portal, allow_http)?);
        let token_endpoint = endpoint("token endpoint", &config.token_endpoint, allow_http)?;
        Ok(Self {
            client_id: config.client_id,
            client_secret: config.client_secret,
            token_endpoint,
            allow_http,
            on_refresh: config.on_refresh,
            current: RwLock::new(Current {
                base,
                access: config.access_token,
                refresh: config.refresh_token,
                generation: 0,
            }),
            refresh: Mutex::new(Refresh::Idle),
        })
    }

    fn current(&self) -> Current {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Refresh> {
        self.refresh.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn credentials(&self) -> Credentials {
        let current = self.current();
        Credentials {
            // The base ends in `/rest/`, so this cannot fail; the classic base is the fallback anyway.
            base_v3: current.base.join("api/").unwrap_or(current.base.clone()),
            base: current.base,
            token: Some(current.access),
            generation: current.generation,
        }
    }

    pub fn secrets(&self) -> Vec<Secret> {
        let current = self.current();
        let mut secrets = vec![current.access, current.refresh, self.client_secret.clone()];
        if let Refresh::Failed {
            unstored: Some(tokens),
            ..
        } = &*self.state()
        {
            secrets.extend([tokens.access_token.clone(), tokens.refresh_token.clone()]);
        }
        secrets
    }

    /// Replaces the tokens, e.g. after the user authorized the application again. Ends a sticky
    /// refusal; a refresh still running for the old tokens is discarded when it finishes.
    pub fn replace(&self, access: Secret, refresh: Secret) {
        let mut state = self.state();
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        current.access = access;
        current.refresh = refresh;
        current.generation += 1;
        *state = Refresh::Idle;
    }

    /// Refreshes the tokens unless generation `seen` was already replaced. Joins a refresh that is
    /// running, and answers a recent failure without asking the server again.
    pub async fn refresh(
        self: &Arc<Self>,
        http: &reqwest::Client,
        timeout: Duration,
        seen: u64,
    ) -> Result<(), AuthError> {
        let outcome = {
            let mut state = self.state();
            if self.current().generation != seen {
                return Ok(());
            }
            match &mut *state {
                Refresh::Running(outcome) => outcome.clone(),
                Refresh::Failed {
                    error, retry_at, ..
                } if retry_at.is_none_or(|at| Instant::now() < at) => return Err(error.clone()),
                Refresh::Failed {
                    failures, unstored, ..
                } => {
                    let (failures, unstored) = (*failures, unstored.take());
                    self.start(&mut state, http.clone(), timeout, seen, failures, unstored)
                }
                Refresh::Idle => self.start(&mut state, http.clone(), timeout, seen, 0, None),
            }
        };
        outcome.await
    }

    /// Spawns the refresh task and records it as running.
    fn start(
        self: &Arc<Self>,
        state: &mut Refresh,
        http: reqwest::Client,
        timeout: Duration,
        seen: u64,
        failures: u32,
        unstored: Option<Tokens>,
    ) -> Outcome {
        let session = Arc::clone(self);
        let task = tokio::spawn(async move {
            let attempt = AssertUnwindSafe(session.fetch_and_store(&http, timeout, unstored));
            let result = attempt.catch_unwind().await.unwrap_or_else(|_| {
                Err(Box::new(Failure {
                    error: AuthError::Store {
                        reason: "the token store panicked".to_owned(),
                    },
                    unstored: None,
                }))
            });
            session.finish(seen, failures, result)
        });
        let outcome = async move {
            task.await.unwrap_or_else(|_| {
                Err(AuthError::Store {
                    reason: "the refresh task was stopped".to_owned(),
                })
            })
        }
        .boxed()
        .shared();
        *state = Refresh::Running(outcome.clone());
        outcome
    }

    /// Asks the server for a new pair (unless one is waiting to be stored), then stores it.
    async fn fetch_and_store(
        &self,
        http: &reqwest::Client,
        timeout: Duration,
        unstored: Option<Tokens>,
    ) -> Result<Tokens, Box<Failure>> {
        let tokens = match unstored {
            Some(tokens) => tokens,
            None => self.fetch(http, timeout).await.map_err(|error| {
                Box::new(Failure {
                    error,
                    unstored: None,
                })
            })?,
        };
        let Some(store) = &self.on_refresh else {
            return Ok(tokens);
        };
        let stored = AssertUnwindSafe(store(tokens.clone())).catch_unwind().await;
        let reason = match stored {
            Ok(Ok(())) => return Ok(tokens),
            Ok(Err(e)) => e.to_string(),
            Err(_) => "the token store panicked".to_owned(),
        };
        tracing::warn!(client_id = %self.client_id, "the new OAuth tokens could not be stored");
        Err(Box::new(Failure {
            error: AuthError::Store { reason },
            unstored: Some(tokens),
        }))
    }

    async fn fetch(&self, http: &reqwest::Client, timeout: Duration) -> Result<Tokens, AuthError> {
        tracing::info!(client_id = %self.client_id, "refreshing the OAuth access token");
        let refresh = self.current().refresh;
        let request = http
            .get(self.token_endpoint.clone())
            .timeout(timeout)
            .query(&[
                ("grant_type", "refresh_token"),
                ("client_id", &self.client_id),
                ("client_secret", self.client_secret.expose()),
                ("refresh_token", refresh.expose()),
            ]);
        let answer = transport::send(request)
            .await
            .map_err(AuthError::Transport)?;
        read_answer(answer.status, &answer.body).map_err(|error| match error {
            // A refusal's text is the server's: one that echoes what it was sent would carry the
            // refresh token or the client secret into the error, its Display and the logs.
            AuthError::Refused {
                code,
                description,
                http_status,
            } => {
                let secrets = self.secrets();
                AuthError::Refused {
                    code: redact(&code, &secrets).into_owned(),
                    description: redact(&description, &secrets).into_owned(),
                    http_status,
                }
            }
            other => other,
        })
    }

    /// Publishes stored tokens, or records the failure for the callers that come next.
    fn finish(
        &self,
        seen: u64,
        failures: u32,
        result: Result<Tokens, Box<Failure>>,
    ) -> Result<(), AuthError> {
        let mut state = self.state();
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        if current.generation != seen {
            // New tokens were supplied meanwhile; they win.
            return Ok(());
        }
        match result {
            Ok(tokens) => {
                let base = tokens
                    .client_endpoint
                    .as_deref()
                    .and_then(|url| endpoint("portal", url, self.allow_http).ok())
                    .map_or(current.base.clone(), rest_base);
                *current = Current {
                    base,
                    access: tokens.access_token,
                    refresh: tokens.refresh_token,
                    generation: seen + 1,
                };
                *state = Refresh::Idle;
                Ok(())
            }
            Err(failure) => {
                let Failure { error, unstored } = *failure;
                let failures = failures + 1;
                let retry_at = match &error {
                    e if is_final(e) => None,
                    // A store failure costs the server nothing: the next call may offer the pair again.
                    AuthError::Store { .. } => Some(Instant::now()),
                    _ => Some(Instant::now() + backoff(failures)),
                };
                *state = Refresh::Failed {
                    error: error.clone(),
                    retry_at,
                    failures,
                    unstored,
                };
                Err(error)
            }
        }
    }
}

/// A refusal no retry can change: the refresh token or the application's credentials are not valid.
fn is_final(error: &AuthError) -> bool {
    matches!(error, AuthError::Refused { code, .. } if code == "invalid_grant" || code == "invalid_client")
}

/// The pause after the `failures`-th failed refresh in a row.
fn backoff(failures: u32) -> Duration {
    FIRST_BACKOFF
        .saturating_mul(2u32.saturating_pow(failures.saturating_sub(1)))
        .min(MAX_BACKOFF)
}

impl fmt::Debug for OAuthSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let current = self.current();
        f.debug_struct("OAuthSession")
            .field("portal", &current.base.host_str().unwrap_or_default())
            .field("client_id", &self.client_id)
            .field("generation", &current.generation)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_every_credential() {
        let config = OAuth::new(
            "https://p.bitrix24.com",
            "app.1",
            "client-secret-1",
            "access-token-1",
            "refresh-token-1",
        );
        let debug = format!("{config:?}");
        for secret in ["client-secret-1", "access-token-1", "refresh-token-1"] {
            assert!(!debug.contains(secret), "{debug}");
        }
        let session = OAuthSession::new(config, false).unwrap();
        let debug = format!("{session:?}");
        assert!(
            debug.contains("p.bitrix24.com") && !debug.contains("access-token-1"),
            "{debug}"
        );
    }

    #[test]
    fn https_is_required_for_the_portal_and_the_token_endpoint() {
        let plain = OAuth::new("http://127.0.0.1:1", "a", "b", "c", "d");
        assert!(matches!(
            OAuthSession::new(plain, false),
            Err(BuildError::HttpsRequired { what: "portal" })
        ));
        let plain_token = OAuth::new("https://p", "a", "b", "c", "d")
            .token_endpoint("http://127.0.0.1:1/oauth/token/");
        assert!(matches!(
            OAuthSession::new(plain_token, false),
            Err(BuildError::HttpsRequired {
                what: "token endpoint"
            })
        ));
    }

    #[test]
    fn refresh_backoff_doubles_up_to_a_minute() {
        let pauses: Vec<u64> = (1..=8).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(pauses, [1, 2, 4, 8, 16, 32, 60, 60]);
    }

    #[test]
    fn only_a_refused_grant_or_client_is_final() {
        let refused = |code: &str| AuthError::Refused {
            code: code.to_owned(),
            description: String::new(),
            http_status: 400,
        };
        assert!(is_final(&refused("invalid_grant")));
        assert!(is_final(&refused("invalid_client")));
        assert!(!is_final(&refused("temporarily_unavailable")));
        assert!(!is_final(&AuthError::Store {
            reason: String::new()
        }));
    }
}
