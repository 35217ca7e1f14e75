//! An OAuth application: access token in each call, one shared refresh when it expires.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use reqwest::Url;
use serde::Deserialize;

use super::{Credentials, endpoint};
use crate::client::BuildError;
use crate::error::AuthError;
use crate::secret::Secret;
use crate::transport;

/// The authorization server named by the documentation.
pub const DEFAULT_TOKEN_ENDPOINT: &str = "https://oauth.bitrix.info/oauth/token/";

/// Receives the tokens after each refresh. The refresh token rotates, so the old one stops working:
/// store the new pair before the next process start.
pub type TokenCallback =
    Arc<dyn Fn(Tokens) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// A fresh token pair, as handed to the [`TokenCallback`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Tokens {
    /// The access token (lives an hour).
    pub access_token: Secret,
    /// The refresh token (lives 180 days, replaced on every refresh).
    pub refresh_token: Secret,
    /// Unix time the access token expires, when the server said.
    pub expires: Option<i64>,
    /// The portal's REST base, when the server said.
    pub client_endpoint: Option<String>,
}

/// OAuth credentials of an installed application.
pub struct OAuth {
    portal: String,
    client_id: String,
    client_secret: Secret,
    access_token: Secret,
    refresh_token: Secret,
    token_endpoint: String,
    on_refresh: Option<TokenCallback>,
}

impl OAuth {
    /// `portal` is the portal address (`https://example.bitrix24.com`) or its REST base
    /// (`client_endpoint`, `https://example.bitrix24.com/rest/`).
    pub fn new(
        portal: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        access_token: impl Into<Secret>,
        refresh_token: impl Into<Secret>,
    ) -> Self {
        OAuth {
            portal: portal.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            access_token: access_token.into(),
            refresh_token: refresh_token.into(),
            token_endpoint: DEFAULT_TOKEN_ENDPOINT.to_owned(),
            on_refresh: None,
        }
    }

    /// Another authorization server (a self-hosted portal, a regional server, a simulator).
    pub fn token_endpoint(mut self, url: impl Into<String>) -> Self {
        self.token_endpoint = url.into();
        self
    }

    /// Called with the new tokens after every refresh, before the waiting calls continue.
    pub fn on_refresh<F, Fut>(mut self, store: F) -> Self
    where
        F: Fn(Tokens) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_refresh = Some(Arc::new(move |tokens| Box::pin(store(tokens))));
        self
    }
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("portal", &self.portal)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("access_token", &self.access_token)
            .field("refresh_token", &self.refresh_token)
            .field("token_endpoint", &self.token_endpoint)
            .finish_non_exhaustive()
    }
}

/// The live OAuth state of a client, shared by its clones.
pub(crate) struct OAuthSession {
    client_id: String,
    client_secret: Secret,
    token_endpoint: Url,
    allow_http: bool,
    on_refresh: Option<TokenCallback>,
    current: RwLock<Current>,
    /// Held for the whole refresh, so that concurrent `expired_token`s cause one refresh.
    refreshing: tokio::sync::Mutex<()>,
}

