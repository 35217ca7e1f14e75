//! Everything a call can end in, other than success.

use std::fmt;

use crate::generated::system::SystemError;
use crate::method::MethodError;

/// Why a call failed. `E` is the method's documented error enum.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E> {
    /// The portal answered with one of the method's errors (documented, or its fallback variant).
    #[error("{0}")]
    Method(E),
    /// The portal answered with an error any method may return (limits, authorization, …).
    #[error("{0}")]
    System(SystemError),
    /// The request did not complete: connect, TLS, timeout or a connection dropped mid-way.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// An HTTP status without a JSON envelope, such as a proxy's HTML 502 page.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The body is not the JSON the method's types describe.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The OAuth tokens could not be refreshed.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The request could not be encoded (for example a map with non-string keys).
    #[error("the request could not be encoded: {0}")]
    Encode(String),
    /// The call did not finish within its deadline ([`ClientBuilder::deadline`](crate::ClientBuilder::deadline),
    /// [`Call::deadline`](crate::Call::deadline)); pacing, retries and waits all count.
    #[error(transparent)]
    Deadline(#[from] DeadlineError),
    /// A batch command that did not run, because an earlier one failed and the batch halts on errors.
    #[error("not executed: the batch halted at an earlier command")]
    NotExecuted,
    /// A batch command that was not sent: a value it takes from an earlier command's result does not
    /// exist.
    #[error(transparent)]
    NotSent(crate::batch::ReferenceError),
    /// A batch command the portal's answer says nothing about: it may or may not have run.
    #[error("outcome unknown: the batch answer does not mention the command, which may have run")]
    MissingFromAnswer,
    /// A walk through a list could not go on: the portal did not move past the previous page.
    #[error(transparent)]
    Paging(crate::paging::PagingError),
}

impl<E: MethodError> Error<E> {
    /// Resolves an error envelope: a documented code of the method first, then a system error, then the
    /// method's fallback variant. An unknown code therefore never fails decoding.
    pub fn from_envelope(code: &str, description: &str, http_status: u16) -> Self {
        if let Some(e) = E::from_documented(code, description, http_status) {
            return Error::Method(e);
        }
        match SystemError::from_wire(code, description, http_status) {
            Some(s) => Error::System(s),
            None => Error::Method(E::fallback(
                code.to_owned(),
                description.to_owned(),
                http_status,
            )),
        }
    }

    /// Adds REST 3.0's `validation` details to an error the portal answered with.
    pub(crate) fn with_validation(self, validation: Vec<crate::Validation>) -> Self {
        match self {
            _ if validation.is_empty() => self,
            Error::Method(e) => Error::Method(e.with_validation(validation)),
            Error::System(s) => Error::System(crate::ApiError { validation, ..s }),
            other => other,
        }
    }

    /// The wire code when the portal answered with an error envelope.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Method(e) => Some(e.code()),
            Error::System(s) => Some(s.code.as_str()),
            _ => None,
        }
    }
}

/// How a request failed to complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// No connection could be made; nothing was sent.
    Connect,
    /// The TLS handshake failed; nothing was sent.
    Tls,
    /// No complete response arrived within the timeout; the portal may have executed the call.
    Timeout,
    /// The connection broke after the request was sent (reset, closed early, body cut short).
    Interrupted,
    /// Anything else reported by the HTTP stack.
    Other,
}

impl TransportKind {
    /// True when the request certainly never reached the portal, so that repeating it cannot duplicate
    /// an effect.
    pub fn nothing_was_sent(self) -> bool {
        matches!(self, TransportKind::Connect | TransportKind::Tls)
    }
}

/// A request that did not complete. The message never contains the URL, which may hold a webhook code.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{kind}: {message}")]
#[non_exhaustive]
pub struct TransportError {
    /// What went wrong.
    pub kind: TransportKind,
    /// The HTTP stack's description, without the URL.
    pub message: String,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Connect => "could not connect",
            TransportKind::Tls => "TLS handshake failed",
            TransportKind::Timeout => "timed out",
            TransportKind::Interrupted => "connection interrupted",
            TransportKind::Other => "request failed",
        })
    }
}

/// A call that ran out of time. Whether the request in flight at that moment took effect is unknown.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the call did not finish within its deadline of {deadline:?}")]
#[non_exhaustive]
pub struct DeadlineError {
    /// The deadline the call had.
    pub deadline: std::time::Duration,
}

/// The longest body excerpt kept in an [`HttpError`] or a [`DecodeError`], in bytes: enough to see what
/// came back, small enough that errors copied into every command of a batch stay small.
pub const EXCERPT_LIMIT: usize = 512;

/// An HTTP status that came without a JSON error envelope.
#[derive(Debug, Clone, thiserror::Error)]
#[error("HTTP {status} without a Bitrix24 envelope: {excerpt:?}")]
#[non_exhaustive]
pub struct HttpError {
    /// The HTTP status.
    pub status: u16,
    /// The first [`EXCERPT_LIMIT`] bytes of the body (cut at a character boundary), secrets redacted.
    pub excerpt: String,
    /// The `Location` header of a redirect, with webhook codes and tokens redacted. Redirects are not
    /// followed, so that a token never travels to another host; a moved portal shows up here.
    pub location: Option<String>,
}

