//! Who the client calls as: an incoming webhook or an OAuth application.

mod oauth;
mod session;
mod webhook;

pub use oauth::{OAuth, StoreError, TokenCallback, Tokens};
pub(crate) use session::OAuthSession;
pub(crate) use webhook::Webhook;

use std::sync::Arc;

use reqwest::Url;

use crate::client::BuildError;
use crate::secret::Secret;

/// The credentials of a running client.
#[derive(Debug)]
pub(crate) enum Auth {
    Webhook(Webhook),
    OAuth(Arc<OAuthSession>),
}

/// What one attempt authenticates with.
pub(crate) struct Credentials {
    /// Where the method name is appended.
    pub base: Url,
    /// Where a REST 3.0 method's name is appended: the same with `/api/` after `/rest/`.
    pub base_v3: Url,
    /// The access token for the body's `auth`, if any.
    pub token: Option<Secret>,
    /// The token generation, so that a refresh after `expired_token` is done once for all callers.
    pub generation: u64,
}

impl Auth {
    pub fn credentials(&self) -> Credentials {
        match self {
            Auth::Webhook(hook) => Credentials {
                base: hook.base().clone(),
                base_v3: hook.base_v3(),
                token: None,
                generation: 0,
            },
            Auth::OAuth(session) => session.credentials(),
        }
    }

    /// Every secret the client holds, for redacting server text.
    pub fn secrets(&self) -> Vec<Secret> {
        match self {
            Auth::Webhook(hook) => vec![hook.code().clone()],
            Auth::OAuth(session) => session.secrets(),
        }
    }
}

impl Credentials {
    /// The URL of `method`, on the classic API or on REST 3.0.
    pub fn url(&self, method: &str, rest_v3: bool) -> Result<Url, String> {
        let base = if rest_v3 { &self.base_v3 } else { &self.base };
        base.join(method).map_err(|e| e.to_string())
    }
}

/// Parses an endpoint and enforces HTTPS unless plain HTTP was allowed.
pub(crate) fn endpoint(what: &'static str, url: &str, allow_http: bool) -> Result<Url, BuildError> {
    let url = Url::parse(url).map_err(|e| BuildError::InvalidUrl {
        what,
        reason: e.to_string(),
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_http => Ok(url),
        "http" => Err(BuildError::HttpsRequired { what }),
        other => Err(BuildError::InvalidUrl {
            what,
            reason: format!("unsupported scheme `{other}`"),
        }),
    }
}

impl crate::Client {
    /// Gives an OAuth client new tokens, e.g. after the user installed or authorized the application
    /// again. Needed after a refresh was refused with `invalid_grant`: the client does not ask the
    /// authorization server again until then. `false` for a webhook client, which has no tokens.
    pub fn replace_oauth_tokens(
        &self,
        access_token: impl Into<Secret>,
        refresh_token: impl Into<Secret>,
    ) -> bool {
        match &self.inner.auth {
            Auth::OAuth(session) => {
                session.replace(access_token.into(), refresh_token.into());
                true
            }
            Auth::Webhook(_) => false,
        }
    }
}
