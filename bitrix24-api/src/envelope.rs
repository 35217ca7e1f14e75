//! Reading a response body: success envelope, error envelope, or something else entirely.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::codes::Validation;
use crate::error::{
    AuthError, DeadlineError, DecodeError, Error, HttpError, TransportError, excerpt,
};
use crate::limits::Failure;
use crate::lossless;
use crate::method::MethodError;
use crate::reply::{Reply, Time};

/// A success envelope whose `result` is not decoded yet.
#[derive(Debug)]
pub(crate) struct RawSuccess {
    pub result: Box<RawValue>,
    pub time: Option<Time>,
    pub next: Option<u64>,
    pub total: Option<u64>,
    pub status: u16,
    /// The answer carried `Idempotent-Replayed: true`.
    pub replayed: bool,
    /// The start of the body and its length, for a decode error; secrets already redacted.
    pub excerpt: String,
    pub body_len: u64,
}

/// Why an attempt did not produce a success envelope, before the method's error type is known.
#[derive(Debug, Clone)]
pub(crate) enum RawFailure {
    /// `{"error": …, "error_description": …}`, or REST 3.0's `{"error": {"code", "message",
    /// "validation"}}`; `code` may be empty.
    Envelope {
        code: String,
        description: String,
        status: u16,
        validation: Vec<Validation>,
    },
    Http(HttpError),
    Decode(DecodeError),
    Transport(TransportError),
    Auth(AuthError),
    /// The request could not be put on the wire.
    Encode(String),
    /// The call ran out of time.
    Deadline(DeadlineError),
}

impl RawFailure {
    /// What the retry decision needs to know.
    pub fn classify(&self) -> Failure<'_> {
        match self {
            RawFailure::Envelope { code, status, .. } => Failure::Envelope {
                code,
                status: *status,
            },
            RawFailure::Http(e) => Failure::Http(e.status),
            RawFailure::Transport(e) => Failure::Transport(e.kind),
            RawFailure::Decode(_)
            | RawFailure::Auth(_)
            | RawFailure::Encode(_)
            | RawFailure::Deadline(_) => Failure::Final,
        }
    }

    /// A short label for logs: the error code, or the kind of failure.
    pub fn label(&self) -> String {
        match self {
            RawFailure::Envelope { code, .. } => code.clone(),
            RawFailure::Http(e) => format!("http {}", e.status),
            RawFailure::Decode(_) => "decode".to_owned(),
            RawFailure::Transport(e) => e.kind.to_string(),
            RawFailure::Auth(_) => "token refresh".to_owned(),
            RawFailure::Encode(_) => "encode".to_owned(),
            RawFailure::Deadline(_) => "deadline".to_owned(),
        }
    }

    /// Types the failure with the method's error enum.
    pub fn into_error<E: MethodError>(self) -> Error<E> {
        match self {
            RawFailure::Envelope {
                code,
                description,
                status,
                validation,
            } => Error::from_envelope(&code, &description, status).with_validation(validation),
            RawFailure::Http(e) => Error::Http(e),
            RawFailure::Decode(e) => Error::Decode(e),
            RawFailure::Transport(e) => Error::Transport(e),
            RawFailure::Auth(e) => Error::Auth(e),
            RawFailure::Encode(message) => Error::Encode(message),
            RawFailure::Deadline(e) => Error::Deadline(e),
        }
    }
}

#[derive(Deserialize)]
struct Head<'a> {
    #[serde(default, borrow, deserialize_with = "present")]
    result: Option<&'a RawValue>,
    #[serde(default)]
    error: Option<serde_json::Value>,
    #[serde(default)]
    error_description: Option<serde_json::Value>,
    #[serde(default, borrow)]
    next: Option<&'a RawValue>,
    #[serde(default, borrow)]
    total: Option<&'a RawValue>,
    #[serde(default, borrow)]
    time: Option<&'a RawValue>,
}

/// Keeps a present `null` as `Some("null")`: a method may legitimately answer `"result": null`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

