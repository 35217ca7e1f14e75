//! Who is calling: webhook credentials, OAuth access tokens, and the refresh grant.

use std::collections::HashMap;

use axum::http::HeaderMap;
use rand::Rng;
use rand::distr::Alphanumeric;
use serde_json::{Map, Value};

use crate::config::{OAuthApp, SimConfig};
use crate::wire::envelope::ApiError;
use crate::wire::route::PathAuth;

/// How a caller authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthKind {
    /// The index of the webhook in the configuration.
    Webhook(usize),
    /// An application, by client id.
    App(String),
}

/// An authenticated caller: a portal user acting through a webhook or an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: i64,
    pub kind: AuthKind,
}

impl Caller {
    /// The key operating time is kept under: one budget per webhook or application.
    pub fn budget_key(&self) -> String {
        match &self.kind {
            AuthKind::Webhook(index) => format!("webhook:{index}"),
            AuthKind::App(client_id) => format!("app:{client_id}"),
        }
    }

    pub fn is_app(&self) -> bool {
        matches!(self.kind, AuthKind::App(_))
    }
}

/// Parameters that carry credentials and never reach a method.
pub const RESERVED_PARAMS: [&str; 6] = [
    "auth",
    "access_token",
    "auth_connector",
    "aplogin",
    "ap",
    "state",
];

/// Authenticate a request; `params` still holds the reserved keys.
pub fn authenticate(
    config: &SimConfig,
    tokens: &Tokens,
    path: &PathAuth,
    params: &Map<String, Value>,
    headers: &HeaderMap,
    now: f64,
) -> Result<Caller, ApiError> {
    match path {
        PathAuth::Webhook { user, secret } => {
            if config.https_required && !arrived_over_https(headers) {
                return Err(ApiError::new(401, "INVALID_REQUEST", "Https required."));
            }
            config
                .webhooks
                .iter()
                .position(|hook| {
                    hook.user_id.to_string() == *user && hook.secret.expose() == secret
                })
                .map(|index| Caller {
                    user_id: config.webhooks[index].user_id,
                    kind: AuthKind::Webhook(index),
                })
                .ok_or_else(|| {
                    ApiError::new(401, "INVALID_CREDENTIALS", "Invalid request credentials")
                })
        }
        PathAuth::OAuth => {
            let token = bearer(headers)
                .or_else(|| params.get("auth").and_then(Value::as_str))
                .or_else(|| params.get("access_token").and_then(Value::as_str))
                .filter(|token| !token.is_empty())
                .ok_or_else(|| ApiError::new(401, "NO_AUTH_FOUND", "Wrong authorization data"))?;
            tokens.check(token, now)
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
}

fn arrived_over_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}

#[derive(Debug, Clone)]
struct Grant {
    user_id: i64,
    client_id: String,
    expires_at: f64,
}

/// A fresh pair of tokens, as the token endpoint and the in-process API hand them out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedTokens {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_at: i64,
    pub expires_in: u64,
    pub user_id: i64,
}

/// Live access and refresh tokens.
#[derive(Debug, Default, Clone)]
pub struct Tokens {
    access: HashMap<String, Grant>,
    refresh: HashMap<String, Grant>,
}

impl Tokens {
    pub fn issue(&mut self, app: &OAuthApp, user_id: i64, now: f64) -> IssuedTokens {
        let access_token = random_token();
        let refresh_token = random_token();
        let grant = |lifetime: f64| Grant {
            user_id,
            client_id: app.client_id.clone(),
            expires_at: now + lifetime,
        };
        self.access.insert(
            access_token.clone(),
            grant(app.access_token_lifetime.as_secs_f64()),
        );
        self.refresh.insert(
            refresh_token.clone(),
            grant(app.refresh_token_lifetime.as_secs_f64()),
        );
        IssuedTokens {
            access_token,
            refresh_token,
            expires_at: (now + app.access_token_lifetime.as_secs_f64()) as i64,
            expires_in: app.access_token_lifetime.as_secs(),
            user_id,
        }
    }

    fn check(&self, token: &str, now: f64) -> Result<Caller, ApiError> {
        let grant = self.access.get(token).ok_or_else(|| {
            ApiError::new(401, "invalid_token", "The access token provided is invalid")
        })?;
        if grant.expires_at <= now {
            return Err(ApiError::new(
                401,
                "expired_token",
                "The access token provided has expired",
            ));
        }
        Ok(Caller {
            user_id: grant.user_id,
            kind: AuthKind::App(grant.client_id.clone()),
        })
    }

    /// The refresh grant: rotate the refresh token and issue a new access token.
    pub fn refresh(
        &mut self,
        app: &OAuthApp,
        params: &Map<String, Value>,
        now: f64,
    ) -> Result<IssuedTokens, ApiError> {
        let text = |name: &str| {
            params
                .get(name)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
        };
        let invalid_request = |what: &str| ApiError::new(400, "invalid_request", what.to_owned());
        match text("grant_type") {
            Some("refresh_token") => {}
            Some(_) => return Err(invalid_request("Only the refresh_token grant is supported")),
            None => return Err(invalid_request("grant_type is missing")),
        }
        let client_id = text("client_id").ok_or_else(|| invalid_request("client_id is missing"))?;
        let client_secret =
            text("client_secret").ok_or_else(|| invalid_request("client_secret is missing"))?;
        let refresh_token =
            text("refresh_token").ok_or_else(|| invalid_request("refresh_token is missing"))?;
        if client_id != app.client_id || client_secret != app.client_secret.expose() {
            return Err(ApiError::new(
                401,
                "invalid_client",
                "Unknown client or wrong client secret",
            ));
        }
        let invalid_grant = || {
            ApiError::new(
                400,
                "invalid_grant",
                "The refresh token is invalid or has expired",
            )
        };
        let grant = self
            .refresh
            .remove(refresh_token)
            .ok_or_else(invalid_grant)?;
        if grant.expires_at <= now || grant.client_id != client_id {
            return Err(invalid_grant());
        }
        Ok(self.issue(app, grant.user_id, now))
    }
}

fn random_token() -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(40)
        .map(|b| char::from(b).to_ascii_lowercase())
        .collect()
}
