//! Outgoing events: what the portal raises, how it is encoded, and its delivery to bound handlers.

pub mod delivery;
pub mod form;
pub mod payload;

use serde_json::Value;

/// An event raised by a state change, before it is matched against bindings.
#[derive(Debug, Clone, PartialEq)]
pub struct Raised {
    /// Upper-case event name, e.g. `ONSESSIONSTART`.
    pub event: &'static str,
    pub data: Value,
    /// The user whose action raised it; 0 when no portal user did (a client wrote), so no tokens are sent.
    pub user_id: i64,
}

/// Events `event.bind` accepts.
pub const KNOWN_EVENTS: [&str; 15] = [
    "ONSESSIONSTART",
    "ONSESSIONFINISH",
    "ONOPENLINEMESSAGEADD",
    "ONOPENLINEMESSAGEUPDATE",
    "ONOPENLINEMESSAGEDELETE",
    "ONIMCONNECTORMESSAGEADD",
    "ONIMCONNECTORMESSAGEUPDATE",
    "ONIMCONNECTORMESSAGEDELETE",
    "ONIMCONNECTORDIALOGSTART",
    "ONIMCONNECTORDIALOGFINISH",
    "ONIMCONNECTORLINEDELETE",
    "ONIMCONNECTORSTATUSDELETE",
    "ONAPPINSTALL",
    "ONAPPUNINSTALL",
    "ONAPPTEST",
];
