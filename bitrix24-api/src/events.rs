//! Incoming events: decode the portal's form post, verify it came from the portal, then type it.
//!
//! The portal signs nothing; the one check possible is that `auth[application_token]` equals the token
//! the application received at installation. A [`Received`] event must pass [`Received::verify`]
//! before it can be decoded, so an unverified event cannot be used by mistake.
//!
//! Anyone can post to an event handler, so a post is read in bounded work before it is trusted:
//! [`Received::from_form`] refuses a body above [`FormLimits::max_body`], more than
//! [`FormLimits::max_keys`] pairs or keys nested deeper than [`FormLimits::max_depth`], and keeps only
//! the flat pairs. [`Received::verify`] finds the token among them, and nests the pairs into JSON only
//! when it matches. A web framework should also cap the body it buffers at the same size (axum's
//! `DefaultBodyLimit`), so that a larger one is never read into memory at all.

use std::fmt;

use serde_json::Value;
use subtle::ConstantTimeEq;

use crate::envelope::under;
use crate::form::{self, FormError};
pub use crate::form::{DEPTH_CEILING, FormLimits};
use crate::method::Event;
use crate::secret::Secret;

/// A set of events, such as a scope's generated enum (`bitrix24_api::imopenlines::ImopenlinesEvent`), so
/// that one handler can receive every event of the set and `match` on it.
pub trait EventSet: Sized {
    /// Types the post as whichever event of the set it is; `Ok(None)` when the set does not have it.
    fn decode(verified: &Verified) -> Result<Option<Self>, EventError>;
}

/// A scope's enum of its events, one boxed variant per event type, and its [`EventSet`] impl.
#[doc(hidden)]
#[macro_export]
macro_rules! event_set {
    ($(#[$attr:meta])* $name:ident { $($event:ident),* $(,)? }) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = concat!("[`", stringify!($event), "`]")]
                $event(::std::boxed::Box<$event>),
            )*
        }

        impl $crate::events::EventSet for $name {
            fn decode(
                verified: &$crate::events::Verified,
            ) -> ::std::result::Result<::std::option::Option<Self>, $crate::events::EventError> {
                $(
                    if verified.is::<$event>() {
                        return verified
                            .decode::<$event>()
                            .map(|e| ::std::option::Option::Some(Self::$event(::std::boxed::Box::new(e))));
                    }
                )*
                ::std::result::Result::Ok(::std::option::Option::None)
            }
        }
    };
}

/// Why an event was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// The body is not a form post with an `event` field. The reason never quotes the body.
    #[error("not an event post: {0}")]
    Malformed(&'static str),
    /// The body is larger than [`FormLimits::max_body`].
    #[error("event post of {size} bytes refused: the limit is {limit}")]
    TooLarge {
        /// The body's size in bytes.
        size: usize,
        /// The limit it crossed.
        limit: usize,
    },
    /// The body holds more pairs than [`FormLimits::max_keys`].
    #[error("event post refused: more than {limit} keys")]
    TooManyKeys {
        /// The limit it crossed.
        limit: usize,
    },
    /// A key is nested deeper than [`FormLimits::max_depth`].
    #[error("event post refused: a key is nested deeper than {limit} levels")]
    TooDeep {
        /// The limit it crossed.
        limit: usize,
    },
    /// The post carries no `auth[application_token]`: it cannot be verified, so it is rejected.
    #[error("unverified event: the post has no auth[application_token]")]
    MissingToken,
    /// `auth[application_token]` differs from the application's: not from the portal, or another app's.
    #[error("unverified event: auth[application_token] does not match this application's token")]
    WrongToken,
    /// The event is another one than the type asked for.
    #[error("event {received} cannot be decoded as {expected}")]
    OtherEvent {
        /// The type's event code.
        expected: &'static str,
        /// The code that arrived.
        received: String,
    },
    /// The payload does not match the event's type.
    #[error("could not decode the event at `{path}`: {message}")]
    Decode {
        /// The failing path in the payload, such as `data.DATA[0].session.id`.
        path: String,
        /// What serde reported.
        message: String,
    },
}

