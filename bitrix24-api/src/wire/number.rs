//! Numbers that may arrive as JSON numbers or as numeric strings.

use std::fmt;

use serde::de::{self, Unexpected, Visitor};
use serde::{Deserializer, Serializer};
use serde_with::{DeserializeAs, SerializeAs};

/// An `i64` sent as a number (`17`) or a numeric string (`"17"`). Serializes as a number.
pub struct Int;

/// An `f64` sent as a number (`1.5`, `2`) or a numeric string (`"1.5"`). Serializes as a number.
pub struct Float;

impl<'de> DeserializeAs<'de, i64> for Int {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        deserializer.deserialize_any(IntVisitor)
    }
}

impl SerializeAs<i64> for Int {
    fn serialize_as<S: Serializer>(value: &i64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(*value)
    }
}

impl<'de> DeserializeAs<'de, f64> for Float {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        deserializer.deserialize_any(FloatVisitor)
    }
}

impl SerializeAs<f64> for Float {
    fn serialize_as<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(*value)
    }
}

struct IntVisitor;

impl Visitor<'_> for IntVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an integer or a string holding one")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    /// PHP sometimes emits a whole number as a float (`5.0`); anything with a fraction is refused.
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        let whole = v.fract() == 0.0 && v >= i64::MIN as f64 && v < i64::MAX as f64;
        if whole {
            Ok(v as i64)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        v.parse()
            .map_err(|_| E::invalid_value(Unexpected::Str(v), &self))
    }
}

struct FloatVisitor;

impl Visitor<'_> for FloatVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number or a string holding one")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        match v.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(n),
            _ => Err(E::invalid_value(Unexpected::Str(v), &self)),
        }
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
    struct Row {
        #[serde_as(as = "Int")]
        id: i64,
        #[serde_as(as = "Option<Vec<Int>>")]
        queue: Option<Vec<i64>>,
        #[serde_as(as = "Option<Float>")]
        rate: Option<f64>,
    }

    fn row(v: serde_json::Value) -> Result<Row, String> {
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    #[test]
    fn int_accepts_numbers_and_numeric_strings() {
        let r = row(json!({"id": "42", "queue": [1, "2", 3.0, "-4"]})).unwrap();
        assert_eq!(r.id, 42);
        assert_eq!(r.queue, Some(vec![1, 2, 3, -4]));
        assert_eq!(row(json!({"id": 7})).unwrap().id, 7);
    }

    #[test]
    fn absent_and_null_options_are_none() {
        assert_eq!(row(json!({"id": 1})).unwrap().queue, None);
        assert_eq!(
            row(json!({"id": 1, "queue": null, "rate": null})).unwrap(),
            Row {
                id: 1,
                queue: None,
                rate: None
            }
        );
    }

    #[test]
    fn int_rejects_garbage_with_a_clear_error() {
        let err = row(json!({"id": "12abc"})).unwrap_err();
        assert!(
            err.contains("\"12abc\"") && err.contains("an integer or a string holding one"),
            "{err}"
        );
        assert!(row(json!({"id": 1.5})).unwrap_err().contains("1.5"));
        assert!(row(json!({"id": u64::MAX})).is_err());
        assert!(row(json!({"id": ""})).is_err());
        assert!(row(json!({"id": true})).is_err());
        let nested = row(json!({"id": 1, "queue": [1, "x"]})).unwrap_err();
        assert!(nested.contains("\"x\""), "{nested}");
    }

    #[test]
    fn float_accepts_numbers_and_numeric_strings() {
        assert_eq!(
            row(json!({"id": 1, "rate": "0.5"})).unwrap().rate,
            Some(0.5)
        );
        assert_eq!(row(json!({"id": 1, "rate": 2})).unwrap().rate, Some(2.0));
        assert!(
            row(json!({"id": 1, "rate": "fast"}))
                .unwrap_err()
                .contains("a number or a string holding one")
        );
        assert!(row(json!({"id": 1, "rate": "NaN"})).is_err());
    }

    #[test]
    fn numbers_serialize_as_numbers() {
        let r = Row {
            id: 5,
            queue: Some(vec![1]),
            rate: Some(0.25),
        };
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"id": 5, "queue": [1], "rate": 0.25})
        );
    }
}
