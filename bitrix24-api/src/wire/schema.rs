//! JSON Schemas of the wire adapters (the `schemars` feature): what each one sends and accepts, so that
//! a generated type's schema describes the JSON on the wire, not the Rust value.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_with::schemars_1::JsonSchemaAs;

use super::{Bool, DateTime, EmptyAsDefault, Float, Int, IntOrStr, List, Map, MaybeWrapped, Str};

/// A schema built from a fixed JSON value, inlined where it is used.
macro_rules! fixed_schema {
    ($adapter:ty => $target:ty, $name:literal, $schema:tt) => {
        impl JsonSchemaAs<$target> for $adapter {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> Cow<'static, str> {
                $name.into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

fixed_schema!(Int => i64, "Int", {
    "description": "An integer, or a string holding one.",
    "anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^-?[0-9]+$"}]
});
fixed_schema!(Float => f64, "Float", {
    "description": "A number, or a string holding one.",
    "anyOf": [{"type": "number"}, {"type": "string"}]
});
fixed_schema!(Bool => bool, "Bool", {
    "description": "A boolean, as `true`/`false`, `Y`/`N`, `1`/`0` or `\"\"` (no).",
    "anyOf": [
        {"type": "boolean"},
        {"enum": ["Y", "N", "y", "n", "1", "0", "true", "false", ""]},
        {"enum": [0, 1]}
    ]
});
fixed_schema!(Str => String, "Str", {
    "description": "A string; a number stands for its text.",
    "type": ["string", "number"]
});
fixed_schema!(DateTime => Option<String>, "DateTime", {
    "description": "A date-time string; `\"\"`, `false`, `{}` and `null` stand for no date.",
    "anyOf": [
        {"type": "string"},
        {"const": false},
        {"type": "object", "maxProperties": 0},
        {"type": "null"}
    ]
});

impl JsonSchema for IntOrStr {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "IntOrStr".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": ["integer", "string"]})
    }
}

/// The item schema of an adapter `U` for `T`.
fn inner<T, U: JsonSchemaAs<T>>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<serde_with::Schema<T, U>>()
}

impl<T, U: JsonSchemaAs<T>> JsonSchemaAs<Vec<T>> for List<U> {
    fn schema_name() -> Cow<'static, str> {
        format!("List_of_{}", U::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let item = inner::<T, U>(generator);
        json_schema!({
            "description": "A list; PHP may send one with gaps as an object keyed by index.",
            "anyOf": [
                {"type": "array", "items": item},
                {"type": "object", "additionalProperties": item}
            ]
        })
    }
}

impl<T, U: JsonSchemaAs<T>> JsonSchemaAs<std::collections::BTreeMap<String, T>> for Map<U> {
    fn schema_name() -> Cow<'static, str> {
        format!("Map_of_{}", U::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let value = inner::<T, U>(generator);
        json_schema!({
            "description": "A map; PHP sends an empty one as `[]`.",
            "anyOf": [
                {"type": "object", "additionalProperties": value},
                {"type": "array", "items": value}
            ]
        })
    }
}

impl<T, U: JsonSchemaAs<T>> JsonSchemaAs<T> for EmptyAsDefault<U> {
    fn schema_name() -> Cow<'static, str> {
        format!("OrEmpty_{}", U::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let value = inner::<T, U>(generator);
        json_schema!({
            "anyOf": [
                value,
                {"type": "array", "maxItems": 0},
                {"enum": [false, "", "undefined", null]}
            ]
        })
    }
}

impl<T, U: JsonSchemaAs<T>> JsonSchemaAs<T> for MaybeWrapped<U> {
    fn schema_name() -> Cow<'static, str> {
        format!("MaybeWrapped_{}", U::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let value = inner::<T, U>(generator);
        json_schema!({
            "anyOf": [
                value,
                {
                    "type": "object",
                    "properties": {"result": value},
                    "required": ["result"],
                    "additionalProperties": false
                }
            ]
        })
    }
}
