//! Lists and maps as PHP sends them: its arrays are both, so an empty one is `[]` whatever it stands for,
//! a list with gaps arrives as an object keyed by index, and a map with keys `0..n` arrives as an array.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_with::de::DeserializeAsWrap;
use serde_with::{DeserializeAs, Same};

/// A `Vec<T>` from a JSON array, from an object (its values in order: `{"0": a, "2": b}`), or from
/// `null`. Items decode through `U` (`wire::List<wire::Int>`). Nothing is buffered, so an error deep
/// inside still names its path, and every key stays visible to
/// readers that track unread keys (`serde_ignored`).
pub struct List<U = Same>(PhantomData<U>);

/// A `BTreeMap<String, T>` from a JSON object, from an array (keys `"0"`, `"1"`, … as PHP numbers a
/// list), or from `null`. Values decode through `U`.
pub struct Map<U = Same>(PhantomData<U>);

impl<'de, T, U: DeserializeAs<'de, T>> DeserializeAs<'de, Vec<T>> for List<U> {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_any(Collect::<Vec<T>, T, U>(PhantomData))
    }
}

impl<'de, T, U: DeserializeAs<'de, T>> DeserializeAs<'de, BTreeMap<String, T>> for Map<U> {
    fn deserialize_as<D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<String, T>, D::Error> {
        deserializer.deserialize_any(Collect::<BTreeMap<String, T>, T, U>(PhantomData))
    }
}

/// What both shapes collect into: a key (from an object, or an array's index) and a value.
trait Collection<T>: Default {
    const EXPECTING: &'static str;
    fn put(&mut self, key: String, value: T);
}

impl<T> Collection<T> for Vec<T> {
    const EXPECTING: &'static str = "a list: an array, an object of items, or null";
    fn put(&mut self, _key: String, value: T) {
        self.push(value);
    }
}

impl<T> Collection<T> for BTreeMap<String, T> {
    const EXPECTING: &'static str = "a map: an object, an array, or null";
    fn put(&mut self, key: String, value: T) {
        self.insert(key, value);
    }
}

/// The visitor for both: `T` decoded through `U`, collected into `C`.
struct Collect<C, T, U>(PhantomData<Types<C, T, U>>);

/// The empty collection for a scalar that stands for "nothing"; any other scalar is an error.
fn none<C: Collection<T>, T, E: de::Error>(unexpected: de::Unexpected<'_>) -> Result<C, E> {
    if super::stands_for_none(unexpected) {
        Ok(C::default())
    } else {
        Err(E::invalid_type(unexpected, &C::EXPECTING))
    }
}

/// Names the visitor's types without owning values of them (so it is `Send` whatever they are).
type Types<C, T, U> = fn() -> (C, T, U);

impl<'de, T, C: Collection<T>, U: DeserializeAs<'de, T>> Visitor<'de> for Collect<C, T, U> {
    type Value = C;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(C::EXPECTING)
    }

    fn visit_unit<E: de::Error>(self) -> Result<C, E> {
        Ok(C::default())
    }

    fn visit_none<E: de::Error>(self) -> Result<C, E> {
        Ok(C::default())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<C, E> {
        none::<C, T, E>(de::Unexpected::Bool(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<C, E> {
        none::<C, T, E>(de::Unexpected::Str(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<C, A::Error> {
        let mut out = C::default();
        let mut index = 0usize;
        while let Some(value) = seq.next_element::<DeserializeAsWrap<T, U>>()? {
            out.put(index.to_string(), value.into_inner());
            index += 1;
        }
        Ok(out)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<C, A::Error> {
        let mut out = C::default();
        while let Some((key, value)) = map.next_entry::<String, DeserializeAsWrap<T, U>>()? {
            out.put(key, value.into_inner());
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_with::serde_as;

    use crate::wire;

    #[serde_as]
    #[derive(Debug, Deserialize, PartialEq)]
    struct Shapes {
        #[serde_as(as = "wire::List<wire::Int>")]
        list: Vec<i64>,
        #[serde_as(as = "wire::Map<wire::Bool>")]
        map: BTreeMap<String, bool>,
    }

    fn decode(json: &str) -> Shapes {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn php_arrays_decode_as_lists_and_maps_alike() {
        let empty = Shapes {
            list: vec![],
            map: BTreeMap::new(),
        };
        assert_eq!(decode(r#"{"list": [], "map": []}"#), empty);
        assert_eq!(decode(r#"{"list": {}, "map": {}}"#), empty);
        assert_eq!(decode(r#"{"list": null, "map": null}"#), empty);
        assert_eq!(decode(r#"{"list": false, "map": ""}"#), empty);
        let full = decode(r#"{"list": {"0": "5", "3": 7}, "map": ["Y", false]}"#);
        assert_eq!(full.list, vec![5, 7]);
        assert_eq!(
            full.map,
            BTreeMap::from([("0".to_owned(), true), ("1".to_owned(), false)])
        );
        let object = decode(r#"{"list": [1], "map": {"103": false, "27": "Y"}}"#);
        assert_eq!(
            object.map,
            BTreeMap::from([("103".to_owned(), false), ("27".to_owned(), true)])
        );
    }

    #[test]
    fn a_scalar_that_is_not_nothing_is_refused() {
        let err = serde_json::from_str::<Shapes>(r#"{"list": true, "map": {}}"#).unwrap_err();
        assert!(err.to_string().contains("expected a list"), "{err}");
    }

    #[test]
    fn a_bad_item_names_its_path() {
        let err = serde_path_to_error::deserialize::<_, Shapes>(
            &mut serde_json::Deserializer::from_str(r#"{"list": [1, "x"], "map": {}}"#),
        )
        .unwrap_err();
        assert_eq!(err.path().to_string(), "list[1]");
    }
}
