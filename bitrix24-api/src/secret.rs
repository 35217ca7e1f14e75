//! Secrets that cannot leak through `Debug`, `Display` or logs.

use std::borrow::Cow;
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

/// A credential is a string on the wire.
#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Secret {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Secret".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "writeOnly": true})
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
/// The text is copied only when it holds a secret, so that a large body costs nothing extra.
pub(crate) fn redact<'t, 'a>(
    text: &'t str,
    secrets: impl IntoIterator<Item = &'a Secret>,
) -> Cow<'t, str> {
    let mut text = Cow::Borrowed(text);
    for secret in secrets {
        // Very short values would redact ordinary words; real codes and tokens are long.
        if secret.0.len() >= 6 && text.contains(secret.0.as_str()) {
            text = Cow::Owned(text.replace(&secret.0, "***"));
        }
    }
    text
}

/// Query and fragment keys whose values are credentials wherever they appear (`auth`, `access_token`,
/// `refresh_token`, `client_secret`, `code`, `application_token`, also inside brackets).
const CREDENTIAL_KEYS: [&str; 6] = [
    "auth",
    "access_token",
    "refresh_token",
    "client_secret",
    "code",
    "application_token",
];

/// Redacts a redirect's `Location`: the secrets the client holds, the code segment of a webhook path
/// (`/rest/{user}/{code}/…`, which may be another webhook's), and credential values in the query or
/// fragment (an OAuth server may put tokens there).
pub(crate) fn redact_location<'a>(
    location: &str,
    secrets: impl IntoIterator<Item = &'a Secret>,
) -> String {
    let location = redact(location, secrets);
    let (rest, fragment) = split_off(&location, '#');
    let (path, query) = split_off(rest, '?');
    let mut segments: Vec<&str> = path.split('/').collect();
    if let Some(at) = segments.iter().position(|s| *s == "rest")
        && let [user, code, ..] = &mut segments[at + 1..]
        && !user.is_empty()
        && user.bytes().all(|b| b.is_ascii_digit())
        && !code.is_empty()
    {
        *code = "***";
    }
    let mut out = segments.join("/");
    for (mark, part) in [('?', query), ('#', fragment)] {
        if let Some(part) = part {
            out.push(mark);
            out.push_str(&redact_pairs(part));
        }
    }
    out
}

fn split_off(text: &str, mark: char) -> (&str, Option<&str>) {
    match text.split_once(mark) {
        Some((before, after)) => (before, Some(after)),
        None => (text, None),
    }
}

/// `a=1&access_token=x` → `a=1&access_token=***`; keys are compared unescaped and case-insensitively.
fn redact_pairs(pairs: &str) -> String {
    pairs
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if is_credential(key) => format!("{key}=***"),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn is_credential(key: &str) -> bool {
    let key = percent_encoding::percent_decode_str(key).decode_utf8_lossy();
    let innermost = key
        .trim_end_matches(']')
        .rsplit(['[', ']'])
        .next()
        .unwrap_or_default();
    CREDENTIAL_KEYS
        .iter()
        .any(|c| c.eq_ignore_ascii_case(&key) || c.eq_ignore_ascii_case(innermost))
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
    fn redirect_locations_lose_webhook_codes_and_tokens() {
        let held = Secret::new("held-token-0123456789");
        for (location, shown) in [
            (
                "https://moved.example/rest/1/unknown-code-42/imopenlines.session.open?x=1",
                "https://moved.example/rest/1/***/imopenlines.session.open?x=1",
            ),
            ("/rest/12/c0de/", "/rest/12/***/"),
            (
                "/rest/imopenlines.session.open",
                "/rest/imopenlines.session.open",
            ),
            (
                "https://a.example/cb?state=s&access_token=abc&auth%5Brefresh_token%5D=def#code=xyz",
                "https://a.example/cb?state=s&access_token=***&auth%5Brefresh_token%5D=***#code=***",
            ),
            (
                "https://a.example/x?note=held-token-0123456789",
                "https://a.example/x?note=***",
            ),
        ] {
            assert_eq!(redact_location(location, [&held]), shown);
        }
    }

    #[test]
    fn redact_replaces_every_occurrence() {
        let s = Secret::new("8g9l071eismy9q2l");
        let page = "<p>/rest/1/8g9l071eismy9q2l/x failed; 8g9l071eismy9q2l</p>";
        assert_eq!(redact(page, [&s]), "<p>/rest/1/***/x failed; ***</p>");
    }
}