#[derive(Clone)]
struct Current {
    base: Url,
    access: Secret,
    refresh: Secret,
    generation: u64,
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
            refreshing: tokio::sync::Mutex::new(()),
        })
    }

    fn current(&self) -> Current {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn credentials(&self) -> Credentials {
        let current = self.current();
        Credentials {
            base: current.base,
            token: Some(current.access),
            generation: current.generation,
        }
    }

    pub fn secrets(&self) -> Vec<Secret> {
        let current = self.current();
        vec![current.access, current.refresh, self.client_secret.clone()]
    }

    /// Refreshes the tokens unless another caller already replaced generation `seen`.
    pub async fn refresh(
        &self,
        http: &reqwest::Client,
        timeout: Duration,
        seen: u64,
    ) -> Result<(), AuthError> {
        let _one_at_a_time = self.refreshing.lock().await;
        let current = self.current();
        if current.generation != seen {
            return Ok(());
        }
        tracing::info!(client_id = %self.client_id, "refreshing the OAuth access token");
        let request = http
            .get(self.token_endpoint.clone())
            .timeout(timeout)
            .query(&[
                ("grant_type", "refresh_token"),
                ("client_id", &self.client_id),
                ("client_secret", self.client_secret.expose()),
                ("refresh_token", current.refresh.expose()),
            ]);
        let answer = transport::send(request)
            .await
            .map_err(AuthError::Transport)?;
        let tokens = read_answer(answer.status, &answer.body)?;
        let base = tokens
            .client_endpoint
            .as_deref()
            .and_then(|url| endpoint("portal", url, self.allow_http).ok())
            .map_or(current.base, rest_base);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Current {
            base,
            access: tokens.access_token.clone(),
            refresh: tokens.refresh_token.clone(),
            generation: current.generation + 1,
        };
        if let Some(store) = &self.on_refresh {
            store(tokens).await;
        }
        Ok(())
    }
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

/// The REST base of a portal: `https://host/rest/`, whatever form the address was given in.
fn rest_base(mut url: Url) -> Url {
    if !url.path().trim_end_matches('/').ends_with("/rest") {
        let path = format!("{}/rest/", url.path().trim_end_matches('/'));
        url.set_path(&path);
    } else if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url
}

#[derive(Deserialize)]
struct Answer {
    access_token: Option<String>,
    refresh_token: Option<String>,
    expires: Option<serde_json::Value>,
    client_endpoint: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Reads the authorization server's answer. Its body is never kept: it holds tokens.
fn read_answer(status: u16, body: &[u8]) -> Result<Tokens, AuthError> {
    let bad = |reason: &str| AuthError::BadAnswer {
        http_status: status,
        reason: reason.to_owned(),
    };
    let answer: Answer = serde_json::from_slice(body).map_err(|_| bad("not a JSON object"))?;
    if let Some(code) = answer.error {
        return Err(AuthError::Refused {
            code,
            description: answer.error_description.unwrap_or_default(),
            http_status: status,
        });
    }
    match (answer.access_token, answer.refresh_token) {
        (Some(access), Some(refresh)) if !access.is_empty() && !refresh.is_empty() => Ok(Tokens {
            access_token: Secret::new(access),
            refresh_token: Secret::new(refresh),
            expires: answer
                .expires
                .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok())),
            client_endpoint: answer.client_endpoint,
        }),
        _ => Err(bad("no access_token and refresh_token")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rest_base_is_derived_from_any_portal_form() {
        for given in [
            "https://p.bitrix24.com",
            "https://p.bitrix24.com/",
            "https://p.bitrix24.com/rest",
            "https://p.bitrix24.com/rest/",
        ] {
            assert_eq!(
                rest_base(Url::parse(given).unwrap()).as_str(),
                "https://p.bitrix24.com/rest/",
                "{given}"
            );
        }
    }

    #[test]
    fn answers_are_read_without_keeping_the_body() {
        let tokens = read_answer(200, br#"{"access_token":"a1","refresh_token":"r1","expires":"1700000000","client_endpoint":"https://p/rest/"}"#).unwrap();
        assert_eq!(
            (tokens.access_token.expose(), tokens.refresh_token.expose()),
            ("a1", "r1")
        );
        assert_eq!(tokens.expires, Some(1_700_000_000));
        match read_answer(
            400,
            br#"{"error":"invalid_grant","error_description":"Invalid refresh token"}"#,
        ) {
            Err(AuthError::Refused {
                code, http_status, ..
            }) => assert_eq!((code.as_str(), http_status), ("invalid_grant", 400)),
            other => panic!("{other:?}"),
        }
        let err = read_answer(200, br#"{"access_token":"secret-token-value"}"#).unwrap_err();
        assert!(!format!("{err:?}{err}").contains("secret-token-value"));
        assert!(matches!(
            read_answer(502, b"<html>"),
            Err(AuthError::BadAnswer {
                http_status: 502,
                ..
            })
        ));
    }

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
}
