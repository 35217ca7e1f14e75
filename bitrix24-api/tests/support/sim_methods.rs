//! Hand-written method types for the runtime's tests against the simulator, so that those tests do not
//! depend on the generated scope modules.
#![allow(dead_code)]

use bitrix24_api::{Method, UndocumentedError};
use serde::Serialize;

/// `imopenlines.session.start`: closes the chat's session and opens a new one, so it is not safe to
/// repeat.
#[derive(Debug, Clone, Serialize)]
pub struct SessionStart {
    #[serde(rename = "CHAT_ID")]
    pub chat_id: i64,
}

impl Method for SessionStart {
    const NAME: &'static str = "imopenlines.session.start";
    const SCOPE: &'static str = "imopenlines";
    const SAFE_TO_REPEAT: bool = false;
    type Response = bool;
    type Wire = bitrix24_api::wire::Same;
    type Error = UndocumentedError;
}

/// `imopenlines.revision.get`: a cheap read, so the portal's own work does not dominate.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionGet {}

impl Method for RevisionGet {
    const NAME: &'static str = "imopenlines.revision.get";
    const SCOPE: &'static str = "imopenlines";
    const SAFE_TO_REPEAT: bool = true;
    type Response = serde_json::Value;
    type Wire = bitrix24_api::wire::Same;
    type Error = UndocumentedError;
}
