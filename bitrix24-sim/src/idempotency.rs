//! REST 3.0's `Idempotency-Key`: the response of a call that succeeded is kept for a day, and a repeat
//! with the same key and the same body gets it back instead of running again. The same key with another
//! body is refused; a call that failed keeps nothing, so its repeat runs.

use std::collections::HashMap;

use serde_json::Value;

use crate::wire::envelope::ApiError;

/// How long a response is kept, in seconds of the simulator's clock.
const KEPT_FOR: f64 = 24.0 * 3600.0;

/// Kept responses, by caller, method and key: the same key in two methods is two calls.
#[derive(Debug, Default)]
pub struct Idempotency {
    kept: HashMap<(String, String, String), Kept>,
}

#[derive(Debug)]
struct Kept {
    request: Vec<u8>,
    response: Value,
    at: f64,
}

/// Who is asking with which key: the caller's budget key, the method and the header's value.
pub struct Keyed<'a> {
    pub caller: String,
    pub method: &'a str,
    pub key: &'a str,
}

impl Keyed<'_> {
    fn id(&self) -> (String, String, String) {
        (
            self.caller.clone(),
            self.method.to_owned(),
            self.key.to_owned(),
        )
    }
}

impl Idempotency {
    /// The kept response for a repeat, `None` for a call to run, or the refusal of a key that came with
    /// another body.
    pub fn replay(
        &self,
        call: &Keyed<'_>,
        request: &[u8],
        now: f64,
    ) -> Result<Option<Value>, ApiError> {
        match self.kept.get(&call.id()).filter(|k| now - k.at < KEPT_FOR) {
            None => Ok(None),
            Some(kept) if kept.request == request => Ok(Some(kept.response.clone())),
            Some(_) => Err(ApiError::new(
                422,
                "BITRIX_REST_V3_EXCEPTION_IDEMPOTENCYKEYREUSEDEXCEPTION",
                "This Idempotency-Key came with another request body",
            )),
        }
    }

    /// Keeps the response of a call that succeeded.
    pub fn keep(&mut self, call: &Keyed<'_>, request: &[u8], response: Value, now: f64) {
        self.kept.retain(|_, k| now - k.at < KEPT_FOR);
        let kept = Kept {
            request: request.to_vec(),
            response,
            at: now,
        };
        self.kept.insert(call.id(), kept);
    }
}

/// The header's value, when it is 1 to 255 printable ASCII characters.
pub fn key_of(header: &[u8]) -> Result<&str, ApiError> {
    match header.len() {
        1..=255 if header.iter().all(|b| (b' '..=b'~').contains(b)) => {
            Ok(std::str::from_utf8(header).unwrap_or_default())
        }
        _ => Err(ApiError::bad_request(
            "BITRIX_REST_V3_EXCEPTION_INVALIDIDEMPOTENCYKEYEXCEPTION",
            "The Idempotency-Key must be 1 to 255 printable ASCII characters",
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn call(key: &str) -> Keyed<'_> {
        Keyed {
            caller: "webhook:0".into(),
            method: "tasks.task.add",
            key,
        }
    }

    #[test]
    fn a_repeat_gets_the_kept_response_and_another_body_is_refused() {
        let mut book = Idempotency::default();
        assert_eq!(book.replay(&call("k"), b"{}", 0.0), Ok(None));
        book.keep(&call("k"), b"{}", json!({"result": 1}), 0.0);
        assert_eq!(
            book.replay(&call("k"), b"{}", 10.0),
            Ok(Some(json!({"result": 1})))
        );
        assert_eq!(
            book.replay(&call("k"), b"{\"a\":1}", 10.0)
                .unwrap_err()
                .status,
            422
        );
        assert_eq!(book.replay(&call("other"), b"{}", 10.0), Ok(None));
        assert_eq!(book.replay(&call("k"), b"{}", KEPT_FOR + 1.0), Ok(None));
    }

    #[test]
    fn keys_outside_printable_ascii_or_too_long_are_refused() {
        assert_eq!(key_of(b"9f1c1a7e-5f1b"), Ok("9f1c1a7e-5f1b"));
        for bad in [&b""[..], b"tab\there", "ключ".as_bytes(), &[b'a'; 256]] {
            assert_eq!(key_of(bad).unwrap_err().status, 400, "{bad:?}");
        }
    }
}
