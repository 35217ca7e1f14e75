//! The contract between generated method types and the runtime.

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
pub trait MethodError: std::fmt::Debug + std::fmt::Display + Send + Sync + 'static {
    /// Builds the error from the envelope's `error`, `error_description` and the HTTP status.
    fn from_wire(code: &str, description: &str, http_status: u16) -> Self;
    /// The wire code (`error`).
    fn code(&self) -> &str;
}

/// An event: its payload type implements this.
pub trait Event: DeserializeOwned + Send + 'static {
    /// The event code as delivered, such as `"ONSESSIONSTART"`.
    const NAME: &'static str;
    const SCOPE: &'static str;
}
