//! The simulator's state and the execution of one method call, shared by plain calls and batch commands.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use serde_json::{Map, Value};

use crate::auth::{Caller, Tokens};
use crate::batch;
use crate::clock::Clock;
use crate::config::{BatchBilling, SimConfig};
use crate::events::delivery::{self, Delivery, Sender};
use crate::fallback::Fallback;
use crate::faults::FaultBook;
use crate::limits::operating::OperatingLedger;
use crate::limits::rate::LeakyBuckets;
use crate::methods::{Args, Call, Table};
use crate::observe::Observations;
use crate::portal::{Portal, demo};
use crate::wire::envelope::{ApiError, Reply, Timing};

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
    portal
}

/// Where a call comes from: its own HTTP request, or a command inside a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Request,
    BatchCommand,
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

    pub fn knows(&self, method: &str) -> bool {
        method == "batch" || self.methods.contains_key(method) || self.fallback.knows(method)
    }

    /// Run one call: the operating-time check, the method itself, billing and the `time` block.
    pub fn execute(
        &self,
        sim: &mut Sim,
        caller: &Caller,
        method: &str,
        params: &Map<String, Value>,
        scope: Scope,
    ) -> Result<(Reply, Timing), ApiError> {
        let started = sim.clock.now();
        let watch = Instant::now();
        sim.observed.counters.method(method).calls += 1;
        if scope == Scope::BatchCommand && sim.faults.take_for_batch_command(method) {
            return Err(refused(sim, method, ApiError::operation_time_limit()));
        }
        let limit = sim.config.operating_limit.clone();
        let billed = match (method == "batch", scope) {
            (true, _) => limit
                .as_ref()
                .is_some_and(|l| l.batch_billing == BatchBilling::Batch),
            (false, Scope::BatchCommand) => limit
                .as_ref()
                .is_some_and(|l| l.batch_billing == BatchBilling::InnerCalls),
            (false, Scope::Request) => limit.is_some(),
        };
        let budget_key = caller.budget_key();
        if let Some(limit) = limit.as_ref().filter(|_| billed)
            && sim.ledger.usage(&budget_key, method, started).seconds > limit.budget
        {
            return Err(refused(sim, method, ApiError::operation_time_limit()));
        }

        let (reply, extra_cost) = self.run(sim, caller, method, params)?;

        let cost = limit.as_ref().map_or(0.0, |l| l.cost_of(method)) + extra_cost;
        if let Some(limit) = limit.as_ref().filter(|_| billed) {
            sim.ledger.record(
                &budget_key,
                method,
                cost,
                started,
                limit.window.as_secs_f64(),
            );
        }
        let usage = sim.ledger.usage(&budget_key, method, started);
        let processing = watch.elapsed().as_secs_f64() + cost;
        let timing = Timing {
            start: started,
            finish: started + processing,
            processing,
            operating: usage.seconds,
            operating_reset_at: usage.reset_at,
        };
        Ok((reply, timing))
    }

    /// Dispatch to `batch`, an implemented method, or the documented example. The second value is the
    /// cost of batch commands, which `batch` pays when it is billed itself.
    fn run(
        &self,
        sim: &mut Sim,
        caller: &Caller,
        method: &str,
        params: &Map<String, Value>,
    ) -> Result<(Reply, f64), ApiError> {
        if method == "batch" {
            return Ok(batch::run(self, sim, caller, params));
        }
        if let Some(def) = self.methods.get(method) {
            if def.app_only && !caller.is_app() {
                return Err(ApiError::wrong_auth_type());
            }
            let now = sim.clock.now();
            let mut call = Call::new(Args(params), caller, &mut sim.portal, now, &self.base_url);
            let outcome = (def.handler)(&mut call);
            if call.changed() && outcome.is_ok() {
                sim.observed.counters.method(method).side_effects += 1;
            }
            return outcome.map(|reply| (reply, 0.0));
        }
        match self.fallback.answer(method, Args(params)) {
            Some(answer) => answer.map(|reply| (reply, 0.0)),
            None => Err(ApiError::method_not_found()),
        }
    }
}

/// Count a limit refusal and pass the error on.
pub fn refused(sim: &mut Sim, method: &str, error: ApiError) -> ApiError {
    sim.observed.counters.limit_refusals += 1;
    sim.observed.counters.method(method).limit_refusals += 1;
    error
}
