//! The handle on a running simulator: build one, start it on 127.0.0.1, and drive or inspect it from a
//! test.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bitrix24_ir::Spec;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::config::{BatchBilling, Latency, OperatingLimit, RateLimit, Secret, SimConfig, Webhook};
use crate::events::delivery::DeliveryRecord;
use crate::fallback::Fallback;
use crate::faults::Fault;
use crate::observe::{Counters, RequestRecord};
use crate::portal::dialog::{ClientMessage, Delivered};
use crate::server::{self, Conn};
use crate::state::{Shared, Sim};
use crate::wire::envelope::ApiError;

/// Configures a [`Simulator`]. Start from [`Simulator::builder`].
#[derive(Debug, Clone)]
pub struct SimulatorBuilder {
    config: SimConfig,
    spec: Option<Spec>,
    port: u16,
}

impl SimulatorBuilder {
    /// Replace the whole configuration.
    pub fn config(mut self, config: SimConfig) -> Self {
        self.config = config;
        self
    }

    /// Listen on this port of 127.0.0.1; 0 (the default) picks a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The schema the fallback answers from; defaults to `bitrix24_ir::committed()`.
    pub fn spec(mut self, spec: Spec) -> Self {
        self.spec = Some(spec);
        self
    }

    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.config.rate_limit = Some(limit);
        self
    }

    pub fn no_rate_limit(mut self) -> Self {
        self.config.rate_limit = None;
        self
    }

    pub fn operating_limit(mut self, limit: OperatingLimit) -> Self {
        self.config.operating_limit = Some(limit);
        self
    }

    pub fn no_operating_limit(mut self) -> Self {
        self.config.operating_limit = None;
        self
    }

    /// Who pays operating time for `batch` (only with an operating limit).
    pub fn batch_billing(mut self, billing: BatchBilling) -> Self {
        if let Some(limit) = &mut self.config.operating_limit {
            limit.batch_billing = billing;
        }
        self
    }

    pub fn access_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.app.access_token_lifetime = lifetime;
        self
    }

    pub fn refresh_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.app.refresh_token_lifetime = lifetime;
        self
    }

    /// Refuse webhook calls that did not come over HTTPS.
    pub fn https_required(mut self, required: bool) -> Self {
        self.config.https_required = required;
        self
    }

    /// Add a webhook for another user, e.g. an operator of the demo line.
    pub fn webhook(mut self, user_id: i64, secret: &str) -> Self {
        self.config.webhooks.push(Webhook {
            user_id,
            secret: Secret(secret.into()),
        });
        self
    }

    /// Start without the demo lines, chats and sessions (user 1 and the built-in connectors remain).
    pub fn empty_portal(mut self) -> Self {
        self.config.demo_data = false;
        self
    }

    /// Add `count` employees (`User 1`, `User 2`, …), so that `user.get` pages through a large list.
    pub fn seed_users(mut self, count: usize) -> Self {
        self.config.seed_users = count;
        self
    }

    /// Answer every method from its page's example, even those simulated with state (the required
    /// parameters are still checked against the IR).
    pub fn documented_answers(mut self) -> Self {
        self.config.documented_answers = true;
        self
    }

    /// Start with `count` CRM deals (`Seeded deal 1`, …, ids from 1, spread over the stages of the
    /// default funnel), so that `crm.deal.list` pages through a long list.
    pub fn deals(mut self, count: usize) -> Self {
        self.config.seed_deals = count;
        self
    }

    /// Delay every `/rest/` call by a round trip of `mean ± jitter`, like a portal across a WAN.
    pub fn latency(mut self, latency: Latency) -> Self {
        self.config.latency = Some(latency);
        self
    }

    /// Bind 127.0.0.1 and serve in the background of the current tokio runtime.
    pub async fn start(self) -> io::Result<Simulator> {
        let listener =
            TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))).await?;
        let address = listener.local_addr()?;
        let base_url = format!("http://{address}");
        let spec = self.spec.unwrap_or_else(bitrix24_ir::committed);
        let http = reqwest::Client::builder()
            .build()
            .map_err(io::Error::other)?;
        let shared = Arc::new(Shared {
            sim: Mutex::new(Sim::new(self.config)),
            methods: crate::methods::table(),
            fallback: Fallback::from_spec(&spec),
            base_url,
            http,
        });
        let app = server::router(Arc::clone(&shared)).into_make_service_with_connect_info::<Conn>();
        let listener = server::CountingListener {
            tcp: listener,
            shared: Arc::clone(&shared),
        };
        let task = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::error!(%error, "simulator stopped");
            }
        });
        Ok(Simulator {
            shared,
            address,
            task,
        })
    }
}

