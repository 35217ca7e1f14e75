//! Booleans in any of the shapes the platform uses.

use std::fmt;

use serde::de::{self, Unexpected, Visitor};
use serde::{Deserializer, Serializer};
use serde_with::{DeserializeAs, SerializeAs};

/// A `bool` sent as `true`/`false`, `"Y"`/`"N"`, `"1"`/`"0"`, `1`/`0`, `"true"`/`"false"` (form-encoded
/// events) or `""` (false). Serializes as `"Y"`/`"N"`, the form every method accepts.
pub struct Bool;

impl<'de> DeserializeAs<'de, bool> for Bool {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(BoolVisitor)
    }
}

impl SerializeAs<bool> for Bool {
    fn serialize_as<S: Serializer>(value: &bool, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(if *value { "Y" } else { "N" })
    }
}

struct BoolVisitor;

impl Visitor<'_> for BoolVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(r#"a boolean: true/false, "Y"/"N", "1"/"0", 1/0 or """#)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(Unexpected::Signed(v), &self)),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(Unexpected::Unsigned(v), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        match v {
            "Y" | "y" | "1" | "true" => Ok(true),
            "N" | "n" | "0" | "false" | "" => Ok(false),
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
    struct Flags {
        #[serde_as(as = "Bool")]
        active: bool,
        #[serde_as(as = "Option<Vec<Bool>>")]
        more: Option<Vec<bool>>,
    }

    fn active(v: serde_json::Value) -> Result<bool, String> {
        serde_json::from_value::<Flags>(json!({ "active": v }))
            .map(|f| f.active)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn accepts_every_documented_shape() {
        for yes in [json!(true), json!("Y"), json!("1"), json!(1), json!("true")] {
            assert_eq!(active(yes.clone()), Ok(true), "{yes}");
        }
        for no in [
            json!(false),
            json!("N"),
            json!("0"),
            json!(0),
            json!(""),
            json!("false"),
        ] {
            assert_eq!(active(no.clone()), Ok(false), "{no}");
        }
    }

    #[test]
    fn rejects_garbage_with_a_clear_error() {
        let err = active(json!("maybe")).unwrap_err();
        assert!(
            err.contains("\"maybe\"") && err.contains(r#""Y"/"N""#),
            "{err}"
        );
        assert!(active(json!(2)).is_err());
        assert!(active(json!(null)).is_err());
        assert!(active(json!([])).is_err());
    }

    #[test]
    fn nested_and_optional() {
        let f: Flags =
            serde_json::from_value(json!({"active": "Y", "more": ["N", 1, true]})).unwrap();
        assert_eq!(f.more, Some(vec![false, true, true]));
        let f: Flags = serde_json::from_value(json!({"active": "Y", "more": null})).unwrap();
        assert_eq!(f.more, None);
    }

    #[test]
    fn serializes_as_y_and_n() {
        let f = Flags {
            active: true,
            more: Some(vec![false]),
        };
        assert_eq!(
            serde_json::to_value(&f).unwrap(),
            json!({"active": "Y", "more": ["N"]})
        );
    }
}
