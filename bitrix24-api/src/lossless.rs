//! Lossless decoding: the typed value, plus the JSON paths that no field of the type read.
//!
//! A generated type drops keys it does not know, so that a new field on the portal never breaks a
//! call. The price is silence: a key the docs forgot, or one the generator typed wrongly, is lost
//! without a trace. Decoding through this module keeps the leniency and names what was dropped.
//!
//! ```
//! # #[derive(serde::Deserialize)] struct Session { id: i64 }
//! let decoded = bitrix24_api::lossless::from_str::<Session>(r#"{"id": 7, "STATUS": "new"}"#).unwrap();
//! assert_eq!((decoded.value.id, decoded.unread), (7, vec!["STATUS".to_owned()]));
//! ```
//!
//! # Paths
//!
//! An unread path names the key from the decoded value down: object keys are joined with `.` and
//! array positions are written `[i]`, the notation of [`DecodeError`](crate::DecodeError) paths. So
//! `QUEUE_FULL.5.USER_ID` is key `USER_ID` inside key `5` of `QUEUE_FULL`, and `items[2].NAME` is
//! `NAME` in the third element of `items`. Paths follow the JSON as it arrived, not the Rust type: a
//! list PHP sent as an object gives `list.2.X`. Keys are written as they arrived, even when they
//! contain a `.`; an unread value at the very top is `.`. The client's reports put `result` in front.
//!
//! # What counts as read
//!
//! A key is read when a field of the type takes it, whatever the field does with it:
//! - a `serde_json::Value` field, or a map, reads everything below it;
//! - a `#[serde(flatten)]` map reads every key its struct has no field for;
//! - the `wire` adapters (`wire::Int`, `wire::EmptyAsDefault`, …) pass objects and arrays through
//!   without buffering, so keys below them are reported like any others.
//!
//! serde buffers the input of `#[serde(untagged)]` enums and of `#[serde(flatten)]` fields before it
//! decodes them, and keys dropped from that buffer are not seen here: the leftovers of a flattened
//! struct, and keys inside the values of a flattened map (`BTreeMap<String, Member>` drops `Member`'s
//! unknown keys unseen). A flattened map of `serde_json::Value` loses nothing. Generated code uses
//! neither construct today.

use serde::de::{Deserialize, DeserializeOwned, Deserializer};
use serde_ignored::Path;

/// A decoded value and the paths of the keys it did not read, in the order they arrived.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Decoded<T> {
    /// The typed value, as a plain decode would give it.
    pub value: T,
    /// Where keys were dropped, such as `QUEUE_FULL.5.USER_ID` (see the module docs for the notation).
    pub unread: Vec<String>,
}

/// The input did not decode into the type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at `{path}`: {message}")]
#[non_exhaustive]
pub struct Error {
    /// Where decoding failed, in the notation of the unread paths (`.` for the top).
    pub path: String,
    /// What serde reported.
    pub message: String,
}

/// Decodes a JSON text.
pub fn from_str<T: DeserializeOwned>(json: &str) -> Result<Decoded<T>, Error> {
    from_deserializer(&mut serde_json::Deserializer::from_str(json))
}

/// Decodes JSON bytes.
pub fn from_slice<T: DeserializeOwned>(json: &[u8]) -> Result<Decoded<T>, Error> {
    from_deserializer(&mut serde_json::Deserializer::from_slice(json))
}

/// Decodes an already parsed JSON value.
pub fn from_value<T: DeserializeOwned>(json: serde_json::Value) -> Result<Decoded<T>, Error> {
    from_deserializer(json)
}

/// Decodes from any serde deserializer, naming the failing path on error.
pub fn from_deserializer<'de, T, D>(deserializer: D) -> Result<Decoded<T>, Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    let mut unread = Vec::new();
    let mut note = |path: Path| unread.push(render(&path));
    let tracked = serde_ignored::Deserializer::new(deserializer, &mut note);
    match serde_path_to_error::deserialize(tracked) {
        Ok(value) => Ok(Decoded { value, unread }),
        Err(e) => Err(Error {
            path: e.path().to_string(),
            message: e.inner().to_string(),
        }),
    }
}

/// Writes a path in the module's notation: `a.b`, `a[0]`, and `.` for the top.
fn render(path: &Path) -> String {
    let mut out = String::new();
    write_path(path, &mut out);
    if out.is_empty() {
        out.push('.');
    }
    out
}

