//! The simulator's state: everything that changes while it runs, and the parts fixed at start.

use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::auth::Tokens;
use crate::clock::Clock;
use crate::config::SimConfig;
use crate::events::delivery::{self, Delivery, Sender};
use crate::fallback::Fallback;
use crate::faults::FaultBook;
use crate::idempotency::Idempotency;
use crate::limits::operating::OperatingLedger;
use crate::limits::rate::LeakyBuckets;
use crate::methods::Table;
use crate::observe::Observations;
use crate::portal::{Portal, deals, demo};

/// Everything that changes while the simulator runs.
pub struct Sim {
    pub config: SimConfig,
    pub clock: Clock,
    pub portal: Portal,
    pub tokens: Tokens,
    pub buckets: LeakyBuckets,
    pub ledger: OperatingLedger,
    pub faults: FaultBook,
    pub observed: Observations,
    pub idempotency: Idempotency,
}

impl Sim {
    pub fn new(config: SimConfig) -> Self {
        let clock = Clock::default();
        let portal = initial_portal(&config, clock.now());
        Sim {
            config,
            clock,
            portal,
            tokens: Tokens::default(),
            buckets: LeakyBuckets::default(),
            ledger: OperatingLedger::default(),
            faults: FaultBook::default(),
            observed: Observations::default(),
            idempotency: Idempotency::default(),
        }
    }

    /// Back to the starting portal, with no tokens, faults, limits used or observations. The clock keeps
    /// its offset so time never runs backwards.
    pub fn reset(&mut self) {
        let clock = self.clock;
        *self = Sim::new(self.config.clone());
        self.clock = clock;
    }

    /// Turn the events raised so far into deliveries.
    pub fn take_deliveries(&mut self, base_url: &str) -> Vec<Delivery> {
        let raised = std::mem::take(&mut self.portal.raised);
        if raised.is_empty() {
            return Vec::new();
        }
        let mut sender = Sender {
            app: &self.config.app,
            tokens: &mut self.tokens,
            base_url,
            now: self.clock.now(),
        };
        delivery::plan(raised, &self.portal, &mut sender)
    }
}

fn initial_portal(config: &SimConfig, now: f64) -> Portal {
    let mut portal = if config.demo_data {
        demo::portal(now)
    } else {
        Portal::empty()
    };
    demo::seed_users(&mut portal, config.seed_users);
    deals::seed(&mut portal, config.seed_deals, now);
    portal
}

/// The parts that never change after start.
pub struct Shared {
    pub sim: Mutex<Sim>,
    pub methods: Table,
    pub fallback: Fallback,
    pub base_url: String,
    pub http: reqwest::Client,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, Sim> {
        self.sim.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the classic API, or REST 3.0, has the method. The simulator models classic methods
    /// only; REST 3.0 answers from the docs.
    pub fn knows(&self, method: &str, rest_v3: bool) -> bool {
        match rest_v3 {
            true => self.fallback.knows(method, true),
            false => {
                method == "batch"
                    || self.methods.contains_key(method)
                    || self.fallback.knows(method, false)
            }
        }
    }
}