/// A body that is not what the method's types describe, or one larger than the client accepts
/// ([`crate::ClientBuilder::max_response_body`]).
#[derive(Debug, Clone, thiserror::Error)]
#[error("could not decode the response at `{path}`: {message}")]
#[non_exhaustive]
pub struct DecodeError {
    /// The JSON path that failed, such as `result.session.id` (`.` for the whole body).
    pub path: String,
    /// What serde reported.
    pub message: String,
    /// The HTTP status.
    pub status: u16,
    /// The first [`EXCERPT_LIMIT`] bytes of the body (cut at a character boundary), secrets redacted.
    pub excerpt: String,
    /// The body's length in bytes. For a body over the limit: its announced length, or what had
    /// arrived when reading stopped.
    pub body_len: u64,
    /// The client's limit, when the body was larger and was not read to the end.
    pub body_limit: Option<u64>,
}

impl DecodeError {
    /// A body that did not decode; only its excerpt and length are kept.
    pub(crate) fn new(path: String, message: String, status: u16, body: &str) -> Self {
        DecodeError {
            path,
            message,
            status,
            excerpt: excerpt(body),
            body_len: body.len() as u64,
            body_limit: None,
        }
    }

    /// A JSON value that did not decode (a batch command's result): it is serialized only as far as
    /// the excerpt, and measured without being kept.
    pub(crate) fn of_value(
        path: String,
        message: String,
        status: u16,
        value: &serde_json::Value,
    ) -> Self {
        let mut head = Head::default();
        // Writing into `Head` cannot fail.
        let _ = serde_json::to_writer(&mut head, value);
        let text = String::from_utf8_lossy(&head.bytes);
        DecodeError {
            excerpt: excerpt(&text),
            body_len: head.len,
            ..DecodeError::new(path, message, status, "")
        }
    }

    /// A body larger than `limit`, of which `head` was read.
    pub(crate) fn too_large(status: u16, len: u64, limit: u64, head: &str) -> Self {
        DecodeError {
            body_len: len,
            body_limit: Some(limit),
            ..DecodeError::new(
                ".".to_owned(),
                format!(
                    "the body ({len} bytes or more) is larger than the client's limit of {limit} bytes"
                ),
                status,
                head,
            )
        }
    }
}

/// Keeps the first bytes written to it (one more than an excerpt, so that the cut is visible) and
/// counts the rest.
#[derive(Default)]
struct Head {
    bytes: Vec<u8>,
    len: u64,
}

impl std::io::Write for Head {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = (EXCERPT_LIMIT + 1).saturating_sub(self.bytes.len());
        self.bytes.extend_from_slice(&buf[..room.min(buf.len())]);
        self.len += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The OAuth token refresh failed; the caller has to re-authorize or fix the credentials.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The authorization server refused, e.g. `invalid_grant` for a revoked refresh token.
    #[error("token refresh refused: {code} (HTTP {http_status}): {description}")]
    Refused {
        /// The server's `error`.
        code: String,
        /// The server's `error_description`.
        description: String,
        /// The HTTP status.
        http_status: u16,
    },
    /// The authorization server could not be reached.
    #[error("token refresh failed: {0}")]
    Transport(TransportError),
    /// The token store callback ([`OAuth::on_refresh`](crate::OAuth::on_refresh)) failed or panicked.
    /// The new pair is kept unused, and the next call offers it to the store again.
    #[error("the refreshed OAuth tokens could not be stored: {reason}")]
    Store {
        /// What the store reported.
        reason: String,
    },
    /// The authorization server's answer lacked the new tokens. Its body is not kept: it may hold them.
    #[error("token refresh answer (HTTP {http_status}) is unusable: {reason}")]
    BadAnswer {
        /// The HTTP status.
        http_status: u16,
        /// What was missing or malformed.
        reason: String,
    },
}

/// Cuts `body` to at most [`EXCERPT_LIMIT`] bytes without splitting a character.
pub(crate) fn excerpt(body: &str) -> String {
    if body.len() <= EXCERPT_LIMIT {
        return body.to_owned();
    }
    let mut end = EXCERPT_LIMIT;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &body[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SystemErrorCode;
    use crate::method::UndocumentedError;

    #[test]
    fn envelope_resolves_system_codes_before_the_fallback() {
        let e = Error::<UndocumentedError>::from_envelope(
            "QUERY_LIMIT_EXCEEDED",
            "Too many requests",
            503,
        );
        assert!(matches!(
            e,
            Error::System(SystemError {
                code: SystemErrorCode::QueryLimitExceeded,
                ..
            })
        ));
        assert_eq!(e.code(), Some("QUERY_LIMIT_EXCEEDED"));
        let e = Error::<UndocumentedError>::from_envelope(
            "CHAT_ID_EMPTY",
            "Chat ID can't be empty",
            400,
        );
        match e {
            Error::Method(m) => {
                assert_eq!((m.code.as_str(), m.http_status), ("CHAT_ID_EMPTY", 400))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_value_is_measured_but_only_its_excerpt_kept() {
        let value = serde_json::json!({"items": vec!["x".repeat(100); 1000]});
        let e = DecodeError::of_value("result".into(), "bad".into(), 200, &value);
        assert_eq!(e.body_len, value.to_string().len() as u64);
        assert!(e.excerpt.len() <= EXCERPT_LIMIT + '…'.len_utf8() && e.excerpt.ends_with('…'));
        assert!(e.excerpt.starts_with(r#"{"items":["xxx"#), "{}", e.excerpt);
    }

    #[test]
    fn excerpt_is_bounded_and_keeps_characters_whole() {
        let body = "я".repeat(400);
        let cut = excerpt(&body);
        assert!(cut.len() <= EXCERPT_LIMIT + '…'.len_utf8());
        assert!(cut.ends_with('…') && cut.starts_with("яя"));
        assert_eq!(excerpt("short"), "short");
    }
}