/// Tokens for the portal's OAuth application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthTokens {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
    pub client_id: String,
    pub client_secret: Secret,
}

/// A running simulated portal. It stops when dropped.
pub struct Simulator {
    shared: Arc<Shared>,
    address: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Simulator {
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder {
            config: SimConfig::default(),
            spec: None,
            port: 0,
        }
    }

    /// Start with the defaults: demo data, cloud limits, a webhook for user 1.
    pub async fn start() -> io::Result<Simulator> {
        Simulator::builder().start().await
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// `http://127.0.0.1:PORT/rest/`: append a method name and send an OAuth token.
    pub fn rest_url(&self) -> String {
        format!("{}/rest/", self.shared.base_url)
    }

    /// The first configured webhook, `http://127.0.0.1:PORT/rest/1/SECRET/`: append a method name.
    pub fn webhook_url(&self) -> String {
        let sim = self.shared.lock();
        sim.config
            .webhooks
            .first()
            .map_or_else(String::new, |hook| {
                format!(
                    "{}/rest/{}/{}/",
                    self.shared.base_url,
                    hook.user_id,
                    hook.secret.expose()
                )
            })
    }

    /// The OAuth token endpoint, `http://127.0.0.1:PORT/oauth/token/`.
    pub fn token_url(&self) -> String {
        format!("{}/oauth/token/", self.shared.base_url)
    }

    /// Issue OAuth tokens for a user, as if they had installed the application.
    pub fn issue_tokens(&self, user_id: i64) -> OAuthTokens {
        let mut sim = self.shared.lock();
        let now = sim.clock.now();
        let sim = &mut *sim;
        let issued = sim.tokens.issue(&sim.config.app, user_id, now);
        OAuthTokens {
            access_token: issued.access_token,
            refresh_token: issued.refresh_token,
            expires_in: issued.expires_in,
            client_id: sim.config.app.client_id.clone(),
            client_secret: sim.config.app.client_secret.clone(),
        }
    }

    /// The `auth[application_token]` events carry.
    pub fn application_token(&self) -> String {
        self.shared
            .lock()
            .config
            .app
            .application_token
            .expose()
            .to_owned()
    }

    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.add(fault);
    }

    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    pub fn counters(&self) -> Counters {
        self.shared.lock().observed.counters.clone()
    }

    pub fn request_log(&self) -> Vec<RequestRecord> {
        self.shared.lock().observed.log.clone()
    }

    /// Event deliveries finished so far.
    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        self.shared.lock().observed.deliveries.clone()
    }

    /// Move simulated time forward: drains the rate limit, ages operating time, expires tokens.
    pub fn advance_clock(&self, by: Duration) {
        self.shared.lock().clock.advance(by);
    }

    /// Back to the starting portal, clearing tokens, faults, limits and observations.
    pub fn reset(&self) {
        self.shared.lock().reset();
    }

    /// A message from an external client, as a connector would deliver it; events are sent as usual.
    pub fn client_message(&self, message: &ClientMessage) -> Result<Delivered, ApiError> {
        let (delivered, deliveries) = {
            let mut sim = self.shared.lock();
            let now = sim.clock.now();
            let delivered = sim.portal.receive_client_message(message, now)?;
            (delivered, sim.take_deliveries(&self.shared.base_url))
        };
        server::spawn_deliveries(&self.shared, deliveries);
        Ok(delivered)
    }
}
