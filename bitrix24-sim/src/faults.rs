//! Injected failures: what a flaky network, proxy or overloaded portal does to a call.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with this status and body instead of calling the method.
    Status {
        status: u16,
        body: String,
        #[serde(default = "json_content_type")]
        content_type: String,
    },
    /// An HTML error page from a proxy in front of the portal.
    Html { status: u16 },
    /// A redirect, as from a portal that moved. In `location`, `{path}` stands for the request's path
    /// and query (so the webhook code goes along) and `{auth}` for the `auth` parameter it carried.
    Redirect { status: u16, location: String },
    /// A 200 success envelope of `bytes` bytes (a long string `result`), streamed in chunks; with
    /// `content_length` the size is announced up front, otherwise it is sent chunked.
    Oversized {
        bytes: u64,
        #[serde(default)]
        content_length: bool,
    },
    /// The method runs, but only the first half of the response body arrives (with a matching length).
    Truncated,
    /// Wait, then answer normally.
    Delay { millis: u64 },
    /// Drop the connection without a response. With `after_execution` the method runs first, so the
    /// client cannot know whether it took effect.
    ConnectionReset {
        #[serde(default)]
        after_execution: bool,
    },
    /// 503 `QUERY_LIMIT_EXCEEDED`, as if the request-rate limit were hit.
    QueryLimit,
    /// 429 `OPERATION_TIME_LIMIT`; for a specific method it also hits that method inside a batch.
    OperationTimeLimit,
    /// The method runs, and its `result` object gains the key `name` with `value`: a field the docs
    /// do not describe. A result that is not an object is left as it is.
    ExtraField { name: String, value: Value },
    /// The `batch` runs, but one entry of its answer arrives damaged.
    MalformedBatchEntry { damage: BatchDamage },
    /// The method runs as if no `filter` had been sent, as a portal does with a filter it cannot apply.
    IgnoreFilter,
}

/// How [`FaultKind::MalformedBatchEntry`] damages a `batch` answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchDamage {
    /// The first command's `result_time` entry is a string instead of a `time` block.
    TimeNotAnObject,
    /// The first failed command's `error_description` is `null`.
    NullDescription,
    /// The first command's `result` entry is left out, although the command ran.
    ResultMissing,
}

fn json_content_type() -> String {
    "application/json; charset=utf-8".into()
}

/// A fault and when it applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// The method it applies to (any case); `None` applies to every request.
    #[serde(default)]
    pub method: Option<String>,
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many requests it affects; `None` until cleared.
    #[serde(default)]
    pub times: Option<u32>,
}

impl Fault {
    pub fn new(kind: FaultKind) -> Self {
        Fault {
            method: None,
            kind,
            times: None,
        }
    }

    pub fn status(status: u16, body: impl Into<String>) -> Self {
        Fault::new(FaultKind::Status {
            status,
            body: body.into(),
            content_type: json_content_type(),
        })
    }

    pub fn html(status: u16) -> Self {
        Fault::new(FaultKind::Html { status })
    }

    /// A redirect to `location`, with `{path}` and `{auth}` filled in from the request.
    pub fn redirect(status: u16, location: impl Into<String>) -> Self {
        Fault::new(FaultKind::Redirect {
            status,
            location: location.into(),
        })
    }

    /// A success envelope of `bytes` bytes, sent chunked without a `Content-Length`.
    pub fn oversized(bytes: u64) -> Self {
        Fault::new(FaultKind::Oversized {
            bytes,
            content_length: false,
        })
    }

    /// A success envelope of `bytes` bytes whose `Content-Length` announces the size.
    pub fn oversized_announced(bytes: u64) -> Self {
        Fault::new(FaultKind::Oversized {
            bytes,
            content_length: true,
        })
    }

    pub fn truncated() -> Self {
        Fault::new(FaultKind::Truncated)
    }

    pub fn delay(by: Duration) -> Self {
        Fault::new(FaultKind::Delay {
            millis: by.as_millis() as u64,
        })
    }

    pub fn connection_reset() -> Self {
        Fault::new(FaultKind::ConnectionReset {
            after_execution: false,
        })
    }

    pub fn connection_reset_after_execution() -> Self {
        Fault::new(FaultKind::ConnectionReset {
            after_execution: true,
        })
    }

    pub fn query_limit() -> Self {
        Fault::new(FaultKind::QueryLimit)
    }

    pub fn operation_time_limit() -> Self {
        Fault::new(FaultKind::OperationTimeLimit)
    }

    pub fn extra_field(name: impl Into<String>, value: Value) -> Self {
        Fault::new(FaultKind::ExtraField {
            name: name.into(),
            value,
        })
    }

    /// Use with `.for_method("batch")`.
    pub fn malformed_batch_entry(damage: BatchDamage) -> Self {
        Fault::new(FaultKind::MalformedBatchEntry { damage })
    }

    pub fn ignore_filter() -> Self {
        Fault::new(FaultKind::IgnoreFilter)
    }

    /// Only for calls of this method.
    pub fn for_method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_lowercase());
        self
    }

    /// Only for the OAuth token endpoint. Faults without a target never reach it; this one reaches
    /// nothing else. A delay or a reset happens after the refresh took effect (the refresh token is
    /// already rotated), as when the server commits and then the answer is slow or lost.
    pub fn for_token_endpoint(mut self) -> Self {
        self.method = Some(TOKEN_ENDPOINT.to_owned());
        self
    }

    /// Only for the next `n` matching requests.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }
}

/// The target name of faults for `/oauth/token/` (not a REST method name, so no call matches it).
pub const TOKEN_ENDPOINT: &str = "oauth/token";

#[derive(Debug, Default, Clone)]
pub struct FaultBook {
    faults: Vec<Fault>,
}

impl FaultBook {
    pub fn add(&mut self, mut fault: Fault) {
        fault.method = fault.method.map(|m| m.to_ascii_lowercase());
        self.faults.push(fault);
    }

    pub fn clear(&mut self) {
        self.faults.clear();
    }

    /// The first fault for a request of `method` (or for a request whose method is unknown), used up once.
    pub fn take(&mut self, method: Option<&str>) -> Option<FaultKind> {
        self.take_where(|fault| fault.method.is_none() || fault.method.as_deref() == method)
    }

    /// A fault aimed at the token endpoint, used up once.
    pub fn take_for_token_endpoint(&mut self) -> Option<FaultKind> {
        self.take_where(|f| f.method.as_deref() == Some(TOKEN_ENDPOINT))
    }

    /// A method-specific operating-time fault, for a command inside a batch.
    pub fn take_for_batch_command(&mut self, method: &str) -> bool {
        self.take_where(|f| {
            f.kind == FaultKind::OperationTimeLimit && f.method.as_deref() == Some(method)
        })
        .is_some()
    }

    fn take_where(&mut self, applies: impl Fn(&Fault) -> bool) -> Option<FaultKind> {
        let at = self.faults.iter().position(applies)?;
        let kind = self.faults[at].kind.clone();
        match &mut self.faults[at].times {
            Some(1) => {
                self.faults.remove(at);
            }
            Some(n) => *n -= 1,
            None => {}
        }
        Some(kind)
    }
}
