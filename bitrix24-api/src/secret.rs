//! Secrets that cannot leak through `Debug`, `Display` or logs.

use std::fmt;

/// A credential (webhook code, token, client secret, application token). It has no `Display`, and its
/// `Debug` prints a placeholder, so that it cannot end up in logs or error messages by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The credential itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Generated types may hold tokens (the `auth` block of an event) as `Secret`.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// Replaces every occurrence of a secret in `text` by `***`. Used on server text we keep in errors
/// (an error page may echo the request URL, which holds a webhook code).
pub(crate) fn redact<'a>(text: &str, secrets: impl IntoIterator<Item = &'a Secret>) -> String {
    let mut text = text.to_owned();
    for secret in secrets {
        // Very short values would redact ordinary words; real codes and tokens are long.
        if secret.0.len() >= 6 {
            text = text.replace(&secret.0, "***");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_value() {
        let s = Secret::new("8g9l071eismy9q2l");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(s.expose(), "8g9l071eismy9q2l");
    }

    #[test]
    fn deserializes_from_a_string_and_still_hides_it() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Auth {
            access_token: Secret,
        }
        let auth: Auth = serde_json::from_str(r#"{"access_token": "tok-0123456789"}"#).unwrap();
        assert_eq!(auth.access_token.expose(), "tok-0123456789");
        assert!(!format!("{auth:?}").contains("tok-0123456789"));
    }

    #[test]
    fn redact_replaces_every_occurrence() {
        let s = Secret::new("8g9l071eismy9q2l");
        let page = "<p>/rest/1/8g9l071eismy9q2l/x failed; 8g9l071eismy9q2l</p>";
        assert_eq!(redact(page, [&s]), "<p>/rest/1/***/x failed; ***</p>");
    }
}