/// An event post as received, not yet verified: its flat pairs, not nested yet.
pub struct Received {
    name: String,
    pairs: Vec<(String, String)>,
}

/// An event whose application token matched.
pub struct Verified {
    name: String,
    payload: Value,
}

impl Received {
    /// Reads an `application/x-www-form-urlencoded` event post (`event=…&data[…]=…&auth[…]=…`) within
    /// the default [`FormLimits`].
    pub fn from_form(body: &[u8]) -> Result<Received, EventError> {
        Received::from_form_with(body, &FormLimits::default())
    }

    /// Reads an event post within `limits`. Work and memory are linear in the body, which is checked
    /// against the size limit first.
    pub fn from_form_with(body: &[u8], limits: &FormLimits) -> Result<Received, EventError> {
        let pairs = form::pairs(body, limits).map_err(EventError::from)?;
        let name = match last(&pairs, "event") {
            Some(name) if !name.is_empty() => name.to_ascii_uppercase(),
            _ => return Err(EventError::Malformed("no `event` field")),
        };
        Ok(Received { name, pairs })
    }

    /// The event code, upper-case (`ONSESSIONSTART`). Safe to log; routing on it before verification is
    /// fine, acting on the payload is not.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Compares `auth[application_token]` with the application's token in constant time, and only
    /// then nests the post into JSON.
    pub fn verify(self, application_token: &Secret) -> Result<Verified, EventError> {
        let received = last(&self.pairs, "auth[application_token]")
            .filter(|t| !t.is_empty())
            .ok_or(EventError::MissingToken)?;
        let matches: bool = received
            .as_bytes()
            .ct_eq(application_token.expose().as_bytes())
            .into();
        if matches {
            Ok(Verified {
                name: self.name,
                payload: Value::Object(form::tree(self.pairs)),
            })
        } else {
            Err(EventError::WrongToken)
        }
    }
}

impl Verified {
    /// The event code, upper-case.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// True when this is event `E`.
    pub fn is<E: Event>(&self) -> bool {
        self.name.eq_ignore_ascii_case(E::NAME)
    }

    /// Types the post as whichever event of the set `S` it is (a scope's enum, such as
    /// `ImopenlinesEvent`); `Ok(None)` when it is none of them.
    pub fn decode_in<S: EventSet>(&self) -> Result<Option<S>, EventError> {
        S::decode(self)
    }

    /// Types the whole post (`event`, `event_handler_id`, `data`, `ts`, `auth`) as event `E`.
    pub fn decode<E: Event>(&self) -> Result<E, EventError> {
        if !self.is::<E>() {
            return Err(EventError::OtherEvent {
                expected: E::NAME,
                received: self.name.clone(),
            });
        }
        serde_path_to_error::deserialize::<_, E>(&self.payload).map_err(|e| EventError::Decode {
            path: under("", &e.path().to_string())
                .trim_start_matches('.')
                .to_owned(),
            message: e.inner().to_string(),
        })
    }

    /// The post as JSON (every scalar a string, as the form delivered it). It holds the event's tokens.
    pub fn payload(&self) -> &Value {
        &self.payload
    }
}

/// The value of the last pair named `key`: PHP keeps the last of repeated keys.
fn last<'p>(pairs: &'p [(String, String)], key: &str) -> Option<&'p str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

impl From<FormError> for EventError {
    fn from(error: FormError) -> Self {
        match error {
            FormError::TooLarge { size, limit } => EventError::TooLarge { size, limit },
            FormError::TooManyKeys { limit } => EventError::TooManyKeys { limit },
            FormError::TooDeep { limit } => EventError::TooDeep { limit },
            FormError::Unbalanced => EventError::Malformed("a key's brackets do not close"),
            FormError::NotUtf8 => EventError::Malformed("the body is not UTF-8"),
        }
    }
}

