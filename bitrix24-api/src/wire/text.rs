//! Strings that may arrive as numbers, and dates that may arrive as `false`.

use std::fmt;

use serde::de::{self, Unexpected, Visitor};
use serde::{Deserializer, Serializer};
use serde_with::{DeserializeAs, SerializeAs};

/// A `String` sent as a string or a number (`"10587"` or `10587`). Serializes as a string.
pub struct Str;

/// An optional date-time string (`"2024-05-02T14:07:12+03:00"`) where `false`, `""` and `null` mean
/// "no date", as PHP emits for an unset date. Only for `Option<String>`; `None` serializes as `null`.
pub struct DateTime;

impl<'de> DeserializeAs<'de, String> for Str {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(StrVisitor)
    }
}

impl SerializeAs<String> for Str {
    fn serialize_as<S: Serializer>(value: &String, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(value)
    }
}

impl<'de> DeserializeAs<'de, Option<String>> for DateTime {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
        deserializer.deserialize_any(DateTimeVisitor)
    }
}

impl SerializeAs<Option<String>> for DateTime {
    fn serialize_as<S: Serializer>(
        value: &Option<String>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(date) => serializer.serialize_str(date),
            None => serializer.serialize_none(),
        }
    }
}

struct StrVisitor;

impl Visitor<'_> for StrVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

struct DateTimeVisitor;

impl<'de> Visitor<'de> for DateTimeVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a date-time string, \"\", false, {} or null")
    }

    /// PHP encodes a date object it cannot serialize as `{}`: no date.
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Option<String>, A::Error> {
        match map.next_key::<de::IgnoredAny>()? {
            None => Ok(None),
            Some(_) => Err(de::Error::invalid_type(Unexpected::Map, &self)),
        }
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Option<String>, E> {
        if v {
            Err(E::invalid_value(Unexpected::Bool(v), &self))
        } else {
            Ok(None)
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<String>, E> {
        Ok((!v.is_empty()).then(|| v.to_owned()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<String>, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::json;
    use serde_with::serde_as;

    use super::*;

    #[serde_as]
    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    struct Message {
        #[serde_as(as = "Str")]
        chat_id: String,
        #[serde_as(as = "DateTime")]
        #[serde(default)]
        date_close: Option<String>,
        #[serde_as(as = "Option<Vec<Str>>")]
        codes: Option<Vec<String>>,
    }

    fn message(v: serde_json::Value) -> Result<Message, String> {
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    #[test]
    fn str_accepts_strings_and_numbers() {
        assert_eq!(message(json!({"chat_id": 10587})).unwrap().chat_id, "10587");
        assert_eq!(
            message(json!({"chat_id": "livechat|1"})).unwrap().chat_id,
            "livechat|1"
        );
        let m = message(json!({"chat_id": "1", "codes": ["a", 2, 2.5]})).unwrap();
        assert_eq!(
            m.codes,
            Some(vec!["a".to_owned(), "2".to_owned(), "2.5".to_owned()])
        );
    }

    #[test]
    fn str_rejects_garbage_with_a_clear_error() {
        let err = message(json!({"chat_id": {"id": 1}})).unwrap_err();
        assert!(err.contains("a string or a number"), "{err}");
        assert!(message(json!({"chat_id": true})).is_err());
    }

    #[test]
    fn datetime_treats_false_empty_null_and_absent_as_none() {
        for empty in [json!(false), json!(""), json!(null), json!({})] {
            assert_eq!(
                message(json!({"chat_id": "1", "date_close": empty}))
                    .unwrap()
                    .date_close,
                None
            );
        }
        assert_eq!(message(json!({"chat_id": "1"})).unwrap().date_close, None);
        let date = "2024-05-02T14:07:12+03:00";
        assert_eq!(
            message(json!({"chat_id": "1", "date_close": date}))
                .unwrap()
                .date_close
                .as_deref(),
            Some(date)
        );
    }

    #[test]
    fn datetime_rejects_garbage_with_a_clear_error() {
        let err = message(json!({"chat_id": "1", "date_close": true})).unwrap_err();
        assert!(err.contains("a date-time string"), "{err}");
        assert!(message(json!({"chat_id": "1", "date_close": 12})).is_err());
        assert!(message(json!({"chat_id": "1", "date_close": {"date": "x"}})).is_err());
    }

    #[test]
    fn serializes_plainly() {
        let m = Message {
            chat_id: "7".into(),
            date_close: None,
            codes: None,
        };
        assert_eq!(
            serde_json::to_value(&m).unwrap(),
            json!({"chat_id": "7", "date_close": null, "codes": null})
        );
    }
}
