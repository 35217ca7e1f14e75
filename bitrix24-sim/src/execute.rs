//! Executing one method call, shared by plain requests and batch commands: the operating-time check,
//! dispatch to the method, billing and the `time` block.

use std::time::Instant;

use serde_json::{Map, Value};

use crate::auth::Caller;
use crate::batch;
use crate::config::BatchBilling;
use crate::methods::{Args, Call};
use crate::state::{Shared, Sim};
use crate::wire::envelope::{ApiError, Reply, Timing};

/// Where a call comes from: its own HTTP request (to the classic API or to REST 3.0), or a command
/// inside a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Request,
    RestV3Request,
    BatchCommand,
}

impl Shared {
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
            (false, Scope::Request | Scope::RestV3Request) => limit.is_some(),
        };
        let budget_key = caller.budget_key();
        if let Some(limit) = limit.as_ref().filter(|_| billed)
            && sim.ledger.usage(&budget_key, method, started).seconds > limit.budget
        {
            return Err(refused(sim, method, ApiError::operation_time_limit()));
        }

        let (reply, extra_cost) = match scope {
            Scope::RestV3Request => self.documented(method, true, params)?,
            Scope::Request | Scope::BatchCommand => self.run(sim, caller, method, params)?,
        };

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
        let elapsed = watch.elapsed().as_secs_f64();
        // The simulated cost is billed, not slept: `finish` stays on the clock, because clients read
        // `operating_reset_at` against it, and a `finish` ahead of the clock would move the reset early.
        let timing = Timing {
            start: started,
            finish: started + elapsed,
            processing: elapsed + cost,
            operating: usage.seconds,
            operating_reset_at: usage.reset_at,
        };
        Ok((reply, timing))
    }

    /// Dispatch to `batch`, an implemented method, or the documented example (every method, with
    /// `documented_answers`). The second value is the
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
        let implemented = self
            .methods
            .get(method)
            .filter(|_| !sim.config.documented_answers);
        if let Some(def) = implemented {
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
        self.documented(method, false, params)
    }

    /// The documented answer of a method the simulator has no model for.
    fn documented(
        &self,
        method: &str,
        rest_v3: bool,
        params: &Map<String, Value>,
    ) -> Result<(Reply, f64), ApiError> {
        match self.fallback.answer(method, rest_v3, Args(params)) {
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
