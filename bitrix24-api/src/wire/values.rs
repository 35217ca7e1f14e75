//! Enums of the values a page documents for a field.

/// Implements the wire side of an enum of documented string values: `as_str`, `From<&str>`,
/// `Display`, and serde both ways. Values the docs do not list arrive as the enum's
/// `Unknown(String)` variant, so a new value on the platform never breaks decoding. Decoding is
/// lenient like [`wire::Str`](crate::wire::Str): a number arrives as its text.
///
/// ```
/// #[derive(Debug, Clone, PartialEq, Eq, Hash)]
/// #[non_exhaustive]
/// pub enum QueueType { Evenly, Strictly, Unknown(String) }
/// bitrix24_api::documented_values!(QueueType { Evenly = "evenly", Strictly = "strictly" });
///
/// let parsed: Vec<QueueType> = serde_json::from_str(r#"["strictly", "round_robin"]"#).unwrap();
/// assert_eq!(parsed, [QueueType::Strictly, QueueType::Unknown("round_robin".into())]);
/// assert_eq!(serde_json::to_string(&QueueType::Evenly).unwrap(), r#""evenly""#);
/// ```
#[macro_export]
macro_rules! documented_values {
    ($name:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        impl $name {
            /// The value as it goes over the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(other) => other,
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            /// The documented values; the portal may send others, which decode as `Unknown`.
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({"type": "string", "enum": [$($wire),*]})
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let raw: String =
                    <$crate::wire::Str as ::serde_with::DeserializeAs<'de, String>>::deserialize_as(deserializer)?;
                Ok(Self::from(raw.as_str()))
            }
        }
    };
}
