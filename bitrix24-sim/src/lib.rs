//! A local simulated Bitrix24 portal, for tests, examples and benchmarks.
//!
//! It speaks the REST wire protocol (webhook and OAuth paths, JSON and PHP-style form bodies, the
//! `time` block, the platform's error statuses), enforces the request-rate and operating-time limits,
//! runs `batch`, keeps an in-memory model of open lines (lines, chats, sessions, operators, connectors)
//! and posts events to handlers on 127.0.0.1. Methods without a model answer with their documented
//! example from the API schema. Faults can be injected, and every request is logged and counted.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use bitrix24_sim::{Fault, Simulator};
//!
//! let sim = Simulator::builder().no_rate_limit().start().await?;
//! let url = format!("{}imopenlines.revision.get", sim.webhook_url());
//! sim.inject(Fault::query_limit().for_method("user.get").times(1));
//! assert_eq!(sim.counters().requests, 0);
//! # let _ = url;
//! # Ok(())
//! # }
//! ```

#![recursion_limit = "256"]

mod admin;
mod auth;
mod batch;
mod clock;
pub mod config;
mod events;
mod execute;
mod fallback;
mod faults;
mod handle;
mod idempotency;
mod limits;
mod methods;
mod observe;
mod paging;
mod portal;
mod server;
mod state;
mod wire;

pub use config::{
    BatchBilling, Latency, OAuthApp, OperatingLimit, RateLimit, Secret, SimConfig, Webhook,
};
pub use events::delivery::DeliveryRecord;
pub use faults::{BatchDamage, Fault, FaultKind};
pub use handle::{OAuthTokens, Simulator, SimulatorBuilder};
pub use observe::{Counters, MethodCounters, RequestRecord};
pub use portal::demo;
pub use portal::dialog::{ClientMessage, Delivered};
pub use wire::envelope::ApiError;
