//! An incoming webhook: `https://{portal}/rest/{user_id}/{code}/`.

use std::fmt;

use reqwest::Url;

use super::endpoint;
use crate::client::BuildError;
use crate::secret::Secret;

/// A parsed webhook URL. The code is a password: it never appears in `Debug`.
pub(crate) struct Webhook {
    base: Url,
    user: String,
    code: Secret,
}

impl Webhook {
    pub fn parse(url: &str, allow_http: bool) -> Result<Self, BuildError> {
        // The parse error of a URL holding a code must not echo it, so the reason stays generic.
        let mut base = endpoint("webhook URL", url, allow_http).map_err(|e| match e {
            BuildError::InvalidUrl { what, .. } => BuildError::InvalidUrl {
                what,
                reason: "not a URL".into(),
            },
            other => other,
        })?;
        let shape = || BuildError::InvalidUrl {
            what: "webhook URL",
            reason: "expected https://{portal}/rest/{user_id}/{code}/".into(),
        };
        let segments: Vec<String> = base
            .path_segments()
            .ok_or_else(shape)?
            .map(str::to_owned)
            .collect();
        let (user, code) = match segments.as_slice() {
            [rest, user, code] | [rest, user, code, _]
                if rest == "rest" && !user.is_empty() && !code.is_empty() =>
            {
                (user.clone(), code.clone())
            }
            _ => return Err(shape()),
        };
        if segments.len() == 4 && !segments[3].is_empty() {
            return Err(shape());
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(shape());
        }
        base.set_path(&format!("/rest/{user}/{code}/"));
        Ok(Self {
            base,
            user,
            code: Secret::new(code),
        })
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    /// `https://{portal}/rest/api/{user_id}/{code}/`, where REST 3.0 methods are called.
    pub fn base_v3(&self) -> Url {
        let mut base = self.base.clone();
        base.set_path(&format!("/rest/api/{}/{}/", self.user, self.code.expose()));
        base
    }

    pub fn code(&self) -> &Secret {
        &self.code
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("portal", &self.base.host_str().unwrap_or_default())
            .field("user", &self.user)
            .field("code", &self.code)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "8g9l071eismy9q2l";

    #[test]
    fn parses_with_or_without_the_trailing_slash() {
        for url in [
            format!("https://b24.example.com/rest/1/{CODE}/"),
            format!("https://b24.example.com/rest/1/{CODE}"),
        ] {
            let hook = Webhook::parse(&url, false).unwrap();
            assert_eq!(
                hook.base().as_str(),
                format!("https://b24.example.com/rest/1/{CODE}/")
            );
            assert_eq!(
                hook.base_v3().as_str(),
                format!("https://b24.example.com/rest/api/1/{CODE}/")
            );
            assert_eq!(hook.code().expose(), CODE);
        }
    }

    #[test]
    fn debug_shows_the_portal_but_not_the_code() {
        let hook =
            Webhook::parse(&format!("https://b24.example.com/rest/7/{CODE}/"), false).unwrap();
        let debug = format!("{hook:?}");
        assert!(
            debug.contains("b24.example.com") && debug.contains("\"7\""),
            "{debug}"
        );
        assert!(!debug.contains(CODE), "{debug}");
    }

    #[test]
    fn https_is_required_unless_allowed() {
        let url = format!("http://127.0.0.1:8080/rest/1/{CODE}/");
        assert!(matches!(
            Webhook::parse(&url, false),
            Err(BuildError::HttpsRequired { .. })
        ));
        assert!(Webhook::parse(&url, true).is_ok());
    }

    #[test]
    fn rejects_other_shapes_without_echoing_the_code() {
        for url in [
            format!("https://b24.example.com/api/1/{CODE}/"),
            "https://b24.example.com/rest/1/".to_owned(),
            format!("https://b24.example.com/rest/1/{CODE}/crm.deal.list"),
            format!("https://b24.example.com/rest/1/{CODE}/?x=1"),
            format!("b24.example.com/rest/1/{CODE}/"),
        ] {
            let err = Webhook::parse(&url, false).unwrap_err().to_string();
            assert!(!err.contains(CODE), "{err}");
        }
    }
}
