//! Lenient wire types: what the portal actually sends, decoded into plain Rust types.
//!
//! Bitrix24 is written in PHP, and its JSON shows it: ids arrive as strings, booleans as `"Y"`/`"N"`,
//! empty dates as `false`, and an empty object as `[]`. Generated code keeps plain field types (`i64`,
//! `bool`, `Option<String>`) and names one of these adapters with `serde_with`:
//!
//! ```
//! use bitrix24_api::wire;
//! use serde_with::serde_as;
//!
//! #[serde_as]
//! #[derive(serde::Deserialize)]
//! struct Session {
//!     #[serde_as(as = "wire::Int")]
//!     id: i64,
//!     #[serde_as(as = "wire::Bool")]
//!     closed: bool,
//!     #[serde_as(as = "Option<Vec<wire::Int>>")]
//!     queue: Option<Vec<i64>>,
//! }
//!
//! let s: Session = serde_json::from_str(r#"{"id": "17", "closed": "N", "queue": [1, "2"]}"#).unwrap();
//! assert_eq!((s.id, s.closed, s.queue), (17, false, Some(vec![1, 2])));
//! ```
//!
//! `Option<T>` with `#[serde(default)]` (added by `serde_as` for `Option` fields) covers both `null` and an
//! absent key; no adapter is needed for that.

use serde::de;

mod boolean;
mod collections;
mod empty;
mod int_or_str;
mod number;
#[cfg(feature = "schemars")]
mod schema;
mod text;
mod values;
mod wrapped;

pub use boolean::Bool;
pub use collections::{List, Map};
pub use empty::EmptyAsDefault;
pub use int_or_str::IntOrStr;
pub use number::{Float, Int};
/// The adapter of a value that decodes as it stands (a method's `result` that needs no leniency).
pub use serde_with::Same;
pub use text::{DateTime, Str};
pub use wrapped::MaybeWrapped;

/// Whether a scalar the portal sent stands for "nothing" where an object or a list belongs: PHP's `false`
/// and `""`, and the text `undefined` that the task events send for a snapshot they do not have.
fn stands_for_none(unexpected: de::Unexpected<'_>) -> bool {
    matches!(
        unexpected,
        de::Unexpected::Bool(false) | de::Unexpected::Str("" | "undefined")
    )
}
