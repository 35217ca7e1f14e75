//! An OAuth application: access token in each call, one shared refresh when it expires.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::Url;
use serde::Deserialize;

use crate::error::AuthError;
use crate::secret::Secret;

/// The authorization server named by the documentation.
pub const DEFAULT_TOKEN_ENDPOINT: &str = "https://oauth.bitrix.info/oauth/token/";

/// Why the token store refused a new pair, in the application's own words.
pub type StoreError = Box<dyn std::error::Error + Send + Sync>;

/// Receives the tokens after each refresh, before any call uses them. The refresh token rotates, so
/// the old one stops working: store the new pair durably, and answer `Err` when that failed.
pub type TokenCallback = Arc<
    dyn Fn(Tokens) -> Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send>> + Send + Sync,
>;

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
    pub(super) portal: String,
    pub(super) client_id: String,
    pub(super) client_secret: Secret,
    pub(super) access_token: Secret,
    pub(super) refresh_token: Secret,
    pub(super) token_endpoint: String,
    pub(super) on_refresh: Option<TokenCallback>,
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

    /// Stores the new tokens after every refresh. The client uses a new pair only once this answered
    /// `Ok`; until then calls fail with [`AuthError::Store`](crate::AuthError::Store), and the next
    /// call offers the same pair again (the authorization server is not asked twice for it). The store
    /// runs in its own task, so a call that is cancelled meanwhile does not interrupt it.
    pub fn on_refresh<F, Fut>(mut self, store: F) -> Self
    where
        F: Fn(Tokens) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), StoreError>> + Send + 'static,
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

/// The REST base of a portal: `https://host/rest/`, whatever form the address was given in.
pub(super) fn rest_base(mut url: Url) -> Url {
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
pub(super) fn read_answer(status: u16, body: &[u8]) -> Result<Tokens, AuthError> {
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
}
