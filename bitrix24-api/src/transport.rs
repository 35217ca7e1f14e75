//! One HTTP exchange, with every failure turned into a [`TransportError`] that holds no URL.

use std::error::Error as _;

use crate::error::{TransportError, TransportKind};

/// A complete HTTP answer.
pub(crate) struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

/// Sends a request and reads the whole body (the request's own timeout covers both).
pub(crate) async fn send(request: reqwest::RequestBuilder) -> Result<Answer, TransportError> {
    let response = request.send().await.map_err(transport_error)?;
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.bytes().await.map_err(transport_error)?.to_vec();
    Ok(Answer {
        status,
        location,
        body,
    })
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