/// Reads a body. `body` must already have secrets redacted.
pub(crate) fn read(
    status: u16,
    location: Option<String>,
    body: &str,
) -> Result<RawSuccess, RawFailure> {
    let ok_status = (200..300).contains(&status);
    let head: Head = match serde_json::from_str(body) {
        Ok(head) => head,
        Err(_) if !ok_status => {
            return Err(RawFailure::Http(HttpError {
                status,
                excerpt: excerpt(body),
                location,
            }));
        }
        Err(_) => return Err(RawFailure::Decode(syntax_error(status, body))),
    };
    if let Some(error) = head.error {
        return Err(match error {
            serde_json::Value::Object(error) => rest_v3_error(error, status),
            code => RawFailure::Envelope {
                code: text_of(code),
                description: head.error_description.map(text_of).unwrap_or_default(),
                status,
                validation: Vec::new(),
            },
        });
    }
    let Some(result) = head.result else {
        if !ok_status {
            return Err(RawFailure::Http(HttpError {
                status,
                excerpt: excerpt(body),
                location,
            }));
        }
        let message = "the body has neither `result` nor `error`".to_owned();
        return Err(RawFailure::Decode(DecodeError::new(
            ".".into(),
            message,
            status,
            body,
        )));
    };
    Ok(RawSuccess {
        result: result.to_owned(),
        time: head.time.and_then(|t| serde_json::from_str(t.get()).ok()),
        next: head.next.and_then(count),
        total: head.total.and_then(count),
        status,
        replayed: false,
        excerpt: excerpt(body),
        body_len: body.len() as u64,
    })
}

/// REST 3.0's error object: `code` and `message` always, `validation` for refused parameters. A
/// `validation` list that does not read as field/message pairs is dropped, not the error.
fn rest_v3_error(mut error: serde_json::Map<String, serde_json::Value>, status: u16) -> RawFailure {
    let mut take = |key: &str| error.remove(key).map(text_of).unwrap_or_default();
    let (code, description) = (take("code"), take("message"));
    let validation = error
        .remove("validation")
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    RawFailure::Envelope {
        code,
        description,
        status,
        validation,
    }
}

impl RawSuccess {
    /// Decodes `result` into `T`, naming the failing path as `result.…`.
    pub fn decode<T: DeserializeOwned>(self) -> Result<Reply<T>, DecodeError> {
        let mut de = serde_json::Deserializer::from_str(self.result.get());
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(result) => Ok(Reply {
                replayed: self.replayed,
                ..Reply::new(result, self.time, self.next, self.total)
            }),
            Err(e) => Err(DecodeError {
                excerpt: self.excerpt,
                body_len: self.body_len,
                ..DecodeError::new(
                    under("result", &e.path().to_string()),
                    e.inner().to_string(),
                    self.status,
                    "",
                )
            }),
        }
    }

    /// Decodes `result` into `T` like [`RawSuccess::decode`], and also returns the paths under
    /// `result` that `T` did not read (`result.X`, see [`lossless`](crate::lossless)).
    pub fn decode_lossless<T: DeserializeOwned>(
        self,
    ) -> Result<(Reply<T>, Vec<String>), DecodeError> {
        match lossless::from_str::<T>(self.result.get()) {
            Ok(decoded) => {
                let unread = decoded.unread.iter().map(|p| under("result", p)).collect();
                let reply = Reply {
                    replayed: self.replayed,
                    ..Reply::new(decoded.value, self.time, self.next, self.total)
                };
                Ok((reply, unread))
            }
            Err(e) => Err(DecodeError {
                excerpt: self.excerpt,
                body_len: self.body_len,
                ..DecodeError::new(under("result", &e.path), e.message, self.status, "")
            }),
        }
    }
}

/// Joins a path prefix and a serde_path_to_error path (`.` is the root; `[0]` needs no dot).
pub(crate) fn under(prefix: &str, path: &str) -> String {
    match path {
        "." => prefix.to_owned(),
        p if p.starts_with('[') => format!("{prefix}{p}"),
        p => format!("{prefix}.{p}"),
    }
}

/// A body that is not JSON at all (truncated, empty, HTML with status 200): report where it broke.
fn syntax_error(status: u16, body: &str) -> DecodeError {
    let mut de = serde_json::Deserializer::from_str(body);
    let (path, message) = match serde_path_to_error::deserialize::<_, serde_json::Value>(&mut de) {
        Err(e) => (e.path().to_string(), e.inner().to_string()),
        Ok(_) => (".".to_owned(), "the body is not a JSON object".to_owned()),
    };
    DecodeError::new(path, message, status, body)
}

