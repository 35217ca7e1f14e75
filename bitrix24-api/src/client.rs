//! The client: credentials, limits and an HTTP connection pool, shared by every clone.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::auth::{Auth, OAuth, OAuthSession, Webhook};
use crate::autobatch::AutoBatcher;
use crate::call::Call;
use crate::limits::{
    LeakyBucket, OperatingBudget, OperatingLimit, RateLimit, RetryPolicy, RetryTokens,
};
use crate::method::Method;
use crate::transport::DEFAULT_MAX_BODY;
use crate::unread::UnreadReport;

/// A Bitrix24 REST client. Cheap to clone; clones share the connection pool, the rate limiter, the
/// operating-time figures and the OAuth tokens.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub http: reqwest::Client,
    pub auth: Auth,
    pub bucket: Option<LeakyBucket>,
    pub operating: Option<OperatingBudget>,
    pub retry: RetryPolicy,
    pub timeout: Duration,
    pub batcher: Option<AutoBatcher>,
    pub unread: Option<UnreadReport>,
    pub max_body: u64,
    /// The total time a call may take, unless the call sets its own.
    pub deadline: Option<Duration>,
    /// The retry budget's tokens, shared by every call (`None` when the policy has no budget).
    pub retry_tokens: Option<RetryTokens>,
}

impl Client {
    /// A client for an incoming webhook, `https://{portal}/rest/{user_id}/{code}/`, with default limits.
    pub fn from_webhook(url: &str) -> Result<Client, BuildError> {
        Client::builder().webhook(url).build()
    }

    /// A client for an OAuth application, with default limits.
    pub fn from_oauth(credentials: OAuth) -> Result<Client, BuildError> {
        Client::builder().oauth(credentials).build()
    }

    /// Every setting, with the platform's defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Calls any method: `client.call(request).await`.
    pub fn call<M: Method>(&self, request: M) -> Call<'_, M> {
        Call::new(self, request)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("auth", &self.inner.auth)
            .field("bucket", &self.inner.bucket)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

enum AuthChoice {
    Webhook(String),
    OAuth(OAuth),
}

/// Builds a [`Client`]. The defaults keep a margin below each of the portal's own limits, because
/// meeting a limit exactly means being refused by it now and then:
///
/// - rate: [`RateLimit::default`], the standard plan's limit (50 at once, 2 per second) less 10%. At
///   exactly the portal's figures, scheduling jitter alone gets about 1 request in 400 refused.
/// - timeout: 50 s per request. The portal cuts a request off at 60 s; a client that waits exactly as
///   long races that cut-off, while 50 s leaves the rest of the deadline for a retry.
/// - idle connections: closed after 20 s. Servers and proxies drop idle keep-alive connections after
///   30 to 75 s; reusing one they just dropped makes a call fail as interrupted, and a creating call
///   cannot be repeated after that.
/// - deadline: 300 s per call, pacing, retries and waits included.
/// - answers of at most 32 MiB; a 480 s operating budget per method; [`RetryPolicy::default`] with its
///   retry budget; HTTPS only.
pub struct ClientBuilder {
    auth: Option<AuthChoice>,
    allow_http: bool,
    timeout: Duration,
    connect_timeout: Duration,
    rate_limit: Option<RateLimit>,
    operating: Option<OperatingLimit>,
    retry: RetryPolicy,
    user_agent: String,
    auto_batch: Option<Duration>,
    report_unread_fields: bool,
    max_body: u64,
    deadline: Option<Duration>,
    pool_idle_timeout: Duration,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            auth: None,
            allow_http: false,
            // Below the portal's 60 s cut-off (see the type's docs).
            timeout: Duration::from_secs(50),
            connect_timeout: Duration::from_secs(10),
            rate_limit: Some(RateLimit::default()),
            operating: Some(OperatingLimit::default()),
            retry: RetryPolicy::default(),
            user_agent: concat!("bitrix24-api/", env!("CARGO_PKG_VERSION")).to_owned(),
            auto_batch: None,
            report_unread_fields: false,
            max_body: DEFAULT_MAX_BODY,
            deadline: Some(Duration::from_secs(300)),
            pool_idle_timeout: Duration::from_secs(20),
        }
    }
}

impl ClientBuilder {
    /// Calls through an incoming webhook.
    pub fn webhook(mut self, url: impl Into<String>) -> Self {
        self.auth = Some(AuthChoice::Webhook(url.into()));
        self
    }

    /// Calls as an OAuth application.
    pub fn oauth(mut self, credentials: OAuth) -> Self {
        self.auth = Some(AuthChoice::OAuth(credentials));
        self
    }

