//! `[]` standing for an empty object, as PHP encodes an empty array.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serializer};
use serde_with::de::DeserializeAsWrap;
use serde_with::{DeserializeAs, Same, SerializeAs};

/// Any `T: Default`, where `[]` and `null` stand for `T::default()`, and so do `false`, `""` and
/// `undefined` when `T` does not take them itself (see `stands_for_none`). Everything else decodes as `T`
/// (or through the inner adapter `U`, as in `EmptyAsDefault<BTreeMap<_, Vec<wire::Int>>>`), passed
/// through without buffering, so a decode error deeper inside still names its exact path.
pub struct EmptyAsDefault<U = Same>(PhantomData<U>);

impl<'de, T: Default, U: DeserializeAs<'de, T>> DeserializeAs<'de, T> for EmptyAsDefault<U> {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(EmptyVisitor::<T, U>(PhantomData))
    }
}

impl<T, U: SerializeAs<T>> SerializeAs<T> for EmptyAsDefault<U> {
    fn serialize_as<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        U::serialize_as(value, serializer)
    }
}

struct EmptyVisitor<T, U>(PhantomData<(T, U)>);

impl<T, U> EmptyVisitor<T, U> {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error>
    where
        U: DeserializeAs<'de, T>,
    {
        DeserializeAsWrap::<T, U>::deserialize(deserializer).map(DeserializeAsWrap::into_inner)
    }
}

impl<'de, T: Default, U: DeserializeAs<'de, T>> Visitor<'de> for EmptyVisitor<T, U> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value, or [] or null for an empty one")
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        Self::decode(MapAccessDeserializer::new(map))
    }

    /// An empty sequence is the empty value of any `T`; a non-empty one is handed to `T`, which may be a list.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        let mut counted = Counted {
            inner: &mut seq,
            taken: 0,
        };
        match Self::decode(SeqAccessDeserializer::new(&mut counted)) {
            Ok(value) => Ok(value),
            Err(e) if counted.taken == 0 => match seq.next_element::<de::IgnoredAny>()? {
                None => Ok(T::default()),
                Some(_) => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        Self::decode(v.into_deserializer()).or_else(|e| none_or(e, de::Unexpected::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        Self::decode(v.into_deserializer())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        Self::decode(v.into_deserializer())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Self::decode(v.into_deserializer())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Self::decode(v.into_deserializer()).or_else(|e| none_or(e, de::Unexpected::Str(v)))
    }
}

/// `T::default()` when `unexpected` stands for "nothing", else the error `T` gave.
fn none_or<T: Default, E>(error: E, unexpected: de::Unexpected<'_>) -> Result<T, E> {
    if super::stands_for_none(unexpected) {
        Ok(T::default())
    } else {
        Err(error)
    }
}

/// Counts the elements `T` took, so that a `T` that refused a sequence outright can be told apart from
/// one that failed on an element.
struct Counted<'a, A> {
    inner: &'a mut A,
    taken: usize,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Counted<'_, A> {
    type Error = A::Error;

    fn next_element_seed<S: de::DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        let element = self.inner.next_element_seed(seed)?;
        self.taken += usize::from(element.is_some());
        Ok(element)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;
    use serde_with::serde_as;

    use serde::Serialize;

    use super::*;
    use crate::wire::Int;

    #[derive(Debug, Default, PartialEq, Deserialize, Serialize)]
    struct Operator {
        id: i64,
        name: String,
    }

    #[serde_as]
    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    struct Dialog {
        #[serde_as(as = "EmptyAsDefault")]
        #[serde(default)]
        mute_list: BTreeMap<String, bool>,
        #[serde_as(as = "EmptyAsDefault")]
        #[serde(default)]
        operator: Operator,
        #[serde_as(as = "EmptyAsDefault")]
        #[serde(default)]
        users: Vec<i64>,
        #[serde_as(as = "EmptyAsDefault<BTreeMap<_, Vec<Int>>>")]
        #[serde(default)]
        user_in_chat: BTreeMap<String, Vec<i64>>,
    }

    fn dialog(v: serde_json::Value) -> Result<Dialog, String> {
        serde_json::from_str(&v.to_string()).map_err(|e| e.to_string())
    }

    #[test]
    fn empty_array_and_null_become_the_default() {
        let d = dialog(json!({"mute_list": [], "operator": [], "users": [], "user_in_chat": []}))
            .unwrap();
        assert_eq!(d.mute_list, BTreeMap::new());
        assert_eq!(d.operator, Operator::default());
        let d = dialog(
            json!({"mute_list": null, "operator": null, "users": null, "user_in_chat": null}),
        )
        .unwrap();
        assert!(d.users.is_empty() && d.user_in_chat.is_empty());
    }

    #[test]
    fn real_values_pass_through() {
        let d = dialog(json!({
            "mute_list": {"1": true},
            "operator": {"id": 3, "name": "Ann"},
            "users": [1, 2],
            "user_in_chat": {"15": ["1", 2]}
        }))
        .unwrap();
        assert_eq!(d.mute_list.get("1"), Some(&true));
        assert_eq!(d.operator.name, "Ann");
        assert_eq!(d.users, vec![1, 2]);
        assert_eq!(d.user_in_chat["15"], vec![1, 2]);
    }

    #[test]
    fn false_empty_text_and_undefined_stand_for_an_empty_object_or_list() {
        for none in [json!(false), json!(""), json!("undefined")] {
            let d = dialog(json!({"operator": none, "users": none})).unwrap();
            assert_eq!((d.operator, d.users), (Operator::default(), vec![]));
        }
        assert!(dialog(json!({"operator": true})).is_err());
        assert!(dialog(json!({"operator": "x"})).is_err());
    }

    #[test]
    fn a_non_empty_array_for_an_object_is_still_an_error() {
        let err = dialog(json!({"mute_list": [true]})).unwrap_err();
        assert!(err.contains("expected a map"), "{err}");
        assert!(dialog(json!({"operator": "nobody"})).is_err());
    }

    #[test]
    fn errors_inside_keep_their_path() {
        let body = json!({"user_in_chat": {"15": [1, "x"]}}).to_string();
        let err = serde_path_to_error::deserialize::<_, Dialog>(
            &mut serde_json::Deserializer::from_str(&body),
        )
        .unwrap_err();
        assert_eq!(err.path().to_string(), "user_in_chat.15[1]");
    }
}
