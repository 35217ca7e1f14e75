//! A typed client for the Bitrix24 REST API, generated from the official documentation.
//!
//! ```no_run
//! # #[cfg(feature = "imopenlines")]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use bitrix24_api::Client;
//!
//! let client = Client::from_webhook("https://example.bitrix24.com/rest/1/webhook-code/")?;
//! let opened = client.imopenlines().session_open("livechat|1|2|1002").await?;
//! println!("chat {:?}", opened.result.chat_id);
//! # Ok(())
//! # }
//! ```
//!
//! - **Calls**: per-scope accessors (`client.imopenlines()`), or [`Client::call`] with any generated
//!   request type. A call answers a [`Reply`] (the typed `result`, the `time` block, `next`/`total`) or an
//!   [`Error`]: the method's own error (an [`ApiError`] whose code is one of the codes its page
//!   documents, or `Other`), a [`SystemError`], or a transport, HTTP or decode failure.
//! - **Credentials**: a webhook URL, or [`OAuth`] with one shared refresh on `expired_token` and a
//!   callback that stores the new tokens. HTTPS is required unless allowed; no credential appears in
//!   `Debug`, `Display`, errors or logs.
//! - **Limits** ([`limits`]): a leaky bucket shared by all clones, paced 10% below the portal's limit by
//!   default, the per-method operating-time budget, and retries that never repeat a call that may
//!   already have taken effect, unless it is safe to. Retries draw on a shared [`RetryBudget`], and
//!   every call has a total deadline ([`ClientBuilder::deadline`], [`Call::deadline`]).
//! - **Batch** ([`batch`]): typed commands, typed outcomes, `halt`, `$result[…]` references, splitting
//!   above 50; optionally, concurrent calls coalesce into batches ([`ClientBuilder::auto_batch`]).
//! - **REST 3.0**: methods whose docs say so ([`Method::REST_V3`]) are called at `/rest/api/`, their error
//!   object's `validation` list lands in [`ApiError::validation`], and a call that is not safe to repeat
//!   carries an `Idempotency-Key` ([`Call::idempotency_key`]), so that a retry after a lost answer is
//!   answered with the stored response ([`Reply::replayed`]) instead of running twice. They are never
//!   batched.
//! - **Paging** ([`paging`]): list methods as streams. **Events** ([`events`]): verify and type an
//!   incoming event post, read within size, key-count and depth limits before anything is trusted.
//! - **Wire types** ([`wire`]): what generated code uses to read the portal's lenient JSON.
//! - **Lossless decoding** ([`lossless`]): the typed value plus the JSON paths it did not read; the
//!   client can report those on live traffic ([`ClientBuilder::report_unread_fields`]).
//!
//! Every call runs in a `bitrix24.call` tracing span with the method, the attempt, the outcome and the
//! duration.

#![warn(missing_docs)]

mod auth;
mod autobatch;
pub mod batch;
mod call;
mod client;
mod codes;
#[cfg(doctest)]
mod doctest_non_exhaustive;
mod envelope;
mod error;
pub mod events;
mod form;
pub mod generated;
pub mod limits;
pub mod lossless;
pub mod method;
pub mod paging;
mod params;
mod pipeline;
mod reply;
mod secret;
mod tls;
mod transport;
mod unread;
pub mod wire;

pub use auth::{OAuth, StoreError, TokenCallback, Tokens};
pub use batch::{Batch, BatchReply, Cmd, ResultRef};
pub use call::Call;
pub use client::{BuildError, Client, ClientBuilder};
pub use codes::{ApiError, ErrorCode, FallbackCode, Validation};
pub use error::{
    AuthError, DeadlineError, DecodeError, EXCERPT_LIMIT, Error, HttpError, TransportError,
    TransportKind,
};
pub use generated::system::{SystemError, SystemErrorCode};
/// One module per documented scope, each behind the Cargo feature of its name.
pub use generated::*;
pub use limits::{OperatingLimit, RateLimit, RetryBudget, RetryPolicy};
pub use method::{Event, Method, MethodError, UndocumentedError};
pub use reply::{Reply, Time};
pub use secret::Secret;
