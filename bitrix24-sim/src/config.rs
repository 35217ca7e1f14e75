//! Everything a simulated portal can be configured with. The defaults match a cloud portal on a
//! non-Enterprise plan.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// A credential that never shows in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// An incoming webhook: `/rest/{user_id}/{secret}/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub user_id: i64,
    pub secret: Secret,
}

/// The one OAuth application installed on the portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthApp {
    pub client_id: String,
    pub client_secret: Secret,
    /// Sent as `auth[application_token]` with every event so handlers can check the sender.
    pub application_token: Secret,
    pub access_token_lifetime: Duration,
    pub refresh_token_lifetime: Duration,
}

impl Default for OAuthApp {
    fn default() -> Self {
        OAuthApp {
            client_id: "local.sim0000000000001.00000001".into(),
            client_secret: Secret("sim-client-secret".into()),
            application_token: Secret("sim-application-token".into()),
            access_token_lifetime: Duration::from_secs(3600),
            refresh_token_lifetime: Duration::from_secs(180 * 86_400),
        }
    }
}

/// The front-end request-rate limit (a leaky bucket per client address).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// How many requests may arrive at once before the portal answers 503.
    pub burst: f64,
    pub drain_per_second: f64,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit {
            burst: 50.0,
            drain_per_second: 2.0,
        }
    }
}

/// Network delay added to every `/rest/` call: each request waits a round trip drawn uniformly from
/// `mean ± jitter`, half before the portal handles it and half before the answer leaves, as a WAN would.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Latency {
    pub mean: Duration,
    pub jitter: Duration,
}

impl Latency {
    /// One round trip's delay.
    pub fn sample(&self) -> Duration {
        if self.jitter.is_zero() {
            return self.mean;
        }
        let low = self.mean.saturating_sub(self.jitter);
        let high = self.mean + self.jitter;
        rand::random_range(low..=high)
    }
}

impl std::str::FromStr for Latency {
    type Err = String;

    /// `MEAN[,JITTER]` in milliseconds, e.g. `50` or `50,10`.
    fn from_str(text: &str) -> Result<Self, String> {
        let millis = |part: &str| {
            part.trim()
                .parse::<u64>()
                .map(Duration::from_millis)
                .map_err(|_| format!("`{part}` is not a whole number of milliseconds"))
        };
        let (mean, jitter) = match text.split_once(',') {
            Some((mean, jitter)) => (millis(mean)?, millis(jitter)?),
            None => (millis(text)?, Duration::ZERO),
        };
        Ok(Latency { mean, jitter })
    }
}

/// Who pays operating time for a `batch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BatchBilling {
    /// Each command is checked and billed against its own method; `batch` itself is free (the platform).
    #[default]
    InnerCalls,
    /// `batch` is checked and billed with the cost of all its commands; commands are not checked.
    Batch,
}

/// The per-method operating-time budget.
#[derive(Debug, Clone, PartialEq)]
pub struct OperatingLimit {
    /// Seconds a (caller, method) pair may use within `window` before further calls get 429.
    pub budget: f64,
    pub window: Duration,
    pub batch_billing: BatchBilling,
    /// Simulated seconds each call of a method costs, by lower-case method name.
    pub costs: BTreeMap<String, f64>,
    /// The cost of methods not in `costs`.
    pub default_cost: f64,
}

impl Default for OperatingLimit {
    fn default() -> Self {
        OperatingLimit {
            budget: 480.0,
            window: Duration::from_secs(600),
            batch_billing: BatchBilling::InnerCalls,
            costs: BTreeMap::new(),
            default_cost: 0.0,
        }
    }
}

impl OperatingLimit {
    pub fn cost_of(&self, method: &str) -> f64 {
        self.costs.get(method).copied().unwrap_or(self.default_cost)
    }
}

/// The whole configuration of a simulated portal.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub webhooks: Vec<Webhook>,
    pub app: OAuthApp,
    /// `None` turns the limit off.
    pub rate_limit: Option<RateLimit>,
    pub operating_limit: Option<OperatingLimit>,
    /// Refuse webhook calls that did not arrive over HTTPS (`X-Forwarded-Proto: https` counts).
    pub https_required: bool,
    /// Start with the demo open lines, operators, chats and sessions.
    pub demo_data: bool,
    /// Employees added after the starting users, so that list methods (`user.get`) have many pages.
    pub seed_users: usize,
    /// CRM deals to start with, so that `crm.deal.list` has pages to walk (see `portal::deals::seed`).
    pub seed_deals: usize,
    /// Delay added to every `/rest/` call; `None` answers as fast as loopback allows.
    pub latency: Option<Latency>,
    /// Answer every method from its page's example, the stateful methods included, so that a request
    /// built from the docs meets the answer the docs show.
    pub documented_answers: bool,
}

/// The webhook secret of user 1 unless configured otherwise.
pub const DEFAULT_WEBHOOK_SECRET: &str = "sim0webhook0key1";

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            webhooks: vec![Webhook {
                user_id: 1,
                secret: Secret(DEFAULT_WEBHOOK_SECRET.into()),
            }],
            app: OAuthApp::default(),
            rate_limit: Some(RateLimit::default()),
            operating_limit: Some(OperatingLimit::default()),
            https_required: false,
            demo_data: true,
            seed_users: 0,
            seed_deals: 0,
            latency: None,
            documented_answers: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_reads_mean_and_optional_jitter() {
        assert_eq!(
            "50".parse::<Latency>(),
            Ok(Latency {
                mean: Duration::from_millis(50),
                jitter: Duration::ZERO
            })
        );
        let wan: Latency = "50,10".parse().unwrap();
        assert_eq!(wan.jitter, Duration::from_millis(10));
        assert!((0..100).all(|_| (40..=60).contains(&wan.sample().as_millis())));
        assert!("fast".parse::<Latency>().is_err());
        assert!("50,".parse::<Latency>().is_err());
    }
}
