//! The contract between generated method types and the runtime.

use std::fmt::{Debug, Display};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A REST method: its request type implements this, and the runtime needs nothing else to call it.
pub trait Method: Serialize + Send + Sync {
    /// The wire name, such as `"imopenlines.session.open"`.
    const NAME: &'static str;
    /// The permission scope the method belongs to.
    const SCOPE: &'static str;
    /// Whether calling the method twice has the same effect as calling it once, so that a
    /// transport failure may be retried.
    const SAFE_TO_REPEAT: bool;
    /// The type of the envelope's `result`.
    type Response: DeserializeOwned + Send + 'static;
    /// The method's documented errors.
    type Error: MethodError;
}

/// A method's error enum: one variant per documented code plus a fallback that keeps what arrived.
///
/// `http_status` is 0 for an error reported inside a batch response, which carries no status of its own.
pub trait MethodError: Debug + Display + Send + Sync + 'static {
    /// A documented code of this method, or None.
    fn from_documented(code: &str, description: &str, http_status: u16) -> Option<Self>
    where
        Self: Sized;
    /// The fallback variant that keeps code, description and status.
    fn fallback(code: String, description: String, http_status: u16) -> Self
    where
        Self: Sized;
    /// The wire code (`error`).
    fn code(&self) -> &str;
}

/// An event: its payload type implements this.
pub trait Event: DeserializeOwned + Send + 'static {
    /// The event code as delivered, such as `"ONSESSIONSTART"`.
    const NAME: &'static str;
    /// The permission scope the event belongs to.
    const SCOPE: &'static str;
}

/// The error type of a method without documented errors (such as `batch`): every code lands in the
/// fallback, which keeps what arrived.
pub type UndocumentedError = crate::ApiError<String>;