    /// Allows plain `http://` endpoints. Only for a local portal or a simulator: over HTTP the webhook
    /// code and the tokens travel in clear text.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// The longest time one request may take, from sending to the last byte of the answer.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest time establishing a connection may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The portal's request-rate limit ([`RateLimit::STANDARD`] or [`RateLimit::ENTERPRISE`]), or
    /// `None` to send without pacing.
    pub fn rate_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.rate_limit = limit;
        self
    }

    /// The per-method operating-time budget, or `None` to ignore the portal's figures.
    pub fn operating_limit(mut self, limit: Option<OperatingLimit>) -> Self {
        self.operating = limit;
        self
    }

    /// How failed calls are retried.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `User-Agent`, which the documentation asks to name the integration.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The largest response body read, in bytes (32 MiB by default). A larger one is not read to the
    /// end: the call fails with a [`crate::DecodeError`] whose `body_limit` is set.
    pub fn max_response_body(mut self, bytes: u64) -> Self {
        self.max_body = bytes;
        self
    }

    /// Coalesces concurrent calls into `batch` requests: calls made within `window` of each other (up to
    /// 50) leave together, each still getting its own typed outcome. Fewer requests means more calls
    /// within the rate limit, for a little latency. Only calls that behave in a batch as they would
    /// alone share one: safe to repeat, parameters without `null`, booleans or empty lists, and a method
    /// within its operating budget; the others go alone. Off by default.
    pub fn auto_batch(mut self, window: Duration) -> Self {
        self.auto_batch = Some(window);
        self
    }

    /// Reports response fields that the generated types do not read: the portal sends something the
    /// docs do not describe, or the types miss it. Each becomes one `WARN` tracing event (target
    /// `bitrix24_api::unread`, fields `method` and `path` such as `result.QUEUE_FULL.5.NEW_KEY`), at
    /// most once per 10 minutes for each method and path. Covers calls sent alone and pages, not
    /// the commands of a batch (nor calls [`auto_batch`](Self::auto_batch) sent inside one). Off by
    /// default; off, decoding is the plain decode it always was.
    pub fn report_unread_fields(mut self, report: bool) -> Self {
        self.report_unread_fields = report;
        self
    }

    /// The longest a call may take in total: pacing, every attempt, backoff and operating waits.
    /// A call past it fails with [`Error::Deadline`](crate::Error::Deadline); a retry whose pause would
    /// end after it is not taken. `None` for no limit. [`Call::deadline`](crate::Call::deadline)
    /// overrides it for one call.
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// How long an idle connection is kept for reuse. Keep it below the server's keep-alive timeout.
    pub fn pool_idle_timeout(mut self, idle: Duration) -> Self {
        self.pool_idle_timeout = idle;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let auth = match self.auth.ok_or(BuildError::NoCredentials)? {
            AuthChoice::Webhook(url) => Auth::Webhook(Webhook::parse(&url, self.allow_http)?),
            AuthChoice::OAuth(config) => {
                Auth::OAuth(Arc::new(OAuthSession::new(config, self.allow_http)?))
            }
        };
        crate::tls::ensure_provider()?;
        let http = reqwest::Client::builder()
            .https_only(!self.allow_http)
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .pool_idle_timeout(self.pool_idle_timeout)
            .user_agent(self.user_agent)
            // A redirect would carry the token or the webhook code to wherever it points.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| BuildError::Http(e.to_string()))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                auth,
                bucket: self.rate_limit.and_then(LeakyBucket::new),
                operating: self.operating.map(OperatingBudget::new),
                retry: self.retry,
                timeout: self.timeout,
                batcher: self.auto_batch.map(AutoBatcher::new),
                unread: self.report_unread_fields.then(UnreadReport::default),
                max_body: self.max_body,
                deadline: self.deadline,
                retry_tokens: self.retry.budget.map(RetryTokens::new),
            }),
        })
    }
}

/// Why a client could not be built. Never contains a credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Neither a webhook nor OAuth credentials were given.
    #[error("no credentials: give a webhook URL or OAuth credentials")]
    NoCredentials,
    /// An endpoint is not a usable URL.
    #[error("invalid {what}: {reason}")]
    InvalidUrl {
        /// Which endpoint.
        what: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// An endpoint is `http://` and plain HTTP was not allowed.
    #[error("the {what} must use https (allow plain http only for a local portal)")]
    HttpsRequired {
        /// Which endpoint.
        what: &'static str,
    },
    /// The HTTP stack could not be set up.
    #[error("HTTP client: {0}")]
    Http(String),
}