/// Reads, verifies and types an event post in one step, within the default [`FormLimits`].
pub fn decode<E: Event>(body: &[u8], application_token: &Secret) -> Result<E, EventError> {
    Received::from_form(body)?
        .verify(application_token)?
        .decode()
}

// The payload carries access tokens: only the event code is shown.
impl fmt::Debug for Received {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Received")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_with::serde_as;

    use super::*;
    use crate::wire;

    #[serde_as]
    #[derive(Debug, Deserialize)]
    struct SessionStart {
        data: Data,
        #[serde_as(as = "wire::Int")]
        ts: i64,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "UPPERCASE")]
    struct Data {
        data: Vec<Item>,
    }

    #[serde_as]
    #[derive(Debug, Deserialize)]
    struct Item {
        session: SessionInfo,
    }

    #[serde_as]
    #[derive(Debug, Deserialize)]
    struct SessionInfo {
        #[serde_as(as = "wire::Int")]
        id: i64,
        #[serde_as(as = "wire::Bool")]
        closed: bool,
    }

    impl Event for SessionStart {
        const NAME: &'static str = "ONSESSIONSTART";
        const SCOPE: &'static str = "imopenlines";
    }

    const TOKEN: &str = "app-token-0123456789";
    const POST: &str = "event=onsessionstart&event_handler_id=12&data[DATA][0][session][id]=55\
        &data[DATA][0][session][closed]=N&ts=1714649632&auth[access_token]=user-access-token-1\
        &auth[application_token]=app-token-0123456789";

    #[test]
    fn a_verified_post_decodes_into_the_typed_event() {
        let event: SessionStart = decode(POST.as_bytes(), &Secret::new(TOKEN)).unwrap();
        assert_eq!(
            (
                event.data.data[0].session.id,
                event.data.data[0].session.closed,
                event.ts
            ),
            (55, false, 1714649632)
        );
    }

    #[test]
    fn a_wrong_or_missing_token_is_rejected() {
        let err = decode::<SessionStart>(POST.as_bytes(), &Secret::new("app-token-0123456780"))
            .unwrap_err();
        assert_eq!(err, EventError::WrongToken);
        let err = decode::<SessionStart>(POST.as_bytes(), &Secret::new("short")).unwrap_err();
        assert_eq!(err, EventError::WrongToken);
        let unsigned = POST.split("&auth[application_token]").next().unwrap();
        assert_eq!(
            decode::<SessionStart>(unsigned.as_bytes(), &Secret::new(TOKEN)).unwrap_err(),
            EventError::MissingToken
        );
        let empty = format!("{unsigned}&auth[application_token]=");
        assert_eq!(
            decode::<SessionStart>(empty.as_bytes(), &Secret::new(TOKEN)).unwrap_err(),
            EventError::MissingToken
        );
    }

    #[test]
    fn another_event_or_a_bad_payload_is_a_clear_error() {
        let other = POST.replace("onsessionstart", "ONSESSIONFINISH");
        assert!(matches!(
            decode::<SessionStart>(other.as_bytes(), &Secret::new(TOKEN)),
            Err(EventError::OtherEvent { received, .. }) if received == "ONSESSIONFINISH"
        ));
        let bad = POST.replace("[id]=55", "[id]=fifty");
        match decode::<SessionStart>(bad.as_bytes(), &Secret::new(TOKEN)) {
            Err(EventError::Decode { path, .. }) => assert_eq!(path, "data.DATA[0].session.id"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            Received::from_form(b"data[x]=1"),
            Err(EventError::Malformed(_))
        ));
        assert!(matches!(
            Received::from_form(&[0xff, 0xfe]),
            Err(EventError::Malformed(_))
        ));
    }

    #[test]
    fn debug_shows_no_token() {
        let received = Received::from_form(POST.as_bytes()).unwrap();
        assert_eq!(received.name(), "ONSESSIONSTART");
        let verified = received.verify(&Secret::new(TOKEN)).unwrap();
        let shown = format!("{verified:?}");
        assert!(
            !shown.contains("user-access-token-1") && !shown.contains(TOKEN),
            "{shown}"
        );
    }
}
