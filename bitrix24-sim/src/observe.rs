//! What the simulator saw: a request log and counters, for tests to assert on.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::events::delivery::DeliveryRecord;

/// One HTTP request. Credentials never appear: the webhook secret is masked and the query is not kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestRecord {
    pub http_method: String,
    pub path: String,
    /// The REST method, lower-case, when the path names one.
    pub method: Option<String>,
    /// `webhook`, `oauth` or `none`.
    pub auth: &'static str,
    pub status: u16,
    /// The `error` code of an error envelope.
    pub error: Option<String>,
    /// The `Idempotency-Key` header, as sent.
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MethodCounters {
    /// Calls that reached the method, including commands inside a batch.
    pub calls: u64,
    /// Calls that changed the portal's state.
    pub side_effects: u64,
    /// Calls refused with `QUERY_LIMIT_EXCEEDED` or `OPERATION_TIME_LIMIT`.
    pub limit_refusals: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// HTTP requests to `/rest/`.
    pub requests: u64,
    pub limit_refusals: u64,
    pub faults_injected: u64,
    /// HTTP requests to the OAuth token endpoint, whatever their outcome.
    pub token_requests: u64,
    /// TCP connections accepted. A client that keeps connections alive carries many requests on one;
    /// a new connection after an idle gap shows that the client did not reuse the idle one.
    pub connections: u64,
    pub methods: BTreeMap<String, MethodCounters>,
}

impl Counters {
    pub fn method(&mut self, name: &str) -> &mut MethodCounters {
        self.methods.entry(name.to_owned()).or_default()
    }

    /// Side effects of one method (0 when it was never called).
    pub fn side_effects(&self, method: &str) -> u64 {
        self.methods.get(method).map_or(0, |m| m.side_effects)
    }
}

/// The log keeps the most recent requests only, so a long-running binary does not grow without bound.
const LOG_CAPACITY: usize = 10_000;

#[derive(Debug, Clone, Default)]
pub struct Observations {
    pub log: Vec<RequestRecord>,
    pub counters: Counters,
    pub deliveries: Vec<DeliveryRecord>,
}

impl Observations {
    pub fn record(&mut self, record: RequestRecord) {
        if self.log.len() == LOG_CAPACITY {
            self.log.remove(0);
        }
        self.log.push(record);
    }
}
