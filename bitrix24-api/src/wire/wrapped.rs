//! A `result` that some methods send wrapped once more: `{"result": true}` where the table says `true`.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{self, IntoDeserializer, MapAccess, Visitor};
use serde_with::de::DeserializeAsWrap;
use serde_with::{DeserializeAs, Same};

/// A value as `U` decodes it, or the same value wrapped in an object whose only key is `result`, as
/// `imconnector.unregister` sends its boolean. Meant for scalar results: an object is always read as
/// the wrapper, and a key other than `result` in it is an error rather than data dropped.
pub struct MaybeWrapped<U = Same>(PhantomData<U>);

impl<'de, T, U: DeserializeAs<'de, T>> DeserializeAs<'de, T> for MaybeWrapped<U> {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(Unwrap::<T, U>(PhantomData))
    }
}

struct Unwrap<T, U>(PhantomData<fn() -> (T, U)>);

impl<T, U> Unwrap<T, U> {
    fn bare<'de, E: de::Error>(value: impl IntoDeserializer<'de, E>) -> Result<T, E>
    where
        U: DeserializeAs<'de, T>,
    {
        U::deserialize_as(value.into_deserializer())
    }
}

impl<'de, T, U: DeserializeAs<'de, T>> Visitor<'de> for Unwrap<T, U> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value, or an object holding it under `result`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            if key != "result" || found.is_some() {
                return Err(de::Error::unknown_field(&key, &["result"]));
            }
            found = Some(map.next_value::<DeserializeAsWrap<T, U>>()?.into_inner());
        }
        found.ok_or_else(|| de::Error::missing_field("result"))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        Self::bare(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        Self::bare(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        Self::bare(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Self::bare(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Self::bare(v)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_with::serde_as;

    use super::*;
    use crate::wire::Bool;

    #[serde_as]
    #[derive(Debug, Deserialize)]
    struct Reply {
        #[serde_as(as = "MaybeWrapped<Bool>")]
        result: bool,
    }

    fn result(json: &str) -> Result<bool, String> {
        serde_json::from_str::<Reply>(json)
            .map(|r| r.result)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn the_bare_value_and_the_wrapped_one_decode_alike() {
        assert_eq!(result(r#"{"result": true}"#), Ok(true));
        assert_eq!(result(r#"{"result": {"result": true}}"#), Ok(true));
        assert_eq!(result(r#"{"result": "N"}"#), Ok(false));
        assert_eq!(result(r#"{"result": {"result": "Y"}}"#), Ok(true));
    }

    #[test]
    fn a_wrapper_with_other_keys_or_none_is_an_error() {
        let err = result(r#"{"result": {"result": true, "extra": 1}}"#).unwrap_err();
        assert!(err.contains("extra"), "{err}");
        assert!(result(r#"{"result": {}}"#).unwrap_err().contains("result"));
        assert!(result(r#"{"result": [true]}"#).is_err());
    }
}
