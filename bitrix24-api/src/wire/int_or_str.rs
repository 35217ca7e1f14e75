//! A request value the docs type `string|integer`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A value the docs allow as either an integer or a string, such as a transfer target (an employee's
/// ID, or `queue12` for a line's queue). It goes over the wire as given, so the portal sees what was meant.
///
/// ```
/// use bitrix24_api::wire::IntOrStr;
///
/// assert_eq!(serde_json::to_string(&IntOrStr::from(27)).unwrap(), "27");
/// assert_eq!(serde_json::to_string(&IntOrStr::from("queue12")).unwrap(), r#""queue12""#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IntOrStr {
    /// Sent as a JSON number.
    Int(i64),
    /// Sent as a JSON string.
    Str(String),
}

impl From<i64> for IntOrStr {
    fn from(value: i64) -> Self {
        IntOrStr::Int(value)
    }
}

impl From<&str> for IntOrStr {
    fn from(value: &str) -> Self {
        IntOrStr::Str(value.to_owned())
    }
}

impl From<String> for IntOrStr {
    fn from(value: String) -> Self {
        IntOrStr::Str(value)
    }
}

impl fmt::Display for IntOrStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrStr::Int(n) => write!(f, "{n}"),
            IntOrStr::Str(s) => f.write_str(s),
        }
    }
}