/// A code or description as text; PHP may send `null` or a number where a string belongs.
pub(crate) fn text_of(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `next` and `total` are integers, cast by PHP's `intval`; anything else is ignored.
fn count(raw: &RawValue) -> Option<u64> {
    match serde_json::from_str::<serde_json::Value>(raw.get()).ok()? {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ok(body: serde_json::Value) -> RawSuccess {
        read(200, None, &body.to_string()).unwrap()
    }

    #[test]
    fn success_keeps_paging_and_time() {
        let raw = ok(
            json!({"result": [1, 2], "next": 50, "total": "120", "time": {"start": 1, "operating": 2.5}}),
        );
        let reply = raw.decode::<Vec<i64>>().unwrap();
        assert_eq!(reply.result, vec![1, 2]);
        assert_eq!((reply.next, reply.total), (Some(50), Some(120)));
        assert_eq!(reply.time.unwrap().operating, Some(2.5));
    }

    #[test]
    fn null_and_false_results_are_results() {
        assert_eq!(
            ok(json!({"result": null}))
                .decode::<Option<i64>>()
                .unwrap()
                .result,
            None
        );
        assert!(
            !ok(json!({"result": false}))
                .decode::<bool>()
                .unwrap()
                .result
        );
    }

    #[test]
    fn an_unreadable_time_block_does_not_fail_the_call() {
        let reply = ok(json!({"result": 1, "time": "yesterday"}))
            .decode::<i64>()
            .unwrap();
        assert_eq!(reply.time, None);
    }

    #[test]
    fn error_envelope_is_detected_by_the_key_even_when_empty() {
        match read(
            400,
            None,
            &json!({"error": "", "error_description": "Not found"}).to_string(),
        ) {
            Err(RawFailure::Envelope {
                code,
                description,
                status,
                ..
            }) => {
                assert_eq!(
                    (code.as_str(), description.as_str(), status),
                    ("", "Not found", 400)
                );
            }
            other => panic!("{other:?}"),
        }
    }

    /// The overview's validation error (`rest-v3.md`, "Structure of an unsuccessful response").
    #[test]
    fn a_rest_v3_error_object_gives_code_message_and_validation() {
        let body = json!({"error": {
            "code": "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
            "message": "Error validating request object",
            "validation": [{"message": "Required field `id` is not specified", "field": "id"}]
        }});
        let Err(failure) = read(400, None, &body.to_string()) else {
            panic!("an error body read as a success")
        };
        let error = failure.into_error::<crate::UndocumentedError>();
        let Error::Method(error) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(
            (
                error.code.as_str(),
                error.description.as_str(),
                error.http_status
            ),
            (
                "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
                "Error validating request object",
                400
            )
        );
        assert_eq!(
            error.validation,
            [Validation {
                field: "id".into(),
                message: "Required field `id` is not specified".into()
            }]
        );
        assert!(
            error
                .to_string()
                .ends_with("; `id`: Required field `id` is not specified")
        );
    }

    #[test]
    fn a_rest_v3_error_without_validation_has_none() {
        let body = json!({"error": {"code": "BITRIX_REST_V3_EXCEPTION_ACCESSDENIEDEXCEPTION", "message": "no"}});
        match read(403, None, &body.to_string()) {
            Err(RawFailure::Envelope {
                code, validation, ..
            }) => assert_eq!(
                (code.as_str(), validation.len()),
                ("BITRIX_REST_V3_EXCEPTION_ACCESSDENIEDEXCEPTION", 0)
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn html_error_page_keeps_status_and_a_bounded_excerpt() {
        let page = format!("<html>{}</html>", "x".repeat(5000));
        match read(502, None, &page) {
            Err(RawFailure::Http(e)) => {
                assert_eq!(e.status, 502);
                assert!(e.excerpt.starts_with("<html>") && e.excerpt.len() < 600);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn truncated_and_empty_bodies_are_decode_errors_keeping_an_excerpt() {
        for body in [r#"{"result": {"items": [1, 2"#, ""] {
            match read(200, None, body) {
                Err(RawFailure::Decode(e)) => {
                    assert_eq!((e.excerpt.as_str(), e.body_len), (body, body.len() as u64));
                    assert!(e.message.contains("EOF"), "{}", e.message);
                }
                other => panic!("{other:?}"),
            }
        }
        match read(200, None, r#"{"result": {"items": [1, 2"#) {
            Err(RawFailure::Decode(e)) => assert_eq!(e.path, "result.items"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn wrong_field_types_name_the_path() {
        #[derive(Debug, serde::Deserialize)]
        struct Session {
            #[allow(dead_code)]
            id: i64,
        }
        let err = ok(json!({"result": {"sessions": [{"id": 1}, {"id": "abc"}]}}))
            .decode::<std::collections::BTreeMap<String, Vec<Session>>>()
            .unwrap_err();
        assert_eq!(err.path, "result.sessions[1].id");
        assert!(err.excerpt.contains("abc"));
    }

    #[test]
    fn success_status_without_result_is_a_decode_error() {
        assert!(matches!(read(200, None, "{}"), Err(RawFailure::Decode(_))));
        assert!(matches!(read(404, None, "{}"), Err(RawFailure::Http(_))));
    }
}
