//! A typed client for the Bitrix24 REST API.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = bitrix24_api::Client::from_webhook("https://example.bitrix24.com/rest/1/code/")?;
//! # let _ = client;
//! # Ok(())
//! # }
//! ```

mod auth;
mod autobatch;
pub mod batch;
mod call;
mod client;
mod envelope;
mod error;
pub mod events;
mod form;
pub mod generated;
pub mod limits;
pub mod method;
pub mod paging;
mod pipeline;
mod reply;
mod secret;
mod transport;
pub mod wire;

pub use auth::{OAuth, TokenCallback, Tokens};
pub use batch::{Batch, BatchReply, Cmd, ResultRef};
pub use call::Call;
pub use client::{BuildError, Client, ClientBuilder};
pub use error::{
    AuthError, DecodeError, EXCERPT_LIMIT, Error, HttpError, TransportError, TransportKind,
};
pub use generated::system::SystemError;
pub use limits::{OperatingLimit, RateLimit, RetryPolicy};
pub use method::{Event, Method, MethodError, UndocumentedError};
pub use reply::{Reply, Time};
pub use secret::Secret;