fn write_path(path: &Path, out: &mut String) {
    match path {
        Path::Root => {}
        Path::Seq { parent, index } => {
            write_path(parent, out);
            out.push_str(&format!("[{index}]"));
        }
        Path::Map { parent, key } => {
            write_path(parent, out);
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(key);
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => write_path(parent, out),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_json::{Value, json};
    use serde_with::serde_as;

    use super::*;
    use crate::wire;

    #[serde_as]
    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    struct Member {
        #[serde_as(as = "Option<wire::Int>")]
        #[serde(rename = "USER_ID")]
        user_id: Option<i64>,
    }

    #[serde_as]
    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    struct Config {
        #[serde_as(as = "Option<wire::Int>")]
        #[serde(rename = "ID")]
        id: Option<i64>,
        #[serde_as(as = "wire::EmptyAsDefault")]
        #[serde(rename = "QUEUE_FULL")]
        queue_full: BTreeMap<String, Member>,
        #[serde_as(as = "wire::EmptyAsDefault")]
        #[serde(rename = "QUEUE")]
        queue: Vec<Member>,
        #[serde_as(as = "wire::EmptyAsDefault")]
        #[serde(rename = "OPERATOR")]
        operator: Member,
        #[serde(rename = "EXTRA")]
        extra: Option<Value>,
    }

    fn unread<T: DeserializeOwned>(json: Value) -> Vec<String> {
        from_str::<T>(&json.to_string()).unwrap().unread
    }

    #[test]
    fn names_every_dropped_key_with_map_keys_and_array_positions() {
        let decoded = from_value::<Config>(json!({
            "ID": "5",
            "NEW": 1,
            "QUEUE_FULL": {"5": {"USER_ID": "5", "ROLE": "x"}},
            "QUEUE": [{"USER_ID": 1}, {"USER_ID": 2, "LAST": {"deep": true}}],
            "OPERATOR": {"USER_ID": 3, "NAME": "Ann"}
        }))
        .unwrap();
        assert_eq!(
            decoded.unread,
            ["NEW", "QUEUE_FULL.5.ROLE", "QUEUE[1].LAST", "OPERATOR.NAME"]
        );
        let config = decoded.value;
        assert_eq!(config.queue_full["5"].user_id, Some(5));
        assert_eq!(config.queue[1].user_id, Some(2));
        assert_eq!(config.operator.user_id, Some(3));
    }

    /// `wire::List` and `wire::Map` take PHP's other shape (an object for a list, an array for a map)
    /// without buffering, so keys below them are still seen.
    #[test]
    fn keys_below_the_php_array_adapters_are_seen() {
        #[serde_as]
        #[derive(Deserialize)]
        struct Shapes {
            #[serde_as(as = "wire::List")]
            list: Vec<Member>,
            #[serde_as(as = "wire::Map")]
            map: BTreeMap<String, Member>,
        }
        let decoded = from_value::<Shapes>(json!({
            "list": {"0": {"USER_ID": 1}, "2": {"USER_ID": 2, "X": 0}},
            "map": [{"USER_ID": 3, "Y": 0}]
        }))
        .unwrap();
        assert_eq!(decoded.unread, ["list.2.X", "map[0].Y"]);
        assert_eq!(decoded.value.list[1].user_id, Some(2));
        assert_eq!(decoded.value.map["0"].user_id, Some(3));
    }

    #[test]
    fn a_fully_read_value_has_no_unread_paths() {
        let decoded = from_value::<Config>(json!({"ID": 1, "QUEUE_FULL": [], "QUEUE": [],
            "OPERATOR": [], "EXTRA": {"anything": [1, {"goes": 2}]}}))
        .unwrap();
        assert_eq!(decoded.value.id, Some(1));
        assert!(decoded.unread.is_empty(), "{:?}", decoded.unread);
    }

    #[test]
    fn the_three_inputs_agree() {
        let json = json!({"ID": 2, "X": [1]});
        let text = json.to_string();
        assert_eq!(unread::<Config>(json.clone()), ["X"]);
        assert_eq!(from_slice::<Config>(text.as_bytes()).unwrap().unread, ["X"]);
        assert_eq!(from_value::<Config>(json).unwrap().unread, ["X"]);
    }

    #[test]
    fn a_top_level_array_and_an_ignored_top() {
        assert_eq!(
            unread::<Vec<Member>>(json!([{"USER_ID": 1}, {"X": 0}])),
            ["[1].X"]
        );
        assert_eq!(unread::<serde::de::IgnoredAny>(json!({"a": 1})), ["."]);
    }

    #[test]
    fn a_failure_names_its_path_and_reports_nothing() {
        let err =
            from_value::<Config>(json!({"QUEUE": [{"USER_ID": 1}, {"USER_ID": "x"}]})).unwrap_err();
        assert_eq!(err.path, "QUEUE[1].USER_ID");
        assert!(err.message.contains("\"x\""), "{err}");
        let err = from_str::<Config>(r#"{"ID": 1,"#).unwrap_err();
        assert!(err.message.contains("EOF"), "{err}");
    }

    /// A flatten map takes every key its struct has no field for, so nothing is reported.
    #[test]
    fn keys_captured_by_a_flatten_map_count_as_read() {
        #[derive(Deserialize)]
        struct Lead {
            #[serde(rename = "TITLE")]
            _title: String,
            #[serde(flatten)]
            custom: BTreeMap<String, Value>,
        }
        let decoded =
            from_value::<Lead>(json!({"TITLE": "t", "UF_CRM_1": 1, "UF_CRM_2": {"a": 1}})).unwrap();
        assert_eq!(decoded.value.custom.len(), 2);
        assert!(decoded.unread.is_empty(), "{:?}", decoded.unread);
    }

    /// The limit the module docs state: what serde buffers (a flatten struct, an untagged enum) and then
    /// drops is not seen. Pinned here so that a serde or serde_ignored change that fixes it shows up.
    #[test]
    fn keys_dropped_from_serde_buffers_are_not_seen() {
        #[derive(Deserialize)]
        struct Inner {
            #[serde(rename = "A")]
            _a: i64,
        }
        #[derive(Deserialize)]
        struct Outer {
            #[serde(flatten)]
            _inner: Inner,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            One(#[allow(dead_code)] Inner),
        }
        #[derive(Deserialize)]
        struct Rows {
            #[serde(flatten)]
            _rows: BTreeMap<String, Inner>,
        }
        assert!(unread::<Outer>(json!({"A": 1, "LOST": 2})).is_empty());
        assert!(unread::<Either>(json!({"A": 1, "LOST": 2})).is_empty());
        assert!(unread::<Rows>(json!({"7": {"A": 1, "LOST": 2}})).is_empty());
    }
}
