//! One HTTP exchange, with every failure turned into a [`TransportError`] that holds no URL.

use std::error::Error as _;

use crate::error::{TransportError, TransportKind};

/// The default for [`crate::ClientBuilder::max_response_body`]: far above any real answer (a page of 50
/// list rows is tens of kilobytes), low enough that a broken proxy cannot exhaust memory.
pub(crate) const DEFAULT_MAX_BODY: u64 = 32 * 1024 * 1024;

/// How much of an oversized body is kept, for the error's excerpt.
const KEPT_OF_OVERSIZED: usize = 4 * 1024;

/// An HTTP response with its body read into memory (only the first bytes of an oversized one).
pub(crate) struct BufferedResponse {
    pub status: u16,
    pub location: Option<String>,
    /// `Idempotent-Replayed: true`: REST 3.0 answered a repeated call with the first one's stored response.
    pub replayed: bool,
    /// The whole body; only its first bytes when `oversized` is set.
    pub body: Vec<u8>,
    /// Set when the body was larger than the limit: its announced length, or the bytes that had
    /// arrived when reading stopped.
    pub oversized: Option<u64>,
}

/// Sends a request and reads the body with [`DEFAULT_MAX_BODY`] as its limit.
pub(crate) async fn send(
    request: reqwest::RequestBuilder,
) -> Result<BufferedResponse, TransportError> {
    send_within(request, DEFAULT_MAX_BODY).await
}

/// Sends a request and reads the body chunk by chunk, stopping as soon as it would pass `max_body`
/// bytes (at once when the `Content-Length` announces more). The request's timeout covers both.
pub(crate) async fn send_within(
    request: reqwest::RequestBuilder,
    max_body: u64,
) -> Result<BufferedResponse, TransportError> {
    let mut response = request.send().await.map_err(transport_error)?;
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let replayed = response
        .headers()
        .get("idempotent-replayed")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"));
    let mut answer = BufferedResponse {
        status,
        location,
        replayed,
        body: Vec::new(),
        oversized: None,
    };
    match response.content_length() {
        Some(announced) if announced > max_body => {
            answer.oversized = Some(announced);
            return Ok(answer);
        }
        Some(announced) => answer.body.reserve_exact(announced as usize),
        None => {}
    }
    while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
        let received = (answer.body.len() + chunk.len()) as u64;
        if received > max_body {
            if answer.body.len() < KEPT_OF_OVERSIZED {
                answer.body.extend_from_slice(&chunk);
            }
            answer.body.truncate(KEPT_OF_OVERSIZED);
            answer.body.shrink_to_fit();
            answer.oversized = Some(received);
            return Ok(answer);
        }
        answer.body.extend_from_slice(&chunk);
    }
    Ok(answer)
}

/// Classifies a reqwest error and describes it without its URL, which may hold a webhook code. A
/// connect timeout is a connect failure, not a timeout: nothing was sent, so any call may be repeated.
pub(crate) fn transport_error(error: reqwest::Error) -> TransportError {
    let kind = if error.is_connect() {
        if caused_by_tls(&error) {
            TransportKind::Tls
        } else {
            TransportKind::Connect
        }
    } else if error.is_timeout() {
        TransportKind::Timeout
    } else if error.is_request() || error.is_body() || error.is_decode() {
        TransportKind::Interrupted
    } else {
        TransportKind::Other
    };
    let error = error.without_url();
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    TransportError { kind, message }
}

/// rustls errors reach us wrapped in `io::Error`, whose `source()` skips the wrapped error itself.
fn caused_by_tls(error: &reqwest::Error) -> bool {
    let mut source = error.source();
    while let Some(cause) = source {
        if cause.is::<rustls::Error>() {
            return true;
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>()
            && io
                .get_ref()
                .is_some_and(|inner| inner.is::<rustls::Error>())
        {
            return true;
        }
        source = cause.source();
    }
    false
}
